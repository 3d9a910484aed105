/*
 * test_auth.c - users, roles and scopes, log-in, sessions, tokens and the
 * rate limit, against a real SQLite file with the built-in atlas and the
 * registry's tables (scopes are checked against them).  The module's clock
 * (auth_now) is this file's, so expiry and lock windows are stepped over
 * exactly.  Hashing runs at libsodium's minimum cost
 * (C2C_AUTH_INSECURE_FAST_HASH=1) except where the real cost is the point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "atlas/atlas.h"
#include "auth/auth.h"
#include "registry/registry.h"

#define PW "correct horse battery"
#define PW2 "staple paper clip tree"

static int64_t clock_now = 1800000000; /* 2027-01-15 */
static int64_t test_now(void) { return clock_now; }

struct fixture {
	char path[128];
	struct store *st;
};

/* A new SQLite file; or, when C2C_TEST_PG names a PostgreSQL database (a
 * throwaway one: it is emptied), that database with nothing in it. */
static int fixture_open(struct fixture *f, struct c2c_err *err)
{
	const char *pg = getenv("C2C_TEST_PG");
	if (!pg || !*pg)
		return testdb_open(f->path, sizeof(f->path), "auth", &f->st, err);
	snprintf(f->path, sizeof(f->path), "%s", pg);
	if (store_open(&f->st, pg, STORE_OPEN_CREATE, err))
		return -1;
	return store_exec(f->st, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", err);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct atlas_init_report rep;
	struct c2c_err err;
	struct registry_ctx rc;
	clock_now = 1800000000;
	if (!f || fixture_open(f, &err) || atlas_init(f->st, 0, &rep, &err) ||
	    registry_migrate(f->st, &err) || auth_migrate(f->st, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	rc = (struct registry_ctx){.st = f->st, .user = "test"};
	if (registry_account_open(&rc, "JP-ENT-1", "JP", "entity", "A Japanese company", &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (getenv("C2C_TEST_PG") && *getenv("C2C_TEST_PG"))
		store_close(f->st);
	else
		testdb_remove(f->path, f->st);
	free(f);
	return 0;
}

static void add(struct store *st, const char *name, enum auth_role role, const char *scope)
{
	struct c2c_err err;
	int rc = auth_user_add(st, name, role, scope, PW, &err);
	if (rc)
		fprintf(stderr, "add %s: %s\n", name, err.msg);
	assert_int_equal(rc, 0);
}

/* Every row the module keeps, as text: a refusal must leave it unchanged. */
static char *snapshot(struct store *st)
{
	static const char *const q[] = {
		"SELECT \"id\", \"name\", \"role\", \"scope\", \"password_hash\", \"disabled\", \"updated_at\" FROM \"users\""
		" ORDER BY \"id\"",
		"SELECT \"hash\", \"user_id\", \"expires_at\" FROM \"sessions\" ORDER BY \"hash\"",
		"SELECT \"hash\", \"label\", \"revoked_at\" FROM \"tokens\" ORDER BY \"hash\"",
		"SELECT \"name\", \"client\", \"at\" FROM \"login_failures\" ORDER BY \"at\", \"name\", \"client\""};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct c2c_err err;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct store_stmt *s;
		assert_int_equal(store_prepare(st, q[i], &s, &err), 0);
		while (store_step(s, &err) == 1) {
			for (int c = 0; c < store_col_count(s); c++)
				fprintf(fp, "%s|", store_col_text(s, c));
			fputc('\n', fp);
		}
		store_finalize(s);
		fputs("--\n", fp);
	}
	fclose(fp);
	return buf;
}

static long long count(struct store *st, const char *sql)
{
	struct c2c_err err;
	return store_query_int(st, sql, &err);
}

/* ---- roles and scopes (no database) ------------------------------------------------------- */

static void test_role_names(void **state)
{
	static const char *const names[] = {"public", "admin", "office", "municipality", "partner",
					    "participant", "verifier", "registrar"};
	enum auth_role r;
	struct c2c_err err;
	(void)state;
	for (int i = 0; i < 8; i++) {
		assert_string_equal(auth_role_name((enum auth_role)i), names[i]);
		assert_int_equal(auth_role_parse(names[i], &r), 0);
		assert_int_equal(r, i);
	}
	assert_int_equal(auth_role_parse("Admin", &r), C2C_EUSAGE);
	assert_int_equal(auth_role_parse("", &r), C2C_EUSAGE);
	assert_int_equal(auth_role_parse(NULL, &r), C2C_EUSAGE);
	assert_int_equal(auth_role_parse_err("root", &r, &err), C2C_EUSAGE);
	assert_string_equal(err.msg, "role 'root' is not known (use public, admin, office, municipality, partner, "
				     "participant, verifier, registrar or reviewer)");
}

static void test_in_scope(void **state)
{
	struct auth_user u = {0};
	(void)state;
	u.role = AUTH_MUNICIPALITY;
	snprintf(u.scope, sizeof(u.scope), "jp-toyama-city");
	assert_true(auth_in_scope(&u, "place", "jp-toyama-city"));
	assert_false(auth_in_scope(&u, "place", "jp-kitakyushu-city"));
	assert_false(auth_in_scope(&u, "place", "jp-toyama-cit"));
	assert_false(auth_in_scope(&u, "country", "JP"));
	assert_false(auth_in_scope(&u, "project", "jp-toyama-city"));

	u.role = AUTH_PARTNER;
	snprintf(u.scope, sizeof(u.scope), "vn-da-nang-city");
	assert_true(auth_in_scope(&u, "place", "vn-da-nang-city"));
	assert_false(auth_in_scope(&u, "place", "jp-toyama-city"));

	u.role = AUTH_REGISTRAR;
	snprintf(u.scope, sizeof(u.scope), "KH");
	assert_true(auth_in_scope(&u, "country", "KH"));
	assert_false(auth_in_scope(&u, "country", "kh"));
	assert_false(auth_in_scope(&u, "country", "JP"));
	assert_false(auth_in_scope(&u, "place", "KH"));

	u.role = AUTH_PARTICIPANT;
	snprintf(u.scope, sizeof(u.scope), "project:KH003,account:JP-ENT-1");
	assert_true(auth_in_scope(&u, "project", "KH003"));
	assert_true(auth_in_scope(&u, "account", "JP-ENT-1"));
	/* issue 18 item 2: each item says its kind; the project KH003 covers no account KH003 */
	assert_false(auth_in_scope(&u, "project", "JP-ENT-1"));
	assert_false(auth_in_scope(&u, "account", "KH003"));
	snprintf(u.scope, sizeof(u.scope), "KH003,JP-ENT-1"); /* untyped, as before migration 2 */
	assert_false(auth_in_scope(&u, "project", "KH003"));
	snprintf(u.scope, sizeof(u.scope), "project:KH003,account:JP-ENT-1");
	assert_false(auth_in_scope(&u, "project", "KH00"));
	assert_false(auth_in_scope(&u, "project", "KH003,JP-ENT-1"));
	assert_false(auth_in_scope(&u, "project", "H003"));
	assert_false(auth_in_scope(&u, "project", ""));
	assert_false(auth_in_scope(&u, "place", "KH003"));
	assert_false(auth_in_scope(&u, "country", "KH"));

	/* roles without a scope are not narrowed; the public holds nothing */
	u.scope[0] = '\0';
	for (enum auth_role r = AUTH_ADMIN; r <= AUTH_REGISTRAR; r++) {
		u.role = r;
		if (r == AUTH_ADMIN || r == AUTH_OFFICE || r == AUTH_VERIFIER)
			assert_true(auth_in_scope(&u, "place", "jp-toyama-city"));
		else
			assert_false(auth_in_scope(&u, "place", "jp-toyama-city")); /* empty scope covers nothing */
	}
	u.role = AUTH_PUBLIC;
	assert_false(auth_in_scope(&u, "place", "jp-toyama-city"));
	assert_false(auth_in_scope(NULL, "place", "x"));
	u.role = AUTH_ADMIN;
	assert_false(auth_in_scope(&u, NULL, "x"));
	assert_false(auth_in_scope(&u, "place", NULL));
}

static void test_csrf(void **state)
{
	(void)state;
	assert_true(auth_csrf_ok("abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE", "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"));
	assert_false(auth_csrf_ok("abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE", "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDF"));
	assert_false(auth_csrf_ok("abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE", "bbcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"));
	assert_false(auth_csrf_ok("abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE", "abcdefghijklmnopqrstuvwxyz0123456789-_ABCD"));
	assert_false(auth_csrf_ok("abc", "abcd"));
	assert_false(auth_csrf_ok("", ""));
	assert_false(auth_csrf_ok(NULL, "abc"));
	assert_false(auth_csrf_ok("abc", NULL));
}

/* ---- validation: every message ------------------------------------------------------------- */

static void expect_add(struct store *st, const char *name, enum auth_role role, const char *scope,
		       const char *password, int code, const char *msg)
{
	struct c2c_err err;
	char *before = snapshot(st), *after;
	c2c_err_clear(&err);
	assert_int_equal(auth_user_add(st, name, role, scope, password, &err), code);
	if (strcmp(err.msg, msg))
		fail_msg("got '%s', expected '%s'", err.msg, msg);
	after = snapshot(st);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_validation(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char long_name[80], long_pw[AUTH_PASSWORD_MAX + 2];

	add(f->st, "admin", AUTH_ADMIN, NULL);
	/* names */
	expect_add(f->st, "", AUTH_OFFICE, NULL, PW, C2C_EINPUT, "user name is empty");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	expect_add(f->st, long_name, AUTH_OFFICE, NULL, PW, C2C_EINPUT,
		   "user name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer than 63 characters");
	long_name[63] = '\0';
	add(f->st, long_name, AUTH_OFFICE, NULL); /* 63 is allowed */
	expect_add(f->st, "-x", AUTH_OFFICE, NULL, PW, C2C_EINPUT, "user name '-x' must start with a-z or 0-9");
	expect_add(f->st, "Ota", AUTH_OFFICE, NULL, PW, C2C_EINPUT, "user name 'Ota' must start with a-z or 0-9");
	expect_add(f->st, "ota san", AUTH_OFFICE, NULL, PW, C2C_EINPUT,
		   "user name 'ota san' has a character other than a-z 0-9 . _ -");
	expect_add(f->st, "ota/1", AUTH_OFFICE, NULL, PW, C2C_EINPUT,
		   "user name 'ota/1' has a character other than a-z 0-9 . _ -");
	/* passwords */
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, "short pw!", C2C_EINPUT,
		   "password is too short: 9 characters, at least 10 needed");
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, "", C2C_EINPUT,
		   "password is too short: 0 characters, at least 10 needed");
	/* characters count, not bytes: eight are 24 bytes and too few, ten are enough */
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, "パスワードパスワ", C2C_EINPUT,
		   "password is too short: 8 characters, at least 10 needed");
	assert_int_equal(auth_user_add(f->st, "kana", AUTH_OFFICE, NULL, "パスワードパスワード", &err), 0);
	memset(long_pw, 'p', AUTH_PASSWORD_MAX + 1);
	long_pw[AUTH_PASSWORD_MAX + 1] = '\0';
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, long_pw, C2C_EINPUT, "password is longer than 1024 bytes");
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, "correct\thorse battery", C2C_EINPUT,
		   "password has a control character (byte 8)");
	expect_add(f->st, "ota", AUTH_OFFICE, NULL, "correct \xff horse battery", C2C_EINPUT,
		   "password is not valid UTF-8");
	/* roles and scopes */
	expect_add(f->st, "ota", AUTH_PUBLIC, NULL, PW, C2C_EUSAGE,
		   "role public is the visitor without a log-in; a user cannot have it");
	expect_add(f->st, "ota", AUTH_ADMIN, "jp-toyama-city", PW, C2C_EUSAGE,
		   "role admin takes no scope (it is not limited to a place, country or project), but "
		   "'jp-toyama-city' was given");
	expect_add(f->st, "ota", AUTH_VERIFIER, "KH", PW, C2C_EUSAGE,
		   "role verifier takes no scope (it is not limited to a place, country or project), but 'KH' was given");
	expect_add(f->st, "ota", AUTH_MUNICIPALITY, NULL, PW, C2C_EUSAGE, "role municipality needs a scope");
	expect_add(f->st, "ota", AUTH_PARTNER, "", PW, C2C_EUSAGE, "role partner needs a scope");
	expect_add(f->st, "ota", AUTH_REGISTRAR, NULL, PW, C2C_EUSAGE, "role registrar needs a scope");
	expect_add(f->st, "ota", AUTH_PARTICIPANT, NULL, PW, C2C_EUSAGE, "role participant needs a scope");
	expect_add(f->st, "ota", AUTH_MUNICIPALITY, "jp-nowhere-city", PW, C2C_EINPUT,
		   "scope 'jp-nowhere-city' is not an atlas place");
	expect_add(f->st, "ota", AUTH_MUNICIPALITY, "vn-da-nang-city", PW, C2C_EINPUT,
		   "scope 'vn-da-nang-city' (ダナン市) is a place in VN, not a Japanese body");
	expect_add(f->st, "ota", AUTH_PARTNER, "jp-toyama-city", PW, C2C_EINPUT,
		   "scope 'jp-toyama-city' (富山市) is a Japanese body, not a partner place");
	expect_add(f->st, "ota", AUTH_REGISTRAR, "kh", PW, C2C_EINPUT,
		   "scope 'kh' is not an ISO 3166-1 alpha-2 country code");
	expect_add(f->st, "ota", AUTH_REGISTRAR, "XX", PW, C2C_EINPUT,
		   "scope 'XX' is not an ISO 3166-1 alpha-2 country code");
	expect_add(f->st, "ota", AUTH_PARTICIPANT, "JP-ENT-1,,pj-tabanan-rice-mill", PW, C2C_EINPUT,
		   "scope 'JP-ENT-1,,pj-tabanan-rice-mill' has an empty item");
	expect_add(f->st, "ota", AUTH_PARTICIPANT, "JP-ENT-1, KH 003", PW, C2C_EINPUT,
		   "scope item 'KH 003' is not a project or account id (A-Z a-z 0-9 . _ -)");
	expect_add(f->st, "ota", AUTH_PARTICIPANT, "JP-ENT-1,JP-ENT-1", PW, C2C_EINPUT, "scope lists 'account:JP-ENT-1' twice");
	expect_add(f->st, "ota", AUTH_PARTICIPANT, "JP-ENT-1,KH999", PW, C2C_EINPUT,
		   "scope item 'KH999' is neither a project nor a registry account");
	{
		char big[300];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		expect_add(f->st, "ota", AUTH_PARTICIPANT, big, PW, C2C_EINPUT, "scope is longer than 255 bytes");
	}
	/* a duplicate */
	expect_add(f->st, "admin", AUTH_OFFICE, NULL, PW, C2C_ECONFLICT, "user 'admin' exists already");
	/* the same checks without a password, writing nothing */
	{
		char *before = snapshot(f->st), *after;
		assert_int_equal(auth_user_add_check(f->st, "admin", AUTH_OFFICE, NULL, &err), C2C_ECONFLICT);
		assert_string_equal(err.msg, "user 'admin' exists already");
		assert_int_equal(auth_user_add_check(f->st, "ota", AUTH_PARTNER, "jp-toyama-city", &err), C2C_EINPUT);
		assert_int_equal(auth_user_add_check(f->st, "Ota", AUTH_OFFICE, NULL, &err), C2C_EINPUT);
		assert_int_equal(auth_user_add_check(f->st, "ota", AUTH_PARTNER, "vn-da-nang-city", &err), 0);
		after = snapshot(f->st);
		assert_string_equal(before, after);
		free(before);
		free(after);
	}

	/* what passes: scopes as stored */
	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	add(f->st, "danang", AUTH_PARTNER, "vn-da-nang-city");
	add(f->st, "kh-reg", AUTH_REGISTRAR, "KH");
	add(f->st, "company", AUTH_PARTICIPANT, " JP-ENT-1 , pj-tabanan-rice-mill");
	{
		struct auth_user u;
		int disabled = 1;
		assert_int_equal(auth_user_get(f->st, "company", &u, &disabled, &err), 0);
		assert_string_equal(u.scope, "account:JP-ENT-1,project:pj-tabanan-rice-mill");
		assert_int_equal(u.role, AUTH_PARTICIPANT);
		assert_false(disabled);
		assert_true(auth_in_scope(&u, "account", "JP-ENT-1"));
		assert_true(auth_in_scope(&u, "project", "pj-tabanan-rice-mill"));
		assert_int_equal(auth_user_get(f->st, "nobody", &u, NULL, &err), C2C_ENOTFOUND);
		assert_string_equal(err.msg, "no user 'nobody'");
	}

	/* the other writers check the same things */
	assert_int_equal(auth_user_role(f->st, "toyama", AUTH_MUNICIPALITY, "vn-da-nang-city", &err), C2C_EINPUT);
	assert_string_equal(err.msg, "scope 'vn-da-nang-city' (ダナン市) is a place in VN, not a Japanese body");
	assert_int_equal(auth_user_role(f->st, "toyama", AUTH_OFFICE, "jp-toyama-city", &err), C2C_EUSAGE);
	assert_int_equal(auth_user_role(f->st, "nobody", AUTH_OFFICE, NULL, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "no user 'nobody'");
	assert_int_equal(auth_user_passwd(f->st, "toyama", "too short", &err), C2C_EINPUT);
	assert_string_equal(err.msg, "password is too short: 9 characters, at least 10 needed");
	assert_int_equal(auth_user_passwd(f->st, "nobody", PW2, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "no user 'nobody'");
	assert_int_equal(auth_user_disable(f->st, "nobody", &err), C2C_ENOTFOUND);
	assert_int_equal(auth_user_enable(f->st, "toyama", &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "user 'toyama' is not disabled");

	/* a role change takes its new scope */
	assert_int_equal(auth_user_role(f->st, "toyama", AUTH_OFFICE, NULL, &err), 0);
	{
		struct auth_user u;
		assert_int_equal(auth_user_get(f->st, "toyama", &u, NULL, &err), 0);
		assert_int_equal(u.role, AUTH_OFFICE);
		assert_string_equal(u.scope, "");
	}
}

static void test_last_admin(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char *before, *after;
	add(f->st, "root", AUTH_ADMIN, NULL);
	before = snapshot(f->st);
	assert_int_equal(auth_user_role(f->st, "root", AUTH_OFFICE, NULL, &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "'root' is the last enabled admin");
	assert_int_equal(auth_user_disable(f->st, "root", &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "'root' is the last enabled admin");
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* with a second admin, the first may go */
	add(f->st, "root2", AUTH_ADMIN, NULL);
	assert_int_equal(auth_user_role(f->st, "root", AUTH_OFFICE, NULL, &err), 0);
	assert_int_equal(auth_user_disable(f->st, "root2", &err), C2C_ECONFLICT);
}

static void test_migrate_idempotent(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char *before, *after;
	add(f->st, "admin", AUTH_ADMIN, NULL);
	before = snapshot(f->st);
	assert_int_equal(auth_migrate(f->st, &err), 0);
	assert_int_equal(auth_migrate(f->st, &err), 0);
	assert_int_equal(store_schema_version(f->st, "auth", &err), 3);
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Without the atlas a place cannot be checked, and is refused; without the
 * project and account tables a participant's list cannot be: its typed
 * items are kept, an untyped one is refused (nothing can say its kind). */
static void test_scope_without_tables(void **state)
{
	char path[128];
	struct store *st;
	struct c2c_err err;
	struct auth_user u;
	(void)state;
	assert_int_equal(testdb_open(path, sizeof(path), "auth-bare", &st, &err), 0);
	assert_int_equal(auth_migrate(st, &err), 0);
	assert_int_equal(auth_user_add(st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city", PW, &err), C2C_EINPUT);
	assert_string_equal(err.msg,
			    "scope 'jp-toyama-city': the atlas is not in this database, so no place can be checked");
	assert_string_equal(err.hint, "run: c2c init");
	assert_int_equal(auth_user_add(st, "company", AUTH_PARTICIPANT, "KH003,JP-ENT-1", PW, &err), C2C_EINPUT);
	assert_string_equal(err.hint, "say project:KH003 or account:KH003");
	assert_int_equal(auth_user_add(st, "company", AUTH_PARTICIPANT, "project:KH003, account:JP-ENT-1", PW, &err), 0);
	assert_int_equal(auth_user_get(st, "company", &u, NULL, &err), 0);
	assert_string_equal(u.scope, "project:KH003,account:JP-ENT-1");
	testdb_remove(path, st);
}

/* ---- passwords ------------------------------------------------------------------------------- */

static void test_hash_argon2id(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char hash[128];
	struct store_stmt *s;

	/* the real cost: libsodium's INTERACTIVE limits */
	unsetenv("C2C_AUTH_INSECURE_FAST_HASH");
	assert_int_equal(auth_hash_password(PW, hash, &err), 0);
	assert_memory_equal(hash, "$argon2id$v=19$m=65536,t=2,p=1$", strlen("$argon2id$v=19$m=65536,t=2,p=1$"));
	assert_int_equal(auth_verify_password(hash, PW), 0);
	assert_int_equal(auth_verify_password(hash, PW2), C2C_ENOTFOUND);
	setenv("C2C_AUTH_INSECURE_FAST_HASH", "1", 1);
	assert_int_equal(auth_hash_password(PW, hash, &err), 0);
	assert_memory_equal(hash, "$argon2id$v=19$m=8,t=1,p=1$", strlen("$argon2id$v=19$m=8,t=1,p=1$"));

	/* what the database holds: an argon2id hash, never the password */
	add(f->st, "admin", AUTH_ADMIN, NULL);
	assert_int_equal(store_prepare(f->st, "SELECT \"password_hash\" FROM \"users\"", &s, &err), 0);
	assert_int_equal(store_step(s, &err), 1);
	assert_memory_equal(store_col_text(s, 0), "$argon2id$", 10);
	assert_null(strstr(store_col_text(s, 0), PW));
	assert_int_equal(auth_verify_password(store_col_text(s, 0), PW), 0);
	store_finalize(s);
	/* two users with one password get two hashes (a salt each) */
	add(f->st, "admin2", AUTH_ADMIN, NULL);
	assert_int_equal(count(f->st, "SELECT COUNT(DISTINCT \"password_hash\") FROM \"users\""), 2);
}

/* An unknown name does the same work as a wrong password: one argon2id
 * check, against a hash of the same cost (counted, not timed: a timing in a
 * unit test fails on a busy machine). */
static void test_unknown_user_same_work(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err, err2;
	char session[64], csrf[64], wrong_cost[64];
	unsigned long before;

	unsetenv("C2C_AUTH_INSECURE_FAST_HASH");
	add(f->st, "admin", AUTH_ADMIN, NULL);
	clock_now += AUTH_LOCK_SECONDS + AUTH_FAIL_WINDOW; /* no lock in the way */
	before = auth_password_checks;
	assert_int_equal(auth_login(f->st, "admin", PW2, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_password_checks, before + 1);
	snprintf(wrong_cost, sizeof(wrong_cost), "%s", auth_last_check_cost);
	assert_true(!strncmp(wrong_cost, "$argon2id$v=19$m=65536,t=2,p=", 29));
	assert_int_equal(auth_login(f->st, "nobody", PW2, NULL, session, csrf, NULL, &err2), C2C_ENOTFOUND);
	assert_int_equal(auth_password_checks, before + 2);
	assert_string_equal(auth_last_check_cost, wrong_cost);
	/* the same answer, word for word */
	assert_string_equal(err.msg, err2.msg);
	assert_string_equal(err.msg, "wrong user name or password");
	assert_string_equal(session, "");
	setenv("C2C_AUTH_INSECURE_FAST_HASH", "1", 1);
}

/* ---- log-in, sessions, log-out ---------------------------------------------------------------- */

static void test_login_and_session(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64], csrf2[64], hash[65];
	unsigned char h[32];
	struct auth_user u, v;
	struct store_stmt *s;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	assert_int_equal(auth_login(f->st, "toyama", PW, "192.0.2.1", session, csrf, &u, &err), 0);
	assert_int_equal(strlen(session), 43);
	assert_int_equal(strlen(csrf), 43);
	assert_string_not_equal(session, csrf);
	assert_string_equal(u.name, "toyama");
	assert_int_equal(u.role, AUTH_MUNICIPALITY);
	assert_string_equal(u.scope, "jp-toyama-city");
	assert_true(u.id > 0);

	/* only the SHA-256 of the cookie value is stored */
	assert_int_equal(store_prepare(f->st, "SELECT \"hash\", \"csrf\", \"expires_at\" - \"created_at\" FROM \"sessions\"",
				       &s, &err), 0);
	assert_int_equal(store_step(s, &err), 1);
	crypto_hash_sha256(h, (const unsigned char *)session, strlen(session));
	sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
	assert_string_equal(store_col_text(s, 0), hash);
	assert_string_equal(store_col_text(s, 1), csrf);
	assert_int_equal(store_col_int(s, 2), AUTH_SESSION_SECONDS);
	store_finalize(s);

	assert_int_equal(auth_session(f->st, session, &v, csrf2, &err), 0);
	assert_int_equal(v.id, u.id);
	assert_string_equal(v.name, "toyama");
	assert_string_equal(v.scope, "jp-toyama-city");
	assert_string_equal(csrf2, csrf);
	assert_true(auth_csrf_ok(csrf2, csrf));
	/* csrf may be NULL when the caller does not need it */
	assert_int_equal(auth_session(f->st, session, &v, NULL, &err), 0);

	/* a role change shows at the next request, without a new log-in */
	assert_int_equal(auth_user_role(f->st, "toyama", AUTH_PARTNER, "vn-da-nang-city", &err), 0);
	assert_int_equal(auth_session(f->st, session, &v, NULL, &err), 0);
	assert_int_equal(v.role, AUTH_PARTNER);
	assert_string_equal(v.scope, "vn-da-nang-city");

	/* what was not made here is no session */
	assert_int_equal(auth_session(f->st, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &v, csrf2, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "not logged in: the session is unknown or has expired");
	assert_string_equal(csrf2, "");
	assert_int_equal(auth_session(f->st, "short", &v, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_session(f->st, "", &v, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_session(f->st, NULL, &v, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_session(f->st, hash, &v, NULL, &err), C2C_ENOTFOUND); /* the stored hash is no key */

	/* two log-ins, two sessions; a log-out ends one */
	{
		char s2[64], c2[64];
		assert_int_equal(auth_login(f->st, "toyama", PW, NULL, s2, c2, NULL, &err), 0);
		assert_string_not_equal(s2, session);
		assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"sessions\""), 2);
		assert_int_equal(auth_logout(f->st, session, &err), 0);
		assert_int_equal(auth_session(f->st, session, &v, NULL, &err), C2C_ENOTFOUND);
		assert_int_equal(auth_session(f->st, s2, &v, NULL, &err), 0);
		assert_int_equal(auth_logout(f->st, session, &err), C2C_ENOTFOUND);
		assert_string_equal(err.msg, "no such session (logged out already, or expired)");
		assert_int_equal(auth_logout(f->st, "garbage", &err), C2C_ENOTFOUND);
	}
}

static void test_login_wrong(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64] = "x", csrf[64] = "x";
	struct auth_user u = {0};

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	assert_int_equal(auth_login(f->st, "toyama", PW2, "192.0.2.1", session, csrf, &u, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "wrong user name or password");
	assert_string_equal(session, "");
	assert_string_equal(csrf, "");
	assert_int_equal(u.id, 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"sessions\""), 0);
	/* the failure is recorded with its name and address */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\" WHERE \"name\" = 'toyama'"
				      " AND \"client\" = '192.0.2.1'"), 1);
	/* names are exact: no case folding */
	assert_int_equal(auth_login(f->st, "Toyama", PW, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_login(f->st, "toyama", "", NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_login(f->st, NULL, NULL, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "wrong user name or password");
	/* a right one strikes out the name's failures from its own address,
	 * not those from another (a guesser there gets no fresh tries) */
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\" WHERE \"name\" = 'toyama'"
				      " AND \"client\" = ''"), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\" WHERE \"name\" = 'toyama'"), 1);
	assert_int_equal(auth_login(f->st, "toyama", PW, "192.0.2.1", session, csrf, NULL, &err), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\" WHERE \"name\" = 'toyama'"), 0);
}

static void test_session_expiry(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];
	struct auth_user u;
	int64_t start = clock_now;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	/* fixed, not sliding: being used does not make it last longer */
	clock_now = start + AUTH_SESSION_SECONDS / 2;
	assert_int_equal(auth_session(f->st, session, &u, NULL, &err), 0);
	clock_now = start + AUTH_SESSION_SECONDS - 1;
	assert_int_equal(auth_session(f->st, session, &u, NULL, &err), 0);
	clock_now = start + AUTH_SESSION_SECONDS;
	assert_int_equal(auth_session(f->st, session, &u, NULL, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "not logged in: the session is unknown or has expired");
	/* the next log-in clears expired sessions away */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"sessions\""), 1);
	{
		char s2[64], c2[64];
		assert_int_equal(auth_login(f->st, "toyama", PW, NULL, s2, c2, NULL, &err), 0);
		assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"sessions\""), 1);
	}
}

static void test_passwd_ends_sessions(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char s1[64], s2[64], other[64], csrf[64];
	struct auth_user u;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	add(f->st, "admin", AUTH_ADMIN, NULL);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, s1, csrf, NULL, &err), 0);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, s2, csrf, NULL, &err), 0);
	assert_int_equal(auth_login(f->st, "admin", PW, NULL, other, csrf, NULL, &err), 0);
	assert_int_equal(auth_user_passwd(f->st, "toyama", PW2, &err), 0);
	assert_int_equal(auth_session(f->st, s1, &u, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_session(f->st, s2, &u, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_session(f->st, other, &u, NULL, &err), 0); /* another user's stays */
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, s1, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_login(f->st, "toyama", PW2, NULL, s1, csrf, NULL, &err), 0);
}

