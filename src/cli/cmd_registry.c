/*
 * cmd_registry.c - `c2c registry SUBCOMMAND`: the JCM credit registry from
 * the command line.  Every write is durable (synchronous=FULL) and recorded
 * in the journal under the user named by --user, else $C2C_USER, else $USER.
 */
#include "core/json.h"
#include "core/rows.h"
#include "core/strbuf.h"
#include "registry_cli.h"
#include "subcmd.h"
#include "registry/registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int sub_account(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"id", "country", "kind", "holder", "status", "balance", NULL};
	const char *verb = r->a.npos ? r->a.pos[0] : "";
	const char *id, *country, *kind, *holder;
	json_t *rows;
	int rc;

	if (!strcmp(verb, "open")) {
		if ((rc = cli_need(&r->a, "id", &id, err)) || (rc = cli_need(&r->a, "country", &country, err)) ||
		    (rc = cli_need(&r->a, "kind", &kind, err)) || (rc = cli_need(&r->a, "holder", &holder, err)))
			return rc;
		if ((rc = registry_account_open(c, id, country, kind, holder, err)))
			return rc;
		printf("account %s opened (%s, %s)\n", id, country, kind);
		return 0;
	}
	if (!strcmp(verb, "close")) {
		if (r->a.npos != 2)
			return c2c_err_set(err, C2C_EUSAGE, "account close: give the ACCOUNT");
		if ((rc = registry_account_close(c, r->a.pos[1], err)))
			return rc;
		printf("account %s closed\n", r->a.pos[1]);
		return 0;
	}
	if (!strcmp(verb, "list")) {
		if ((rc = registry_accounts(c->st, cli_opt(&r->a, "country"), &rows, err)))
			return rc;
		return cli_print_drop(rows, r->fmt, cols);
	}
	return c2c_err_set(err, C2C_EUSAGE, "account: use open, close or list");
}

/* "issuance KH003-01: 1178 credits in KH-PENDING (report 1)" */
static int print_issued(struct registry_ctx *c, const char *id, struct c2c_err *err)
{
	json_t *iss;
	int rc;
	if ((rc = registry_issuance_get(c->st, id, &iss, err)))
		return rc;
	if (json_is_integer(json_object_get(iss, "report")))
		printf("issuance %s: %lld credits in %s-PENDING (report %lld)\n", id,
		       (long long)json_integer_value(json_object_get(iss, "quantity")),
		       json_string_value(json_object_get(iss, "host")),
		       (long long)json_integer_value(json_object_get(iss, "report")));
	else
		printf("issuance %s: %lld credits in %s-PENDING (verified outside c2c: %s)\n", id,
		       (long long)json_integer_value(json_object_get(iss, "quantity")),
		       json_string_value(json_object_get(iss, "host")),
		       json_string_value(json_object_get(iss, "external_verification")));
	json_decref(iss);
	return 0;
}

/* No credit without a verified report: --report N, or for a historical
 * issuance verified outside c2c the project, period and quantity with
 * --external-verification and --source.  registry_issue refuses neither. */
