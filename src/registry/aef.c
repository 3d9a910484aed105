/*
 * aef.c - a Party's annual information under Article 6.2 in the Agreed
 * Electronic Format (`c2c registry aef --party CC --year YYYY`, issue 16):
 * every action on ITMOs in the calendar year and the ITMOs held on
 * 31 December, read from the journal, the only place that says when
 * credits moved and whether they were ITMOs at the time.
 *
 * The journal is replayed (replay.h: verify's own code, so a journal that
 * does not verify gives no report) up to the end of the year; each entry of
 * the year is read before it is applied, so a movement is known to take
 * adjusted credits (ITMOs) or not.  Fields c2c does not hold are left empty
 * and named in "notes" with the reason: nothing is invented.
 * Columns: docs/registry.md, "Article 6.2 annual information".
 */
#include "registry.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the report says of fields it cannot fill, in the output itself. */
static const char *const aef_notes[][2] = {
	{"article6_database_record_id", "assigned by the UNFCCC's Article 6 database; c2c does not hold it"},
	{"cooperative_approach", "the approach's name; its UNFCCC identifier (CA + 4 digits) is not held by c2c"},
	{"first_unique_identifier", "the ITMO's JCM credit serial (cooperative approach, host, project, vintage, "
				    "serial); the AEF's registry identifier part is not held by c2c"},
	{"sectors", "not recorded by the registry (the project's methodology names its sector in mrv)"},
	{"activity_types", "not recorded by the registry"},
	{"date_of_authorization", "empty for an issuance authorized without a record (registry authorize ISSUANCE "
				  "without --purpose ...)"},
	{"parties", "ISO 3166-1 alpha-2 codes as c2c stores them; the AEF's later layout asks for alpha-3"},
};

struct aef {
	const char *party;
	int year;
	struct registry_replay *w;
	struct registry_verify_report rep;
	json_t *iss;     /* issuance id -> {project, host, vintage, first_serial, last_serial} */
	json_t *auth;    /* issuance id -> its authorization record */
	json_t *actions;
	int past;        /* an entry after the year was reached: stop */
};

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* The columns every row carries for one range of one issuance: the ITMO
 * block, its unit, its authorization. */
static json_t *itmo_cols(struct aef *a, const char *issuance, int64_t first, int64_t last)
{
	json_t *i = json_object_get(a->iss, issuance), *au = json_object_get(a->auth, issuance);
	char f[160], l[160];
	const char *purpose = jstr(au, "purpose");
	int vintage = (int)json_integer_value(json_object_get(i, "vintage"));

	registry_serial_one(f, sizeof(f), jstr(i, "host"), jstr(i, "project"), vintage, first);
	registry_serial_one(l, sizeof(l), jstr(i, "host"), jstr(i, "project"), vintage, last);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "article6_database_record_id", "", "cooperative_approach", "Joint Crediting Mechanism (JCM)",
			 "first_unique_identifier", f, "last_unique_identifier", l, "underlying_unit_block_start_id", f,
			 "underlying_unit_block_end_id", l, "metric", "t CO2 eq", "quantity", (json_int_t)(last - first + 1),
			 "quantity_tco2e", (json_int_t)(last - first + 1), "conversion_factor", 1,
			 "first_transferring_party", jstr(i, "host"), "vintage", vintage, "sectors", "", "activity_types", "",
			 "date_of_authorization", jstr(au, "on"), "authorization_id", jstr(au, "ref"),
			 "purposes_for_authorization",
			 !*purpose ? "" : !strcmp(purpose, "ndc") ? "NDC" : !strcmp(purpose, "oimp") ? "OIMP" : "NDC and OIMP",
			 "oimp_authorized", !*purpose ? "" : strstr(purpose, "oimp") ? "yes" : "no",
			 "first_transfer_definition", jstr(au, "first_transfer"));
}

