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

/* An optional integer of the stats JSON as text: `none` when it is null. */
static const char *int_text(json_t *v, char buf[24], const char *none)
{
	if (!json_is_integer(v))
		return none;
	snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* One line of a figures table: a label and two right-aligned columns. */
static void print_row(int indent, int label_w, const char *label, int w1, const char *c1, int w2,
		      const char *c2)
{
	printf("%*s%-*s %*s %*s\n", indent, "", label_w, label, w1, c1, w2, c2);
}

/* The ministry's yearly figures, each beside what the data gives. */
static void print_published_years(json_t *years)
{
	json_t *y, *f;
	size_t i, j;

	if (!json_array_size(years))
		return;
	printf("\npublished with each year's call or selection, beside the data\n");
	json_array_foreach(years, i, y) {
		const char *as_of = json_string_value(json_object_get(y, "as_of"));
		printf("\nFY%lld  %s%s%s%s\n", (long long)json_integer_value(json_object_get(y, "fiscal_year")),
		       json_string_value(json_object_get(y, "announcement")), *as_of ? " (" : "", as_of,
		       *as_of ? ")" : "");
		printf("    source: %s\n", json_string_value(json_object_get(y, "source")));
		print_row(4, 36, "figure", 9, "published", 7, "data");
		json_array_foreach(json_object_get(y, "figures"), j, f) {
			char pub[24], data[24];
			print_row(4, 36, json_string_value(json_object_get(f, "figure")), 9,
				  int_text(json_object_get(f, "published"), pub, ""), 7,
				  int_text(json_object_get(f, "derived"), data, "-"));
		}
	}
	printf("\n(the rule behind each data figure: c2c stats --format json)\n");
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
		print_row(0, 40, "figure", 6, "value", 9, "headline");
		json_array_foreach(json_object_get(stats, "figures"), i, f) {
			char val[24], head[24];
			print_row(0, 40, json_string_value(json_object_get(f, "figure")), 6,
				  int_text(json_object_get(f, "value"), val, ""), 9,
				  int_text(json_object_get(f, "headline"), head, ""));
			printf("    rule: %s\n", json_string_value(json_object_get(f, "rule")));
			if (json_is_string(json_object_get(f, "headline_source")))
				printf("    headline: %s\n", json_string_value(json_object_get(f, "headline_source")));
		}
		json_array_foreach(notes, i, n)
			printf("note: %s\n", json_string_value(n));
		print_published_years(json_object_get(stats, "published_years"));
	}
	json_decref(stats);
	return rc;
}

int cmd_sources(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"format", "table", NULL};
	static const char *const cols[] = {"facts", "tables", "source", NULL};
	struct cli_args a;
	enum cli_format fmt;
	struct store *st;
	json_t *rows;
	int rc;

	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) || (rc = cli_format(&a, cmd, 1, &fmt, err)))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "sources: unexpected argument '%s'", a.pos[0]);
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	rc = atlas_sources(st, cli_opt(&a, "table"), &rows, err);
	store_close(st);
	if (rc)
		return rc;
	rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? cols : NULL);
	json_decref(rows);
	return rc;
}
