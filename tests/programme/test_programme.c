/*
 * test_programme.c - the programme module against a real SQLite file with
 * the built-in atlas: the seed's 2026 call, a full call cycle (open, submit,
 * score, rank, select, atlas data), every refusal leaving the database as
 * it was, the readiness scoring with worked numbers, matching on known
 * data and its evaluation, and the domino chains of the seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atlas/atlas.h"
#include "programme/programme.h"

struct fixture {
	char path[128];
	struct store *st;
};

/* What c2c init does for the programme (cli/modules.c): tables, then data. */
static int programme_ready(struct store *st, struct c2c_err *err)
{
	struct store_builtin_report br;
	return programme_migrate(st, err) || store_builtin_load(st, &programme_dataset, 0, &br, err);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct atlas_init_report rep;
	struct c2c_err err;
	if (testdb_open(f->path, sizeof(f->path), "programme", &f->st, &err) || atlas_init(f->st, 0, &rep, &err) ||
	    programme_ready(f->st, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(f->path, f->st);
	free(f);
	return 0;
}

/* The whole database as text: every atlas table, every programme row. */
static char *snapshot(struct store *st)
{
	static const char *const sums[] = {
		"SELECT COUNT(*) FROM programme_calls", "SELECT COUNT(*) FROM programme_rounds",
		"SELECT COUNT(*) FROM programme_criteria", "SELECT COUNT(*) FROM programme_reviewers",
		"SELECT COUNT(*) FROM programme_proposals",
		"SELECT COUNT(*) FROM programme_proposals WHERE status = 'submitted'",
		"SELECT COUNT(*) FROM programme_scores", "SELECT COALESCE(SUM(points), 0) FROM programme_scores",
		"SELECT COUNT(*) FROM programme_domino_channels"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct c2c_err err;
	for (size_t i = 0; i < atlas_ntables; i++)
		assert_int_equal(atlas_export_csv(st, &atlas_tables[i], fp, &err), 0);
	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		fprintf(fp, "%lld\n", store_query_int(st, sums[i], &err));
	fclose(fp);
	return buf;
}

static json_t *find_id(json_t *rows, const char *key, const char *id)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		if (json_string_value(json_object_get(r, key)) && !strcmp(json_string_value(json_object_get(r, key)), id))
			return r;
	return NULL;
}

/* ---- the seed's call ----------------------------------------------------------- */

static void test_builtin_call(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *calls, *c, *rounds, *crit;
	assert_int_equal(programme_calls(f->st, "c2c-2026", &calls, &err), 0);
	c = json_array_get(calls, 0);
	assert_int_equal(json_integer_value(json_object_get(c, "fiscal_year")), 2026);
	assert_int_equal(json_integer_value(json_object_get(c, "planned_selections")), 20);
	rounds = json_object_get(c, "rounds");
	assert_int_equal(json_array_size(rounds), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rounds, 0), "opens_on")), "2026-02-02");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rounds, 0), "closes_on")), "2026-02-27");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rounds, 1), "opens_on")), "2026-04-01");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rounds, 1), "closes_on")), "2026-05-31");
	crit = json_object_get(c, "criteria");
	assert_int_equal(json_array_size(crit), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(crit, 0), "name_ja")), "独自性");
	assert_string_equal(json_string_value(json_object_get(json_array_get(crit, 1), "name_ja")), "地元企業の参画");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(crit, 2), "name_ja")),
			       "プロジェクトの実現可能性"));
	json_decref(calls);
	/* init again changes nothing */
	{
		char *before = snapshot(f->st), *after;
		assert_int_equal(programme_ready(f->st, &err), 0);
		after = snapshot(f->st);
		assert_string_equal(before, after);
		free(before), free(after);
	}
}

/* ---- a full call cycle ----------------------------------------------------------- */

static struct programme_proposal_spec proposal(const char *on, const char *body, const char *partner,
					       const char *title)
{
	struct programme_proposal_spec p = {0};
	p.call_id = "c2c-2026";
	p.submitted_on = on;
	p.body = body;
	p.partner = partner;
	p.title_ja = title;
	p.title_en = "test proposal";
	p.theme_ja = "都市公園と再エネ";
	p.sector = "renewable_energy";
	p.technology = "小水力発電";
	p.outputs = "capacity_building;jcm_equipment";
	p.budget_jpy = "30,000,000";
	p.lead = "公益財団法人地球環境戦略研究機関(IGES)";
	p.members = "大阪ガス;未登録の会社";
	p.local_members = "富山の地元企業";
	return p;
}

