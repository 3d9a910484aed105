/*
 * cmd_serve.c - `c2c serve`: the JSON API and the web pages (--web) over
 * HTTP until SIGTERM or SIGINT.
 *
 * The process side of the server lives here, as every exit and print of
 * c2c does: options, the database made ready (its set-up, CLI_DB_READY)
 * before a port is taken, the one line with the URL, and the signals.  SIGINT and SIGTERM are
 * blocked before the worker threads start (they inherit the mask) and taken
 * with sigwait, so no handler runs inside a worker and the stop is ordinary
 * code: stop accepting, let the requests in flight finish, exit 0.
 */
#include "cli.h"
#include "http/http.h"
#include "mrv/mrv.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SERVE_DRAIN_MS 10000  /* the most a stop waits for requests in flight */
#define SERVE_CONN_LIMIT 512
#define SERVE_CONN_TIMEOUT 15 /* seconds */
/* Slow clients (docs/http.md): 128 connections per address leaves a
 * benchmark's 64 room; 10 s for a request line and headers is far more than
 * any browser needs; a body must keep up 4 KiB/s after those 10 s, which any
 * link that can upload at all does, so only a trickle is cut. */
#define SERVE_PER_ADDRESS 128
#define SERVE_REQUEST_TIMEOUT 10 /* seconds */
#define SERVE_MIN_BODY_RATE 4096 /* bytes per second */

int cmd_serve(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const allowed[] = {"bind", "port", "threads", "web", "trusted-proxy",
					      "per-address", "request-timeout", NULL};
	struct http_config cfg;
	struct http_server *srv;
	struct store *st;
	struct cli_args a;
	sigset_t stop, old;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct stat sb;
	int rc, sig = 0, per_address = SERVE_PER_ADDRESS, request_timeout = SERVE_REQUEST_TIMEOUT;

	memset(&cfg, 0, sizeof(cfg));
	if ((rc = cli_parse(argc, argv, cmd, allowed, NULL, &a, err)) ||
	    (rc = cli_opt_int(&a, "port", 0, 65535, &cfg.port, err)) ||
	    (rc = cli_opt_int(&a, "threads", 1, 256, &cfg.threads, err)) ||
	    (cli_opt(&a, "per-address") && (rc = cli_opt_int(&a, "per-address", 0, 100000, &per_address, err))) ||
	    (cli_opt(&a, "request-timeout") &&
	     (rc = cli_opt_int(&a, "request-timeout", 0, 3600, &request_timeout, err))) ||
	    (cli_opt(&a, "trusted-proxy") && (rc = http_clients_check_list(cli_opt(&a, "trusted-proxy"), err))))
		return rc;
	if (a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "serve: unexpected argument '%s'", a.pos[0]);
	if (!cli_opt(&a, "port"))
		cfg.port = 8080;
	if (!cli_opt(&a, "threads")) /* one worker per core */
		cfg.threads = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
	cfg.bind = cli_opt(&a, "bind") ? cli_opt(&a, "bind") : "127.0.0.1";
	cfg.db_path = cli_db_path;
	cfg.conn_limit = SERVE_CONN_LIMIT;
	cfg.conn_timeout = SERVE_CONN_TIMEOUT;
	cfg.per_address = (unsigned)per_address;
	cfg.request_timeout = (unsigned)request_timeout;
	cfg.min_body_rate = SERVE_MIN_BODY_RATE;
	cfg.trusted_proxies = cli_opt(&a, "trusted-proxy");
	/* the pages: --web DIR must be there; the built-in default may not be
	 * built yet (no npm), and the API alone is still worth serving */
	cfg.web_dir = cli_opt(&a, "web") ? cli_opt(&a, "web") : C2C_WEB_DIR;
	if (stat(cfg.web_dir, &sb) || !S_ISDIR(sb.st_mode)) {
		if (cli_opt(&a, "web"))
			return c2c_err_set(err, C2C_EUSAGE, "serve: --web %s: not a directory", cfg.web_dir);
		fprintf(stderr, "c2c: no web pages at %s (run 'make build'); serving the API only\n",
			cfg.web_dir);
		cfg.web_dir = NULL;
	}
	/* CLI_DB_READY: a database init made, every module up to date, before
	 * a port is taken; the workers open their own connections */
	if ((rc = cli_setup(cmd, &st, err)))
		return rc;
	store_close(st);
	/* the methodologies are read once, here: a file of $C2C_MRV_DIR that
	 * does not read stops the server as it stops every mrv command, rather
	 * than serve a catalog without it */
	if ((rc = mrv_catalog_error(err)))
		return rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	signal(SIGPIPE, SIG_IGN); /* a client that hangs up is not our death */
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	if ((rc = http_server_start(&cfg, &srv, err))) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	printf("c2c: serving %s on %s\n", cli_db_path, http_server_url(srv));
	fflush(stdout);
	while (sigwait(&stop, &sig))
		;
	fprintf(stderr, "c2c: %s: finishing the requests in flight, then stopping\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* the mask stays: a second signal while draining waits, unanswered */
	http_server_stop(srv, SERVE_DRAIN_MS);
	return 0;
}