static void action(struct aef *a, const char *type, const char *issuance, int64_t first, int64_t last,
		   const char *date, const char *from, const char *to, const char *purpose, const char *user,
		   const char *first_transfer, int64_t seq)
{
	json_t *r = itmo_cols(a, issuance, first, last);
	json_t *more = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "action_date", date, "action_type", type,
				 "transferring_party", from, "acquiring_party", to, "purposes_for_cancellation", purpose,
				 "using_party_or_entities", user, "first_transfer", first_transfer, "journal_entry",
				 (json_int_t)seq);
	json_object_update(r, more);
	json_decref(more);
	json_array_append_new(a->actions, r);
}

/* The actions of one entry of the year, for the Party, read before the
 * entry is replayed. */
static void entry_actions(struct aef *a, const struct registry_entry *e, json_t *body)
{
	char date[11];
	json_t *v, *w;
	size_t k, m;
	const char *op = e->op;

	snprintf(date, sizeof(date), "%.10s", e->at);
	if (!strcmp(op, "authorize")) {
		json_t *i = json_object_get(a->iss, jstr(body, "issuance"));
		if (i && !strcmp(jstr(i, "host"), a->party))
			action(a, "Authorization", jstr(body, "issuance"), json_integer_value(json_object_get(i, "first_serial")),
			       json_integer_value(json_object_get(i, "last_serial")), date, "", "", "", "", "", e->seq);
	}
	/* first transfers: each pair of adjustment rows, the + country first
	 * transferring, the - country acquiring */
	json_array_foreach(json_object_get(body, "adjustments"), k, v) {
		int64_t q = json_integer_value(json_object_get(v, "quantity"));
		if (q <= 0)
			continue;
		json_array_foreach(json_object_get(body, "adjustments"), m, w) {
			if (json_integer_value(json_object_get(w, "quantity")) != -q ||
			    strcmp(jstr(w, "issuance"), jstr(v, "issuance")) ||
			    json_integer_value(json_object_get(w, "first")) != json_integer_value(json_object_get(v, "first")))
				continue;
			if (!strcmp(jstr(v, "country"), a->party) || !strcmp(jstr(w, "country"), a->party))
				action(a, !strcmp(jstr(v, "country"), a->party) ? "First transfer" : "Acquisition",
				       jstr(v, "issuance"), json_integer_value(json_object_get(v, "first")),
				       json_integer_value(json_object_get(v, "last")), date, jstr(v, "country"),
				       jstr(w, "country"), "", "", "yes", e->seq);
			break;
		}
	}
	/* movements of credits that were ITMOs already */
	json_array_foreach(json_object_get(body, "moves"), k, v) {
		const char *iss = jstr(v, "issuance"), *fa = jstr(v, "from");
		int64_t first = json_integer_value(json_object_get(v, "first")), last = json_integer_value(json_object_get(v, "last"));
		const char *fc, *tc;
		if (!*fa || registry_replay_adjusted(a->w, iss, first) != 1)
			continue;
		fc = registry_replay_country(a->w, fa);
		/* NULL for a registry's own account this very entry opens (its
		 * first retirement or cancellation): never another country's */
		tc = registry_replay_country(a->w, jstr(v, "to"));
		if (!fc)
			continue;
		if (tc && strcmp(fc, tc) && (!strcmp(fc, a->party) || !strcmp(tc, a->party)))
			action(a, !strcmp(fc, a->party) ? "Transfer" : "Acquisition", iss, first, last, date, fc, tc, "", "",
			       "no", e->seq);
		if (strcmp(fc, a->party))
			continue;
		if (!strcmp(op, "retire") && !strcmp(jstr(body, "purpose"), "ndc"))
			action(a, "Use", iss, first, last, date, "", "", "use towards the NDC", fc, "", e->seq);
		else if (!strcmp(op, "retire"))
			action(a, "Voluntary cancellation", iss, first, last, date, "", "", jstr(body, "purpose"),
			       jstr(body, "beneficiary"), "", e->seq);
		else if (!strcmp(op, "cancel"))
			action(a, "Cancellation", iss, first, last, date, "", "", "", fc, "", e->seq);
	}
}

