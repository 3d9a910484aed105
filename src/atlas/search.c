/*
 * search.c - one search box over the whole atlas, in Japanese and English.
 *
 * The index holds, per row, its display name and the text of its searchable
 * columns, each followed by a newline.  Queries of three characters or more
 * go through FTS5 with the trigram tokenizer (substring matching, no word
 * segmenter needed for Japanese).  Shorter ones ("富山", "堺") cannot form a
 * trigram; but every place such a query occurs starts a trigram (the newline
 * after each field sees to that), so the index's vocabulary is asked for the
 * trigrams that begin with the query, and those are matched with OR.  Only a
 * query so common that more than SHORT_TERMS_MAX trigrams begin with it is
 * answered by a scan.  Hits whose name contains the query come first.
 * bench/search_bench measures every path against a full scan.
 */
#include "atlas.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <ctype.h>
#include <string.h>

/* Append name_ja and name_en of the row `id` of `table` (places, countries). */
static int add_names(struct store *st, const char *table, const char *key, const char *id,
		     struct strbuf *body, struct c2c_err *err)
{
	struct store_stmt *q;
	char sql[160];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT \"name_ja\", \"name_en\" FROM \"%s\" WHERE \"%s\" = ?",
		 table, key);
	if ((rc = store_prepare(st, sql, &q, err)))
		return rc;
	store_bind_text(q, 1, id);
	while ((rc = store_step(q, err)) == 1)
		strbuf_addf(body, "%s\n%s\n", store_col_text(q, 0), store_col_text(q, 1));
	store_finalize(q);
	return rc;
}

/* A row is also found by the names of what it points at, in both languages:
 * "Toyama" finds Toyama's agreements and projects, "ベトナム" the rows in
 * Viet Nam, and a partnership is found by the names of every place it links. */
static int add_linked_names(struct store *st, const struct atlas_table *t, struct store_stmt *row,
			    const char *key, struct strbuf *body, struct c2c_err *err)
{
	int rc = 0;
	for (size_t c = 0; c < t->ncols && rc >= 0; c++) {
		const struct atlas_col *col = &t->cols[c];
		const char *v = store_col_text(row, (int)c);
		if (!*v)
			continue;
		if (col->type == AT_REF && !strcmp(col->values, "places"))
			rc = add_names(st, "places", "id", v, body, err);
		else if (col->type == AT_COUNTRY && strcmp(t->name, "countries"))
			rc = add_names(st, "countries", "code", v, body, err);
	}
	if (rc >= 0 && !strcmp(t->name, "partnerships")) {
		struct store_stmt *q;
		if ((rc = store_prepare(st, "SELECT \"place_id\" FROM \"partnership_places\" WHERE \"partnership_id\" = ?",
					&q, err)))
			return rc;
		store_bind_text(q, 1, key);
		while ((rc = store_step(q, err)) == 1) {
			char id[80];
			snprintf(id, sizeof(id), "%s", store_col_text(q, 0));
			if ((rc = add_names(st, "places", "id", id, body, err)) < 0)
				break;
		}
		store_finalize(q);
	}
	return rc;
}

