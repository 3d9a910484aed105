/*
 * domino.c - the decarbonization domino (脱炭素ドミノ): how a solution spread
 * from place to place.  The edges are atlas rows (table domino); the channel
 * each went through (city-to-city project, training, seminar, platform, JCM
 * replication) is the programme's own table keyed by the edge id, so the
 * atlas schema stays as tables.c made it.  Chains follow edges from an
 * origin; their reach is the places and countries reached and the steps.
 */
#include "internal.h"
#include "atlas/atlas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

static const char *sv(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int prog_channel_put(struct store *st, const char *domino_id, const char *channel,
		     const char *note, const char *source, struct c2c_err *err)
{
	int rc;
	if (!channel || !prog_enum_has(PROGRAMME_CHANNELS, channel, strlen(channel)))
		return c2c_err_set(err, C2C_EINPUT, "channel: '%s' is not one of %s", channel ? channel : "",
				   PROGRAMME_CHANNELS);
	if ((rc = prog_check_text("note", note, 0, 1000, err)))
		return rc;
	if ((rc = atlas_has(st, "domino", domino_id, err)) < 0)
		return rc;
	if (!rc)
		return c2c_err_set(err, C2C_ENOTFOUND, "domino edge '%s' is not in the atlas",
				   domino_id ? domino_id : "");
	return prog_exec(st, "INSERT INTO \"programme_domino_channels\" (\"domino_id\", \"channel\", \"note\","
			 " \"source\") VALUES (?, ?, ?, ?) ON CONFLICT (\"domino_id\") DO UPDATE SET"
			 " \"channel\" = excluded.\"channel\", \"note\" = excluded.\"note\","
			 " \"source\" = excluded.\"source\"",
			 (const char *const[]){domino_id, channel, note && *note ? note : NULL, source}, 4, err);
}

struct channel_set {
	const char *id, *channel, *note;
};

static int channel_set_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	const struct channel_set *c = ctx;
	return prog_channel_put(st, c->id, c->channel, c->note, "c2c domino channel", err);
}

int programme_domino_set_channel(struct store *st, const char *id, const char *channel,
				 const char *note, struct c2c_err *err)
{
	struct channel_set c = {id, channel, note};
	int rc;
	/* the input is checked once, before the transaction a lost race repeats */
	if ((rc = prog_check_id("id", id, err)))
		return rc;
	return store_tx(st, NULL, channel_set_tx, &c, err);
}

static int programme_domino_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	const struct programme_domino_edge *e = ctx;
	const struct atlas_table *t = atlas_table_find("domino");
	const char *v[16];
	int rc;

	if ((rc = prog_check_id("id", e->id, err)))
		return rc;
	if (!e->channel || !prog_enum_has(PROGRAMME_CHANNELS, e->channel, strlen(e->channel)))
		return c2c_err_at(err, C2C_EINPUT, "channel", "'%s' is not one of %s",
				   e->channel ? e->channel : "", PROGRAMME_CHANNELS);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *n = t->cols[c].name;
		v[c] = !strcmp(n, "id") ? e->id : !strcmp(n, "case_id") ? e->case_id :
		       !strcmp(n, "from_place_id") ? e->from : !strcmp(n, "to_place_id") ? e->to :
		       !strcmp(n, "to_country") ? e->to_country : !strcmp(n, "solution_ja") ? e->solution_ja :
		       !strcmp(n, "solution_en") ? e->solution_en : !strcmp(n, "year") ? e->year :
		       !strcmp(n, "source") ? e->source : NULL;
	}
	if ((rc = atlas_has(st, "domino", e->id, err)) < 0)
		goto fail;
	if (rc) {
		rc = c2c_err_at(err, C2C_ECONFLICT, "id", "domino edge %s exists already", e->id);
		goto fail;
	}
	/* the destination's country must agree with the destination place */
	if (e->to && *e->to) {
		json_t *pl;
		if ((rc = prog_atlas_row(st, "places", e->to, &pl, err)))
			goto fail;
		if (pl && e->to_country && strcmp(sv(pl, "country"), e->to_country))
			rc = c2c_err_at(err, C2C_EINPUT, "to_country", "%s, but place %s is in %s", e->to_country,
					 e->to, sv(pl, "country"));
		json_decref(pl);
		if (rc)
			goto fail;
	}
	if ((rc = atlas_upsert_row(st, t, v, "c2c domino add", err)) ||
	    (rc = prog_channel_put(st, e->id, e->channel, e->note, e->source, err)) ||
	    (rc = atlas_search_rebuild(st, err)))
		goto fail;
	return 0;
