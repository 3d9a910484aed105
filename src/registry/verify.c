/*
 * verify.c - the proof that no credit exists twice or vanished.
 *
 * Four independent checks, and the first failure is named:
 *  1. the journal's hash chain, entry by entry;
 *  2. a replay of every movement the journal records, from nothing, into an
 *     interval map per issuance: each credit must be where the journal says
 *     it was moved from, and the map at the end must equal the stored blocks
 *     (so a block edited behind the registry's back is found even when the
 *     journal is intact).  The replay also applies the rule of corresponding
 *     adjustments itself (a credit of an authorized issuance is adjusted at
 *     its first move into another country's registry, or at the
 *     authorization for those already there): what it derives must be what
 *     each entry recorded, every stored registry_ca row, and every block's
 *     ca_done;
 *  3. the invariants on the stored tables: per issuance, issued = held +
 *     cancelled + retired and no serial in two blocks; every cached balance
 *     equals the sum of its account's blocks;
 *  4. no credit without a verified report: each issuance names an approved
 *     report of its project (issued at most its ER, the report once) or an
 *     external verification, as the journal recorded it.
 */
#include "registry.h"
#include "core/lang.h"
#include "replay.h"
#include "mrv/mrv.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_map.h"

#include <limits.h>

/* A range's retirement tag: what a retirement names, purpose and
 * beneficiary, as a 128-bit BLAKE2b digest, compared whole without keeping
 * up to 500 bytes per range (and interned: one copy per distinct pair). */
static void seg_tag_hash(unsigned char tag[16], const char *purpose, const char *beneficiary)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, (const unsigned char *)(purpose ? purpose : ""), strlen(purpose ? purpose : "") + 1);
	crypto_generichash_update(&h, (const unsigned char *)(beneficiary ? beneficiary : ""),
				  strlen(beneficiary ? beneficiary : ""));
	crypto_generichash_final(&h, tag, 16);
}

/* Most entries and blocks name neither: that tag is hashed once. */
static unsigned char seg_tag_none[16];
static void seg_tag_none_init(void)
{
	seg_tag_hash(seg_tag_none, NULL, NULL);
}

static void seg_tag(unsigned char tag[16], const char *purpose, const char *beneficiary)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if ((purpose && *purpose) || (beneficiary && *beneficiary)) {
		seg_tag_hash(tag, purpose, beneficiary);
		return;
	}
	pthread_once(&once, seg_tag_none_init);
	memcpy(tag, seg_tag_none, 16);
}

/* What the replay knows besides the map, learnt from the journal alone:
 * each account's country (from its opening), each issuance's host,
 * vintage and authorization, and the adjustments the rule gives.  An id
 * a range names is interned even when the journal never opened it
 * (`known` 0): the range needs an index, the rules need the opening. */
struct named {
	char country[3]; /* an account's country, an issuance's host */
	int vintage, authorized, known;
	uint32_t root;   /* an issuance's interval map */
	int seen;        /* an issuance met among the stored blocks */
};

struct names {
	struct intern ids; /* keyed by the id zero-padded to REGISTRY_ID_MAX bytes */
	struct named *v;
	size_t cap;
};

/* `id` as an interning key: zero-padded, cut as snprintf would cut it
 * (not snprintf itself: this is done three times a movement). */
static void id_key(char key[REGISTRY_ID_MAX], const char *id)
{
	memset(key, 0, REGISTRY_ID_MAX);
	if (id)
		memcpy(key, id, strnlen(id, REGISTRY_ID_MAX - 1));
}

