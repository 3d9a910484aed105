/*
 * store_tx.c - the one transaction helper every write of c2c goes through.
 *
 * On PostgreSQL (SERIALIZABLE) a transaction that raced another may be
 * aborted at any statement or at its commit; on SQLite a writer may find
 * the database busy past its timeout.  Either way nothing of it was kept,
 * so the whole function runs again from its first read.  Before this file
 * the registry and auth each had a copy of the loop, and the other modules
 * had none: their users saw the race as an error.
 */
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* 20 attempts with the pause below: up to about 3 s of waiting for one
 * write, enough for the 320 racing transfers of tests/pg.sh. */
#define STORE_TX_ATTEMPTS 20

/* A pause of 1..window ms, window 4 ms doubling to 256 ms.  The jitter is
 * seeded per process and thread: with rand()'s fixed default seed every
 * process would sleep the same and race again in step. */
static void back_off(int attempt)
{
	static _Thread_local unsigned seed;
	struct timespec ts;
	int window = attempt < 7 ? 2 << attempt : 256;
	if (!seed) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)&ts;
		seed |= 1;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(1 + rand_r(&seed) % window) * 1000000L;
	nanosleep(&ts, NULL);
}

int store_tx(struct store *st, const char *queue, store_tx_fn fn, void *ctx, struct c2c_err *err)
{
	if (store_in_tx(st))
		return fn(st, ctx, err); /* the outer transaction commits, or retries */
	for (int attempt = 1;; attempt++) {
		int rc;
		c2c_err_clear(err);
		rc = queue ? store_begin_serial(st, queue, err) : store_begin(st, err);
		if (!rc)
			rc = fn(st, ctx, err);
		if (!rc)
			rc = store_commit(st, err);
		if (!rc)
			return 0;
		store_rollback(st);
		if (rc != C2C_ERETRY || attempt >= STORE_TX_ATTEMPTS)
			return rc;
		back_off(attempt);
	}
}