static void sheet(struct store *st, const char *prop, const char *rev, int a, int b, int c, int want)
{
	struct c2c_err err;
	struct programme_point pts[] = {{"originality", a}, {"local-companies", b}, {"feasibility", c}};
	int rc = programme_score(st, prop, rev, pts, 3, 0, &err);
	if (rc != want)
		fail_msg("score %s by %s: %d (%s), expected %d", prop, rev, rc, err.msg, want);
}

/* Every refusal: the right code, a message naming the field, nothing changed.
 * An error about one input is matched as "FIELD: message" (err.field). */
#define REFUSED(f, call, code, text)                                                                 \
	do {                                                                                         \
		char *before_ = snapshot((f)->st), *after_, said_[700];                               \
		struct c2c_err err_ = {0};                                                           \
		struct c2c_err *errp = &err_;                                                        \
		int rc_ = (call);                                                                    \
		snprintf(said_, sizeof(said_), "%s%s%s", err_.field, err_.field[0] ? ": " : "", err_.msg); \
		if (rc_ != (code) || !strstr(said_, (text)))                                         \
			fail_msg("%s: %d '%s', expected %d with '%s'", #call, rc_, said_, (code), (text)); \
		after_ = snapshot((f)->st);                                                          \
		assert_string_equal(before_, after_);                                                \
		free(before_), free(after_);                                                         \
	} while (0)

static void test_full_cycle(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char id[96];
	json_t *rank, *r, *res, *rows;
	struct programme_proposal_spec p;

	assert_int_equal(programme_reviewer_add(f->st, "rv-a", "審査員A", NULL, "環境省", &err), 0);
	assert_int_equal(programme_reviewer_add(f->st, "rv-b", "審査員B", "jp-yokohama-city", NULL, &err), 0);
	assert_int_equal(programme_reviewer_add(f->st, "rv-toyama", "富山の審査員", "富山市", NULL, &err), 0);

	/* A: Toyama - Renca (a partnership with FY2020;2021), round 1 */
	p = proposal("2026-02-10", "富山市", "cl-renca-ward", "レンカ区における小水力・都市公園の脱炭素化事業");
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);
	assert_string_equal(id, "pr-c2c-2026-001");
	/* B: Kitakyushu - Semarang (no partnership yet), round 2 */
	p = proposal("2026-04-15", "jp-kitakyushu-city", "スマラン市", "スマラン市廃棄物発電事業化調査");
	p.sector = "waste";
	p.members = NULL;
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);
	assert_string_equal(id, "pr-c2c-2026-002");
	/* C: the last day of round 2, scored once only */
	p = proposal("2026-05-31", "jp-osaka-city", "vn-ho-chi-minh-city", "ホーチミン市省エネ事業");
	p.sector = "energy_efficiency";
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);

	sheet(f->st, "pr-c2c-2026-001", "rv-a", 4, 3, 5, 0);
	sheet(f->st, "pr-c2c-2026-001", "rv-b", 5, 4, 4, 0);
	sheet(f->st, "pr-c2c-2026-002", "rv-a", 2, 2, 2, 0);
	sheet(f->st, "pr-c2c-2026-002", "rv-b", 5, 5, 4, 0);
	sheet(f->st, "pr-c2c-2026-003", "rv-a", 5, 5, 5, 0);

	assert_int_equal(programme_rank(f->st, "c2c-2026", &rank, &err), 0);
	assert_int_equal(json_array_size(rank), 3);
	r = json_array_get(rank, 0);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "pr-c2c-2026-001");
	assert_int_equal(json_integer_value(json_object_get(r, "rank")), 1);
	/* 25 points of 30 possible: 83.33; totals 80.00 and 86.67: spread 6.67 */
	assert_int_equal(json_integer_value(json_object_get(r, "score_x100")), 8333);
	assert_string_equal(json_string_value(json_object_get(r, "score")), "83.33");
	assert_int_equal(json_integer_value(json_object_get(r, "spread_x100")), 667);
	assert_false(json_is_true(json_object_get(r, "disagreement")));
	r = json_array_get(rank, 1);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "pr-c2c-2026-002");
	assert_int_equal(json_integer_value(json_object_get(r, "score_x100")), 6667);
	assert_int_equal(json_integer_value(json_object_get(r, "spread_x100")), 5333);
	assert_true(json_is_true(json_object_get(r, "disagreement")));
	assert_int_equal(json_array_size(json_object_get(r, "disagreement_on")), 4); /* 3 criteria + total */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(r, "criteria"),
		"originality"), "range")), 3);
	r = json_array_get(rank, 2);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "pr-c2c-2026-003");
	assert_true(json_is_null(json_object_get(r, "rank")));
	assert_string_equal(json_string_value(json_object_get(r, "flag")), "needs reviews");
	json_decref(rank);

	/* select A: the fiscal year is added to the existing Toyama-Renca partnership */
	if (programme_decide(f->st, "pr-c2c-2026-001", 1, "独自性が高い", "2026-06-30", &res, &err))
		fail_msg("select: %s", err.msg);
	assert_string_equal(json_string_value(json_object_get(res, "partnership")), "fiscal year added");
	assert_string_equal(json_string_value(json_object_get(res, "partnership_id")), "p064");
	assert_non_null(strstr(json_string_value(json_object_get(res, "reason")), "[rank 1 of 3, score 83.33"));
	assert_int_equal(json_array_size(json_object_get(res, "companies")), 2); /* IGES and Osaka Gas */
	json_decref(res);
	{
		const char *filters[] = {"id", "p064", NULL};
		assert_int_equal(atlas_list(f->st, atlas_table_find("partnerships"), filters, &rows, &err), 0);
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "fiscal_years")),
				    "2020;2021;2026");
		json_decref(rows);
	}
	{
		const char *filters[] = {"project_id", "pj-pr-c2c-2026-001", NULL};
		assert_int_equal(atlas_list(f->st, atlas_table_find("project_companies"), filters, &rows, &err), 0);
		assert_non_null(find_id(rows, "company_id", "co-iges"));
		assert_string_equal(json_string_value(json_object_get(find_id(rows, "company_id", "co-iges"), "role")),
				    "lead");
		assert_non_null(find_id(rows, "company_id", "co-osaka-gas"));
		json_decref(rows);
	}
	/* select B: a new partnership for FY2026, its places and a project */
	assert_int_equal(programme_decide(f->st, "pr-c2c-2026-002", 1, "実現可能性", "2026-06-30", &res, &err), 0);
	assert_string_equal(json_string_value(json_object_get(res, "partnership")), "new");
	json_decref(res);
	{
		struct atlas_partnership_filter pf = {.body = "北九州", .partner = "Semarang", .fy = 2026};
		assert_int_equal(atlas_partnerships(f->st, &pf, &rows, &err), 0);
		assert_int_equal(json_array_size(rows), 1);
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "country")), "ID");
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "id")),
				    "p-pr-c2c-2026-002");
		json_decref(rows);
	}
	{
		const char *filters[] = {"fiscal_year", "2026", NULL};
		assert_int_equal(atlas_list(f->st, atlas_table_find("projects"), filters, &rows, &err), 0);
		assert_int_equal(json_array_size(rows), 2);
		r = find_id(rows, "id", "pj-pr-c2c-2026-002");
		assert_non_null(r);
		assert_string_equal(json_string_value(json_object_get(r, "sector")), "waste");
		assert_string_equal(json_string_value(json_object_get(r, "body_id")), "jp-kitakyushu-city");
		json_decref(rows);
	}
	/* the atlas search sees the new project */
	assert_int_equal(atlas_search(f->st, "スマラン市廃棄物発電", 10, &rows, &err), 0);
	assert_non_null(find_id(rows, "id", "pj-pr-c2c-2026-002"));
	json_decref(rows);
	/* reject C with its reason; the call counts it */
	assert_int_equal(programme_decide(f->st, "pr-c2c-2026-003", 0, "審査不足", "2026-06-30", &res, &err), 0);
	json_decref(res);
	assert_int_equal(programme_proposals(f->st, "c2c-2026", "selected", NULL, &rows, &err), 0);
	assert_int_equal(json_array_size(rows), 2);
	json_decref(rows);
}

