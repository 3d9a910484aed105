/*
 * clients.c - how much of the server one client may hold, and who the
 * client is behind a proxy.
 *
 * Why: libmicrohttpd's only defence against slow clients is its inactivity
 * timeout, which a client resets with one byte every few seconds; 515 such
 * connections filled every slot and /healthz stopped answering (issue 18).
 * So every connection is watched here from its accept to its close:
 *
 *  - a request line and headers must be in within request_timeout of the
 *    connection's accept (or, on a kept-alive connection, within
 *    idle_timeout + request_timeout of the previous reply: the idle wait is
 *    libmicrohttpd's to end);
 *  - a body must then keep up min_body_rate: at t seconds into the body at
 *    least (t - request_timeout) * min_body_rate bytes must be in.  A
 *    deadline scaled by what has arrived, not a fixed one, so an upload of
 *    100 MB that keeps sending is never cut, however long it takes;
 *  - one address holds at most per_address connections (trusted proxies
 *    excepted: all their clients share their address).
 *
 * A watchdog thread looks at the open connections four times a second and
 * shuts down (shutdown(2), not close) the socket of one past its deadline;
 * libmicrohttpd then sees the hang-up in its own loop and closes it as any
 * other.  The list is under one mutex, and a connection leaves it in
 * libmicrohttpd's "closed" notification, which comes before the library
 * closes the socket: the watchdog never touches a descriptor that may have
 * been reused.  The per-request marks (phase, bytes) are atomics, so the
 * access handler takes no lock.
 */
#include "clients.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CLIENTS_TRUSTED_MAX 16
#define CLIENTS_TICK_MS 250

enum client_phase {
	PHASE_HEADERS, /* waiting for the request line and headers */
	PHASE_BODY,    /* reading a body */
	PHASE_REPLY,   /* being answered: no deadline (the idle timeout still holds) */
	PHASE_CUT,     /* shut down by the watchdog, waiting for the library's close */
};

struct client_conn {
	struct client_conn *prev, *next;
	int fd;
	int trusted;             /* the peer is a trusted proxy */
	unsigned char addr[16];  /* IPv6, IPv4 as ::ffff:a.b.c.d */
	atomic_int phase;
	atomic_int reused;       /* a previous request was answered on it */
	atomic_llong since_ms;   /* the start of the phase */
	atomic_ullong received;  /* body bytes in PHASE_BODY */
};

struct http_clients {
	struct http_clients_config cfg;
	unsigned char trusted[CLIENTS_TRUSTED_MAX][16];
	size_t ntrusted;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t watchdog;
	int stopping;
	struct client_conn *head;
};

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A socket address as 16 bytes, or -1 for another family. */
static int addr_key(const struct sockaddr *sa, unsigned char out[16])
{
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	if (sa->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	return -1;
}

/* Text (numeric IPv4 or IPv6, surrounding blanks allowed) as 16 bytes. */
static int text_key(const char *s, size_t n, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN];
	struct in_addr a4;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, out) == 1)
		return 0;
	if (inet_pton(AF_INET, buf, &a4) != 1)
		return -1;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &a4, 4);
	return 0;
}

static void key_text(const unsigned char key[16], char *out, size_t outlen)
{
	static const unsigned char v4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(key, v4, 12))
		inet_ntop(AF_INET, key + 12, out, (socklen_t)outlen);
	else
		inet_ntop(AF_INET6, key, out, (socklen_t)outlen);
}

static int is_trusted(const struct http_clients *c, const unsigned char key[16])
{
	for (size_t i = 0; i < c->ntrusted; i++)
		if (!memcmp(c->trusted[i], key, 16))
			return 1;
	return 0;
}

