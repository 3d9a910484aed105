/*
 * report.c - reading the registry: accounts, balances, blocks with their
 * serial numbers, the journal, and the corresponding-adjustments table.
 * Every function returns JSON; the CLI and the API print it.  The lookups
 * of one account or issuance are how another module reads these tables
 * (auth's scope check, the web's registry routes): none has SQL of its own
 * on them.
 */
#include "registry.h"

#include <stdio.h>
#include <string.h>

/* The registry's reads bind at most two texts and one number, as ?1 ?2 ?3;
 * a statement leaves unused the ones it does not name. */
static int rows_json(struct store *st, const char *sql, const char *bind1, const char *bind2,
		     int64_t bind_int, json_t **out, struct c2c_err *err)
{
	return store_rows_json(st, sql, STORE_ARGS(store_text(bind1), store_text(bind2), store_int(bind_int)), NULL,
			       out, err);
}

int registry_accounts(struct store *st, const char *country, json_t **out, struct c2c_err *err)
{
	return rows_json(st, "SELECT \"id\", \"country\", \"kind\", \"holder\", \"status\", \"balance\""
			     " FROM registry_accounts WHERE (?1 IS NULL OR \"country\" = ?1) ORDER BY \"country\", \"id\"",
			 country, NULL, 0, out, err);
}

int registry_balance(struct store *st, const char *account, json_t **out, struct c2c_err *err)
{
	int rc = rows_json(st, "SELECT a.\"id\" AS \"account\", b.\"issuance_id\" AS \"issuance\", i.\"vintage\","
			       " b.\"state\", SUM(b.\"last_serial\" - b.\"first_serial\" + 1) AS \"credits\""
			       " FROM registry_accounts a JOIN registry_blocks b ON b.\"account_id\" = a.\"id\""
			       " JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
			       " WHERE (?1 IS NULL OR a.\"id\" = ?1)"
			       " GROUP BY a.\"id\", b.\"issuance_id\", i.\"vintage\", b.\"state\" ORDER BY a.\"id\", b.\"issuance_id\"",
			   account, NULL, 0, out, err);
	if (!rc && account && json_array_size(*out) == 0) {
		json_t *acc;
		size_t n;
		if ((rc = rows_json(st, "SELECT \"id\" FROM registry_accounts WHERE \"id\" = ?1", account, NULL, 0,
				    &acc, err)))
			return rc;
		n = json_array_size(acc);
		json_decref(acc);
		if (!n) {
			json_decref(*out);
			*out = NULL;
			return c2c_err_set(err, C2C_ENOTFOUND, "account '%s' does not exist", account);
		}
	}
	return rc;
}

int registry_blocks(struct store *st, const char *account, json_t **out, struct c2c_err *err)
{
	int rc = rows_json(st, "SELECT b.\"account_id\" AS \"account\", b.\"issuance_id\" AS \"issuance\", i.\"project\", i.\"host\","
			       " i.\"vintage\", b.\"first_serial\" AS \"first\", b.\"last_serial\" AS \"last\","
			       " b.\"last_serial\" - b.\"first_serial\" + 1 AS \"credits\", b.\"state\","
			       " b.\"purpose\", b.\"beneficiary\""
			       " FROM registry_blocks b JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
			       " WHERE (?1 IS NULL OR b.\"account_id\" = ?1) ORDER BY b.\"account_id\", b.\"issuance_id\", b.\"first_serial\"",
			   account, NULL, 0, out, err);
	size_t i;
	json_t *b;
	if (rc)
		return rc;
	json_array_foreach(*out, i, b) {
		char serial[160];
		registry_serial_range(serial, sizeof(serial), json_string_value(json_object_get(b, "host")),
				      json_string_value(json_object_get(b, "project")),
				      (int)json_integer_value(json_object_get(b, "vintage")),
				      json_integer_value(json_object_get(b, "first")),
				      json_integer_value(json_object_get(b, "last")));
		json_object_set_new(b, "serial", json_string(serial));
		json_object_del(b, "host"); /* the serial says it */
	}
	return 0;
}

int registry_journal(struct store *st, int64_t since, json_t **out, struct c2c_err *err)
{
	int rc = rows_json(st, "SELECT \"seq\", \"at\", \"user_name\" AS \"user\", \"op\", \"body\", \"hash\""
			       " FROM registry_journal WHERE \"seq\" >= ?3 ORDER BY \"seq\"",
			   NULL, NULL, since, out, err);
	size_t i;
	json_t *e;
	if (rc)
		return rc;
	json_array_foreach(*out, i, e) {
		json_t *body = json_loads(json_string_value(json_object_get(e, "body")), 0, NULL);
		json_object_set_new(e, "body", body ? body : json_null());
	}
	return 0;
}

