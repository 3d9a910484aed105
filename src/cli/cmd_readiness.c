/*
 * cmd_readiness.c - `c2c readiness`: the six 確認事項 of seed 004 as a
 * questionnaire (`questions`, whose CSV is the answer template) and the
 * scoring of a municipality's answers (`score FILE`).
 */
#include "programme_cli.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "programme/programme.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int r_questions(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"check", "item", "text_ja", "text_en", NULL};
	json_t *rows;
	int rc;
	if ((rc = programme_readiness_questions(&rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, cols);
}

static int r_score(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"check", "score", "title_ja", NULL};
	struct strbuf sb;
	json_t *res, *rows, *w;
	size_t i;
	int rc;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "give one FILE (JSON or CSV item,answer; - for standard input)");
	strbuf_init(&sb, (size_t)1 << 20); /* the answers: 1 MiB is plenty */
	if ((rc = cli_read_file(r->a.pos[0], &sb, err)) ||
	    (rc = programme_readiness_score(r->st, strbuf_str(&sb), sb.len, r->a.pos[0], &res, err))) {
		strbuf_release(&sb);
		return rc;
	}
	strbuf_release(&sb);
	if (r->fmt == FMT_JSON)
		return cli_print_drop(res, r->fmt, NULL);
	rows = json_incref(json_object_get(res, "checks"));
	rc = cli_print_drop(rows, r->fmt, cols);
	if (r->fmt == FMT_TABLE) {
		printf("\noverall %s of 100: %s\n", json_string_value(json_object_get(res, "overall")),
		       json_string_value(json_object_get(res, "level")));
		json_array_foreach(json_object_get(res, "weakest"), i, w) {
			size_t j;
			json_t *p;
			printf("weak: 確認事項%lld %s (%s) answered %lld\n",
			       (long long)json_integer_value(json_object_get(w, "check")),
			       json_string_value(json_object_get(w, "item")),
			       json_string_value(json_object_get(w, "text_ja")),
			       (long long)json_integer_value(json_object_get(w, "answer")));
			json_array_foreach(json_object_get(w, "pointers"), j, p)
				printf("  -> %s %s %s: %s\n", json_string_value(json_object_get(p, "kind")),
				       json_string_value(json_object_get(p, "id")),
				       json_string_value(json_object_get(p, "name_ja")),
				       json_string_value(json_object_get(p, "why")));
		}
	}
	json_decref(res);
	return rc;
}

/* Keep a body's answers with their score, to attach to a proposal. */
static int r_save(struct cli_run *r, struct c2c_err *err)
{
	struct strbuf sb;
	const char *body, *on;
	char id[128], today[11], t[200];
	int rc;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "give one FILE (JSON or CSV item,answer; - for standard input)");
	if ((rc = cli_need(&r->a, "body", &body, err)))
		return rc;
	if (!(on = cli_opt(&r->a, "on"))) {
		date_today(today);
		on = today;
	}
	strbuf_init(&sb, (size_t)1 << 20);
	rc = cli_read_file(r->a.pos[0], &sb, err);
	if (!rc)
		rc = programme_readiness_save(r->st, body, strbuf_str(&sb), sb.len, on, id, sizeof(id), err);
	strbuf_release(&sb);
	if (rc)
		return rc;
	snprintf(t, sizeof(t), "readiness check %s saved for %s on %s", id, body, on);
	return prog_print_done(json_pack("{s:s, s:s}", "id", id, "saved_on", on), r->fmt, t);
}

static int r_saved(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "body_ja", "saved_on", "overall", "level", NULL};
	json_t *out;
	int rc = programme_readiness_saved(r->st, cli_opt(&r->a, "body"), NULL, &out, err);
	return rc ? rc : cli_print_drop(out, r->fmt, cols);
}

static const char *const o_fmt[] = {"format", NULL};
static const char *const o_save[] = {"body", "on", "format", NULL};
static const char *const o_saved[] = {"body", "format", NULL};

static const struct cli_sub subs[] = {
	{"questions", r_questions, o_fmt, NULL, 0, CLI_CSV,
	 "c2c readiness questions [--format table|csv|json]   (the CSV is the answer template)", NULL},
	{"score", r_score, o_fmt, NULL, 0, CLI_CSV,
	 "c2c readiness score FILE [--format table|csv|json]   (FILE: {\"answers\": {ITEM: 0-3}} or CSV item,answer)", NULL},
	{"save", r_save, o_save, NULL, 0, CLI_CSV,
	 "c2c readiness save FILE --body BODY [--on YYYY-MM-DD]   (kept, to attach to a proposal)", NULL},
	{"saved", r_saved, o_saved, NULL, 0, CLI_CSV, "c2c readiness saved [--body BODY] [--format table|csv|json]", NULL},
};

int cmd_readiness(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), NULL, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
