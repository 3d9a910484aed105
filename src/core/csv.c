/*
 * csv.c - libcsv driven as a streaming reader with row numbers and caps.
 */
#include "csv.h"
#include "utf8.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct csv_state {
	const char *name;
	csv_row_fn fn;
	void *ctx;
	struct c2c_err *err;
	int rc;             /* first error, sticky */
	struct csv_row row;
	char *store[CSV_FIELDS_MAX];
	size_t line;
};

/* libcsv grows its field buffer through this; refusing growth past the cap
 * is how a 10 MB field is stopped before it is ever held whole. */
static void *csv_capped_realloc(void *p, size_t n)
{
	if (n > CSV_FIELD_MAX + 1024)
		return NULL;
	return realloc(p, n);
}

static int csv_no_space(unsigned char c)
{
	(void)c;
	return 0; /* keep spaces: a name's spaces are part of it */
}

static void csv_on_field(void *data, size_t len, void *vst)
{
	struct csv_state *st = vst;
	size_t i = st->row.nfields;
	size_t bad;

	if (st->rc)
		return;
	if (i >= CSV_FIELDS_MAX) {
		st->rc = c2c_err_set(st->err, C2C_EINPUT,
				     "%s: row %zu: more than %d columns", st->name,
				     st->line + 1, CSV_FIELDS_MAX);
		return;
	}
	if (len > CSV_FIELD_MAX) {
		st->rc = c2c_err_set(st->err, C2C_EINPUT,
				     "%s: row %zu, column %zu: field is %zu bytes, more than the limit of %zu",
				     st->name, st->line + 1, i + 1, len, (size_t)CSV_FIELD_MAX);
		return;
	}
	bad = utf8_invalid_at(data ? data : "", len);
	if (bad != (size_t)-1) {
		st->rc = c2c_err_set(st->err, C2C_EINPUT,
				     "%s: row %zu, column %zu: invalid UTF-8 at byte %zu of the field",
				     st->name, st->line + 1, i + 1, bad + 1);
		c2c_err_hint(st->err, "save the file as UTF-8 (not Shift_JIS or CP932)");
		return;
	}
	free(st->store[i]);
	st->store[i] = malloc(len + 1);
	if (!st->store[i]) {
		st->rc = c2c_err_set(st->err, C2C_ENOMEM, "%s: out of memory", st->name);
		return;
	}
	if (len)
		memcpy(st->store[i], data, len);
	st->store[i][len] = '\0';
	if (memchr(st->store[i], '\0', len)) {
		st->rc = c2c_err_set(st->err, C2C_EINPUT,
				     "%s: row %zu, column %zu: field contains a NUL byte",
				     st->name, st->line + 1, i + 1);
		return;
	}
	st->row.field[i] = st->store[i];
	st->row.len[i] = len;
	st->row.nfields = i + 1;
}

static void csv_on_record(int term, void *vst)
{
	struct csv_state *st = vst;
	(void)term;
	st->line++;
	if (st->rc) {
		st->row.nfields = 0;
		return;
	}
	/* A blank line reaches here with no field: skip it. */
	if (st->row.nfields == 0)
		return;
	st->row.line = st->line;
	st->rc = st->fn(&st->row, st->ctx, st->err);
	st->row.nfields = 0;
}

static int csv_begin(struct csv_parser *p, struct csv_state *st)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return c2c_err_set(st->err, C2C_ENOMEM, "%s: cannot start the CSV parser", st->name);
	csv_set_realloc_func(p, csv_capped_realloc);
	csv_set_space_func(p, csv_no_space);
	return 0;
}

static int csv_parse_error(struct csv_parser *p, struct csv_state *st)
{
	int e = csv_error(p);
	if (st->rc)
		return st->rc;
	if (e == CSV_ENOMEM)
		return c2c_err_set(st->err, C2C_EINPUT,
				   "%s: row %zu, column %zu: field longer than the limit of %zu bytes",
				   st->name, st->line + 1, st->row.nfields + 1, (size_t)CSV_FIELD_MAX);
	return c2c_err_set(st->err, C2C_EINPUT, "%s: row %zu, column %zu: %s", st->name,
			   st->line + 1, st->row.nfields + 1,
			   e == CSV_EPARSE ? "malformed quoting (a quote inside an unquoted field, or an unclosed quote)"
					   : csv_strerror(e));
}

static void csv_end(struct csv_parser *p, struct csv_state *st)
{
	csv_free(p);
	for (size_t i = 0; i < CSV_FIELDS_MAX; i++)
		free(st->store[i]);
}

static void csv_state_init(struct csv_state *st, const char *name, csv_row_fn fn,
			   void *ctx, struct c2c_err *err)
{
	memset(st, 0, sizeof(*st));
	st->name = name;
	st->fn = fn;
	st->ctx = ctx;
	st->err = err;
}

static int csv_feed(struct csv_parser *p, struct csv_state *st, const char *buf, size_t n)
{
	if (csv_parse(p, buf, n, csv_on_field, csv_on_record, st) != n)
		return csv_parse_error(p, st);
	return st->rc;
}

/* The last record may have no newline: csv_fini hands it over. */
static int csv_finish(struct csv_parser *p, struct csv_state *st)
{
	if (csv_fini(p, csv_on_field, csv_on_record, st))
		return csv_parse_error(p, st);
	return st->rc;
}

int csv_read_stream(FILE *fp, const char *name, csv_row_fn fn, void *ctx,
		    struct c2c_err *err)
{
	struct csv_parser p;
	struct csv_state st;
	char buf[65536];
	size_t n;
	int rc;

	csv_state_init(&st, name, fn, ctx, err);
	if ((rc = csv_begin(&p, &st)))
		return rc;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if ((rc = csv_feed(&p, &st, buf, n)))
			goto out;
	if (ferror(fp))
		rc = c2c_err_set(err, C2C_EIO, "%s: read error", name);
	else
		rc = csv_finish(&p, &st);
out:
	csv_end(&p, &st);
	return rc;
}

int csv_read_mem(const char *data, size_t len, const char *name, csv_row_fn fn,
		 void *ctx, struct c2c_err *err)
{
	struct csv_parser p;
	struct csv_state st;
	int rc;

	csv_state_init(&st, name, fn, ctx, err);
	if ((rc = csv_begin(&p, &st)))
		return rc;
	if (!(rc = csv_feed(&p, &st, data, len)))
		rc = csv_finish(&p, &st);
	csv_end(&p, &st);
	return rc;
}

static const char *csv_digits(const char *p, size_t *n)
{
	*n = 0;
	while (*p >= '0' && *p <= '9') {
		p++;
		++*n;
	}
	return p;
}

int csv_decimal(const char *s, double *out)
{
	const char *p = s;
	size_t whole, frac, exp;
	double v;

	if (*p == '-' || *p == '+')
		p++;
	p = csv_digits(p, &whole);
	frac = 0;
	if (*p == '.')
		p = csv_digits(p + 1, &frac);
	if (!whole && !frac)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		p = csv_digits(p, &exp);
		if (!exp)
			return -1;
	}
	if (*p)
		return -1;
	v = strtod(s, NULL); /* an underflow to 0 is harmless; an overflow is refused */
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int csv_put_field(struct strbuf *out, const char *s)
{
	int rc = 0;
	if (!strpbrk(s, ",\"\r\n"))
		return strbuf_addstr(out, s);
	rc |= strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			rc |= strbuf_addch(out, '"');
		rc |= strbuf_addch(out, *s);
	}
	rc |= strbuf_addch(out, '"');
	return rc ? C2C_ENOMEM : 0;
}
