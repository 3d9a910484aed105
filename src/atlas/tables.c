/*
 * tables.c - the atlas tables as data, the one place a table is declared.
 * From this list come the schema and its migrations (schema.c: a table's
 * `since` is the migration that creates it), the CLI's list commands and
 * their options (cli/cmd_list.c), the API's GET /api/v1/<table> routes
 * (http/router.c), and what the web knows of a table (GET /api/v1/tables:
 * key, references, display and brief columns).  docs/data.md is the human
 * side of the same contract; `c2c init` holds the built-in CSVs to it (the
 * header of every CSV in data/atlas must name the columns listed here).
 *
 * Adding a table: its columns and a T(...) line here, after the tables it
 * references, with `since` one above the highest in use; its CSV in
 * data/atlas if it has built-in rows; its labels in web/src/i18n.js.
 */
#include "atlas.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ COL_REQUIRED
#define KEY (COL_KEY | COL_REQUIRED)
/* The most characters a text column takes: a name, a title or a label, and
 * a note, summary or source (the longest built-in value is a 698-character
 * summary).  A cap, not a budget: it stops a 200 KB "name" at the door. */
#define TEXT_SHORT 300
#define TEXT_LONG 4000

static const char place_kinds[] =
	"prefecture|city|town|village|ward|union|province|state|region|regency|district";

