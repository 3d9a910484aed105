/*
 * users.c - adding users, changing their password, role and scope,
 * disabling them, listing them.  A scope is checked against the data it
 * names (atlas places, ISO 3166, projects and registry accounts) when it is
 * set, so a user never holds a scope that points at nothing; it asks the
 * owners (atlas_place_get, mrv_project_get, registry_account_get ...), never
 * their tables.  Every write is
 * one transaction; the slow password hash is computed before it begins.
 */
#include "auth.h"
#include "internal.h"
#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "atlas/atlas.h"
#include "core/iso3166.h"
#include "mrv/mrv.h"
#include "programme/programme.h"
#include "registry/registry.h"

/* ---- scopes ------------------------------------------------------------------------------ */

/* What a scope needs that no database can say. */
static int scope_shape(enum auth_role role, const char *scope, struct c2c_err *err)
{
	const char *name = auth_role_name(role);
	if (role == AUTH_PUBLIC) {
		c2c_err_at(err, C2C_EUSAGE, "role", "role public is the visitor without a log-in; a user cannot have it");
		c2c_err_hint(err, "use admin, office, municipality, partner, participant, verifier, registrar or reviewer");
		return C2C_EUSAGE;
	}
	if ((unsigned)role > AUTH_REVIEWER)
		return c2c_err_at(err, C2C_EUSAGE, "role", "role %d is not a role", (int)role);
	if (!auth_role_scoped(role)) {
		if (scope && *scope)
			return c2c_err_at(err, C2C_EUSAGE, "scope", "role %s takes no scope (it is not limited to a place, "
							    "country or project), but '%s' was given",
					   name, scope);
		return 0;
	}
	if (!scope || !*scope) {
		c2c_err_at(err, C2C_EUSAGE, "scope", "role %s needs a scope", name);
		switch (role) {
		case AUTH_MUNICIPALITY:
			c2c_err_hint(err, "--scope PLACE_ID of its own Japanese body, e.g. jp-toyama-city");
			break;
		case AUTH_PARTNER:
			c2c_err_hint(err, "--scope PLACE_ID of its partner place, e.g. vn-da-nang-city");
			break;
		case AUTH_REGISTRAR:
			c2c_err_hint(err, "--scope CC, the ISO 3166 code of the registry's country, e.g. KH");
			break;
		case AUTH_REVIEWER:
			c2c_err_hint(err, "--scope REVIEWER_ID, its programme reviewer (c2c score reviewer add)");
			break;
		default:
			c2c_err_hint(err, "--scope 'project:ID,account:ID,...': its projects and registry accounts, each with its kind");
			break;
		}
		return C2C_EUSAGE;
	}
	if (strlen(scope) >= sizeof(((struct auth_user *)0)->scope))
		return c2c_err_at(err, C2C_EINPUT, "scope", "scope is longer than %zu bytes",
				   sizeof(((struct auth_user *)0)->scope) - 1);
	if (role == AUTH_REGISTRAR && !iso3166_is_code(scope)) {
		c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' is not an ISO 3166-1 alpha-2 country code", scope);
		c2c_err_hint(err, "a registrar's scope is its country in upper case, e.g. KH or JP");
		return C2C_EINPUT;
	}
	return 0;
}

/* 1 if `sql` (one ? for the id) counts a row, 0 if not, < 0 on error. */
static int row_exists(struct store *st, const char *sql, const char *id, struct c2c_err *err)
{
	long long n;
	int rc = store_query_int_args(st, sql, STORE_ARGS(store_text(id)), &n, err);
	return rc == 1 ? n > 0 : rc;
}

/* 1 if module's tables are in this database, 0 if not, < 0 on error. */
static int have_module(struct store *st, const char *module, struct c2c_err *err)
{
	int v = store_schema_version(st, module, err);
	return v < 0 ? v : v > 0;
}

