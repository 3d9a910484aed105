/*
 * example.c - `c2c init --example`: a newcomer's database where every role's
 * pages have something to show - one user per role, an open call with
 * scored proposals, a project selected from it, monitored, verified, its
 * credits issued, allocated, moved and part retired, a partner city's
 * inventory and scenario.
 *
 * Why a script of c2c commands (data/example/script.txt, embedded in the
 * binary) run through the command table, not C calls of its own: the
 * example then goes through exactly the checks a user's commands do, stays
 * right when a command changes, and can be read, and tried by hand, by
 * someone who does not read C.  The commands' own output is not printed;
 * the passwords of the users are, once, at the end.
 */
#include "cli.h"
#include "mrv/mrv.h"
#include "registry/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/date.h"

#define EXAMPLE_ARGS 64

struct example_ctx {
	char fy[16], year[16], last[16], open_from[40], open_to[40];
	char dir[4096];        /* where the embedded files are written: kept, since a
				* report names its monitoring file and a verifier
				* recomputes from it */
	struct strbuf out;     /* what is printed at the end: the users' passwords */
};

static const struct cli_builtin_file *example_file(const char *name)
{
	for (size_t i = 0; i < cli_builtin_nfiles; i++)
		if (!strcmp(cli_builtin_files[i].name, name))
			return &cli_builtin_files[i];
	return NULL;
}

static int write_file(const char *path, const char *data, size_t len, struct c2c_err *err)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp))
		return c2c_err_set(err, C2C_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

/* Text with ${FY}, ${YEAR}, ${LAST}, ${OPEN_FROM}, ${OPEN_TO} and ${FILE:name}
 * filled in; a ${FILE:name} is written to x->dir once. */
static int expand(struct example_ctx *x, const char *s, size_t len, struct strbuf *out, struct c2c_err *err)
{
	const char *end = s + len;
	while (s < end) {
		const char *d = memchr(s, '$', (size_t)(end - s)), *close;
		char key[64];
		if (!d || d + 1 >= end || d[1] != '{' || !(close = memchr(d, '}', (size_t)(end - d)))) {
			strbuf_add(out, s, (size_t)(end - s));
			break;
		}
		strbuf_add(out, s, (size_t)(d - s));
		snprintf(key, sizeof(key), "%.*s", (int)(close - d - 2), d + 2);
		if (!strcmp(key, "FY")) {
			strbuf_addstr(out, x->fy);
		} else if (!strcmp(key, "YEAR")) {
			strbuf_addstr(out, x->year);
		} else if (!strcmp(key, "LAST")) {
			strbuf_addstr(out, x->last);
		} else if (!strcmp(key, "OPEN_FROM")) {
			strbuf_addstr(out, x->open_from);
		} else if (!strcmp(key, "OPEN_TO")) {
			strbuf_addstr(out, x->open_to);
		} else if (!strncmp(key, "FILE:", 5)) {
			const struct cli_builtin_file *f = example_file(key + 5);
			struct strbuf body;
			char path[4096 + 64];
			int rc;
			if (!f || !strcmp(key + 5, "script"))
				return c2c_err_set(err, C2C_EINTERNAL, "the example names no file '%s'", key + 5);
			snprintf(path, sizeof(path), "%s/%s", x->dir, key + 5);
			if (access(path, F_OK)) {
				strbuf_init(&body, 0);
				rc = expand(x, f->data, f->len, &body, err);
				if (!rc)
					rc = write_file(path, body.buf ? body.buf : "", body.len, err);
				strbuf_release(&body);
				if (rc)
					return rc;
			}
			strbuf_addstr(out, path);
		} else {
			return c2c_err_set(err, C2C_EINTERNAL, "the example names no value ${%s}", key);
		}
		s = close + 1;
	}
	return 0;
}

/* A line as words: split at spaces, "..." grouping (no escapes). */
static int split(char *line, char **argv, int *argc)
{
	char *p = line;
	*argc = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*argc == EXAMPLE_ARGS)
			return -1;
		if (*p == '"') {
			argv[(*argc)++] = ++p;
			while (*p && *p != '"')
				p++;
			if (!*p)
				return -1;
		} else {
			argv[(*argc)++] = p;
			while (*p && *p != ' ')
				p++;
			if (!*p)
				break;
		}
		*p++ = '\0';
	}
	argv[*argc] = NULL;
	return 0;
}

/* Run one command of the table with its output to /dev/null and, for
 * `user add`, a new password on stdin (recorded for the closing list). */
