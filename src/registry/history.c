/*
 * history.c - an account's history: every movement in or out of it, each
 * with the journal entry that made it (seq, date, operation, user, hash),
 * so a holder or a registrar reads what happened to the credits and can
 * check any line against the hash-chained journal (`registry verify`).
 *
 * The journal is the only source: the blocks say where credits are now,
 * only the journal says how they got there.
 */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The serial range text of [first, last] of issuance `iss`; the issuance's
 * host, project and vintage are read once and kept in `cache`. */
static int range_text(struct store *st, json_t *cache, const char *iss, int64_t first, int64_t last, char *buf,
		      size_t len, struct c2c_err *err)
{
	json_t *i = json_object_get(cache, iss);
	int rc;
	if (!i) {
		if ((rc = registry_issuance_get(st, iss, &i, err)))
			return rc;
		json_object_set_new(cache, iss, i);
	}
	registry_serial_range(buf, len, json_string_value(json_object_get(i, "host")),
			      json_string_value(json_object_get(i, "project")),
			      (int)json_integer_value(json_object_get(i, "vintage")), first, last);
	return 0;
}

/* The row of entry `e` for movements in `dir` with `counterpart`, made on
 * first use: one row per entry, direction and counterpart. */
static json_t *history_row(json_t *rows, json_t *e, const char *dir, const char *counterpart)
{
	size_t i;
	json_t *r;
	json_int_t seq = json_integer_value(json_object_get(e, "seq"));
	/* the entry's rows are the last ones: look back only that far */
	for (i = json_array_size(rows); i-- > 0 && json_integer_value(json_object_get(r = json_array_get(rows, i), "seq")) == seq;) {
		const char *cp = json_string_value(json_object_get(r, "counterpart"));
		if (!strcmp(json_string_value(json_object_get(r, "direction")), dir) &&
		    (cp && counterpart ? !strcmp(cp, counterpart) : cp == counterpart))
			return r;
	}
	r = json_pack("{s:I, s:O, s:O, s:O, s:s, s:s?, s:I, s:[], s:O}", "seq", seq, "at", json_object_get(e, "at"),
		      "user", json_object_get(e, "user_name"), "op", json_object_get(e, "op"), "direction", dir,
		      "counterpart", counterpart, "quantity", (json_int_t)0, "ranges", "hash",
		      json_object_get(e, "hash"));
	json_array_append_new(rows, r);
	return r;
}

/* The ranges as one line for a table: all of them when few, else the first
 * and the last with their count (the JSON keeps every one). */
static void summarize(json_t *row)
{
	json_t *ranges = json_object_get(row, "ranges");
	size_t n = json_array_size(ranges);
	char buf[512];
	if (n <= 3) {
		size_t at = 0;
		buf[0] = '\0';
		for (size_t i = 0; i < n && at < sizeof(buf); i++)
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s", i ? ", " : "",
					       json_string_value(json_object_get(json_array_get(ranges, i), "serial")));
	} else {
		snprintf(buf, sizeof(buf), "%s ... %s (%zu ranges)",
			 json_string_value(json_object_get(json_array_get(ranges, 0), "serial")),
			 json_string_value(json_object_get(json_array_get(ranges, n - 1), "serial")), n);
	}
	json_object_set_new(row, "serials", json_string(buf));
}

/* One journal entry's rows for `account`. */
static int entry_rows(struct store *st, const char *account, json_t *e, json_t *cache, json_t *rows,
		      struct c2c_err *err)
{
	json_t *body = json_object_get(e, "body"), *mv, *acc = json_object_get(body, "account");
	const char *op = json_string_value(json_object_get(e, "op"));
	size_t k;
	int rc;

	if ((!strcmp(op, "open") && json_is_object(acc) &&
	     !strcmp(json_string_value(json_object_get(acc, "id")) ? json_string_value(json_object_get(acc, "id")) : "", account)) ||
	    (!strcmp(op, "close") && json_is_string(acc) && !strcmp(json_string_value(acc), account)))
		history_row(rows, e, "none", NULL);
	json_array_foreach(json_object_get(body, "moves"), k, mv) {
		const char *from = json_string_value(json_object_get(mv, "from"));
		const char *to = json_string_value(json_object_get(mv, "to"));
		const char *iss = json_string_value(json_object_get(mv, "issuance"));
		int64_t first = json_integer_value(json_object_get(mv, "first"));
		int64_t last = json_integer_value(json_object_get(mv, "last"));
		int out = from && !strcmp(from, account), in = to && !strcmp(to, account);
		char serial[200];
		json_t *row;

		if ((!out && !in) || !iss)
			continue;
		if ((rc = range_text(st, cache, iss, first, last, serial, sizeof(serial), err)))
			return rc;
		row = history_row(rows, e, in ? "in" : "out", in ? from : to);
		json_object_set_new(row, "quantity", json_integer(json_integer_value(json_object_get(row, "quantity")) +
								  (in ? 1 : -1) * (last - first + 1)));
		json_array_append_new(json_object_get(row, "ranges"),
				      json_pack("{s:s, s:I, s:I, s:s, s:O}", "issuance", iss, "first", (json_int_t)first,
						"last", (json_int_t)last, "serial", serial, "state", json_object_get(mv, "state")));
		if (!strcmp(op, "retire")) {
			json_object_set(row, "purpose", json_object_get(body, "purpose"));
			json_object_set(row, "beneficiary", json_object_get(body, "beneficiary"));
		}
	}
	return 0;
}

