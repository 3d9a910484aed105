/*
 * atlas.h - the register of the City-to-City Collaboration programme:
 * places, partnerships, agreements, projects, companies, schemes, networks,
 * events, cases, domino edges and figures.
 *
 * Every table is described once, as data (struct atlas_table in tables.c);
 * the schema and its migrations, CSV import and export, validation, listing,
 * the search index, the CLI's list commands, the API's table routes and the
 * web's tables are all driven by those descriptions, so a table or a column
 * is added in one place.
 * Pure domain code: it reads and writes only through store.h and returns
 * JSON values (jansson) that the CLI and the HTTP API print as they like.
 */
#ifndef C2C_ATLAS_ATLAS_H
#define C2C_ATLAS_ATLAS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

enum atlas_type {
	AT_TEXT,    /* UTF-8 text of at most `max` characters, no control characters (utf8_text_check) */
	AT_ID,      /* [a-z0-9-]+ */
	AT_COUNTRY, /* ISO 3166-1 alpha-2, present in countries */
	AT_DATE,    /* YYYY | YYYY-MM | YYYY-MM-DD, a real date */
	AT_INT,     /* integer within [min, max] */
	AT_REAL,    /* decimal number within [min, max] */
	AT_ENUM,    /* one of `values`, '|'-separated */
	AT_FYLIST,  /* fiscal years "2020;2021", ascending */
	AT_REF,     /* id of a row of table `ref` */
};

enum atlas_col_flags {
	COL_REQUIRED = 1, /* may not be empty */
	COL_KEY = 2,      /* part of the primary key */
	COL_SEARCH = 4,   /* goes into the search index */
	COL_NAME = 8,     /* the row's display name (search hits, tables) */
	COL_SHOW = 16,    /* shown in --format table */
	COL_FILTER = 32,  /* the list command takes --<name> VALUE */
	COL_BRIEF = 64,   /* shown beside the name in a short list of rows (the web's lists) */
	COL_LINES = 128,  /* AT_TEXT: may hold newline and tab (a note, a summary) */
};

struct atlas_col {
	const char *name;
	enum atlas_type type;
	unsigned flags;
	const char *values; /* AT_ENUM: "a|b|c"; AT_REF: the table */
	double min, max;    /* AT_INT, AT_REAL */
	int since;          /* the atlas schema version that added it; 0 = the first */
};

/* The atlas schema versions: 1 the first tables, 2 the search index, 3 its
 * vocabulary; each later version is what the tables and columns with that
 * `since` add.  A new table or column gets `since` = the highest version in
 * use plus one, and schema.c makes that migration from the descriptions:
 * CREATE TABLE for the table, ALTER TABLE ... ADD COLUMN for the column, so
 * `c2c init` brings an existing database to exactly what a new one gets.
 * Versions 2 and 3 add no table or column. */
#define ATLAS_SEARCH_VERSION 3

struct atlas_table {
	const char *name;     /* SQL table, CSV file stem, CLI word, API path */
	const char *summary;  /* one line for help and the API */
	const struct atlas_col *cols;
	size_t ncols;
	int listable;         /* listed on its own: a list command and a GET route */
	int since;            /* the atlas schema version that added it; 0 or 1 = the first */
};

/* All tables, in load order (referenced tables first). */
extern const struct atlas_table atlas_tables[];
extern const size_t atlas_ntables;
const struct atlas_table *atlas_table_find(const char *name);
const struct atlas_col *atlas_col_find(const struct atlas_table *t, const char *name);

/* Schema (store migrations for module "atlas"), made from atlas_tables. */
int atlas_migrate(struct store *st, int *applied, struct c2c_err *err);
/* The same from any list of tables in load order (a test's list with one
 * table more shows what a new table does to an existing database). */
int atlas_migrate_tables(struct store *st, const struct atlas_table *tables, size_t n,
			 int *applied, struct c2c_err *err);
/* The schema version a list of tables makes: its highest `since`, at least
 * ATLAS_SEARCH_VERSION. */
int atlas_schema_version(const struct atlas_table *tables, size_t n);

/* The descriptions as JSON, for the API and the web (GET /api/v1/tables):
 * per table its name, summary, since, listable, key columns, display name
 * columns [ja, en], brief columns and every column with its type, flags,
 * the table it references (ref) and its allowed values. */
json_t *atlas_tables_json(const struct atlas_table *tables, size_t n);

/* Import one CSV into `t`: validated whole, then upserted by primary key in
 * the caller's transaction.  `name` names the file in messages.  *rows gets
 * the number of data rows. */
int atlas_import_stream(struct store *st, const struct atlas_table *t, FILE *fp,
			const char *name, size_t *rows, struct c2c_err *err);
int atlas_import_mem(struct store *st, const struct atlas_table *t, const char *data,
		     size_t len, const char *name, size_t *rows, struct c2c_err *err);

/* Upsert one row (vals[c] for column c, in table order; NULL or "" is empty)
 * with the checks of a CSV import, in the caller's transaction.  `name`
 * names the row's origin in messages.  (upsert.c, for the programme.) */
int atlas_upsert_row(struct store *st, const struct atlas_table *t, const char *const *vals,
		     const char *name, struct c2c_err *err);

/* The built-in dataset compiled into the binary. */
struct atlas_builtin_file {
	const char *name;   /* the table: the file's stem */
	const char *data;
	size_t len;
};
extern const struct atlas_builtin_file atlas_builtin_files[];
extern const size_t atlas_builtin_nfiles;

/* The dataset as a module's built-in data (store_builtin_load). */
extern const struct store_builtin atlas_builtin;

