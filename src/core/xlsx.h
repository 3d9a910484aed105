/*
 * xlsx.h - reading one worksheet of an .xlsx workbook as CSV rows (xlsx.c),
 * for every module that takes a spreadsheet people fill in Excel: a city's
 * GHG inventory, a JCM Monitoring Report Sheet.  libxlsxwriter, which writes
 * them (rows.c), does not read.
 */
#ifndef C2C_CORE_XLSX_H
#define C2C_CORE_XLSX_H

#include <stddef.h>

#include "csv.h"
#include "err.h"

/* The sheet named `sheet` (NULL: the first) of the workbook at `path`, each
 * row handed to fn as csv_read_stream() hands a CSV row (row->line is the
 * spreadsheet's row number; shared strings resolved, phonetic guides left
 * out).  Every part is read into a capped buffer. */
int xlsx_read(const char *path, const char *sheet, csv_row_fn fn, void *ctx, struct c2c_err *err);
/* The same from the bytes of a workbook; `name` names it in messages. */
int xlsx_read_mem(const char *data, size_t len, const char *name, const char *sheet, csv_row_fn fn, void *ctx,
		  struct c2c_err *err);

#endif
