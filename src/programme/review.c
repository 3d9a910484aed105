/*
 * review.c - reviewers, their score sheets, and the ranking of a call with
 * the spread between reviewers.  All arithmetic is on whole numbers: points
 * are 1..PROGRAMME_POINTS_MAX, weights whole, and a score is kept in
 * hundredths of a 0-100 scale, rounded half up once, at the end.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct programme_reviewer_add_args {
	const char *id;
	const char *name;
	const char *body;
	const char *affiliation;
};

static int programme_reviewer_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct programme_reviewer_add_args *a_ = ctx;
	const char *id = a_->id;
	const char *name = a_->name;
	const char *body = a_->body;
	const char *affiliation = a_->affiliation;
	char body_id[65] = "";
	json_t *have;
	int rc;

	if ((rc = prog_check_id("id", id, err)) || (rc = prog_check_text("name", name, 1, 200, err)) ||
	    (rc = prog_check_text("affiliation", affiliation, 0, 400, err)))
		return rc;
	if (body && *body && (rc = prog_place(st, body, "body", -1, body_id, sizeof(body_id), NULL, err)))
		goto fail;
	if ((rc = prog_select(st, "SELECT \"id\" FROM \"programme_reviewers\" WHERE \"id\" = ?",
			      (const char *const[]){id}, 1, &have, err)))
		goto fail;
	rc = json_array_size(have) ? c2c_err_at(err, C2C_ECONFLICT, "id", "reviewer %s exists already", id) : 0;
	json_decref(have);
	if (rc)
		goto fail;
	{
		const char *b[] = {id, name, body_id[0] ? body_id : NULL,
				   affiliation && *affiliation ? affiliation : NULL};
		if ((rc = prog_exec(st, "INSERT INTO \"programme_reviewers\" (\"id\", \"name\", \"body_id\","
				    " \"affiliation\") VALUES (?, ?, ?, ?)", b, 4, err)))
			goto fail;
	}
	return 0;
fail:
	return rc;
}

int programme_reviewer_add(struct store *st, const char *id, const char *name,
			   const char *body, const char *affiliation, struct c2c_err *err)
{
	struct programme_reviewer_add_args a_ = {id, name, body, affiliation};
	return store_tx(st, NULL, programme_reviewer_add_tx, &a_, err);
}

int programme_reviewer_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	json_t *rows;
	int rc = prog_select(st, "SELECT \"id\", \"name\", \"body_id\", \"affiliation\" FROM \"programme_reviewers\""
			     " WHERE \"id\" = ?", (const char *const[]){id}, 1, &rows, err);
	*out = NULL;
	if (rc)
		return rc;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return c2c_err_at(err, C2C_ENOTFOUND, "reviewer", "no reviewer '%s'", id ? id : "");
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

int programme_reviewers(struct store *st, json_t **out, struct c2c_err *err)
{
	int rc = prog_select(st, "SELECT \"id\", \"name\", \"body_id\", NULL AS \"body_ja\", \"affiliation\""
			     " FROM \"programme_reviewers\" ORDER BY \"id\"", NULL, 0, out, err);
	if (!rc && (rc = prog_atlas_fill(st, *out, (const char *const[]){"body_id", "places", "name_ja", "body_ja", NULL},
					 err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

struct programme_score_args {
	const char *proposal;
	const char *reviewer;
	const struct programme_point *pts;
	size_t n;
	int replace;
};

static int programme_score_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct programme_score_args *a_ = ctx;
	const char *proposal = a_->proposal;
	const char *reviewer = a_->reviewer;
	const struct programme_point *pts = a_->pts;
	size_t n = a_->n;
	int replace = a_->replace;
	json_t *prop = NULL, *rev = NULL, *crit = NULL, *have = NULL, *c;
	const char *status, *pbody, *rbody;
	size_t i;
	int rc;

	if ((rc = prog_check_id("proposal", proposal, err)) || (rc = prog_check_id("reviewer", reviewer, err)))
		return rc;
	for (size_t k = 0; k < n; k++)
		if (pts[k].points < 1 || pts[k].points > PROGRAMME_POINTS_MAX)
			return c2c_err_at(err, C2C_EINPUT, pts[k].criterion, "%s: %d points is not 1 to %d",
					  pts[k].criterion,
					   pts[k].points, PROGRAMME_POINTS_MAX);
	if ((rc = prog_select(st, "SELECT \"call_id\", \"status\", \"body_id\" FROM \"programme_proposals\""
			      " WHERE \"id\" = ?", (const char *const[]){proposal}, 1, &prop, err)))
		goto fail;
	if (!json_array_size(prop)) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "proposal: no proposal '%s'", proposal);
		goto fail;
	}
	status = json_string_value(json_object_get(json_array_get(prop, 0), "status"));
	if (strcmp(status, "submitted")) {
		/* one format per state: each has its Japanese */
		if (!strcmp(status, "selected"))
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is selected already: its scores are closed",
					 proposal);
		else if (!strcmp(status, "rejected"))
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is rejected already: its scores are closed",
					 proposal);
		else
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is %s already: its scores are closed", proposal,
					 status);
		goto fail;
	}
	if ((rc = prog_select(st, "SELECT \"name\", \"body_id\" FROM \"programme_reviewers\" WHERE \"id\" = ?",
			      (const char *const[]){reviewer}, 1, &rev, err)))
		goto fail;
	if (!json_array_size(rev)) {
		rc = c2c_err_at(err, C2C_ENOTFOUND, "reviewer", "no reviewer '%s'", reviewer);
		c2c_err_hint(err, "c2c score reviewer add --id %s --name NAME [--body PLACE]", reviewer);
		goto fail;
	}
	pbody = json_string_value(json_object_get(json_array_get(prop, 0), "body_id"));
	rbody = json_string_value(json_object_get(json_array_get(rev, 0), "body_id"));
	/* any body of a joint proposal is the reviewer's own */
	if (rbody && (rc = programme_proposal_has_body(st, proposal, rbody, err)) < 0)
		goto fail;
	if (rbody && (rc || !strcmp(rbody, pbody))) {
		rc = c2c_err_at(err, C2C_ECONFLICT, "reviewer",
				 "%s belongs to %s, the body of proposal %s: a reviewer cannot "
				 "score a proposal of their own body", reviewer, rbody, proposal);
		goto fail;
	}
	if ((rc = prog_select(st, "SELECT \"id\" FROM \"programme_criteria\" WHERE \"call_id\" = ?"
			      " ORDER BY \"seq\"", (const char *const[]){json_string_value(
			      json_object_get(json_array_get(prop, 0), "call_id"))}, 1, &crit, err)))
		goto fail;
	/* every criterion of the call exactly once, nothing else */
	for (size_t k = 0; k < n; k++) {
		int known = 0;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(pts[j].criterion, pts[k].criterion)) {
				rc = c2c_err_at(err, C2C_EINPUT, pts[k].criterion, "%s: given twice", pts[k].criterion);
				goto fail;
			}
		json_array_foreach(crit, i, c)
			known |= !strcmp(json_string_value(json_object_get(c, "id")), pts[k].criterion);
		if (!known) {
			char list[300] = "";
			json_array_foreach(crit, i, c)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
					 json_string_value(json_object_get(c, "id")));
			rc = c2c_err_set(err, C2C_EINPUT, "%.64s: not a criterion of this call (%s)",
					 pts[k].criterion, list);
			goto fail;
		}
	}
	json_array_foreach(crit, i, c) {
		const char *cid = json_string_value(json_object_get(c, "id"));
		int given = 0;
		for (size_t k = 0; k < n; k++)
			given |= !strcmp(pts[k].criterion, cid);
		if (!given) {
			rc = c2c_err_at(err, C2C_EINPUT, cid, "%s: no points given (a sheet scores every criterion)",
					 cid);
			c2c_err_hint(err, "give CRITERION=POINTS for each criterion, points 1 to %d",
				     PROGRAMME_POINTS_MAX);
			goto fail;
		}
	}
	if ((rc = prog_select(st, "SELECT COUNT(*) AS \"n\" FROM \"programme_scores\" WHERE \"proposal_id\" = ?"
			      " AND \"reviewer_id\" = ?", (const char *const[]){proposal, reviewer}, 2,
			      &have, err)))
		goto fail;
	if (json_integer_value(json_object_get(json_array_get(have, 0), "n"))) {
		if (!replace) {
			rc = c2c_err_set(err, C2C_ECONFLICT, "reviewer %s has scored proposal %s already", reviewer,
					 proposal);
			c2c_err_hint(err, "add --replace to replace that score sheet");
			goto fail;
		}
		if ((rc = prog_exec(st, "DELETE FROM \"programme_scores\" WHERE \"proposal_id\" = ?"
				    " AND \"reviewer_id\" = ?", (const char *const[]){proposal, reviewer}, 2, err)))
			goto fail;
	}
	for (size_t k = 0; k < n; k++) {
		char pnum[16];
		snprintf(pnum, sizeof(pnum), "#%d", pts[k].points);
		if ((rc = prog_exec(st, "INSERT INTO \"programme_scores\" (\"proposal_id\", \"reviewer_id\","
				    " \"criterion_id\", \"points\") VALUES (?, ?, ?, ?)",
				    (const char *const[]){proposal, reviewer, pts[k].criterion, pnum}, 4, err)))
			goto fail;
	}
	json_decref(prop), json_decref(rev), json_decref(crit), json_decref(have);
	return 0;
