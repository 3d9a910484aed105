/*
 * schema.c - the programme's tables (store module "programme") and the load
 * of its built-in data.  The tables hold what the programme office writes
 * (calls, proposals, reviewers, score sheets) and the channel of each domino
 * edge; the edges themselves stay atlas rows (keyed by the atlas domino id),
 * so the atlas schema is never touched from here.  SQL is plain enough for
 * PostgreSQL: double-quoted identifiers, INTEGER and TEXT, no SQLite-only
 * functions.
 */
#include "internal.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <string.h>

static const char migration1[] =
	"CREATE TABLE \"programme_calls\" ("
	" \"id\" TEXT NOT NULL PRIMARY KEY, \"fiscal_year\" INTEGER NOT NULL,"
	" \"title_ja\" TEXT NOT NULL, \"title_en\" TEXT, \"planned_selections\" INTEGER NOT NULL,"
	" \"min_reviews\" INTEGER NOT NULL, \"source\" TEXT NOT NULL);\n"
	"CREATE TABLE \"programme_rounds\" ("
	" \"call_id\" TEXT NOT NULL REFERENCES \"programme_calls\" (\"id\"),"
	" \"round\" INTEGER NOT NULL, \"opens_on\" TEXT NOT NULL, \"closes_on\" TEXT NOT NULL,"
	" \"original_ja\" TEXT, \"source\" TEXT NOT NULL, PRIMARY KEY (\"call_id\", \"round\"));\n"
	"CREATE TABLE \"programme_criteria\" ("
	" \"call_id\" TEXT NOT NULL REFERENCES \"programme_calls\" (\"id\"),"
	" \"id\" TEXT NOT NULL, \"seq\" INTEGER NOT NULL, \"name_ja\" TEXT NOT NULL,"
	" \"name_en\" TEXT, \"weight\" INTEGER NOT NULL, \"source\" TEXT NOT NULL,"
	" PRIMARY KEY (\"call_id\", \"id\"));\n"
	"CREATE TABLE \"programme_reviewers\" ("
	" \"id\" TEXT NOT NULL PRIMARY KEY, \"name\" TEXT NOT NULL, \"body_id\" TEXT,"
	" \"affiliation\" TEXT);\n"
	"CREATE TABLE \"programme_proposals\" ("
	" \"id\" TEXT NOT NULL PRIMARY KEY,"
	" \"call_id\" TEXT NOT NULL REFERENCES \"programme_calls\" (\"id\"),"
	" \"seq\" INTEGER NOT NULL, \"round\" INTEGER NOT NULL, \"submitted_on\" TEXT NOT NULL,"
	" \"body_id\" TEXT NOT NULL, \"partner_place_id\" TEXT NOT NULL, \"country\" TEXT NOT NULL,"
	" \"title_ja\" TEXT NOT NULL, \"title_en\" TEXT, \"theme_ja\" TEXT, \"sector\" TEXT NOT NULL,"
	" \"technology\" TEXT, \"outputs\" TEXT NOT NULL, \"jcm\" INTEGER NOT NULL,"
	" \"budget_jpy\" BIGINT NOT NULL, \"lead_consultant\" TEXT NOT NULL, \"members\" TEXT,"
	" \"local_members\" TEXT, \"status\" TEXT NOT NULL, \"decided_on\" TEXT, \"reason\" TEXT,"
	" \"partnership_id\" TEXT, \"project_id\" TEXT, UNIQUE (\"call_id\", \"seq\"));\n"
	"CREATE TABLE \"programme_scores\" ("
	" \"proposal_id\" TEXT NOT NULL REFERENCES \"programme_proposals\" (\"id\"),"
	" \"reviewer_id\" TEXT NOT NULL REFERENCES \"programme_reviewers\" (\"id\"),"
	" \"criterion_id\" TEXT NOT NULL, \"points\" INTEGER NOT NULL,"
	" PRIMARY KEY (\"proposal_id\", \"reviewer_id\", \"criterion_id\"));\n"
	"CREATE TABLE \"programme_domino_channels\" ("
	" \"domino_id\" TEXT NOT NULL PRIMARY KEY, \"channel\" TEXT NOT NULL, \"note\" TEXT,"
	" \"source\" TEXT NOT NULL);\n";

