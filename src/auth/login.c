/*
 * login.c - passwords (argon2id through libsodium), the log-in with its rate
 * limit, and sessions.
 *
 * The rate limit is kept in the database (login_failures), so every server
 * on one database counts the same attempts.  It locks a (name, address)
 * pair, not a name: behind a proxy every client once had the proxy's
 * address, and five wrong passwords from anyone locked everyone out (issue
 * 18); an address alone is locked only after AUTH_FAIL_MAX_CLIENT failures
 * over all names (one address trying many names).  An attempt is written down as a
 * failure before its password is checked and struck out if it succeeds:
 * attempts running at the same moment count against each other, so ten
 * parallel guesses cannot all slip under a limit of five.
 */
#include "auth.h"
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* ---- passwords --------------------------------------------------------------------------- */

static void hash_cost(unsigned long long *ops, size_t *mem)
{
	const char *fast = getenv("C2C_AUTH_INSECURE_FAST_HASH");
	if (fast && !strcmp(fast, "1")) {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
	}
}

int auth_hash_password(const char *password, char out[128], struct c2c_err *err)
{
	unsigned long long ops;
	size_t mem;
	int rc;
	if ((rc = auth_sodium_ready(err)))
		return rc;
	hash_cost(&ops, &mem);
	if (crypto_pwhash_argon2id_str(out, password, strlen(password), ops, mem)) {
		c2c_err_set(err, C2C_ENOMEM, "hashing the password needs %zu MiB of memory, which could not be had",
			    mem >> 20);
		return C2C_ENOMEM;
	}
	return 0;
}

_Atomic unsigned long auth_password_checks;
_Thread_local char auth_last_check_cost[64];

int auth_verify_password(const char *hash, const char *password)
{
	const char *salt;
	if (sodium_init() < 0 || !hash || !password)
		return C2C_ENOTFOUND;
	/* "$argon2id$v=19$m=65536,t=2,p=1$SALT$HASH": the part before the salt */
	salt = strstr(hash, ",p=");
	salt = salt ? strchr(salt, '$') : NULL;
	snprintf(auth_last_check_cost, sizeof(auth_last_check_cost), "%.*s",
		 salt ? (int)(salt - hash) : 0, hash);
	auth_password_checks++;
	return crypto_pwhash_argon2id_str_verify(hash, password, strlen(password)) ? C2C_ENOTFOUND : 0;
}

/* A hash of a password nobody knows, at today's cost: an unknown user name
 * is checked against it, so it takes the time a real user's check takes.
 * Made once per cost (the cost can change only through the environment). */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];
static unsigned long long dummy_ops;
static size_t dummy_mem;

static int dummy_get(char out[crypto_pwhash_STRBYTES], struct c2c_err *err)
{
	unsigned long long ops;
	size_t mem;
	int rc = 0;
	hash_cost(&ops, &mem);
	pthread_mutex_lock(&dummy_lock);
	if (!dummy_hash[0] || dummy_ops != ops || dummy_mem != mem) {
		char secret[44];
		auth_random_token(secret, sizeof(secret));
		rc = auth_hash_password(secret, dummy_hash, err);
		sodium_memzero(secret, sizeof(secret));
		if (rc)
			dummy_hash[0] = '\0';
		dummy_ops = ops;
		dummy_mem = mem;
	}
	memcpy(out, dummy_hash, crypto_pwhash_STRBYTES);
	pthread_mutex_unlock(&dummy_lock);
	return rc;
}

/* ---- the rate limit ---------------------------------------------------------------------- */

/* When the failures of one key lock it, the time the lock ends (0 when they
 * do not), and how many failures the key has within the window.  The key is
 * a (user name, client address) pair, or, with name NULL, a client address
 * over every name.  Any `max` failures less than AUTH_FAIL_WINDOW apart lock
 * the key until AUTH_LOCK_SECONDS after the last of them.  Refused attempts
 * are not written down, so a lock ends on time even while someone keeps
 * knocking. */
