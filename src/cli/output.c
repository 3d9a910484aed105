/*
 * output.c - rows (a JSON array of objects) printed as an aligned table, as
 * CSV, or as JSON.  Table widths count Japanese characters as two columns,
 * and long cells are cut with an ellipsis so a row stays on one line.
 * What reaches a terminal is escaped (cli_term_text): a control character
 * or a bidirectional override stored before c2c refused them, or in a
 * message that quotes bad input, must not move the cursor, recolour or
 * retitle the operator's terminal, or reverse the text shown.
 */
#include "core/json.h"
#include "cli.h"
#include "core/rows.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CELL_MAX_WIDTH 40

void cli_term_text(const char *s, struct strbuf *out)
{
	const char *p = s;
	if (utf8_invalid_at(s, strlen(s)) != (size_t)-1) {
		/* not UTF-8: every byte outside printable ASCII as \xHH */
		for (; *p; p++) {
			unsigned char c = (unsigned char)*p;
			if (c < 0x20 || c >= 0x7F)
				strbuf_addf(out, "\\x%02X", c);
			else
				strbuf_addch(out, (char)c);
		}
		return;
	}
	while (*p) {
		const char *q = p;
		unsigned cp = utf8_next(&q);
		if (cp == '\n')
			strbuf_addstr(out, "\\n");
		else if (cp == '\t')
			strbuf_addstr(out, "\\t");
		else if (cp < 0x20 || cp == 0x7F)
			strbuf_addf(out, "\\x%02X", cp);
		else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			strbuf_addf(out, "\\u%04X", cp);
		else
			strbuf_add(out, p, (size_t)(q - p));
		p = q;
	}
}

void cli_term_fputs(const char *s, FILE *fp)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	cli_term_text(s, &sb);
	fputs(strbuf_str(&sb), fp);
	strbuf_release(&sb);
}

/* The rows with every string escaped for a terminal (cli_term_text),
 * so that the table and the CSV written to a terminal cannot carry an
 * escape sequence or a bidi override to it. */
static json_t *term_copy(json_t *v)
{
	size_t i;
	const char *k;
	json_t *e, *out;
	struct strbuf sb;

	switch (json_typeof(v)) {
	case JSON_STRING:
		strbuf_init(&sb, 0);
		cli_term_text(json_string_value(v), &sb);
		out = json_string(strbuf_str(&sb));
		strbuf_release(&sb);
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, e) json_array_append_new(out, term_copy(e));
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach(v, k, e) json_object_set_new(out, k, term_copy(e));
		return out;
	default:
		return json_incref(v);
	}
}

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
		/* a file keeps the text as stored (an export imports back the
		 * same); a terminal gets it escaped */
		json_t *shown = isatty(STDOUT_FILENO) ? term_copy(rows) : json_incref(rows);
		struct strbuf sb;
		int rc;
		/* no cap but memory: a registry's whole journal is more than the
		 * default 64 MB (10^5 entries were, and failed "unknown error") */
		strbuf_init(&sb, SIZE_MAX / 4);
		if (!(rc = rows_csv(shown, cols, 0, 0, &sb)))
			fputs(strbuf_str(&sb), stdout);
		strbuf_release(&sb);
		json_decref(shown);
		if (rc)
			return rc;
	} else {
		/* a table is for reading on a terminal: always escaped */
		json_t *shown = term_copy(rows);
		print_table(shown, cols);
		json_decref(shown);
	}
	return 0;
}
