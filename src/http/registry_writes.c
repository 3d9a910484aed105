/*
 * registry_writes.c - the registry's operations over HTTP, one route each,
 * the same calls as `c2c registry account open|issue|allocate|authorize|
 * transfer|cancel|retire`.  What a route adds is who may: routes.def names
 * the roles, and here each operation checks the caller's scope against the
 * accounts and the country it touches (a registrar acts in the registry of
 * its own country, a project participant moves credits out of its own
 * accounts only).  The journal records the user who did it.
 *
 * The reply is the journal entry the operation appended, as
 * `c2c registry journal --format json` prints it: the operation, its
 * arguments and its effects, with its hash.
 */
#include "router.h"
#include "registry/registry.h"

#include <stdio.h>
#include <string.h>

/* The two-letter country of an account, or the host of an issuance, for
 * the scope check: `member` of the row the registry's lookup `get` gives,
 * 404 when there is no such row. */
static int country_of(struct store *st, int (*get)(struct store *, const char *, json_t **, struct c2c_err *),
		      const char *id, const char *member, char cc[3], struct c2c_err *err)
{
	json_t *row;
	int rc = get(st, id, &row, err);
	if (rc)
		return rc;
	snprintf(cc, 3, "%s", json_string_value(json_object_get(row, member)));
	json_decref(row);
	return 0;
}

static int account_country(struct store *st, const char *account, char cc[3], struct c2c_err *err)
{
	return country_of(st, registry_account_get, account, "country", cc, err);
}

static int issuance_host(struct store *st, const char *issuance, char cc[3], struct c2c_err *err)
{
	return country_of(st, registry_issuance_get, issuance, "host", cc, err);
}

/* May the caller act on `account`?  A registrar: an account of its country;
 * a participant: an account named in its scope. */
static int may_use_account(struct http_request *rq, struct store *st, const char *account,
			   struct c2c_err *err)
{
	char cc[3];
	int rc;

	if (rq->user.role == AUTH_PARTICIPANT)
		return http_require_scope(rq, "account", account, err);
	if ((rc = account_country(st, account, cc, err)))
		return rc;
	return http_require_scope(rq, "country", cc, err);
}

/* Run after a successful operation, in its transaction (in_one_tx): its
 * journal entry is the reply. */
static int journal_entry(struct registry_ctx *c, json_t **out, struct c2c_err *err)
{
	json_t *rows;
	int rc;

	if (*out && json_integer_value(json_object_get(*out, "seq")) == c->last_seq)
		return 0; /* kept as it was appended (ctx_for) */
	json_decref(*out);
	*out = NULL;
	if ((rc = registry_journal(c->st, c->last_seq, &rows, err)))
		return rc;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? 0 : c2c_err_set(err, C2C_EINTERNAL, "journal entry %lld not found",
				      (long long)c->last_seq);
}

/* The registry's context for the caller; the entry the operation appends
 * goes straight into the reply `out` (registry_ctx.entry_out). */
static void ctx_for(struct http_request *rq, json_t **out, struct registry_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->user = rq->user.name;
	c->st = rq->st;
	c->entry_out = out;
}

static int account_open_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *country = http_body_str(rq, "country");
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = http_require_scope(rq, "country", country, err)) ||
	    (rc = registry_account_open(&c, http_body_str(rq, "id"), country,
					http_body_str(rq, "kind"), http_body_str(rq, "holder"), err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int account_close_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = may_use_account(rq, c.st, http_body_str(rq, "id"), err)) ||
	    (rc = registry_account_close(&c, http_body_str(rq, "id"), err)))
		return rc;
	return journal_entry(&c, out, err);
}

/* registry_issue asks this before it writes: may the caller issue into
 * the host country? */
static int may_issue(void *rq, const char *host, struct c2c_err *err)
{
	return http_require_scope(rq, "country", host, err);
}

/* {"report": N [, "quantity"]}, or {"project", "from", "to", "quantity",
 * "external_verification", "source" [, "verified_er"]}: no credit without
 * a verified report, as `c2c registry issue`. */
