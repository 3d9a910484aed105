/*
 * cmd_registry.c - `c2c registry SUBCOMMAND`: the JCM credit registry from
 * the command line.  Every write is durable (synchronous=FULL) and recorded
 * in the journal under the user named by --user, else $C2C_USER, else $USER.
 */
#include "core/json.h"
#include "cli.h"
#include "registry/registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct registry_sub {
	const char *name;
	int (*fn)(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err);
	const char *const *opts;
	int writes;
	const char *usage;
};

static int64_t qty_opt(const struct cli_args *a, const char *name, struct c2c_err *err)
{
	const char *v = cli_opt(a, name);
	char *end;
	long long n;
	if (!v)
		return c2c_err_set(err, C2C_EUSAGE, "--%s is required", name);
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || end == v || n <= 0)
		return c2c_err_set(err, C2C_EUSAGE, "--%s: '%s' is not a positive whole number", name, v);
	return n;
}

static int need(const struct cli_args *a, const char *name, const char **out, struct c2c_err *err)
{
	*out = cli_opt(a, name);
	return *out ? 0 : c2c_err_set(err, C2C_EUSAGE, "--%s is required", name);
}

static int print(json_t *rows, enum cli_format fmt, const char *const *cols)
{
	int rc = cli_print_rows(rows, fmt, fmt == FMT_TABLE ? cols : NULL);
	json_decref(rows);
	return rc;
}

static int sub_account(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "country", "kind", "holder", "status", "balance", NULL};
	const char *verb = a->npos ? a->pos[0] : "";
	const char *id, *country, *kind, *holder;
	json_t *rows;
	int rc;

	if (!strcmp(verb, "open")) {
		if ((rc = need(a, "id", &id, err)) || (rc = need(a, "country", &country, err)) ||
		    (rc = need(a, "kind", &kind, err)) || (rc = need(a, "holder", &holder, err)))
			return rc;
		if ((rc = registry_account_open(c, id, country, kind, holder, err)))
			return rc;
		printf("account %s opened (%s, %s)\n", id, country, kind);
		return 0;
	}
	if (!strcmp(verb, "close")) {
		if (a->npos != 2)
			return c2c_err_set(err, C2C_EUSAGE, "account close: give the ACCOUNT");
		if ((rc = registry_account_close(c, a->pos[1], err)))
			return rc;
		printf("account %s closed\n", a->pos[1]);
		return 0;
	}
	if (!strcmp(verb, "list")) {
		if ((rc = registry_accounts(c->st, cli_opt(a, "country"), &rows, err)))
			return rc;
		return print(rows, fmt, cols);
	}
	return c2c_err_set(err, C2C_EUSAGE, "account: use open, close or list");
}

static int sub_issue(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	struct registry_issue_req r = {0};
	char id[64];
	int rc;
	(void)fmt;
	if (cli_opt(a, "report")) {
		/* An approved MRV report gives project, period and verified ER:
		 * registry_issue_from_report asks mrv for them. */
		int64_t rid = qty_opt(a, "report", err), q = 0;
		if (rid < 0)
			return (int)rid;
		if (cli_opt(a, "project") || cli_opt(a, "from") || cli_opt(a, "to") || cli_opt(a, "verified-er"))
			return c2c_err_set(err, C2C_EUSAGE, "--report gives the project, period and verified ER; "
					   "do not give them too");
		if (cli_opt(a, "quantity") && (q = qty_opt(a, "quantity", err)) < 0)
			return (int)q;
		if ((rc = registry_issue_from_report(c, rid, cli_opt(a, "quantity") ? &q : NULL, NULL, NULL, id,
						     sizeof(id), &q, err)))
			return rc;
		printf("issuance %s: %lld credits in %.2s-PENDING\n", id, (long long)q, id);
		return 0;
	}
	if ((rc = need(a, "project", &r.project, err)) || (rc = need(a, "from", &r.period_start, err)) ||
	    (rc = need(a, "to", &r.period_end, err)))
		return rc;
	if ((r.quantity = qty_opt(a, "quantity", err)) < 0)
		return (int)r.quantity;
	if (cli_opt(a, "verified-er") && (r.verified_er = qty_opt(a, "verified-er", err)) < 0)
		return (int)r.verified_er;
	if ((rc = registry_issue(c, &r, id, sizeof(id), err)))
		return rc;
	printf("issuance %s: %lld credits in %.2s-PENDING\n", id, (long long)r.quantity, r.project);
	return 0;
}

