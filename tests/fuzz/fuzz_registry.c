/*
 * fuzz_registry.c - libFuzzer target for the registry's batch input: the
 * input is a JSONL batch for `c2c registry apply`, run against a registry
 * that already holds accounts and credits.  Whatever the input, apply
 * either commits or changes nothing, and `registry_verify` must pass
 * afterwards: no input can make a credit exist twice or vanish.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

static struct store *fz_store;

static void fz_die(const char *what, const struct c2c_err *err)
{
	fprintf(stderr, "fuzz_registry: %s: %s\n", what, err->msg);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char setup[] =
		"{\"op\":\"open\",\"id\":\"JP-A\",\"country\":\"JP\",\"kind\":\"government\",\"holder\":\"A\"}\n"
		"{\"op\":\"open\",\"id\":\"KH-B\",\"country\":\"KH\",\"kind\":\"entity\",\"holder\":\"B\"}\n"
		"{\"op\":\"issue\",\"project\":\"KH003\",\"external_verification\":\"EV-1\",\"source\":\"test-fixture\",\"period_start\":\"2023-01-01\",\"period_end\":\"2023-12-31\",\"quantity\":1000}\n"
		"{\"op\":\"allocate\",\"issuance\":\"KH003-01\",\"shares\":[{\"account\":\"JP-A\",\"percent\":\"40\"},{\"account\":\"KH-B\",\"percent\":\"60\"}]}\n";
	struct registry_ctx c = {0};
	struct c2c_err err;
	FILE *fp;
	size_t n;
	(void)argc;
	(void)argv;
	if (store_open(&fz_store, ":memory:", STORE_OPEN_CREATE, &err) || registry_migrate(fz_store, &err))
		fz_die("setup", &err);
	c.st = fz_store;
	c.user = "fuzz";
	fp = fmemopen((void *)setup, sizeof(setup) - 1, "r");
	if (registry_apply_stream(&c, fp, "setup", &n, &err))
		fz_die("setup batch", &err);
	fclose(fp);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry_ctx c = {.st = fz_store, .user = "fuzz"};
	struct registry_verify_report rep;
	struct c2c_err err;
	long long before, after;
	size_t n;
	FILE *fp;
	int rc;

	if (size == 0)
		return 0;
	before = store_query_int(fz_store, "SELECT COUNT(*) FROM registry_journal", &err);
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	rc = registry_apply_stream(&c, fp, "fuzz.jsonl", &n, &err);
	fclose(fp);
	after = store_query_int(fz_store, "SELECT COUNT(*) FROM registry_journal", &err);
	if (rc && after != before)
		abort(); /* a refused batch left something behind */
	if (!rc && after < before + (long long)n)
		abort(); /* an accepted batch lost an operation */
	if (registry_verify(fz_store, &rep, &err))
		fz_die("verify", &err);
	return 0;
}
