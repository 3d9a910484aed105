/*
 * cmd_list.c - the list commands: one generic command for every atlas table
 * (its filters are the table's COL_FILTER columns), and `partnerships`,
 * whose JSON nests the linked places.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FILTERS 16

int cmd_list(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	const struct atlas_table *t = atlas_table_find(cmd->name);
	char optname[MAX_FILTERS][48];
	const char *allowed[MAX_FILTERS + 2], *filters[2 * MAX_FILTERS + 1], *show[64];
	size_t na = 0, nf = 0, ns = 0;
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	json_t *rows;
	int rc;

	if (!t)
		return c2c_err_set(err, C2C_EINTERNAL, "no table for command %s", cmd->name);
	for (size_t c = 0; c < t->ncols && na < MAX_FILTERS; c++) {
		if (!(t->cols[c].flags & COL_FILTER))
			continue;
		snprintf(optname[na], sizeof(optname[na]), "%s", t->cols[c].name);
		for (char *p = optname[na]; *p; p++)
			if (*p == '_')
				*p = '-';
		allowed[na] = optname[na];
		na++;
	}
	allowed[na++] = "format";
	allowed[na] = NULL;
	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) ||
	    (rc = cli_format(&a, cmd, 1, &fmt, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "%s: unexpected argument '%s'", cmd->name, a.pos[0]);
	for (size_t i = 0; i + 1 < na; i++) {
		const char *v = cli_opt(&a, allowed[i]);
		if (!v)
			continue;
		filters[nf++] = t->cols[0].name; /* placeholder, replaced below */
		for (size_t c = 0; c < t->ncols; c++) {
			char want[48];
			snprintf(want, sizeof(want), "%s", t->cols[c].name);
			for (char *p = want; *p; p++)
				if (*p == '_')
					*p = '-';
			if (!strcmp(want, allowed[i]))
				filters[nf - 1] = t->cols[c].name;
		}
		filters[nf++] = v;
	}
	filters[nf] = NULL;
	for (size_t c = 0; c < t->ncols && ns < 63; c++)
		if (t->cols[c].flags & COL_SHOW)
			show[ns++] = t->cols[c].name;
	show[ns] = NULL;
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = atlas_list(st, t, filters, &rows, err);
	store_close(st);
	if (rc)
		return rc;
	rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? show : NULL);
	json_decref(rows);
	return rc;
}

int cmd_partnerships(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"country", "body", "partner", "fy", "format", NULL};
	static const char *const table_cols[] = {"id", "country", "partner_label_ja", "body_label_ja",
						 "fiscal_years", NULL};
	static const char *const csv_cols[] = {"id", "country", "country_ja", "country_en",
					       "partner_label_ja", "body_label_ja", "partners", "bodies",
					       "fiscal_years", "note", "sources", NULL};
	struct atlas_partnership_filter f = {0};
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	json_t *rows;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) ||
	    (rc = cli_format(&a, cmd, 1, &fmt, err)) ||
	    (rc = cli_opt_int(&a, "fy", 1990, 2100, &f.fy, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "%s: unexpected argument '%s'", cmd->name, a.pos[0]);
	f.country = cli_opt(&a, "country");
	f.body = cli_opt(&a, "body");
	f.partner = cli_opt(&a, "partner");
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = atlas_partnerships(st, &f, &rows, err);
	store_close(st);
	if (rc)
		return rc;
	rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? table_cols : fmt == FMT_CSV ? csv_cols : NULL);
	json_decref(rows);
	return rc;
}
