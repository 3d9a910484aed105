/*
 * fold.c - the text the search compares: what a person types and what the
 * atlas holds, brought to one spelling (issue 20: "Danang", "Đà Nẵng" and
 * half-width "ﾀﾞﾅﾝ" must find Da Nang, "Male" Malé, full-width ＴＯＹＡＭＡ
 * Toyama).  search.c folds the index and the query with the same function.
 *
 * The steps, with ICU's normalizers (libicu, Debian), not tables of our own:
 *   1. NFKC_Casefold: width (ﾀﾞﾅﾝ → ダナン, ＴＯＹＡＭＡ → toyama),
 *      compatibility forms (㈱ → (株)), case (Đ → đ, ß → ss);
 *   2. NFD, then the combining marks of Latin, Greek and Cyrillic letters
 *      are dropped (U+0300–036F and their extension blocks): é → e, ẵ → a;
 *      the kana voicing marks (U+3099, U+309A) are kept, so ダ is not タ;
 *   3. the few letters that carry their mark inside them and so have no
 *      decomposition (đ, ł, ø, æ, œ, ħ, ı, þ, ŋ) are written as their
 *      base letters; this short list is the only table here;
 *   4. white space inside a line is dropped ("Da Nang" and "Danang" are one
 *      name), line breaks are kept (the index's field separators);
 *   5. NFC, so ダ is one code point again, as the query's is.
 */
#include "atlas.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* Combining marks of the scripts whose letters are spelt without them in
 * practice (Latin, Greek, Cyrillic); not the kana voicing marks. */
static int dropped_mark(UChar32 c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	       (c >= 0xFE20 && c <= 0xFE2F);
}

/* Step 3: letters with a built-in mark, after case folding. */
static const char *base_letters(UChar32 c)
{
	switch (c) {
	case 0x0111: return "d";  /* đ (Vietnamese: Đà Nẵng) */
	case 0x0142: return "l";  /* ł */
	case 0x00F8: return "o";  /* ø */
	case 0x00E6: return "ae"; /* æ */
	case 0x0153: return "oe"; /* œ */
	case 0x0127: return "h";  /* ħ */
	case 0x0131: return "i";  /* ı */
	case 0x00FE: return "th"; /* þ */
	case 0x014B: return "n";  /* ŋ */
	default: return NULL;
	}
}

/* src (n units) through one normalizer into a new buffer; *out_n its length. */
static UChar *normalize(const UNormalizer2 *nz, const UChar *src, int32_t n, int32_t *out_n)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t cap = n * 3 + 16, len;
	UChar *dst = malloc((size_t)cap * sizeof(UChar));
	if (!dst)
		return NULL;
	len = unorm2_normalize(nz, src, n, dst, cap, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR) {
		UChar *bigger = realloc(dst, (size_t)(len + 1) * sizeof(UChar));
		if (!bigger) {
			free(dst);
			return NULL;
		}
		dst = bigger;
		e = U_ZERO_ERROR;
		len = unorm2_normalize(nz, src, n, dst, len + 1, &e);
	}
	if (U_FAILURE(e)) {
		free(dst);
		return NULL;
	}
	*out_n = len;
	return dst;
}

int atlas_search_fold(const char *in, struct strbuf *out, struct c2c_err *err)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&e);
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	UChar *u16 = NULL, *a = NULL, *b = NULL, *c = NULL;
	int32_t n = 0, na = 0, nb = 0, nc = 0, k = 0, len = (int32_t)strlen(in);
	char *u8 = NULL;
	int rc = -1;

	if (U_FAILURE(e))
		return c2c_err_set(err, C2C_EINTERNAL, "search: ICU has no normalizer: %s", u_errorName(e));
	/* UTF-8 to UTF-16: at most one unit per byte */
	if (!(u16 = malloc(((size_t)len + 1) * sizeof(UChar))))
		goto nomem;
	u_strFromUTF8WithSub(u16, len + 1, &n, in, len, 0xFFFD, NULL, &e);
	if (U_FAILURE(e))
		goto bad;
	if (!(a = normalize(nfkc_cf, u16, n, &na)) || !(b = normalize(nfd, a, na, &nb)))
		goto nomem;
	/* steps 2-4 into c: never longer than b, but for a letter that becomes two */
	if (!(c = malloc(((size_t)nb * 2 + 1) * sizeof(UChar))))
		goto nomem;
	for (int32_t i = 0; i < nb;) {
		UChar32 ch;
		const char *base;
		U16_NEXT(b, i, nb, ch);
		if (dropped_mark(ch) || (ch != '\n' && u_isUWhiteSpace(ch)))
			continue;
		if ((base = base_letters(ch))) {
			for (; *base; base++)
				c[nc++] = (UChar)*base;
			continue;
		}
		U16_APPEND_UNSAFE(c, nc, ch);
	}
	free(a);
	if (!(a = normalize(nfc, c, nc, &na)))
		goto nomem;
	/* UTF-16 to UTF-8: at most three bytes per unit */
	if (!(u8 = malloc((size_t)na * 3 + 1)))
		goto nomem;
	u_strToUTF8(u8, na * 3 + 1, &k, a, na, &e);
	if (U_FAILURE(e))
		goto bad;
	rc = strbuf_add(out, u8, (size_t)k) ? c2c_err_set(err, C2C_ENOMEM, "search: out of memory") : 0;
	goto done;
nomem:
	rc = c2c_err_set(err, C2C_ENOMEM, "search: out of memory folding the text");
	goto done;
bad:
	rc = c2c_err_set(err, C2C_EINTERNAL, "search: the text could not be folded: %s", u_errorName(e));
done:
	free(u16);
	free(a);
	free(b);
	free(c);
	free(u8);
	return rc;
}
