/*
 * journal_file.c - the journal as a file anyone can check: exported one
 * entry a line (`registry journal --format jsonl`) and proved from that
 * file alone, without the database (`registry verify --journal FILE`), as
 * an independent transaction log checks a registry: the hash chain, the
 * replay of every movement and adjustment, and the balances they imply.
 * The proof is verify.c's own (replay.h), entry by entry, streamed: the
 * file is never held whole.
 */
#include "registry.h"
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line longer than this is refused, not read: the longest entry c2c
 * writes (one transfer moving 10^5 ranges) is about 10 MB. */
#define JOURNAL_LINE_MAX (256L << 20)

struct export {
	FILE *out;
	int64_t *entries;
};

static int export_entry(void *ctx, const struct registry_entry *e, struct c2c_err *err)
{
	struct export *x = ctx;
	/* body stays the text the hash covers: a checker hashes these bytes */
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)e->seq, "at", e->at, "user",
			      e->user, "op", e->op, "body", e->body, "prev_hash", e->prev_hash, "hash", e->hash);
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc = 0;

	json_decref(o);
	if (!line)
		return c2c_err_set(err, C2C_EINTERNAL, "journal entry %lld cannot be written as JSON (not UTF-8?)",
				   (long long)e->seq);
	if (fputs(line, x->out) == EOF || fputc('\n', x->out) == EOF)
		rc = c2c_err_set(err, C2C_EIO, "writing the journal: %s", strerror(errno));
	else
		(*x->entries)++;
	free(line);
	return rc;
}

int registry_journal_export(struct store *st, FILE *out, int64_t *entries, struct c2c_err *err)
{
	struct export x = {out, entries};
	*entries = 0;
	return registry_journal_each(st, export_entry, &x, err);
}

static const char *text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One line into an entry; NULL, or the member that is missing or of the
 * wrong type ("" for a line that is no object). */
static const char *parse_entry(json_t *o, struct registry_entry *e)
{
	static const char *const keys[] = {"at", "user", "op", "body", "prev_hash", "hash"};
	if (!json_is_object(o))
		return "";
	if (!json_is_integer(json_object_get(o, "seq")))
		return "seq";
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!text_of(o, keys[i]))
			return keys[i];
	e->seq = json_integer_value(json_object_get(o, "seq"));
	e->at = text_of(o, "at");
	e->user = text_of(o, "user");
	e->op = text_of(o, "op");
	e->body = text_of(o, "body");
	e->prev_hash = text_of(o, "prev_hash");
	e->hash = text_of(o, "hash");
	return NULL;
}

int registry_verify_journal(FILE *fp, const char *name, int64_t head_seq, const char *head_hash,
			    struct registry_verify_report *rep, json_t **balances, struct c2c_err *err)
{
	struct registry_replay *w = registry_replay_new();
	char *line = NULL, last[65] = "";
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int64_t last_seq = 0;
	int rc = 0, head_seen = 0;

	memset(rep, 0, sizeof(*rep));
	*balances = NULL;
	if (!w)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	while ((len = getline(&line, &cap, fp)) >= 0) {
		struct registry_entry e;
		json_error_t je;
		const char *why;
		json_t *o;

		lineno++;
		if (len > JOURNAL_LINE_MAX) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s line %ld: longer than %ld bytes", name, lineno, JOURNAL_LINE_MAX);
			break;
		}
		if (len > 0 && line[len - 1] != '\n') {
			/* the export ends every entry with a newline: a last line
			 * without one was cut off */
			rc = c2c_err_set(err, C2C_ECONFLICT, "%s line %ld: the file ends in the middle of an entry "
					 "(after journal entry %lld): it was cut off", name, lineno, (long long)last_seq);
			break;
		}
		if (!(o = json_loadb(line, (size_t)len, 0, &je))) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s line %ld (after journal entry %lld): not JSON: %s", name,
					 lineno, (long long)last_seq, je.text);
			break;
		}
		if ((why = parse_entry(o, &e))) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s line %ld (after journal entry %lld): %s%s%s", name, lineno,
					 (long long)last_seq, *why ? "the entry has no " : "not a journal entry (a JSON object)",
					 why, *why ? (strcmp(why, "seq") ? " (a string)" : " (an integer)") : "");
			json_decref(o);
			break;
		}
		rc = registry_replay_entry(w, &e, rep, err);
		if (!rc && head_seq && e.seq == head_seq) {
			head_seen = 1;
			if (strcmp(e.hash, head_hash))
				rc = c2c_err_set(err, C2C_ECONFLICT, "journal entry %lld's hash is not the head kept elsewhere"
						 " (%.16s...): the journal was rewritten from there", (long long)e.seq,
						 head_hash);
		}
		if (rc)
			c2c_err_prefix(err, "%s line %ld", name, lineno);
		else {
			last_seq = e.seq;
			snprintf(last, sizeof(last), "%s", e.hash);
		}
		json_decref(o);
		if (rc)
			break;
	}
	free(line);
	if (!rc && ferror(fp))
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot read: %s", name, strerror(errno));
	if (!rc && head_seq && !head_seen)
		rc = c2c_err_set(err, C2C_ECONFLICT, "%s: the journal ends at entry %lld, but the head kept elsewhere is"
				 " entry %lld: entries were removed from its end", name, (long long)last_seq,
				 (long long)head_seq);
	if (!rc) {
		int64_t entries = rep->entries;
		rc = registry_replay_balances(w, rep, balances, err);
		rep->entries = entries;
	}
	registry_replay_free(w);
	return rc;
}
