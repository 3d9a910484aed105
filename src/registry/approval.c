/*
 * approval.c - optional four-eyes approval (issue 16, as the EU Union
 * Registry does it): a registry may require that transfers above a
 * threshold, cancellations and retirements proposed by one registrar are
 * approved by another before they happen.
 *
 * A proposal holds nothing: no credit is reserved or moved until it is
 * approved, and then the operation runs as any operation does (it may fail:
 * the credits moved meanwhile).  Proposal, approval, rejection and expiry
 * are each one journal entry that moves no credits; the approved operation
 * is the entry right after its approval, naming the proposal.  The tables
 * registry_four_eyes and registry_proposals are derived from those entries
 * and verify proves them equal (approval_replay.c).
 */
#include "registry.h"
#include "core/date.h"
#include "core/iso3166.h"
#include "core/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest rejection reason kept, in characters. */
#define REASON_MAX 500

/* The proposal registry_approve is carrying out on this thread, and with
 * which context: the gate lets that one operation through and names the
 * proposal in its entry.  Kept here, not in registry_ctx, so no caller of
 * the registry has a field to set or to forget to clear. */
static _Thread_local const struct registry_ctx *carrying_ctx;
static _Thread_local int64_t carrying_id;

int64_t registry_parse_expiry(const char *text)
{
	char *end;
	long long n;
	int64_t unit = 86400;

	if (!text || !isdigit((unsigned char)*text))
		return -1;
	n = strtoll(text, &end, 10);
	if (*end == 'd' || *end == 'h' || *end == 'm' || *end == 's') {
		unit = *end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;
		end++;
	}
	if (*end || n <= 0 || n > REGISTRY_EXPIRY_MAX / unit)
		return -1;
	return n * unit;
}

/* The body every entry of this file starts from: no movement, no
 * adjustment, no account opened (what the replay reads of every entry). */
static json_t *fe_body(const char *op)
{
	return json_pack("{s:s, s:[], s:[], s:[]}", "op", op, "moves", "adjustments", "opened");
}

struct fe_call {
	struct registry_ctx *c;
	int (*run)(struct fe_call *f, struct c2c_err *err);
	const char *country, *reason;
	int required;
	int64_t threshold, expiry, id, *out;
	const struct registry_proposal_req *p;
	registry_may_decide_fn may;
	void *arg;
};

static int fe_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct fe_call *f = ctx;
	(void)st;
	return f->run(f, err);
}

static int fe_run(struct fe_call *f, struct c2c_err *err)
{
	return store_tx(f->c->st, "registry_journal", fe_tx, f, err);
}

/* The `at` of the entry just appended: what the row records as when. */
static int entry_at(struct registry_ctx *c, char at[40], struct c2c_err *err)
{
	json_t *e = NULL;
	int rc = store_row_json(c->st, "SELECT \"at\" FROM registry_journal WHERE \"seq\" = ?",
				STORE_ARGS(store_int(c->last_seq)), NULL, "journal entry", &e, err);
	if (!rc)
		snprintf(at, 40, "%s", json_string_value(json_object_get(e, "at")));
	json_decref(e);
	return rc;
}

/* ------------------------------------------------------------- setting */

static int set_once(struct fe_call *f, struct c2c_err *err)
{
	json_t *body = fe_body("four-eyes");
	int rc;

	json_object_set_new(body, "four_eyes", json_pack("{s:s, s:b, s:I, s:I}", "country", f->country, "required",
							 f->required, "threshold", (json_int_t)f->threshold,
							 "expiry_seconds", (json_int_t)f->expiry));
	if (!(rc = registry_journal_append(f->c, "four-eyes", body, NULL, err)))
		rc = store_exec_args(f->c->st, "DELETE FROM registry_four_eyes WHERE \"country\" = ?",
				     STORE_ARGS(store_text(f->country)), err);
	if (!rc)
		rc = store_exec_args(f->c->st, "INSERT INTO registry_four_eyes (\"country\", \"required\", \"threshold\","
					       " \"expiry_seconds\", \"seq\") VALUES (?, ?, ?, ?, ?)",
				     STORE_ARGS(store_text(f->country), store_int(f->required), store_int(f->threshold),
						store_int(f->expiry), store_int(f->c->last_seq)),
				     err);
	json_decref(body);
	return rc;
}

