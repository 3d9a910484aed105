/*
 * schema.c - the atlas schema, made from the table descriptions.
 *
 * Migration 1 creates every table of tables.c as it stood when it was
 * written; a later column change must come as a new migration (ALTER TABLE)
 * appended to atlas_migrations[], never by editing migration 1's tables.
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

int atlas_migrate(struct store *st, int *applied, struct c2c_err *err)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb, 0);
	if (schema_tables_sql(&sb)) {
		strbuf_release(&sb);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	{
		const struct store_migration m[] = {
			{1, "atlas tables", strbuf_str(&sb)},
			{2, "atlas search index", search_sql_sqlite},
			{3, "atlas search vocabulary", search_vocab_sql_sqlite},
		};
		rc = store_migrate(st, "atlas", m, sizeof(m) / sizeof(m[0]), applied, err);
	}
	strbuf_release(&sb);
	return rc;
}
