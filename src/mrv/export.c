/*
 * export.c - a monitoring report as the spreadsheet verifiers and the JCM
 * secretariat work with: an "Input" tab (the project, the period, the data
 * file's fingerprint, every parameter with its monitoring option and source,
 * the figures per meter, the per-unit parameter values when there are any)
 * and a "Calculation" tab (the equations and RE, PE, ER with ER rounded
 * down), written with libxlsxwriter from the stored report, so the sheet
 * always shows what was submitted and verified.
 */
#include "mrv.h"
#include "core/rows.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static double jnum(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const struct mrv_param *param_of(const struct mrv_methodology *m, const char *sym)
{
	for (size_t i = 0; m && i < m->nparams; i++)
		if (!strcmp(m->params[i].symbol, sym))
			return &m->params[i];
	return NULL;
}

/* Table 3: the value of each per-unit parameter each unit (meter) was
 * computed with, its own or the project-wide one; only when the report has
 * per-unit values. */
static void units_table(lxw_worksheet *ws, lxw_row_t r, json_t *ms, lxw_format *bold)
{
	static const char *const h[] = {"Meter (unit i)", "Parameter", "Value", "Origin"};
	json_t *v, *p;
	size_t i, k;
	int any = 0;
	json_array_foreach(ms, i, v)
		any |= json_object_get(v, "parameters") != NULL;
	if (!any)
		return;
	worksheet_write_string(ws, r++, 0, "Table 3: Parameters per unit", bold);
	for (lxw_col_t c = 0; c < 4; c++)
		worksheet_write_string(ws, r, c, h[c], bold);
	r++;
	json_array_foreach(ms, i, v)
		json_array_foreach(json_object_get(v, "parameters"), k, p) {
			worksheet_write_string(ws, r, 0, jstr(v, "meter_id"), NULL);
			worksheet_write_string(ws, r, 1, jstr(p, "symbol"), NULL);
			worksheet_write_number(ws, r, 2, strtod(jstr(p, "value"), NULL), NULL);
			worksheet_write_string(ws, r, 3, !strcmp(jstr(p, "origin"), "unit") ? "the unit's own value" :
						   "the project-wide value", NULL);
			r++;
		}
}

static void input_tab(lxw_workbook *wb, json_t *rep, json_t *res, const struct mrv_methodology *m, lxw_format *bold)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Input");
	json_t *ps = json_object_get(res, "parameters"), *ms = json_object_get(res, "meters"), *v;
	json_t *data = json_object_get(res, "data");
	lxw_row_t r = 0;
	size_t i;
	char buf[64];

	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 7, 18, NULL);
	worksheet_write_string(ws, r++, 0, "Monitoring Report Sheet (Input)", bold);
	worksheet_write_string(ws, r, 0, "Report", NULL);
	worksheet_write_number(ws, r++, 1, jnum(rep, "id"), NULL);
	worksheet_write_string(ws, r, 0, "Project", NULL);
	worksheet_write_string(ws, r++, 1, jstr(rep, "project"), NULL);
	worksheet_write_string(ws, r, 0, "Methodology", NULL);
	worksheet_write_string(ws, r++, 1, jstr(res, "methodology"), NULL);
	worksheet_write_string(ws, r, 0, "Title", NULL);
	worksheet_write_string(ws, r++, 1, m ? m->title : "", NULL);
	worksheet_write_string(ws, r, 0, "Monitoring period", NULL);
	snprintf(buf, sizeof(buf), "%s to %s", jstr(rep, "period_from"), jstr(rep, "period_to"));
	worksheet_write_string(ws, r++, 1, buf, NULL);
	worksheet_write_string(ws, r, 0, "Status", NULL);
	worksheet_write_string(ws, r++, 1, jstr(rep, "status"), NULL);
	worksheet_write_string(ws, r, 0, "Verifier's comment", NULL);
	worksheet_write_string(ws, r++, 1, jstr(rep, "comment"), NULL);
	worksheet_write_string(ws, r, 0, "Data file", NULL);
	worksheet_write_string(ws, r++, 1, jstr(rep, "data_path"), NULL);
	worksheet_write_string(ws, r, 0, "Data SHA-256", NULL);
	worksheet_write_string(ws, r++, 1, jstr(rep, "data_sha256"), NULL);
	worksheet_write_string(ws, r, 0, "Rows in period", NULL);
	worksheet_write_number(ws, r++, 1, jnum(data, "rows_in_period"), NULL);
	worksheet_write_string(ws, r, 0, "Rows outside the period", NULL);
	worksheet_write_number(ws, r++, 1, jnum(data, "rows_skipped"), NULL);
	r++;
	worksheet_write_string(ws, r++, 0, "Table 1: Parameters", bold);
	{
		static const char *const h[] = {"Parameter", "Symbol (JCM)", "Description", "Value", "Unit",
						"Monitoring option", "Origin", "Source"};
		for (lxw_col_t c = 0; c < 8; c++)
			worksheet_write_string(ws, r, c, h[c], bold);
		r++;
	}
	json_array_foreach(ps, i, v) {
		const struct mrv_param *p = param_of(m, jstr(v, "symbol"));
		worksheet_write_string(ws, r, 0, jstr(v, "symbol"), NULL);
		worksheet_write_string(ws, r, 1, p ? p->symbol_doc : "", NULL);
		worksheet_write_string(ws, r, 2, p ? p->description : "", NULL);
		if (json_object_get(v, "value"))
			worksheet_write_number(ws, r, 3, strtod(jstr(v, "value"), NULL), NULL);
		else /* only per-unit values: Table 3 */
			worksheet_write_string(ws, r, 3, "per unit (Table 3)", NULL);
		worksheet_write_string(ws, r, 4, jstr(v, "unit"), NULL);
		worksheet_write_string(ws, r, 5, p ? p->options : "", NULL);
		worksheet_write_string(ws, r, 6, jstr(v, "origin"), NULL);
		worksheet_write_string(ws, r, 7, p ? p->source : "", NULL);
		r++;
	}
	r++;
	worksheet_write_string(ws, r++, 0, "Table 2: Meters", bold);
	{
		static const char *const h[] = {"Meter", "Rows", "Sum", "First", "Last", "Gaps", "Missing (s)",
						"Correction"};
		for (lxw_col_t c = 0; c < 8; c++)
			worksheet_write_string(ws, r, c, h[c], bold);
		r++;
	}
	json_array_foreach(ms, i, v) {
		worksheet_write_string(ws, r, 0, jstr(v, "meter_id"), NULL);
		worksheet_write_number(ws, r, 1, jnum(v, "rows"), NULL);
		worksheet_write_number(ws, r, 2, jnum(v, "sum"), NULL);
		worksheet_write_string(ws, r, 3, jstr(v, "first"), NULL);
		worksheet_write_string(ws, r, 4, jstr(v, "last"), NULL);
		worksheet_write_number(ws, r, 5, jnum(v, "gap_count"), NULL);
		worksheet_write_number(ws, r, 6, jnum(v, "missing_s"), NULL);
		worksheet_write_string(ws, r, 7, jstr(v, "correction"), NULL);
		r++;
	}
	units_table(ws, r + 1, ms, bold);
}