int registry_four_eyes_set(struct registry_ctx *c, const char *country, int required, int64_t threshold,
			   int64_t expiry_seconds, struct c2c_err *err)
{
	struct fe_call f = {.c = c, .run = set_once, .country = country, .required = required != 0,
			    .threshold = threshold, .expiry = expiry_seconds};

	if (!country || !iso3166_is_code(country))
		return c2c_err_at(err, C2C_EINPUT, "country", "four-eyes: country '%s' is not an ISO 3166-1 alpha-2 code",
				  country ? country : "");
	if (threshold < 0 || threshold > REGISTRY_MAX_ISSUANCE)
		return c2c_err_at(err, C2C_EINPUT, "threshold", "four-eyes: the threshold is a whole number of credits "
				  "from 0 to %lld (a transfer of more needs approval)", (long long)REGISTRY_MAX_ISSUANCE);
	if (expiry_seconds <= 0 || expiry_seconds > REGISTRY_EXPIRY_MAX)
		return c2c_err_at(err, C2C_EINPUT, "expiry", "four-eyes: a proposal lives from 1 second to 365 days");
	return fe_run(&f, err);
}

int registry_four_eyes_list(struct store *st, json_t **out, struct c2c_err *err)
{
	size_t i;
	json_t *row;
	int rc = store_rows_json(st, "SELECT \"country\", \"required\", \"threshold\", \"expiry_seconds\", \"seq\""
				 " FROM registry_four_eyes ORDER BY \"country\"", STORE_NOARGS, NULL, out, err);
	if (rc)
		return rc;
	json_array_foreach(*out, i, row)
		json_object_set_new(row, "required", json_boolean(json_integer_value(json_object_get(row, "required"))));
	return 0;
}

/* `country`'s setting: *required, *threshold and *expiry (the default when
 * none was ever set: not required, 7 days). */
