/*
 * stats.c - the headline figures of the programme, each computed from the
 * rows with its counting rule written beside it, and set against the
 * figure the sources print (table `figures`, table_id `headlines`), so a
 * difference is shown and explained rather than hidden.  The ministry also
 * prints counts with each year's call and selection (table_id `c2c-calls`:
 * proposals, selections, and the countries, cities and bodies taking part
 * so far); each is set beside the same count derived from the data up to
 * that year, so a gap in the data's fiscal years shows as a number.
 */
#include "atlas.h"
#include "core/lang.h"
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

/* What the data gives for the partnerships a range selects, by the rules
 * the figures below state. */
struct derived {
	long long partnerships, countries, partner_places, bodies, bodies_all, undated;
};

static int derive(struct store *st, int from, int to, int whole, struct derived *d,
		  struct c2c_err *err)
{
	struct strbuf in;
	const char *w;

	memset(d, 0, sizeof(*d));
	strbuf_init(&in, 0);
	if (select_partnerships(st, from, to, whole, &in, &d->partnerships, &d->undated, err)) {
		strbuf_release(&in);
		return err->code;
	}
	w = strbuf_str(&in);
	d->countries = count(st, err, "SELECT COUNT(DISTINCT \"country\") FROM \"partnerships\" WHERE \"id\" IN %s", w);
	d->partner_places = count(st, err,
				  "SELECT COUNT(DISTINCT \"place_id\") FROM \"partnership_places\" WHERE \"role\" = 'partner'"
				  " AND \"partnership_id\" IN %s", w);
	d->bodies = count(st, err,
			  "SELECT COUNT(DISTINCT pp.\"place_id\") FROM \"partnership_places\" pp JOIN \"places\" pl"
			  " ON pl.\"id\" = pp.\"place_id\" WHERE pp.\"role\" = 'body' AND pl.\"kind\" <> 'union'"
			  " AND pp.\"partnership_id\" IN %s", w);
	d->bodies_all = count(st, err,
			      "SELECT COUNT(DISTINCT \"place_id\") FROM \"partnership_places\" WHERE \"role\" = 'body'"
			      " AND \"partnership_id\" IN %s", w);
	strbuf_release(&in);
	return err->code;
}

#define RULE_PLACES                                                                             \
	"distinct partner places; a compound entry counts each place it names "                 \
	"(パタヤ市・ラヨーン市 = 2), a region listed with its member cities counts the cities " \
	"(メトロセブ地域（セブ市・マンダウエ市・ダナオ市） = 3), a place in several lines once"
#define RULE_BODIES                                                                      \
	"distinct Japanese bodies that are ordinary local public bodies (都道府県・市町村, " \
	"北海道庁 counted as 北海道); the special-purpose union 東京二十三区清掃一部事務組合 "  \
	"(東京一組) is not counted"

/* The cells of one published announcement (figures, table_id c2c-calls),
 * as {column: value}. */
