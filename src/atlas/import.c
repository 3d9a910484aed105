/*
 * import.c - CSV into an atlas table: every field checked against the table
 * description, references checked once the whole file is in, duplicates in
 * the file refused, rows upserted by primary key.  The caller holds the
 * transaction, so a file with one bad row changes nothing at all.
 */
#include "atlas.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/iso3166.h"
#include "core/strbuf.h"
#include "core/strlist.h"
#include "core/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ref_check {
	size_t line;
	size_t col;  /* descriptor index */
	char *value;
};

struct key_seen {
	char *key;
	size_t line;
};

struct import_ctx {
	struct store *st;
	const struct atlas_table *t;
	const char *name;
	int have_header;
	int colmap[CSV_FIELDS_MAX]; /* file column -> descriptor column */
	size_t nfile;
	struct store_stmt *upsert;
	struct ref_check *refs;
	size_t nrefs, arefs;
	struct key_seen *keys; /* open addressing, size akeys (power of 2) */
	size_t nkeys, akeys;
	size_t rows;
};

static int field_error(struct import_ctx *ic, size_t line, size_t col, struct c2c_err *err,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int field_error(struct import_ctx *ic, size_t line, size_t col, struct c2c_err *err,
		       const char *fmt, ...)
{
	char what[400];
	va_list ap;
	size_t filecol = 0;

	for (size_t i = 0; i < ic->nfile; i++)
		if ((size_t)ic->colmap[i] == col)
			filecol = i + 1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return c2c_err_at(err, C2C_EINPUT, ic->t->cols[col].name, "%s: row %zu, column %zu (%s): %s", ic->name,
			  line, filecol, ic->t->cols[col].name, what);
}

static int enum_has(const char *values, const char *v)
{
	return strlist_has(values, '|', v, strlen(v));
}

/* Quote a field for a message, shortened so a 1 MB field stays one line. */
static const char *shown(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v);
	if (n + 1 <= len - 4) {
		snprintf(buf, len, "%s", v);
		return buf;
	}
	n = len - 8;
	while (n && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--; /* do not cut a character in half */
	snprintf(buf, len, "%.*s...", (int)n, v);
	return buf;
}

static int check_value(struct import_ctx *ic, size_t line, size_t c, const char *v,
		       struct c2c_err *err)
{
	const struct atlas_col *col = &ic->t->cols[c];
	char why[128], sv[80];
	char *end;

	if (!*v) {
		if (col->flags & COL_REQUIRED)
			return field_error(ic, line, c, err, "may not be empty");
		return 0;
	}
	switch (col->type) {
	case AT_TEXT:
		if (utf8_text_check(v, col->max > 0 ? (size_t)col->max : 0, col->flags & COL_LINES ? UTF8_TEXT_LINES : 0,
				    why, sizeof(why)))
			return field_error(ic, line, c, err, "the text %s", why);
		return 0;
	case AT_ID:
		if (strlen(v) > 64)
			return field_error(ic, line, c, err, "id longer than 64 characters");
		for (const char *p = v; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
				return field_error(ic, line, c, err,
						   "'%s' is not an id (lower-case letters, digits and '-')",
						   shown(v, sv, sizeof(sv)));
		return 0;
	case AT_COUNTRY:
		if (!iso3166_is_code(v))
			return field_error(ic, line, c, err,
					   "unknown country code '%s' (ISO 3166-1 alpha-2, upper case, e.g. JP, VN)",
					   shown(v, sv, sizeof(sv)));
		return 0;
	case AT_DATE:
		if (date_check(v, why, sizeof(why)))
			return field_error(ic, line, c, err, "'%s' is not a date: %s",
					   shown(v, sv, sizeof(sv)), why);
		return 0;
	case AT_INT: {
		long long n;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || *end || end == v || isspace((unsigned char)*v))
			return field_error(ic, line, c, err, "'%s' is not a whole number",
					   shown(v, sv, sizeof(sv)));
		if (col->min < col->max && (n < col->min || n > col->max))
			return field_error(ic, line, c, err, "%lld is out of range %.0f..%.0f", n,
					   col->min, col->max);
		return 0;
	}
	case AT_REAL: {
		double d;
		if (csv_decimal(v, &d))
			return field_error(ic, line, c, err, "'%s' is not a number (decimal digits, e.g. 36.69)",
					   shown(v, sv, sizeof(sv)));
		if (col->min < col->max && (d < col->min || d > col->max))
			return field_error(ic, line, c, err, "%s is out of range %g..%g",
					   shown(v, sv, sizeof(sv)), col->min, col->max);
		return 0;
	}
	case AT_ENUM:
		if (!enum_has(col->values, v))
			return field_error(ic, line, c, err, "'%s' is not one of %s",
					   shown(v, sv, sizeof(sv)), col->values);
		return 0;
	case AT_FYLIST: {
		long prev = 0;
		const char *p = v;
		while (*p) {
			long y;
			if (!isdigit((unsigned char)*p))
				goto badfy;
			y = strtol(p, &end, 10);
			if (end - p != 4 || y < 1990 || y > 2100 || y <= prev)
				goto badfy;
			prev = y;
			p = end;
			if (*p == ';' && p[1])
				p++;
			else if (*p)
				goto badfy;
		}
		return 0;
	badfy:
		return field_error(ic, line, c, err,
				   "'%s' is not a list of fiscal years like 2020;2021 (ascending)",
				   shown(v, sv, sizeof(sv)));
	}
	case AT_REF:
		return 0; /* checked when the whole file is in */
	}
	return 0;
}

static int bind_value(struct store_stmt *s, int idx, const struct atlas_col *col, const char *v)
{
	if (!*v)
		return store_bind_null(s, idx);
	if (col->type == AT_INT)
		return store_bind_int(s, idx, strtoll(v, NULL, 10));
	if (col->type == AT_REAL)
		return store_bind_double(s, idx, strtod(v, NULL));
	return store_bind_text(s, idx, v);
}

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Remember a key; returns the line it was first seen on, or 0 if new. */
static size_t key_remember(struct import_ctx *ic, const char *key, size_t line, int *oom)
{
	size_t i;
	if ((ic->nkeys + 1) * 2 > ic->akeys) {
		size_t na = ic->akeys ? ic->akeys * 2 : 256;
		struct key_seen *nk = calloc(na, sizeof(*nk));
		if (!nk) {
			*oom = 1;
			return 0;
		}
		for (i = 0; i < ic->akeys; i++) {
			size_t j;
			if (!ic->keys[i].key)
				continue;
			for (j = key_hash(ic->keys[i].key) & (na - 1); nk[j].key; j = (j + 1) & (na - 1))
				;
			nk[j] = ic->keys[i];
		}
		free(ic->keys);
		ic->keys = nk;
		ic->akeys = na;
	}
	for (i = key_hash(key) & (ic->akeys - 1); ic->keys[i].key; i = (i + 1) & (ic->akeys - 1))
		if (!strcmp(ic->keys[i].key, key))
			return ic->keys[i].line;
	if (!(ic->keys[i].key = strdup(key))) {
		*oom = 1;
		return 0;
	}
	ic->keys[i].line = line;
	ic->nkeys++;
	return 0;
}

static int read_header(struct import_ctx *ic, const struct csv_row *row, struct c2c_err *err)
{
	const struct atlas_table *t = ic->t;
	int seen[CSV_FIELDS_MAX] = {0};

	for (size_t i = 0; i < row->nfields; i++) {
		const char *h = row->field[i];
		int found = -1;
		if (i == 0 && !strncmp(h, "\xEF\xBB\xBF", 3))
			h += 3; /* a BOM, as Excel writes one */
		for (size_t c = 0; c < t->ncols; c++)
			if (!strcmp(t->cols[c].name, h))
				found = (int)c;
		if (found < 0) {
			c2c_err_set(err, C2C_EINPUT, "%s: row 1, column %zu: unknown column '%s' for table %s",
				    ic->name, i + 1, h, t->name);
			goto columns_hint;
		}
		if (seen[found]++)
			return c2c_err_set(err, C2C_EINPUT, "%s: row 1, column %zu: column '%s' appears twice",
					   ic->name, i + 1, h);
		ic->colmap[i] = found;
	}
	for (size_t c = 0; c < t->ncols; c++)
		if (!seen[c]) {
			c2c_err_set(err, C2C_EINPUT, "%s: row 1: column '%s' is missing", ic->name,
				    t->cols[c].name);
			goto columns_hint;
		}
	ic->nfile = row->nfields;
	ic->have_header = 1;
	return 0;

columns_hint: {
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	for (size_t c = 0; c < t->ncols; c++)
		strbuf_addf(&sb, "%s%s", c ? "," : "", t->cols[c].name);
	c2c_err_hint(err, "the header of %s is: %s", t->name, strbuf_str(&sb));
	strbuf_release(&sb);
	return C2C_EINPUT;
}
}

static int prepare_upsert(struct import_ctx *ic, struct c2c_err *err)
{
	const struct atlas_table *t = ic->t;
	struct strbuf sb;
	const char *sep = "";
	int rc = 0;

	strbuf_init(&sb, 0);
	rc |= strbuf_addf(&sb, "INSERT INTO \"%s\" (", t->name);
	for (size_t c = 0; c < t->ncols; c++)
		rc |= strbuf_addf(&sb, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
	rc |= strbuf_addstr(&sb, ") VALUES (");
	for (size_t c = 0; c < t->ncols; c++)
		rc |= strbuf_addstr(&sb, c ? ", ?" : "?");
	rc |= strbuf_addstr(&sb, ") ON CONFLICT (");
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].flags & COL_KEY) {
			rc |= strbuf_addf(&sb, "%s\"%s\"", sep, t->cols[c].name);
			sep = ", ";
		}
	rc |= strbuf_addstr(&sb, ") DO UPDATE SET ");
	sep = "";
	for (size_t c = 0; c < t->ncols; c++)
		if (!(t->cols[c].flags & COL_KEY)) {
			rc |= strbuf_addf(&sb, "%s\"%s\" = excluded.\"%s\"", sep, t->cols[c].name,
					  t->cols[c].name);
			sep = ", ";
		}
	if (rc) {
		strbuf_release(&sb);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	rc = store_prepare(ic->st, strbuf_str(&sb), &ic->upsert, err);
	strbuf_release(&sb);
	return rc;
}

static int remember_ref(struct import_ctx *ic, size_t line, size_t c, const char *v,
			struct c2c_err *err)
{
	if (ic->nrefs == ic->arefs) {
		size_t na = ic->arefs ? ic->arefs * 2 : 64;
		struct ref_check *nr = realloc(ic->refs, na * sizeof(*nr));
		if (!nr)
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		ic->refs = nr;
		ic->arefs = na;
	}
	if (!(ic->refs[ic->nrefs].value = strdup(v)))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	ic->refs[ic->nrefs].line = line;
	ic->refs[ic->nrefs].col = c;
	ic->nrefs++;
	return 0;
}

static int import_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct import_ctx *ic = vctx;
	const struct atlas_table *t = ic->t;
	const char *vals[CSV_FIELDS_MAX];
	struct strbuf key;
	size_t first;
	int rc, oom = 0;

	if (!ic->have_header)
		return read_header(ic, row, err);
	if (row->nfields != ic->nfile)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu columns, expected %zu", ic->name,
				   row->line, row->nfields, ic->nfile);
	for (size_t i = 0; i < row->nfields; i++)
		vals[ic->colmap[i]] = row->field[i];
	for (size_t c = 0; c < t->ncols; c++) {
		if ((rc = check_value(ic, row->line, c, vals[c], err)))
			return rc;
		if ((t->cols[c].type == AT_REF || (t->cols[c].type == AT_COUNTRY &&
						   strcmp(t->name, "countries"))) &&
		    *vals[c] && (rc = remember_ref(ic, row->line, c, vals[c], err)))
			return rc;
	}
	strbuf_init(&key, 0);
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].flags & COL_KEY) {
			strbuf_addstr(&key, vals[c]);
			strbuf_addch(&key, '\x1f');
		}
	first = key_remember(ic, strbuf_str(&key), row->line, &oom);
	strbuf_release(&key);
	if (oom)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (first)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: the same %s as row %zu (%s)", ic->name,
				   row->line, "key", first, vals[0]);
	store_reset(ic->upsert);
	for (size_t c = 0; c < t->ncols; c++)
		bind_value(ic->upsert, (int)c + 1, &t->cols[c], vals[c]);
	if ((rc = store_step(ic->upsert, err)) < 0) {
		c2c_err_prefix(err, "%s: row %zu", ic->name, row->line);
		return rc;
	}
	ic->rows++;
	return 0;
}

