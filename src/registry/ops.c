/*
 * ops.c - the registry's operations.  Each one takes the write lock before
 * it reads anything (store_begin_serial on the journal), checks
 * everything, moves blocks, updates the balance cache and appends its
 * journal entry, all in one transaction: it happens whole or not at all.
 *
 * Moving credits takes the source account's blocks in serial order and
 * splits at most one, so its cost depends on the number of blocks touched,
 * never on the number of credits.
 */
#include "registry.h"
#include "core/date.h"
#include "core/iso3166.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "mrv/mrv.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An account holder's or a retirement beneficiary's name, in characters:
 * a cap that keeps a name a name, not a document. */
#define REGISTRY_NAME_MAX 300

struct account {
	char id[64];
	char country[3];
	char kind[16];
	int open;
	int64_t balance;
};

/* Every operation below runs inside one transaction that store_tx opens,
 * queued on the journal (store_begin_serial), and retries whole when
 * PostgreSQL's SERIALIZABLE aborts it after a race.  Inside a batch
 * (registry_apply_stream) the transaction is the batch's: store_tx runs the
 * operation in it, and a failure fails the batch whole. */
struct op_call {
	struct registry_ctx *c;
	int (*run)(struct op_call *o, struct c2c_err *err);
	const char *id, *country, *kind, *holder, *from, *to, *to_kind, *purpose, *beneficiary;
	const struct registry_issue_req *req;
	const struct registry_share *shares;
	const struct registry_authorization *auth;
	size_t nshares, idlen;
	char *out;
	int64_t quantity;
};

static int op_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct op_call *o = ctx;
	(void)st;
	return o->run(o, err);
}

static int op_run(struct op_call *o, struct c2c_err *err)
{
	return store_tx(o->c->st, "registry_journal", op_tx, o, err);
}

/* The seq the operation's journal entry will have (the head's read is
 * kept for the append: registry_journal_head); < 0 on error. */
static int64_t next_seq(struct registry_ctx *c, struct c2c_err *err)
{
	int64_t seq;
	int rc = registry_journal_head(c, &seq, err);
	return rc < 0 ? rc : seq + 1;
}

static int load_account(struct registry_ctx *c, const char *id, struct account *a,
			struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(c->st, "SELECT \"id\", \"country\", \"kind\", \"status\", \"balance\""
				      " FROM registry_accounts WHERE \"id\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, id);
	rc = store_step(s, err);
	if (rc == 1) {
		snprintf(a->id, sizeof(a->id), "%s", store_col_text(s, 0));
		snprintf(a->country, sizeof(a->country), "%s", store_col_text(s, 1));
		snprintf(a->kind, sizeof(a->kind), "%s", store_col_text(s, 2));
		a->open = !strcmp(store_col_text(s, 3), "open");
		a->balance = store_col_int(s, 4);
		rc = 0;
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "account '%s' does not exist", id);
	}
	store_finalize(s);
	return rc;
}

static int holding(const struct account *a)
{
	return !strcmp(a->kind, "government") || !strcmp(a->kind, "entity");
}

static int add_balance(struct registry_ctx *c, const char *id, int64_t delta, struct c2c_err *err)
{
	return store_exec_later(c->st, "UPDATE registry_accounts SET \"balance\" = \"balance\" + ? WHERE \"id\" = ?",
			       STORE_ARGS(store_int(delta), store_text(id)), err);
}

static int insert_account(struct registry_ctx *c, const char *id, const char *country,
			  const char *kind, const char *holder, int64_t seq, struct c2c_err *err)
{
	return store_exec_args(c->st, "INSERT INTO registry_accounts (\"id\", \"country\", \"kind\", \"holder\","
				      " \"status\", \"balance\", \"opened_seq\") VALUES (?, ?, ?, ?, 'open', 0, ?)",
			       STORE_ARGS(store_text(id), store_text(country), store_text(kind),
					  store_text(holder), store_int(seq)),
			       err);
}

/* The pending, cancellation and retirement accounts of a registry are made
 * by the registry itself, the first time one is needed: CC-PENDING etc. */
static int system_account(struct registry_ctx *c, const char *country, const char *kind,
			  int64_t seq, json_t *body, char *id, size_t idlen, struct c2c_err *err)
{
	struct account a;
	char upper[16];
	int rc;

	snprintf(upper, sizeof(upper), "%s", kind);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	snprintf(id, idlen, "%s-%s", country, upper);
	rc = load_account(c, id, &a, err);
	if (rc == 0 && strcmp(a.kind, kind)) /* never a user's account under the registry's name */
		return c2c_err_set(err, C2C_ECONFLICT, "account '%s' is a %s account, not the registry's own %s"
				   " account: the registry refuses to use it", id, a.kind, kind);
	if (rc != C2C_ENOTFOUND)
		return rc;
	c2c_err_clear(err);
	{
		char holder[96];
		snprintf(holder, sizeof(holder), "%s registry: %s", country, kind);
		if ((rc = insert_account(c, id, country, kind, holder, seq, err)))
			return rc;
	}
	json_array_append_new(json_object_get(body, "opened"), json_string(id));
	return 0;
}

struct block {
	int64_t id, first, last;
	char issuance[REGISTRY_ID_MAX], project[REGISTRY_ID_MAX];
	int ca_done, authorized, vintage;
	char host[3];
};

static int64_t next_block_id(struct registry_ctx *c, struct c2c_err *err)
{
	return store_query_int(c->st, "SELECT COALESCE(MAX(\"id\"), 0) + 1 FROM registry_blocks", err);
}

struct move_req {
	const struct account *from;
	const struct account *to;
	int64_t quantity;
	const char *issuance;     /* only blocks of this issuance, or NULL */
	const char *state;        /* state of the moved credits */
	const char *purpose, *beneficiary;
	int international;        /* a transfer between registries: unauthorized credits refused */
	int adjust;               /* a first transfer abroad records the adjustment (transfer, allocation) */
	const char *ndc_country;  /* retiring toward this country's NDC: only credits it may count */
	int64_t seq;
};

/* Which credits a country may count toward its NDC (docs/registry.md): the
 * host those it did not adjust away, any other country those first
 * transferred to it with an adjustment.  The condition on blocks b of
 * issuances i; it binds the country twice. */
#define NDC_USABLE "(i.\"host\" = ? AND b.\"ca_done\" = 0) OR (i.\"host\" <> ? AND b.\"ca_done\" = 1)"

/* Why an account cannot retire m->quantity credits toward its country's
 * NDC: the first of its active blocks the country may not count, named by
 * its serials and the reason. */
static int ndc_refusal(struct registry_ctx *c, const struct move_req *m, int64_t usable, struct c2c_err *err)
{
	const char *cc = m->ndc_country;
	json_t *b = NULL;
	char serial[160];
	int rc = store_row_json(c->st,
				"SELECT b.\"issuance_id\", i.\"project\", i.\"vintage\", i.\"host\", i.\"authorized\","
				" b.\"first_serial\", b.\"last_serial\""
				" FROM registry_blocks b JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
				" WHERE b.\"account_id\" = ? AND b.\"state\" = 'active' AND NOT (" NDC_USABLE ")"
				" ORDER BY b.\"issuance_id\", b.\"first_serial\"",
				STORE_ARGS(store_text(m->from->id), store_text(cc), store_text(cc)), NULL,
				"block", &b, err);
	const char *iss, *host;

	if (rc)
		return rc;
	iss = json_string_value(json_object_get(b, "issuance_id"));
	host = json_string_value(json_object_get(b, "host"));
	registry_serial_range(serial, sizeof(serial), host, json_string_value(json_object_get(b, "project")),
			      (int)json_integer_value(json_object_get(b, "vintage")),
			      json_integer_value(json_object_get(b, "first_serial")),
			      json_integer_value(json_object_get(b, "last_serial")));
	rc = c2c_err_at(err, C2C_ECONFLICT, "quantity",
		   "account '%s' holds %lld credit%s %s may count toward its NDC, cannot retire %lld for it:"
		   " block %s of issuance %s %s", m->from->id, (long long)usable, usable == 1 ? "" : "s", cc,
		   (long long)m->quantity, serial, iss,
		   !strcmp(host, cc) ? "went abroad with a corresponding adjustment (the host added it back),"
				       " so the host may no longer count it"
		   : !json_integer_value(json_object_get(b, "authorized"))
			   ? "is of an unauthorized issuance: without a corresponding adjustment by the host,"
			     " only the host may count it"
			   : "came without a corresponding adjustment, so only the host may count it");
	json_decref(b);
	return rc;
}