static int scope_place(struct store *st, enum auth_role role, const char *id, struct c2c_err *err)
{
	json_t *place;
	char country[8] = "", name[160] = "";
	int rc;

	if ((rc = have_module(st, "atlas", err)) <= 0) {
		if (rc == 0) {
			c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s': the atlas is not in this database, so no place can be checked",
				    id);
			c2c_err_hint(err, "run: c2c init");
			return C2C_EINPUT;
		}
		return rc;
	}
	if ((rc = atlas_place_get(st, id, &place, err)) == C2C_ENOTFOUND) {
		c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' is not an atlas place", id);
		c2c_err_hint(err, role == AUTH_MUNICIPALITY ? "c2c places --country JP lists the Japanese bodies"
							    : "c2c places lists the partner places");
		return C2C_EINPUT;
	}
	if (rc)
		return rc;
	snprintf(country, sizeof(country), "%s", json_string_value(json_object_get(place, "country")));
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(place, "name_ja")));
	json_decref(place);
	if (role == AUTH_MUNICIPALITY && strcmp(country, "JP")) {
		c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' (%s) is a place in %s, not a Japanese body", id, name, country);
		c2c_err_hint(err, "a municipality's scope is its own body; a partner city's user has role partner");
		return C2C_EINPUT;
	}
	if (role == AUTH_PARTNER && !strcmp(country, "JP")) {
		c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' (%s) is a Japanese body, not a partner place", id, name);
		c2c_err_hint(err, "a Japanese body's user has role municipality");
		return C2C_EINPUT;
	}
	return 0;
}

/* 1 when the owner's lookup found the row (rc 0), 0 when it said there is
 * none, < 0 on error. */
