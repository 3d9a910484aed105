/*
 * registry.h - the JCM credit registry: one registry per country in one
 * database, accounts, credits held as serial blocks, and the operations
 * issue, allocate, transfer, cancel, retire and authorize, each one
 * transaction that is appended to a hash-chained journal.
 *
 * Credits are whole tonnes (int64).  No floating point anywhere in here:
 * allocation shares are hundredths of a percent.  docs/registry.md holds the
 * serial-number format and the invariants `registry_verify` proves.
 */
#ifndef C2C_REGISTRY_REGISTRY_H
#define C2C_REGISTRY_REGISTRY_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

/* Schema (store migrations for module "registry"). */
int registry_migrate(struct store *st, struct c2c_err *err);

/* --- pure helpers (serial.c) --------------------------------------------- */

/* A JCM project reference: two upper-case letters (the host country) and
 * three or more digits, e.g. "KH003". */
int registry_jcm_ref_ok(const char *project);
/* A project the registry issues for: a JCM reference, or an MRV project
 * linked to the atlas, named by the atlas project id (lower-case letters,
 * digits and '-', at most 64). */
int registry_project_ok(const char *project);
/* "JCM-KH-003-2024-000001-001200" into buf for a JCM reference,
 * "JCM-VN-pj-da-nang-water-pumps-2024-000001-001200" for an atlas id. */
void registry_serial_range(char *buf, size_t len, const char *host, const char *project, int vintage,
			   int64_t first, int64_t last);
/* One credit's identifier, the range's form with one serial:
 * "JCM-KH-003-2024-000017" (the AEF's unique identifiers, aef.c). */
void registry_serial_one(char *buf, size_t len, const char *host, const char *project, int vintage, int64_t serial);
/* Parse a share like "35.5" or "50" (percent, up to two decimals) into
 * hundredths of a percent; -1 if malformed or outside 0..100. */
int registry_parse_share(const char *s);
/* Split `total` whole credits by `shares` (hundredths, summing to 10000) with
 * the largest-remainder method: parts[i] = floor(total*share/10000), then
 * the credits left over go one each to the largest remainders; ties go to
 * the larger share, then to the earlier entry.  The parts always sum to total. */
void registry_largest_remainder(int64_t total, const int *shares, size_t n, int64_t *parts);

/* --- operations (ops.c, accounts.c) --------------------------------------- */

struct registry_ctx {
	struct store *st;
	const char *user;   /* who does it, recorded in the journal */
	int64_t last_seq;   /* the journal entry the last operation appended (0: none) */
	/* When set, each entry appended replaces *entry_out (the caller's to
	 * free), as `registry journal` prints it: the HTTP routes' reply,
	 * without reading back what was just written (a round trip on
	 * PostgreSQL). */
	json_t **entry_out;
	/* The journal's last entry, read once per transaction (the chain's
	 * queue keeps other writers out until the commit): next_seq and the
	 * append share one read.  Valid while head_tx is store_tx_serial. */
	unsigned long head_tx;
	int64_t head_seq;
	char head_hash[65];
};

enum registry_account_kind {
	ACC_GOVERNMENT, ACC_ENTITY, ACC_PENDING, ACC_CANCELLATION, ACC_RETIREMENT,
};

int registry_account_open(struct registry_ctx *c, const char *id, const char *country,
			  const char *kind, const char *holder, struct c2c_err *err);
int registry_account_close(struct registry_ctx *c, const char *id, struct c2c_err *err);

/* The most credits one issuance may carry: far above any project's tonnes,
 * far below where serial arithmetic could overflow. */
#define REGISTRY_MAX_ISSUANCE 1000000000000000LL

/* The most credits the whole registry may ever issue (all issuances, all
 * countries): every balance, every sum over blocks, issuances or
 * adjustments stays at or below it, so no operation or proof can overflow
 * int64 (9.2e18).  An issuance that would pass it is refused. */
#define REGISTRY_MAX_TOTAL 1000000000000000000LL

/* An id the registry keeps for its own accounts (CC-PENDING,
 * CC-CANCELLATION, CC-RETIREMENT): no user opens one (serial.c). */
int registry_reserved_id(const char *id);

/* The longest issuance id: a project ref (at most 64 bytes), '-' and its
 * number. */
#define REGISTRY_ID_MAX 80

/* `may` (may be NULL) is asked, once the host country is known and before
 * anything is written, whether the caller may issue into the host country
 * `host` (the API's scope check); its refusal is returned as it is. */
