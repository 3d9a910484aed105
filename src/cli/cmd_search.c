/*
 * cmd_search.c - `c2c search` and `c2c stats`: the atlas at a glance.
 */
#include "cli.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <string.h>

int cmd_search(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"format", "limit", NULL};
	static const char *const cols[] = {"table", "id", "name", "match", NULL};
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	json_t *hits;
	int rc, limit;

	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) ||
	    (rc = cli_format(&a, cmd, 0, &fmt, err)) ||
	    (rc = cli_opt_int(&a, "limit", 1, 10000, &limit, err)))
		return rc;
	if (a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "search: give one QUERY (quote it if it has spaces)");
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = atlas_search(st, a.pos[0], limit ? (size_t)limit : 50, &hits, err);
	store_close(st);
	if (rc)
		return rc;
	rc = cli_print_rows(hits, fmt, fmt == FMT_TABLE ? cols : NULL);
	json_decref(hits);
	return rc;
}

int cmd_stats(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"format", "from", "to", NULL};
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	json_t *stats;
	int rc, from, to;

	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) ||
	    (rc = cli_format(&a, cmd, 0, &fmt, err)) ||
	    (rc = cli_opt_fy(&a, "from", &from, err)) || (rc = cli_opt_fy(&a, "to", &to, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "stats: unexpected argument '%s'", a.pos[0]);
	if (from && to && from > to)
		return c2c_err_set(err, C2C_EUSAGE, "stats: --from %d is after --to %d", from, to);
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = atlas_stats(st, from, to, &stats, err);
	store_close(st);
	if (rc)
		return rc;
	if (fmt == FMT_JSON) {
		rc = cli_print_rows(stats, fmt, NULL);
	} else {
		json_t *notes = json_object_get(stats, "notes"), *n, *f;
		size_t i;
		printf("fiscal years %s\n\n", json_string_value(json_object_get(stats, "range_label")));
		printf("%-40s %6s %9s\n", "figure", "value", "headline");
		json_array_foreach(json_object_get(stats, "figures"), i, f) {
			json_t *h = json_object_get(f, "headline");
			char head[24] = "";
			if (json_is_integer(h))
				snprintf(head, sizeof(head), "%lld", (long long)json_integer_value(h));
			printf("%-40s %6lld %9s\n", json_string_value(json_object_get(f, "figure")),
			       (long long)json_integer_value(json_object_get(f, "value")), head);
			printf("    rule: %s\n", json_string_value(json_object_get(f, "rule")));
			if (json_is_string(json_object_get(f, "headline_source")))
				printf("    headline: %s\n", json_string_value(json_object_get(f, "headline_source")));
		}
		json_array_foreach(notes, i, n)
			printf("note: %s\n", json_string_value(n));
	}
	json_decref(stats);
	return rc;
}
