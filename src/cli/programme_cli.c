/*
 * programme_cli.c - the printer the programme's command files share
 * (programme_cli.h).
 */
#include "programme_cli.h"

#include <stdio.h>

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
