/*
 * tokens.c - API tokens for scripts: "c2c_" and 32 random bytes in
 * base64url, shown once; only the SHA-256 is stored, with a label so its
 * owner can revoke it by name.  Revoked tokens keep their row (when, for
 * whom), and a label can be used again once its token is revoked.
 */
#include "auth.h"
#include "internal.h"
#include "core/date.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define TOKEN_PREFIX "c2c_"
#define TOKEN_LEN (4 + 43)

struct token_ctx {
	const char *user, *label;
	char hash[65];
};

static int live_label(struct store *st, int64_t uid, const char *label, struct c2c_err *err)
{
	long long n;
	int rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"tokens\" WHERE \"user_id\" = ? AND \"label\" = ?"
					  " AND \"revoked_at\" IS NULL",
				      STORE_ARGS(store_int(uid), store_text(label)), &n, err);
	return rc == 1 ? n > 0 : rc;
}

static int create_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct token_ctx *c = vctx;
	struct auth_user u;
	int disabled, rc;

	if ((rc = auth_user_get(st, c->user, &u, &disabled, err)))
		return rc;
	if (disabled)
		return c2c_err_set(err, C2C_ECONFLICT, "user '%s' is disabled: it gets no token", c->user);
	if ((rc = live_label(st, u.id, c->label, err)) < 0)
		return rc;
	if (rc) {
		c2c_err_at(err, C2C_ECONFLICT, "label", "user '%s' has a token labelled '%s' already", c->user, c->label);
		c2c_err_hint(err, "revoke it first (c2c user token revoke %s --label %s) or choose another label",
			     c->user, c->label);
		return C2C_ECONFLICT;
	}
	return store_exec_args(st,
			       "INSERT INTO \"tokens\" (\"hash\", \"user_id\", \"label\", \"created_at\", \"revoked_at\")"
			       " VALUES (?, ?, ?, ?, NULL)",
			       STORE_ARGS(store_text(c->hash), store_int(u.id), store_text(c->label),
					  store_int(auth_now())),
			       err);
}

int auth_token_create(struct store *st, const char *user, const char *label, char token[96], struct c2c_err *err)
{
	struct token_ctx c = {user, label, ""};
	int rc;

	token[0] = '\0';
	if ((rc = auth_label_check(label, err)))
		return rc;
	if ((rc = auth_sodium_ready(err)))
		return rc;
	memcpy(token, TOKEN_PREFIX, 4);
	auth_random_token(token + 4, 96 - 4);
	auth_sha256_hex(token, c.hash);
	if ((rc = store_tx(st, NULL, create_tx, &c, err)))
		sodium_memzero(token, 96);
	return rc;
}

int auth_token_check(struct store *st, const char *token, struct auth_user *u, struct c2c_err *err)
{
	struct store_stmt *s;
	struct auth_user found;
	char hash[65];
	int disabled = 0, rc = 0;

	if (token && strlen(token) == TOKEN_LEN && !strncmp(token, TOKEN_PREFIX, 4)) {
		auth_sha256_hex(token, hash);
		if ((rc = store_prepare(st,
					"SELECT " AUTH_USER_COLS " FROM \"tokens\" t JOIN \"users\" u ON u.\"id\" = t.\"user_id\""
					" WHERE t.\"hash\" = ? AND t.\"revoked_at\" IS NULL",
					&s, err)))
			return rc;
		store_bind_text(s, 1, hash);
		rc = store_step(s, err);
		if (rc == 1 && (rc = auth_user_from_row(s, 0, &found, &disabled, err)) == 0)
			rc = 1;
		store_finalize(s);
		if (rc < 0)
			return rc;
	}
	if (rc != 1 || disabled) {
		c2c_err_set(err, C2C_ENOTFOUND, "unknown or revoked API token");
		return C2C_ENOTFOUND;
	}
	if (u)
		*u = found;
	return 0;
}

static int revoke_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct token_ctx *c = vctx;
	struct auth_user u;
	int rc;

	if ((rc = auth_user_get(st, c->user, &u, NULL, err)))
		return rc;
	if ((rc = live_label(st, u.id, c->label, err)) < 0)
		return rc;
	if (!rc) {
		c2c_err_at(err, C2C_ENOTFOUND, "label", "user '%s' has no live token labelled '%s'", c->user, c->label);
		c2c_err_hint(err, "c2c user list shows each user's tokens");
		return C2C_ENOTFOUND;
	}
	return store_exec_args(st, "UPDATE \"tokens\" SET \"revoked_at\" = ? WHERE \"user_id\" = ? AND \"label\" = ?"
				   " AND \"revoked_at\" IS NULL",
			       STORE_ARGS(store_int(auth_now()), store_int(u.id), store_text(c->label)), err);
}

int auth_token_revoke(struct store *st, const char *user, const char *label, struct c2c_err *err)
{
	struct token_ctx c = {user, label, ""};
	int rc;
	if ((rc = auth_label_check(label, err)))
		return rc;
	return store_tx(st, NULL, revoke_tx, &c, err);
}

json_t *auth_token_list_json(struct store *st, const char *user, struct c2c_err *err)
{
	struct store_stmt *s;
	struct auth_user u;
	json_t *rows;
	int rc;

	if (auth_user_get(st, user, &u, NULL, err))
		return NULL;
	/* the columns are named one by one: the hash is never read here */
	if (store_prepare(st,
			  "SELECT \"label\", \"created_at\", \"revoked_at\" FROM \"tokens\" WHERE \"user_id\" = ?"
			  " ORDER BY \"revoked_at\" IS NOT NULL, \"created_at\" DESC, \"label\"",
			  &s, err))
		return NULL;
	store_bind_int(s, 1, u.id);
	rows = json_array();
	while ((rc = store_step(s, err)) == 1) {
		char created[32], revoked[32];
		json_t *o;
		date_iso_utc(store_col_int(s, 1), -1, created, sizeof(created));
		if (!store_col_is_null(s, 2))
			date_iso_utc(store_col_int(s, 2), -1, revoked, sizeof(revoked));
		o = json_pack("{s:s, s:s, s:s?}", "label", store_col_text(s, 0), "created_at", created, "revoked_at",
			      store_col_is_null(s, 2) ? NULL : revoked);
		if (!o || json_array_append_new(rows, o)) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			break;
		}
	}
	store_finalize(s);
	if (rc != 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}