/* The work of the pages (issue 15): a joint proposal's every body and
 * partner place (the lead stays in programme_proposals, and proposals made
 * before are copied in as one body and one place), a call the office has
 * closed, a municipality's saved readiness checks and the one attached to a
 * proposal, and the office's assignment of proposals to reviewers. */
static const char migration2[] =
	"CREATE TABLE \"programme_proposal_places\" ("
	" \"proposal_id\" TEXT NOT NULL REFERENCES \"programme_proposals\" (\"id\"),"
	" \"role\" TEXT NOT NULL CHECK (\"role\" IN ('body', 'partner')), \"seq\" INTEGER NOT NULL,"
	" \"place_id\" TEXT NOT NULL, PRIMARY KEY (\"proposal_id\", \"role\", \"place_id\"));\n"
	"INSERT INTO \"programme_proposal_places\" (\"proposal_id\", \"role\", \"seq\", \"place_id\")"
	" SELECT \"id\", 'body', 1, \"body_id\" FROM \"programme_proposals\";\n"
	"INSERT INTO \"programme_proposal_places\" (\"proposal_id\", \"role\", \"seq\", \"place_id\")"
	" SELECT \"id\", 'partner', 1, \"partner_place_id\" FROM \"programme_proposals\";\n"
	"ALTER TABLE \"programme_calls\" ADD COLUMN \"closed_on\" TEXT;\n"
	"CREATE TABLE \"programme_readiness\" ("
	" \"id\" TEXT NOT NULL PRIMARY KEY, \"body_id\" TEXT NOT NULL, \"saved_on\" TEXT NOT NULL,"
	" \"answers\" TEXT NOT NULL, \"overall_x100\" INTEGER NOT NULL, \"level\" TEXT NOT NULL);\n"
	"ALTER TABLE \"programme_proposals\" ADD COLUMN \"readiness_id\" TEXT"
	" REFERENCES \"programme_readiness\" (\"id\");\n"
	"CREATE TABLE \"programme_assignments\" ("
	" \"proposal_id\" TEXT NOT NULL REFERENCES \"programme_proposals\" (\"id\"),"
	" \"reviewer_id\" TEXT NOT NULL REFERENCES \"programme_reviewers\" (\"id\"),"
	" \"assigned_on\" TEXT NOT NULL, PRIMARY KEY (\"proposal_id\", \"reviewer_id\"));\n";

static const struct store_migration migrations[] = {
	{1, "programme tables: calls, rounds, criteria, reviewers, proposals, scores, domino channels",
	 migration1},
	{2, "joint proposals, closed calls, saved readiness checks, reviewer assignments", migration2},
};

static const char *builtin_file(size_t i, const char **name, size_t *len)
{
	if (i >= programme_builtin_nfiles)
		return NULL;
	*name = programme_builtin_files[i].name;
	*len = programme_builtin_files[i].len;
	return programme_builtin_files[i].data;
}

static const char *sv(json_t *row, const char *key)
{
	const char *v = json_string_value(json_object_get(row, key));
	return v && *v ? v : NULL;
}