static int sub_issue(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	struct registry_issue_req req = {0};
	char id[REGISTRY_ID_MAX];
	int rc;
	if (cli_opt(&r->a, "report")) {
		/* An approved MRV report gives project, period and verified ER:
		 * registry_issue asks mrv for them. */
		int64_t rid = qty_opt(&r->a, "report", err), q = 0;
		if (rid < 0)
			return (int)rid;
		if (cli_opt(&r->a, "project") || cli_opt(&r->a, "from") || cli_opt(&r->a, "to") || cli_opt(&r->a, "verified-er"))
			return c2c_err_set(err, C2C_EUSAGE, "--report gives the project, period and verified ER; "
					   "do not give them too");
		if (cli_opt(&r->a, "external-verification"))
			return c2c_err_set(err, C2C_EUSAGE, "give --report or --external-verification, not both: "
					   "an issuance comes from one of them");
		if (cli_opt(&r->a, "quantity") && (q = qty_opt(&r->a, "quantity", err)) < 0)
			return (int)q;
		if ((rc = registry_issue_from_report(c, rid, cli_opt(&r->a, "quantity") ? &q : NULL, NULL, NULL, id,
						     sizeof(id), &q, err)))
			return rc;
		return print_issued(c, id, err);
	}
	if (!cli_opt(&r->a, "external-verification")) /* one line: not a usage slip, the rule */
		return c2c_err_set(err, C2C_EINPUT, "no credit without a verified report: give --report N (an approved "
				   "MRV report), or --external-verification TEXT --source TEXT for an issuance verified "
				   "outside c2c");
	if ((rc = cli_need(&r->a, "project", &req.project, err)) || (rc = cli_need(&r->a, "from", &req.period_start, err)) ||
	    (rc = cli_need(&r->a, "to", &req.period_end, err)) || (rc = cli_need(&r->a, "source", &req.source, err)))
		return rc;
	req.external_verification = cli_opt(&r->a, "external-verification");
	if ((req.quantity = qty_opt(&r->a, "quantity", err)) < 0)
		return (int)req.quantity;
	if (cli_opt(&r->a, "verified-er") && (req.verified_er = qty_opt(&r->a, "verified-er", err)) < 0)
		return (int)req.verified_er;
	if ((rc = registry_issue(c, &req, id, sizeof(id), err)))
		return rc;
	return print_issued(c, id, err);
}

static int sub_allocate(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	struct registry_share s[CLI_MAX_ARGS];
	size_t n = 0;
	int rc;
	if (r->a.npos < 2)
		return c2c_err_set(err, C2C_EUSAGE, "allocate: give ISSUANCE and ACCOUNT=PERCENT shares");
	for (size_t i = 1; i < r->a.npos; i++) {
		const char *eq = strchr(r->a.pos[i], '=');
		static char acc[CLI_MAX_ARGS][64];
		if (!eq || eq == r->a.pos[i] || (size_t)(eq - r->a.pos[i]) >= sizeof(acc[0]))
			return c2c_err_set(err, C2C_EUSAGE, "allocate: '%s' is not ACCOUNT=PERCENT", r->a.pos[i]);
		snprintf(acc[n], sizeof(acc[n]), "%.*s", (int)(eq - r->a.pos[i]), r->a.pos[i]);
		s[n].account = acc[n];
		s[n].hundredths = registry_parse_share(eq + 1);
		if (s[n].hundredths < 0)
			return c2c_err_set(err, C2C_EUSAGE, "allocate: share '%s' is not a percentage like 50 or 35.25", eq + 1);
		n++;
	}
	if ((rc = registry_allocate(c, r->a.pos[0], s, n, err)))
		return rc;
	printf("issuance %s allocated to %zu account%s\n", r->a.pos[0], n, n == 1 ? "" : "s");
	return 0;
}

/* The command's state: the operations' context first (every subcommand
 * reads r->data as a registry_ctx), then the repeated --authorized-entity
 * values, which cli_parse (one value an option) cannot hold. */
struct registry_cli {
	struct registry_ctx c;
	const char *entities[REGISTRY_MAX_ENTITIES];
	size_t nentities;
};

static int sub_authorize(struct cli_run *r, struct c2c_err *err)
{
	struct registry_cli *rc_ = r->data;
	struct registry_authorization a = {cli_opt(&r->a, "purpose"), rc_->entities, rc_->nentities,
					   cli_opt(&r->a, "first-transfer"), cli_opt(&r->a, "on"), cli_opt(&r->a, "ref")};
	int rc, given = a.purpose || a.first_transfer || a.on || a.ref || a.nentities;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "authorize: give the ISSUANCE");
	if ((rc = registry_authorize_as(&rc_->c, r->a.pos[0], given ? &a : NULL, err)))
		return rc;
	if (!given) {
		printf("issuance %s authorized for international transfer\n", r->a.pos[0]);
		return 0;
	}
	printf("issuance %s authorized for %s on %s (%s); first transfer: %s", r->a.pos[0],
	       !strcmp(a.purpose, "ndc") ? "use towards an NDC"
	       : !strcmp(a.purpose, "oimp") ? "other international mitigation purposes"
					    : "use towards an NDC and other international mitigation purposes",
	       a.on, a.ref, a.first_transfer);
	for (size_t i = 0; i < a.nentities; i++)
		printf("%s%s", i ? ", " : "; authorized entities: ", a.entities[i]);
	printf("\n");
	return 0;
}

