/*
 * schema.c - the auth tables (store migrations of module "auth").
 * Migrations are appended, never edited.  Times are Unix seconds (BIGINT):
 * expiry and rate-limit windows are comparisons, the same on both backends.
 */
#include "auth.h"
#include "internal.h"

static const char auth_v1[] =
	/* role "public" is never stored: it is the visitor without a login */
	"CREATE TABLE \"users\" ("
	" \"id\" BIGINT PRIMARY KEY,"
	" \"name\" TEXT NOT NULL UNIQUE,"
	" \"role\" TEXT NOT NULL CHECK (\"role\" IN ('admin', 'office', 'municipality', 'partner',"
	"  'participant', 'verifier', 'registrar')),"
	" \"scope\" TEXT NOT NULL,"
	" \"password_hash\" TEXT NOT NULL,"
	" \"disabled\" INTEGER NOT NULL CHECK (\"disabled\" IN (0, 1)),"
	" \"created_at\" BIGINT NOT NULL,"
	" \"updated_at\" BIGINT NOT NULL);"
	/* "hash": SHA-256 of the cookie value, which is never stored */
	"CREATE TABLE \"sessions\" ("
	" \"hash\" TEXT PRIMARY KEY,"
	" \"user_id\" BIGINT NOT NULL REFERENCES \"users\" (\"id\"),"
	" \"csrf\" TEXT NOT NULL,"
	" \"client\" TEXT NOT NULL,"
	" \"created_at\" BIGINT NOT NULL,"
	" \"expires_at\" BIGINT NOT NULL);"
	"CREATE INDEX \"auth_sessions_by_user\" ON \"sessions\" (\"user_id\");"
	"CREATE INDEX \"auth_sessions_by_expiry\" ON \"sessions\" (\"expires_at\");"
	/* revoked tokens stay, for the record; one live token per user and label */
	"CREATE TABLE \"tokens\" ("
	" \"hash\" TEXT PRIMARY KEY,"
	" \"user_id\" BIGINT NOT NULL REFERENCES \"users\" (\"id\"),"
	" \"label\" TEXT NOT NULL,"
	" \"created_at\" BIGINT NOT NULL,"
	" \"revoked_at\" BIGINT);"
	"CREATE UNIQUE INDEX \"auth_tokens_live_label\" ON \"tokens\" (\"user_id\", \"label\")"
	" WHERE \"revoked_at\" IS NULL;"
	/* one row per failed (or in-flight) log-in; rows older than the window
	 * that can still matter are pruned on every attempt */
	"CREATE TABLE \"login_failures\" ("
	" \"name\" TEXT NOT NULL,"
	" \"client\" TEXT NOT NULL,"
	" \"at\" BIGINT NOT NULL);"
	"CREATE INDEX \"auth_failures_by_name\" ON \"login_failures\" (\"name\", \"at\");"
	"CREATE INDEX \"auth_failures_by_client\" ON \"login_failures\" (\"client\", \"at\");"
	"CREATE INDEX \"auth_failures_by_time\" ON \"login_failures\" (\"at\");";

/* Role "reviewer" (issue 15): the CHECK of users.role is part of the table,
 * and neither backend changes one in place the same way, so the three tables
 * tied by their keys are made anew under the same names and their rows
 * copied: the new ones first, the old ones dropped (the referencing ones
 * before users), then renamed.  Plain SQL both backends accept. */
