/*
 * csv.h - streaming CSV (RFC 4180) reading on top of Debian's libcsv, with
 * what libcsv leaves to its caller: a row callback with the row number, a
 * hard cap on one field, UTF-8 validation, and errors that name the row and
 * column.  Writing is quote-when-needed, so exports stay readable.
 */
#ifndef C2C_CORE_CSV_H
#define C2C_CORE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "strbuf.h"

/* The longest field c2c accepts; anything longer is refused by name. */
#define CSV_FIELD_MAX ((size_t)1 << 20)
#define CSV_FIELDS_MAX 256

struct csv_row {
	size_t line;            /* 1-based record number in the file (header = 1) */
	size_t nfields;
	const char *field[CSV_FIELDS_MAX]; /* NUL-terminated */
	size_t len[CSV_FIELDS_MAX];
};

/* Return 0 to go on, or a negative code (with err filled) to stop. */
typedef int (*csv_row_fn)(const struct csv_row *row, void *ctx, struct c2c_err *err);

/* Reads the whole stream, calling fn per record.  `name` is used in
 * messages ("places.csv: row 12, column 3: ...").  Returns 0 or the error. */
int csv_read_stream(FILE *fp, const char *name, csv_row_fn fn, void *ctx,
		    struct c2c_err *err);
int csv_read_mem(const char *data, size_t len, const char *name, csv_row_fn fn,
		 void *ctx, struct c2c_err *err);

/* A number as a file may write it: decimal digits with an optional sign,
 * point and exponent ("-12.5", "3e6"), the whole field, finite.  strtod
 * alone also takes hex floats ("0x1p3"), "inf", "nan" and leading spaces,
 * none of which a person meant in a spreadsheet.  Returns 0 and the value,
 * or -1 (*out untouched). */
int csv_decimal(const char *s, double *out);

/* Append one field, quoted if it holds , " CR or LF. */
int csv_put_field(struct strbuf *out, const char *s);

#endif
