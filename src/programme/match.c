/*
 * match.c - matching a partner place's need (country, sector, technology
 * words, size) to Japanese bodies, companies, technologies and support
 * schemes, each result with the parts of its score, and the leave-one-out
 * evaluation of the body ranking over the atlas partnerships.
 *
 * The score is a sum of capped, whole-number parts, set once from what the
 * seeds say makes a good partner (existing partners in the country, projects
 * in the sector, agreements, sister ties, technology that fits) and stated
 * in docs/programme.md.  The weights were fixed before the evaluation ran
 * and are not fitted to it.  The atlas's tables are asked of the atlas
 * (atlas_list) and joined here, never read with SQL of programme's own.
 */
#include "internal.h"
#include "core/lang.h"
#include "atlas/atlas.h"
#include "mrv/mrv.h"
#include "core/iso3166.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYWORDS 8

struct mdata {
	json_t *bodies;     /* {id, name_ja, name_en} of Japanese places with a role */
	json_t *pships;     /* {id, country, bodies[], partners[]} */
	json_t *projects;   /* {id, body_id, place_id, country, sector, kind, text} */
	json_t *agreements; /* {body_id, partner_place_id, kind, country} */
	json_t *domino;     /* {from_place_id, to_place_id, to_country} */
	json_t *pcomp;      /* {company_id, name_ja, name_en, project_id, role} */
	json_t *schemes;    /* atlas schemes */
	json_t *fit;        /* data/programme/scheme_fit.csv */
};

struct hidden {
	json_t *bodies, *partners; /* the hidden partnership's places; NULL = nothing hidden */
};

static const char *sv(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static int in_list(json_t *arr, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), id))
			return 1;
	return 0;
}

static void mdata_free(struct mdata *d)
{
	json_decref(d->bodies), json_decref(d->pships), json_decref(d->projects);
	json_decref(d->agreements), json_decref(d->domino), json_decref(d->pcomp);
	json_decref(d->schemes), json_decref(d->fit);
	memset(d, 0, sizeof(*d));
}

/* The atlas's whole table, asked of the atlas. */
static int atlas_all(struct store *st, const char *table, json_t **out, struct c2c_err *err)
{
	return atlas_list(st, atlas_table_find(table), NULL, out, err);
}

/* A member as text, "" for null (what COALESCE(x, '') gave). */
static json_t *text_of(json_t *row, const char *key)
{
	return json_string(sv(row, key));
}

static int cmp_pcomp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(sv(x, "company_id"), sv(y, "company_id"));
	return c ? c : strcmp(sv(x, "project_id"), sv(y, "project_id"));
}

/* The rows matching reads, shaped from the atlas's tables (each asked of
 * the atlas whole: they are small) and joined here. */
static int mdata_shape(struct mdata *d, json_t *places, json_t *pships, json_t *links, json_t *projects,
		       json_t *agreements, json_t *domino, json_t *pcomp, json_t *companies, json_t *schemes,
		       struct c2c_err *err)
{
	json_t *with_role = json_object(), *byid = json_object(), *r, **pc;
	size_t i, n = 0;

