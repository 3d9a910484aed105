/*
 * strlist.h - membership in a list held as one string, items separated by
 * one character ("a|b|c", "x,y").  Enum values of the import tables, the
 * JSON columns of a query and the reference numbers of a methodology are
 * all kept this way; each module once had its own copy of this loop.
 */
#ifndef C2C_CORE_STRLIST_H
#define C2C_CORE_STRLIST_H

#include <stddef.h>
#include <string.h>

/* 1 when the first n bytes of `item` are one whole item of `list` (which
 * may be NULL: the empty list), 0 otherwise. */
static inline int strlist_has(const char *list, char sep, const char *item, size_t n)
{
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, item, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

#endif
