/*
 * rows.c - rows as CSV and XLSX (rows.h).  The XLSX side is Debian's
 * libxlsxwriter; version 1.1.4 writes only to a file, so the workbook is
 * written to a temporary file that is read back and removed at once.
 */
#include "rows.h"
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

void rows_columns(json_t *rows, const char *const *cols, const char *out[ROWS_COLS_MAX], size_t *n)
{
	size_t k = 0, r;
	json_t *row, *v;
	const char *key;

	if (cols) {
		while (cols[k] && k < ROWS_COLS_MAX) {
			out[k] = cols[k];
			k++;
		}
		*n = k;
		return;
	}
	json_array_foreach(rows, r, row) {
		json_object_foreach(row, key, v) {
			size_t c = 0;
			while (c < k && strcmp(out[c], key))
				c++;
			if (c == k && k < ROWS_COLS_MAX)
				out[k++] = key;
		}
	}
	*n = k;
}

int rows_cell_text(json_t *v, struct strbuf *sb)
{
	size_t i;
	json_t *e;
	char num[40];
	char *s;
	int rc = 0;

	if (!v) /* a row without this column */
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strbuf_add(sb, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		/* the shortest text that reads back as the same double */
		for (int prec = 6; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, json_real_value(v));
			if (strtod(num, NULL) == json_real_value(v))
				break;
		}
		return strbuf_addstr(sb, num);
	case JSON_TRUE:
		return strbuf_addstr(sb, "true");
	case JSON_FALSE:
		return strbuf_addstr(sb, "false");
	case JSON_ARRAY:
		json_array_foreach(v, i, e) {
			if (i)
				rc |= strbuf_addch(sb, ';');
			if (json_is_object(e))
				e = json_object_get(e, "name_ja") ? json_object_get(e, "name_ja")
								   : json_object_get(e, "id");
			rc |= rows_cell_text(e, sb);
		}
		return rc ? C2C_ENOMEM : 0;
	case JSON_OBJECT:
		if (!(s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER)))
			return C2C_ENOMEM;
		rc = strbuf_addstr(sb, s);
		free(s);
		return rc;
	default:
		return 0;
	}
}

int rows_csv(json_t *rows, const char *const *cols, int bom, int crlf, struct strbuf *out)
{
	const char *keys[ROWS_COLS_MAX];
	size_t ncol;
	struct strbuf cell;
	int rc = 0;

	rows_columns(rows, cols, keys, &ncol);
	strbuf_init(&cell, 0);
	if (bom)
		rc |= strbuf_addstr(out, "\xEF\xBB\xBF");
	for (size_t r = 0; r <= json_array_size(rows) && !rc; r++) {
		for (size_t c = 0; c < ncol; c++) {
			if (c)
				rc |= strbuf_addch(out, ',');
			strbuf_reset(&cell);
			if (r == 0)
				rc |= strbuf_addstr(&cell, keys[c]);
			else
				rc |= rows_cell_text(json_object_get(json_array_get(rows, r - 1), keys[c]), &cell);
			rc |= csv_put_field(out, strbuf_str(&cell));
		}
		rc |= strbuf_addstr(out, crlf ? "\r\n" : "\n");
	}
	strbuf_release(&cell);
	return rc ? C2C_ENOMEM : 0;
}

/* The largest integer a spreadsheet's double holds exactly. */
#define XLSX_EXACT_MAX 9007199254740992LL

static int is_table(json_t *v)
{
	return json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0));
}

json_t *rows_table_of(json_t *doc)
{
	const char *key;
	json_t *v;

	if (json_is_array(doc))
		return doc;
	if (is_table(json_object_get(doc, "rows")))
		return json_object_get(doc, "rows");
	json_object_foreach(doc, key, v)
		if (is_table(v))
			return v;
	/* a record whose tables sit in a part of it (a monitoring report's
	 * result holds its parameters and meters) */
	json_object_foreach(doc, key, v)
		if (json_is_object(v) && (v = rows_table_of(v)))
			return v;
	return NULL;
}

/* A worksheet's name: at most 31 characters, none of []:*?/\ (Excel's
 * rules), and not one the workbook has (libxlsxwriter refuses both). */
static lxw_worksheet *add_sheet(lxw_workbook *wb, const char *name)
{
	char clean[32];
	size_t n = 0;

	for (const char *p = name; *p && n < 31; p++)
		clean[n++] = strchr("[]:*?/\\", *p) ? '-' : *p;
	clean[n] = '\0';
	if (!n || workbook_get_worksheet_by_name(wb, clean))
		snprintf(clean, sizeof(clean), "sheet%d", (int)wb->num_sheets + 1);
	return workbook_add_worksheet(wb, clean);
}

