/*
 * schema.c - the atlas schema, made from the table descriptions.
 *
 * Migration 1 creates every table of tables.c with the columns it had then
 * (`since` 0 or 1); a column added later carries its version in `since` and
 * arrives by ALTER TABLE in that migration, so old and new databases end up
 * with the same tables.  Columns are never removed or renamed here.
 * Identifiers are always double-quoted: "column" is reserved in PostgreSQL.
 */
#include "atlas.h"
#include "core/strbuf.h"

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

static int schema_tables_sql(struct strbuf *sb)
{
	int rc = 0;
	for (size_t i = 0; i < atlas_ntables; i++) {
		const struct atlas_table *t = &atlas_tables[i];
		const char *sep = "";
		rc |= strbuf_addf(sb, "CREATE TABLE \"%s\" (", t->name);
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].since <= 1)
				rc |= strbuf_addf(sb, "\"%s\" %s%s, ", t->cols[c].name, sql_type(t->cols[c].type),
						  (t->cols[c].flags & COL_REQUIRED) ? " NOT NULL" : "");
		rc |= strbuf_addstr(sb, "PRIMARY KEY (");
		for (size_t c = 0; c < t->ncols; c++) {
			if (!(t->cols[c].flags & COL_KEY))
				continue;
			rc |= strbuf_addf(sb, "%s\"%s\"", sep, t->cols[c].name);
			sep = ", ";
		}
		rc |= strbuf_addstr(sb, "));\n");
	}
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

/* The columns that schema version `v` (> 3) adds.  A required column needs
 * a default for the rows already there; the empty string keeps NOT NULL. */
static int schema_added_columns_sql(struct strbuf *sb, int v)
{
	int rc = 0;
	for (size_t i = 0; i < atlas_ntables; i++)
		for (size_t c = 0; c < atlas_tables[i].ncols; c++) {
			const struct atlas_col *col = &atlas_tables[i].cols[c];
			if (col->since != v)
				continue;
			rc |= strbuf_addf(sb, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s%s;\n", atlas_tables[i].name,
					  col->name, sql_type(col->type),
					  (col->flags & COL_REQUIRED) ? " NOT NULL DEFAULT ''" : "");
		}
	return rc;
}

int atlas_migrate(struct store *st, int *applied, struct c2c_err *err)
{
	struct store_migration m[ATLAS_SCHEMA_VERSION];
	struct strbuf sb[ATLAS_SCHEMA_VERSION];
	int rc = 0;

	for (int v = 0; v < ATLAS_SCHEMA_VERSION; v++)
		strbuf_init(&sb[v], 0);
	rc |= schema_tables_sql(&sb[0]);
	m[0] = (struct store_migration){1, "atlas tables", NULL};
	/* Same versions and names on both backends; only the SQL differs. */
	int pg = !strcmp(store_backend(st), "postgresql");
	m[1] = (struct store_migration){2, "atlas search index", pg ? search_sql_pg : search_sql_sqlite};
	m[2] = (struct store_migration){3, "atlas search vocabulary",
					pg ? search_vocab_sql_pg : search_vocab_sql_sqlite};
	for (int v = 4; v <= ATLAS_SCHEMA_VERSION; v++) {
		rc |= schema_added_columns_sql(&sb[v - 1], v);
		m[v - 1] = (struct store_migration){v, "atlas columns", NULL};
	}
	if (rc) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	for (int v = 0; v < ATLAS_SCHEMA_VERSION; v++)
		if (!m[v].sql)
			m[v].sql = strbuf_str(&sb[v]);
	rc = store_migrate(st, "atlas", m, ATLAS_SCHEMA_VERSION, applied, err);
out:
	for (int v = 0; v < ATLAS_SCHEMA_VERSION; v++)
		strbuf_release(&sb[v]);
	return rc;
}
