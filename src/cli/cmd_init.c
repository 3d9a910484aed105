/*
 * cmd_init.c - `c2c init`: create or upgrade the database and load the
 * built-in data, every module of the list in modules.c, in one transaction:
 * an init that fails anywhere leaves the database as it was.  With
 * --example, then the example of example.c.
 */
#include "cli.h"
#include "modules.h"

#include <stdio.h>

int cmd_init(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const flags[] = {"force", "example", NULL};
	struct cli_args a;
	struct cli_ready_report rep;
	struct store *st;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, NULL, flags, &a, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "init: unexpected argument '%s'", a.pos[0]);
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	/* CLI_DB_CREATE: the file, nothing in it yet; the modules come here,
	 * with --force */
	rc = cli_modules_ready(st, cli_opt(&a, "force") != NULL, &rep, err);
	store_close(st);
	if (rc)
		return rc;
	if (rep.dataset.loaded)
		printf("%s: schema ready (%d migration%s applied), built-in dataset %s loaded (%zu rows)\n",
		       cli_db_path, rep.migrations, rep.migrations == 1 ? "" : "s", rep.dataset.fingerprint,
		       rep.dataset.rows);
	else
		printf("%s: schema ready (%d migration%s applied), built-in dataset %s already loaded\n",
		       cli_db_path, rep.migrations, rep.migrations == 1 ? "" : "s", rep.dataset.fingerprint);
	/* the example only when asked: never part of a database's own data */
	if (cli_opt(&a, "example"))
		return cli_example_load(err);
	return 0;
}
