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
 *
 * What is compared is folded text (fold.c: NFKC, case, width, the marks of
 * Latin letters, spaces inside a name), so "Danang", "Đà Nẵng" and "ﾀﾞﾅﾝ"
 * find Da Nang.  Each index row keeps the text as written, FOLD_MARK, then
 * its folding, line for line (folding keeps the line breaks): the query,
 * folded, matches the folded half, and the line shown as the reason is the
 * written line of the same number.  The name column is kept the same way,
 * and the API shows its written half.  Both backends store and query these
 * same rows.
 */
#include "atlas.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <ctype.h>
#include <string.h>

/* Between the written text and its folding in the index; a control byte the
 * atlas refuses in its text (core/utf8.c), so it cannot occur before it. */
#define FOLD_MARK '\x01'

/* `text`, FOLD_MARK and its folding, into sb (emptied first). */
static int written_and_folded(struct strbuf *sb, const char *text, struct c2c_err *err)
{
	strbuf_reset(sb);
	if (strbuf_addstr(sb, text) || strbuf_addch(sb, FOLD_MARK))
		return c2c_err_set(err, C2C_ENOMEM, "search: out of memory");
	return atlas_search_fold(text, sb, err);
}

/* Append the other spellings of the place `id` (place_aliases), one a line. */
static int add_aliases(struct store *st, const char *id, struct strbuf *body, struct c2c_err *err)
{
	struct store_stmt *q;
	int rc;
	if ((rc = store_prepare(st, "SELECT \"alias\" FROM \"place_aliases\" WHERE \"place_id\" = ? ORDER BY \"alias\"",
				&q, err)))
		return rc;
	store_bind_text(q, 1, id);
	while ((rc = store_step(q, err)) == 1)
		strbuf_addf(body, "%s\n", store_col_text(q, 0));
	store_finalize(q);
	return rc;
}

/* Append name_ja and name_en of the row `id` of `table` (places, countries);
 * a place's other spellings too, so "Saigon" finds what Ho Chi Minh City's
 * names find. */
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
	if (rc >= 0 && !strcmp(table, "places"))
		rc = add_aliases(st, id, body, err);
	return rc;
}

/* A row is also found by the names of what it points at, in both languages:
 * "Toyama" finds Toyama's agreements and projects, "ベトナム" the rows in
 * Viet Nam, and a partnership is found by the names of every place it links. */
static int add_linked_names(struct store *st, const struct atlas_table *t, struct store_stmt *row,
			    const char *key, struct strbuf *body, struct c2c_err *err)
{
	int rc = 0;
	if (!strcmp(t->name, "places") && (rc = add_aliases(st, key, body, err)) < 0)
		return rc;
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
			struct strbuf body, key, name, body2;
			strbuf_init(&body, 0);
			strbuf_init(&key, 0);
			strbuf_init(&name, 0);
			strbuf_init(&body2, 0);
			/* The id of a row with a composite key is its key parts joined. */
			for (size_t c = 0; c < t->ncols; c++)
				if (t->cols[c].flags & COL_KEY)
					strbuf_addf(&key, "%s%s", key.len ? "/" : "", store_col_text(s, (int)c));
			for (size_t c = 0; c < t->ncols; c++)
				if ((t->cols[c].flags & COL_SEARCH) && !store_col_is_null(s, (int)c))
					strbuf_addf(&body, "%s\n", store_col_text(s, (int)c));
			if ((rc = add_linked_names(st, t, s, strbuf_str(&key), &body, err)) < 0 ||
			    (rc = written_and_folded(&name, store_col_text(s, name_col >= 0 ? name_col : id_col),
						     err)) ||
			    (rc = written_and_folded(&body2, strbuf_str(&body), err))) {
				rc = rc < 0 ? rc : -1;
				strbuf_release(&body);
				strbuf_release(&key);
				strbuf_release(&name);
				strbuf_release(&body2);
				break;
			}
			store_reset(ins);
			store_bind_text(ins, 1, t->name);
			store_bind_text(ins, 2, strbuf_str(&key));
			store_bind_text(ins, 3, strbuf_str(&name));
			store_bind_text(ins, 4, strbuf_str(&body2));
			rc = store_step(ins, err);
			strbuf_release(&body);
			strbuf_release(&key);
			strbuf_release(&name);
			strbuf_release(&body2);
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

/* The written half of an index column (before FOLD_MARK). */
static json_t *written(const char *col)
{
	const char *mark = strchr(col, FOLD_MARK);
	return json_stringn(col, mark ? (size_t)(mark - col) : strlen(col));
}

/* The line of the body that holds the (folded) query: what a person sees as
 * "why did this match", as written: the folded half is searched, and the
 * written line of the same number is shown. */
static json_t *matching_line(const char *body, const char *folded_q)
{
	const char *mark = strchr(body, FOLD_MARK), *hit, *start, *end;
	size_t line = 0;
	if (!mark || !(hit = strstr(mark + 1, folded_q)))
		return json_string("");
	for (const char *p = mark + 1; p < hit; p++)
		line += *p == '\n';
	for (start = body; line && start < mark; start++)
		if (*start == '\n')
			line--;
	end = memchr(start, '\n', (size_t)(mark - start));
	return json_stringn(start, end ? (size_t)(end - start) : (size_t)(mark - start));
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

/* Rank: name hits first (the folded query in the name's folded half; no
 * lower(): the folding has done it), then by table order of atlas_tables,
 * then id.  %s is the substring function: SQLite's instr, PostgreSQL's
 * strpos (same argument order).  The PostgreSQL database is created with the
 * C collation (tests/pg.sh), so `id` sorts by bytes as in SQLite. */
static const char rank_sql[] =
	" ORDER BY (%s(name, ?2) > 0) DESC,"
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

/* Past this many trigrams an OR of them costs more than reading every row:
 * on the built-in data "市" begins 290 of them, 8.4 ms through FTS5 against
 * 0.8 ms for the scan (python3's sqlite3, 50 runs each, 2026-12-07). */
#define SHORT_TERMS_MAX 64

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
				    " AND term < ?1 || char(1114111) LIMIT 65", &s, err)))
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