static int setting(struct store *st, const char *country, int *required, int64_t *threshold, int64_t *expiry,
		   struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	*required = 0;
	*threshold = 0;
	*expiry = REGISTRY_EXPIRY_DEFAULT;
	if ((rc = store_prepare(st, "SELECT \"required\", \"threshold\", \"expiry_seconds\" FROM registry_four_eyes"
				    " WHERE \"country\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, country);
	if ((rc = store_step(s, err)) == 1) {
		*required = store_col_int(s, 0) != 0;
		*threshold = store_col_int(s, 1);
		*expiry = store_col_int(s, 2);
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Does `op` of `quantity` credits need approval under this setting? */
static int needs_approval(int required, int64_t threshold, const char *op, int64_t quantity)
{
	return required && (strcmp(op, "transfer") || quantity > threshold);
}

int registry_four_eyes_gate(struct registry_ctx *c, const char *op, const char *country, int64_t quantity,
			    json_t *body, struct c2c_err *err)
{
	int required, rc;
	int64_t threshold, expiry;

	if (carrying_ctx == c && carrying_id) {
		json_object_set_new(body, "proposal", json_integer(carrying_id));
		return 0;
	}
	if ((rc = setting(c->st, country, &required, &threshold, &expiry, err)))
		return rc;
	if (!needs_approval(required, threshold, op, quantity))
		return 0;
	if (!strcmp(op, "transfer"))
		rc = c2c_err_at(err, C2C_EFORBIDDEN, "quantity", "the %s registry requires four-eyes approval for a transfer"
				" of more than %lld credits: propose it for another registrar to approve",
				country, (long long)threshold);
	else
		rc = c2c_err_at(err, C2C_EFORBIDDEN, "quantity", "the %s registry requires four-eyes approval to %s"
				" credits: propose it for another registrar to approve", country, op);
	c2c_err_hint(err, "c2c registry propose %s ...; c2c registry approve ID (by another registrar)", op);
	return rc;
}

/* ------------------------------------------------------------ proposing */

static int load_account_row(struct store *st, const char *id, const char *field, json_t **out, struct c2c_err *err)
{
	int rc = registry_account_get(st, id, out, err);
	if (rc == C2C_ENOTFOUND)
		return c2c_err_at(err, C2C_ENOTFOUND, field, "account '%s' does not exist", id);
	return rc;
}

static int holding_open(json_t *a)
{
	const char *kind = json_string_value(json_object_get(a, "kind"));
	return kind && (!strcmp(kind, "government") || !strcmp(kind, "entity")) &&
	       !strcmp(json_string_value(json_object_get(a, "status")), "open");
}

/* What can be said before the proposal is recorded: the operation is well
 * formed, its accounts exist and hold the credits now (they may not when it
 * is approved), and its registry requires approval. */
static int propose_check(struct registry_ctx *c, const struct registry_proposal_req *p, char country[3],
			 int64_t *expiry, struct c2c_err *err)
{
	const char *op = p->operation ? p->operation : "";
	json_t *from = NULL, *to = NULL;
	int required, rc;
	int64_t threshold;

	if (strcmp(op, "transfer") && strcmp(op, "cancel") && strcmp(op, "retire"))
		return c2c_err_at(err, C2C_EINPUT, "operation", "propose: operation '%s' is not one of transfer, cancel,"
				  " retire", op);
	if (!p->from || !*p->from)
		return c2c_err_at(err, C2C_EUSAGE, !strcmp(op, "transfer") ? "from" : "account",
				  "propose: name the account the credits leave");
	if (p->quantity <= 0 || p->quantity > REGISTRY_MAX_TOTAL)
		return c2c_err_at(err, C2C_EINPUT, "quantity", "%s: quantity must be a positive whole number of credits", op);
	if (!strcmp(op, "retire")) {
		if (!p->purpose || (strcmp(p->purpose, "ndc") && strcmp(p->purpose, "voluntary") && strcmp(p->purpose, "other")))
			return c2c_err_at(err, C2C_EINPUT, "purpose", "retire: purpose '%s' is not one of ndc, voluntary, other",
					  p->purpose ? p->purpose : "");
		if (!p->beneficiary || !*p->beneficiary)
			return c2c_err_at(err, C2C_EINPUT, "beneficiary", "retire: name the beneficiary of the retirement");
		if (utf8_text_field(p->beneficiary, 300, 0, "beneficiary", "the beneficiary", err))
			return C2C_EINPUT;
	} else if (p->purpose || p->beneficiary) {
		return c2c_err_at(err, C2C_EUSAGE, p->purpose ? "purpose" : "beneficiary",
				  "propose: only a retirement names a purpose and a beneficiary");
	}
	if (!strcmp(op, "transfer") ? !p->to || !*p->to : p->to != NULL)
		return c2c_err_at(err, C2C_EUSAGE, "to", !strcmp(op, "transfer") ? "propose: name the account the credits go to"
										: "propose: only a transfer names the account the credits go to");
	if ((rc = load_account_row(c->st, p->from, !strcmp(op, "transfer") ? "from" : "account", &from, err)))
		return rc;
	snprintf(country, 3, "%s", json_string_value(json_object_get(from, "country")));
	if (!holding_open(from))
		rc = c2c_err_at(err, C2C_ECONFLICT, !strcmp(op, "transfer") ? "from" : "account",
				"account '%s' is not an open government or entity account: nothing to propose", p->from);
	else if (json_integer_value(json_object_get(from, "balance")) < p->quantity)
		rc = c2c_err_at(err, C2C_ECONFLICT, "quantity", "account '%s' holds %lld credits, cannot %s %lld", p->from,
				(long long)json_integer_value(json_object_get(from, "balance")), op, (long long)p->quantity);
	json_decref(from);
	if (rc)
		return rc;
	if (p->to) {
		if ((rc = load_account_row(c->st, p->to, "to", &to, err)))
			return rc;
		if (!holding_open(to))
			rc = c2c_err_at(err, C2C_ECONFLICT, "to", "account '%s' is not an open government or entity account;"
					" transfers go to one", p->to);
		else if (!strcmp(p->to, p->from))
			rc = c2c_err_at(err, C2C_EINPUT, "to", "transfer from '%s' to itself", p->from);
		json_decref(to);
		if (rc)
			return rc;
	}
	if ((rc = setting(c->st, country, &required, &threshold, expiry, err)))
		return rc;
	if (!needs_approval(required, threshold, op, p->quantity))
		return c2c_err_at(err, C2C_ECONFLICT, "operation", "the %s registry does not require four-eyes approval"
				  " for this %s: do it directly", country, op);
	return 0;
}

static int propose_once(struct fe_call *f, struct c2c_err *err)
{
	const struct registry_proposal_req *p = f->p;
	struct timespec ts;
	char country[3], expires[40], at[40];
	int64_t expiry;
	json_t *body;
	int rc;

	if ((rc = propose_check(f->c, p, country, &expiry, err)))
		return rc;
	clock_gettime(CLOCK_REALTIME, &ts);
	date_iso_utc((int64_t)ts.tv_sec + expiry, ts.tv_nsec / 1000000, expires, sizeof(expires));
	body = fe_body("propose");
	json_object_set_new(body, "proposal", json_pack("{s:s, s:s, s:s, s:s?, s:I, s:s?, s:s?, s:s, s:I}", "country",
							country, "operation", p->operation, "from", p->from, "to", p->to,
							"quantity", (json_int_t)p->quantity, "purpose", p->purpose,
							"beneficiary", p->beneficiary, "expires_at", expires,
							"expiry_seconds", (json_int_t)expiry));
	rc = registry_journal_append(f->c, "propose", body, f->out, err);
	json_decref(body);
	if (rc || (rc = entry_at(f->c, at, err)))
		return rc;
	return store_exec_args(f->c->st, "INSERT INTO registry_proposals (\"id\", \"country\", \"operation\", \"from_account\","
					 " \"to_account\", \"quantity\", \"purpose\", \"beneficiary\", \"proposed_by\","
					 " \"proposed_at\", \"expires_at\", \"status\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
			       STORE_ARGS(store_int(f->c->last_seq), store_text(country), store_text(p->operation),
					  store_text(p->from), store_text(p->to), store_int(p->quantity),
					  store_text(p->purpose), store_text(p->beneficiary), store_text(f->c->user),
					  store_text(at), store_text(expires)),
			       err);
}

int registry_propose(struct registry_ctx *c, const struct registry_proposal_req *p, int64_t *id,
		     struct c2c_err *err)
{
	int64_t seq = 0;
	struct fe_call f = {.c = c, .run = propose_once, .p = p, .out = &seq};
	int rc;

	if ((rc = registry_proposals_expire(c, NULL, err)) || (rc = fe_run(&f, err)))
		return rc;
	if (id)
		*id = seq;
	return 0;
}

/* ------------------------------------------------------------ deciding */

struct proposal {
	char country[3], operation[16], from[64], to[64], proposed_by[128], expires_at[40], status[16];
	char purpose[16], beneficiary[1300];
	int64_t quantity;
};

static int load_proposal(struct registry_ctx *c, int64_t id, struct proposal *p, struct c2c_err *err)
{
	json_t *r = NULL;
	int rc = store_row_json(c->st, "SELECT \"country\", \"operation\", \"from_account\", \"to_account\", \"quantity\","
				" \"purpose\", \"beneficiary\", \"proposed_by\", \"expires_at\", \"status\""
				" FROM registry_proposals WHERE \"id\" = ?",
				STORE_ARGS(store_int(id)), NULL, "proposal", &r, err);
	if (rc == C2C_ENOTFOUND)
		return c2c_err_at(err, C2C_ENOTFOUND, "id", "there is no proposal %lld", (long long)id);
	if (rc)
		return rc;
#define COPY(field, col) snprintf(p->field, sizeof(p->field), "%s", \
				  json_string_value(json_object_get(r, col)) ? json_string_value(json_object_get(r, col)) : "")
	COPY(country, "country");
	COPY(operation, "operation");
	COPY(from, "from_account");
	COPY(to, "to_account");
	COPY(purpose, "purpose");
	COPY(beneficiary, "beneficiary");
	COPY(proposed_by, "proposed_by");
	COPY(expires_at, "expires_at");
	COPY(status, "status");
#undef COPY
	p->quantity = json_integer_value(json_object_get(r, "quantity"));
	json_decref(r);
	return 0;
}

/* A decision may be taken on a pending proposal still within its time. */
static int decidable(int64_t id, const struct proposal *p, struct c2c_err *err)
{
	char now[40];
	date_now_iso(now, sizeof(now), 1);
	if (!strcmp(p->status, "expired") || (!strcmp(p->status, "pending") && strcmp(now, p->expires_at) >= 0))
		return c2c_err_at(err, C2C_ECONFLICT, "id", "proposal %lld expired at %s: an expired proposal cannot be"
				  " approved; propose it again", (long long)id, p->expires_at);
	if (strcmp(p->status, "pending"))
		return c2c_err_at(err, C2C_ECONFLICT, "id", "proposal %lld is %s already: only a pending proposal is"
				  " decided", (long long)id, p->status);
	return 0;
}

/* The decision on the row, from the entry just appended. */
static int record_decision(struct registry_ctx *c, int64_t id, const char *status, const char *reason,
			   struct c2c_err *err)
{
	char at[40];
	int rc = entry_at(c, at, err);
	if (rc)
		return rc;
	return store_exec_args(c->st, "UPDATE registry_proposals SET \"status\" = ?, \"decided_seq\" = ?, \"decided_by\" = ?,"
				      " \"decided_at\" = ?, \"reason\" = ? WHERE \"id\" = ?",
			       STORE_ARGS(store_text(status), store_int(c->last_seq), store_text(c->user), store_text(at),
					  store_text(reason), store_int(id)),
			       err);
}

static int approve_once(struct fe_call *f, struct c2c_err *err)
{
	struct registry_ctx *c = f->c;
	struct proposal p;
	char at[40];
	json_t *body;
	int rc;

	if ((rc = load_proposal(c, f->id, &p, err)) || (rc = decidable(f->id, &p, err)))
		return rc;
	if (!strcmp(p.proposed_by, c->user))
		return c2c_err_at(err, C2C_EFORBIDDEN, "id", "proposal %lld was proposed by %s: another registrar must"
				  " approve it (four eyes)", (long long)f->id, c->user);
	if (!f->may)
		return c2c_err_at(err, C2C_EFORBIDDEN, "id", "only a registrar of the %s registry may approve proposal %lld",
				  p.country, (long long)f->id);
	if ((rc = f->may(f->arg, p.country, err)))
		return rc;
	body = fe_body("approve");
	json_object_set_new(body, "proposal", json_integer(f->id));
	rc = registry_journal_append(c, "approve", body, NULL, err);
	json_decref(body);
	if (rc || (rc = entry_at(c, at, err)))
		return rc;
	/* the entry's own time is what the proof holds against the expiry: a
	 * proposal that expired between the check above and now is refused */
	if (strcmp(at, p.expires_at) >= 0)
		return c2c_err_at(err, C2C_ECONFLICT, "id", "proposal %lld expired at %s: an expired proposal cannot be"
				  " approved; propose it again", (long long)f->id, p.expires_at);
	if ((rc = record_decision(c, f->id, "approved", NULL, err)))
		return rc;
	/* carried out now, in this transaction: its entry names the proposal */
	carrying_ctx = c;
	carrying_id = f->id;
	if (!strcmp(p.operation, "transfer"))
		rc = registry_transfer(c, p.from, p.to, p.quantity, err);
	else if (!strcmp(p.operation, "cancel"))
		rc = registry_cancel(c, p.from, p.quantity, err);
	else
		rc = registry_retire(c, p.from, p.quantity, p.purpose, p.beneficiary, err);
	carrying_ctx = NULL;
	carrying_id = 0;
	if (rc) {
		c2c_err_prefix(err, "proposal %lld cannot be carried out now, so it is not approved and stays pending"
			       " (reject it, or let it expire)", (long long)f->id);
		return rc;
	}
	return store_exec_args(c->st, "UPDATE registry_proposals SET \"executed_seq\" = ? WHERE \"id\" = ?",
			       STORE_ARGS(store_int(c->last_seq), store_int(f->id)), err);
}

int registry_approve(struct registry_ctx *c, int64_t id, registry_may_decide_fn may, void *arg,
		     struct c2c_err *err)
{
	struct fe_call f = {.c = c, .run = approve_once, .id = id, .may = may, .arg = arg};
	int rc;
	/* expiries first, in their own transaction, so that they are journalled
	 * even when this approval is refused */
	if ((rc = registry_proposals_expire(c, NULL, err)))
		return rc;
	return fe_run(&f, err);
}

static int reject_once(struct fe_call *f, struct c2c_err *err)
{
	struct registry_ctx *c = f->c;
	struct proposal p;
	json_t *body;
	int rc;

	if ((rc = load_proposal(c, f->id, &p, err)))
		return rc;
	if (strcmp(p.status, "pending"))
		return c2c_err_at(err, C2C_ECONFLICT, "id", "proposal %lld is %s already: only a pending proposal is"
				  " decided", (long long)f->id, p.status);
	if (strcmp(p.proposed_by, c->user)) { /* its proposer may withdraw it */
		if (!f->may)
			return c2c_err_at(err, C2C_EFORBIDDEN, "id", "only a registrar of the %s registry, or its proposer,"
					  " may reject proposal %lld", p.country, (long long)f->id);
		if ((rc = f->may(f->arg, p.country, err)))
			return rc;
	}
	body = fe_body("reject");
	json_object_set_new(body, "proposal", json_integer(f->id));
	if (f->reason)
		json_object_set_new(body, "reason", json_string(f->reason));
	rc = registry_journal_append(c, "reject", body, NULL, err);
	json_decref(body);
	return rc ? rc : record_decision(c, f->id, "rejected", f->reason, err);
}

int registry_reject(struct registry_ctx *c, int64_t id, const char *reason, registry_may_decide_fn may,
		    void *arg, struct c2c_err *err)
{
	struct fe_call f = {.c = c, .run = reject_once, .id = id, .reason = reason && *reason ? reason : NULL,
			    .may = may, .arg = arg};
	int rc;
	if (f.reason && utf8_text_field(f.reason, REASON_MAX, 0, "reason", "the reason", err))
		return C2C_EINPUT;
	if ((rc = registry_proposals_expire(c, NULL, err)))
		return rc;
	return fe_run(&f, err);
}

static int expire_once(struct fe_call *f, struct c2c_err *err)
{
	struct registry_ctx *c = f->c;
	json_t *rows = NULL, *row;
	char now[40];
	size_t i;
	int rc;

	date_now_iso(now, sizeof(now), 1);
	if ((rc = store_rows_json(c->st, "SELECT \"id\" FROM registry_proposals WHERE \"status\" = 'pending'"
					 " AND \"expires_at\" <= ? ORDER BY \"id\"",
				  STORE_ARGS(store_text(now)), NULL, &rows, err)))
		return rc;
	json_array_foreach(rows, i, row) {
		int64_t id = json_integer_value(json_object_get(row, "id"));
		json_t *body = fe_body("expire");
		json_object_set_new(body, "proposal", json_integer(id));
		rc = registry_journal_append(c, "expire", body, NULL, err);
		json_decref(body);
		if (rc || (rc = record_decision(c, id, "expired", NULL, err)))
			break;
	}
	if (!rc && f->out)
		*f->out = (int64_t)json_array_size(rows);
	json_decref(rows);
	return rc;
}

int registry_proposals_expire(struct registry_ctx *c, int64_t *n, struct c2c_err *err)
{
	struct fe_call f = {.c = c, .run = expire_once, .out = n};
	/* nothing to do (the common case) costs one read, no write lock */
	char now[40];
	long long due = 0;
	int rc;
	date_now_iso(now, sizeof(now), 1);
	if ((rc = store_query_int_args(c->st, "SELECT COUNT(*) FROM registry_proposals WHERE \"status\" = 'pending'"
					      " AND \"expires_at\" <= ?", STORE_ARGS(store_text(now)), &due, err)) < 0)
		return rc;
	if (n)
		*n = 0;
	return due ? fe_run(&f, err) : 0;
}

int registry_proposals(struct store *st, const char *country, const char *status, json_t **out,
		       struct c2c_err *err)
{
	static const char *const statuses[] = {"pending", "approved", "rejected", "expired"};
	char now[40];
	size_t i;
	json_t *row;
	int ok = !status, rc;

	for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]) && !ok; k++)
		ok = !strcmp(status, statuses[k]);
	if (!ok)
		return c2c_err_at(err, C2C_EINPUT, "status", "proposals: status '%s' is not one of pending, approved,"
				  " rejected, expired", status);
	if (country && !iso3166_is_code(country))
		return c2c_err_at(err, C2C_EINPUT, "country", "country '%s' is not an ISO 3166-1 alpha-2 code", country);
	rc = store_rows_json(st, "SELECT \"id\", \"country\", \"operation\", \"from_account\" AS \"from\","
			     " \"to_account\" AS \"to\", \"quantity\", \"purpose\", \"beneficiary\", \"proposed_by\","
			     " \"proposed_at\", \"expires_at\", \"status\", \"decided_seq\", \"decided_by\", \"decided_at\","
			     " \"executed_seq\", \"reason\" FROM registry_proposals"
			     " WHERE (? IS NULL OR \"country\" = ?) AND (? IS NULL OR \"status\" = ?) ORDER BY \"id\" DESC",
			     STORE_ARGS(store_text(country), store_text(country), store_text(status), store_text(status)),
			     NULL, out, err);
	if (rc)
		return rc;
	date_now_iso(now, sizeof(now), 1);
	json_array_foreach(*out, i, row) {
		const char *st_ = json_string_value(json_object_get(row, "status"));
		const char *exp = json_string_value(json_object_get(row, "expires_at"));
		json_object_set_new(row, "overdue", json_boolean(st_ && exp && !strcmp(st_, "pending") && strcmp(now, exp) >= 0));
	}
	return 0;
}