int registry_ca_report(struct store *st, const char *country, int year, json_t **out,
		       struct c2c_err *err)
{
	char y[16];
	snprintf(y, sizeof(y), "%d", year);
	return rows_json(st, "SELECT c.\"country\", c.\"vintage\", c.\"issuance_id\" AS \"issuance\","
			     " c.\"first_serial\" AS \"first\", c.\"last_serial\" AS \"last\", c.\"quantity\" AS \"adjustment\","
			     " c.\"seq\", j.\"at\""
			     " FROM registry_ca c JOIN registry_journal j ON j.\"seq\" = c.\"seq\""
			     " WHERE (?1 IS NULL OR c.\"country\" = ?1) AND (?2 = '0' OR CAST(c.\"vintage\" AS TEXT) = ?2)"
			     " ORDER BY c.\"vintage\", c.\"seq\", c.\"issuance_id\", c.\"first_serial\"",
			 country, y, 0, out, err);
}

/* One row by id, or C2C_ENOTFOUND as "no WHAT 'ID'". */
static int row_by_id(struct store *st, const char *sql, const char *what, const char *id, json_t **out,
		     struct c2c_err *err)
{
	json_t *rows;
	int rc;

	*out = NULL;
	if ((rc = store_rows_json(st, sql, STORE_ARGS(store_text(id)), NULL, &rows, err)))
		return rc;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return c2c_err_set(err, C2C_ENOTFOUND, "no %s '%s'", what, id ? id : "");
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

int registry_account_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	return row_by_id(st, "SELECT \"id\", \"country\", \"kind\", \"holder\", \"status\", \"balance\""
			     " FROM registry_accounts WHERE \"id\" = ?",
			 "registry account", id, out, err);
}

/* The authorization record's columns come flat (a_*) from the join and
 * leave as one object, "authorization", null for a bare authorization. */
#define ISSUANCE_COLS                                                                              \
	"SELECT \"id\", \"project\", \"host\", \"period_start\", \"period_end\", \"vintage\", \"quantity\","  \
	" \"verified_er\", \"authorized\", \"allocated\", \"report_id\" AS \"report\","                   \
	" \"external_verification\", \"source\", a.\"purpose\" AS \"a_purpose\","                           \
	" a.\"authorized_entities\" AS \"a_entities\", a.\"first_transfer\" AS \"a_first\","                 \
	" a.\"authorized_on\" AS \"a_on\", a.\"ref\" AS \"a_ref\", a.\"seq\" AS \"a_seq\""                  \
	" FROM registry_issuances LEFT JOIN registry_authorizations a ON a.\"issuance_id\" = \"id\""

static void nest_authorization(json_t *row)
{
	static const char *const flat[] = {"a_purpose", "a_entities", "a_first", "a_on", "a_ref", "a_seq"};
	json_t *a = json_null();
	if (json_is_string(json_object_get(row, "a_purpose"))) {
		json_t *ents = json_loads(json_string_value(json_object_get(row, "a_entities")), 0, NULL);
		a = json_pack("{s:O, s:o, s:O, s:O, s:O, s:O}", "purpose", json_object_get(row, "a_purpose"),
			      "authorized_entities", ents ? ents : json_array(), "first_transfer",
			      json_object_get(row, "a_first"), "on", json_object_get(row, "a_on"), "ref",
			      json_object_get(row, "a_ref"), "seq", json_object_get(row, "a_seq"));
	}
	for (size_t i = 0; i < sizeof(flat) / sizeof(flat[0]); i++)
		json_object_del(row, flat[i]);
	json_object_set_new(row, "authorization", a);
}

int registry_issuance_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	int rc = row_by_id(st, ISSUANCE_COLS " WHERE \"id\" = ?", "issuance", id, out, err);
	if (!rc)
		nest_authorization(*out);
	return rc;
}

int registry_issuances(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	size_t i;
	json_t *row;
	int rc = store_rows_json(st, ISSUANCE_COLS " WHERE (?1 IS NULL OR \"project\" = ?1) ORDER BY \"id\"",
				 STORE_ARGS(store_text(project)), NULL, out, err);
	if (!rc)
		json_array_foreach(*out, i, row)
			nest_authorization(row);
	return rc;
}

/* The registry's side of a project's life, for `projects show`: what was
 * issued (each issuance with the report it came from or its external
 * verification), where the credits are now, and the adjustments they
 * caused.  One read of each, in issue order. */