/* The index of `id`, interned when new; -1 out of memory. */
static int64_t name_put(struct names *t, const char *id)
{
	char key[REGISTRY_ID_MAX];
	int64_t i;
	if (!t->ids.keylen)
		t->ids.keylen = sizeof(key);
	id_key(key, id);
	if ((i = intern_put(&t->ids, key)) < 0)
		return -1;
	if ((size_t)i >= t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct named *nv = realloc(t->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		memset(nv + t->cap, 0, (nc - t->cap) * sizeof(*nv));
		t->v = nv;
		t->cap = nc;
	}
	return i;
}

static int64_t name_index(const struct names *t, const char *id)
{
	char key[REGISTRY_ID_MAX];
	if (!id || !t->ids.keylen)
		return -1;
	id_key(key, id);
	return intern_find(&t->ids, key);
}

/* What the journal opened under `id`, NULL when it never did. */
static struct named *named_find(struct names *t, const char *id)
{
	int64_t i = name_index(t, id);
	return i >= 0 && t->v[i].known ? &t->v[i] : NULL;
}

static const char *name_id(const struct names *t, uint32_t i)
{
	return (const char *)t->ids.keys + (size_t)i * t->ids.keylen;
}

static void names_free(struct names *t)
{
	intern_free(&t->ids);
	free(t->v);
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The indices 0..n-1 of t's ids in id order (output keeps that order). */
static uint32_t *names_sorted(const struct names *t)
{
	const char **p = malloc((t->ids.n ? t->ids.n : 1) * sizeof(*p));
	uint32_t *out = malloc((t->ids.n ? t->ids.n : 1) * sizeof(*out));
	if (!p || !out) {
		free(p);
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < t->ids.n; i++)
		p[i] = name_id(t, (uint32_t)i);
	if (t->ids.n)
		qsort(p, t->ids.n, sizeof(*p), str_ptr_cmp);
	for (size_t i = 0; i < t->ids.n; i++)
		out[i] = (uint32_t)(((const unsigned char *)p[i] - t->ids.keys) / t->ids.keylen);
	free(p);
	return out;
}

struct ca_row {
	int64_t seq, first, last, quantity;
	char country[3], issuance[REGISTRY_ID_MAX];
	int vintage;
};

struct replay {
	struct rmap map;          /* every issuance's ranges */
	struct names acc, iss;
	struct intern tags;       /* 16-byte retirement tags */
	struct ca_row *ca;        /* every adjustment derived, in journal order */
	size_t nca, capca;
};

static int ca_push(struct ca_row **v, size_t *n, size_t *cap, const struct ca_row *x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct ca_row *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *x;
	return 0;
}

/* The pair of rows the rule gives when credits [first, last] of `iss` are
 * first transferred from country `from` to `to`: from +, to -. */
static int ca_derive(struct replay *r, int64_t seq, const char *iss, int vintage, const char *from,
		     const char *to, int64_t first, int64_t last)
{
	const char *country[2] = {from, to};
	for (int k = 0; k < 2; k++) {
		struct ca_row x = {.seq = seq, .first = first, .last = last, .vintage = vintage};
		x.quantity = k == 0 ? last - first + 1 : -(last - first + 1);
		snprintf(x.country, sizeof(x.country), "%s", country[k]);
		snprintf(x.issuance, sizeof(x.issuance), "%s", iss);
		if (ca_push(&r->ca, &r->nca, &r->capca, &x))
			return -1;
	}
	return 0;
}

static int ca_cmp(const void *a, const void *b)
{
	const struct ca_row *x = a, *y = b;
	int c;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if ((c = strcmp(x->issuance, y->issuance)) || (c = strcmp(x->country, y->country)))
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort, then merge neighbouring ranges of one entry, issuance, country and
 * sign, so that two ways of cutting the same adjustment compare equal. */
static void ca_normalize(struct ca_row *v, size_t *n)
{
	size_t w = 0;
	if (*n == 0) /* v may be NULL then, which qsort may not be given */
		return;
	qsort(v, *n, sizeof(*v), ca_cmp);
	for (size_t i = 0; i < *n; i++) {
		struct ca_row *p = w ? &v[w - 1] : NULL;
		if (p && p->seq == v[i].seq && !strcmp(p->issuance, v[i].issuance) &&
		    !strcmp(p->country, v[i].country) && (p->quantity > 0) == (v[i].quantity > 0) &&
		    p->last + 1 == v[i].first) {
			p->last = v[i].last;
			p->quantity += v[i].quantity;
		} else {
			v[w++] = v[i];
		}
	}
	*n = w;
}

static int ca_same(const struct ca_row *a, const struct ca_row *b)
{
	return a->seq == b->seq && a->first == b->first && a->last == b->last && a->quantity == b->quantity &&
	       a->vintage == b->vintage && !strcmp(a->country, b->country) && !strcmp(a->issuance, b->issuance);
}

/* The first place where two normalized lists differ, or NULL. */
static const struct ca_row *ca_diff(const struct ca_row *a, size_t na, const struct ca_row *b, size_t nb,
				    int *in_a)
{
	for (size_t i = 0; i < na || i < nb; i++) {
		if (i < na && i < nb && ca_same(&a[i], &b[i]))
			continue;
		*in_a = i < na;
		return i < na ? &a[i] : &b[i];
	}
	return NULL;
}

static int seg_joins(const struct rseg *a, const struct rseg *b)
{
	return a->last + 1 == b->first && a->account == b->account && a->state == b->state && a->ca == b->ca &&
	       a->tag == b->tag;
}

/* The registry merges neighbouring blocks that hold their credits the same
 * way (ops.c, coalesce_block), and a later movement may take a range that
 * was moved in pieces: the replay merges as it goes, so such a range lies in
 * one node here too.  Returns the node that holds node i's range after. */
static uint32_t seg_merge_at(struct rmap *m, uint32_t *root, uint32_t i)
{
	uint32_t n = rmap_after(m, *root, m->v[i].first), p;
	if (n && seg_joins(&m->v[i], &m->v[n])) {
		m->v[i].last = m->v[n].last;
		rmap_erase(m, root, m->v[n].first);
	}
	p = m->v[i].first > INT64_MIN ? rmap_floor(m, *root, m->v[i].first - 1) : 0;
	if (p && seg_joins(&m->v[p], &m->v[i])) {
		m->v[p].last = m->v[i].last;
		rmap_erase(m, root, m->v[i].first);
		i = p;
	}
	return i;
}


/* Apply one journalled movement to the map; returns a reason on failure. */
static const char *replay_move(struct replay *r, int64_t seq, const char *op, const struct replay_mv *mv,
			       uint32_t tag)
{
	struct rmap *m = &r->map;
	const char *iss = mv->iss, *from = mv->from, *to = mv->to;
	int state = rstate_parse(mv->state);
	int64_t first = mv->first, last = mv->last;
	int64_t ii, ti, fi;
	uint32_t *root, i;

	if (!iss || !to || state < 0 || first <= 0 || last < first)
		return "a movement in the journal is malformed";
	if ((ii = name_put(&r->iss, iss)) < 0 || (ti = name_put(&r->acc, to)) < 0)
		return "out of memory";
	fi = from ? name_index(&r->acc, from) : -1;
	root = &r->iss.v[ii].root;
	i = rmap_floor(m, *root, first);
	if (!from) { /* issuance: the range must be new */
		struct rseg x = {.first = first, .last = last, .account = (uint32_t)ti, .tag = tag,
				 .state = (uint8_t)state};
		uint32_t n = rmap_after(m, *root, first);
		if ((i && m->v[i].last >= first) || (n && m->v[n].first <= last))
			return "an issuance re-issues serials that exist already";
		return rmap_insert(m, root, &x) ? NULL : "out of memory";
	}
	if (!i || m->v[i].last < last)
		return "a movement takes credits that were not there";
	if (fi != m->v[i].account || m->v[i].state != RSTATE_ACTIVE)
		return "a movement takes credits from an account that did not hold them, or that had left circulation";
	{
		struct rseg whole = m->v[i], mid = whole;
		const struct named *fa = &r->acc.v[fi], *ta = &r->acc.v[ti], *is = &r->iss.v[ii];

		if (!fa->known || !ta->known || !is->known)
			return "a movement names an account or issuance the journal never opened";
		if (strcmp(fa->country, ta->country) && !whole.ca) {
			/* Into another country's registry: the first transfer of an
			 * authorized credit; an unauthorized one only by allocation. */
			if (is->authorized) {
				if (ca_derive(r, seq, iss, is->vintage, fa->country, ta->country, first, last))
					return "out of memory";
				mid.ca = 1;
			} else if (strcmp(op, "allocate")) {
				return "a movement takes unauthorized credits into another country's registry";
			}
		}
		mid.first = first;
		mid.last = last;
		mid.account = (uint32_t)ti;
		mid.state = (uint8_t)state;
		mid.tag = tag;
		/* Cut [whole.first, first-1] | [first, last] | [last+1, whole.last]:
		 * node i keeps the lowest piece, so its key stays; each piece is
		 * O(log n), however many ranges the entry moves. */
		if (whole.first < first) {
			m->v[i].last = first - 1;
			if (!(i = rmap_insert(m, root, &mid)))
				return "out of memory";
		} else {
			mid.l = m->v[i].l;
			mid.r = m->v[i].r;
			mid.prio = m->v[i].prio;
			m->v[i] = mid;
		}
		if (whole.last > last) {
			struct rseg hi = whole;
			hi.first = last + 1;
			if (!rmap_insert(m, root, &hi)) /* indices stay valid: only pointers move */
				return "out of memory";
		}
		seg_merge_at(m, root, i);
	}
	return NULL;
}

/* What an entry tells of accounts and issuances, before its movements:
 * the accounts it opened (the registry's own are named CC-KIND), the
 * issuance it made, the authorization it gave. */
static const char *replay_learn(struct replay *r, const char *op, json_t *body)
{
	json_t *v, *acc = json_object_get(body, "account");
	size_t k;
	int64_t x;
	json_array_foreach(json_object_get(body, "opened"), k, v) {
		const char *id = json_string_value(v) ? json_string_value(v) : "";
		if ((x = name_put(&r->acc, id)) < 0)
			return "out of memory";
		r->acc.v[x].known = 1;
		snprintf(r->acc.v[x].country, sizeof(r->acc.v[x].country), "%.2s", id);
	}
	if (!strcmp(op, "open") && json_is_object(acc) &&
	    registry_reserved_id(json_string_value(json_object_get(acc, "id")) ? json_string_value(json_object_get(acc, "id")) : ""))
		return "a user opened an account under an id the registry keeps for its own";
	if (!strcmp(op, "open") && json_is_object(acc)) {
		if ((x = name_put(&r->acc, json_string_value(json_object_get(acc, "id")) ?
						   json_string_value(json_object_get(acc, "id")) : "")) < 0)
			return "out of memory";
		r->acc.v[x].known = 1;
		snprintf(r->acc.v[x].country, sizeof(r->acc.v[x].country), "%s",
			 json_string_value(json_object_get(acc, "country")) ?
				 json_string_value(json_object_get(acc, "country")) : "");
	}
	if (!strcmp(op, "issue")) {
		json_t *i = json_object_get(body, "issuance");
		const char *id = json_string_value(json_object_get(i, "id"));
		const char *project = json_string_value(json_object_get(i, "project"));
		if (!id || !project)
			return "an issuance in the journal is malformed";
		if ((x = name_put(&r->iss, id)) < 0)
			return "out of memory";
		r->iss.v[x].known = 1;
		/* the host the issuance recorded; a journal older than that field
		 * named it by the project's JCM reference (KH003) */
		snprintf(r->iss.v[x].country, sizeof(r->iss.v[x].country), "%.2s",
			 json_is_string(json_object_get(i, "host")) ? json_string_value(json_object_get(i, "host"))
								   : project);
		r->iss.v[x].vintage = (int)json_integer_value(json_object_get(i, "vintage"));
	}
	if (!strcmp(op, "authorize")) {
		struct named *is = named_find(&r->iss, json_string_value(json_object_get(body, "issuance")));
		if (!is)
			return "an authorization names an issuance the journal never made";
		is->authorized = 1;
	}
	return NULL;
}

/* An authorization reaches the credits of its issuance still active in
 * another country's registry and not yet adjusted: first transferred now. */
static const char *replay_authorize(struct replay *r, int64_t seq, json_t *body)
{
	const char *iss = json_string_value(json_object_get(body, "issuance"));
	struct named *is = named_find(&r->iss, iss);
	struct rmap *m = &r->map;
	for (uint32_t i = rmap_after(m, is->root, INT64_MIN); i; i = rmap_after(m, is->root, m->v[i].first)) {
		const struct named *a = &r->acc.v[m->v[i].account];
		if (!a->known)
			return "a block names an account the journal never opened";
		if (m->v[i].ca || m->v[i].state != RSTATE_ACTIVE || !strcmp(a->country, is->country))
			continue;
		if (ca_derive(r, seq, iss, is->vintage, is->country, a->country, m->v[i].first, m->v[i].last))
			return "out of memory";
		m->v[i].ca = 1;
		i = seg_merge_at(m, &is->root, i);
	}
	return NULL;
}

/* The next range of the tree `root` after serial `after`, neighbours that
 * hold their credits the same way merged (a map that two ways of cutting
 * the same ranges produced compares equal): 0 when none, else *out. */
static int seg_next_merged(const struct rmap *m, uint32_t root, int64_t after, struct rseg *out)
{
	uint32_t i = rmap_after(m, root, after), n;
	if (!i)
		return 0;
	*out = m->v[i];
	while ((n = rmap_after(m, root, out->last)) && seg_joins(out, &m->v[n]))
		out->last = m->v[n].last;
	return 1;
}

/* The entry's recorded adjustments against the ones the rule gave it (the
 * rows of r->ca from index `from` on). */
static const char *replay_check_ca(struct replay *r, int64_t seq, size_t from, json_t *body)
{
	struct ca_row *rec = NULL;
	size_t nrec = 0, cap = 0, nder = r->nca - from, k;
	json_t *a;
	const struct ca_row *d;
	int in_rec, bad = 0;

	json_array_foreach(json_object_get(body, "adjustments"), k, a) {
		struct ca_row x = {.seq = seq};
		snprintf(x.country, sizeof(x.country), "%s", json_string_value(json_object_get(a, "country")) ?
							    json_string_value(json_object_get(a, "country")) : "");
		snprintf(x.issuance, sizeof(x.issuance), "%s", json_string_value(json_object_get(a, "issuance")) ?
							      json_string_value(json_object_get(a, "issuance")) : "");
		x.vintage = (int)json_integer_value(json_object_get(a, "vintage"));
		x.quantity = json_integer_value(json_object_get(a, "quantity"));
		x.first = json_integer_value(json_object_get(a, "first"));
		x.last = json_integer_value(json_object_get(a, "last"));
		if (ca_push(&rec, &nrec, &cap, &x)) {
			free(rec);
			return "out of memory";
		}
	}
	struct ca_row *der = r->ca ? r->ca + from : NULL; /* none derived yet: no array at all */
	ca_normalize(rec, &nrec);
	ca_normalize(der, &nder);
	r->nca = from + nder;
	d = ca_diff(rec, nrec, der, nder, &in_rec);
	bad = d != NULL;
	free(rec);
	return bad ? (in_rec ? "records a corresponding adjustment the rule does not give"
			     : "lacks a corresponding adjustment the rule gives")
		   : NULL;
}

/* The chain and the replay, one entry at a time: the database's journal
 * (registry_verify) and an exported file (journal_file.c) go through this
 * same code, so the proof from a file is the proof from the database. */
struct registry_replay {
	struct replay r;
	json_t *issued;  /* issuance id -> what its `issue` entry recorded */
	json_t *auths;   /* issuance id -> the authorization record its entry journalled, with seq */
	struct replay_body body; /* the entry being replayed */
	struct approval_replay *fe; /* four-eyes settings and proposals (approval_replay.c) */
	char prev[65];   /* the previous entry's hash */
	int64_t expect;  /* the seq the next entry must have */
};

struct registry_replay *registry_replay_new(void)
{
	struct registry_replay *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	if (!(w->issued = json_object()) || !(w->auths = json_object()) || !(w->fe = approval_replay_new())) {
		json_decref(w->issued);
		json_decref(w->auths);
		free(w);
		return NULL;
	}
	w->r.tags.keylen = 16;
	memset(w->prev, '0', 64);
	w->prev[64] = '\0';
	w->expect = 1;
	return w;
}

void registry_replay_free(struct registry_replay *w)
{
	if (!w)
		return;
	json_decref(w->issued);
	json_decref(w->auths);
	approval_replay_free(w->fe);
	replay_body_free(&w->body);
	rmap_free(&w->r.map);
	names_free(&w->r.acc);
	names_free(&w->r.iss);
	intern_free(&w->r.tags);
	free(w->r.ca);
	free(w);
}

int registry_replay_entry(struct registry_replay *w, const struct registry_entry *e,
			  struct registry_verify_report *rep, struct c2c_err *err)
{
	struct replay *replayed = &w->r;
	char hash[65];
	const char *why = NULL;
	json_t *body;

	registry_entry_hash(e->prev_hash, e->seq, e->at, e->user, e->op, e->body, hash);
	if (e->seq != w->expect)
		why = "is out of sequence (an entry is missing)";
	else if (strcmp(e->prev_hash, w->prev))
		why = "does not follow the previous entry's hash";
	else if (strcmp(e->hash, hash))
		why = "has been altered: its hash does not match its content";
	if (why) {
		rep->broken_seq = e->seq;
		return c2c_err_set(err, C2C_ECONFLICT, "journal entry %lld %s", (long long)e->seq, why);
	}
	if (replay_body_read(&w->body, e->body))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	body = w->body.json;
	{
		const char *op = e->op;
		size_t ca_from = replayed->nca;
		unsigned char tag[16];
		int64_t tagi;
		if (!strcmp(op, "issue") && json_is_object(json_object_get(body, "issuance"))) {
			json_t *is = json_object_get(body, "issuance");
			const char *iid = json_string_value(json_object_get(is, "id"));
			if (iid)
				json_object_set(w->issued, iid, is);
		}
		if (!strcmp(op, "authorize") && json_is_object(json_object_get(body, "authorization")) &&
		    json_is_string(json_object_get(body, "issuance"))) {
			json_t *a = json_deep_copy(json_object_get(body, "authorization"));
			json_object_set_new(a, "seq", json_integer(e->seq));
			json_object_set_new(w->auths, json_string_value(json_object_get(body, "issuance")), a);
		}
		seg_tag(tag, json_string_value(json_object_get(body, "purpose")),
			json_string_value(json_object_get(body, "beneficiary")));
		why = (tagi = intern_put(&replayed->tags, tag)) < 0 ? "out of memory" : replay_learn(replayed, op, body);
		for (size_t k = 0; k < w->body.n && !why; k++)
			why = replay_move(replayed, e->seq, op, &w->body.mv[k], (uint32_t)tagi);
		if (!why && !strcmp(op, "authorize"))
			why = replay_authorize(replayed, e->seq, body);
		if (!why)
			why = replay_check_ca(replayed, e->seq, ca_from, body);
		if (!why)
			why = approval_replay_entry(w->fe, w, e, body);
	}
	if (why) {
		rep->broken_seq = e->seq;
		return c2c_err_set(err, C2C_ECONFLICT, "journal entry %lld: %s", (long long)e->seq, why);
	}
	snprintf(w->prev, sizeof(w->prev), "%s", e->hash);
	w->expect++;
	rep->entries++;
	return 0;
}

int registry_replay_balances(struct registry_replay *w, struct registry_verify_report *rep, json_t **out,
			     struct c2c_err *err)
{
	const struct rmap *m = &w->r.map;
	struct names *acc = &w->r.acc;
	int64_t (*sum)[3] = calloc(acc->ids.n ? acc->ids.n : 1, sizeof(*sum));
	uint32_t *order = names_sorted(acc);
	struct rseg x;
	const char *why = approval_replay_end(w->fe);

	if (why) {
		free(sum);
		free(order);
		return c2c_err_set(err, C2C_ECONFLICT, "%s", why);
	}
	if (!sum || !order) {
		free(sum);
		free(order);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	rep->blocks = rep->issued = rep->held = rep->cancelled = rep->retired = 0;
	for (size_t j = 0; j < w->r.iss.ids.n; j++)
		for (int64_t after = INT64_MIN; seg_next_merged(m, w->r.iss.v[j].root, after, &x); after = x.last) {
			int64_t q = x.last - x.first + 1;
			sum[x.account][x.state] += q;
			rep->blocks++;
			rep->issued += q;
			if (x.state == RSTATE_CANCELLED)
				rep->cancelled += q;
			else if (x.state == RSTATE_RETIRED)
				rep->retired += q;
			else
				rep->held += q;
		}
	/* in account order, the accounts the journal opened that hold any */
	*out = json_array();
	for (size_t i = 0; i < acc->ids.n; i++) {
		uint32_t a = order[i];
		if (!acc->v[a].known || !(sum[a][0] || sum[a][1] || sum[a][2]))
			continue;
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I, s:I}", "account", name_id(acc, a), "country",
						      acc->v[a].country, "active", (json_int_t)sum[a][RSTATE_ACTIVE],
						      "cancelled", (json_int_t)sum[a][RSTATE_CANCELLED], "retired",
						      (json_int_t)sum[a][RSTATE_RETIRED]));
	}
	free(sum);
	free(order);
	return 0;
}

/* Rows a query of the journal or the blocks reads at once: the store may
 * hold a whole result in memory (PostgreSQL's client does), so a national
 * journal is read in pages by key, never all at once. */
#define VERIFY_PAGE 4096

int registry_journal_each(struct store *st, registry_entry_fn fn, void *ctx, struct c2c_err *err)
{
	struct store_stmt *s;
	int64_t after = 0, got;
	int rc;

	do {
		if ((rc = store_prepare(st, "SELECT \"seq\", \"at\", \"user_name\", \"op\", \"body\", \"prev_hash\", \"hash\""
					    " FROM registry_journal WHERE \"seq\" > ? ORDER BY \"seq\" LIMIT 4096", &s, err)))
			return rc;
		store_bind_int(s, 1, after);
		got = 0;
		while ((rc = store_step(s, err)) == 1) {
			struct registry_entry e = {store_col_int(s, 0), store_col_text(s, 1), store_col_text(s, 2),
						   store_col_text(s, 3), store_col_text(s, 4), store_col_text(s, 5),
						   store_col_text(s, 6)};
			after = e.seq;
			got++;
			if ((rc = fn(ctx, &e, err)))
				break;
		}
		store_finalize(s);
	} while (rc == 0 && got == VERIFY_PAGE);
	return rc < 0 ? rc : 0; /* 0 when every entry was read, else the first error */
}

struct chain_ctx {
	struct registry_replay *w;
	struct registry_verify_report *rep;
	registry_progress_fn progress;
	void *progress_ctx;
	int64_t total;
};

static int chain_entry(void *ctx, const struct registry_entry *e, struct c2c_err *err)
{
	struct chain_ctx *c = ctx;
	int rc = registry_replay_entry(c->w, e, c->rep, err);
	if (!rc && c->progress && c->rep->entries % 8192 == 0)
		c->progress(c->progress_ctx, "journal entries replayed", c->rep->entries, c->total);
	return rc;
}

const char *registry_replay_country(struct registry_replay *w, const char *account)
{
	const struct named *a = named_find(&w->r.acc, account);
	return a ? a->country : NULL;
}

int registry_replay_adjusted(struct registry_replay *w, const char *issuance, int64_t serial)
{
	int64_t ii = name_index(&w->r.iss, issuance);
	uint32_t i = ii < 0 ? 0 : rmap_floor(&w->r.map, w->r.iss.v[ii].root, serial);
	if (!i || w->r.map.v[i].last < serial)
		return -1;
	return w->r.map.v[i].ca;
}

int registry_replay_itmos_held(struct registry_replay *w, const char *party, json_t **out)
{
	const struct rmap *m = &w->r.map;
	uint32_t *order = names_sorted(&w->r.iss);
	if (!order)
		return C2C_ENOMEM;
	*out = json_array();
	for (size_t j = 0; j < w->r.iss.ids.n; j++) {
		uint32_t root = w->r.iss.v[order[j]].root;
		for (uint32_t i = rmap_after(m, root, INT64_MIN); i; i = rmap_after(m, root, m->v[i].first)) {
			const struct rseg *x = &m->v[i];
			const char *cc = registry_replay_country(w, name_id(&w->r.acc, x->account));
			if (!x->ca || x->state != RSTATE_ACTIVE || !cc || strcmp(cc, party))
				continue;
			json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I, s:I}", "account",
							      name_id(&w->r.acc, x->account), "issuance",
							      name_id(&w->r.iss, order[j]), "first", (json_int_t)x->first,
							      "last", (json_int_t)x->last, "quantity",
							      (json_int_t)(x->last - x->first + 1)));
		}
	}
	free(order);
	return 0;
}

