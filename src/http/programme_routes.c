/*
 * programme_routes.c - the programme's work over HTTP: public calls (public),
 * proposals and their ranking (the programme office), a municipality's
 * proposal to a call, the office's score sheets and decisions.  The same
 * programme/ calls as `c2c call|proposal|score`; each body is what the CLI
 * prints with --format json.
 *
 * Scope: a municipality submits only for its own body (the body defaults to
 * it); everything else here is the office's and the admin's.
 */
#include "router.h"
#include "programme/programme.h"

#include <stdio.h>
#include <string.h>
#include "core/date.h"

int http_get_calls(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_calls(rq->st, NULL, out, err);
}

int http_get_proposals(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_proposals(rq->st, http_param_str(rq, "call"), http_param_str(rq, "status"), NULL,
				   out, err);
}

int http_get_call_rank(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_rank(rq->st, rq->id, out, err);
}

int http_post_proposal(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct programme_proposal_spec p;
	char id[96], day[11];
	int rc;

	memset(&p, 0, sizeof(p));
	/* the server dates a submission: a client cannot send a proposal into
	 * a round that has closed */
	date_today(day);
	p.call_id = http_body_str(rq, "call");
	p.round = (int)http_body_int(rq, "round", 0);
	p.submitted_on = day;
	p.body = http_body_str(rq, "body");
	if (!p.body && rq->user.role == AUTH_MUNICIPALITY)
		p.body = rq->user.scope; /* a municipality proposes for itself */
	p.partner = http_body_str(rq, "partner");
	p.title_ja = http_body_str(rq, "title_ja");
	p.title_en = http_body_str(rq, "title_en");
	p.theme_ja = http_body_str(rq, "theme_ja");
	p.sector = http_body_str(rq, "sector");
	p.technology = http_body_str(rq, "technology");
	p.outputs = http_body_str(rq, "outputs");
	p.budget_jpy = http_body_str(rq, "budget_jpy");
	p.lead = http_body_str(rq, "lead");
	p.members = http_body_str(rq, "members");
	p.local_members = http_body_str(rq, "local_members");
	if (!p.body)
		return c2c_err_set(err, C2C_EUSAGE, "request body: field 'body' is required");
	if ((rc = http_require_scope(rq, "place", p.body, err)) ||
	    (rc = programme_proposal_submit(rq->st, &p, id, sizeof(id), err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "id", id, "call", p.call_id, "submitted_on", p.submitted_on);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

/* {"proposal", "reviewer", "points": {"CRITERION": N, ...}, "replace"} */
int http_post_score(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct programme_point pts[32];
	const char *proposal = http_body_str(rq, "proposal"), *reviewer = http_body_str(rq, "reviewer"), *k;
	json_t *points, *v;
	size_t n = 0;
	int rc;

	if ((rc = http_body_map(rq, "points", sizeof(pts) / sizeof(pts[0]), "{\"CRITERION\": POINTS, ...}", &points,
				err)))
		return rc;
	json_object_foreach(points, k, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
			return c2c_err_at(err, C2C_EUSAGE, "points", "request body: points.%s must be a whole number from 0 to 1000",
					   k);
		pts[n].criterion = k;
		pts[n].points = (int)json_integer_value(v);
		n++;
	}
	if ((rc = programme_score(rq->st, proposal, reviewer, pts, n, http_body_int(rq, "replace", 0) != 0, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:i}", "proposal", proposal, "reviewer", reviewer, "criteria", (int)n);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

/* {"proposal", "decision": "select"|"reject", "reason", "on"} */
int http_post_decision(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	char day[11];
	int rc, select;

	if ((rc = http_body_choice(rq, "decision", "select", "reject", &select, err)))
		return rc;
	date_today(day); /* the server dates a decision, as it dates a submission */
	return programme_decide(rq->st, http_body_str(rq, "proposal"), select, http_body_str(rq, "reason"), day,
				out, err);
}

int http_get_domino_edges(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_domino_edges(rq->st, http_param_str(rq, "case_id"), http_param_str(rq, "from_place_id"),
				      http_param_str(rq, "to_country"), http_param_str(rq, "channel"), out, err);
}

int http_get_domino_chains(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_domino_chains(rq->st, http_param_str(rq, "from"), out, err);
}