	json_array_foreach(places, i, r)
		json_object_set(byid, sv(r, "id"), r);
	/* the Japanese bodies with a role: in a partnership, a project or an agreement */
	json_array_foreach(links, i, r)
		if (!strcmp(sv(r, "role"), "body"))
			json_object_set_new(with_role, sv(r, "place_id"), json_true());
	json_array_foreach(projects, i, r)
		if (*sv(r, "body_id"))
			json_object_set_new(with_role, sv(r, "body_id"), json_true());
	json_array_foreach(agreements, i, r)
		json_object_set_new(with_role, sv(r, "body_id"), json_true());
	d->bodies = json_array();
	json_array_foreach(places, i, r)
		if (!strcmp(sv(r, "country"), "JP") && json_object_get(with_role, sv(r, "id")))
			json_array_append_new(d->bodies, json_pack("{s:O, s:O, s:O}", "id", json_object_get(r, "id"),
				"name_ja", json_object_get(r, "name_ja"), "name_en", json_object_get(r, "name_en")));
	d->pships = json_array();
	json_array_foreach(pships, i, r)
		json_array_append_new(d->pships, json_pack("{s:O, s:O}", "id", json_object_get(r, "id"), "country",
							   json_object_get(r, "country")));
	d->projects = json_array();
	json_array_foreach(projects, i, r) {
		char text[4096];
		snprintf(text, sizeof(text), "%s %s %s %s", sv(r, "technology_ja"), sv(r, "technology_en"),
			 sv(r, "name_ja"), sv(r, "name_en"));
		json_array_append_new(d->projects, json_pack("{s:O, s:o, s:o, s:O, s:o, s:O, s:s, s:o, s:o}",
			"id", json_object_get(r, "id"), "body_id", text_of(r, "body_id"), "place_id", text_of(r, "place_id"),
			"country", json_object_get(r, "country"), "sector", text_of(r, "sector"), "kind", json_object_get(r, "kind"),
			"text", text, "technology_ja", text_of(r, "technology_ja"), "technology_en", text_of(r, "technology_en")));
	}
	d->agreements = json_array();
	json_array_foreach(agreements, i, r)
		json_array_append_new(d->agreements, json_pack("{s:O, s:O, s:o, s:O, s:o}", "id", json_object_get(r, "id"),
			"body_id", json_object_get(r, "body_id"), "partner_place_id", text_of(r, "partner_place_id"),
			"kind", json_object_get(r, "kind"),
			"country", text_of(json_object_get(byid, sv(r, "partner_place_id")), "country")));
	d->domino = json_array();
	json_array_foreach(domino, i, r)
		json_array_append_new(d->domino, json_pack("{s:O, s:O, s:o, s:O}", "id", json_object_get(r, "id"),
			"from_place_id", json_object_get(r, "from_place_id"), "to_place_id", text_of(r, "to_place_id"),
			"to_country", json_object_get(r, "to_country")));
	json_object_clear(byid);
	json_array_foreach(companies, i, r)
		json_object_set(byid, sv(r, "id"), r);
	pc = malloc((json_array_size(pcomp) + 1) * sizeof(*pc));
	if (!pc) {
		json_decref(with_role), json_decref(byid);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	json_array_foreach(pcomp, i, r) {
		json_t *c = json_object_get(byid, sv(r, "company_id"));
		if (c) /* as the join did: a link to no company is left out */
			pc[n++] = json_pack("{s:O, s:O, s:O, s:O, s:O, s:o}", "company_id", json_object_get(r, "company_id"),
				"name_ja", json_object_get(c, "name_ja"), "name_en", json_object_get(c, "name_en"),
				"project_id", json_object_get(r, "project_id"), "role", json_object_get(r, "role"),
				"country", text_of(c, "country"));
	}
	qsort(pc, n, sizeof(*pc), cmp_pcomp);
	d->pcomp = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(d->pcomp, pc[i]);
	free(pc);
	d->schemes = json_array();
	json_array_foreach(schemes, i, r)
		json_array_append_new(d->schemes, json_pack("{s:O, s:O, s:o, s:o}", "id", json_object_get(r, "id"),
			"name_ja", json_object_get(r, "name_ja"), "name_en", text_of(r, "name_en"),
			"summary_ja", text_of(r, "summary_ja")));
	json_decref(with_role), json_decref(byid);
	return 0;
}

static int mdata_load(struct store *st, struct mdata *d, struct c2c_err *err)
{
	json_t *places = NULL, *pships = NULL, *links = NULL, *projects = NULL, *agreements = NULL;
	json_t *domino = NULL, *pcomp = NULL, *companies = NULL, *schemes = NULL, *l, *p;
	size_t i, j;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = atlas_all(st, "places", &places, err)) || (rc = atlas_all(st, "partnerships", &pships, err)) ||
	    (rc = atlas_all(st, "partnership_places", &links, err)) ||
	    (rc = atlas_all(st, "projects", &projects, err)) || (rc = atlas_all(st, "agreements", &agreements, err)) ||
	    (rc = atlas_all(st, "domino", &domino, err)) || (rc = atlas_all(st, "project_companies", &pcomp, err)) ||
	    (rc = atlas_all(st, "companies", &companies, err)) || (rc = atlas_all(st, "schemes", &schemes, err)) ||
	    (rc = mdata_shape(d, places, pships, links, projects, agreements, domino, pcomp, companies, schemes, err)) ||
	    (rc = prog_builtin_rows("scheme_fit", &d->fit, err))) {
		json_decref(places), json_decref(pships), json_decref(links), json_decref(projects);
		json_decref(agreements), json_decref(domino), json_decref(pcomp), json_decref(companies);
		json_decref(schemes);
		mdata_free(d);
		return rc;
	}
	json_decref(places), json_decref(pships), json_decref(projects), json_decref(agreements);
	json_decref(domino), json_decref(pcomp), json_decref(companies), json_decref(schemes);
	json_array_foreach(d->pships, i, p) {
		json_t *b = json_array(), *x = json_array();
		json_array_foreach(links, j, l) {
			if (strcmp(sv(l, "partnership_id"), sv(p, "id")))
				continue;
			json_array_append_new(strcmp(sv(l, "role"), "body") ? x : b, json_string(sv(l, "place_id")));
		}
		json_object_set_new(p, "bodies", b);
		json_object_set_new(p, "partners", x);
	}
	json_decref(links);
	return 0;
}