static int found(int rc, json_t *row, struct c2c_err *err)
{
	if (rc == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	json_decref(row);
	return 1;
}

static int is_atlas_project(struct store *st, const char *id, struct c2c_err *err)
{
	return atlas_has(st, "projects", id, err);
}

static int is_mrv_project(struct store *st, const char *id, struct c2c_err *err)
{
	json_t *row = NULL;
	int rc = mrv_project_get(st, id, &row, err);
	return found(rc, row, err);
}

static int is_issued_project(struct store *st, const char *id, struct c2c_err *err)
{
	json_t *rows = NULL;
	int rc = registry_issuances(st, id, &rows, err);
	size_t n = rows ? json_array_size(rows) : 0;
	json_decref(rows);
	return rc ? rc : n > 0;
}

static int is_registry_account(struct store *st, const char *id, struct c2c_err *err)
{
	json_t *row = NULL;
	int rc = registry_account_get(st, id, &row, err);
	return found(rc, row, err);
}

/* Where a participant's scope item is looked for: the first three are
 * projects, the last a registry account, each asked of its owner. */
static const struct {
	const char *module, *kind;
	int (*has)(struct store *st, const char *id, struct c2c_err *err);
} scope_where[] = {
	{"atlas", "project", is_atlas_project},
	{"mrv", "project", is_mrv_project},
	{"registry", "project", is_issued_project},
	{"registry", "account", is_registry_account},
};
#define NWHERE (sizeof(scope_where) / sizeof(scope_where[0]))

/* Is `id` a project, an account, both or neither in this database?  *proj
 * and *acct get 1 or 0; *looked 0 when no owner's tables are here. */
static int scope_lookup(struct store *st, const int *have, const char *id, int *proj, int *acct, int *looked,
			struct c2c_err *err)
{
	*proj = *acct = *looked = 0;
	for (size_t w = 0; w < NWHERE; w++) {
		int rc;
		if (!have[w])
			continue;
		*looked = 1;
		if ((rc = scope_where[w].has(st, id, err)) < 0)
			return rc;
		if (rc)
			*(strcmp(scope_where[w].kind, "account") ? proj : acct) = 1;
	}
	return 0;
}

static int scope_have(struct store *st, int *have, struct c2c_err *err)
{
	for (size_t w = 0; w < NWHERE; w++)
		if ((have[w] = have_module(st, scope_where[w].module, err)) < 0)
			return have[w];
	return 0;
}

/* A participant's list: "project:KH003, account:JP-ENT-1" becomes
 * "project:KH003,account:JP-ENT-1" in out.  Each item says what it is, so
 * an account that is later opened with a project's name (or the other way
 * round) never enters the scope.  An item without its kind is typed here,
 * by what the database holds, and refused when it is both. */
static int scope_participant(struct store *st, const char *scope, char *out, struct c2c_err *err)
{
	int have[NWHERE], rc;
	size_t o = 0;
	const char *p = scope;

	if ((rc = scope_have(st, have, err)))
		return rc;
	out[0] = '\0';
	for (;;) {
		const char *end = strchr(p, ','), *a = p, *b = end ? end : p + strlen(p), *kind = NULL, *id;
		char item[256], typed[520];
		size_t n;
		int proj, acct, looked;

		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		n = (size_t)(b - a);
		if (!n)
			return c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' has an empty item", scope);
		memcpy(item, a, n);
		item[n] = '\0';
		id = item;
		if (!strncmp(item, "project:", 8) || !strncmp(item, "account:", 8)) {
			item[7] = '\0';
			kind = item;
			id = item + 8;
		}
		if (!*id)
			return c2c_err_at(err, C2C_EINPUT, "scope", "scope item '%s:' names no id", kind);
		for (const char *q = id; *q; q++) {
			char c = *q;
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			      c == '_' || c == '-')) {
				c2c_err_at(err, C2C_EINPUT, "scope",
					   "scope item '%s' is not a project or account id (A-Z a-z 0-9 . _ -)", id);
				return C2C_EINPUT;
			}
		}
		if ((rc = scope_lookup(st, have, id, &proj, &acct, &looked, err)))
			return rc;
		if (!kind && proj && acct) {
			c2c_err_at(err, C2C_EINPUT, "scope", "scope item '%s' is both a project and a registry account", id);
			c2c_err_hint(err, "say which: project:%s or account:%s", id, id);
			return C2C_EINPUT;
		}
		if (looked && (kind ? !(strcmp(kind, "account") ? proj : acct) : !proj && !acct)) {
			if (kind)
				c2c_err_at(err, C2C_EINPUT, "scope", "scope item '%s' is not a %s", id,
					   strcmp(kind, "account") ? "project" : "registry account");
			else
				c2c_err_at(err, C2C_EINPUT, "scope",
					   "scope item '%s' is neither a project nor a registry account", id);
			c2c_err_hint(err, "c2c projects, c2c mrv project list and c2c registry balance list them");
			return C2C_EINPUT;
		}
		if (!kind && !looked) {
			c2c_err_at(err, C2C_EINPUT, "scope", "scope item '%s' does not say what it is, and this database "
				   "has no projects or accounts to tell", id);
			c2c_err_hint(err, "say project:%s or account:%s", id, id);
			return C2C_EINPUT;
		}
		if (!kind)
			kind = acct ? "account" : "project";
		snprintf(typed, sizeof(typed), "%s:%s", kind, id);
		if (auth_list_has(out, typed))
			return c2c_err_at(err, C2C_EINPUT, "scope", "scope lists '%s' twice", typed);
		if (o + (o ? 1 : 0) + strlen(typed) >= 256)
			return c2c_err_at(err, C2C_EINPUT, "scope", "scope is longer than 255 bytes once each item "
					   "says its kind");
		o += (size_t)snprintf(out + o, 256 - o, "%s%s", o ? "," : "", typed);
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

int auth_scope_upgrade(struct store *st, struct c2c_err *err)
{
	struct store_stmt *q = NULL;
	struct {
		long long id;
		char scope[256];
	} *u = NULL;
	size_t n = 0, a = 0;
	int rc;

	/* read all first: the statement is done before the updates run */
	if ((rc = store_prepare(st, "SELECT \"id\", \"scope\" FROM \"users\" WHERE \"role\" = 'participant'", &q,
				err)))
		return rc;
	while ((rc = store_step(q, err)) == 1) {
		if (n == a) {
			void *nu = realloc(u, (a = a ? a * 2 : 16) * sizeof(*u));
			if (!nu) {
				rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
				break;
			}
			u = nu;
		}
		u[n].id = store_col_int(q, 0);
		snprintf(u[n].scope, sizeof(u[n].scope), "%s", store_col_text(q, 1));
		n++;
	}
	store_finalize(q);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char typed[256], one[256];
		const char *p = u[i].scope;
		int have[NWHERE];
		size_t o = 0;
		typed[0] = '\0';
		if ((rc = scope_have(st, have, err)))
			break;
		/* an old item is a project when this database knows it as one (the
		 * id the participant was given for its project), else an account */
		while (*p && rc >= 0) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			int proj, acct, looked;
			size_t skip = strspn(p, " ");
			snprintf(one, sizeof(one), "%.*s", (int)(len > skip ? len - skip : 0), p + skip);
			one[strcspn(one, " ")] = '\0';
			if (!strncmp(one, "project:", 8) || !strncmp(one, "account:", 8)) {
				o += (size_t)snprintf(typed + o, sizeof(typed) - o, "%s%s", o ? "," : "", one);
			} else if (!(rc = scope_lookup(st, have, one, &proj, &acct, &looked, err))) {
				o += (size_t)snprintf(typed + o, sizeof(typed) - o, "%s%s:%s", o ? "," : "",
						      proj || !acct ? "project" : "account", one);
			}
			if (o >= sizeof(typed))
				rc = c2c_err_set(err, C2C_EINPUT, "user %lld: the scope '%s' is longer than 255 bytes "
						 "once each item says its kind", u[i].id, u[i].scope);
			p = end ? end + 1 : p + len;
		}
		if (rc >= 0)
			rc = store_exec_args(st, "UPDATE \"users\" SET \"scope\" = ? WHERE \"id\" = ?",
					     STORE_ARGS(store_text(typed), store_int(u[i].id)), err);
	}
	free(u);
	return rc < 0 ? rc : 0;
}

