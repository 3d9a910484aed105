/*
 * err.h - the one error type of c2c.
 *
 * Every library function returns 0 or a negative C2C_E* code and fills a
 * struct c2c_err the caller owns (PostgreSQL's errmsg/errdetail/errhint, in a
 * struct).  Only cli/ turns an error into an exit status, through the table in
 * err.c, and the HTTP layer will turn the same codes into HTTP statuses.
 */
#ifndef C2C_CORE_ERR_H
#define C2C_CORE_ERR_H

#include <stddef.h>

enum c2c_code {
	C2C_OK = 0,
	C2C_EUSAGE = -1,     /* bad command line */
	C2C_EINPUT = -2,     /* bad input data (a file, a field, a query) */
	C2C_ENOTFOUND = -3,  /* the thing asked for does not exist */
	C2C_ECONFLICT = -4,  /* it exists already, or would break an invariant */
	C2C_EIO = -5,        /* reading or writing a file failed */
	C2C_EDB = -6,        /* the database refused or is damaged */
	C2C_ENOMEM = -7,     /* out of memory */
	C2C_EINTERNAL = -8,  /* a bug: should never happen */
	C2C_ERETRY = -9,     /* a concurrent transaction won; running it again may succeed */
	C2C_ELIMIT = -10,    /* too many attempts (log-in); wait before trying again */
	C2C_EAUTH = -11,     /* who is asking is not known: log in first */
	C2C_EFORBIDDEN = -12, /* known, but this role or scope may not do it */
	C2C_EUNAVAIL = -13,  /* the database server cannot be reached now; try again shortly */
};

struct c2c_err {
	int code;
	char msg[512];    /* what went wrong, one line, names the place */
	char detail[512]; /* optional: more about it */
	char hint[256];   /* optional: what the user can do */
	/* optional: the one input the error is about, in the domain's own
	 * words (`period_start`, `quantity`), as PostgreSQL names the column of
	 * a constraint.  The message then does not name the input itself: the
	 * CLI puts its flag before it ("--from: ..."), the API returns it, the
	 * page shows the message beside that field. */
	char field[64];
	/* The same three in Japanese, formatted when the message is set from
	 * the catalogue's Japanese of its format (core/lang.h); "" when the
	 * catalogue has none, and the English stands (c2c_err_text). */
	char msg_ja[512];
	char detail_ja[512];
	char hint_ja[256];
};

/* Set code and message (printf-style); clears detail and hint.  Returns code. */
int c2c_err_set(struct c2c_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void c2c_err_detail(struct c2c_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void c2c_err_hint(struct c2c_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The detail as two texts made already (a list of a file's bad rows, each
 * line an error's message in that language); `ja` may be NULL. */
void c2c_err_detail_texts(struct c2c_err *err, const char *en, const char *ja);
/* Put "prefix: " before the message already there (adds context on the way up). */
void c2c_err_prefix(struct c2c_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void c2c_err_clear(struct c2c_err *err);
/* c2c_err_set about one input: the same, and `field` names it. */
int c2c_err_at(struct c2c_err *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Name the input of the error already set (keeps message, detail, hint). */
void c2c_err_field(struct c2c_err *err, const char *field);

/* Copy an error whole (both languages), e.g. one a callee filled into the
 * caller's. */
void c2c_err_copy(struct c2c_err *dst, const struct c2c_err *src);

/* The message, detail or hint in `lang` (enum c2c_lang of core/lang.h:
 * 0 English, 1 Japanese), the English where there is no Japanese. */
const char *c2c_err_msg_in(const struct c2c_err *err, int lang);
const char *c2c_err_detail_in(const struct c2c_err *err, int lang);
const char *c2c_err_hint_in(const struct c2c_err *err, int lang);

/* The table: code -> short name ("input"), exit status, HTTP status. */
const char *c2c_err_name(int code);
int c2c_err_exit_status(int code);
int c2c_err_http_status(int code);

#endif
