/*
 * xlsx.c - one worksheet of an .xlsx file (the first, or the one named),
 * read as CSV rows (xlsx.h).
 *
 * Why by hand: cities keep inventories in Excel, and libxlsxwriter only
 * writes.  An .xlsx is a zip of XML parts; reading one sheet needs the
 * workbook (which sheet is first), its relationships (which part holds it),
 * the shared strings and the sheet itself: libzip and expat do the zip and
 * the XML.  Rows are handed to the same callback as csv_read_stream(), so an
 * inventory file is checked by one code path whatever its format, and
 * messages name the spreadsheet row.  Every part is read into a capped
 * buffer (a zip bomb stops at the cap), and phonetic guides (<rPh>, the
 * furigana Japanese Excel stores beside a cell's text) are left out.
 */
#include "xlsx.h"
#include "strbuf.h"
#include "utf8.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_PART_MAX ((size_t)64 << 20)
#define XLSX_STRINGS_MAX 1000000

static int read_part(zip_t *z, const char *name, const char *path, struct strbuf *out,
		     int required, struct c2c_err *err)
{
	zip_file_t *f = zip_fopen(z, name, 0);
	char buf[65536];
	zip_int64_t n;

	if (!f) {
		if (!required)
			return C2C_ENOTFOUND;
		return c2c_err_set(err, C2C_EINPUT, "%s: not an .xlsx workbook (no %s)", path, name);
	}
	while ((n = zip_fread(f, buf, sizeof(buf))) > 0)
		if (strbuf_add(out, buf, (size_t)n)) {
			zip_fclose(f);
			return c2c_err_set(err, C2C_EINPUT, "%s: %s is larger than %zu MiB", path, name,
					   XLSX_PART_MAX >> 20);
		}
	zip_fclose(f);
	if (n < 0)
		return c2c_err_set(err, C2C_EINPUT, "%s: %s cannot be read from the zip", path, name);
	return 0;
}

/* expat names arrive as "prefix:local" only without namespace processing;
 * compare the local part so either spelling matches. */
static int is(const char *name, const char *local)
{
	const char *colon = strrchr(name, ':');
	return !strcmp(colon ? colon + 1 : name, local);
}

static const char *attr(const char **atts, const char *local)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (is(atts[i], local))
			return atts[i + 1];
	return NULL;
}

static int parse(const struct strbuf *xml, void *ud, XML_StartElementHandler start,
		 XML_EndElementHandler end, XML_CharacterDataHandler text, const char *path,
		 const char *part, struct c2c_err *err)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	int ok;
	if (!p)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	ok = XML_Parse(p, xml->buf ? xml->buf : "", (int)xml->len, 1) == XML_STATUS_OK;
	if (!ok)
		c2c_err_set(err, C2C_EINPUT, "%s: %s, line %lu: %s", path, part,
			    (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	return ok ? 0 : C2C_EINPUT;
}

/* ---- which part is the sheet wanted (the first, or the one named) ------------------- */

struct first_sheet {
	const char *want; /* the sheet's name, or NULL for the first */
	char rid[64];
	char target[256];
	int in_rels;
};

static void on_workbook(void *ud, const char *name, const char **atts)
{
	struct first_sheet *fs = ud;
	const char *id, *sname;
	if (fs->rid[0] || !is(name, "sheet") || !(id = attr(atts, "id")))
		return;
	if (fs->want && (!(sname = attr(atts, "name")) || strcmp(sname, fs->want)))
		return;
	snprintf(fs->rid, sizeof(fs->rid), "%s", id);
}

static void on_rels(void *ud, const char *name, const char **atts)
{
	struct first_sheet *fs = ud;
	const char *id, *target;
	if (!is(name, "Relationship") || !(id = attr(atts, "Id")) || strcmp(id, fs->rid) ||
	    !(target = attr(atts, "Target")))
		return;
	/* targets are relative to xl/, or absolute from the package root */
	if (target[0] == '/')
		snprintf(fs->target, sizeof(fs->target), "%s", target + 1);
	else
		snprintf(fs->target, sizeof(fs->target), "xl/%s", target);
}

static void on_end_nothing(void *ud, const char *name)
{
	(void)ud;
	(void)name;
}

/* ---- shared strings ---------------------------------------------------------------- */

struct strings {
	struct strbuf all;  /* every string, NUL-separated */
	size_t *off;
	size_t n, alloc;
	int in_t, in_rph, overflow;
};

static void on_sst_start(void *ud, const char *name, const char **atts)
{
	struct strings *s = ud;
	(void)atts;
	if (is(name, "si")) {
		if (s->n == s->alloc) {
			size_t na = s->alloc ? s->alloc * 2 : 256;
			size_t *no = na <= XLSX_STRINGS_MAX ? realloc(s->off, na * sizeof(*no)) : NULL;
			if (!no) {
				s->overflow = 1;
				return;
			}
			s->off = no;
			s->alloc = na;
		}
		s->off[s->n++] = s->all.len;
	} else if (is(name, "rPh")) {
		s->in_rph = 1;
	} else if (is(name, "t")) {
		s->in_t = 1;
	}
}

static void on_sst_end(void *ud, const char *name)
{
	struct strings *s = ud;
	if (is(name, "si"))
		s->overflow |= strbuf_addch(&s->all, '\0') != 0;
	else if (is(name, "rPh"))
		s->in_rph = 0;
	else if (is(name, "t"))
		s->in_t = 0;
}

static void on_sst_text(void *ud, const char *text, int len)
{
	struct strings *s = ud;
	if (s->in_t && !s->in_rph && s->n)
		s->overflow |= strbuf_add(&s->all, text, (size_t)len) != 0;
}

/* ---- the sheet ---------------------------------------------------------------------- */

struct sheet {
	const char *path;
	const struct strings *sst;
	csv_row_fn fn;
	void *ctx;
	struct c2c_err *err;
	int rc;
	size_t row_no;
	struct strbuf cell[CSV_FIELDS_MAX];
	size_t ncells;
	int cur;           /* column of the open cell, -1 outside */
	char type[16];
	int in_v, in_t, in_rph;
};

/* "BC12" -> column 54 (0-based), or -1. */
static int column_of(const char *ref)
{
	int c = 0, any = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, any = 1) {
		c = c * 26 + (*ref - 'A' + 1);
		if (c > CSV_FIELDS_MAX)
			return -2;
	}
	return any ? c - 1 : -1;
}

