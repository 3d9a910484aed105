/*
 * internal.h - what the files of src/auth share and nobody else needs.
 */
#ifndef C2C_AUTH_INTERNAL_H
#define C2C_AUTH_INTERNAL_H

#include <stddef.h>

#include "auth.h"

/* 1 for the roles that must carry a scope. */
int auth_role_scoped(enum auth_role r);
/* 1 when id is one item of the comma-separated list, exactly. */
int auth_list_has(const char *list, const char *id);
/* Migration 2's upgrade: every participant's untyped scope item becomes
 * project:ID when the database knows ID as a project, else account:ID. */
int auth_scope_upgrade(struct store *st, struct c2c_err *err);
/* API token labels: [A-Za-z0-9._-]{1,63}. */
int auth_label_check(const char *label, struct c2c_err *err);

/* 32 random bytes as base64url without padding (43 characters) into out. */
void auth_random_token(char *out, size_t len);
/* sodium_init, once per process in effect; C2C_EINTERNAL when it fails. */
int auth_sodium_ready(struct c2c_err *err);
/* SHA-256 of the string, as 64 lower-case hex digits. */
void auth_sha256_hex(const char *s, char out[65]);

/* The columns every user lookup selects, in this order, and their reading. */
#define AUTH_USER_COLS "u.\"id\", u.\"name\", u.\"role\", u.\"scope\", u.\"disabled\""
int auth_user_from_row(struct store_stmt *s, int first, struct auth_user *u, int *disabled,
		       struct c2c_err *err);

#endif
