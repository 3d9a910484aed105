/*
 * auth.h - users, roles and their scopes, log-in with argon2id, sessions,
 * API tokens and the log-in rate limit.  The HTTP layer calls these; the CLI
 * (`c2c user`) manages the users.  Everything lives in the database
 * (tables users, sessions, tokens, login_failures; store migrations of module
 * "auth"), so several servers on one database share users, sessions and the
 * rate limit.  docs/auth.md gives the rules and the reasons for the choices.
 *
 * Secrets never stored: a session cookie value and an API token are kept
 * only as their SHA-256; a password only as its argon2id hash.  The CSRF
 * token is stored as it is (it is not a credential on its own).
 */
#ifndef C2C_AUTH_AUTH_H
#define C2C_AUTH_AUTH_H

#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

/* roles, as stored and as written on the command line */
enum auth_role { AUTH_PUBLIC, AUTH_ADMIN, AUTH_OFFICE, AUTH_MUNICIPALITY, AUTH_PARTNER,
		 AUTH_PARTICIPANT, AUTH_VERIFIER, AUTH_REGISTRAR,
		 /* a reviewer of the programme's calls: its scope is its programme
		  * reviewer id (c2c score reviewer add), which carries its body */
		 AUTH_REVIEWER };
/* names: "public","admin","office","municipality","partner","participant","verifier","registrar" */
const char *auth_role_name(enum auth_role r);
int auth_role_parse(const char *s, enum auth_role *r); /* 0 or C2C_EUSAGE naming the valid ones */
/* The same, with err filled: "role 'x' is not known (use public, admin, ...)". */
int auth_role_parse_err(const char *s, enum auth_role *r, struct c2c_err *err);
#define AUTH_ROLES_VALID "public, admin, office, municipality, partner, participant, verifier, registrar or reviewer"

struct auth_user {
	int64_t id;               /* 0 for the public (no login) */
	char name[64];
	enum auth_role role;
	char scope[256];          /* municipality: a Japanese body's place id (atlas places.id, kind a Japanese body);
				     partner: a partner place id; registrar: an ISO 3166 alpha-2 country;
				     participant: comma-separated project ids and registry account ids;
				     reviewer: its programme reviewer id;
				     "" for admin, office, verifier */
};
/* true when the user's scope covers `kind`:`id` ("place","P123" / "country","KH" / "project","KH003" /
 * "account","JP-ENT-1").  Scope narrows a role, it does not grant one: the
 * route table decides which roles may call an endpoint at all, then this
 * says whether a scoped user may touch that record.  So admin, office and
 * verifier (roles without a scope) are covered everywhere, the public
 * nowhere; municipality and partner cover "place" equal to their scope,
 * registrar "country", participant "project" and "account" in its list.
 * Exact, case-sensitive matches; NULL arguments are never covered. */
int auth_in_scope(const struct auth_user *u, const char *kind, const char *id);

/* The rules, for the documentation and the tests. */
#define AUTH_NAME_MAX 63          /* user names: [a-z0-9][a-z0-9._-]{0,62} */
#define AUTH_PASSWORD_MIN 10      /* characters (UTF-8 code points) */
#define AUTH_PASSWORD_MAX 1024    /* bytes: refuses to hash megabytes sent by a client */
#define AUTH_FAIL_MAX 5           /* failed log-ins per (user name, client address) ... */
#define AUTH_FAIL_MAX_CLIENT 20   /* ... or per client address over every name ... */
#define AUTH_FAIL_WINDOW 900      /* ... within this many seconds lock it ... */
#define AUTH_LOCK_SECONDS 900     /* ... for this long after the last of them */
#define AUTH_SESSION_SECONDS 43200 /* a session lasts 12 h from log-in (fixed, not sliding) */

/* The clock, in Unix seconds.  Every time the module reads or stores goes
 * through it; a test points it at its own clock to step over expiries and
 * rate-limit windows.  Default: time(NULL). */
extern int64_t (*auth_now)(void);

/* Password hashing cost.  argon2id with libsodium's INTERACTIVE limits (2
 * passes, 64 MiB) unless the environment variable
 * C2C_AUTH_INSECURE_FAST_HASH=1 asks for the library's minimum (1 pass,
 * 8 KiB): for the test suites under valgrind and ASan only, never on a
 * server.  Hashes record their own cost, so either verifies anywhere. */
int auth_hash_password(const char *password, char out[128], struct c2c_err *err);
/* 0 when `password` matches `hash`, C2C_ENOTFOUND when not. */
int auth_verify_password(const char *hash, const char *password);
/* What the checks did, for the tests that hold an unknown name to the same
 * work as a wrong password (counted, not timed): the number of checks run,
 * and the cost part of the last hash checked ("$argon2id$v=19$m=…,t=…,p=…").
 * The count is atomic: every server thread checks passwords. */
extern _Atomic unsigned long auth_password_checks;
extern _Thread_local char auth_last_check_cost[64];

/* Validation, exposed so the HTTP layer can check a form before a write:
 * 0 or C2C_EINPUT with a message that names the problem. */