static void on_sheet_start(void *ud, const char *name, const char **atts)
{
	struct sheet *sh = ud;
	if (sh->rc)
		return;
	if (is(name, "row")) {
		const char *r = attr(atts, "r");
		sh->row_no = r ? strtoul(r, NULL, 10) : sh->row_no + 1;
		for (size_t i = 0; i < sh->ncells; i++)
			strbuf_reset(&sh->cell[i]);
		sh->ncells = 0;
	} else if (is(name, "c")) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		int col = r ? column_of(r) : (int)sh->ncells;
		if (sh->cur >= 0) { /* Excel never nests cells; its end would close both */
			sh->rc = c2c_err_set(sh->err, C2C_EINPUT, "%s: row %zu: a cell inside a cell", sh->path,
					     sh->row_no);
			return;
		}
		if (col < 0) {
			sh->rc = c2c_err_set(sh->err, C2C_EINPUT, "%s: row %zu: cell '%s' is beyond column %d",
					     sh->path, sh->row_no, r ? r : "?", CSV_FIELDS_MAX);
			return;
		}
		sh->cur = col;
		snprintf(sh->type, sizeof(sh->type), "%s", t ? t : "n");
		while (sh->ncells <= (size_t)col)
			strbuf_reset(&sh->cell[sh->ncells++]);
	} else if (is(name, "v")) {
		sh->in_v = 1;
	} else if (is(name, "rPh")) {
		sh->in_rph = 1;
	} else if (is(name, "t")) {
		sh->in_t = 1;
	}
}

static void on_sheet_text(void *ud, const char *text, int len)
{
	struct sheet *sh = ud;
	if (sh->rc || sh->cur < 0 || sh->in_rph || !(sh->in_v || sh->in_t))
		return;
	if (strbuf_add(&sh->cell[sh->cur], text, (size_t)len))
		sh->rc = c2c_err_set(sh->err, C2C_EINPUT, "%s: row %zu: a cell is too large", sh->path,
				     sh->row_no);
}

static void on_sheet_end(void *ud, const char *name)
{
	struct sheet *sh = ud;
	if (sh->rc)
		return;
	if (is(name, "v")) {
		sh->in_v = 0;
	} else if (is(name, "t")) {
		sh->in_t = 0;
	} else if (is(name, "rPh")) {
		sh->in_rph = 0;
	} else if (is(name, "c") && sh->cur >= 0) {
		struct strbuf *c = &sh->cell[sh->cur];
		if (!strcmp(sh->type, "s")) { /* an index into the shared strings */
			char *end;
			unsigned long k = strtoul(strbuf_str(c), &end, 10);
			if (!c->len || *end || k >= sh->sst->n) {
				sh->rc = c2c_err_set(sh->err, C2C_EINPUT,
						     "%s: row %zu, column %d: shared string '%s' does not exist",
						     sh->path, sh->row_no, sh->cur + 1, strbuf_str(c));
				return;
			}
			strbuf_reset(c);
			strbuf_addstr(c, sh->sst->all.buf + sh->sst->off[k]);
		} else if (!strcmp(sh->type, "b")) {
			int v = !strcmp(strbuf_str(c), "1");
			strbuf_reset(c);
			strbuf_addstr(c, v ? "TRUE" : "FALSE");
		}
		sh->cur = -1;
	} else if (is(name, "row")) {
		struct csv_row *row = calloc(1, sizeof(*row));
		if (!row) {
			sh->rc = c2c_err_set(sh->err, C2C_ENOMEM, "out of memory");
			return;
		}
		row->line = sh->row_no;
		row->nfields = sh->ncells ? sh->ncells : 1;
		for (size_t i = 0; i < row->nfields; i++) {
			row->field[i] = sh->ncells ? strbuf_str(&sh->cell[i]) : "";
			row->len[i] = sh->ncells ? sh->cell[i].len : 0;
			if (utf8_invalid_at(row->field[i], row->len[i]) != (size_t)-1) {
				sh->rc = c2c_err_set(sh->err, C2C_EINPUT, "%s: row %zu, column %zu: invalid UTF-8",
						     sh->path, row->line, i + 1);
				free(row);
				return;
			}
		}
		sh->rc = sh->fn(row, sh->ctx, sh->err);
		free(row);
	}
}