static int sub_allocate(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	struct registry_share s[CLI_MAX_ARGS];
	size_t n = 0;
	int rc;
	(void)fmt;
	if (a->npos < 2)
		return c2c_err_set(err, C2C_EUSAGE, "allocate: give ISSUANCE and ACCOUNT=PERCENT shares");
	for (size_t i = 1; i < a->npos; i++) {
		const char *eq = strchr(a->pos[i], '=');
		static char acc[CLI_MAX_ARGS][64];
		if (!eq || eq == a->pos[i] || (size_t)(eq - a->pos[i]) >= sizeof(acc[0]))
			return c2c_err_set(err, C2C_EUSAGE, "allocate: '%s' is not ACCOUNT=PERCENT", a->pos[i]);
		snprintf(acc[n], sizeof(acc[n]), "%.*s", (int)(eq - a->pos[i]), a->pos[i]);
		s[n].account = acc[n];
		s[n].hundredths = registry_parse_share(eq + 1);
		if (s[n].hundredths < 0)
			return c2c_err_set(err, C2C_EUSAGE, "allocate: share '%s' is not a percentage like 50 or 35.25", eq + 1);
		n++;
	}
	if ((rc = registry_allocate(c, a->pos[0], s, n, err)))
		return rc;
	printf("issuance %s allocated to %zu account%s\n", a->pos[0], n, n == 1 ? "" : "s");
	return 0;
}

static int sub_authorize(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	int rc;
	(void)fmt;
	if (a->npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "authorize: give the ISSUANCE");
	if ((rc = registry_authorize(c, a->pos[0], err)))
		return rc;
	printf("issuance %s authorized for international transfer\n", a->pos[0]);
	return 0;
}

static int sub_transfer(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	const char *from, *to;
	int64_t q;
	int rc;
	(void)fmt;
	if ((rc = need(a, "from", &from, err)) || (rc = need(a, "to", &to, err)))
		return rc;
	if ((q = qty_opt(a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_transfer(c, from, to, q, err)))
		return rc;
	printf("%lld credits moved from %s to %s\n", (long long)q, from, to);
	return 0;
}

static int sub_cancel(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	const char *acc;
	int64_t q;
	int rc;
	(void)fmt;
	if ((rc = need(a, "account", &acc, err)))
		return rc;
	if ((q = qty_opt(a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_cancel(c, acc, q, err)))
		return rc;
	printf("%lld credits of %s cancelled\n", (long long)q, acc);
	return 0;
}

static int sub_retire(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	const char *acc, *purpose, *beneficiary;
	int64_t q;
	int rc;
	(void)fmt;
	if ((rc = need(a, "account", &acc, err)) || (rc = need(a, "purpose", &purpose, err)) ||
	    (rc = need(a, "beneficiary", &beneficiary, err)))
		return rc;
	if ((q = qty_opt(a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_retire(c, acc, q, purpose, beneficiary, err)))
		return rc;
	printf("%lld credits of %s retired (%s, for %s)\n", (long long)q, acc, purpose, beneficiary);
	return 0;
}

static int sub_balance(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"account", "issuance", "vintage", "state", "credits", NULL};
	json_t *rows;
	int rc = registry_balance(c->st, cli_opt(a, "account"), &rows, err);
	return rc ? rc : print(rows, fmt, cols);
}

static int sub_blocks(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"account", "serial", "credits", "state", NULL};
	json_t *rows;
	int rc = registry_blocks(c->st, cli_opt(a, "account"), &rows, err);
	return rc ? rc : print(rows, fmt, cols);
}

static int sub_journal(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"seq", "at", "user", "op", "hash", NULL};
	json_t *rows;
	int since = 0, rc;
	if ((rc = cli_opt_int(a, "since", 1, 2000000000, &since, err)))
		return rc;
	rc = registry_journal(c->st, since, &rows, err);
	return rc ? rc : print(rows, fmt, cols);
}

static int sub_verify(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	struct registry_verify_report r;
	int rc = registry_verify(c->st, &r, err);
	(void)a;
	if (fmt == FMT_JSON) {
		json_t *o = registry_verify_json(&r, rc, err);
		char *s = json_dumps(o, C2C_JSON_FLAGS);
		puts(s);
		free(s);
		json_decref(o);
	} else if (!rc) {
		printf("registry verified: %lld journal entries, hash chain intact; %lld blocks;"
		       " %lld issued = %lld held + %lld cancelled + %lld retired; no serial twice;"
		       " balances equal their blocks\n", (long long)r.entries, (long long)r.blocks,
		       (long long)r.issued, (long long)r.held, (long long)r.cancelled, (long long)r.retired);
	}
	return rc;
}

static int sub_ca_report(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	static const char *const cols[] = {"country", "vintage", "issuance", "first", "last", "adjustment", "seq", "at", NULL};
	const char *cc;
	json_t *rows;
	int year = 0, rc;
	if ((rc = need(a, "country", &cc, err)) || (rc = cli_opt_int(a, "year", 1990, 2200, &year, err)))
		return rc;
	if ((rc = registry_ca_report(c->st, cc, year, &rows, err)))
		return rc;
	if (fmt == FMT_TABLE) {
		json_int_t total = 0;
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			total += json_integer_value(json_object_get(r, "adjustment"));
		rc = print(rows, fmt, cols);
		printf("net corresponding adjustment for %s%s%s: %+lld tCO2e\n", cc, year ? ", vintage " : "",
		       year ? cli_opt(a, "year") : "", (long long)total);
		return rc;
	}
	return print(rows, fmt, cols);
}

