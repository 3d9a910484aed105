/*
 * select.c - the decision on a proposal, and what selection makes of it:
 * the atlas gains the partnership for the call's fiscal year (or the year is
 * added to the partnership the same body and partner already have), the
 * project, and the project's companies the atlas knows; the project is
 * linked to that partnership and its life starts with the study, dated the
 * day of the selection.  Everything, the
 * decision included, is one transaction: a refused atlas row leaves the
 * proposal undecided and the atlas as it was.
 */
#include "internal.h"
#include "atlas/atlas.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON row of atlas_list back into the column-ordered text upsert wants. */
static void row_values(const struct atlas_table *t, json_t *row, char vals[][1024], const char **v)
{
	for (size_t c = 0; c < t->ncols; c++) {
		json_t *x = json_object_get(row, t->cols[c].name);
		if (json_is_integer(x))
			snprintf(vals[c], 1024, "%lld", (long long)json_integer_value(x));
		else
			snprintf(vals[c], 1024, "%s", json_is_string(x) ? json_string_value(x) : "");
		v[c] = vals[c];
	}
}

/* "2020;2021" + 2026 -> "2020;2021;2026", ascending; 0 if already there. */
static int fy_add(const char *list, int fy, char *out, size_t len)
{
	int done = 0, had = 0;
	const char *p = list;
	out[0] = 0;
	while (*p) {
		int y = (int)strtol(p, NULL, 10);
		if (y == fy)
			had = 1;
		if (!done && y > fy) {
			snprintf(out + strlen(out), len - strlen(out), "%s%d", out[0] ? ";" : "", fy);
			done = 1;
		}
		snprintf(out + strlen(out), len - strlen(out), "%s%d", out[0] ? ";" : "", y);
		p = strchr(p, ';');
		if (!p)
			break;
		p++;
	}
	if (!done && !had)
		snprintf(out + strlen(out), len - strlen(out), "%s%d", out[0] ? ";" : "", fy);
	return !had;
}

