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

static int d_list(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "from_ja", "to_ja", "to_country", "channel", "year", "solution_ja", NULL};
	json_t *rows;
	int rc;
	if (a->npos)
		return c2c_err_set(err, C2C_EUSAGE, "unknown subcommand '%s' (chains, add, channel)", a->pos[0]);
	if ((rc = programme_domino_edges(st, cli_opt(a, "case-id"), cli_opt(a, "from-place-id"),
					 cli_opt(a, "to-country"), cli_opt(a, "channel"), &rows, err)))
		return rc;
	return prog_print(rows, fmt, cols);
}

static int d_chains(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"origin_ja", "steps", "places_reached", "countries_reached", "countries",
					   "channels", "path", NULL};
	json_t *rows;
	int rc;
	if (a->npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", a->pos[0]);
	if ((rc = programme_domino_chains(st, cli_opt(a, "from"), &rows, err)))
		return rc;
	return prog_print(rows, fmt, cols);
}

static int d_add(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	struct programme_domino_edge e = {0};
	char t[200];
	int rc;
	if ((rc = prog_need(a, "id", &e.id, err)) || (rc = prog_need(a, "from", &e.from, err)) ||
	    (rc = prog_need(a, "to-country", &e.to_country, err)) ||
	    (rc = prog_need(a, "solution-ja", &e.solution_ja, err)) ||
	    (rc = prog_need(a, "channel", &e.channel, err)) || (rc = prog_need(a, "source", &e.source, err)))
		return rc;
	e.to = cli_opt(a, "to");
	e.case_id = cli_opt(a, "case-id");
	e.solution_en = cli_opt(a, "solution-en");
	e.year = cli_opt(a, "year");
	e.note = cli_opt(a, "note");
	if ((rc = programme_domino_add(st, &e, err)))
		return rc;
	snprintf(t, sizeof(t), "domino edge %s recorded (%s)", e.id, e.channel);
	return prog_print_done(json_pack("{s:s, s:s}", "id", e.id, "channel", e.channel), fmt, t);
}

static int d_channel(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	char t[200];
	int rc;
	if (a->npos != 2)
		return c2c_err_set(err, C2C_EUSAGE, "give the EDGE and the CHANNEL (%s)", PROGRAMME_CHANNELS);
	if ((rc = programme_domino_set_channel(st, a->pos[0], a->pos[1], cli_opt(a, "note"), err)))
		return rc;
	snprintf(t, sizeof(t), "domino edge %s: channel %s", a->pos[0], a->pos[1]);
	return prog_print_done(json_pack("{s:s, s:s}", "id", a->pos[0], "channel", a->pos[1]), fmt, t);
}

static const char *const o_list[] = {"case-id", "from-place-id", "to-country", "channel", "format", NULL};
static const char *const o_chains[] = {"from", "format", NULL};
static const char *const o_add[] = {"id", "from", "to", "to-country", "solution-ja", "solution-en", "year",
				    "channel", "case-id", "note", "source", "format", NULL};
static const char *const o_channel[] = {"note", "format", NULL};

static const struct prog_sub d_default = {
	"", d_list, o_list, NULL,
	"c2c domino [--case-id ID] [--from-place-id ID] [--to-country CC] [--channel CHANNEL] [--format table|csv|json]"};

static const struct prog_sub subs[] = {
	{"chains", d_chains, o_chains, NULL, "c2c domino chains [--from PLACE] [--format table|csv|json]"},
	{"add", d_add, o_add, NULL,
	 "c2c domino add --id ID --from PLACE [--to PLACE] --to-country CC --solution-ja TEXT [--solution-en TEXT] "
	 "[--year YYYY] --channel " PROGRAMME_CHANNELS " [--case-id ID] [--note TEXT] --source TEXT"},
	{"channel", d_channel, o_channel, NULL, "c2c domino channel EDGE CHANNEL [--note TEXT]"},
};

int cmd_domino(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	return prog_cli_run(argc, argv, cmd, subs, sizeof(subs) / sizeof(subs[0]), &d_default, err);
}
