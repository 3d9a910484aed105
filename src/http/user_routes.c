/*
 * user_routes.c - the administrator's work on users over HTTP: list them,
 * add one, change its role and scope, disable and enable it, lift its
 * log-in locks, list, create and revoke its API tokens.  The same auth/ calls as `c2c user`, with the
 * same messages; auth/ names the input at fault (err->field), so a page
 * shows each refusal beside its field.  routes.def gives every route to the
 * admin alone.
 *
 * Every write here goes through http_write_tx: the change and its row in
 * the audit log are one transaction.  A new user's password arrives in the
 * JSON body over the session; it is checked and hashed before that
 * transaction begins (the hash is slow), as the CLI does.
 */
#include "router.h"

#include <string.h>

#include <sodium.h>

/* What one write needs; each *_tx below uses its part. */
struct user_op {
	const char *name, *scope, *label, *hash;
	enum auth_role role;
	char token[96];
};

static int add_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct user_op *o = v;
	return auth_user_add_hashed(st, o->name, o->role, o->scope, o->hash, err);
}

static int role_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct user_op *o = v;
	return auth_user_role(st, o->name, o->role, o->scope, err);
}

static int disable_tx(struct store *st, void *v, struct c2c_err *err)
{
	return auth_user_disable(st, ((struct user_op *)v)->name, err);
}

static int enable_tx(struct store *st, void *v, struct c2c_err *err)
{
	return auth_user_enable(st, ((struct user_op *)v)->name, err);
}

static int unlock_tx(struct store *st, void *v, struct c2c_err *err)
{
	return auth_unlock(st, ((struct user_op *)v)->name, NULL, err);
}

/* run again on a lost race: the token of the attempt that commits is the one kept */
static int token_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct user_op *o = v;
	return auth_token_create(st, o->name, o->label, o->token, err);
}

static int revoke_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct user_op *o = v;
	return auth_token_revoke(st, o->name, o->label, err);
}

/* The reply of a write: the user's row as GET /api/v1/users lists it. */
static int user_reply(struct http_request *rq, const char *name, json_t **out, struct c2c_err *err)
{
	json_t *all = auth_user_list_json(rq->st, err);

	if (!all)
		return err->code ? err->code : C2C_EINTERNAL;
	*out = NULL;
	for (size_t i = 0; i < json_array_size(all) && !*out; i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(all, i), "name")), name))
			*out = json_incref(json_array_get(all, i));
	json_decref(all);
	return *out ? 0 : c2c_err_at(err, C2C_ENOTFOUND, "name", "no user '%s'", name);
}

int http_get_users(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	*out = auth_user_list_json(rq->st, err);
	return *out ? 0 : err->code ? err->code : C2C_EINTERNAL;
}

int http_post_user(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {http_body_str(rq, "name"), http_body_str(rq, "scope"), NULL, NULL, AUTH_PUBLIC, ""};
	const char *password = http_body_str(rq, "password");
	char hash[128];
	int rc;

	/* the order of `c2c user add`: what needs no password, then the
	 * password, then the write */
	if ((rc = auth_role_parse_err(http_body_str(rq, "role"), &o.role, err)) ||
	    (rc = auth_user_add_check(rq->st, o.name, o.role, o.scope, err)) ||
	    (rc = auth_password_check(password, err)) || (rc = auth_hash_password(password, hash, err)))
		return rc;
	o.hash = hash;
	rc = http_write_tx(rq, add_tx, &o, err);
	sodium_memzero(hash, sizeof(hash));
	return rc ? rc : user_reply(rq, o.name, out, err);
}

int http_post_user_role(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, http_body_str(rq, "scope"), NULL, NULL, AUTH_PUBLIC, ""};
	int rc;
	if ((rc = auth_role_parse_err(http_body_str(rq, "role"), &o.role, err)) ||
	    (rc = http_write_tx(rq, role_tx, &o, err)))
		return rc;
	return user_reply(rq, o.name, out, err);
}

int http_post_user_disable(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, NULL, NULL, NULL, AUTH_PUBLIC, ""};
	int rc = http_write_tx(rq, disable_tx, &o, err);
	return rc ? rc : user_reply(rq, o.name, out, err);
}

int http_post_user_enable(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, NULL, NULL, NULL, AUTH_PUBLIC, ""};
	int rc = http_write_tx(rq, enable_tx, &o, err);
	return rc ? rc : user_reply(rq, o.name, out, err);
}

int http_post_user_unlock(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, NULL, NULL, NULL, AUTH_PUBLIC, ""};
	int rc = http_write_tx(rq, unlock_tx, &o, err);
	return rc ? rc : user_reply(rq, o.name, out, err);
}

int http_get_user_tokens(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	*out = auth_token_list_json(rq->st, rq->id, err);
	return *out ? 0 : err->code ? err->code : C2C_EINTERNAL;
}

int http_post_user_token(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, NULL, http_body_str(rq, "label"), NULL, AUTH_PUBLIC, ""};
	int rc;
	if ((rc = http_write_tx(rq, token_tx, &o, err)))
		return rc;
	/* the one time the token is shown: only its hash is kept */
	*out = json_pack("{s:s, s:s, s:s}", "user", o.name, "label", o.label, "token", o.token);
	sodium_memzero(o.token, sizeof(o.token));
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_post_user_token_revoke(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct user_op o = {rq->id, NULL, http_body_str(rq, "label"), NULL, AUTH_PUBLIC, ""};
	int rc;
	if ((rc = http_write_tx(rq, revoke_tx, &o, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:b}", "user", o.name, "label", o.label, "revoked", 1);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}