static const char *sv(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* Is partnership `pid` between exactly the proposal's places: every body
 * of it (role body) and every partner place (role partner), and no other?
 * 1 yes, 0 no, < 0 on error. */
static int same_places(struct store *st, const struct atlas_table *tp, const char *pid, json_t *p,
		       struct c2c_err *err)
{
	json_t *links, *l, *pl, *want;
	size_t i, k, nb = 0, np = 0;
	int rc;

	if ((rc = atlas_list(st, tp, (const char *const[]){"partnership_id", pid, NULL}, &links, err)))
		return rc;
	json_array_foreach(links, i, l) {
		int body = !strcmp(sv(l, "role"), "body"), found = 0;
		want = json_object_get(p, body ? "bodies" : "partners");
		json_array_foreach(want, k, pl)
			found |= !strcmp(sv(pl, "id"), sv(l, "place_id"));
		if (!found)
			break;
		*(body ? &nb : &np) += 1;
	}
	rc = i == json_array_size(links) && nb == json_array_size(json_object_get(p, "bodies")) &&
	     np == json_array_size(json_object_get(p, "partners"));
	json_decref(links);
	return rc;
}

/* The partnership (the first by id) between exactly the proposal's bodies
 * and partner places, into id: 1, 0 when none, < 0 on error.  A line of
 * 札幌市 with 北海道庁 is not the line of 札幌市 alone: a selection continues
 * the line whose places are the proposal's.  The links are the atlas's,
 * asked of it. */
static int proposal_partnership(struct store *st, const struct atlas_table *tp, json_t *p, char *id,
				size_t len, struct c2c_err *err)
{
	json_t *mine, *l;
	size_t i;
	int rc = 0, hit;

	id[0] = '\0';
	if ((rc = atlas_list(st, tp, (const char *const[]){"place_id", sv(p, "body_id"), "role", "body", NULL}, &mine,
			     err)))
		return rc;
	json_array_foreach(mine, i, l) {
		const char *pid = sv(l, "partnership_id");
		if ((hit = same_places(st, tp, pid, p, err)) < 0) {
			rc = hit;
			break;
		}
		if (hit && (!id[0] || strcmp(pid, id) < 0))
			snprintf(id, len, "%s", pid);
	}
	json_decref(mine);
	return rc ? rc : id[0] != 0;
}

/* "東京都・さいたま市": a joint proposal's places as the atlas labels them. */
static void places_label(json_t *places, char *out, size_t len)
{
	json_t *pl;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(places, i, pl) {
		const char *nm = *sv(pl, "name_ja") ? sv(pl, "name_ja") : sv(pl, "id");
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", i ? "・" : "", nm);
		if (n >= len)
			break;
	}
}

static int partnership_for(struct store *st, json_t *p, int fy, const char *source,
			   json_t *out, struct c2c_err *err)
{
	const struct atlas_table *t = atlas_table_find("partnerships");
	const struct atlas_table *tp = atlas_table_find("partnership_places");
	const char *pid = sv(p, "id");
	char vals[16][1024], fys[256], name[160], id[80], note[600], bodies[1024], partners[1024];
	const char *v[16];
	json_t *rows;
	int rc, is_new = 0;

	snprintf(name, sizeof(name), "selection of %s", pid);
	if ((rc = proposal_partnership(st, tp, p, id, sizeof(id), err)) < 0)
		return rc;
	if (rc) {
		const char *filters[] = {"id", id, NULL};
		if ((rc = atlas_list(st, t, filters, &rows, err)))
			return rc;
		row_values(t, json_array_get(rows, 0), vals, v);
		json_decref(rows);
		for (size_t c = 0; c < t->ncols; c++) {
			if (!strcmp(t->cols[c].name, "fiscal_years")) {
				if (!fy_add(vals[c], fy, fys, sizeof(fys))) {
					json_object_set_new(out, "partnership", json_string("already had the fiscal year"));
					json_object_set_new(out, "partnership_id", json_string(id));
					return 0;
				}
				v[c] = fys;
			} else if (!strcmp(t->cols[c].name, "source")) {
				snprintf(vals[c] + strlen(vals[c]), 1024 - strlen(vals[c]), " | %s", source);
			}
		}
		json_object_set_new(out, "partnership", json_string("fiscal year added"));
	} else {
		/* every body and partner place of a joint proposal, labelled as
		 * the seeds write a joint one ("東京都・さいたま市") */
		places_label(json_object_get(p, "bodies"), bodies, sizeof(bodies));
		places_label(json_object_get(p, "partners"), partners, sizeof(partners));
		snprintf(id, sizeof(id), "p-%s", pid);
		snprintf(fys, sizeof(fys), "%d", fy);
		snprintf(note, sizeof(note), "selected in public call %s (proposal %s)", sv(p, "call_id"), pid);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *n = t->cols[c].name;
			v[c] = !strcmp(n, "id") ? id : !strcmp(n, "country") ? sv(p, "country") :
			       !strcmp(n, "partner_label_ja") ? partners : !strcmp(n, "body_label_ja") ? bodies :
			       !strcmp(n, "fiscal_years") ? fys : !strcmp(n, "note") ? note :
			       !strcmp(n, "source") ? source : "";
			snprintf(vals[c], 1024, "%s", v[c]);
			v[c] = vals[c];
		}
		json_object_set_new(out, "partnership", json_string("new"));
		is_new = 1;
	}
	if ((rc = atlas_upsert_row(st, t, v, name, err)))
		return rc;
	json_object_set_new(out, "partnership_id", json_string(id));
	if (!is_new)
		return 0; /* its places are linked already */
	for (int k = 0; k < 2; k++) {
		json_t *pl, *places = json_object_get(p, k ? "bodies" : "partners");
		size_t i;
		json_array_foreach(places, i, pl) {
			const char *pv[] = {id, sv(pl, "id"), k ? "body" : "partner", source};
			if ((rc = atlas_upsert_row(st, tp, pv, name, err)))
				return rc;
		}
	}
	return 0;
}

/* A consortium name the atlas knows as a company: by id or exact name. */
static int company_of(struct store *st, const char *name, char *id, size_t len, struct c2c_err *err)
{
	json_t *r, *c;
	size_t i, n = 0;
	int rc = atlas_list(st, atlas_table_find("companies"), NULL, &r, err);
	if (rc)
		return rc;
	id[0] = 0;
	json_array_foreach(r, i, c)
		if (!strcmp(sv(c, "id"), name) || !strcmp(sv(c, "name_ja"), name) || !strcmp(sv(c, "name_en"), name))
			if (++n == 1)
				snprintf(id, len, "%s", sv(c, "id"));
	if (n != 1)
		id[0] = 0;
	json_decref(r);
	return 0;
}