static const char auth_v2[] =
	"CREATE TABLE \"users_v2\" ("
	" \"id\" BIGINT PRIMARY KEY,"
	" \"name\" TEXT NOT NULL UNIQUE,"
	" \"role\" TEXT NOT NULL CHECK (\"role\" IN ('admin', 'office', 'municipality', 'partner',"
	"  'participant', 'verifier', 'registrar', 'reviewer')),"
	" \"scope\" TEXT NOT NULL,"
	" \"password_hash\" TEXT NOT NULL,"
	" \"disabled\" INTEGER NOT NULL CHECK (\"disabled\" IN (0, 1)),"
	" \"created_at\" BIGINT NOT NULL,"
	" \"updated_at\" BIGINT NOT NULL);"
	"INSERT INTO \"users_v2\" SELECT \"id\", \"name\", \"role\", \"scope\", \"password_hash\","
	" \"disabled\", \"created_at\", \"updated_at\" FROM \"users\";"
	"CREATE TABLE \"sessions_v2\" ("
	" \"hash\" TEXT PRIMARY KEY,"
	" \"user_id\" BIGINT NOT NULL REFERENCES \"users_v2\" (\"id\"),"
	" \"csrf\" TEXT NOT NULL,"
	" \"client\" TEXT NOT NULL,"
	" \"created_at\" BIGINT NOT NULL,"
	" \"expires_at\" BIGINT NOT NULL);"
	"INSERT INTO \"sessions_v2\" SELECT \"hash\", \"user_id\", \"csrf\", \"client\", \"created_at\","
	" \"expires_at\" FROM \"sessions\";"
	"CREATE TABLE \"tokens_v2\" ("
	" \"hash\" TEXT PRIMARY KEY,"
	" \"user_id\" BIGINT NOT NULL REFERENCES \"users_v2\" (\"id\"),"
	" \"label\" TEXT NOT NULL,"
	" \"created_at\" BIGINT NOT NULL,"
	" \"revoked_at\" BIGINT);"
	"INSERT INTO \"tokens_v2\" SELECT \"hash\", \"user_id\", \"label\", \"created_at\", \"revoked_at\""
	" FROM \"tokens\";"
	"DROP TABLE \"sessions\";"
	"DROP TABLE \"tokens\";"
	"DROP TABLE \"users\";"
	"ALTER TABLE \"users_v2\" RENAME TO \"users\";"
	"ALTER TABLE \"sessions_v2\" RENAME TO \"sessions\";"
	"ALTER TABLE \"tokens_v2\" RENAME TO \"tokens\";"
	"CREATE INDEX \"auth_sessions_by_user\" ON \"sessions\" (\"user_id\");"
	"CREATE INDEX \"auth_sessions_by_expiry\" ON \"sessions\" (\"expires_at\");"
	"CREATE UNIQUE INDEX \"auth_tokens_live_label\" ON \"tokens\" (\"user_id\", \"label\")"
	" WHERE \"revoked_at\" IS NULL;";

/* v3: a participant's scope items say what they are ("project:KH003",
 * "account:JP-ENT-1"); before, "KH003" matched a project and an account
 * alike, so an account opened later under a project's id fell into the
 * scope.  The SQL is the index the upgrade reads by; the upgrade itself
 * (auth_scope_upgrade) asks the owners of projects and accounts, which no
 * SQL of auth's may do, and runs in the same transaction. */
static const char auth_v3[] = "CREATE INDEX \"auth_users_by_role\" ON \"users\" (\"role\");";

static const struct store_migration auth_migrations[] = {
	{1, "users, sessions, tokens, login failures", auth_v1},
	{2, "role reviewer", auth_v2},
	{3, "participant scopes typed (project:ID, account:ID)", auth_v3},
};

static int auth_migrate_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	int before = store_schema_version(st, "auth", err), applied, rc;
	(void)ctx;
	if (before < 0)
		return before;
	if ((rc = store_migrate(st, "auth", auth_migrations, sizeof(auth_migrations) / sizeof(auth_migrations[0]),
				&applied, err)))
		return rc;
	/* a new database has no user to upgrade; one made before v3 may */
	return before >= 1 && before < 3 ? auth_scope_upgrade(st, err) : 0;
}

int auth_migrate(struct store *st, struct c2c_err *err)
{
	return store_tx(st, NULL, auth_migrate_tx, NULL, err);
}