/* Parse "ADDR[,ADDR...]" into keys; NULL keys only checks. */
static int parse_list(const char *list, unsigned char keys[][16], size_t *n, struct c2c_err *err)
{
	const char *p = list;
	unsigned char k[16];

	*n = 0;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		if (text_key(p, len, k))
			return c2c_err_set(err, C2C_EUSAGE, "serve: --trusted-proxy: '%.*s' is not an IP address",
					   (int)(len > 60 ? 60 : len), p);
		if (*n == CLIENTS_TRUSTED_MAX)
			return c2c_err_set(err, C2C_EUSAGE, "serve: --trusted-proxy: at most %d addresses",
					   CLIENTS_TRUSTED_MAX);
		if (keys)
			memcpy(keys[*n], k, 16);
		(*n)++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int http_clients_check_list(const char *list, struct c2c_err *err)
{
	size_t n;
	return parse_list(list, NULL, &n, err);
}

/* ---- the watchdog -------------------------------------------------------------------------- */

static int past_deadline(const struct http_clients *c, struct client_conn *cc, long long now)
{
	long long since = atomic_load(&cc->since_ms), allowed;
	unsigned long long got;

	switch (atomic_load(&cc->phase)) {
	case PHASE_HEADERS:
		allowed = (long long)c->cfg.request_timeout * 1000;
		if (atomic_load(&cc->reused))
			allowed += (long long)c->cfg.idle_timeout * 1000;
		return now - since > allowed;
	case PHASE_BODY:
		got = atomic_load(&cc->received);
		allowed = (long long)c->cfg.request_timeout * 1000;
		if (c->cfg.min_body_rate)
			allowed += (long long)(got / c->cfg.min_body_rate) * 1000 +
				   (long long)(got % c->cfg.min_body_rate) * 1000 / c->cfg.min_body_rate;
		return now - since > allowed;
	default:
		return 0;
	}
}

static void *watchdog(void *arg)
{
	struct http_clients *c = arg;
	struct timespec until;

	pthread_mutex_lock(&c->lock);
	while (!c->stopping) {
		long long now = now_ms();
		unsigned cut = 0;
		for (struct client_conn *cc = c->head; cc; cc = cc->next)
			if (past_deadline(c, cc, now)) {
				atomic_store(&cc->phase, PHASE_CUT);
				shutdown(cc->fd, SHUT_RDWR);
				cut++;
			}
		if (cut)
			fprintf(stderr, "c2c serve: closed %u connection%s too slow to send a request\n", cut,
				cut == 1 ? "" : "s");
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += CLIENTS_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->wake, &c->lock, &until);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int http_clients_start(const struct http_clients_config *cfg, struct http_clients **out,
		       struct c2c_err *err)
{
	struct http_clients *c;
	int rc;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	c->cfg = *cfg;
	if ((rc = parse_list(cfg->trusted, c->trusted, &c->ntrusted, err))) {
		free(c);
		return rc;
	}
	c->cfg.trusted = NULL; /* parsed; the caller's string is not kept */
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (cfg->request_timeout && pthread_create(&c->watchdog, NULL, watchdog, c)) {
		pthread_cond_destroy(&c->wake);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return c2c_err_set(err, C2C_ENOMEM, "serve: cannot start the slow-client watchdog");
	}
	*out = c;
	return 0;
}

/* After the daemon stopped: every connection has left the list. */
void http_clients_stop(struct http_clients *c)
{
	if (!c)
		return;
	if (c->cfg.request_timeout) {
		pthread_mutex_lock(&c->lock);
		c->stopping = 1;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->watchdog, NULL);
	}
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- libmicrohttpd's callbacks ----------------------------------------------------------- */

enum MHD_Result http_clients_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_clients *c = cls;
	unsigned char key[16];
	unsigned n = 0;

	(void)addrlen;
	if (!c->cfg.per_address || addr_key(addr, key) || is_trusted(c, key))
		return MHD_YES;
	pthread_mutex_lock(&c->lock);
	for (struct client_conn *cc = c->head; cc && n < c->cfg.per_address; cc = cc->next)
		n += !memcmp(cc->addr, key, 16);
	pthread_mutex_unlock(&c->lock);
	return n < c->cfg.per_address ? MHD_YES : MHD_NO;
}

void http_clients_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			 enum MHD_ConnectionNotificationCode code)
{
	struct http_clients *c = cls;
	struct client_conn *cc = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (!fd || !(cc = calloc(1, sizeof(*cc))))
			return; /* not watched: the inactivity timeout alone holds */
		cc->fd = fd->connect_fd;
		if (!ad || addr_key(ad->client_addr, cc->addr))
			memset(cc->addr, 0, sizeof(cc->addr));
		cc->trusted = is_trusted(c, cc->addr);
		atomic_init(&cc->phase, PHASE_HEADERS);
		atomic_init(&cc->reused, 0);
		atomic_init(&cc->since_ms, now_ms());
		atomic_init(&cc->received, 0);
		pthread_mutex_lock(&c->lock);
		cc->next = c->head;
		if (c->head)
			c->head->prev = cc;
		c->head = cc;
		pthread_mutex_unlock(&c->lock);
		*socket_context = cc;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && cc) {
		pthread_mutex_lock(&c->lock);
		if (cc->prev)
			cc->prev->next = cc->next;
		else
			c->head = cc->next;
		if (cc->next)
			cc->next->prev = cc->prev;
		pthread_mutex_unlock(&c->lock);
		free(cc);
		*socket_context = NULL;
	}
}