static int project_for(struct store *st, json_t *p, int fy, const char *source, json_t *out,
		       struct c2c_err *err)
{
	const struct atlas_table *t = atlas_table_find("projects");
	const struct atlas_table *tc = atlas_table_find("project_companies");
	const char *pid = sv(p, "id");
	char id[80], fys[16], note[1024], name[160], cid[80], budget[40];
	const char *v[32];
	json_t *companies = json_array();
	struct strbuf names;
	int rc;

	snprintf(name, sizeof(name), "selection of %s", pid);
	snprintf(id, sizeof(id), "pj-%s", pid);
	snprintf(fys, sizeof(fys), "%d", fy);
	snprintf(budget, sizeof(budget), "%lld", (long long)json_integer_value(json_object_get(p, "budget_jpy")));
	snprintf(note, sizeof(note), "public call %s, round %lld; outputs %s; budget %s JPY; lead consultant %s%s%s%s%s",
		 sv(p, "call_id"), (long long)json_integer_value(json_object_get(p, "round")), sv(p, "outputs"),
		 budget, sv(p, "lead_consultant"), *sv(p, "members") ? "; members " : "", sv(p, "members"),
		 *sv(p, "local_members") ? "; local companies " : "", sv(p, "local_members"));
	for (size_t c = 0; c < t->ncols; c++) {
		const char *n = t->cols[c].name;
		v[c] = !strcmp(n, "id") ? id : !strcmp(n, "name_ja") ? sv(p, "title_ja") :
		       !strcmp(n, "name_en") ? sv(p, "title_en") : !strcmp(n, "kind") ? "feasibility_study" :
		       !strcmp(n, "country") ? sv(p, "country") : !strcmp(n, "place_id") ? sv(p, "partner_place_id") :
		       !strcmp(n, "body_id") ? sv(p, "body_id") : !strcmp(n, "technology_ja") ? sv(p, "technology") :
		       !strcmp(n, "sector") ? sv(p, "sector") : !strcmp(n, "fiscal_year") ? fys :
		       !strcmp(n, "status") ? "selected" : !strcmp(n, "note") ? note :
		       !strcmp(n, "source") ? source : "";
	}
	if ((rc = atlas_upsert_row(st, t, v, name, err)))
		goto done;
	json_object_set_new(out, "project_id", json_string(id));
	/* the lead, then members and local companies: the ones the atlas knows */
	strbuf_init(&names, 0);
	strbuf_addf(&names, "%s;%s;%s", sv(p, "lead_consultant"), sv(p, "members"), sv(p, "local_members"));
	for (char *q = names.buf, *semi; q && *q; q = semi ? semi + 1 : NULL) {
		semi = strchr(q, ';');
		if (semi)
			*semi = 0;
		while (*q == ' ')
			q++;
		if (!*q)
			continue;
		if ((rc = company_of(st, q, cid, sizeof(cid), err)))
			break;
		if (cid[0]) {
			const char *cv[] = {id, cid, q == names.buf ? "lead" : "participant", source};
			if ((rc = atlas_upsert_row(st, tc, cv, name, err)))
				break;
			json_array_append_new(companies, json_string(cid));
		}
	}
	strbuf_release(&names);
done:
	json_object_set_new(out, "companies", companies);
	return rc;
}

/* The selected study is the first stage of the project's life, formed from
 * the partnership the selection made or extended. */
static int life_begins(struct store *st, json_t *res, const char *on, const char *source, struct c2c_err *err)
{
	const char *project = json_string_value(json_object_get(res, "project_id"));
	struct atlas_stage s = {project, "feasibility_study", on, json_string_value(json_object_get(res, "proposal")),
				source};
	long long seq;
	int rc = atlas_project_partnership_add(st, project, json_string_value(json_object_get(res, "partnership_id")),
					       source, err);
	return rc ? rc : atlas_project_stage_add(st, &s, &seq, err);
}

struct programme_decide_args {
	const char *proposal;
	int select;
	const char *reason;
	const char *on;
	json_t **out;
};