static void test_disable(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64], token[96];
	struct auth_user u;
	json_t *list, *row;

	add(f->st, "admin", AUTH_ADMIN, NULL);
	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	assert_int_equal(auth_token_create(f->st, "toyama", "ci", token, &err), 0);
	assert_int_equal(auth_user_disable(f->st, "toyama", &err), 0);
	assert_int_equal(auth_session(f->st, session, &u, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), C2C_ENOTFOUND);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"sessions\""), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"tokens\" WHERE \"revoked_at\" IS NOT NULL"), 1);
	/* the right password no longer opens it, and says no more than a wrong one */
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "wrong user name or password");
	assert_int_equal(auth_token_create(f->st, "toyama", "ci2", token, &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "user 'toyama' is disabled: it gets no token");
	list = auth_user_list_json(f->st, &err);
	assert_non_null(list);
	row = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "toyama");
	assert_true(json_is_true(json_object_get(row, "disabled")));
	assert_int_equal(json_array_size(json_object_get(row, "tokens")), 0);
	json_decref(list);
	/* disabling again is harmless; enabling lets the password in again, not the old token */
	assert_int_equal(auth_user_disable(f->st, "toyama", &err), 0);
	assert_int_equal(auth_user_enable(f->st, "toyama", &err), 0);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), C2C_ENOTFOUND);
}