static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char id[96];
	struct programme_proposal_spec p;
	struct programme_point bad_crit[] = {{"originality", 3}, {"beauty", 3}, {"feasibility", 3}};
	struct programme_point missing[] = {{"originality", 3}, {"feasibility", 3}};
	struct programme_point too_high[] = {{"originality", 6}, {"local-companies", 3}, {"feasibility", 3}};
	struct programme_point ok[] = {{"originality", 3}, {"local-companies", 3}, {"feasibility", 3}};
	json_t *res = NULL;

	assert_int_equal(programme_reviewer_add(f->st, "rv-a", "審査員A", NULL, NULL, &err), 0);
	assert_int_equal(programme_reviewer_add(f->st, "rv-toyama", "富山の審査員", "jp-toyama-city", NULL, &err), 0);
	p = proposal("2026-02-10", "jp-toyama-city", "cl-renca-ward", "提案");
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);

	/* outside the rounds' dates: between them, before, after; and the wrong round */
	p.submitted_on = "2026-03-05";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "submitted_on: 2026-03-05 is outside every round");
	p.submitted_on = "2026-02-01";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "outside every round");
	p.submitted_on = "2026-06-01";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "outside every round");
	p.submitted_on = "2026-04-10";
	p.round = 1;
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "outside round 1");
	p.round = 0;
	p.submitted_on = "2026-02-30";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "submitted_on: '2026-02-30' is not a date");
	p.submitted_on = "2026-02-10";
	/* fields */
	p.body = "cl-renca-ward";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "body: レンカ区 (cl-renca-ward) is not a Japanese body");
	p.body = "jp-toyama-city";
	p.partner = "横浜市";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "partner: 横浜市 (jp-yokohama-city) is in Japan");
	p.partner = "Atlantis";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "partner: 'Atlantis' is not a place");
	p.partner = "cl-renca-ward";
	p.budget_jpy = "3.5e7";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "budget_jpy: ");
	p.budget_jpy = "0";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "budget_jpy: ");
	p.budget_jpy = "1000";
	p.sector = "happiness";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "sector: 'happiness'");
	p.sector = "water";
	p.outputs = "capacity_building;parties";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "outputs: 'parties'");
	p.outputs = "capacity_building";
	p.lead = "";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "lead: required");
	p.lead = "IGES";
	p.call_id = "c2c-1999";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_ENOTFOUND, "call: no call");
	p.call_id = "c2c-2026";
	p.title_ja = "\xe5\xaf";
	REFUSED(f, programme_proposal_submit(f->st, &p, id, sizeof(id), errp), C2C_EINPUT, "title_ja: invalid UTF-8");

	/* scores */
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-toyama", ok, 3, 0, errp), C2C_ECONFLICT,
		"cannot score a proposal of their own body");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-a", bad_crit, 3, 0, errp), C2C_EINPUT,
		"beauty: not a criterion of this call");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-a", missing, 2, 0, errp), C2C_EINPUT,
		"local-companies: no points given");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-a", too_high, 3, 0, errp), C2C_EINPUT,
		"originality: 6 points is not 1 to 5");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-nobody", ok, 3, 0, errp), C2C_ENOTFOUND,
		"reviewer: no reviewer");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-999", "rv-a", ok, 3, 0, errp), C2C_ENOTFOUND, "no proposal");
	assert_int_equal(programme_score(f->st, "pr-c2c-2026-001", "rv-a", ok, 3, 0, &err), 0);
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-a", ok, 3, 0, errp), C2C_ECONFLICT, "scored proposal");
	ok[0].points = 5;
	assert_int_equal(programme_score(f->st, "pr-c2c-2026-001", "rv-a", ok, 3, 1, &err), 0);
	assert_int_equal(store_query_int(f->st, "SELECT SUM(points) FROM programme_scores", &err), 11);

	/* selection: one sheet is not enough; a reason is required; decided once */
	REFUSED(f, programme_decide(f->st, "pr-c2c-2026-001", 1, "良い", "2026-06-30", &res, errp), C2C_ECONFLICT,
		"is not ranked: 1 score sheet");
	REFUSED(f, programme_decide(f->st, "pr-c2c-2026-001", 0, "", "2026-06-30", &res, errp), C2C_EINPUT,
		"reason: required");
	assert_int_equal(programme_decide(f->st, "pr-c2c-2026-001", 0, "見送り", "2026-06-30", &res, &err), 0);
	json_decref(res);
	REFUSED(f, programme_decide(f->st, "pr-c2c-2026-001", 1, "やはり", "2026-07-01", &res, errp), C2C_ECONFLICT,
		"is rejected already");
	REFUSED(f, programme_score(f->st, "pr-c2c-2026-001", "rv-a", ok, 3, 1, errp), C2C_ECONFLICT, "scores are closed");

	/* calls */
	{
		struct programme_call_spec c = {"c2c-2027", 2027, "令和9年度公募", NULL, 20, 0,
						"2027-02-01..2027-02-28,2027-02-20..2027-05-31", NULL};
		REFUSED(f, programme_call_open(f->st, &c, errp), C2C_EINPUT, "round 2 opens (2027-02-20) before round 1 closes");
		c.rounds = "2027-02-01..2027-01-28";
		REFUSED(f, programme_call_open(f->st, &c, errp), C2C_EINPUT, "closes (2027-01-28) before it opens");
		c.rounds = "2027-02-01..2027-02-28";
		c.criteria = "originality:独自性:1,originality:独自性:2";
		REFUSED(f, programme_call_open(f->st, &c, errp), C2C_EINPUT, "originality appears twice");
		c.criteria = "originality:独自性:0";
		REFUSED(f, programme_call_open(f->st, &c, errp), C2C_EINPUT, "weight '0'");
		c.id = "c2c-2026";
		c.criteria = NULL;
		REFUSED(f, programme_call_open(f->st, &c, errp), C2C_ECONFLICT, "call c2c-2026 exists already");
		c.id = "c2c-2027";
		c.criteria = "impact:インパクト:2,cost:費用対効果:1";
		assert_int_equal(programme_call_open(f->st, &c, &err), 0);
	}
}

