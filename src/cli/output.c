/*
 * output.c - rows (a JSON array of objects) printed as an aligned table, as
 * CSV, or as JSON.  Table widths count Japanese characters as two columns,
 * and long cells are cut with an ellipsis so a row stays on one line.
 */
#include "core/json.h"
#include "cli.h"
#include "core/rows.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX_WIDTH 40

/* Cut s to at most `width` columns, adding "…" when cut. */
static void fit(const char *s, size_t width, struct strbuf *out)
{
	size_t w = 0;
	const char *p = s;
	if (utf8_width(s) <= width) {
		strbuf_addstr(out, s);
		return;
	}
	while (*p) {
		const char *q = p;
		char one[8] = {0};
		size_t cw;
		utf8_next(&q);
		memcpy(one, p, (size_t)(q - p) < 7 ? (size_t)(q - p) : 7);
		cw = utf8_width(one);
		if (w + cw > width - 1)
			break;
		strbuf_add(out, p, (size_t)(q - p));
		w += cw;
		p = q;
	}
	strbuf_addstr(out, "…");
}

static void print_table(json_t *rows, const char *const *cols)
{
	const char *keys[ROWS_COLS_MAX];
	size_t ncol, nrow = json_array_size(rows);
	size_t *width;
	struct strbuf cell, line;

	rows_columns(rows, cols, keys, &ncol);
	width = calloc(ncol ? ncol : 1, sizeof(*width));
	strbuf_init(&cell, 0);
	strbuf_init(&line, 0);
	for (size_t c = 0; c < ncol; c++)
		width[c] = utf8_width(keys[c]);
	for (size_t r = 0; r < nrow; r++)
		for (size_t c = 0; c < ncol; c++) {
			size_t w;
			strbuf_reset(&cell);
			rows_cell_text(json_object_get(json_array_get(rows, r), keys[c]), &cell);
			w = utf8_width(strbuf_str(&cell));
			if (w > CELL_MAX_WIDTH)
				w = CELL_MAX_WIDTH;
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r <= nrow; r++) {
		strbuf_reset(&line);
		for (size_t c = 0; c < ncol; c++) {
			size_t start = line.len, w;
			strbuf_reset(&cell);
			if (r == 0)
				strbuf_addstr(&cell, keys[c]);
			else
				rows_cell_text(json_object_get(json_array_get(rows, r - 1), keys[c]), &cell);
			fit(strbuf_str(&cell), CELL_MAX_WIDTH, &line);
			if (c + 1 < ncol) {
				w = utf8_width(line.buf + start);
				while (w++ < width[c] + 2)
					strbuf_addch(&line, ' ');
			}
		}
		puts(strbuf_str(&line));
	}
	fprintf(stderr, "(%zu row%s)\n", nrow, nrow == 1 ? "" : "s");
	strbuf_release(&cell);
	strbuf_release(&line);
	free(width);
}

int cli_print_rows(json_t *rows, enum cli_format fmt, const char *const *cols)
{
	if (fmt == FMT_JSON) {
		char *s = json_dumps(rows, C2C_JSON_FLAGS);
		if (!s)
			return C2C_ENOMEM;
		puts(s);
		free(s);
	} else if (fmt == FMT_CSV) {
		struct strbuf sb;
		int rc;
		strbuf_init(&sb, 0);
		if (!(rc = rows_csv(rows, cols, 0, 0, &sb)))
			fputs(strbuf_str(&sb), stdout);
		strbuf_release(&sb);
		if (rc)
			return rc;
	} else {
		print_table(rows, cols);
	}
	return 0;
}
