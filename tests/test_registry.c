/*
 * test_registry.c - the credit registry against a real SQLite file:
 * the arithmetic (largest remainder, shares, serials), a whole scenario,
 * refused operations that change nothing, a property test of thousands of
 * random operations with every invariant checked after each one against an
 * independent model, and tamper tests that verify must catch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include <unistd.h>

#include "registry/registry.h"
#include "registry/replay_map.h"
#include "registry/replay.h"

/* An issuance verified outside c2c: the registry's own tests have no MRV
 * report to issue from (tests/mrv.sh and tests/registry.sh issue from
 * reports); every issuance names its verification and source. */
#define EXT(p, from, to, q, er)                                                                    \
	{.project = p, .period_start = from, .period_end = to, .quantity = q, .verified_er = er,  \
	 .external_verification = "test: verification report V-1", .source = "test fixture"}

struct fixture {
	char path[128];
	struct store *st;
	struct registry_ctx c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct c2c_err err;
	if (testdb_open(f->path, sizeof(f->path), "registry", &f->st, &err) || registry_migrate(f->st, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	f->c.st = f->st;
	f->c.user = "test";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(f->path, f->st);
	free(f);
	return 0;
}

/* ------------------------------------------------------------ arithmetic */

static void test_largest_remainder(void **state)
{
	int64_t parts[8];
	(void)state;
	{
		int sh[] = {3333, 3333, 3334};
		registry_largest_remainder(1200, sh, 3, parts);
		assert_int_equal(parts[0] + parts[1] + parts[2], 1200);
		assert_int_equal(parts[0], 400);
		assert_int_equal(parts[2], 400);
	}
	{
		int sh[] = {5000, 5000}; /* odd total, equal shares: the earlier entry gets the extra */
		registry_largest_remainder(7, sh, 2, parts);
		assert_int_equal(parts[0], 4);
		assert_int_equal(parts[1], 3);
	}
	{
		int sh[] = {2000, 1000, 7000}; /* 1.0, 0.5, 3.5: the tied remainders go to the larger share */
		registry_largest_remainder(5, sh, 3, parts);
		assert_int_equal(parts[0], 1);
		assert_int_equal(parts[1], 0);
		assert_int_equal(parts[2], 4);
	}
	/* Property: the parts always sum to the total and each is within one of its exact share. */
	srand(7);
	for (int t = 0; t < 20000; t++) {
		int n = 1 + rand() % 8, sh[8], left = 10000;
		int64_t total = rand() % 3 ? rand() % 100000 : ((int64_t)rand() << 20) + rand(), sum = 0;
		for (int i = 0; i < n - 1; i++) {
			sh[i] = left ? 1 + rand() % left : 0;
			if (sh[i] > left - (n - 1 - i))
				sh[i] = left - (n - 1 - i) > 0 ? left - (n - 1 - i) : 0;
			left -= sh[i];
		}
		sh[n - 1] = left;
		registry_largest_remainder(total, sh, (size_t)n, parts);
		for (int i = 0; i < n; i++) {
			__int128 exact = (__int128)total * sh[i];
			sum += parts[i];
			assert_true((__int128)parts[i] * 10000 <= exact + 10000);
			assert_true((__int128)parts[i] * 10000 >= exact - 10000);
		}
		assert_int_equal(sum, total);
	}
}

static void test_shares_and_serials(void **state)
{
	char buf[96];
	(void)state;
	assert_int_equal(registry_parse_share("50"), 5000);
	assert_int_equal(registry_parse_share("35.5"), 3550);
	assert_int_equal(registry_parse_share("33.33"), 3333);
	assert_int_equal(registry_parse_share("100"), 10000);
	assert_int_equal(registry_parse_share("12.5%"), 1250);
	assert_int_equal(registry_parse_share("100.01"), -1);
	assert_int_equal(registry_parse_share("33.333"), -1);
	assert_int_equal(registry_parse_share("-5"), -1);
	assert_int_equal(registry_parse_share("1e2"), -1);
	assert_int_equal(registry_parse_share(""), -1);
	assert_true(registry_jcm_ref_ok("KH003"));
	assert_true(registry_jcm_ref_ok("ID0012"));
	assert_false(registry_jcm_ref_ok("kh003"));
	assert_false(registry_jcm_ref_ok("KH03"));
	assert_false(registry_jcm_ref_ok("KH00A"));
	/* a project is a JCM reference or an atlas project id */
	assert_true(registry_project_ok("KH003"));
	assert_true(registry_project_ok("pj-da-nang-water-pumps"));
	assert_false(registry_project_ok("KH03"));
	assert_false(registry_project_ok("pj_da_nang"));
	assert_false(registry_project_ok(""));
	assert_false(registry_project_ok("pj-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789"));
	registry_serial_range(buf, sizeof(buf), "KH", "KH003", 2024, 1, 1200);
	assert_string_equal(buf, "JCM-KH-003-2024-000001-001200");
	registry_serial_range(buf, sizeof(buf), "VN", "pj-da-nang-water-pumps", 2024, 1, 1200);
	assert_string_equal(buf, "JCM-VN-pj-da-nang-water-pumps-2024-000001-001200");
}

/* --------------------------------------------------------------- scenario */

static void open_accounts(struct registry_ctx *c)
{
	struct c2c_err err;
	assert_int_equal(registry_account_open(c, "JP-GOV-1", "JP", "government", "Japan", &err), 0);
	assert_int_equal(registry_account_open(c, "KH-GOV-1", "KH", "government", "Cambodia", &err), 0);
	assert_int_equal(registry_account_open(c, "JP-ENT-1", "JP", "entity", "Company A", &err), 0);
	assert_int_equal(registry_account_open(c, "KH-ENT-1", "KH", "entity", "Company B", &err), 0);
}

static int64_t balance(struct store *st, const char *id)
{
	char sql[160];
	struct c2c_err err;
	snprintf(sql, sizeof(sql), "SELECT balance FROM registry_accounts WHERE id = '%s'", id);
	return store_query_int(st, sql, &err);
}

/* Everything the registry holds, as one string, to prove "changed nothing". */
static char *snapshot(struct store *st)
{
	struct c2c_err err;
	json_t *a, *b, *j, *all;
	char *s;
	assert_int_equal(registry_accounts(st, NULL, &a, &err), 0);
	assert_int_equal(registry_blocks(st, NULL, &b, &err), 0);
	assert_int_equal(registry_journal(st, 0, &j, &err), 0);
	all = json_pack("{s:o, s:o, s:o}", "a", a, "b", b, "j", j);
	s = json_dumps(all, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(all);
	return s;
}

/* A cheap fingerprint of the whole registry for the property test: every
 * accepted write appends a journal entry and changes blocks or balances. */
static char *digest(struct store *st)
{
	struct c2c_err err;
	char *out = malloc(256);
	snprintf(out, 256, "%lld/%lld/%lld/%lld/%lld/%lld/%lld",
		 store_query_int(st, "SELECT COALESCE(MAX(seq), 0) FROM registry_journal", &err),
		 store_query_int(st, "SELECT COUNT(*) FROM registry_blocks", &err),
		 store_query_int(st, "SELECT COALESCE(SUM(id * 7 + first_serial * 13 + last_serial * 17"
				     " + length(account_id) * 19 + length(state) * 23), 0) FROM registry_blocks", &err),
		 store_query_int(st, "SELECT COALESCE(SUM(balance * length(id)), 0) FROM registry_accounts", &err),
		 store_query_int(st, "SELECT COUNT(*) FROM registry_issuances", &err),
		 store_query_int(st, "SELECT COUNT(*) FROM registry_ca", &err),
		 store_query_int(st, "SELECT COALESCE(SUM(ca_done * (id + first_serial)), 0) FROM registry_blocks", &err));
	return out;
}

/* Blocks stay minimal: no two neighbouring blocks of one issuance hold
 * their credits the same way (owner, state, adjustment, purpose and
 * beneficiary), which the registry would have merged. */
static long long mergeable_pairs(struct store *st)
{
	struct c2c_err err;
	return store_query_int(st, "SELECT COUNT(*) FROM registry_blocks x JOIN registry_blocks y"
				   " ON y.issuance_id = x.issuance_id AND y.first_serial = x.last_serial + 1"
				   " AND y.account_id = x.account_id AND y.state = x.state AND y.ca_done = x.ca_done"
				   " AND COALESCE(y.purpose, '') = COALESCE(x.purpose, '')"
				   " AND COALESCE(y.beneficiary, '') = COALESCE(x.beneficiary, '')", &err);
}

static void verify_ok(struct store *st)
{
	struct registry_verify_report r;
	struct c2c_err err;
	int rc = registry_verify(st, &r, &err);
	if (rc)
		fail_msg("verify: %s", err.msg);
	assert_int_equal(r.issued, r.held + r.cancelled + r.retired);
}

static void test_scenario(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1200, 1250);
	struct registry_share sh[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	char id[REGISTRY_ID_MAX];
	struct c2c_err err;
	json_t *ca;

	open_accounts(c);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_string_equal(id, "KH003-01");
	assert_int_equal(balance(f->st, "KH-PENDING"), 1200);
	assert_int_equal(registry_allocate(c, id, sh, 2, &err), 0);
	assert_int_equal(balance(f->st, "JP-GOV-1"), 600);
	assert_int_equal(balance(f->st, "KH-PENDING"), 0);
	/* international before authorization: refused */
	assert_int_equal(registry_transfer(c, "KH-GOV-1", "JP-ENT-1", 10, &err), C2C_ECONFLICT);
	assert_non_null(strstr(err.msg, "not authorized"));
	/* the authorization reaches Japan's 600, allocated before it: first
	 * transferred at the authorization, KH +600, JP -600 */
	assert_int_equal(registry_authorize(c, id, &err), 0);
	assert_int_equal(registry_transfer(c, "KH-GOV-1", "JP-ENT-1", 10, &err), 0);
	/* CA: then KH +10, JP -10 for vintage 2023, once */
	assert_int_equal(registry_ca_report(f->st, "KH", 2023, &ca, &err), 0);
	assert_int_equal(json_array_size(ca), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ca, 0), "adjustment")), 600);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ca, 1), "adjustment")), 10);
	json_decref(ca);
	assert_int_equal(registry_ca_report(f->st, "JP", 2023, &ca, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ca, 0), "adjustment")), -600);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ca, 1), "adjustment")), -10);
	json_decref(ca);
	/* moving them back is not a first transfer: no new adjustment */
	assert_int_equal(registry_transfer(c, "JP-ENT-1", "KH-ENT-1", 10, &err), 0);
	assert_int_equal(registry_ca_report(f->st, "KH", 0, &ca, &err), 0);
	assert_int_equal(json_array_size(ca), 2);
	json_decref(ca);
	/* ... and Cambodia, having added them back, may not count them */
	assert_int_equal(registry_retire(c, "KH-ENT-1", 10, "ndc", "Cambodia NDC", &err), C2C_ECONFLICT);
	assert_non_null(strstr(err.msg, "went abroad with a corresponding adjustment"));
	assert_int_equal(registry_retire(c, "JP-GOV-1", 100, "ndc", "Japan NDC", &err), 0);
	assert_int_equal(registry_cancel(c, "KH-GOV-1", 5, &err), 0);
	assert_int_equal(balance(f->st, "JP-RETIREMENT"), 100);
	assert_int_equal(balance(f->st, "KH-CANCELLATION"), 5);
	/* a second period continues the serials */
	r.period_start = "2024-01-01";
	r.period_end = "2024-06-30";
	r.quantity = 300;
	r.verified_er = 0;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_string_equal(id, "KH003-02");
	assert_int_equal(store_query_int(f->st, "SELECT first_serial FROM registry_issuances WHERE id = 'KH003-02'", &err), 1201);
	verify_ok(f->st);
}