/* A call with its own weights ranks by them. */
static void test_weights(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char id[96];
	json_t *rank;
	struct programme_call_spec c = {"c2c-2027", 2027, "令和9年度公募", NULL, 1, 1, "2027-02-01..2027-02-28",
					"impact:インパクト:3,cost:費用対効果:1"};
	struct programme_proposal_spec p = proposal("2027-02-05", "jp-osaka-city", "th-bangkok-city", "A");
	struct programme_point a[] = {{"impact", 5}, {"cost", 1}}, b[] = {{"impact", 2}, {"cost", 5}};
	assert_int_equal(programme_call_open(f->st, &c, &err), 0);
	p.call_id = "c2c-2027";
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);
	p.title_ja = "B";
	assert_int_equal(programme_proposal_submit(f->st, &p, id, sizeof(id), &err), 0);
	assert_int_equal(programme_reviewer_add(f->st, "rv-a", "A", NULL, NULL, &err), 0);
	assert_int_equal(programme_score(f->st, "pr-c2c-2027-001", "rv-a", a, 2, 0, &err), 0);
	assert_int_equal(programme_score(f->st, "pr-c2c-2027-002", "rv-a", b, 2, 0, &err), 0);
	assert_int_equal(programme_rank(f->st, "c2c-2027", &rank, &err), 0);
	/* A: (3*5 + 1*1) / (4*5) = 80.00; B: (3*2 + 1*5) / 20 = 55.00 */
	assert_string_equal(json_string_value(json_object_get(json_array_get(rank, 0), "id")), "pr-c2c-2027-001");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rank, 0), "score_x100")), 8000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rank, 1), "score_x100")), 5500);
	assert_true(json_is_true(json_object_get(json_array_get(rank, 0), "within_planned")));
	assert_false(json_is_true(json_object_get(json_array_get(rank, 1), "within_planned")));
	json_decref(rank);
}

