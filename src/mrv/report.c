/*
 * report.c - JCM projects and their monitoring reports: what a project
 * fixes ex ante, what a participant submits (the computed result, the data
 * file's SHA-256 and counts, never a copy of its rows), and what the
 * verifier decides.  Approval recomputes from the file and is refused when
 * the file or the result is not what was submitted, so an approved report
 * is one whose figures anyone can reproduce: the registry issues from it.
 *
 * Every write is one transaction; SQL is written so PostgreSQL accepts it.
 */
#include "mrv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/date.h"
#include "atlas/atlas.h"
#include "core/iso3166.h"
#include "core/utf8.h"

/* Caps in characters: a project's title is one line, a verifier's comment
 * an opinion of a few paragraphs. */
#define MRV_TITLE_MAX 300
#define MRV_COMMENT_MAX 4000

static const char mrv_v1[] =
	"CREATE TABLE \"mrv_project\" ("
	" \"id\" TEXT PRIMARY KEY,"
	" \"title\" TEXT NOT NULL,"
	" \"host_country\" TEXT NOT NULL,"
	" \"methodology\" TEXT NOT NULL,"
	" \"params\" TEXT NOT NULL,"
	" \"participants\" TEXT NOT NULL,"
	" \"created_at\" TEXT NOT NULL);"
	"CREATE TABLE \"mrv_report\" ("
	" \"id\" BIGINT PRIMARY KEY,"
	" \"project\" TEXT NOT NULL REFERENCES \"mrv_project\" (\"id\"),"
	" \"period_from\" TEXT NOT NULL,"
	" \"period_to\" TEXT NOT NULL,"
	" \"data_path\" TEXT NOT NULL,"
	" \"data_sha256\" TEXT NOT NULL,"
	" \"data_bytes\" BIGINT NOT NULL,"
	" \"rows\" BIGINT NOT NULL,"
	" \"rows_in_period\" BIGINT NOT NULL,"
	" \"rows_skipped\" BIGINT NOT NULL,"
	" \"meters\" BIGINT NOT NULL,"
	" \"unit\" TEXT,"
	" \"cumulative\" INTEGER NOT NULL,"
	" \"meters_path\" TEXT,"
	" \"re_micro\" BIGINT NOT NULL,"
	" \"pe_micro\" BIGINT NOT NULL,"
	" \"er_micro\" BIGINT NOT NULL,"
	" \"er_tco2e\" BIGINT NOT NULL,"
	" \"result\" TEXT NOT NULL,"
	" \"status\" TEXT NOT NULL CHECK (\"status\" IN ('submitted', 'approved', 'rejected')),"
	" \"submitted_by\" TEXT NOT NULL,"
	" \"submitted_at\" TEXT NOT NULL,"
	" \"verified_by\" TEXT,"
	" \"verified_at\" TEXT,"
	" \"comment\" TEXT);"
	"CREATE INDEX \"mrv_report_project\" ON \"mrv_report\" (\"project\");";

/* Per-unit values fixed ex ante: one row per unit (meter) and parameter,
 * kept beside the project-wide values of "mrv_project"."params". */
static const char mrv_v2[] =
	"CREATE TABLE \"mrv_project_unit\" ("
	" \"project\" TEXT NOT NULL REFERENCES \"mrv_project\" (\"id\"),"
	" \"meter_id\" TEXT NOT NULL,"
	" \"symbol\" TEXT NOT NULL,"
	" \"value\" TEXT NOT NULL,"
	" PRIMARY KEY (\"project\", \"meter_id\", \"symbol\"));";

/* The MRV project linked to the atlas project it monitors (the identity
 * every module refers to), and the Joint Committee's reference number as
 * an attribute.  A project made before the link has neither (NULL); one
 * atlas project has at most one MRV project, a JCM reference names one. */
static const char mrv_v3[] =
	"ALTER TABLE \"mrv_project\" ADD COLUMN \"atlas_project\" TEXT;"
	"ALTER TABLE \"mrv_project\" ADD COLUMN \"jcm_ref\" TEXT;"
	"CREATE UNIQUE INDEX \"mrv_project_atlas\" ON \"mrv_project\" (\"atlas_project\");"
	"CREATE UNIQUE INDEX \"mrv_project_jcm_ref\" ON \"mrv_project\" (\"jcm_ref\");";

/* The monitored values a report gives for the period beside its data file
 * (`--value FC=20000 Nm3`, a Monitoring Report Sheet's cells), as JSON:
 * approval recomputes with them.  NULL: none.  data_format: 'xlsx' when the
 * report's file is a filled Monitoring Report Sheet, NULL for the CSV. */
static const char mrv_v4[] =
	"ALTER TABLE \"mrv_report\" ADD COLUMN \"monitored_values\" TEXT;"
	"ALTER TABLE \"mrv_report\" ADD COLUMN \"data_format\" TEXT;";

STORE_MIGRATE_FN(mrv_migrate, "mrv", {1, "mrv projects and reports", mrv_v1},
		 {2, "mrv per-unit parameter values", mrv_v2},
		 {3, "mrv project linked to its atlas project, JCM reference", mrv_v3},
		 {4, "mrv monitored values given with a report", mrv_v4})


/* "KH003": two upper-case letters and three or more digits, as the registry
 * numbers JCM projects. */
