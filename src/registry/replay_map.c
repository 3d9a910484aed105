/*
 * replay_map.c - the replay's interned names and per-issuance interval
 * maps (replay_map.h says why they are shaped so).
 */
#include "replay_map.h"

#include <stdlib.h>
#include <string.h>

/* Mix a word into a hash with a multiply, and finish with MurmurHash3's
 * 64-bit finalizer so that ids differing only in their last characters
 * (the high bytes of a little-endian word) still spread over the table's
 * low bits.  The keys (ids, digests) are not chosen by someone who could
 * make them collide to slow a replay more than linearly in what they
 * wrote. */
static uint64_t key_hash(const unsigned char *k, size_t len)
{
	uint64_t h = 1469598103934665603ULL, w;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, k + i, 8);
		if (!w && i) { /* the rest of a padded id is zeros (memcmp still compares it) */
			i = len;
			break;
		}
		h = (h ^ w) * 1099511628211ULL;
	}
	for (; i < len; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int64_t slot_lookup(const struct intern *t, const void *key, size_t *slot)
{
	size_t mask = t->nslots - 1, i = (size_t)key_hash(key, t->keylen) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t s = t->slots[i];
		if (!s) {
			*slot = i;
			return -1;
		}
		if (!memcmp(t->keys + (size_t)(s - 1) * t->keylen, key, t->keylen))
			return s - 1;
	}
}

static int intern_grow(struct intern *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 256, slot;
	uint32_t *old = t->slots;
	size_t oldn = t->nslots;
	if (!(t->slots = calloc(ns, sizeof(*t->slots)))) {
		t->slots = old;
		return -1;
	}
	t->nslots = ns;
	for (size_t i = 0; i < oldn; i++)
		if (old[i]) {
			slot_lookup(t, t->keys + (size_t)(old[i] - 1) * t->keylen, &slot);
			t->slots[slot] = old[i];
		}
	free(old);
	return 0;
}

int64_t intern_find(const struct intern *t, const void *key)
{
	size_t slot;
	return t->nslots ? slot_lookup(t, key, &slot) : -1;
}

int64_t intern_put(struct intern *t, const void *key)
{
	size_t slot;
	int64_t i;
	if ((t->n + 1) * 2 > t->nslots && intern_grow(t))
		return -1;
	if ((i = slot_lookup(t, key, &slot)) >= 0)
		return i;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		unsigned char *nk = realloc(t->keys, nc * t->keylen);
		if (!nk)
			return -1;
		t->keys = nk;
		t->cap = nc;
	}
	memcpy(t->keys + t->n * t->keylen, key, t->keylen);
	t->slots[slot] = (uint32_t)++t->n;
	return (int64_t)t->n - 1;
}

void intern_free(struct intern *t)
{
	free(t->keys);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

const char *const rstate_name[3] = {"active", "cancelled", "retired"};

int rstate_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, rstate_name[i]))
			return i;
	return -1;
}

/* --- the treap ------------------------------------------------------------- */

static uint32_t node_new(struct rmap *m, const struct rseg *x)
{
	uint32_t i;
	if (m->free_list) {
		i = m->free_list;
		m->free_list = m->v[i].l;
	} else {
		if (m->n + 1 >= m->cap) {
			size_t nc = m->cap ? m->cap * 2 : 1024;
			struct rseg *nv;
			if (nc > UINT32_MAX || !(nv = realloc(m->v, nc * sizeof(*nv))))
				return 0;
			m->v = nv;
			m->cap = nc;
			if (!m->n)
				m->n = 1; /* index 0 is no node */
		}
		i = (uint32_t)m->n++;
	}
	m->v[i] = *x;
	m->v[i].l = m->v[i].r = 0;
	/* xorshift32: priorities need only be independent of the keys */
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 17;
	m->seed ^= m->seed << 5;
	m->v[i].prio = m->seed;
	m->live++;
	return i;
}

static uint32_t ins(struct rmap *m, uint32_t t, uint32_t x)
{
	struct rseg *v = m->v;
	uint32_t c;
	if (!t)
		return x;
	if (v[x].first < v[t].first) {
		v[t].l = ins(m, v[t].l, x);
		if (v[c = v[t].l].prio > v[t].prio) { /* rotate right */
			v[t].l = v[c].r;
			v[c].r = t;
			return c;
		}
	} else {
		v[t].r = ins(m, v[t].r, x);
		if (v[c = v[t].r].prio > v[t].prio) { /* rotate left */
			v[t].r = v[c].l;
			v[c].l = t;
			return c;
		}
	}
	return t;
}

uint32_t rmap_insert(struct rmap *m, uint32_t *root, const struct rseg *x)
{
	uint32_t i;
	if (!m->seed)
		m->seed = 2463534242u;
	if (!(i = node_new(m, x)))
		return 0;
	*root = ins(m, *root, i);
	return i;
}

static uint32_t join(struct rmap *m, uint32_t a, uint32_t b)
{
	if (!a || !b)
		return a ? a : b;
	if (m->v[a].prio > m->v[b].prio) {
		m->v[a].r = join(m, m->v[a].r, b);
		return a;
	}
	m->v[b].l = join(m, a, m->v[b].l);
	return b;
}

static uint32_t del(struct rmap *m, uint32_t t, int64_t first)
{
	if (!t)
		return 0;
	if (first < m->v[t].first) {
		m->v[t].l = del(m, m->v[t].l, first);
	} else if (first > m->v[t].first) {
		m->v[t].r = del(m, m->v[t].r, first);
	} else {
		uint32_t rest = join(m, m->v[t].l, m->v[t].r);
		m->v[t].l = m->free_list;
		m->free_list = t;
		m->live--;
		return rest;
	}
	return t;
}

void rmap_erase(struct rmap *m, uint32_t *root, int64_t first)
{
	*root = del(m, *root, first);
}

uint32_t rmap_floor(const struct rmap *m, uint32_t t, int64_t serial)
{
	uint32_t best = 0;
	while (t) {
		if (m->v[t].first <= serial) {
			best = t;
			t = m->v[t].r;
		} else {
			t = m->v[t].l;
		}
	}
	return best;
}

uint32_t rmap_after(const struct rmap *m, uint32_t t, int64_t serial)
{
	uint32_t best = 0;
	while (t) {
		if (m->v[t].first > serial) {
			best = t;
			t = m->v[t].l;
		} else {
			t = m->v[t].r;
		}
	}
	return best;
}

void rmap_free(struct rmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}
