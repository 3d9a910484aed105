/*
 * server.c - c2c's HTTP server on libmicrohttpd (Debian's libmicrohttpd-dev):
 * the listening socket, the worker threads and their database connections,
 * the headers every reply carries, and a shutdown that lets the requests in
 * flight finish.  What a request means is router.c's business; this file
 * only moves bytes between it and the library.
 *
 * Threads: a pool of N workers, each with its own poll() loop, and each
 * opening its own SQLite connection on first use (a connection is never
 * shared between threads, so no lock is taken per request) kept until the
 * thread exits, when the thread-key destructor closes it.
 *
 * poll(), not epoll: with libmicrohttpd 0.9.75's epoll mode a worker that
 * reached its share of the connection limit stopped noticing that its
 * clients had hung up, and sat on 256 dead sockets until the 15 s timeout
 * (wrk -c500 twice in a row: the second run got 431 requests instead of
 * 130 000).  poll() mode had no such stall and measured as fast (about
 * 100 000 small requests/s at 64 connections on 2 cores).
 */
#include "http.h"
#include "clients.h"
#include "router.h"
#include "core/strbuf.h"
#include "static.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct http_server {
	struct MHD_Daemon *daemon;
	int listen_fd;
	const char *db_path;
	char *web_root;       /* cfg->web_dir resolved (static.c compares against it), or NULL */
	pthread_key_t store_key;
	struct http_clients *clients; /* slow clients, per-address limit, proxies (clients.c) */
	atomic_int inflight;  /* requests begun (request line read) and not yet done */
	atomic_int draining;  /* set on stop: replies say Connection: close */
	char upload_dir[4096]; /* where streamed bodies are spooled (upload_open) */
	char url[128];
};

/* One request, from its request line to its completion. */
struct http_conn_req {
	int seen;        /* the access handler was called once */
	int answered;
	int too_big;     /* the body went over HTTP_BODY_MAX: the rest is dropped */
	struct strbuf body; /* the request body as read so far, capped at HTTP_BODY_MAX */
	int spool_fd;    /* a streamed body's file (upload_open), or -1 */
	int spool_err;   /* errno of a failed spool write: the rest is dropped */
	unsigned long long spooled; /* bytes of it written so far */
	char spool[4096 + 32]; /* its path, "" when none */
	size_t len;      /* of the target as sent; > HTTP_URI_MAX means not kept */
	char target[];   /* the raw request target, decoded in place by router.c */
};

static const char oom_body[] = "{\"error\":{\"code\":\"no_memory\",\"message\":\"out of memory\"}}\n";

static void store_destroy(void *p)
{
	store_close(p);
}

/* The calling worker's database connection, opened the first time. */
static int thread_store(void *cls, struct store **st, struct c2c_err *err)
{
	struct http_server *srv = cls;
	struct store *s = pthread_getspecific(srv->store_key);
	int rc;

	if (!s) {
		if ((rc = store_open(&s, srv->db_path, STORE_OPEN_EXISTING, err))) {
			/* a database that vanished under a running server is the
			 * server's trouble (500), not a missing resource (404); a
			 * database server out of reach (restarting, failing over)
			 * is a 503 to try again shortly */
			err->code = store_is_pg_url(srv->db_path) ? C2C_EUNAVAIL : C2C_EDB;
			return err->code;
		}
		if (pthread_setspecific(srv->store_key, s)) {
			store_close(s);
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		}
	}
	*st = s;
	return 0;
}

