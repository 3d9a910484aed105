/*
 * issue_report.c - the one step from an approved MRV report to issued
 * credits.  The CLI (`c2c registry issue --report N`) and the API
 * (POST /api/v1/registry/issue with "report") both call it, so the rule is
 * written once: mrv, which owns the reports, says what the report gives
 * (project, period, verified ER) and refuses one that is not approved; the
 * registry issues that into the host's pending account.  The registry asks
 * mrv through mrv's function only, never its tables.
 */
#include "registry.h"

#include <stdio.h>

#include "mrv/mrv.h"

int registry_issue_from_report(struct registry_ctx *c, int64_t report, const int64_t *quantity,
			       registry_may_issue_fn may, void *arg, char *id, size_t idlen,
			       int64_t *issued, struct c2c_err *err)
{
	struct registry_issue_req r = {0};
	struct mrv_issuable rep;
	char host[3];
	int rc;

	if ((rc = mrv_report_issuable(c->st, report, &rep, err)))
		return rc;
	r.project = rep.project;
	r.period_start = rep.from;
	r.period_end = rep.to;
	r.verified_er = rep.er_tco2e;
	r.quantity = quantity ? *quantity : rep.er_tco2e;
	/* credits go into the registry of the host country, whose code starts
	 * the project reference (as registry_issue reads it) */
	snprintf(host, sizeof(host), "%.2s", r.project);
	if (may && (rc = may(arg, host, err)))
		return rc;
	if ((rc = registry_issue(c, &r, id, idlen, err)))
		return rc;
	if (issued)
		*issued = r.quantity;
	return 0;
}