/* The workbook opened (from a file or from memory): the sheet read, the
 * archive closed. */
static int read_zip(zip_t *z, const char *path, const char *sheet, csv_row_fn fn, void *ctx, struct c2c_err *err)
{
	struct first_sheet fs = {.want = sheet};
	struct strings sst = {0};
	struct sheet *sh = NULL;
	struct strbuf part;
	int rc;

	strbuf_init(&part, XLSX_PART_MAX);
	strbuf_init(&sst.all, XLSX_PART_MAX);
	/* the first <sheet> of the workbook, through its relationship */
	if ((rc = read_part(z, "xl/workbook.xml", path, &part, 1, err)) ||
	    (rc = parse(&part, &fs, on_workbook, on_end_nothing, NULL, path, "xl/workbook.xml", err)))
		goto out;
	strbuf_reset(&part);
	if (!fs.rid[0]) {
		if (sheet)
			rc = c2c_err_set(err, C2C_EINPUT, "%s: the workbook has no sheet '%s'", path, sheet);
		else
			rc = c2c_err_set(err, C2C_EINPUT, "%s: the workbook has no sheet", path);
		goto out;
	}
	if ((rc = read_part(z, "xl/_rels/workbook.xml.rels", path, &part, 1, err)) ||
	    (rc = parse(&part, &fs, on_rels, on_end_nothing, NULL, path, "xl/_rels/workbook.xml.rels", err)))
		goto out;
	strbuf_reset(&part);
	if (!fs.target[0]) {
		rc = c2c_err_set(err, C2C_EINPUT, "%s: the sheet's part is not named", path);
		goto out;
	}
	rc = read_part(z, "xl/sharedStrings.xml", path, &part, 0, err);
	if (rc == 0) {
		if ((rc = parse(&part, &sst, on_sst_start, on_sst_end, on_sst_text, path,
				"xl/sharedStrings.xml", err)))
			goto out;
		if (sst.overflow) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s: too many or too large shared strings", path);
			goto out;
		}
	} else if (rc != C2C_ENOTFOUND) {
		goto out;
	}
	strbuf_reset(&part);
	if ((rc = read_part(z, fs.target, path, &part, 1, err)))
		goto out;
	if (!(sh = calloc(1, sizeof(*sh)))) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	sh->path = path;
	sh->sst = &sst;
	sh->fn = fn;
	sh->ctx = ctx;
	sh->err = err;
	sh->cur = -1;
	for (size_t i = 0; i < CSV_FIELDS_MAX; i++)
		strbuf_init(&sh->cell[i], CSV_FIELD_MAX);
	rc = parse(&part, sh, on_sheet_start, on_sheet_end, on_sheet_text, path, fs.target, err);
	if (sh->rc)
		rc = sh->rc; /* the callback's own error, not expat's */
	for (size_t i = 0; i < CSV_FIELDS_MAX; i++)
		strbuf_release(&sh->cell[i]);
out:
	free(sh);
	free(sst.off);
	strbuf_release(&sst.all);
	strbuf_release(&part);
	zip_discard(z);
	return rc;
}

int xlsx_read(const char *path, const char *sheet, csv_row_fn fn, void *ctx, struct c2c_err *err)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);

	if (!z) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		c2c_err_set(err, zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN ? C2C_EIO : C2C_EINPUT,
			    "%s: cannot open as .xlsx: %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return err->code;
	}
	return read_zip(z, path, sheet, fn, ctx, err);
}

int xlsx_read_mem(const char *data, size_t len, const char *name, const char *sheet, csv_row_fn fn, void *ctx,
		  struct c2c_err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;

	zip_error_init(&ze);
	/* freep 0: the caller keeps the bytes; the archive only reads them */
	if (!(src = zip_source_buffer_create(data, len, 0, &ze)) ||
	    !(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		c2c_err_set(err, C2C_EINPUT, "%s: cannot open as .xlsx: %s", name, zip_error_strerror(&ze));
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return C2C_EINPUT;
	}
	zip_error_fini(&ze);
	return read_zip(z, name, sheet, fn, ctx, err);
}
