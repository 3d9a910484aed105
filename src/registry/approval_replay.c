/*
 * approval_replay.c - the proof's side of four-eyes approval (approval.c):
 * replayed entry by entry with the rest of the journal (verify.c calls it
 * from registry_replay_entry, so the database and an exported file are
 * proved alike), it derives every registry's setting and every proposal
 * with what became of it, and refuses a journal in which
 *  - a transfer, cancellation or retirement that its registry required to
 *    be approved was done without an approval;
 *  - an approval is not followed at once by the operation it approved, or
 *    that operation is not the one proposed;
 *  - a proposal was approved by its own proposer, approved after it
 *    expired, expired before its time, or decided twice.
 * Then registry_four_eyes and registry_proposals must be exactly the rows
 * derived (a row edited behind the registry's back is named).
 */
#include "registry.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct approval_replay {
	json_t *settings;   /* country -> {country, required, threshold, expiry_seconds, seq} */
	json_t *proposals;  /* [row] in id order, as registry_proposals holds them */
	json_t *by_id;      /* "id" -> the same row */
	int64_t awaiting;   /* approved by the previous entry, to be carried out by this one */
};

struct approval_replay *approval_replay_new(void)
{
	struct approval_replay *a = calloc(1, sizeof(*a));
	if (a && (!(a->settings = json_object()) || !(a->proposals = json_array()) || !(a->by_id = json_object()))) {
		approval_replay_free(a);
		return NULL;
	}
	return a;
}

void approval_replay_free(struct approval_replay *a)
{
	if (!a)
		return;
	json_decref(a->settings);
	json_decref(a->proposals);
	json_decref(a->by_id);
	free(a);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* NULL and "" as one, as the stored rows keep them */
static int same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static json_t *proposal_of(struct approval_replay *a, json_t *body)
{
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(body, "proposal")));
	return json_object_get(a->by_id, key);
}

/* Did the setting of `country` require approval for `op` of `quantity`? */
static int required_for(struct approval_replay *a, const char *country, const char *op, int64_t quantity)
{
	json_t *s = json_object_get(a->settings, country ? country : "");
	return s && json_integer_value(json_object_get(s, "required")) &&
	       (strcmp(op, "transfer") || quantity > json_integer_value(json_object_get(s, "threshold")));
}

static const char *decide(json_t *p, const struct registry_entry *e, const char *status, json_t *reason)
{
	if (strcmp(str(p, "status"), "pending"))
		return "decides a proposal that was decided already";
	json_object_set_new(p, "status", json_string(status));
	json_object_set_new(p, "decided_seq", json_integer(e->seq));
	json_object_set_new(p, "decided_by", json_string(e->user));
	json_object_set_new(p, "decided_at", json_string(e->at));
	json_object_set(p, "reason", json_is_string(reason) ? reason : json_null());
	return NULL;
}

/* A transfer, cancellation or retirement: carrying out the approval just
 * before it, or not needing one. */
static const char *replay_move_op(struct approval_replay *a, struct registry_replay *w,
				  const struct registry_entry *e, json_t *body)
{
	const char *from = str(body, "from");
	int64_t q = json_integer_value(json_object_get(body, "quantity"));
	json_t *p;

	if (!json_object_get(body, "proposal")) {
		if (required_for(a, registry_replay_country(w, from), e->op, q))
			return "moves credits without the four-eyes approval its registry required";
		return NULL;
	}
	p = proposal_of(a, body);
	if (!p || json_integer_value(json_object_get(body, "proposal")) != a->awaiting)
		return "carries out a proposal that was not approved just before it";
	if (strcmp(str(p, "operation"), e->op) || !same_text(str(p, "from_account"), from) ||
	    json_integer_value(json_object_get(p, "quantity")) != q ||
	    (!strcmp(e->op, "transfer") && !same_text(str(p, "to_account"), str(body, "to"))) ||
	    (!strcmp(e->op, "retire") && (!same_text(str(p, "purpose"), str(body, "purpose")) ||
					  !same_text(str(p, "beneficiary"), str(body, "beneficiary")))))
		return "is not the operation its approved proposal proposed";
	json_object_set_new(p, "executed_seq", json_integer(e->seq));
	a->awaiting = 0;
	return NULL;
}

static const char *replay_propose(struct approval_replay *a, struct registry_replay *w,
				  const struct registry_entry *e, json_t *body)
{
	json_t *x = json_object_get(body, "proposal"), *row;
	const char *op = str(x, "operation"), *from = str(x, "from"), *country = str(x, "country");
	char key[24];

	if (!op || !from || !country || !str(x, "expires_at") || !json_is_integer(json_object_get(x, "quantity")))
		return "a proposal in the journal is malformed";
	if (!same_text(registry_replay_country(w, from), country))
		return "a proposal names a registry its account is not in";
	if (!required_for(a, country, op, json_integer_value(json_object_get(x, "quantity"))))
		return "proposes what its registry did not require to be approved";
	row = json_pack("{s:I, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:s, s:s, s:s, s:s, s:n, s:n, s:n, s:n, s:n}",
			"id", (json_int_t)e->seq, "country", country, "operation", op, "from_account", from,
			"to_account", json_object_get(x, "to") ? json_object_get(x, "to") : json_null(),
			"quantity", json_object_get(x, "quantity"),
			"purpose", json_object_get(x, "purpose") ? json_object_get(x, "purpose") : json_null(),
			"beneficiary", json_object_get(x, "beneficiary") ? json_object_get(x, "beneficiary") : json_null(),
			"proposed_by", e->user, "proposed_at", e->at, "expires_at", str(x, "expires_at"), "status",
			"pending", "decided_seq", "decided_by", "decided_at", "executed_seq", "reason");
	if (!row)
		return "out of memory";
	snprintf(key, sizeof(key), "%lld", (long long)e->seq);
	json_object_set(a->by_id, key, row);
	json_array_append_new(a->proposals, row);
	return NULL;
}