/* Each built-in file into its table: rows are upserted by key. */
static int load_calls(struct store *st, struct c2c_err *err)
{
	static const char calls_sql[] =
		"INSERT INTO \"programme_calls\" (\"id\", \"fiscal_year\", \"title_ja\", \"title_en\","
		" \"planned_selections\", \"min_reviews\", \"source\") VALUES (?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (\"id\") DO UPDATE SET \"fiscal_year\" = excluded.\"fiscal_year\","
		" \"title_ja\" = excluded.\"title_ja\", \"title_en\" = excluded.\"title_en\","
		" \"planned_selections\" = excluded.\"planned_selections\","
		" \"min_reviews\" = excluded.\"min_reviews\", \"source\" = excluded.\"source\"";
	static const char rounds_sql[] =
		"INSERT INTO \"programme_rounds\" (\"call_id\", \"round\", \"opens_on\", \"closes_on\","
		" \"original_ja\", \"source\") VALUES (?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (\"call_id\", \"round\") DO UPDATE SET \"opens_on\" = excluded.\"opens_on\","
		" \"closes_on\" = excluded.\"closes_on\", \"original_ja\" = excluded.\"original_ja\","
		" \"source\" = excluded.\"source\"";
	static const char criteria_sql[] =
		"INSERT INTO \"programme_criteria\" (\"call_id\", \"id\", \"seq\", \"name_ja\", \"name_en\","
		" \"weight\", \"source\") VALUES (?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (\"call_id\", \"id\") DO UPDATE SET \"seq\" = excluded.\"seq\","
		" \"name_ja\" = excluded.\"name_ja\", \"name_en\" = excluded.\"name_en\","
		" \"weight\" = excluded.\"weight\", \"source\" = excluded.\"source\"";
	json_t *rows, *r;
	size_t i;
	int rc;
	char a[24], b[24], c[24];

	if ((rc = prog_builtin_rows("calls", &rows, err)))
		return rc;
	json_array_foreach(rows, i, r) {
		const char *binds[7];
		snprintf(a, sizeof(a), "#%s", sv(r, "fiscal_year"));
		snprintf(b, sizeof(b), "#%s", sv(r, "planned_selections"));
		snprintf(c, sizeof(c), "#%s", sv(r, "min_reviews"));
		binds[0] = sv(r, "id"), binds[1] = a, binds[2] = sv(r, "title_ja");
		binds[3] = sv(r, "title_en"), binds[4] = b, binds[5] = c, binds[6] = sv(r, "source");
		if ((rc = prog_exec(st, calls_sql, binds, 7, err)))
			break;
	}
	json_decref(rows);
	if (rc || (rc = prog_builtin_rows("call_rounds", &rows, err)))
		return rc;
	json_array_foreach(rows, i, r) {
		const char *binds[6];
		snprintf(a, sizeof(a), "#%s", sv(r, "round"));
		binds[0] = sv(r, "call_id"), binds[1] = a, binds[2] = sv(r, "opens_on");
		binds[3] = sv(r, "closes_on"), binds[4] = sv(r, "original_ja"), binds[5] = sv(r, "source");
		if ((rc = prog_exec(st, rounds_sql, binds, 6, err)))
			break;
	}
	json_decref(rows);
	if (rc || (rc = prog_builtin_rows("call_criteria", &rows, err)))
		return rc;
	json_array_foreach(rows, i, r) {
		const char *binds[7];
		snprintf(a, sizeof(a), "#%s", sv(r, "seq"));
		snprintf(b, sizeof(b), "#%s", sv(r, "weight"));
		binds[0] = sv(r, "call_id"), binds[1] = sv(r, "id"), binds[2] = a;
		binds[3] = sv(r, "name_ja"), binds[4] = sv(r, "name_en"), binds[5] = b;
		binds[6] = sv(r, "source");
		if ((rc = prog_exec(st, criteria_sql, binds, 7, err)))
			break;
	}
	json_decref(rows);
	return rc;
}

/* The domino edges the atlas dataset lacks go into the atlas domino table
 * through its own import (same checks); then every channel. */
static int load_domino(struct store *st, struct c2c_err *err)
{
	const struct programme_builtin_file *f = programme_builtin("domino_edges");
	json_t *rows, *r;
	size_t i;
	int rc;

	if ((rc = atlas_import_mem(st, atlas_table_find("domino"), f->data, f->len,
				   "data/programme/domino_edges.csv", NULL, err)))
		return rc;
	if ((rc = prog_builtin_rows("domino_channels", &rows, err)))
		return rc;
	json_array_foreach(rows, i, r) {
		char where[160];
		snprintf(where, sizeof(where), "data/programme/domino_channels.csv: row %zu", i + 2);
		rc = prog_channel_put(st, sv(r, "domino_id"), sv(r, "channel"), sv(r, "note"),
				      sv(r, "source"), err);
		if (rc) {
			c2c_err_prefix(err, "%s", where);
			break;
		}
	}
	json_decref(rows);
	return rc;
}

int programme_migrate(struct store *st, struct c2c_err *err)
{
	int applied;
	return store_migrate(st, "programme", migrations, sizeof(migrations) / sizeof(migrations[0]),
			     &applied, err);
}

/* Needs the atlas loaded: the calls name its places, the edges its rows. */
static int load_builtin(struct store *st, size_t *rows, struct c2c_err *err)
{
	int rc;

	(void)rows;
	if (atlas_count(st, "places", NULL) <= 0)
		return c2c_err_set(err, C2C_ENOTFOUND, "the atlas is empty: run c2c init first");
	if ((rc = load_calls(st, err)) || (rc = load_domino(st, err)) || (rc = atlas_search_rebuild(st, err)))
		c2c_err_prefix(err, "programme built-in data");
	return rc;
}

const struct store_builtin programme_dataset = {"programme.dataset", builtin_file, load_builtin};