static struct client_conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void http_clients_on_request(struct MHD_Connection *conn, size_t upload_size)
{
	struct client_conn *cc = conn_of(conn);
	const char *cl, *te;

	if (!cc)
		return;
	switch (atomic_load(&cc->phase)) {
	case PHASE_HEADERS: /* the first call: the headers are in */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
		if (te || (cl && strspn(cl, "0") != strlen(cl))) {
			atomic_store(&cc->received, 0);
			atomic_store(&cc->since_ms, now_ms());
			atomic_store(&cc->phase, PHASE_BODY);
		} else {
			atomic_store(&cc->phase, PHASE_REPLY);
		}
		break;
	case PHASE_BODY:
		if (upload_size)
			atomic_fetch_add(&cc->received, upload_size);
		else /* the last call: the body is in */
			atomic_store(&cc->phase, PHASE_REPLY);
		break;
	default:
		break;
	}
}

void http_clients_on_completed(struct MHD_Connection *conn)
{
	struct client_conn *cc = conn_of(conn);
	if (!cc || atomic_load(&cc->phase) == PHASE_CUT)
		return;
	atomic_store(&cc->since_ms, now_ms());
	atomic_store(&cc->reused, 1);
	atomic_store(&cc->phase, PHASE_HEADERS);
}

/* ---- the client's address ------------------------------------------------------------------ */

struct last_header {
	const char *value;
};

static enum MHD_Result keep_last_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct last_header *h = cls;
	(void)kind;
	if (key && value && !strcasecmp(key, "X-Forwarded-For"))
		h->value = value;
	return MHD_YES;
}

void http_clients_address(const struct http_clients *c, struct MHD_Connection *conn, char *out,
			  size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct last_header xff = {NULL};
	unsigned char key[16], hop[16];
	const char *end;

	out[0] = '\0';
	if (!ci || addr_key(ci->client_addr, key))
		return;
	/* the peer is the client unless it is a proxy we were told to believe;
	 * then walk X-Forwarded-For from the right (each proxy appends the
	 * address it saw) past the trusted proxies: what a client wrote
	 * itself is further left and never reached */
	if (c && is_trusted(c, key)) {
		MHD_get_connection_values(conn, MHD_HEADER_KIND, keep_last_xff, &xff);
		for (end = xff.value ? xff.value + strlen(xff.value) : NULL; end && end > xff.value;) {
			const char *start = end;
			while (start > xff.value && start[-1] != ',')
				start--;
			if (text_key(start, (size_t)(end - start), hop))
				break; /* not an address: keep the last good hop */
			memcpy(key, hop, 16);
			if (!is_trusted(c, hop))
				break;
			end = start > xff.value ? start - 1 : start;
		}
	}
	key_text(key, out, outlen);
}