static void test_refusals_change_nothing(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	struct registry_share ok[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	struct registry_share short_[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 4950}};
	char id[REGISTRY_ID_MAX], *before, *after;
	struct c2c_err err;

	open_accounts(c);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	before = snapshot(f->st);
	assert_int_equal(registry_allocate(c, id, short_, 2, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "the shares add up to 99.50%, not 100%");
	assert_int_equal(registry_allocate(c, "KH003-09", ok, 2, &err), C2C_ENOTFOUND);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_ECONFLICT); /* same period twice */
	r.period_start = "2023-12-31";
	r.period_end = "2024-01-31";
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_ECONFLICT); /* overlap */
	r.period_start = "2024-02-30";
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EINPUT);
	r.period_start = "2024-01-01";
	r.quantity = 900;
	r.verified_er = 800;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_ECONFLICT); /* above ER */
	assert_int_equal(registry_transfer(c, "JP-GOV-1", "KH-GOV-1", 1, &err), C2C_ECONFLICT); /* overdraw */
	assert_int_equal(registry_transfer(c, "NOPE", "KH-GOV-1", 1, &err), C2C_ENOTFOUND);
	assert_int_equal(registry_transfer(c, "KH-PENDING", "KH-GOV-1", 1, &err), C2C_ECONFLICT);
	assert_int_equal(registry_retire(c, "JP-GOV-1", 1, "fun", "x", &err), C2C_EINPUT);
	assert_int_equal(registry_account_open(c, "JP-GOV-1", "JP", "government", "again", &err), C2C_ECONFLICT);
	assert_int_equal(registry_account_open(c, "XX-1", "XX", "government", "x", &err), C2C_EINPUT);
	assert_int_equal(registry_account_close(c, "KH-PENDING", &err), C2C_ECONFLICT);
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(after);

	/* retired credits never move again; a non-empty account does not close */
	assert_int_equal(registry_allocate(c, id, ok, 2, &err), 0);
	assert_int_equal(registry_retire(c, "JP-GOV-1", 10, "voluntary", "B", &err), 0);
	assert_int_equal(registry_transfer(c, "JP-RETIREMENT", "JP-ENT-1", 1, &err), C2C_ECONFLICT);
	assert_int_equal(registry_account_close(c, "JP-GOV-1", &err), C2C_ECONFLICT);
	assert_int_equal(registry_transfer(c, "JP-GOV-1", "JP-ENT-1", 490, &err), 0);
	assert_int_equal(registry_account_close(c, "JP-GOV-1", &err), 0);
	assert_int_equal(registry_transfer(c, "JP-ENT-1", "JP-GOV-1", 1, &err), C2C_ECONFLICT); /* closed */
	free(before);
	verify_ok(f->st);
}

