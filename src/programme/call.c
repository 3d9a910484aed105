/*
 * call.c - public calls (公募) and proposals.  A call has rounds with open
 * and close dates and weighted criteria; a proposal is accepted only on a
 * date inside one of the call's rounds, names a Japanese body and a partner
 * place of the atlas, its consortium (a lead consultant, members, local
 * companies), theme, sector, planned outputs and a budget in whole yen.
 */
#include "internal.h"
#include "core/date.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUNDS 9
#define MAX_CRITERIA 10
#define OUTPUTS "institution_building|capacity_building|project_formation|jcm_equipment"

struct round_spec {
	char opens[11], closes[11];
};

static int parse_rounds(const char *spec, struct round_spec *r, size_t *n, struct c2c_err *err)
{
	const char *p = spec;
	*n = 0;
	if (!spec || !*spec)
		return c2c_err_at(err, C2C_EINPUT, "rounds", "required (YYYY-MM-DD..YYYY-MM-DD,...)");
	while (*p) {
		const char *comma = strchr(p, ','), *dots;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char one[64];
		int rc;
		if (*n == MAX_ROUNDS)
			return c2c_err_at(err, C2C_EINPUT, "rounds", "more than %d rounds", MAX_ROUNDS);
		if (len >= sizeof(one) || !(dots = strstr(p, "..")) || dots > p + len)
			return c2c_err_at(err, C2C_EINPUT, "rounds",
					   "round %zu is not YYYY-MM-DD..YYYY-MM-DD", *n + 1);
		snprintf(one, sizeof(one), "%.*s", (int)(dots - p), p);
		if ((rc = prog_check_day("rounds", one, err)))
			return rc;
		snprintf(r[*n].opens, 11, "%.10s", one);
		snprintf(one, sizeof(one), "%.*s", (int)(len - (size_t)(dots + 2 - p)), dots + 2);
		if ((rc = prog_check_day("rounds", one, err)))
			return rc;
		snprintf(r[*n].closes, 11, "%.10s", one);
		if (strcmp(r[*n].opens, r[*n].closes) > 0)
			return c2c_err_at(err, C2C_EINPUT, "rounds", "round %zu closes (%s) before it opens (%s)",
					   *n + 1, r[*n].closes, r[*n].opens);
		if (*n && strcmp(r[*n].opens, r[*n - 1].closes) <= 0)
			return c2c_err_at(err, C2C_EINPUT, "rounds",
					   "round %zu opens (%s) before round %zu closes (%s)",
					   *n + 1, r[*n].opens, *n, r[*n - 1].closes);
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct criterion_spec {
	char id[65], name[400];
	int weight;
};

static int parse_criteria(const char *spec, struct criterion_spec *c, size_t *n,
			  struct c2c_err *err)
{
	const char *p = spec;
	*n = 0;
	while (p && *p) {
		const char *comma = strchr(p, ','), *c1, *c2;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char w[16], *end;
		long weight;
		int rc;
		if (*n == MAX_CRITERIA)
			return c2c_err_at(err, C2C_EINPUT, "criteria", "more than %d criteria", MAX_CRITERIA);
		c1 = memchr(p, ':', len);
		c2 = NULL;
		for (const char *q = p + len; q > p; q--)
			if (q[-1] == ':') {
				c2 = q - 1;
				break;
			}
		if (!c1 || c2 == c1 || (size_t)(c1 - p) > 64 || (size_t)(c2 - c1 - 1) >= sizeof(c[0].name) ||
		    (size_t)(p + len - c2 - 1) >= sizeof(w))
			return c2c_err_at(err, C2C_EINPUT, "criteria", "criterion %zu is not ID:NAME:WEIGHT",
					   *n + 1);
		snprintf(c[*n].id, sizeof(c[*n].id), "%.*s", (int)(c1 - p), p);
		snprintf(c[*n].name, sizeof(c[*n].name), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		snprintf(w, sizeof(w), "%.*s", (int)(p + len - c2 - 1), c2 + 1);
		if ((rc = prog_check_id("criteria", c[*n].id, err)) ||
		    (rc = prog_check_text("criteria", c[*n].name, 1, sizeof(c[0].name) - 1, err)))
			return rc;
		errno = 0;
		weight = strtol(w, &end, 10);
		if (errno || *end || end == w || weight < 1 || weight > 100)
			return c2c_err_at(err, C2C_EINPUT, "criteria", "weight '%s' of %s is not 1 to 100", w,
					   c[*n].id);
		c[*n].weight = (int)weight;
		for (size_t k = 0; k < *n; k++)
			if (!strcmp(c[k].id, c[*n].id))
				return c2c_err_at(err, C2C_EINPUT, "criteria", "%s appears twice", c[k].id);
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*n)
		return c2c_err_at(err, C2C_EINPUT, "criteria", "no criterion given");
	return 0;
}

/* The seed's three criteria (data/programme/call_criteria.csv), as a spec. */
static int seed_criteria(struct criterion_spec *c, size_t *n, struct c2c_err *err)
{
	json_t *rows, *r;
	size_t i;
	int rc = prog_builtin_rows("call_criteria", &rows, err);
	*n = 0;
	if (rc)
		return rc;
	json_array_foreach(rows, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "call_id")), "c2c-2026") || *n == MAX_CRITERIA)
			continue;
		snprintf(c[*n].id, sizeof(c[0].id), "%s", json_string_value(json_object_get(r, "id")));
		snprintf(c[*n].name, sizeof(c[0].name), "%s", json_string_value(json_object_get(r, "name_ja")));
		c[*n].weight = (int)strtol(json_string_value(json_object_get(r, "weight")), NULL, 10);
		(*n)++;
	}
	json_decref(rows);
	return 0;
}

