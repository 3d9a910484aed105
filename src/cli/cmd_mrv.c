/*
 * cmd_mrv.c - `c2c mrv SUBCOMMAND`: JCM methodologies, the emission
 * reduction calculation over monitoring data, projects, and the monitoring
 * reports a verifier approves.  Thin over src/mrv: parses options, prints,
 * shows ingest progress on a terminal (never when stderr is not one).
 */
#include "core/json.h"
#include "core/strbuf.h"
#include "subcmd.h"
#include "mrv/mrv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PARAMS 16

/* --param values, taken out before the options are parsed (take_params). */
struct mrv_opts {
	struct mrv_param_value params[MAX_PARAMS];
	char pbuf[MAX_PARAMS][128];
	size_t nparams;
	struct mrv_unit_value *units; /* --param SYMBOL@METER=VALUE, then the --units file's */
	size_t nunits;
	struct mrv_given_value *given; /* --value SYMBOL[@METER]=VALUE UNIT */
	size_t ngiven;
};

static void progress(void *ctx, uint64_t bytes, uint64_t total, uint64_t rows, double secs)
{
	double mbs = secs > 0 ? (double)bytes / 1e6 / secs : 0;
	(void)ctx;
	if (bytes >= total) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr, "\r%llu rows, %.0f of %.0f MB, %.0f MB/s, ETA %.0f s\033[K", (unsigned long long)rows,
		(double)bytes / 1e6, (double)total / 1e6, mbs, mbs > 0 ? (double)(total - bytes) / 1e6 / mbs : 0);
}

static mrv_progress_fn progress_fn(void)
{
	return isatty(2) ? progress : NULL;
}

static int print_json(json_t *o)
{
	char *s = json_dumps(o, C2C_JSON_FLAGS);
	if (!s)
		return C2C_ENOMEM;
	puts(s);
	free(s);
	return 0;
}

/* Every data error, then main prints the summary as the last line. */
static int data_errors(json_t *errors, int rc, struct c2c_err *err)
{
	size_t i, n = json_array_size(errors);
	json_t *e;
	if (n > 1) {
		json_array_foreach(errors, i, e)
			fprintf(stderr, "c2c: error: %s\n", json_string_value(e));
		c2c_err_set(err, rc, "%zu errors in the monitoring data (listed above); nothing was stored", n);
	}
	json_decref(errors);
	return rc;
}

static int max_errors(struct cli_run *o, size_t *out, struct c2c_err *err)
{
	int n = 0, rc = cli_opt_int(&o->a, "max-errors", 1, 1000000, &n, err);
	*out = n ? (size_t)n : 1;
	return rc;
}

static int report_id(struct cli_run *o, int64_t *id, struct c2c_err *err)
{
	char *end;
	long long v;
	if (o->a.npos != 2)
		return c2c_err_set(err, C2C_EUSAGE, "give the report number");
	errno = 0;
	v = strtoll(o->a.pos[1], &end, 10);
	if (errno || *end || v <= 0)
		return c2c_err_set(err, C2C_EUSAGE, "'%s' is not a report number", o->a.pos[1]);
	*id = v;
	return 0;
}

/* ------------------------------------------------------------ methodologies */

static int sub_methodologies(struct cli_run *o, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "refs", "countries", "family", "unconfirmed", "title", NULL};
	size_t n;
	const struct mrv_methodology *m = mrv_methodologies(&n);
	json_t *rows = json_array();
	int rc;
	(void)err;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, mrv_methodology_json(&m[i], 0));
	rc = cli_print_rows(rows, o->fmt, o->fmt == FMT_TABLE ? cols : NULL);
	json_decref(rows);
	return rc;
}