const char *approval_replay_entry(struct approval_replay *a, struct registry_replay *w,
				  const struct registry_entry *e, json_t *body)
{
	const char *op = e->op;
	json_t *p;

	if (a->awaiting && strcmp(op, "transfer") && strcmp(op, "cancel") && strcmp(op, "retire"))
		return "follows an approval that was not carried out";
	if (!strcmp(op, "transfer") || !strcmp(op, "cancel") || !strcmp(op, "retire")) {
		const char *why = replay_move_op(a, w, e, body);
		if (!why && a->awaiting)
			why = "follows an approval that was not carried out";
		return why;
	}
	if (!strcmp(op, "four-eyes")) {
		json_t *x = json_object_get(body, "four_eyes");
		if (!str(x, "country") || !json_is_boolean(json_object_get(x, "required")))
			return "a four-eyes setting in the journal is malformed";
		json_object_set_new(a->settings, str(x, "country"),
				    json_pack("{s:s, s:i, s:O, s:O, s:I}", "country", str(x, "country"), "required",
					      json_is_true(json_object_get(x, "required")), "threshold",
					      json_object_get(x, "threshold"), "expiry_seconds",
					      json_object_get(x, "expiry_seconds"), "seq", (json_int_t)e->seq));
		return NULL;
	}
	if (!strcmp(op, "propose"))
		return replay_propose(a, w, e, body);
	if (strcmp(op, "approve") && strcmp(op, "reject") && strcmp(op, "expire"))
		return NULL;
	if (!(p = proposal_of(a, body)))
		return "decides a proposal the journal never made";
	if (!strcmp(op, "approve")) {
		if (!strcmp(str(p, "proposed_by"), e->user))
			return "approves a proposal by its own proposer (four eyes)";
		if (strcmp(e->at, str(p, "expires_at")) >= 0)
			return "approves a proposal after it expired";
		a->awaiting = json_integer_value(json_object_get(p, "id"));
		return decide(p, e, "approved", NULL);
	}
	if (!strcmp(op, "expire") && strcmp(e->at, str(p, "expires_at")) < 0)
		return "expires a proposal before its time";
	return decide(p, e, !strcmp(op, "reject") ? "rejected" : "expired", json_object_get(body, "reason"));
}

const char *approval_replay_end(struct approval_replay *a)
{
	return a->awaiting ? "the journal ends with an approval that was not carried out" : NULL;
}

int approval_check_stored(struct store *st, struct approval_replay *a, struct c2c_err *err)
{
	json_t *rows = NULL, *row, *want;
	const char *why = approval_replay_end(a);
	size_t i;
	int rc;

	if (why)
		return c2c_err_set(err, C2C_ECONFLICT, "%s", why);
	if ((rc = store_rows_json(st, "SELECT \"country\", \"required\", \"threshold\", \"expiry_seconds\", \"seq\""
				  " FROM registry_four_eyes ORDER BY \"country\"", STORE_NOARGS, NULL, &rows, err)))
		return rc;
	json_array_foreach(rows, i, row) {
		want = json_object_get(a->settings, str(row, "country") ? str(row, "country") : "");
		if (!json_equal(row, want)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "the stored four-eyes setting of the %s registry is not what the"
					 " journal records", str(row, "country"));
			break;
		}
	}
	if (!rc && json_array_size(rows) != json_object_size(a->settings))
		rc = c2c_err_set(err, C2C_ECONFLICT, "the journal records a four-eyes setting that registry_four_eyes"
				 " does not hold");
	json_decref(rows);
	if (rc)
		return rc;
	if ((rc = store_rows_json(st, "SELECT \"id\", \"country\", \"operation\", \"from_account\", \"to_account\","
				  " \"quantity\", \"purpose\", \"beneficiary\", \"proposed_by\", \"proposed_at\", \"expires_at\","
				  " \"status\", \"decided_seq\", \"decided_by\", \"decided_at\", \"executed_seq\", \"reason\""
				  " FROM registry_proposals ORDER BY \"id\"", STORE_NOARGS, NULL, &rows, err)))
		return rc;
	/* both in order of id: walked side by side, so a row missing from the
	 * middle is named as missing, not as the next row being wrong */
	for (size_t g = 0, w = 0; g < json_array_size(rows) || w < json_array_size(a->proposals);) {
		json_t *got = json_array_get(rows, g);
		json_int_t gid, wid;
		want = json_array_get(a->proposals, w);
		gid = got ? json_integer_value(json_object_get(got, "id")) : 0;
		wid = want ? json_integer_value(json_object_get(want, "id")) : 0;
		if (got && want && gid == wid && json_equal(got, want)) {
			g++;
			w++;
			continue;
		}
		if (got && (!want || gid <= wid))
			rc = c2c_err_set(err, C2C_ECONFLICT, "stored proposal %lld is not what the journal records",
					 (long long)gid);
		else
			rc = c2c_err_set(err, C2C_ECONFLICT, "the journal records proposal %lld, but registry_proposals does"
					 " not hold it", (long long)wid);
		break;
	}
	json_decref(rows);
	return rc;
}
