/*
 * modules.h - every domain module c2c has, once: its migrations, its
 * built-in data and its proof.  `c2c init`, `c2c db migrate`, `c2c serve`
 * and every command that needs a database brought up to date walk this
 * list, so a new module is one line in modules.c, not one line in each
 * command.  cli/ is the layer above every module, so the list lives here.
 */
#ifndef C2C_CLI_MODULES_H
#define C2C_CLI_MODULES_H

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

struct cli_module {
	const char *name; /* its store module name (store_migrations.module) */
	/* Create or upgrade its tables (store_migrate, in the caller's transaction when one is open). */
	int (*migrate)(struct store *st, struct c2c_err *err);
	const struct store_builtin *data; /* its built-in data, or NULL */
	/* Its proof, or NULL: 0 and *report (a JSON object), or an error naming what is wrong. */
	int (*verify)(struct store *st, json_t **report, struct c2c_err *err);
};

/* In the order they are made: a module after the ones whose rows it names. */
extern const struct cli_module cli_modules[];
extern const size_t cli_nmodules;

struct cli_ready_report {
	int migrations;                      /* applied, every module together */
	struct store_builtin_report dataset; /* the atlas's, which `c2c init` names */
};

/* Every module's schema and built-in data brought to this binary's, in one
 * transaction (store_tx: retried on a lost race; all or nothing).  `force`
 * loads built-in data even when it is in already (init --force). */
int cli_modules_ready(struct store *st, int force, struct cli_ready_report *rep, struct c2c_err *err);
/* Every module's schema, no data (db migrate's target gets its rows from the
 * source); each migration its own transaction, or the caller's. */
int cli_modules_schema(struct store *st, struct c2c_err *err);
/* Every module's proof, in the caller's transaction; *reports gets an
 * object module -> report.  The first failing proof is the error. */
int cli_modules_verify(struct store *st, json_t **reports, struct c2c_err *err);

#endif
