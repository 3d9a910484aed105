/*
 * authorization.c - an authorization as a record (Article 6.2, issue 16):
 * what a Party authorized an issuance's mitigation outcomes for (use
 * towards an NDC, other international mitigation purposes, or both), the
 * entities it authorized, which event it defines as the first transfer,
 * its date and its reference.  The Agreed Electronic Format reports these
 * fields with every action (docs/registry.md, Article 6.2); before this an
 * authorization was a bare flag on the issuance.
 *
 * The operation itself (a transaction, its adjustments, its journal entry)
 * is ops.c's; this file checks the record, writes it as the journal and the
 * table hold it, and reads it back.
 */
#include "registry.h"
#include "core/date.h"
#include "core/utf8.h"

#include <stdio.h>
#include <string.h>

/* The longest reference and entity name, in characters. */
#define AUTH_TEXT_MAX 300

static int one_of(const char *v, const char *const *list)
{
	for (size_t i = 0; v && list[i]; i++)
		if (!strcmp(v, list[i]))
			return 1;
	return 0;
}

int registry_authorization_check(const struct registry_authorization *a, struct c2c_err *err)
{
	static const char *const purposes[] = {"ndc", "oimp", "ndc+oimp", NULL};
	static const char *const firsts[] = {"issuance", "transfer", "use", "cancellation", NULL};
	char why[96], today[11];

	if (!one_of(a->purpose, purposes))
		return c2c_err_at(err, C2C_EINPUT, "purpose", "authorize: purpose '%s' is not one of ndc, oimp, ndc+oimp",
				  a->purpose ? a->purpose : "");
	if (!one_of(a->first_transfer, firsts))
		return c2c_err_at(err, C2C_EINPUT, "first_transfer",
				  "authorize: first transfer '%s' is not one of issuance, transfer, use, cancellation",
				  a->first_transfer ? a->first_transfer : "");
	if (!a->on || strlen(a->on) != 10 || date_check(a->on, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, "on", "authorize: the date of the authorization '%s' is not a date"
				  " (YYYY-MM-DD)%s%s", a->on ? a->on : "", a->on && strlen(a->on) == 10 ? ": " : "",
				  a->on && strlen(a->on) == 10 ? why : "");
	date_today(today);
	if (strcmp(a->on, today) > 0)
		return c2c_err_at(err, C2C_EINPUT, "on", "authorize: the authorization is dated %s, after today (%s)",
				  a->on, today);
	if (!a->ref || !*a->ref)
		return c2c_err_at(err, C2C_EINPUT, "ref", "authorize: give the authorization's reference (the Party's"
				  " letter or decision that authorizes it)");
	if (utf8_text_field(a->ref, AUTH_TEXT_MAX, 0, "ref", "the authorization's reference", err))
		return C2C_EINPUT;
	if (a->nentities > REGISTRY_MAX_ENTITIES)
		return c2c_err_at(err, C2C_EINPUT, "authorized_entities", "authorize: at most %d authorized entities",
				  REGISTRY_MAX_ENTITIES);
	for (size_t i = 0; i < a->nentities; i++) {
		if (!a->entities[i] || !*a->entities[i])
			return c2c_err_at(err, C2C_EINPUT, "authorized_entities",
					  "authorize: authorized entity %zu has no name", i + 1);
		if (utf8_text_field(a->entities[i], AUTH_TEXT_MAX, 0, "authorized_entities",
				    "an authorized entity's name", err))
			return C2C_EINPUT;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(a->entities[k], a->entities[i]))
				return c2c_err_at(err, C2C_EINPUT, "authorized_entities",
						  "authorize: authorized entity '%s' is named twice", a->entities[i]);
	}
	return 0;
}

json_t *registry_authorization_json(const struct registry_authorization *a)
{
	json_t *ents = json_array();
	for (size_t i = 0; i < a->nentities; i++)
		json_array_append_new(ents, json_string(a->entities[i]));
	return json_pack("{s:s, s:o, s:s, s:s, s:s}", "purpose", a->purpose, "authorized_entities", ents,
			 "first_transfer", a->first_transfer, "on", a->on, "ref", a->ref);
}

int registry_authorization_store(struct store *st, const char *issuance, int64_t seq, json_t *rec,
				 struct c2c_err *err)
{
	char *ents = json_dumps(json_object_get(rec, "authorized_entities"), JSON_COMPACT | JSON_ENSURE_ASCII);
	int rc;
	if (!ents)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = store_exec_args(st, "INSERT INTO registry_authorizations (\"issuance_id\", \"seq\", \"purpose\","
				 " \"authorized_entities\", \"first_transfer\", \"authorized_on\", \"ref\")"
				 " VALUES (?, ?, ?, ?, ?, ?, ?)",
			     STORE_ARGS(store_text(issuance), store_int(seq),
					store_text(json_string_value(json_object_get(rec, "purpose"))), store_text(ents),
					store_text(json_string_value(json_object_get(rec, "first_transfer"))),
					store_text(json_string_value(json_object_get(rec, "on"))),
					store_text(json_string_value(json_object_get(rec, "ref")))),
			     err);
	free(ents);
	return rc;
}

/* The stored rows as the journal writes them: {issuance: {seq, purpose,
 * authorized_entities, first_transfer, on, ref}}. */
int registry_authorizations_stored(struct store *st, json_t **out, struct c2c_err *err)
{
	json_t *rows, *row;
	size_t i;
	int rc = store_rows_json(st, "SELECT \"issuance_id\", \"seq\", \"purpose\", \"authorized_entities\","
				     " \"first_transfer\", \"authorized_on\" AS \"on\", \"ref\" FROM registry_authorizations",
				 STORE_NOARGS, "authorized_entities", &rows, err);
	*out = NULL;
	if (rc)
		return rc;
	*out = json_object();
	json_array_foreach(rows, i, row) {
		json_t *r = json_deep_copy(row);
		json_object_del(r, "issuance_id");
		json_object_set_new(*out, json_string_value(json_object_get(row, "issuance_id")), r);
	}
	json_decref(rows);
	return 0;
}

int registry_authorization_from_json(json_t *o, struct registry_authorization *a, const char **ents,
				     int *given, struct c2c_err *err)
{
	static const char *const keys[] = {"purpose", "authorized_entities", "first_transfer", "on", "ref"};
	json_t *list = json_object_get(o, "authorized_entities"), *v;
	size_t i;

	memset(a, 0, sizeof(*a));
	*given = 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(o, keys[i]) && !json_is_null(json_object_get(o, keys[i])))
			*given = 1;
	if (!*given)
		return 0;
	a->purpose = json_string_value(json_object_get(o, "purpose"));
	a->first_transfer = json_string_value(json_object_get(o, "first_transfer"));
	a->on = json_string_value(json_object_get(o, "on"));
	a->ref = json_string_value(json_object_get(o, "ref"));
	a->entities = ents;
	if (list && !json_is_null(list)) {
		if (!json_is_array(list) || json_array_size(list) > REGISTRY_MAX_ENTITIES)
			return c2c_err_at(err, C2C_EINPUT, "authorized_entities", "authorize: authorized_entities is a"
					  " list of at most %d names", REGISTRY_MAX_ENTITIES);
		json_array_foreach(list, i, v) {
			if (!json_is_string(v))
				return c2c_err_at(err, C2C_EINPUT, "authorized_entities",
						  "authorize: authorized entity %zu is not a name (a string)", i + 1);
			ents[a->nentities++] = json_string_value(v);
		}
	}
	return 0;
}
