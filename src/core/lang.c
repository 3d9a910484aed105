/*
 * lang.c - the Japanese message catalogue and this thread's language.
 *
 * The catalogue is data written as C (msg_ja/ *.def, one file per module,
 * lines MSG("English format", "日本語の書式")) so that it is in the binary,
 * needs no file at run time and no parsing.  It is looked up by the
 * content of the English format (FNV-1a over its bytes), not by its
 * pointer: the same literal in two files may be two pointers.  The hash
 * table is built once, on first use, into static storage: an error set on
 * a hot path costs a hash of its format and one string comparison.
 *
 * An entry whose conversions differ between the languages would make
 * vsnprintf read arguments of the wrong type, so the build of the table
 * drops it (and test_core fails naming it): a bad translation can only
 * fall back to English, never crash.
 */
#include "lang.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

struct msg_entry {
	const char *en, *ja;
};

static const struct msg_entry catalogue[] = {
#define MSG(en, ja) {en, ja},
#include "msg_ja/core.def"
#include "msg_ja/store.def"
#include "msg_ja/atlas.def"
#include "msg_ja/auth.def"
#include "msg_ja/programme.def"
#include "msg_ja/registry.def"
#include "msg_ja/mrv.def"
#include "msg_ja/city.def"
#include "msg_ja/http.def"
#undef MSG
};
#define NMSG (sizeof(catalogue) / sizeof(catalogue[0]))

/* open addressing, at most half full; slot holds index + 1, 0 is empty */
#define SLOTS 8192
_Static_assert(NMSG < SLOTS / 2, "the catalogue outgrew its hash table: raise SLOTS");
static uint16_t slots[SLOTS];
static size_t rejected;
static pthread_once_t built = PTHREAD_ONCE_INIT;
static _Thread_local enum c2c_lang current;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void build(void)
{
	char a[128], b[128];
	for (size_t i = 0; i < NMSG; i++) {
		if (c2c_fmt_signature(catalogue[i].en, a, sizeof(a)) ||
		    c2c_fmt_signature(catalogue[i].ja, b, sizeof(b)) || strcmp(a, b)) {
			rejected++;
			continue;
		}
		uint32_t s = hash(catalogue[i].en) & (SLOTS - 1);
		while (slots[s] && strcmp(catalogue[slots[s] - 1].en, catalogue[i].en))
			s = (s + 1) & (SLOTS - 1);
		if (!slots[s])
			slots[s] = (uint16_t)(i + 1);
	}
}

const char *c2c_msg_ja(const char *fmt)
{
	if (!fmt)
		return NULL;
	pthread_once(&built, build);
	for (uint32_t s = hash(fmt) & (SLOTS - 1); slots[s]; s = (s + 1) & (SLOTS - 1))
		if (!strcmp(catalogue[slots[s] - 1].en, fmt))
			return catalogue[slots[s] - 1].ja;
	return NULL;
}

const char *c2c_tr(const char *fmt)
{
	const char *ja;
	if (current != C2C_LANG_JA || !(ja = c2c_msg_ja(fmt)))
		return fmt;
	return ja;
}

enum c2c_lang c2c_lang_current(void) { return current; }
void c2c_lang_use(enum c2c_lang lang) { current = lang; }

size_t c2c_msg_count(void) { return NMSG; }

void c2c_msg_entry(size_t i, const char **en, const char **ja)
{
	*en = i < NMSG ? catalogue[i].en : NULL;
	*ja = i < NMSG ? catalogue[i].ja : NULL;
}

size_t c2c_msg_rejected(void)
{
	pthread_once(&built, build);
	return rejected;
}

const char *c2c_lang_tag(enum c2c_lang lang) { return lang == C2C_LANG_JA ? "ja" : "en"; }

int c2c_lang_from_tag(const char *tag, enum c2c_lang *out)
{
	size_t n = strcspn(tag, "-_");
	if (n != 2 || (tag[2] && !tag[3]))
		return -1;
	if (!strncasecmp(tag, "ja", 2))
		*out = C2C_LANG_JA;
	else if (!strncasecmp(tag, "en", 2))
		*out = C2C_LANG_EN;
	else
		return -1;
	return 0;
}

/* RFC 9110 12.5.4: "ja-JP,ja;q=0.9,en;q=0.8".  A q-value is read as
 * thousandths (it has at most three decimals), so no floating point. */
static int qvalue(const char *p, const char *end)
{
	int q = 1000, scale = 100;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return 1000;
	p += 2;
	if (p < end && *p == '0')
		q = 0;
	else if (p < end && *p == '1')
		return 1000;
	else
		return 0; /* malformed: ignore the range */
	p++;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9' && scale; p++, scale /= 10)
			q += (*p - '0') * scale;
	return q;
}

enum c2c_lang c2c_lang_from_accept(const char *header)
{
	int best_q = 0;
	enum c2c_lang best = C2C_LANG_EN;
	const char *p = header;
	if (!p)
		return C2C_LANG_EN;
	while (*p) {
		const char *end = p + strcspn(p, ","), *semi;
		char tag[16];
		size_t n;
		enum c2c_lang l;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi ? semi : end) - p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n < sizeof(tag)) {
			memcpy(tag, p, n);
			tag[n] = '\0';
			/* "ja-JP" and "ja" alike: the primary subtag decides */
			if (n > 2 && (tag[2] == '-' || tag[2] == '_'))
				tag[2] = '\0';
			if (!c2c_lang_from_tag(tag, &l)) {
				int q = semi ? qvalue(semi + 1, end) : 1000;
				if (q > best_q) {
					best_q = q;
					best = l;
				}
			}
		}
		p = *end ? end + 1 : end;
	}
	return best;
}

int c2c_fmt_signature(const char *fmt, char *out, size_t cap)
{
	size_t o = 0;
	if (!cap)
		return -1;
	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		char spec[16];
		size_t k = 0;
		if (*p != '%')
			continue;
		if (*++p == '%')
			continue;
		if (!*p)
			return -1;
		while (strchr("-+ #0'", *p) && *p)
			p++;
		if (*p == '*')
			spec[k++] = '*', p++;
		else
			while (*p >= '0' && *p <= '9')
				p++;
		if (*p == '$')
			return -1; /* positional: the order is the order */
		if (*p == '.') {
			p++;
			if (*p == '*')
				spec[k++] = '.', spec[k++] = '*', p++;
			else
				while (*p >= '0' && *p <= '9')
					p++;
		}
		while (strchr("hlLzjt", *p) && *p && k < 8)
			spec[k++] = *p++;
		if (!*p || !strchr("diouxXeEfFgGaAcsp", *p))
			return -1;
		/* %i is %d, %X is %x: the same argument type */
		spec[k++] = *p == 'i' ? 'd' : (*p == 'X' || *p == 'o') ? 'x' : *p;
		if (o + k + 2 > cap)
			return -1;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, spec, k);
		o += k;
		out[o] = '\0';
	}
	return 0;
}
