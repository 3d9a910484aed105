/*
 * rows.h - a list of rows (a JSON array of objects) as a spreadsheet: its
 * columns, each cell as text, the whole as CSV or as an XLSX workbook.
 *
 * One piece for every face that hands rows to a person: the CLI's
 * `--format csv` and the API's `?format=csv|xlsx` (the pages' download
 * links) write the same cells, so an export from the browser and one from
 * the shell cannot disagree.
 */
#ifndef C2C_CORE_ROWS_H
#define C2C_CORE_ROWS_H

#include <jansson.h>

#include "err.h"
#include "strbuf.h"

/* The most columns a sheet gets; further keys are left out. */
#define ROWS_COLS_MAX 128

/* The columns: `cols` when given (NULL-terminated), else every key of the
 * rows in the order it first appears.  The names point into `cols` or the
 * rows; *n gets the count. */
void rows_columns(json_t *rows, const char *const *cols, const char *out[ROWS_COLS_MAX], size_t *n);

/* A cell as text: strings as they are, numbers exactly, arrays joined with
 * ';' (an object in one by its name_ja, else its id), an object as its
 * JSON text, null as nothing. */
int rows_cell_text(json_t *v, struct strbuf *sb);

/* The rows as CSV (RFC 4180, "\r\n" line ends when `crlf`), a header line
 * of the column names first; `bom` puts the UTF-8 byte order mark first so
 * that Excel in Japanese reads it as UTF-8. */
int rows_csv(json_t *rows, const char *const *cols, int bom, int crlf, struct strbuf *out);

/* The table of a record (a JSON object, such as an inventory with its rows
 * or a report with its periods): its member "rows" when that is a list of
 * objects, else its first member that is; NULL when it holds none.  A list
 * is its own table. */
json_t *rows_table_of(json_t *doc);

/* `doc` as one XLSX workbook in `out`: a list as one sheet named `sheet`; a
 * record as a sheet "summary" of its single values (name, value) and a
 * sheet per member that is a list of objects.  A bold header; integers and
 * reals as numbers (an integer beyond 2^53, which a spreadsheet would
 * round, as text); everything else as text. */
int rows_xlsx(json_t *doc, const char *sheet, struct strbuf *out, struct c2c_err *err);
/* A new workbook at `path` (libxlsxwriter's workbook_new) whose bytes
 * depend on what is written in it only: its "created" property is fixed at
 * 1980-01-01, the time libxlsxwriter gives every entry of the zip, not the
 * second it was written.  The same data exported twice is the same file, so
 * an export can be compared by its hash (tests/pg.sh compares SQLite's and
 * PostgreSQL's).  Every workbook c2c writes starts here. */
struct lxw_workbook;
struct lxw_workbook *rows_workbook_new(const char *path);

#endif
