/*
 * programme_cli.c - the subcommand runner and printers the programme's
 * command files share (programme_cli.h).
 */
#include "programme_cli.h"
#include "core/json.h"
#include "programme/programme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(const struct cli_command *cmd, const struct prog_sub *subs, size_t n,
		  const struct prog_sub *dflt, FILE *fp)
{
	fprintf(fp, "usage:\n");
	if (dflt)
		fprintf(fp, "  %s\n", dflt->usage);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "  %s\n", subs[i].usage);
	(void)cmd;
}

int prog_cli_run(int argc, char **argv, const struct cli_command *cmd, const struct prog_sub *subs,
		 size_t nsubs, const struct prog_sub *dflt, struct c2c_err *err)
{
	const struct prog_sub *sub = NULL;
	struct cli_command subcmd;
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	char name[64];
	int rc, skip = 1;

	if ((argc >= 1 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) || (argc < 1 && !dflt)) {
		usage(cmd, subs, nsubs, dflt, argc < 1 ? stderr : stdout);
		return argc < 1 ? c2c_err_set(err, C2C_EUSAGE, "%s: give a subcommand", cmd->name) : 0;
	}
	for (size_t i = 0; argc >= 1 && i < nsubs; i++)
		if (!strcmp(subs[i].name, argv[0]))
			sub = &subs[i];
	if (!sub) {
		if (!dflt) {
			usage(cmd, subs, nsubs, dflt, stderr);
			return c2c_err_set(err, C2C_EUSAGE, "%s: unknown subcommand '%s'", cmd->name, argv[0]);
		}
		sub = dflt;
		skip = 0;
	}
	snprintf(name, sizeof(name), "%s%s%s", cmd->name, skip ? " " : "", skip ? sub->name : "");
	subcmd = *cmd;
	subcmd.name = name;
	subcmd.usage = sub->usage;
	if ((rc = cli_parse(argc - skip, argv + skip, &subcmd, sub->opts, sub->flags, &a, err)) ||
	    (rc = cli_format(&a, &subcmd, 1, &fmt, err)))
		goto usage;
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = sub->fn(st, &a, fmt, err);
	store_close(st);
	if (rc == C2C_EUSAGE)
		goto usage;
	return rc;
usage:
	c2c_err_hint(err, "usage: %s", sub->usage);
	return rc;
}

int prog_print(json_t *rows, enum cli_format fmt, const char *const *cols)
{
	int rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? cols : NULL);
	json_decref(rows);
	return rc;
}

int prog_print_done(json_t *obj, enum cli_format fmt, const char *text)
{
	int rc = 0;
	if (fmt == FMT_JSON)
		rc = cli_print_rows(obj, FMT_JSON, NULL);
	else
		puts(text);
	json_decref(obj);
	return rc;
}

int prog_need(const struct cli_args *a, const char *name, const char **out, struct c2c_err *err)
{
	*out = cli_opt(a, name);
	return *out ? 0 : c2c_err_set(err, C2C_EUSAGE, "--%s is required", name);
}