/* Called once per request when its request line is read: keep the raw
 * target (libmicrohttpd decodes its own copy in place, with its own rules). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	size_t n = strlen(uri), keep = n > HTTP_URI_MAX ? 0 : n;
	struct http_conn_req *r;

	(void)conn;
	atomic_fetch_add(&srv->inflight, 1);
	r = malloc(sizeof(*r) + keep + 1);
	if (!r)
		return NULL;
	r->seen = r->answered = r->too_big = 0;
	r->spool_fd = -1;
	r->spool_err = 0;
	r->spooled = 0;
	r->spool[0] = '\0';
	strbuf_init(&r->body, HTTP_BODY_MAX);
	r->len = n;
	memcpy(r->target, uri, keep);
	r->target[keep] = '\0';
	return r;
}

static void upload_close(struct http_conn_req *r);

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_conn_req *r = *req_cls;
	(void)toe;
	http_clients_on_completed(conn);
	if (r) {
		strbuf_release(&r->body);
		upload_close(r);
	}
	free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

static int add_headers(struct MHD_Response *resp, const struct http_reply *rep, int draining)
{
	char total[32];
	int ok = 1;

	ok &= MHD_add_response_header(resp, "Content-Type", rep && rep->content_type ? rep->content_type
								 : "application/json; charset=utf-8") == MHD_YES;
	if (rep && rep->filename[0]) {
		char disp[160];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", rep->filename);
		ok &= MHD_add_response_header(resp, "Content-Disposition", disp) == MHD_YES;
	}
	ok &= MHD_add_response_header(resp, "Content-Security-Policy",
				      "default-src 'none'; frame-ancestors 'none'") == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
	if (rep && rep->total >= 0) {
		snprintf(total, sizeof(total), "%lld", rep->total);
		ok &= MHD_add_response_header(resp, "X-Total-Count", total) == MHD_YES;
	}
	if (rep && rep->allow[0])
		ok &= MHD_add_response_header(resp, "Allow", rep->allow) == MHD_YES;
	if (rep && rep->retry_after > 0) {
		snprintf(total, sizeof(total), "%ld", rep->retry_after);
		ok &= MHD_add_response_header(resp, "Retry-After", total) == MHD_YES;
	}
	if (rep && rep->set_cookie[0])
		ok &= MHD_add_response_header(resp, "Set-Cookie", rep->set_cookie) == MHD_YES;
	if (rep && rep->gzipped)
		ok &= MHD_add_response_header(resp, "Content-Encoding", "gzip") == MHD_YES;
	if (rep && rep->etag[0]) {
		/* a public read: the same for every anonymous caller, so it may be
		 * kept, but asked again each time (If-None-Match, 304 when unchanged);
		 * a logged-in caller's request differs by its cookie or token, and
		 * messages and reasons follow the request's Accept-Language */
		ok &= MHD_add_response_header(resp, "ETag", rep->etag) == MHD_YES;
		ok &= MHD_add_response_header(resp, "Cache-Control", "no-cache") == MHD_YES;
		ok &= MHD_add_response_header(resp, "Vary", "Accept-Encoding, Accept-Language, Cookie, Authorization") == MHD_YES;
	} else {
		/* replies that depend on who asks must not be kept by a shared cache */
		ok &= MHD_add_response_header(resp, "Cache-Control", "no-store") == MHD_YES;
		ok &= MHD_add_response_header(resp, "Vary", rep && rep->gzipped ? "Accept-Encoding, Accept-Language"
										 : "Accept-Language") == MHD_YES;
	}
	if (draining)
		ok &= MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
	return ok;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct http_reply *rep,
				  int draining)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int status = rep->status;
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);

	if (status == 200 && rep->etag[0] && http_etag_matches(inm, rep->etag)) {
		/* the caller holds these bytes already: headers only */
		status = MHD_HTTP_NOT_MODIFIED;
		free(rep->body);
		rep->body = NULL;
		rep->len = 0;
		rep->gzipped = 0;
		if ((resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)) &&
		    !add_headers(resp, rep, draining)) {
			MHD_destroy_response(resp);
			return MHD_NO;
		}
		if (!resp)
			return MHD_NO;
		ret = MHD_queue_response(conn, (unsigned)status, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (!rep->gzipped && http_accepts_coding(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									  MHD_HTTP_HEADER_ACCEPT_ENCODING),
						  "gzip"))
		http_reply_gzip(rep); /* on failure the plain body goes */
	if (rep->body) {
		resp = MHD_create_response_from_buffer_with_free_callback(rep->len, rep->body, free);
		if (!resp)
			http_reply_release(rep);
		rep->body = NULL; /* the response owns it now */
	} else {
		resp = NULL;
	}
	if (!resp) {
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		resp = MHD_create_response_from_buffer(sizeof(oom_body) - 1, (void *)oom_body,
						       MHD_RESPMEM_PERSISTENT);
		rep = NULL;
	}
	if (!resp)
		return MHD_NO;
	if (!add_headers(resp, rep, draining)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Does the request announce a body?  (Content-Length above 0, or chunked.) */
static int announces_body(struct MHD_Connection *conn, unsigned long long *length)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	*length = cl ? strtoull(cl, NULL, 10) : 0;
	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return 1;
	return cl && strspn(cl, "0") != strlen(cl);
}

/* Keep a piece of the body; past HTTP_BODY_MAX (the buffer's cap), or when
 * memory runs out, the rest is only counted off and the request is answered
 * as too big. */
