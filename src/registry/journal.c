/*
 * journal.c - the append-only journal: every registry operation is one
 * entry whose hash covers the previous entry's hash, so editing, removing
 * or reordering any entry breaks every hash after it.
 */
#include "registry.h"
#include "core/date.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void registry_entry_hash(const char *prev_hash, int64_t seq, const char *at, const char *user,
			 const char *op, const char *body, char out[65])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)seq);
	crypto_hash_sha256_init(&h);
#define PART(s) crypto_hash_sha256_update(&h, (const unsigned char *)(s), strlen(s)), \
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1)
	PART(prev_hash);
	PART(num);
	PART(at);
	PART(user);
	PART(op);
	PART(body);
#undef PART
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

int registry_journal_head(struct registry_ctx *c, int64_t *seq, struct c2c_err *err)
{
	unsigned long tx = store_tx_serial(c->st);
	struct store_stmt *s;
	int rc;

	if (c->head_tx != tx || !tx || !store_in_tx(c->st)) {
		if ((rc = store_prepare(c->st, "SELECT \"seq\", \"hash\" FROM registry_journal ORDER BY \"seq\" DESC LIMIT 1",
					&s, err)))
			return rc;
		c->head_seq = 0;
		memset(c->head_hash, '0', 64), c->head_hash[64] = '\0'; /* the first entry's prev */
		if ((rc = store_step(s, err)) == 1) {
			c->head_seq = store_col_int(s, 0);
			snprintf(c->head_hash, sizeof(c->head_hash), "%s", store_col_text(s, 1));
		}
		store_finalize(s);
		if (rc < 0)
			return rc;
		c->head_tx = store_in_tx(c->st) ? tx : 0;
	}
	*seq = c->head_seq;
	return 0;
}

int registry_journal_append(struct registry_ctx *c, const char *op, json_t *body, int64_t *seq,
			    struct c2c_err *err)
{
	char prev[65], hash[65], at[64];
	int64_t next;
	char *text;
	int rc;

	if ((rc = registry_journal_head(c, &next, err)))
		return rc;
	next++;
	memcpy(prev, c->head_hash, sizeof(prev));
	date_now_iso(at, sizeof(at), 1);
	/* Canonical form: sorted keys, compact, so the hash is reproducible. */
	text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		return c2c_err_set(err, C2C_ENOMEM, "journal: out of memory");
	registry_entry_hash(prev, next, at, c->user, op, text, hash);
	/* sent ahead on PostgreSQL (store_exec_later): the commit, or the
	 * reply's read of this entry, waits for its answer */
	rc = store_exec_later(c->st, "INSERT INTO registry_journal (\"seq\", \"at\", \"user_name\", \"op\", \"body\","
				     " \"prev_hash\", \"hash\") VALUES (?, ?, ?, ?, ?, ?, ?)",
			      STORE_ARGS(store_int(next), store_text(at), store_text(c->user), store_text(op),
					 store_text(text), store_text(prev), store_text(hash)),
			      err);
	if (!rc && c->entry_out) { /* the body as stored: its canonical text parsed */
		json_decref(*c->entry_out);
		*c->entry_out = json_pack("{s:I, s:s, s:s?, s:s, s:o, s:s}", "seq", (json_int_t)next, "at", at, "user",
					  c->user, "op", op, "body", json_loads(text, 0, NULL), "hash", hash);
		if (!*c->entry_out)
			rc = c2c_err_set(err, C2C_ENOMEM, "journal: out of memory");
	}
	free(text);
	if (seq)
		*seq = next;
	if (rc >= 0) {
		c->last_seq = next;
		c->head_seq = next; /* the head now, for the next append in this transaction */
		memcpy(c->head_hash, hash, sizeof(c->head_hash));
	} else {
		c->head_tx = 0;
	}
	return rc < 0 ? rc : 0;
}
