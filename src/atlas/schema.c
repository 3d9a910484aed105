/*
 * schema.c - the atlas schema, made from the table descriptions.
 *
 * Each table and each column carries the schema version that added it
 * (`since`), and migration N is made of what version N added: migration 1
 * creates the first tables with their first columns (what it always was, so
 * a database made by it is not touched again), 2 and 3 are the search index
 * and its vocabulary, and every later one creates the tables of that version
 * and adds the columns of that version to the tables already there (ALTER
 * TABLE ... ADD COLUMN).  Old and new databases so end up with the same
 * tables, and a new table reaches an existing database through `c2c init`.
 * Tables and columns are never removed or renamed here.  Identifiers are
 * always double-quoted: "column" is reserved in PostgreSQL.
 */
#include "atlas.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *sql_type(enum atlas_type t)
{
	switch (t) {
	case AT_INT:
		return "INTEGER";
	case AT_REAL:
		return "DOUBLE PRECISION";
	default:
		return "TEXT";
	}
}

static int first_version(int since)
{
	return since <= 1 ? 1 : since;
}

/* CREATE TABLE for `t` with the columns it has at version v. */
static int create_table_sql(struct strbuf *sb, const struct atlas_table *t, int v)
{
	const char *sep = "";
	int rc = strbuf_addf(sb, "CREATE TABLE \"%s\" (", t->name);
	for (size_t c = 0; c < t->ncols; c++)
		if (first_version(t->cols[c].since) <= v)
			rc |= strbuf_addf(sb, "\"%s\" %s%s, ", t->cols[c].name, sql_type(t->cols[c].type),
					  (t->cols[c].flags & COL_REQUIRED) ? " NOT NULL" : "");
	rc |= strbuf_addstr(sb, "PRIMARY KEY (");
	for (size_t c = 0; c < t->ncols; c++) {
		if (!(t->cols[c].flags & COL_KEY))
			continue;
		rc |= strbuf_addf(sb, "%s\"%s\"", sep, t->cols[c].name);
		sep = ", ";
	}
	return rc | strbuf_addstr(sb, "));\n");
}

/* Migration 1: the tables of the first version. */
static int schema_tables_sql(struct strbuf *sb, const struct atlas_table *tables, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (first_version(tables[i].since) == 1)
			rc |= create_table_sql(sb, &tables[i], 1);
	/* Lookups by place run on every partnership listing. */
	rc |= strbuf_addstr(sb, "CREATE INDEX partnership_places_by_place ON \"partnership_places\" (\"place_id\");\n");
	return rc;
}

/* The search index: SQLite FTS5 with the trigram tokenizer, which finds
 * substrings in Japanese without a word segmenter.  Queries shorter than
 * three characters fall back to a scan (search.c). */
static const char search_sql_sqlite[] =
	"CREATE VIRTUAL TABLE atlas_search USING fts5("
	"tbl UNINDEXED, id UNINDEXED, name, body, tokenize = 'trigram');";

/* The index's own list of trigrams, so a one- or two-character query can
 * find the trigrams that start with it through the index (search.c). */
static const char search_vocab_sql_sqlite[] =
	"CREATE VIRTUAL TABLE atlas_search_vocab USING fts5vocab(atlas_search, 'row');";

/* PostgreSQL has no FTS5: the index is a plain table searched by substring
 * (search.c), the same rows rebuild fills on SQLite. */
static const char search_sql_pg[] =
	"CREATE TABLE atlas_search (tbl TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,"
	" body TEXT NOT NULL);";

/* A trigram GIN index lets LIKE '%q%' use an index, where the server has
 * pg_trgm (Debian's postgresql-contrib); without it the scan still answers
 * the same, only slower, so its absence is not an error. */
static const char search_vocab_sql_pg[] =
	"DO $$ BEGIN"
	" IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN"
	"  CREATE EXTENSION IF NOT EXISTS pg_trgm;"
	"  CREATE INDEX atlas_search_trgm ON atlas_search"
	"   USING gin (lower(name || chr(10) || body) gin_trgm_ops);"
	" END IF; END $$;";

/* Migration v (> 3): the tables that version adds, whole, then the columns
 * it adds to older tables.  A required column needs a default for the rows
 * already there; the empty string keeps NOT NULL.  `name` gets what it
 * adds, for store_migrations. */