/* A stored block as the comparison reads it, neighbours alike merged. */
struct stored_run {
	char issuance[REGISTRY_ID_MAX], account[REGISTRY_ID_MAX];
	int64_t first, last;
	int state, ca;
	unsigned char tag[16];
	char state_text[16];
};

/* The stored blocks against the replayed map, streamed: both sides in
 * serial order per issuance, the replay's tree walked as the stored
 * blocks come (ordered by the database, which may collate ids otherwise
 * than strcmp: each issuance is looked up, not assumed next).  The first
 * difference goes to *mismatch (reported after the table checks, as the
 * order of the proof has it); an overlap is returned at once. */
struct blocks_walk {
	struct replay *r;
	struct c2c_err *mismatch;
	int found;                /* a difference is in *mismatch */
	int64_t iss;              /* the issuance being walked, -1 none */
	int64_t after;            /* the replay's walk: ranges after this serial are still to compare */
};

static void walk_differs(struct blocks_walk *b, const struct stored_run *s, const struct rseg *a, const char *a_iss)
{
	if (b->found)
		return;
	b->found = 1;
	if (s && a && s->first == a->first && s->last == a->last && !strcmp(s->account, name_id(&b->r->acc, a->account)) &&
	    s->state == a->state && s->ca == a->ca)
		c2c_err_set(b->mismatch, C2C_ECONFLICT, "stored block %s serials %lld..%lld in %s (%s): its purpose or"
							 " beneficiary is not what the journal records", s->issuance,
			    (long long)s->first, (long long)s->last, s->account, s->state_text);
	else if (s)
		c2c_err_set(b->mismatch, C2C_ECONFLICT, "stored block %s serials %lld..%lld in %s (%s%s) is not what"
							 " the journal records", s->issuance, (long long)s->first,
			    (long long)s->last, s->account, s->state_text, s->ca ? ", adjusted" : "");
	else
		c2c_err_set(b->mismatch, C2C_ECONFLICT, "the journal records %s serials %lld..%lld in %s, but no"
							 " stored block holds them", a_iss, (long long)a->first,
			    (long long)a->last, name_id(&b->r->acc, a->account));
}