/* Is this pair (a body, a partner place) the hidden one? */
static int hidden_pair(const struct hidden *h, const char *body, const char *partner)
{
	return h->bodies && in_list(h->bodies, body) && in_list(h->partners, partner);
}

static int pship_hidden(const struct hidden *h, json_t *p)
{
	size_t i, j;
	json_t *b, *x;
	if (!h->bodies)
		return 0;
	json_array_foreach(json_object_get(p, "bodies"), i, b)
		json_array_foreach(json_object_get(p, "partners"), j, x)
			if (hidden_pair(h, json_string_value(b), json_string_value(x)))
				return 1;
	return 0;
}

static int project_hidden(const struct hidden *h, json_t *pj)
{
	return hidden_pair(h, sv(pj, "body_id"), sv(pj, "place_id"));
}

struct kw {
	char w[MAX_KEYWORDS][80];
	size_t n;
};

static void split_keywords(const char *s, struct kw *k)
{
	k->n = 0;
	while (s && *s && k->n < MAX_KEYWORDS) {
		size_t n = strcspn(s, ";,");
		while (n && *s == ' ')
			s++, n--;
		if (n && n < sizeof(k->w[0])) {
			snprintf(k->w[k->n], sizeof(k->w[0]), "%.*s", (int)n, s);
			while (strlen(k->w[k->n]) && k->w[k->n][strlen(k->w[k->n]) - 1] == ' ')
				k->w[k->n][strlen(k->w[k->n]) - 1] = 0;
			if (k->w[k->n][0])
				k->n++;
		}
		s += n;
		if (*s)
			s++;
	}
}

static int kw_hits(const struct kw *k, const char *text)
{
	int n = 0;
	for (size_t i = 0; i < k->n; i++)
		n += prog_contains(text, k->w[i]);
	return n;
}

/* A sector or size code ("renewable_energy", "medium") as the reasons name
 * it: the code itself in English (as before), its name in Japanese. */
static const char *code_name(const char *code)
{
	return c2c_tr(code);
}

/* A ';'-separated list of codes ("waste;water", or "*" for any) the same
 * way: in English as it is, in Japanese each code's name, joined by "・". */
static const char *code_list(const char *list, char *buf, size_t cap)
{
	size_t o = 0;
	if (c2c_lang_current() != C2C_LANG_JA)
		return list;
	if (!strcmp(list, "*"))
		return c2c_tr("any");
	buf[0] = '\0';
	for (const char *p = list; *p && o < cap;) {
		char code[64];
		size_t n = strcspn(p, ";");
		snprintf(code, sizeof(code), "%.*s", (int)(n < sizeof(code) ? n : sizeof(code) - 1), p);
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "・" : "", code_name(code));
		p += n + (p[n] == ';');
	}
	return buf;
}

/* The explanation of a row of scheme_fit.csv or readiness_pointers.csv:
 * its why_ja column in Japanese when it has one. */
static const char *why_text(json_t *row)
{
	const char *ja = sv(row, "why_ja");
	return c2c_lang_current() == C2C_LANG_JA && *ja ? ja : sv(row, "why");
}

/* A row's score with the parts it adds up from and the reasons, as both
 * rankings put them (the row takes over parts and why). */
static void put_score(json_t *row, int score, json_t *parts, json_t *why)
{
	json_object_set_new(row, "score", json_integer(score));
	json_object_set_new(row, "parts", parts);
	json_object_set_new(row, "why", why);
}

/* One capped part: `count` things worth `each`, at most `cap`. */
static int part(json_t *parts, json_t *why, const char *name, int count, int each, int cap,
		const char *what)
{
	int pts = count * each;
	char t[600]; /* what: at most 400 bytes (the callers' buffers), never cut inside a character */
	if (count <= 0)
		return 0;
	if (pts > cap)
		pts = cap;
	json_object_set_new(parts, name, json_integer(pts));
	snprintf(t, sizeof(t), "%s (+%d)", what, pts);
	json_array_append_new(why, json_string(t));
	return pts;
}

static int size_fits(const char *size, const char *kind)
{
	if (!size)
		return 0;
	if (!strcmp(size, "small"))
		return !strcmp(kind, "pilot") || !strcmp(kind, "jica") || !strcmp(kind, "local_funded") ||
		       !strcmp(kind, "other");
	if (!strcmp(size, "medium"))
		return !strcmp(kind, "feasibility_study") || !strcmp(kind, "jcm");
	return !strcmp(kind, "jcm");
}

