/*
 * registry_cli.h - the `c2c registry` subcommands that live outside
 * cmd_registry.c (registry_approval_cli.c: four-eyes approval and the CADT
 * export); cmd_registry.c's table names them.  Each reads r->data as the
 * registry_ctx of the acting user.
 */
#ifndef C2C_CLI_REGISTRY_CLI_H
#define C2C_CLI_REGISTRY_CLI_H

#include "subcmd.h"

int cli_registry_four_eyes(struct cli_run *r, struct c2c_err *err);
int cli_registry_propose(struct cli_run *r, struct c2c_err *err);
int cli_registry_approve(struct cli_run *r, struct c2c_err *err);
int cli_registry_reject(struct cli_run *r, struct c2c_err *err);
int cli_registry_proposals(struct cli_run *r, struct c2c_err *err);
int cli_registry_cadt(struct cli_run *r, struct c2c_err *err);

#endif
