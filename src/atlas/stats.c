/*
 * stats.c - the headline figures of the programme, each computed from the
 * rows with its counting rule written beside it, and set against the
 * figure the sources print (table `figures`, table_id `headlines`), so a
 * difference is shown and explained rather than hidden.
 */
#include "atlas.h"
#include "core/date.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seed 003's list is the roster of fiscal years 2013 to 2025. */
#define LIST_FIRST_FY 2013
#define LIST_LAST_FY 2025

/* The partnerships a range selects, as an SQL list of quoted ids (ids are
 * checked [a-z0-9-] on the way in, so quoting them is safe). */
static int select_partnerships(struct store *st, int from, int to, int whole_list,
			       struct strbuf *in, long long *nsel, long long *nundated,
			       struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	*nsel = *nundated = 0;
	strbuf_addstr(in, "(''");
	if ((rc = store_prepare(st, "SELECT \"id\", COALESCE(\"fiscal_years\", '') FROM \"partnerships\"",
				&s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		const char *fys = store_col_text(s, 1);
		if (!*fys)
			(*nundated)++;
		if (whole_list || date_fylist_has(fys, from, to)) {
			strbuf_addf(in, ", '%s'", store_col_text(s, 0));
			(*nsel)++;
		}
	}
	store_finalize(s);
	strbuf_addch(in, ')');
	return rc < 0 ? rc : 0;
}

static long long count(struct store *st, struct c2c_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static long long count(struct store *st, struct c2c_err *err, const char *fmt, ...)
{
	struct strbuf sql;
	va_list ap;
	long long n;

	strbuf_init(&sql, 0);
	va_start(ap, fmt);
	strbuf_vaddf(&sql, fmt, ap);
	va_end(ap);
	n = store_query_int(st, strbuf_str(&sql), err);
	strbuf_release(&sql);
	return n;
}

/* The printed figure for (row, column) of the headlines table, or -1. */
static long long headline(struct store *st, const char *row_ja, const char *column, json_t **src,
			  struct c2c_err *err)
{
	struct store_stmt *s;
	long long v = -1;

	*src = NULL;
	if (store_prepare(st, "SELECT \"value\", \"source\" FROM \"figures\" WHERE \"table_id\" = 'headlines'"
			      " AND \"row_ja\" = ? AND \"column\" = ?", &s, err))
		return -1;
	store_bind_text(s, 1, row_ja);
	store_bind_text(s, 2, column);
	if (store_step(s, err) == 1) {
		v = (long long)store_col_double(s, 0);
		*src = json_string(store_col_text(s, 1));
	}
	store_finalize(s);
	return v;
}

static void add_figure(json_t *figs, const char *key, const char *label, long long value,
		       long long head, json_t *head_src, const char *rule)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:o, s:s}", "key", key, "figure", label, "value",
			      (json_int_t)value, "headline", head >= 0 ? json_integer(head) : json_null(),
			      "headline_source", head_src ? head_src : json_null(), "rule", rule);
	json_array_append_new(figs, o);
}

