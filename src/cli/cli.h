/*
 * cli.h - what the command files share: the invocation, option parsing,
 * output in the three formats, and error reporting.  Only cli/ prints to the
 * terminal or decides an exit status.
 */
#ifndef C2C_CLI_CLI_H
#define C2C_CLI_CLI_H

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

struct atlas_table;

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err);
	const char *summary;
	const char *usage;
};

/* Every command, in the order of `c2c help`: commands.def's, with one list
 * command per listable atlas table where commands.def says
 * ATLAS_TABLE_COMMANDS.  Made by main() before anything else runs. */
extern const struct cli_command *cli_commands;
extern size_t cli_ncommands;
const struct cli_command *cli_command_find(const char *name);
/* cmd_list.c: the command list from commands.def's entries (`declared`, the
 * table block an entry without a name), for the tables of `tables`.  The
 * list and its usage lines live as long as the process. */
int cli_commands_make(const struct cli_command *declared, size_t n, const struct atlas_table *tables,
		      size_t ntables, const struct cli_command **out, size_t *nout, struct c2c_err *err);

/* Global options, set by main before the command runs. */
extern const char *cli_db_path;

/* Open the database named by --db / $C2C_DB / ./c2c.db. */
int cli_open_db(struct store **st, int create, struct c2c_err *err);

/* Options: "--name VALUE" or "--name=VALUE"; `allowed` is NULL-terminated.
 * Positional arguments are collected in order.  Returns 0 or C2C_EUSAGE. */
#define CLI_MAX_OPTS 16
#define CLI_MAX_ARGS 8
struct cli_args {
	const char *opt_name[CLI_MAX_OPTS];
	const char *opt_value[CLI_MAX_OPTS];
	size_t nopts;
	const char *pos[CLI_MAX_ARGS];
	size_t npos;
};
int cli_parse(int argc, char **argv, const struct cli_command *cmd, const char *const *allowed,
	      const char *const *flags, struct cli_args *a, struct c2c_err *err);
const char *cli_opt(const struct cli_args *a, const char *name);
/* Parse an integer option; 0 when absent. */
int cli_opt_int(const struct cli_args *a, const char *name, int lo, int hi, int *out,
		struct c2c_err *err);

enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON };
int cli_format(const struct cli_args *a, const struct cli_command *cmd, int allow_csv,
	       enum cli_format *fmt, struct c2c_err *err);

/* Print a JSON array of objects.  `cols` (NULL-terminated) picks and orders
 * the columns of table and CSV output; JSON output prints every key. */
int cli_print_rows(json_t *rows, enum cli_format fmt, const char *const *cols);

#endif
