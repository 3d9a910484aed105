/*
 * replay_map.h - private to registry/: the compact state a replay of the
 * journal keeps (verify.c), so that a national registry's journal of 10^6
 * entries and as many ranges is proved in bounded memory and O(n log n)
 * time (issue 16):
 *  - interning: each account, issuance and retirement tag is stored once
 *    and named by a small index (a hash table finds it in O(1)), so a
 *    range costs 40 bytes, not a copy of its strings;
 *  - an interval map per issuance: its ranges as a treap (a balanced
 *    binary search tree, randomized) keyed by first serial, all of them in
 *    one pool of nodes, so finding the range that holds a serial, cutting
 *    it and merging neighbours are O(log n) however many ranges one entry
 *    moves or one issuance holds (the sorted array it replaces shifted
 *    every range after a cut or merge: the square of the ranges).
 */
#ifndef C2C_REGISTRY_REPLAY_MAP_H
#define C2C_REGISTRY_REPLAY_MAP_H

#include <stddef.h>
#include <stdint.h>

/* --- interning: fixed-size keys to dense indices 0, 1, 2, ... ------------- */
struct intern {
	size_t keylen;
	unsigned char *keys; /* n keys of keylen bytes, by index */
	size_t n, cap;
	uint32_t *slots;     /* open addressing: index + 1, 0 empty */
	size_t nslots;
};
/* The index of `key` (keylen bytes), added when absent; -1 out of memory. */
int64_t intern_put(struct intern *t, const void *key);
/* The index of `key`, -1 when absent. */
int64_t intern_find(const struct intern *t, const void *key);
void intern_free(struct intern *t);

/* --- ranges ---------------------------------------------------------------- */
enum { RSTATE_ACTIVE, RSTATE_CANCELLED, RSTATE_RETIRED };
extern const char *const rstate_name[3];
/* A state named in the journal, -1 when none of the three. */
int rstate_parse(const char *s);

/* One range of an issuance: who holds it and how.  `l`, `r`, `prio` are
 * the tree's; 0 is no node. */
struct rseg {
	int64_t first, last;
	uint32_t account; /* interned account id */
	uint32_t tag;     /* interned digest of a retirement's purpose and beneficiary */
	uint32_t l, r, prio;
	uint8_t state, ca;
};

struct rmap {
	struct rseg *v; /* v[0] unused: index 0 is "no node" */
	size_t n, cap;
	uint32_t free_list; /* erased nodes, chained through .l */
	uint32_t seed;
	size_t live;
};

/* Insert a copy of *x into the tree at *root (its first serial not yet in
 * it); the new node's index, 0 when out of memory.  Any pointer into m->v
 * is stale after it. */
uint32_t rmap_insert(struct rmap *m, uint32_t *root, const struct rseg *x);
/* Remove the node that starts at `first`. */
void rmap_erase(struct rmap *m, uint32_t *root, int64_t first);
/* The node starting last at or before `serial`, 0 when none. */
uint32_t rmap_floor(const struct rmap *m, uint32_t root, int64_t serial);
/* The node starting first after `serial`, 0 when none. */
uint32_t rmap_after(const struct rmap *m, uint32_t root, int64_t serial);
void rmap_free(struct rmap *m);

#endif
