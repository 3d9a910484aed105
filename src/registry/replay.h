/*
 * replay.h - private to registry/: the proof's chain check and replay, one
 * journal entry at a time, so the database's journal (verify.c) and an
 * exported file (journal_file.c) are proved by the same code.
 */
#ifndef C2C_REGISTRY_REPLAY_H
#define C2C_REGISTRY_REPLAY_H

#include "registry.h"

/* One journal entry as stored and as exported: `body` is the canonical
 * JSON text the hash covers. */
struct registry_entry {
	int64_t seq;
	const char *at, *user, *op, *body, *prev_hash, *hash;
};

/* Every entry of the database's journal in seq order, to fn, until it
 * returns non-zero (that is returned). */
typedef int (*registry_entry_fn)(void *ctx, const struct registry_entry *e, struct c2c_err *err);
int registry_journal_each(struct store *st, registry_entry_fn fn, void *ctx, struct c2c_err *err);

/* A body read for the replay (replay_body.c): the body parsed (NULL when
 * it is not JSON, as jansson would have it) and its movements, strings
 * valid until the next read. */
struct replay_mv {
	const char *iss, *from, *to, *state; /* NULL where absent or not a string */
	int64_t first, last;                 /* 0 where absent or not an integer */
};
struct replay_body {
	json_t *json;
	struct replay_mv *mv;
	size_t n, cap;
	char *str;
	size_t strcap;
};
/* Read `text` into b (its previous body freed); -1 out of memory. */
int replay_body_read(struct replay_body *b, const char *text);
void replay_body_free(struct replay_body *b);

struct registry_replay;
struct registry_replay *registry_replay_new(void);
void registry_replay_free(struct registry_replay *w);
/* The next entry: its place in the chain (seq, prev_hash, hash recomputed)
 * and its movements and adjustments replayed.  0, or C2C_ECONFLICT naming
 * the entry and what is wrong (rep->broken_seq set); rep->entries counts. */
int registry_replay_entry(struct registry_replay *w, const struct registry_entry *e,
			  struct registry_verify_report *rep, struct c2c_err *err);
/* What the replayed journal implies: rep's issued, held, cancelled,
 * retired and blocks (merged ranges), and *out the credits of every
 * account that holds any, [{account, country, active, cancelled,
 * retired}] in account order. */
int registry_replay_balances(struct registry_replay *w, struct registry_verify_report *rep, json_t **out,
			     struct c2c_err *err);

/* During a replay, what it knows so far (aef.c reads the journal with it):
 * the country of an account the journal opened (NULL when none); whether
 * the credit `serial` of `issuance` was adjusted (first transferred with a
 * corresponding adjustment: an ITMO), -1 when no segment holds it; and the
 * adjusted credits active in accounts of `party` now, [{account, issuance,
 * first, last, quantity}] by issuance and serial. */
const char *registry_replay_country(struct registry_replay *w, const char *account);
int registry_replay_adjusted(struct registry_replay *w, const char *issuance, int64_t serial);
int registry_replay_itmos_held(struct registry_replay *w, const char *party, json_t **out);

/* Four-eyes approval in the replay (approval_replay.c): registry_replay
 * keeps one, gives it every entry after the entry's movements (the reason
 * it refuses the entry, or NULL), and registry_verify compares what it
 * derived with the stored settings and proposals. */
struct approval_replay;
struct approval_replay *approval_replay_new(void);
void approval_replay_free(struct approval_replay *a);
const char *approval_replay_entry(struct approval_replay *a, struct registry_replay *w,
				  const struct registry_entry *e, json_t *body);
/* The journal read to its end: NULL, or why it cannot end there. */
const char *approval_replay_end(struct approval_replay *a);
int approval_check_stored(struct store *st, struct approval_replay *a, struct c2c_err *err);

#endif
