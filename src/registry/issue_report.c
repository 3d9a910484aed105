/*
 * issue_report.c - the one step from an approved MRV report to issued
 * credits.  The CLI (`c2c registry issue --report N`) and the API
 * (POST /api/v1/registry/issue with "report") both call it, so the rule is
 * written once: registry_issue asks mrv, which owns the reports, what the
 * report gives (project, period, verified ER, the project's host country)
 * and mrv refuses one that is not approved; the registry issues that into
 * the host's pending account, once per report.  The registry asks mrv
 * through mrv's functions only, never its tables.
 */
#include "registry.h"

int registry_issue_from_report(struct registry_ctx *c, int64_t report, const int64_t *quantity,
			       registry_may_issue_fn may, void *arg, char *id, size_t idlen,
			       int64_t *issued, struct c2c_err *err)
{
	struct registry_issue_req r = {.report = report, .quantity = quantity ? *quantity : 0,
				       .may = may, .may_arg = arg};
	json_t *iss;
	int rc;

	if (report <= 0)
		return c2c_err_at(err, C2C_EUSAGE, "report", "report %lld: reports are numbered 1, 2, ...",
				  (long long)report);
	if (quantity && *quantity <= 0)
		return c2c_err_at(err, C2C_EINPUT, "quantity", "quantity must be a whole number of credits from 1 "
				  "to %lld", (long long)REGISTRY_MAX_ISSUANCE);
	if ((rc = registry_issue(c, &r, id, idlen, err)))
		return rc;
	if (issued) {
		if ((rc = registry_issuance_get(c->st, id, &iss, err)))
			return rc;
		*issued = json_integer_value(json_object_get(iss, "quantity"));
		json_decref(iss);
	}
	return 0;
}