/* The replay's ranges of the issuance being walked that no stored block
 * matched. */
static void walk_finish_issuance(struct blocks_walk *b)
{
	struct rseg a;
	if (b->iss >= 0 && seg_next_merged(&b->r->map, b->r->iss.v[b->iss].root, b->after, &a))
		walk_differs(b, NULL, &a, name_id(&b->r->iss, (uint32_t)b->iss));
	b->iss = -1;
}

static void walk_compare(struct blocks_walk *b, const struct stored_run *s)
{
	struct rseg a;
	int64_t tag;
	if (b->found)
		return;
	if (b->iss < 0 || strcmp(name_id(&b->r->iss, (uint32_t)b->iss), s->issuance)) {
		walk_finish_issuance(b);
		b->iss = name_index(&b->r->iss, s->issuance);
		b->after = INT64_MIN;
		if (b->iss < 0 || b->r->iss.v[b->iss].seen) { /* unknown, or met twice: not in order */
			walk_differs(b, s, NULL, NULL);
			return;
		}
		b->r->iss.v[b->iss].seen = 1;
	}
	if (!seg_next_merged(&b->r->map, b->r->iss.v[b->iss].root, b->after, &a)) {
		walk_differs(b, s, NULL, NULL);
		return;
	}
	tag = intern_find(&b->r->tags, s->tag);
	if (a.first != s->first || a.last != s->last || strcmp(name_id(&b->r->acc, a.account), s->account) ||
	    a.state != s->state || a.ca != s->ca || tag < 0 || (uint32_t)tag != a.tag) {
		walk_differs(b, s, &a, s->issuance);
		return;
	}
	b->after = a.last;
}