/* ---------------------------------------------------------- property test */

#define NACC 6
static const char *const acc_ids[NACC] = {"JP-GOV-1", "KH-GOV-1", "JP-ENT-1", "KH-ENT-1", "JP-ENT-2", "KH-ENT-2"};

/* Every journal body is in canonical form: the text json_dumps gives for
 * it parsed again (registry_journal_append_moves writes a transfer's moves
 * as text, not through json_dumps; this is the proof that it writes the
 * same bytes). */
static void journal_canonical(struct store *st)
{
	struct store_stmt *s;
	struct c2c_err err;
	int rc, n = 0;
	assert_int_equal(store_prepare(st, "SELECT \"seq\", \"body\" FROM registry_journal ORDER BY \"seq\"", &s, &err), 0);
	while ((rc = store_step(s, &err)) == 1) {
		json_t *j = json_loads(store_col_text(s, 1), 0, NULL);
		char *again = j ? json_dumps(j, REGISTRY_JOURNAL_JSON) : NULL;
		if (!again || strcmp(again, store_col_text(s, 1)))
			fail_msg("journal entry %lld is not in canonical form", (long long)store_col_int(s, 0));
		free(again);
		json_decref(j);
		n++;
	}
	store_finalize(s);
	assert_int_equal(rc, 0);
	assert_true(n > 0);
}

static void test_property_random_operations(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	int64_t model[NACC] = {0}, issued = 0, out_of_circulation = 0;
	int nissued = 0, ok_ops = 0, refused = 0, ndc_ok = 0, ndc_refused = 0;
	struct c2c_err err;

	open_accounts(c);
	assert_int_equal(registry_account_open(c, "JP-ENT-2", "JP", "entity", "C", &err), 0);
	assert_int_equal(registry_account_open(c, "KH-ENT-2", "KH", "entity", "D", &err), 0);
	srand(42);
	for (int step = 0; step < 3000; step++) {
		int op = rand() % 10, a = rand() % NACC, b = rand() % NACC, rc;
		int64_t q = rand() % 4 == 0 ? rand() % 5000 : 1 + rand() % 300;
		char *before = NULL;

		if (op == 0 || nissued == 0) { /* issue + allocate */
			char start[32], end[32], id[64];
			struct registry_issue_req r = EXT("KH003", start, end, q, 0);
			struct registry_share sh[2] = {{acc_ids[a], 1 + rand() % 9999}, {acc_ids[b], 0}};
			int64_t parts[2];
			int hund[2];
			/* sometimes a period that overlaps: must be refused */
			int month = rand() % 8 == 0 && nissued ? nissued : nissued + 1;
			snprintf(start, sizeof(start), "%04d-%02d-01", 2000 + month / 12, month % 12 + 1);
			snprintf(end, sizeof(end), "%04d-%02d-28", 2000 + month / 12, month % 12 + 1);
			sh[1].hundredths = 10000 - sh[0].hundredths;
			before = digest(f->st);
			rc = registry_issue(c, &r, id, sizeof(id), &err);
			if (rc) {
				refused++;
				assert_true(q <= 0 || month == nissued);
			} else {
				nissued++;
				issued += q;
				hund[0] = sh[0].hundredths;
				hund[1] = sh[1].hundredths;
				rc = registry_allocate(c, id, sh, a == b ? 1 : 2, &err);
				if (a == b) {
					assert_int_equal(rc, C2C_EINPUT); /* one share of < 100% */
					sh[0].hundredths = 10000;
					assert_int_equal(registry_allocate(c, id, sh, 1, &err), 0);
					model[a] += q;
				} else {
					/* KH-hosted allocations may go to JP or KH accounts: all allowed */
					assert_int_equal(rc, 0);
					registry_largest_remainder(q, hund, 2, parts);
					model[a] += parts[0];
					model[b] += parts[1];
				}
				rc = 0;
				ok_ops++;
			}
		} else if (op == 1) {
			char id[32];
			snprintf(id, sizeof(id), "KH003-%02d", 1 + rand() % nissued);
			rc = registry_authorize(c, id, &err);
			rc ? refused++ : ok_ops++;
		} else if (op <= 7) { /* transfer */
			before = digest(f->st);
			rc = registry_transfer(c, acc_ids[a], acc_ids[b], q, &err);
			if (rc == 0) {
				model[a] -= q;
				model[b] += q;
				ok_ops++;
			} else {
				refused++;
				/* refused only for a reason: self, overdraw, or unauthorized international */
				assert_true(a == b || model[a] < q || q <= 0 || strstr(err.msg, "not authorized"));
			}
		} else { /* cancel or retire */
			before = digest(f->st);
			int ndc = op == 9 && rand() % 2;
			rc = op == 8 ? registry_cancel(c, acc_ids[a], q, &err)
				     : registry_retire(c, acc_ids[a], q, ndc ? "ndc" : "voluntary",
						       step % 3 ? "someone" : "someone else", &err);
			ndc_ok += ndc && !rc;
			ndc_refused += ndc && rc && model[a] >= q && q > 0;
			if (rc == 0) {
				model[a] -= q;
				out_of_circulation += q;
				ok_ops++;
			} else {
				refused++;
				/* toward an NDC, also when the country may not count enough of them */
				assert_true(model[a] < q || q <= 0 || (ndc && strstr(err.msg, "may count toward its NDC")));
			}
		}
		if (rc && before) { /* a refused operation changes nothing */
			char *after = digest(f->st);
			assert_string_equal(before, after);
			free(after);
		}
		free(before);
		for (int i = 0; i < NACC; i++)
			if (balance(f->st, acc_ids[i]) != model[i])
				fail_msg("step %d: %s holds %lld, model says %lld", step, acc_ids[i],
					 (long long)balance(f->st, acc_ids[i]), (long long)model[i]);
		if (mergeable_pairs(f->st))
			fail_msg("step %d: %lld pairs of neighbouring blocks hold their credits the same way: blocks"
				 " are not minimal", step, mergeable_pairs(f->st));
		if (step % 10 == 0 || step > 2990)
			verify_ok(f->st);
	}
	{
		int64_t held = 0;
		for (int i = 0; i < NACC; i++)
			held += model[i];
		assert_int_equal(held + out_of_circulation, issued); /* credits are conserved */
	}
	assert_true(ok_ops > 1000);
	assert_true(refused > 100);
	/* both ways of an NDC retirement were tried: some counted, some refused for want of usable credits */
	assert_true(ndc_ok > 10);
	assert_true(ndc_refused > 10);
	journal_canonical(f->st);
}

/* A body read for the replay (replay_body.c) gives what jansson alone
 * gives: the body (without its movements) and each movement's members,
 * for bodies it reads itself and for every kind it leaves to jansson. */
