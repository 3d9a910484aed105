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

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seg {
	char issuance[REGISTRY_ID_MAX];
	int64_t first, last;
	char account[64];
	char state[12];
	int ca; /* adjusted: first transferred abroad with a corresponding adjustment */
	/* what a retirement names, purpose and beneficiary, as a 128-bit
	 * BLAKE2b digest: compared whole without keeping up to 500 bytes per
	 * segment */
	unsigned char tag[16];
};

static void seg_tag(unsigned char tag[16], const char *purpose, const char *beneficiary)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, (const unsigned char *)(purpose ? purpose : ""), strlen(purpose ? purpose : "") + 1);
	crypto_generichash_update(&h, (const unsigned char *)(beneficiary ? beneficiary : ""),
				  strlen(beneficiary ? beneficiary : ""));
	crypto_generichash_final(&h, tag, 16);
}

struct segs {
	struct seg *v;
	size_t n, cap;
};

static int seg_cmp(const struct seg *a, const struct seg *b)
{
	int c = strcmp(a->issuance, b->issuance);
	if (c)
		return c;
	return a->first < b->first ? -1 : a->first > b->first;
}

static int segs_insert(struct segs *s, size_t at, const struct seg *x)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct seg *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(*x));
	s->v[at] = *x;
	s->n++;
	return 0;
}

/* First segment not before (issuance, first). */
static size_t segs_lower(const struct segs *s, const char *iss, int64_t first)
{
	size_t lo = 0, hi = s->n;
	struct seg key;
	snprintf(key.issuance, sizeof(key.issuance), "%s", iss);
	key.first = first;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (seg_cmp(&s->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What the replay knows besides the map, learnt from the journal alone:
 * each account's country (from its opening), each issuance's host,
 * vintage and authorization, and the adjustments the rule gives. */
struct named {
	char id[64];
	char country[3]; /* an account's country, an issuance's host */
	int vintage, authorized;
};

struct ca_row {
	int64_t seq, first, last, quantity;
	char country[3], issuance[REGISTRY_ID_MAX];
	int vintage;
};

struct replay {
	struct segs segs;
	struct named *acc, *iss;  /* each sorted by id */
	size_t nacc, niss, capacc, capiss;
	struct ca_row *ca;        /* every adjustment derived, in journal order */
	size_t nca, capca;
};

static int named_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct named *)elem)->id);
}

static struct named *named_find(struct named *v, size_t n, const char *id)
{
	return id && n ? bsearch(id, v, n, sizeof(*v), named_cmp) : NULL; /* bsearch may not be given NULL */
}

