/*
 * link.c - the MRV project as part of the atlas project's life.  The atlas
 * project is the identity every module refers to (DESIGN "One project, one
 * identity"); an MRV project is linked to one and carries the Joint
 * Committee's reference as an attribute.  Other modules (the registry,
 * `projects show`, the city's scenarios) find a project and its reports
 * through these functions, never mrv's tables.
 */
#include "mrv.h"

#include <stdio.h>
#include <string.h>

int mrv_project_life(struct store *st, const char *atlas_project, json_t **out, struct c2c_err *err)
{
	json_t *p, *reports;
	int rc;

	*out = NULL;
	if ((rc = mrv_migrate(st, err)))
		return rc;
	rc = store_row_json(st,
			    "SELECT \"id\" AS \"project\", \"jcm_ref\", \"methodology\", \"host_country\""
			    " FROM \"mrv_project\" WHERE \"atlas_project\" = ?",
			    STORE_ARGS(store_text(atlas_project)), NULL, "MRV project", &p, err);
	if (rc == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		*out = json_null();
		return 0;
	}
	if (rc)
		return rc;
	if ((rc = store_rows_json(st,
				  "SELECT \"id\", \"period_from\" AS \"period_start\", \"period_to\" AS \"period_end\","
				  " \"status\", \"er_tco2e\" AS \"er_t\" FROM \"mrv_report\" WHERE \"project\" = ?"
				  " ORDER BY \"period_from\", \"id\"",
				  STORE_ARGS(store_text(json_string_value(json_object_get(p, "project")))), NULL,
				  &reports, err))) {
		json_decref(p);
		return rc;
	}
	json_object_set_new(p, "reports", reports);
	*out = p;
	return 0;
}

int mrv_project_find(struct store *st, const char *ref, char *id, char host[3], struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	if (!ref || !*ref)
		return c2c_err_at(err, C2C_EUSAGE, "project", "name the project: its atlas project id, or its "
				  "JCM reference");
	if ((rc = mrv_migrate(st, err)))
		return rc;
	/* its id first: a JCM reference that is some project's id (the form
	 * from before the link) names that project */
	if ((rc = store_prepare(st, "SELECT \"id\", \"host_country\" FROM \"mrv_project\" WHERE \"id\" = ? OR"
				" \"jcm_ref\" = ? ORDER BY CASE WHEN \"id\" = ? THEN 0 ELSE 1 END", &s, err)))
		return rc;
	store_bind_text(s, 1, ref);
	store_bind_text(s, 2, ref);
	store_bind_text(s, 3, ref);
	if ((rc = store_step(s, err)) == 1) {
		snprintf(id, MRV_PROJECT_ID_MAX, "%s", store_col_text(s, 0));
		snprintf(host, 3, "%s", store_col_text(s, 1));
		rc = 0;
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "project %s does not exist (c2c mrv project add)", ref);
	}
	store_finalize(s);
	return rc;
}