/* The scope as stored, into out[256], or an error naming what is wrong. */
static int scope_check(struct store *st, enum auth_role role, const char *scope, char out[256],
		       struct c2c_err *err)
{
	int rc;
	out[0] = '\0';
	if ((rc = scope_shape(role, scope, err)))
		return rc;
	switch (role) {
	case AUTH_MUNICIPALITY:
	case AUTH_PARTNER:
		if ((rc = scope_place(st, role, scope, err)))
			return rc;
		break;
	case AUTH_PARTICIPANT:
		return scope_participant(st, scope, out, err);
	case AUTH_REVIEWER: {
		/* the programme owns its reviewers: asked of it */
		json_t *row = NULL;
		if ((rc = programme_reviewer_get(st, scope, &row, err))) {
			if (rc == C2C_ENOTFOUND) {
				c2c_err_at(err, C2C_EINPUT, "scope", "scope '%s' is not a programme reviewer", scope);
				c2c_err_hint(err, "add the reviewer first: c2c score reviewer add --id ID --name NAME [--body PLACE]");
				rc = C2C_EINPUT;
			}
			return rc;
		}
		json_decref(row);
		break;
	}
	default:
		break;
	}
	snprintf(out, 256, "%s", scope ? scope : "");
	return 0;
}

/* ---- one user's row --------------------------------------------------------------------- */

struct user_row {
	int64_t id;
	enum auth_role role;
	int disabled;
};

