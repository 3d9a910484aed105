/*
 * store_migrate.c - schema versions per module, and the store's meta table.
 * Backend-neutral: written against store.h only.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

static const char store_base_sql[] =
	"CREATE TABLE IF NOT EXISTS store_migrations ("
	" module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
	" PRIMARY KEY (module, version));"
	"CREATE TABLE IF NOT EXISTS store_meta ("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL);";

int store_schema_version(struct store *st, const char *module, struct c2c_err *err)
{
	struct store_stmt *s;
	int v = 0, rc;

	if ((rc = store_exec(st, store_base_sql, err)))
		return rc;
	if ((rc = store_prepare(st, "SELECT COALESCE(MAX(version), 0) FROM store_migrations WHERE module = ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, module);
	rc = store_step(s, err);
	if (rc == 1)
		v = (int)store_col_int(s, 0);
	store_finalize(s);
	return rc < 0 ? rc : v;
}

int store_migrate(struct store *st, const char *module, const struct store_migration *m,
		  size_t n, int *applied, struct c2c_err *err)
{
	int have = store_schema_version(st, module, err), rc;
	struct store_stmt *s;

	*applied = 0;
	if (have < 0)
		return have;
	for (size_t i = 0; i < n; i++) {
		if (m[i].version <= have)
			continue;
		if ((rc = store_begin(st, err)))
			return rc;
		if ((rc = store_exec(st, m[i].sql, err)))
			goto fail;
		if ((rc = store_prepare(st, "INSERT INTO store_migrations (module, version, name) VALUES (?, ?, ?)",
					&s, err)))
			goto fail;
		store_bind_text(s, 1, module);
		store_bind_int(s, 2, m[i].version);
		store_bind_text(s, 3, m[i].name);
		rc = store_step(s, err);
		store_finalize(s);
		if (rc < 0)
			goto fail;
		if ((rc = store_commit(st, err)))
			goto fail;
		(*applied)++;
	}
	return 0;
fail:
	store_rollback(st);
	c2c_err_prefix(err, "migration %s %d (%s)", module, m[*applied].version, m[*applied].name);
	return rc;
}

int store_meta_get(struct store *st, const char *key, char *buf, size_t len,
		   struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_exec(st, store_base_sql, err)))
		return rc;
	if ((rc = store_prepare(st, "SELECT value FROM store_meta WHERE key = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, key);
	rc = store_step(s, err);
	if (rc == 1) {
		snprintf(buf, len, "%s", store_col_text(s, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = C2C_ENOTFOUND;
	}
	store_finalize(s);
	return rc;
}

int store_meta_set(struct store *st, const char *key, const char *value,
		   struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "INSERT INTO store_meta (key, value) VALUES (?, ?) "
				    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				&s, err)))
		return rc;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	rc = store_step(s, err);
	store_finalize(s);
	return rc < 0 ? rc : 0;
}