fail:
	json_decref(prop), json_decref(rev), json_decref(crit), json_decref(have);
	return rc;
}

int programme_score(struct store *st, const char *proposal, const char *reviewer,
		    const struct programme_point *pts, size_t n, int replace,
		    struct c2c_err *err)
{
	struct programme_score_args a_ = {proposal, reviewer, pts, n, replace};
	return store_tx(st, NULL, programme_score_tx, &a_, err);
}

int programme_scores(struct store *st, const char *call_id, const char *proposal,
		     json_t **out, struct c2c_err *err)
{
	const char *b[] = {call_id, call_id, proposal, proposal};
	return prog_select(st,
			   "SELECT s.\"proposal_id\", s.\"reviewer_id\", r.\"name\" AS \"reviewer\","
			   " s.\"criterion_id\", s.\"points\" FROM \"programme_scores\" s"
			   " JOIN \"programme_proposals\" p ON p.\"id\" = s.\"proposal_id\""
			   " JOIN \"programme_reviewers\" r ON r.\"id\" = s.\"reviewer_id\""
			   " JOIN \"programme_criteria\" c ON c.\"call_id\" = p.\"call_id\" AND c.\"id\" = s.\"criterion_id\""
			   " WHERE (? IS NULL OR p.\"call_id\" = ?) AND (? IS NULL OR s.\"proposal_id\" = ?)"
			   " ORDER BY p.\"call_id\", p.\"seq\", s.\"reviewer_id\", c.\"seq\"",
			   b, 4, out, err);
}