static int find_user(struct store *st, const char *name, struct user_row *r, struct c2c_err *err)
{
	struct auth_user u;
	int rc = auth_user_get(st, name, &u, &r->disabled, err);
	if (rc == C2C_ENOTFOUND)
		c2c_err_hint(err, "c2c user list shows the users");
	if (!rc) {
		r->id = u.id;
		r->role = u.role;
	}
	return rc;
}

/* Demoting or disabling the last enabled admin would leave nobody to
 * manage users over the web: refused. */
static int keep_an_admin(struct store *st, const char *name, const struct user_row *r, struct c2c_err *err)
{
	long long others = 0;
	int rc;
	if (r->role != AUTH_ADMIN || r->disabled)
		return 0;
	if ((rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"users\" WHERE \"role\" = 'admin' AND \"disabled\" = 0"
					   " AND \"id\" <> ?",
				       STORE_ARGS(store_int(r->id)), &others, err)) < 0)
		return rc;
	if (!others) {
		c2c_err_set(err, C2C_ECONFLICT, "'%s' is the last enabled admin", name);
		c2c_err_hint(err, "make another admin first: c2c user add NAME --role admin");
		return C2C_ECONFLICT;
	}
	return 0;
}

/* ---- add ---------------------------------------------------------------------------------- */

/* The checks of an add, the scope as it will be stored into canon[256]. */
static int add_check(struct store *st, const char *name, enum auth_role role, const char *scope, char *canon,
		     struct c2c_err *err)
{
	int rc;
	if ((rc = auth_name_check(name, err)) || (rc = scope_shape(role, scope, err)))
		return rc;
	if ((rc = row_exists(st, "SELECT COUNT(*) FROM \"users\" WHERE \"name\" = ?", name, err)) < 0)
		return rc;
	if (rc) {
		c2c_err_at(err, C2C_ECONFLICT, "name", "user '%s' exists already", name);
		c2c_err_hint(err, "c2c user passwd and c2c user role change an existing user");
		return C2C_ECONFLICT;
	}
	return scope_check(st, role, scope, canon, err);
}

int auth_user_add_check(struct store *st, const char *name, enum auth_role role, const char *scope,
			struct c2c_err *err)
{
	char canon[256];
	return add_check(st, name, role, scope, canon, err);
}

struct add_ctx {
	const char *name, *scope;
	enum auth_role role;
	const char *hash;
};

static int add_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct add_ctx *c = vctx;
	char scope[256];
	int64_t id, now = auth_now();
	int rc;

	if ((rc = add_check(st, c->name, c->role, c->scope, scope, err)))
		return rc;
	/* the next id, read inside the writers' lock the transaction holds */
	if ((id = store_query_int(st, "SELECT COALESCE(MAX(\"id\"), 0) + 1 FROM \"users\"", err)) < 0)
		return err->code ? err->code : C2C_EDB;
	return store_exec_args(st,
			       "INSERT INTO \"users\" (\"id\", \"name\", \"role\", \"scope\", \"password_hash\", \"disabled\","
			       " \"created_at\", \"updated_at\") VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
			       STORE_ARGS(store_int(id), store_text(c->name), store_text(auth_role_name(c->role)),
					  store_text(scope), store_text(c->hash), store_int(now), store_int(now)),
			       err);
}

int auth_user_add(struct store *st, const char *name, enum auth_role role, const char *scope, const char *password,
		  struct c2c_err *err)
{
	char hash[128];
	int rc;

