/*
 * fuzz_xlsx.c - libFuzzer target for the XLSX reader (core/xlsx.c): a zip of
 * XML parts written by whatever spreadsheet a city uses, read with libzip
 * and expat into the rows of the CSV path.
 *
 * Mutating a zip's bytes mostly breaks its checksums and never reaches our
 * code, so the input is usually the parts themselves: if the first byte is
 * even, the rest is the workbook, its relationships, the shared strings and
 * the sheet, separated by NUL bytes, and the harness zips them (stored, in
 * memory); if odd, the rest is the .xlsx file as it comes.  The file goes
 * through one scratch file, rewritten per run.  Every row handed over must
 * have its fields in range and NUL-terminated, and every failure must say
 * what it is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/xlsx.h"
#include "scratch_file.h"


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	scratch_open("fuzz_xlsx");
	return 0;
}

static int on_row(const struct csv_row *row, void *ctx, struct c2c_err *err)
{
	size_t *rows = ctx;
	(void)err;
	if (row->nfields > CSV_FIELDS_MAX)
		abort();
	for (size_t i = 0; i < row->nfields; i++)
		if (strlen(row->field[i]) != row->len[i] || row->len[i] > CSV_FIELD_MAX)
			abort();
	(*rows)++;
	return 0;
}

/* The parts zipped in memory, written to the scratch file. */
static void put_parts(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
					    "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_int64_t len;
	size_t at = 0;
	char *buf;

	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)))
		abort();
	zip_source_keep(src);
	if (!(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)))
		abort();
	for (size_t i = 0; i < 4 && at <= size; i++) {
		const uint8_t *nul = memchr(data + at, 0, size - at);
		size_t n = nul ? (size_t)(nul - (data + at)) : size - at;
		zip_source_t *part = zip_source_buffer(za, data + at, n, 0);
		zip_int64_t idx;
		if (!part || (idx = zip_file_add(za, names[i], part, ZIP_FL_OVERWRITE)) < 0)
			abort();
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		at += n + 1;
	}
	if (zip_close(za))
		abort();
	if (zip_source_open(src) || zip_source_seek(src, 0, SEEK_END) || (len = zip_source_tell(src)) < 0 ||
	    zip_source_seek(src, 0, SEEK_SET) || !(buf = malloc((size_t)len + 1)))
		abort();
	if (zip_source_read(src, buf, (zip_uint64_t)len) != len)
		abort();
	zip_source_close(src);
	zip_source_free(src);
	scratch_put(buf, (size_t)len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct c2c_err err;
	size_t rows = 0;
	int rc;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		scratch_put(data + 1, size - 1);
	else
		put_parts(data + 1, size - 1);
	rc = xlsx_read(scratch_path, NULL, on_row, &rows, &err);
	if (rc && !err.msg[0])
		abort();
	return 0;
}