typedef int (*registry_may_issue_fn)(void *arg, const char *host, struct c2c_err *err);

/* No credit without a verified report: an issuance comes from an approved
 * MRV report (report: mrv gives its project, period, verified ER and host
 * country, and a report is issued once), or, for a historical issuance
 * verified outside c2c, names that verification and its source (then the
 * project, period and quantity are given; the host is the MRV project's
 * when one is found under that id or JCM reference, else the country that
 * starts a JCM reference).  One of the two, never neither. */
struct registry_issue_req {
	const char *project;      /* the MRV project id, or a JCM reference "KH003" */
	const char *period_start; /* YYYY-MM-DD, the monitoring period */
	const char *period_end;
	int64_t quantity;         /* with a report: 0 = its whole ER */
	int64_t verified_er;      /* the ER in whole tCO2e; 0 = not given (a report gives its own) */
	int64_t report;           /* the approved MRV report; 0 = none */
	const char *external_verification; /* the verification report's reference */
	const char *source;                /* where that verification is published */
	registry_may_issue_fn may;
	void *may_arg;
};
/* Issues into the host registry's pending account.  *id gets the issuance id
 * (REGISTRY_ID_MAX bytes). */
int registry_issue(struct registry_ctx *c, const struct registry_issue_req *r, char *id,
		   size_t idlen, struct c2c_err *err);

/* The one step from an approved MRV report to an issuance (issue_report.c),
 * which the CLI and the API both call: registry_issue with the report,
 * carrying `*quantity` credits, or the report's whole ER when quantity is
 * NULL.  *id gets the issuance id, *issued (may be NULL) the credits. */
int registry_issue_from_report(struct registry_ctx *c, int64_t report, const int64_t *quantity,
			       registry_may_issue_fn may, void *arg, char *id, size_t idlen,
			       int64_t *issued, struct c2c_err *err);

struct registry_share {
	const char *account;
	int hundredths;
};
int registry_allocate(struct registry_ctx *c, const char *issuance, const struct registry_share *s,
		      size_t n, struct c2c_err *err);
/* An authorization as a record (authorization.c; Article 6.2): what the
 * Party authorized the issuance's mitigation outcomes for, whom, which
 * event it defines as their first transfer, when, under what reference. */
#define REGISTRY_MAX_ENTITIES 20
struct registry_authorization {
	const char *purpose;          /* "ndc", "oimp" or "ndc+oimp" */
	const char *const *entities;  /* the authorized entities (may be none) */
	size_t nentities;
	const char *first_transfer;   /* "issuance", "transfer", "use" or "cancellation" */
	const char *on;               /* YYYY-MM-DD, not after today */
	const char *ref;              /* the Party's letter or decision */
};
/* 0, or C2C_EINPUT naming the field (purpose, first_transfer, on, ref,
 * authorized_entities). */
int registry_authorization_check(const struct registry_authorization *a, struct c2c_err *err);
/* As the journal records it: {purpose, authorized_entities, first_transfer, on, ref}. */
json_t *registry_authorization_json(const struct registry_authorization *a);
/* The record from a JSON object's members purpose, authorized_entities
 * (an array of names), first_transfer, on and ref (`registry apply`, the
 * API): *given 0 when none is there (the bare form).  `ents` holds
 * REGISTRY_MAX_ENTITIES pointers into `o`. */
int registry_authorization_from_json(json_t *o, struct registry_authorization *a, const char **ents,
				     int *given, struct c2c_err *err);
/* Into registry_authorizations (inside the authorize transaction). */
int registry_authorization_store(struct store *st, const char *issuance, int64_t seq, json_t *rec,
				 struct c2c_err *err);
/* Every stored authorization: {issuance: {seq, purpose, authorized_entities,
 * first_transfer, on, ref}} (verify compares it with the journal). */
int registry_authorizations_stored(struct store *st, json_t **out, struct c2c_err *err);

/* Authorizes the issuance for international transfer.  `a` NULL: the bare
 * authorization of before (no record); else the record, checked first,
 * journalled in the entry ("authorization") and stored. */
int registry_authorize(struct registry_ctx *c, const char *issuance, struct c2c_err *err);
int registry_authorize_as(struct registry_ctx *c, const char *issuance, const struct registry_authorization *a,
			  struct c2c_err *err);
int registry_transfer(struct registry_ctx *c, const char *from, const char *to, int64_t quantity,
		      struct c2c_err *err);
