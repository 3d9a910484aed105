/*
 * internal.h - what the files of programme/ share and nobody else needs:
 * running a query into JSON rows, reading the built-in CSV files, resolving
 * a place given by id or name, and small checks that name their field.
 */
#ifndef C2C_PROGRAMME_INTERNAL_H
#define C2C_PROGRAMME_INTERNAL_H

#include "programme.h"

/* Run `sql` with text binds (NULL binds NULL, "#42" an integer) and collect
 * its rows as JSON objects keyed by column name, typed by the store
 * (store_rows_json). */
int prog_select(struct store *st, const char *sql, const char *const *binds, size_t nbind, json_t **out,
		struct c2c_err *err);
/* Run a statement that returns no rows, with text binds (NULL = NULL) and
 * integer binds marked by a leading '#' ("#42"). */
int prog_exec(struct store *st, const char *sql, const char *const *binds, size_t nbind,
	      struct c2c_err *err);

/* A built-in CSV file as a JSON array of objects of strings. */
int prog_builtin_rows(const char *name, json_t **out, struct c2c_err *err);

/* A place by id, or by its exact Japanese or English name.  want_jp: 1 the
 * place must be in Japan, 0 it must not be, -1 either.  `field` names the
 * option in messages. */
int prog_place(struct store *st, const char *text, const char *field, int want_jp,
	       char *id, size_t idlen, char *country, struct c2c_err *err);

/* The atlas row of `table` with key `id` in *row, or NULL when there is none
 * (or id is NULL): asked of the atlas, which owns it. */
int prog_atlas_row(struct store *st, const char *table, const char *id, json_t **row,
		   struct c2c_err *err);
/* Names beside ids, asked of the atlas: `map` holds groups of four, {id
 * member of the row, atlas table, column of that table, member to set},
 * ended by NULL; the member is set to the column's value, or null when the
 * id is null or the atlas has no such row (as a LEFT JOIN would).  Each atlas
 * row is asked for once. */
int prog_atlas_fill(struct store *st, json_t *rows, const char *const *map, struct c2c_err *err);
/* A proposal's body and partner place by name (its body_ja and partner_ja). */
#define PROG_PLACE_NAMES                                                                   \
	(const char *const[]){"body_id", "places", "name_ja", "body_ja",                   \
			      "partner_place_id", "places", "name_ja", "partner_ja", NULL}
/* Each proposal row's bodies and partner places (a joint proposal has
 * several), named, in the order given: "bodies": [{"id", "name_ja",
 * "name_en"}], "partners": [...]. */
int prog_proposal_places(struct store *st, json_t *props, struct c2c_err *err);
/* Is v one of the '|'-separated values? */
int prog_enum_has(const char *values, const char *v, size_t n);
/* Non-empty (when required), valid UTF-8, no longer than max bytes. */
int prog_check_text(const char *field, const char *v, int required, size_t max,
		    struct c2c_err *err);
/* An id: [a-z0-9-]+, at most 64 bytes. */
int prog_check_id(const char *field, const char *v, struct c2c_err *err);
/* A real calendar date YYYY-MM-DD. */
int prog_check_day(const char *field, const char *v, struct c2c_err *err);
/* Hundredths as text: 8333 -> "83.33". */
void prog_x100(long long v, char *buf, size_t len);
/* Does `hay` contain `needle`, ASCII letters compared without case? */
int prog_contains(const char *hay, const char *needle);

/* Set a domino edge's channel (no transaction of its own). */
int prog_channel_put(struct store *st, const char *domino_id, const char *channel,
		     const char *note, const char *source, struct c2c_err *err);

/* The sector values of the atlas projects table. */
const char *prog_sectors(void);

#endif
