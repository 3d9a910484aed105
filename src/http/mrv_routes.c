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
