/*
 * readiness.c - the readiness check of seed 004: the six 確認事項 a
 * municipality should be able to answer before it starts international
 * environmental cooperation, as a questionnaire (data/programme/
 * readiness_checks.csv and readiness_items.csv), scored, with the weakest
 * points named and pointed at the support schemes and precedent cases of
 * the atlas that address them (readiness_pointers.csv, a documented map).
 *
 * Rules (docs/programme.md): every item is answered 0..3.  Checks 1 and 2
 * list examples ("など": one real selling point, one clear purpose is
 * enough), so their score is the best answer; checks 3-6 list what is all
 * needed, so their score is the mean.  The overall score is the mean of the
 * six checks.  Scores are hundredths of percent, rounded half up once.
 */
#include "internal.h"
#include "core/lang.h"
#include "core/csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 64
#define WEAK_ANSWER 1 /* an answer at or below this is a weak point */

struct questionnaire {
	json_t *checks; /* rows of readiness_checks.csv */
	json_t *items;  /* rows of readiness_items.csv */
};

static int load_questionnaire(struct questionnaire *q, struct c2c_err *err)
{
	int rc = prog_builtin_rows("readiness_checks", &q->checks, err);
	if (rc)
		return rc;
	if ((rc = prog_builtin_rows("readiness_items", &q->items, err)))
		json_decref(q->checks);
	return rc;
}

static const char *sv(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int programme_readiness_questions(json_t **out, struct c2c_err *err)
{
	struct questionnaire q;
	json_t *arr, *it, *c;
	size_t i, j;
	int rc = load_questionnaire(&q, err);
	if (rc)
		return rc;
	arr = json_array();
	json_array_foreach(q.items, i, it) {
		json_array_foreach(q.checks, j, c) {
			if (strcmp(sv(c, "check"), sv(it, "check")))
				continue;
			json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				"check", (int)strtol(sv(c, "check"), NULL, 10), "check_ja", sv(c, "title_ja"),
				"check_en", sv(c, "title_en"), "rule", sv(c, "rule"), "item", sv(it, "id"),
				"text_ja", sv(it, "text_ja"), "text_en", sv(it, "text_en"),
				"answer", "0-3: 0 no, 1 planned or partly, 2 mostly, 3 yes, in place"));
		}
	}
	json_decref(q.checks);
	json_decref(q.items);
	*out = arr;
	return 0;
}

/* ---- reading the answers ----------------------------------------------------- */

struct answers {
	const char *name;
	json_t *items;     /* questionnaire items */
	int value[MAX_ITEMS];
	int given[MAX_ITEMS];
	char body[200];
};

static int item_index(struct answers *a, const char *id)
{
	size_t i;
	json_t *it;
	json_array_foreach(a->items, i, it)
		if (!strcmp(sv(it, "id"), id))
			return (int)i;
	return -1;
}

static int put_answer(struct answers *a, const char *where, const char *id, long long v,
		      struct c2c_err *err)
{
	int k = item_index(a, id);
	if (k < 0) {
		int n = (int)strlen(id);
		if (n > 64) /* shortened for the message, never inside a character */
			for (n = 64; n > 0 && ((unsigned char)id[n] & 0xC0) == 0x80; n--)
				;
		c2c_err_set(err, C2C_EINPUT, "%s: %s: '%.*s' is not an item of the questionnaire", a->name,
			    where, n, id);
		c2c_err_hint(err, "the items are listed by c2c readiness questions");
		return C2C_EINPUT;
	}
	if (v < 0 || v > PROGRAMME_ANSWER_MAX)
		return c2c_err_set(err, C2C_EINPUT, "%s: %s: answer %lld is not 0 to %d", a->name, id, v,
				   PROGRAMME_ANSWER_MAX);
	if (a->given[k])
		return c2c_err_set(err, C2C_EINPUT, "%s: %s: answered twice", a->name, id);
	a->value[k] = (int)v;
	a->given[k] = 1;
	return 0;
}