static int check_refs(struct import_ctx *ic, struct c2c_err *err)
{
	struct store_stmt *q = NULL;
	const char *cur = NULL;
	int rc = 0;

	for (size_t i = 0; i < ic->nrefs && !rc; i++) {
		const struct atlas_col *col = &ic->t->cols[ic->refs[i].col];
		const char *target = col->type == AT_COUNTRY ? "countries" : col->values;
		if (cur != target) {
			char sql[160];
			store_finalize(q);
			q = NULL;
			snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?", target,
				 col->type == AT_COUNTRY ? "code" : "id");
			if ((rc = store_prepare(ic->st, sql, &q, err)))
				break;
			cur = target;
		}
		store_reset(q);
		store_bind_text(q, 1, ic->refs[i].value);
		rc = store_step(q, err);
		if (rc == 1) {
			rc = 0;
		} else if (rc == 0) {
			rc = field_error(ic, ic->refs[i].line, ic->refs[i].col, err,
					 "'%s' is not in %s", ic->refs[i].value, target);
			c2c_err_hint(err, "import the %s row first, or correct the id", target);
		}
	}
	store_finalize(q);
	return rc;
}

/* The line of this file that holds key `key` (a one-column key), or 0. */
static size_t key_line(const struct import_ctx *ic, const char *key)
{
	char k[80];
	if (!ic->akeys || snprintf(k, sizeof(k), "%s\x1f", key) >= (int)sizeof(k))
		return 0;
	for (size_t i = key_hash(k) & (ic->akeys - 1); ic->keys[i].key; i = (i + 1) & (ic->akeys - 1))
		if (!strcmp(ic->keys[i].key, k))
			return ic->keys[i].line;
	return 0;
}