int registry_cancel(struct registry_ctx *c, const char *account, int64_t quantity,
		    struct c2c_err *err);
/* purpose: "ndc", "voluntary" or "other"; beneficiary required. */
int registry_retire(struct registry_ctx *c, const char *account, int64_t quantity,
		    const char *purpose, const char *beneficiary, struct c2c_err *err);

/* Many operations, one per line of JSON, in one transaction (apply.c). */
int registry_apply_stream(struct registry_ctx *c, FILE *fp, const char *name, size_t *ops,
			  struct c2c_err *err);
/* One operation given as a JSON object {"op": "...", ...} (apply.c). */
int registry_apply_one(struct registry_ctx *c, json_t *op, struct c2c_err *err);

/* --- four-eyes approval (approval.c; docs/registry.md, "Four-eyes") ------ */
/* A registry may require that transfers above a threshold, cancellations
 * and retirements proposed by one registrar are approved by another before
 * they happen.  Off unless set; the setting is journalled (op "four-eyes")
 * and stored in registry_four_eyes. */
#define REGISTRY_EXPIRY_DEFAULT (7 * 86400) /* a proposal's life when none is set: 7 days */
#define REGISTRY_EXPIRY_MAX (365 * 86400)
/* "7d", "12h", "30m", "45s" (a bare number: days) into seconds, 1 s to
 * 365 days; -1 when malformed or out of range. */
int64_t registry_parse_expiry(const char *text);
/* Sets `country`'s registry: required or not, the threshold (a transfer of
 * more than `threshold` credits needs approval; cancellations and
 * retirements always do) and how long a proposal lives. */
int registry_four_eyes_set(struct registry_ctx *c, const char *country, int required, int64_t threshold,
			   int64_t expiry_seconds, struct c2c_err *err);
/* Every registry's setting: [{country, required (bool), threshold,
 * expiry_seconds, seq}] by country. */
int registry_four_eyes_list(struct store *st, json_t **out, struct c2c_err *err);
/* Inside a transfer, cancellation or retirement (ops.c), before anything
 * moves: refused (C2C_EFORBIDDEN) when the registry of `country` requires
 * approval for it and it is not registry_approve carrying out an approved
 * proposal, whose id then goes into the entry's body. */
int registry_four_eyes_gate(struct registry_ctx *c, const char *op, const char *country, int64_t quantity,
			    json_t *body, struct c2c_err *err);

/* An operation proposed: "transfer" (from, to), "cancel" or "retire"
 * (from is the account; purpose and beneficiary for a retirement). */
struct registry_proposal_req {
	const char *operation;
	const char *from, *to;
	int64_t quantity;
	const char *purpose, *beneficiary;
};
/* Journals the proposal (op "propose"); nothing is reserved or moved.
 * *id gets its id (the seq of that entry). */
int registry_propose(struct registry_ctx *c, const struct registry_proposal_req *p, int64_t *id,
		     struct c2c_err *err);
/* Asked, before a decision is written, whether the acting user may decide
 * for the registry of `country` as its registrar (the CLI asks auth, the
 * API the session); its refusal is returned as it is. */
typedef int (*registry_may_decide_fn)(void *arg, const char *country, struct c2c_err *err);
/* Approves proposal `id` and carries it out in the same transaction: an
 * approve entry, then the operation's own entry naming the proposal.
 * Refused when it is not pending, has expired, or c->user proposed it.
 * When the operation fails (the credits moved meanwhile) nothing is
 * written and the proposal stays pending. */
int registry_approve(struct registry_ctx *c, int64_t id, registry_may_decide_fn may, void *arg,
		     struct c2c_err *err);
/* Rejects a pending proposal (its proposer may withdraw it without `may`). */
int registry_reject(struct registry_ctx *c, int64_t id, const char *reason, registry_may_decide_fn may,
		    void *arg, struct c2c_err *err);
/* Journals the expiry of every pending proposal past its time (op
 * "expire", one entry each); *n (may be NULL) gets how many. */
int registry_proposals_expire(struct registry_ctx *c, int64_t *n, struct c2c_err *err);
/* Proposals, newest first, of `country` (NULL: all) in `status` (NULL:
 * all): {id, country, operation, from, to, quantity, purpose, beneficiary,
 * proposed_by, proposed_at, expires_at, status, decided_seq, decided_by,
 * decided_at, executed_seq, reason, overdue}; overdue is a pending one past
 * its time whose expiry is not journalled yet. */