static int read_json(struct answers *a, const char *text, size_t len, struct c2c_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *ans, *v;
	const char *key;
	int rc = 0;

	if (!root)
		return c2c_err_set(err, C2C_EINPUT, "%s: line %d, column %d: %s", a->name, je.line, je.column,
				   je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return c2c_err_set(err, C2C_EINPUT, "%s: expected a JSON object of answers", a->name);
	}
	if (json_is_string(json_object_get(root, "body")))
		snprintf(a->body, sizeof(a->body), "%s", json_string_value(json_object_get(root, "body")));
	ans = json_object_get(root, "answers");
	if (!ans)
		ans = root;
	if (!json_is_object(ans)) {
		json_decref(root);
		return c2c_err_set(err, C2C_EINPUT, "%s: \"answers\" is not an object", a->name);
	}
	json_object_foreach(ans, key, v) {
		if (ans == root && !strcmp(key, "body"))
			continue;
		if (!json_is_integer(v)) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s: answers.%.64s: not a whole number 0 to %d", a->name,
					 key, PROGRAMME_ANSWER_MAX);
			break;
		}
		if ((rc = put_answer(a, "answers", key, json_integer_value(v), err)))
			break;
	}
	json_decref(root);
	return rc;
}

struct csv_ctx {
	struct answers *a;
	int item_col, answer_col;
};

static int csv_answer(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct csv_ctx *c = vctx;
	char where[64], *end;
	long long v;
	if (c->item_col < 0) {
		for (size_t i = 0; i < row->nfields; i++) {
			const char *h = row->field[i];
			if (i == 0 && !strncmp(h, "\xEF\xBB\xBF", 3))
				h += 3;
			if (!strcmp(h, "item"))
				c->item_col = (int)i;
			else if (!strcmp(h, "answer"))
				c->answer_col = (int)i;
		}
		if (c->item_col < 0 || c->answer_col < 0)
			return c2c_err_set(err, C2C_EINPUT, "%s: row 1: the header needs the columns item and answer",
					   c->a->name);
		return 0;
	}
	if ((size_t)c->item_col >= row->nfields || (size_t)c->answer_col >= row->nfields)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: too few columns", c->a->name, row->line);
	snprintf(where, sizeof(where), "row %zu", row->line);
	errno = 0;
	v = strtoll(row->field[c->answer_col], &end, 10);
	if (errno || *end || end == row->field[c->answer_col])
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column %d (answer): '%.40s' is not a whole number",
				   c->a->name, row->line, c->answer_col + 1, row->field[c->answer_col]);
	return put_answer(c->a, where, row->field[c->item_col], v, err);
}

/* ---- scoring -------------------------------------------------------------------- */