/* ---- readiness ------------------------------------------------------------------ */

static const char answers_json[] =
	"{\"body\": \"jp-test-city\", \"answers\": {"
	"\"r1-water-waste\": 3, \"r1-disaster\": 0, \"r1-education\": 0,"
	"\"r2-brand\": 0, \"r2-local-business\": 1, \"r2-revitalisation\": 0, \"r2-internationalisation\": 0,"
	"\"r2-tourism\": 0,"
	"\"r3-budget\": 3, \"r3-people\": 2, \"r3-ordinance\": 1, \"r3-citizens\": 0, \"r3-needs\": 3,"
	"\"r3-strengths\": 3,"
	"\"r4-long-term\": 1, \"r4-evaluation\": 1, \"r4-network\": 1,"
	"\"r5-site\": 3, \"r5-partner\": 3, \"r6-trading\": 0, \"r6-talent\": 0}}";

static long long check_score(json_t *res, int check)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(res, "checks"), i, c)
		if (json_integer_value(json_object_get(c, "check")) == check)
			return json_integer_value(json_object_get(c, "score_x100"));
	return -1;
}

static void test_readiness(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *q, *res, *w;
	size_t i;
	int pointers = 0;

	assert_int_equal(programme_readiness_questions(&q, &err), 0);
	assert_int_equal(json_array_size(q), 21);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(q, 0), "check_ja")), "確認事項1"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(q, 20), "item")), "r6-talent");
	json_decref(q);

	assert_int_equal(programme_readiness_score(f->st, answers_json, strlen(answers_json), "a.json", &res, &err), 0);
	/* any-rule checks take the best answer, all-rule checks the mean */
	assert_int_equal(check_score(res, 1), 10000);  /* best 3 of 3 */
	assert_int_equal(check_score(res, 2), 3333);   /* best 1 of 3 */
	assert_int_equal(check_score(res, 3), 6667);   /* 12 of 18 */
	assert_int_equal(check_score(res, 4), 3333);   /* 3 of 9 */
	assert_int_equal(check_score(res, 5), 10000);
	assert_int_equal(check_score(res, 6), 0);
	/* (1 + 1/3 + 2/3 + 1/3 + 1 + 0) / 6 = 55.56 */
	assert_int_equal(json_integer_value(json_object_get(res, "overall_x100")), 5556);
	assert_string_equal(json_string_value(json_object_get(res, "level")), "partly ready");
	assert_int_equal(json_array_size(json_object_get(res, "lowest_checks")), 1);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(res, "lowest_checks"), 0)), 6);
	/* weak: all 5 of check 2, ordinance and citizens, all 3 of check 4, both of check 6 */
	assert_int_equal(json_array_size(json_object_get(res, "weakest")), 12);
	json_array_foreach(json_object_get(res, "weakest"), i, w) {
		size_t j;
		json_t *p;
		assert_int_not_equal(json_integer_value(json_object_get(w, "check")), 1);
		assert_int_not_equal(json_integer_value(json_object_get(w, "check")), 5);
		json_array_foreach(json_object_get(w, "pointers"), j, p) {
			/* every pointer names a real atlas scheme or case */
			assert_true(strlen(json_string_value(json_object_get(p, "name_ja"))) > 0);
			pointers++;
		}
	}
	assert_true(pointers >= 12);
	assert_non_null(find_id(json_object_get(res, "weakest"), "item", "r3-ordinance"));
	json_decref(res);

	/* CSV, all yes: ready */
	{
		char csv[2048] = "item,answer\n";
		assert_int_equal(programme_readiness_questions(&q, &err), 0);
		json_array_foreach(q, i, w)
			snprintf(csv + strlen(csv), sizeof(csv) - strlen(csv), "%s,3\n",
				 json_string_value(json_object_get(w, "item")));
		json_decref(q);
		assert_int_equal(programme_readiness_score(NULL, csv, strlen(csv), "a.csv", &res, &err), 0);
		assert_int_equal(json_integer_value(json_object_get(res, "overall_x100")), 10000);
		assert_string_equal(json_string_value(json_object_get(res, "level")), "ready");
		assert_int_equal(json_array_size(json_object_get(res, "weakest")), 0);
		json_decref(res);
	}
	/* all no: every item is weak, and every pointer of the map names a real
	 * scheme or case of the atlas (a stale id in readiness_pointers.csv fails) */
	{
		char csv[2048] = "item,answer\n";
		size_t nw = 0;
		assert_int_equal(programme_readiness_questions(&q, &err), 0);
		json_array_foreach(q, i, w)
			snprintf(csv + strlen(csv), sizeof(csv) - strlen(csv), "%s,0\n",
				 json_string_value(json_object_get(w, "item")));
		json_decref(q);
		assert_int_equal(programme_readiness_score(f->st, csv, strlen(csv), "zero.csv", &res, &err), 0);
		assert_int_equal(json_integer_value(json_object_get(res, "overall_x100")), 0);
		assert_string_equal(json_string_value(json_object_get(res, "level")), "not ready");
		json_array_foreach(json_object_get(res, "weakest"), i, w) {
			size_t j;
			json_t *p;
			assert_true(json_array_size(json_object_get(w, "pointers")) > 0);
			json_array_foreach(json_object_get(w, "pointers"), j, p) {
				if (!strlen(json_string_value(json_object_get(p, "name_ja"))))
					fail_msg("pointer %s of %s is not in the atlas",
						 json_string_value(json_object_get(p, "id")),
						 json_string_value(json_object_get(w, "item")));
				nw++;
			}
		}
		assert_int_equal(json_array_size(json_object_get(res, "weakest")), 21);
		assert_int_equal(nw, 39); /* every row of readiness_pointers.csv */
		json_decref(res);
	}
	/* refusals name the item */
	{
		const char *bad[][2] = {
			{"{\"answers\": {\"r1-water-waste\": 3}}", "no answer (20 items unanswered)"},
			{"{\"answers\": {\"r9-magic\": 3}}", "'r9-magic' is not an item"},
			{"{\"answers\": {\"r1-water-waste\": 4}}", "r1-water-waste: answer 4 is not 0 to 3"},
			{"{\"answers\": {\"r1-water-waste\": \"yes\"}}", "answers.r1-water-waste: not a whole number"},
			{"{\"answers\": [1, 2]}", "\"answers\" is not an object"},
			{"{\"answers\": ", "a.json: line 1"},
			{"item,answer\nr1-disaster,two\n", "row 2, column 2 (answer): 'two'"},
			{"item,answer\nr1-disaster,1\nr1-disaster,2\n", "r1-disaster: answered twice"},
			{"what,ever\n", "needs the columns item and answer"},
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = programme_readiness_score(f->st, bad[i][0], strlen(bad[i][0]), "a.json", &res, &err);
			if (rc != C2C_EINPUT || !strstr(err.msg, bad[i][1]))
				fail_msg("readiness %zu: %d '%s', expected '%s'", i, rc, err.msg, bad[i][1]);
		}
	}
}