static int programme_call_open_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	const struct programme_call_spec *c = ctx;
	struct round_spec rounds[MAX_ROUNDS];
	struct criterion_spec crit[MAX_CRITERIA];
	size_t nr, nc;
	char fy[24], planned[24], minr[24], num[24], wt[24];
	int rc;

	if ((rc = prog_check_id("id", c->id, err)))
		return rc;
	if (c->fiscal_year < 1990 || c->fiscal_year > 2100)
		return c2c_err_at(err, C2C_EINPUT, "fiscal_year", "%d is not a fiscal year 1990-2100", c->fiscal_year);
	if ((rc = prog_check_text("title_ja", c->title_ja, 1, 400, err)) ||
	    (rc = prog_check_text("title_en", c->title_en, 0, 400, err)))
		return rc;
	if (c->planned < 1 || c->planned > 1000)
		return c2c_err_at(err, C2C_EINPUT, "planned_selections", "%d is not 1 to 1000", c->planned);
	if (c->min_reviews < 0 || c->min_reviews > 50)
		return c2c_err_at(err, C2C_EINPUT, "min_reviews", "%d is not 1 to 50", c->min_reviews);
	if ((rc = parse_rounds(c->rounds, rounds, &nr, err)))
		return rc;
	if ((rc = c->criteria ? parse_criteria(c->criteria, crit, &nc, err) : seed_criteria(crit, &nc, err)))
		return rc;
	{
		json_t *have;
		const char *b[] = {c->id};
		if ((rc = prog_select(st, "SELECT \"id\" FROM \"programme_calls\" WHERE \"id\" = ?", b, 1,
				      &have, err)))
			goto fail;
		if (json_array_size(have)) {
			json_decref(have);
			rc = c2c_err_at(err, C2C_ECONFLICT, "id", "call %s exists already", c->id);
			goto fail;
		}
		json_decref(have);
	}
	snprintf(fy, sizeof(fy), "#%d", c->fiscal_year);
	snprintf(planned, sizeof(planned), "#%d", c->planned);
	snprintf(minr, sizeof(minr), "#%d", c->min_reviews ? c->min_reviews : 2);
	{
		const char *b[] = {c->id, fy, c->title_ja, c->title_en, planned, minr, "c2c call open"};
		if ((rc = prog_exec(st, "INSERT INTO \"programme_calls\" (\"id\", \"fiscal_year\", \"title_ja\","
				    " \"title_en\", \"planned_selections\", \"min_reviews\", \"source\")"
				    " VALUES (?, ?, ?, ?, ?, ?, ?)", b, 7, err)))
			goto fail;
	}
	for (size_t i = 0; i < nr; i++) {
		const char *b[] = {c->id, num, rounds[i].opens, rounds[i].closes, "c2c call open"};
		snprintf(num, sizeof(num), "#%zu", i + 1);
		if ((rc = prog_exec(st, "INSERT INTO \"programme_rounds\" (\"call_id\", \"round\", \"opens_on\","
				    " \"closes_on\", \"source\") VALUES (?, ?, ?, ?, ?)", b, 5, err)))
			goto fail;
	}
	for (size_t i = 0; i < nc; i++) {
		const char *b[] = {c->id, crit[i].id, num, crit[i].name, wt, "c2c call open"};
		snprintf(num, sizeof(num), "#%zu", i + 1);
		snprintf(wt, sizeof(wt), "#%d", crit[i].weight);
		if ((rc = prog_exec(st, "INSERT INTO \"programme_criteria\" (\"call_id\", \"id\", \"seq\","
				    " \"name_ja\", \"weight\", \"source\") VALUES (?, ?, ?, ?, ?, ?)", b, 6, err)))
			goto fail;
	}
	return 0;
