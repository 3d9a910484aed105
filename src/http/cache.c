/*
 * cache.c - the bytes of recent public replies, so that a page's repeated
 * GET /api/v1/partnerships is a copy, not a fresh query and a fresh JSON
 * text (1.2-1.6 ms of CPU each, measured with perf: SQLite 24%, building
 * the JSON 17%, printing it 37%; bench/http.sh had c2c at 2% of nginx's
 * requests/s at 64 connections without it).
 *
 * What is kept: 200 replies of GET routes open to the public, asked for by
 * a caller without credentials (a reply to a logged-in user may differ),
 * keyed by the request target exactly as sent.  An entry is good while the
 * database is as it was when the entry was made:
 *   - other connections' commits (another worker thread, a `c2c import`,
 *     another process) move SQLite's PRAGMA data_version, read on the
 *     worker's own connection for every cacheable request (about 1 us);
 *   - this process's own writes over HTTP move `generation`, bumped by the
 *     router after every successful write, whatever the connection;
 *   - the day changes: a call's rounds are open, closed or upcoming by the
 *     server's calendar, so a reply of yesterday is not served today.
 * With the JSON the entry keeps its ETag (encoding.c) and, for a reply of
 * HTTP_GZIP_MIN bytes or more, its gzip, made once: a hit costs a copy, not
 * a hash and a compression.
 * On PostgreSQL, where several servers may write to one database, the
 * version is the server's current snapshot (store_data_version): a commit by
 * any server changes it, so a request that arrives after another server's
 * write was acknowledged never gets a reply made before it (issue 21;
 * tests/pg.sh "the reply cache across two servers").
 *
 * One table per worker thread: SQLite's data_version values of two
 * connections cannot be compared (SQLite counts per connection), and each
 * worker has its own connection; no lock is taken.  At most CACHE_SLOTS entries and
 * CACHE_BYTES per worker, so memory stays small and bounded; a thread-key
 * destructor frees a worker's table when it exits.
 */
#include "router.h"
#include "core/date.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 64
#define CACHE_BYTES (4u << 20) /* all bodies of one worker together */
#define CACHE_KEY_MAX 512      /* longer targets are not cached */
#define CACHE_VERSION_MAX 256  /* store_data_version's text; longer is not cached */

struct cache_entry {
	char key[CACHE_KEY_MAX];
	char data_version[CACHE_VERSION_MAX];
	unsigned long generation;
	char day[11]; /* date_today() when it was made */
	char *body, *gz; /* gz: NULL when the reply is small */
	size_t len, gz_len;
	char etag[HTTP_ETAG_MAX];
	long long total;
	unsigned long used; /* the clock of its last use, for eviction */
};

struct cache_table {
	struct cache_entry e[CACHE_SLOTS];
	size_t bytes;
	unsigned long clock;
};

static atomic_ulong generation, hits, misses;
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static int table_key_ok;

static void table_free(void *p)
{
	struct cache_table *t = p;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		free(t->e[i].body);
		free(t->e[i].gz);
	}
	free(t);
}

static void table_key_make(void)
{
	table_key_ok = !pthread_key_create(&table_key, table_free);
}

/* The calling worker's table, made on first use; NULL: no caching. */
static struct cache_table *table(void)
{
	struct cache_table *t;
	pthread_once(&table_once, table_key_make);
	if (!table_key_ok)
		return NULL;
	if ((t = pthread_getspecific(table_key)))
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	if (pthread_setspecific(table_key, t)) {
		free(t);
		return NULL;
	}
	return t;
}

void http_cache_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

unsigned long http_cache_generation(void)
{
	return atomic_load(&generation);
}

void http_cache_stats(unsigned long *h, unsigned long *m)
{
	*h = atomic_load(&hits);
	*m = atomic_load(&misses);
}

static struct cache_entry *find(struct cache_table *t, const char *key)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (t->e[i].body && !strcmp(t->e[i].key, key))
			return &t->e[i];
	return NULL;
}

static void drop(struct cache_table *t, struct cache_entry *e)
{
	t->bytes -= e->len + e->gz_len;
	free(e->body);
	free(e->gz);
	memset(e, 0, sizeof(*e));
}

int http_cache_get(const char *key, const char *data_version, unsigned long gen, int gzip,
		   struct http_reply *out)
{
	struct cache_table *t;
	struct cache_entry *e;
	char today[11];
	const char *src;
	size_t n;
	int hit = 0;

	if (!data_version || strlen(data_version) >= CACHE_VERSION_MAX || strlen(key) >= CACHE_KEY_MAX ||
	    !(t = table()))
		return 0;
	date_today(today);
	if ((e = find(t, key)) &&
	    (strcmp(e->data_version, data_version) || e->generation != gen || strcmp(e->day, today))) {
		drop(t, e); /* the database, or the day, moved on */
		e = NULL;
	}
	gzip = gzip && e && e->gz;
	src = !e ? NULL : gzip ? e->gz : e->body;
	n = !e ? 0 : gzip ? e->gz_len : e->len;
	if (e && (out->body = malloc(n + 1))) { /* NUL-ended, as reply_json makes it */
		memcpy(out->body, src, n);
		out->body[n] = '\0';
		out->len = n;
		out->gzipped = gzip;
		memcpy(out->etag, e->etag, sizeof(out->etag));
		out->total = e->total;
		out->status = 200;
		e->used = ++t->clock;
		hit = 1;
	}
	atomic_fetch_add(hit ? &hits : &misses, 1);
	return hit;
}

void http_cache_put(const char *key, const char *data_version, unsigned long gen,
		    const struct http_reply *r, const char *gz, size_t gz_len)
{
	struct cache_entry *e, *victim = NULL;
	struct cache_table *t;
	char *copy, *gz_copy = NULL;
	size_t size = r->len + (gz ? gz_len : 0);

	if (!data_version || strlen(data_version) >= CACHE_VERSION_MAX || r->status != 200 || !r->body || r->gzipped ||
	    strlen(key) >= CACHE_KEY_MAX || size > CACHE_BYTES / 4 || !(t = table()))
		return;
	if (!(copy = malloc(r->len ? r->len : 1)))
		return;
	if (gz && !(gz_copy = malloc(gz_len ? gz_len : 1))) {
		free(copy);
		return;
	}
	memcpy(copy, r->body, r->len);
	if (gz)
		memcpy(gz_copy, gz, gz_len);
	if ((e = find(t, key)))
		drop(t, e);
	/* a free slot, else the least recently used one; then room in bytes */
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (!t->e[i].body) {
			victim = &t->e[i];
			break;
		}
		if (!victim || t->e[i].used < victim->used)
			victim = &t->e[i];
	}
	if (victim->body)
		drop(t, victim);
	while (t->bytes + size > CACHE_BYTES) {
		struct cache_entry *old = NULL;
		for (size_t i = 0; i < CACHE_SLOTS; i++)
			if (t->e[i].body && (!old || t->e[i].used < old->used))
				old = &t->e[i];
		if (!old)
			break;
		drop(t, old);
	}
	snprintf(victim->key, sizeof(victim->key), "%s", key);
	snprintf(victim->data_version, sizeof(victim->data_version), "%s", data_version);
	victim->generation = gen;
	date_today(victim->day);
	victim->body = copy;
	victim->len = r->len;
	victim->gz = gz_copy;
	victim->gz_len = gz ? gz_len : 0;
	memcpy(victim->etag, r->etag, sizeof(victim->etag));
	victim->total = r->total;
	victim->used = ++t->clock;
	t->bytes += size;
}