static int aef_entry(void *ctx, const struct registry_entry *e, struct c2c_err *err)
{
	struct aef *a = ctx;
	int year = 0;

	/* "2026-12-07T..." as the journal writes it: the UTC year first */
	for (int k = 0; k < 4 && e->at[k] >= '0' && e->at[k] <= '9'; k++)
		year = year * 10 + (e->at[k] - '0');

	if (year > a->year) {
		a->past = 1;
		return 1; /* the journal's order is time's: nothing after this is in the year */
	}
	if (year == a->year) {
		json_t *body = json_loads(e->body, 0, NULL);
		if (body)
			entry_actions(a, e, body);
		json_decref(body);
	}
	return registry_replay_entry(a->w, e, &a->rep, err);
}

static int load_issuances(struct store *st, struct aef *a, struct c2c_err *err)
{
	json_t *rows, *row;
	size_t i;
	int rc = store_rows_json(st, "SELECT \"id\", \"project\", \"host\", \"vintage\", \"first_serial\", \"last_serial\""
				     " FROM registry_issuances", STORE_NOARGS, NULL, &rows, err);
	if (rc)
		return rc;
	json_array_foreach(rows, i, row)
		json_object_set(a->iss, jstr(row, "id"), row);
	json_decref(rows);
	return registry_authorizations_stored(st, &a->auth, err);
}

int registry_aef(struct store *st, const char *party, int year, json_t **out, struct c2c_err *err)
{
	struct aef a = {.party = party, .year = year};
	json_t *held = NULL, *holdings, *notes, *h;
	char on[16];
	size_t i;
	int rc;

	*out = NULL;
	if (!party || strlen(party) != 2 || party[0] < 'A' || party[0] > 'Z' || party[1] < 'A' || party[1] > 'Z')
		return c2c_err_at(err, C2C_EINPUT, "party", "aef: party '%s' is not a country code (two capital letters)",
				  party ? party : "");
	if (year < 1990 || year > 2200)
		return c2c_err_at(err, C2C_EINPUT, "year", "aef: year %d is not a year of reporting", year);
	holdings = json_array();
	notes = json_array();
	a.iss = json_object();
	a.actions = json_array();
	if (!(a.w = registry_replay_new())) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = load_issuances(st, &a, err)))
		goto out;
	if ((rc = registry_journal_each(st, aef_entry, &a, err))) {
		c2c_err_prefix(err, "aef: the journal does not verify, so no report is made from it");
		goto out;
	}
	/* on 31 December: what the replay holds once every entry of the year is in */
	if ((rc = registry_replay_itmos_held(a.w, party, &held)))
		goto out;
	json_array_foreach(held, i, h) {
		json_t *r = itmo_cols(&a, jstr(h, "issuance"), json_integer_value(json_object_get(h, "first")),
				      json_integer_value(json_object_get(h, "last")));
		json_object_set(r, "account", json_object_get(h, "account"));
		json_array_append_new(holdings, r);
	}
	for (i = 0; i < sizeof(aef_notes) / sizeof(aef_notes[0]); i++)
		json_array_append_new(notes, json_pack("{s:s, s:s}", "field", aef_notes[i][0], "note", aef_notes[i][1]));
	snprintf(on, sizeof(on), "%04d-12-31", year);
	*out = json_pack("{s:s, s:i, s:s, s:O, s:O, s:O}", "party", party, "year", year, "holdings_on", on, "actions",
			 a.actions, "holdings", holdings, "notes", notes);
out:
	json_decref(held);
	json_decref(holdings);
	json_decref(notes);
	json_decref(a.iss);
	json_decref(a.auth);
	json_decref(a.actions);
	registry_replay_free(a.w);
	return rc;
}