static void body_add(struct http_conn_req *r, const char *data, size_t n)
{
	if (!r->too_big && strbuf_add(&r->body, data, n))
		r->too_big = 1;
}

/* What the headers say of the caller. */
static void read_credentials(const struct http_server *srv, struct MHD_Connection *conn,
			     struct http_credentials *cr, char *client, size_t clen)
{
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION);
	const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");

	memset(cr, 0, sizeof(*cr));
	cr->session = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "c2c_session");
	if (cr->session && !cr->session[0])
		cr->session = NULL;
	if (auth && !strncasecmp(auth, "Bearer ", 7) && auth[7])
		cr->bearer = auth + 7;
	cr->csrf = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
	cr->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	cr->accept_language = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							  MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	cr->tls = proto && !strcasecmp(proto, "https");
	cr->gzip = http_accepts_coding(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								   MHD_HTTP_HEADER_ACCEPT_ENCODING),
				       "gzip");
	/* the peer, or behind a trusted proxy the address it forwards */
	http_clients_address(srv->clients, conn, client, clen);
	cr->client = client;
}

/* --- streamed bodies (STREAM routes: a monitoring file of 100 MB and more) ---
 * The body goes to a file of its own in the upload directory as it comes,
 * 32 KB at a time (the connection's memory limit), and the handler gets the
 * file's path (cred->upload); the server removes the file after the reply,
 * so a handler that keeps it moves it first (mrv_routes.c). */

static void upload_close(struct http_conn_req *r)
{
	if (r->spool_fd >= 0)
		close(r->spool_fd);
	r->spool_fd = -1;
	if (r->spool[0])
		unlink(r->spool);
	r->spool[0] = '\0';
}

/* The spool file of a request whose route streams its body; errno on failure. */
static int upload_open(struct http_server *srv, struct http_conn_req *r)
{
	if (mkdir(srv->upload_dir, 0700) && errno != EEXIST)
		return errno;
	snprintf(r->spool, sizeof(r->spool), "%s/spool-XXXXXX", srv->upload_dir);
	if ((r->spool_fd = mkstemp(r->spool)) < 0) {
		r->spool[0] = '\0';
		return errno;
	}
	return 0;
}

static void upload_add(struct http_conn_req *r, const char *data, size_t n)
{
	r->spooled += n;
	if (r->spooled > (unsigned long long)HTTP_UPLOAD_MAX)
		r->too_big = 1;
	while (n && !r->spool_err && !r->too_big) {
		ssize_t w = write(r->spool_fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r->spool_err = w < 0 ? errno : EIO;
			break;
		}
		data += w;
		n -= (size_t)w;
	}
}

/* On the request's first call: for a STREAM route, its access is checked
 * before a byte of the body is read, and its spool file made.  0: go on
 * reading; else the reply queued (a refusal, or no spool file). */
static int upload_begin(struct http_server *srv, struct MHD_Connection *conn,
			struct http_conn_req *r, const char *method, unsigned long long length,
			enum MHD_Result *ret)
{
	struct http_credentials cred;
	struct http_reply rep;
	struct c2c_err err;
	char client[INET6_ADDRSTRLEN];
	int go, e;

	read_credentials(srv, conn, &cred, client, sizeof(client));
	go = http_upload_begin(method, r->target, r->len, &cred, thread_store, srv, &rep);
	if (go == 0)
		return 0;
	if (go > 0 && length > (unsigned long long)HTTP_UPLOAD_MAX) {
		c2c_err_set(&err, C2C_EUSAGE, "the file is longer than %lld bytes", HTTP_UPLOAD_MAX);
		http_reply_error(&rep, 413, &err);
	} else if (go > 0 && (e = upload_open(srv, r))) {
		c2c_err_set(&err, C2C_EIO, "cannot keep the uploaded file in %s: %s", srv->upload_dir,
			    strerror(e));
		http_reply_error(&rep, 0, &err);
		fprintf(stderr, "c2c serve: %s\n", err.msg);
	} else if (go > 0) {
		return 0;
	}
	r->answered = 1;
	*ret = send_reply(conn, &rep, 1);
	http_reply_release(&rep);
	return 1;
}

/* The reply to a streamed body once it is all in: the handler's, or why
 * the file could not be kept whole. */