	/* everything that needs no database first, then the slow hash, then
	 * the transaction */
	if ((rc = auth_name_check(name, err)) || (rc = scope_shape(role, scope, err)) ||
	    (rc = auth_password_check(password, err)) || (rc = auth_hash_password(password, hash, err)))
		return rc;
	rc = auth_user_add_hashed(st, name, role, scope, hash, err);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int auth_user_add_hashed(struct store *st, const char *name, enum auth_role role, const char *scope,
			 const char *hash, struct c2c_err *err)
{
	struct add_ctx c = {name, scope, role, hash};
	return store_tx(st, NULL, add_tx, &c, err);
}

/* ---- passwd, role, disable, enable ---------------------------------------------------------- */

struct change_ctx {
	const char *name, *scope, *hash;
	enum auth_role role;
};

static int passwd_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct change_ctx *c = vctx;
	struct user_row r;
	int rc;
	if ((rc = find_user(st, c->name, &r, err)))
		return rc;
	if ((rc = store_exec_args(st, "UPDATE \"users\" SET \"password_hash\" = ?, \"updated_at\" = ? WHERE \"id\" = ?",
				  STORE_ARGS(store_text(c->hash), store_int(auth_now()), store_int(r.id)), err)))
		return rc;
	/* whoever knew the old password may hold a session: end them all */
	return store_exec_args(st, "DELETE FROM \"sessions\" WHERE \"user_id\" = ?", STORE_ARGS(store_int(r.id)), err);
}

int auth_user_passwd(struct store *st, const char *name, const char *password, struct c2c_err *err)
{
	struct change_ctx c = {name, NULL, NULL, AUTH_PUBLIC};
	char hash[128];
	struct auth_user u;
	int rc;

	/* an unknown name is said before the hash is spent on it */
	if ((rc = auth_password_check(password, err)) || (rc = auth_user_get(st, name, &u, NULL, err)) ||
	    (rc = auth_hash_password(password, hash, err)))
		return rc;
	c.hash = hash;
	rc = store_tx(st, NULL, passwd_tx, &c, err);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int role_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct change_ctx *c = vctx;
	struct user_row r;
	char scope[256];
	int rc;
	if ((rc = find_user(st, c->name, &r, err)))
		return rc;
	if (c->role != AUTH_ADMIN && (rc = keep_an_admin(st, c->name, &r, err)))
		return rc;
	if ((rc = scope_check(st, c->role, c->scope, scope, err)))
		return rc;
	/* sessions and tokens read the role from users at every request, so
	 * the change holds from the next one without ending them */
	return store_exec_args(st, "UPDATE \"users\" SET \"role\" = ?, \"scope\" = ?, \"updated_at\" = ? WHERE \"id\" = ?",
			       STORE_ARGS(store_text(auth_role_name(c->role)), store_text(scope),
					  store_int(auth_now()), store_int(r.id)),
			       err);
}

int auth_user_role(struct store *st, const char *name, enum auth_role role, const char *scope, struct c2c_err *err)
{
	struct change_ctx c = {name, scope, NULL, role};
	int rc;
	if ((rc = scope_shape(role, scope, err)))
		return rc;
	return store_tx(st, NULL, role_tx, &c, err);
}

static int disable_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct change_ctx *c = vctx;
	struct user_row r;
	int64_t now = auth_now();
	int rc;
	if ((rc = find_user(st, c->name, &r, err)) || (rc = keep_an_admin(st, c->name, &r, err)))
		return rc;
	if ((rc = store_exec_args(st, "UPDATE \"users\" SET \"disabled\" = 1, \"updated_at\" = ? WHERE \"id\" = ?",
				  STORE_ARGS(store_int(now), store_int(r.id)), err)) ||
	    (rc = store_exec_args(st, "DELETE FROM \"sessions\" WHERE \"user_id\" = ?", STORE_ARGS(store_int(r.id)),
				  err)))
		return rc;
	return store_exec_args(st, "UPDATE \"tokens\" SET \"revoked_at\" = ? WHERE \"user_id\" = ? AND \"revoked_at\" IS NULL",
			       STORE_ARGS(store_int(now), store_int(r.id)), err);
}

int auth_user_disable(struct store *st, const char *name, struct c2c_err *err)
{
	struct change_ctx c = {name, NULL, NULL, AUTH_PUBLIC};
	return store_tx(st, NULL, disable_tx, &c, err);
}

