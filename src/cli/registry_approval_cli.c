/*
 * registry_approval_cli.c - four-eyes approval and the CADT export from the
 * command line (`c2c registry four-eyes|propose|approve|reject|proposals|
 * cadt`), kept out of cmd_registry.c, which holds their rows of the
 * subcommand table.  Who may approve on the command line is asked of auth:
 * the acting user (--user, $C2C_USER, $USER) must be an enabled registrar
 * of the proposal's registry, as over HTTP.
 */
#include "auth/auth.h"
#include "core/json.h"
#include "registry_cli.h"
#include "registry/registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole number of credits from an option, 0..max; `need`: required. */
static int count_opt(const struct cli_args *a, const char *name, int need, long long lo, int64_t *out,
		     struct c2c_err *err)
{
	const char *v = cli_opt(a, name);
	char *end;
	long long n;
	if (!v) {
		if (need)
			return c2c_err_set(err, C2C_EUSAGE, "--%s is required", name);
		return 0;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || end == v || n < lo)
		return c2c_err_set(err, C2C_EUSAGE, "--%s: '%s' is not a whole number of at least %lld", name, v, lo);
	*out = n;
	return 0;
}

/* `c2c registry four-eyes`: every registry's setting; with --country, sets
 * it (--require yes|no, --threshold N, --expiry 7d). */
int cli_registry_four_eyes(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"country", "required", "threshold", "expiry_seconds", "seq", NULL};
	const char *cc = cli_opt(&r->a, "country"), *req = cli_opt(&r->a, "require"), *exp = cli_opt(&r->a, "expiry");
	int64_t threshold = 0, expiry = REGISTRY_EXPIRY_DEFAULT;
	json_t *rows;
	int rc;

	if (!cc) {
		if (req || exp || cli_opt(&r->a, "threshold"))
			return c2c_err_set(err, C2C_EUSAGE, "four-eyes: --country CC names the registry to set");
		if ((rc = registry_four_eyes_list(c->st, &rows, err)))
			return rc;
		return cli_print_drop(rows, r->fmt, cols);
	}
	if (!req || (strcmp(req, "yes") && strcmp(req, "no")))
		return c2c_err_set(err, C2C_EUSAGE, "four-eyes: --require yes or --require no");
	if ((rc = count_opt(&r->a, "threshold", 0, 0, &threshold, err)))
		return rc;
	if (exp && (expiry = registry_parse_expiry(exp)) < 0)
		return c2c_err_set(err, C2C_EUSAGE, "--expiry: '%s' is not a duration from 1s to 365d (7d, 12h, 30m, 45s)", exp);
	if ((rc = registry_four_eyes_set(c, cc, !strcmp(req, "yes"), threshold, expiry, err)))
		return rc;
	if (!strcmp(req, "yes"))
		printf("the %s registry requires four-eyes approval for transfers of more than %lld credits, cancellations"
		       " and retirements; a proposal lives %lld seconds (journal entry %lld)\n", cc, (long long)threshold,
		       (long long)expiry, (long long)c->last_seq);
	else
		printf("the %s registry requires no four-eyes approval (journal entry %lld)\n", cc, (long long)c->last_seq);
	return 0;
}

/* `c2c registry propose transfer|cancel|retire ...` */
int cli_registry_propose(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	struct registry_proposal_req p = {0};
	int64_t id;
	int rc;

	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "propose: give the operation: transfer, cancel or retire");
	p.operation = r->a.pos[0];
	p.from = cli_opt(&r->a, !strcmp(p.operation, "transfer") ? "from" : "account");
	if (!strcmp(p.operation, "transfer") ? cli_opt(&r->a, "account") != NULL : cli_opt(&r->a, "from") != NULL)
		return c2c_err_set(err, C2C_EUSAGE, "propose: a transfer takes --from and --to, a cancellation or a"
				   " retirement --account");
	p.to = cli_opt(&r->a, "to");
	p.purpose = cli_opt(&r->a, "purpose");
	p.beneficiary = cli_opt(&r->a, "beneficiary");
	if ((rc = count_opt(&r->a, "quantity", 1, 1, &p.quantity, err)))
		return rc;
	if ((rc = registry_propose(c, &p, &id, err)))
		return rc;
	printf("proposal %lld: %s %lld credits of %s%s%s, awaiting approval by another registrar\n", (long long)id,
	       p.operation, (long long)p.quantity, p.from, p.to ? " to " : "", p.to ? p.to : "");
	return 0;
}