int registry_project_life(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	json_t *iss = NULL, *hold = NULL, *ca = NULL, *row;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = rows_json(st, "SELECT \"id\", \"report_id\" AS \"report\", \"external_verification\", \"source\","
				" \"quantity\", \"vintage\", \"authorized\", \"period_start\", \"period_end\""
				" FROM registry_issuances WHERE \"project\" = ?1 ORDER BY \"issued_seq\"",
			    project, NULL, 0, &iss, err)) ||
	    (rc = rows_json(st, "SELECT b.\"account_id\" AS \"account\", a.\"country\", b.\"state\","
				" SUM(b.\"last_serial\" - b.\"first_serial\" + 1) AS \"quantity\""
				" FROM registry_blocks b JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
				" JOIN registry_accounts a ON a.\"id\" = b.\"account_id\""
				" WHERE i.\"project\" = ?1 GROUP BY b.\"account_id\", a.\"country\", b.\"state\""
				" ORDER BY b.\"account_id\", b.\"state\"",
			    project, NULL, 0, &hold, err)) ||
	    (rc = rows_json(st, "SELECT c.\"country\", c.\"vintage\", SUM(c.\"quantity\") AS \"quantity\","
				" c.\"issuance_id\" AS \"issuance\""
				" FROM registry_ca c JOIN registry_issuances i ON i.\"id\" = c.\"issuance_id\""
				" WHERE i.\"project\" = ?1 GROUP BY c.\"issuance_id\", c.\"vintage\", c.\"country\""
				" ORDER BY c.\"issuance_id\", c.\"vintage\", c.\"country\"",
			    project, NULL, 0, &ca, err))) {
		json_decref(iss);
		json_decref(hold);
		return rc;
	}
	json_array_foreach(iss, i, row)
		json_object_set_new(row, "authorized",
				    json_boolean(json_integer_value(json_object_get(row, "authorized"))));
	*out = json_pack("{s:o, s:o, s:o}", "issuances", iss, "holdings", hold, "ca", ca);
	return 0;
}

/* The object of `vintage` in the split (made in vintage order by the first
 * query, so the later ones find it). */
static json_t *split_vintage(json_t *split, json_int_t vintage)
{
	size_t i;
	json_t *v;
	json_array_foreach(split, i, v)
		if (json_integer_value(json_object_get(v, "vintage")) == vintage)
			return v;
	return NULL;
}

int registry_project_split(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	json_t *rows = NULL, *row;
	size_t i;
	int rc;

	*out = NULL;
	if (!project || !registry_project_ok(project))
		return c2c_err_at(err, C2C_EINPUT, "project", "project '%s' is not a JCM project reference like KH003",
				  project ? project : "");
	if ((rc = store_rows_json(st, "SELECT \"vintage\", SUM(\"quantity\") AS \"issued\" FROM registry_issuances"
				      " WHERE \"project\" = ? GROUP BY \"vintage\" ORDER BY \"vintage\"",
				  STORE_ARGS(store_text(project)), NULL, out, err)))
		return rc;
	json_array_foreach(*out, i, row) {
		json_object_set_new(row, "host_kept", json_integer(json_integer_value(json_object_get(row, "issued"))));
		json_object_set_new(row, "transferred_with_ca", json_integer(0));
		json_object_set_new(row, "retired_for_ndc", json_object());
	}
	/* What went abroad with an adjustment is what the host added back to
	 * its balance: the host's '+' rows (docs/registry.md); each credit has at
	 * most one, at its first transfer. */
	if ((rc = store_rows_json(st, "SELECT c.\"vintage\", SUM(c.\"quantity\") AS \"credits\" FROM registry_ca c"
				      " JOIN registry_issuances i ON i.\"id\" = c.\"issuance_id\""
				      " WHERE i.\"project\" = ? AND c.\"country\" = i.\"host\" AND c.\"quantity\" > 0"
				      " GROUP BY c.\"vintage\"",
				  STORE_ARGS(store_text(project)), NULL, &rows, err)))
		goto fail;
	json_array_foreach(rows, i, row) {
		json_t *v = split_vintage(*out, json_integer_value(json_object_get(row, "vintage")));
		json_int_t n = json_integer_value(json_object_get(row, "credits"));
		if (!v)
			continue;
		json_object_set_new(v, "transferred_with_ca", json_integer(n));
		json_object_set_new(v, "host_kept", json_integer(json_integer_value(json_object_get(v, "issued")) - n));
	}
	json_decref(rows);
	/* A retirement for an NDC counts for the country of the registry it is
	 * retired in (the retiring account's). */
	if ((rc = store_rows_json(st, "SELECT i.\"vintage\", a.\"country\","
				      " SUM(b.\"last_serial\" - b.\"first_serial\" + 1) AS \"credits\" FROM registry_blocks b"
				      " JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
				      " JOIN registry_accounts a ON a.\"id\" = b.\"account_id\""
				      " WHERE i.\"project\" = ? AND b.\"state\" = 'retired' AND b.\"purpose\" = 'ndc'"
				      " GROUP BY i.\"vintage\", a.\"country\" ORDER BY i.\"vintage\", a.\"country\"",
				  STORE_ARGS(store_text(project)), NULL, &rows, err)))
		goto fail;
	json_array_foreach(rows, i, row) {
		json_t *v = split_vintage(*out, json_integer_value(json_object_get(row, "vintage")));
		if (v)
			json_object_set(json_object_get(v, "retired_for_ndc"),
					json_string_value(json_object_get(row, "country")), json_object_get(row, "credits"));
	}
	json_decref(rows);
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}
