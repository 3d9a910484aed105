/*
 * mrv_routes.c - JCM MRV over HTTP: the methodologies (public, as the JCM
 * publishes them), the projects and their monitoring reports, and the one
 * write a verifier makes: approve or reject a report.  The same mrv/ calls
 * as `c2c mrv methodologies|show|project list|report list|show|verify`.
 *
 * Verification recomputes the report from its monitoring file, as the CLI
 * does: the server must be able to read the file at the path the report
 * was submitted with, and approving is refused when the file changed.
 */
#include "router.h"
#include "mrv/mrv.h"

#include <stdlib.h>
#include <string.h>

int http_get_mrv_methodologies(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	size_t n;
	const struct mrv_methodology *m = mrv_methodologies(&n);
	(void)rq;
	*out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*out, mrv_methodology_json(&m[i], 0));
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_mrv_methodology(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const struct mrv_methodology *m = mrv_methodology_find(rq->id);
	if (!m)
		return c2c_err_set(err, C2C_ENOTFOUND, "methodology '%s' is not known "
						       "(GET /api/v1/mrv/methodologies lists them)", rq->id);
	*out = mrv_methodology_json(m, 1);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_mrv_projects(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return mrv_projects(rq->st, out, err);
}

/* {"atlas_project", "methodology", "jcm_ref", "host", "params": {SYMBOL:
 * "VALUE"}, "title", "participants"}, as `c2c mrv project add
 * --atlas-project`; the reply is the project as GET /api/v1/mrv/projects
 * lists it.  Per-unit values stay with the CLI's --units file. */
int http_post_mrv_project(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct mrv_param_value pv[MRV_MAX_PARAMS];
	struct mrv_project_req r = {0};
	json_t *params = NULL, *v;
	const char *k;
	char id[MRV_PROJECT_ID_MAX];
	size_t n = 0;
	int rc;

	r.atlas_project = http_body_str(rq, "atlas_project");
	r.methodology = http_body_str(rq, "methodology");
	r.jcm_ref = http_body_str(rq, "jcm_ref");
	r.host_country = http_body_str(rq, "host");
	r.title = http_body_str(rq, "title");
	r.participants = http_body_str(rq, "participants");
	if ((rc = http_require_scope(rq, "project", r.atlas_project, err)))
		return rc;
	if (json_object_get(rq->body, "params") &&
	    (rc = http_body_map(rq, "params", MRV_MAX_PARAMS, "{\"SYMBOL\": \"VALUE\"}", &params, err)))
		return rc;
	json_object_foreach(params, k, v) {
		if (!json_is_string(v))
			return c2c_err_at(err, C2C_EUSAGE, "params", "params.%s: give the value as text, e.g. \"0.533\"",
					  k);
		pv[n].symbol = k;
		pv[n++].value = json_string_value(v);
	}
	r.params = pv;
	r.nparams = n;
	if ((rc = mrv_project_add(rq->st, &r, id, sizeof(id), err)))
		return rc;
	return mrv_project_get(rq->st, id, out, err);
}

/* Where the monitoring file lies on the server's disk is for those who
 * verify, not for the public: the one way a public report differs from
 * the CLI's. */
static void hide_path(const struct http_request *rq, json_t *report)
{
	if (rq->user.role != AUTH_ADMIN && rq->user.role != AUTH_OFFICE && rq->user.role != AUTH_VERIFIER)
		json_object_del(report, "data_path");
}

int http_get_mrv_reports(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	json_t *r;
	size_t i;
	int rc;
	if ((rc = mrv_reports(rq->st, http_param_str(rq, "project"), out, err)))
		return rc;
	json_array_foreach(*out, i, r)
		hide_path(rq, r);
	return 0;
}

/* The report number of the path: digits only. */
static int report_id(const struct http_request *rq, int64_t *id, struct c2c_err *err)
{
	char *end;
	long long v = strtoll(rq->id, &end, 10);
	if (*end || v <= 0 || rq->id[0] < '0' || rq->id[0] > '9')
		return c2c_err_set(err, C2C_ENOTFOUND, "no report '%.64s': reports are numbered 1, 2, ...",
				   rq->id);
	*id = v;
	return 0;
}

int http_get_mrv_report(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	int64_t id;
	int rc;
	if ((rc = report_id(rq, &id, err)) || (rc = mrv_report_get(rq->st, id, out, err)))
		return rc;
	hide_path(rq, *out);
	return 0;
}

/* {"decision": "approve"|"reject", "comment"}; the reply is the report as
 * GET /api/v1/mrv/reports/{id} (and `c2c mrv report show`) gives it. */
int http_post_mrv_verification(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct store *st = rq->st;
	int64_t id;
	int rc, approve;

	if ((rc = http_body_choice(rq, "decision", "approve", "reject", &approve, err)) ||
	    (rc = report_id(rq, &id, err)) ||
	    (rc = mrv_report_verify(st, id, approve, http_body_str(rq, "comment"), rq->user.name, NULL,
				    NULL, err)))
		return rc;
	return mrv_report_get(st, id, out, err);
}