/* A query that is a year as people write one, 和暦 or fiscal ("令和5年度",
 * "平成27年", "R5", "H27年度", "FY2023"; core/date.c's date_parse_fy, the
 * parser of the --fy and fy filters, with its eras and their sources), is
 * searched as the Gregorian year: "令和5年度" finds what "2023" finds.  A
 * fiscal year is named by the calendar year it starts in, as the atlas
 * writes it (令和5年度 = FY2023, April 2023 to March 2024).  The folded
 * query is parsed (full-width digits and ㋿ are plain by then).  A year the
 * era did not have (平成40年) is searched as written. */
static int era_year(struct strbuf *folded, struct c2c_err *err)
{
	char why[160], year[8];
	int fy;
	if (date_parse_fy(strbuf_str(folded), &fy, why, sizeof(why)))
		return 0;
	snprintf(year, sizeof(year), "%d", fy);
	strbuf_reset(folded);
	return strbuf_addstr(folded, year) ? c2c_err_set(err, C2C_ENOMEM, "search: out of memory") : 0;
}

int atlas_search(struct store *st, const char *raw, size_t limit, json_t **out,
		 struct c2c_err *err)
{
	struct store_stmt *s, *body_q = NULL;
	struct strbuf sql, phrase, folded;
	const char *query = raw;
	size_t nchars;
	json_t *arr;
	int rc, by_rowid = 1;

	*out = NULL;
	while (isspace((unsigned char)*query))
		query++;
	if (!*query)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is empty");
	if (strlen(query) > 256)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is longer than 256 bytes");
	if (utf8_invalid_at(query, strlen(query)) != (size_t)-1)
		return c2c_err_set(err, C2C_EUSAGE, "search: the query is not valid UTF-8");
	strbuf_init(&folded, 0);
	if ((rc = atlas_search_fold(raw, &folded, err)))
		return rc;
	query = strbuf_str(&folded);
	if (!*query) {
		strbuf_release(&folded);
		return c2c_err_set(err, C2C_EUSAGE, "search: the query has no letter or digit to search for");
	}
	if ((rc = era_year(&folded, err)))
		goto fail;
	query = strbuf_str(&folded);
	nchars = utf8_chars(query);
	strbuf_init(&sql, 0);
	strbuf_init(&phrase, 0);
	rc = 1;
	if (!strcmp(store_backend(st), "postgresql")) {
		/* No FTS5 there: one substring match for every length of query,
		 * finding what SQLite's phrase (or scan) finds. */
		strbuf_addstr(&sql, "SELECT tbl, id, name, body FROM atlas_search"
				    " WHERE lower(name || chr(10) || body) LIKE ?1");
		by_rowid = 0;
		strbuf_addf(&sql, rank_sql, "strpos");
		like_pattern(&phrase, query);
	} else {
		if (nchars >= 3)
			fts_phrase(&phrase, query);
		else if ((rc = short_query_terms(st, query, &phrase, err)) < 0)
			goto out;
		if (rc == 1) {
			strbuf_addstr(&sql, "SELECT tbl, id, name, rowid FROM atlas_search WHERE atlas_search MATCH ?1");
		} else {
			/* the query and the index are folded: no lower(), no copy of
			 * each row joined (6 times faster on the built-in data) */
			strbuf_addstr(&sql, "SELECT tbl, id, name, rowid FROM atlas_search"
					    " WHERE ?1 IS NOT NULL AND (instr(name, ?2) > 0 OR instr(body, ?2) > 0)");
			strbuf_reset(&phrase);
			strbuf_addstr(&phrase, query);
		}
		strbuf_addf(&sql, rank_sql, "instr");
	}
	/* SQLite: the ranking carries the rowid, not the body, through its
	 * sort (0.7 ms instead of 1.9 for "toyama"); the bodies of the hits
	 * kept are read after, by rowid */
	if (by_rowid && (rc = store_prepare(st, "SELECT body FROM atlas_search WHERE rowid = ?1", &body_q, err)))
		goto out;
	if ((rc = store_prepare(st, strbuf_str(&sql), &s, err)))
		goto out;
	store_bind_text(s, 1, strbuf_str(&phrase));
	store_bind_text(s, 2, query);
	store_bind_int(s, 3, (long long)(limit ? limit : 50));
	arr = json_array();
	while ((rc = store_step(s, err)) == 1) {
		const char *body = "";
		if (!by_rowid) {
			body = store_col_text(s, 3);
		} else {
			store_reset(body_q);
			store_bind_int(body_q, 1, store_col_int(s, 3));
			if ((rc = store_step(body_q, err)) < 0)
				break;
			if (rc == 1)
				body = store_col_text(body_q, 0);
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o}", "table", store_col_text(s, 0),
						     "id", store_col_text(s, 1), "name", written(store_col_text(s, 2)),
						     "match", matching_line(body, query)));
	}
	store_finalize(s);
	if (rc < 0)
		json_decref(arr);
	else
		*out = arr;
out:
	if (body_q)
		store_finalize(body_q);
	strbuf_release(&sql);
	strbuf_release(&phrase);
fail:
	strbuf_release(&folded);
	return rc < 0 ? rc : 0;
}