/* ---- matching ------------------------------------------------------------------- */

static void parts_add_up(json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *k;
		json_t *v;
		json_int_t sum = 0;
		json_object_foreach(json_object_get(r, "parts"), k, v)
			sum += json_integer_value(v);
		assert_int_equal(sum, json_integer_value(json_object_get(r, "score")));
		assert_int_equal(json_array_size(json_object_get(r, "why")), json_object_size(json_object_get(r, "parts")));
		assert_int_equal(json_integer_value(json_object_get(r, "rank")), (json_int_t)i + 1);
	}
}

static void test_match_known(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *res, *bodies;
	struct programme_need n = {.country = "VN", .sector = "water", .keywords = "ポンプ;pump", .size = "medium"};

	/* Yokohama did the Da Nang and Ho Chi Minh City pumps */
	assert_int_equal(programme_match(f->st, &n, &res, &err), 0);
	bodies = json_object_get(res, "bodies");
	assert_string_equal(json_string_value(json_object_get(json_array_get(bodies, 0), "id")), "jp-yokohama-city");
	assert_non_null(json_object_get(json_object_get(json_array_get(bodies, 0), "parts"), "technology"));
	parts_add_up(bodies);
	parts_add_up(json_object_get(res, "companies"));
	parts_add_up(json_object_get(res, "technologies"));
	parts_add_up(json_object_get(res, "schemes"));
	assert_non_null(find_id(json_object_get(res, "technologies"), "id", "pj-da-nang-water-pumps"));
	assert_non_null(find_id(json_object_get(res, "schemes"), "id", "sc-jcm-equipment-subsidy"));
	/* the Da Nang water utility is the partner side's: a counterpart, not
	 * know-how from Japan (issue 19); every company ranked is Japanese */
	assert_null(find_id(json_object_get(res, "companies"), "id", "co-dawaco"));
	assert_non_null(find_id(json_object_get(res, "counterparts"), "id", "co-dawaco"));
	assert_non_null(find_id(json_object_get(res, "companies"), "id", "co-jci-hitachi"));
	parts_add_up(json_object_get(res, "counterparts"));
	/* the approved JCM methodologies for the need: Viet Nam's first (VN_AM003, VN_AM007),
	 * none of another country's for a water need with no title word */
	parts_add_up(json_object_get(res, "methodologies"));
	{
		json_t *ms = json_object_get(res, "methodologies"), *m;
		size_t i;
		assert_true(json_array_size(ms) > 0);
		json_array_foreach(ms, i, m) {
			json_t *c;
			size_t j;
			int vn = 0;
			json_array_foreach(json_object_get(m, "countries"), j, c)
				vn |= !strcmp(json_string_value(c), "VN");
			assert_true(vn);
		}
	}
	json_decref(res);

	/* hiding Yokohama-Da Nang hides its pumps too: Yokohama keeps only Ho Chi Minh City */
	n.hide = "p031";
	assert_int_equal(programme_match(f->st, &n, &res, &err), 0);
	assert_null(find_id(json_object_get(res, "technologies"), "id", "pj-da-nang-water-pumps"));
	json_decref(res);

	/* small hydro in Indonesia: Toyama */
	{
		struct programme_need m = {.country = "ID", .sector = "renewable_energy", .keywords = "小水力", .size = "small"};
		assert_int_equal(programme_match(f->st, &m, &res, &err), 0);
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(res, "bodies"), 0),
			"id")), "jp-toyama-city");
		assert_non_null(find_id(json_object_get(res, "schemes"), "id", "sc-jica-grassroots-technical-cooperation"));
		json_decref(res);
	}
	/* bad needs are named */
	{
		struct programme_need m = {.country = "ID", .sector = "magic"};
		assert_int_equal(programme_match(f->st, &m, &res, &err), C2C_EINPUT);
		assert_non_null(strstr(err.msg, "sector: 'magic' is not one of"));
		m.sector = NULL;
		m.size = "huge";
		assert_int_equal(programme_match(f->st, &m, &res, &err), C2C_EINPUT);
		assert_non_null(strstr(err.msg, "size: 'huge' is not small, medium or large"));
		m.size = NULL;
		m.country = "ZZ"; /* two letters, but no country */
		assert_int_equal(programme_match(f->st, &m, &res, &err), C2C_EINPUT);
		assert_non_null(strstr(err.msg, "country: 'ZZ' is not an ISO 3166-1 alpha-2 code"));
		m.country = "ID";
		m.hide = "p999";
		assert_int_equal(programme_match(f->st, &m, &res, &err), C2C_ENOTFOUND);
	}
}

