/*
 * cmd_user.c - `c2c user SUBCOMMAND`: the users of the web side, their
 * roles and scopes, passwords and API tokens (src/auth).  This is how the
 * first admin comes to exist.  A password is never an argument (argv shows
 * in ps and in shell history): it is read from standard input, the first
 * line, when that is not a terminal, else asked twice without echo.
 */
#include "subcmd.h"
#include "auth/auth.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#define PW_BUF (AUTH_PASSWORD_MAX + 3) /* the password, "\r\n", NUL */

/* ---- reading a password ------------------------------------------------------------------ */

static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

static void restore_tty(int sig)
{
	if (tty_changed)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from fp into buf without its line end; C2C_EINPUT when there is
 * none or it is longer than a password may be. */
static int read_line(FILE *fp, char *buf, size_t len, const char *from, struct c2c_err *err)
{
	size_t n;
	if (!fgets(buf, (int)len, fp)) {
		buf[0] = '\0';
		return c2c_err_set(err, C2C_EINPUT, "no password on %s", from);
	}
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(fp))
		return c2c_err_set(err, C2C_EINPUT, "the password on %s is longer than %d bytes", from,
				   AUTH_PASSWORD_MAX);
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int prompt_silent(const char *prompt, char *buf, size_t len, struct c2c_err *err)
{
	struct termios quiet;
	struct sigaction sa, old_int, old_term;
	int rc;

	if (tcgetattr(STDIN_FILENO, &saved_tty))
		return c2c_err_set(err, C2C_EIO, "cannot read the terminal's settings: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tty_changed = 1;
	/* echo off before the prompt shows: what is typed after it is neither
	 * echoed nor flushed away */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)) {
		tty_changed = 0;
		rc = c2c_err_set(err, C2C_EIO, "cannot turn off the terminal's echo: %s", strerror(errno));
	} else {
		fputs(prompt, stderr);
		fflush(stderr);
		rc = read_line(stdin, buf, len, "the terminal", err);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_changed = 0;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

/* The new password of `name` into pw[PW_BUF]. */
static int read_password(const char *name, char *pw, struct c2c_err *err)
{
	char again[PW_BUF], prompt[128];
	int rc;

	if (!isatty(STDIN_FILENO))
		return read_line(stdin, pw, PW_BUF, "standard input (the first line is read)", err);
	snprintf(prompt, sizeof(prompt), "New password for %s: ", name);
	if ((rc = prompt_silent(prompt, pw, PW_BUF, err)))
		return rc;
	/* say what is wrong before asking again */
	if ((rc = auth_password_check(pw, err)))
		return rc;
	if ((rc = prompt_silent("The same again: ", again, sizeof(again), err)) == 0 && strcmp(pw, again))
		rc = c2c_err_set(err, C2C_EINPUT, "the two passwords differ; nothing was changed");
	sodium_memzero(again, sizeof(again));
	return rc;
}

/* ---- subcommands -------------------------------------------------------------------------- */

static int one_name(struct cli_run *o, const char *what, struct c2c_err *err)
{
	if (o->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "user %s: give one user NAME", what);
	return 0;
}

static int role_opts(struct cli_run *o, enum auth_role *role, struct c2c_err *err)
{
	const char *r = cli_opt(&o->a, "role");
	if (!r)
		return c2c_err_set(err, C2C_EUSAGE, "--role is required (%s)", AUTH_ROLES_VALID);
	return auth_role_parse_err(r, role, err);
}

static void say_scope(const char *verb, const char *name, enum auth_role role, const char *scope)
{
	if (scope && *scope)
		printf("user '%s' %s: role %s, scope %s\n", name, verb, auth_role_name(role), scope);
	else
		printf("user '%s' %s: role %s\n", name, verb, auth_role_name(role));
}

static int sub_add(struct cli_run *o, struct c2c_err *err)
{
	const char *name, *scope = cli_opt(&o->a, "scope");
	enum auth_role role;
	struct auth_user u;
	char pw[PW_BUF];
	int rc;

	if ((rc = one_name(o, "add", err)) || (rc = role_opts(o, &role, err)))
		return rc;
	name = o->a.pos[0];
	/* the checks that need no password come before the prompt */
	if ((rc = auth_user_add_check(o->st, name, role, scope, err)))
		return rc;
	if ((rc = read_password(name, pw, err)) == 0)
		rc = auth_user_add(o->st, name, role, scope, pw, err);
	sodium_memzero(pw, sizeof(pw));
	if (rc)
		return rc;
	if ((rc = auth_user_get(o->st, name, &u, NULL, err)))
		return rc;
	say_scope("added", name, u.role, u.scope);
	return 0;
}

static int sub_list(struct cli_run *o, struct c2c_err *err)
{
	static const char *const cols[] = {"name", "role", "scope", "disabled", "sessions", "tokens", "created_at",
					   NULL};
	json_t *rows;
	int rc;
	if (o->a.npos != 0)
		return c2c_err_set(err, C2C_EUSAGE, "user list: unexpected argument '%s'", o->a.pos[0]);
	if (!(rows = auth_user_list_json(o->st, err)))
		return err->code ? err->code : C2C_EINTERNAL;
	rc = cli_print_rows(rows, o->fmt, o->fmt == FMT_JSON ? NULL : cols);
	json_decref(rows);
	return rc;
}

static int sub_passwd(struct cli_run *o, struct c2c_err *err)
{
	struct auth_user u;
	char pw[PW_BUF];
	int rc;
	if ((rc = one_name(o, "passwd", err)))
		return rc;
	/* an unknown user is said before a password is asked for */
	if ((rc = auth_user_get(o->st, o->a.pos[0], &u, NULL, err)))
		return rc;
	if ((rc = read_password(o->a.pos[0], pw, err)) == 0)
		rc = auth_user_passwd(o->st, o->a.pos[0], pw, err);
	sodium_memzero(pw, sizeof(pw));
	if (rc)
		return rc;
	printf("user '%s': password changed, sessions ended\n", o->a.pos[0]);
	return 0;
}

static int sub_role(struct cli_run *o, struct c2c_err *err)
{
	enum auth_role role;
	struct auth_user u;
	int rc;
	if ((rc = one_name(o, "role", err)) || (rc = role_opts(o, &role, err)) ||
	    (rc = auth_user_role(o->st, o->a.pos[0], role, cli_opt(&o->a, "scope"), err)) ||
	    (rc = auth_user_get(o->st, o->a.pos[0], &u, NULL, err)))
		return rc;
	say_scope("changed", u.name, u.role, u.scope);
	return 0;
}

static int sub_disable(struct cli_run *o, struct c2c_err *err)
{
	int rc;
	if ((rc = one_name(o, "disable", err)) || (rc = auth_user_disable(o->st, o->a.pos[0], err)))
		return rc;
	printf("user '%s' disabled: sessions ended, tokens revoked\n", o->a.pos[0]);
	return 0;
}

static int sub_enable(struct cli_run *o, struct c2c_err *err)
{
	int rc;
	if ((rc = one_name(o, "enable", err)) || (rc = auth_user_enable(o->st, o->a.pos[0], err)))
		return rc;
	printf("user '%s' enabled\n", o->a.pos[0]);
	return 0;
}

static int sub_unlock(struct cli_run *o, struct c2c_err *err)
{
	long long n;
	int rc;
	if ((rc = one_name(o, "unlock", err)) || (rc = auth_unlock(o->st, o->a.pos[0], &n, err)))
		return rc;
	printf("user '%s' unlocked: %lld failed log-in%s forgotten\n", o->a.pos[0], n, n == 1 ? "" : "s");
	return 0;
}

static int sub_token(struct cli_run *o, struct c2c_err *err)
{
	const char *label = cli_opt(&o->a, "label");
	char token[96];
	int rc;

	if (o->a.npos != 2 || (strcmp(o->a.pos[0], "add") && strcmp(o->a.pos[0], "revoke")))
		return c2c_err_set(err, C2C_EUSAGE, "user token: give add or revoke, then the user NAME");
	if (!label)
		return c2c_err_set(err, C2C_EUSAGE, "--label is required: the name the token is revoked by");
	if (!strcmp(o->a.pos[0], "revoke")) {
		if ((rc = auth_token_revoke(o->st, o->a.pos[1], label, err)))
			return rc;
		printf("token '%s' of user '%s' revoked\n", label, o->a.pos[1]);
		return 0;
	}
	if ((rc = auth_token_create(o->st, o->a.pos[1], label, token, err)))
		return rc;
	/* the token alone on stdout, for `TOKEN=$(c2c user token add ...)` */
	puts(token);
	sodium_memzero(token, sizeof(token));
	fprintf(stderr, "token '%s' of user '%s': shown this once, only its hash is kept\n", label, o->a.pos[1]);
	return 0;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static const char *const o_role[] = {"role", "scope", NULL};
static const char *const o_fmt[] = {"format", NULL};
static const char *const o_label[] = {"label", NULL};

static const struct cli_sub subs[] = {
	{"add", sub_add, o_role, NULL, 0, 0, "c2c user add NAME --role ROLE [--scope S]   (password: stdin's first line, or asked)", NULL},
	{"list", sub_list, o_fmt, NULL, 0, 0, "c2c user list [--format table|json]", NULL},
	{"passwd", sub_passwd, NULL, NULL, 0, 0, "c2c user passwd NAME   (ends the user's sessions)", NULL},
	{"role", sub_role, o_role, NULL, 0, 0, "c2c user role NAME --role ROLE [--scope S]", NULL},
	{"disable", sub_disable, NULL, NULL, 0, 0, "c2c user disable NAME   (ends sessions, revokes tokens)", NULL},
	{"enable", sub_enable, NULL, NULL, 0, 0, "c2c user enable NAME", NULL},
	{"unlock", sub_unlock, NULL, NULL, 0, 0, "c2c user unlock NAME   (lifts its log-in locks, from every address)", NULL},
	{"token", sub_token, o_label, NULL, 0, 0, "c2c user token add NAME --label L   (prints the token once)\n"
				      "       c2c user token revoke NAME --label L", NULL},
};

static const char footer[] =
	"roles: " AUTH_ROLES_VALID "\n"
	"scopes: municipality: its Japanese body's place id; partner: its partner place id;\n"
	"        registrar: a country code (KH); participant: 'project:ID,account:ID,...'; others: none\n";

int cmd_user(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(subs), NULL, footer, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