static int project_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n < 5 || n > 12 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z')
		return 0;
	for (size_t i = 2; i < n; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	return 1;
}

/* The project's ex-ante values checked against its methodology: every
 * non-monitored parameter given or defaulted, each a decimal; a per-unit
 * parameter may instead have values per unit only (units, checked and
 * sorted), and then each meter of a report's data must have its own. */
static int check_params(const struct mrv_methodology *m, const struct mrv_param_value *pv, size_t n,
			const struct mrv_unit_value *units, size_t nunits, json_t *out, struct c2c_err *err)
{
	for (size_t k = 0; k < n; k++) {
		const struct mrv_param *p = NULL;
		int64_t v;
		for (size_t i = 0; i < m->nparams; i++)
			if (!strcasecmp(pv[k].symbol, m->params[i].symbol))
				p = &m->params[i];
		if (!p)
			return c2c_err_at(err, C2C_EUSAGE, "params", "%s: %s has no such parameter", pv[k].symbol, m->id);
		if (p->monitored)
			return c2c_err_at(err, C2C_EUSAGE, "params", "%s: %s is monitored; it comes from the "
					   "report's data, not from the project", pv[k].symbol, p->symbol);
		if (mrv_parse_micro(pv[k].value, strlen(pv[k].value), 1, &v) || v <= 0)
			return c2c_err_at(err, C2C_EUSAGE, "params", "%s=%s: not a positive decimal with at most 6 "
					   "decimals", pv[k].symbol, pv[k].value);
		json_object_set_new(out, p->symbol, json_string(pv[k].value));
	}
	for (size_t i = 0; i < m->nparams; i++) {
		const struct mrv_param *p = &m->params[i];
		int per_unit_only = 0;
		for (size_t k = 0; k < nunits && !per_unit_only; k++)
			per_unit_only = !strcmp(units[k].symbol, p->symbol);
		if (!p->monitored && !p->default_value && !json_object_get(out, p->symbol) && !per_unit_only) {
			c2c_err_at(err, C2C_EUSAGE, "params", "parameter %s is required: %s fixes %s (%s, %s) ex ante",
				    p->symbol, m->id, p->symbol, p->description, p->unit);
			if (p->per_unit)
				c2c_err_detail(err, "or one value per unit: --param %s@METER=VALUE, or a --units file",
					       p->symbol);
			c2c_err_hint(err, "source: %s", p->source);
			return C2C_EUSAGE;
		}
	}
	return 0;
}

struct project_add {
	const struct mrv_project_req *r;
	const struct mrv_unit_value *uv;
	const char *id, *host, *jcm_ref, *ptext, *at;
};

/* The project's own id, the atlas project and the JCM reference are each
 * one project's: the second one is refused naming the first. */
static int project_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	const struct project_add *a = ctx;
	const struct mrv_project_req *r = a->r;
	json_t *row;
	int rc;

	rc = store_row_json(st, "SELECT \"id\", \"atlas_project\", \"jcm_ref\" FROM \"mrv_project\""
			    " WHERE \"id\" = ? OR \"atlas_project\" = ? OR \"jcm_ref\" = ?",
			    STORE_ARGS(store_text(a->id), store_text(a->id), store_text(a->jcm_ref)), NULL,
			    "MRV project", &row, err);
	if (rc == 0) {
		const char *other = json_string_value(json_object_get(row, "id"));
		const char *ref = json_string_value(json_object_get(row, "jcm_ref"));
		if (a->jcm_ref && ref && !strcmp(ref, a->jcm_ref) && strcmp(other, a->id))
			rc = c2c_err_at(err, C2C_ECONFLICT, "jcm_ref", "JCM reference %s is MRV project %s's already",
					a->jcm_ref, other);
		else if (r->atlas_project)
			rc = c2c_err_at(err, C2C_ECONFLICT, "atlas_project",
					"atlas project %s has its MRV project already (%s)", r->atlas_project, other);
		else
			rc = c2c_err_set(err, C2C_ECONFLICT, "project %s exists already", a->id);
		json_decref(row);
		return rc;
	}
	if (rc != C2C_ENOTFOUND)
		return rc;
	c2c_err_clear(err);
	if ((rc = store_exec_args(st, "INSERT INTO \"mrv_project\" (\"id\", \"title\", \"host_country\", \"methodology\","
				  " \"params\", \"participants\", \"created_at\", \"atlas_project\", \"jcm_ref\")"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  STORE_ARGS(store_text(a->id), store_text(r->title ? r->title : ""),
					     store_text(a->host), store_text(r->methodology), store_text(a->ptext),
					     store_text(r->participants ? r->participants : ""), store_text(a->at),
					     store_text(r->atlas_project), store_text(a->jcm_ref)),
				  err)))
		return rc;
	for (size_t k = 0; k < r->nunits; k++)
		if ((rc = store_exec_args(st, "INSERT INTO \"mrv_project_unit\" (\"project\", \"meter_id\", \"symbol\","
					  " \"value\") VALUES (?, ?, ?, ?)",
					  STORE_ARGS(store_text(a->id), store_text(a->uv[k].meter_id),
						     store_text(a->uv[k].symbol), store_text(a->uv[k].value)), err)))
			return rc;
	return 0;
}