static long long gcd(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static json_t *pointers_for(struct store *st, json_t *map, const char *item)
{
	json_t *arr = json_array(), *m;
	size_t i;
	json_array_foreach(map, i, m) {
		const char *kind = sv(m, "kind"), *ref = sv(m, "ref_id");
		json_t *o, *row = NULL;
		int is_case = !strcmp(kind, "case");
		if (strcmp(sv(m, "item_id"), item))
			continue;
		o = json_pack("{s:s, s:s}", "kind", kind, "id", ref);
		if (st) {
			struct c2c_err e2;
			prog_atlas_row(st, is_case ? "cases" : "schemes", ref, &row, &e2);
		}
		json_object_set_new(o, "name_ja", json_string(row ? sv(row, is_case ? "title_ja" : "name_ja") : ""));
		json_decref(row);
		json_object_set_new(o, "why", json_string(c2c_lang_current() == C2C_LANG_JA && *sv(m, "why_ja")
								 ? sv(m, "why_ja") : sv(m, "why")));
		json_array_append_new(arr, o);
	}
	return arr;
}

int programme_readiness_score(struct store *st, const char *text, size_t len,
			      const char *name, json_t **out, struct c2c_err *err)
{
	struct questionnaire q;
	struct answers a;
	json_t *map = NULL, *checks, *weak, *c, *it = NULL, *res;
	long long onum = 0, oden = 1, lo_score = -1;
	const char *p = text;
	size_t i, j, missing = 0;
	int rc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	a.name = name;
	if ((rc = load_questionnaire(&q, err)))
		return rc;
	if ((rc = prog_builtin_rows("readiness_pointers", &map, err)))
		goto done;
	a.items = q.items;
	if (json_array_size(q.items) > MAX_ITEMS) {
		rc = c2c_err_set(err, C2C_EINTERNAL, "more than %d questionnaire items", MAX_ITEMS);
		goto done;
	}
	while (p < text + len && isspace((unsigned char)*p))
		p++;
	if (p < text + len && *p == '{') {
		rc = read_json(&a, text, len, err);
	} else {
		struct csv_ctx cc = {&a, -1, -1};
		rc = csv_read_mem(text, len, name, csv_answer, &cc, err);
		if (!rc && cc.item_col < 0)
			rc = c2c_err_set(err, C2C_EINPUT, "%s: empty; expected item,answer rows or a JSON object",
					 name);
	}
	if (rc)
		goto done;
	json_array_foreach(q.items, i, it)
		missing += !a.given[i];
	if (missing) {
		json_array_foreach(q.items, i, it)
			if (!a.given[i])
				break;
		rc = c2c_err_set(err, C2C_EINPUT, "%s: %s: no answer (%zu item%s unanswered)", name, sv(it, "id"),
				 missing, missing == 1 ? "" : "s");
		c2c_err_hint(err, "answer every item 0 to %d; 0 is a valid answer", PROGRAMME_ANSWER_MAX);
		goto done;
	}
	/* each check as an exact fraction; the overall mean over a common denominator */
	checks = json_array();
	json_array_foreach(q.checks, i, c) {
		int any = !strcmp(sv(c, "rule"), "any"), best = 0, n = 0;
		long long sum = 0, num, den, s;
		json_t *ans = json_object();
		json_array_foreach(q.items, j, it) {
			if (strcmp(sv(it, "check"), sv(c, "check")))
				continue;
			json_object_set_new(ans, sv(it, "id"), json_integer(a.value[j]));
			best = a.value[j] > best ? a.value[j] : best;
			sum += a.value[j];
			n++;
		}
		num = any ? best : sum;
		den = any ? PROGRAMME_ANSWER_MAX : (long long)PROGRAMME_ANSWER_MAX * (n ? n : 1);
		s = (2 * 10000 * num + den) / (2 * den);
		{
			long long l = oden / gcd(oden, den) * den;
			onum = onum * (l / oden) + num * (l / den);
			oden = l;
		}
		{
			char t[24];
			prog_x100(s, t, sizeof(t));
			json_array_append_new(checks, json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:o}", "check",
				(int)strtol(sv(c, "check"), NULL, 10), "title_ja", sv(c, "title_ja"), "title_en",
				sv(c, "title_en"), "rule", sv(c, "rule"), "score_x100", (json_int_t)s, "score", t,
				"answers", ans));
		}
		if (lo_score < 0 || s < lo_score)
			lo_score = s;
	}
	/* the weakest points: items answered 0 or 1 where every item counts,
	 * whole checks whose best answer is that low where one is enough */
	weak = json_array();
	json_array_foreach(q.checks, i, c) {
		int any = !strcmp(sv(c, "rule"), "any"), best = 0;
		json_array_foreach(q.items, j, it)
			if (!strcmp(sv(it, "check"), sv(c, "check")) && a.value[j] > best)
				best = a.value[j];
		json_array_foreach(q.items, j, it) {
			if (strcmp(sv(it, "check"), sv(c, "check")))
				continue;
			if (any ? best > WEAK_ANSWER : a.value[j] > WEAK_ANSWER)
				continue;
			json_array_append_new(weak, json_pack("{s:i, s:s, s:s, s:s, s:i, s:o}", "check",
				(int)strtol(sv(c, "check"), NULL, 10), "item", sv(it, "id"), "text_ja",
				sv(it, "text_ja"), "text_en", sv(it, "text_en"), "answer", a.value[j],
				"pointers", pointers_for(st, map, sv(it, "id"))));
		}
	}
	{
		size_t nchecks = json_array_size(q.checks) ? json_array_size(q.checks) : 1;
		long long overall = (2 * 10000 * onum + (long long)nchecks * oden) / (2 * (long long)nchecks * oden);
		char t[24];
		json_t *lowest = json_array();
		prog_x100(overall, t, sizeof(t));
		json_array_foreach(checks, i, c)
			if (json_integer_value(json_object_get(c, "score_x100")) == lo_score)
				json_array_append_new(lowest, json_incref(json_object_get(c, "check")));
		res = json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o}", "body", a.body, "overall_x100",
				(json_int_t)overall, "overall", t, "level",
				overall >= 7500 ? "ready" : overall >= 5000 ? "partly ready" : "not ready",
				"lowest_checks", lowest, "checks", checks, "weakest", weak);
	}
	*out = res;
