/*
 * main.c - the c2c binary: global options, then one command from the table
 * made of commands.def and the atlas tables (git's commands[] habit), with
 * the set-up each declares (cli_setup, args.c).  The only place that exits.
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
#define X(name, fn, setup, summary, usage) int fn(int, char **, const struct cli_command *, struct c2c_err *);
#define ATLAS_TABLE_COMMANDS
#include "commands.def"
#undef ATLAS_TABLE_COMMANDS
#undef X

/* commands.def as written; the table block is the entry without a name. */
static const struct cli_command declared[] = {
#define X(name, fn, setup, summary, usage) {name, fn, setup, summary, usage},
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

/* The flag of the command line that gives a domain field (err->field):
 * the field's name with '-' for '_', but where the flag is shorter; none
 * ("") where the command line gives it as arguments, not as a flag.  A
 * field the running command has no flag for (a column of an imported
 * file) is left to the message, which names it. */
static void field_flag(const char *field, char *out, size_t len)
{
	static const char *const renamed[][2] = {
		{"fiscal_year", "fy"},      {"submitted_on", "on"},  {"period_start", "from"},
		{"period_end", "to"},       {"host_country", "host"}, {"params", "param"},
		{"planned_selections", "planned"}, {"shares", ""}, {"points", ""},
		{"authorized_entities", "authorized-entity"},
	};
	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (!strcmp(field, renamed[i][0])) {
			snprintf(out, len, "%s%s", *renamed[i][1] ? "--" : "", renamed[i][1]);
			return;
		}
	snprintf(out, len, "--%s", field);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = '-';
}

static int has_option(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

/* 1 when the user typed the flag (a repeated one, such as mrv's --param,
 * is taken out before cli_parse sees the rest). */
static int typed(int argc, char **argv, const char *flag)
{
	size_t n = strlen(flag);
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], flag, n) && (argv[i][n] == '\0' || argv[i][n] == '='))
			return 1;
	return 0;
}

static void print_error(const struct c2c_err *err, int argc, char **argv)
{
	char flag[80];
	field_flag(err->field, flag, sizeof(flag));
	/* a message may quote the bad input it refuses: escaped, like every
	 * text that reaches the terminal */
	fputs("c2c: error: ", stderr);
	if (err->field[0] && flag[0] &&
	    (has_option(cli_allowed, flag + 2) || has_option(cli_flags, flag + 2) || typed(argc, argv, flag)))
		fprintf(stderr, "%s: ", flag);
	cli_term_fputs(err->msg[0] ? err->msg : "unknown error", stderr);
	if (err->detail[0]) {
		fputs("\ndetail: ", stderr);
		cli_term_fputs(err->detail, stderr);
	}
	if (err->hint[0]) {
		fputs("\nhint: ", stderr);
		cli_term_fputs(err->hint, stderr);
	}
	fputc('\n', stderr);
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
		print_error(&err, argc, argv);
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
		print_error(&err, argc, argv);
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
