/*
 * cadt.c - every serial block as a unit of the Climate Action Data Trust
 * (CADT, the Chia Network / World Bank "climate warehouse"), so a registry
 * can publish its units to it (issue 16).
 *
 * The fields are those of CADT's unit model: Chia-Network/cadt v1.7.24
 * (commit 171e6d6, 2025-09-10), src/models/units/units.modeltypes.cjs and
 * src/validations/units.validations.js; the picklist values of unitStatus,
 * correspondingAdjustmentDeclaration and correspondingAdjustmentStatus are
 * the default picklist of src/models/governance/governance.stub.js.  Each
 * field is mapped from c2c's blocks, issuances and accounts
 * (docs/registry.md, "Climate Action Data Trust"); a field c2c does not
 * hold is null and named in "notes", never invented.
 */
#include "registry.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <string.h>

#define CADT_MODEL "Chia-Network/cadt v1.7.24 (171e6d6), src/models/units/units.modeltypes.cjs"

static const char *const cadt_notes[][2] = {
	{"warehouseUnitId", "assigned by CADT when the unit is created"},
	{"issuanceId", "CADT's issuance record, made by the publisher; c2c's issuance is c2c_issuance, its monitoring"
		       " period c2c_period_start..c2c_period_end"},
	{"projectLocationId", "CADT's project location record; not held by the registry"},
	{"orgUid", "the publishing organization in CADT"},
	{"inCountryJurisdictionOfOwner", "not recorded by the registry"},
	{"countryJurisdictionOfOwner", "the English name of the account's country as c2c's atlas names it; CADT's "
				       "countries picklist may spell it otherwise (Lao PDR: \"Lao People's Democratic "
				       "Republic\"); null when the atlas has no such country"},
	{"unitType", "reduction or removal, nature or technical: the registry does not record the methodology's kind"},
	{"marketplace", "c2c has no marketplace (nor marketplaceLink, marketplaceIdentifier)"},
	{"unitTags", "not recorded by the registry"},
	{"unitStatusReason", "for a retirement its purpose and beneficiary; c2c records no reason for a cancellation, "
			     "which CADT asks for"},
	{"unitRegistryLink", "the registry's public address is not known to c2c"},
	{"correspondingAdjustmentDeclaration", "Committed for an authorized issuance; Unknown for one not (yet) "
					       "authorized, which may still be authorized later"},
	{"correspondingAdjustmentStatus", "Completed when the registry recorded the adjustment (registry_ca: the "
					  "credits were first transferred abroad); else Not Started"},
};

/* The atlas's English name of `cc`, or NULL; kept in `cache`. */
static int country_name(struct store *st, json_t *cache, const char *cc, json_t **name, struct c2c_err *err)
{
	json_t *row = NULL;
	int rc;

	if ((*name = json_object_get(cache, cc)))
		return 0;
	rc = atlas_get(st, "countries", cc, &row, err);
	if (rc == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		rc = 0;
	}
	if (rc)
		return rc;
	*name = json_object_get(row, "name_en") ? json_object_get(row, "name_en") : json_null();
	json_object_set(cache, cc, *name);
	json_decref(row);
	return 0;
}

static json_t *status_reason(json_t *b)
{
	const char *state = json_string_value(json_object_get(b, "state"));
	const char *purpose = json_string_value(json_object_get(b, "purpose"));
	const char *beneficiary = json_string_value(json_object_get(b, "beneficiary"));
	char buf[1600];

	if (strcmp(state, "retired") || !purpose)
		return json_null();
	if (!strcmp(purpose, "ndc"))
		snprintf(buf, sizeof(buf), "retired toward the NDC of %s; beneficiary: %s",
			 json_string_value(json_object_get(b, "country")), beneficiary ? beneficiary : "");
	else
		snprintf(buf, sizeof(buf), "retired (%s); beneficiary: %s", purpose, beneficiary ? beneficiary : "");
	return json_string(buf);
}