static int issue_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_issue_req r;
	struct registry_ctx c;
	char id[REGISTRY_ID_MAX];
	int rc;

	memset(&r, 0, sizeof(r));
	ctx_for(rq, out, &c);
	if (json_object_get(rq->body, "report")) {
		/* an approved report gives project, period and verified ER, as
		 * `c2c registry issue --report ID`: the same one call */
		int64_t q = http_body_int(rq, "quantity", 0);
		if (http_body_str(rq, "project") || http_body_str(rq, "from") || http_body_str(rq, "to") ||
		    json_object_get(rq->body, "verified_er"))
			return c2c_err_set(err, C2C_EUSAGE, "request body: a report gives project, from, to and "
							    "verified_er; do not give them too");
		if (json_object_get(rq->body, "external_verification"))
			return c2c_err_at(err, C2C_EUSAGE, "external_verification", "request body: give 'report' or "
					  "'external_verification', not both: an issuance comes from one of them");
		if ((rc = registry_issue_from_report(&c, http_body_int(rq, "report", 0),
						     json_is_integer(json_object_get(rq->body, "quantity")) ? &q : NULL, may_issue, rq,
						     id, sizeof(id), NULL, err)))
			return rc;
		return journal_entry(&c, out, err);
	}
	if (!json_object_get(rq->body, "external_verification"))
		return c2c_err_at(err, C2C_EUSAGE, "report", "no credit without a verified report: give 'report' (an "
				  "approved MRV report), or 'external_verification' and 'source' for an issuance "
				  "verified outside c2c");
	static const char *const need[] = {"project", "from", "to", "quantity", "source"};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!json_object_get(rq->body, need[i]))
			return c2c_err_at(err, C2C_EUSAGE, need[i], "request body: field '%s' is required with "
					  "'external_verification'", need[i]);
	r.project = http_body_str(rq, "project");
	r.period_start = http_body_str(rq, "from");
	r.period_end = http_body_str(rq, "to");
	r.quantity = http_body_int(rq, "quantity", 0);
	r.verified_er = http_body_int(rq, "verified_er", 0);
	r.external_verification = http_body_str(rq, "external_verification");
	r.source = http_body_str(rq, "source");
	/* the host country is the project's, which registry_issue finds out */
	r.may = may_issue;
	r.may_arg = rq;
	if ((rc = registry_issue(&c, &r, id, sizeof(id), err)))
		return rc;
	return journal_entry(&c, out, err);
}

/* "shares": {"JP-GOV-1": 30, "KH-GOV-1": 70}, or with hundredths as
 * 12.5 -> 1250, the CLI's ACCOUNT=PERCENT. */
static int allocate_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *issuance = http_body_str(rq, "issuance"), *acc;
	struct registry_share s[64];
	struct registry_ctx c;
	json_t *shares, *v;
	char cc[3];
	size_t n = 0;
	int rc;

	if ((rc = http_body_map(rq, "shares", sizeof(s) / sizeof(s[0]), "{\"ACCOUNT\": PERCENT, ...}", &shares, err)))
		return rc;
	json_object_foreach(shares, acc, v) {
		double pct = json_number_value(v);
		char text[32];
		if (!json_is_number(v) || pct <= 0 || pct > 100)
			return c2c_err_at(err, C2C_EUSAGE, "shares", "request body: shares.%s must be a percentage above 0 and at most 100",
					   acc);
		/* the number as its shortest text ("12.5"), read as the CLI's
		 * ACCOUNT=PERCENT is: at most two decimals */
		atlas_real_text(pct, text, sizeof(text));
		s[n].account = acc;
		if ((s[n].hundredths = registry_parse_share(text)) < 0)
			return c2c_err_at(err, C2C_EUSAGE, "shares", "request body: shares.%s has more than two decimals",
					   acc);
		n++;
	}
	ctx_for(rq, out, &c);
	if ((rc = issuance_host(c.st, issuance, cc, err)) ||
	    (rc = http_require_scope(rq, "country", cc, err)) ||
	    (rc = registry_allocate(&c, issuance, s, n, err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int authorize_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *issuance = http_body_str(rq, "issuance");
	struct registry_authorization a;
	const char *ents[REGISTRY_MAX_ENTITIES];
	struct registry_ctx c;
	char cc[3];
	int rc, given;

	ctx_for(rq, out, &c);
	if ((rc = registry_authorization_from_json(rq->body, &a, ents, &given, err)) ||
	    (rc = issuance_host(c.st, issuance, cc, err)) ||
	    (rc = http_require_scope(rq, "country", cc, err)) ||
	    (rc = registry_authorize_as(&c, issuance, given ? &a : NULL, err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int transfer_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *from = http_body_str(rq, "from");
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = may_use_account(rq, c.st, from, err)) ||
	    (rc = registry_transfer(&c, from, http_body_str(rq, "to"), http_body_int(rq, "quantity", 0),
				    err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int cancel_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *account = http_body_str(rq, "account");
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = may_use_account(rq, c.st, account, err)) ||
	    (rc = registry_cancel(&c, account, http_body_int(rq, "quantity", 0), err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int retire_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *account = http_body_str(rq, "account");
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = may_use_account(rq, c.st, account, err)) ||
	    (rc = registry_retire(&c, account, http_body_int(rq, "quantity", 0),
				  http_body_str(rq, "purpose"), http_body_str(rq, "beneficiary"), err)))
		return rc;
	return journal_entry(&c, out, err);
}

/* ---- four-eyes approval (registry/approval.c) ---------------------------- */

/* {"country", "require": true|false, "threshold", "expiry": "7d"}: the
 * admin's setting, as `c2c registry four-eyes`. */
static int four_eyes_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	json_t *req = json_object_get(rq->body, "require");
	const char *exp = http_body_str(rq, "expiry");
	int64_t expiry = exp ? registry_parse_expiry(exp) : REGISTRY_EXPIRY_DEFAULT;
	struct registry_ctx c;
	int rc;

	if (!json_is_boolean(req))
		return c2c_err_at(err, C2C_EUSAGE, "require", "request body: require is true or false");
	if (expiry < 0)
		return c2c_err_at(err, C2C_EINPUT, "expiry", "expiry '%s' is not a duration from 1s to 365d (7d, 12h,"
				  " 30m, 45s)", exp);
	ctx_for(rq, out, &c);
	if ((rc = registry_four_eyes_set(&c, http_body_str(rq, "country"), json_is_true(req),
					 http_body_int(rq, "threshold", 0), expiry, err)))
		return rc;
	return journal_entry(&c, out, err);
}

/* {"operation": "transfer", "from", "to", "quantity"}, {"operation":
 * "cancel", "account", "quantity"} or {"operation": "retire", "account",
 * "quantity", "purpose", "beneficiary"}: the caller must be one who may
 * move credits out of that account. */
static int propose_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_proposal_req p = {0};
	struct registry_ctx c;
	int64_t id;
	int rc;

	p.operation = http_body_str(rq, "operation");
	p.from = http_body_str(rq, p.operation && !strcmp(p.operation, "transfer") ? "from" : "account");
	p.to = http_body_str(rq, "to");
	p.quantity = http_body_int(rq, "quantity", 0);
	p.purpose = http_body_str(rq, "purpose");
	p.beneficiary = http_body_str(rq, "beneficiary");
	ctx_for(rq, out, &c);
	if (p.from && (rc = may_use_account(rq, c.st, p.from, err)))
		return rc;
	if ((rc = registry_propose(&c, &p, &id, err)))
		return rc;
	c.last_seq = id;
	return journal_entry(&c, out, err);
}

/* A decision over HTTP: a registrar of the proposal's registry (the route
 * admits registrars; the scope says which registry). */
static int may_decide(void *rq, const char *country, struct c2c_err *err)
{
	return http_require_scope(rq, "country", country, err);
}

static int approve_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = registry_approve(&c, http_body_int(rq, "id", 0), rq->user.role == AUTH_REGISTRAR ? may_decide : NULL,
				   rq, err)))
		return rc;
	return journal_entry(&c, out, err);
}