/* Insert (or find) `id` in the sorted array; NULL when out of memory. */
static struct named *named_put(struct named **v, size_t *n, size_t *cap, const char *id)
{
	size_t lo = 0, hi = *n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((*v)[mid].id, id);
		if (!c)
			return &(*v)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct named *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	memmove(&(*v)[lo + 1], &(*v)[lo], (*n - lo) * sizeof(**v));
	(*n)++;
	memset(&(*v)[lo], 0, sizeof(**v));
	snprintf((*v)[lo].id, sizeof((*v)[lo].id), "%s", id);
	return &(*v)[lo];
}

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
static int ca_derive(struct replay *r, int64_t seq, const struct named *iss, const char *from,
		     const char *to, int64_t first, int64_t last)
{
	const char *country[2] = {from, to};
	for (int k = 0; k < 2; k++) {
		struct ca_row x = {.seq = seq, .first = first, .last = last, .vintage = iss->vintage};
		x.quantity = k == 0 ? last - first + 1 : -(last - first + 1);
		snprintf(x.country, sizeof(x.country), "%s", country[k]);
		snprintf(x.issuance, sizeof(x.issuance), "%s", iss->id);
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

static int seg_joins(const struct seg *a, const struct seg *b)
{
	return !strcmp(a->issuance, b->issuance) && a->last + 1 == b->first && !strcmp(a->account, b->account) &&
	       !strcmp(a->state, b->state) && a->ca == b->ca && !memcmp(a->tag, b->tag, sizeof(a->tag));
}

/* The registry merges neighbouring blocks that hold their credits the same
 * way (ops.c, coalesce_block), and a later movement may take a range that
 * was moved in pieces: the replay merges as it goes, so such a range lies in
 * one segment here too.  Returns the index of the merged segment. */
static size_t segs_merge_at(struct segs *s, size_t i)
{
	if (i + 1 < s->n && seg_joins(&s->v[i], &s->v[i + 1])) {
		s->v[i].last = s->v[i + 1].last;
		memmove(&s->v[i + 1], &s->v[i + 2], (s->n - i - 2) * sizeof(s->v[0]));
		s->n--;
	}
	if (i > 0 && seg_joins(&s->v[i - 1], &s->v[i])) {
		s->v[i - 1].last = s->v[i].last;
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
		s->n--;
		i--;
	}
	return i;
}

/* Apply one journalled movement to the map; returns a reason on failure. */
static const char *replay_move(struct replay *r, int64_t seq, const char *op, json_t *mv,
			       const unsigned char tag[16])
{
	struct segs *s = &r->segs;
	const char *iss = json_string_value(json_object_get(mv, "issuance"));
	const char *from = json_string_value(json_object_get(mv, "from"));
	const char *to = json_string_value(json_object_get(mv, "to"));
	const char *state = json_string_value(json_object_get(mv, "state"));
	int64_t first = json_integer_value(json_object_get(mv, "first"));
	int64_t last = json_integer_value(json_object_get(mv, "last"));
	size_t i;

	if (!iss || !to || !state || first <= 0 || last < first)
		return "a movement in the journal is malformed";
	i = segs_lower(s, iss, first);
	if (!from) { /* issuance: the range must be new */
		struct seg x = {0};
		if ((i < s->n && !strcmp(s->v[i].issuance, iss) && s->v[i].first <= last) ||
		    (i > 0 && !strcmp(s->v[i - 1].issuance, iss) && s->v[i - 1].last >= first))
			return "an issuance re-issues serials that exist already";
		snprintf(x.issuance, sizeof(x.issuance), "%s", iss);
		x.first = first;
		x.last = last;
		snprintf(x.account, sizeof(x.account), "%s", to);
		snprintf(x.state, sizeof(x.state), "%s", state);
		memcpy(x.tag, tag, sizeof(x.tag));
		return segs_insert(s, i, &x) ? "out of memory" : NULL;
	}
	/* The segment holding `first` may start before it. */
	if (i == s->n || strcmp(s->v[i].issuance, iss) || s->v[i].first > first)
		i--;
	if (i >= s->n || strcmp(s->v[i].issuance, iss) || s->v[i].first > first || s->v[i].last < last)
		return "a movement takes credits that were not there";
	if (strcmp(s->v[i].account, from) || strcmp(s->v[i].state, "active"))
		return "a movement takes credits from an account that did not hold them, or that had left circulation";
	{
		struct seg whole = s->v[i], mid = whole;
		const struct named *fa = named_find(r->acc, r->nacc, from), *ta = named_find(r->acc, r->nacc, to);
		const struct named *is = named_find(r->iss, r->niss, iss);
		size_t at = i;

		if (!fa || !ta || !is)
			return "a movement names an account or issuance the journal never opened";
		if (strcmp(fa->country, ta->country) && !whole.ca) {
			/* Into another country's registry: the first transfer of an
			 * authorized credit; an unauthorized one only by allocation. */
			if (is->authorized) {
				if (ca_derive(r, seq, is, fa->country, ta->country, first, last))
					return "out of memory";
				mid.ca = 1;
			} else if (strcmp(op, "allocate")) {
				return "a movement takes unauthorized credits into another country's registry";
			}
		}
		if (whole.first == first && whole.last == last) {
			/* The whole segment moves (all but at most one of an
			 * operation's ranges): in place, nothing shifts, so an entry
			 * moving k ranges costs k binary searches, not k shifts. */
			snprintf(s->v[i].account, sizeof(s->v[i].account), "%s", to);
			snprintf(s->v[i].state, sizeof(s->v[i].state), "%s", state);
			s->v[i].ca = mid.ca;
			memcpy(s->v[i].tag, tag, sizeof(s->v[i].tag));
			segs_merge_at(s, i);
			return NULL;
		}
		/* Cut [whole.first, first-1] | [first, last] | [last+1, whole.last]. */
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(whole));
		s->n--;
		if (whole.first < first) {
			struct seg lo = whole;
			lo.last = first - 1;
			if (segs_insert(s, at++, &lo))
				return "out of memory";
		}
		mid.first = first;
		mid.last = last;
		snprintf(mid.account, sizeof(mid.account), "%s", to);
		snprintf(mid.state, sizeof(mid.state), "%s", state);
		memcpy(mid.tag, tag, sizeof(mid.tag));
		if (segs_insert(s, at, &mid))
			return "out of memory";
		if (whole.last > last) {
			struct seg hi = whole;
			hi.first = last + 1;
			if (segs_insert(s, at + 1, &hi))
				return "out of memory";
		}
		segs_merge_at(s, at);
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
	json_array_foreach(json_object_get(body, "opened"), k, v) {
		struct named *a = named_put(&r->acc, &r->nacc, &r->capacc, json_string_value(v) ? json_string_value(v) : "");
		if (!a)
			return "out of memory";
		snprintf(a->country, sizeof(a->country), "%.2s", a->id);
	}
	if (!strcmp(op, "open") && json_is_object(acc) &&
	    registry_reserved_id(json_string_value(json_object_get(acc, "id")) ? json_string_value(json_object_get(acc, "id")) : ""))
		return "a user opened an account under an id the registry keeps for its own";
	if (!strcmp(op, "open") && json_is_object(acc)) {
		struct named *a = named_put(&r->acc, &r->nacc, &r->capacc,
					    json_string_value(json_object_get(acc, "id")) ? json_string_value(json_object_get(acc, "id")) : "");
		if (!a)
			return "out of memory";
		snprintf(a->country, sizeof(a->country), "%s", json_string_value(json_object_get(acc, "country")) ?
								json_string_value(json_object_get(acc, "country")) : "");
	}
	if (!strcmp(op, "issue")) {
		json_t *i = json_object_get(body, "issuance");
		const char *id = json_string_value(json_object_get(i, "id"));
		const char *project = json_string_value(json_object_get(i, "project"));
		struct named *x;
		if (!id || !project)
			return "an issuance in the journal is malformed";
		if (!(x = named_put(&r->iss, &r->niss, &r->capiss, id)))
			return "out of memory";
		/* the host the issuance recorded; a journal older than that field
		 * named it by the project's JCM reference (KH003) */
		snprintf(x->country, sizeof(x->country), "%.2s",
			 json_is_string(json_object_get(i, "host")) ? json_string_value(json_object_get(i, "host"))
								   : project);
		x->vintage = (int)json_integer_value(json_object_get(i, "vintage"));
	}
	if (!strcmp(op, "authorize")) {
		struct named *x = named_find(r->iss, r->niss, json_string_value(json_object_get(body, "issuance")));
		if (!x)
			return "an authorization names an issuance the journal never made";
		x->authorized = 1;
	}
	return NULL;
}

/* An authorization reaches the credits of its issuance still active in
 * another country's registry and not yet adjusted: first transferred now. */
static const char *replay_authorize(struct replay *r, int64_t seq, json_t *body)
{
	const struct named *is = named_find(r->iss, r->niss, json_string_value(json_object_get(body, "issuance")));
	struct segs *s = &r->segs;
	for (size_t i = segs_lower(s, is->id, 0); i < s->n && !strcmp(s->v[i].issuance, is->id); i++) {
		const struct named *a = named_find(r->acc, r->nacc, s->v[i].account);
		if (!a)
			return "a block names an account the journal never opened";
		if (s->v[i].ca || strcmp(s->v[i].state, "active") || !strcmp(a->country, is->country))
			continue;
		if (ca_derive(r, seq, is, is->country, a->country, s->v[i].first, s->v[i].last))
			return "out of memory";
		s->v[i].ca = 1;
		i = segs_merge_at(s, i);
	}
	return NULL;
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

/* Merge neighbours with the same owner and state, so that two ways of
 * cutting the same ranges compare equal. */
static void segs_normalize(struct segs *s)
{
	size_t w = 0;
	for (size_t r = 0; r < s->n; r++) {
		if (w > 0 && !strcmp(s->v[w - 1].issuance, s->v[r].issuance) &&
		    s->v[w - 1].last + 1 == s->v[r].first && !strcmp(s->v[w - 1].account, s->v[r].account) &&
		    !strcmp(s->v[w - 1].state, s->v[r].state) && s->v[w - 1].ca == s->v[r].ca &&
		    !memcmp(s->v[w - 1].tag, s->v[r].tag, sizeof(s->v[r].tag)))
			s->v[w - 1].last = s->v[r].last;
		else
			s->v[w++] = s->v[r];
	}
	s->n = w;
}

/* The chain and the replay, one entry at a time: the database's journal
 * (registry_verify) and an exported file (journal_file.c) go through this
 * same code, so the proof from a file is the proof from the database. */
struct registry_replay {
	struct replay r;
	json_t *issued;  /* issuance id -> what its `issue` entry recorded */
	json_t *auths;   /* issuance id -> the authorization record its entry journalled, with seq */
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
	free(w->r.segs.v);
	free(w->r.acc);
	free(w->r.iss);
	free(w->r.ca);
	free(w);
}

int registry_replay_entry(struct registry_replay *w, const struct registry_entry *e,
			  struct registry_verify_report *rep, struct c2c_err *err)
{
	struct replay *replayed = &w->r;
	char hash[65];
	const char *why = NULL;
	json_t *body, *mv;
	size_t k;

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
	body = json_loads(e->body, 0, NULL);
	{
		const char *op = e->op;
		size_t ca_from = replayed->nca;
		unsigned char tag[16];
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
		why = replay_learn(replayed, op, body);
		json_array_foreach(json_object_get(body, "moves"), k, mv)
			if (why || (why = replay_move(replayed, e->seq, op, mv, tag)))
				break;
		if (!why && !strcmp(op, "authorize"))
			why = replay_authorize(replayed, e->seq, body);
		if (!why)
			why = replay_check_ca(replayed, e->seq, ca_from, body);
		if (!why)
			why = approval_replay_entry(w->fe, w, e, body);
	}
	json_decref(body);
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
	struct segs *s = &w->r.segs;
	json_t *by, *v;
	const char *why = approval_replay_end(w->fe);

	if (why)
		return c2c_err_set(err, C2C_ECONFLICT, "%s", why);
	by = json_object();
	segs_normalize(s);
	rep->blocks = (int64_t)s->n;
	rep->issued = rep->held = rep->cancelled = rep->retired = 0;
	for (size_t i = 0; i < s->n; i++) {
		int64_t q = s->v[i].last - s->v[i].first + 1;
		const char *state = s->v[i].state;
		json_t *a = json_object_get(by, s->v[i].account);
		if (!a) {
			const struct named *n = named_find(w->r.acc, w->r.nacc, s->v[i].account);
			a = json_pack("{s:s, s:s, s:I, s:I, s:I}", "account", s->v[i].account, "country",
				      n ? n->country : "", "active", (json_int_t)0, "cancelled", (json_int_t)0, "retired",
				      (json_int_t)0);
			if (!a || json_object_set_new(by, s->v[i].account, a)) {
				json_decref(by);
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
			}
		}
		json_object_set_new(a, state, json_integer(json_integer_value(json_object_get(a, state)) + q));
		rep->issued += q;
		if (!strcmp(state, "cancelled"))
			rep->cancelled += q;
		else if (!strcmp(state, "retired"))
			rep->retired += q;
		else
			rep->held += q;
	}
	/* in account order: json objects keep no order, the sorted id list does */
	*out = json_array();
	for (size_t i = 0; i < w->r.nacc; i++)
		if ((v = json_object_get(by, w->r.acc[i].id)))
			json_array_append(*out, v);
	json_decref(by);
	return 0;
}

int registry_journal_each(struct store *st, registry_entry_fn fn, void *ctx, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "SELECT \"seq\", \"at\", \"user_name\", \"op\", \"body\", \"prev_hash\", \"hash\""
				    " FROM registry_journal ORDER BY \"seq\"", &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		struct registry_entry e = {store_col_int(s, 0), store_col_text(s, 1), store_col_text(s, 2),
					   store_col_text(s, 3), store_col_text(s, 4), store_col_text(s, 5),
					   store_col_text(s, 6)};
		if ((rc = fn(ctx, &e, err)))
			break;
	}
	store_finalize(s);
	return rc < 0 ? rc : 0; /* 0 when every entry was read, else the first error */
}

struct chain_ctx {
	struct registry_replay *w;
	struct registry_verify_report *rep;
};

static int chain_entry(void *ctx, const struct registry_entry *e, struct c2c_err *err)
{
	struct chain_ctx *c = ctx;
	return registry_replay_entry(c->w, e, c->rep, err);
}

const char *registry_replay_country(struct registry_replay *w, const char *account)
{
	const struct named *a = named_find(w->r.acc, w->r.nacc, account);
	return a ? a->country : NULL;
}

int registry_replay_adjusted(struct registry_replay *w, const char *issuance, int64_t serial)
{
	const struct segs *s = &w->r.segs;
	size_t i = segs_lower(s, issuance, serial);
	if (i == s->n || strcmp(s->v[i].issuance, issuance) || s->v[i].first > serial)
		i--; /* the segment holding it may start before it (i wraps when 0: caught below) */
	if (i >= s->n || strcmp(s->v[i].issuance, issuance) || s->v[i].first > serial || s->v[i].last < serial)
		return -1;
	return s->v[i].ca;
}

int registry_replay_itmos_held(struct registry_replay *w, const char *party, json_t **out)
{
	const struct segs *s = &w->r.segs;
	*out = json_array();
	for (size_t i = 0; i < s->n; i++) {
		const char *cc = registry_replay_country(w, s->v[i].account);
		if (!s->v[i].ca || strcmp(s->v[i].state, "active") || !cc || strcmp(cc, party))
			continue;
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I, s:I}", "account", s->v[i].account, "issuance",
						      s->v[i].issuance, "first", (json_int_t)s->v[i].first, "last",
						      (json_int_t)s->v[i].last, "quantity",
						      (json_int_t)(s->v[i].last - s->v[i].first + 1)));
	}
	return 0;
}

