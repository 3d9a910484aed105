/*
 * cmd_db.c - `c2c db migrate --from sqlite:FILE --to postgresql://...`: a
 * whole database from the embedded SQLite store onto a PostgreSQL server
 * (issue 9), for the office that outgrows one file.
 *
 * The target gets its schema from the list of modules (modules.c), as `c2c
 * init` would make it, then every table's rows in one transaction, in the
 * order the tables were created (a referenced table before the one that
 * references it).  Before that transaction commits, every table's row
 * count is compared on both sides and every module's proof (the registry's
 * hash chain, replay, invariants) is run on the target: a copy that does
 * not verify is rolled back and leaves the target as it was.
 *
 * `c2c db backup FILE` and `c2c db restore FILE` (issue 16): a copy of the
 * live SQLite database made while `serve` keeps writing, with the
 * registry's journal head of that very copy printed to be kept elsewhere,
 * and a database put back from such a copy once it is proved.
 */
#include "subcmd.h"
#include "core/json.h"
#include "modules.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

/* Progress on a terminal only: a script's output stays the table. */
struct progress {
	int tty;
	long long total;
};

static void show_progress(void *arg, const char *table, long long done)
{
	struct progress *p = arg;
	if (p->tty)
		fprintf(stderr, "\r  copying %-30s %lld/%lld rows", table, done, p->total);
}

static int find_table(const struct store_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return (int)i;
	return -1;
}