int auth_name_check(const char *name, struct c2c_err *err);
int auth_password_check(const char *password, struct c2c_err *err);

int auth_migrate(struct store *st, struct c2c_err *err);   /* tables: users, sessions, tokens, login_failures; idempotent; store migrations under module "auth" */
/* Errors of the user calls: C2C_EINPUT for a bad name, password or scope
 * (the message names which and why), C2C_EUSAGE for a scope given to a
 * role without one or the public role, C2C_ENOTFOUND for an unknown user,
 * C2C_ECONFLICT for a duplicate name or for leaving no enabled admin.
 * err->field names the input at fault ("name", "role", "scope",
 * "password", "label"), so a form shows the message beside it and the CLI
 * beside its flag. */

/* Everything auth_user_add checks but the password, without writing: for a
 * form, or the CLI before it asks for a password. */
int auth_user_add_check(struct store *st, const char *name, enum auth_role role, const char *scope,
			struct c2c_err *err);
int auth_user_add(struct store *st, const char *name, enum auth_role role, const char *scope, const char *password, struct c2c_err *err);
/* auth_user_add's write alone, given the hash auth_hash_password made of a
 * password auth_password_check passed: for a caller that writes the user in
 * a transaction of its own (the HTTP route, with its audit row) and keeps
 * the slow hash out of it. */
int auth_user_add_hashed(struct store *st, const char *name, enum auth_role role, const char *scope,
			 const char *hash, struct c2c_err *err);
int auth_user_passwd(struct store *st, const char *name, const char *password, struct c2c_err *err); /* also ends that user's sessions */
int auth_user_role(struct store *st, const char *name, enum auth_role role, const char *scope, struct c2c_err *err);
int auth_user_disable(struct store *st, const char *name, struct c2c_err *err); /* ends sessions, revokes tokens */
/* Lets a disabled user log in again (with the same password; revoked
 * tokens stay revoked). */
int auth_user_enable(struct store *st, const char *name, struct c2c_err *err);
/* [{id, name, role, scope, disabled, created_at, updated_at, sessions (live), tokens:[live labels]}],
 * by name; times ISO 8601 UTC */
json_t *auth_user_list_json(struct store *st, struct c2c_err *err); /* never includes hashes */
/* One user by name, whether disabled or not (*disabled may be NULL). */
int auth_user_get(struct store *st, const char *name, struct auth_user *u, int *disabled, struct c2c_err *err);

/* log-in: argon2id, rate-limited: AUTH_FAIL_MAX failures for one user name
 * from one client address, or AUTH_FAIL_MAX_CLIENT from one address over
 * every name, within AUTH_FAIL_WINDOW refuse every attempt of that key, the
 * right password too, with C2C_ELIMIT until AUTH_LOCK_SECONDS after the last
 * failure; err->detail says "retry after N seconds".  `client` is the remote
 * address, NULL or "" when there is none (then the name is limited as from
 * one address "").  A wrong name, a wrong password and a disabled user all
 * give C2C_ENOTFOUND "wrong user name or password" after the same work (an
 * unknown name is checked against a dummy hash), with err->detail
 * "tries left: N (...)": the failures left before the lock.  A success
 * strikes out the failures of that name from that address.  On success: a
 * new session (cookie value: 32 random bytes, base64url without padding;
 * only its SHA-256 stored), its CSRF token and *u; expiry
 * AUTH_SESSION_SECONDS after now, fixed. */
int auth_login(struct store *st, const char *name, const char *password, const char *client,
	       char session[64], char csrf[64], struct auth_user *u, struct c2c_err *err);
/* An administrator lifts the log-in locks of a user name: its failures from
 * every address are forgotten (*forgotten: how many, may be NULL).
 * C2C_ENOTFOUND when there is no such user. */
int auth_unlock(struct store *st, const char *name, long long *forgotten, struct c2c_err *err);
/* the user of a session cookie value; C2C_ENOTFOUND (→ 401 by the caller) for unknown/expired/disabled;
 * csrf (may be NULL) gets the session's CSRF token */
int auth_session(struct store *st, const char *session, struct auth_user *u, char csrf[64], struct c2c_err *err);
int auth_logout(struct store *st, const char *session, struct c2c_err *err); /* C2C_ENOTFOUND when no such session */
/* API tokens for scripts: "c2c_" + random, only the hash stored; named; revocable */
int auth_token_create(struct store *st, const char *user, const char *label, char token[96], struct c2c_err *err);
int auth_token_check(struct store *st, const char *token, struct auth_user *u, struct c2c_err *err);
int auth_token_revoke(struct store *st, const char *user, const char *label, struct c2c_err *err);
/* A user's tokens, live first then revoked, newest first: [{label,
 * created_at, revoked_at (null while live)}]; never a token or its hash.
 * NULL with err set (C2C_ENOTFOUND for an unknown user). */
json_t *auth_token_list_json(struct store *st, const char *user, struct c2c_err *err);
/* constant-time compare of a presented CSRF token with the session's */
int auth_csrf_ok(const char *expected, const char *presented);

#endif