int atlas_search_rebuild(struct store *st, struct c2c_err *err)
{
	struct store_stmt *ins = NULL;
	int rc;

	if ((rc = store_exec(st, "DELETE FROM atlas_search", err)))
		return rc;
	if ((rc = store_prepare(st, "INSERT INTO atlas_search (tbl, id, name, body) VALUES (?, ?, ?, ?)",
				&ins, err)))
		return rc;
	for (size_t i = 0; i < atlas_ntables && !rc; i++) {
		const struct atlas_table *t = &atlas_tables[i];
		struct store_stmt *s;
		struct strbuf sql;
		int name_col = -1, id_col = 0;

		if (!t->listable)
			continue;
		strbuf_init(&sql, 0);
		strbuf_addstr(&sql, "SELECT ");
		for (size_t c = 0; c < t->ncols; c++) {
			strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
			if ((t->cols[c].flags & COL_NAME) && name_col < 0)
				name_col = (int)c;
		}
		strbuf_addf(&sql, " FROM \"%s\"", t->name);
		rc = store_prepare(st, strbuf_str(&sql), &s, err);
		strbuf_release(&sql);
		if (rc)
			break;
		while ((rc = store_step(s, err)) == 1) {
			struct strbuf body, key;
			strbuf_init(&body, 0);
			strbuf_init(&key, 0);
			/* The id of a row with a composite key is its key parts joined. */
			for (size_t c = 0; c < t->ncols; c++)
				if (t->cols[c].flags & COL_KEY)
					strbuf_addf(&key, "%s%s", key.len ? "/" : "", store_col_text(s, (int)c));
			for (size_t c = 0; c < t->ncols; c++)
				if ((t->cols[c].flags & COL_SEARCH) && !store_col_is_null(s, (int)c))
					strbuf_addf(&body, "%s\n", store_col_text(s, (int)c));
			if ((rc = add_linked_names(st, t, s, strbuf_str(&key), &body, err)) < 0) {
				strbuf_release(&body);
				strbuf_release(&key);
				break;
			}
			store_reset(ins);
			store_bind_text(ins, 1, t->name);
			store_bind_text(ins, 2, strbuf_str(&key));
			store_bind_text(ins, 3, store_col_text(s, name_col >= 0 ? name_col : id_col));
			store_bind_text(ins, 4, strbuf_str(&body));
			rc = store_step(ins, err);
			strbuf_release(&body);
			strbuf_release(&key);
			if (rc < 0)
				break;
		}
		store_finalize(s);
		if (rc > 0)
			rc = 0;
	}
	store_finalize(ins);
	return rc < 0 ? rc : 0;
}

/* ASCII case-insensitive substring search; Japanese has no case. */
static const char *ci_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

/* The line of the body that holds the query: what a person sees as "why
 * did this match". */
static json_t *matching_line(const char *body, const char *q)
{
	const char *hit = ci_find(body, q), *start, *end;
	if (!hit)
		return json_string("");
	start = hit;
	while (start > body && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	return json_stringn(start, end ? (size_t)(end - start) : strlen(start));
}

/* FTS5 query syntax: the whole query as one phrase, quotes doubled. */
static void fts_phrase(struct strbuf *sb, const char *q)
{
	strbuf_addch(sb, '"');
	for (; *q; q++) {
		if (*q == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *q);
	}
	strbuf_addch(sb, '"');
}

/* Rank: name hits first, then by table order of atlas_tables, then id.  %s
 * is the substring function: SQLite's instr, PostgreSQL's strpos (same
 * argument order).  The PostgreSQL database is created with the C collation
 * (tests/pg.sh), so `id` sorts by bytes as in SQLite, and lower() folds ASCII
 * only there as in SQLite. */
static const char rank_sql[] =
	" ORDER BY (%s(lower(name), lower(?2)) > 0) DESC,"
	" CASE tbl WHEN 'places' THEN 0 WHEN 'partnerships' THEN 1 WHEN 'projects' THEN 2"
	" WHEN 'agreements' THEN 3 WHEN 'cases' THEN 4 WHEN 'events' THEN 5 ELSE 6 END, id"
	" LIMIT ?3";

/* LIKE pattern for "contains q", ASCII folded like lower(): the trigram
 * index (schema.c) serves LIKE, not strpos. */
static void like_pattern(struct strbuf *sb, const char *q)
{
	strbuf_addch(sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, (*q >= 'A' && *q <= 'Z') ? (char)(*q + 32) : *q);
	}
	strbuf_addch(sb, '%');
}

#define SHORT_TERMS_MAX 1000