static void upload_dispatch(struct http_server *srv, struct http_conn_req *r, const char *method,
			    struct http_credentials *cred, struct http_reply *rep)
{
	struct c2c_err err;
	close(r->spool_fd);
	r->spool_fd = -1;
	if (r->spool_err) {
		memset(rep, 0, sizeof(*rep));
		c2c_err_set(&err, C2C_EIO, "the uploaded file could not be written: %s", strerror(r->spool_err));
		http_reply_error(rep, 0, &err);
		return;
	}
	cred->upload = r->spool;
	http_dispatch(method, r->target, r->len, NULL, 0, cred, thread_store, srv, rep);
	upload_close(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct http_server *srv = cls;
	struct http_conn_req *r = *req_cls;
	struct http_credentials cred;
	struct http_reply rep;
	struct c2c_err err;
	char client[INET6_ADDRSTRLEN];
	unsigned long long length;
	enum MHD_Result ret;
	int has_body;

	(void)url;
	(void)version;
	http_clients_on_request(conn, *upload_data_size);
	if (r && r->answered) { /* the reply is queued; drop whatever body comes */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!r) { /* on_uri could not allocate */
		memset(&rep, 0, sizeof(rep));
		rep.total = -1;
		return send_reply(conn, &rep, 1);
	}
	has_body = announces_body(conn, &length);
	if (!r->seen++) {
		if (!has_body)
			return MHD_YES; /* a reply queued on the first call costs the keep-alive */
		if (upload_begin(srv, conn, r, method, length, &ret))
			return ret;
		if (r->spool_fd >= 0)
			return MHD_YES; /* streamed: upload_add takes it */
		if (length <= HTTP_BODY_MAX)
			return MHD_YES; /* read the body first */
		r->too_big = 1;   /* announced too long: refused before it is read */
	} else if (*upload_data_size) {
		/* past the limit the rest is read and dropped: libmicrohttpd takes
		 * a reply only once the body is in (0.9.75 closed the connection
		 * without one when queued mid-upload) */
		if (r->spool_fd >= 0)
			upload_add(r, upload_data, *upload_data_size);
		else
			body_add(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	r->answered = 1;
	if (r->too_big) {
		memset(&rep, 0, sizeof(rep));
		rep.total = -1;
		if (r->spool_fd >= 0)
			c2c_err_set(&err, C2C_EUSAGE, "the file is longer than %lld bytes", HTTP_UPLOAD_MAX);
		else
			c2c_err_set(&err, C2C_EUSAGE, "the request body is longer than %d bytes", HTTP_BODY_MAX);
		http_reply_error(&rep, 413, &err);
		ret = send_reply(conn, &rep, 1);
		http_reply_release(&rep);
		return ret;
	}
	/* the pages' files first; whatever is not one of them is the API's */
	if (srv->web_root && !has_body &&
	    http_static_serve(conn, srv->web_root, method, r->target, r->len,
			      atomic_load(&srv->draining), &ret))
		return ret;
	read_credentials(srv, conn, &cred, client, sizeof(client));
	if (r->spool_fd >= 0)
		upload_dispatch(srv, r, method, &cred, &rep);
	else
		http_dispatch(method, r->target, r->len, has_body ? strbuf_str(&r->body) : NULL,
			      r->body.len, &cred, thread_store, srv, &rep);
	if (rep.status >= 500)
		fprintf(stderr, "c2c serve: %d on %s: %s\n", rep.status, method, rep.error);
	ret = send_reply(conn, &rep, atomic_load(&srv->draining));
	http_reply_release(&rep);
	return ret;
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("c2c serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* Our own listening socket: exact error messages, port 0 resolved to the
 * port the kernel chose, and the URL written from what was really bound. */
static int listen_on(struct http_server *srv, const char *bind_addr, int port,
		     struct c2c_err *err)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char portstr[16], host[INET6_ADDRSTRLEN];
	int fd, one = 1, gai, bound_port;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((gai = getaddrinfo(bind_addr, portstr, &hints, &ai)))
		return c2c_err_set(err, C2C_EUSAGE, "serve: --bind '%s' is not an IP address (%s)",
				   bind_addr, gai_strerror(gai));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return c2c_err_set(err, C2C_EIO, "serve: socket: %s", strerror(errno));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 511)) {
		int e = errno;
		freeaddrinfo(ai);
		close(fd);
		c2c_err_set(err, C2C_EIO, "serve: cannot listen on %s port %d: %s", bind_addr, port,
			    strerror(e));
		if (e == EADDRINUSE)
			c2c_err_hint(err, "another server holds that port; choose one with --port");
		else if (e == EACCES)
			c2c_err_hint(err, "ports below 1024 need privileges; choose one with --port");
		return C2C_EIO;
	}
	freeaddrinfo(ai);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen)) {
		close(fd);
		return c2c_err_set(err, C2C_EIO, "serve: getsockname: %s", strerror(errno));
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		bound_port = ntohs(a->sin6_port);
		snprintf(srv->url, sizeof(srv->url), "http://[%s]:%d/", host, bound_port);
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		bound_port = ntohs(a->sin_port);
		snprintf(srv->url, sizeof(srv->url), "http://%s:%d/", host, bound_port);
	}
	srv->listen_fd = fd;
	return 0;
}