/* The schema versions of `st`: a JSON object module -> version. */
static int schema_versions(struct store *st, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	*out = json_object();
	if ((rc = store_prepare(st, "SELECT \"module\", MAX(\"version\") FROM store_migrations GROUP BY \"module\"",
				&s, err)))
		goto fail;
	while ((rc = store_step(s, err)) == 1)
		json_object_set_new(*out, store_col_text(s, 0), json_integer(store_col_int(s, 1)));
	store_finalize(s);
	if (rc >= 0)
		return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

/* Refuse a target that holds any row: a copy adds to nothing.  A target
 * with c2c's tables and no rows (an earlier copy that was rolled back, or
 * a schema made ahead) is empty. */
static int check_empty_target(struct store *dst, const char *url, struct c2c_err *err)
{
	struct store_table *t;
	size_t n, full = 0;
	long long total = 0;
	char first[160] = "";
	int rc;

	if ((rc = store_tables(dst, &t, &n, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		long long rows;
		if (!strcmp(t[i].name, "store_migrations"))
			continue;
		if ((rows = store_count_rows(dst, t[i].name, err)) < 0) {
			store_tables_free(t, n);
			return C2C_EDB;
		}
		if (rows > 0 && !full++)
			snprintf(first, sizeof(first), "%s", t[i].name);
		total += rows;
	}
	store_tables_free(t, n);
	if (!full)
		return 0;
	c2c_err_set(err, C2C_ECONFLICT, "%s is not empty: %lld row%s in %zu table%s (%s, ...);"
		    " db migrate copies into an empty database only", url, total, total == 1 ? "" : "s",
		    full, full == 1 ? "" : "s", first);
	c2c_err_hint(err, "create an empty database for the copy (createdb NAME) and give its URL to --to");
	return C2C_ECONFLICT;
}

/* Every module the source has must be at the version this c2c makes:
 * the two schemas are then the same, column for column. */
static int check_versions(json_t *src, json_t *dst, const char *path, struct c2c_err *err)
{
	const char *module;
	json_t *v;

	json_object_foreach(src, module, v) {
		json_int_t have = json_integer_value(v), want = json_integer_value(json_object_get(dst, module));
		if (have == want)
			continue;
		if (have < want) {
			c2c_err_set(err, C2C_ECONFLICT, "%s: module %s is at schema version %lld, this c2c makes %lld",
				    path, module, (long long)have, (long long)want);
			c2c_err_hint(err, "bring the file up to date first: c2c --db %s init", path);
		} else {
			c2c_err_set(err, C2C_ECONFLICT, "%s: module %s is at schema version %lld, newer than this c2c (%lld)",
				    path, module, (long long)have, (long long)want);
			c2c_err_hint(err, "run db migrate with the c2c that last wrote the file");
		}
		return C2C_ECONFLICT;
	}
	return 0;
}

/* The source's columns of `table` must be the target's, in any order. */
static int same_columns(char **a, size_t na, char **b, size_t nb, const char *table, struct c2c_err *err)
{
	for (size_t i = 0; i < na; i++) {
		size_t j = 0;
		while (j < nb && strcmp(a[i], b[j]))
			j++;
		if (j == nb)
			return c2c_err_set(err, C2C_ECONFLICT, "table %s: column %s is not on the target", table, a[i]);
	}
	if (na != nb)
		return c2c_err_set(err, C2C_ECONFLICT, "table %s: the target has %zu columns, the source %zu",
				   table, nb, na);
	return 0;
}

/* Copy one table; append {table, source_rows, target_rows} to `rows`. */
static int copy_table(struct store *src, struct store *dst, const char *table, struct progress *pr,
		      json_t *rows, long long *total, struct c2c_err *err)
{
	char **sc = NULL, **dc = NULL;
	size_t ns = 0, nd = 0;
	long long copied = 0, in_src, in_dst;
	int rc;

	if ((rc = store_columns(src, table, &sc, &ns, err)) || (rc = store_columns(dst, table, &dc, &nd, err)))
		goto out;
	if ((rc = same_columns(sc, ns, dc, nd, table, err)))
		goto out;
	if ((pr->total = in_src = store_count_rows(src, table, err)) < 0) {
		rc = C2C_EDB;
		goto out;
	}
	rc = store_copy_rows(src, dst, table, sc, ns, show_progress, pr, &copied, err);
	if (pr->tty)
		fprintf(stderr, "\r\033[K");
	if (rc)
		goto out;
	if ((in_dst = store_count_rows(dst, table, err)) < 0) {
		rc = C2C_EDB;
		goto out;
	}
	if (in_dst != in_src || copied != in_src) {
		rc = c2c_err_set(err, C2C_EINTERNAL, "table %s: %lld rows in the source, %lld copied, %lld on the target",
				 table, in_src, copied, in_dst);
		goto out;
	}
	json_array_append_new(rows, json_pack("{s:s, s:I, s:I}", "table", table, "source_rows", (json_int_t)in_src,
					      "target_rows", (json_int_t)in_dst));
	*total += in_dst;
out:
	store_columns_free(sc, ns);
	store_columns_free(dc, nd);
	return rc;
}

static int migrate(const char *path, const char *url, enum cli_format fmt, struct c2c_err *err)
{
	struct store *src = NULL, *dst = NULL;
	struct store_table *tables = NULL, *have = NULL;
	size_t ntables = 0, nhave = 0;
	struct progress pr = {isatty(STDERR_FILENO), 0};
	json_t *proofs = NULL, *reg, *sv = NULL, *dv = NULL, *rows = json_array(), *skipped = json_array(), *out;
	long long total = 0;
	char shown[512];
	struct timespec t0, t1;
	int rc, src_tx = 0, dst_tx = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	store_path_redacted(shown, sizeof(shown), url);
	if ((rc = store_open(&src, path, STORE_OPEN_EXISTING, err))) {
		c2c_err_prefix(err, "--from");
		if (rc == C2C_ENOTFOUND)
			c2c_err_hint(err, "--from names the SQLite file to copy; check its path");
		goto out;
	}
	/* Hold the source still: SQLite's write lock, so nothing written to the
	 * file during the copy can be missing from it. */
	if ((rc = store_begin(src, err)))
		goto out;
	src_tx = 1;
	if ((rc = store_tables(src, &tables, &ntables, err)))
		goto out;
	if (find_table(tables, ntables, "store_migrations") < 0) {
		rc = c2c_err_set(err, C2C_EINPUT, "%s: not a c2c database (it has no store_migrations table)", path);
		goto out;
	}
	if ((rc = schema_versions(src, &sv, err)))
		goto out;
	if ((rc = store_open(&dst, url, STORE_OPEN_CREATE, err))) {
		c2c_err_prefix(err, "--to");
		goto out;
	}
	if ((rc = check_empty_target(dst, shown, err)))
		goto out;
	if ((rc = cli_modules_schema(dst, err))) {
		c2c_err_prefix(err, "%s: creating the schema", shown);
		goto out;
	}
	if ((rc = schema_versions(dst, &dv, err)) || (rc = check_versions(sv, dv, path, err)))
		goto out;
	if ((rc = store_tables(dst, &have, &nhave, err)))
		goto out;
	if ((rc = store_begin(dst, err)))
		goto out;
	dst_tx = 1;
	for (size_t i = 0; i < ntables; i++) {
		const char *t = tables[i].name;
		if (!strcmp(t, "store_migrations")) /* the target's own migrations wrote it */
			continue;
		if (find_table(have, nhave, t) < 0) {
			if (!tables[i].is_virtual) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "table %s of %s has no place on the target", t, path);
				c2c_err_hint(err, "it is not one of c2c's tables: drop it from the file, or copy it yourself");
				goto out;
			}
			/* FTS5's vocabulary of the search index: derived, and
			 * PostgreSQL's trigram index takes its place. */
			json_array_append_new(skipped, json_pack("{s:s, s:s}", "table", t, "reason",
								 "a SQLite virtual table the target has no counterpart of"));
			continue;
		}
		if ((rc = copy_table(src, dst, t, &pr, rows, &total, err))) {
			c2c_err_prefix(err, "%s: the copy stopped, nothing was kept", shown);
			goto out;
		}
	}
	rc = cli_modules_verify(dst, &proofs, err);
	if (rc) {
		c2c_err_prefix(err, "%s: the copy does not verify, nothing was kept", shown);
		goto out;
	}
	if ((rc = store_commit(dst, err)))
		goto out;
	dst_tx = 0;
	/* Fresh statistics for the planner: the server has seen none of these
	 * rows (the target is always PostgreSQL: cmd_db checks --to). */
	if ((rc = store_exec(dst, "ANALYZE", err)))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	reg = json_object_get(proofs, "registry");
	if (fmt == FMT_JSON) {
		char *s;
		out = json_pack("{s:s, s:s, s:O, s:O, s:I, s:O}", "from", path, "to", shown, "tables", rows,
				"skipped", skipped, "rows", (json_int_t)total, "registry", reg);
		s = json_dumps(out, C2C_JSON_FLAGS);
		puts(s);
		free(s);
		json_decref(out);
	} else {
		size_t i;
		json_t *r;
		printf("%-32s %12s %12s\n", "table", store_backend(src), store_backend(dst));
		json_array_foreach(rows, i, r)
			printf("%-32s %12lld %12lld\n", json_string_value(json_object_get(r, "table")),
			       (long long)json_integer_value(json_object_get(r, "source_rows")),
			       (long long)json_integer_value(json_object_get(r, "target_rows")));
		json_array_foreach(skipped, i, r)
			printf("%-32s %12s   not copied: %s\n", json_string_value(json_object_get(r, "table")), "-",
			       json_string_value(json_object_get(r, "reason")));
		printf("copied %zu tables, %lld rows from %s to %s in %.1f s; every count equal\n",
		       json_array_size(rows), total, path, shown,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		printf("registry verified on the target: %lld journal entries, hash chain intact; %lld blocks\n",
		       (long long)json_integer_value(json_object_get(reg, "entries")),
		       (long long)json_integer_value(json_object_get(reg, "blocks")));
	}
out:
	if (dst_tx)
		store_rollback(dst);
	if (src_tx)
		store_rollback(src);
	store_tables_free(tables, ntables);
	store_tables_free(have, nhave);
	json_decref(proofs);
	json_decref(sv);
	json_decref(dv);
	json_decref(rows);
	json_decref(skipped);
	store_close(dst);
	store_close(src);
	return rc;
}

static int db_migrate(struct cli_run *r, struct c2c_err *err)
{
	const char *from = cli_opt(&r->a, "from"), *to = cli_opt(&r->a, "to");

	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "db migrate: unexpected argument '%s'", r->a.pos[0]);
	if (!from || !*from || !to || !*to)
		return c2c_err_set(err, C2C_EUSAGE, "db migrate: %s is required", !from || !*from ? "--from" : "--to");
	if (!strncmp(from, "sqlite:", 7))
		from += 7;
	if (!*from || store_is_pg_url(from))
		return c2c_err_set(err, C2C_EUSAGE,
				   "db migrate: --from %s: a SQLite file is copied (sqlite:FILE or a path)",
				   cli_opt(&r->a, "from"));
	if (!store_is_pg_url(to))
		return c2c_err_set(err, C2C_EUSAGE, "db migrate: --to %s: not a PostgreSQL URL", to);
	return migrate(from, to, r->fmt, err);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

struct head {
	int64_t seq;
	char hash[65];
};

/* Read in the backup's own snapshot: the head is the copy's, whatever
 * `serve` commits meanwhile. */
static int head_at_snapshot(struct store *st, void *ctx, struct c2c_err *err)
{
	struct head *h = ctx;
	return registry_head(st, &h->seq, h->hash, err);
}

/* Every module's proof on the database `path` and the registry's journal
 * reaching `h`: what makes a copy worth keeping.  *proofs gets the reports. */
static int prove_copy(const char *path, const struct head *h, json_t **proofs, struct c2c_err *err)
{
	struct store *st;
	int rc;

	*proofs = NULL;
	if ((rc = store_open(&st, path, STORE_OPEN_EXISTING, err)))
		return rc;
	rc = cli_modules_verify(st, proofs, err);
	if (!rc)
		rc = registry_verify_head(st, h->seq, h->hash, err);
	store_close(st);
	return rc;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, C2C_JSON_FLAGS);
	puts(s);
	free(s);
	json_decref(o);
}

static int db_backup(struct cli_run *r, struct c2c_err *err)
{
	struct head h = {0, ""};
	struct timespec t0;
	json_t *proofs = NULL, *reg;
	long long pages = 0;
	double took;
	int rc;

	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "db backup: give the FILE to write the copy to");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = store_backup(r->st, r->a.pos[0], head_at_snapshot, &h, &pages, err)))
		return rc;
	took = seconds_since(&t0);
	/* A copy nobody can restore is no backup: prove it now, while the
	 * source is still there to make another. */
	if ((rc = prove_copy(r->a.pos[0], &h, &proofs, err))) {
		c2c_err_prefix(err, "%s was written but does not verify", r->a.pos[0]);
		return rc;
	}
	reg = json_object_get(proofs, "registry");
	if (r->fmt == FMT_JSON) {
		char head[96];
		snprintf(head, sizeof(head), "%lld:%s", (long long)h.seq, h.hash);
		print_json(json_pack("{s:s, s:s, s:I, s:f, s:s, s:O}", "from", cli_db_path, "file", r->a.pos[0],
				     "pages", (json_int_t)pages, "seconds", took, "head", head, "registry", reg));
	} else {
		printf("backup of %s written to %s: %lld pages in %.2f s, as of one commit\n", cli_db_path,
		       r->a.pos[0], pages, took);
		printf("registry verified on the copy: %lld journal entries, %lld blocks\n",
		       (long long)json_integer_value(json_object_get(reg, "entries")),
		       (long long)json_integer_value(json_object_get(reg, "blocks")));
		printf("journal head of the copy (keep it elsewhere): %lld:%s\n", (long long)h.seq, h.hash);
	}
	json_decref(proofs);
	return 0;
}