/* What the table invariants (check_tables) need of the blocks, summed as
 * check_blocks reads them: per issuance id the credits and the lowest and
 * highest serial, per account id the credits.  Summed here, the blocks
 * are read once in all; summed by SQL (GROUP BY over a join, as before),
 * each was read again at random through an index: at 10^6 entries most
 * of verify's reads of the database.  The ids are interned as they are
 * stored; one too long to intern is `stray` (no issuance or account can
 * be found for it, so check_tables refuses it). */
struct sum {
	int64_t credits, first, last;
	int matched; /* a row of registry_issuances / registry_accounts has its id */
};
struct sums {
	struct intern ids[2]; /* 0: issuances, 1: accounts */
	struct sum *v[2];
	size_t cap[2];
	int stray;
};

/* b - a + 1, or INT64_MAX where a tampered block would overflow it. */
static int64_t span(int64_t a, int64_t b)
{
	int64_t d;
	return __builtin_sub_overflow(b, a, &d) || d == INT64_MAX ? INT64_MAX : d + 1;
}

/* The sum of id `id` of kind k (0 issuance, 1 account); NULL out of memory
 * or when the id is too long. */
static struct sum *sum_of(struct sums *t, int k, const char *id)
{
	char key[REGISTRY_ID_MAX] = {0};
	size_t n = strlen(id);
	int64_t i;
	if (n >= sizeof(key)) {
		t->stray = 1;
		return NULL;
	}
	memcpy(key, id, n);
	t->ids[k].keylen = sizeof(key);
	if ((i = intern_put(&t->ids[k], key)) < 0)
		return NULL;
	if ((size_t)i >= t->cap[k]) {
		size_t nc = t->cap[k] ? t->cap[k] * 2 : 256;
		struct sum *nv = realloc(t->v[k], nc * sizeof(*nv));
		if (!nv)
			return NULL;
		memset(nv + t->cap[k], 0, (nc - t->cap[k]) * sizeof(*nv));
		t->v[k] = nv;
		t->cap[k] = nc;
	}
	if (!t->v[k][i].credits && !t->v[k][i].first && !t->v[k][i].last) {
		t->v[k][i].first = INT64_MAX;
		t->v[k][i].last = INT64_MIN;
	}
	return &t->v[k][i];
}

