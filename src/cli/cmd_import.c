/*
 * cmd_import.c - `c2c import` and `c2c export` for every atlas table.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int table_arg(const char *name, const struct atlas_table **t, struct c2c_err *err)
{
	*t = atlas_table_find(name);
	if (*t)
		return 0;
	c2c_err_set(err, C2C_EUSAGE, "unknown table '%s'", name);
	{
		char list[1024] = "";
		size_t n = 0;
		for (size_t i = 0; i < atlas_ntables; i++)
			n += (size_t)snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s%s",
					      i ? ", " : "", atlas_tables[i].name);
		c2c_err_hint(err, "tables: %s", list);
	}
	return C2C_EUSAGE;
}

int cmd_import(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	const struct atlas_table *t;
	struct cli_args a;
	struct store *st;
	FILE *fp;
	size_t rows = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, NULL, NULL, &a, err)))
		return rc;
	if (a.npos != 2)
		return c2c_err_set(err, C2C_EUSAGE, "import: give TABLE and FILE.csv");
	if ((rc = table_arg(a.pos[0], &t, err)))
		return rc;
	fp = strcmp(a.pos[1], "-") ? fopen(a.pos[1], "rb") : stdin;
	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", a.pos[1], strerror(errno));
	if ((rc = cli_setup(cmd, &st, err))) {
		if (fp != stdin)
			fclose(fp);
		return rc;
	}
	/* one transaction; no store_tx retry: the stream is read once */
	if (!(rc = store_begin(st, err))) {
		if ((rc = atlas_import_stream(st, t, fp, a.pos[1], &rows, err)) ||
		    (rc = atlas_search_rebuild(st, err)) || (rc = store_commit(st, err)))
			store_rollback(st);
	}
	store_close(st);
	if (fp != stdin)
		fclose(fp);
	if (rc)
		return rc;
	printf("%s: %zu row%s imported into %s\n", a.pos[1], rows, rows == 1 ? "" : "s", t->name);
	return 0;
}

int cmd_export(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"format", NULL};
	const struct atlas_table *t;
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)))
		return rc;
	if (!cli_opt(&a, "format"))
		a.opt_name[a.nopts] = "format", a.opt_value[a.nopts++] = "csv";
	if ((rc = cli_format(&a, cmd, 1, &fmt, err)))
		return rc;
	if (fmt == FMT_TABLE)
		return c2c_err_set(err, C2C_EUSAGE, "export: format is csv or json");
	if (a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "export: give one TABLE");
	if ((rc = table_arg(a.pos[0], &t, err)))
		return rc;
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	if (fmt == FMT_CSV) {
		rc = atlas_export_csv(st, t, stdout, err);
	} else {
		json_t *rows;
		if (!(rc = atlas_list(st, t, NULL, &rows, err))) {
			rc = cli_print_rows(rows, FMT_JSON, NULL);
			json_decref(rows);
		}
	}
	store_close(st);
	return rc;
}