/* ---- the rate limit --------------------------------------------------------------------------- */

static void test_rate_limit_name(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];
	int64_t start = clock_now;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	/* five failures for one name, each from another address: no lock (a
	 * name alone locked everyone behind one proxy out, issue 18) */
	for (int i = 0; i < AUTH_FAIL_MAX; i++) {
		char client[32];
		snprintf(client, sizeof(client), "198.51.100.%d", i + 1);
		clock_now = start + i * 10;
		assert_int_equal(auth_login(f->st, "toyama", PW2, client, session, csrf, NULL, &err), C2C_ENOTFOUND);
		assert_string_equal(err.detail, "tries left: 4 (then log-ins for this name from this address are "
						"locked for 15 minutes)");
	}
	assert_int_equal(auth_login(f->st, "toyama", PW, "198.51.100.9", session, csrf, NULL, &err), 0);
	/* five from one address: each says how many are left, then the pair is locked */
	for (int i = 0; i < AUTH_FAIL_MAX; i++) {
		char want[160];
		clock_now = start + 60 + i * 60;
		assert_int_equal(auth_login(f->st, "toyama", PW2, "198.51.100.20", session, csrf, NULL, &err),
				 C2C_ENOTFOUND);
		if (i < AUTH_FAIL_MAX - 1)
			snprintf(want, sizeof(want), "tries left: %d (then log-ins for this name from this address "
				 "are locked for 15 minutes)", AUTH_FAIL_MAX - 1 - i);
		else
			snprintf(want, sizeof(want), "tries left: 0 (log-ins for this name from this address are "
				 "locked for 15 minutes)");
		assert_string_equal(err.detail, want);
	}
	/* the sixth, right password and all, is refused, and changes nothing */
	clock_now = start + 360;
	{
		char *before = snapshot(f->st), *after;
		assert_int_equal(auth_login(f->st, "toyama", PW, "198.51.100.20", session, csrf, NULL, &err), C2C_ELIMIT);
		after = snapshot(f->st);
		assert_string_equal(before, after);
		free(before);
		free(after);
	}
	assert_string_equal(err.msg, "too many failed log-ins for this user name from this address: try again in 14 minutes");
	assert_string_equal(err.detail, "retry after 840 seconds");
	assert_string_equal(session, "");
	assert_string_equal(c2c_err_name(C2C_ELIMIT), "rate_limited");
	assert_int_equal(c2c_err_http_status(C2C_ELIMIT), 429);
	/* the same name from another address is not locked, and its success
	 * does not lift the lock of the first address */
	assert_int_equal(auth_login(f->st, "toyama", PW, "203.0.113.9", session, csrf, NULL, &err), 0);
	/* until 15 minutes after the fifth failure */
	clock_now = start + 60 + 4 * 60 + AUTH_LOCK_SECONDS - 1;
	assert_int_equal(auth_login(f->st, "toyama", PW, "198.51.100.20", session, csrf, NULL, &err), C2C_ELIMIT);
	assert_string_equal(err.detail, "retry after 1 second");
	/* refused attempts did not prolong it */
	clock_now = start + 60 + 4 * 60 + AUTH_LOCK_SECONDS;
	assert_int_equal(auth_login(f->st, "toyama", PW, "198.51.100.20", session, csrf, NULL, &err), 0);
}