fail:
	return rc;
}

int programme_call_open(struct store *st, const struct programme_call_spec *c,
			struct c2c_err *err)
{
	return store_tx(st, NULL, programme_call_open_tx, (void *)c, err);
}

int programme_calls(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	static const char calls_sql[] =
		"SELECT c.\"id\", c.\"fiscal_year\", c.\"title_ja\", c.\"title_en\","
		" c.\"planned_selections\", c.\"min_reviews\", c.\"closed_on\","
		" (SELECT COUNT(*) FROM \"programme_proposals\" p WHERE p.\"call_id\" = c.\"id\") AS \"proposals\","
		" (SELECT COUNT(*) FROM \"programme_proposals\" p WHERE p.\"call_id\" = c.\"id\""
		"  AND p.\"status\" = 'selected') AS \"selected\","
		" c.\"source\" FROM \"programme_calls\" c WHERE (? IS NULL OR c.\"id\" = ?) ORDER BY c.\"id\"";
	json_t *calls, *c, *r;
	size_t i, k;
	char today[11];
	int rc;
	const char *b[] = {id, id};

	*out = NULL;
	if ((rc = prog_select(st, calls_sql, b, 2, &calls, err)))
		return rc;
	if (id && !json_array_size(calls)) {
		json_decref(calls);
		return c2c_err_set(err, C2C_ENOTFOUND, "no call '%s'", id);
	}
	json_array_foreach(calls, i, c) {
		const char *cb[] = {json_string_value(json_object_get(c, "id"))};
		json_t *rounds, *crit;
		if ((rc = prog_select(st, "SELECT \"round\", \"opens_on\", \"closes_on\", \"original_ja\""
				      " FROM \"programme_rounds\" WHERE \"call_id\" = ? ORDER BY \"round\"",
				      cb, 1, &rounds, err)))
			break;
		/* where each round stands today, by the server's calendar: the
		 * call page offers the proposal form only while one is open */
		date_today(today);
		json_array_foreach(rounds, k, r) {
			const char *o = json_string_value(json_object_get(r, "opens_on")),
				   *e = json_string_value(json_object_get(r, "closes_on"));
			const char *shut = json_string_value(json_object_get(c, "closed_on"));
			json_object_set_new(r, "state", json_string(shut ? "closed"
								    : o && strcmp(today, o) < 0 ? "upcoming"
								    : e && strcmp(today, e) > 0 ? "closed"
												: "open"));
		}
		json_object_set_new(c, "rounds", rounds);
		if ((rc = prog_select(st, "SELECT \"id\", \"name_ja\", \"name_en\", \"weight\""
				      " FROM \"programme_criteria\" WHERE \"call_id\" = ? ORDER BY \"seq\"",
				      cb, 1, &crit, err)))
			break;
		json_object_set_new(c, "criteria", crit);
	}
	if (rc) {
		json_decref(calls);
		return rc;
	}
	*out = calls;
	return 0;
}