/* Who the project is: the atlas project it is linked to (its id and its
 * country), or, in the form from before the link, the JCM reference and
 * the host country given.  A JCM reference starts with the host country. */
static int project_identity(struct store *st, const struct mrv_project_req *r, struct project_add *a,
			    char *host, struct c2c_err *err)
{
	if (r->atlas_project) {
		json_t *pj;
		int rc;
		if (r->id)
			return c2c_err_at(err, C2C_EUSAGE, "id", "give --atlas-project or --id, not both: a project "
					  "linked to the atlas is named by the atlas project id (%s); its JCM "
					  "reference goes in --jcm-ref", r->atlas_project);
		if ((rc = atlas_project_get(st, r->atlas_project, &pj, err))) {
			if (rc == C2C_ENOTFOUND)
				c2c_err_at(err, C2C_ENOTFOUND, "atlas_project", "no atlas project '%s' (c2c projects "
					   "lists them)", r->atlas_project);
			return rc;
		}
		snprintf(host, 3, "%s", json_string_value(json_object_get(pj, "country")) ?
			 json_string_value(json_object_get(pj, "country")) : "");
		json_decref(pj);
		if (r->host_country && strcmp(r->host_country, host))
			return c2c_err_at(err, C2C_EUSAGE, "host_country", "host country %s is not atlas project %s's "
					  "country %s: the host is the country where the project is",
					  r->host_country, r->atlas_project, host);
		a->id = r->atlas_project;
		a->jcm_ref = r->jcm_ref;
	} else {
		if (!r->id || !project_id_ok(r->id))
			return c2c_err_at(err, C2C_EUSAGE, "id", "'%s' is not a JCM project reference like KH003",
					  r->id ? r->id : "");
		if (!r->host_country || !iso3166_is_code(r->host_country))
			return c2c_err_at(err, C2C_EUSAGE, "host_country",
					  "'%s' is not an ISO 3166-1 alpha-2 country code",
					  r->host_country ? r->host_country : "");
		if (r->jcm_ref && strcmp(r->jcm_ref, r->id))
			return c2c_err_at(err, C2C_EUSAGE, "jcm_ref", "--jcm-ref %s goes with --atlas-project; "
					  "without it the project's id %s is its JCM reference", r->jcm_ref, r->id);
		snprintf(host, 3, "%s", r->host_country);
		a->id = r->id;
		a->jcm_ref = r->id;
	}
	a->host = host;
	if (a->jcm_ref && !project_id_ok(a->jcm_ref))
		return c2c_err_at(err, C2C_EUSAGE, "jcm_ref", "'%s' is not a JCM project reference like KH003",
				  a->jcm_ref);
	if (a->jcm_ref && strncmp(a->jcm_ref, host, 2))
		return c2c_err_at(err, C2C_EUSAGE, r->atlas_project ? "jcm_ref" : "id",
				  "project %s: its reference must start with the host country %s", a->jcm_ref, host);
	return 0;
}

int mrv_project_add(struct store *st, const struct mrv_project_req *r, char *id, size_t idlen,
		    struct c2c_err *err)
{
	const struct mrv_methodology *m;
	json_t *params = json_object();
	struct mrv_unit_value *uv = NULL;
	struct project_add pa = {.r = r};
	char *ptext = NULL, at[32], host[3];
	int rc;

	if ((rc = mrv_migrate(st, err)) || (rc = project_identity(st, r, &pa, host, err)))
		;
	else if ((rc = utf8_text_field(r->title, MRV_TITLE_MAX, 0, "title", "the title", err)))
		;
	else if (!r->methodology || !(m = mrv_methodology_find(r->methodology)))
		rc = c2c_err_set(err, C2C_ENOTFOUND, "methodology '%s' is not known (c2c mrv methodologies)",
				 r->methodology ? r->methodology : "");
	else if (r->nunits && !(uv = malloc(r->nunits * sizeof(*uv))))
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
	else {
		if (r->nunits)
			memcpy(uv, r->units, r->nunits * sizeof(*uv));
		if (!(rc = mrv_units_check(m, uv, r->nunits, err)))
			rc = check_params(m, r->params, r->nparams, uv, r->nunits, params, err);
	}
	if (rc)
		goto out;
	ptext = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	date_now_iso(at, sizeof(at), 0);
	pa.uv = uv;
	pa.ptext = ptext;
	pa.at = at;
	if (!(rc = store_tx(st, NULL, project_add_tx, &pa, err)) && id)
		snprintf(id, idlen, "%s", pa.id);
out:
	free(uv);
	free(ptext);
	json_decref(params);
	return rc;
}

/* The columns of mrv's tables that hold JSON documents as text. */
#define MRV_JSON_COLS "params,result,monitored_values"


struct project_row {
	char methodology[32];
	char host[3];
	json_t *params;
	struct mrv_unit_value *units; /* malloc'ed */
	size_t nunits;
};

static void project_row_release(struct project_row *p)
{
	json_decref(p->params);
	free(p->units);
	p->params = NULL;
	p->units = NULL;
}

static int cmp_unit_value(const void *a, const void *b)
{
	const struct mrv_unit_value *x = a, *y = b;
	int c = strcmp(x->meter_id, y->meter_id);
	return c ? c : strcmp(x->symbol, y->symbol);
}