static void test_match_evaluate(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *res, *c;
	long long hits;
	assert_int_equal(programme_match_evaluate(f->st, &res, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "partnerships")), 64);
	assert_int_equal(json_array_size(json_object_get(res, "cases")), 64);
	hits = json_integer_value(json_object_get(res, "top3_hits"));
	assert_true(hits >= 0 && hits <= 64);
	/* the figure is the count of the cases, nothing else */
	{
		size_t i;
		long long n = 0;
		json_array_foreach(json_object_get(res, "cases"), i, c) {
			n += json_is_true(json_object_get(c, "top3_hit"));
			assert_true(json_integer_value(json_object_get(c, "rank")) >= 1);
			assert_true(json_array_size(json_object_get(c, "top3")) <= 3);
		}
		assert_int_equal(n, hits);
	}
	/* Yokohama-Da Nang hidden: the need is read from the other projects at Da Nang (water) */
	c = find_id(json_object_get(res, "cases"), "partnership", "p031");
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "sector")), "water");
	json_decref(res);
}

/* ---- the domino ------------------------------------------------------------------- */

static json_t *chain_of(json_t *chains, const char *origin)
{
	return find_id(chains, "origin_id", origin);
}

static void test_domino(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *chains, *c, *edges;

	assert_int_equal(programme_domino_chains(f->st, NULL, &chains, &err), 0);
	c = chain_of(chains, "jp-tokyo-prefecture");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "steps")), 1);
	assert_string_equal(json_string_value(json_object_get(c, "path")), "東京都 → クアラルンプール市");
	c = chain_of(chains, "jp-yokohama-city");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "steps")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "places_reached")), 2);
	assert_string_equal(json_string_value(json_object_get(c, "path")), "横浜市 → ダナン市 → ホーチミン市");
	c = chain_of(chains, "jp-kitakyushu-city");
	assert_non_null(c);
	assert_int_equal(json_integer_value(json_object_get(c, "steps")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "places_reached")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "countries_reached")), 5); /* ID TH PH MY NP */
	assert_int_equal(json_array_size(json_object_get(c, "paths")), 4);
	assert_null(chain_of(chains, "id-surabaya-city")); /* fed by Kitakyushu: not an origin */
	assert_int_equal(json_array_size(chains), 3);
	json_decref(chains);

	/* every edge has its channel */
	assert_int_equal(programme_domino_edges(f->st, NULL, NULL, NULL, NULL, &edges, &err), 0);
	assert_int_equal(json_array_size(edges), 8);
	{
		size_t i;
		json_t *e;
		json_array_foreach(edges, i, e)
			assert_true(json_is_string(json_object_get(e, "channel")));
	}
	json_decref(edges);
	assert_int_equal(programme_domino_edges(f->st, NULL, NULL, NULL, "jcm_replication", &edges, &err), 0);
	assert_int_equal(json_array_size(edges), 1);
	json_decref(edges);

	/* record a new edge: Ho Chi Minh City passes it on; the chain grows a step */
	{
		struct programme_domino_edge e = {"dm-test-hcmc-can-tho", NULL, "vn-ho-chi-minh-city", "vn-can-tho-city",
						  "VN", "取水ポンプの省エネ化", NULL, "2026", "seminar", NULL, "test"};
		REFUSED(f, (e.channel = "gossip", programme_domino_add(f->st, &e, errp)), C2C_EINPUT, "channel: 'gossip'");
		e.channel = "seminar";
		e.to_country = "TH";
		REFUSED(f, programme_domino_add(f->st, &e, errp), C2C_EINPUT, "to_country: TH, but place vn-can-tho-city is in VN");
		e.to_country = "VN";
		e.from = "vn-atlantis";
		REFUSED(f, programme_domino_add(f->st, &e, errp), C2C_EINPUT, "'vn-atlantis' is not in places");
		e.from = "vn-ho-chi-minh-city";
		assert_int_equal(programme_domino_add(f->st, &e, &err), 0);
		REFUSED(f, programme_domino_add(f->st, &e, errp), C2C_ECONFLICT, "exists already");
		assert_int_equal(programme_domino_chains(f->st, "横浜市", &chains, &err), 0);
		assert_int_equal(json_array_size(chains), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(chains, 0), "steps")), 3);
		json_decref(chains);
		REFUSED(f, programme_domino_set_channel(f->st, "dm-nothing", "training", NULL, errp), C2C_ENOTFOUND,
			"domino edge 'dm-nothing' is not in the atlas");
		assert_int_equal(programme_domino_set_channel(f->st, "dm-test-hcmc-can-tho", "platform", "note", &err), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_builtin_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readiness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_evaluate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domino, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