int registry_history(struct store *st, const char *account, json_t **out, struct c2c_err *err)
{
	json_t *acc, *cache, *rows;
	struct store_stmt *s;
	char pattern[80];
	int rc;

	*out = NULL;
	if (!account || !*account)
		return c2c_err_at(err, C2C_EUSAGE, "account", "history: name the account");
	if ((rc = registry_account_get(st, account, &acc, err)))
		return rc;
	json_decref(acc);
	/* Account ids are A-Z, 0-9 and '-', none of them special to LIKE: the
	 * pattern only narrows what is parsed, each body is read exactly. */
	snprintf(pattern, sizeof(pattern), "%%\"%s\"%%", account);
	if ((rc = store_prepare(st, "SELECT \"seq\", \"at\", \"user_name\", \"op\", \"body\", \"hash\" FROM registry_journal"
				    " WHERE \"body\" LIKE ? ORDER BY \"seq\"", &s, err)))
		return rc;
	store_bind_text(s, 1, pattern);
	cache = json_object();
	rows = json_array();
	while ((rc = store_step(s, err)) == 1) {
		json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)store_col_int(s, 0), "at",
				      store_col_text(s, 1), "user_name", store_col_text(s, 2), "op", store_col_text(s, 3),
				      "hash", store_col_text(s, 5));
		json_t *body = json_loads(store_col_text(s, 4), 0, NULL);
		json_object_set_new(e, "body", body ? body : json_object());
		rc = entry_rows(st, account, e, cache, rows, err);
		json_decref(e);
		if (rc)
			break;
	}
	store_finalize(s);
	json_decref(cache);
	if (rc < 0) {
		json_decref(rows);
		return rc;
	}
	{
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			summarize(r);
	}
	*out = rows;
	return 0;
}

/* The public retirement log: every retirement, from the history of each
 * registry's retirement account (the journal is the source, as for an
 * account's history): who retired how many credits, which serials, for
 * what purpose and beneficiary, in which journal entry. */
static int seq_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "seq"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "seq"));
	return x < y ? -1 : x > y;
}

int registry_retirements(struct store *st, const char *country, json_t **out, struct c2c_err *err)
{
	json_t *accs, *acc, *all = json_array(), **v = NULL;
	size_t i, n;
	int rc;

	*out = NULL;
	if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
			country[1] > 'Z')) {
		json_decref(all);
		return c2c_err_at(err, C2C_EINPUT, "country", "retirements: country '%s' is not a country code"
				  " (two capital letters)", country);
	}
	if ((rc = registry_accounts(st, country, &accs, err))) {
		json_decref(all);
		return rc;
	}
	json_array_foreach(accs, i, acc) {
		json_t *rows, *r;
		size_t k;
		const char *id = json_string_value(json_object_get(acc, "id"));
		if (strcmp(json_string_value(json_object_get(acc, "kind")), "retirement"))
			continue;
		if ((rc = registry_history(st, id, &rows, err)))
			break;
		json_array_foreach(rows, k, r) {
			if (strcmp(json_string_value(json_object_get(r, "op")), "retire") ||
			    strcmp(json_string_value(json_object_get(r, "direction")), "in"))
				continue;
			json_array_append_new(all, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "seq",
							     json_object_get(r, "seq"), "at", json_object_get(r, "at"),
							     "country", json_object_get(acc, "country"), "account",
							     json_object_get(r, "counterpart"), "quantity",
							     json_object_get(r, "quantity"), "purpose",
							     json_object_get(r, "purpose"), "beneficiary",
							     json_object_get(r, "beneficiary"), "serials",
							     json_object_get(r, "serials"), "ranges",
							     json_object_get(r, "ranges"), "hash", json_object_get(r, "hash")));
		}
		json_decref(rows);
	}
	json_decref(accs);
	if (rc) {
		json_decref(all);
		return rc;
	}
	/* in journal order across the countries */
	n = json_array_size(all);
	if (n > 1 && (v = malloc(n * sizeof(*v)))) {
		json_t *sorted = json_array();
		for (i = 0; i < n; i++)
			v[i] = json_array_get(all, i);
		qsort(v, n, sizeof(*v), seq_cmp);
		for (i = 0; i < n; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_decref(all);
		all = sorted;
	}
	*out = all;
	return 0;
}