int atlas_stats(struct store *st, int from, int to, json_t **out, struct c2c_err *err)
{
	int whole = (!from || from <= LIST_FIRST_FY) && (!to || to >= LIST_LAST_FY);
	struct strbuf in, fyw;
	long long nsel, nundated, n;
	char roster[96], label[64];
	json_t *res, *figs, *notes, *src;
	long long h_c, h_p, h_b;
	json_t *s_c, *s_p, *s_b;

	*out = NULL;
	c2c_err_clear(err); /* the figures below check err->code once, at the end */
	strbuf_init(&in, 0);
	strbuf_init(&fyw, 0);
	if (select_partnerships(st, from, to, whole, &in, &nsel, &nundated, err)) {
		strbuf_release(&in);
		return err->code;
	}
	{
		char a[12] = "any", b[12] = "any";
		if (from)
			snprintf(a, sizeof(a), "%d", from);
		if (to)
			snprintf(b, sizeof(b), "%d", to);
		if (whole)
			snprintf(label, sizeof(label), "%d to %d (the whole list of seed 003)", LIST_FIRST_FY,
				 LIST_LAST_FY);
		else
			snprintf(label, sizeof(label), "%s to %s", a, b);
	}
	/* Which printed roster this range corresponds to, if any. */
	snprintf(roster, sizeof(roster), "都市間連携事業 参画(%d～%d年度)", from ? from : LIST_FIRST_FY,
		 to ? to : LIST_LAST_FY);
	h_c = headline(st, roster, "countries", &s_c, err);
	h_p = headline(st, roster, "partner_cities_regions", &s_p, err);
	h_b = headline(st, roster, "japanese_bodies", &s_b, err);

	res = json_object();
	figs = json_array();
	notes = json_array();
	json_object_set_new(res, "from", from ? json_integer(from) : json_null());
	json_object_set_new(res, "to", to ? json_integer(to) : json_null());
	json_object_set_new(res, "range_label", json_string(label));

	if (whole)
		strbuf_addf(&fyw, "every line of seed 003's list of fiscal years %d-%d", LIST_FIRST_FY,
			    LIST_LAST_FY);
	else
		strbuf_addf(&fyw, "partnerships with a recorded fiscal year in the range");

	n = count(st, err, "SELECT COUNT(*) FROM \"partnerships\" WHERE \"id\" IN %s", in.buf);
	{
		char rule[400];
		snprintf(rule, sizeof(rule), "%s; one per line of the list", strbuf_str(&fyw));
		add_figure(figs, "partnerships", "partnerships", n, -1, NULL, rule);
	}
	n = count(st, err, "SELECT COUNT(DISTINCT \"country\") FROM \"partnerships\" WHERE \"id\" IN %s", in.buf);
	add_figure(figs, "countries", "partner countries", n, h_c, s_c,
		   "distinct countries of the selected partnerships");
	n = count(st, err,
		  "SELECT COUNT(DISTINCT \"place_id\") FROM \"partnership_places\" WHERE \"role\" = 'partner'"
		  " AND \"partnership_id\" IN %s", in.buf);
	add_figure(figs, "partner_places", "partner cities/regions", n, h_p, s_p,
		   "distinct partner places; a compound entry counts each place it names "
		   "(パタヤ市・ラヨーン市 = 2), a region listed with its member cities counts the cities "
		   "(メトロセブ地域（セブ市・マンダウエ市・ダナオ市） = 3), a place in several lines once");
	n = count(st, err,
		  "SELECT COUNT(DISTINCT pp.\"place_id\") FROM \"partnership_places\" pp JOIN \"places\" pl"
		  " ON pl.\"id\" = pp.\"place_id\" WHERE pp.\"role\" = 'body' AND pl.\"kind\" <> 'union'"
		  " AND pp.\"partnership_id\" IN %s", in.buf);
	add_figure(figs, "japanese_bodies", "Japanese local governments", n, h_b, s_b,
		   "distinct Japanese bodies that are ordinary local public bodies (都道府県・市町村, "
		   "北海道庁 counted as 北海道); the special-purpose union 東京二十三区清掃一部事務組合 "
		   "(東京一組) is not counted");
	n = count(st, err,
		  "SELECT COUNT(DISTINCT \"place_id\") FROM \"partnership_places\" WHERE \"role\" = 'body'"
		  " AND \"partnership_id\" IN %s", in.buf);
	add_figure(figs, "japanese_bodies_all", "Japanese bodies, all kinds", n, -1, NULL,
		   "distinct Japanese bodies including special-purpose unions (一部事務組合)");
	strbuf_release(&in);

	{
		char where[160];
		if (!from && !to)
			snprintf(where, sizeof(where), "1 = 1");
		else
			snprintf(where, sizeof(where), "\"fiscal_year\" BETWEEN %d AND %d", from ? from : 1900,
				 to ? to : 2100);
		n = count(st, err, "SELECT COUNT(*) FROM \"projects\" WHERE %s", where);
		add_figure(figs, "projects", "projects", n, -1, NULL,
			   (!from && !to) ? "every project row (studies, JCM projects, pilots, others)"
					  : "project rows whose fiscal year is in the range");
		n = count(st, err, "SELECT COUNT(*) FROM \"projects\" WHERE \"kind\" = 'jcm' AND %s", where);
		add_figure(figs, "jcm_projects", "JCM projects", n, -1, NULL,
			   "project rows of kind jcm (JCM model projects / 設備補助事業)");
		n = count(st, err,
			  "SELECT COUNT(*) FROM \"projects\" WHERE \"kind\" = 'jcm' AND \"body_id\" IS NOT NULL AND %s",
			  where);
		{
			long long h = headline(st, "都市間連携事業から形成されたJCMプロジェクト", "projects", &src, err);
			add_figure(figs, "jcm_projects_from_programme", "JCM projects formed from the programme", n,
				   h, src,
				   "JCM project rows that name the Japanese body whose partnership formed them");
			if (h > n)
				json_array_append_new(notes, json_sprintf(
					"seed 003 counts %lld JCM projects in %lld countries formed from the programme; "
					"its list is an image not in the source text, so only the %lld named in the "
					"texts are in the data",
					h, headline(st, "都市間連携事業から形成されたJCMプロジェクト", "countries",
						    &src, err), n));
			json_decref(src);
		}
	}
	n = count(st, err, "SELECT COUNT(*) FROM \"countries\" WHERE \"jcm_partner\" = 1");
	{
		long long h = headline(st, "JCM", "partner_countries", &src, err);
		add_figure(figs, "jcm_partner_countries", "JCM partner countries", n, h, src,
			   "countries marked as JCM partners (bilateral document signed)");
	}
	if (!whole && nundated)
		json_array_append_new(notes, json_sprintf(
			"%lld of the partnerships have no recorded fiscal year and cannot be placed in this "
			"range; figures for a range narrower than %d-%d are lower bounds",
			nundated, LIST_FIRST_FY, LIST_LAST_FY));
	if (h_b >= 0) {
		json_t *last = NULL;
		size_t i;
		json_t *f;
		json_array_foreach(figs, i, f)
			if (!strcmp(json_string_value(json_object_get(f, "key")), "japanese_bodies"))
				last = f;
		if (last && json_integer_value(json_object_get(last, "value")) != h_b)
			json_array_append_new(notes, json_sprintf(
				"the source prints %lld Japanese bodies; the data gives %lld under the rule shown",
				h_b, (long long)json_integer_value(json_object_get(last, "value"))));
	}
	strbuf_release(&fyw);
	json_object_set_new(res, "figures", figs);
	json_object_set_new(res, "notes", notes);
	if (err->code) {
		json_decref(res);
		return err->code;
	}
	*out = res;
	return 0;
}
