/*
 * verified.c - a project's verified emission reductions as a yearly rate,
 * for the city scenarios: a scenario's measure is a reduction in tonnes a
 * year, while an MRV report covers whatever period its participant chose.
 * Only approved reports count (a submitted or rejected one is not a
 * verified result); the rate is their ER over the days they cover, times
 * 365.  Approved periods that overlap would count the same days twice, so
 * they are refused, naming the two reports.
 */
#include "mrv.h"

#include <stdio.h>
#include <string.h>

int mrv_verified_rate(struct store *st, const char *project, struct mrv_rate *out, struct c2c_err *err)
{
	struct store_stmt *s;
	int64_t last_to = 0, last_id = 0; /* the report that ends latest so far */
	int rc;

	memset(out, 0, sizeof(*out));
	{
		long long n;
		rc = store_query_int_args(st, "SELECT COUNT(*) FROM \"mrv_project\" WHERE \"id\" = ?",
					  STORE_ARGS(store_text(project)), &n, err);
		if (rc == 1 && n == 0)
			rc = c2c_err_set(err, C2C_ENOTFOUND, "no MRV project '%s'", project);
		if (rc < 0)
			return rc;
	}
	if ((rc = store_prepare(st, "SELECT \"id\", \"period_from\", \"period_to\", \"er_micro\" FROM \"mrv_report\""
				" WHERE \"project\" = ? AND \"status\" = 'approved' ORDER BY \"period_from\", \"id\"",
				&s, err)))
		return rc;
	store_bind_text(s, 1, project);
	while ((rc = store_step(s, err)) == 1) {
		int64_t id = store_col_int(s, 0), from, to;
		if (mrv_parse_date(store_col_text(s, 1), &from) || mrv_parse_date(store_col_text(s, 2), &to)) {
			rc = c2c_err_set(err, C2C_EINPUT, "report %lld: stored period %s..%s is not two dates",
					 (long long)id, store_col_text(s, 1), store_col_text(s, 2));
			break;
		}
		/* ordered by start: a report overlaps an earlier one iff it starts
		 * on or before the latest end so far */
		if (out->reports && from <= last_to) {
			rc = c2c_err_set(err, C2C_ECONFLICT,
					 "MRV project %s: approved reports %lld and %lld cover the same days; "
					 "their yearly rate would count them twice",
					 project, (long long)last_id, (long long)id);
			break;
		}
		if (!out->reports || to > last_to) {
			last_to = to;
			last_id = id;
		}
		if (!out->reports)
			snprintf(out->from, sizeof(out->from), "%s", store_col_text(s, 1));
		snprintf(out->to, sizeof(out->to), "%s", store_col_text(s, 2));
		out->reports++;
		out->days += (to - from) / 86400 + 1; /* whole UTC days, both ends included */
		out->er_micro += store_col_int(s, 3);
	}
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (!out->reports)
		return c2c_err_set(err, C2C_ENOTFOUND,
				   "MRV project %s has no approved monitoring report: nothing is verified yet", project);
	out->t_per_year = (double)out->er_micro / 1e6 * 365.0 / (double)out->days;
	return 0;
}
