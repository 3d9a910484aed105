/*
 * cmd_match.c - `c2c match`: a partner place's need matched to Japanese
 * bodies, companies, technologies and schemes, each with why; and
 * `c2c match evaluate`, the leave-one-out figure of the body ranking.
 */
#include "programme_cli.h"
#include "programme/programme.h"

#include <stdio.h>
#include <string.h>

/* Flat rows for table and CSV: kind, rank, id, name, score, why. */
static json_t *flatten(json_t *res)
{
	static const char *const kinds[] = {"bodies", "companies", "technologies", "schemes", "methodologies",
					    "counterparts"};
	json_t *out = json_array();
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(res, kinds[k]), i, r) {
			char why[1024] = "";
			size_t j;
			json_t *w;
			const char *name = json_string_value(json_object_get(r, "name_ja"));
			if (!name)
				name = json_string_value(json_object_get(r, "technology_ja"));
			if (!name) /* a methodology: its title */
				name = json_string_value(json_object_get(r, "title"));
			json_array_foreach(json_object_get(r, "why"), j, w)
				snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s", j ? "; " : "",
					 json_string_value(w));
			json_array_append_new(out, json_pack("{s:s, s:O, s:s, s:s, s:O, s:s}", "kind", kinds[k], "rank",
				json_object_get(r, "rank"), "id", json_string_value(json_object_get(r, "id")), "name",
				name ? name : "", "score", json_object_get(r, "score"), "why", why));
		}
	}
	return out;
}

static int m_match(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"kind", "rank", "id", "name", "score", "why", NULL};
	struct programme_need n = {0};
	json_t *res;
	int limit = 0, rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", r->a.pos[0]);
	if ((rc = cli_need(&r->a, "country", &n.country, err)) || (rc = cli_opt_int(&r->a, "limit", 1, 100, &limit, err)))
		return rc;
	n.sector = cli_opt(&r->a, "sector");
	n.keywords = cli_opt(&r->a, "tech");
	n.size = cli_opt(&r->a, "size");
	n.hide = cli_opt(&r->a, "hide");
	n.limit = (size_t)limit;
	if ((rc = programme_match(r->st, &n, &res, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		return cli_print_drop(res, r->fmt, NULL);
	rc = cli_print_drop(flatten(res), r->fmt, cols);
	json_decref(res);
	return rc;
}

static int m_evaluate(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"partnership", "country", "sector", "bodies", "rank", "top3_hit", "top3", NULL};
	json_t *res, *m;
	size_t i;
	int rc;
	if ((rc = programme_match_evaluate(r->st, &res, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		return cli_print_drop(res, r->fmt, NULL);
	rc = cli_print_drop(json_incref(json_object_get(res, "cases")), r->fmt, cols);
	if (r->fmt == FMT_TABLE) {
		printf("\n%s\n", json_string_value(json_object_get(res, "method")));
		json_array_foreach(json_object_get(res, "models"), i, m)
			printf("%-10s top-3 %lld of %lld partnerships (%s%%)%s\n",
			       json_string_value(json_object_get(m, "model")),
			       (long long)json_integer_value(json_object_get(m, "top3_hits")),
			       (long long)json_integer_value(json_object_get(m, "partnerships")),
			       json_string_value(json_object_get(m, "top3_percent")),
			       i == 0 ? "   <- the matching score" : i == 1 ? "   (baseline: most partnerships)"
								     : "   (baseline: partners in the country only)");
	}
	json_decref(res);
	return rc;
}

static const char *const o_match[] = {"country", "sector", "tech", "size", "limit", "hide", "format", NULL};
static const char *const o_fmt[] = {"format", NULL};

static const struct cli_sub m_default = {
	"", m_match, o_match, NULL, 0, CLI_CSV,
	"c2c match --country CC [--sector SECTOR] [--tech WORD;WORD] [--size small|medium|large] [--limit N] "
	"[--hide PARTNERSHIP] [--format table|csv|json]", NULL};

static const struct cli_sub subs[] = {
	{"evaluate", m_evaluate, o_fmt, NULL, 0, CLI_CSV, "c2c match evaluate [--format table|csv|json]   (leave-one-out top-3)", NULL},
};

int cmd_match(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), &m_default, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