static int sub_apply(struct registry_ctx *c, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	FILE *fp;
	size_t n = 0;
	int rc;
	(void)fmt;
	if (a->npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "apply: give one FILE.jsonl (or - for standard input)");
	fp = strcmp(a->pos[0], "-") ? fopen(a->pos[0], "rb") : stdin;
	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", a->pos[0], strerror(errno));
	rc = registry_apply_stream(c, fp, a->pos[0], &n, err);
	if (fp != stdin)
		fclose(fp);
	if (!rc)
		printf("%s: %zu operation%s applied in one transaction\n", a->pos[0], n, n == 1 ? "" : "s");
	return rc;
}

static const char *const o_user[] = {"user", NULL};
static const char *const o_account[] = {"user", "id", "country", "kind", "holder", "format", NULL};
static const char *const o_issue[] = {"user", "project", "from", "to", "quantity", "verified-er", "report", NULL};
static const char *const o_transfer[] = {"user", "from", "to", "quantity", NULL};
static const char *const o_cancel[] = {"user", "account", "quantity", NULL};
static const char *const o_retire[] = {"user", "account", "quantity", "purpose", "beneficiary", NULL};
static const char *const o_read[] = {"account", "format", NULL};
static const char *const o_journal[] = {"since", "format", NULL};
static const char *const o_verify[] = {"format", NULL};
static const char *const o_ca[] = {"country", "year", "format", NULL};

static const struct registry_sub subs[] = {
	{"account", sub_account, o_account, 1,
	 "c2c registry account open --id ID --country CC --kind government|entity --holder NAME\n"
	 "       c2c registry account close ID\n       c2c registry account list [--country CC] [--format table|csv|json]"},
	{"issue", sub_issue, o_issue, 1,
	 "c2c registry issue --project KH003 --from YYYY-MM-DD --to YYYY-MM-DD --quantity N [--verified-er N]\n"
	 "       c2c registry issue --report ID [--quantity N]   (an approved MRV report: c2c mrv report)"},
	{"allocate", sub_allocate, o_user, 1, "c2c registry allocate ISSUANCE ACCOUNT=PERCENT..."},
	{"authorize", sub_authorize, o_user, 1, "c2c registry authorize ISSUANCE"},
	{"transfer", sub_transfer, o_transfer, 1, "c2c registry transfer --from ACCOUNT --to ACCOUNT --quantity N"},
	{"cancel", sub_cancel, o_cancel, 1, "c2c registry cancel --account ACCOUNT --quantity N"},
	{"retire", sub_retire, o_retire, 1,
	 "c2c registry retire --account ACCOUNT --quantity N --purpose ndc|voluntary|other --beneficiary NAME"},
	{"balance", sub_balance, o_read, 0, "c2c registry balance [--account ACCOUNT] [--format table|csv|json]"},
	{"blocks", sub_blocks, o_read, 0, "c2c registry blocks [--account ACCOUNT] [--format table|csv|json]"},
	{"journal", sub_journal, o_journal, 0, "c2c registry journal [--since SEQ] [--format table|csv|json]"},
	{"verify", sub_verify, o_verify, 0, "c2c registry verify [--format json]"},
	{"ca-report", sub_ca_report, o_ca, 0, "c2c registry ca-report --country CC [--year YYYY] [--format table|csv|json]"},
	{"apply", sub_apply, o_user, 1, "c2c registry apply FILE.jsonl"},
};

static void registry_usage(FILE *fp)
{
	fprintf(fp, "usage:\n");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(fp, "  %s\n", subs[i].usage);
}

int cmd_registry(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	const struct registry_sub *sub = NULL;
	struct cli_command subcmd;
	struct registry_ctx c = {0};
	struct cli_args a;
	enum cli_format fmt;
	char name[64];
	int rc;

	if (argc < 1 || !strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
		registry_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? c2c_err_set(err, C2C_EUSAGE, "registry: give a subcommand") : 0;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(subs[i].name, argv[0]))
			sub = &subs[i];
	if (!sub) {
		registry_usage(stderr);
		return c2c_err_set(err, C2C_EUSAGE, "registry: unknown subcommand '%s'", argv[0]);
	}
	snprintf(name, sizeof(name), "registry %s", sub->name);
	subcmd = *cmd;
	subcmd.name = name;
	subcmd.usage = sub->usage;
	if ((rc = cli_parse(argc - 1, argv + 1, &subcmd, sub->opts, NULL, &a, err)))
		goto usage;
	if ((rc = cli_format(&a, &subcmd, 1, &fmt, err)))
		goto usage;
	c.user = cli_opt(&a, "user");
	if (!c.user || !*c.user)
		c.user = getenv("C2C_USER");
	if (!c.user || !*c.user)
		c.user = getenv("USER");
	if (!c.user || !*c.user)
		c.user = "cli";
	if ((rc = cli_open_db(&c.st, 0, err)))
		return rc;
	if (!(rc = registry_migrate(c.st, err)) && (!sub->writes || !(rc = store_set_durable(c.st, err))))
		rc = sub->fn(&c, &a, fmt, err);
	store_close(c.st);
	if (rc == C2C_EUSAGE)
		goto usage;
	return rc;
usage:
	c2c_err_hint(err, "%s", sub->usage);
	return rc;
}