/* An administrator lifts a lock at once; unknown users have none to lift. */
static void test_rate_limit_unlock(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];
	long long forgotten = -1;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	for (int i = 0; i < AUTH_FAIL_MAX; i++)
		assert_int_equal(auth_login(f->st, "toyama", PW2, "192.0.2.7", session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_login(f->st, "toyama", PW, "192.0.2.7", session, csrf, NULL, &err), C2C_ELIMIT);
	assert_int_equal(auth_unlock(f->st, "toyama", &forgotten, &err), 0);
	assert_int_equal(forgotten, AUTH_FAIL_MAX);
	assert_int_equal(auth_login(f->st, "toyama", PW, "192.0.2.7", session, csrf, NULL, &err), 0);
	assert_int_equal(auth_unlock(f->st, "ghost", &forgotten, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "no user 'ghost'");
	assert_string_equal(err.field, "name");
}

static void test_rate_limit_unknown_name(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];
	/* a name that does not exist locks the same way: the limit does not
	 * tell which names exist */
	for (int i = 0; i < AUTH_FAIL_MAX; i++)
		assert_int_equal(auth_login(f->st, "nobody", PW, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_login(f->st, "nobody", PW, NULL, session, csrf, NULL, &err), C2C_ELIMIT);
}

static void test_rate_limit_address(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	add(f->st, "admin", AUTH_ADMIN, NULL);
	/* one address trying many names: AUTH_FAIL_MAX_CLIENT failures lock it */
	for (int i = 0; i < AUTH_FAIL_MAX_CLIENT; i++) {
		char name[16];
		snprintf(name, sizeof(name), "a%d", i);
		assert_int_equal(auth_login(f->st, name, PW2, "192.0.2.7", session, csrf, NULL, &err), C2C_ENOTFOUND);
		if (i == AUTH_FAIL_MAX_CLIENT - 2) /* the address's count is the lower */
			assert_string_equal(err.detail, "tries left: 1 (then log-ins for this name from this address "
							"are locked for 15 minutes)");
	}
	/* that address is locked for every name, the right password too */
	assert_int_equal(auth_login(f->st, "admin", PW, "192.0.2.7", session, csrf, NULL, &err), C2C_ELIMIT);
	assert_string_equal(err.msg, "too many failed log-ins from this address: try again in 15 minutes");
	/* another address is not, and no one name failed five times */
	assert_int_equal(auth_login(f->st, "admin", PW, "192.0.2.8", session, csrf, NULL, &err), 0);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	clock_now += AUTH_LOCK_SECONDS;
	assert_int_equal(auth_login(f->st, "admin", PW, "192.0.2.7", session, csrf, NULL, &err), 0);
}

static void test_rate_limit_window(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64];
	int64_t start = clock_now;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	/* five failures spread over exactly 15 minutes: not "within" them */
	for (int i = 0; i < AUTH_FAIL_MAX; i++) {
		clock_now = start + i * (AUTH_FAIL_WINDOW / 4);
		assert_int_equal(auth_login(f->st, "toyama", PW2, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	}
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	/* four failures, a success, four more: the success struck the first four out */
	for (int i = 0; i < 2 * (AUTH_FAIL_MAX - 1); i++) {
		assert_int_equal(auth_login(f->st, "toyama", PW2, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
		if (i == AUTH_FAIL_MAX - 2)
			assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	}
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	/* old failures are pruned as new attempts come */
	assert_int_equal(auth_login(f->st, "ghost", PW, NULL, session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\""), 1);
	clock_now += AUTH_FAIL_WINDOW + AUTH_LOCK_SECONDS;
	assert_int_equal(auth_login(f->st, "other", PW, "192.0.2.1", session, csrf, NULL, &err), C2C_ENOTFOUND);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\""), 1);
}

/* Two connections to one database, as two servers: one limit. */
static void test_rate_limit_shared(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	struct store *other;
	char session[64], csrf[64];

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	assert_int_equal(store_open(&other, f->path, STORE_OPEN_EXISTING, &err), 0);
	for (int i = 0; i < AUTH_FAIL_MAX; i++)
		assert_int_equal(auth_login(i % 2 ? other : f->st, "toyama", PW2, NULL, session, csrf, NULL, &err),
				 C2C_ENOTFOUND);
	assert_int_equal(auth_login(other, "toyama", PW, NULL, session, csrf, NULL, &err), C2C_ELIMIT);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), C2C_ELIMIT);
	store_close(other);
}

