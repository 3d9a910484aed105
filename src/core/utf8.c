/*
 * utf8.c - UTF-8 validation, counting and display width.
 */
#include "utf8.h"
#include "lang.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

size_t utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len) /* truncated sequence */
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return i;
		i += n + 1;
	}
	return (size_t)-1;
}

unsigned utf8_next(const char **str)
{
	const unsigned char *s = (const unsigned char *)*str;
	unsigned c = s[0], cp;
	int n;

	if (c < 0x80) {
		*str += 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3;
		cp = c & 0x07;
	} else {
		*str += 1;
		return 0xFFFD;
	}
	for (int k = 1; k <= n; k++) {
		if ((s[k] & 0xC0) != 0x80) {
			*str += k;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	*str += n + 1;
	return cp;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	while (*s) {
		utf8_next(&s);
		n++;
	}
	return n;
}

/* Wide ranges after Unicode's EastAsianWidth W/F, the blocks a table of
 * Japanese and Asian place names actually meets. */
static int cp_wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t utf8_width(const char *s)
{
	size_t w = 0;
	while (*s) {
		unsigned cp = utf8_next(&s);
		if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36F))
			continue; /* control and combining marks take no column */
		w += cp_wide(cp) ? 2 : 1;
	}
	return w;
}

/* utf8_text_check in one language: the English formats, or their
 * Japanese from the catalogue (core/lang.c) when `ja` */
static int text_check(const char *s, size_t max_chars, int flags, char *why, size_t why_len, int ja)
{
	const char *p = s;
	size_t n = 0, bad = utf8_invalid_at(s, strlen(s));
#define WHY(fmt) (ja && c2c_msg_ja(fmt) ? c2c_msg_ja(fmt) : (fmt))

	if (bad != (size_t)-1) {
		snprintf(why, why_len, WHY("is not valid UTF-8 (byte %zu)"), bad + 1);
		return -1;
	}
	while (*p) {
		unsigned cp = utf8_next(&p);
		n++;
		if ((flags & UTF8_TEXT_LINES) && (cp == '\n' || cp == '\t'))
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			if (flags & UTF8_TEXT_LINES)
				snprintf(why, why_len, WHY("has a control character U+%04X at character %zu"
							   " (only newline and tab may stand in it)"), cp, n);
			else
				snprintf(why, why_len, WHY("has a control character U+%04X at character %zu"), cp, n);
			return -1;
		}
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
			snprintf(why, why_len, WHY("has a bidirectional control U+%04X at character %zu"), cp, n);
			return -1;
		}
	}
	if (max_chars && n > max_chars) {
		snprintf(why, why_len, WHY("is %zu characters, more than the %zu allowed"), n, max_chars);
		return -1;
	}
	return 0;
#undef WHY
}

int utf8_text_check(const char *s, size_t max_chars, int flags, char *why, size_t why_len)
{
	return text_check(s, max_chars, flags, why, why_len, 0);
}

int utf8_text_field(const char *s, size_t max_chars, int flags, const char *field, const char *what,
		    struct c2c_err *err)
{
	char why[120], why_ja[240];
	const char *what_ja;
	if (!s || !text_check(s, max_chars, flags, why, sizeof(why), 0))
		return 0;
	c2c_err_at(err, C2C_EINPUT, field, "%s %s", what, why);
	/* "the holder name has ..." is "名義に…があります": the subject and
	 * the reason each from the catalogue, joined without a space */
	if (err && (what_ja = c2c_msg_ja(what))) {
		text_check(s, max_chars, flags, why_ja, sizeof(why_ja), 1);
		snprintf(err->msg_ja, sizeof(err->msg_ja), "%s%s", what_ja, why_ja);
	}
	return C2C_EINPUT;
}
