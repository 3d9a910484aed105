/*
 * main.c - the c2c binary: global options, then one command from the table
 * made of commands.def and the atlas tables (git's commands[] habit).  The
 * only place that exits.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef C2C_VERSION
#define C2C_VERSION "0.0.0"
#endif

/* Every handler named in commands.def, declared from the same list. */
#define X(name, fn, summary, usage) int fn(int, char **, const struct cli_command *, struct c2c_err *);
#define ATLAS_TABLE_COMMANDS
#include "commands.def"
#undef ATLAS_TABLE_COMMANDS
#undef X

/* commands.def as written; the table block is the entry without a name. */
static const struct cli_command declared[] = {
#define X(name, fn, summary, usage) {name, fn, summary, usage},
#define ATLAS_TABLE_COMMANDS {.name = NULL},
#include "commands.def"
#undef ATLAS_TABLE_COMMANDS
#undef X
};

const struct cli_command *cli_commands;
size_t cli_ncommands;

const char *cli_db_path;

const struct cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

static void print_error(const struct c2c_err *err)
{
	fprintf(stderr, "c2c: error: %s\n", err->msg[0] ? err->msg : "unknown error");
	if (err->detail[0])
		fprintf(stderr, "detail: %s\n", err->detail);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
}

static void usage_line(FILE *fp)
{
	fprintf(fp, "usage: c2c [--db PATH] COMMAND [ARGS]   (c2c help for the list)\n");
}

int main(int argc, char **argv)
{
	struct c2c_err err;
	const struct cli_command *cmd;
	int i = 1, rc;

	c2c_err_clear(&err);
	if (cli_commands_make(declared, sizeof(declared) / sizeof(declared[0]), atlas_tables, atlas_ntables,
			      &cli_commands, &cli_ncommands, &err)) {
		print_error(&err);
		return c2c_err_exit_status(err.code);
	}
	cli_db_path = getenv("C2C_DB");
	if (!cli_db_path || !*cli_db_path)
		cli_db_path = "c2c.db";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			cli_db_path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5) && argv[i][5]) {
			cli_db_path = argv[i] + 5;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return cmd_help(0, NULL, cli_command_find("help"), &err);
		} else if (!strcmp(argv[i], "--version")) {
			printf("c2c %s\n", C2C_VERSION);
			return 0;
		} else {
			fprintf(stderr, "c2c: error: unknown option '%s'\n", argv[i]);
			usage_line(stderr);
			return c2c_err_exit_status(C2C_EUSAGE);
		}
	}
	if (i >= argc) {
		usage_line(stderr);
		return c2c_err_exit_status(C2C_EUSAGE);
	}
	cmd = cli_command_find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "c2c: error: unknown command '%s'\n", argv[i]);
		usage_line(stderr);
		return c2c_err_exit_status(C2C_EUSAGE);
	}
	rc = cmd->fn(argc - i - 1, argv + i + 1, cmd, &err);
	if (rc) {
		print_error(&err);
		if (rc == C2C_EUSAGE)
			fprintf(stderr, "usage: %s\n", cmd->usage);
		return c2c_err_exit_status(rc);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "c2c: error: writing the output failed\n");
		return c2c_err_exit_status(C2C_EIO);
	}
	return 0;
}