static void calc_tab(lxw_workbook *wb, json_t *res, lxw_format *bold)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Calculation");
	json_t *w;
	size_t i;
	lxw_row_t r = 0;
	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, 1, 18, NULL);
	worksheet_set_column(ws, 2, 2, 60, NULL);
	worksheet_write_string(ws, r++, 0, "Monitoring Report Sheet (Calculation)", bold);
	worksheet_write_string(ws, r, 0, "Item", bold);
	worksheet_write_string(ws, r, 1, "Value (tCO2e)", bold);
	worksheet_write_string(ws, r++, 2, "Equation", bold);
	worksheet_write_string(ws, r, 0, "Reference emissions RE_p", NULL);
	worksheet_write_number(ws, r, 1, jnum(res, "re_tco2e"), NULL);
	worksheet_write_string(ws, r++, 2, jstr(res, "re_equation"), NULL);
	worksheet_write_string(ws, r, 0, "Project emissions PE_p", NULL);
	worksheet_write_number(ws, r, 1, jnum(res, "pe_tco2e"), NULL);
	worksheet_write_string(ws, r++, 2, jstr(res, "pe_equation"), NULL);
	worksheet_write_string(ws, r, 0, "Emission reductions ER_p (exact)", NULL);
	worksheet_write_number(ws, r, 1, jnum(res, "er_exact_tco2e"), NULL);
	worksheet_write_string(ws, r++, 2, "ER_p = RE_p - PE_p", NULL);
	worksheet_write_string(ws, r, 0, "Emission reductions ER_p", bold);
	worksheet_write_number(ws, r, 1, jnum(res, "er_tco2e"), bold);
	worksheet_write_string(ws, r++, 2, "rounded down to whole tCO2e", NULL);
	r++;
	worksheet_write_string(ws, r++, 0, "Warnings", bold);
	json_array_foreach(json_object_get(res, "warnings"), i, w)
		worksheet_write_string(ws, r++, 0, json_string_value(w), NULL);
}

int mrv_report_export_xlsx(struct store *st, int64_t id, const char *path, struct c2c_err *err)
{
	json_t *rep, *res;
	lxw_workbook *wb;
	lxw_format *bold;
	lxw_error e;
	int rc = mrv_report_get(st, id, &rep, err);
	if (rc)
		return rc;
	res = json_object_get(rep, "result");
	if (!json_is_object(res)) {
		json_decref(rep);
		return c2c_err_set(err, C2C_EDB, "report %lld: its stored result is not JSON", (long long)id);
	}
	wb = rows_workbook_new(path);
	if (!wb) {
		json_decref(rep);
		return c2c_err_set(err, C2C_EIO, "%s: cannot create the workbook", path);
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	input_tab(wb, rep, res, mrv_methodology_find(jstr(res, "methodology")), bold);
	calc_tab(wb, res, bold);
	e = workbook_close(wb);
	json_decref(rep);
	if (e != LXW_NO_ERROR)
		return c2c_err_set(err, C2C_EIO, "%s: writing the workbook failed: %s", path, lxw_strerror(e));
	return 0;
}