/* The project's per-unit values in no order: whoever needs one sorts them
 * in C (strcmp), since an ORDER BY on text collates differently on
 * PostgreSQL than on SQLite. */
static int project_units(struct store *st, const char *id, struct mrv_unit_value **out, size_t *n,
			 struct c2c_err *err)
{
	struct store_stmt *s;
	struct mrv_unit_value *v = NULL;
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(st, "SELECT \"meter_id\", \"symbol\", \"value\" FROM \"mrv_project_unit\""
				" WHERE \"project\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, id);
	while ((rc = store_step(s, err)) == 1) {
		if (*n == cap) {
			struct mrv_unit_value *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*nv));
			if (!nv) {
				rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
				break;
			}
			v = nv;
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		snprintf(v[*n].meter_id, sizeof(v[*n].meter_id), "%s", store_col_text(s, 0));
		snprintf(v[*n].symbol, sizeof(v[*n].symbol), "%s", store_col_text(s, 1));
		snprintf(v[*n].value, sizeof(v[*n].value), "%s", store_col_text(s, 2));
		(*n)++;
	}
	store_finalize(s);
	if (rc < 0) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

/* Projects with their ex-ante values; a project with per-unit values also
 * gets "unit_params": {METER: {SYMBOL: VALUE}} (none: no key, as before). */
int mrv_projects(struct store *st, json_t **out, struct c2c_err *err)
{
	json_t *rows, *row;
	size_t i;
	int rc = store_rows_json(st, "SELECT \"id\", \"title\", \"host_country\", \"methodology\", \"params\","
				 " \"participants\", \"created_at\", \"atlas_project\", \"jcm_ref\""
				 " FROM \"mrv_project\" ORDER BY \"id\"", STORE_NOARGS,
				 MRV_JSON_COLS, &rows, err);
	if (rc)
		return rc;
	json_array_foreach(rows, i, row) {
		struct mrv_unit_value *v;
		size_t n;
		json_t *up;
		if ((rc = project_units(st, json_string_value(json_object_get(row, "id")), &v, &n, err))) {
			json_decref(rows);
			return rc;
		}
		if (!n) {
			free(v);
			continue;
		}
		qsort(v, n, sizeof(*v), cmp_unit_value);
		up = json_object();
		for (size_t k = 0; k < n; k++) {
			json_t *mo = json_object_get(up, v[k].meter_id);
			if (!mo)
				json_object_set_new(up, v[k].meter_id, mo = json_object());
			json_object_set_new(mo, v[k].symbol, json_string(v[k].value));
		}
		json_object_set_new(row, "unit_params", up);
		free(v);
	}
	*out = rows;
	return 0;
}

static int project_load(struct store *st, const char *id, struct project_row *p, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	memset(p, 0, sizeof(*p));
	if ((rc = store_prepare(st, "SELECT \"methodology\", \"params\", \"host_country\" FROM \"mrv_project\""
				" WHERE \"id\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, id);
	rc = store_step(s, err);
	if (rc == 1) {
		snprintf(p->methodology, sizeof(p->methodology), "%s", store_col_text(s, 0));
		p->params = json_loads(store_col_text(s, 1), 0, NULL);
		snprintf(p->host, sizeof(p->host), "%s", store_col_text(s, 2));
		rc = p->params ? 0 : c2c_err_set(err, C2C_EDB, "project %s: its stored parameters are not JSON", id);
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "project %s does not exist (c2c mrv project add)", id);
	}
	store_finalize(s);
	if (!rc)
		rc = project_units(st, id, &p->units, &p->nunits, err);
	if (rc)
		project_row_release(p);
	return rc;
}

/* The compute request of a project's report: its methodology and its
 * ex-ante values, the data and period given. */
static int project_request(const struct project_row *p, struct mrv_param_value *pv, size_t *npv,
			   struct mrv_compute_req *req, struct c2c_err *err)
{
	const char *k;
	json_t *v;
	*npv = 0;
	req->m = mrv_methodology_find(p->methodology);
	if (!req->m)
		return c2c_err_set(err, C2C_EDB, "methodology %s is no longer known", p->methodology);
	json_object_foreach(p->params, k, v) {
		if (*npv == MRV_MAX_PARAMS)
			break;
		pv[*npv].symbol = k;
		pv[*npv].value = json_string_value(v);
		(*npv)++;
	}
	req->params = pv;
	req->nparams = *npv;
	req->units = p->units;
	req->nunits = p->nunits;
	return 0;
}

struct report_insert {
	const struct mrv_submit_req *r;
	const char *project; /* the project's id, whichever way the user named it */
	const struct mrv_result *res;
	json_t *rj;
	const char *abs, *mabs, *at;
	int64_t *id;
	const struct mrv_given_value *given; /* the values given, or the sheet's */
	size_t ngiven;
};

static int report_insert_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct report_insert *a = ctx;
	const struct mrv_submit_req *r = a->r;
	const struct mrv_result *res = a->res;
	char *rtext, *vtext = NULL;
	int rc;

	*a->id = store_query_int(st, "SELECT COALESCE(MAX(\"id\"), 0) + 1 FROM \"mrv_report\"", err);
	if (*a->id < 0)
		return err->code ? err->code : C2C_EDB;
	json_object_set_new(a->rj, "report", json_integer(*a->id));
	rtext = json_dumps(a->rj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	if (a->ngiven) {
		json_t *v = mrv_given_json(a->given, a->ngiven);
		vtext = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(v);
	}
	rc = store_exec_args(
		st,
		"INSERT INTO \"mrv_report\" (\"id\", \"project\", \"period_from\", \"period_to\","
		" \"data_path\", \"data_sha256\", \"data_bytes\", \"rows\", \"rows_in_period\", \"rows_skipped\","
		" \"meters\", \"unit\", \"cumulative\", \"meters_path\", \"re_micro\", \"pe_micro\", \"er_micro\","
		" \"er_tco2e\", \"result\", \"status\", \"submitted_by\", \"submitted_at\", \"monitored_values\","
		" \"data_format\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?)",
		STORE_ARGS(store_int(*a->id), store_text(a->project), store_text(r->from), store_text(r->to),
			   store_text(a->abs), store_text(res->data.sha256), store_int((long long)res->data.bytes),
			   store_int(res->data.rows), store_int(res->data.rows_in_period),
			   store_int(res->data.rows_skipped), store_int((long long)res->data.nmeters),
			   store_text(r->unit), store_int(r->cumulative), store_text(a->mabs),
			   store_int(res->re_micro), store_int(res->pe_micro), store_int(res->er_micro),
			   store_int(res->er_tco2e), store_text(rtext), store_text(r->user ? r->user : "cli"),
			   store_text(a->at), store_text(vtext), store_text(r->sheet ? "xlsx" : NULL)),
		err);
	free(rtext);
	free(vtext);
	if (!rc && r->also)
		rc = r->also(st, r->also_ctx, err);
	return rc;
}

/* A report whose file is a filled Monitoring Report Sheet: its values
 * (*given, malloc'ed) computed as if given with --value, the sheet's
 * fingerprint standing for the data file's. */
static int compute_sheet(struct mrv_compute_req *req, const char *path, const char *name,
			 struct mrv_given_value **given, size_t *ngiven, struct mrv_result *res, struct c2c_err *err)
{
	char sha[65];
	uint64_t bytes = 0;
	int rc;
	memset(res, 0, sizeof(*res));
	if ((rc = mrv_sheet_values(path, name, req->m, given, ngiven, sha, &bytes, err)))
		return rc;
	req->data = NULL;
	req->given = *given;
	req->ngiven = *ngiven;
	if ((rc = mrv_compute(req, res, err)))
		return rc;
	memcpy(res->data.sha256, sha, sizeof(sha));
	res->data.bytes = bytes;
	res->data.rows = res->data.rows_in_period = (int64_t)*ngiven;
	return 0;
}

int mrv_report_submit(struct store *st, const struct mrv_submit_req *r, int64_t *id, json_t **result,
		      struct c2c_err *err)
{
	struct project_row p;
	struct mrv_param_value pv[MRV_MAX_PARAMS];
	struct mrv_compute_req req = {0};
	struct mrv_result res;
	char at[32], abs[PATH_MAX], mabs[PATH_MAX], project[MRV_PROJECT_ID_MAX], host[3];
	struct mrv_given_value *sheet_values = NULL;
	json_t *rj = NULL;
	size_t npv, nsheet = 0;
	int rc;

	*result = NULL;
	if (!r->project || !(r->data || r->sheet) || !r->from || !r->to)
		return c2c_err_set(err, C2C_EUSAGE, "report submit needs --project, --data (or --sheet), --from and --to");
	if (r->sheet && (r->data || r->ngiven || r->unit || r->cumulative || r->meters_path))
		return c2c_err_at(err, C2C_EUSAGE, "sheet", "a filled Monitoring Report Sheet gives every monitored "
				  "value: give --sheet alone, or --data with --value");
	if ((rc = mrv_project_find(st, r->project, project, host, err)) ||
	    (rc = project_load(st, project, &p, err)))
		return rc;
	if (!realpath(r->sheet ? r->sheet : r->data, abs)) {
		project_row_release(&p);
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", r->sheet ? r->sheet : r->data, strerror(errno));
	}
	if (r->meters_path && !realpath(r->meters_path, mabs)) {
		project_row_release(&p);
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", r->meters_path, strerror(errno));
	}
	if ((rc = project_request(&p, pv, &npv, &req, err)))
		goto out;
	req.from = r->from;
	req.to = r->to;
	req.data = abs;
	req.unit = r->unit;
	req.cumulative = r->cumulative;
	req.max_errors = r->max_errors;
	req.meters_path = r->meters_path ? mabs : NULL;
	req.want_sha256 = 1;
	req.progress = r->progress;
	req.progress_ctx = r->progress_ctx;
	req.errors = r->errors;
	req.given = r->given;
	req.ngiven = r->ngiven;
	if (r->sheet)
		rc = compute_sheet(&req, abs, r->sheet, &sheet_values, &nsheet, &res, err);
	else
		rc = mrv_compute(&req, &res, err);
	if (rc) {
		mrv_result_free(&res);
		goto out;
	}
	rj = mrv_result_json(&req, &res);
	json_object_set_new(rj, "project", json_string(project));
	if (r->sheet)
		json_object_set_new(rj, "sheet", json_pack("{s:s, s:s, s:I}", "file", abs, "sha256", res.data.sha256,
							   "bytes", (json_int_t)res.data.bytes));
	date_now_iso(at, sizeof(at), 0);
	if (r->check) {
		*id = 0;
	} else {
		struct report_insert ri = {r, project, &res, rj, abs, r->meters_path ? mabs : NULL, at, id,
					   r->sheet ? sheet_values : r->given, r->sheet ? nsheet : r->ngiven};
		if ((rc = store_tx(st, NULL, report_insert_tx, &ri, err)))
			goto free_res;
	}
	*result = rj;
	rj = NULL;
free_res:
	mrv_result_free(&res);
out:
	free(sheet_values);
	json_decref(rj);
	project_row_release(&p);
	return rc;
}

struct report_row {
	char project[MRV_PROJECT_ID_MAX], from[11], to[11], status[16], sha[65], unit[16];
	char path[PATH_MAX], meters_path[PATH_MAX];
	int cumulative, has_unit, has_meters;
	int sheet; /* the file is a filled Monitoring Report Sheet */
	int64_t er_micro, er_tco2e;
};

/* A report decided already: one format per decision, not the decision as
 * an argument, so that each has its Japanese (docs/http.md "Languages"). */
static int decided_already(int64_t id, const char *status, struct c2c_err *err)
{
	if (!strcmp(status, "approved"))
		return c2c_err_set(err, C2C_ECONFLICT, "report %lld is approved already; a decision is made once",
				   (long long)id);
	if (!strcmp(status, "rejected"))
		return c2c_err_set(err, C2C_ECONFLICT, "report %lld is rejected already; a decision is made once",
				   (long long)id);
	return c2c_err_set(err, C2C_ECONFLICT, "report %lld is %s already; a decision is made once", (long long)id,
			   status);
}

static int report_load(struct store *st, int64_t id, struct report_row *r, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	memset(r, 0, sizeof(*r));
	if ((rc = store_prepare(st, "SELECT \"project\", \"period_from\", \"period_to\", \"status\", \"data_sha256\","
				" \"data_path\", \"unit\", \"cumulative\", \"meters_path\", \"er_micro\", \"er_tco2e\","
				" \"data_format\" FROM \"mrv_report\" WHERE \"id\" = ?", &s, err)))
		return rc;
	store_bind_int(s, 1, id);
	rc = store_step(s, err);
	if (rc == 1) {
		snprintf(r->project, sizeof(r->project), "%s", store_col_text(s, 0));
		snprintf(r->from, sizeof(r->from), "%s", store_col_text(s, 1));
		snprintf(r->to, sizeof(r->to), "%s", store_col_text(s, 2));
		snprintf(r->status, sizeof(r->status), "%s", store_col_text(s, 3));
		snprintf(r->sha, sizeof(r->sha), "%s", store_col_text(s, 4));
		snprintf(r->path, sizeof(r->path), "%s", store_col_text(s, 5));
		r->has_unit = !store_col_is_null(s, 6);
		snprintf(r->unit, sizeof(r->unit), "%s", store_col_text(s, 6));
		r->cumulative = (int)store_col_int(s, 7);
		r->has_meters = !store_col_is_null(s, 8);
		snprintf(r->meters_path, sizeof(r->meters_path), "%s", store_col_text(s, 8));
		r->er_micro = store_col_int(s, 9);
		r->er_tco2e = store_col_int(s, 10);
		r->sheet = !store_col_is_null(s, 11) && !strcmp(store_col_text(s, 11), "xlsx");
		rc = 0;
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "report %lld does not exist", (long long)id);
	}
	store_finalize(s);
	return rc;
}

struct report_decide {
	int64_t id;
	int approve;
	const char *comment, *user, *at;
	store_tx_fn also; /* the caller's part of the decision's transaction (an audit row) */
	void *also_ctx;
};

/* A day is verified once: approving a report whose period overlaps one
 * already approved for the same project would verify (and let the
 * registry issue) the same reductions twice.  Dates compare as text in C,
 * whatever the database's collation. */
static int approved_overlap(struct store *st, int64_t id, const struct report_row *r, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = store_prepare(st, "SELECT \"id\", \"period_from\", \"period_to\" FROM \"mrv_report\""
				" WHERE \"project\" = ? AND \"status\" = 'approved' ORDER BY \"id\"", &s, err)))
		return rc;
	store_bind_text(s, 1, r->project);
	while ((rc = store_step(s, err)) == 1) {
		const char *from = store_col_text(s, 1), *to = store_col_text(s, 2);
		if (strcmp(from, r->to) <= 0 && strcmp(to, r->from) >= 0) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "report %lld (%s..%s) overlaps approved report %lld "
					 "(%s..%s) of project %s: a period is verified once; not approved",
					 (long long)id, r->from, r->to, (long long)store_col_int(s, 0), from, to,
					 r->project);
			c2c_err_hint(err, "reject report %lld, or submit the days that are not verified yet as a "
				     "new report", (long long)id);
			break;
		}
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The decision is recorded only while the report is still submitted: of
 * two verifiers deciding at once, the second finds it decided. */