/* For a query of one or two characters: an FTS5 expression OR-ing every
 * indexed trigram that starts with it.  Returns 1 if built, 0 if there are
 * too many (scan instead), < 0 on error. */
static int short_query_terms(struct store *st, const char *q, struct strbuf *expr,
			     struct c2c_err *err)
{
	struct store_stmt *s;
	char low[16];
	size_t n = 0, i;
	int rc;

	/* The index folds ASCII to lower case; the vocabulary holds it so. */
	for (i = 0; q[i] && i < sizeof(low) - 1; i++)
		low[i] = (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] + 32) : q[i];
	low[i] = '\0';
	if ((rc = store_prepare(st, "SELECT term FROM atlas_search_vocab WHERE term >= ?1"
				    " AND term < ?1 || char(1114111) LIMIT 1001", &s, err)))
		return rc;
	store_bind_text(s, 1, low);
	while ((rc = store_step(s, err)) == 1 && n <= SHORT_TERMS_MAX) {
		if (n++)
			strbuf_addstr(expr, " OR ");
		fts_phrase(expr, store_col_text(s, 0));
	}
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (n > SHORT_TERMS_MAX)
		return 0;
	if (n == 0)
		fts_phrase(expr, low); /* matches nothing, as it should */
	return 1;
}

int atlas_search(struct store *st, const char *query, size_t limit, json_t **out,
		 struct c2c_err *err)
{
	struct store_stmt *s;
	struct strbuf sql, phrase;
	size_t nchars;
	json_t *arr;
	int rc;

	*out = NULL;
	while (isspace((unsigned char)*query))
		query++;
	if (!*query)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is empty");
	if (strlen(query) > 256)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is longer than 256 bytes");
	if (utf8_invalid_at(query, strlen(query)) != (size_t)-1)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is not valid UTF-8");
	nchars = utf8_chars(query);
	strbuf_init(&sql, 0);
	strbuf_init(&phrase, 0);
	rc = 1;
	if (!strcmp(store_backend(st), "postgresql")) {
		/* No FTS5 there: one substring match for every length of query,
		 * finding what SQLite's phrase (or scan) finds. */
		strbuf_addstr(&sql, "SELECT tbl, id, name, body FROM atlas_search"
				    " WHERE lower(name || chr(10) || body) LIKE ?1");
		strbuf_addf(&sql, rank_sql, "strpos");
		like_pattern(&phrase, query);
	} else {
		if (nchars >= 3)
			fts_phrase(&phrase, query);
		else if ((rc = short_query_terms(st, query, &phrase, err)) < 0)
			goto out;
		if (rc == 1) {
			strbuf_addstr(&sql, "SELECT tbl, id, name, body FROM atlas_search WHERE atlas_search MATCH ?1");
		} else {
			/* instr() on lower(): SQLite's lower() folds ASCII only, as the index does. */
			strbuf_addstr(&sql, "SELECT tbl, id, name, body FROM atlas_search"
					    " WHERE ?1 IS NOT NULL AND instr(lower(name || char(10) || body), lower(?2)) > 0");
			strbuf_reset(&phrase);
			strbuf_addstr(&phrase, query);
		}
		strbuf_addf(&sql, rank_sql, "instr");
	}
	if ((rc = store_prepare(st, strbuf_str(&sql), &s, err)))
		goto out;
	store_bind_text(s, 1, strbuf_str(&phrase));
	store_bind_text(s, 2, query);
	store_bind_int(s, 3, (long long)(limit ? limit : 50));
	arr = json_array();
	while ((rc = store_step(s, err)) == 1)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "table", store_col_text(s, 0),
						     "id", store_col_text(s, 1), "name", store_col_text(s, 2),
						     "match", matching_line(store_col_text(s, 3), query)));
	store_finalize(s);
	if (rc < 0)
		json_decref(arr);
	else
		*out = arr;
out:
	strbuf_release(&sql);
	strbuf_release(&phrase);
	return rc < 0 ? rc : 0;
}