enum body_model { MODEL_FULL, MODEL_EXPERIENCE, MODEL_COUNTRY };

/* The score of one body for the need; parts and reasons go into row. */
static int score_body(const struct mdata *d, const struct programme_need *n, const struct kw *k,
		      const struct hidden *h, const char *body, enum body_model model, json_t *row)
{
	json_t *parts = json_object(), *why = json_array(), *x;
	int in_country = 0, total_p = 0, sect = 0, sect_c = 0, proj_c = 0, agr = 0, sister = 0;
	int tech = 0, dom = 0, sized = 0, score = 0;
	char t[400];
	size_t i;

	json_array_foreach(d->pships, i, x) {
		if (!in_list(json_object_get(x, "bodies"), body) || pship_hidden(h, x))
			continue;
		total_p++;
		in_country += !strcmp(sv(x, "country"), n->country);
	}
	json_array_foreach(d->projects, i, x) {
		int s_ok, c_ok;
		if (strcmp(sv(x, "body_id"), body) || project_hidden(h, x))
			continue;
		s_ok = n->sector && !strcmp(sv(x, "sector"), n->sector);
		c_ok = !strcmp(sv(x, "country"), n->country);
		sect += s_ok;
		sect_c += s_ok && c_ok;
		proj_c += c_ok;
		tech += kw_hits(k, sv(x, "text"));
		sized += size_fits(n->size, sv(x, "kind"));
	}
	json_array_foreach(d->agreements, i, x) {
		if (strcmp(sv(x, "body_id"), body) || strcmp(sv(x, "country"), n->country) ||
		    hidden_pair(h, body, sv(x, "partner_place_id")))
			continue;
		if (!strcmp(sv(x, "kind"), "sister_city") || !strcmp(sv(x, "kind"), "friendship_city"))
			sister++;
		else
			agr++;
	}
	json_array_foreach(d->domino, i, x)
		dom += !strcmp(sv(x, "from_place_id"), body) && !strcmp(sv(x, "to_country"), n->country) &&
		       !hidden_pair(h, body, sv(x, "to_place_id"));
	if (model == MODEL_EXPERIENCE) {
		snprintf(t, sizeof(t), c2c_tr("%d partnerships in all"), total_p);
		score += part(parts, why, "experience", total_p, 1, 1000, t);
	} else if (model == MODEL_COUNTRY) {
		snprintf(t, sizeof(t), c2c_tr("%d partnerships in %s"), in_country, n->country);
		score += part(parts, why, "partners_in_country", in_country, 15, 1000, t);
	} else {
		snprintf(t, sizeof(t), c2c_tr("%d other partnership%s in %s"), in_country, in_country == 1 ? "" : "s",
			 n->country);
		score += part(parts, why, "partners_in_country", in_country, 15, 45, t);
		snprintf(t, sizeof(t), c2c_tr("%d project%s in %s"), sect, sect == 1 ? "" : "s", n->sector ? code_name(n->sector) : "");
		score += part(parts, why, "sector_projects", sect, 10, 30, t);
		snprintf(t, sizeof(t), c2c_tr("%d of them in %s"), sect_c, n->country);
		score += part(parts, why, "sector_projects_in_country", sect_c, 10, 20, t);
		snprintf(t, sizeof(t), c2c_tr("%d project%s in %s"), proj_c, proj_c == 1 ? "" : "s", n->country);
		score += part(parts, why, "projects_in_country", proj_c, 5, 15, t);
		snprintf(t, sizeof(t), c2c_tr("%d agreement%s with places in %s"), agr, agr == 1 ? "" : "s", n->country);
		score += part(parts, why, "agreements_in_country", agr, 10, 20, t);
		snprintf(t, sizeof(t), c2c_tr("%d sister/friendship tie%s in %s"), sister, sister == 1 ? "" : "s", n->country);
		score += part(parts, why, "sister_ties", sister, 10, 20, t);
		snprintf(t, sizeof(t), c2c_tr("%d technology word match%s in its projects"), tech, tech == 1 ? "" : "es");
		score += part(parts, why, "technology", tech, 10, 30, t);
		snprintf(t, sizeof(t), c2c_tr("its solutions spread to %s before (domino)"), n->country);
		score += part(parts, why, "domino", dom, 10, 10, t);
		snprintf(t, sizeof(t), c2c_tr("%d project%s of a kind that fits a %s need"), sized, sized == 1 ? "" : "s",
			 n->size ? code_name(n->size) : "");
		score += part(parts, why, "size", sized, 5, 10, t);
		snprintf(t, sizeof(t), c2c_tr("%d partnership%s in all"), total_p, total_p == 1 ? "" : "s");
		score += part(parts, why, "experience", total_p, 1, 10, t);
	}
	put_score(row, score, parts, why);
	return score;
}