static int report_decide_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct report_decide *d = ctx;
	struct report_row r;
	int rc;
	if ((rc = report_load(st, d->id, &r, err)))
		return rc;
	if (strcmp(r.status, "submitted"))
		return decided_already(d->id, r.status, err);
	if (d->approve && (rc = approved_overlap(st, d->id, &r, err)))
		return rc;
	if (d->also && (rc = d->also(st, d->also_ctx, err)))
		return rc;
	return store_exec_args(st, "UPDATE \"mrv_report\" SET \"status\" = ?, \"verified_by\" = ?, \"verified_at\" = ?,"
			       " \"comment\" = ? WHERE \"id\" = ? AND \"status\" = 'submitted'",
			       STORE_ARGS(store_text(d->approve ? "approved" : "rejected"),
					  store_text(d->user ? d->user : "cli"), store_text(d->at), store_text(d->comment),
					  store_int(d->id)),
			       err);
}

/* Recomputes report r (its row) from its file: req and res are the
 * caller's, res filled on success (free it with mrv_result_free). */
/* The monitored values report id gave for the period (malloc'ed, may be
 * none). */
static int report_given(struct store *st, int64_t id, struct mrv_given_value **g, size_t *n, struct c2c_err *err)
{
	json_t *row;
	int rc = store_row_json(st, "SELECT \"monitored_values\" FROM \"mrv_report\" WHERE \"id\" = ?",
				STORE_ARGS(store_int(id)), "monitored_values", "report", &row, err);
	*g = NULL;
	*n = 0;
	if (rc)
		return rc;
	rc = mrv_given_from_json(json_object_get(row, "monitored_values"), g, n, err);
	json_decref(row);
	return rc;
}

