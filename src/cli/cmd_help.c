/*
 * cmd_help.c - `c2c help [COMMAND]`, made from commands.def.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <string.h>

static void help_table_columns(const char *name)
{
	const struct atlas_table *t = atlas_table_find(name);
	if (!t)
		return;
	printf("\ncolumns of %s (CSV header for import, in any order):\n  ", t->name);
	for (size_t c = 0; c < t->ncols; c++)
		printf("%s%s%s", c ? "," : "", t->cols[c].name,
		       (t->cols[c].flags & COL_REQUIRED) ? "*" : "");
	printf("\n  (* = required)\n");
}

int cmd_help(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	const struct cli_command *c;
	if (argc > 1)
		return c2c_err_set(err, C2C_EUSAGE, "help: give at most one COMMAND");
	if (argc == 1) {
		c = cli_command_find(argv[0]);
		if (!c)
			return c2c_err_set(err, C2C_EUSAGE, "help: unknown command '%s'", argv[0]);
		printf("usage: %s\n\n%s\n", c->usage, c->summary);
		if (!strcmp(c->name, "import") || !strcmp(c->name, "export")) {
			printf("\ntables:\n");
			for (size_t i = 0; i < atlas_ntables; i++)
				printf("  %-20s %s\n", atlas_tables[i].name, atlas_tables[i].summary);
		}
		help_table_columns(c->name);
		printf("\nThe database is --db PATH, else $C2C_DB, else ./c2c.db.\n");
		return 0;
	}
	(void)cmd;
	printf("c2c - the City-to-City Collaboration programme and the JCM, in one program\n\n");
	printf("usage: c2c [--db PATH] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < cli_ncommands; i++)
		printf("  %-14s %s\n", cli_commands[i].name, cli_commands[i].summary);
	printf("\n'c2c help COMMAND' tells more.  The database is --db PATH, else $C2C_DB, else ./c2c.db.\n");
	return 0;
}