static json_t *call_cells(struct store *st, const char *row_ja, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *o = json_object();
	int rc;

	if (store_prepare(st, "SELECT \"column\", \"value\" FROM \"figures\" WHERE \"table_id\" = 'c2c-calls'"
			      " AND \"row_ja\" = ?", &s, err)) {
		json_decref(o);
		return NULL;
	}
	store_bind_text(s, 1, row_ja);
	while ((rc = store_step(s, err)) == 1)
		json_object_set_new(o, store_col_text(s, 0), json_integer((json_int_t)store_col_double(s, 1)));
	store_finalize(s);
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* One announcement's figures, each published one beside the one the data
 * gives.  Counts of participants are cumulative since FY2013, so they are
 * compared with the partnerships dated up to the fiscal year the count was
 * published in (the fiscal year of its date; the announcement's own fiscal
 * year when the source gives no date). */
static json_t *compare_call(struct store *st, json_t *call, json_t *cells, struct c2c_err *err)
{
	int fy = (int)json_integer_value(json_object_get(call, "fiscal_year"));
	int through = date_fiscal_year(json_string_value(json_object_get(call, "as_of")));
	json_t *figs = json_array(), *v;
	struct derived d, dy;
	char rule[512];

	if (through < 0)
		through = fy;
	json_object_set_new(call, "counts_through_fy", json_integer(through));
	if (derive(st, 0, through, through >= LIST_LAST_FY, &d, err) || derive(st, fy, fy, 0, &dy, err)) {
		json_decref(figs);
		return NULL;
	}
#define PAIR(key, label, derived, rule_)                                                                \
	if ((v = json_object_get(cells, key)))                                                          \
		json_array_append_new(figs, json_pack("{s:s, s:s, s:O, s:o, s:s}", "key", key, "figure", label, \
						      "published", v, "derived",                            \
						      (derived) >= 0 ? json_integer(derived) : json_null(),  \
						      "rule", rule_))
	PAIR("proposals", "proposals received", -1LL, "the data holds no past proposals");
	snprintf(rule, sizeof(rule),
		 "partnership lines with FY%d among their recorded fiscal years; the published figure counts "
		 "the projects of the call it announces (a year may have a 1st and a 2nd call, a line more than "
		 "one project), and a line with no recorded year is not counted", fy);
	PAIR("selected", "projects selected", dy.partnerships, rule);
	snprintf(rule, sizeof(rule), "distinct countries of the partnerships with a recorded fiscal year up to FY%d",
		 through);
	PAIR("countries", "partner countries so far", d.countries, rule);
	snprintf(rule, sizeof(rule), "%s; partnerships with a recorded fiscal year up to FY%d", RULE_PLACES, through);
	PAIR("partner_cities_regions", "partner cities/regions so far", d.partner_places, rule);
	snprintf(rule, sizeof(rule), "%s; partnerships with a recorded fiscal year up to FY%d", RULE_BODIES, through);
	PAIR("japanese_bodies", "Japanese local governments so far", d.bodies, rule);
	snprintf(rule, sizeof(rule),
		 "JCM project rows that name the Japanese body whose partnership formed them, with a fiscal "
		 "year up to FY%d", through);
	PAIR("jcm_projects", "JCM projects formed so far",
	     count(st, err, "SELECT COUNT(*) FROM \"projects\" WHERE \"kind\" = 'jcm' AND \"body_id\" IS NOT NULL"
			    " AND \"fiscal_year\" <= %d", through), rule);
#undef PAIR
	return figs;
}

/* Every announcement of a fiscal year in [from, to] (0 = open), oldest
 * first, with its figures compared. */
static json_t *published_years(struct store *st, int from, int to, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *calls = json_array(), *call;
	size_t i;
	int rc;

	if (store_prepare(st, "SELECT \"row_ja\", COALESCE(\"row_en\", ''), \"value\", COALESCE(\"as_of\", ''),"
			      " \"source\" FROM \"figures\" WHERE \"table_id\" = 'c2c-calls' AND \"column\" = 'fiscal_year'"
			      " ORDER BY \"value\", COALESCE(\"as_of\", ''), \"row_ja\"", &s, err)) {
		json_decref(calls);
		return NULL;
	}
	while ((rc = store_step(s, err)) == 1) {
		int fy = (int)store_col_double(s, 2);
		if ((from && fy < from) || (to && fy > to))
			continue;
		json_array_append_new(calls, json_pack("{s:s, s:s, s:i, s:s, s:s}", "announcement",
						       store_col_text(s, 0), "announcement_en", store_col_text(s, 1),
						       "fiscal_year", fy, "as_of", store_col_text(s, 3), "source",
						       store_col_text(s, 4)));
	}
	store_finalize(s);
	if (rc < 0) {
		json_decref(calls);
		return NULL;
	}
	json_array_foreach(calls, i, call) {
		json_t *cells = call_cells(st, json_string_value(json_object_get(call, "announcement")), err);
		json_t *figs = cells ? compare_call(st, call, cells, err) : NULL;
		json_decref(cells);
		if (!figs) {
			json_decref(calls);
			return NULL;
		}
		json_object_set_new(call, "figures", figs);
	}
	return calls;
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
	struct strbuf fyw;
	struct derived d;
	long long n;
	char roster[96], label[128];
	json_t *res, *figs, *notes, *src;
	long long h_c, h_p, h_b;
	json_t *s_c, *s_p, *s_b;

	*out = NULL;
	c2c_err_clear(err); /* the figures below check err->code once, at the end */
	strbuf_init(&fyw, 0);
	if (derive(st, from, to, whole, &d, err)) {
		strbuf_release(&fyw);
		return err->code;
	}
	{
		char a[32], b[32];
		snprintf(a, sizeof(a), "%s", c2c_tr("any"));
		snprintf(b, sizeof(b), "%s", c2c_tr("any"));
		if (from)
			snprintf(a, sizeof(a), "%d", from);
		if (to)
			snprintf(b, sizeof(b), "%d", to);
		if (whole)
			snprintf(label, sizeof(label), c2c_tr("%d to %d (the whole list of seed 003)"), LIST_FIRST_FY,
				 LIST_LAST_FY);
		else
			snprintf(label, sizeof(label), c2c_tr("%s to %s"), a, b);
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
		strbuf_addf(&fyw, c2c_tr("every line of seed 003's list of fiscal years %d-%d"), LIST_FIRST_FY,
			    LIST_LAST_FY);
	else
		strbuf_addstr(&fyw, c2c_tr("partnerships with a recorded fiscal year in the range"));

	{
		char rule[600];
		snprintf(rule, sizeof(rule), c2c_tr("%s; one per line of the list"), strbuf_str(&fyw));
		add_figure(figs, "partnerships", "partnerships", d.partnerships, -1, NULL, rule);
	}
	add_figure(figs, "countries", "partner countries", d.countries, h_c, s_c,
		   c2c_tr("distinct countries of the selected partnerships"));
	add_figure(figs, "partner_places", "partner cities/regions", d.partner_places, h_p, s_p, c2c_tr(RULE_PLACES));
	add_figure(figs, "japanese_bodies", "Japanese local governments", d.bodies, h_b, s_b, c2c_tr(RULE_BODIES));
	add_figure(figs, "japanese_bodies_all", "Japanese bodies, all kinds", d.bodies_all, -1, NULL,
		   c2c_tr("distinct Japanese bodies including special-purpose unions (一部事務組合)"));

	{
		char where[160];
		if (!from && !to)
			snprintf(where, sizeof(where), "1 = 1");
		else
			snprintf(where, sizeof(where), "\"fiscal_year\" BETWEEN %d AND %d", from ? from : 1900,
				 to ? to : 2100);
		n = count(st, err, "SELECT COUNT(*) FROM \"projects\" WHERE %s", where);
		add_figure(figs, "projects", "projects", n, -1, NULL,
			   (!from && !to) ? c2c_tr("every project row (studies, JCM projects, pilots, others)")
					  : c2c_tr("project rows whose fiscal year is in the range"));
		n = count(st, err, "SELECT COUNT(*) FROM \"projects\" WHERE \"kind\" = 'jcm' AND %s", where);
		add_figure(figs, "jcm_projects", "JCM projects", n, -1, NULL,
			   c2c_tr("project rows of kind jcm (JCM model projects / 設備補助事業)"));
		n = count(st, err,
			  "SELECT COUNT(*) FROM \"projects\" WHERE \"kind\" = 'jcm' AND \"body_id\" IS NOT NULL AND %s",
			  where);
		{
			long long h = headline(st, "都市間連携事業から形成されたJCMプロジェクト", "projects", &src, err);
			add_figure(figs, "jcm_projects_from_programme", "JCM projects formed from the programme", n,
				   h, src,
				   c2c_tr("JCM project rows that name the Japanese body whose partnership formed them"));
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
			   c2c_tr("countries marked as JCM partners (bilateral document signed)"));
	}
	json_object_set_new(res, "partnerships_without_year", json_integer(d.undated));
	if (!whole && d.undated)
		json_array_append_new(notes, json_sprintf(
			"%lld of the partnerships have no recorded fiscal year and cannot be placed in this "
			"range; figures for a range narrower than %d-%d are lower bounds",
			d.undated, LIST_FIRST_FY, LIST_LAST_FY));
	else if (d.undated)
		json_array_append_new(notes, json_sprintf(
			"%lld of the partnerships have no recorded fiscal year (no public source found gives "
			"one); they are counted here because the range covers the whole list",
			d.undated));
	if (!err->code) {
		json_t *years = published_years(st, from, to, err);
		json_object_set_new(res, "published_years", years ? years : json_array());
	}
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
