/*
 * cmd_list.c - the list commands: one generic command for every listable
 * atlas table, made from the table's description (its options are the
 * table's COL_FILTER columns, its help line the table's summary), and
 * `partnerships`, whose JSON nests the linked places.  The table commands
 * have no line of their own in commands.def: cli_commands_make puts them
 * where it says ATLAS_TABLE_COMMANDS, so a new table needs no edit here.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

#define MAX_FILTERS 16

int cmd_list(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err);

/* What an option's value looks like in a usage line. */
static void metavar(const struct atlas_col *c, char *out, size_t len)
{
	const char *word = strrchr(c->name, '_');
	switch (c->type) {
	case AT_COUNTRY:
		snprintf(out, len, "CC");
		return;
	case AT_ID:
	case AT_REF:
		snprintf(out, len, "ID");
		return;
	case AT_INT:
		if (c->min == 0 && c->max == 1) {
			snprintf(out, len, "0|1");
			return;
		}
		break;
	default:
		break;
	}
	snprintf(out, len, "%s", word ? word + 1 : c->name);
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
}

/* "c2c places [--kind KIND] [--country CC] ... [--format table|csv|json]" */
char *cli_table_usage(const struct atlas_table *t)
{
	struct strbuf sb;
	char *out;
	int rc;
	strbuf_init(&sb, 0);
	rc = strbuf_addf(&sb, "c2c %s", t->name);
	for (size_t c = 0; c < t->ncols; c++) {
		char opt[48], var[48];
		if (!(t->cols[c].flags & COL_FILTER))
			continue;
		snprintf(opt, sizeof(opt), "%s", t->cols[c].name);
		for (char *p = opt; *p; p++)
			if (*p == '_')
				*p = '-';
		metavar(&t->cols[c], var, sizeof(var));
		rc |= strbuf_addf(&sb, " [--%s %s]", opt, var);
	}
	rc |= strbuf_addstr(&sb, " [--format table|csv|json]");
	out = rc ? NULL : strdup(strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static int listed(const struct cli_command *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cmds[i].name, name))
			return 1;
	return 0;
}

static const struct cli_command *declared_find(const struct cli_command *declared, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (declared[i].name && !strcmp(declared[i].name, name))
			return &declared[i];
	return NULL;
}

/* Each command once, where it is first met: commands.def's in order; at the
 * table block every listable table not named yet, in table order, with the
 * line commands.def writes out for it (partnerships, domino: commands of
 * their own) or else a generated list command. */
int cli_commands_make(const struct cli_command *declared, size_t n, const struct atlas_table *tables,
		      size_t ntables, const struct cli_command **out, size_t *nout, struct c2c_err *err)
{
	struct cli_command *cmds = calloc(n + ntables, sizeof(*cmds));
	size_t k = 0;

	if (!cmds)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (declared[i].name) {
			if (!listed(cmds, k, declared[i].name))
				cmds[k++] = declared[i];
			continue;
		}
		for (size_t t = 0; t < ntables; t++) {
			const struct cli_command *own = declared_find(declared, n, tables[t].name);
			if (!tables[t].listable || listed(cmds, k, tables[t].name))
				continue;
			if (own) {
				cmds[k++] = *own;
				continue;
			}
			cmds[k] = (struct cli_command){.name = tables[t].name, .fn = cmd_list, .setup = CLI_DB,
						       .summary = tables[t].summary,
						       .usage = cli_table_usage(&tables[t])};
			if (!cmds[k++].usage)
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		}
	}
	*out = cmds;
	*nout = k;
	return 0;
}

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
	    (rc = cli_opt_fy(&a, "fy", &f.fy, err)))
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