static void test_replay_body(void **state)
{
	static const char *const bodies[] = {
		"{\"adjustments\":[],\"from\":\"JP-A\",\"moves\":[{\"first\":1,\"from\":\"JP-A\",\"issuance\":\"I-1\","
		"\"last\":5,\"state\":\"active\",\"to\":\"JP-B\"},{\"first\":9,\"from\":\"JP-A\",\"issuance\":\"I-2\","
		"\"last\":9,\"state\":\"retired\",\"to\":\"JP-R\"}],\"op\":\"transfer\",\"opened\":[],\"to\":\"JP-B\"}",
		"{\"moves\":[],\"op\":\"open\"}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		/* jansson decides: */
		"{\"moves\": [{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1,\"from\":null,\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\\u0041\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\",\"x\":1}]}",
		"{\"moves\":[{\"first\":01,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1.5,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1234567890123456789,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":-0,\"from\":\"A\",\"issuance\":\"I\",\"last\":-7,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}],"
		"\"moves\":[{\"first\":3,\"from\":\"C\",\"issuance\":\"I\",\"last\":4,\"state\":\"active\",\"to\":\"D\"}]}",
		"{\"mov\\u0065s\":[{\"first\":3,\"from\":\"C\",\"issuance\":\"I\",\"last\":4,\"state\":\"active\",\"to\":\"D\"}],"
		"\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}",
		"{\"a\":{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]}}",
		"{\"a\":\"\\\"moves\\\":[\",\"moves\":5}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}],\"x\":}",
		"{\"moves\":[{\"first\":1,\"from\":\"A\",\"issuance\":\"I\",\"last\":2,\"state\":\"active\",\"to\":\"B\"}]} x",
		"[{\"moves\":[]}]",
		"not json",
		"",
	};
	struct replay_body b = {0};
	int fast = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		json_t *ref = json_loads(bodies[i], 0, NULL), *mv, *rest;
		size_t k;
		assert_int_equal(replay_body_read(&b, bodies[i]), 0);
		if (!ref) {
			assert_null(b.json);
			assert_int_equal(b.n, 0);
			continue;
		}
		assert_non_null(b.json);
		assert_int_equal(b.n, json_array_size(json_object_get(ref, "moves")));
		json_array_foreach(json_object_get(ref, "moves"), k, mv) {
			const char *key[] = {"issuance", "from", "to", "state"};
			const char *got[] = {b.mv[k].iss, b.mv[k].from, b.mv[k].to, b.mv[k].state};
			for (int j = 0; j < 4; j++) {
				const char *want = json_string_value(json_object_get(mv, key[j]));
				if (want ? !got[j] || strcmp(want, got[j]) : got[j] != NULL)
					fail_msg("body %zu, move %zu: %s differs", i, k, key[j]);
			}
			assert_int_equal(b.mv[k].first, json_integer_value(json_object_get(mv, "first")));
			assert_int_equal(b.mv[k].last, json_integer_value(json_object_get(mv, "last")));
		}
		/* the rest of the body is jansson's, "moves" emptied when read here */
		rest = json_deep_copy(ref);
		if (json_is_array(json_object_get(rest, "moves")))
			json_array_clear(json_object_get(rest, "moves"));
		if (json_equal(b.json, rest))
			fast += json_array_size(json_object_get(ref, "moves")) > 0;
		else
			assert_true(json_equal(b.json, ref));
		json_decref(rest);
		json_decref(ref);
	}
	assert_int_equal(fast, 3); /* read here: the first, the third and the one of -0; the others by jansson */
	replay_body_free(&b);
}

/* The replay's interval map (replay_map.c) against a plain array of the
 * same keys: random inserts and erases, and after each the floor and the
 * successor of random serials agree, and interning gives one index per
 * key however the table grows. */
static void test_replay_map(void **state)
{
	enum { N = 3000 };
	static char in[N];
	struct rmap m = {0};
	struct intern t = {.keylen = 16};
	uint32_t root = 0;
	(void)state;
	srand(3);
	for (int step = 0; step < 40000; step++) {
		int64_t k = rand() % N;
		if (!in[k]) {
			struct rseg x = {.first = k, .last = k, .account = (uint32_t)k};
			assert_true(rmap_insert(&m, &root, &x) != 0);
			in[k] = 1;
		} else if (rand() % 2) {
			rmap_erase(&m, &root, k);
			in[k] = 0;
		}
		int64_t q = rand() % (N + 2) - 1, lo = q < N ? q : N - 1, hi = q + 1;
		while (lo >= 0 && !in[lo])
			lo--;
		while (hi < N && !in[hi])
			hi++;
		uint32_t f = rmap_floor(&m, root, q), a = rmap_after(&m, root, q);
		assert_int_equal(f ? m.v[f].first : -1, lo);
		assert_int_equal(f ? (int64_t)m.v[f].account : -1, lo);
		assert_int_equal(a ? m.v[a].first : N, hi < N ? hi : N);
	}
	{
		size_t live = 0;
		for (int k = 0; k < N; k++)
			live += (size_t)in[k];
		assert_int_equal(m.live, live);
	}
	for (int k = 0; k < 5000; k++) {
		unsigned char key[16] = {0};
		snprintf((char *)key, sizeof(key), "JP-E%04d", k);
		assert_int_equal(intern_put(&t, key), k);
	}
	for (int k = 4999; k >= 0; k--) {
		unsigned char key[16] = {0};
		snprintf((char *)key, sizeof(key), "JP-E%04d", k);
		assert_int_equal(intern_find(&t, key), k);
		assert_int_equal(intern_put(&t, key), k);
	}
	assert_int_equal(t.n, 5000);
	rmap_free(&m);
	intern_free(&t);
}

/* A transfer that touches many ranges moves them in batches (ops.c,
 * move_whole_blocks) and must leave what moving them one by one leaves:
 * every credit where a model of each serial says, blocks minimal, verify
 * clean.  Interleaved one-credit blocks make transfers of tens to hundreds
 * of ranges, whose merges join runs of them; one account's blocks spread
 * thinly among many others take the way block by block; the first
 * transfers out of Cambodia of an authorized issuance split runs by their
 * adjustment. */
#define MR_N 4000
#define MR_ACC 7
static const char *const mr_ids[MR_ACC] = {"KH-MA", "JP-MB", "JP-MC", "JP-MD", "JP-ME", "JP-MF", "KH-MX"};

struct mr_model {
	int owner[MR_N];   /* index into mr_ids, or -1 retired */
	int ca[MR_N];
	const char *benef[MR_N];
	int64_t base;      /* the issuance's first serial */
};

static void mr_move(struct registry_ctx *c, struct mr_model *m, int a, int b, int64_t q, const char *benef)
{
	struct c2c_err err;
	int64_t have = 0;
	int rc;
	for (int i = 0; i < MR_N; i++)
		have += m->owner[i] == a;
	rc = b >= 0 ? registry_transfer(c, mr_ids[a], mr_ids[b], q, &err)
		    : registry_retire(c, mr_ids[a], q, "voluntary", benef, &err);
	if (have < q) {
		assert_int_not_equal(rc, 0);
		return;
	}
	if (rc)
		fail_msg("moving %lld from %s: %s", (long long)q, mr_ids[a], err.msg);
	for (int i = 0; i < MR_N && q > 0; i++) /* the lowest serials go first */
		if (m->owner[i] == a) {
			if (b >= 0 && (a == 0 || a == 6) != (b == 0 || b == 6))
				m->ca[i] = 1; /* authorized: adjusted at its first move abroad */
			m->owner[i] = b;
			m->benef[i] = b >= 0 ? NULL : benef;
			q--;
		}
}

