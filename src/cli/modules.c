/*
 * modules.c - the list of modules (modules.h) and the walks over it.
 *
 * Why one list: init, db migrate and serve each called every module's
 * migrate/init/verify by hand, and a module missing from one of them made
 * a database that one command knew and another did not.
 */
#include "modules.h"
#include "atlas/atlas.h"
#include "auth/auth.h"
#include "city/city.h"
#include "http/router.h"
#include "mrv/mrv.h"
#include "programme/programme.h"
#include "registry/registry.h"

#include <string.h>

static int atlas_schema(struct store *st, struct c2c_err *err)
{
	int applied;
	return atlas_migrate(st, &applied, err);
}

static int registry_proof(struct store *st, json_t **report, struct c2c_err *err)
{
	struct registry_verify_report vr;
	int rc = registry_verify(st, &vr, err);
	*report = rc ? NULL : registry_verify_json(&vr, 0, err);
	return rc;
}

const struct cli_module cli_modules[] = {
	{"atlas", atlas_schema, &atlas_builtin, NULL},
	{"registry", registry_migrate, NULL, registry_proof},
	{"mrv", mrv_migrate, NULL, NULL},
	{"programme", programme_migrate, &programme_dataset, NULL},
	{"city", city_migrate, &city_dataset, NULL},
	{"auth", auth_migrate, NULL, NULL},
	{"http", http_audit_migrate, NULL, NULL},
};
const size_t cli_nmodules = sizeof(cli_modules) / sizeof(cli_modules[0]);

struct ready {
	int force;
	struct cli_ready_report *rep;
};

static int ready_step(struct store *st, void *ctx, struct c2c_err *err)
{
	struct ready *r = ctx;
	int rc;

	memset(r->rep, 0, sizeof(*r->rep));
	for (size_t i = 0; i < cli_nmodules; i++) {
		const struct cli_module *m = &cli_modules[i];
		struct store_builtin_report br;
		int before = store_schema_version(st, m->name, err), after;

		if (before < 0)
			return before;
		if ((rc = m->migrate(st, err)))
			return rc;
		if ((after = store_schema_version(st, m->name, err)) < 0)
			return after;
		r->rep->migrations += after - before;
		if (m->data && (rc = store_builtin_load(st, m->data, r->force, &br, err)))
			return rc;
		if (m->data == &atlas_builtin)
			r->rep->dataset = br;
	}
	return 0;
}

int cli_modules_ready(struct store *st, int force, struct cli_ready_report *rep, struct c2c_err *err)
{
	struct ready r = {force, rep};
	return store_tx(st, NULL, ready_step, &r, err);
}

int cli_modules_schema(struct store *st, struct c2c_err *err)
{
	int rc;
	for (size_t i = 0; i < cli_nmodules; i++)
		if ((rc = cli_modules[i].migrate(st, err)))
			return rc;
	return 0;
}

int cli_modules_verify(struct store *st, json_t **reports, struct c2c_err *err)
{
	*reports = json_object();
	for (size_t i = 0; i < cli_nmodules; i++) {
		json_t *rep;
		int rc;
		if (!cli_modules[i].verify)
			continue;
		if ((rc = cli_modules[i].verify(st, &rep, err))) {
			json_decref(*reports);
			*reports = NULL;
			return rc;
		}
		json_object_set_new(*reports, cli_modules[i].name, rep);
	}
	return 0;
}