/* Read the blocks to take, in serial order, stopping once they cover qty. */
static int take_blocks(struct registry_ctx *c, const struct move_req *m, struct block **out,
		       size_t *n, struct c2c_err *err)
{
	struct store_stmt *s;
	int64_t have = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(c->st,
				"SELECT b.\"id\", b.\"first_serial\", b.\"last_serial\", b.\"issuance_id\", b.\"ca_done\","
				" i.\"authorized\", i.\"vintage\", i.\"host\", i.\"project\""
				" FROM registry_blocks b JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
				" WHERE b.\"account_id\" = ? AND b.\"state\" = 'active' AND (? IS NULL OR b.\"issuance_id\" = ?)"
				" AND (? IS NULL OR " NDC_USABLE ")"
				" ORDER BY b.\"issuance_id\", b.\"first_serial\"", &s, err)))
		return rc;
	store_bind_args(s, STORE_ARGS(store_text(m->from->id), store_text(m->issuance), store_text(m->issuance),
				      store_text(m->ndc_country), store_text(m->ndc_country),
				      store_text(m->ndc_country)));
	while (have < m->quantity && (rc = store_step(s, err)) == 1) {
		struct block *b;
		if (*n == cap) {
			struct block *nb = realloc(*out, (cap ? cap * 2 : 8) * sizeof(**out));
			if (!nb) {
				rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
				break;
			}
			*out = nb;
			cap = cap ? cap * 2 : 8;
		}
		b = &(*out)[(*n)++];
		b->id = store_col_int(s, 0);
		b->first = store_col_int(s, 1);
		b->last = store_col_int(s, 2);
		snprintf(b->issuance, sizeof(b->issuance), "%s", store_col_text(s, 3));
		b->ca_done = (int)store_col_int(s, 4);
		b->authorized = (int)store_col_int(s, 5);
		b->vintage = (int)store_col_int(s, 6);
		snprintf(b->host, sizeof(b->host), "%s", store_col_text(s, 7));
		snprintf(b->project, sizeof(b->project), "%s", store_col_text(s, 8));
		have += b->last - b->first + 1;
	}
	store_finalize(s);
	if (rc >= 0)
		rc = 0;
	if (!rc && have < m->quantity && m->ndc_country)
		rc = ndc_refusal(c, m, have, err);
	else if (!rc && have < m->quantity)
		rc = c2c_err_set(err, C2C_ECONFLICT, "account '%s' holds %lld%s credit%s, cannot move %lld",
				 m->from->id, (long long)have, m->issuance ? " such" : "", have == 1 ? "" : "s",
				 (long long)m->quantity);
	if (rc) { /* the caller gets no blocks on a refusal: nothing of them to free */
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int record_ca(struct registry_ctx *c, int64_t seq, const char *from_country, const char *to_country,
		     const struct block *b, int64_t first, int64_t last, json_t *cas, struct c2c_err *err)
{
	/* Paris Agreement Art. 6.2: at a credit's first international transfer
	 * the transferring country adds it back to its emissions (+) and the
	 * acquiring country subtracts it (-), for the credit's vintage year
	 * (Decision 2/CMA.3, annex, para 8). */
	static const char sql[] = "INSERT INTO registry_ca (\"seq\", \"country\", \"vintage\", \"quantity\","
				  " \"issuance_id\", \"first_serial\", \"last_serial\") VALUES (?, ?, ?, ?, ?, ?, ?)";
	const char *country[2] = {from_country, to_country};
	int64_t qty = last - first + 1;
	for (int k = 0; k < 2; k++) {
		int rc = store_exec_later(c->st, sql,
					 STORE_ARGS(store_int(seq), store_text(country[k]), store_int(b->vintage),
						    store_int(k == 0 ? qty : -qty), store_text(b->issuance),
						    store_int(first), store_int(last)),
					 err);
		if (rc)
			return rc;
		json_array_append_new(cas, json_pack("{s:s, s:i, s:I, s:s, s:I, s:I}", "country", country[k],
						     "vintage", b->vintage, "quantity", (json_int_t)(k == 0 ? qty : -qty),
						     "issuance", b->issuance, "first", (json_int_t)first, "last",
						     (json_int_t)last));
	}
	return 0;
}

/* A stored block as coalescing compares it: two blocks merge when they are
 * neighbours of one issuance with the same owner, state, adjustment,
 * purpose and beneficiary (NULL and "" are one: neither is ever stored
 * as "" by an operation). */
/* The longest beneficiary a retirement names, in bytes (REGISTRY_NAME_MAX
 * characters of up to 4 bytes each): a held block keeps it whole, so that
 * two beneficiaries alike in their first bytes never merge. */
#define BENEFICIARY_MAX (REGISTRY_NAME_MAX * 4)

struct held {
	int64_t id, first, last;
	char account[64], state[16], purpose[16], beneficiary[BENEFICIARY_MAX + 1];
	int ca;
};

#define HELD_COLS "SELECT \"id\", \"first_serial\", \"last_serial\", \"account_id\", \"state\", \"ca_done\"," \
		  " \"purpose\", \"beneficiary\" FROM registry_blocks"

/* One block by the query `sql` binding `iss` (may be NULL) and `n`; 1 when
 * found, 0 when not, or an error. */
static int held_get(struct registry_ctx *c, const char *sql, const char *iss, int64_t n, struct held *h,
		    struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = store_prepare(c->st, sql, &s, err)))
		return rc;
	if (iss) {
		store_bind_text(s, 1, iss);
		store_bind_int(s, 2, n);
	} else {
		store_bind_int(s, 1, n);
	}
	if ((rc = store_step(s, err)) == 1) {
		h->id = store_col_int(s, 0);
		h->first = store_col_int(s, 1);
		h->last = store_col_int(s, 2);
		snprintf(h->account, sizeof(h->account), "%s", store_col_text(s, 3));
		snprintf(h->state, sizeof(h->state), "%s", store_col_text(s, 4));
		h->ca = store_col_int(s, 5) != 0;
		snprintf(h->purpose, sizeof(h->purpose), "%s", store_col_text(s, 6));
		snprintf(h->beneficiary, sizeof(h->beneficiary), "%s", store_col_text(s, 7));
	}
	store_finalize(s);
	return rc;
}

static int held_same(const struct held *a, const struct held *b)
{
	return !strcmp(a->account, b->account) && !strcmp(a->state, b->state) && a->ca == b->ca &&
	       !strcmp(a->purpose, b->purpose) && !strcmp(a->beneficiary, b->beneficiary);
}

/* Blocks stay minimal: the block `id`, just written, absorbs its neighbours
 * of the same issuance that hold their credits the same way (owner, state,
 * adjustment, purpose, beneficiary), so however credits moved one range
 * is one block.  The journal still records every range moved; verify
 * compares ranges, not how they are cut.  Blocks of an issuance never
 * overlap, so the left neighbour is the one that starts last before it and
 * both are found on the (issuance, first) index.  `written` is the block as
 * its caller has just written it (so it is not read back), and it is
 * written again only when it absorbed a neighbour: a transfer touching 10^5
 * ranges runs three statements a range, not five. */
static int coalesce_block(struct registry_ctx *c, const char *issuance, const struct held *written,
			  struct c2c_err *err)
{
	struct held me = *written, nb;
	int rc, grew = 0;