static int cmp_score(const void *va, const void *vb)
{
	json_t *a = *(json_t *const *)va, *b = *(json_t *const *)vb;
	json_int_t sa = json_integer_value(json_object_get(a, "score"));
	json_int_t sb = json_integer_value(json_object_get(b, "score"));
	if (sa != sb)
		return sa < sb ? 1 : -1;
	return strcmp(sv(a, "id"), sv(b, "id"));
}

/* Sort rows by score (then id), number them, keep `limit` with score > 0. */
static json_t *ranked(json_t *rows, size_t limit)
{
	size_t n = json_array_size(rows), k = 0;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(rows, i);
	qsort(v, n, sizeof(*v), cmp_score);
	for (size_t i = 0; i < n && k < limit; i++) {
		if (json_integer_value(json_object_get(v[i], "score")) <= 0)
			continue;
		json_object_set_new(v[i], "rank", json_integer((json_int_t)++k));
		json_array_append(out, v[i]);
	}
	free(v);
	json_decref(rows);
	return out;
}

static json_t *rank_bodies(const struct mdata *d, const struct programme_need *n, const struct kw *k,
			   const struct hidden *h, enum body_model model)
{
	json_t *rows = json_array(), *b;
	size_t i;
	json_array_foreach(d->bodies, i, b) {
		json_t *r = json_pack("{s:s, s:s, s:s}", "id", sv(b, "id"), "name_ja", sv(b, "name_ja"),
				      "name_en", sv(b, "name_en"));
		score_body(d, n, k, h, sv(b, "id"), model, r);
		json_array_append_new(rows, r);
	}
	return rows;
}

/* The organisations of the projects, ranked: `japanese`, the Japanese
 * companies and bodies that can bring the technology (country JP); else the
 * partner side's, in the need's country only (a water utility, a planning
 * department, a university), the counterparts such a project works with.
 * A Vietnamese utility is not know-how from Japan, and a counterpart in
 * Indonesia is none for a need in Viet Nam. */
static json_t *rank_companies(const struct mdata *d, const struct programme_need *n, const struct kw *k,
			      const struct hidden *h, int japanese)
{
	json_t *rows = json_array(), *c, *pj, *row = NULL;
	const char *cur = "";
	int sect = 0, ctry = 0, tech = 0, jcm = 0;
	size_t i, j;

	for (i = 0; i <= json_array_size(d->pcomp); i++) {
		c = json_array_get(d->pcomp, i);
		if (row && (!c || strcmp(cur, sv(c, "company_id")))) {
			json_t *parts = json_object(), *why = json_array();
			char t[400];
			int s = 0;
			snprintf(t, sizeof(t), c2c_tr("%d project%s in %s"), sect, sect == 1 ? "" : "s", n->sector ? code_name(n->sector) : "");
			s += part(parts, why, "sector_projects", sect, 10, 30, t);
			snprintf(t, sizeof(t), c2c_tr("%d project%s in %s"), ctry, ctry == 1 ? "" : "s", n->country);
			s += part(parts, why, "country_projects", ctry, 10, 20, t);
			snprintf(t, sizeof(t), c2c_tr("%d technology word match%s"), tech, tech == 1 ? "" : "es");
			s += part(parts, why, "technology", tech, 10, 30, t);
			snprintf(t, sizeof(t), c2c_tr("%d JCM project%s (equipment proven abroad)"), jcm, jcm == 1 ? "" : "s");
			s += part(parts, why, "jcm", jcm, 5, 10, t);
			put_score(row, s, parts, why);
			json_array_append_new(rows, row);
			row = NULL;
		}
		if (!c)
			break;
		if (japanese ? strcmp(sv(c, "country"), "JP") : strcmp(sv(c, "country"), n->country))
			continue;
		if (!row) {
			cur = sv(c, "company_id");
			row = json_pack("{s:s, s:s, s:s}", "id", cur, "name_ja", sv(c, "name_ja"), "name_en",
					sv(c, "name_en"));
			sect = ctry = tech = jcm = 0;
		}
		json_array_foreach(d->projects, j, pj) {
			if (strcmp(sv(pj, "id"), sv(c, "project_id")) || project_hidden(h, pj))
				continue;
			sect += n->sector && !strcmp(sv(pj, "sector"), n->sector);
			ctry += !strcmp(sv(pj, "country"), n->country);
			tech += kw_hits(k, sv(pj, "text"));
			jcm += !strcmp(sv(pj, "kind"), "jcm") && n->size && strcmp(n->size, "small");
		}
	}
	return rows;
}

