/*
 * programme.h - the work of the programme office and of the municipalities:
 * public calls (公募) with rounds and weighted criteria, proposals, reviewers'
 * scores, ranking with score spreads, selection (which turns a proposal into
 * atlas partnerships and projects), the readiness check of seed 004 (the six
 * 確認事項), matching a partner place's need to Japanese know-how, and the
 * decarbonization domino (脱炭素ドミノ) as chains with channels.
 *
 * Pure domain code over store/ and atlas/: every write is one transaction,
 * every error names the field it is about, and results come back as JSON
 * values (jansson) for the CLI and, later, the HTTP API.  docs/programme.md
 * states the rules (scoring, ranking, spread, matching) in words.
 */
#ifndef C2C_PROGRAMME_PROGRAMME_H
#define C2C_PROGRAMME_PROGRAMME_H

#include <stddef.h>

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

/* The built-in data of data/programme, compiled in (scripts/embed_data.py). */
struct programme_builtin_file {
	const char *name; /* file stem: "calls", "readiness_items", ... */
	const char *data;
	size_t len;
};
extern const struct programme_builtin_file programme_builtin_files[];
extern const size_t programme_builtin_nfiles;
/* The file's bytes, or NULL when no such built-in file. */
const struct programme_builtin_file *programme_builtin(const char *name);

/* The programme's built-in data: the 2026 call, the domino edges the atlas
 * lacks and every edge's channel (store_builtin_load: loaded when it
 * changed).  Needs the atlas loaded (c2c init). */
extern const struct store_builtin programme_dataset;
/* The tables only, no data (c2c db migrate fills them from another database). */
int programme_migrate(struct store *st, struct c2c_err *err);

/* ---- public calls ---------------------------------------------------------- */

/* Scores are whole points from 1 to PROGRAMME_POINTS_MAX per criterion. */
#define PROGRAMME_POINTS_MAX 5
/* A criterion whose reviewers' points differ by this much or more is a
 * disagreement; so is a spread of the weighted totals of this many
 * hundredths of the 0-100 scale or more (docs/programme.md). */
#define PROGRAMME_SPREAD_POINTS 2
#define PROGRAMME_SPREAD_TOTAL_X100 2000

struct programme_call_spec {
	const char *id;       /* [a-z0-9-]+ */
	int fiscal_year;      /* the fiscal year the selected projects run in */
	const char *title_ja;
	const char *title_en; /* may be NULL */
	int planned;          /* planned number of selections */
	int min_reviews;      /* score sheets a proposal needs to be ranked; 0 = 2 */
	const char *rounds;   /* "YYYY-MM-DD..YYYY-MM-DD,YYYY-MM-DD..YYYY-MM-DD" */
	const char *criteria; /* "id:名前:weight,..."; NULL = the seed's three, equal */
};
int programme_call_open(struct store *st, const struct programme_call_spec *c,
			struct c2c_err *err);
/* Close a call on day `on` (the server's date): from then on every round
 * reads closed and no proposal is accepted.  Refused when closed already. */
int programme_call_close(struct store *st, const char *id, const char *on, struct c2c_err *err);
/* Calls with their rounds, criteria and counts of proposals by status. */
int programme_calls(struct store *st, const char *id, json_t **out, struct c2c_err *err);

struct programme_proposal_spec {
	const char *call_id;
	int round;                 /* 0: the round whose dates hold submitted_on */
	const char *submitted_on;  /* YYYY-MM-DD */
	/* A joint proposal names several Japanese bodies and several partner
	 * places (seed 003's "東京都・さいたま市"): ';'-separated, each an atlas
	 * place id or exact name, the first the lead, at most
	 * PROGRAMME_PLACES_MAX of each. */
	const char *body;
	const char *partner;
	const char *title_ja;
	const char *title_en;      /* may be NULL */
	const char *theme_ja;      /* may be NULL */
	const char *sector;        /* an atlas project sector */
	const char *technology;    /* may be NULL */
	const char *outputs;       /* "institution_building;capacity_building;project_formation;jcm_equipment" */
	const char *budget_jpy;    /* whole yen, digits (commas allowed) */
	const char *lead;          /* the lead consultant (代表事業者) */
	const char *members;       /* other companies, ';'-separated; may be NULL */
	const char *local_members; /* companies of the body's own area, ';'-separated */
	const char *readiness;     /* a saved readiness check of one of its bodies, or NULL */
};
#define PROGRAMME_PLACES_MAX 8
/* Submit; id gets "pr-<fy>-NNN".  Refused outside the round's dates. */
int programme_proposal_submit(struct store *st, const struct programme_proposal_spec *p,
			      char *id, size_t idlen, struct c2c_err *err);
int programme_proposals(struct store *st, const char *call_id, const char *status,
			const char *id, json_t **out, struct c2c_err *err);

/* ---- reviewers and scores ------------------------------------------------- */

int programme_reviewer_add(struct store *st, const char *id, const char *name,
			   const char *body, const char *affiliation, struct c2c_err *err);
int programme_reviewers(struct store *st, json_t **out, struct c2c_err *err);
/* One reviewer's row (ENOTFOUND when none): auth checks a reviewer user's scope with it. */
int programme_reviewer_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);
/* The office assigns a submitted proposal to a reviewer, on day `on`;
 * refused when the reviewer belongs to one of the proposal's bodies. */