done:
	json_decref(map);
	json_decref(q.checks);
	json_decref(q.items);
	return rc;
}

/* ---- saved checks: a body keeps its answers and attaches one to a proposal ---- */

struct readiness_save_args {
	const char *body, *text, *on;
	size_t len;
	char *id;
	size_t idlen;
};

static int programme_readiness_save_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct readiness_save_args *a = ctx;
	char body[65], ov[24];
	json_t *res = NULL, *m = NULL;
	int rc;

	if ((rc = prog_check_day("on", a->on, err)) ||
	    (rc = prog_place(st, a->body, "body", 1, body, sizeof(body), NULL, err)) ||
	    (rc = programme_readiness_score(st, a->text, a->len, "answers", &res, err)) ||
	    (rc = prog_select(st, "SELECT COUNT(*) AS \"n\" FROM \"programme_readiness\" WHERE \"body_id\" = ?",
			      (const char *const[]){body}, 1, &m, err)))
		goto done;
	snprintf(a->id, a->idlen, "rd-%s-%03lld", body,
		 (long long)json_integer_value(json_object_get(json_array_get(m, 0), "n")) + 1);
	snprintf(ov, sizeof(ov), "#%lld", (long long)json_integer_value(json_object_get(res, "overall_x100")));
	{
		/* the answers as read, one object: what scoring them again needs */
		json_t *ans = json_object(), *c, *v;
		size_t i;
		const char *k;
		char *text;
		json_array_foreach(json_object_get(res, "checks"), i, c)
			json_object_foreach(json_object_get(c, "answers"), k, v)
				json_object_set(ans, k, v);
		json_t *whole = json_pack("{s:o}", "answers", ans);
		text = whole ? json_dumps(whole, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(whole);
		if (!text) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			goto done;
		}
		rc = prog_exec(st, "INSERT INTO \"programme_readiness\" (\"id\", \"body_id\", \"saved_on\", \"answers\","
			       " \"overall_x100\", \"level\") VALUES (?, ?, ?, ?, ?, ?)",
			       (const char *const[]){a->id, body, a->on, text, ov,
			       json_string_value(json_object_get(res, "level"))}, 6, err);
		free(text);
	}
done:
	json_decref(res);
	json_decref(m);
	return rc;
}

int programme_readiness_save(struct store *st, const char *body, const char *text, size_t len,
			     const char *on, char *id, size_t idlen, struct c2c_err *err)
{
	struct readiness_save_args a = {body, text, on, len, id, idlen};
	return store_tx(st, NULL, programme_readiness_save_tx, &a, err);
}

int programme_readiness_saved(struct store *st, const char *body, const char *id, json_t **out,
			      struct c2c_err *err)
{
	json_t *rows, *r;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = prog_select(st, "SELECT \"id\", \"body_id\", NULL AS \"body_ja\", \"saved_on\", \"overall_x100\","
			      " \"level\", \"answers\" FROM \"programme_readiness\" WHERE (? IS NULL OR \"body_id\" = ?)"
			      " AND (? IS NULL OR \"id\" = ?) ORDER BY \"saved_on\" DESC, \"id\" DESC",
			      (const char *const[]){body, body, id, id}, 4, &rows, err)) ||
	    (rc = prog_atlas_fill(st, rows, (const char *const[]){"body_id", "places", "name_ja", "body_ja", NULL},
				  err))) {
		json_decref(rows);
		return rc;
	}
	if (id && !json_array_size(rows)) {
		json_decref(rows);
		return c2c_err_at(err, C2C_ENOTFOUND, "readiness", "no saved readiness check '%s'", id);
	}
	json_array_foreach(rows, i, r) {
		char t[24];
		const char *ans = json_string_value(json_object_get(r, "answers"));
		prog_x100(json_integer_value(json_object_get(r, "overall_x100")), t, sizeof(t));
		json_object_set_new(r, "overall", json_string(t));
		/* one check is shown whole (a reviewer reads it): scored again
		 * from its answers, so the result is never a second copy */
		if (id) {
			json_t *res = NULL;
			if ((rc = programme_readiness_score(st, ans, strlen(ans), id, &res, err))) {
				json_decref(rows);
				return rc;
			}
			json_object_set_new(r, "result", res);
		}
		json_object_del(r, "answers");
	}
	*out = rows;
	return 0;
}
