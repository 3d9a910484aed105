/*
 * clients.h - who is at the other end of a connection, and how much of the
 * server one client may hold: the per-address connection limit, the
 * whole-request deadline with its minimum body rate (slow clients), and the
 * proxies whose X-Forwarded-For is believed.  server.c calls these from its
 * libmicrohttpd callbacks; nothing else needs them.
 */
#ifndef C2C_HTTP_CLIENTS_H
#define C2C_HTTP_CLIENTS_H

#include "http.h"

#include <microhttpd.h>
#include <stddef.h>
#include <sys/socket.h>

struct http_clients_config {
	unsigned per_address;     /* connections one address may hold; 0 = no limit */
	unsigned request_timeout; /* seconds for a request line and headers; 0 = none */
	unsigned idle_timeout;    /* seconds a kept-alive connection may wait between requests */
	unsigned min_body_rate;   /* bytes/s a body must keep up after request_timeout */
	const char *trusted;      /* "ADDR[,ADDR...]": proxies believed and not limited, or NULL */
};

struct http_clients;

int http_clients_start(const struct http_clients_config *cfg, struct http_clients **out,
		       struct c2c_err *err);
void http_clients_stop(struct http_clients *c);

/* libmicrohttpd's accept policy and connection notifications (cls = the clients) */
enum MHD_Result http_clients_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void http_clients_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			 enum MHD_ConnectionNotificationCode code);
/* The access handler was called (upload_size: the body bytes of this call). */
void http_clients_on_request(struct MHD_Connection *conn, size_t upload_size);
/* The request's reply is sent: the next request's clock starts. */
void http_clients_on_completed(struct MHD_Connection *conn);

/* The client's address as text: the peer's, or, when the peer is a trusted
 * proxy, the last address of X-Forwarded-For that is not one. */
void http_clients_address(const struct http_clients *c, struct MHD_Connection *conn, char *out,
			  size_t outlen);

#endif