static int sub_show(struct cli_run *o, struct c2c_err *err)
{
	static const char *const cols[] = {"symbol", "unit", "option", "monitored", "fixed_by", "per_unit", "default",
					   "unconfirmed", "description", NULL};
	const struct mrv_methodology *m;
	json_t *j;
	int rc;
	if (o->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "show: give one methodology ID");
	if (!(m = mrv_methodology_find(o->a.pos[0])))
		return c2c_err_set(err, C2C_ENOTFOUND, "methodology '%s' is not known (c2c mrv methodologies)",
				   o->a.pos[0]);
	j = mrv_methodology_json(m, 1);
	if (o->fmt == FMT_JSON) {
		rc = print_json(j);
	} else {
		printf("%s: %s\nreferences: %s (%s)\nversion: %s\nfamily: %s\nsector: %s\neligibility: %s\n%s\n%s\n"
		       "ER_p = RE_p - PE_p, rounded down to whole tCO2e\nsource: %s\n",
		       m->id, m->title, m->refs, m->countries ? m->countries : "no country", m->version ? m->version : "-",
		       m->family_name, m->sector, m->eligibility, m->re_equation, m->pe_equation, m->source);
		if (m->unconfirmed)
			printf("UNCONFIRMED: %s\n", m->unconfirmed);
		printf("formulas (per unit i, summed over the units; %s):\n", m->file);
		for (size_t i = 0; i < m->ncalcs; i++)
			printf("  %s = %s   [%s]\n", m->calcs[i].symbol, m->calcs[i].text, m->calcs[i].unit);
		for (size_t i = 0; i < m->nparams; i++)
			if (m->params[i].unconfirmed)
				printf("UNCONFIRMED %s: %s\n", m->params[i].symbol, m->params[i].unconfirmed);
		printf("\n");
		rc = cli_print_rows(json_object_get(j, "parameters"), o->fmt, cols);
	}
	json_decref(j);
	return rc;
}

/* `c2c mrv check FILE.meth`: what c2c would refuse in a methodology file,
 * before it goes into data/mrv/ or $C2C_MRV_DIR. */
static int sub_check(struct cli_run *o, struct c2c_err *err)
{
	struct mrv_methodology m;
	struct strbuf sb;
	FILE *fp;
	int rc;
	if (o->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "check: give one methodology file");
	if (!(fp = fopen(o->a.pos[0], "rb")))
		return c2c_err_set(err, C2C_EIO, "%s: cannot be read", o->a.pos[0]);
	strbuf_init(&sb, 1 << 20);
	rc = strbuf_read_stream(&sb, fp);
	fclose(fp);
	if (rc)
		c2c_err_set(err, rc, "%s: cannot be read, or larger than 1 MB", o->a.pos[0]);
	else if (!(rc = mrv_methodology_parse(o->a.pos[0], strbuf_str(&sb), sb.len, &m, err))) {
		printf("%s: %s reads: %zu parameters, %zu formulas\n", o->a.pos[0], m.id, m.nparams, m.ncalcs);
		mrv_methodology_release(&m);
	}
	strbuf_release(&sb);
	return rc;
}

/* ------------------------------------------------------------------ compute */

static void print_result_table(const struct mrv_compute_req *req, const struct mrv_result *r, json_t *j)
{
	static const char *const cols[] = {"meter_id", "rows", "sum", "first", "last", "gap_count", NULL};
	char re[40], pe[40], er[40];
	size_t i;
	json_t *w;
	mrv_format_micro(r->re_micro, re, sizeof(re));
	mrv_format_micro(r->pe_micro, pe, sizeof(pe));
	mrv_format_micro(r->er_micro, er, sizeof(er));
	printf("%s (%s), %s to %s\n", req->m->id, req->m->family_name, req->from, req->to);
	printf("RE_p = %s tCO2e   (%s)\n", re, req->m->re_equation);
	printf("PE_p = %s tCO2e   (%s)\n", pe, req->m->pe_equation);
	printf("ER_p = %lld tCO2e (exact %s, rounded down)\n", (long long)r->er_tco2e, er);
	if (json_object_get(j, "meters")) {
		json_t *mo;
		printf("\n");
		cli_print_rows(json_object_get(j, "meters"), FMT_TABLE, cols);
		json_array_foreach(json_object_get(j, "meters"), i, mo) {
			json_t *ps = json_object_get(mo, "parameters"), *p;
			size_t k;
			if (!ps)
				continue;
			printf("%s:", json_string_value(json_object_get(mo, "meter_id")));
			json_array_foreach(ps, k, p)
				printf("%s %s=%s (%s)", k ? "," : "", json_string_value(json_object_get(p, "symbol")),
				       json_string_value(json_object_get(p, "value")),
				       json_string_value(json_object_get(p, "origin")));
			printf("\n");
		}
	}
	json_array_foreach(r->warnings, i, w)
		printf("warning: %s\n", json_string_value(w));
}