/* num/den rounded half up, for non-negative num and positive den. */
static long long div_round(long long num, long long den)
{
	return (2 * num + den) / (2 * den);
}

struct ranked {
	json_t *row;
	long long score, spread;
	int reviews, ranked;
	const char *submitted;
	long long seq;
};

static int cmp_ranked(const void *va, const void *vb)
{
	const struct ranked *a = va, *b = vb;
	if (a->ranked != b->ranked)
		return b->ranked - a->ranked;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->spread != b->spread) /* reviewers who agree first */
		return a->spread < b->spread ? -1 : 1;
	if (a->reviews != b->reviews)
		return b->reviews - a->reviews;
	if (strcmp(a->submitted, b->submitted))
		return strcmp(a->submitted, b->submitted);
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One proposal's sheets into its score, criterion means and spread. */
static void score_one(json_t *row, json_t *crit, json_t *sheets, long long total_weight,
		      int min_reviews, struct ranked *out)
{
	const char *pid = json_string_value(json_object_get(row, "id"));
	json_t *reviewers = json_array(), *parts = json_object(), *why = json_array(), *s, *c;
	long long num = 0, tmin = -1, tmax = -1;
	size_t i, j;
	int n;

	/* the reviewers of this proposal, in order */
	json_array_foreach(sheets, i, s) {
		const char *r = json_string_value(json_object_get(s, "reviewer_id"));
		int seen = 0;
		if (strcmp(json_string_value(json_object_get(s, "proposal_id")), pid))
			continue;
		json_array_foreach(reviewers, j, c)
			seen |= !strcmp(json_string_value(c), r);
		if (!seen)
			json_array_append_new(reviewers, json_string(r));
	}
	n = (int)json_array_size(reviewers);
	json_array_foreach(crit, i, c) {
		const char *cid = json_string_value(json_object_get(c, "id"));
		long long w = json_integer_value(json_object_get(c, "weight")), sum = 0;
		int lo = 99, hi = 0;
		json_array_foreach(sheets, j, s) {
			int pts;
			if (strcmp(json_string_value(json_object_get(s, "proposal_id")), pid) ||
			    strcmp(json_string_value(json_object_get(s, "criterion_id")), cid))
				continue;
			pts = (int)json_integer_value(json_object_get(s, "points"));
			sum += pts;
			lo = pts < lo ? pts : lo;
			hi = pts > hi ? pts : hi;
		}
		num += w * sum;
		if (n) {
			json_object_set_new(parts, cid, json_pack("{s:I, s:i, s:i, s:i, s:I}", "mean_x100",
				(json_int_t)div_round(100 * sum, n), "min", lo, "max", hi, "range", hi - lo,
				"weight", (json_int_t)w));
			if (hi - lo >= PROGRAMME_SPREAD_POINTS) {
				char t[200];
				snprintf(t, sizeof(t), "%s: %d..%d (range %d >= %d)", cid, lo, hi, hi - lo,
					 PROGRAMME_SPREAD_POINTS);
				json_array_append_new(why, json_string(t));
			}
		}
	}
	/* each reviewer's weighted total, for the spread of totals */
	json_array_foreach(reviewers, i, c) {
		long long rn = 0, t;
		json_array_foreach(sheets, j, s) {
			size_t k;
			json_t *cc;
			if (strcmp(json_string_value(json_object_get(s, "proposal_id")), pid) ||
			    strcmp(json_string_value(json_object_get(s, "reviewer_id")), json_string_value(c)))
				continue;
			json_array_foreach(crit, k, cc)
				if (!strcmp(json_string_value(json_object_get(cc, "id")),
					    json_string_value(json_object_get(s, "criterion_id"))))
					rn += json_integer_value(json_object_get(cc, "weight")) *
					      json_integer_value(json_object_get(s, "points"));
		}
		t = div_round(10000 * rn, total_weight * PROGRAMME_POINTS_MAX);
		tmin = tmin < 0 || t < tmin ? t : tmin;
		tmax = t > tmax ? t : tmax;
	}
	out->row = row;
	out->reviews = n;
	out->ranked = n >= min_reviews;
	out->score = n ? div_round(10000 * num, (long long)n * total_weight * PROGRAMME_POINTS_MAX) : 0;
	out->spread = n ? tmax - tmin : 0;
	out->submitted = json_string_value(json_object_get(row, "submitted_on"));
	out->seq = json_integer_value(json_object_get(row, "seq"));
	if (n && out->spread >= PROGRAMME_SPREAD_TOTAL_X100) {
		char t[200], a[24], b[24];
		prog_x100(tmin, a, sizeof(a));
		prog_x100(tmax, b, sizeof(b));
		snprintf(t, sizeof(t), "total: %s..%s of 100", a, b);
		json_array_append_new(why, json_string(t));
	}
	json_object_set_new(row, "reviewers", reviewers);
	json_object_set_new(row, "criteria", parts);
	json_object_set_new(row, "disagreement", json_boolean(json_array_size(why) > 0));
	json_object_set_new(row, "disagreement_on", why);
}