static void mr_check(struct store *st, const struct mr_model *m, int step)
{
	struct store_stmt *s;
	struct c2c_err err;
	int seen = 0;
	assert_int_equal(store_prepare(st, "SELECT first_serial, last_serial, account_id, state, ca_done,"
					   " COALESCE(beneficiary, '') FROM registry_blocks ORDER BY first_serial", &s, &err), 0);
	while (store_step(s, &err) == 1) {
		for (int64_t x = store_col_int(s, 0); x <= store_col_int(s, 1); x++) {
			int i = (int)(x - m->base);
			const char *acc = store_col_text(s, 2), *state = store_col_text(s, 3);
			assert_true(i >= 0 && i < MR_N);
			seen++;
			if (m->owner[i] < 0 ? strcmp(state, "retired") || strcmp(store_col_text(s, 5), m->benef[i])
					    : strcmp(state, "active") || strcmp(acc, mr_ids[m->owner[i]]))
				fail_msg("step %d: serial %d is %s's (%s), the model says %s", step, i, acc, state,
					 m->owner[i] < 0 ? "retired" : mr_ids[m->owner[i]]);
			if (store_col_int(s, 4) != m->ca[i])
				fail_msg("step %d: serial %d adjusted %lld, the model says %d", step, i,
					 (long long)store_col_int(s, 4), m->ca[i]);
		}
	}
	store_finalize(s);
	assert_int_equal(seen, MR_N);
	if (mergeable_pairs(st))
		fail_msg("step %d: %lld pairs of neighbouring blocks could merge", step, mergeable_pairs(st));
}

static void test_transfer_many_ranges(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2020-01-01", "2020-12-31", MR_N, 0);
	struct registry_share sh[] = {{"KH-MA", 10000}};
	static struct mr_model m;
	struct c2c_err err;
	char id[64];
	int step = 0;

	for (int i = 0; i < MR_ACC; i++)
		assert_int_equal(registry_account_open(c, mr_ids[i], i == 0 || i == 6 ? "KH" : "JP", "entity", mr_ids[i], &err), 0);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_allocate(c, id, sh, 1, &err), 0);
	assert_int_equal(registry_authorize(c, id, &err), 0);
	m.base = store_query_int(f->st, "SELECT MIN(first_serial) FROM registry_blocks", &err);
	for (int i = 0; i < MR_N; i++)
		m.owner[i] = 0;
	/* 600 one-credit blocks, B and C in turn */
	assert_int_equal(store_begin(f->st, &err), 0);
	for (int i = 0; i < 600; i++)
		mr_move(c, &m, 0, 1 + i % 2, 1, NULL);
	/* D's 10 blocks, each between 60 blocks of E and F in turn */
	for (int i = 0; i < 10; i++) {
		mr_move(c, &m, 0, 3, 1, NULL);
		for (int k = 0; k < 60; k++)
			mr_move(c, &m, 0, 4 + k % 2, 1, NULL);
	}
	assert_int_equal(store_commit(f->st, &err), 0);
	mr_check(f->st, &m, step);
	mr_move(c, &m, 3, 1, 10, NULL); /* D's ten blocks: too thin for one read, block by block */
	mr_check(f->st, &m, ++step);
	mr_move(c, &m, 1, 2, 150, NULL); /* 150 of B's ranges into C's: they merge with C's between */
	mr_check(f->st, &m, ++step);
	verify_ok(f->st);
	srand(16);
	for (; step < 300; step++) {
		int a = rand() % MR_ACC, b = rand() % MR_ACC;
		int64_t q = 1 + rand() % (rand() % 3 ? 400 : 20);
		if (a == b)
			continue;
		mr_move(c, &m, a, rand() % 8 == 0 ? -1 : b, q, step % 2 ? "someone" : "someone else");
		mr_check(f->st, &m, step);
		if (step % 25 == 0)
			verify_ok(f->st);
	}
	verify_ok(f->st);
	journal_canonical(f->st);
}

/* One row of the corresponding-adjustments report of `cc` (all vintages). */
static json_int_t ca_at(struct store *st, const char *cc, size_t i, const char *key)
{
	struct c2c_err err;
	json_t *ca;
	json_int_t v;
	assert_int_equal(registry_ca_report(st, cc, 0, &ca, &err), 0);
	assert_true(i < json_array_size(ca));
	v = json_integer_value(json_object_get(json_array_get(ca, i), key));
	json_decref(ca);
	return v;
}

static size_t ca_rows(struct store *st, const char *cc)
{
	struct c2c_err err;
	json_t *ca;
	size_t n;
	assert_int_equal(registry_ca_report(st, cc, 0, &ca, &err), 0);
	n = json_array_size(ca);
	json_decref(ca);
	return n;
}

/* The JCM as an Article 6 cooperative approach: the Joint Committee's
 * issuance of an authorized issuance into Japan's registry (the
 * allocation) is the credits' first transfer, adjusted there and then. */
static void test_allocation_adjusts(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1001, 0);
	struct registry_share sh[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	char id[REGISTRY_ID_MAX];
	struct c2c_err err;

	open_accounts(c);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_authorize(c, id, &err), 0);
	assert_int_equal(registry_allocate(c, id, sh, 2, &err), 0);
	assert_int_equal(balance(f->st, "JP-GOV-1"), 501);
	assert_int_equal(ca_rows(f->st, "KH"), 1);
	assert_int_equal(ca_at(f->st, "KH", 0, "adjustment"), 501);
	assert_int_equal(ca_at(f->st, "KH", 0, "vintage"), 2023);
	assert_int_equal(ca_at(f->st, "KH", 0, "first"), 1);
	assert_int_equal(ca_at(f->st, "KH", 0, "last"), 501);
	assert_int_equal(ca_at(f->st, "JP", 0, "adjustment"), -501);
	/* recorded by the allocation's own journal entry */
	assert_int_equal(ca_at(f->st, "JP", 0, "seq"),
			 store_query_int(f->st, "SELECT seq FROM registry_journal WHERE op = 'allocate'", &err));
	assert_int_equal(store_query_int(f->st, "SELECT SUM(last_serial - first_serial + 1) FROM registry_blocks"
						" WHERE ca_done = 1", &err), 501);
	/* Japan's share is adjusted once: moving it on records nothing more */
	assert_int_equal(registry_transfer(c, "JP-GOV-1", "KH-ENT-1", 1, &err), 0);
	assert_int_equal(ca_rows(f->st, "KH"), 1);
	/* an unauthorized issuance may be allocated to Japan: no adjustment ... */
	r.period_start = "2024-01-01";
	r.period_end = "2024-12-31";
	r.quantity = 200;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_allocate(c, id, sh, 2, &err), 0);
	assert_int_equal(ca_rows(f->st, "KH"), 1);
	/* ... until it is authorized: Japan's 100 still there are first transferred then */
	assert_int_equal(registry_retire(c, "JP-GOV-1", 1, "voluntary", "Someone", &err), 0);
	assert_int_equal(registry_authorize(c, id, &err), 0);
	assert_int_equal(ca_rows(f->st, "KH"), 2);
	assert_int_equal(ca_at(f->st, "KH", 1, "adjustment"), 100);
	assert_int_equal(ca_at(f->st, "KH", 1, "vintage"), 2024);
	assert_int_equal(ca_at(f->st, "JP", 1, "adjustment"), -100);
	assert_int_equal(ca_at(f->st, "JP", 1, "seq"),
			 store_query_int(f->st, "SELECT MAX(seq) FROM registry_journal WHERE op = 'authorize'", &err));
	verify_ok(f->st);
}

