/*
 * store_migrate.c - schema versions per module, the store's meta table, and
 * the one check that loads a module's built-in data again when it changed.
 * Backend-neutral: written against store.h only.
 */
#include "store.h"

#include <sodium.h>
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
	long long v = 0;
	int rc;

	if ((rc = store_exec(st, store_base_sql, err)))
		return rc;
	rc = store_query_int_args(st, "SELECT COALESCE(MAX(version), 0) FROM store_migrations WHERE module = ?",
				  STORE_ARGS(store_text(module)), &v, err);
	return rc < 0 ? rc : (int)v;
}

struct migration_step {
	const char *module;
	const struct store_migration *m;
};

static int migration_step(struct store *st, void *ctx, struct c2c_err *err)
{
	const struct migration_step *ms = ctx;
	int rc;

	if ((rc = store_exec(st, ms->m->sql, err)))
		return rc;
	return store_exec_args(st, "INSERT INTO store_migrations (module, version, name) VALUES (?, ?, ?)",
			       STORE_ARGS(store_text(ms->module), store_int(ms->m->version),
					  store_text(ms->m->name)),
			       err);
}

int store_migrate(struct store *st, const char *module, const struct store_migration *m,
		  size_t n, int *applied, struct c2c_err *err)
{
	int have = store_schema_version(st, module, err), rc;

	*applied = 0;
	if (have < 0)
		return have;
	for (size_t i = 0; i < n; i++) {
		struct migration_step ms = {module, &m[i]};
		if (m[i].version <= have)
			continue;
		/* store_tx nests: inside the caller's transaction (c2c init) the
		 * step is part of it, else it is one of its own */
		if ((rc = store_tx(st, NULL, migration_step, &ms, err))) {
			c2c_err_prefix(err, "migration %s %d (%s)", module, m[i].version, m[i].name);
			return rc;
		}
		(*applied)++;
	}
	return 0;
}

/* SHA-256 over every file's name and bytes; the first 8 bytes in hex. */
static void builtin_fingerprint(const struct store_builtin *b, char out[17])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];
	const char *name, *data;
	size_t len;

	crypto_hash_sha256_init(&h);
	for (size_t i = 0; (data = b->file(i, &name, &len)); i++) {
		crypto_hash_sha256_update(&h, (const unsigned char *)name, strlen(name) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)data, len);
	}
	crypto_hash_sha256_final(&h, d);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

struct builtin_step {
	const struct store_builtin *b;
	struct store_builtin_report *rep;
};

static int builtin_step(struct store *st, void *ctx, struct c2c_err *err)
{
	struct builtin_step *bs = ctx;
	int rc;

	bs->rep->rows = 0;
	if ((rc = bs->b->load(st, &bs->rep->rows, err)))
		return rc;
	return store_meta_set(st, bs->b->key, bs->rep->fingerprint, err);
}

int store_builtin_load(struct store *st, const struct store_builtin *b, int force,
		       struct store_builtin_report *rep, struct c2c_err *err)
{
	struct builtin_step bs = {b, rep};
	char have[64];
	int rc;

	memset(rep, 0, sizeof(*rep));
	builtin_fingerprint(b, rep->fingerprint);
	rc = store_meta_get(st, b->key, have, sizeof(have), err);
	if (rc && rc != C2C_ENOTFOUND)
		return rc;
	if (!rc && !force && !strcmp(have, rep->fingerprint))
		return 0; /* the same data is in already */
	if ((rc = store_tx(st, NULL, builtin_step, &bs, err)))
		return rc;
	rep->loaded = 1;
	return 0;
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
	return store_exec_args(st, "INSERT INTO store_meta (key, value) VALUES (?, ?) "
				   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			       STORE_ARGS(store_text(key), store_text(value)), err);
}
