/*
 * programme_cli.h - what the programme's command files (cmd_call.c,
 * cmd_readiness.c, cmd_match.c, cmd_domino.c) share beyond the subcommand
 * runner (subcmd.h): printing a single written object.
 */
#ifndef C2C_CLI_PROGRAMME_CLI_H
#define C2C_CLI_PROGRAMME_CLI_H

#include "subcmd.h"

/* A written object: JSON as it is, else the one line `text`.  Drops obj. */
int prog_print_done(json_t *obj, enum cli_format fmt, const char *text);

#endif