/* Retiring toward an NDC credits the country may not count: refused, named,
 * and nothing changes. */
static void test_ndc_refusals(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	struct registry_share sh[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	char id[REGISTRY_ID_MAX], *before, *after;
	struct c2c_err err;

	open_accounts(c);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_allocate(c, id, sh, 2, &err), 0);
	before = snapshot(f->st);
	/* Japan holds credits of an unauthorized issuance */
	assert_int_equal(registry_retire(c, "JP-GOV-1", 10, "ndc", "Japan NDC", &err), C2C_ECONFLICT);
	assert_string_equal(err.field, "quantity");
	assert_non_null(strstr(err.msg, "account 'JP-GOV-1' holds 0 credits JP may count toward its NDC, cannot retire 10"));
	assert_non_null(strstr(err.msg, "block JCM-KH-003-2023-000001-000500 of issuance KH003-01 is of an unauthorized issuance"));
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(after);
	verify_ok(f->st);
	/* voluntarily it may; the host counts its own */
	assert_int_equal(registry_retire(c, "JP-GOV-1", 10, "voluntary", "Someone", &err), 0);
	assert_int_equal(registry_retire(c, "KH-GOV-1", 10, "ndc", "Cambodia NDC", &err), 0);
	/* the journal says whose NDC */
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM registry_journal WHERE op = 'retire'"
						" AND body LIKE '%\"ndc_country\":\"KH\"%'", &err), 1);
	/* credits that went abroad with an adjustment and came back */
	assert_int_equal(registry_authorize(c, id, &err), 0);
	assert_int_equal(registry_transfer(c, "KH-GOV-1", "JP-ENT-1", 30, &err), 0);
	assert_int_equal(registry_transfer(c, "JP-ENT-1", "KH-ENT-1", 30, &err), 0);
	free(before);
	before = snapshot(f->st);
	assert_int_equal(registry_retire(c, "KH-ENT-1", 1, "ndc", "Cambodia NDC", &err), C2C_ECONFLICT);
	assert_non_null(strstr(err.msg, "account 'KH-ENT-1' holds 0 credits KH may count toward its NDC"));
	assert_non_null(strstr(err.msg, "block JCM-KH-003-2023-000511-000540 of issuance KH003-01 went abroad with a"
					" corresponding adjustment"));
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(after);
	free(before);
	/* Japan, its 490 now adjusted at the authorization, may count them; the
	 * 30 that left it were adjusted too, so KH-ENT-1 may retire them voluntarily only */
	assert_int_equal(registry_retire(c, "JP-GOV-1", 490, "ndc", "Japan NDC", &err), 0);
	assert_int_equal(registry_retire(c, "KH-ENT-1", 30, "voluntary", "Someone", &err), 0);
	verify_ok(f->st);
}

/* The city's books: per vintage, what the host keeps, what went abroad with
 * an adjustment and what each country retired toward its NDC. */
static void test_project_split(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	struct registry_share host[] = {{"KH-GOV-1", 10000}};
	char id[REGISTRY_ID_MAX];
	struct c2c_err err;
	json_t *split, *v;

	open_accounts(c);
	assert_int_equal(registry_project_split(f->st, "KH003", &split, &err), 0);
	assert_int_equal(json_array_size(split), 0);
	json_decref(split);
	assert_int_equal(registry_project_split(f->st, "No such!", &split, &err), C2C_EINPUT);
	assert_string_equal(err.field, "project");
	assert_null(split);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_authorize(c, id, &err), 0);
	assert_int_equal(registry_allocate(c, id, host, 1, &err), 0);
	assert_int_equal(registry_transfer(c, "KH-GOV-1", "JP-ENT-1", 300, &err), 0);
	assert_int_equal(registry_retire(c, "JP-ENT-1", 100, "ndc", "Japan NDC", &err), 0);
	assert_int_equal(registry_retire(c, "JP-ENT-1", 7, "voluntary", "Someone", &err), 0);
	assert_int_equal(registry_retire(c, "KH-GOV-1", 50, "ndc", "Cambodia NDC", &err), 0);
	r.period_start = "2024-01-01";
	r.period_end = "2024-12-31";
	r.quantity = 40;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_project_split(f->st, "KH003", &split, &err), 0);
	assert_int_equal(json_array_size(split), 2);
	v = json_array_get(split, 0);
	assert_int_equal(json_integer_value(json_object_get(v, "vintage")), 2023);
	assert_int_equal(json_integer_value(json_object_get(v, "issued")), 1000);
	assert_int_equal(json_integer_value(json_object_get(v, "transferred_with_ca")), 300);
	assert_int_equal(json_integer_value(json_object_get(v, "host_kept")), 700);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "retired_for_ndc"), "JP")), 100);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "retired_for_ndc"), "KH")), 50);
	assert_int_equal(json_object_size(json_object_get(v, "retired_for_ndc")), 2);
	v = json_array_get(split, 1);
	assert_int_equal(json_integer_value(json_object_get(v, "vintage")), 2024);
	assert_int_equal(json_integer_value(json_object_get(v, "issued")), 40);
	assert_int_equal(json_integer_value(json_object_get(v, "host_kept")), 40);
	assert_int_equal(json_integer_value(json_object_get(v, "transferred_with_ca")), 0);
	assert_int_equal(json_object_size(json_object_get(v, "retired_for_ndc")), 0);
	json_decref(split);
	verify_ok(f->st);
}

/* -------------------------------------------------------------- tampering */

