/*
 * json.h - how c2c prints JSON, in one place: the CLI's --format json and
 * the HTTP API must give the same bytes for the same data (tests/http.sh
 * compares them), so both use these flags.
 */
#ifndef C2C_CORE_JSON_H
#define C2C_CORE_JSON_H

#include <jansson.h>

/* Two-space indent, keys in the order they were set, reals with 10
 * significant digits (coordinates to 4 decimals survive; binary noise does
 * not show). */
#define C2C_JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

#endif