static int programme_decide_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct programme_decide_args *a_ = ctx;
	const char *proposal = a_->proposal;
	int select = a_->select;
	const char *reason = a_->reason;
	const char *on = a_->on;
	json_t **out = a_->out;
	json_t *rows = NULL, *rank = NULL, *p, *r, *res = NULL;
	char full[1400], source[200], fy[16];
	const char *status;
	int rc, year;
	size_t i;

	*out = NULL;
	if ((rc = prog_check_id("proposal", proposal, err)) ||
	    (rc = prog_check_text("reason", reason, 1, 1000, err)) || (rc = prog_check_day("on", on, err)))
		return rc;
	if ((rc = programme_proposals(st, NULL, NULL, proposal, &rows, err)))
		goto fail;
	p = json_array_get(rows, 0);
	status = sv(p, "status");
	if (strcmp(status, "submitted")) {
		/* one format per state, not the state as an argument: each has its Japanese */
		if (!strcmp(status, "selected"))
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is selected already (on %s)", proposal,
					 sv(p, "decided_on"));
		else if (!strcmp(status, "rejected"))
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is rejected already (on %s)", proposal,
					 sv(p, "decided_on"));
		else
			rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is %s already (on %s)", proposal, status,
					 sv(p, "decided_on"));
		goto fail;
	}
	if ((rc = programme_rank(st, sv(p, "call_id"), &rank, err)))
		goto fail;
	snprintf(full, sizeof(full), "%s", reason);
	json_array_foreach(rank, i, r) {
		if (strcmp(sv(r, "id"), proposal))
			continue;
		if (json_is_null(json_object_get(r, "rank"))) {
			if (select) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "proposal %s is not ranked: %lld score sheet%s",
						 proposal, (long long)json_integer_value(json_object_get(r, "reviews")),
						 json_integer_value(json_object_get(r, "reviews")) == 1 ? "" : "s");
				c2c_err_hint(err, "a proposal needs the call's minimum number of score sheets before selection");
				goto fail;
			}
		} else {
			snprintf(full + strlen(full), sizeof(full) - strlen(full),
				 " [rank %lld of %zu, score %s of 100, %lld reviews%s]",
				 (long long)json_integer_value(json_object_get(r, "rank")), json_array_size(rank),
				 sv(r, "score"), (long long)json_integer_value(json_object_get(r, "reviews")),
				 json_is_true(json_object_get(r, "disagreement")) ? ", reviewers disagreed" : "");
		}
	}
	res = json_pack("{s:s, s:s}", "proposal", proposal, "status", select ? "selected" : "rejected");
	if (select) {
		json_t *calls;
		if ((rc = programme_calls(st, sv(p, "call_id"), &calls, err)))
			goto fail;
		year = (int)json_integer_value(json_object_get(json_array_get(calls, 0), "fiscal_year"));
		json_decref(calls);
		snprintf(source, sizeof(source), "c2c programme: call %s, proposal %s, selected %s",
			 sv(p, "call_id"), proposal, on);
		if ((rc = partnership_for(st, p, year, source, res, err)) ||
		    (rc = project_for(st, p, year, source, res, err)) || (rc = life_begins(st, res, on, source, err)) ||
		    (rc = atlas_search_rebuild(st, err)))
			goto fail;
		json_object_set_new(res, "fiscal_year", json_integer(year));
	}
	snprintf(fy, sizeof(fy), "%s", select ? "selected" : "rejected");
	if ((rc = prog_exec(st, "UPDATE \"programme_proposals\" SET \"status\" = ?, \"decided_on\" = ?,"
			    " \"reason\" = ?, \"partnership_id\" = ?, \"project_id\" = ? WHERE \"id\" = ?",
			    (const char *const[]){fy, on, full,
			    json_string_value(json_object_get(res, "partnership_id")),
			    json_string_value(json_object_get(res, "project_id")), proposal}, 6, err)))
		goto fail;
	json_object_set_new(res, "reason", json_string(full));
	json_decref(rows);
	json_decref(rank);
	*out = res;
	return 0;
fail:
	json_decref(rows);
	json_decref(rank);
	json_decref(res);
	return rc;
}

int programme_decide(struct store *st, const char *proposal, int select, const char *reason,
		     const char *on, json_t **out, struct c2c_err *err)
{
	struct programme_decide_args a_ = {proposal, select, reason, on, out};
	return store_tx(st, ATLAS_SEARCH_QUEUE, programme_decide_tx, &a_, err);
}