int registry_proposals(struct store *st, const char *country, const char *status, json_t **out,
		       struct c2c_err *err);

/* --- the Climate Action Data Trust's unit fields (cadt.c) ----------------- */
/* Every block (of `country`'s registry, NULL: all) as a CADT unit, with
 * c2c's own columns: {"model", "units": [...], "notes": [{field, note}]};
 * fields c2c does not hold are empty and named in notes. */
int registry_cadt(struct store *st, const char *country, json_t **out, struct c2c_err *err);

/* --- reading (report.c) ---------------------------------------------------- */
int registry_accounts(struct store *st, const char *country, json_t **out, struct c2c_err *err);
int registry_balance(struct store *st, const char *account, json_t **out, struct c2c_err *err);
int registry_blocks(struct store *st, const char *account, json_t **out, struct c2c_err *err);
int registry_journal(struct store *st, int64_t since, json_t **out, struct c2c_err *err);
/* An account's history (history.c): every movement in or out of it with
 * its journal entry, in journal order, one row per entry, direction and
 * counterpart: {seq, at, user, op, direction (in, out, or none for its
 * opening and closing), counterpart (the other account, null for an
 * issuance), quantity (signed: + in, - out), ranges: [{issuance, first,
 * last, serial, state}], serials (the ranges as one line), hash, and for a
 * retirement purpose and beneficiary}.  C2C_ENOTFOUND for no such account. */
int registry_history(struct store *st, const char *account, json_t **out, struct c2c_err *err);
/* The public retirement log (history.c): every retirement in journal
 * order, [{seq, at, country (the registry), account (the retiring one),
 * quantity, purpose, beneficiary, serials, ranges, hash}], of `country`'s
 * registry only when not NULL (C2C_EINPUT, field country, when it is no
 * country code). */
int registry_retirements(struct store *st, const char *country, json_t **out, struct c2c_err *err);
/* Adjustments of `country` (NULL: every country) for vintage `year` (0: all). */
int registry_ca_report(struct store *st, const char *country, int year, json_t **out,
		       struct c2c_err *err);
/* The owner's lookups, how other modules read the registry (docs/registry.md):
 * one account {id, country, kind, holder, status, balance}, one issuance
 * {id, project, host, period_start, period_end, vintage, quantity,
 * verified_er, authorized, allocated}; C2C_ENOTFOUND ("no registry account
 * 'X'", "no issuance 'X'") when there is none. */
int registry_account_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);
int registry_issuance_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);
/* The issuances of `project` (NULL: all), as registry_issuance_get gives each. */
int registry_issuances(struct store *st, const char *project, json_t **out, struct c2c_err *err);

/* The registry's side of a project's life (`projects show`): for the
 * registry project ref `project` (the MRV project id)
 * {"issuances": [{"id", "report" (int or null), "external_verification"
 *   (text or null), "source", "quantity", "vintage", "authorized" (bool),
 *   "period_start", "period_end"}] in issue order,
 *  "holdings": [{"account", "country", "state" (active, cancelled or
 *   retired), "quantity"}] by account and state,
 *  "ca": [{"country", "vintage", "quantity", "issuance"}] the corresponding
 *   adjustments summed per issuance, vintage and country}.
 * A project with nothing issued gives three empty arrays. */
int registry_project_life(struct store *st, const char *project, json_t **out, struct c2c_err *err);
/* The city's books for one JCM project (registry reference like "KH003"):
 * per vintage, in vintage order, [{vintage, issued, host_kept,
 * transferred_with_ca, retired_for_ndc: {"JP": n, ...}}].  host_kept is
 * what was not adjusted away (the host may count it toward its NDC);
 * transferred_with_ca what went abroad with a corresponding adjustment
 * (the host's '+' rows); retired_for_ndc what each country retired toward
 * its own NDC.  issued = host_kept + transferred_with_ca.  An empty array
 * when the project has no issuance; C2C_EINPUT (field "project") for a
 * malformed reference. */
int registry_project_split(struct store *st, const char *project, json_t **out, struct c2c_err *err);

/* A Party's annual information under Article 6.2 in the Agreed Electronic
 * Format (aef.c): {party, year, holdings_on, actions: [...], holdings:
 * [...], notes: [{field, note}]}, the actions of calendar year `year`
 * (UTC) and the ITMOs held in the Party's accounts on 31 December, from
 * the journal replayed; fields c2c does not hold are empty and named in
 * notes.  C2C_EINPUT (field party or year); the replay's C2C_ECONFLICT
 * when the journal does not verify. */
