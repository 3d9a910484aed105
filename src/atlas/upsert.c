/*
 * upsert.c - one row into an atlas table from code (the programme's
 * selections become partnerships and projects, new domino edges are
 * recorded).  It goes through the CSV import on purpose: the row is checked
 * by exactly the rules a CSV file is, references included, so a row written
 * by another module can never be one an import would refuse.
 */
#include "atlas.h"
#include "core/csv.h"
#include "core/strbuf.h"

int atlas_upsert_row(struct store *st, const struct atlas_table *t, const char *const *vals,
		     const char *name, struct c2c_err *err)
{
	struct strbuf sb;
	int rc = 0;

	strbuf_init(&sb, 0);
	for (size_t c = 0; c < t->ncols; c++)
		rc |= strbuf_addf(&sb, "%s%s", c ? "," : "", t->cols[c].name);
	rc |= strbuf_addch(&sb, '\n');
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			rc |= strbuf_addch(&sb, ',');
		rc |= csv_put_field(&sb, vals[c] ? vals[c] : "");
	}
	rc |= strbuf_addch(&sb, '\n');
	if (rc) {
		strbuf_release(&sb);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	rc = atlas_import_mem(st, t, sb.buf, sb.len, name, NULL, err);
	strbuf_release(&sb);
	return rc;
}