/* The stored block of issuance `iss` held by `acc` counted; -1 out of
 * memory. */
static int sums_add(struct sums *t, const char *iss, const char *acc, int64_t first, int64_t last)
{
	int64_t q = span(first, last);
	for (int k = 0; k < 2; k++) {
		struct sum *x = sum_of(t, k, k ? acc : iss);
		if (!x) {
			if (t->stray)
				continue;
			return -1;
		}
		if (__builtin_add_overflow(x->credits, q, &x->credits))
			x->credits = INT64_MAX;
		if (first < x->first)
			x->first = first;
		if (last > x->last)
			x->last = last;
	}
	return 0;
}

static void sums_free(struct sums *t)
{
	for (int k = 0; k < 2; k++) {
		intern_free(&t->ids[k]);
		free(t->v[k]);
	}
}

/* The sum of stored id `id` (0 when no block names it), marked matched. */
static struct sum sums_match(struct sums *t, int k, const char *id)
{
	char key[REGISTRY_ID_MAX] = {0};
	struct sum none = {0, 0, 0, 0};
	size_t n = strlen(id);
	int64_t i = -1;
	if (n < sizeof(key) && t->ids[k].keylen) {
		memcpy(key, id, n);
		i = intern_find(&t->ids[k], key);
	}
	if (i < 0)
		return none;
	t->v[k][i].matched = 1;
	return t->v[k][i];
}

/* Every stored block, in pages: the invariants that need them in order
 * (no serial in two blocks), the totals, the sums check_tables compares,
 * and the comparison above. */
static int check_blocks(struct store *st, struct replay *r, struct sums *sums, struct registry_verify_report *rep,
			struct c2c_err *mismatch, int *found, struct c2c_err *err)
{
	struct blocks_walk b = {.r = r, .mismatch = mismatch, .iss = -1};
	struct stored_run run = {0}, x;
	char prev_iss[REGISTRY_ID_MAX] = "";
	int64_t prev_last = 0, got;
	int have = 0, rc;

	do {
		struct store_stmt *s;
		if ((rc = store_prepare(st, have ? "SELECT \"issuance_id\", \"first_serial\", \"last_serial\", \"account_id\","
						   " \"state\", \"ca_done\", \"purpose\", \"beneficiary\" FROM registry_blocks"
						   " WHERE (\"issuance_id\", \"first_serial\") > (?, ?)"
						   " ORDER BY \"issuance_id\", \"first_serial\" LIMIT 4096"
						 : "SELECT \"issuance_id\", \"first_serial\", \"last_serial\", \"account_id\","
						   " \"state\", \"ca_done\", \"purpose\", \"beneficiary\" FROM registry_blocks"
						   " ORDER BY \"issuance_id\", \"first_serial\" LIMIT 4096",
					    &s, err)))
			return rc;
		if (have) {
			store_bind_text(s, 1, prev_iss);
			store_bind_int(s, 2, x.first);
		}
		got = 0;
		while ((rc = store_step(s, err)) == 1) {
			got++;
			memset(&x, 0, sizeof(x));
			snprintf(x.issuance, sizeof(x.issuance), "%s", store_col_text(s, 0));
			x.first = store_col_int(s, 1);
			x.last = store_col_int(s, 2);
			snprintf(x.account, sizeof(x.account), "%s", store_col_text(s, 3));
			snprintf(x.state_text, sizeof(x.state_text), "%s", store_col_text(s, 4));
			x.state = rstate_parse(x.state_text);
			x.ca = store_col_int(s, 5) != 0;
			if (sums_add(sums, store_col_text(s, 0), store_col_text(s, 3), x.first, x.last)) {
				rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
				break;
			}
			seg_tag(x.tag, store_col_is_null(s, 6) ? NULL : store_col_text(s, 6),
				store_col_is_null(s, 7) ? NULL : store_col_text(s, 7));
			rep->blocks++;
			if (x.state == RSTATE_CANCELLED)
				rep->cancelled += x.last - x.first + 1;
			else if (x.state == RSTATE_RETIRED)
				rep->retired += x.last - x.first + 1;
			else
				rep->held += x.last - x.first + 1;
			if (have && !strcmp(prev_iss, x.issuance) && x.first <= prev_last) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: serials %lld..%lld are in two blocks",
						 x.issuance, (long long)x.first,
						 (long long)(prev_last < x.last ? prev_last : x.last));
				break;
			}
			if (have && !strcmp(run.issuance, x.issuance) && run.last + 1 == x.first &&
			    !strcmp(run.account, x.account) && !strcmp(run.state_text, x.state_text) && run.ca == x.ca &&
			    !memcmp(run.tag, x.tag, sizeof(x.tag))) {
				run.last = x.last;
			} else {
				if (have)
					walk_compare(&b, &run);
				run = x;
			}
			snprintf(prev_iss, sizeof(prev_iss), "%s", x.issuance);
			prev_last = x.last;
			have = 1;
		}
		store_finalize(s);
	} while (rc == 0 && got == VERIFY_PAGE);
	if (rc)
		return rc;
	if (have)
		walk_compare(&b, &run);
	walk_finish_issuance(&b);
	for (size_t j = 0; j < r->iss.ids.n && !b.found; j++) {
		struct rseg a;
		if (!r->iss.v[j].seen && seg_next_merged(&r->map, r->iss.v[j].root, INT64_MIN, &a))
			walk_differs(&b, NULL, &a, name_id(&r->iss, (uint32_t)j));
	}
	*found = b.found;
	return 0;
}

