/*
 * tables.c - the atlas tables as data.  docs/data.md is the human side of
 * the same contract; the two are checked against each other by the tests
 * (the header of every CSV in data/atlas must equal the columns listed here).
 */
#include "atlas.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ COL_REQUIRED
#define KEY (COL_KEY | COL_REQUIRED)

static const char place_kinds[] =
	"prefecture|city|town|village|ward|union|province|state|region|regency|district";

static const struct atlas_col countries_cols[] = {
	{"code", AT_COUNTRY, KEY | COL_SHOW | COL_SEARCH, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"jcm_partner", AT_INT, REQ | COL_SHOW | COL_FILTER, NULL, 0, 1, 0},
	{"jcm_order", AT_INT, COL_SHOW, NULL, 1, 99, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col places_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER, place_kinds, 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"parent_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"lat", AT_REAL, REQ | COL_SHOW, NULL, -90, 90, 0},
	{"lon", AT_REAL, REQ | COL_SHOW, NULL, -180, 180, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col partnerships_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"partner_label_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"body_label_ja", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"fiscal_years", AT_FYLIST, COL_SHOW, NULL, 0, 0, 0},
	{"note", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col partnership_places_cols[] = {
	{"partnership_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "partnerships", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"role", AT_ENUM, KEY | COL_SHOW | COL_FILTER, "partner|body", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col companies_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER,
	 "company|consultant|university|agency|institute|association", 0, 0, 0},
	{"country", AT_COUNTRY, COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col agreements_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"body_id", AT_REF, REQ | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"partner_place_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"counterparty_ja", AT_TEXT, REQ | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"counterparty_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER,
	 "mou|cooperation_agreement|sister_city|friendship_city|partnership_agreement|membership", 0, 0, 0},
	{"title_ja", AT_TEXT, COL_NAME | COL_SEARCH, NULL, 0, 0, 0},
	{"signed_on", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"signed_original", AT_TEXT, 0, NULL, 0, 0, 0},
	{"renewed_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"renewed_original", AT_TEXT, 0, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col projects_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER,
	 "feasibility_study|jcm|pilot|jica|local_funded|other", 0, 0, 0},
	{"country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"place_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"body_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"technology_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"technology_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"sector", AT_ENUM, COL_SHOW | COL_FILTER,
	 "renewable_energy|energy_efficiency|energy_use|waste|transport|water|urban_planning|agriculture|other", 0, 0, 0},
	{"capacity", AT_TEXT, 0, NULL, 0, 0, 0},
	{"fiscal_year", AT_INT, COL_SHOW | COL_FILTER, NULL, 1990, 2100, 0},
	{"started_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"status", AT_TEXT, 0, NULL, 0, 0, 0},
	{"note", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col project_companies_cols[] = {
	{"project_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "projects", 0, 0, 0},
	{"company_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "companies", 0, 0, 0},
	{"role", AT_ENUM, REQ | COL_SHOW, "lead|participant|supplier", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col schemes_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"category_ja", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"funder_ja", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"implementer_ja", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"summary_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col networks_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"name_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"name_en", AT_TEXT, COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"founded", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"members_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"secretariat_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"summary_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col network_members_cols[] = {
	{"network_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "networks", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"since", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"since_original", AT_TEXT, 0, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col events_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER,
	 "forum|seminar|business_matching|training|expert_dispatch|meeting|recognition|publicity|call", 0, 0, 0},
	{"title_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"title_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"starts_on", AT_DATE, COL_SHOW, NULL, 0, 0, 0},
	{"ends_on", AT_DATE, 0, NULL, 0, 0, 0},
	{"date_original", AT_TEXT, 0, NULL, 0, 0, 0},
	{"place_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"body_id", AT_REF, COL_FILTER, "places", 0, 0, 0},
	{"summary_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col cases_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"kind", AT_ENUM, REQ | COL_SHOW | COL_FILTER, "success_story|case_analysis|in_progress", 0, 0, 0},
	{"title_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"title_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"summary_ja", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col case_places_cols[] = {
	{"case_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "cases", 0, 0, 0},
	{"place_id", AT_REF, KEY | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"role", AT_ENUM, KEY | COL_SHOW, "origin|partner|follower", 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col domino_cols[] = {
	{"id", AT_ID, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"case_id", AT_REF, COL_SHOW | COL_FILTER, "cases", 0, 0, 0},
	{"from_place_id", AT_REF, REQ | COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"to_place_id", AT_REF, COL_SHOW | COL_FILTER, "places", 0, 0, 0},
	{"to_country", AT_COUNTRY, REQ | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"solution_ja", AT_TEXT, REQ | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"solution_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"year", AT_INT, COL_SHOW, NULL, 1900, 2100, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

static const struct atlas_col figures_cols[] = {
	{"table_id", AT_ID, KEY | COL_SHOW | COL_FILTER, NULL, 0, 0, 0},
	{"row_ja", AT_TEXT, KEY | COL_NAME | COL_SEARCH | COL_SHOW, NULL, 0, 0, 0},
	{"row_en", AT_TEXT, COL_SEARCH, NULL, 0, 0, 0},
	{"column", AT_TEXT, KEY | COL_SHOW, NULL, 0, 0, 0},
	{"value", AT_REAL, REQ | COL_SHOW, NULL, -1e15, 1e15, 0},
	{"unit", AT_TEXT, COL_SHOW, NULL, 0, 0, 0},
	{"as_of", AT_DATE, 0, NULL, 0, 0, 0},
	{"source", AT_TEXT, REQ, NULL, 0, 0, 0},
};

#define T(name, summary, cols, listable) {name, summary, cols, N(cols), listable}

const struct atlas_table atlas_tables[] = {
	T("countries", "countries, with the JCM partner countries", countries_cols, 1),
	T("places", "Japanese bodies and partner places, with kind and coordinates", places_cols, 1),
	T("partnerships", "who works with whom, fiscal year by fiscal year", partnerships_cols, 1),
	T("partnership_places", "the places each partnership links", partnership_places_cols, 0),
	T("companies", "companies and organisations in projects", companies_cols, 1),
	T("agreements", "MoUs, cooperation agreements, memberships with their dates", agreements_cols, 1),
	T("projects", "feasibility studies, JCM projects, pilots", projects_cols, 1),
	T("project_companies", "which company does what in which project", project_companies_cols, 0),
	T("schemes", "support schemes: funder, implementer, what they pay for", schemes_cols, 1),
	T("networks", "international networks of local governments", networks_cols, 1),
	T("network_members", "who belongs to which network since when", network_members_cols, 0),
	T("events", "forums, seminars, trainings, business matching, calls", events_cols, 1),
	T("cases", "success stories and case analyses", cases_cols, 1),
	T("case_places", "the places of each case", case_places_cols, 0),
	T("domino", "the decarbonization domino: a solution spreading city to city", domino_cols, 1),
	T("figures", "every table of figures in the sources, cell by cell", figures_cols, 1),
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