	rc = held_get(c, HELD_COLS " WHERE \"issuance_id\" = ? AND \"first_serial\" < ? ORDER BY \"first_serial\" DESC LIMIT 1",
		      issuance, me.first, &nb, err);
	if (rc < 0)
		return rc;
	if (rc == 1 && nb.last + 1 == me.first && held_same(&me, &nb)) {
		if ((rc = store_exec_later(c->st, "DELETE FROM registry_blocks WHERE \"id\" = ?", STORE_ARGS(store_int(nb.id)), err)))
			return rc;
		me.first = nb.first;
		grew = 1;
	}
	rc = held_get(c, HELD_COLS " WHERE \"issuance_id\" = ? AND \"first_serial\" = ?", issuance, me.last + 1, &nb, err);
	if (rc < 0)
		return rc;
	if (rc == 1 && held_same(&me, &nb)) {
		if ((rc = store_exec_later(c->st, "DELETE FROM registry_blocks WHERE \"id\" = ?", STORE_ARGS(store_int(nb.id)), err)))
			return rc;
		me.last = nb.last;
		grew = 1;
	}
	if (!grew)
		return 0;
	return store_exec_later(c->st, "UPDATE registry_blocks SET \"first_serial\" = ?, \"last_serial\" = ? WHERE \"id\" = ?",
			       STORE_ARGS(store_int(me.first), store_int(me.last), store_int(me.id)), err);
}

/* The same for a block known by its id only (read back first; a block an
 * earlier merge absorbed is gone, and nothing is left to do). */
static int coalesce_block_id(struct registry_ctx *c, const char *issuance, int64_t id, struct c2c_err *err)
{
	struct held me;
	int rc = held_get(c, HELD_COLS " WHERE \"id\" = ?", NULL, id, &me, err);
	return rc == 1 ? coalesce_block(c, issuance, &me, err) : rc < 0 ? rc : 0;
}

/* Move credits [first, last] of block b, all of it (whole) or its lower
 * serials (the rest stays where it was), with adjustment flag `ca`, and
 * coalesce what was written with its neighbours. */
static int move_one(struct registry_ctx *c, const struct move_req *m, const struct block *b, int64_t first,
		    int64_t last, int whole, int ca, struct c2c_err *err)
{
	int64_t moved;
	int rc;
	if (whole) {
		moved = b->id;
		rc = store_exec_later(c->st, "UPDATE registry_blocks SET \"account_id\" = ?, \"state\" = ?,"
					    " \"purpose\" = ?, \"beneficiary\" = ?, \"ca_done\" = ? WHERE \"id\" = ?",
				     STORE_ARGS(store_text(m->to->id), store_text(m->state), store_text(m->purpose),
						store_text(m->beneficiary), store_int(ca), store_int(b->id)),
				     err);
	} else {
		int64_t id = next_block_id(c, err);
		moved = id;
		if (id < 0)
			return C2C_EIO;
		/* The split: the lower serials move, the rest stay where they are. */
		rc = store_exec_later(c->st, "UPDATE registry_blocks SET \"first_serial\" = ? WHERE \"id\" = ?",
				     STORE_ARGS(store_int(last + 1), store_int(b->id)), err);
		if (!rc)
			rc = store_exec_later(c->st, "INSERT INTO registry_blocks (\"id\", \"issuance_id\", \"first_serial\","
						    " \"last_serial\", \"account_id\", \"state\", \"ca_done\", \"purpose\", \"beneficiary\")"
						    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
					     STORE_ARGS(store_int(id), store_text(b->issuance), store_int(first),
							store_int(last), store_text(m->to->id), store_text(m->state),
							store_int(ca), store_text(m->purpose), store_text(m->beneficiary)),
					     err);
	}
	if (!rc) {
		/* the block as just written, normalised as held_get reads it
		 * back (a NULL column reads as "") */
		struct held w = {.id = moved, .first = first, .last = last, .ca = ca};
		snprintf(w.account, sizeof(w.account), "%s", m->to->id);
		snprintf(w.state, sizeof(w.state), "%s", m->state);
		snprintf(w.purpose, sizeof(w.purpose), "%s", m->purpose ? m->purpose : "");
		snprintf(w.beneficiary, sizeof(w.beneficiary), "%s", m->beneficiary ? m->beneficiary : "");
		rc = coalesce_block(c, b->issuance, &w, err);
	}
	return rc;
}

/* Ids a batched statement names at once: one prepared statement of this
 * many placeholders (a short batch repeats its last id). */
#define MOVE_BATCH 256

/* `head` (an UPDATE's SET or a DELETE, its own arguments `fixed`) for
 * the blocks `ids`, MOVE_BATCH a statement. */
static int exec_ids(struct registry_ctx *c, const char *head, const struct store_arg *fixed, size_t nfixed,
		    const int64_t *ids, size_t n, struct c2c_err *err)
{
	char sql[512 + 3 * MOVE_BATCH];
	struct store_arg args[8 + MOVE_BATCH];
	size_t len = (size_t)snprintf(sql, sizeof(sql), "%s WHERE \"id\" IN (?", head);
	int rc = 0;
	for (int k = 1; k < MOVE_BATCH; k++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ",?");
	snprintf(sql + len, sizeof(sql) - len, ")");
	if (nfixed) /* memcpy may not be given NULL, even for 0 bytes */
		memcpy(args, fixed, nfixed * sizeof(*args));
	for (size_t off = 0; off < n && !rc; off += MOVE_BATCH) {
		for (size_t k = 0; k < MOVE_BATCH; k++)
			args[nfixed + k] = store_int(ids[off + k < n ? off + k : n - 1]);
		rc = store_exec_later(c->st, sql, args, nfixed + MOVE_BATCH, err);
	}
	return rc;
}

/* A block the batch read between the first and the last it moves: where
 * it lies and whether it may merge with the moved credits. */
struct scanned {
	int64_t id, first, last;
	int moved;
	int cls; /* the moved credits' ca flag, or a neighbour's when it holds them
		  * the way they will be held (owner, state, purpose, beneficiary),
		  * else -1: never merges */
};

static int scanned_joins(const struct scanned *x, const struct scanned *y)
{
	return x->last + 1 == y->first && (x->moved || y->moved) && x->cls >= 0 && x->cls == y->cls;
}

/* k whole blocks b[] of one issuance, in serial order, move with flags
 * ca[]: what coalesce_block does block by block, done for all at once.
 * The blocks from the left neighbour of the first to the right neighbour
 * of the last are read in one statement; the merges are worked out in
 * memory; lone moved blocks change owner MOVE_BATCH a statement, and each
 * merged run keeps the id of its last moved block (as block-by-block
 * coalescing leaves it), its other blocks deleted MOVE_BATCH a statement.
 * A transfer touching 10^5 ranges runs about 10^3 statements, not 3 x
 * 10^5.  Returns 1, having written nothing, when the serials between are
 * held in many more blocks than it moves (reading them would cost more
 * than the block-by-block way). */
