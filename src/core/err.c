/*
 * err.c - filling struct c2c_err, and the single table that maps an error
 * code to its name, its process exit status and its HTTP status.
 */
#include "err.h"
#include "lang.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int code;
	const char *name;
	int exit_status;
	int http_status;
} err_table[] = {
	{C2C_OK, "ok", 0, 200},
	{C2C_EUSAGE, "usage", 2, 400},
	{C2C_EINPUT, "input", 3, 422},
	{C2C_ENOTFOUND, "not_found", 4, 404},
	{C2C_ECONFLICT, "conflict", 5, 409},
	{C2C_EIO, "io", 6, 500},
	{C2C_EDB, "database", 7, 500},
	{C2C_ENOMEM, "no_memory", 8, 503},
	{C2C_ERETRY, "retry", 5, 409},
	{C2C_ELIMIT, "rate_limited", 10, 429},
	{C2C_EAUTH, "unauthorized", 11, 401},
	{C2C_EFORBIDDEN, "forbidden", 12, 403},
	{C2C_EUNAVAIL, "unavailable", 13, 503},
	{C2C_EINTERNAL, "internal", 9, 500}, /* last: unknown codes map here */
};

static size_t err_find(int code)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return i;
	return sizeof(err_table) / sizeof(err_table[0]) - 1; /* internal */
}

const char *c2c_err_name(int code) { return err_table[err_find(code)].name; }
int c2c_err_exit_status(int code) { return err_table[err_find(code)].exit_status; }
int c2c_err_http_status(int code) { return err_table[err_find(code)].http_status; }

void c2c_err_clear(struct c2c_err *err)
{
	err->code = 0;
	err->msg[0] = err->detail[0] = err->hint[0] = err->field[0] = '\0';
	err->msg_ja[0] = err->detail_ja[0] = err->hint_ja[0] = '\0';
}

void c2c_err_copy(struct c2c_err *dst, const struct c2c_err *src)
{
	if (dst && src && dst != src)
		memcpy(dst, src, sizeof(*dst));
}

void c2c_err_field(struct c2c_err *err, const char *field)
{
	if (err)
		snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
}

const char *c2c_err_msg_in(const struct c2c_err *err, int lang)
{
	return lang == C2C_LANG_JA && err->msg_ja[0] ? err->msg_ja : err->msg;
}

const char *c2c_err_detail_in(const struct c2c_err *err, int lang)
{
	return lang == C2C_LANG_JA && err->detail_ja[0] ? err->detail_ja : err->detail;
}

const char *c2c_err_hint_in(const struct c2c_err *err, int lang)
{
	return lang == C2C_LANG_JA && err->hint_ja[0] ? err->hint_ja : err->hint;
}

/* English into en, and the Japanese of fmt (if the catalogue has it) into
 * ja, else "" there.  The format is a literal of the caller's, checked by
 * the compiler; the Japanese has the same conversions (lang.c checks). */
static void both(char *en, size_t en_cap, char *ja, size_t ja_cap, const char *fmt, va_list ap)
{
	const char *jf = c2c_msg_ja(fmt);
	va_list aq;
	va_copy(aq, ap);
	vsnprintf(en, en_cap, fmt, ap);
	if (jf)
		vsnprintf(ja, ja_cap, jf, aq);
	else
		ja[0] = '\0';
	va_end(aq);
}

static void err_vset(struct c2c_err *err, int code, const char *fmt, va_list ap)
{
	c2c_err_clear(err);
	err->code = code;
	both(err->msg, sizeof(err->msg), err->msg_ja, sizeof(err->msg_ja), fmt, ap);
}

int c2c_err_set(struct c2c_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int c2c_err_at(struct c2c_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, fmt, ap);
	va_end(ap);
	c2c_err_field(err, field);
	return code;
}

void c2c_err_detail(struct c2c_err *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	va_start(ap, fmt);
	both(err->detail, sizeof(err->detail), err->detail_ja, sizeof(err->detail_ja), fmt, ap);
	va_end(ap);
}

void c2c_err_detail_texts(struct c2c_err *err, const char *en, const char *ja)
{
	if (!err)
		return;
	snprintf(err->detail, sizeof(err->detail), "%s", en ? en : "");
	snprintf(err->detail_ja, sizeof(err->detail_ja), "%s", ja && strcmp(ja, en ? en : "") ? ja : "");
}

void c2c_err_hint(struct c2c_err *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	va_start(ap, fmt);
	both(err->hint, sizeof(err->hint), err->hint_ja, sizeof(err->hint_ja), fmt, ap);
	va_end(ap);
}

/* The Japanese gets "prefix：message" when either part has Japanese (the
 * other part then stands in English: better half than none); when neither
 * has, it stays "" and the English is the message in both languages. */
void c2c_err_prefix(struct c2c_err *err, const char *fmt, ...)
{
	char pre[256], pre_ja[256], old[sizeof(err->msg)];
	va_list ap;
	if (!err)
		return;
	va_start(ap, fmt);
	both(pre, sizeof(pre), pre_ja, sizeof(pre_ja), fmt, ap);
	va_end(ap);
	if (pre_ja[0] || err->msg_ja[0]) {
		memcpy(old, err->msg_ja[0] ? err->msg_ja : err->msg, sizeof(old));
		snprintf(err->msg_ja, sizeof(err->msg_ja), "%.200s%s%.300s", pre_ja[0] ? pre_ja : pre,
			 pre_ja[0] ? "：" : ": ", old);
	}
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%.200s: %.300s", pre, old);
}
