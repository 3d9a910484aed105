/*
 * args.c - what every command shares before it runs: option parsing and the
 * set-up its declaration asks for (cli_setup).
 */
#include "cli.h"
#include "modules.h"
#include "core/date.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A server on a database init never made would answer every request with
 * an error about a missing table: refused before anything is made in it. */
static int has_atlas(struct store *st, struct c2c_err *err)
{
	int version = store_schema_version(st, "atlas", err);

	if (version < 0)
		return version;
	if (version == 0) {
		c2c_err_set(err, C2C_ENOTFOUND, "%s: has no atlas yet", cli_db_path);
		c2c_err_hint(err, "run 'c2c --db %s init' first", cli_db_path);
		return C2C_ENOTFOUND;
	}
	return 0;
}

int cli_setup(const struct cli_command *cmd, struct store **st, struct c2c_err *err)
{
	int setup = cmd->setup & CLI_SETUP_MASK, rc;

	*st = NULL;
	if (setup == CLI_NO_DB || setup == CLI_SETUP_COMMAND)
		return 0;
	if ((rc = store_open(st, cli_db_path, setup == CLI_DB_CREATE ? STORE_OPEN_CREATE : STORE_OPEN_EXISTING,
			     err)))
		return rc;
	if (cmd->setup & CLI_HAS_ATLAS)
		rc = has_atlas(*st, err);
	/* a file this user may not write is read as it is: its reads work, and
	 * a write says "read-only" at its first transaction */
	if (!rc && setup == CLI_DB_READY && !store_readonly(*st)) {
		struct cli_ready_report rep;
		rc = cli_modules_ready(*st, 0, &rep, err);
	}
	if (!rc && (cmd->setup & CLI_DURABLE))
		rc = store_set_durable(*st, err);
	if (rc) {
		store_close(*st);
		*st = NULL;
	}
	return rc;
}

static int in_list(const char *const *list, const char *name, size_t n)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], name, n))
			return 1;
	return 0;
}

const char *const *cli_allowed, *const *cli_flags;

int cli_parse(int argc, char **argv, const struct cli_command *cmd, const char *const *allowed,
	      const char *const *flags, struct cli_args *a, struct c2c_err *err)
{
	memset(a, 0, sizeof(*a));
	cli_allowed = allowed;
	cli_flags = flags;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq, *name, *value;
		size_t n;

		if (strncmp(arg, "--", 2) || !arg[2]) {
			if (a->npos == CLI_MAX_ARGS)
				return c2c_err_set(err, C2C_EUSAGE, "%s: too many arguments", cmd->name);
			a->pos[a->npos++] = arg;
			continue;
		}
		name = arg + 2;
		eq = strchr(name, '=');
		n = eq ? (size_t)(eq - name) : strlen(name);
		if (in_list(flags, name, n)) {
			if (eq)
				return c2c_err_set(err, C2C_EUSAGE, "%s: option '--%.*s' takes no value",
						   cmd->name, (int)n, name);
			value = "1";
		} else if (in_list(allowed, name, n)) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return c2c_err_set(err, C2C_EUSAGE, "%s: option '--%s' needs a value",
						   cmd->name, name);
		} else {
			return c2c_err_set(err, C2C_EUSAGE, "%s: unknown option '--%.*s'", cmd->name,
					   (int)n, name);
		}
		if (a->nopts == CLI_MAX_OPTS)
			return c2c_err_set(err, C2C_EUSAGE, "%s: too many options", cmd->name);
		for (size_t k = 0; k < a->nopts; k++)
			if (strlen(a->opt_name[k]) >= n && !strncmp(a->opt_name[k], name, n) &&
			    (a->opt_name[k][n] == '=' || a->opt_name[k][n] == '\0'))
				return c2c_err_set(err, C2C_EUSAGE, "%s: option '--%.*s' given twice",
						   cmd->name, (int)n, name);
		a->opt_name[a->nopts] = name;
		a->opt_value[a->nopts] = value;
		a->nopts++;
	}
	return 0;
}

const char *cli_opt(const struct cli_args *a, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < a->nopts; i++)
		if (!strncmp(a->opt_name[i], name, n) &&
		    (a->opt_name[i][n] == '\0' || a->opt_name[i][n] == '='))
			return a->opt_value[i];
	return NULL;
}

int cli_opt_int(const struct cli_args *a, const char *name, int lo, int hi, int *out,
		struct c2c_err *err)
{
	const char *v = cli_opt(a, name);
	char *end;
	long n;

	*out = 0;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		return c2c_err_set(err, C2C_EUSAGE, "--%s: '%s' is not a number from %d to %d", name, v,
				   lo, hi);
	*out = (int)n;
	return 0;
}

int cli_opt_fy(const struct cli_args *a, const char *name, int *out, struct c2c_err *err)
{
	const char *v = cli_opt(a, name);
	char why[160];

	*out = 0;
	if (!v)
		return 0;
	if (date_parse_fy(v, out, why, sizeof(why)))
		return c2c_err_set(err, C2C_EUSAGE, "--%s: '%s': %s", name, v, why);
	if (*out < CLI_FY_MIN || *out > CLI_FY_MAX) {
		c2c_err_set(err, C2C_EUSAGE, "--%s: '%s' is fiscal year %d, outside %d to %d", name, v, *out,
			    CLI_FY_MIN, CLI_FY_MAX);
		*out = 0;
		return err->code;
	}
	return 0;
}

int cli_read_file(const char *path, struct strbuf *sb, struct c2c_err *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	int rc;

	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", path, strerror(errno));
	if ((rc = strbuf_read_stream(sb, fp)) == C2C_ENOMEM)
		rc = c2c_err_set(err, C2C_EINPUT, "%s: larger than the %zu MiB c2c reads", path, sb->cap >> 20);
	else if (rc)
		rc = c2c_err_set(err, C2C_EIO, "%s: read error", path);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

const char *cli_acting_user(const struct cli_args *a)
{
	const char *who[] = {cli_opt(a, "user"), getenv("C2C_USER"), getenv("USER")};
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++)
		if (who[i] && *who[i])
			return who[i];
	return "cli";
}

int cli_format(const struct cli_args *a, const struct cli_command *cmd, int allow_csv,
	       enum cli_format *fmt, struct c2c_err *err)
{
	const char *f = cli_opt(a, "format");
	*fmt = FMT_TABLE;
	if (!f || !strcmp(f, "table"))
		return 0;
	if (!strcmp(f, "json")) {
		*fmt = FMT_JSON;
		return 0;
	}
	if (allow_csv && !strcmp(f, "csv")) {
		*fmt = FMT_CSV;
		return 0;
	}
	return c2c_err_set(err, C2C_EUSAGE, "%s: unknown format '%s' (use %s)", cmd->name, f,
			   allow_csv ? "table, csv or json" : "table or json");
}