static int run_command(struct example_ctx *x, int argc, char **argv, struct c2c_err *err)
{
	const struct cli_command *cmd = cli_command_find(argv[0]);
	int saved_out, saved_err, saved_in = -1, null_fd, pipe_fd[2], rc;
	char password[24] = "";

	if (!cmd)
		return c2c_err_set(err, C2C_EINTERNAL, "no command '%s'", argv[0]);
	if (argc >= 3 && !strcmp(argv[0], "user") && !strcmp(argv[1], "add")) {
		unsigned char raw[12];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(password, sizeof(password), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if (pipe(pipe_fd))
			return c2c_err_set(err, C2C_EIO, "a pipe for the password: %s", strerror(errno));
		if (write(pipe_fd[1], password, strlen(password)) < 0 || write(pipe_fd[1], "\n", 1) < 0) {
			close(pipe_fd[0]);
			close(pipe_fd[1]);
			return c2c_err_set(err, C2C_EIO, "writing the password: %s", strerror(errno));
		}
		close(pipe_fd[1]);
		saved_in = dup(0);
		dup2(pipe_fd[0], 0);
		close(pipe_fd[0]);
		clearerr(stdin);
	}
	/* what a command prints (its result, a row count on stderr) is not the
	 * example's to say; a failure comes back in err */
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	null_fd = open("/dev/null", O_WRONLY);
	if (null_fd >= 0) {
		dup2(null_fd, 1);
		dup2(null_fd, 2);
		close(null_fd);
	}
	rc = cmd->fn(argc - 1, argv + 1, cmd, err);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	if (saved_in >= 0) {
		dup2(saved_in, 0);
		close(saved_in);
		clearerr(stdin);
	}
	if (!rc && password[0]) {
		const char *role = "";
		for (int i = 3; i + 1 < argc; i++)
			if (!strcmp(argv[i], "--role"))
				role = argv[i + 1];
		strbuf_addf(&x->out, "  %-20s %-13s %s\n", argv[2], role, password);
	}
	sodium_memzero(password, sizeof(password));
	return rc;
}

/* The example goes into a database with no registry account and no MRV
 * project: its report is then number 1 and nothing of a user's is mixed
 * with it. */
static int example_room(struct c2c_err *err)
{
	struct store *st;
	json_t *accounts = NULL, *projects = NULL;
	int rc;

	if ((rc = store_open(&st, cli_db_path, STORE_OPEN_EXISTING, err)))
		return rc;
	rc = registry_accounts(st, NULL, &accounts, err);
	if (!rc)
		rc = mrv_projects(st, &projects, err);
	if (!rc && (json_array_size(accounts) || json_array_size(projects))) {
		rc = c2c_err_set(err, C2C_ECONFLICT, "%s holds registry accounts or MRV projects already: the example goes into a new database only",
				 cli_db_path);
		c2c_err_hint(err, "c2c --db example.db init --example");
	}
	json_decref(accounts);
	json_decref(projects);
	store_close(st);
	return rc;
}

int cli_example_load(struct c2c_err *err)
{
	const struct cli_builtin_file *script = example_file("script");
	struct example_ctx x;
	struct strbuf text, raw;
	char today[11], *line, *next;
	int y, m, d, rc, n = 0;

	if (!script)
		return c2c_err_set(err, C2C_EINTERNAL, "the binary carries no example script");
	if ((rc = example_room(err)))
		return rc;
	memset(&x, 0, sizeof(x));
	date_today(today);
	if (sscanf(today, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return c2c_err_set(err, C2C_EINTERNAL, "today is not a date: %s", today);
	/* the fiscal year starts in April */
	snprintf(x.fy, sizeof(x.fy), "%d", m >= 4 ? y : y - 1);
	snprintf(x.year, sizeof(x.year), "%d", y);
	snprintf(x.last, sizeof(x.last), "%d", y - 1);
	/* a round open today: from its first day of the month to the end of the next */
	snprintf(x.open_from, sizeof(x.open_from), "%04d-%02d-01", y, m);
	snprintf(x.open_to, sizeof(x.open_to), "%04d-%02d-28", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	/* beside the database file (as the server keeps uploads), or for a
	 * PostgreSQL database in the working directory */
	if (store_is_pg_url(cli_db_path))
		snprintf(x.dir, sizeof(x.dir), "c2c-example");
	else
		snprintf(x.dir, sizeof(x.dir), "%s.example", cli_db_path);
	if (mkdir(x.dir, 0700) && errno != EEXIST)
		return c2c_err_set(err, C2C_EIO, "%s: %s", x.dir, strerror(errno));
	strbuf_init(&x.out, 0);
	strbuf_init(&text, 0);
	strbuf_init(&raw, 0);
	/* line by line, so that a comment may name a ${...} */
	strbuf_add(&raw, script->data, script->len);
	for (line = raw.buf; !rc && line && *line; line = next) {
		char *argv[EXAMPLE_ARGS + 1];
		int argc;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (*line == '#' || !*line)
			continue;
		n++;
		strbuf_reset(&text);
		if ((rc = expand(&x, line, strlen(line), &text, err)))
			break;
		if (split(text.buf, argv, &argc)) {
			rc = c2c_err_set(err, C2C_EINTERNAL, "example step %d: a line the example cannot read", n);
		} else if ((rc = run_command(&x, argc, argv, err))) {
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err->msg);
			/* a command line of the example that is wrong is the example's
			 * bug, not a usage error of `init` */
			rc = rc == C2C_EUSAGE ? C2C_EINTERNAL : rc;
			c2c_err_set(err, rc, "example step %d (c2c %s %s): %s", n, argv[0], argc > 1 ? argv[1] : "", msg);
		}
	}
	if (!rc)
		printf("%s: the example is loaded (%d commands of data/example/script.txt). Every row of it says it is an example.\n"
		       "Its users, one per role; each password is shown this once:\n%s",
		       cli_db_path, n, strbuf_str(&x.out));
	else
		fprintf(stderr, "c2c: the example stopped part way: start again from a new database\n");
	strbuf_release(&x.out);
	strbuf_release(&text);
	strbuf_release(&raw);
	return rc;
}