static int recompute(struct store *st, int64_t id, const struct report_row *r, mrv_progress_fn progress,
		     void *progress_ctx, struct mrv_param_value *pv, struct mrv_compute_req *req, struct mrv_result *res,
		     struct c2c_err *err)
{
	struct project_row p = {0};
	struct mrv_given_value *given = NULL;
	size_t npv, ngiven = 0;
	int rc;
	if ((rc = report_given(st, id, &given, &ngiven, err)))
		return rc;
	if ((rc = project_load(st, r->project, &p, err))) {
		free(given);
		return rc;
	}
	if ((rc = project_request(&p, pv, &npv, req, err))) {
		project_row_release(&p);
		free(given);
		return rc;
	}
	req->given = given;
	req->ngiven = ngiven;
	req->from = r->from;
	req->to = r->to;
	req->data = r->path;
	req->unit = r->has_unit ? r->unit : NULL;
	req->cumulative = r->cumulative;
	req->meters_path = r->has_meters ? r->meters_path : NULL;
	req->max_errors = 1;
	req->want_sha256 = 1;
	req->progress = progress;
	req->progress_ctx = progress_ctx;
	if (r->sheet) {
		/* the sheet is read again: its values, not the copy stored */
		free(given);
		given = NULL;
		ngiven = 0;
		rc = compute_sheet(req, r->path, r->path, &given, &ngiven, res, err);
	} else {
		rc = mrv_compute(req, res, err);
	}
	/* req's values point into p and given: only the computation reads
	 * them (the result's JSON takes its values from res, its period from r) */
	project_row_release(&p);
	free(given);
	req->given = NULL;
	req->ngiven = 0;
	if (rc)
		mrv_result_free(res);
	if (rc == C2C_EIO) {
		/* the file is gone or unreadable: nothing the verifier asked for is
		 * wrong, the report cannot be checked (409, not a server fault);
		 * the path is the server's business, so it goes to the detail */
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		c2c_err_set(err, C2C_ECONFLICT, "its monitoring file can no longer be read, so it cannot be recomputed");
		c2c_err_detail(err, "%s", why);
		c2c_err_hint(err, "reject the report; the participant submits the file again as a new report");
		rc = C2C_ECONFLICT;
	}
	return rc;
}