int programme_rank(struct store *st, const char *call_id, json_t **out, struct c2c_err *err)
{
	json_t *call = NULL, *crit, *props = NULL, *sheets = NULL, *arr, *r;
	struct ranked *rk = NULL;
	long long total_weight = 0;
	int rc, min_reviews, planned;
	size_t i, n;

	*out = NULL;
	if ((rc = programme_calls(st, call_id, &call, err)))
		return rc;
	crit = json_object_get(json_array_get(call, 0), "criteria");
	min_reviews = (int)json_integer_value(json_object_get(json_array_get(call, 0), "min_reviews"));
	planned = (int)json_integer_value(json_object_get(json_array_get(call, 0), "planned_selections"));
	json_array_foreach(crit, i, r)
		total_weight += json_integer_value(json_object_get(r, "weight"));
	if ((rc = prog_select(st,
			      "SELECT p.\"id\", p.\"seq\", p.\"round\", p.\"submitted_on\", p.\"body_id\","
			      " NULL AS \"body_ja\", p.\"partner_place_id\", NULL AS \"partner_ja\","
			      " p.\"title_ja\", p.\"sector\", p.\"jcm\", p.\"budget_jpy\", p.\"status\""
			      " FROM \"programme_proposals\" p WHERE p.\"call_id\" = ? ORDER BY p.\"seq\"",
			      (const char *const[]){call_id}, 1, &props, err)) ||
	    (rc = prog_atlas_fill(st, props, PROG_PLACE_NAMES, err)) ||
	    (rc = prog_proposal_places(st, props, err)) ||
	    (rc = programme_scores(st, call_id, NULL, &sheets, err)))
		goto done;
	n = json_array_size(props);
	rk = calloc(n ? n : 1, sizeof(*rk));
	if (!rk) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(props, i, r)
		score_one(r, crit, sheets, total_weight ? total_weight : 1, min_reviews, &rk[i]);
	qsort(rk, n, sizeof(*rk), cmp_ranked);
	arr = json_array();
	for (i = 0; i < n; i++) {
		json_t *o = json_object();
		char sc[24], sp[24];
		prog_x100(rk[i].score, sc, sizeof(sc));
		prog_x100(rk[i].spread, sp, sizeof(sp));
		json_object_set_new(o, "rank", rk[i].ranked ? json_integer((json_int_t)i + 1) : json_null());
		json_object_update(o, rk[i].row);
		json_object_set_new(o, "score", json_string(rk[i].reviews ? sc : ""));
		json_object_set_new(o, "score_x100", json_integer(rk[i].score));
		json_object_set_new(o, "spread", json_string(rk[i].reviews ? sp : ""));
		json_object_set_new(o, "spread_x100", json_integer(rk[i].spread));
		json_object_set_new(o, "reviews", json_integer(rk[i].reviews));
		json_object_set_new(o, "within_planned", json_boolean(rk[i].ranked && (int)i < planned));
		json_object_set_new(o, "flag", json_string(
			!rk[i].ranked ? "needs reviews" :
			json_is_true(json_object_get(rk[i].row, "disagreement")) ? "disagreement" : ""));
		json_array_append_new(arr, o);
	}
	*out = arr;
	rc = 0;
done:
	free(rk);
	json_decref(call);
	json_decref(props);
	json_decref(sheets);
	return rc;
}
