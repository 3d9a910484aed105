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