int mrv_report_recompute(struct store *st, int64_t id, json_t **out, struct c2c_err *err)
{
	struct report_row r;
	struct mrv_param_value pv[MRV_MAX_PARAMS];
	struct mrv_compute_req req = {0};
	struct mrv_result res;
	json_t *rj;
	int rc;

	*out = NULL;
	if ((rc = report_load(st, id, &r, err)))
		return rc;
	if ((rc = recompute(st, id, &r, NULL, NULL, pv, &req, &res, err))) {
		c2c_err_prefix(err, rc == C2C_ECONFLICT ? "report %lld" : "report %lld: recomputing from the data file failed",
			       (long long)id);
		return rc;
	}
	rj = mrv_result_json(&req, &res);
	json_object_del(json_object_get(rj, "data"), "file");
	*out = json_pack("{s:I, s:o, s:b, s:b}", "report", (json_int_t)id, "result", rj, "same_file",
			 !strcmp(res.data.sha256, r.sha), "same_er", res.er_micro == r.er_micro);
	mrv_result_free(&res);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int mrv_report_verify(struct store *st, int64_t id, int approve, const char *comment, const char *user,
		      mrv_progress_fn progress, void *progress_ctx, store_tx_fn also, void *also_ctx,
		      struct c2c_err *err)
{
	struct report_row r;
	struct mrv_param_value pv[MRV_MAX_PARAMS];
	struct mrv_compute_req req = {0};
	struct mrv_result res;
	char at[32];
	int rc;

	if (!comment || !*comment)
		return c2c_err_set(err, C2C_EUSAGE, "report verify: --comment TEXT is required (the verifier's opinion)");
	if ((rc = utf8_text_field(comment, MRV_COMMENT_MAX, UTF8_TEXT_LINES, "comment", "the comment", err)))
		return rc;
	if ((rc = report_load(st, id, &r, err)))
		return rc;
	if (strcmp(r.status, "submitted"))
		return decided_already(id, r.status, err);
	if (approve) {
		if ((rc = recompute(st, id, &r, progress, progress_ctx, pv, &req, &res, err))) {
			c2c_err_prefix(err, rc == C2C_ECONFLICT ? "report %lld, not approved"
							    : "report %lld: recomputing from the data file failed, not approved",
				       (long long)id);
			return rc;
		}
		if (strcmp(res.data.sha256, r.sha)) {
			c2c_err_set(err, C2C_ECONFLICT, "report %lld: the data file %s changed since it was submitted "
				    "(SHA-256 was %.16s..., is now %.16s...): not approved", (long long)id, r.path, r.sha,
				    res.data.sha256);
			c2c_err_hint(err, "reject the report, or submit the file again as a new report");
			mrv_result_free(&res);
			return C2C_ECONFLICT;
		}
		if (res.er_micro != r.er_micro) {
			c2c_err_set(err, C2C_ECONFLICT, "report %lld: recomputed ER differs from the submitted one: "
				    "not approved", (long long)id);
			mrv_result_free(&res);
			return C2C_ECONFLICT;
		}
		mrv_result_free(&res);
	}
	date_now_iso(at, sizeof(at), 0);
	{
		struct report_decide d = {id, approve, comment, user, at, also, also_ctx};
		/* queued: of two overlapping reports approved at once, the
		 * second sees the first */
		return store_tx(st, "mrv_report", report_decide_tx, &d, err);
	}
}

/* host_country: the project's, so a page can tell which registry a report
 * would be issued into without parsing the project's id. */
#define REPORT_COLS "\"id\", \"project\", \"period_from\", \"period_to\", \"status\", \"er_tco2e\", \"rows\"," \
	" \"meters\", \"data_sha256\", \"data_path\", \"data_bytes\", \"rows_in_period\", \"rows_skipped\", \"unit\"," \
	" \"cumulative\", \"submitted_by\", \"submitted_at\", \"verified_by\", \"verified_at\", \"comment\"," \
	" \"monitored_values\"," \
	" (SELECT p.\"host_country\" FROM \"mrv_project\" p WHERE p.\"id\" = \"mrv_report\".\"project\") AS \"host_country\""

int mrv_report_get(struct store *st, int64_t id, json_t **out, struct c2c_err *err)
{
	int rc = store_row_json(st, "SELECT " REPORT_COLS ", \"result\" FROM \"mrv_report\" WHERE \"id\" = ?",
				STORE_ARGS(store_int(id)), MRV_JSON_COLS, "report", out, err);
	if (rc == C2C_ENOTFOUND)
		c2c_err_set(err, C2C_ENOTFOUND, "report %lld does not exist", (long long)id);
	return rc;
}

int mrv_reports(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	if (project)
		return store_rows_json(st, "SELECT " REPORT_COLS " FROM \"mrv_report\" WHERE \"project\" = ? ORDER BY \"id\"",
				       STORE_ARGS(store_text(project)), MRV_JSON_COLS, out, err);
	return store_rows_json(st, "SELECT " REPORT_COLS " FROM \"mrv_report\" ORDER BY \"id\"", STORE_NOARGS,
			       MRV_JSON_COLS, out, err);
}

int mrv_report_issuable(struct store *st, int64_t id, struct mrv_issuable *out, struct c2c_err *err)
{
	struct report_row r;
	int rc;
	if ((rc = mrv_migrate(st, err)) || (rc = report_load(st, id, &r, err)))
		return rc;
	if (strcmp(r.status, "approved"))
		return c2c_err_set(err, C2C_ECONFLICT, "report %lld is %s, not approved: credits are issued only "
				   "from a report a verifier approved (c2c mrv report verify %lld --approve)",
				   (long long)id, r.status, (long long)id);
	if (r.er_tco2e <= 0)
		return c2c_err_set(err, C2C_ECONFLICT, "report %lld: ER is %lld tCO2e: nothing to issue",
				   (long long)id, (long long)r.er_tco2e);
	if ((rc = mrv_project_find(st, r.project, out->project, out->host, err)))
		return rc;
	memcpy(out->from, r.from, sizeof(out->from));
	memcpy(out->to, r.to, sizeof(out->to));
	out->er_tco2e = r.er_tco2e;
	return 0;
}

/* The owner's lookup of one project, how other modules ask whether an MRV
 * project exists (auth's scope check) without SQL on mrv's tables. */
int mrv_project_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	char what[96];
	snprintf(what, sizeof(what), "MRV project '%s'", id ? id : "");
	return store_row_json(st,
			      "SELECT \"id\", \"title\", \"host_country\", \"methodology\", \"params\","
			      " \"participants\", \"created_at\", \"atlas_project\", \"jcm_ref\""
			      " FROM \"mrv_project\" WHERE \"id\" = ?",
			      STORE_ARGS(store_text(id)), "params", what, out, err);
}