static int sub_compute(struct cli_run *o, struct c2c_err *err)
{
	struct mrv_opts *p = o->data;
	struct mrv_compute_req req = {0};
	struct mrv_result r;
	json_t *errors = NULL, *j;
	const char *mid;
	int rc;

	if ((rc = cli_need(&o->a, "methodology", &mid, err)))
		return rc;
	if (!(req.m = mrv_methodology_find(mid)))
		return c2c_err_set(err, C2C_ENOTFOUND, "methodology '%s' is not known (c2c mrv methodologies)", mid);
	if ((rc = cli_need(&o->a, "from", &req.from, err)) || (rc = cli_need(&o->a, "to", &req.to, err)) ||
	    (rc = max_errors(o, &req.max_errors, err)))
		return rc;
	if (cli_opt(&o->a, "units") &&
	    (rc = mrv_units_load(cli_opt(&o->a, "units"), req.m, &p->units, &p->nunits, err)))
		return rc;
	req.params = p->params;
	req.nparams = p->nparams;
	req.units = p->units;
	req.nunits = p->nunits;
	req.given = p->given;
	req.ngiven = p->ngiven;
	req.data = cli_opt(&o->a, "data");
	req.unit = cli_opt(&o->a, "unit");
	req.cumulative = cli_opt(&o->a, "cumulative") != NULL;
	req.meters_path = cli_opt(&o->a, "meters");
	req.progress = progress_fn();
	req.errors = &errors;
	rc = mrv_compute(&req, &r, err);
	if (rc) {
		mrv_result_free(&r);
		return data_errors(errors, rc, err);
	}
	j = mrv_result_json(&req, &r);
	if (o->fmt == FMT_JSON)
		rc = print_json(j);
	else
		print_result_table(&req, &r, j);
	json_decref(j);
	mrv_result_free(&r);
	return rc;
}

/* ----------------------------------------------------------------- projects */