static json_t *cadt_unit(json_t *b, json_t *country)
{
	const char *host = json_string_value(json_object_get(b, "host"));
	const char *project = json_string_value(json_object_get(b, "project"));
	const char *state = json_string_value(json_object_get(b, "state"));
	int vintage = (int)json_integer_value(json_object_get(b, "vintage"));
	int64_t first = json_integer_value(json_object_get(b, "first_serial"));
	int64_t last = json_integer_value(json_object_get(b, "last_serial"));
	char range[200], one[2][200];

	registry_serial_range(range, sizeof(range), host, project, vintage, first, last);
	registry_serial_one(one[0], sizeof(one[0]), host, project, vintage, first);
	registry_serial_one(one[1], sizeof(one[1]), host, project, vintage, last);
	return json_pack("{s:n, s:n, s:n, s:n, s:O, s:O, s:n, s:s, s:s, s:s, s:I, s:i, s:n, s:n, s:n, s:n, s:n,"
			 " s:s, s:o, s:n, s:s, s:s,"
			 " s:O, s:O, s:s, s:s, s:O, s:O, s:O}",
			 "warehouseUnitId", "issuanceId", "projectLocationId", "orgUid",
			 "unitOwner", json_object_get(b, "holder"), "countryJurisdictionOfOwner", country,
			 "inCountryJurisdictionOfOwner", "serialNumberBlock", range, "unitBlockStart", one[0],
			 "unitBlockEnd", one[1], "unitCount", (json_int_t)(last - first + 1), "vintageYear", vintage,
			 "unitType", "marketplace", "marketplaceLink", "marketplaceIdentifier", "unitTags",
			 "unitStatus", !strcmp(state, "retired") ? "Retired" : !strcmp(state, "cancelled") ? "Cancelled" : "Held",
			 "unitStatusReason", status_reason(b), "unitRegistryLink",
			 "correspondingAdjustmentDeclaration",
			 json_integer_value(json_object_get(b, "authorized")) ? "Committed" : "Unknown",
			 "correspondingAdjustmentStatus",
			 json_integer_value(json_object_get(b, "ca_done")) ? "Completed" : "Not Started",
			 "c2c_account", json_object_get(b, "account_id"), "c2c_issuance", json_object_get(b, "issuance_id"),
			 "c2c_project", project, "c2c_state", state,
			 "c2c_country", json_object_get(b, "country"), "c2c_period_start", json_object_get(b, "period_start"),
			 "c2c_period_end", json_object_get(b, "period_end"));
}

int registry_cadt(struct store *st, const char *country, json_t **out, struct c2c_err *err)
{
	json_t *blocks = NULL, *units, *notes, *cache, *b, *name;
	size_t i;
	int rc;

	*out = NULL;
	if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z'))
		return c2c_err_at(err, C2C_EINPUT, "country", "country '%s' is not an ISO 3166-1 alpha-2 code", country);
	if ((rc = store_rows_json(st, "SELECT b.\"issuance_id\", b.\"first_serial\", b.\"last_serial\", b.\"account_id\","
				  " b.\"state\", b.\"ca_done\", b.\"purpose\", b.\"beneficiary\", i.\"project\", i.\"host\","
				  " i.\"vintage\", i.\"authorized\", i.\"period_start\", i.\"period_end\", a.\"holder\","
				  " a.\"country\" FROM registry_blocks b"
				  " JOIN registry_issuances i ON i.\"id\" = b.\"issuance_id\""
				  " JOIN registry_accounts a ON a.\"id\" = b.\"account_id\""
				  " WHERE (? IS NULL OR a.\"country\" = ?) ORDER BY b.\"issuance_id\", b.\"first_serial\"",
				  STORE_ARGS(store_text(country), store_text(country)), NULL, &blocks, err)))
		return rc;
	units = json_array();
	cache = json_object();
	json_array_foreach(blocks, i, b) {
		if ((rc = country_name(st, cache, json_string_value(json_object_get(b, "country")), &name, err)))
			break;
		json_array_append_new(units, cadt_unit(b, name));
	}
	json_decref(cache);
	json_decref(blocks);
	if (rc) {
		json_decref(units);
		return rc;
	}
	notes = json_array();
	for (i = 0; i < sizeof(cadt_notes) / sizeof(cadt_notes[0]); i++)
		json_array_append_new(notes, json_pack("{s:s, s:s}", "field", cadt_notes[i][0], "note", cadt_notes[i][1]));
	*out = json_pack("{s:s, s:o, s:o}", "model", CADT_MODEL, "units", units, "notes", notes);
	return 0;
}
