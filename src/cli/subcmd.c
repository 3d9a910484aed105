/*
 * subcmd.c - the subcommand runner and its help printer (subcmd.h).
 *
 * Before it, five commands each had a runner of their own, with their own
 * words for a missing or unknown subcommand, their own hint and four copies
 * of need().
 */
#include "subcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_usages(const struct cli_subs *t, FILE *fp)
{
	if (t->dflt)
		fprintf(fp, "  %s\n", t->dflt->usage);
	for (size_t i = 0; i < t->n; i++) {
		if (t->subs[i].usage)
			fprintf(fp, "  %s\n", t->subs[i].usage);
		else if (t->subs[i].family)
			print_usages(t->subs[i].family, fp);
	}
}

static void help(const struct cli_subs *t, FILE *fp)
{
	fprintf(fp, "usage:\n");
	print_usages(t, fp);
	if (t->footer)
		fputs(t->footer, fp);
}

static int run(const char *prefix, int argc, char **argv, const struct cli_command *cmd,
	       const struct cli_subs *t, void *data, struct c2c_err *err)
{
	const struct cli_sub *sub = NULL;
	struct cli_run *r;
	int rc, skip = 1;

	if ((argc >= 1 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) || (argc < 1 && !t->dflt)) {
		help(t, argc < 1 ? stderr : stdout);
		return argc < 1 ? c2c_err_set(err, C2C_EUSAGE, "%s: give a subcommand", prefix) : 0;
	}
	for (size_t i = 0; argc >= 1 && i < t->n; i++)
		if (!strcmp(t->subs[i].name, argv[0]))
			sub = &t->subs[i];
	if (!sub && !t->dflt) {
		help(t, stderr);
		return c2c_err_set(err, C2C_EUSAGE, "%s: unknown subcommand '%s'", prefix, argv[0]);
	}
	if (!sub) {
		sub = t->dflt;
		skip = 0;
	}
	if (!(r = calloc(1, sizeof(*r))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	snprintf(r->name, sizeof(r->name), "%s%s%s", prefix, skip ? " " : "", skip ? sub->name : "");
	if (sub->family) {
		rc = run(r->name, argc - skip, argv + skip, cmd, sub->family, data, err);
		free(r);
		return rc;
	}
	r->cmd = *cmd;
	r->cmd.name = r->name;
	r->cmd.usage = sub->usage;
	if (sub->setup != CLI_SETUP_COMMAND)
		r->cmd.setup = sub->setup;
	r->data = data;
	argc -= skip;
	argv += skip;
	if ((t->prepare && (rc = t->prepare(sub, &argc, argv, r, err))) ||
	    (rc = cli_parse(argc, argv, &r->cmd, sub->opts, sub->flags, &r->a, err)) ||
	    (!(sub->formats & CLI_OWN_FORMAT) &&
	     (rc = cli_format(&r->a, &r->cmd, sub->formats & CLI_CSV, &r->fmt, err))))
		goto out;
	if (!(rc = cli_setup(&r->cmd, &r->st, err)) && !(t->begin && (rc = t->begin(r, err))))
		rc = sub->fn(r, err);
	store_close(r->st);
out:
	/* an error's own hint says more than the usage */
	if (rc == C2C_EUSAGE && !err->hint[0])
		c2c_err_hint(err, "%s", sub->usage);
	free(r);
	return rc;
}

int cli_subs_run(int argc, char **argv, const struct cli_command *cmd, const struct cli_subs *t,
		 void *data, struct c2c_err *err)
{
	return run(cmd->name, argc, argv, cmd, t, data, err);
}

int cli_need(const struct cli_args *a, const char *name, const char **out, struct c2c_err *err)
{
	*out = cli_opt(a, name);
	return *out ? 0 : c2c_err_set(err, C2C_EUSAGE, "--%s is required", name);
}

int cli_print_drop(json_t *rows, enum cli_format fmt, const char *const *cols)
{
	int rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? cols : NULL);
	json_decref(rows);
	return rc;
}