static int enable_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct change_ctx *c = vctx;
	struct user_row r;
	int rc;
	if ((rc = find_user(st, c->name, &r, err)))
		return rc;
	if (!r.disabled)
		return c2c_err_set(err, C2C_ECONFLICT, "user '%s' is not disabled", c->name);
	return store_exec_args(st, "UPDATE \"users\" SET \"disabled\" = 0, \"updated_at\" = ? WHERE \"id\" = ?",
			       STORE_ARGS(store_int(auth_now()), store_int(r.id)), err);
}

int auth_user_enable(struct store *st, const char *name, struct c2c_err *err)
{
	struct change_ctx c = {name, NULL, NULL, AUTH_PUBLIC};
	return store_tx(st, NULL, enable_tx, &c, err);
}

/* ---- reading --------------------------------------------------------------------------------- */

int auth_user_get(struct store *st, const char *name, struct auth_user *u, int *disabled, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = store_prepare(st, "SELECT " AUTH_USER_COLS " FROM \"users\" u WHERE u.\"name\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, name ? name : "");
	rc = store_step(s, err);
	if (rc == 1)
		rc = auth_user_from_row(s, 0, u, disabled, err);
	else if (rc == 0)
		rc = c2c_err_at(err, C2C_ENOTFOUND, "name", "no user '%s'", name ? name : "");
	store_finalize(s);
	return rc;
}

json_t *auth_user_list_json(struct store *st, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *rows = json_array(), *by_id = json_object();
	int64_t now = auth_now();
	int rc;

	if (!rows || !by_id)
		goto nomem;
	/* the columns are named one by one: password_hash is never read here */
	if (store_prepare(st,
			  "SELECT " AUTH_USER_COLS ", u.\"created_at\", u.\"updated_at\","
			  " (SELECT COUNT(*) FROM \"sessions\" s WHERE s.\"user_id\" = u.\"id\" AND s.\"expires_at\" > ?)"
			  " FROM \"users\" u ORDER BY u.\"name\"",
			  &s, err))
		goto fail;
	store_bind_int(s, 1, now);
	while ((rc = store_step(s, err)) == 1) {
		struct auth_user u;
		char created[32], updated[32], key[32];
		int disabled;
		json_t *o;
		if (auth_user_from_row(s, 0, &u, &disabled, err))
			break;
		date_iso_utc(store_col_int(s, 5), -1, created, sizeof(created));
		date_iso_utc(store_col_int(s, 6), -1, updated, sizeof(updated));
		o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:[]}", "id", (json_int_t)u.id, "name", u.name,
			      "role", auth_role_name(u.role), "scope", u.scope, "disabled", disabled, "created_at",
			      created, "updated_at", updated, "sessions", (json_int_t)store_col_int(s, 7), "tokens");
		snprintf(key, sizeof(key), "%lld", (long long)u.id);
		if (!o || json_array_append_new(rows, o) || json_object_set(by_id, key, o)) {
			store_finalize(s);
			goto nomem;
		}
	}
	store_finalize(s);
	if (rc != 0)
		goto fail;
	if (store_prepare(st,
			  "SELECT \"user_id\", \"label\" FROM \"tokens\" WHERE \"revoked_at\" IS NULL"
			  " ORDER BY \"user_id\", \"label\"",
			  &s, err))
		goto fail;
	while ((rc = store_step(s, err)) == 1) {
		char key[32];
		json_t *o;
		snprintf(key, sizeof(key), "%lld", store_col_int(s, 0));
		o = json_object_get(by_id, key);
		if (o && json_array_append_new(json_object_get(o, "tokens"), json_string(store_col_text(s, 1)))) {
			store_finalize(s);
			goto nomem;
		}
	}
	store_finalize(s);
	if (rc != 0)
		goto fail;
	json_decref(by_id);
	return rows;
nomem:
	c2c_err_set(err, C2C_ENOMEM, "out of memory");
fail:
	json_decref(rows);
	json_decref(by_id);
	return NULL;
}