static void build_some_history(struct fixture *f)
{
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	struct registry_share sh[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	char id[REGISTRY_ID_MAX];
	struct c2c_err err;
	open_accounts(&f->c);
	assert_int_equal(registry_issue(&f->c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_authorize(&f->c, id, &err), 0);
	assert_int_equal(registry_allocate(&f->c, id, sh, 2, &err), 0);
	assert_int_equal(registry_transfer(&f->c, "JP-GOV-1", "JP-ENT-1", 100, &err), 0);
	assert_int_equal(registry_retire(&f->c, "JP-ENT-1", 10, "ndc", "Japan", &err), 0);
	verify_ok(f->st);
}

static void expect_broken(struct store *st, const char *sql, const char *want)
{
	struct registry_verify_report r;
	struct c2c_err err;
	assert_int_equal(store_exec(st, sql, &err), 0);
	assert_int_equal(registry_verify(st, &r, &err), C2C_ECONFLICT);
	if (!strstr(err.msg, want))
		fail_msg("after %s: verify said '%s', wanted '%s'", sql, err.msg, want);
}

static void test_tamper_block(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	/* give JP-ENT-1 one more credit out of thin air, balance adjusted too */
	expect_broken(f->st, "UPDATE registry_blocks SET last_serial = last_serial + 1 WHERE account_id = 'KH-GOV-1';",
		      "issued but");
}

static void test_tamper_block_owner(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	/* move a block behind the registry's back, balances and all: only the replay sees it */
	expect_broken(f->st, "UPDATE registry_blocks SET account_id = 'KH-ENT-1' WHERE account_id = 'JP-ENT-1' AND state = 'active';"
			     "UPDATE registry_accounts SET balance = (SELECT COALESCE(SUM(last_serial - first_serial + 1), 0)"
			     " FROM registry_blocks b WHERE b.account_id = registry_accounts.id);",
		      "is not what the journal records");
}

static void test_tamper_journal(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	expect_broken(f->st, "UPDATE registry_journal SET body = replace(body, '\"quantity\":100', '\"quantity\":1000') WHERE op = 'transfer';",
		      "journal entry 8 has been altered");
}

static void test_tamper_journal_delete(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	expect_broken(f->st, "DELETE FROM registry_journal WHERE seq = 6;", "journal entry 7");
}

static void test_tamper_balance(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	expect_broken(f->st, "UPDATE registry_accounts SET balance = balance + 5 WHERE id = 'KH-GOV-1';",
		      "account KH-GOV-1: balance says");
}

static void test_tamper_issuance_basis(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	/* the verification an issuance names is the one its journal entry has */
	expect_broken(f->st, "UPDATE registry_issuances SET external_verification = NULL;",
		      "issuance KH003-01: the report or external verification it names is not what the journal records");
}

static void test_tamper_issuance_report(void **state)
{
	struct fixture *f = *state;
	build_some_history(f);
	expect_broken(f->st, "UPDATE registry_issuances SET report_id = 1;",
		      "issuance KH003-01: the report or external verification it names is not what the journal records");
}

/* ------------------------------------------- no credit without a report */

static void test_issue_needs_a_basis(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	char id[REGISTRY_ID_MAX], *before, *after;
	struct c2c_err err;

	open_accounts(c);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	before = snapshot(f->st);
	r.period_start = "2024-01-01";
	r.period_end = "2024-12-31";
	r.external_verification = NULL;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "no credit without a verified report"));
	assert_string_equal(err.field, "report");
	r.external_verification = "V-2";
	r.report = 3;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "not both"));
	r.report = 0;
	r.source = "";
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EUSAGE);
	assert_string_equal(err.field, "source");
	r.source = "JC decision";
	r.external_verification = "";
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EINPUT);
	assert_string_equal(err.field, "external_verification");
	r.external_verification = "V-2";
	r.project = "pj-nowhere";
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "project 'pj-nowhere' is no MRV project (c2c mrv project add) and not a JCM "
				     "reference like KH003 whose letters name the host");
	r.project = "KH003";
	r.external_verification = NULL;
	r.report = 7;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_EUSAGE);
	assert_string_equal(err.msg, "a report gives the project, period and verified ER; do not give them too");
	r.project = r.period_start = r.period_end = NULL;
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), C2C_ENOTFOUND);
	assert_string_equal(err.msg, "report 7 does not exist");
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
	verify_ok(f->st);
}

/* registry_project_life: what was issued, where it is, what it adjusted */
static void test_project_life(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_issue_req r = EXT("KH003", "2023-01-01", "2023-12-31", 1000, 0);
	struct registry_share sh[] = {{"JP-GOV-1", 5000}, {"KH-GOV-1", 5000}};
	char id[REGISTRY_ID_MAX], *s;
	struct c2c_err err;
	json_t *life;

	open_accounts(c);
	assert_int_equal(registry_project_life(f->st, "KH003", &life, &err), 0);
	s = json_dumps(life, JSON_COMPACT);
	assert_string_equal(s, "{\"issuances\":[],\"holdings\":[],\"ca\":[]}");
	free(s);
	json_decref(life);
	assert_int_equal(registry_issue(c, &r, id, sizeof(id), &err), 0);
	assert_int_equal(registry_allocate(c, id, sh, 2, &err), 0);
	assert_int_equal(registry_authorize(c, id, &err), 0);
	/* the authorization after the allocation first-transfers Japan's 500 (KH +500, JP -500),
	 * the transfer 10 more */
	assert_int_equal(registry_transfer(c, "KH-GOV-1", "JP-ENT-1", 10, &err), 0);
	assert_int_equal(registry_retire(c, "JP-GOV-1", 100, "ndc", "Japan NDC", &err), 0);
	assert_int_equal(registry_project_life(f->st, "KH003", &life, &err), 0);
	s = json_dumps(life, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"ca\":[{\"country\":\"JP\",\"issuance\":\"KH003-01\",\"quantity\":-510,\"vintage\":2023},"
			       "{\"country\":\"KH\",\"issuance\":\"KH003-01\",\"quantity\":510,\"vintage\":2023}],"
			       "\"holdings\":[{\"account\":\"JP-ENT-1\",\"country\":\"JP\",\"quantity\":10,\"state\":\"active\"},"
			       "{\"account\":\"JP-GOV-1\",\"country\":\"JP\",\"quantity\":400,\"state\":\"active\"},"
			       "{\"account\":\"JP-RETIREMENT\",\"country\":\"JP\",\"quantity\":100,\"state\":\"retired\"},"
			       "{\"account\":\"KH-GOV-1\",\"country\":\"KH\",\"quantity\":490,\"state\":\"active\"}],"
			       "\"issuances\":[{\"authorized\":true,\"external_verification\":\"test: verification report V-1\","
			       "\"id\":\"KH003-01\",\"period_end\":\"2023-12-31\",\"period_start\":\"2023-01-01\","
			       "\"quantity\":1000,\"report\":null,\"source\":\"test fixture\",\"vintage\":2023}]}");
	free(s);
	json_decref(life);
	verify_ok(f->st);
}

/* The adjustments are proved from the journal too: a registry_ca row or a
 * block's ca_done changed behind the registry's back is found.  Each change
 * is undone before the next, and verify passes again. */
static void test_tamper_ca(void **state)
{
	static const struct {
		const char *sql, *undo, *want;
	} cases[] = {
		{"UPDATE registry_ca SET quantity = quantity + 1 WHERE country = 'JP';",
		 "UPDATE registry_ca SET quantity = quantity - 1 WHERE country = 'JP';",
		 "stored corresponding adjustment JP -499 (KH003-01 serials 1..500, vintage 2023, entry 7) is not what"
		 " the journal records"},
		{"DELETE FROM registry_ca WHERE country = 'KH';",
		 "INSERT INTO registry_ca VALUES (7, 'KH', 2023, 500, 'KH003-01', 1, 500);",
		 "the journal gives the corresponding adjustment KH +500 (KH003-01 serials 1..500, vintage 2023,"
		 " entry 7), but registry_ca does not hold it"},
		/* Japan's credits made to look unadjusted: Cambodia could count them again */
		{"UPDATE registry_blocks SET ca_done = 0 WHERE account_id = 'JP-ENT-1';",
		 "UPDATE registry_blocks SET ca_done = 1 WHERE account_id = 'JP-ENT-1';",
		 "stored block KH003-01 serials 11..100 in JP-ENT-1 (active) is not what the journal records"},
		{"UPDATE registry_blocks SET ca_done = 1 WHERE account_id = 'KH-GOV-1';",
		 "UPDATE registry_blocks SET ca_done = 0 WHERE account_id = 'KH-GOV-1';",
		 "stored block KH003-01 serials 501..1000 in KH-GOV-1 (active, adjusted) is not what the journal records"},
	};
	struct fixture *f = *state;
	struct c2c_err err;
	build_some_history(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_broken(f->st, cases[i].sql, cases[i].want);
		assert_int_equal(store_exec(f->st, cases[i].undo, &err), 0);
		verify_ok(f->st);
	}
}