/* "30,000,000" or "30000000": whole yen, more than 0, at most 10^12. */
static int parse_yen(const char *v, long long *out, struct c2c_err *err)
{
	long long n = 0;
	int digits = 0;
	if (!v || !*v)
		return c2c_err_at(err, C2C_EINPUT, "budget_jpy", "required (whole yen)");
	for (const char *p = v; *p; p++) {
		if (*p == ',' && digits && isdigit((unsigned char)p[1]))
			continue;
		if (!isdigit((unsigned char)*p))
			return c2c_err_at(err, C2C_EINPUT, "budget_jpy", "'%.40s' is not a whole number of yen", v);
		if (n > 100000000000LL)
			return c2c_err_at(err, C2C_EINPUT, "budget_jpy", "%.40s is more than 10^12 yen", v);
		n = n * 10 + (*p - '0');
		digits++;
	}
	if (n <= 0 || n > 1000000000000LL)
		return c2c_err_at(err, C2C_EINPUT, "budget_jpy", "%.40s is not 1 to 10^12 yen", v);
	*out = n;
	return 0;
}

/* "capacity_building;jcm_equipment" (or ','), checked, in canonical order. */
static int parse_outputs(const char *v, char *out, size_t len, int *jcm, struct c2c_err *err)
{
	int have[4] = {0};
	static const char *const names[] = {"institution_building", "capacity_building",
					    "project_formation", "jcm_equipment"};
	const char *p = v;
	if (!v || !*v)
		return c2c_err_at(err, C2C_EINPUT, "outputs", "required (%s, ';'-separated)", OUTPUTS);
	while (*p) {
		size_t n = strcspn(p, ";,");
		int k = -1;
		for (int i = 0; i < 4; i++)
			if (strlen(names[i]) == n && !strncmp(names[i], p, n))
				k = i;
		if (k < 0)
			return c2c_err_at(err, C2C_EINPUT, "outputs", "'%.*s' is not one of %s", (int)(n > 60 ? 60 : n),
					   p, OUTPUTS);
		have[k] = 1;
		p += n;
		if (*p)
			p++;
	}
	out[0] = 0;
	for (int i = 0; i < 4; i++)
		if (have[i])
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? ";" : "", names[i]);
	*jcm = have[3];
	return 0;
}

/* A ';'-separated list of places (a joint proposal's bodies or partner
 * places), each resolved by prog_place, none twice, at most
 * PROGRAMME_PLACES_MAX; ids[0] is the lead. */
static int place_list(struct store *st, const char *text, const char *field, int want_jp,
		      char ids[][65], char countries[][3], size_t *n, struct c2c_err *err)
{
	const char *p = text;
	int rc;
	*n = 0;
	if (!text || !*text)
		return c2c_err_at(err, C2C_EINPUT, field, "required (an atlas place, or several separated by ';')");
	while (*p) {
		size_t len = strcspn(p, ";");
		char one[201];
		const char *a = p, *b = p + len;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		if (b - a > 200)
			return c2c_err_at(err, C2C_EINPUT, field, "a place name is longer than 200 bytes");
		snprintf(one, sizeof(one), "%.*s", (int)(b - a), a);
		if (*one) {
			if (*n == PROGRAMME_PLACES_MAX)
				return c2c_err_at(err, C2C_EINPUT, field, "more than %d places", PROGRAMME_PLACES_MAX);
			if ((rc = prog_place(st, one, field, want_jp, ids[*n], 65, countries[*n], err)))
				return rc;
			for (size_t k = 0; k < *n; k++)
				if (!strcmp(ids[k], ids[*n]))
					return c2c_err_at(err, C2C_EINPUT, field, "%s is named twice", one);
			(*n)++;
		}
		p += len;
		if (*p == ';')
			p++;
	}
	if (!*n)
		return c2c_err_at(err, C2C_EINPUT, field, "required (an atlas place, or several separated by ';')");
	return 0;
}

/* The saved readiness check `id` must be one of these bodies'. */
static int readiness_of(struct store *st, const char *id, char bodies[][65], size_t nb,
			struct c2c_err *err)
{
	json_t *rows;
	const char *b;
	int rc, mine = 0;
	if ((rc = prog_check_id("readiness", id, err)) ||
	    (rc = prog_select(st, "SELECT \"body_id\" FROM \"programme_readiness\" WHERE \"id\" = ?",
			      (const char *const[]){id}, 1, &rows, err)))
		return rc;
	b = json_string_value(json_object_get(json_array_get(rows, 0), "body_id"));
	for (size_t k = 0; b && k < nb; k++)
		mine |= !strcmp(bodies[k], b);
	if (!b)
		rc = c2c_err_at(err, C2C_ENOTFOUND, "readiness", "no saved readiness check '%s'", id);
	else if (!mine)
		rc = c2c_err_at(err, C2C_EINPUT, "readiness", "readiness check %s is %s's, not a body of this proposal",
				id, b);
	json_decref(rows);
	return rc;
}