/* Streamed files are kept beside the database they are reported in (a
 * report names its file, and a verifier recomputes from it), or where the
 * configuration says. */
static void upload_dir_set(struct http_server *srv, const struct http_config *cfg)
{
	if (cfg->upload_dir)
		snprintf(srv->upload_dir, sizeof(srv->upload_dir), "%s", cfg->upload_dir);
	else if (store_is_pg_url(cfg->db_path))
		snprintf(srv->upload_dir, sizeof(srv->upload_dir), "c2c-uploads");
	else
		snprintf(srv->upload_dir, sizeof(srv->upload_dir), "%s.uploads", cfg->db_path);
}

/* The slow-client deadlines, the per-address limit and the trusted
 * proxies (clients.c), from the server's configuration. */
static int start_clients(struct http_server *srv, const struct http_config *cfg,
			 struct c2c_err *err)
{
	struct http_clients_config cc = {
		.per_address = cfg->per_address,
		.request_timeout = cfg->request_timeout,
		.idle_timeout = cfg->conn_timeout,
		.min_body_rate = cfg->min_body_rate,
		.trusted = cfg->trusted_proxies,
	};
	return http_clients_start(&cc, &srv->clients, err);
}

int http_server_start(const struct http_config *cfg, struct http_server **out,
		      struct c2c_err *err)
{
	struct http_server *srv;
	int rc;

	*out = NULL;
	if ((rc = http_routes_check(err)))
		return rc;
	if (!(srv = calloc(1, sizeof(*srv))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	srv->db_path = cfg->db_path;
	upload_dir_set(srv, cfg);
	srv->listen_fd = -1;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->draining, 0);
	if (cfg->web_dir && !(srv->web_root = realpath(cfg->web_dir, NULL))) {
		c2c_err_set(err, C2C_EIO, "serve: --web %s: %s", cfg->web_dir, strerror(errno));
		free(srv);
		return C2C_EIO;
	}
	if (pthread_key_create(&srv->store_key, store_destroy)) {
		free(srv->web_root);
		free(srv);
		return c2c_err_set(err, C2C_ENOMEM, "serve: no thread key");
	}
	if ((rc = start_clients(srv, cfg, err))) {
		pthread_key_delete(srv->store_key);
		free(srv->web_root);
		free(srv);
		return rc;
	}
	if ((rc = listen_on(srv, cfg->bind, cfg->port, err))) {
		http_clients_stop(srv->clients);
		pthread_key_delete(srv->store_key);
		free(srv->web_root);
		free(srv);
		return rc;
	}
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0,
		http_clients_accept, srv->clients, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL, /* first, or MHD says so */
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 1 ? cfg->threads : 0),
		MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout,
		/* the request line and headers must fit; HTTP_URI_MAX is well inside */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, http_clients_notify, srv->clients,
		MHD_OPTION_END);
	if (!srv->daemon) {
		close(srv->listen_fd);
		http_clients_stop(srv->clients);
		pthread_key_delete(srv->store_key);
		free(srv->web_root);
		free(srv);
		return c2c_err_set(err, C2C_EIO, "serve: libmicrohttpd could not start (see above)");
	}
	*out = srv;
	return 0;
}

const char *http_server_url(const struct http_server *srv)
{
	return srv->url;
}

void http_server_stop(struct http_server *srv, int drain_ms)
{
	MHD_socket fd;
	const struct timespec tick = {0, 10 * 1000 * 1000};

	if (!srv)
		return;
	atomic_store(&srv->draining, 1);
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int waited = 0; atomic_load(&srv->inflight) > 0 && waited < drain_ms; waited += 10)
		nanosleep(&tick, NULL);
	/* joins the workers; each one's thread-key destructor closes its database */
	MHD_stop_daemon(srv->daemon);
	http_clients_stop(srv->clients); /* after the daemon: no connection is left */
	pthread_key_delete(srv->store_key);
	free(srv->web_root);
	free(srv);
}
