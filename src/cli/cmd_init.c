/*
 * cmd_init.c - `c2c init`: create or upgrade the database, load the data.
 */
#include "cli.h"
#include "atlas/atlas.h"
#include "auth/auth.h"
#include "city/city.h"
#include "mrv/mrv.h"
#include "programme/programme.h"
#include "http/router.h"
#include "registry/registry.h"

#include <stdio.h>

int cmd_init(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const flags[] = {"force", NULL};
	struct cli_args a;
	struct atlas_init_report rep;
	struct store *st;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, NULL, flags, &a, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "init: unexpected argument '%s'", a.pos[0]);
	if ((rc = cli_open_db(&st, 1, err)))
		return rc;
	rc = atlas_init(st, cli_opt(&a, "force") != NULL, &rep, err);
	/* Every module's tables exist from the start, and the programme's and the
	 * cities' built-in data are loaded with the atlas. */
	if (!rc)
		rc = registry_migrate(st, err);
	if (!rc)
		rc = mrv_migrate(st, err);
	if (!rc)
		rc = programme_init(st, err);
	if (!rc)
		rc = city_open(st, err);
	if (!rc)
		rc = auth_migrate(st, err);
	if (!rc)
		rc = http_audit_migrate(st, err);
	store_close(st);
	if (rc)
		return rc;
	if (rep.loaded)
		printf("%s: schema ready (%d migration%s applied), built-in dataset %s loaded (%zu rows)\n",
		       cli_db_path, rep.migrations, rep.migrations == 1 ? "" : "s", rep.fingerprint, rep.rows);
	else
		printf("%s: schema ready (%d migration%s applied), built-in dataset %s already loaded\n",
		       cli_db_path, rep.migrations, rep.migrations == 1 ? "" : "s", rep.fingerprint);
	return 0;
}
