/*
 * programme_cli.h - what the programme's command files (cmd_call.c,
 * cmd_readiness.c, cmd_match.c, cmd_domino.c) share: a table of
 * subcommands run against an open database whose programme tables are
 * ready, and printing of results and of single written objects.
 */
#ifndef C2C_CLI_PROGRAMME_CLI_H
#define C2C_CLI_PROGRAMME_CLI_H

#include "cli.h"

struct prog_sub {
	const char *name;
	int (*fn)(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err);
	const char *const *opts;  /* options taking a value, NULL-terminated */
	const char *const *flags; /* options without a value */
	const char *usage;
};

/* Find the subcommand (argv[0]); when argv[0] names none, `dflt` (may be
 * NULL) gets every argument.  Opens the database, readies the programme
 * tables, runs it; a usage error gets the subcommand's usage as a hint. */
int prog_cli_run(int argc, char **argv, const struct cli_command *cmd, const struct prog_sub *subs,
		 size_t nsubs, const struct prog_sub *dflt, struct c2c_err *err);

/* Print rows (and drop them): table columns `cols`, CSV/JSON everything. */
int prog_print(json_t *rows, enum cli_format fmt, const char *const *cols);
/* A written object: JSON as it is, else the one line `text`.  Drops obj. */
int prog_print_done(json_t *obj, enum cli_format fmt, const char *text);
/* A required option, or a usage error naming it. */
int prog_need(const struct cli_args *a, const char *name, const char **out, struct c2c_err *err);

#endif