/* Ten attempts at the same moment, each on its own connection (ten server
 * threads, or ten servers): each is written down before its password is
 * checked, so exactly five are checked and the other five refused. */
#define RACERS 10
struct racer {
	const char *path;
	pthread_barrier_t *start;
	int rc;
	char msg[512];
};

static void *race_login(void *arg)
{
	struct racer *r = arg;
	struct store *st;
	struct c2c_err err;
	char session[64], csrf[64];
	r->rc = store_open(&st, r->path, STORE_OPEN_EXISTING, &err);
	pthread_barrier_wait(r->start);
	if (!r->rc) {
		r->rc = auth_login(st, "toyama", PW2, "192.0.2.1", session, csrf, NULL, &err);
		store_close(st);
	}
	snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
	return NULL;
}

static void test_rate_limit_concurrent(void **state)
{
	struct fixture *f = *state;
	struct racer r[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t start;
	int wrong = 0, limited = 0;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	pthread_barrier_init(&start, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){.path = f->path, .start = &start};
		assert_int_equal(pthread_create(&t[i], NULL, race_login, &r[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc == C2C_ENOTFOUND)
			wrong++;
		else if (r[i].rc == C2C_ELIMIT)
			limited++;
		else
			fail_msg("attempt %d: %d %s", i, r[i].rc, r[i].msg);
	}
	pthread_barrier_destroy(&start);
	assert_int_equal(wrong, AUTH_FAIL_MAX);
	assert_int_equal(limited, RACERS - AUTH_FAIL_MAX);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"login_failures\""), AUTH_FAIL_MAX);
}