static int lock_end(struct store *st, const char *name, const char *client, int max, int64_t now,
		    int64_t *until, int *recent, struct c2c_err *err)
{
	int64_t t[256];
	size_t n = 0;
	struct store_stmt *s;
	int rc;

	*until = 0;
	*recent = 0;
	if ((rc = store_prepare(st, name ? "SELECT \"at\" FROM \"login_failures\" WHERE \"client\" = ? AND \"at\" > ?"
					   " AND \"name\" = ? ORDER BY \"at\" DESC LIMIT 256"
					 : "SELECT \"at\" FROM \"login_failures\" WHERE \"client\" = ? AND \"at\" > ?"
					   " ORDER BY \"at\" DESC LIMIT 256",
				&s, err)))
		return rc;
	store_bind_text(s, 1, client);
	store_bind_int(s, 2, now - AUTH_FAIL_WINDOW - AUTH_LOCK_SECONDS);
	if (name)
		store_bind_text(s, 3, name);
	while ((rc = store_step(s, err)) == 1)
		t[n++] = store_col_int(s, 0);
	store_finalize(s);
	if (rc < 0)
		return rc;
	/* newest first: t[i] is the last of the max in t[i..i+max-1] */
	for (size_t i = 0; i + (size_t)max <= n; i++)
		if (t[i] - t[i + (size_t)max - 1] < AUTH_FAIL_WINDOW) {
			*until = t[i] + AUTH_LOCK_SECONDS;
			break;
		}
	while ((size_t)*recent < n && t[*recent] > now - AUTH_FAIL_WINDOW)
		(*recent)++;
	return 0;
}

/* ---- the log-in ---------------------------------------------------------------------------- */

struct login_ctx {
	const char *name, *client;
	/* read in the reservation */
	int found, disabled;
	int tries_left; /* failures left before the lock, counting this attempt as one */
	struct auth_user user;
	char hash[crypto_pwhash_STRBYTES];
	/* the new session */
	char session_hash[65];
	const char *csrf;
};

