/*
 * util.c - the small things the auth files share: the clock, random tokens,
 * SHA-256, reading a user row.
 */
#include "auth.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

static int64_t system_now(void)
{
	return (int64_t)time(NULL);
}

int64_t (*auth_now)(void) = system_now;

void auth_random_token(char *out, size_t len)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, len, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int auth_sodium_ready(struct c2c_err *err)
{
	if (sodium_init() < 0)
		return c2c_err_set(err, C2C_EINTERNAL, "libsodium could not be initialised");
	return 0;
}

void auth_sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int auth_user_from_row(struct store_stmt *s, int first, struct auth_user *u, int *disabled,
		       struct c2c_err *err)
{
	memset(u, 0, sizeof(*u));
	u->id = store_col_int(s, first);
	snprintf(u->name, sizeof(u->name), "%s", store_col_text(s, first + 1));
	/* the CHECK constraint keeps other values out: one here is damage */
	if (auth_role_parse(store_col_text(s, first + 2), &u->role) || u->role == AUTH_PUBLIC)
		return c2c_err_set(err, C2C_EDB, "user '%s' has role '%s', which is not a stored role", u->name,
				   store_col_text(s, first + 2));
	snprintf(u->scope, sizeof(u->scope), "%s", store_col_text(s, first + 3));
	if (disabled)
		*disabled = store_col_int(s, first + 4) != 0;
	return 0;
}