/* Recompute the whole chain after a test rewrote entries: a forger who
 * can write the database can do this too, so only the replay catches it. */
static void rehash_journal(struct store *st)
{
	json_t *rows, *e;
	char prev[65], hash[65];
	struct c2c_err err;
	size_t i;

	assert_int_equal(store_rows_json(st, "SELECT seq, at, user_name, op, body FROM registry_journal ORDER BY seq",
					 STORE_NOARGS, NULL, &rows, &err), 0);
	memset(prev, '0', 64);
	prev[64] = '\0';
	json_array_foreach(rows, i, e) {
		json_int_t seq = json_integer_value(json_object_get(e, "seq"));
		registry_entry_hash(prev, seq, json_string_value(json_object_get(e, "at")),
				    json_string_value(json_object_get(e, "user_name")), json_string_value(json_object_get(e, "op")),
				    json_string_value(json_object_get(e, "body")), hash);
		assert_int_equal(store_exec_args(st, "UPDATE registry_journal SET prev_hash = ?, hash = ? WHERE seq = ?",
						 STORE_ARGS(store_text(prev), store_text(hash), store_int(seq)), &err), 0);
		memcpy(prev, hash, sizeof(prev));
	}
	json_decref(rows);
}

/* A journal rewritten whole, its chain recomputed, with the allocation's
 * adjustments and their rows gone: the replay applies the rule itself. */
static void test_forged_journal_without_ca(void **state)
{
	struct fixture *f = *state;
	struct registry_verify_report rep;
	struct c2c_err err;
	json_t *rows, *e;

	build_some_history(f);
	assert_int_equal(store_rows_json(f->st, "SELECT seq, at, user_name, op, body FROM registry_journal ORDER BY seq",
					 STORE_NOARGS, NULL, &rows, &err), 0);
	e = json_array_get(rows, 6);
	assert_string_equal(json_string_value(json_object_get(e, "op")), "allocate");
	{
		json_t *body = json_loads(json_string_value(json_object_get(e, "body")), 0, NULL);
		char *text;
		assert_int_equal(json_array_size(json_object_get(body, "adjustments")), 2);
		json_object_set_new(body, "adjustments", json_array());
		text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
		json_object_set_new(e, "body", json_string(text));
		assert_int_equal(store_exec_args(f->st, "UPDATE registry_journal SET body = ? WHERE seq = 7",
						 STORE_ARGS(store_text(text)), &err), 0);
		free(text);
		json_decref(body);
	}
	assert_int_equal(store_exec(f->st, "DELETE FROM registry_ca; UPDATE registry_blocks SET ca_done = 0;", &err), 0);
	json_decref(rows);
	rehash_journal(f->st);
	assert_int_equal(registry_verify(f->st, &rep, &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "journal entry 7: lacks a corresponding adjustment the rule gives");
}

/* --------------------------------------------------------- four-eyes */

static int may_decide_yes(void *arg, const char *country, struct c2c_err *err)
{
	(void)arg, (void)country, (void)err;
	return 0;
}

/* One registrar cannot approve its own proposal (issue 16); a proposal
 * holds nothing until another approves it, and is carried out then; the
 * proof replays it, and a journal rewritten to skip the approval, or a
 * proposal row edited, is caught. */
static void test_four_eyes(void **state)
{
	struct fixture *f = *state;
	struct registry_ctx *c = &f->c;
	struct registry_proposal_req p = {.operation = "transfer", .from = "JP-ENT-1", .to = "JP-GOV-1", .quantity = 20};
	struct registry_verify_report rep;
	struct c2c_err err;
	int64_t id, ent = 0, gov = 0;
	char *before;

	build_some_history(f);
	assert_int_equal(registry_four_eyes_set(c, "JP", 1, 10, 3600, &err), 0);
	assert_int_equal(registry_transfer(c, "JP-ENT-1", "JP-GOV-1", 11, &err), C2C_EFORBIDDEN);
	assert_string_equal(err.field, "quantity");
	assert_int_equal(registry_retire(c, "JP-ENT-1", 1, "voluntary", "X", &err), C2C_EFORBIDDEN);
	assert_int_equal(registry_transfer(c, "JP-ENT-1", "JP-GOV-1", 10, &err), 0); /* at the threshold */
	ent = balance(f->st, "JP-ENT-1");
	gov = balance(f->st, "JP-GOV-1");
	c->user = "alice";
	assert_int_equal(registry_propose(c, &p, &id, &err), 0);
	assert_int_equal(balance(f->st, "JP-ENT-1"), ent); /* a proposal holds nothing */
	before = snapshot(f->st);
	assert_int_equal(registry_approve(c, id, may_decide_yes, NULL, &err), C2C_EFORBIDDEN);
	assert_non_null(strstr(err.msg, "another registrar must approve it"));
	c->user = "bob";
	assert_int_equal(registry_approve(c, id, NULL, NULL, &err), C2C_EFORBIDDEN); /* no registrar check: no one */
	{
		char *after = snapshot(f->st);
		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	assert_int_equal(registry_approve(c, id, may_decide_yes, NULL, &err), 0);
	assert_int_equal(balance(f->st, "JP-ENT-1"), ent - 20);
	assert_int_equal(balance(f->st, "JP-GOV-1"), gov + 20);
	assert_int_equal(registry_approve(c, id, may_decide_yes, NULL, &err), C2C_ECONFLICT); /* once */
	verify_ok(f->st);

	/* a proposal row edited behind the registry's back */
	expect_broken(f->st, "UPDATE registry_proposals SET proposed_by = 'bob';", "stored proposal");
	assert_int_equal(store_exec(f->st, "UPDATE registry_proposals SET proposed_by = 'alice';", &err), 0);
	verify_ok(f->st);
	/* the journal rewritten (chain recomputed) so that the transfer does
	 * not name its approval: a movement the registry required approved */
	{
		json_t *e = NULL, *body;
		char *text;
		assert_int_equal(store_row_json(f->st, "SELECT seq, body FROM registry_journal WHERE op = 'transfer' ORDER BY seq DESC",
						STORE_NOARGS, NULL, "entry", &e, &err), 0);
		body = json_loads(json_string_value(json_object_get(e, "body")), 0, NULL);
		assert_int_equal(json_integer_value(json_object_get(body, "proposal")), id);
		json_object_del(body, "proposal");
		text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
		assert_int_equal(store_exec_args(f->st, "UPDATE registry_journal SET body = ? WHERE seq = ?",
						 STORE_ARGS(store_text(text), store_int(json_integer_value(json_object_get(e, "seq")))),
						 &err), 0);
		free(text);
		json_decref(body);
		json_decref(e);
	}
	rehash_journal(f->st);
	assert_int_equal(registry_verify(f->st, &rep, &err), C2C_ECONFLICT);
	assert_non_null(strstr(err.msg, "moves credits without the four-eyes approval its registry required"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_largest_remainder),
		cmocka_unit_test(test_shares_and_serials),
		cmocka_unit_test(test_replay_map),
		cmocka_unit_test(test_replay_body),
		cmocka_unit_test_setup_teardown(test_scenario, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_property_random_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_many_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_adjusts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ndc_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_block_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_journal_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_balance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_issuance_basis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_issuance_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issue_needs_a_basis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_life, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_journal_without_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_four_eyes, setup, teardown),
	};
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
