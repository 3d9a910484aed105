/*
 * access.c - who is calling, and may they: the caller's credentials (an API
 * token, else the session cookie) become a user through auth/, the route's
 * roles decide, and a write made with a session cookie must carry the
 * session's CSRF token.  One place for all of it, so a route cannot forget a
 * check: router.c calls http_access() for every request before its handler.
 *
 * Why the CSRF rule is a header, not a form field: every write of c2c takes a
 * JSON body (router.c refuses any other Content-Type), which a cross-site
 * HTML form cannot send, and a cross-site script cannot read the token to set
 * the header.  SameSite=Strict on the cookie is the second wall.  Scripts
 * with an API token send no cookie, so they need no CSRF token.
 */
#include "router.h"

#include <string.h>

/* Is `role` among `roles` (routes.def's list; "public" admits everyone)? */
static int http_role_allowed(const char *roles, enum auth_role role)
{
	const char *name = auth_role_name(role), *p = roles;
	size_t n = strlen(name);

	if (!strcmp(roles, "public"))
		return 1;
	while ((p = strstr(p, name))) {
		int starts = p == roles || p[-1] == ' ', ends = p[n] == ' ' || p[n] == '\0';
		if (starts && ends)
			return 1;
		p += n;
	}
	return 0;
}

static int is_safe(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

int http_access(struct http_request *rq, struct c2c_err *err)
{
	const struct http_credentials *cr = rq->cred;
	const char *roles = rq->route->roles;
	struct store *st = rq->st;
	struct c2c_err aerr;
	int public_route = !strcmp(roles, "public"), rc, by_token = 0;

	memset(&rq->user, 0, sizeof(rq->user));
	rq->user.role = AUTH_PUBLIC;
	rq->csrf[0] = '\0';
	if (!cr || (!cr->bearer && !cr->session)) {
		if (public_route)
			return 0;
		c2c_err_set(err, C2C_EAUTH, "%s %s needs a logged-in user (%s)", rq->method,
			    rq->route->path, roles);
		c2c_err_hint(err, "log in with POST /api/v1/session, or send Authorization: Bearer TOKEN "
				  "(c2c user token add)");
		return C2C_EAUTH;
	}
	c2c_err_clear(&aerr);
	if (cr->bearer) {
		rc = auth_token_check(st, cr->bearer, &rq->user, &aerr);
		by_token = 1;
	} else {
		rc = auth_session(st, cr->session, &rq->user, rq->csrf, &aerr);
	}
	if (rc) {
		memset(&rq->user, 0, sizeof(rq->user));
		rq->user.role = AUTH_PUBLIC;
		rq->csrf[0] = '\0';
		/* a stale cookie on a public page is no reason to refuse it;
		 * a database that could not tell is no stale credential */
		if (public_route && rc != C2C_EDB && rc != C2C_ENOMEM && rc != C2C_EUNAVAIL)
			return 0;
		if (rc == C2C_EDB || rc == C2C_ENOMEM || rc == C2C_EINTERNAL || rc == C2C_EUNAVAIL) {
			*err = aerr;
			return rc;
		}
		c2c_err_set(err, C2C_EAUTH, "%s", by_token ? "the API token is not valid (unknown, revoked, or its user disabled)"
							 : "the session has ended (expired, logged out, or its user disabled)");
		c2c_err_hint(err, "log in again with POST /api/v1/session");
		return C2C_EAUTH;
	}
	if (!http_role_allowed(roles, rq->user.role)) {
		c2c_err_set(err, C2C_EFORBIDDEN, "%s %s is not for the role %s (it is for: %s)",
			    rq->method, rq->route->path, auth_role_name(rq->user.role), roles);
		return C2C_EFORBIDDEN;
	}
	if (!by_token && !is_safe(rq->method) &&
	    (!cr->csrf || !rq->csrf[0] || !auth_csrf_ok(rq->csrf, cr->csrf))) {
		/* two messages, not one with the reason as an argument: the
		 * catalogue gives each its Japanese */
		if (cr->csrf)
			c2c_err_set(err, C2C_EFORBIDDEN, "%s %s: the X-CSRF-Token header is not this session's",
				    rq->method, rq->route->path);
		else
			c2c_err_set(err, C2C_EFORBIDDEN, "%s %s: the X-CSRF-Token header is missing", rq->method,
				    rq->route->path);
		c2c_err_hint(err, "send the csrf value that POST or GET /api/v1/session returned");
		return C2C_EFORBIDDEN;
	}
	return 0;
}

int http_require_scope(const struct http_request *rq, const char *kind, const char *id,
		       struct c2c_err *err)
{
	/* the roles without a scope act programme-wide; routes.def already
	 * decided whether they may call the route at all */
	if (rq->user.role == AUTH_ADMIN || rq->user.role == AUTH_OFFICE ||
	    rq->user.role == AUTH_VERIFIER || auth_in_scope(&rq->user, kind, id))
		return 0;
	return c2c_err_set(err, C2C_EFORBIDDEN, "%s %s: %s '%s' is outside the scope of %s (%s %s)",
			   rq->method, rq->route->path, kind, id, rq->user.name,
			   auth_role_name(rq->user.role), rq->user.scope[0] ? rq->user.scope : "-");
}