static int move_whole_blocks(struct registry_ctx *c, const struct move_req *m, const struct block *b, const int *ca,
			     size_t k, struct c2c_err *err)
{
	size_t cap = 4 * k + 64, nv = 0, j = 0, nupd[2] = {0, 0}, ndel = 0, scanned = 0;
	struct scanned *v = malloc((cap + 1) * sizeof(*v));
	int64_t *upd[2] = {malloc(k * sizeof(int64_t)), malloc(k * sizeof(int64_t))};
	int64_t *del = malloc((cap + 1) * sizeof(int64_t));
	struct held like = {0}, h;
	struct store_stmt *s = NULL;
	int rc;

	if (!v || !upd[0] || !upd[1] || !del) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	snprintf(like.account, sizeof(like.account), "%s", m->to->id);
	snprintf(like.state, sizeof(like.state), "%s", m->state);
	snprintf(like.purpose, sizeof(like.purpose), "%s", m->purpose ? m->purpose : "");
	snprintf(like.beneficiary, sizeof(like.beneficiary), "%s", m->beneficiary ? m->beneficiary : "");
	rc = held_get(c, HELD_COLS " WHERE \"issuance_id\" = ? AND \"first_serial\" < ? ORDER BY \"first_serial\" DESC LIMIT 1",
		      b[0].issuance, b[0].first, &h, err);
	if (rc < 0)
		goto out;
	if (rc == 1 && h.last + 1 == b[0].first) {
		like.ca = h.ca;
		v[nv++] = (struct scanned){h.id, h.first, h.last, 0, held_same(&h, &like) ? h.ca : -1};
	}
	if ((rc = store_prepare(c->st, HELD_COLS " WHERE \"issuance_id\" = ? AND \"first_serial\" >= ?"
					 " AND \"first_serial\" <= ? ORDER BY \"first_serial\" LIMIT ?", &s, err)))
		goto out;
	store_bind_args(s, STORE_ARGS(store_text(b[0].issuance), store_int(b[0].first), store_int(b[k - 1].last + 1),
				      store_int((long long)cap)));
	while ((rc = store_step(s, err)) == 1) {
		struct scanned x = {.id = store_col_int(s, 0), .first = store_col_int(s, 1), .last = store_col_int(s, 2)};
		if (j < k && x.id == b[j].id) {
			x.moved = 1;
			x.cls = ca[j++];
		} else {
			snprintf(h.account, sizeof(h.account), "%s", store_col_text(s, 3));
			snprintf(h.state, sizeof(h.state), "%s", store_col_text(s, 4));
			like.ca = h.ca = store_col_int(s, 5) != 0;
			snprintf(h.purpose, sizeof(h.purpose), "%s", store_col_text(s, 6));
			snprintf(h.beneficiary, sizeof(h.beneficiary), "%s", store_col_text(s, 7));
			x.cls = held_same(&h, &like) ? h.ca : -1;
		}
		v[nv++] = x;
		scanned++;
	}
	store_finalize(s);
	if (rc < 0)
		goto out;
	if (scanned == cap || j < k) { /* too many blocks between: block by block */
		rc = 1;
		goto out;
	}
	for (size_t i = 0, g; i < nv; i = g + 1) {
		size_t keep = i;
		for (g = i; g + 1 < nv && scanned_joins(&v[g], &v[g + 1]); g++)
			;
		if (g == i) {
			if (v[i].moved)
				upd[v[i].cls][nupd[v[i].cls]++] = v[i].id;
			continue;
		}
		for (size_t x = i; x <= g; x++)
			if (v[x].moved)
				keep = x;
		for (size_t x = i; x <= g; x++)
			if (x != keep)
				del[ndel++] = v[x].id;
		if ((rc = store_exec_later(c->st, "UPDATE registry_blocks SET \"first_serial\" = ?, \"last_serial\" = ?,"
						 " \"account_id\" = ?, \"state\" = ?, \"purpose\" = ?, \"beneficiary\" = ?,"
						 " \"ca_done\" = ? WHERE \"id\" = ?",
					  STORE_ARGS(store_int(v[i].first), store_int(v[g].last), store_text(m->to->id),
						     store_text(m->state), store_text(m->purpose),
						     store_text(m->beneficiary), store_int(v[keep].cls), store_int(v[keep].id)),
					  err)))
			goto out;
	}
	if (ndel && (rc = exec_ids(c, "DELETE FROM registry_blocks", NULL, 0, del, ndel, err)))
		goto out;
	for (int f = 0; f < 2; f++)
		if (nupd[f] &&
		    (rc = exec_ids(c, "UPDATE registry_blocks SET \"account_id\" = ?, \"state\" = ?, \"purpose\" = ?,"
				      " \"beneficiary\" = ?, \"ca_done\" = ?",
				   STORE_ARGS(store_text(m->to->id), store_text(m->state), store_text(m->purpose),
					      store_text(m->beneficiary), store_int(f)),
				   upd[f], nupd[f], err)))
			goto out;
	rc = 0;
out:
	free(v);
	free(upd[0]);
	free(upd[1]);
	free(del);
	return rc;
}

/* The whole blocks b[0..k) (one issuance, serial order): at once when
 * they are many, else (or when move_whole_blocks declines) one by one. */
static int move_whole_run(struct registry_ctx *c, const struct move_req *m, const struct block *b, const int *ca,
			  size_t k, struct c2c_err *err)
{
	int rc = k >= 8 ? move_whole_blocks(c, m, b, ca, k, err) : 1;
	if (rc != 1)
		return rc;
	for (size_t i = 0; i < k; i++)
		if ((rc = move_one(c, m, &b[i], b[i].first, b[i].last, 1, ca[i], err)))
			return rc;
	return 0;
}

/* `s` as a canonical JSON string (quoted, escaped), malloc'd; NULL out of
 * memory or when not UTF-8. */
static char *json_text(const char *s)
{
	json_t *j = json_string(s);
	char *t = j ? json_dumps(j, REGISTRY_JOURNAL_JSON | JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	return t;
}

/* v in decimal as JSON writes it, into out; its length. */
static size_t i64_text(char out[24], int64_t v)
{
	char t[24];
	size_t n = 0, k = 0;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = t[--n];
	return k;
}

/* One move's canonical text, keys sorted, after a comma unless first
 * (not strbuf_addf: a tenth of a transfer touching 10^5 ranges). */
static int move_text(struct strbuf *sb, int64_t first, int64_t last, const char *from_t, const char *iss_t,
		     const char *state_t, const char *to_t)
{
	char a[24], b[24];
	size_t na = i64_text(a, first), nb = i64_text(b, last);
	return (sb->len && strbuf_addch(sb, ',')) || strbuf_addstr(sb, "{\"first\":") || strbuf_add(sb, a, na) ||
	       strbuf_addstr(sb, ",\"from\":") || strbuf_addstr(sb, from_t) || strbuf_addstr(sb, ",\"issuance\":") ||
	       strbuf_addstr(sb, iss_t) || strbuf_addstr(sb, ",\"last\":") || strbuf_add(sb, b, nb) ||
	       strbuf_addstr(sb, ",\"state\":") || strbuf_addstr(sb, state_t) || strbuf_addstr(sb, ",\"to\":") ||
	       strbuf_addstr(sb, to_t) || strbuf_addch(sb, '}');
}

/* Move m->quantity credits; every range moved is appended to `moves` as
 * the canonical text of {first, from, issuance, last, state, to} - what
 * verify replays (registry_journal_append_moves puts it in the body's
 * "moves"; written as text, not built as JSON values: 10^5 ranges). */
static int move_credits(struct registry_ctx *c, const struct move_req *m, json_t *body, struct strbuf *moves,
			struct c2c_err *err)
{
	struct block *bl;
	size_t n, run = 0, i;
	int64_t left = m->quantity;
	json_t *cas = json_object_get(body, "adjustments");
	int *ca = NULL;
	char *iss_t = NULL, *from_t, *to_t, *state_t;
	const char *iss_of = NULL; /* the issuance iss_t spells */
	int rc;

	if ((rc = take_blocks(c, m, &bl, &n, err)))
		return rc;
	from_t = json_text(m->from->id);
	to_t = json_text(m->to->id);
	state_t = json_text(m->state);
	if (!(ca = malloc((n ? n : 1) * sizeof(*ca))) || !from_t || !to_t || !state_t)
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
	for (i = 0; i < n && left > 0 && !rc; i++) {
		struct block *b = &bl[i];
		int64_t size = b->last - b->first + 1, take = size <= left ? size : left;
		int64_t first = b->first, last = b->first + take - 1;

		ca[i] = b->ca_done;
		if (m->international && !b->authorized) {
			rc = c2c_err_set(err, C2C_ECONFLICT,
					 "credits of issuance %s are not authorized for international transfer",
					 b->issuance);
			c2c_err_hint(err, "c2c registry authorize %s", b->issuance);
			break;
		}
		if (m->adjust && b->authorized && !b->ca_done) {
			if ((rc = record_ca(c, m->seq, m->from->country, m->to->country, b, first, last, cas, err)))
				break;
			ca[i] = 1;
		}
		/* whole blocks of one issuance move together; a run ends at
		 * another issuance or at the one block moved in part (the last) */
		if (i > run && strcmp(bl[run].issuance, b->issuance)) {
			if ((rc = move_whole_run(c, m, &bl[run], &ca[run], i - run, err)))
				break;
			run = i;
		}
		if (take < size) {
			if ((rc = move_whole_run(c, m, &bl[run], &ca[run], i - run, err)) ||
			    (rc = move_one(c, m, b, first, last, 0, ca[i], err)))
				break;
			run = i + 1;
		}
		if (!iss_of || strcmp(iss_of, b->issuance)) {
			free(iss_t);
			iss_of = b->issuance;
			if (!(iss_t = json_text(b->issuance))) {
				rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
				break;
			}
		}
		if (move_text(moves, first, last, from_t, iss_t, state_t, to_t)) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			break;
		}
		left -= take;
	}
	free(iss_t);
	free(from_t);
	free(to_t);
	free(state_t);
	if (!rc && i > run)
		rc = move_whole_run(c, m, &bl[run], &ca[run], i - run, err);
	free(bl);
	free(ca);
	if (rc)
		return rc;
	if ((rc = add_balance(c, m->from->id, -m->quantity, err)) ||
	    (rc = add_balance(c, m->to->id, m->quantity, err)))
		return rc;
	return 0;
}

