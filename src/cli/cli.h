/*
 * cli.h - what the command files share: the invocation, the set-up each
 * command declares in commands.def (cli_setup), option parsing and output
 * in the three formats.  Commands of subcommands add subcmd.h; the list of
 * modules is modules.h.  Only cli/ prints to the terminal or decides an
 * exit status.
 */
#ifndef C2C_CLI_CLI_H
#define C2C_CLI_CLI_H

#include <jansson.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "store/store.h"

/* What a command needs before it runs (git's RUN_SETUP), declared once per
 * command in commands.def and per subcommand in its table; cli_setup does
 * it, after the command has read its arguments (a usage error comes before
 * a missing database). */
enum cli_setup {
	CLI_SETUP_COMMAND = 0, /* a subcommand: what its command declares */
	CLI_NO_DB,             /* no database */
	CLI_DB,                /* an existing database, as it is */
	CLI_DB_READY,          /* an existing database, every module brought up to
				* this binary (modules.c), one transaction */
	CLI_DB_CREATE,         /* the database, created when missing (init) */
	CLI_SETUP_MASK = 0xff,
	CLI_DURABLE = 0x100,   /* and every commit durable (the registry's writes) */
	CLI_HAS_ATLAS = 0x200, /* and refuse one whose atlas init never made (serve) */
};
struct atlas_table;

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err);
	int setup; /* enum cli_setup */
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

/* The usage line of a table's list command, from its filter columns
 * (malloc'd; NULL when out of memory). */
char *cli_table_usage(const struct atlas_table *t);

/* example.c: `c2c init --example` - the script data/example/script.txt run
 * through the command table on a database init has just made, the users'
 * passwords printed once.  The files of data/example/, embedded by
 * scripts/embed_data.py, by stem (script, inventory, ...). */
struct cli_builtin_file {
	const char *name;
	const char *data;
	size_t len;
};
extern const struct cli_builtin_file cli_builtin_files[];
extern const size_t cli_builtin_nfiles;
int cli_example_load(struct c2c_err *err);

/* Global options, set by main before the command runs. */
extern const char *cli_db_path;

/* The set-up `cmd` declares, on the database named by --db / $C2C_DB /
 * ./c2c.db: *st is the open database (the caller closes it), NULL for
 * CLI_NO_DB. */
int cli_setup(const struct cli_command *cmd, struct store **st, struct c2c_err *err);

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
/* The options of the (sub)command cli_parse read last: an error about a
 * field is printed with its flag only when the command has that flag. */
extern const char *const *cli_allowed, *const *cli_flags;
int cli_parse(int argc, char **argv, const struct cli_command *cmd, const char *const *allowed,
	      const char *const *flags, struct cli_args *a, struct c2c_err *err);
const char *cli_opt(const struct cli_args *a, const char *name);
/* Parse an integer option; 0 when absent. */
int cli_opt_int(const struct cli_args *a, const char *name, int lo, int hi, int *out,
		struct c2c_err *err);

/* A fiscal-year option in any form date_parse_fy reads ("2022", "令和4年度",
 * "R4", "平成29年度"), within [CLI_FY_MIN, CLI_FY_MAX]; 0 when absent. */
#define CLI_FY_MIN 1990
#define CLI_FY_MAX 2100
int cli_opt_fy(const struct cli_args *a, const char *name, int *out, struct c2c_err *err);

/* A whole file ("-": standard input) into `sb`, which the caller made with
 * its cap: a larger file is refused, not cut. */
int cli_read_file(const char *path, struct strbuf *sb, struct c2c_err *err);

/* Who acts, as the journals record it: --user, else $C2C_USER, else $USER, else "cli". */
const char *cli_acting_user(const struct cli_args *a);

enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON };
int cli_format(const struct cli_args *a, const struct cli_command *cmd, int allow_csv,
	       enum cli_format *fmt, struct c2c_err *err);

/* Print a JSON array of objects.  `cols` (NULL-terminated) picks and orders
 * the columns of table and CSV output; JSON output prints every key. */
int cli_print_rows(json_t *rows, enum cli_format fmt, const char *const *cols);
/* Text for a terminal: control characters as \n \t \xHH, C1 controls and
 * bidirectional overrides as \uHHHH, bytes of invalid UTF-8 as \xHH. */
void cli_term_text(const char *s, struct strbuf *out);
void cli_term_fputs(const char *s, FILE *fp);

#endif
