/*
 * apply.c - many registry operations in one transaction, one JSON object
 * per line: all of them happen, or none.  For batch work (an allocation
 * form's many recipients, a month of retirements) and for group commit: one
 * fsync for the whole batch.
 */
#include "registry.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <string.h>

static const char *str(json_t *op, const char *key)
{
	return json_string_value(json_object_get(op, key));
}

static int64_t num(json_t *op, const char *key)
{
	json_t *v = json_object_get(op, key);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

int registry_apply_one(struct registry_ctx *c, json_t *op, struct c2c_err *err)
{
	const char *name = str(op, "op");
	if (!json_is_object(op) || !name)
		return c2c_err_set(err, C2C_EINPUT, "each operation is an object with an \"op\" string");
	if (!strcmp(name, "open"))
		return registry_account_open(c, str(op, "id") ? str(op, "id") : "", str(op, "country") ? str(op, "country") : "",
					     str(op, "kind") ? str(op, "kind") : "", str(op, "holder"), err);
	if (!strcmp(name, "close"))
		return registry_account_close(c, str(op, "id") ? str(op, "id") : "", err);
	if (!strcmp(name, "issue")) {
		/* as `c2c registry issue`: from an approved report, or naming
		 * an external verification and its source */
		struct registry_issue_req r = {
			.project = str(op, "project"), .period_start = str(op, "period_start"),
			.period_end = str(op, "period_end"),
			.quantity = json_object_get(op, "quantity") || !json_object_get(op, "report") ? num(op, "quantity") : 0,
			.verified_er = num(op, "verified_er") > 0 ? num(op, "verified_er") : 0,
			.report = json_object_get(op, "report") ? num(op, "report") : 0,
			.external_verification = str(op, "external_verification"), .source = str(op, "source"),
		};
		char id[REGISTRY_ID_MAX];
		if (json_object_get(op, "report") && r.report <= 0)
			return c2c_err_set(err, C2C_EINPUT, "issue: \"report\" is a report number, 1, 2, ...");
		return registry_issue(c, &r, id, sizeof(id), err);
	}
	if (!strcmp(name, "allocate")) {
		json_t *shares = json_object_get(op, "shares"), *sh;
		struct registry_share s[64];
		size_t i, n = 0;
		if (!json_is_array(shares) || json_array_size(shares) > 64)
			return c2c_err_set(err, C2C_EINPUT, "allocate needs \"shares\": [{\"account\":..., \"percent\":\"50\"}, ...]");
		json_array_foreach(shares, i, sh) {
			const char *pct = str(sh, "percent");
			s[n].account = str(sh, "account") ? str(sh, "account") : "";
			s[n].hundredths = pct ? registry_parse_share(pct) : -1;
			if (s[n].hundredths < 0)
				return c2c_err_set(err, C2C_EINPUT, "share %zu: \"percent\" must be a string like \"35.5\"", i + 1);
			n++;
		}
		return registry_allocate(c, str(op, "issuance") ? str(op, "issuance") : "", s, n, err);
	}
	if (!strcmp(name, "authorize")) {
		struct registry_authorization a;
		const char *ents[REGISTRY_MAX_ENTITIES];
		int given, rc;
		if ((rc = registry_authorization_from_json(op, &a, ents, &given, err)))
			return rc;
		return registry_authorize_as(c, str(op, "issuance") ? str(op, "issuance") : "", given ? &a : NULL, err);
	}
	if (!strcmp(name, "transfer"))
		return registry_transfer(c, str(op, "from") ? str(op, "from") : "", str(op, "to") ? str(op, "to") : "",
					 num(op, "quantity"), err);
	if (!strcmp(name, "cancel"))
		return registry_cancel(c, str(op, "account") ? str(op, "account") : "", num(op, "quantity"), err);
	if (!strcmp(name, "retire"))
		return registry_retire(c, str(op, "account") ? str(op, "account") : "", num(op, "quantity"),
				       str(op, "purpose"), str(op, "beneficiary"), err);
	return c2c_err_set(err, C2C_EINPUT, "unknown operation '%s' (open, close, issue, allocate, authorize,"
					    " transfer, cancel, retire)", name);
}

int registry_apply_stream(struct registry_ctx *c, FILE *fp, const char *name, size_t *ops,
			  struct c2c_err *err)
{
	struct strbuf line;
	size_t lineno = 0;
	int rc, ch;

	*ops = 0;
	/* The batch holds one transaction of its own, not store_tx's: a stream
	 * read once cannot run again, so a lost race fails the batch whole.  The
	 * operations inside see it open and run in it. */
	if ((rc = store_begin_serial(c->st, "registry_journal", err)))
		return rc;
	strbuf_init(&line, 1 << 20);
	for (;;) {
		json_error_t je;
		json_t *op;
		int more = 1;
		strbuf_reset(&line);
		while ((ch = fgetc(fp)) != EOF && ch != '\n')
			if (strbuf_addch(&line, (char)ch)) {
				rc = c2c_err_set(err, C2C_EINPUT, "%s: line %zu is longer than 1 MiB", name, lineno + 1);
				goto out;
			}
		if (ch == EOF)
			more = 0;
		lineno++;
		if (line.len == 0 || strspn(strbuf_str(&line), " \t\r") == line.len) {
			if (!more)
				break;
			continue;
		}
		op = json_loads(strbuf_str(&line), 0, &je);
		if (!op) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s: line %zu, column %d: %s", name, lineno, je.column, je.text);
			goto out;
		}
		rc = registry_apply_one(c, op, err);
		json_decref(op);
		if (rc) {
			c2c_err_prefix(err, "%s: line %zu", name, lineno);
			goto out;
		}
		(*ops)++;
		if (!more)
			break;
	}
	if (ferror(fp))
		rc = c2c_err_set(err, C2C_EIO, "%s: read error", name);
	else
		rc = store_commit(c->st, err);
out:
	if (rc)
		store_rollback(c->st);
	strbuf_release(&line);
	return rc;
}
