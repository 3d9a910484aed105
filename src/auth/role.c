/*
 * role.c - what needs no database: role names, whether a scope covers a
 * record, and the rules for user names and passwords.
 */
#include "auth.h"
#include "internal.h"

#include <string.h>

#include "core/utf8.h"

static const char *const role_names[] = {
	[AUTH_PUBLIC] = "public",
	[AUTH_ADMIN] = "admin",
	[AUTH_OFFICE] = "office",
	[AUTH_MUNICIPALITY] = "municipality",
	[AUTH_PARTNER] = "partner",
	[AUTH_PARTICIPANT] = "participant",
	[AUTH_VERIFIER] = "verifier",
	[AUTH_REGISTRAR] = "registrar",
	[AUTH_REVIEWER] = "reviewer",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *auth_role_name(enum auth_role r)
{
	return (unsigned)r < NROLES ? role_names[r] : "unknown";
}

int auth_role_parse(const char *s, enum auth_role *r)
{
	for (size_t i = 0; s && i < NROLES; i++)
		if (!strcmp(s, role_names[i])) {
			*r = (enum auth_role)i;
			return 0;
		}
	return C2C_EUSAGE;
}

int auth_role_parse_err(const char *s, enum auth_role *r, struct c2c_err *err)
{
	if (!auth_role_parse(s, r))
		return 0;
	return c2c_err_at(err, C2C_EUSAGE, "role", "role '%s' is not known (use %s)", s ? s : "", AUTH_ROLES_VALID);
}

int auth_list_has(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p = list;
	if (!n)
		return 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !memcmp(p, id, n))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

int auth_in_scope(const struct auth_user *u, const char *kind, const char *id)
{
	if (!u || !kind || !id || !*id)
		return 0;
	switch (u->role) {
	case AUTH_ADMIN:
	case AUTH_OFFICE:
	case AUTH_VERIFIER:
		return 1;
	case AUTH_MUNICIPALITY:
	case AUTH_PARTNER:
		return !strcmp(kind, "place") && u->scope[0] && !strcmp(u->scope, id);
	case AUTH_REGISTRAR:
		return !strcmp(kind, "country") && u->scope[0] && !strcmp(u->scope, id);
	case AUTH_PARTICIPANT: {
		/* items say their kind: project:KH003 covers no account named KH003 */
		char typed[300];
		if (strcmp(kind, "project") && strcmp(kind, "account"))
			return 0;
		if (snprintf(typed, sizeof(typed), "%s:%s", kind, id) >= (int)sizeof(typed))
			return 0;
		return auth_list_has(u->scope, typed);
	}
	case AUTH_REVIEWER:
		return !strcmp(kind, "reviewer") && u->scope[0] && !strcmp(u->scope, id);
	case AUTH_PUBLIC:
	default:
		return 0;
	}
}

int auth_role_scoped(enum auth_role r)
{
	return r == AUTH_MUNICIPALITY || r == AUTH_PARTNER || r == AUTH_PARTICIPANT || r == AUTH_REGISTRAR ||
	       r == AUTH_REVIEWER;
}

int auth_name_check(const char *name, struct c2c_err *err)
{
	size_t n = name ? strlen(name) : 0;
	if (!n)
		return c2c_err_at(err, C2C_EINPUT, "name", "user name is empty");
	if (n > AUTH_NAME_MAX)
		return c2c_err_at(err, C2C_EINPUT, "name", "user name '%.70s...' is longer than %d characters", name,
				   AUTH_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (i == 0 && !alnum) {
			c2c_err_at(err, C2C_EINPUT, "name", "user name '%s' must start with a-z or 0-9", name);
			return C2C_EINPUT;
		}
		if (!alnum && c != '.' && c != '_' && c != '-') {
			c2c_err_at(err, C2C_EINPUT, "name", "user name '%s' has a character other than a-z 0-9 . _ -",
				    name);
			c2c_err_hint(err, "user names are lower case, e.g. toyama.ota");
			return C2C_EINPUT;
		}
	}
	return 0;
}

int auth_password_check(const char *password, struct c2c_err *err)
{
	size_t n = password ? strlen(password) : 0, chars;
	if (n > AUTH_PASSWORD_MAX)
		return c2c_err_at(err, C2C_EINPUT, "password", "password is longer than %d bytes", AUTH_PASSWORD_MAX);
	if (utf8_invalid_at(password ? password : "", n) != (size_t)-1)
		return c2c_err_at(err, C2C_EINPUT, "password", "password is not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
			return c2c_err_at(err, C2C_EINPUT, "password", "password has a control character (byte %zu)", i + 1);
	chars = n ? utf8_chars(password) : 0;
	if (chars < AUTH_PASSWORD_MIN) {
		c2c_err_at(err, C2C_EINPUT, "password", "password is too short: %zu characters, at least %d needed", chars,
			    AUTH_PASSWORD_MIN);
		c2c_err_hint(err, "a few unrelated words make a long password that is easy to type");
		return C2C_EINPUT;
	}
	return 0;
}

int auth_label_check(const char *label, struct c2c_err *err)
{
	size_t n = label ? strlen(label) : 0;
	if (!n || n > AUTH_NAME_MAX)
		return c2c_err_at(err, C2C_EINPUT, "label", "token label must be 1 to %d characters", AUTH_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = label[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return c2c_err_at(err, C2C_EINPUT, "label",
					   "token label '%s' has a character other than A-Z a-z 0-9 . _ -", label);
	}
	return 0;
}