static const struct atlas_col countries_cols[] = {
	{"code", AT_COUNTRY, KEY | COL_SHOW | COL_SEARCH | COL_BRIEF, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"jcm_partner", AT_INT, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 1, 0},
	{"jcm_order", AT_INT, COL_SHOW, NULL, 1, 99, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col places_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, place_kinds, 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 0, 0},
	{"parent_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"lat", AT_REAL, REQ | COL_SHOW, NULL, -90, 90, 0},
	{"lon", AT_REAL, REQ | COL_SHOW, NULL, -180, 180, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

/* Other spellings and former names of a place that folding cannot reach
 * (Saigon for Ho Chi Minh City, Rangoon for Yangon, マレ市 for マーレ市):
 * found by the search as the place's own names are, each with its source
 * (issue 20).  Not a list of its own: the place's page and the search show
 * them. */
static const struct atlas_col place_aliases_cols[] = {
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"alias", AT_TEXT, KEY | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col partnerships_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 0, 0},
	{"partner_label_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"body_label_ja", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"fiscal_years", AT_FYLIST, COL_SHOW | COL_BRIEF, NULL, 0, 0, 0},
	{"note", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col partnership_places_cols[] = {
	{"partnership_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "partnerships", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"role", AT_ENUM, KEY | COL_SHOW | COL_FILTER, "partner|body", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col companies_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF,
	 "company|consultant|university|agency|institute|association", 0, 0, 0},
	{"country", AT_COUNTRY, COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col agreements_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"body_id", AT_REF, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"partner_place_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"counterparty_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"counterparty_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF,
	 "mou|cooperation_agreement|sister_city|friendship_city|partnership_agreement|membership", 0, 0, 0},
	{"title_ja", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"signed_on", AT_DATE, COL_SHOW | COL_BRIEF, NULL, 0, 0, 0},
	{"signed_original", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"renewed_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"renewed_original", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col projects_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF,
	 "feasibility_study|jcm|pilot|jica|local_funded|other", 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 0, 0},
	{"place_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"body_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"technology_ja", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"technology_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"sector", AT_ENUM, COL_SHOW | COL_FILTER | COL_BRIEF,
	 "renewable_energy|energy_efficiency|energy_use|waste|transport|water|urban_planning|agriculture|other", 0, 0, 0},
	{"capacity", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"fiscal_year", AT_INT, COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 1990, 2100, 0},
	{"started_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"status", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"note", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col project_companies_cols[] = {
	{"project_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "projects", 0, 0, 0},
	{"company_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "companies", 0, 0, 0},
	{"role", AT_ENUM, REQ | COL_SHOW, "lead|participant|supplier", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

/* What a project was formed from: the partnerships whose cooperation led to
 * it (a feasibility study of the partnership, then a JCM model project). */
static const struct atlas_col project_partnerships_cols[] = {
	{"project_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "projects", 0, 0, 0},
	{"partnership_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "partnerships", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

/* A project's life, stage by stage (stages.c keeps their order).  `seq`
 * numbers the stages of one project in the order they were recorded;
 * on_date is at the precision the source gives, and fiscal_year stands in
 * for it where a source gives only the fiscal year (docs/atlas.md). */
static const struct atlas_col project_stages_cols[] = {
	{"project_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "projects", 0, 0, 0},
	{"seq", AT_INT, KEY | COL_SHOW, NULL, 1, 9999, 0},
	{"stage", AT_ENUM, REQ | COL_SHOW | COL_FILTER, ATLAS_STAGES, 0, 0, 0},
	{"on_date", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"fiscal_year", AT_INT, COL_SHOW, NULL, 1990, 2100, 0},
	{"ref", AT_TEXT, COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"note", AT_TEXT, COL_LINES, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col schemes_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"category_ja", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"funder_ja", AT_TEXT, COL_SEARCH | COL_SHOW | COL_BRIEF, NULL, 0, TEXT_SHORT, 0},
	{"implementer_ja", AT_TEXT, COL_SEARCH | COL_SHOW | COL_BRIEF, NULL, 0, TEXT_SHORT, 0},
	{"summary_ja", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col networks_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"name_en", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"founded", AT_DATE, COL_SHOW | COL_BRIEF, NULL, 0, 0, 0},
	{"members_ja", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"secretariat_ja", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"summary_ja", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col network_members_cols[] = {
	{"network_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "networks", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"since", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"since_original", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col events_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF,
	 "forum|seminar|business_matching|training|expert_dispatch|meeting|recognition|publicity|call", 0, 0, 0},
	{"title_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"title_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"starts_on", AT_DATE, COL_SHOW | COL_BRIEF, NULL, 0, 0, 0},
	{"ends_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"date_original", AT_TEXT, 0, NULL, 0, TEXT_SHORT, 0},
	{"place_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"body_id", AT_REF, COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"summary_ja", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col cases_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, "success_story|case_analysis|in_progress", 0, 0, 0},
	{"title_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"title_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"summary_ja", AT_TEXT, COL_LINES | COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col case_places_cols[] = {
	{"case_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "cases", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"role", AT_ENUM, KEY | COL_SHOW, "origin|partner|follower", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col domino_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"case_id", AT_REF, COL_SHOW | COL_FILTER, "cases", 0, 0, 0},
	{"from_place_id", AT_REF, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"to_place_id", AT_REF, COL_SHOW | COL_FILTER | COL_BRIEF, "places", 0, 0, 0},
	{"to_country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER | COL_BRIEF, NULL, 0, 0, 0},
	{"solution_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_LONG, 0},
	{"solution_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_LONG, 0},
	{"year", AT_INT, COL_SHOW | COL_BRIEF, NULL, 1900, 2100, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

static const struct atlas_col figures_cols[] = {
	{"table_id", AT_ID, KEY | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"row_ja", AT_TEXT, KEY | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"row_en", AT_TEXT, COL_SEARCH, NULL, 0, TEXT_SHORT, 0},
	{"column", AT_TEXT, KEY | COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"value", AT_REAL, REQ | COL_SHOW, NULL, -1e15, 1e15, 0},
	{"unit", AT_TEXT, COL_SHOW, NULL, 0, TEXT_SHORT, 0},
	{"as_of", AT_DATE, 0, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, TEXT_LONG, 0},
};

/* T(name, summary, columns, listable, since).  Load order: a table comes
 * after the tables it references.  Among the listable ones this is also the
 * order of the generated list commands in `c2c help` and of the web's
 * tables.  A summary reads as the command's line in `c2c help`. */
#define T(name, summary, cols, listable, since) {name, summary, cols, N(cols), listable, since}

const struct atlas_table atlas_tables[] = {
	T("countries", "countries, with the JCM partner countries", countries_cols, 1, 1),
	T("places", "Japanese bodies and partner places with kind and coordinates", places_cols, 1, 1),
	T("partnerships", "partnerships between Japanese bodies and partner places", partnerships_cols, 1, 1),
	T("partnership_places", "the places each partnership links", partnership_places_cols, 0, 1),
	T("agreements", "MoUs, cooperation agreements and memberships with their dates", agreements_cols, 1, 1),
	T("projects", "feasibility studies, JCM projects and pilots", projects_cols, 1, 1),
	T("companies", "companies and organisations taking part in projects", companies_cols, 1, 1),
	T("project_companies", "which company does what in which project", project_companies_cols, 0, 1),
	T("project_partnerships", "the partnerships each project was formed from", project_partnerships_cols, 0, 4),
	T("project_stages", "each project's life: study, model project, registration, monitoring, issuance...",
	  project_stages_cols, 0, 4),
	T("schemes", "support schemes for international cooperation", schemes_cols, 1, 1),
	T("networks", "international networks of local governments", networks_cols, 1, 1),
	T("network_members", "who belongs to which network since when", network_members_cols, 0, 1),
	T("events", "forums, seminars, trainings, business matching, public calls", events_cols, 1, 1),
	T("cases", "success stories and case analyses", cases_cols, 1, 1),
	T("case_places", "the places of each case", case_places_cols, 0, 1),
	T("domino", "the decarbonization domino: solutions spreading city to city", domino_cols, 1, 1),
	T("figures", "every table of figures in the sources, cell by cell", figures_cols, 1, 1),
	T("place_aliases", "other spellings and former names of places, for the search", place_aliases_cols, 0, 5),
};
const size_t atlas_ntables = N(atlas_tables);

const struct atlas_table *atlas_table_find(const char *name)
{
	for (size_t i = 0; i < atlas_ntables; i++)
		if (!strcmp(atlas_tables[i].name, name))
			return &atlas_tables[i];
	return NULL;
}

const struct atlas_col *atlas_col_find(const struct atlas_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static const char *type_name(enum atlas_type t)
{
	static const char *const names[] = {"text", "id", "country", "date", "int",
					    "real", "enum", "fylist", "ref"};
	return names[t];
}

/* The table a column points at: AT_REF's table; a country code points at
 * countries everywhere but in countries itself, where it is the key. */
static const char *col_ref(const struct atlas_table *t, const struct atlas_col *c)
{
	if (c->type == AT_REF)
		return c->values;
	if (c->type == AT_COUNTRY && strcmp(t->name, "countries"))
		return "countries";
	return NULL;
}

/* The English twin of a Japanese display column (name_ja -> name_en), where
 * the table has one: the data keeps both names side by side (docs/data.md). */
static const char *english_twin(const struct atlas_table *t, const char *ja)
{
	char en[64];
	size_t n = strlen(ja);
	const struct atlas_col *c;
	if (n < 3 || n >= sizeof(en) || strcmp(ja + n - 3, "_ja"))
		return NULL;
	snprintf(en, sizeof(en), "%.*s_en", (int)(n - 3), ja);
	c = atlas_col_find(t, en);
	return c ? c->name : NULL;
}

static json_t *col_json(const struct atlas_table *t, const struct atlas_col *c)
{
	const char *ref = col_ref(t, c);
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:i}", "name", c->name,
			      "type", type_name(c->type), "required", !!(c->flags & COL_REQUIRED),
			      "key", !!(c->flags & COL_KEY), "display", !!(c->flags & COL_NAME),
			      "search", !!(c->flags & COL_SEARCH), "show", !!(c->flags & COL_SHOW),
			      "filter", !!(c->flags & COL_FILTER), "brief", !!(c->flags & COL_BRIEF),
			      "since", c->since);
	if (!o)
		return NULL;
	json_object_set_new(o, "ref", ref ? json_string(ref) : json_null());
	if (c->type == AT_ENUM) {
		json_t *vals = json_array();
		for (const char *v = c->values; v && *v;) {
			const char *bar = strchr(v, '|');
			size_t len = bar ? (size_t)(bar - v) : strlen(v);
			json_array_append_new(vals, json_stringn(v, len));
			v += len + (bar ? 1 : 0);
		}
		json_object_set_new(o, "values", vals);
	}
	return o;
}

json_t *atlas_tables_json(const struct atlas_table *tables, size_t n)
{
	json_t *out = json_array();
	for (size_t i = 0; out && i < n; i++) {
		const struct atlas_table *t = &tables[i];
		json_t *key = json_array(), *brief = json_array(), *cols = json_array(), *o;
		const char *ja = NULL;
		for (size_t c = 0; c < t->ncols; c++) {
			const struct atlas_col *col = &t->cols[c];
			if (col->flags & COL_KEY)
				json_array_append_new(key, json_string(col->name));
			if (col->flags & COL_BRIEF)
				json_array_append_new(brief, json_string(col->name));
			if ((col->flags & COL_NAME) && !ja)
				ja = col->name;
			json_array_append_new(cols, col_json(t, col));
		}
		o = json_pack("{s:s, s:s, s:i, s:b, s:o, s:[s?s?], s:o, s:o}", "name", t->name, "summary",
			      t->summary, "since", t->since, "listable", t->listable, "key", key, "display",
			      ja, ja ? english_twin(t, ja) : NULL, "brief", brief, "columns", cols);
		if (!o || json_array_append_new(out, o)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
