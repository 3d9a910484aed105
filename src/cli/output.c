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
#include "core/csv.h"
#include "core/strbuf.h"
#include "core/utf8.h"

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

/* A cell as text: strings as they are (escaped for a terminal when `term`),
 * arrays joined with ';'. */
static void cell_text(json_t *v, struct strbuf *sb, int term)
{
	size_t i;
	json_t *e;
	char num[40];

	switch (json_typeof(v)) {
	case JSON_STRING:
		if (term)
			cli_term_text(json_string_value(v), sb);
		else
			strbuf_addstr(sb, json_string_value(v));
		break;
	case JSON_INTEGER:
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		for (int prec = 6; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, json_real_value(v));
			if (strtod(num, NULL) == json_real_value(v))
				break;
		}
		strbuf_addstr(sb, num);
		break;
	case JSON_TRUE:
		strbuf_addstr(sb, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(sb, "false");
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, e) {
			if (i)
				strbuf_addch(sb, ';');
			if (json_is_object(e))
				e = json_object_get(e, "name_ja") ? json_object_get(e, "name_ja")
								   : json_object_get(e, "id");
			cell_text(e, sb, term);
		}
		break;
	default:
		break;
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

static void collect_cols(json_t *rows, const char *const *cols, const char ***out, size_t *n)
{
	static const char *keys[128];
	size_t k = 0;
	if (cols) {
		while (cols[k] && k < 128) {
			keys[k] = cols[k];
			k++;
		}
	} else if (json_array_size(rows)) {
		const char *key;
		json_t *v;
		json_object_foreach(json_array_get(rows, 0), key, v) {
			if (k < 128)
				keys[k++] = key;
		}
	}
	*out = keys;
	*n = k;
}

static void print_table(json_t *rows, const char *const *cols)
{
	const char **keys;
	size_t ncol, nrow = json_array_size(rows);
	size_t *width;
	struct strbuf cell, line;

	collect_cols(rows, cols, &keys, &ncol);
	width = calloc(ncol ? ncol : 1, sizeof(*width));
	strbuf_init(&cell, 0);
	strbuf_init(&line, 0);
	for (size_t c = 0; c < ncol; c++)
		width[c] = utf8_width(keys[c]);
	for (size_t r = 0; r < nrow; r++)
		for (size_t c = 0; c < ncol; c++) {
			size_t w;
			strbuf_reset(&cell);
			cell_text(json_object_get(json_array_get(rows, r), keys[c]), &cell, 1);
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
				cell_text(json_object_get(json_array_get(rows, r - 1), keys[c]), &cell, 1);
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

static void print_csv(json_t *rows, const char *const *cols)
{
	const char **keys;
	size_t ncol;
	struct strbuf line, cell;
	/* a file keeps the text as stored (an export imports back the same);
	 * a terminal gets it escaped */
	int term = isatty(STDOUT_FILENO);

	collect_cols(rows, cols, &keys, &ncol);
	strbuf_init(&line, 0);
	strbuf_init(&cell, 0);
	for (size_t r = 0; r <= json_array_size(rows); r++) {
		strbuf_reset(&line);
		for (size_t c = 0; c < ncol; c++) {
			if (c)
				strbuf_addch(&line, ',');
			strbuf_reset(&cell);
			if (r == 0)
				strbuf_addstr(&cell, keys[c]);
			else
				cell_text(json_object_get(json_array_get(rows, r - 1), keys[c]), &cell, term);
			csv_put_field(&line, strbuf_str(&cell));
		}
		puts(strbuf_str(&line));
	}
	strbuf_release(&line);
	strbuf_release(&cell);
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
		print_csv(rows, cols);
	} else {
		print_table(rows, cols);
	}
	return 0;
}