/* Check the locks, write the attempt down as a failure, read the user. */
static int reserve_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct login_ctx *c = vctx;
	struct store_stmt *s;
	int64_t now = auth_now(), by_pair, by_client = 0, wait;
	int rc, pair_recent, client_recent = 0;

	if ((rc = store_exec_args(st, "DELETE FROM \"login_failures\" WHERE \"at\" <= ?",
				  STORE_ARGS(store_int(now - AUTH_FAIL_WINDOW - AUTH_LOCK_SECONDS)), err)))
		return rc;
	if ((rc = lock_end(st, c->name, c->client, AUTH_FAIL_MAX, now, &by_pair, &pair_recent, err)) ||
	    (*c->client && (rc = lock_end(st, NULL, c->client, AUTH_FAIL_MAX_CLIENT, now, &by_client,
					  &client_recent, err))))
		return rc;
	if (by_pair > now || by_client > now) {
		wait = (by_pair > by_client ? by_pair : by_client) - now;
		c2c_err_set(err, C2C_ELIMIT, "too many failed log-ins %s: try again in %lld minute%s",
			    by_pair > now ? "for this user name from this address" : "from this address",
			    (long long)(wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
		c2c_err_detail(err, "retry after %lld second%s", (long long)wait, wait == 1 ? "" : "s");
		return C2C_ELIMIT;
	}
	/* what this attempt leaves, should it fail */
	c->tries_left = AUTH_FAIL_MAX - (pair_recent + 1);
	if (*c->client && AUTH_FAIL_MAX_CLIENT - (client_recent + 1) < c->tries_left)
		c->tries_left = AUTH_FAIL_MAX_CLIENT - (client_recent + 1);
	if (c->tries_left < 0)
		c->tries_left = 0;
	if ((rc = store_exec_args(st, "INSERT INTO \"login_failures\" (\"name\", \"client\", \"at\") VALUES (?, ?, ?)",
				  STORE_ARGS(store_text(c->name), store_text(c->client), store_int(now)), err)))
		return rc;

	if ((rc = store_prepare(st, "SELECT " AUTH_USER_COLS ", u.\"password_hash\" FROM \"users\" u WHERE u.\"name\" = ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, c->name);
	rc = store_step(s, err);
	c->found = rc == 1;
	if (rc == 1) {
		rc = auth_user_from_row(s, 0, &c->user, &c->disabled, err);
		snprintf(c->hash, sizeof(c->hash), "%s", store_col_text(s, 5));
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The password was right: strike out the failures of the name from this
 * address (not from others: a right password here says nothing of the
 * guesses made elsewhere), open the session. */
static int session_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct login_ctx *c = vctx;
	long long n;
	int64_t now = auth_now();
	int rc;

	if ((rc = store_exec_args(st, "DELETE FROM \"login_failures\" WHERE \"name\" = ? AND \"client\" = ?",
				  STORE_ARGS(store_text(c->name), store_text(c->client)), err)))
		return rc;
	/* expired sessions go as new ones come */
	if ((rc = store_exec_args(st, "DELETE FROM \"sessions\" WHERE \"expires_at\" <= ?", STORE_ARGS(store_int(now)),
				  err)))
		return rc;
	/* disabled, or given a new password, while the hash was being checked */
	rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"users\" WHERE \"id\" = ? AND \"disabled\" = 0"
					  " AND \"password_hash\" = ?",
				  STORE_ARGS(store_int(c->user.id), store_text(c->hash)), &n, err);
	if (rc == 1)
		rc = n == 1;
	if (rc < 0)
		return rc;
	if (!rc)
		return c2c_err_set(err, C2C_ENOTFOUND, "wrong user name or password");
	return store_exec_args(st,
			       "INSERT INTO \"sessions\" (\"hash\", \"user_id\", \"csrf\", \"client\", \"created_at\","
			       " \"expires_at\") VALUES (?, ?, ?, ?, ?, ?)",
			       STORE_ARGS(store_text(c->session_hash), store_int(c->user.id), store_text(c->csrf),
					  store_text(c->client), store_int(now), store_int(now + AUTH_SESSION_SECONDS)),
			       err);
}

int auth_login(struct store *st, const char *name, const char *password, const char *client, char session[64],
	       char csrf[64], struct auth_user *u, struct c2c_err *err)
{
	struct login_ctx *c;
	char name_key[AUTH_NAME_MAX + 2], client_key[128], dummy[crypto_pwhash_STRBYTES];
	int rc, ok;

	session[0] = csrf[0] = '\0';
	if ((rc = auth_sodium_ready(err)))
		return rc;
	/* keys of the rate limit (and the name looked up): what was presented,
	 * cut to a bounded length.  A name cut at 64 bytes stays longer than
	 * any user name (63 at most), so it still finds no user. */
	snprintf(name_key, sizeof(name_key), "%s", name ? name : "");
	snprintf(client_key, sizeof(client_key), "%s", client ? client : "");
	if (!(c = calloc(1, sizeof(*c))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	c->name = name_key;
	c->client = client_key;
	if ((rc = store_tx(st, "login_failures", reserve_tx, c, err)))
		goto out;

	/* the same work whatever was wrong: an unknown name costs one hash
	 * check, against the dummy (fetched every time, so that the one
	 * attempt that makes it is not told apart by its name either) */
	if ((rc = dummy_get(dummy, err)))
		goto out;
	if (!c->found)
		memcpy(c->hash, dummy, sizeof(c->hash));
	ok = !auth_verify_password(c->hash, password ? password : "") && c->found && !c->disabled;
	if (!ok) {
		/* the failure is already written down (reserve_tx); the detail's
		 * words are what the HTTP reply's tries_left is read from */
		rc = c2c_err_set(err, C2C_ENOTFOUND, "wrong user name or password");
		if (c->tries_left > 0)
			c2c_err_detail(err, "tries left: %d (then log-ins for this name from this address "
					    "are locked for %d minutes)", c->tries_left, AUTH_LOCK_SECONDS / 60);
		else
			c2c_err_detail(err, "tries left: 0 (log-ins for this name from this address are "
					    "locked for %d minutes)", AUTH_LOCK_SECONDS / 60);
		goto out;
	}
	auth_random_token(session, 64);
	auth_random_token(csrf, 64);
	auth_sha256_hex(session, c->session_hash);
	c->csrf = csrf;
	if ((rc = store_tx(st, "login_failures", session_tx, c, err)))
		goto out;
	if (u)
		*u = c->user;
out:
	if (rc)
		session[0] = csrf[0] = '\0';
	sodium_memzero(c, sizeof(*c));
	free(c);
	return rc;
}

/* ---- lifting a lock ------------------------------------------------------------------------ */

struct unlock_ctx {
	const char *name;
	long long forgotten;
};

static int unlock_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct unlock_ctx *c = vctx;
	struct auth_user u;
	int rc;

	if ((rc = auth_user_get(st, c->name, &u, NULL, err)) ||
	    (rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"login_failures\" WHERE \"name\" = ?",
				       STORE_ARGS(store_text(c->name)), &c->forgotten, err)) < 0)
		return rc;
	return store_exec_args(st, "DELETE FROM \"login_failures\" WHERE \"name\" = ?",
			       STORE_ARGS(store_text(c->name)), err);
}

int auth_unlock(struct store *st, const char *name, long long *forgotten, struct c2c_err *err)
{
	struct unlock_ctx c = {name ? name : "", 0};
	int rc = store_tx(st, "login_failures", unlock_tx, &c, err);
	if (forgotten)
		*forgotten = rc ? 0 : c.forgotten;
	return rc;
}

/* ---- sessions ------------------------------------------------------------------------------ */

/* A cookie value we could have made: 43 base64url characters.  Anything
 * else is refused before the database is asked. */
static int token_shape_ok(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '_'))
			return 0;
	}
	return 1;
}

#define SESSION_LEN 43 /* 32 bytes in base64url without padding */

int auth_session(struct store *st, const char *session, struct auth_user *u, char csrf[64], struct c2c_err *err)
{
	struct store_stmt *s;
	struct auth_user found;
	char hash[65];
	int disabled = 0, rc;
	int64_t expires = 0;

	if (csrf)
		csrf[0] = '\0';
	if (!token_shape_ok(session, SESSION_LEN))
		goto none;
	auth_sha256_hex(session, hash);
	if ((rc = store_prepare(st,
				"SELECT " AUTH_USER_COLS ", s.\"expires_at\", s.\"csrf\" FROM \"sessions\" s"
				" JOIN \"users\" u ON u.\"id\" = s.\"user_id\" WHERE s.\"hash\" = ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, hash);
	rc = store_step(s, err);
	if (rc == 1) {
		rc = auth_user_from_row(s, 0, &found, &disabled, err);
		expires = store_col_int(s, 5);
		if (!rc && csrf)
			snprintf(csrf, 64, "%s", store_col_text(s, 6));
		rc = rc ? rc : 1;
	}
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (rc == 0 || disabled || expires <= auth_now())
		goto none;
	if (u)
		*u = found;
	return 0;
none:
	if (csrf)
		csrf[0] = '\0';
	c2c_err_set(err, C2C_ENOTFOUND, "not logged in: the session is unknown or has expired");
	c2c_err_hint(err, "log in again");
	return C2C_ENOTFOUND;
}

struct logout_ctx {
	char hash[65];
};

static int logout_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct logout_ctx *c = vctx;
	long long n;
	int rc;
	rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"sessions\" WHERE \"hash\" = ?",
				  STORE_ARGS(store_text(c->hash)), &n, err);
	if (rc == 1)
		rc = n > 0;
	if (rc < 0)
		return rc;
	if (!rc)
		return c2c_err_set(err, C2C_ENOTFOUND, "no such session (logged out already, or expired)");
	return store_exec_args(st, "DELETE FROM \"sessions\" WHERE \"hash\" = ?", STORE_ARGS(store_text(c->hash)), err);
}

int auth_logout(struct store *st, const char *session, struct c2c_err *err)
{
	struct logout_ctx c;
	if (!token_shape_ok(session, SESSION_LEN))
		return c2c_err_set(err, C2C_ENOTFOUND, "no such session (logged out already, or expired)");
	auth_sha256_hex(session, c.hash);
	return store_tx(st, NULL, logout_tx, &c, err);
}

int auth_csrf_ok(const char *expected, const char *presented)
{
	size_t n;
	if (!expected || !presented)
		return 0;
	n = strlen(expected);
	/* the length is no secret (every token has 43 characters); the bytes are */
	if (!n || strlen(presented) != n)
		return 0;
	return sodium_memcmp(expected, presented, n) == 0;
}