static json_t *op_body(const char *op)
{
	return json_pack("{s:s, s:[], s:[], s:[]}", "op", op, "moves", "adjustments", "opened");
}

/* Journals an operation whose body names one thing (the closed account,
 * the authorized issuance). */
static int journal_one(struct registry_ctx *c, const char *op, const char *key, const char *value,
		       struct c2c_err *err)
{
	json_t *body = op_body(op);
	int rc;
	json_object_set_new(body, key, json_string(value));
	rc = registry_journal_append(c, op, body, NULL, err);
	json_decref(body);
	return rc;
}

/* ---------------------------------------------------------------- accounts */

static int account_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n < 3 || n > 40)
		return 0;
	for (const char *p = id; *p; p++)
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return 0;
	return 1;
}

static int account_open_once(struct registry_ctx *c, const char *id, const char *country,
			  const char *kind, const char *holder, struct c2c_err *err)
{
	struct account a;
	json_t *body;
	int64_t seq;
	int rc;

	if (!account_id_ok(id))
		return c2c_err_at(err, C2C_EINPUT, "id",
				  "account id '%s': use 3 to 40 of A-Z, 0-9 and '-'", id);
	if (!iso3166_is_code(country))
		return c2c_err_at(err, C2C_EINPUT, "country",
				  "country '%s' is not an ISO 3166-1 alpha-2 code", country);
	if (registry_reserved_id(id))
		return c2c_err_at(err, C2C_EINPUT, "id",
				  "account id '%s' is reserved: ids ending in -PENDING, -CANCELLATION or -RETIREMENT"
				  " are the registry's own accounts", id);
	if (strcmp(kind, "government") && strcmp(kind, "entity"))
		return c2c_err_at(err, C2C_EINPUT, "kind",
				  "account kind '%s': use government or entity (pending,"
						    " cancellation and retirement accounts are the registry's own)", kind);
	if (!holder || !*holder)
		return c2c_err_at(err, C2C_EINPUT, "holder", "an account needs a holder name");
	if ((rc = utf8_text_field(holder, REGISTRY_NAME_MAX, 0, "holder", "the holder name", err)))
		return rc;
	rc = load_account(c, id, &a, err);
	if (rc == 0) {
		rc = c2c_err_at(err, C2C_ECONFLICT, "id", "account '%s' exists already", id);
		return rc;
	}
	if (rc != C2C_ENOTFOUND)
		return rc;
	c2c_err_clear(err);
	seq = next_seq(c, err);
	body = op_body("open");
	json_object_set_new(body, "account", json_pack("{s:s, s:s, s:s, s:s}", "id", id, "country", country,
						       "kind", kind, "holder", holder));
	if (!(rc = insert_account(c, id, country, kind, holder, seq, err)))
		rc = registry_journal_append(c, "open", body, NULL, err);
	json_decref(body);
	return rc;
}

static int account_close_once(struct registry_ctx *c, const char *id, struct c2c_err *err)
{
	struct account a;
	int64_t seq;
	int rc;

	if ((rc = load_account(c, id, &a, err)))
		return rc;
	if (!holding(&a))
		return c2c_err_set(err, C2C_ECONFLICT, "account '%s' is the registry's own %s account"
								 " and cannot be closed", id, a.kind);
	if (!a.open)
		return c2c_err_set(err, C2C_ECONFLICT, "account '%s' is closed already", id);
	if (a.balance)
		return (c2c_err_set(err, C2C_ECONFLICT, "account '%s' still holds %lld credits;"
								 " only an empty account can be closed", id,
					     (long long)a.balance));
	seq = next_seq(c, err);
	if ((rc = store_exec_args(c->st, "UPDATE registry_accounts SET \"status\" = 'closed', \"closed_seq\" = ?"
					 " WHERE \"id\" = ?", STORE_ARGS(store_int(seq), store_text(id)), err)))
		return rc;
	return journal_one(c, "close", "account", id, err);
}

/* ------------------------------------------------------------------ issue */