/* ---- API tokens ------------------------------------------------------------------------------- */

static void test_tokens(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char token[96], token2[96], scratch[96], hash[65];
	unsigned char h[32];
	struct auth_user u;

	add(f->st, "company", AUTH_PARTICIPANT, "JP-ENT-1");
	add(f->st, "admin", AUTH_ADMIN, NULL);
	assert_int_equal(auth_token_create(f->st, "company", "nightly-import", token, &err), 0);
	assert_int_equal(strlen(token), 47);
	assert_memory_equal(token, "c2c_", 4);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), 0);
	assert_string_equal(u.name, "company");
	assert_int_equal(u.role, AUTH_PARTICIPANT);
	assert_string_equal(u.scope, "account:JP-ENT-1");
	/* only its hash is stored */
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
	{
		struct store_stmt *s;
		assert_int_equal(store_prepare(f->st, "SELECT \"hash\", \"label\" FROM \"tokens\"", &s, &err), 0);
		assert_int_equal(store_step(s, &err), 1);
		assert_string_equal(store_col_text(s, 0), hash);
		assert_string_equal(store_col_text(s, 1), "nightly-import");
		store_finalize(s);
	}
	/* one live token per label and user; other users may use the label */
	assert_int_equal(auth_token_create(f->st, "company", "nightly-import", token2, &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "user 'company' has a token labelled 'nightly-import' already");
	assert_string_equal(token2, "");
	assert_int_equal(auth_token_create(f->st, "admin", "nightly-import", token2, &err), 0);
	assert_string_not_equal(token, token2);
	assert_int_equal(auth_token_check(f->st, token2, &u, &err), 0);
	assert_string_equal(u.name, "admin");
	/* refusals */
	assert_int_equal(auth_token_create(f->st, "nobody", "x", scratch, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "no user 'nobody'");
	assert_string_equal(scratch, ""); /* a refused token is never shown */
	assert_int_equal(auth_token_create(f->st, "company", "", scratch, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "token label must be 1 to 63 characters");
	assert_int_equal(auth_token_create(f->st, "company", "a b", scratch, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "token label 'a b' has a character other than A-Z a-z 0-9 . _ -");
	assert_int_equal(auth_token_check(f->st, "c2c_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &u, &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "unknown or revoked API token");
	assert_int_equal(auth_token_check(f->st, token + 4, &u, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_token_check(f->st, hash, &u, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_token_check(f->st, "", &u, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_token_check(f->st, NULL, &u, &err), C2C_ENOTFOUND);
	/* revoke by label */
	assert_int_equal(auth_token_revoke(f->st, "company", "nightly-import", &err), 0);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), C2C_ENOTFOUND);
	assert_int_equal(auth_token_check(f->st, token2, &u, &err), 0); /* admin's is untouched */
	assert_int_equal(auth_token_revoke(f->st, "company", "nightly-import", &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "user 'company' has no live token labelled 'nightly-import'");
	assert_int_equal(auth_token_revoke(f->st, "nobody", "x", &err), C2C_ENOTFOUND);
	/* the label is free again; the revoked row stays for the record */
	assert_int_equal(auth_token_create(f->st, "company", "nightly-import", token, &err), 0);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM \"tokens\""), 3);
	/* a password change leaves tokens alone (scripts keep running) */
	assert_int_equal(auth_user_passwd(f->st, "company", PW2, &err), 0);
	assert_int_equal(auth_token_check(f->st, token, &u, &err), 0);
}

/* ---- the list ----------------------------------------------------------------------------------- */

static void test_list(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	char session[64], csrf[64], token[96], *text;
	json_t *list, *row;

	add(f->st, "toyama", AUTH_MUNICIPALITY, "jp-toyama-city");
	add(f->st, "admin", AUTH_ADMIN, NULL);
	assert_int_equal(auth_login(f->st, "toyama", PW, NULL, session, csrf, NULL, &err), 0);
	assert_int_equal(auth_token_create(f->st, "toyama", "b", token, &err), 0);
	assert_int_equal(auth_token_create(f->st, "toyama", "a", token, &err), 0);
	list = auth_user_list_json(f->st, &err);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), 2);
	row = json_array_get(list, 0); /* by name */
	assert_string_equal(json_string_value(json_object_get(row, "name")), "admin");
	assert_int_equal(json_integer_value(json_object_get(row, "sessions")), 0);
	row = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(row, "role")), "municipality");
	assert_string_equal(json_string_value(json_object_get(row, "scope")), "jp-toyama-city");
	assert_int_equal(json_integer_value(json_object_get(row, "sessions")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "tokens"), 0)), "a");
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "tokens"), 1)), "b");
	assert_string_equal(json_string_value(json_object_get(row, "created_at")), "2027-01-15T08:00:00Z");
	/* no hash, no secret of any kind */
	text = json_dumps(list, 0);
	assert_null(strstr(text, "hash"));
	assert_null(strstr(text, "$argon2id$"));
	assert_null(strstr(text, session));
	assert_null(strstr(text, csrf));
	assert_null(strstr(text, token));
	free(text);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_in_scope),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup, teardown),
		cmocka_unit_test(test_scope_without_tables),
		cmocka_unit_test_setup_teardown(test_hash_argon2id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user_same_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_and_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passwd_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_unlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_unknown_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	};
	/* the minimum hashing cost, except where a test asks for the real one */
	setenv("C2C_AUTH_INSECURE_FAST_HASH", "1", 1);
	auth_now = test_now;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