struct programme_proposal_submit_args {
	const struct programme_proposal_spec *p;
	char *id;
	size_t idlen;
};

static int programme_proposal_submit_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct programme_proposal_submit_args *a_ = ctx;
	const struct programme_proposal_spec *p = a_->p;
	char *id = a_->id;
	size_t idlen = a_->idlen;
	char bodies[PROGRAMME_PLACES_MAX][65], partners[PROGRAMME_PLACES_MAX][65];
	char bc[PROGRAMME_PLACES_MAX][3], pc[PROGRAMME_PLACES_MAX][3];
	char outputs[128], seqs[32], rounds[16], yen[32], jcm[4];
	size_t nb = 0, np = 0;
	json_t *call = NULL, *rl;
	long long budget = 0, seq;
	int rc, round = 0, has_jcm = 0;
	size_t i;
	json_t *r;

	if ((rc = prog_check_id("call", p->call_id, err)) ||
	    (rc = prog_check_day("submitted_on", p->submitted_on, err)) ||
	    (rc = prog_check_text("title_ja", p->title_ja, 1, 400, err)) ||
	    (rc = prog_check_text("title_en", p->title_en, 0, 400, err)) ||
	    (rc = prog_check_text("theme", p->theme_ja, 0, 400, err)) ||
	    (rc = prog_check_text("technology", p->technology, 0, 400, err)) ||
	    (rc = prog_check_text("lead", p->lead, 1, 200, err)) ||
	    (rc = prog_check_text("members", p->members, 0, 2000, err)) ||
	    (rc = prog_check_text("local_members", p->local_members, 0, 2000, err)))
		return rc;
	if (!p->sector || !prog_enum_has(prog_sectors(), p->sector, strlen(p->sector)))
		return c2c_err_at(err, C2C_EINPUT, "sector", "'%s' is not one of %s", p->sector ? p->sector : "",
				   prog_sectors());
	if ((rc = parse_outputs(p->outputs, outputs, sizeof(outputs), &has_jcm, err)))
		return rc;
	snprintf(jcm, sizeof(jcm), "#%d", has_jcm);
	if ((rc = parse_yen(p->budget_jpy, &budget, err)))
		return rc;
	if ((rc = programme_calls(st, p->call_id, &call, err))) {
		if (rc == C2C_ENOTFOUND)
			c2c_err_at(err, C2C_ENOTFOUND, "call", "no call '%s'", p->call_id);
		goto fail;
	}
	rl = json_object_get(json_array_get(call, 0), "rounds");
	if (json_string_value(json_object_get(json_array_get(call, 0), "closed_on"))) {
		rc = c2c_err_at(err, C2C_EINPUT, "submitted_on", "call %s was closed on %s: it takes no proposal",
				p->call_id, json_string_value(json_object_get(json_array_get(call, 0), "closed_on")));
		goto fail;
	}
	json_array_foreach(rl, i, r) {
		const char *o = json_string_value(json_object_get(r, "opens_on"));
		const char *c = json_string_value(json_object_get(r, "closes_on"));
		int n = (int)json_integer_value(json_object_get(r, "round"));
		if ((!p->round || p->round == n) && strcmp(p->submitted_on, o) >= 0 &&
		    strcmp(p->submitted_on, c) <= 0)
			round = n;
	}
	if (!round) {
		char list[400] = "";
		json_array_foreach(rl, i, r)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%sround %d %s..%s",
				 i ? ", " : "", (int)json_integer_value(json_object_get(r, "round")),
				 json_string_value(json_object_get(r, "opens_on")),
				 json_string_value(json_object_get(r, "closes_on")));
		if (p->round)
			rc = c2c_err_at(err, C2C_EINPUT, "submitted_on", "%s is outside round %d of call %s", p->submitted_on,
					 p->round, p->call_id);
		else
			rc = c2c_err_at(err, C2C_EINPUT, "submitted_on", "%s is outside every round of call %s",
					 p->submitted_on, p->call_id);
		c2c_err_detail(err, "%s", list);
		c2c_err_hint(err, "a proposal is accepted only while a round is open");
		goto fail;
	}
	if ((rc = place_list(st, p->body, "body", 1, bodies, bc, &nb, err)) ||
	    (rc = place_list(st, p->partner, "partner", 0, partners, pc, &np, err)) ||
	    (p->readiness && *p->readiness && (rc = readiness_of(st, p->readiness, bodies, nb, err))))
		goto fail;
	{
		const char *b[] = {p->call_id};
		seq = 0;
		json_t *m;
		if ((rc = prog_select(st, "SELECT MAX(\"seq\") AS \"m\" FROM \"programme_proposals\""
				      " WHERE \"call_id\" = ?", b, 1, &m, err)))
			goto fail;
		seq = json_integer_value(json_object_get(json_array_get(m, 0), "m")) + 1;
		json_decref(m);
	}
	snprintf(id, idlen, "pr-%s-%03lld", p->call_id, seq);
	snprintf(seqs, sizeof(seqs), "#%lld", seq);
	snprintf(rounds, sizeof(rounds), "#%d", round);
	snprintf(yen, sizeof(yen), "#%lld", budget);
	{
		const char *b[] = {id, p->call_id, seqs, rounds, p->submitted_on, bodies[0], partners[0], pc[0],
				   p->title_ja, p->title_en, p->theme_ja, p->sector, p->technology, outputs,
				   jcm, yen, p->lead, p->members, p->local_members, p->readiness};
		for (size_t k = 9; k < sizeof(b) / sizeof(b[0]); k++)
			if (b[k] && !*b[k])
				b[k] = NULL; /* empty optional text is stored as NULL */
		if ((rc = prog_exec(st, "INSERT INTO \"programme_proposals\" (\"id\", \"call_id\", \"seq\","
				    " \"round\", \"submitted_on\", \"body_id\", \"partner_place_id\", \"country\","
				    " \"title_ja\", \"title_en\", \"theme_ja\", \"sector\", \"technology\","
				    " \"outputs\", \"jcm\", \"budget_jpy\", \"lead_consultant\", \"members\","
				    " \"local_members\", \"readiness_id\", \"status\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
				    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted')", b, sizeof(b) / sizeof(b[0]), err)))
			goto fail;
	}
	/* every body and partner place of a joint proposal, in the order given */
	for (size_t k = 0; k < nb + np; k++) {
		char sq[24];
		snprintf(sq, sizeof(sq), "#%zu", (k < nb ? k : k - nb) + 1);
		if ((rc = prog_exec(st, "INSERT INTO \"programme_proposal_places\" (\"proposal_id\", \"role\","
				    " \"seq\", \"place_id\") VALUES (?, ?, ?, ?)",
				    (const char *const[]){id, k < nb ? "body" : "partner", sq,
				    k < nb ? bodies[k] : partners[k - nb]}, 4, err)))
			goto fail;
	}
	json_decref(call);
	return 0;
fail:
	json_decref(call);
	return rc;
}

int programme_proposal_submit(struct store *st, const struct programme_proposal_spec *p,
			      char *id, size_t idlen, struct c2c_err *err)
{
	struct programme_proposal_submit_args a_ = {p, id, idlen};
	return store_tx(st, NULL, programme_proposal_submit_tx, &a_, err);
}

int prog_proposal_places(struct store *st, json_t *props, struct c2c_err *err)
{
	json_t *pr, *rows, *r;
	size_t i, k;
	int rc = 0;
	json_array_foreach(props, i, pr) {
		json_t *bodies = json_array(), *partners = json_array();
		if ((rc = prog_select(st, "SELECT \"role\", \"place_id\" AS \"id\", NULL AS \"name_ja\","
				      " NULL AS \"name_en\" FROM \"programme_proposal_places\""
				      " WHERE \"proposal_id\" = ? ORDER BY \"role\", \"seq\"",
				      (const char *const[]){json_string_value(json_object_get(pr, "id"))}, 1, &rows,
				      err)) ||
		    (rc = prog_atlas_fill(st, rows, (const char *const[]){"id", "places", "name_ja", "name_ja", "id",
					  "places", "name_en", "name_en", NULL}, err))) {
			json_decref(bodies), json_decref(partners), json_decref(rows);
			return rc;
		}
		json_array_foreach(rows, k, r) {
			json_t *o = json_pack("{s:O, s:O, s:O}", "id", json_object_get(r, "id"), "name_ja",
					      json_object_get(r, "name_ja"), "name_en", json_object_get(r, "name_en"));
			json_array_append_new(strcmp(json_string_value(json_object_get(r, "role")), "body") ? partners
													     : bodies, o);
		}
		json_decref(rows);
		json_object_set_new(pr, "bodies", bodies);
		json_object_set_new(pr, "partners", partners);
	}
	return rc;
}

int programme_proposals(struct store *st, const char *call_id, const char *status,
			const char *id, json_t **out, struct c2c_err *err)
{
	static const char sql[] =
		"SELECT p.\"id\", p.\"call_id\", p.\"round\", p.\"submitted_on\", p.\"body_id\","
		" NULL AS \"body_ja\", p.\"partner_place_id\", NULL AS \"partner_ja\","
		" p.\"country\", p.\"title_ja\", p.\"title_en\", p.\"theme_ja\", p.\"sector\","
		" p.\"technology\", p.\"outputs\", p.\"jcm\", p.\"budget_jpy\", p.\"lead_consultant\","
		" p.\"members\", p.\"local_members\", p.\"status\", p.\"decided_on\", p.\"reason\","
		" p.\"partnership_id\", p.\"project_id\", p.\"readiness_id\""
		" FROM \"programme_proposals\" p"
		" WHERE (? IS NULL OR p.\"call_id\" = ?) AND (? IS NULL OR p.\"status\" = ?)"
		" AND (? IS NULL OR p.\"id\" = ?) ORDER BY p.\"call_id\", p.\"seq\"";
	const char *b[] = {call_id, call_id, status, status, id, id};
	int rc;
	if (status && strcmp(status, "submitted") && strcmp(status, "selected") && strcmp(status, "rejected"))
		return c2c_err_at(err, C2C_EINPUT, "status", "'%s' is not submitted, selected or rejected",
				   status);
	if ((rc = prog_select(st, sql, b, 6, out, err)))
		return rc;
	if ((rc = prog_atlas_fill(st, *out, PROG_PLACE_NAMES, err))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	if (id && !json_array_size(*out)) {
		json_decref(*out);
		*out = NULL;
		return c2c_err_set(err, C2C_ENOTFOUND, "no proposal '%s'", id);
	}
	if ((rc = prog_proposal_places(st, *out, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int programme_proposal_has_body(struct store *st, const char *proposal, const char *place,
				struct c2c_err *err)
{
	json_t *rows;
	int rc = prog_select(st, "SELECT 1 AS \"x\" FROM \"programme_proposal_places\" WHERE \"proposal_id\" = ?"
			     " AND \"role\" = 'body' AND \"place_id\" = ?", (const char *const[]){proposal, place}, 2,
			     &rows, err);
	if (rc)
		return rc;
	rc = json_array_size(rows) > 0;
	json_decref(rows);
	return rc;
}

static int programme_call_close_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	const char *const *a = ctx; /* id, on */
	json_t *call;
	int rc;
	if ((rc = prog_check_id("call", a[0], err)) || (rc = prog_check_day("on", a[1], err)))
		return rc;
	if ((rc = programme_calls(st, a[0], &call, err))) {
		if (rc == C2C_ENOTFOUND)
			c2c_err_field(err, "call");
		return rc;
	}
	if (json_string_value(json_object_get(json_array_get(call, 0), "closed_on")))
		rc = c2c_err_at(err, C2C_ECONFLICT, "call", "call %s was closed on %s already", a[0],
				json_string_value(json_object_get(json_array_get(call, 0), "closed_on")));
	json_decref(call);
	if (rc)
		return rc;
	return prog_exec(st, "UPDATE \"programme_calls\" SET \"closed_on\" = ? WHERE \"id\" = ?",
			 (const char *const[]){a[1], a[0]}, 2, err);
}

int programme_call_close(struct store *st, const char *id, const char *on, struct c2c_err *err)
{
	const char *a[] = {id, on};
	return store_tx(st, NULL, programme_call_close_tx, (void *)a, err);
}
