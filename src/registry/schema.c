/*
 * schema.c - the registry's tables.  Credits live only in registry_blocks;
 * account balances are a cache that verify proves equal to the blocks.
 * Migrations are appended, never edited.
 */
#include "registry.h"

static const char registry_v1[] =
	"CREATE TABLE registry_accounts ("
	" \"id\" TEXT PRIMARY KEY, \"country\" TEXT NOT NULL, \"kind\" TEXT NOT NULL,"
	" \"holder\" TEXT NOT NULL, \"status\" TEXT NOT NULL, \"balance\" BIGINT NOT NULL,"
	" \"opened_seq\" BIGINT NOT NULL, \"closed_seq\" BIGINT);"
	"CREATE TABLE registry_issuances ("
	" \"id\" TEXT PRIMARY KEY, \"project\" TEXT NOT NULL, \"host\" TEXT NOT NULL,"
	" \"period_start\" TEXT NOT NULL, \"period_end\" TEXT NOT NULL, \"vintage\" INTEGER NOT NULL,"
	" \"quantity\" BIGINT NOT NULL, \"first_serial\" BIGINT NOT NULL, \"last_serial\" BIGINT NOT NULL,"
	" \"verified_er\" BIGINT, \"authorized\" INTEGER NOT NULL, \"allocated\" INTEGER NOT NULL,"
	" \"issued_seq\" BIGINT NOT NULL, UNIQUE (\"project\", \"first_serial\"));"
	"CREATE TABLE registry_blocks ("
	" \"id\" BIGINT PRIMARY KEY, \"issuance_id\" TEXT NOT NULL, \"first_serial\" BIGINT NOT NULL,"
	" \"last_serial\" BIGINT NOT NULL, \"account_id\" TEXT NOT NULL, \"state\" TEXT NOT NULL,"
	" \"ca_done\" INTEGER NOT NULL, \"purpose\" TEXT, \"beneficiary\" TEXT,"
	" CHECK (\"first_serial\" <= \"last_serial\"));"
	"CREATE INDEX registry_blocks_by_account ON registry_blocks (\"account_id\", \"issuance_id\", \"first_serial\");"
	"CREATE INDEX registry_blocks_by_issuance ON registry_blocks (\"issuance_id\", \"first_serial\");"
	"CREATE TABLE registry_ca ("
	" \"seq\" BIGINT NOT NULL, \"country\" TEXT NOT NULL, \"vintage\" INTEGER NOT NULL,"
	" \"quantity\" BIGINT NOT NULL, \"issuance_id\" TEXT NOT NULL,"
	" \"first_serial\" BIGINT NOT NULL, \"last_serial\" BIGINT NOT NULL);"
	"CREATE TABLE registry_journal ("
	" \"seq\" BIGINT PRIMARY KEY, \"at\" TEXT NOT NULL, \"user_name\" TEXT NOT NULL,"
	" \"op\" TEXT NOT NULL, \"body\" TEXT NOT NULL, \"prev_hash\" TEXT NOT NULL, \"hash\" TEXT NOT NULL);";

/* No credit without a verified report: an issuance names the approved MRV
 * report it came from (report_id), or, for a historical issuance verified
 * outside c2c, that verification and its source.  A report is issued once:
 * the unique index is the last line of defence behind the check in
 * issue_once (NULLs do not collide, on SQLite and PostgreSQL alike). */
static const char registry_v2[] =
	"ALTER TABLE registry_issuances ADD COLUMN \"report_id\" BIGINT;"
	"ALTER TABLE registry_issuances ADD COLUMN \"external_verification\" TEXT;"
	"ALTER TABLE registry_issuances ADD COLUMN \"source\" TEXT;"
	"CREATE UNIQUE INDEX registry_issuances_by_report ON registry_issuances (\"report_id\");";

/* Authorizations as records (Article 6.2): one per authorized issuance
 * that was authorized with its purpose, entities, first-transfer
 * definition, date and reference (authorization.c); an issuance authorized
 * in the bare form has none.  authorized_entities is a JSON array. */
static const char registry_v3[] =
	"CREATE TABLE registry_authorizations ("
	" \"issuance_id\" TEXT PRIMARY KEY, \"seq\" BIGINT NOT NULL, \"purpose\" TEXT NOT NULL,"
	" \"authorized_entities\" TEXT NOT NULL, \"first_transfer\" TEXT NOT NULL,"
	" \"authorized_on\" TEXT NOT NULL, \"ref\" TEXT NOT NULL);";

/* Four-eyes approval (approval.c): each registry's setting, and every
 * proposal with what became of it.  Both are derived from the journal
 * (the entries four-eyes, propose, approve, reject, expire), which verify
 * replays and compares with these rows.  A proposal's id is the seq of the
 * journal entry that proposed it. */
static const char registry_v4[] =
	"CREATE TABLE registry_four_eyes ("
	" \"country\" TEXT PRIMARY KEY, \"required\" INTEGER NOT NULL, \"threshold\" BIGINT NOT NULL,"
	" \"expiry_seconds\" BIGINT NOT NULL, \"seq\" BIGINT NOT NULL);"
	"CREATE TABLE registry_proposals ("
	" \"id\" BIGINT PRIMARY KEY, \"country\" TEXT NOT NULL, \"operation\" TEXT NOT NULL,"
	" \"from_account\" TEXT NOT NULL, \"to_account\" TEXT, \"quantity\" BIGINT NOT NULL,"
	" \"purpose\" TEXT, \"beneficiary\" TEXT, \"proposed_by\" TEXT NOT NULL, \"proposed_at\" TEXT NOT NULL,"
	" \"expires_at\" TEXT NOT NULL, \"status\" TEXT NOT NULL, \"decided_seq\" BIGINT, \"decided_by\" TEXT,"
	" \"decided_at\" TEXT, \"executed_seq\" BIGINT, \"reason\" TEXT);"
	"CREATE INDEX registry_proposals_by_status ON registry_proposals (\"status\", \"expires_at\");";

STORE_MIGRATE_FN(registry_migrate, "registry", {1, "registry tables", registry_v1},
		 {2, "issuances name their report or external verification", registry_v2},
		 {3, "authorizations as records", registry_v3},
		 {4, "four-eyes approval: settings and proposals", registry_v4})
