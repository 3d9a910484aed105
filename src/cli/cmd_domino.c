/*
 * cmd_domino.c - `c2c domino`: the decarbonization domino.  Without a
 * subcommand it lists the atlas edges with their channel (what the generic
 * list command showed, plus the channel); `chains` follows edges from each
 * origin and gives the reach; `add` and `channel` record.
 */
#include "programme_cli.h"
#include "programme/programme.h"

#include <stdio.h>
#include <string.h>

static int d_list(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "from_ja", "to_ja", "to_country", "channel", "year", "solution_ja", NULL};
	json_t *rows;
	int rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unknown subcommand '%s' (chains, add, channel)", r->a.pos[0]);
	if ((rc = programme_domino_edges(r->st, cli_opt(&r->a, "case-id"), cli_opt(&r->a, "from-place-id"),
					 cli_opt(&r->a, "to-country"), cli_opt(&r->a, "channel"), &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, cols);
}

static int d_chains(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"origin_ja", "steps", "places_reached", "countries_reached", "countries",
					   "channels", "path", NULL};
	json_t *rows;
	int rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", r->a.pos[0]);
	if ((rc = programme_domino_chains(r->st, cli_opt(&r->a, "from"), &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, cols);
}

static int d_add(struct cli_run *r, struct c2c_err *err)
{
	struct programme_domino_edge e = {0};
	char t[200];
	int rc;
	if ((rc = cli_need(&r->a, "id", &e.id, err)) || (rc = cli_need(&r->a, "from", &e.from, err)) ||
	    (rc = cli_need(&r->a, "to-country", &e.to_country, err)) ||
	    (rc = cli_need(&r->a, "solution-ja", &e.solution_ja, err)) ||
	    (rc = cli_need(&r->a, "channel", &e.channel, err)) || (rc = cli_need(&r->a, "source", &e.source, err)))
		return rc;
	e.to = cli_opt(&r->a, "to");
	e.case_id = cli_opt(&r->a, "case-id");
	e.solution_en = cli_opt(&r->a, "solution-en");
	e.year = cli_opt(&r->a, "year");
	e.note = cli_opt(&r->a, "note");
	if ((rc = programme_domino_add(r->st, &e, err)))
		return rc;
	snprintf(t, sizeof(t), "domino edge %s recorded (%s)", e.id, e.channel);
	return prog_print_done(json_pack("{s:s, s:s}", "id", e.id, "channel", e.channel), r->fmt, t);
}

static int d_channel(struct cli_run *r, struct c2c_err *err)
{
	char t[200];
	int rc;
	if (r->a.npos != 2)
		return c2c_err_set(err, C2C_EUSAGE, "give the EDGE and the CHANNEL (%s)", PROGRAMME_CHANNELS);
	if ((rc = programme_domino_set_channel(r->st, r->a.pos[0], r->a.pos[1], cli_opt(&r->a, "note"), err)))
		return rc;
	snprintf(t, sizeof(t), "domino edge %s: channel %s", r->a.pos[0], r->a.pos[1]);
	return prog_print_done(json_pack("{s:s, s:s}", "id", r->a.pos[0], "channel", r->a.pos[1]), r->fmt, t);
}

static const char *const o_list[] = {"case-id", "from-place-id", "to-country", "channel", "format", NULL};
static const char *const o_chains[] = {"from", "format", NULL};
static const char *const o_add[] = {"id", "from", "to", "to-country", "solution-ja", "solution-en", "year",
				    "channel", "case-id", "note", "source", "format", NULL};
static const char *const o_channel[] = {"note", "format", NULL};

static const struct cli_sub d_default = {
	"", d_list, o_list, NULL, 0, CLI_CSV,
	"c2c domino [--case-id ID] [--from-place-id ID] [--to-country CC] [--channel CHANNEL] [--format table|csv|json]", NULL};

static const struct cli_sub subs[] = {
	{"chains", d_chains, o_chains, NULL, 0, CLI_CSV, "c2c domino chains [--from PLACE] [--format table|csv|json]", NULL},
	{"add", d_add, o_add, NULL, 0, CLI_CSV,
	 "c2c domino add --id ID --from PLACE [--to PLACE] --to-country CC --solution-ja TEXT [--solution-en TEXT] "
	 "[--year YYYY] --channel " PROGRAMME_CHANNELS " [--case-id ID] [--note TEXT] --source TEXT", NULL},
	{"channel", d_channel, o_channel, NULL, 0, CLI_CSV, "c2c domino channel EDGE CHANNEL [--note TEXT]", NULL},
};

int cmd_domino(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), &d_default, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
