/*
 * programme_routes.c - the programme's work over HTTP: public calls (public),
 * proposals and their ranking (the programme office), a municipality's
 * proposal to a call, the office's score sheets and decisions.  The same
 * programme/ calls as `c2c call|proposal|score`; each body is what the CLI
 * prints with --format json.
 *
 * Scope: a municipality submits as one of a proposal's bodies (its own body
 * by default), sees only the proposals it is a body of, and saves its own
 * readiness checks; a reviewer user (role reviewer, scope its programme
 * reviewer id) sees and scores only what the office assigned to it;
 * opening and closing calls, assigning, ranking and deciding are the
 * office's and the admin's.  Every write and its audit row are one
 * transaction (http_write_tx).
 */
#include "router.h"
#include "programme/programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/date.h"
#include "core/strlist.h"

int http_get_calls(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_calls(rq->st, NULL, out, err);
}

/* Is the municipality's own body among a proposal's bodies? */
static int has_body(json_t *p, const char *place)
{
	json_t *b;
	size_t i;
	json_array_foreach(json_object_get(p, "bodies"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "id")), place))
			return 1;
	return 0;
}

int http_get_proposals(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	int rc = programme_proposals(rq->st, http_param_str(rq, "call"), http_param_str(rq, "status"), NULL,
				     out, err);
	/* a municipality sees the proposals it is a body of, and no other's */
	if (!rc && rq->user.role == AUTH_MUNICIPALITY) {
		for (size_t i = json_array_size(*out); i-- > 0;)
			if (!has_body(json_array_get(*out, i), rq->user.scope))
				json_array_remove(*out, i);
	}
	return rc;
}

int http_get_call_rank(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_rank(rq->st, rq->id, out, err);
}

/* ---- the writes: each with its audit row, one transaction (http_write_tx) ---- */

static int call_open_tx(struct store *st, void *v, struct c2c_err *err)
{
	return programme_call_open(st, v, err);
}

int http_post_call(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct programme_call_spec c = {
		.id = http_body_str(rq, "id"),
		.fiscal_year = (int)http_body_int(rq, "fiscal_year", 0),
		.title_ja = http_body_str(rq, "title_ja"),
		.title_en = http_body_str(rq, "title_en"),
		.planned = (int)http_body_int(rq, "planned_selections", 0),
		.min_reviews = (int)http_body_int(rq, "min_reviews", 0),
		.rounds = http_body_str(rq, "rounds"),
		.criteria = http_body_str(rq, "criteria"),
	};
	int rc;
	if (c.criteria && !*c.criteria)
		c.criteria = NULL; /* an empty field: the seed's criteria */
	if ((rc = http_write_tx(rq, call_open_tx, &c, err)))
		return rc;
	rc = programme_calls(rq->st, c.id, out, err);
	if (!rc) {
		json_t *one = json_incref(json_array_get(*out, 0));
		json_decref(*out);
		*out = one;
	}
	return rc;
}

struct call_close_op {
	const char *id;
	char day[11];
};

static int call_close_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct call_close_op *o = v;
	return programme_call_close(st, o->id, o->day, err);
}

int http_post_call_close(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct call_close_op o = {rq->id, ""};
	int rc;
	date_today(o.day); /* the server dates the closing, as it dates a submission */
	if ((rc = http_write_tx(rq, call_close_tx, &o, err)))
		return rc;
	*out = json_pack("{s:s, s:s}", "call", o.id, "closed_on", o.day);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

struct proposal_op {
	struct programme_proposal_spec p;
	char id[96];
};

static int proposal_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct proposal_op *o = v;
	return programme_proposal_submit(st, &o->p, o->id, sizeof(o->id), err);
}

