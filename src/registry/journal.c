/*
 * journal.c - the append-only journal: every registry operation is one
 * entry whose hash covers the previous entry's hash, so editing, removing
 * or reordering any entry breaks every hash after it.
 */
#include "registry.h"
#include "core/date.h"
#include "core/strbuf.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* OpenSSL's SHA-256, fetched once: it uses the CPU's SHA instructions,
 * which libsodium's does not (verify hashes every entry of the journal,
 * at 10^6 entries a gigabyte: a fifth of its time with libsodium's). */
static EVP_MD *sha256_md;
static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

#define PART_N 6
static int hash_openssl(const char *const part[PART_N], unsigned char d[32])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	EVP_MD_CTX *h;
	unsigned int len = 0;
	int ok;
	pthread_once(&once, sha256_fetch);
	if (!sha256_md || !(h = EVP_MD_CTX_new()))
		return -1;
	ok = EVP_DigestInit_ex(h, sha256_md, NULL);
	for (int i = 0; i < PART_N && ok; i++)
		ok = EVP_DigestUpdate(h, part[i], strlen(part[i])) && EVP_DigestUpdate(h, "\n", 1);
	ok = ok && EVP_DigestFinal_ex(h, d, &len) && len == 32;
	EVP_MD_CTX_free(h);
	return ok ? 0 : -1;
}

void registry_entry_hash(const char *prev_hash, int64_t seq, const char *at, const char *user,
			 const char *op, const char *body, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char num[24];
	const char *part[PART_N] = {prev_hash, num, at, user, op, body};

	snprintf(num, sizeof(num), "%lld", (long long)seq);
	if (hash_openssl(part, d)) { /* OpenSSL failed (out of memory): the same digest by libsodium */
		crypto_hash_sha256_state h;
		crypto_hash_sha256_init(&h);
		for (int i = 0; i < PART_N; i++) {
			crypto_hash_sha256_update(&h, (const unsigned char *)part[i], strlen(part[i]));
			crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		}
		crypto_hash_sha256_final(&h, d);
	}
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

/* The members of `arr` as canonical text, without the brackets; 0 or -1. */
static int array_members(struct strbuf *out, json_t *arr)
{
	char *t;
	size_t n;
	int rc;
	if (!json_is_array(arr) || !json_array_size(arr))
		return 0;
	if (!(t = json_dumps(arr, REGISTRY_JOURNAL_JSON)))
		return -1;
	n = strlen(t);
	rc = n >= 2 ? strbuf_add(out, t + 1, n - 2) : -1;
	free(t);
	return rc ? -1 : 0;
}

/* The body's canonical text, its "moves" array holding its own members
 * and then `moves` (members already in canonical form, may be NULL): the
 * bytes json_dumps gives for the body with those members in its array,
 * without building them as JSON values (a transfer touching 10^5 ranges
 * spent a fifth of its time on that).  Sorted keys put "moves" after the
 * keys that sort before it: the body is dumped in two halves around it.
 * NULL when out of memory. */
static char *body_text(json_t *body, const struct strbuf *moves)
{
	json_t *half[2] = {json_object(), json_object()}, *v;
	char *text[2] = {NULL, NULL};
	const char *k;
	struct strbuf out;
	int bad = !half[0] || !half[1];

	if (!moves || !moves->len) {
		json_decref(half[0]);
		json_decref(half[1]);
		return json_dumps(body, REGISTRY_JOURNAL_JSON);
	}
	strbuf_init(&out, SIZE_MAX / 4);
	json_object_foreach(body, k, v)
		if (!bad && strcmp(k, "moves") && json_object_set(half[strcmp(k, "moves") > 0], k, v))
			bad = 1;
	for (int h = 0; h < 2 && !bad; h++)
		bad = !(text[h] = json_dumps(half[h], REGISTRY_JOURNAL_JSON));
	if (!bad) {
		size_t lo = strlen(text[0]); /* "{...}": its members end before the '}' */
		bad = strbuf_add(&out, text[0], lo - 1) || (lo > 2 && strbuf_addch(&out, ',')) ||
		      strbuf_addstr(&out, "\"moves\":[") || array_members(&out, json_object_get(body, "moves")) ||
		      (out.buf[out.len - 1] != '[' && strbuf_addch(&out, ',')) ||
		      strbuf_add(&out, moves->buf, moves->len) || strbuf_addch(&out, ']') ||
		      (strcmp(text[1], "{}") ? strbuf_addch(&out, ',') || strbuf_addstr(&out, text[1] + 1)
					     : strbuf_addch(&out, '}'));
	}
	free(text[0]);
	free(text[1]);
	json_decref(half[0]);
	json_decref(half[1]);
	if (bad) {
		strbuf_release(&out);
		return NULL;
	}
	return out.buf;
}

int registry_journal_append(struct registry_ctx *c, const char *op, json_t *body, int64_t *seq,
			    struct c2c_err *err)
{
	return registry_journal_append_moves(c, op, body, NULL, seq, err);
}

int registry_journal_append_moves(struct registry_ctx *c, const char *op, json_t *body, const struct strbuf *moves,
				  int64_t *seq, struct c2c_err *err)
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
	text = body_text(body, moves);
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