static int db_restore(struct cli_run *r, struct c2c_err *err)
{
	const char *from, *head = cli_opt(&r->a, "head");
	struct head want = {0, ""}, got;
	struct store *st = NULL;
	struct stat sb;
	json_t *proofs = NULL, *reg;
	long long pages = 0;
	int rc;

	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "db restore: give the backup FILE to restore from");
	from = r->a.pos[0];
	if (head && registry_parse_head(head, &want.seq, want.hash))
		return c2c_err_set(err, C2C_EUSAGE, "--head: '%s' is not SEQ:HASH as `c2c db backup` prints it", head);
	if (store_is_pg_url(cli_db_path))
		return c2c_err_set(err, C2C_EUSAGE, "db restore: --db is a PostgreSQL server; use pg_restore (docs/store.md)");
	if (stat(cli_db_path, &sb) == 0 && !cli_opt(&r->a, "replace")) {
		c2c_err_set(err, C2C_ECONFLICT, "%s exists: restoring would replace everything in it", cli_db_path);
		c2c_err_hint(err, "restore into a new file (--db NEW.db), or give --replace to replace this one");
		return C2C_ECONFLICT;
	}
	/* Prove the backup before anything is replaced: its proof, and the
	 * head kept elsewhere when one is given. */
	if (!head) {
		struct store *b;
		if ((rc = store_open(&b, from, STORE_OPEN_EXISTING, err)))
			return rc;
		rc = registry_head(b, &want.seq, want.hash, err);
		store_close(b);
		if (rc)
			return rc;
	}
	if ((rc = prove_copy(from, &want, &proofs, err))) {
		c2c_err_prefix(err, "%s: nothing was restored", from);
		goto out;
	}
	if ((rc = store_open(&st, cli_db_path, STORE_OPEN_CREATE, err)) ||
	    (rc = store_restore(st, from, &pages, err)) || (rc = registry_head(st, &got.seq, got.hash, err)))
		goto out;
	if (got.seq != want.seq || strcmp(got.hash, want.hash)) {
		rc = c2c_err_set(err, C2C_EINTERNAL, "%s: after the restore the journal head is %lld, not %lld",
				 cli_db_path, (long long)got.seq, (long long)want.seq);
		goto out;
	}
	reg = json_object_get(proofs, "registry");
	if (r->fmt == FMT_JSON) {
		char h[96];
		snprintf(h, sizeof(h), "%lld:%s", (long long)got.seq, got.hash);
		print_json(json_pack("{s:s, s:s, s:I, s:s, s:O}", "from", from, "to", cli_db_path, "pages",
				     (json_int_t)pages, "head", h, "registry", reg));
	} else {
		printf("%s restored from %s: %lld pages; registry verified: %lld journal entries, %lld blocks\n",
		       cli_db_path, from, pages, (long long)json_integer_value(json_object_get(reg, "entries")),
		       (long long)json_integer_value(json_object_get(reg, "blocks")));
		printf("journal head %lld:%s%s\n", (long long)got.seq, got.hash,
		       head ? " (the head kept elsewhere)" : "");
	}
out:
	json_decref(proofs);
	store_close(st);
	return rc;
}

int cmd_db(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const opts[] = {"from", "to", "format", NULL};
	static const char *const o_backup[] = {"format", NULL};
	static const char *const o_restore[] = {"head", "format", NULL};
	static const char *const f_restore[] = {"replace", NULL};
	/* CLI_NO_DB: the two databases are named by --from and --to */
	static const struct cli_sub subs[] = {
		{"migrate", db_migrate, opts, NULL, CLI_NO_DB, 0,
		 "c2c db migrate --from sqlite:FILE --to postgresql://USER@HOST[:PORT]/DBNAME [--format table|json]",
		 NULL},
		{"backup", db_backup, o_backup, NULL, CLI_DB, 0,
		 "c2c [--db PATH] db backup FILE [--format table|json]   (a verified copy while serve keeps writing;"
		 " prints its journal head)",
		 NULL},
		{"restore", db_restore, o_restore, f_restore, CLI_NO_DB, 0,
		 "c2c [--db PATH] db restore FILE [--head SEQ:HASH] [--replace] [--format table|json]"
		 "   (FILE proved first; --replace: over an existing database)",
		 NULL},
	};
	static const struct cli_subs t = {CLI_SUBS(subs), NULL, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
