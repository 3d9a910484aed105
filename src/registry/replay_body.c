/*
 * replay_body.c - a journal entry's body read for the replay (verify.c),
 * its movements without building them as JSON values.
 *
 * Why: at 10^5 entries, parsing the bodies with jansson was four tenths
 * of verify's time, most of it on the movements (six members each, a
 * hash table and six values made and freed per movement).  A movement as
 * c2c writes it has one shape, {"first":N,"from":"..","issuance":"..",
 * "last":N,"state":"..","to":".."} (sorted keys, compact: journal.c), so
 * the "moves" array of the top-level object is read here when every
 * member has exactly that shape with plain strings (printable ASCII, no
 * escape) and integers of at most 18 digits; the rest of the body, with
 * "moves":[] in its place, is parsed by jansson as before.  Anything else
 * (another shape, an escape, whitespace, two "moves" keys, a "moves" that
 * is not an array) and the whole body goes to jansson and its movements
 * are read from there: what the replay gets is the same either way.
 * Jansson still checks every byte outside the array, and the array was
 * read by the strict grammar above, so the text is valid JSON exactly
 * when jansson accepts what is left.
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

/* p at a '"': the plain string's end (past its closing quote) and its
 * content copied NUL-terminated to *out; NULL when it is not plain. */
static const char *plain_string(const char *p, char **out)
{
	const char *s = ++p;
	while (*p >= 0x20 && *p <= 0x7e && *p != '"' && *p != '\\')
		p++;
	if (*p != '"')
		return NULL;
	memcpy(*out, s, (size_t)(p - s));
	(*out)[p - s] = '\0';
	*out += p - s + 1;
	return p + 1;
}

/* An integer as JSON writes it (no leading zero), at most 18 digits. */
static const char *plain_int(const char *p, int64_t *v)
{
	int neg = *p == '-', n = 0;
	int64_t x = 0;
	p += neg;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return NULL;
	for (; *p >= '0' && *p <= '9' && n < 19; p++, n++)
		x = x * 10 + (*p - '0');
	if (n == 0 || n > 18)
		return NULL;
	*v = neg ? -x : x;
	return p;
}

static const char *lit(const char *p, const char *s)
{
	size_t n = strlen(s);
	return p && !strncmp(p, s, n) ? p + n : NULL;
}

/* `key` then a plain string, copied to *str (then past it), *out at it. */
static const char *str_member(const char *p, const char *key, char **str, const char **out)
{
	*out = *str;
	if (!(p = lit(p, key)) || *p != '"')
		return NULL;
	return plain_string(p, str);
}

/* The array at p ('['): its movements into b->mv, their strings into
 * b->str; the text after its ']', NULL when it is not all plain. */
static const char *plain_moves(const char *p, struct replay_body *b)
{
	char *str = b->str;
	b->n = 0;
	if (*p++ != '[')
		return NULL;
	if (*p == ']')
		return p + 1;
	for (;;) {
		struct replay_mv *m;
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 64;
			struct replay_mv *nv = realloc(b->mv, nc * sizeof(*nv));
			if (!nv)
				return NULL;
			b->mv = nv;
			b->cap = nc;
		}
		m = &b->mv[b->n++];
		if (!(p = lit(p, "{\"first\":")) || !(p = plain_int(p, &m->first)) ||
		    !(p = str_member(p, ",\"from\":", &str, &m->from)) ||
		    !(p = str_member(p, ",\"issuance\":", &str, &m->iss)) || !(p = lit(p, ",\"last\":")) ||
		    !(p = plain_int(p, &m->last)) || !(p = str_member(p, ",\"state\":", &str, &m->state)) ||
		    !(p = str_member(p, ",\"to\":", &str, &m->to)) || !(p = lit(p, "}")))
			return NULL;
		if (*p == ']')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

/* Where the value of the top-level key "moves" starts (after its ':'), and
 * *again set when there are two; NULL when none or the text is not an
 * object.  Strings are skipped as JSON has them (a backslash escapes the
 * next byte), so a "moves" inside a string or a nested value is not it. */
static const char *find_moves(const char *t, int *again)
{
	const char *found = NULL, *p = t;
	int depth = 0, key = 0;
	*again = 0;
	if (*p != '{')
		return NULL;
	for (; *p; p++) {
		if (*p == '"') {
			const char *s = p + 1;
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && !*++p)
					return NULL;
			if (!*p)
				return NULL;
			if (depth == 1 && key) {
				if (memchr(s, '\\', (size_t)(p - s)) || (p - s == 5 && !memcmp(s, "moves", 5))) {
					if (found || memchr(s, '\\', (size_t)(p - s)))
						*again = 1; /* twice, or a key spelled with escapes: jansson decides */
					found = p + 1;
				}
				key = 0;
			}
		} else if (*p == '{' || *p == '[') {
			depth++;
			key = depth == 1;
		} else if (*p == '}' || *p == ']') {
			depth--;
		} else if (*p == ',' && depth == 1) {
			key = 1;
		}
	}
	return found && *found == ':' ? found + 1 : NULL;
}

/* The movements of a body jansson parsed whole. */
static int json_moves(json_t *body, struct replay_body *b)
{
	json_t *mv;
	size_t k;
	b->n = 0;
	json_array_foreach(json_object_get(body, "moves"), k, mv) {
		struct replay_mv *m;
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 64;
			struct replay_mv *nv = realloc(b->mv, nc * sizeof(*nv));
			if (!nv)
				return -1;
			b->mv = nv;
			b->cap = nc;
		}
		m = &b->mv[b->n++];
		m->iss = json_string_value(json_object_get(mv, "issuance"));
		m->from = json_string_value(json_object_get(mv, "from"));
		m->to = json_string_value(json_object_get(mv, "to"));
		m->state = json_string_value(json_object_get(mv, "state"));
		m->first = json_integer_value(json_object_get(mv, "first"));
		m->last = json_integer_value(json_object_get(mv, "last"));
	}
	return 0;
}

int replay_body_read(struct replay_body *b, const char *text)
{
	size_t len = strlen(text);
	const char *v, *after;
	int again;

	json_decref(b->json);
	b->json = NULL;
	b->n = 0;
	if (len + 1 > b->strcap) {
		char *ns = realloc(b->str, len + 1);
		if (!ns)
			return -1;
		b->str = ns;
		b->strcap = len + 1;
	}
	if ((v = find_moves(text, &again)) && !again && (after = plain_moves(v, b))) {
		/* the rest, "moves":[] in place of the array, to jansson */
		size_t head = (size_t)(v - text), tail = len - (size_t)(after - text);
		char *rest = malloc(head + 2 + tail + 1);
		json_t *mv;
		if (!rest)
			return -1;
		memcpy(rest, text, head);
		memcpy(rest + head, "[]", 2);
		memcpy(rest + head + 2, after, tail + 1);
		b->json = json_loadb(rest, head + 2 + tail, 0, NULL);
		free(rest);
		mv = json_object_get(b->json, "moves");
		if (json_is_array(mv) && !json_array_size(mv))
			return 0;
		/* jansson did not see the array where the scan did: it decides */
		json_decref(b->json);
	}
	b->json = json_loadb(text, len, 0, NULL);
	return json_moves(b->json, b);
}

void replay_body_free(struct replay_body *b)
{
	json_decref(b->json);
	free(b->mv);
	free(b->str);
	memset(b, 0, sizeof(*b));
}