static int reject_op(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_ctx c;
	int rc;

	ctx_for(rq, out, &c);
	if ((rc = registry_reject(&c, http_body_int(rq, "id", 0), http_body_str(rq, "reason"), may_decide, rq, err)))
		return rc;
	return journal_entry(&c, out, err);
}

/* ---- every route above, whole in one transaction --------------------------- */

/* The check of the caller's scope, the operation, the reading of its
 * journal entry for the reply and the audit row are one transaction,
 * queued on the audit log and the journal before the first read
 * (http_write_tx_queued), committed together.  Read after the commit, as it
 * was, a database lost in between answered 503 "cannot be reached" for an
 * operation that was recorded, and a client told to try again did it
 * twice (tests/pg.sh's fail-over run found one).  Now a reply is the entry,
 * or an error after which nothing was kept, or, when the COMMIT itself went
 * unanswered, "may or may not have been recorded".  One commit per
 * operation, not one for it and one for its audit row. */
struct route_call {
	struct http_request *rq;
	int (*op)(struct http_request *rq, json_t **out, struct c2c_err *err);
	json_t **out;
};

static int route_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct route_call *r = ctx;
	(void)st;
	json_decref(*r->out); /* an attempt retried after a lost race starts again */
	*r->out = NULL;
	return r->op(r->rq, r->out, err);
}

static int in_one_tx(struct http_request *rq, int (*op)(struct http_request *, json_t **, struct c2c_err *),
		     json_t **out, struct c2c_err *err)
{
	struct route_call r = {rq, op, out};
	struct registry_ctx c;
	int rc;

	/* The proposals past their expiry are journalled first, in their own
	 * transaction: inside the operation's, an approval or rejection of an
	 * expired proposal, refused, took its expiry down with it, and a
	 * registry that only transfers never recorded one. */
	ctx_for(rq, NULL, &c); /* its entries are not the reply */
	if ((rc = registry_proposals_expire(&c, NULL, err)))
		return rc;
	rc = http_write_tx_queued(rq, "registry_journal", route_tx, &r, err);
	if (rc) { /* the entry was read, then the commit failed: no reply of it */
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

#define ONE_TX(route, op)                                                                      \
	int route(struct http_request *rq, json_t **out, struct c2c_err *err)                  \
	{                                                                                      \
		return in_one_tx(rq, op, out, err);                                            \
	}
ONE_TX(http_post_registry_account_open, account_open_op)
ONE_TX(http_post_registry_account_close, account_close_op)
ONE_TX(http_post_registry_issue, issue_op)
ONE_TX(http_post_registry_allocate, allocate_op)
ONE_TX(http_post_registry_authorize, authorize_op)
ONE_TX(http_post_registry_transfer, transfer_op)
ONE_TX(http_post_registry_cancel, cancel_op)
ONE_TX(http_post_registry_retire, retire_op)
ONE_TX(http_post_registry_four_eyes, four_eyes_op)
ONE_TX(http_post_registry_propose, propose_op)
ONE_TX(http_post_registry_approve, approve_op)
ONE_TX(http_post_registry_reject, reject_op)