static int sub_transfer(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	const char *from, *to;
	int64_t q;
	int rc;
	if ((rc = cli_need(&r->a, "from", &from, err)) || (rc = cli_need(&r->a, "to", &to, err)))
		return rc;
	if ((q = qty_opt(&r->a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_transfer(c, from, to, q, err)))
		return rc;
	printf("%lld credits moved from %s to %s\n", (long long)q, from, to);
	return 0;
}

static int sub_cancel(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	const char *acc;
	int64_t q;
	int rc;
	if ((rc = cli_need(&r->a, "account", &acc, err)))
		return rc;
	if ((q = qty_opt(&r->a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_cancel(c, acc, q, err)))
		return rc;
	printf("%lld credits of %s cancelled\n", (long long)q, acc);
	return 0;
}

static int sub_retire(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	const char *acc, *purpose, *beneficiary;
	int64_t q;
	int rc;
	if ((rc = cli_need(&r->a, "account", &acc, err)) || (rc = cli_need(&r->a, "purpose", &purpose, err)) ||
	    (rc = cli_need(&r->a, "beneficiary", &beneficiary, err)))
		return rc;
	if ((q = qty_opt(&r->a, "quantity", err)) < 0)
		return (int)q;
	if ((rc = registry_retire(c, acc, q, purpose, beneficiary, err)))
		return rc;
	if (!strcmp(purpose, "ndc")) { /* whose NDC: the country of the account's registry */
		json_t *a;
		if ((rc = registry_account_get(c->st, acc, &a, err)))
			return rc;
		printf("%lld credits of %s retired toward %s's NDC (for %s)\n", (long long)q, acc,
		       json_string_value(json_object_get(a, "country")), beneficiary);
		json_decref(a);
		return 0;
	}
	printf("%lld credits of %s retired (%s, for %s)\n", (long long)q, acc, purpose, beneficiary);
	return 0;
}

static int sub_balance(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"account", "issuance", "vintage", "state", "credits", NULL};
	json_t *rows;
	int rc = registry_balance(c->st, cli_opt(&r->a, "account"), &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

static int sub_blocks(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"account", "serial", "credits", "state", NULL};
	json_t *rows;
	int rc = registry_blocks(c->st, cli_opt(&r->a, "account"), &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

/* Each issuance with what it came from: the approved report, or the
 * verification made outside c2c and its source. */
static int sub_issuances(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"id", "project", "host", "period_start", "period_end", "quantity", "report",
					   "external_verification", NULL};
	json_t *rows;
	int rc = registry_issuances(c->st, cli_opt(&r->a, "project"), &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

/* Every movement of one account with its journal entry. */
static int sub_history(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"seq", "at", "op", "quantity", "serials", "counterpart", NULL};
	const char *acc;
	json_t *rows;
	int rc;
	if ((rc = cli_need(&r->a, "account", &acc, err)) || (rc = registry_history(c->st, acc, &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, cols);
}

static int sub_journal(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"seq", "at", "user", "op", "hash", NULL};
	const char *f = cli_opt(&r->a, "format");
	json_t *rows;
	int since = 0, rc;
	if (f && !strcmp(f, "jsonl")) {
		/* the whole journal for an independent check (verify --journal) */
		int64_t n;
		if (cli_opt(&r->a, "since"))
			return c2c_err_set(err, C2C_EUSAGE, "--format jsonl exports the whole journal: --since would cut its chain");
		if ((rc = registry_journal_export(c->st, stdout, &n, err)))
			return rc;
		return fflush(stdout) ? c2c_err_set(err, C2C_EIO, "writing the journal: %s", strerror(errno)) : 0;
	}
	if ((rc = cli_format(&r->a, &r->cmd, 1, &r->fmt, err)))
		return rc;
	if ((rc = cli_opt_int(&r->a, "since", 1, 2000000000, &since, err)))
		return rc;
	rc = registry_journal(c->st, since, &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

/* The head to keep outside the database: `registry verify --head` checks
 * the journal still reaches it. */
static int sub_head(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	int64_t seq;
	char hash[65];
	int rc = registry_head(c->st, &seq, hash, err);
	if (!rc)
		printf("%lld:%s\n", (long long)seq, hash);
	return rc;
}

/* `verify --journal FILE`: the proof from an exported journal alone. */
static int verify_file(struct cli_run *r, const char *path, int64_t hseq, const char *hhash, struct c2c_err *err)
{
	static const char *const cols[] = {"account", "country", "active", "cancelled", "retired", NULL};
	struct registry_verify_report vr;
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	json_t *bal = NULL;
	int rc;

	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", path, strerror(errno));
	rc = registry_verify_journal(fp, path, hseq, hhash, &vr, &bal, err);
	if (fp != stdin)
		fclose(fp);
	if (r->fmt == FMT_JSON) {
		json_t *o = registry_verify_json(&vr, rc, err);
		json_object_set_new(o, "balances", bal ? bal : json_array());
		char *s = json_dumps(o, C2C_JSON_FLAGS);
		puts(s);
		free(s);
		json_decref(o);
		return rc;
	}
	if (rc)
		return rc;
	printf("journal file %s verified without the database: %lld entries, hash chain intact; every movement and"
	       " adjustment replayed; %lld issued = %lld held + %lld cancelled + %lld retired, in %lld ranges\n",
	       path, (long long)vr.entries, (long long)vr.issued, (long long)vr.held, (long long)vr.cancelled,
	       (long long)vr.retired, (long long)vr.blocks);
	if (hseq)
		printf("the file reaches the head kept elsewhere, entry %lld\n", (long long)hseq);
	return cli_print_drop(bal, r->fmt, cols);
}

/* How far `verify` got, on a terminal only (never into a pipe, a file or
 * a test's golden output): a national journal takes seconds. */
static void verify_progress(void *ctx, const char *what, int64_t done, int64_t total)
{
	(void)ctx;
	if (!what)
		fprintf(stderr, "\r\033[K");
	else if (total > 0)
		fprintf(stderr, "\rverify: %lld of %lld %s (%.0f%%)\033[K", (long long)done, (long long)total, what,
			100.0 * (double)done / (double)total);
	else
		fprintf(stderr, "\rverify: %s\033[K", what);
}

static int sub_verify(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	struct registry_verify_report vr;
	const char *head = cli_opt(&r->a, "head"), *file = cli_opt(&r->a, "journal");
	struct cli_command with_db = r->cmd;
	int64_t hseq = 0;
	char hhash[65] = "";
	int rc;
	if (head && registry_parse_head(head, &hseq, hhash))
		return c2c_err_set(err, C2C_EUSAGE, "--head: '%s' is not SEQ:HASH as `c2c registry head` prints it", head);
	if (file)
		return verify_file(r, file, hseq, hhash, err);
	/* without --journal the database is proved: open it as the other
	 * reading commands do */
	with_db.setup = CLI_DB_READY;
	if ((rc = cli_setup(&with_db, &r->st, err)))
		return rc;
	c->st = r->st;
	rc = registry_verify_progress(c->st, &vr, isatty(2) ? verify_progress : NULL, NULL, err);
	if (!rc && head)
		rc = registry_verify_head(c->st, hseq, hhash, err);
	if (r->fmt == FMT_JSON) {
		json_t *o = registry_verify_json(&vr, rc, err);
		char *s = json_dumps(o, C2C_JSON_FLAGS);
		puts(s);
		free(s);
		json_decref(o);
	} else if (!rc) {
		printf("registry verified: %lld journal entries, hash chain intact; %lld blocks;"
		       " %lld issued = %lld held + %lld cancelled + %lld retired; no serial twice;"
		       " balances equal their blocks\n", (long long)vr.entries, (long long)vr.blocks,
		       (long long)vr.issued, (long long)vr.held, (long long)vr.cancelled, (long long)vr.retired);
		if (head)
			printf("the journal reaches the head kept elsewhere, entry %lld\n", (long long)hseq);
	}
	return rc;
}

static int sub_ca_report(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"country", "vintage", "issuance", "first", "last", "adjustment", "seq", "at", NULL};
	const char *cc;
	json_t *rows;
	int year = 0, rc;
	if ((rc = cli_need(&r->a, "country", &cc, err)) || (rc = cli_opt_int(&r->a, "year", 1990, 2200, &year, err)))
		return rc;
	if ((rc = registry_ca_report(c->st, cc, year, &rows, err)))
		return rc;
	if (r->fmt == FMT_TABLE) {
		json_int_t total = 0;
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
			total += json_integer_value(json_object_get(row, "adjustment"));
		rc = cli_print_drop(rows, r->fmt, cols);
		printf("net corresponding adjustment for %s%s%s: %+lld tCO2e\n", cc, year ? ", vintage " : "",
		       year ? cli_opt(&r->a, "year") : "", (long long)total);
		return rc;
	}
	return cli_print_drop(rows, r->fmt, cols);
}

/* The public retirement log. */
static int sub_retirements(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"seq", "at", "account", "quantity", "purpose", "beneficiary", "serials", NULL};
	json_t *rows;
	int rc = registry_retirements(c->st, cli_opt(&r->a, "country"), &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

/* The Party's annual information in the Agreed Electronic Format. */
static int sub_aef(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"action_date", "action_type", "first_unique_identifier", "last_unique_identifier",
					   "quantity_tco2e", "transferring_party", "acquiring_party", NULL};
	static const char *const hcols[] = {"account", "first_unique_identifier", "last_unique_identifier", "quantity_tco2e",
					    "vintage", NULL};
	const char *party, *y, *f = cli_opt(&r->a, "format"), *table = cli_opt(&r->a, "table");
	json_t *doc;
	int year = 0, rc;

	if ((rc = cli_need(&r->a, "party", &party, err)) || (rc = cli_need(&r->a, "year", &y, err)) ||
	    (rc = cli_opt_int(&r->a, "year", 1990, 2200, &year, err)))
		return rc;
	if (table && strcmp(table, "actions") && strcmp(table, "holdings") && strcmp(table, "notes"))
		return c2c_err_set(err, C2C_EUSAGE, "--table: '%s' is not actions, holdings or notes", table);
	if (f && !strcmp(f, "xlsx") && !cli_opt(&r->a, "output"))
		return c2c_err_set(err, C2C_EUSAGE, "aef --format xlsx needs --output FILE.xlsx");
	if (f && strcmp(f, "xlsx") && strcmp(f, "csv") && strcmp(f, "json") && strcmp(f, "table"))
		return c2c_err_set(err, C2C_EUSAGE, "aef: --format is table, csv, json or xlsx");
	if ((rc = registry_aef(c->st, party, year, &doc, err)))
		return rc;
	if (f && !strcmp(f, "xlsx")) {
		struct strbuf sb;
		FILE *fp;
		strbuf_init(&sb, 0);
		if (!(rc = rows_xlsx(doc, "aef", &sb, err))) {
			if (!(fp = fopen(cli_opt(&r->a, "output"), "wb")))
				rc = c2c_err_set(err, C2C_EIO, "%s: cannot create: %s", cli_opt(&r->a, "output"), strerror(errno));
			else if (fwrite(sb.buf, 1, sb.len, fp) != sb.len || fclose(fp))
				rc = c2c_err_set(err, C2C_EIO, "%s: cannot write", cli_opt(&r->a, "output"));
		}
		strbuf_release(&sb);
		json_decref(doc);
		return rc;
	}
	if (f && !strcmp(f, "json")) {
		char *s = json_dumps(doc, C2C_JSON_FLAGS);
		puts(s);
		free(s);
		json_decref(doc);
		return 0;
	}
	if (f && !strcmp(f, "csv")) {
		json_t *t = json_incref(json_object_get(doc, table ? table : "actions"));
		json_decref(doc);
		return cli_print_drop(t, FMT_CSV, NULL);
	}
	printf("Article 6.2 annual information of %s for %d (Agreed Electronic Format): %zu actions\n", party, year,
	       json_array_size(json_object_get(doc, "actions")));
	rc = cli_print_drop(json_incref(json_object_get(doc, "actions")), FMT_TABLE, cols);
	printf("ITMOs held on %d-12-31: %zu blocks\n", year, json_array_size(json_object_get(doc, "holdings")));
	if (!rc)
		rc = cli_print_drop(json_incref(json_object_get(doc, "holdings")), FMT_TABLE, hcols);
	printf("fields left empty: see --format json (notes) or the xlsx sheet notes\n");
	json_decref(doc);
	return rc;
}

static int sub_apply(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	FILE *fp;
	size_t n = 0;
	int rc;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "apply: give one FILE.jsonl (or - for standard input)");
	fp = strcmp(r->a.pos[0], "-") ? fopen(r->a.pos[0], "rb") : stdin;
	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", r->a.pos[0], strerror(errno));
	rc = registry_apply_stream(c, fp, r->a.pos[0], &n, err);
	if (fp != stdin)
		fclose(fp);
	if (!rc)
		printf("%s: %zu operation%s applied in one transaction\n", r->a.pos[0], n, n == 1 ? "" : "s");
	return rc;
}

static const char *const o_user[] = {"user", NULL};
static const char *const o_authorize[] = {"user", "purpose", "first-transfer", "on", "ref", NULL};
static const char *const o_account[] = {"user", "id", "country", "kind", "holder", "format", NULL};
static const char *const o_issue[] = {"user", "project", "from", "to", "quantity", "verified-er", "report",
				      "external-verification", "source", NULL};
static const char *const o_transfer[] = {"user", "from", "to", "quantity", NULL};
static const char *const o_cancel[] = {"user", "account", "quantity", NULL};
static const char *const o_retire[] = {"user", "account", "quantity", "purpose", "beneficiary", NULL};
static const char *const o_read[] = {"account", "format", NULL};
static const char *const o_journal[] = {"since", "format", NULL};
static const char *const o_issuances[] = {"project", "format", NULL};
static const char *const o_verify[] = {"format", "head", "journal", NULL};
static const char *const o_none[] = {NULL};
static const char *const o_ca[] = {"country", "year", "format", NULL};
static const char *const o_retirements[] = {"country", "format", NULL};
static const char *const o_aef[] = {"party", "year", "format", "table", "output", NULL};
static const char *const o_four_eyes[] = {"user", "country", "require", "threshold", "expiry", "format", NULL};
static const char *const o_propose[] = {"user", "from", "to", "account", "quantity", "purpose", "beneficiary", NULL};
static const char *const o_reject[] = {"user", "reason", NULL};
static const char *const o_proposals[] = {"country", "status", "format", NULL};
static const char *const o_cadt[] = {"country", "format", NULL};

static const struct cli_sub subs[] = {
	{"account", sub_account, o_account, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry account open --id ID --country CC --kind government|entity --holder NAME\n"
	 "       c2c registry account close ID\n       c2c registry account list [--country CC] [--format table|csv|json]", NULL},
	{"issue", sub_issue, o_issue, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry issue --report ID [--quantity N]   (an approved MRV report: c2c mrv report)\n"
	 "       c2c registry issue --project REF --from YYYY-MM-DD --to YYYY-MM-DD --quantity N\n"
	 "           --external-verification TEXT --source TEXT [--verified-er N]   (verified outside c2c)", NULL},
	{"allocate", sub_allocate, o_user, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV, "c2c registry allocate ISSUANCE ACCOUNT=PERCENT...", NULL},
	{"authorize", sub_authorize, o_authorize, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry authorize ISSUANCE   (the bare authorization)\n"
	 "       c2c registry authorize ISSUANCE --purpose ndc|oimp|ndc+oimp [--authorized-entity NAME]...\n"
	 "           --first-transfer issuance|transfer|use|cancellation --on YYYY-MM-DD --ref TEXT   (recorded, Article 6.2)", NULL},
	{"transfer", sub_transfer, o_transfer, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV, "c2c registry transfer --from ACCOUNT --to ACCOUNT --quantity N", NULL},
	{"cancel", sub_cancel, o_cancel, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV, "c2c registry cancel --account ACCOUNT --quantity N", NULL},
	{"retire", sub_retire, o_retire, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry retire --account ACCOUNT --quantity N --purpose ndc|voluntary|other --beneficiary NAME\n"
	 "       (ndc: toward the NDC of the account's country, with only the credits it may count)", NULL},
	{"balance", sub_balance, o_read, NULL, 0, CLI_CSV, "c2c registry balance [--account ACCOUNT] [--format table|csv|json]", NULL},
	{"blocks", sub_blocks, o_read, NULL, 0, CLI_CSV, "c2c registry blocks [--account ACCOUNT] [--format table|csv|json]", NULL},
	{"issuances", sub_issuances, o_issuances, NULL, 0, CLI_CSV,
	 "c2c registry issuances [--project P] [--format table|csv|json]   (each with its report or external verification)", NULL},
	{"history", sub_history, o_read, NULL, 0, CLI_CSV,
	 "c2c registry history --account ACCOUNT [--format table|csv|json]   (every movement with its journal entry)", NULL},
	{"journal", sub_journal, o_journal, NULL, 0, CLI_OWN_FORMAT,
	 "c2c registry journal [--since SEQ] [--format table|csv|json|jsonl]   (jsonl: the whole journal, for verify --journal)", NULL},
	{"verify", sub_verify, o_verify, NULL, CLI_NO_DB, CLI_CSV,
	 "c2c registry verify [--head SEQ:HASH] [--format json]   (--head: a head kept outside the database)\n"
	 "       c2c registry verify --journal FILE.jsonl [--head SEQ:HASH] [--format table|csv|json]   (from the file alone)", NULL},
	{"head", sub_head, o_none, NULL, 0, CLI_CSV, "c2c registry head   (SEQ:HASH of the journal's last entry, to keep elsewhere)", NULL},
	{"ca-report", sub_ca_report, o_ca, NULL, 0, CLI_CSV, "c2c registry ca-report --country CC [--year YYYY] [--format table|csv|json]", NULL},
	{"retirements", sub_retirements, o_retirements, NULL, 0, CLI_CSV,
	 "c2c registry retirements [--country CC] [--format table|csv|json]   (the public retirement log)", NULL},
	{"aef", sub_aef, o_aef, NULL, 0, CLI_OWN_FORMAT,
	 "c2c registry aef --party CC --year YYYY [--format table|json|csv|xlsx] [--table actions|holdings|notes]"
	 " [--output FILE.xlsx]\n       (Article 6.2 annual information in the Agreed Electronic Format)", NULL},
	{"four-eyes", cli_registry_four_eyes, o_four_eyes, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry four-eyes [--format table|csv|json]   (each registry's setting)\n"
	 "       c2c registry four-eyes --country CC --require yes|no [--threshold N] [--expiry 7d]\n"
	 "           (yes: transfers of more than N credits, cancellations and retirements need another registrar's approval)", NULL},
	{"propose", cli_registry_propose, o_propose, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry propose transfer --from ACCOUNT --to ACCOUNT --quantity N\n"
	 "       c2c registry propose cancel --account ACCOUNT --quantity N\n"
	 "       c2c registry propose retire --account ACCOUNT --quantity N --purpose ndc|voluntary|other --beneficiary NAME", NULL},
	{"approve", cli_registry_approve, o_user, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry approve ID   (a registrar of the registry other than the proposer; carried out at once)", NULL},
	{"reject", cli_registry_reject, o_reject, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV,
	 "c2c registry reject ID [--reason TEXT]   (a registrar of the registry, or the proposer withdrawing it)", NULL},
	{"proposals", cli_registry_proposals, o_proposals, NULL, 0, CLI_CSV,
	 "c2c registry proposals [--country CC] [--status pending|approved|rejected|expired] [--format table|csv|json]", NULL},
	{"cadt", cli_registry_cadt, o_cadt, NULL, 0, CLI_OWN_FORMAT,
	 "c2c registry cadt [--country CC] [--format json|csv]   (every block as a Climate Action Data Trust unit)", NULL},
	{"apply", sub_apply, o_user, NULL, CLI_DB_READY | CLI_DURABLE, CLI_CSV, "c2c registry apply FILE.jsonl", NULL},
};

/* Does this run only read?  `account list` and `four-eyes` without
 * --country share their subcommand (durable, as it writes) with a write. */
static int only_reads(const struct cli_run *r)
{
	const char *sub = strrchr(r->name, ' ');
	sub = sub ? sub + 1 : r->name;
	if (!strcmp(sub, "account"))
		return !r->a.npos || (strcmp(r->a.pos[0], "open") && strcmp(r->a.pos[0], "close"));
	if (!strcmp(sub, "four-eyes"))
		return !cli_opt(&r->a, "country");
	return !(r->cmd.setup & CLI_DURABLE);
}

/* The context of every operation: the database and the acting user,
 * recorded in the journal.  Before any write, the proposals past their
 * expiry are journalled as expired, in their own transaction: nothing runs
 * on a timer, so the registry's next write records them, whether or not
 * that write then succeeds.  A read writes nothing. */
static int begin(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;

	c->st = r->st;
	c->user = cli_acting_user(&r->a);
	return only_reads(r) ? 0 : registry_proposals_expire(c, NULL, err);
}

/* Takes every --authorized-entity NAME (or =NAME) out of argv for
 * `authorize`, the one option given more than once. */
static int prepare(const struct cli_sub *sub, int *argc, char **argv, struct cli_run *r, struct c2c_err *err)
{
	static const char opt[] = "--authorized-entity";
	struct registry_cli *x = r->data;
	int w = 0;

	for (int i = 0; i < *argc; i++) {
		const char *v = NULL;
		if (!strcmp(argv[i], opt)) {
			if (i + 1 == *argc)
				return c2c_err_set(err, C2C_EUSAGE, "%s: option '%s' needs a value", r->name, opt);
			v = argv[++i];
		} else if (!strncmp(argv[i], opt, sizeof(opt) - 1) && argv[i][sizeof(opt) - 1] == '=') {
			v = argv[i] + sizeof(opt);
		}
		if (!v) {
			argv[w++] = argv[i];
			continue;
		}
		if (sub->fn != sub_authorize)
			return c2c_err_set(err, C2C_EUSAGE, "%s: unknown option '%s'", r->name, opt);
		if (x->nentities == REGISTRY_MAX_ENTITIES)
			return c2c_err_set(err, C2C_EUSAGE, "%s: at most %d authorized entities", r->name,
					   REGISTRY_MAX_ENTITIES);
		x->entities[x->nentities++] = v;
	}
	*argc = w;
	return 0;
}

int cmd_registry(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), NULL, NULL, prepare, begin};
	struct registry_cli x = {0};
	return cli_subs_run(argc, argv, cmd, &t, &x, err);
}
