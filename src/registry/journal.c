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

int registry_journal_append(struct registry_ctx *c, const char *op, json_t *body, int64_t *seq,
			    struct c2c_err *err)
{
	struct store_stmt *s;
	char prev[65] = "", hash[65], at[64];
	int64_t next = 1;
	char *text;
	int rc;

	if ((rc = store_prepare(c->st, "SELECT \"seq\", \"hash\" FROM registry_journal ORDER BY \"seq\" DESC LIMIT 1",
				&s, err)))
		return rc;
	if ((rc = store_step(s, err)) == 1) {
		next = store_col_int(s, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", store_col_text(s, 1));
	}
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (!prev[0])
		memset(prev, '0', 64), prev[64] = '\0';
	date_now_iso(at, sizeof(at), 1);
	/* Canonical form: sorted keys, compact, so the hash is reproducible. */
	text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		return c2c_err_set(err, C2C_ENOMEM, "journal: out of memory");
	registry_entry_hash(prev, next, at, c->user, op, text, hash);
	if ((rc = store_prepare(c->st, "INSERT INTO registry_journal (\"seq\", \"at\", \"user_name\", \"op\", \"body\", \"prev_hash\", \"hash\")"
				      " VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err))) {
		free(text);
		return rc;
	}
	store_bind_int(s, 1, next);
	store_bind_text(s, 2, at);
	store_bind_text(s, 3, c->user);
	store_bind_text(s, 4, op);
	store_bind_text(s, 5, text);
	store_bind_text(s, 6, prev);
	store_bind_text(s, 7, hash);
	rc = store_step(s, err);
	store_finalize(s);
	free(text);
	if (seq)
		*seq = next;
	if (rc >= 0)
		c->last_seq = next;
	return rc < 0 ? rc : 0;
}