struct atlas_init_report {
	int migrations;     /* schema migrations applied */
	int loaded;         /* 1 if the dataset was (re)loaded, 0 if unchanged */
	size_t rows;        /* rows in the dataset */
	char fingerprint[17];
};
/* Create or upgrade the schema and load the built-in dataset, all or nothing.
 * The load is skipped when the same dataset is in already, unless `force`. */
int atlas_init(struct store *st, int force, struct atlas_init_report *rep,
	       struct c2c_err *err);

/* Rebuild the search index from the tables (inside the caller's transaction). */
int atlas_search_rebuild(struct store *st, struct c2c_err *err);
/* fold.c: `in` as the search compares it (NFKC, case, width, Latin marks,
 * spaces inside a line), appended to `out`. */
struct strbuf;
int atlas_search_fold(const char *in, struct strbuf *out, struct c2c_err *err);
/* The queue (store_tx's `queue`) of every transaction that rebuilds the
 * search index: a rebuild rewrites the whole table, so on PostgreSQL two at
 * once are a serialization failure every time; queued, they wait their turn
 * instead of losing their retries under load (tests/pg.sh's eight writers). */
#define ATLAS_SEARCH_QUEUE "atlas_search"

/* Rows of a table as a JSON array of objects, all columns, ordered by key.
 * filters: NULL-terminated pairs {column, value} of equality filters. */
int atlas_list(struct store *st, const struct atlas_table *t, const char *const *filters,
	       json_t **out, struct c2c_err *err);

/* One row of a table with a single key (every table but the link tables)
 * by that key, as atlas_list gives it; C2C_ENOTFOUND when there is none.
 * This is how the other modules read the atlas (docs/atlas.md): none of
 * them has SQL naming an atlas table. */
int atlas_get(struct store *st, const char *table, const char *id, json_t **out, struct c2c_err *err);
/* 1 when `table` has a row `id`, 0 when not, < 0 on error. */
int atlas_has(struct store *st, const char *table, const char *id, struct c2c_err *err);
/* How many rows `table` has; -1 on error. */
long long atlas_count(struct store *st, const char *table, struct c2c_err *err);
/* A place {id, name_ja, name_en, kind, country, parent_id, lat, lon, ...}. */
int atlas_place_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);
/* A project {id, name_ja, kind, country, place_id, body_id, ...}. */
int atlas_project_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);

/* ---- a project's life (stages.c) ------------------------------------------ */

/* The stages of a JCM project's life, in the order they come.  The first
 * five happen once; a monitoring period, its verification, the issuance
 * and the allocation that follow it come again for every period, and a
 * project may spread to more than one city (roll_out, the domino). */
#define ATLAS_STAGES                                                                           \
	"feasibility_study|model_project|methodology|registration|operation_start|"               \
	"monitoring_period|verification|issuance|allocation|roll_out"

struct atlas_stage {
	const char *project; /* atlas project id */
	const char *stage;   /* one of ATLAS_STAGES */
	const char *on;      /* YYYY-MM-DD */
	const char *ref;     /* the JCM reference number, the consultant, ...; NULL or "" */
	const char *source;  /* where the date comes from */
};
/* Record a stage of a project's life, in one transaction, after the checks
 * stages.c states: the project exists, the stage is known, a one-time
 * stage comes once, and the dates keep the stages' order.  *seq gets its
 * number among the project's stages. */
int atlas_project_stage_add(struct store *st, const struct atlas_stage *s, long long *seq,
			    struct c2c_err *err);
/* The project's stages as rows of project_stages, in the order recorded. */
int atlas_project_stages(struct store *st, const char *project, json_t **out, struct c2c_err *err);
/* The partnerships the project was formed from: each partnership's row
 * with `places` [{id, name_ja, name_en, role}] and the link's `link_source`. */
int atlas_project_partnerships(struct store *st, const char *project, json_t **out,
			       struct c2c_err *err);
/* The projects located in a place: its own (place_id) and those with no
 * place of their own formed from a partnership with that place as partner
 * (a project placed elsewhere, a roll-out, is located there). */
int atlas_projects_at_place(struct store *st, const char *place, json_t **out, struct c2c_err *err);
/* Link a project to a partnership it was formed from (in the caller's
 * transaction, checked as an import row). */
int atlas_project_partnership_add(struct store *st, const char *project, const char *partnership,
				  const char *source, struct c2c_err *err);

struct atlas_partnership_filter {
	const char *country; /* ISO code */
	const char *body;    /* substring of a body's name (ja/en/id) or label */
	const char *partner; /* substring of a partner's name (ja/en/id) or label */
	int fy;              /* 0 = any */
};
/* Partnerships with their places nested (see docs/atlas.md for the shape). */
int atlas_partnerships(struct store *st, const struct atlas_partnership_filter *f,
		       json_t **out, struct c2c_err *err);

/* Search all tables; JSON array of {table, id, name, match}. */
int atlas_search(struct store *st, const char *query, size_t limit, json_t **out,
		 struct c2c_err *err);

/* Every source the atlas cites ("seed:003 ...", a news item, a page), each
 * " | "-separated piece of a row's source counted once per row:
 * [{source, facts, tables: "places;partnerships"}], most cited first.
 * table: only that table's rows (NULL: every table with a source). */
int atlas_sources(struct store *st, const char *table, json_t **out, struct c2c_err *err);

/* Headline figures with their counting rules; fy 0 = open bound. */
int atlas_stats(struct store *st, int from_fy, int to_fy, json_t **out,
		struct c2c_err *err);

/* A number as the shortest text that reads back the same (what exports and
 * edits write into a REAL cell). */
void atlas_real_text(double d, char *buf, size_t len);

/* CSV text of a whole table (header + rows, ordered by key). */
int atlas_export_csv(struct store *st, const struct atlas_table *t, FILE *out,
		     struct c2c_err *err);

#endif