/* A column that refers to its own table (a place's parent_id) must form a
 * tree: no row its own ancestor.  Checked on the table as the file leaves
 * it, so a cycle closed through rows already stored is found too; the
 * database was acyclic before, so some row of the cycle is in this file,
 * and that row is named.  The walk stops at 64 generations: deeper than any
 * real hierarchy, and it bounds a cycle that does not pass its start. */
static int check_cycles(struct import_ctx *ic, struct c2c_err *err)
{
	const struct atlas_table *t = ic->t;
	int rc = 0;

	for (size_t c = 0; c < t->ncols && !rc; c++) {
		const struct atlas_col *col = &t->cols[c];
		struct store_stmt *q = NULL;
		char sql[640];
		if (col->type != AT_REF || strcmp(col->values, t->name))
			continue;
		snprintf(sql, sizeof(sql),
			 "WITH RECURSIVE up(start, id, depth) AS ("
			 " SELECT \"%1$s\", \"%2$s\", 1 FROM \"%3$s\" WHERE \"%2$s\" IS NOT NULL"
			 " UNION ALL SELECT up.start, r.\"%2$s\", up.depth + 1 FROM up JOIN \"%3$s\" r"
			 " ON r.\"%1$s\" = up.id WHERE r.\"%2$s\" IS NOT NULL AND up.id <> up.start"
			 " AND up.depth < 64)"
			 " SELECT start, depth FROM up WHERE id = start ORDER BY depth, start",
			 t->cols[0].name, col->name, t->name);
		if ((rc = store_prepare(ic->st, sql, &q, err)))
			return rc;
		while ((rc = store_step(q, err)) == 1) {
			const char *id = store_col_text(q, 0);
			size_t line = key_line(ic, id);
			long long depth = store_col_int(q, 1);
			if (!line)
				continue;
			if (depth == 1)
				rc = field_error(ic, line, c, err, "'%s' is its own %s", id, col->name);
			else
				rc = field_error(ic, line, c, err,
						 "'%s' would be its own ancestor (a cycle of %lld %s)", id,
						 depth, t->name);
			break;
		}
		store_finalize(q);
	}
	return rc < 0 ? rc : 0;
}