/* Invariants on the stored tables alone (the order of blocks: check_blocks),
 * against the sums of the blocks check_blocks read. */
static int check_tables(struct store *st, struct sums *sums, struct registry_verify_report *rep,
			struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	/* issued = held + cancelled + retired, per issuance, and within its range. */
	if ((rc = store_prepare(st, "SELECT \"id\", \"quantity\", \"first_serial\", \"last_serial\""
				    " FROM registry_issuances ORDER BY \"id\"", &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		struct sum b = sums_match(sums, 0, store_col_text(s, 0));
		int64_t quantity = store_col_int(s, 1), first = store_col_int(s, 2), last = store_col_int(s, 3);
		rep->issued += quantity;
		if (b.credits != quantity || span(first, last) != quantity) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: %lld credits issued but %lld in blocks",
					 store_col_text(s, 0), (long long)quantity, (long long)b.credits);
			break;
		}
		if (b.credits && (b.first < first || b.last > last)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: a block lies outside serials %lld..%lld",
					 store_col_text(s, 0), (long long)first, (long long)last);
			break;
		}
	}
	store_finalize(s);
	if (rc)
		return rc;
	/* Balances equal the sum of blocks; closed accounts are empty. */
	if ((rc = store_prepare(st, "SELECT \"id\", \"balance\", \"status\" FROM registry_accounts ORDER BY \"id\"",
				&s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		struct sum b = sums_match(sums, 1, store_col_text(s, 0));
		if (store_col_int(s, 1) != b.credits) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "account %s: balance says %lld, its blocks hold %lld",
					 store_col_text(s, 0), store_col_int(s, 1), (long long)b.credits);
			break;
		}
		if (!strcmp(store_col_text(s, 2), "closed") && b.credits) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "account %s is closed but holds credits", store_col_text(s, 0));
			break;
		}
	}
	store_finalize(s);
	if (rc)
		return rc;
	/* Every block belongs to an account and an issuance that exist. */
	for (int k = 0; k < 2 && !sums->stray; k++)
		for (size_t i = 0; i < sums->ids[k].n && !sums->stray; i++)
			sums->stray = !sums->v[k][i].matched;
	if (sums->stray)
		return c2c_err_set(err, C2C_ECONFLICT, "a block belongs to an account or issuance that does not exist");
	return 0;
}

/* A member of a journalled issuance as text, "" when absent or null (an
 * entry from before issuances named their basis has neither). */
static const char *jtext(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* No credit without a verified report: every issuance names an approved
 * report of its own project (mrv says, never its tables) and carries no
 * more than that report's verified ER, no report is issued twice, or the
 * issuance names a verification made outside c2c and its source.  What
 * the table says it came from must be what the hash-chained journal
 * recorded when it was issued, so an edited report_id is found even when
 * it names another approved report. */
static int check_issuance_basis(struct store *st, json_t *issued, struct c2c_err *err)
{
	json_t *rows, *row, *seen = json_object();
	size_t i;
	int rc = store_rows_json(st, "SELECT \"id\", \"project\", \"quantity\", \"report_id\","
				 " \"external_verification\", \"source\" FROM registry_issuances ORDER BY \"issued_seq\"",
				 STORE_NOARGS, NULL, &rows, err);
	if (rc) {
		json_decref(seen);
		return rc;
	}
	json_array_foreach(rows, i, row) {
		const char *id = jtext(row, "id"), *project = jtext(row, "project");
		const char *ev = jtext(row, "external_verification"), *src = jtext(row, "source");
		json_t *j = json_object_get(issued, id), *rid = json_object_get(row, "report_id");
		int64_t report = json_integer_value(rid), quantity = json_integer_value(json_object_get(row, "quantity"));
		char key[32];

		if (!j) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s is not in the journal", id);
			break;
		}
		if (report != json_integer_value(json_object_get(j, "report")) ||
		    strcmp(ev, jtext(j, "external_verification")) || strcmp(src, jtext(j, "source"))) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: the report or external verification it "
					 "names is not what the journal records", id);
			break;
		}
		if (!json_is_integer(rid)) {
			if (!*ev || !*src) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s names neither an approved report nor "
						 "an external verification with its source: no credit without a "
						 "verified report", id);
				break;
			}
			continue;
		}
		snprintf(key, sizeof(key), "%lld", (long long)report);
		if (json_object_get(seen, key)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "report %lld is issued twice: issuances %s and %s",
					 (long long)report, json_string_value(json_object_get(seen, key)), id);
			break;
		}
		json_object_set_new(seen, key, json_string(id));
		{
			struct mrv_issuable r;
			if ((rc = mrv_report_issuable(st, report, &r, err))) {
				c2c_err_prefix(err, "issuance %s", id);
				rc = C2C_ECONFLICT;
				break;
			}
			if (strcmp(r.project, project)) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s is project %s's, but report %lld is "
						 "project %s's", id, project, (long long)report, r.project);
				break;
			}
			if (quantity > r.er_tco2e) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: %lld credits issued, above report "
						 "%lld's verified ER of %lld tCO2e", id, (long long)quantity,
						 (long long)report, (long long)r.er_tco2e);
				break;
			}
		}
	}
	json_decref(rows);
	json_decref(seen);
	return rc;
}

/* Every stored authorization record is what its journal entry recorded,
 * and every one journalled is stored. */
static int check_authorizations(struct store *st, json_t *journalled, struct c2c_err *err)
{
	json_t *stored, *v;
	const char *iss;
	int rc = registry_authorizations_stored(st, &stored, err);
	if (rc)
		return rc;
	json_object_foreach(stored, iss, v) {
		if (!json_equal(v, json_object_get(journalled, iss))) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "the stored authorization of issuance %s is not what the "
					 "journal records", iss);
			break;
		}
	}
	if (!rc)
		json_object_foreach(journalled, iss, v)
			if (!json_object_get(stored, iss)) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "journal entry %lld authorized issuance %s with a "
						 "record, but registry_authorizations does not hold it",
						 (long long)json_integer_value(json_object_get(v, "seq")), iss);
				break;
			}
	json_decref(stored);
	return rc;
}

