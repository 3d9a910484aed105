/*
 * session.c - log-in and log-out over HTTP: /api/v1/session.  The password
 * check, the rate limit and the tokens are auth/'s; this file only turns a
 * session into the cookie a browser keeps and back.
 *
 * The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site
 * makes the browser send it), Path=/ and, when a TLS-terminating proxy says
 * the client came over https, Secure.  The CSRF token goes in the JSON body:
 * the page keeps it and sends it as X-CSRF-Token with every write.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

static json_t *who_json(const struct auth_user *u, const char *csrf)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", u->id ? json_string(u->name) : json_null());
	json_object_set_new(o, "role", json_string(auth_role_name(u->role)));
	json_object_set_new(o, "scope", json_string(u->scope));
	json_object_set_new(o, "csrf", csrf && csrf[0] ? json_string(csrf) : json_null());
	return o;
}

int http_get_session(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	*out = who_json(&rq->user, rq->csrf);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_post_session(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	char session[64], csrf[64];
	struct auth_user u;
	int rc;

	rc = auth_login(rq->st, http_body_str(rq, "name"), http_body_str(rq, "password"),
			rq->cred && rq->cred->client ? rq->cred->client : "", session, csrf, &u, err);
	/* a wrong name or password is "who are you?" (401), not a missing resource */
	if (rc == C2C_ENOTFOUND)
		err->code = rc = C2C_EAUTH;
	if (rc)
		return rc;
	rq->user = u; /* the request is now this user's: the audit log names them */
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		 "c2c_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", session,
		 AUTH_SESSION_SECONDS, rq->cred && rq->cred->tls ? "; Secure" : "");
	*out = who_json(&u, csrf);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_delete_session(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct auth_user pub;
	int rc;

	if (!rq->cred || !rq->cred->session || rq->cred->bearer)
		return c2c_err_set(err, C2C_EUSAGE, "DELETE /api/v1/session ends a log-in session; "
						    "an API token has none (c2c user token revoke)");
	if ((rc = auth_logout(rq->st, rq->cred->session, err)))
		return rc;
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		 "c2c_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 rq->cred->tls ? "; Secure" : "");
	memset(&pub, 0, sizeof(pub));
	pub.role = AUTH_PUBLIC;
	*out = who_json(&pub, NULL);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}