static json_t *rank_technologies(const struct mdata *d, const struct programme_need *n, const struct kw *k,
				 const struct hidden *h)
{
	json_t *rows = json_array(), *pj;
	size_t i;
	json_array_foreach(d->projects, i, pj) {
		json_t *parts, *why, *r;
		int s = 0, hits, sect, ctry;
		char t[400];
		if (!*sv(pj, "technology_ja") && !*sv(pj, "technology_en"))
			continue;
		if (project_hidden(h, pj))
			continue;
		hits = kw_hits(k, sv(pj, "text"));
		sect = n->sector && !strcmp(sv(pj, "sector"), n->sector);
		ctry = !strcmp(sv(pj, "country"), n->country);
		if (!hits && !sect)
			continue; /* a project only in the same country is no technology match */
		parts = json_object(), why = json_array();
		snprintf(t, sizeof(t), c2c_tr("sector %s"), code_name(sv(pj, "sector")));
		s += part(parts, why, "sector", sect, 20, 20, t);
		snprintf(t, sizeof(t), c2c_tr("%d technology word match%s"), hits, hits == 1 ? "" : "es");
		s += part(parts, why, "technology", hits, 15, 45, t);
		snprintf(t, sizeof(t), c2c_tr("used in %s already"), n->country);
		s += part(parts, why, "country", ctry, 10, 10, t);
		s += part(parts, why, "jcm", !strcmp(sv(pj, "kind"), "jcm"), 5, 5, c2c_tr("installed as a JCM project"));
		r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "id", sv(pj, "id"),
			      "technology_ja", sv(pj, "technology_ja"), "technology_en", sv(pj, "technology_en"),
			      "sector", sv(pj, "sector"), "country", sv(pj, "country"), "body_id", sv(pj, "body_id"),
			      "score", s, "parts", parts, "why", why);
		json_array_append_new(rows, r);
	}
	return rows;
}

static int list_has(const char *list, const char *v)
{
	const char *p = list;
	if (!strcmp(list, "*") || !v)
		return 1;
	while (*p) {
		size_t n = strcspn(p, ";");
		if (n == strlen(v) && !strncmp(p, v, n))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static json_t *rank_schemes(const struct mdata *d, const struct programme_need *n, const struct kw *k)
{
	json_t *rows = json_array(), *f, *s;
	size_t i, j;
	json_array_foreach(d->fit, i, f) {
		json_t *parts, *why, *sc = NULL;
		int pts, hits;
		char t[400], sectors[200], sizes[80];
		if (!list_has(sv(f, "sectors"), n->sector) || !list_has(sv(f, "sizes"), n->size))
			continue;
		json_array_foreach(d->schemes, j, s)
			if (!strcmp(sv(s, "id"), sv(f, "scheme_id")))
				sc = s;
		if (!sc)
			continue; /* the map names a scheme the atlas no longer has */
		parts = json_object(), why = json_array();
		pts = (int)strtol(sv(f, "points"), NULL, 10);
		snprintf(t, sizeof(t), c2c_tr("%s; fits sector %s and size %s"), why_text(f),
			 code_list(sv(f, "sectors"), sectors, sizeof(sectors)), code_list(sv(f, "sizes"), sizes, sizeof(sizes)));
		part(parts, why, "fit", 1, pts, pts, t);
		hits = kw_hits(k, sv(sc, "summary_ja")) + kw_hits(k, sv(sc, "name_en"));
		pts += part(parts, why, "technology", hits, 5, 10, c2c_tr("technology words in its summary"));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "id", sv(sc, "id"),
			"name_ja", sv(sc, "name_ja"), "name_en", sv(sc, "name_en"), "score", pts, "parts", parts,
			"why", why));
	}
	return rows;
}

/* The JCM sectoral scope of a methodology ("1. Energy industries", "03.
 * Energy Demand") as the programme's sectors it serves; NULL for a scope
 * the programme's sectors do not name. */
static const char *scope_sectors(const char *scope)
{
	long n = strtol(scope, NULL, 10);
	return n == 1 ? "renewable_energy" : n == 3 ? "energy_efficiency;energy_use" : NULL;
}

/* The approved JCM methodologies that fit the need (mrv owns them, as data
 * files): applicable in the need's country (a methodology is approved per
 * host country), of a sectoral scope that serves its sector, with its
 * technology words in the title.  A proposal that means to become a JCM
 * project starts from one of these. */