/* On the command line the acting user must be an enabled registrar of the
 * registry (auth's users), as the API's session must. */
static int cli_may_decide(void *arg, const char *country, struct c2c_err *err)
{
	struct registry_ctx *c = arg;
	struct auth_user u;
	int disabled = 0, rc = auth_user_get(c->st, c->user, &u, &disabled, err);

	if (rc == C2C_ENOTFOUND || (!rc && (disabled || u.role != AUTH_REGISTRAR || strcmp(u.scope, country)))) {
		rc = c2c_err_at(err, C2C_EFORBIDDEN, "user", "only a registrar of the %s registry may decide a proposal:"
				" '%s' is not one", country, c->user);
		c2c_err_hint(err, "c2c user add NAME --role registrar --scope %s; then --user NAME", country);
	}
	return rc;
}

static int proposal_id(struct cli_run *r, const char *verb, int64_t *id, struct c2c_err *err)
{
	char *end;
	long long n;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "%s: give the proposal's ID (c2c registry proposals)", verb);
	errno = 0;
	n = strtoll(r->a.pos[0], &end, 10);
	if (errno || *end || n <= 0)
		return c2c_err_set(err, C2C_EUSAGE, "%s: '%s' is not a proposal ID", verb, r->a.pos[0]);
	*id = n;
	return 0;
}

int cli_registry_approve(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	int64_t id;
	int rc;
	if ((rc = proposal_id(r, "approve", &id, err)) || (rc = registry_approve(c, id, cli_may_decide, c, err)))
		return rc;
	printf("proposal %lld approved by %s and carried out (journal entry %lld)\n", (long long)id, c->user,
	       (long long)c->last_seq);
	return 0;
}

int cli_registry_reject(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	int64_t id;
	int rc;
	if ((rc = proposal_id(r, "reject", &id, err)) ||
	    (rc = registry_reject(c, id, cli_opt(&r->a, "reason"), cli_may_decide, c, err)))
		return rc;
	printf("proposal %lld rejected by %s\n", (long long)id, c->user);
	return 0;
}

int cli_registry_proposals(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	static const char *const cols[] = {"id", "country", "operation", "from", "to", "quantity", "proposed_by",
					   "expires_at", "status", "decided_by", NULL};
	json_t *rows;
	int rc = registry_proposals(c->st, cli_opt(&r->a, "country"), cli_opt(&r->a, "status"), &rows, err);
	return rc ? rc : cli_print_drop(rows, r->fmt, cols);
}

/* `c2c registry cadt`: every block as a Climate Action Data Trust unit. */
int cli_registry_cadt(struct cli_run *r, struct c2c_err *err)
{
	struct registry_ctx *c = r->data;
	const char *f = cli_opt(&r->a, "format");
	json_t *doc;
	int rc;

	if (f && strcmp(f, "json") && strcmp(f, "csv"))
		return c2c_err_set(err, C2C_EUSAGE, "cadt: --format is json or csv");
	if ((rc = registry_cadt(c->st, cli_opt(&r->a, "country"), &doc, err)))
		return rc;
	if (f && !strcmp(f, "csv")) {
		json_t *units = json_incref(json_object_get(doc, "units"));
		json_decref(doc);
		return cli_print_drop(units, FMT_CSV, NULL);
	}
	{
		char *s = json_dumps(doc, C2C_JSON_FLAGS);
		puts(s);
		free(s);
	}
	json_decref(doc);
	return 0;
}