int programme_assign(struct store *st, const char *proposal, const char *reviewer, const char *on,
		     struct c2c_err *err);
/* A reviewer's desk: every proposal assigned to it, whole (as
 * programme_proposals), each with its call's criteria, the reviewer's own
 * sheet ({criterion: points}, or null) and its saved readiness check. */
int programme_assigned(struct store *st, const char *reviewer, json_t **out, struct c2c_err *err);
/* Is the proposal assigned to the reviewer?  1, 0, or < 0 on error. */
int programme_is_assigned(struct store *st, const char *proposal, const char *reviewer,
			  struct c2c_err *err);
/* Does the place appear among the proposal's bodies?  1, 0, < 0. */
int programme_proposal_has_body(struct store *st, const char *proposal, const char *place,
				struct c2c_err *err);

struct programme_point {
	const char *criterion;
	int points;
};
/* One reviewer's sheet for one proposal: every criterion of the call once.
 * A reviewer of the proposal's own body is refused; a second sheet by the
 * same reviewer is refused unless `replace`. */
int programme_score(struct store *st, const char *proposal, const char *reviewer,
		    const struct programme_point *pts, size_t n, int replace,
		    struct c2c_err *err);
/* Every sheet of a proposal or of a whole call, criterion by criterion. */
int programme_scores(struct store *st, const char *call_id, const char *proposal,
		     json_t **out, struct c2c_err *err);
/* The call's proposals ranked, with score parts, spread and flags. */
int programme_rank(struct store *st, const char *call_id, json_t **out, struct c2c_err *err);

/* Select (select=1) or reject (0) a ranked proposal, with the reason.
 * Selecting writes the atlas in the same transaction: a partnership for the
 * call's fiscal year (or that year added to the existing partnership of the
 * same body and partner), a project, and the lead consultant and members
 * the atlas knows as the project's companies.  *out: what was written. */
int programme_decide(struct store *st, const char *proposal, int select, const char *reason,
		     const char *on, json_t **out, struct c2c_err *err);

/* ---- readiness (seed 004, 確認事項1-6) ------------------------------------- */

/* Answers are 0 (no) .. PROGRAMME_ANSWER_MAX (yes, in place). */
#define PROGRAMME_ANSWER_MAX 3
int programme_readiness_questions(json_t **out, struct c2c_err *err);
/* Score answers given as JSON ({"answers": {"r1-water-waste": 2, ...}} or a
 * flat object) or CSV (item,answer).  `name` names the input in messages.
 * The atlas is read for the pointers' names (st may be NULL: ids only). */
int programme_readiness_score(struct store *st, const char *text, size_t len,
			      const char *name, json_t **out, struct c2c_err *err);

/* Save a body's readiness answers (as programme_readiness_score reads
 * them) with their result, on day `on`; id gets "rd-<body>-NNN". */
int programme_readiness_save(struct store *st, const char *body, const char *text, size_t len,
			     const char *on, char *id, size_t idlen, struct c2c_err *err);
/* A body's saved checks (body NULL: all), newest first, or one (id). */
int programme_readiness_saved(struct store *st, const char *body, const char *id, json_t **out,
			      struct c2c_err *err);

/* ---- matching ----------------------------------------------------------------- */

struct programme_need {
	const char *country;  /* ISO code, required */
	const char *sector;   /* atlas project sector, may be NULL */
	const char *keywords; /* technology words, ';' or ',' separated, may be NULL */
	const char *size;     /* small | medium | large, may be NULL */
	size_t limit;         /* rows per kind; 0 = 10 */
	const char *hide;     /* a partnership id to hide (the evaluation), may be NULL */
};
/* Bodies, companies, technologies and schemes ranked for the need; each
 * row carries its score parts.  {"bodies": [...], "companies": [...],
 * "technologies": [...], "schemes": [...]} */
int programme_match(struct store *st, const struct programme_need *n, json_t **out,
		    struct c2c_err *err);
/* Leave-one-out over the atlas partnerships: hide each, match its partner
 * place's country and sector, is a real body in the top 3?  *out: the
 * figure, a baseline, and one row per partnership. */
int programme_match_evaluate(struct store *st, json_t **out, struct c2c_err *err);

/* ---- the domino --------------------------------------------------------------- */

#define PROGRAMME_CHANNELS "city_to_city_project|training|seminar|platform|jcm_replication"
/* Atlas domino edges with their channel (filters may be NULL). */
int programme_domino_edges(struct store *st, const char *case_id, const char *from_place,
			   const char *to_country, const char *channel, json_t **out,
			   struct c2c_err *err);
/* Chains from every origin (a place with edges out and none in), or from
 * `from`: paths, places and countries reached, steps. */
int programme_domino_chains(struct store *st, const char *from, json_t **out,
			    struct c2c_err *err);
struct programme_domino_edge {
	const char *id, *case_id, *from, *to, *to_country, *solution_ja, *solution_en;
	const char *year, *channel, *note, *source;
};
/* Record an edge (atlas domino) and its channel, one transaction. */
int programme_domino_add(struct store *st, const struct programme_domino_edge *e,
			 struct c2c_err *err);
int programme_domino_set_channel(struct store *st, const char *id, const char *channel,
				 const char *note, struct c2c_err *err);

#endif