fail:
	return rc;
}

int programme_domino_add(struct store *st, const struct programme_domino_edge *e,
			 struct c2c_err *err)
{
	return store_tx(st, ATLAS_SEARCH_QUEUE, programme_domino_add_tx, (void *)e, err);
}

/* The edges are the atlas's (atlas_list); the channel is programme's own;
 * the names beside the ids are asked of the atlas.  Members in the order
 * the list has always printed them. */
int programme_domino_edges(struct store *st, const char *case_id, const char *from_place,
			   const char *to_country, const char *channel, json_t **out,
			   struct c2c_err *err)
{
	static const char *const names[] = {
		"from_place_id", "places", "name_ja", "from_ja", "from_place_id", "places", "country", "from_country",
		"to_place_id", "places", "name_ja", "to_ja", "to_country", "countries", "name_ja", "to_country_ja", NULL};
	static const char *const order[] = {"id", "case_id", "from_place_id", "from_ja", "from_country",
		"to_place_id", "to_ja", "to_country", "to_country_ja", "solution_ja", "solution_en", "year",
		"channel", "channel_note", "source"};
	const char *f[7];
	json_t *edges = NULL, *chans = NULL, *byid, *d, *c;
	size_t k = 0, i;
	int rc;

	*out = NULL;
	if (channel && !prog_enum_has(PROGRAMME_CHANNELS, channel, strlen(channel)))
		return c2c_err_at(err, C2C_EINPUT, "channel", "'%s' is not one of %s", channel, PROGRAMME_CHANNELS);
	if (case_id)
		f[k++] = "case_id", f[k++] = case_id;
	if (from_place)
		f[k++] = "from_place_id", f[k++] = from_place;
	if (to_country)
		f[k++] = "to_country", f[k++] = to_country;
	f[k] = NULL;
	if ((rc = atlas_list(st, atlas_table_find("domino"), f, &edges, err)) ||
	    (rc = prog_select(st, "SELECT \"domino_id\", \"channel\", \"note\" AS \"channel_note\""
			      " FROM \"programme_domino_channels\"", NULL, 0, &chans, err))) {
		json_decref(edges);
		return rc;
	}
	byid = json_object();
	json_array_foreach(chans, i, c)
		json_object_set(byid, sv(c, "domino_id"), c);
	*out = json_array();
	json_array_foreach(edges, i, d) {
		json_t *o, *ch = json_object_get(byid, sv(d, "id"));
		if (channel && (!ch || strcmp(sv(ch, "channel"), channel)))
			continue;
		o = json_object();
		for (size_t m = 0; m < sizeof(order) / sizeof(order[0]); m++) {
			json_t *v = json_object_get(ch && !strncmp(order[m], "channel", 7) ? ch : d, order[m]);
			json_object_set(o, order[m], v ? v : json_null());
		}
		json_array_append_new(*out, o);
	}
	json_decref(byid);
	json_decref(chans);
	json_decref(edges);
	if ((rc = prog_atlas_fill(st, *out, names, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

struct walk {
	json_t *edges;
	json_t *paths, *places, *countries, *channels, *used;
	const char *origin_country;
	int steps;
	const char *stack[MAX_DEPTH + 1];
	const char *label[MAX_DEPTH + 1];
	char longest[2048];
};

static void add_unique(json_t *arr, const char *v)
{
	size_t i;
	json_t *x;
	if (!v || !*v)
		return;
	json_array_foreach(arr, i, x)
		if (!strcmp(json_string_value(x), v))
			return;
	json_array_append_new(arr, json_string(v));
}

/* A path ends here.  `longest` keeps the deepest path, with the last
 * places of its siblings folded in ("北九州市 → スラバヤ市 → タイ・ネパール"). */
static void emit_path(struct walk *w, int depth)
{
	char buf[2048] = "", prefix[2048] = "";
	for (int i = 0; i <= depth; i++) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " → " : "", w->label[i]);
		if (i == depth - 1)
			snprintf(prefix, sizeof(prefix), "%.2000s → ", buf); /* bounded: a path fits */
	}
	json_array_append_new(w->paths, json_string(buf));
	if (depth > w->steps || !w->longest[0]) {
		w->steps = depth > w->steps ? depth : w->steps;
		snprintf(w->longest, sizeof(w->longest), "%s", buf);
	} else if (depth == w->steps && !strncmp(w->longest, prefix, strlen(prefix))) {
		snprintf(w->longest + strlen(w->longest), sizeof(w->longest) - strlen(w->longest), "・%s",
			 w->label[depth]);
	}
}

/* Depth-first from the place on top of the stack; a place already on the
 * path is not entered again, so a cycle in the data cannot loop. */
static void walk_from(struct walk *w, int depth)
{
	size_t i;
	json_t *e;
	int went = 0;
	json_array_foreach(w->edges, i, e) {
		const char *to = sv(e, "to_place_id");
		int seen = 0;
		if (strcmp(sv(e, "from_place_id"), w->stack[depth]) || depth >= MAX_DEPTH)
			continue;
		for (int k = 0; k <= depth; k++)
			seen |= *to && !strcmp(w->stack[k], to);
		if (seen)
			continue;
		went = 1;
		add_unique(w->used, sv(e, "id"));
		add_unique(w->places, to);
		if (strcmp(sv(e, "to_country"), w->origin_country))
			add_unique(w->countries, sv(e, "to_country"));
		add_unique(w->channels, json_is_string(json_object_get(e, "channel")) ? sv(e, "channel") : "unknown");
		w->stack[depth + 1] = *to ? to : "";
		w->label[depth + 1] = *to ? sv(e, "to_ja") : *sv(e, "to_country_ja") ? sv(e, "to_country_ja")
										     : sv(e, "to_country");
		if (*to)
			walk_from(w, depth + 1);
		else
			emit_path(w, depth + 1);
	}
	if (!went && depth)
		emit_path(w, depth);
}

int programme_domino_chains(struct store *st, const char *from, json_t **out,
			    struct c2c_err *err)
{
	json_t *edges, *chains, *e, *origins;
	size_t i, j;
	int rc;

	*out = NULL;
	if ((rc = programme_domino_edges(st, NULL, NULL, NULL, NULL, &edges, err)))
		return rc;
	origins = json_array();
	if (from) {
		char id[65];
		if ((rc = prog_place(st, from, "from", -1, id, sizeof(id), NULL, err))) {
			json_decref(edges);
			json_decref(origins);
			return rc;
		}
		add_unique(origins, id);
	} else {
		/* an origin has edges out and none in */
		json_array_foreach(edges, i, e) {
			int fed = 0;
			json_t *o;
			json_array_foreach(edges, j, o)
				fed |= !strcmp(sv(o, "to_place_id"), sv(e, "from_place_id"));
			if (!fed)
				add_unique(origins, sv(e, "from_place_id"));
		}
	}
	chains = json_array();
	json_array_foreach(origins, i, e) {
		struct walk w = {edges, json_array(), json_array(), json_array(), json_array(), json_array(), "", 0,
				 {0}, {0}, ""};
		const char *origin = json_string_value(e);
		const char *name = origin;
		json_t *o;
		json_array_foreach(edges, j, o)
			if (!strcmp(sv(o, "from_place_id"), origin)) {
				name = sv(o, "from_ja");
				w.origin_country = sv(o, "from_country");
			}
		if (!*w.origin_country) { /* an origin given by --from with no edge out */
			json_t *pl = NULL;
			prog_atlas_row(st, "places", origin, &pl, err);
			name = pl ? sv(pl, "name_ja") : origin;
			json_decref(w.paths), json_decref(w.places), json_decref(w.countries);
			json_decref(w.channels), json_decref(w.used);
			json_array_append_new(chains, json_pack("{s:s, s:s, s:i, s:i, s:i, s:s, s:[], s:[], s:[], s:[], s:[]}",
				"origin_id", origin, "origin_ja", name, "steps", 0, "places_reached", 0,
				"countries_reached", 0, "path", "", "paths", "places", "countries", "channels", "edges"));
			json_decref(pl);
			continue;
		}
		w.stack[0] = origin;
		w.label[0] = name;
		walk_from(&w, 0);
		json_array_append_new(chains, json_pack("{s:s, s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o, s:o, s:o}",
			"origin_id", origin, "origin_ja", name, "steps", w.steps, "places_reached",
			(int)json_array_size(w.places), "countries_reached", (int)json_array_size(w.countries),
			"path", w.longest,
			"paths", w.paths, "places", w.places, "countries", w.countries, "channels", w.channels,
			"edges", w.used));
	}
	json_decref(origins);
	json_decref(edges);
	*out = chains;
	return 0;
}