static int sub_project(struct cli_run *o, struct c2c_err *err)
{
	struct mrv_opts *p = o->data;
	static const char *const cols[] = {"id", "jcm_ref", "host_country", "methodology", "title", "participants", NULL};
	struct store *st;
	int rc;
	const char *verb = o->a.npos ? o->a.pos[0] : "";
	if (strcmp(verb, "add") && strcmp(verb, "list"))
		return c2c_err_set(err, C2C_EUSAGE, "project: use add or list");
	st = o->st;
	if (!strcmp(verb, "add")) {
		char id[MRV_PROJECT_ID_MAX];
		struct mrv_project_req r = {
			.atlas_project = cli_opt(&o->a, "atlas-project"), .jcm_ref = cli_opt(&o->a, "jcm-ref"),
			.id = cli_opt(&o->a, "id"), .title = cli_opt(&o->a, "title"),
			.host_country = cli_opt(&o->a, "host"), .methodology = cli_opt(&o->a, "methodology"),
			.params = p->params, .nparams = p->nparams, .participants = cli_opt(&o->a, "participants"),
		};
		const struct mrv_methodology *m = r.methodology ? mrv_methodology_find(r.methodology) : NULL;
		/* an unknown methodology is mrv_project_add's to report */
		rc = 0;
		if (m && cli_opt(&o->a, "units"))
			rc = mrv_units_load(cli_opt(&o->a, "units"), m, &p->units, &p->nunits, err);
		r.units = p->units;
		r.nunits = p->nunits;
		if (!rc && !(rc = mrv_project_add(st, &r, id, sizeof(id), err))) {
			json_t *row;
			if (!(rc = mrv_project_get(st, id, &row, err))) {
				printf("project %s added (%s, %s%s%s%s)\n", id,
				       json_string_value(json_object_get(row, "host_country")), r.methodology,
				       r.atlas_project && r.jcm_ref ? ", JCM " : "", r.atlas_project && r.jcm_ref ? r.jcm_ref : "",
				       r.nunits ? ", with per-unit values" : "");
				json_decref(row);
			}
		}
	} else {
		json_t *rows;
		if (!(rc = mrv_projects(st, &rows, err))) {
			rc = cli_print_rows(rows, o->fmt, o->fmt == FMT_TABLE ? cols : NULL);
			json_decref(rows);
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ reports */

static const char *user_name(struct cli_run *o)
{
	return cli_acting_user(&o->a);
}

static int report_submit(struct cli_run *o, struct store *st, struct c2c_err *err)
{
	struct mrv_submit_req r = {0};
	json_t *errors = NULL, *res;
	int64_t id;
	int rc;
	r.sheet = cli_opt(&o->a, "sheet");
	if ((rc = cli_need(&o->a, "project", &r.project, err)) ||
	    (!r.sheet && (rc = cli_need(&o->a, "data", &r.data, err))) ||
	    (rc = cli_need(&o->a, "from", &r.from, err)) || (rc = cli_need(&o->a, "to", &r.to, err)) ||
	    (rc = max_errors(o, &r.max_errors, err)))
		return rc;
	if (r.sheet)
		r.data = cli_opt(&o->a, "data");
	r.unit = cli_opt(&o->a, "unit");
	r.cumulative = cli_opt(&o->a, "cumulative") != NULL;
	r.meters_path = cli_opt(&o->a, "meters");
	r.user = user_name(o);
	r.progress = progress_fn();
	r.errors = &errors;
	r.given = ((struct mrv_opts *)o->data)->given;
	r.ngiven = ((struct mrv_opts *)o->data)->ngiven;
	if ((rc = mrv_report_submit(st, &r, &id, &res, err)))
		return data_errors(errors, rc, err);
	if (o->fmt == FMT_JSON)
		print_json(res);
	else
		printf("report %lld submitted: %s, %s to %s, ER %lld tCO2e (exact %.6f), %s SHA-256 %s\n",
		       (long long)id, json_string_value(json_object_get(res, "project")), r.from, r.to,
		       (long long)json_integer_value(json_object_get(res, "er_tco2e")),
		       json_number_value(json_object_get(res, "er_exact_tco2e")), r.sheet ? "sheet" : "data",
		       json_string_value(json_object_get(json_object_get(res, r.sheet ? "sheet" : "data"), "sha256")));
	json_decref(res);
	return 0;
}

static int sub_report(struct cli_run *o, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "project", "period_from", "period_to", "status", "er_tco2e",
					   "rows", "meters", NULL};
	struct store *st;
	const char *verb = o->a.npos ? o->a.pos[0] : "";
	int64_t id = 0;
	int rc;

	if (strcmp(verb, "submit") && strcmp(verb, "verify") && strcmp(verb, "export") && strcmp(verb, "show") &&
	    strcmp(verb, "list") && strcmp(verb, "sheet"))
		return c2c_err_set(err, C2C_EUSAGE, "report: use submit, verify, export, sheet, show or list");
	if ((!strcmp(verb, "verify") || !strcmp(verb, "export") || !strcmp(verb, "show") || !strcmp(verb, "sheet")) &&
	    (rc = report_id(o, &id, err)))
		return rc;
	if (!strcmp(verb, "sheet") && !cli_opt(&o->a, "out"))
		return c2c_err_set(err, C2C_EUSAGE, "report sheet: --out FILE.xlsx is required");
	if (!strcmp(verb, "verify") && !cli_opt(&o->a, "approve") == !cli_opt(&o->a, "reject"))
		return c2c_err_set(err, C2C_EUSAGE, "report verify: give exactly one of --approve and --reject");
	if (!strcmp(verb, "export") && !cli_opt(&o->a, "xlsx"))
		return c2c_err_set(err, C2C_EUSAGE, "report export: --xlsx FILE is required");
	st = o->st;
	if (!strcmp(verb, "submit")) {
		rc = report_submit(o, st, err);
	} else if (!strcmp(verb, "verify")) {
		int approve = cli_opt(&o->a, "approve") != NULL;
		rc = mrv_report_verify(st, id, approve, cli_opt(&o->a, "comment"), user_name(o), progress_fn(), NULL, NULL, NULL,
				       err);
		if (!rc)
			printf("report %lld %s\n", (long long)id, approve ? "approved" : "rejected");
	} else if (!strcmp(verb, "sheet")) {
		if (!(rc = mrv_report_sheet_xlsx(st, id, cli_opt(&o->a, "out"), err)))
			printf("report %lld written to %s as a Monitoring Spreadsheet\n", (long long)id, cli_opt(&o->a, "out"));
	} else if (!strcmp(verb, "export")) {
		if (!(rc = mrv_report_export_xlsx(st, id, cli_opt(&o->a, "xlsx"), err)))
			printf("report %lld written to %s\n", (long long)id, cli_opt(&o->a, "xlsx"));
	} else if (!strcmp(verb, "show")) {
		json_t *j;
		if (!(rc = mrv_report_get(st, id, &j, err))) {
			rc = print_json(j);
			json_decref(j);
		}
	} else {
		json_t *rows;
		if (!(rc = mrv_reports(st, cli_opt(&o->a, "project"), &rows, err))) {
			rc = cli_print_rows(rows, o->fmt, o->fmt == FMT_TABLE ? cols : NULL);
			json_decref(rows);
		}
	}
	return rc;
}

/* ---------------------------------------------------------------- dispatch */

static const char *const o_fmt[] = {"format", NULL};
static const char *const o_compute[] = {"methodology", "data", "from", "to", "unit", "meters", "units",
					"max-errors", "format", NULL};
static const char *const f_cumulative[] = {"cumulative", NULL};
static const char *const o_project[] = {"atlas-project", "jcm-ref", "id", "title", "host", "methodology",
					"participants", "units", "format", NULL};
static const char *const o_report[] = {"project", "data", "from", "to", "unit", "meters", "max-errors", "comment",
				       "xlsx", "user", "format", "sheet", "out", NULL};
static const char *const f_report[] = {"cumulative", "approve", "reject", NULL};

static const struct cli_sub subs[] = {
	{"methodologies", sub_methodologies, o_fmt, NULL, CLI_NO_DB, CLI_CSV, "c2c mrv methodologies [--format table|csv|json]", NULL},
	{"show", sub_show, o_fmt, NULL, CLI_NO_DB, CLI_CSV, "c2c mrv show ID [--format json]", NULL},
	{"check", sub_check, NULL, NULL, CLI_NO_DB, 0, "c2c mrv check FILE.meth   (a methodology file, before it is added)",
	 NULL},
	{"compute", sub_compute, o_compute, f_cumulative, CLI_NO_DB, CLI_CSV,
	 "c2c mrv compute --methodology ID [--param NAME[@METER]=VALUE]... [--units UNITS.csv] [--data FILE.csv]\n"
	 "           [--value SYMBOL[@METER]=VALUE UNIT]...   (a monitored value for the period)\n"
	 "           --from DATE --to DATE [--unit kWh] [--cumulative] [--meters METERS.csv] [--max-errors N]\n"
	 "           [--format table|json]", NULL},
	{"project", sub_project, o_project, NULL, 0, CLI_CSV,
	 "c2c mrv project add --atlas-project ID --methodology M [--jcm-ref TH003] [--param NAME[@METER]=VALUE]...\n"
	 "           [--units UNITS.csv] [--title T] [--participants 'A;B']\n"
	 "       c2c mrv project add --id KH003 --host KH --methodology M ...   (a project no atlas project names)\n"
	 "       c2c mrv project list [--format table|csv|json]", NULL},
	{"report", sub_report, o_report, f_report, 0, CLI_CSV,
	 "c2c mrv report submit --project P --data FILE.csv --from DATE --to DATE [--unit kWh] [--cumulative] "
	 "[--meters M.csv] [--max-errors N] [--format json]\n"
	 "           [--value SYMBOL[@METER]=VALUE UNIT]...   (the methodology's other monitored values for the period)\n"
	 "       c2c mrv report verify ID --approve|--reject --comment TEXT\n"
	 "       c2c mrv report submit --project P --sheet FILLED.xlsx --from DATE --to DATE   (a filled Monitoring Report Sheet)\n"
	 "       c2c mrv report export ID --xlsx FILE.xlsx\n"
	 "       c2c mrv report sheet ID --out FILE.xlsx   (the JCM Monitoring Spreadsheet)\n"
	 "       c2c mrv report show ID\n       c2c mrv report list [--project P] [--format table|csv|json]", NULL},
};

/* --param SYMBOL@METER=VALUE: one unit's own value.  '@' because it can be
 * in neither a symbol nor a meter id (A-Z a-z 0-9 - _ . : /), needs no
 * quoting in a shell (unlike COP_PJ[CH-01]), and reads as "COP_PJ at
 * CH-01"; the methodology check comes later, in mrv_units_check. */
static int take_unit_param(struct mrv_opts *o, const char *v, const char *at, const char *eq,
			   struct c2c_err *err)
{
	struct mrv_unit_value *u, *nv;
	size_t slen = (size_t)(at - v), mlen = (size_t)(eq - at - 1);
	if (!slen || !mlen || slen >= sizeof(u->symbol) || mlen >= sizeof(u->meter_id) ||
	    strlen(eq + 1) >= sizeof(u->value))
		return c2c_err_set(err, C2C_EUSAGE, "--param '%s' is not SYMBOL@METER=VALUE", v);
	if (!(nv = realloc(o->units, (o->nunits + 1) * sizeof(*nv))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	o->units = nv;
	u = &o->units[o->nunits++];
	memset(u, 0, sizeof(*u));
	memcpy(u->symbol, v, slen);
	memcpy(u->meter_id, at + 1, mlen);
	snprintf(u->value, sizeof(u->value), "%s", eq + 1);
	return 0;
}

/* --param may repeat, which cli_parse refuses for options: take them out
 * of argv first. */
static int take_params(int *argc, char **argv, struct mrv_opts *o, struct c2c_err *err)
{
	int w = 0;
	for (int i = 0; i < *argc; i++) {
		const char *v = NULL, *eq;
		if (!strcmp(argv[i], "--value") || !strncmp(argv[i], "--value=", 8)) {
			struct mrv_given_value *ng;
			int rc;
			if (argv[i][7] == '=')
				v = argv[i] + 8;
			else if (i + 1 < *argc)
				v = argv[++i];
			else
				return c2c_err_set(err, C2C_EUSAGE, "option '--value' needs SYMBOL=VALUE UNIT");
			if (!(ng = realloc(o->given, (o->ngiven + 1) * sizeof(*ng))))
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
			o->given = ng;
			if ((rc = mrv_given_parse(v, &o->given[o->ngiven], err)))
				return rc;
			o->ngiven++;
			continue;
		}
		if (!strcmp(argv[i], "--param")) {
			if (i + 1 >= *argc)
				return c2c_err_set(err, C2C_EUSAGE, "option '--param' needs NAME=VALUE");
			v = argv[++i];
		} else if (!strncmp(argv[i], "--param=", 8)) {
			v = argv[i] + 8;
		} else {
			argv[w++] = argv[i];
			continue;
		}
		eq = strchr(v, '=');
		if (!eq || eq == v || !eq[1] || (size_t)(eq - v) >= sizeof(o->pbuf[0]))
			return c2c_err_set(err, C2C_EUSAGE, "--param '%s' is not NAME=VALUE", v);
		if (memchr(v, '@', (size_t)(eq - v))) {
			int rc = take_unit_param(o, v, memchr(v, '@', (size_t)(eq - v)), eq, err);
			if (rc)
				return rc;
			continue;
		}
		if (o->nparams == MAX_PARAMS)
			return c2c_err_set(err, C2C_EUSAGE, "too many --param");
		for (size_t k = 0; k < o->nparams; k++)
			if (strlen(o->pbuf[k]) == (size_t)(eq - v) && !strncmp(o->pbuf[k], v, (size_t)(eq - v)))
				return c2c_err_set(err, C2C_EUSAGE, "--param %.*s given twice", (int)(eq - v), v);
		snprintf(o->pbuf[o->nparams], sizeof(o->pbuf[0]), "%.*s", (int)(eq - v), v);
		o->params[o->nparams].symbol = o->pbuf[o->nparams];
		o->params[o->nparams].value = eq + 1;
		o->nparams++;
	}
	*argc = w;
	return 0;
}

static int prepare(const struct cli_sub *sub, int *argc, char **argv, struct cli_run *r, struct c2c_err *err)
{
	struct mrv_opts *o = r->data;
	int rc = take_params(argc, argv, o, err);

	/* a file of $C2C_MRV_DIR that does not read stops every mrv command but check */
	if (!rc && sub->fn != sub_check)
		rc = mrv_catalog_error(err);
	if (!rc && o->ngiven && sub->fn != sub_compute && sub->fn != sub_report)
		rc = c2c_err_set(err, C2C_EUSAGE, "%s takes no --value: monitored values belong to a computation or a "
				 "report", r->name);
	if (!rc && (o->nparams || o->nunits) && sub->fn != sub_compute && sub->fn != sub_project)
		/* a report is computed with its project's values, fixed ex ante */
		rc = c2c_err_set(err, C2C_EUSAGE, "%s takes no --param: the values are the project's "
				 "(c2c mrv project add)", r->name);
	return rc;
}

int cmd_mrv(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), NULL, NULL, prepare, NULL};
	struct mrv_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = cli_subs_run(argc, argv, cmd, &t, o, err);
	free(o->units);
	free(o->given);
	free(o);
	return rc;
}