int registry_aef(struct store *st, const char *party, int year, json_t **out, struct c2c_err *err);

/* --- proof (verify.c) ------------------------------------------------------ */
struct registry_verify_report {
	int64_t entries;     /* journal entries checked */
	int64_t blocks;
	int64_t issued;      /* credits ever issued */
	int64_t held, cancelled, retired;
	int64_t broken_seq;  /* first journal entry found broken, 0 if none */
};
/* Recomputes the hash chain, replays every journalled movement and compares
 * the result with the stored blocks, and checks every invariant.  Returns 0,
 * or C2C_ECONFLICT with err naming the first thing that is wrong. */
int registry_verify(struct store *st, struct registry_verify_report *rep, struct c2c_err *err);
/* The same, telling `progress` how far it got (a terminal shows it): what
 * it is doing and `done` of `total` (0 when unknown) every 8192 journal
 * entries, and once with what NULL when it ends. */
typedef void (*registry_progress_fn)(void *ctx, const char *what, int64_t done, int64_t total);
int registry_verify_progress(struct store *st, struct registry_verify_report *rep, registry_progress_fn progress,
			     void *progress_ctx, struct c2c_err *err);
/* The journal's head: its last entry's seq and hash (0 and 64 zeros when
 * empty).  Kept outside the database, it is the truncation anchor. */
int registry_head(struct store *st, int64_t *seq, char hash[65], struct c2c_err *err);
/* "SEQ:HASH" as registry_head's caller prints it (a positive seq, 64
 * lower-case hex digits) into *seq and hash; 0, or -1 when malformed. */
int registry_parse_head(const char *text, int64_t *seq, char hash[65]);
/* After registry_verify: the journal reaches entry `seq` and that entry's
 * hash is `hash` (a head kept elsewhere), else C2C_ECONFLICT naming how. */
int registry_verify_head(struct store *st, int64_t seq, const char *hash, struct c2c_err *err);
/* The report as JSON ({ok, entries, blocks, issued, held, cancelled, retired,
 * broken_seq, message}); `rc` and `err` are what registry_verify returned. */
json_t *registry_verify_json(const struct registry_verify_report *rep, int rc,
			     const struct c2c_err *err);

/* --- the journal as a file (journal_file.c) ------------------------------- */
/* Every entry, one JSON object a line, in seq order: {seq, at, user, op,
 * body, prev_hash, hash}, body the canonical text its hash covers.
 * *entries gets how many. */
int registry_journal_export(struct store *st, FILE *out, int64_t *entries, struct c2c_err *err);
/* The proof from such a file alone, no database: the chain, the replay of
 * every movement and adjustment (verify.c's own), and, when head_seq > 0,
 * that the file reaches entry head_seq with hash head_hash.  rep gets the
 * entries and what they imply (issued, held, cancelled, retired, merged
 * ranges as blocks), *balances [{account, country, active, cancelled,
 * retired}].  An error names the file's line and the journal entry. */
int registry_verify_journal(FILE *fp, const char *name, int64_t head_seq, const char *head_hash,
			    struct registry_verify_report *rep, json_t **balances, struct c2c_err *err);

/* --- journal (journal.c), used by the operations --------------------------- */
/* An entry body's canonical text: sorted keys, compact, ASCII, so that
 * its hash is reproducible from the parsed body. */
#define REGISTRY_JOURNAL_JSON (JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII)
/* Append `body` (its "op" and arguments and effects) as the next entry. */
/* The seq of the journal's last entry (0: none), read once per
 * transaction (registry_ctx.head_tx). */
int registry_journal_head(struct registry_ctx *c, int64_t *seq, struct c2c_err *err);
int registry_journal_append(struct registry_ctx *c, const char *op, json_t *body, int64_t *seq,
			    struct c2c_err *err);
/* The same, `moves` (may be NULL) holding further members of the body's
 * "moves" array, already as canonical text separated by commas (what
 * move_credits writes for a transfer touching 10^5 ranges). */
struct strbuf;
int registry_journal_append_moves(struct registry_ctx *c, const char *op, json_t *body, const struct strbuf *moves,
				  int64_t *seq, struct c2c_err *err);
/* SHA-256 hex of prev_hash "\n" seq "\n" at "\n" user "\n" op "\n" body. */
void registry_entry_hash(const char *prev_hash, int64_t seq, const char *at, const char *user,
			 const char *op, const char *body, char out[65]);

#endif