static int write_sheet(lxw_workbook *wb, json_t *rows, const char *sheet)
{
	const char *keys[ROWS_COLS_MAX];
	size_t ncol;
	lxw_worksheet *ws = add_sheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb);
	struct strbuf cell;
	int rc = 0;

	if (!ws || !bold)
		return C2C_ENOMEM;
	rows_columns(rows, NULL, keys, &ncol);
	format_set_bold(bold);
	strbuf_init(&cell, 0);
	for (size_t c = 0; c < ncol; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, keys[c], bold);
	for (size_t r = 0; r < json_array_size(rows) && !rc; r++) {
		json_t *row = json_array_get(rows, r);
		for (size_t c = 0; c < ncol; c++) {
			json_t *v = json_object_get(row, keys[c]);
			lxw_row_t y = (lxw_row_t)(r + 1);
			lxw_col_t x = (lxw_col_t)c;
			if (json_is_integer(v) && llabs((long long)json_integer_value(v)) <= XLSX_EXACT_MAX) {
				worksheet_write_number(ws, y, x, (double)json_integer_value(v), NULL);
			} else if (json_is_real(v)) {
				worksheet_write_number(ws, y, x, json_real_value(v), NULL);
			} else if (v && !json_is_null(v)) {
				strbuf_reset(&cell);
				rc = rows_cell_text(v, &cell);
				if (!rc && cell.len)
					worksheet_write_string(ws, y, x, strbuf_str(&cell), NULL);
			}
		}
	}
	strbuf_release(&cell);
	return rc;
}

/* A record's single values as rows {name, value} (a part's values named
 * "part.name"), gathered into `summary`. */
static void record_values(json_t *doc, const char *prefix, json_t *summary)
{
	char name[256];
	const char *key;
	json_t *v;

	json_object_foreach(doc, key, v) {
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (json_is_object(v))
			record_values(v, name, summary);
		else if (!is_table(v))
			json_array_append_new(summary, json_pack("{s:s, s:O}", "name", name, "value", v));
	}
}

/* Each table of a record, and of its parts, as a sheet of its own. */
static int record_tables(lxw_workbook *wb, json_t *doc)
{
	const char *key;
	json_t *v;
	int rc = 0;

	json_object_foreach(doc, key, v)
		if (!rc && is_table(v))
			rc = write_sheet(wb, v, key);
		else if (!rc && json_is_object(v))
			rc = record_tables(wb, v);
	return rc;
}

/* A record's single values on a first sheet, then its tables. */
static int write_record(lxw_workbook *wb, json_t *doc)
{
	json_t *summary = json_array();
	int rc = 0;

	record_values(doc, "", summary);
	if (json_array_size(summary))
		rc = write_sheet(wb, summary, "summary");
	json_decref(summary);
	return rc ? rc : record_tables(wb, doc);
}

struct lxw_workbook *rows_workbook_new(const char *path)
{
	lxw_doc_properties props = {0};
	lxw_workbook *wb = workbook_new(path);
	props.created = 315532800; /* 1980-01-01T00:00:00Z; 0 would mean "now" */
	if (wb && workbook_set_properties(wb, &props) != LXW_NO_ERROR) {
		workbook_close(wb);
		return NULL;
	}
	return wb;
}

int rows_xlsx(json_t *doc, const char *sheet, struct strbuf *out, struct c2c_err *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	lxw_workbook *wb;
	lxw_error e;
	FILE *fp;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/c2c-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return c2c_err_set(err, C2C_EIO, "a temporary file for the workbook: %s", strerror(errno));
	close(fd);
	if (!(wb = rows_workbook_new(path))) {
		unlink(path);
		return c2c_err_set(err, C2C_EIO, "the workbook could not be started");
	}
	rc = json_is_array(doc) ? write_sheet(wb, doc, sheet) : write_record(wb, doc);
	if ((e = workbook_close(wb)) != LXW_NO_ERROR && !rc) {
		unlink(path);
		return c2c_err_set(err, C2C_EIO, "writing the workbook failed: %s", lxw_strerror(e));
	}
	if (rc) {
		unlink(path);
		return c2c_err_set(err, rc, "out of memory writing the workbook");
	}
	if (!(fp = fopen(path, "rb"))) {
		unlink(path);
		return c2c_err_set(err, C2C_EIO, "the workbook could not be read back: %s", strerror(errno));
	}
	rc = strbuf_read_stream(out, fp);
	fclose(fp);
	unlink(path);
	return rc ? c2c_err_set(err, rc, "the workbook could not be read back") : 0;
}
