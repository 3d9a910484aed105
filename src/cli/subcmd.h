/*
 * subcmd.h - the one subcommand runner of cli/: a command of subcommands
 * (registry, mrv, city, user, call, proposal, score, readiness, match,
 * domino, db) is a table of them, and cli_subs_run finds the subcommand,
 * parses its options, does the set-up it declares, runs it and turns a
 * usage error into a hint with its usage.  One help printer serves
 * `c2c X help` and every usage error, so they cannot drift apart.
 */
#ifndef C2C_CLI_SUBCMD_H
#define C2C_CLI_SUBCMD_H

#include "cli.h"

/* What a subcommand gets: itself as a command (name "registry issue", its
 * usage and set-up), its options, the output format, the database its
 * set-up opened (NULL for CLI_NO_DB) and the command's own state. */
struct cli_run {
	struct cli_command cmd;
	char name[64];
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	void *data;
};

enum cli_sub_flags {
	CLI_CSV = 1,        /* --format csv as well as table and json */
	CLI_OWN_FORMAT = 2, /* it reads --format itself (a file format: xlsx) */
};

struct cli_subs;
struct cli_sub {
	const char *name;
	int (*fn)(struct cli_run *r, struct c2c_err *err);
	const char *const *opts;  /* options taking a value, NULL-terminated */
	const char *const *flags; /* options without a value */
	int setup;                /* enum cli_setup; CLI_SETUP_COMMAND: the command's */
	int formats;              /* enum cli_sub_flags */
	/* One line or more ("\n       " between them); for a family, NULL
	 * prints each of its subcommands' instead. */
	const char *usage;
	const struct cli_subs *family; /* subcommands of its own (city inventory ...), fn NULL */
};

struct cli_subs {
	const struct cli_sub *subs;
	size_t n;
	/* Run with every argument when the first names no subcommand (and
	 * with none); NULL: that is a usage error. */
	const struct cli_sub *dflt;
	const char *footer; /* printed after the usages (roles, scopes), or NULL */
	/* Before the options are parsed: take out what cli_parse cannot read
	 * (mrv's repeated --param). */
	int (*prepare)(const struct cli_sub *sub, int *argc, char **argv, struct cli_run *r,
		       struct c2c_err *err);
	/* After the set-up, before the subcommand: the command's own state in
	 * r->data (the registry's acting user). */
	int (*begin)(struct cli_run *r, struct c2c_err *err);
};

#define CLI_SUBS(table) (table), sizeof(table) / sizeof((table)[0])

/* argv[0] names the subcommand ("help" or "--help": the usages on stdout);
 * `data` goes to r->data. */
int cli_subs_run(int argc, char **argv, const struct cli_command *cmd, const struct cli_subs *t,
		 void *data, struct c2c_err *err);

/* A required option, or a usage error naming it. */
int cli_need(const struct cli_args *a, const char *name, const char **out, struct c2c_err *err);

/* Print rows (and drop them): table columns `cols`, CSV/JSON everything. */
int cli_print_drop(json_t *rows, enum cli_format fmt, const char *const *cols);

#endif