static void import_release(struct import_ctx *ic)
{
	store_finalize(ic->upsert);
	for (size_t i = 0; i < ic->nrefs; i++)
		free(ic->refs[i].value);
	free(ic->refs);
	for (size_t i = 0; i < ic->akeys; i++)
		free(ic->keys[i].key);
	free(ic->keys);
}

static int import_finish(struct import_ctx *ic, int rc, size_t *rows, struct c2c_err *err)
{
	if (!rc && !ic->have_header)
		rc = c2c_err_set(err, C2C_EINPUT, "%s: empty file, expected a header row", ic->name);
	if (!rc)
		rc = check_refs(ic, err);
	if (!rc)
		rc = check_cycles(ic, err);
	if (rows)
		*rows = ic->rows;
	import_release(ic);
	return rc;
}

int atlas_import_stream(struct store *st, const struct atlas_table *t, FILE *fp,
			const char *name, size_t *rows, struct c2c_err *err)
{
	struct import_ctx ic = {.st = st, .t = t, .name = name};
	int rc = prepare_upsert(&ic, err);
	if (!rc)
		rc = csv_read_stream(fp, name, import_row, &ic, err);
	return import_finish(&ic, rc, rows, err);
}

int atlas_import_mem(struct store *st, const struct atlas_table *t, const char *data,
		     size_t len, const char *name, size_t *rows, struct c2c_err *err)
{
	struct import_ctx ic = {.st = st, .t = t, .name = name};
	int rc = prepare_upsert(&ic, err);
	if (!rc)
		rc = csv_read_mem(data, len, name, import_row, &ic, err);
	return import_finish(&ic, rc, rows, err);
}
