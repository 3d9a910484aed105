/*
 * assign.c - the office hands proposals to reviewers, and a reviewer's
 * desk: the proposals assigned to it, each whole with its call's criteria,
 * its own sheet and the readiness check the body attached.  Exists so a
 * reviewer user (auth role "reviewer", scope its programme reviewer id)
 * sees only what it was given, and never a proposal of its own body: that
 * is refused at assignment, and again when a sheet is written (review.c).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

struct assign_args {
	const char *proposal, *reviewer, *on;
};

static int programme_assign_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct assign_args *a = ctx;
	json_t *prop = NULL, *rev = NULL, *have = NULL;
	const char *rbody, *status;
	int rc;

	if ((rc = prog_check_id("proposal", a->proposal, err)) || (rc = prog_check_id("reviewer", a->reviewer, err)) ||
	    (rc = prog_check_day("on", a->on, err)))
		return rc;
	if ((rc = prog_select(st, "SELECT \"status\" FROM \"programme_proposals\" WHERE \"id\" = ?",
			      (const char *const[]){a->proposal}, 1, &prop, err)))
		goto done;
	if (!json_array_size(prop)) {
		rc = c2c_err_at(err, C2C_ENOTFOUND, "proposal", "no proposal '%s'", a->proposal);
		goto done;
	}
	status = json_string_value(json_object_get(json_array_get(prop, 0), "status"));
	if (strcmp(status, "submitted")) {
		/* one format per state: each has its Japanese */
		if (!strcmp(status, "selected"))
			rc = c2c_err_at(err, C2C_ECONFLICT, "proposal", "proposal %s is selected already: it takes no reviewer",
					a->proposal);
		else if (!strcmp(status, "rejected"))
			rc = c2c_err_at(err, C2C_ECONFLICT, "proposal", "proposal %s is rejected already: it takes no reviewer",
					a->proposal);
		else
			rc = c2c_err_at(err, C2C_ECONFLICT, "proposal", "proposal %s is %s already: it takes no reviewer",
					a->proposal, status);
		goto done;
	}
	if ((rc = programme_reviewer_get(st, a->reviewer, &rev, err)))
		goto done;
	rbody = json_string_value(json_object_get(rev, "body_id"));
	if (rbody && (rc = programme_proposal_has_body(st, a->proposal, rbody, err))) {
		if (rc > 0)
			rc = c2c_err_at(err, C2C_ECONFLICT, "reviewer",
					"%s belongs to %s, a body of proposal %s: a reviewer cannot review a "
					"proposal of their own body", a->reviewer, rbody, a->proposal);
		goto done;
	}
	if ((rc = programme_is_assigned(st, a->proposal, a->reviewer, err))) {
		if (rc > 0)
			rc = c2c_err_at(err, C2C_ECONFLICT, "reviewer", "proposal %s is assigned to %s already",
					a->proposal, a->reviewer);
		goto done;
	}
	rc = prog_exec(st, "INSERT INTO \"programme_assignments\" (\"proposal_id\", \"reviewer_id\", \"assigned_on\")"
		       " VALUES (?, ?, ?)", (const char *const[]){a->proposal, a->reviewer, a->on}, 3, err);
done:
	json_decref(prop);
	json_decref(rev);
	json_decref(have);
	return rc;
}

int programme_assign(struct store *st, const char *proposal, const char *reviewer, const char *on,
		     struct c2c_err *err)
{
	struct assign_args a = {proposal, reviewer, on};
	return store_tx(st, NULL, programme_assign_tx, &a, err);
}

int programme_is_assigned(struct store *st, const char *proposal, const char *reviewer,
			  struct c2c_err *err)
{
	json_t *rows;
	int rc = prog_select(st, "SELECT 1 AS \"x\" FROM \"programme_assignments\" WHERE \"proposal_id\" = ?"
			     " AND \"reviewer_id\" = ?", (const char *const[]){proposal, reviewer}, 2, &rows, err);
	if (rc)
		return rc;
	rc = json_array_size(rows) > 0;
	json_decref(rows);
	return rc;
}

int programme_assigned(struct store *st, const char *reviewer, json_t **out, struct c2c_err *err)
{
	json_t *ids = NULL, *arr, *row, *rv = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = programme_reviewer_get(st, reviewer, &rv, err)))
		return rc;
	json_decref(rv);
	if ((rc = prog_select(st, "SELECT \"proposal_id\", \"assigned_on\" FROM \"programme_assignments\""
			      " WHERE \"reviewer_id\" = ? ORDER BY \"proposal_id\"", (const char *const[]){reviewer}, 1,
			      &ids, err)))
		return rc;
	arr = json_array();
	json_array_foreach(ids, i, row) {
		const char *pid = json_string_value(json_object_get(row, "proposal_id"));
		json_t *one = NULL, *call = NULL, *sheet = NULL, *p, *s, *rd = NULL;
		size_t k;
		const char *rid;
		if ((rc = programme_proposals(st, NULL, NULL, pid, &one, err)))
			break;
		p = json_incref(json_array_get(one, 0));
		json_decref(one);
		json_object_set(p, "assigned_on", json_object_get(row, "assigned_on"));
		if ((rc = programme_calls(st, json_string_value(json_object_get(p, "call_id")), &call, err)) ||
		    (rc = prog_select(st, "SELECT \"criterion_id\", \"points\" FROM \"programme_scores\""
				      " WHERE \"proposal_id\" = ? AND \"reviewer_id\" = ?",
				      (const char *const[]){pid, reviewer}, 2, &sheet, err))) {
			json_decref(p), json_decref(call);
			break;
		}
		json_object_set(p, "criteria", json_object_get(json_array_get(call, 0), "criteria"));
		json_object_set(p, "call_title_ja", json_object_get(json_array_get(call, 0), "title_ja"));
		json_object_set(p, "call_title_en", json_object_get(json_array_get(call, 0), "title_en"));
		json_decref(call);
		{
			json_t *mine = json_array_size(sheet) ? json_object() : json_null();
			json_array_foreach(sheet, k, s)
				json_object_set(mine, json_string_value(json_object_get(s, "criterion_id")),
						json_object_get(s, "points"));
			json_object_set_new(p, "my_sheet", mine);
		}
		json_decref(sheet);
		rid = json_string_value(json_object_get(p, "readiness_id"));
		if (rid && (rc = programme_readiness_saved(st, NULL, rid, &rd, err))) {
			json_decref(p);
			break;
		}
		json_object_set_new(p, "readiness", rid ? json_incref(json_array_get(rd, 0)) : json_null());
		json_decref(rd);
		json_array_append_new(arr, p);
	}
	json_decref(ids);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