static json_t *rank_methodologies(const struct programme_need *n, const struct kw *k)
{
	json_t *rows = json_array();
	size_t nm;
	const struct mrv_methodology *all = mrv_methodologies(&nm);
	for (size_t i = 0; i < nm; i++) {
		json_t *m = mrv_methodology_json(&all[i], 0), *parts = json_object(), *why = json_array(), *c;
		const char *serves = scope_sectors(sv(m, "sector"));
		size_t j;
		int pts = 0, here = 0;
		char t[400];
		json_array_foreach(json_object_get(m, "countries"), j, c)
			here |= !strcmp(json_string_value(c), n->country);
		snprintf(t, sizeof(t), c2c_tr("approved for %s"), n->country);
		pts += part(parts, why, "country", here, 20, 20, t);
		snprintf(t, sizeof(t), c2c_tr("its sectoral scope serves %s"), n->sector ? code_name(n->sector) : "");
		pts += part(parts, why, "sector", n->sector && serves && list_has(serves, n->sector), 20, 20, t);
		pts += part(parts, why, "technology", kw_hits(k, sv(m, "title")), 15, 30,
			    c2c_tr("technology words in its title"));
		/* another country's methodology alone is no fit: it is a model at most */
		if (!here && pts < 35)
			pts = 0;
		json_array_append_new(rows, json_pack("{s:s, s:O, s:O, s:O, s:i, s:o, s:o}", "id", sv(m, "id"),
			"title", json_object_get(m, "title"), "countries", json_object_get(m, "countries"),
			"sector", json_object_get(m, "sector"), "score", pts, "parts", parts, "why", why));
		json_decref(m);
	}
	return rows;
}

/* The messages name the field as both the CLI (--country) and the API
 * (?country=) call it: by its bare name. */
static int check_need(const struct programme_need *n, struct c2c_err *err)
{
	if (!n->country || !*n->country)
		return c2c_err_set(err, C2C_EINPUT, "country is required (ISO 3166-1 alpha-2, e.g. VN)");
	if (!iso3166_is_code(n->country))
		return c2c_err_set(err, C2C_EINPUT, "country: '%.16s' is not an ISO 3166-1 alpha-2 code (e.g. VN)",
				   n->country);
	if (n->sector && !prog_enum_has(prog_sectors(), n->sector, strlen(n->sector)))
		return c2c_err_set(err, C2C_EINPUT, "sector: '%.64s' is not one of %s", n->sector, prog_sectors());
	if (n->size && strcmp(n->size, "small") && strcmp(n->size, "medium") && strcmp(n->size, "large"))
		return c2c_err_set(err, C2C_EINPUT, "size: '%.64s' is not small, medium or large", n->size);
	return prog_check_text("tech", n->keywords, 0, 400, err);
}

static int set_hidden(const struct mdata *d, const char *id, struct hidden *h, struct c2c_err *err)
{
	size_t i;
	json_t *p;
	h->bodies = h->partners = NULL;
	if (!id)
		return 0;
	json_array_foreach(d->pships, i, p)
		if (!strcmp(sv(p, "id"), id)) {
			h->bodies = json_object_get(p, "bodies");
			h->partners = json_object_get(p, "partners");
			return 0;
		}
	return c2c_err_at(err, C2C_ENOTFOUND, "hide", "no partnership '%s'", id);
}

int programme_match(struct store *st, const struct programme_need *n, json_t **out,
		    struct c2c_err *err)
{
	struct mdata d;
	struct hidden h;
	struct kw k;
	size_t limit = n->limit ? n->limit : 10;
	int rc;

	*out = NULL;
	if ((rc = check_need(n, err)) || (rc = mdata_load(st, &d, err)))
		return rc;
	if ((rc = set_hidden(&d, n->hide, &h, err))) {
		mdata_free(&d);
		return rc;
	}
	split_keywords(n->keywords, &k);
	*out = json_pack("{s:{s:s, s:s?, s:s?, s:s?}, s:o, s:o, s:o, s:o, s:o, s:o}", "need", "country", n->country,
			 "sector", n->sector, "technology", n->keywords, "size", n->size,
			 "bodies", ranked(rank_bodies(&d, n, &k, &h, MODEL_FULL), limit),
			 "companies", ranked(rank_companies(&d, n, &k, &h, 1), limit),
			 "counterparts", ranked(rank_companies(&d, n, &k, &h, 0), limit),
			 "technologies", ranked(rank_technologies(&d, n, &k, &h), limit),
			 "schemes", ranked(rank_schemes(&d, n, &k), limit),
			 "methodologies", ranked(rank_methodologies(n, &k), limit));
	mdata_free(&d);
	return 0;
}