int http_post_proposal(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct proposal_op o;
	struct programme_proposal_spec *p = &o.p;
	char day[11];
	int rc;

	memset(&o, 0, sizeof(o));
	/* the server dates a submission: a client cannot send a proposal into
	 * a round that has closed */
	date_today(day);
	p->call_id = http_body_str(rq, "call");
	p->round = (int)http_body_int(rq, "round", 0);
	p->submitted_on = day;
	p->body = http_body_str(rq, "body");
	if (!p->body && rq->user.role == AUTH_MUNICIPALITY)
		p->body = rq->user.scope; /* a municipality proposes for itself */
	p->partner = http_body_str(rq, "partner");
	p->title_ja = http_body_str(rq, "title_ja");
	p->title_en = http_body_str(rq, "title_en");
	p->theme_ja = http_body_str(rq, "theme_ja");
	p->sector = http_body_str(rq, "sector");
	p->technology = http_body_str(rq, "technology");
	p->outputs = http_body_str(rq, "outputs");
	p->budget_jpy = http_body_str(rq, "budget_jpy");
	p->lead = http_body_str(rq, "lead");
	p->members = http_body_str(rq, "members");
	p->local_members = http_body_str(rq, "local_members");
	p->readiness = http_body_str(rq, "readiness");
	if (!p->body)
		return c2c_err_at(err, C2C_EUSAGE, "body", "request body: field 'body' is required");
	/* a municipality may join others in a proposal, but is always one of its bodies */
	if (rq->user.role == AUTH_MUNICIPALITY && !strlist_has(p->body, ';', rq->user.scope, strlen(rq->user.scope)))
		return c2c_err_at(err, C2C_EFORBIDDEN, "body",
				  "a municipality proposes as one of the bodies: %s is not among '%s'", rq->user.scope,
				  p->body);
	if ((rc = http_write_tx(rq, proposal_tx, &o, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "id", o.id, "call", p->call_id, "submitted_on", p->submitted_on);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

struct score_op {
	const char *proposal, *reviewer;
	struct programme_point pts[32];
	size_t n;
	int replace;
};

static int score_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct score_op *o = v;
	return programme_score(st, o->proposal, o->reviewer, o->pts, o->n, o->replace, err);
}

/* {"proposal", "reviewer", "points": {"CRITERION": N, ...}, "replace"} */
int http_post_score(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct score_op o = {http_body_str(rq, "proposal"), http_body_str(rq, "reviewer"), {{0}}, 0, 0};
	const char *k;
	json_t *points, *v;
	int rc;

	if ((rc = http_body_map(rq, "points", sizeof(o.pts) / sizeof(o.pts[0]), "{\"CRITERION\": POINTS, ...}", &points,
				err)))
		return rc;
	json_object_foreach(points, k, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
			return c2c_err_at(err, C2C_EUSAGE, "points", "request body: points.%s must be a whole number from 0 to 1000",
					   k);
		o.pts[o.n].criterion = k;
		o.pts[o.n].points = (int)json_integer_value(v);
		o.n++;
	}
	o.replace = http_body_int(rq, "replace", 0) != 0;
	if (rq->user.role == AUTH_REVIEWER) {
		/* a reviewer user scores as itself, and only what the office gave it */
		if (o.reviewer && strcmp(o.reviewer, rq->user.scope))
			return c2c_err_at(err, C2C_EFORBIDDEN, "reviewer", "a reviewer scores as itself (%s), not as %s",
					  rq->user.scope, o.reviewer);
		o.reviewer = rq->user.scope;
		if (!o.proposal)
			return c2c_err_at(err, C2C_EUSAGE, "proposal", "request body: field 'proposal' is required");
		if ((rc = programme_is_assigned(rq->st, o.proposal, o.reviewer, err)) <= 0)
			return rc < 0 ? rc : c2c_err_at(err, C2C_EFORBIDDEN, "proposal",
							"proposal %s is not assigned to reviewer %s", o.proposal, o.reviewer);
	}
	if (!o.reviewer)
		return c2c_err_at(err, C2C_EUSAGE, "reviewer", "request body: field 'reviewer' is required");
	if ((rc = http_write_tx(rq, score_tx, &o, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:i}", "proposal", o.proposal, "reviewer", o.reviewer, "criteria", (int)o.n);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

struct decide_op {
	const char *proposal, *reason;
	int select;
	char day[11];
	json_t *res;
};

static int decide_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct decide_op *o = v;
	json_decref(o->res); /* a retried attempt's */
	o->res = NULL;
	return programme_decide(st, o->proposal, o->select, o->reason, o->day, &o->res, err);
}

/* {"proposal", "decision": "select"|"reject", "reason"} */
int http_post_decision(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct decide_op o = {http_body_str(rq, "proposal"), http_body_str(rq, "reason"), 0, "", NULL};
	int rc;

	if ((rc = http_body_choice(rq, "decision", "select", "reject", &o.select, err)))
		return rc;
	date_today(o.day); /* the server dates a decision, as it dates a submission */
	if ((rc = http_write_tx(rq, decide_tx, &o, err))) {
		json_decref(o.res);
		return rc;
	}
	*out = o.res;
	return 0;
}

int http_get_reviewers(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_reviewers(rq->st, out, err);
}

struct assign_op {
	const char *proposal, *reviewer;
	char day[11];
};

static int assign_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct assign_op *o = v;
	return programme_assign(st, o->proposal, o->reviewer, o->day, err);
}

int http_post_assignment(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct assign_op o = {http_body_str(rq, "proposal"), http_body_str(rq, "reviewer"), ""};
	int rc;
	date_today(o.day);
	if ((rc = http_write_tx(rq, assign_tx, &o, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "proposal", o.proposal, "reviewer", o.reviewer, "assigned_on", o.day);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_reviews(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *who = rq->user.role == AUTH_REVIEWER ? rq->user.scope : http_param_str(rq, "reviewer");
	if (!who)
		return c2c_err_at(err, C2C_EUSAGE, "reviewer", "query parameter 'reviewer' is required");
	return programme_assigned(rq->st, who, out, err);
}

int http_get_readiness_saved(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *body = rq->user.role == AUTH_MUNICIPALITY ? rq->user.scope : http_param_str(rq, "body");
	return programme_readiness_saved(rq->st, body, NULL, out, err);
}

struct readiness_op {
	const char *body;
	char *text;
	char day[11], id[128];
};

static int readiness_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct readiness_op *o = v;
	return programme_readiness_save(st, o->body, o->text, strlen(o->text), o->day, o->id, sizeof(o->id), err);
}

int http_post_readiness_save(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct readiness_op o = {http_body_str(rq, "body"), NULL, "", ""};
	json_t *only;
	int rc;

	if (!o.body && rq->user.role == AUTH_MUNICIPALITY)
		o.body = rq->user.scope;
	if (!o.body)
		return c2c_err_at(err, C2C_EUSAGE, "body", "request body: field 'body' is required");
	if ((rc = http_require_scope(rq, "place", o.body, err)))
		return rc;
	/* the answers alone, as `c2c readiness score FILE.json` reads them */
	only = json_pack("{s:O}", "answers", json_object_get(rq->body, "answers"));
	o.text = only ? json_dumps(only, JSON_COMPACT) : NULL;
	json_decref(only);
	if (!o.text)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	date_today(o.day);
	rc = http_write_tx(rq, readiness_tx, &o, err);
	free(o.text);
	if (rc && !err->field[0] && rc == C2C_EINPUT)
		c2c_err_field(err, "answers"); /* the page shows it at the questionnaire */
	if (rc)
		return rc;
	if ((rc = programme_readiness_saved(rq->st, NULL, o.id, out, err)))
		return rc;
	{
		json_t *one = json_incref(json_array_get(*out, 0));
		json_decref(*out);
		*out = one;
	}
	return 0;
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