static int check_chain_and_replay(struct store *st, struct registry_replay *w, struct registry_verify_report *rep,
				  struct c2c_err *err)
{
	struct chain_ctx c = {w, rep};
	return registry_journal_each(st, chain_entry, &c, err);
}

static int load_blocks(struct store *st, struct segs *out, struct registry_verify_report *rep,
		       struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = store_prepare(st, "SELECT \"issuance_id\", \"first_serial\", \"last_serial\", \"account_id\", \"state\","
				    " \"ca_done\", \"purpose\", \"beneficiary\" FROM registry_blocks ORDER BY \"issuance_id\", \"first_serial\"",
				&s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		struct seg x;
		snprintf(x.issuance, sizeof(x.issuance), "%s", store_col_text(s, 0));
		x.first = store_col_int(s, 1);
		x.last = store_col_int(s, 2);
		snprintf(x.account, sizeof(x.account), "%s", store_col_text(s, 3));
		snprintf(x.state, sizeof(x.state), "%s", store_col_text(s, 4));
		x.ca = store_col_int(s, 5) != 0;
		seg_tag(x.tag, store_col_is_null(s, 6) ? NULL : store_col_text(s, 6),
			store_col_is_null(s, 7) ? NULL : store_col_text(s, 7));
		if (segs_insert(out, out->n, &x))
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		rep->blocks++;
		if (!strcmp(x.state, "cancelled"))
			rep->cancelled += x.last - x.first + 1;
		else if (!strcmp(x.state, "retired"))
			rep->retired += x.last - x.first + 1;
		else
			rep->held += x.last - x.first + 1;
		if (rc < 0)
			break;
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Invariants on the stored tables alone. */
static int check_tables(struct store *st, const struct segs *blocks, struct registry_verify_report *rep,
			struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	/* No serial in two blocks: blocks are sorted by (issuance, first). */
	for (size_t i = 1; i < blocks->n; i++)
		if (!strcmp(blocks->v[i].issuance, blocks->v[i - 1].issuance) &&
		    blocks->v[i].first <= blocks->v[i - 1].last)
			return c2c_err_set(err, C2C_ECONFLICT, "issuance %s: serials %lld..%lld are in two blocks",
					   blocks->v[i].issuance, (long long)blocks->v[i].first,
					   (long long)(blocks->v[i - 1].last < blocks->v[i].last ? blocks->v[i - 1].last
												: blocks->v[i].last));
	/* issued = held + cancelled + retired, per issuance, and within its range. */
	if ((rc = store_prepare(st, "SELECT i.\"id\", i.\"quantity\", i.\"first_serial\", i.\"last_serial\","
				    " COALESCE(SUM(b.\"last_serial\" - b.\"first_serial\" + 1), 0),"
				    " COALESCE(MIN(b.\"first_serial\"), i.\"first_serial\"), COALESCE(MAX(b.\"last_serial\"), i.\"last_serial\")"
				    " FROM registry_issuances i LEFT JOIN registry_blocks b ON b.\"issuance_id\" = i.\"id\""
				    " GROUP BY i.\"id\", i.\"quantity\", i.\"first_serial\", i.\"last_serial\" ORDER BY i.\"id\"",
				&s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		rep->issued += store_col_int(s, 1);
		if (store_col_int(s, 4) != store_col_int(s, 1) || store_col_int(s, 3) - store_col_int(s, 2) + 1 != store_col_int(s, 1)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: %lld credits issued but %lld in blocks",
					 store_col_text(s, 0), store_col_int(s, 1), store_col_int(s, 4));
			break;
		}
		if (store_col_int(s, 5) < store_col_int(s, 2) || store_col_int(s, 6) > store_col_int(s, 3)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "issuance %s: a block lies outside serials %lld..%lld",
					 store_col_text(s, 0), store_col_int(s, 2), store_col_int(s, 3));
			break;
		}
	}
	store_finalize(s);
	if (rc)
		return rc;
	/* Balances equal the sum of blocks; closed accounts are empty. */
	if ((rc = store_prepare(st, "SELECT a.\"id\", a.\"balance\", COALESCE(SUM(b.\"last_serial\" - b.\"first_serial\" + 1), 0), a.\"status\""
				    " FROM registry_accounts a LEFT JOIN registry_blocks b ON b.\"account_id\" = a.\"id\""
				    " GROUP BY a.\"id\", a.\"balance\", a.\"status\" ORDER BY a.\"id\"", &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		if (store_col_int(s, 1) != store_col_int(s, 2)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "account %s: balance says %lld, its blocks hold %lld",
					 store_col_text(s, 0), store_col_int(s, 1), store_col_int(s, 2));
			break;
		}
		if (!strcmp(store_col_text(s, 3), "closed") && store_col_int(s, 2)) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "account %s is closed but holds credits", store_col_text(s, 0));
			break;
		}
	}
	store_finalize(s);
	if (rc)
		return rc;
	/* Every block belongs to an account and an issuance that exist. */
	if (store_query_int(st, "SELECT COUNT(*) FROM registry_blocks b WHERE NOT EXISTS (SELECT 1 FROM registry_accounts a"
				" WHERE a.\"id\" = b.\"account_id\") OR NOT EXISTS (SELECT 1 FROM registry_issuances i"
				" WHERE i.\"id\" = b.\"issuance_id\")", err) != 0)
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

int registry_verify(struct store *st, struct registry_verify_report *rep, struct c2c_err *err)
{
	struct registry_replay *w = registry_replay_new();
	struct segs stored = {0};
	struct replay *rp;
	json_t *issued;
	int rc;

	memset(rep, 0, sizeof(*rep));
	c2c_err_clear(err);
	if (!w)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rp = &w->r;
	issued = w->issued;
	if ((rc = check_chain_and_replay(st, w, rep, err)))
		goto out;
	if ((rc = load_blocks(st, &stored, rep, err)))
		goto out;
	if ((rc = check_tables(st, &stored, rep, err)))
		goto out;
	if ((rc = check_issuance_basis(st, issued, err)) || (rc = check_stored_ca(st, rp, err)) ||
	    (rc = check_authorizations(st, w->auths, err)) || (rc = approval_check_stored(st, w->fe, err)))
		goto out;
	segs_normalize(&rp->segs);
	segs_normalize(&stored);
	for (size_t i = 0; i < rp->segs.n || i < stored.n; i++) {
		const struct seg *a = i < rp->segs.n ? &rp->segs.v[i] : NULL, *b = i < stored.n ? &stored.v[i] : NULL;
		if (a && b && !seg_cmp(a, b) && a->last == b->last && !strcmp(a->account, b->account) &&
		    !strcmp(a->state, b->state) && a->ca == b->ca && !memcmp(a->tag, b->tag, sizeof(a->tag)))
			continue;
		if (a && b && !seg_cmp(a, b) && a->last == b->last && !strcmp(a->account, b->account) &&
		    !strcmp(a->state, b->state) && a->ca == b->ca)
			rc = c2c_err_set(err, C2C_ECONFLICT, "stored block %s serials %lld..%lld in %s (%s): its purpose or"
							     " beneficiary is not what the journal records", b->issuance,
					 (long long)b->first, (long long)b->last, b->account, b->state);
		else if (b)
			rc = c2c_err_set(err, C2C_ECONFLICT, "stored block %s serials %lld..%lld in %s (%s%s) is not what"
							     " the journal records", b->issuance, (long long)b->first,
					 (long long)b->last, b->account, b->state, b->ca ? ", adjusted" : "");
		else
			rc = c2c_err_set(err, C2C_ECONFLICT, "the journal records %s serials %lld..%lld in %s, but no"
							     " stored block holds them", a->issuance, (long long)a->first,
					 (long long)a->last, a->account);
		break;
	}
out:
	registry_replay_free(w);
	free(stored.v);
	return rc;
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