/* The most frequent sector of the projects at these places (any body), ties
 * to the first in sector order; "other" only when nothing else is there. */
static const char *need_sector(const struct mdata *d, json_t *places, char *buf, size_t len)
{
	const char *sectors = prog_sectors(), *p = sectors;
	int best = 0;
	buf[0] = 0;
	while (*p) {
		size_t n = strcspn(p, "|"), i;
		int count = 0;
		json_t *pj;
		json_array_foreach(d->projects, i, pj)
			if (in_list(places, sv(pj, "place_id")) && strlen(sv(pj, "sector")) == n &&
			    !strncmp(sv(pj, "sector"), p, n) && strncmp(p, "other", n))
				count++;
		if (count > best) {
			best = count;
			snprintf(buf, len, "%.*s", (int)n, p);
		}
		p += n;
		if (*p)
			p++;
	}
	return buf[0] ? buf : NULL;
}

/* Rank of the best real body, counting ties against it (pessimistic). */
static int true_rank(json_t *rows, json_t *bodies, json_int_t *score)
{
	int best = 0;
	size_t i, j;
	json_t *r, *o;
	json_array_foreach(rows, i, r) {
		json_int_t s = json_integer_value(json_object_get(r, "score"));
		int rank = 1;
		if (!in_list(bodies, sv(r, "id")))
			continue;
		json_array_foreach(rows, j, o)
			if (j != i && json_integer_value(json_object_get(o, "score")) >= s)
				rank++;
		if (!best || rank < best) {
			best = rank;
			*score = s;
		}
	}
	return best;
}

int programme_match_evaluate(struct store *st, json_t **out, struct c2c_err *err)
{
	static const char *const model_names[] = {"full", "experience", "country"};
	struct mdata d;
	json_t *cases = json_array(), *p;
	int hits[3] = {0}, hits1 = 0, n = 0, cold = 0;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = mdata_load(st, &d, err))) {
		json_decref(cases);
		return rc;
	}
	json_array_foreach(d.pships, i, p) {
		struct programme_need need = {0};
		struct hidden h = {json_object_get(p, "bodies"), json_object_get(p, "partners")};
		struct kw k = {.n = 0};
		char sector[40];
		int rank[3] = {0};
		json_int_t score = 0;
		json_t *top = NULL;
		need.country = sv(p, "country");
		need.sector = need_sector(&d, h.partners, sector, sizeof(sector));
		for (int m = 0; m < 3; m++) {
			json_t *rows = rank_bodies(&d, &need, &k, &h, (enum body_model)m);
			json_int_t s = 0;
			rank[m] = true_rank(rows, h.bodies, &s);
			if (m == MODEL_FULL) {
				score = s;
				top = ranked(rows, 3);
			} else {
				json_decref(rows);
			}
			hits[m] += rank[m] && rank[m] <= 3;
		}
		hits1 += rank[0] == 1;
		cold += score == 0;
		n++;
		{
			json_t *names = json_array(), *t;
			size_t j;
			json_array_foreach(top, j, t)
				json_array_append_new(names, json_string(sv(t, "id")));
			json_array_append_new(cases, json_pack("{s:s, s:s, s:s?, s:O, s:i, s:I, s:b, s:o, s:i, s:i}",
				"partnership", sv(p, "id"), "country", need.country, "sector", need.sector,
				"bodies", h.bodies, "rank", rank[0], "score", score, "top3_hit", rank[0] <= 3,
				"top3", names, "rank_experience", rank[1], "rank_country", rank[2]));
			json_decref(top);
		}
	}
	{
		json_t *models = json_array();
		char t[24];
		for (int m = 0; m < 3; m++) {
			prog_x100(n ? (10000LL * hits[m] + n / 2) / n : 0, t, sizeof(t));
			json_array_append_new(models, json_pack("{s:s, s:i, s:i, s:s}", "model", model_names[m],
				"top3_hits", hits[m], "partnerships", n, "top3_percent", t));
		}
		prog_x100(n ? (10000LL * hits[0] + n / 2) / n : 0, t, sizeof(t));
		*out = json_pack("{s:s, s:i, s:i, s:s, s:i, s:i, s:o, s:o}",
			"method", "leave-one-out: each atlas partnership hidden in turn (with every project, agreement "
			"and domino edge between its bodies and partner places); need = its country and the most "
			"frequent sector of projects at its partner places; hit = a real body ranked in the top 3, "
			"ties counted against it",
			"partnerships", n, "top3_hits", hits[0], "top3_percent", t, "top1_hits", hits1,
			"no_evidence_left", cold, "models", models, "cases", cases);
	}
	mdata_free(&d);
	return 0;
}
