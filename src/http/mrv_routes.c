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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
/* The project and its audit row, one transaction (mrv_project_add's own
 * runs inside http_write_tx's: store_tx joins an open one). */
struct project_add {
	const struct mrv_project_req *r;
	char *id;
	size_t len;
};

static int project_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct project_add *a = ctx;
	return mrv_project_add(st, a->r, a->id, a->len, err);
}

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
	{
		struct project_add a = {&r, id, sizeof(id)};
		if ((rc = http_write_tx(rq, project_add_tx, &a, err)))
			return rc;
	}
	return mrv_project_get(rq->st, id, out, err);
}

/* Where the monitoring file lies on the server's disk is for those who
 * verify, not for the public: the one way a public report differs from
 * the CLI's (its result names the file too). */
static void hide_path(const struct http_request *rq, json_t *report)
{
	if (rq->user.role != AUTH_ADMIN && rq->user.role != AUTH_OFFICE && rq->user.role != AUTH_VERIFIER) {
		json_object_del(report, "data_path");
		json_object_del(json_object_get(json_object_get(report, "result"), "data"), "file");
		json_object_del(json_object_get(json_object_get(report, "result"), "sheet"), "file");
	}
}

/* ---- a report submitted over HTTP, its file streamed (server.c spools it) */

/* The ingest's "NAME: row R, column C (COL): MESSAGE" as {row, column,
 * field, message}: a page puts each at its cell, and the spool file's
 * name, the server's own, is not shown. */
static json_t *row_error(const char *text)
{
	const char *at = strstr(text, ": row ");
	long long row = 0;
	int column = 0, used = 0;
	char col[32] = "";
	json_t *e = json_object();

	if (at && sscanf(at, ": row %lld, column %d (%31[^)]): %n", &row, &column, col, &used) >= 3 && used) {
		json_object_set_new(e, "row", json_integer(row));
		json_object_set_new(e, "column", json_integer(column));
		json_object_set_new(e, "field", json_string(col));
		json_object_set_new(e, "message", json_string(at + used));
	} else if (at && sscanf(at, ": row %lld: %n", &row, &used) >= 1 && used) {
		json_object_set_new(e, "row", json_integer(row));
		json_object_set_new(e, "message", json_string(at + used));
	} else {
		json_object_set_new(e, "message", json_string(at ? at + 2 : text));
	}
	return e;
}

/* Every error of the file, and the first as the reply's message. */
static int file_errors(struct http_request *rq, json_t *errors, int rc, struct c2c_err *err)
{
	size_t i, n = json_array_size(errors);
	json_t *e;
	if (!n)
		return rc;
	rq->errors = json_array();
	json_array_foreach(errors, i, e)
		json_array_append_new(rq->errors, row_error(json_string_value(e)));
	e = json_array_get(rq->errors, 0);
	/* three formats, not "row %lld, column " glued: each has its Japanese */
	if (json_object_get(e, "row") && json_object_get(e, "field"))
		c2c_err_at(err, rc, "data", "%zu error%s in the monitoring file, nothing stored; the first: row %lld, column %s: %s",
			   n, n == 1 ? "" : "s", (long long)json_integer_value(json_object_get(e, "row")),
			   json_string_value(json_object_get(e, "field")), json_string_value(json_object_get(e, "message")));
	else if (json_object_get(e, "row"))
		c2c_err_at(err, rc, "data", "%zu error%s in the monitoring file, nothing stored; the first: row %lld: %s", n,
			   n == 1 ? "" : "s", (long long)json_integer_value(json_object_get(e, "row")),
			   json_string_value(json_object_get(e, "message")));
	else
		c2c_err_at(err, rc, "data", "%zu error%s in the monitoring file, nothing stored; the first: %s", n,
			   n == 1 ? "" : "s", json_string_value(json_object_get(e, "message")));
	return rc;
}

/* The report's audit row, in the report's own transaction. */
static int noop_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	(void)st;
	(void)ctx;
	(void)err;
	return 0;
}

static int audit_in_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	(void)st;
	return http_write_tx(ctx, noop_tx, NULL, err);
}

/* A kept file's name: the spool file moved to "report-XXXXXX.csv" (or
 * .xlsx, a Monitoring Report Sheet) beside it (the same directory, so
 * rename cannot cross a file system). */
static int keep_upload(const char *spool, const char *ext, char *kept, size_t len, struct c2c_err *err)
{
	const char *slash = strrchr(spool, '/');
	int fd;
	snprintf(kept, len, "%.*sreport-XXXXXX.%s", slash ? (int)(slash - spool + 1) : 0, spool, ext);
	if ((fd = mkstemps(kept, (int)strlen(ext) + 1)) < 0)
		return c2c_err_set(err, C2C_EIO, "cannot keep the monitoring file: %s", strerror(errno));
	close(fd);
	if (rename(spool, kept)) {
		int e = errno;
		unlink(kept);
		return c2c_err_set(err, C2C_EIO, "cannot keep the monitoring file: %s", strerror(e));
	}
	return 0;
}