static int check_period(const char *start, const char *end, struct c2c_err *err)
{
	char why[96];
	if (!start || strlen(start) != 10 || date_check(start, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, "period_start",
				  "period start '%s' is not a date YYYY-MM-DD",
				  start ? start : "");
	if (!end || strlen(end) != 10 || date_check(end, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, "period_end",
				  "period end '%s' is not a date YYYY-MM-DD", end ? end : "");
	if (strcmp(start, end) > 0)
		return c2c_err_at(err, C2C_EINPUT, "period_end",
				  "the period starts (%s) after it ends (%s)", start,
				  end);
	return 0;
}

/* The longest external verification reference or source kept. */
#define ISSUE_TEXT_MAX 500

/* What the issuance comes from, settled before anything is written: an
 * approved report gives project, period, verified ER and host (mrv says,
 * never its tables) and is issued once; an external verification needs its
 * source, and the project's host is the MRV project's or its JCM
 * reference's.  q is the caller's request, completed here. */
static int issue_basis(struct registry_ctx *c, struct registry_issue_req *q, struct mrv_issuable *rep,
		       char *host, struct c2c_err *err)
{
	const char *ev = q->external_verification;
	int rc;

	if (q->report > 0 && ev)
		return c2c_err_at(err, C2C_EUSAGE, "external_verification", "give a report or an external "
				  "verification, not both: an issuance comes from one of them");
	if (q->report <= 0 && !ev)
		return c2c_err_at(err, C2C_EUSAGE, "report", "no credit without a verified report: issue from an "
				  "approved MRV report (--report N), or name the verification made outside c2c "
				  "(--external-verification TEXT --source TEXT)");
	if (q->report > 0) {
		json_t *first = NULL;
		if (q->project || q->period_start || q->period_end || q->verified_er)
			return c2c_err_at(err, C2C_EUSAGE, "report", "a report gives the project, period and "
					  "verified ER; do not give them too");
		if ((rc = mrv_report_issuable(c->st, q->report, rep, err)))
			return rc;
		rc = store_row_json(c->st, "SELECT \"id\" FROM registry_issuances WHERE \"report_id\" = ?",
				    STORE_ARGS(store_int(q->report)), NULL, "issuance", &first, err);
		if (rc == 0) {
			rc = c2c_err_at(err, C2C_ECONFLICT, "report", "report %lld was issued already as issuance %s: "
					"a report is issued once", (long long)q->report,
					json_string_value(json_object_get(first, "id")));
			json_decref(first);
			return rc;
		}
		if (rc != C2C_ENOTFOUND)
			return rc;
		c2c_err_clear(err);
		q->project = rep->project;
		q->period_start = rep->from;
		q->period_end = rep->to;
		q->verified_er = rep->er_tco2e;
		if (q->quantity == 0)
			q->quantity = rep->er_tco2e;
		snprintf(host, 3, "%s", rep->host);
		return 0;
	}
	if (!*ev || strlen(ev) > ISSUE_TEXT_MAX)
		return c2c_err_at(err, C2C_EINPUT, "external_verification", "the external verification is 1 to %d "
				  "characters: the verification report's reference", ISSUE_TEXT_MAX);
	if (!q->source || !*q->source || strlen(q->source) > ISSUE_TEXT_MAX)
		return c2c_err_at(err, C2C_EUSAGE, "source", "an external verification needs its --source (1 to %d "
				  "characters): where the verification report is published", ISSUE_TEXT_MAX);
	if (utf8_text_field(ev, ISSUE_TEXT_MAX, 0, "external_verification", "the external verification", err) ||
	    utf8_text_field(q->source, ISSUE_TEXT_MAX, 0, "source", "the source", err))
		return C2C_EINPUT;
	if (!q->project || !registry_project_ok(q->project))
		return c2c_err_at(err, C2C_EINPUT, "project", "project '%s' is not a JCM project reference like "
				  "KH003 or an atlas project id", q->project ? q->project : "");
	rc = mrv_project_find(c->st, q->project, rep->project, host, err);
	if (rc == 0) { /* the MRV project's id, whichever way it was named */
		q->project = rep->project;
		return 0;
	}
	if (rc != C2C_ENOTFOUND)
		return rc;
	c2c_err_clear(err);
	if (!registry_jcm_ref_ok(q->project))
		return c2c_err_at(err, C2C_ENOTFOUND, "project", "project '%s' is no MRV project (c2c mrv project "
				  "add) and not a JCM reference like KH003 whose letters name the host", q->project);
	snprintf(host, 3, "%.2s", q->project);
	if (!iso3166_is_code(host))
		return c2c_err_at(err, C2C_EINPUT, "project", "project '%s': '%s' is not a country code", q->project,
				  host);
	return 0;
}

static int issue_once(struct registry_ctx *c, const struct registry_issue_req *r, char *id,
		   size_t idlen, struct c2c_err *err)
{
	struct registry_issue_req q = *r;
	struct mrv_issuable rep;
	struct store_stmt *s;
	char host[3], pending[64];
	struct account pend;
	int64_t seq, first, count;
	int rc, vintage;
	json_t *body;

	if ((rc = issue_basis(c, &q, &rep, host, err)) || (rc = check_period(q.period_start, q.period_end, err)))
		return rc;
	if (q.quantity <= 0 || q.quantity > REGISTRY_MAX_ISSUANCE)
		return c2c_err_at(err, C2C_EINPUT, "quantity",
				  "quantity must be a whole number of credits from 1 to %lld",
				   (long long)REGISTRY_MAX_ISSUANCE);
	if (q.verified_er > 0 && q.quantity > q.verified_er)
		return c2c_err_at(err, C2C_ECONFLICT, "quantity",
				  "cannot issue %lld credits: the verified emission reductions"
						       " for the period are %lld tCO2e", (long long)q.quantity,
				   (long long)q.verified_er);
	if (q.may && (rc = q.may(q.may_arg, host, err)))
		return rc;
	/* A monitoring period is issued once: no overlap with an earlier one. */
	if ((rc = store_prepare(c->st, "SELECT \"id\", \"period_start\", \"period_end\" FROM registry_issuances"
				      " WHERE \"project\" = ? AND \"period_start\" <= ? AND \"period_end\" >= ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, q.project);
	store_bind_text(s, 2, q.period_end);
	store_bind_text(s, 3, q.period_start);
	if ((rc = store_step(s, err)) == 1)
		rc = c2c_err_set(err, C2C_ECONFLICT, "project %s: the period %s..%s overlaps issuance %s (%s..%s);"
						     " a period is issued once", q.project, q.period_start,
				 q.period_end, store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2));
	store_finalize(s);
	if (rc)
		return rc;
	/* The registry's stated maximum: every credit ever issued, so every
	 * balance and every sum verify makes, stays below it and far from
	 * int64's end.  Checked before anything is written. */
	{
		long long total = store_query_int(c->st, "SELECT COALESCE(SUM(\"quantity\"), 0) FROM registry_issuances", err);
		if (total < 0)
			return (int)total;
		if (q.quantity > REGISTRY_MAX_TOTAL - total)
			return c2c_err_at(err, C2C_ECONFLICT, "quantity",
					  "cannot issue %lld credits: the registry holds %lld issued credits and its"
					  " maximum is %lld", (long long)q.quantity, total, (long long)REGISTRY_MAX_TOTAL);
	}
	seq = next_seq(c, err);
	if ((rc = store_prepare(c->st, "SELECT COALESCE(MAX(\"last_serial\"), 0) + 1, COUNT(*) FROM registry_issuances"
				      " WHERE \"project\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, q.project);
	rc = store_step(s, err);
	first = store_col_int(s, 0);
	count = store_col_int(s, 1);
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (first > INT64_MAX - q.quantity) /* serials of one project never wrap */
		return c2c_err_set(err, C2C_ECONFLICT, "project %s has run out of serial numbers",
					     q.project);
	snprintf(id, idlen, "%s-%02lld", q.project, (long long)count + 1);
	vintage = (int)strtol(q.period_end, NULL, 10);
	body = op_body("issue");
	if ((rc = system_account(c, host, "pending", seq, body, pending, sizeof(pending), err)) ||
	    (rc = load_account(c, pending, &pend, err)))
		goto out;
	if ((rc = store_exec_args(c->st, "INSERT INTO registry_issuances (\"id\", \"project\", \"host\", \"period_start\","
					 " \"period_end\", \"vintage\", \"quantity\", \"first_serial\", \"last_serial\","
					 " \"verified_er\", \"authorized\", \"allocated\", \"issued_seq\", \"report_id\","
					 " \"external_verification\", \"source\")"
					 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)",
				  STORE_ARGS(store_text(id), store_text(q.project), store_text(host),
					     store_text(q.period_start), store_text(q.period_end), store_int(vintage),
					     store_int(q.quantity), store_int(first),
					     store_int(first + q.quantity - 1),
					     q.verified_er > 0 ? store_int(q.verified_er) : store_null(),
					     store_int(seq), q.report > 0 ? store_int(q.report) : store_null(),
					     store_text(q.external_verification), store_text(q.source)),
				  err)))
		goto out;
	if ((rc = store_exec_later(c->st, "INSERT INTO registry_blocks (\"id\", \"issuance_id\", \"first_serial\","
					 " \"last_serial\", \"account_id\", \"state\", \"ca_done\") VALUES (?, ?, ?, ?, ?, 'active', 0)",
				  STORE_ARGS(store_int(next_block_id(c, err)), store_text(id), store_int(first),
					     store_int(first + q.quantity - 1), store_text(pending)),
				  err)) ||
	    (rc = add_balance(c, pending, q.quantity, err)))
		goto out;
	/* what the issuance came from is journalled with it, so verify can
	 * prove the stored issuance names the same report or verification */
	json_object_set_new(body, "issuance", json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:I, s:o, s:o, s:o}",
							"id", id, "project", q.project, "host", host,
							"period_start", q.period_start, "period_end", q.period_end,
							"vintage", vintage, "quantity", (json_int_t)q.quantity,
							"first", (json_int_t)first, "verified_er", (json_int_t)q.verified_er,
							"report", q.report > 0 ? json_integer(q.report) : json_null(),
							"external_verification", q.external_verification ?
							json_string(q.external_verification) : json_null(),
							"source", q.source ? json_string(q.source) : json_null()));
	json_array_append_new(json_object_get(body, "moves"),
			      json_pack("{s:s, s:I, s:I, s:n, s:s, s:s}", "issuance", id, "first", (json_int_t)first,
					"last", (json_int_t)(first + q.quantity - 1), "from", "to", pending,
					"state", "active"));
	rc = registry_journal_append(c, "issue", body, NULL, err);
out:
	json_decref(body);
	return rc;
}

/* --------------------------------------------------------------- allocate */

static int allocate_once(struct registry_ctx *c, const char *issuance, const struct registry_share *sh,
		      size_t n, struct c2c_err *err)
{
	struct store_stmt *s;
	struct account *acc = NULL, pend;
	int *hund = NULL;
	int64_t *parts = NULL, quantity = 0, seq;
	char host[3] = "", pending[64];
	int total = 0, allocated = 0, rc;
	json_t *body = NULL;
	struct strbuf moves;

	strbuf_init(&moves, SIZE_MAX / 4);
	if (n == 0)
		return c2c_err_at(err, C2C_EINPUT, "shares",
				  "allocate: give at least one ACCOUNT=PERCENT share");
	if ((rc = store_prepare(c->st, "SELECT \"quantity\", \"host\", \"allocated\" FROM registry_issuances WHERE \"id\" = ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, issuance);
	if ((rc = store_step(s, err)) == 1) {
		quantity = store_col_int(s, 0);
		snprintf(host, sizeof(host), "%s", store_col_text(s, 1));
		allocated = (int)store_col_int(s, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "issuance '%s' does not exist", issuance);
	}
	store_finalize(s);
	if (!rc && allocated)
		rc = c2c_err_set(err, C2C_ECONFLICT, "issuance '%s' is allocated already", issuance);
	acc = calloc(n, sizeof(*acc));
	hund = calloc(n, sizeof(*hund));
	parts = calloc(n, sizeof(*parts));
	if (!rc && (!acc || !hund || !parts))
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		if ((rc = load_account(c, sh[i].account, &acc[i], err)))
			break;
		if (!holding(&acc[i]) || !acc[i].open)
			rc = c2c_err_set(err, C2C_ECONFLICT, "account '%s' is %s; credits are allocated to open"
							     " government or entity accounts", acc[i].id,
					 acc[i].open ? "not a holding account" : "closed");
		else if (strcmp(acc[i].country, host) && strcmp(acc[i].country, "JP"))
			rc = c2c_err_set(err, C2C_ECONFLICT, "account '%s' is in the %s registry; a JCM allocation"
							     " goes to the host (%s) or Japan (JP)", acc[i].id,
					 acc[i].country, host);
		for (size_t k = 0; k < i && !rc; k++)
			if (!strcmp(sh[k].account, sh[i].account))
				rc = c2c_err_at(err, C2C_EINPUT, "shares",
						  "account '%s' appears twice in the shares", sh[i].account);
		if (!rc && (sh[i].hundredths <= 0 || sh[i].hundredths > 10000))
			rc = c2c_err_at(err, C2C_EINPUT, "shares",
					  "share of '%s' must be above 0%% and at most 100%%", sh[i].account);
		hund[i] = sh[i].hundredths;
		total += sh[i].hundredths;
	}
	if (!rc && total != 10000)
		rc = c2c_err_at(err, C2C_EINPUT, "shares",
				  "the shares add up to %d.%02d%%, not 100%%", total / 100, total % 100);
	if (rc)
		goto out;
	registry_largest_remainder(quantity, hund, n, parts);
	seq = next_seq(c, err);
	body = op_body("allocate");
	if ((rc = system_account(c, host, "pending", seq, body, pending, sizeof(pending), err)) ||
	    (rc = load_account(c, pending, &pend, err)))
		goto out;
	json_object_set_new(body, "issuance", json_string(issuance));
	json_object_set_new(body, "shares", json_array());
	for (size_t i = 0; i < n && !rc; i++) {
		/* The Joint Committee's issuance into another country's registry is
		 * the first transfer of an authorized issuance's credits: the
		 * adjustment is recorded here, as for an international transfer.
		 * An unauthorized issuance may still be allocated abroad; no
		 * adjustment, and only the host may count those credits. */
		struct move_req m = {.from = &pend, .to = &acc[i], .quantity = parts[i], .issuance = issuance,
				     .state = "active", .adjust = strcmp(acc[i].country, host) != 0, .seq = seq};
		json_array_append_new(json_object_get(body, "shares"),
				      json_pack("{s:s, s:i, s:I}", "account", acc[i].id, "hundredths", hund[i],
						"credits", (json_int_t)parts[i]));
		if (parts[i] > 0)
			rc = move_credits(c, &m, body, &moves, err);
	}
	if (rc)
		goto out;
	if (!(rc = store_exec_args(c->st, "UPDATE registry_issuances SET \"allocated\" = 1 WHERE \"id\" = ?",
				   STORE_ARGS(store_text(issuance)), err)))
		rc = registry_journal_append_moves(c, "allocate", body, &moves, NULL, err);
out:
	strbuf_release(&moves);
	json_decref(body);
	free(acc);
	free(hund);
	free(parts);
	return rc;
}

/* An authorization reaches the issuance's credits still in circulation.
 * Those already allocated or moved into another country's registry are
 * first transferred now, at the authorization (c2c's rule for credits issued
 * before it; docs/registry.md says why): the host adds them back, the
 * holding country subtracts them, as at allocation.  Credits that left
 * circulation before (cancelled or retired) are not reached: the host
 * keeps counting them.  Journals the authorization with its adjustments. */
static int authorize_abroad(struct registry_ctx *c, const char *issuance, const struct registry_authorization *a,
			    struct c2c_err *err)
{
	json_t *rows = NULL, *row, *body = op_body("authorize");
	int64_t seq = next_seq(c, err);
	size_t i;
	int rc;

	json_object_set_new(body, "issuance", json_string(issuance));
	if (a) {
		json_t *rec = registry_authorization_json(a);
		json_object_set_new(body, "authorization", rec);
		if ((rc = registry_authorization_store(c->st, issuance, seq, rec, err)))
			goto out;
	}
	if ((rc = store_rows_json(c->st, "SELECT b.\"id\", b.\"first_serial\", b.\"last_serial\", a.\"country\","
					 " i.\"vintage\", i.\"host\" FROM registry_blocks b"
					 " JOIN registry_accounts a ON a.\"id\" = b.\"account_id\""
					 " JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
					 " WHERE b.\"issuance_id\" = ? AND b.\"state\" = 'active' AND b.\"ca_done\" = 0"
					 " AND a.\"country\" <> i.\"host\" ORDER BY b.\"first_serial\"",
				  STORE_ARGS(store_text(issuance)), NULL, &rows, err)))
		goto out;
	json_array_foreach(rows, i, row) {
		struct block b = {.vintage = (int)json_integer_value(json_object_get(row, "vintage"))};
		snprintf(b.issuance, sizeof(b.issuance), "%s", issuance);
		if ((rc = record_ca(c, seq, json_string_value(json_object_get(row, "host")),
				    json_string_value(json_object_get(row, "country")), &b,
				    json_integer_value(json_object_get(row, "first_serial")),
				    json_integer_value(json_object_get(row, "last_serial")),
				    json_object_get(body, "adjustments"), err)) ||
		    (rc = store_exec_later(c->st, "UPDATE registry_blocks SET \"ca_done\" = 1 WHERE \"id\" = ?",
					  STORE_ARGS(store_int(json_integer_value(json_object_get(row, "id")))), err)) ||
		    (rc = coalesce_block_id(c, issuance, json_integer_value(json_object_get(row, "id")), err)))
			goto out;
	}
	rc = registry_journal_append(c, "authorize", body, NULL, err);
out:
	json_decref(rows);
	json_decref(body);
	return rc;
}

static int authorize_once(struct registry_ctx *c, const char *issuance, const struct registry_authorization *a,
			  struct c2c_err *err)
{
	struct store_stmt *s;
	int rc, auth = -1;

	if (a && (rc = registry_authorization_check(a, err)))
		return rc;

	if ((rc = store_prepare(c->st, "SELECT \"authorized\" FROM registry_issuances WHERE \"id\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, issuance);
	if (store_step(s, err) == 1)
		auth = (int)store_col_int(s, 0);
	store_finalize(s);
	if (auth < 0)
		return c2c_err_set(err, C2C_ENOTFOUND, "issuance '%s' does not exist", issuance);
	if (auth)
		return c2c_err_set(err, C2C_ECONFLICT, "issuance '%s' is authorized already", issuance);
	if ((rc = store_exec_args(c->st, "UPDATE registry_issuances SET \"authorized\" = 1 WHERE \"id\" = ?",
				  STORE_ARGS(store_text(issuance)), err)))
		return rc;
	return authorize_abroad(c, issuance, a, err);
}

/* ----------------------------------------- transfer, cancel and retire */

static int move_out_once(struct registry_ctx *c, const char *op, const char *from_id, const char *to_id,
		    const char *to_kind, int64_t quantity, const char *purpose,
		    const char *beneficiary, struct c2c_err *err)
{
	struct account from, to;
	char sysid[64];
	json_t *body;
	struct strbuf moves;
	int64_t seq;
	int rc;

	if (quantity <= 0)
		return c2c_err_at(err, C2C_EINPUT, "quantity",
				  "%s: quantity must be a positive whole number of credits", op);
	if ((rc = load_account(c, from_id, &from, err)))
		return rc;
	if (!holding(&from))
		return c2c_err_set(err, C2C_ECONFLICT, "account '%s' is a %s account: its credits never"
								 " move again", from.id, from.kind);
	if (!from.open)
		return c2c_err_set(err, C2C_ECONFLICT, "account '%s' is closed", from.id);
	if (from.balance < quantity)
		return c2c_err_at(err, C2C_ECONFLICT, "quantity",
				  "account '%s' holds %lld credit%s, cannot %s %lld",
					     from.id, (long long)from.balance, from.balance == 1 ? "" : "s", op,
					     (long long)quantity);
	seq = next_seq(c, err);
	body = op_body(op);
	strbuf_init(&moves, SIZE_MAX / 4);
	/* four-eyes (approval.c): refused here unless its registry lets it
	 * through or it carries out an approved proposal */
	if ((rc = registry_four_eyes_gate(c, op, from.country, quantity, body, err)))
		goto out;
	if (to_kind) {
		if ((rc = system_account(c, from.country, to_kind, seq, body, sysid, sizeof(sysid), err)))
			goto out;
		to_id = sysid;
	}
	if ((rc = load_account(c, to_id, &to, err)))
		goto out;
	if (!to_kind && (!holding(&to) || !to.open)) {
		rc = c2c_err_set(err, C2C_ECONFLICT, "account '%s' is %s; transfers go to open government or"
						     " entity accounts", to.id, to.open ? "not a holding account" : "closed");
		goto out;
	}
	if (!strcmp(from.id, to.id)) {
		rc = c2c_err_set(err, C2C_EINPUT, "transfer from '%s' to itself", from.id);
		goto out;
	}
	json_object_set_new(body, "from", json_string(from.id));
	json_object_set_new(body, "to", json_string(to.id));
	json_object_set_new(body, "quantity", json_integer(quantity));
	if (purpose)
		json_object_set_new(body, "purpose", json_string(purpose));
	if (purpose && !strcmp(purpose, "ndc")) /* whose NDC: the registry's it is retired in */
		json_object_set_new(body, "ndc_country", json_string(from.country));
	if (beneficiary)
		json_object_set_new(body, "beneficiary", json_string(beneficiary));
	{
		struct move_req m = {.from = &from, .to = &to, .quantity = quantity,
				     .state = !strcmp(op, "cancel") ? "cancelled" : !strcmp(op, "retire") ? "retired" : "active",
				     .purpose = purpose, .beneficiary = beneficiary,
				     .international = strcmp(from.country, to.country) != 0,
				     .adjust = strcmp(from.country, to.country) != 0,
				     .ndc_country = purpose && !strcmp(purpose, "ndc") ? from.country : NULL, .seq = seq};
		rc = move_credits(c, &m, body, &moves, err);
	}
	if (!rc)
		rc = registry_journal_append_moves(c, op, body, &moves, NULL, err);
out:
	strbuf_release(&moves);
	json_decref(body);
	return rc;
}

static int move_out_call(struct op_call *o, struct c2c_err *err)
{
	return move_out_once(o->c, o->kind, o->from, o->to, o->to_kind, o->quantity, o->purpose, o->beneficiary,
			     err);
}

static int move_out(struct registry_ctx *c, const char *op, const char *from_id, const char *to_id,
		    const char *to_kind, int64_t quantity, const char *purpose,
		    const char *beneficiary, struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = move_out_call, .kind = op, .from = from_id, .to = to_id,
			    .to_kind = to_kind, .quantity = quantity, .purpose = purpose, .beneficiary = beneficiary};
	return op_run(&o, err);
}

int registry_transfer(struct registry_ctx *c, const char *from, const char *to, int64_t quantity,
		      struct c2c_err *err)
{
	return move_out(c, "transfer", from, to, NULL, quantity, NULL, NULL, err);
}

int registry_cancel(struct registry_ctx *c, const char *account, int64_t quantity,
		    struct c2c_err *err)
{
	return move_out(c, "cancel", account, NULL, "cancellation", quantity, NULL, NULL, err);
}

int registry_retire(struct registry_ctx *c, const char *account, int64_t quantity,
		    const char *purpose, const char *beneficiary, struct c2c_err *err)
{
	if (!purpose || (strcmp(purpose, "ndc") && strcmp(purpose, "voluntary") && strcmp(purpose, "other")))
		return c2c_err_at(err, C2C_EINPUT, "purpose",
				  "retire: purpose '%s' is not one of ndc, voluntary, other",
				   purpose ? purpose : "");
	if (!beneficiary || !*beneficiary)
		return c2c_err_at(err, C2C_EINPUT, "beneficiary",
				  "retire: name the beneficiary of the retirement");
	if (utf8_text_field(beneficiary, REGISTRY_NAME_MAX, 0, "beneficiary", "the beneficiary", err))
		return C2C_EINPUT;
	return move_out(c, "retire", account, NULL, "retirement", quantity, purpose, beneficiary, err);
}

/* ------------------------------------------- the public calls, retrying */

static int account_open_call(struct op_call *o, struct c2c_err *err)
{
	return account_open_once(o->c, o->id, o->country, o->kind, o->holder, err);
}

static int account_close_call(struct op_call *o, struct c2c_err *err)
{
	return account_close_once(o->c, o->id, err);
}

static int issue_call(struct op_call *o, struct c2c_err *err)
{
	return issue_once(o->c, o->req, o->out, o->idlen, err);
}

static int allocate_call(struct op_call *o, struct c2c_err *err)
{
	return allocate_once(o->c, o->id, o->shares, o->nshares, err);
}

static int authorize_call(struct op_call *o, struct c2c_err *err)
{
	return authorize_once(o->c, o->id, o->auth, err);
}

int registry_account_open(struct registry_ctx *c, const char *id, const char *country,
			  const char *kind, const char *holder, struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = account_open_call, .id = id, .country = country, .kind = kind,
			    .holder = holder};
	return op_run(&o, err);
}

int registry_account_close(struct registry_ctx *c, const char *id, struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = account_close_call, .id = id};
	return op_run(&o, err);
}

int registry_issue(struct registry_ctx *c, const struct registry_issue_req *r, char *id,
		   size_t idlen, struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = issue_call, .req = r, .out = id, .idlen = idlen};
	return op_run(&o, err);
}

int registry_allocate(struct registry_ctx *c, const char *issuance, const struct registry_share *s,
		      size_t n, struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = allocate_call, .id = issuance, .shares = s, .nshares = n};
	return op_run(&o, err);
}

int registry_authorize_as(struct registry_ctx *c, const char *issuance, const struct registry_authorization *a,
			  struct c2c_err *err)
{
	struct op_call o = {.c = c, .run = authorize_call, .id = issuance, .auth = a};
	return op_run(&o, err);
}

int registry_authorize(struct registry_ctx *c, const char *issuance, struct c2c_err *err)
{
	return registry_authorize_as(c, issuance, NULL, err);
}