static int schema_version_sql(struct strbuf *sb, struct strbuf *name, const struct atlas_table *tables,
			      size_t n, int v)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct atlas_table *t = &tables[i];
		if (first_version(t->since) == v) {
			rc |= create_table_sql(sb, t, v);
			rc |= strbuf_addf(name, "%stable %s", name->len ? ", " : "atlas: ", t->name);
			continue;
		}
		if (first_version(t->since) > v)
			continue;
		for (size_t c = 0; c < t->ncols; c++) {
			const struct atlas_col *col = &t->cols[c];
			if (col->since != v)
				continue;
			rc |= strbuf_addf(sb, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s%s;\n", t->name, col->name,
					  sql_type(col->type),
					  (col->flags & COL_REQUIRED) ? " NOT NULL DEFAULT ''" : "");
			rc |= strbuf_addf(name, "%scolumn %s.%s", name->len ? ", " : "atlas: ", t->name,
					  col->name);
		}
	}
	return rc;
}

int atlas_schema_version(const struct atlas_table *tables, size_t n)
{
	int v = ATLAS_SEARCH_VERSION;
	for (size_t i = 0; i < n; i++) {
		if (tables[i].since > v)
			v = tables[i].since;
		for (size_t c = 0; c < tables[i].ncols; c++)
			if (tables[i].cols[c].since > v)
				v = tables[i].cols[c].since;
	}
	return v;
}

/* A table or column with `since` 2 or 3 would never be created: those are
 * the search index's migrations, made before the list had versions of its
 * own.  Refused before anything runs rather than silently left out. */
static int check_versions(const struct atlas_table *tables, size_t n, struct c2c_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct atlas_table *t = &tables[i];
		if (t->since < 0 || (t->since >= 2 && t->since <= ATLAS_SEARCH_VERSION))
			return c2c_err_set(err, C2C_EINTERNAL, "atlas table %s: since %d is not a version that adds tables",
					   t->name, t->since);
		for (size_t c = 0; c < t->ncols; c++) {
			int s = t->cols[c].since;
			if (s < 0 || (s >= 2 && s <= ATLAS_SEARCH_VERSION))
				return c2c_err_set(err, C2C_EINTERNAL,
						   "atlas column %s.%s: since %d is not a version that adds columns",
						   t->name, t->cols[c].name, s);
		}
	}
	return 0;
}

int atlas_migrate_tables(struct store *st, const struct atlas_table *tables, size_t n, int *applied,
			 struct c2c_err *err)
{
	int top = atlas_schema_version(tables, n), nm = 0, rc;
	struct store_migration *m = calloc((size_t)top, sizeof(*m));
	struct strbuf *sb = calloc((size_t)top, sizeof(*sb)), *name = calloc((size_t)top, sizeof(*name));
	/* Same versions and names on both backends; only the SQL differs. */
	int pg = !strcmp(store_backend(st), "postgresql");

	*applied = 0;
	if (!m || !sb || !name) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = check_versions(tables, n, err)))
		goto out;
	for (int v = 0; v < top; v++) {
		strbuf_init(&sb[v], 0);
		strbuf_init(&name[v], 0);
	}
	rc = schema_tables_sql(&sb[0], tables, n);
	m[nm++] = (struct store_migration){1, "atlas tables", strbuf_str(&sb[0])};
	m[nm++] = (struct store_migration){2, "atlas search index", pg ? search_sql_pg : search_sql_sqlite};
	m[nm++] = (struct store_migration){3, "atlas search vocabulary",
					   pg ? search_vocab_sql_pg : search_vocab_sql_sqlite};
	for (int v = ATLAS_SEARCH_VERSION + 1; v <= top; v++) {
		rc |= schema_version_sql(&sb[v - 1], &name[v - 1], tables, n, v);
		/* a version nothing uses (yet) is no migration */
		if (sb[v - 1].len)
			m[nm++] = (struct store_migration){v, strbuf_str(&name[v - 1]), strbuf_str(&sb[v - 1])};
	}
	if (rc) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	rc = store_migrate(st, "atlas", m, (size_t)nm, applied, err);
out:
	for (int v = 0; sb && name && v < top; v++) {
		strbuf_release(&sb[v]);
		strbuf_release(&name[v]);
	}
	free(m);
	free(sb);
	free(name);
	return rc;
}

int atlas_migrate(struct store *st, int *applied, struct c2c_err *err)
{
	return atlas_migrate_tables(st, atlas_tables, atlas_ntables, applied, err);
}