/* The query names the project and the period (as `c2c mrv report submit`'s
 * options), the body is the file.  With check=1 the result is computed
 * and answered, nothing stored (the page shows it before the participant
 * submits).  A kept file stays where the server put it: the report names
 * it and a verifier recomputes from it. */
/* ?values=HEAT=1000 GJ;FC=20000 Nm3: the monitored values given for the
 * period (malloc'ed in *g), as `--value` gives them on the command line. */
#define MRV_VALUES_MAX 256
static int given_values(const char *text, struct mrv_given_value **g, size_t *n, struct c2c_err *err)
{
	char one[256];
	*g = NULL;
	*n = 0;
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, ";");
		struct mrv_given_value *ng;
		int rc;
		if (len >= sizeof(one) || *n == MRV_VALUES_MAX) {
			free(*g);
			*g = NULL;
			*n = 0;
			return c2c_err_at(err, C2C_EUSAGE, "values", "values: at most %d, each shorter than %zu characters",
					  MRV_VALUES_MAX, sizeof(one));
		}
		if (len) {
			memcpy(one, p, len);
			one[len] = '\0';
			if (!(ng = realloc(*g, (*n + 1) * sizeof(*ng)))) {
				free(*g);
				*g = NULL;
				*n = 0;
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
			}
			*g = ng;
			if ((rc = mrv_given_parse(one, &ng[*n], err))) {
				free(*g);
				*g = NULL;
				*n = 0;
				return rc;
			}
			(*n)++;
		}
		p += len + (p[len] == ';');
	}
	return 0;
}

int http_post_mrv_report(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct mrv_submit_req r = {0};
	struct mrv_given_value *given = NULL;
	char id[MRV_PROJECT_ID_MAX], host[3], kept[4096 + 32];
	json_t *errors = NULL, *result = NULL;
	int64_t report = 0;
	int rc;

	if (!rq->cred || !rq->cred->upload)
		return c2c_err_at(err, C2C_EUSAGE, "data", "send the monitoring file (CSV meter_id,timestamp,value) "
				  "as the request body");
	if ((rc = mrv_project_find(rq->st, http_param_str(rq, "project"), id, host, err))) {
		if (rc == C2C_ENOTFOUND)
			c2c_err_field(err, "project");
		return rc;
	}
	if ((rc = http_require_scope(rq, "project", id, err)))
		return rc;
	r.project = id;
	r.from = http_param_str(rq, "from");
	r.to = http_param_str(rq, "to");
	r.unit = http_param_str(rq, "unit");
	r.cumulative = (int)http_param_int(rq, "cumulative", 0);
	r.check = (int)http_param_int(rq, "check", 0);
	r.max_errors = 100;
	r.user = rq->user.name;
	r.errors = &errors;
	r.data = rq->cred->upload;
	if (http_param_int(rq, "sheet", 0)) {
		if (http_param_str(rq, "values") || r.unit || r.cumulative)
			return c2c_err_at(err, C2C_EUSAGE, "sheet", "a filled Monitoring Report Sheet gives every monitored "
					  "value: no values, unit or cumulative with sheet=1");
		r.sheet = r.data;
		r.data = NULL;
	}
	if ((rc = given_values(http_param_str(rq, "values"), &given, &r.ngiven, err)))
		return rc;
	r.given = given;
	if (!r.check) {
		if ((rc = keep_upload(rq->cred->upload, r.sheet ? "xlsx" : "csv", kept, sizeof(kept), err))) {
			free(given);
			return rc;
		}
		if (r.sheet)
			r.sheet = kept;
		else
			r.data = kept;
		r.also = audit_in_tx;
		r.also_ctx = rq;
	}
	rc = mrv_report_submit(rq->st, &r, &report, &result, err);
	free(given);
	if (rc && !r.check)
		unlink(kept);
	if (rc) {
		rc = file_errors(rq, errors, rc, err);
		json_decref(errors);
		return rc;
	}
	json_decref(errors);
	json_object_del(json_object_get(result, "data"), "file");
	json_object_del(json_object_get(result, "sheet"), "file");
	if (r.check) {
		rq->audited = 1; /* nothing was written: no row in the log of writes */
		*out = json_pack("{s:s, s:s, s:s, s:o}", "project", id, "period_from", r.from, "period_to", r.to,
				 "result", result);
		return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	json_decref(result);
	if ((rc = mrv_report_get(rq->st, report, out, err)))
		return rc;
	hide_path(rq, *out);
	return 0;
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

/* The report as a JCM Monitoring Spreadsheet; ?format=xlsx is the workbook
 * (the router writes the record's tables as its sheets). */
int http_get_mrv_report_sheet(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	int64_t id;
	int rc;
	if ((rc = report_id(rq, &id, err)))
		return rc;
	return mrv_report_sheet(rq->st, id, out, err);
}

/* What a verifier compares before deciding: the report recomputed. */
int http_get_mrv_recomputation(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	int64_t id;
	int rc;
	if ((rc = report_id(rq, &id, err)))
		return rc;
	return mrv_report_recompute(rq->st, id, out, err);
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
				    NULL, audit_in_tx, rq, err)))
		return rc;
	return mrv_report_get(st, id, out, err);
}