/* Every stored registry_ca row against the adjustments the replay derived. */
static int check_stored_ca(struct store *st, struct replay *r, struct c2c_err *err)
{
	struct ca_row *rows = NULL;
	const struct ca_row *d;
	size_t n = 0, cap = 0;
	struct store_stmt *s;
	int rc, in_stored;

	if ((rc = store_prepare(st, "SELECT \"seq\", \"country\", \"vintage\", \"quantity\", \"issuance_id\","
				    " \"first_serial\", \"last_serial\" FROM registry_ca", &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		struct ca_row x = {.seq = store_col_int(s, 0), .vintage = (int)store_col_int(s, 2),
				   .quantity = store_col_int(s, 3), .first = store_col_int(s, 5), .last = store_col_int(s, 6)};
		snprintf(x.country, sizeof(x.country), "%s", store_col_text(s, 1));
		snprintf(x.issuance, sizeof(x.issuance), "%s", store_col_text(s, 4));
		if (ca_push(&rows, &n, &cap, &x)) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			break;
		}
	}
	store_finalize(s);
	if (rc < 0)
		goto out;
	ca_normalize(rows, &n);
	ca_normalize(r->ca, &r->nca);
	rc = 0;
	if ((d = ca_diff(rows, n, r->ca, r->nca, &in_stored)))
		rc = c2c_err_set(err, C2C_ECONFLICT, in_stored ? "stored corresponding adjustment %s %+lld (%s serials"
								 " %lld..%lld, vintage %d, entry %lld) is not what the journal records"
							       : "the journal gives the corresponding adjustment %s %+lld (%s serials"
								 " %lld..%lld, vintage %d, entry %lld), but registry_ca does not hold it",
				 d->country, (long long)d->quantity, d->issuance, (long long)d->first, (long long)d->last,
				 d->vintage, (long long)d->seq);
out:
	free(rows);
	return rc;
}


int registry_verify_progress(struct store *st, struct registry_verify_report *rep, registry_progress_fn progress,
			     void *progress_ctx, struct c2c_err *err)
{
	struct registry_replay *w = registry_replay_new();
	struct c2c_err mismatch;
	struct chain_ctx c = {w, rep, progress, progress_ctx, 0};
	struct sums sums = {0};
	char head[65];
	int rc, found = 0;

	memset(rep, 0, sizeof(*rep));
	c2c_err_clear(err);
	c2c_err_clear(&mismatch);
	if (!w)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (progress && (rc = registry_head(st, &c.total, head, err)))
		goto out;
	if ((rc = registry_journal_each(st, chain_entry, &c, err)))
		goto out;
	if (progress)
		progress(progress_ctx, "stored blocks compared", 0, 0);
	if ((rc = check_blocks(st, &w->r, &sums, rep, &mismatch, &found, err)) ||
	    (rc = check_tables(st, &sums, rep, err)))
		goto out;
	if ((rc = check_issuance_basis(st, w->issued, err)) || (rc = check_stored_ca(st, &w->r, err)) ||
	    (rc = check_authorizations(st, w->auths, err)) || (rc = approval_check_stored(st, w->fe, err)))
		goto out;
	if (found) {
		*err = mismatch;
		rc = mismatch.code;
	}
out:
	if (progress)
		progress(progress_ctx, NULL, 0, 0);
	sums_free(&sums);
	registry_replay_free(w);
	return rc;
}

int registry_verify(struct store *st, struct registry_verify_report *rep, struct c2c_err *err)
{
	return registry_verify_progress(st, rep, NULL, NULL, err);
}

int registry_head(struct store *st, int64_t *seq, char hash[65], struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	*seq = 0;
	memset(hash, '0', 64);
	hash[64] = '\0';
	if ((rc = store_prepare(st, "SELECT \"seq\", \"hash\" FROM registry_journal ORDER BY \"seq\" DESC LIMIT 1", &s, err)))
		return rc;
	if ((rc = store_step(s, err)) == 1) {
		*seq = store_col_int(s, 0);
		snprintf(hash, 65, "%s", store_col_text(s, 1));
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

int registry_parse_head(const char *text, int64_t *seq, char hash[65])
{
	long long n = 0;
	int used = 0;
	if (!text || sscanf(text, "%lld:%64[0-9a-f]%n", &n, hash, &used) != 2 || text[used] || n <= 0 ||
	    strlen(hash) != 64)
		return -1;
	*seq = n;
	return 0;
}

/* The truncation anchor (docs/registry.md): the chain proves every entry
 * up to the last one stored, but not that the last one stored is the last
 * one written.  A head kept outside the database says how far the journal
 * reached; once the chain is proved intact, entry `seq` having `hash`
 * proves entries 1..seq are those that were written then. */
int registry_verify_head(struct store *st, int64_t seq, const char *hash, struct c2c_err *err)
{
	int64_t last;
	char head[65];
	json_t *e = NULL;
	int rc;

	if ((rc = registry_head(st, &last, head, err)))
		return rc;
	if (last < seq)
		return c2c_err_set(err, C2C_ECONFLICT, "the journal ends at entry %lld, but the head kept elsewhere is entry"
				   " %lld: entries were removed from its end", (long long)last, (long long)seq);
	if ((rc = store_row_json(st, "SELECT \"hash\" FROM registry_journal WHERE \"seq\" = ?",
				 STORE_ARGS(store_int(seq)), NULL, "journal entry", &e, err)))
		return rc;
	if (strcmp(json_string_value(json_object_get(e, "hash")), hash))
		rc = c2c_err_set(err, C2C_ECONFLICT, "journal entry %lld's hash is not the head kept elsewhere (%.16s...):"
				 " the journal was rewritten from there", (long long)seq, hash);
	json_decref(e);
	return rc;
}

json_t *registry_verify_json(const struct registry_verify_report *r, int rc,
			     const struct c2c_err *err)
{
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}", "ok", rc == 0, "entries",
			 (json_int_t)r->entries, "blocks", (json_int_t)r->blocks, "issued", (json_int_t)r->issued,
			 "held", (json_int_t)r->held, "cancelled", (json_int_t)r->cancelled, "retired",
			 (json_int_t)r->retired, "broken_seq", (json_int_t)r->broken_seq, "message",
			 /* in the language of the request answered (the CLI's: English) */
			 rc ? c2c_err_msg_in(err, c2c_lang_current()) : "");
}
