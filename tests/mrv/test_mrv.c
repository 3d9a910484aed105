/*
 * test_mrv.c - the MRV module's arithmetic and ingest against hand-computed
 * cases: each methodology family's equation (with ER exactly on a whole
 * tonne and a millionth under it), the fixed-point and timestamp parsers,
 * gaps, out-of-period rows, cumulative registers with a replacement, the
 * calibration correction, and every data error with its row and column;
 * parameter values per unit (meter): the equation over units, their checks,
 * the --units file and the calculation over a data file with them; a
 * project linked to its atlas project and its life as `projects show` reads
 * it (mrv_project_life), on a real database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atlas/atlas.h"
#include "mrv/mrv.h"
#include "testdb.h"

static int64_t M(const char *s)
{
	int64_t v = -1;
	assert_int_equal(mrv_parse_micro(s, strlen(s), 1, &v), 0);
	return v;
}

static void test_parse_micro(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(M("12.5"), 12500000);
	assert_int_equal(M("0.000001"), 1);
	assert_int_equal(M("7"), 7000000);
	assert_int_equal(M("-1.5"), -1500000);
	assert_int_not_equal(mrv_parse_micro("1e3", 3, 0, &v), 0);
	assert_int_not_equal(mrv_parse_micro("1.", 2, 0, &v), 0);
	assert_int_not_equal(mrv_parse_micro("", 0, 0, &v), 0);
	assert_int_not_equal(mrv_parse_micro(" 1", 2, 0, &v), 0);
	assert_int_not_equal(mrv_parse_micro("0.0000001", 9, 1, &v), 0); /* strict: 7 decimals */
	assert_int_equal(mrv_parse_micro("0.0000019", 9, 0, &v), 0);     /* data: truncated */
	assert_int_equal(v, 1);
	char b[32];
	mrv_format_micro(12500000, b, sizeof(b));
	assert_string_equal(b, "12.5");
	mrv_format_micro(-1, b, sizeof(b));
	assert_string_equal(b, "-0.000001");
}

static void test_timestamps(void **state)
{
	int64_t t;
	char b[32];
	(void)state;
	assert_int_equal(mrv_parse_timestamp("2024-01-01T00:00:00Z", 20, &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(mrv_parse_timestamp("2024-01-01T07:00+07:00", 22, &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(mrv_parse_timestamp("2024-02-29T12:30:15.250-05:30", 29, &t), 0);
	mrv_format_timestamp(t, b, sizeof(b));
	assert_string_equal(b, "2024-02-29T18:00:15Z");
	assert_int_not_equal(mrv_parse_timestamp("2023-02-29T00:00:00Z", 20, &t), 0); /* not a leap year */
	assert_int_not_equal(mrv_parse_timestamp("2024-01-01T00:00:00", 19, &t), 0);  /* no offset */
	assert_int_not_equal(mrv_parse_timestamp("2024-01-01T24:00:00Z", 20, &t), 0);
	assert_int_not_equal(mrv_parse_timestamp("2024-13-01T00:00:00Z", 20, &t), 0);
	assert_int_equal(mrv_parse_date("2024-12-31", &t), 0);
	mrv_format_timestamp(t, b, sizeof(b));
	assert_string_equal(b, "2024-12-31T00:00:00Z");
}

/* ER for a methodology with the monitored total q and the other
 * parameters in the order of its table. */
static struct mrv_result eq(const char *id, const char *q, const char *p1, const char *p2, const char *p3,
			    const char *p4)
{
	const struct mrv_methodology *m = mrv_methodology_find(id);
	const char *ps[] = {q, p1, p2, p3, p4};
	int64_t pv[MRV_MAX_PARAMS] = {0};
	struct mrv_result r = {0};
	struct c2c_err err;
	assert_non_null(m);
	for (size_t i = 0; i < m->nparams; i++)
		pv[i] = M(ps[i]);
	assert_int_equal(mrv_equation(m, pv[0], pv, &r, &err), 0);
	return r;
}

static void test_solar_pv(void **state)
{
	struct mrv_result r;
	(void)state;
	/* 1000 MWh x 0.533 tCO2/MWh = 533 t */
	r = eq("KH_AM002", "1000", "0.533", NULL, NULL, NULL);
	assert_int_equal(r.re_micro, 533000000);
	assert_int_equal(r.pe_micro, 0);
	assert_int_equal(r.er_tco2e, 533);
	/* the rounding edge: 200 MWh x 0.5 = 100 t exactly; 199.999998 x 0.5 = 99.999999 t */
	r = eq("KH_AM002", "200", "0.5", NULL, NULL, NULL);
	assert_int_equal(r.er_micro, 100000000);
	assert_int_equal(r.er_tco2e, 100);
	r = eq("TH_AM001", "199.999998", "0.5", NULL, NULL, NULL);
	assert_int_equal(r.er_micro, 99999999);
	assert_int_equal(r.er_tco2e, 99);
	/* below a millionth of a tonne: 0.000001 MWh x 0.5 = 5e-7 t, ER 0 */
	r = eq("KE_AM002", "0.000001", "0.5", NULL, NULL, NULL);
	assert_int_equal(r.er_micro, 0);
	assert_int_equal(r.er_tco2e, 0);
}

static void test_chiller(void **state)
{
	struct mrv_result r;
	(void)state;
	/* EC 347.2 MWh, COP 6.2 vs 5.0, EF 0.8: RE = 347.2 x 1.24 x 0.8 = 344.4224,
	 * PE = 277.76, ER = 66.6624 -> 66 */
	r = eq("ID_AM002", "347.2", "6.2", "5.0", "0.8", NULL);
	assert_int_equal(r.re_micro, 344422400);
	assert_int_equal(r.pe_micro, 277760000);
	assert_int_equal(r.er_micro, 66662400);
	assert_int_equal(r.er_tco2e, 66);
	/* ER exactly 1 t: EC 5, COP 6/5, EF 1 -> RE 6, PE 5 */
	r = eq("TH_AM005", "5", "6", "5", "1", NULL);
	assert_int_equal(r.er_micro, 1000000);
	assert_int_equal(r.er_tco2e, 1);
	/* ratio 4/3 with EC 3 and EF 1: RE = 4 exactly, ER = 1 */
	r = eq("ID_AM004", "3", "4", "3", "1", NULL);
	assert_int_equal(r.er_tco2e, 1);
	/* RE that does not divide: EC 1, COP 2/3, EF 3 -> RE = 2 exactly; EC 1, 1/3, EF 1
	 * -> RE 0.333333 (rounded down), PE 1, ER negative */
	r = eq("ID_AM002", "1", "1", "3", "1", NULL);
	assert_int_equal(r.re_micro, 333333);
	assert_int_equal(r.er_micro, -666667);
	assert_int_equal(r.er_tco2e, -1);
}

static void test_led(void **state)
{
	struct mrv_result r;
	(void)state;
	/* EC 100 MWh, eta 120 vs 60 lm/W, EF 0.7: RE 140, PE 70, ER 70 */
	r = eq("ID_AM020", "100", "120", "60", "0.7", NULL);
	assert_int_equal(r.re_micro, 140000000);
	assert_int_equal(r.pe_micro, 70000000);
	assert_int_equal(r.er_tco2e, 70);
	/* just under: EC 99.999999 -> ER 69.9999993 -> 69 */
	r = eq("TH_AM016", "99.999999", "120", "60", "0.7", NULL);
	assert_int_equal(r.er_micro, 69999999);
	assert_int_equal(r.er_tco2e, 69);
}

static void test_boiler(void **state)
{
	struct mrv_result r;
	(void)state;
	/* FC 100 kL, NCV 38.5 GJ/kL, EF 0.0693 tCO2/GJ, eta 0.95 vs 0.80:
	 * PE = 266.805, RE = 266.805 x 1.1875 = 316.830937..., ER 50.025937... */
	r = eq("BOILER", "100", "38.5", "0.0693", "0.95", "0.80");
	assert_int_equal(r.pe_micro, 266805000);
	assert_int_equal(r.re_micro, 316830937);
	assert_int_equal(r.er_tco2e, 50);
	/* exactly 1 t: FC 1, NCV 1, EF 1, eta 2 vs 1 */
	r = eq("BOILER", "1", "1", "1", "2", "1");
	assert_int_equal(r.er_micro, 1000000);
	assert_int_equal(r.er_tco2e, 1);
}

/* RE_p = sum_i EC_PJ,i,p x COP_PJ,i / COP_RE,i x EF_elec with each chiller's
 * own COPs, against the hand-computed sums. */
static void test_equation_units(void **state)
{
	const struct mrv_methodology *ch = mrv_methodology_find("ID_AM002"), *pv = mrv_methodology_find("KH_AM002");
	struct mrv_result r = {0}, avg;
	struct c2c_err err;
	(void)state;
	{
		/* CH-01: 100 MWh x 6/4 = 150 t; CH-02: 300 MWh x 5/5 = 300 t; EF 1: RE 450, PE 400, ER 50 */
		int64_t q[2] = {M("100"), M("300")};
		int64_t v[2][MRV_MAX_PARAMS] = {{0, M("6"), M("4"), M("1")}, {0, M("5"), M("5"), M("1")}};
		assert_int_equal(mrv_equation_units(ch, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err), 0);
		assert_int_equal(r.re_micro, 450 * MRV_SCALE);
		assert_int_equal(r.pe_micro, 400 * MRV_SCALE);
		assert_int_equal(r.er_tco2e, 50);
		assert_int_equal(r.monitored_micro, 400 * MRV_SCALE);
		/* the average COPs (5.5 and 4.5) over the 400 MWh give RE 488.888888 and ER 88: not the same */
		avg = eq("ID_AM002", "400", "5.5", "4.5", "1", NULL);
		assert_int_equal(avg.re_micro, 488888888);
		assert_int_equal(avg.er_tco2e, 88);
	}
	{
		/* units sharing a reference COP are summed before the one division:
		 * 1 MWh x 1/3 + 1 MWh x 2/3 = exactly 1 t, as one unit of 1 MWh x 3/3 */
		int64_t q[2] = {M("1"), M("1")};
		int64_t v[2][MRV_MAX_PARAMS] = {{0, M("1"), M("3"), M("1")}, {0, M("2"), M("3"), M("1")}};
		assert_int_equal(mrv_equation_units(ch, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err), 0);
		assert_int_equal(r.re_micro, 1000000);
		/* different reference COPs are each rounded down: 1/3 + 1/6 = 0.333333333333 + 0.166666666666
		 * (1e-12 t) = 0.499999 t, never 0.5 */
		v[1][1] = M("1");
		v[1][2] = M("6");
		assert_int_equal(mrv_equation_units(ch, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err), 0);
		assert_int_equal(r.re_micro, 499999);
		assert_int_equal(r.pe_micro, 2000000);
	}
	{
		/* three units with the same values give exactly what their total gives */
		int64_t q[3] = {M("0.000001"), M("123.456789"), M("7")};
		int64_t v[3][MRV_MAX_PARAMS] = {{0, M("6.2"), M("5.3"), M("0.77")}, {0, M("6.2"), M("5.3"), M("0.77")},
					       {0, M("6.2"), M("5.3"), M("0.77")}};
		struct mrv_result tot = eq("TH_AM005", "130.45679", "6.2", "5.3", "0.77", NULL);
		assert_int_equal(mrv_equation_units(ch, 3, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err), 0);
		assert_int_equal(r.re_micro, tot.re_micro);
		assert_int_equal(r.pe_micro, tot.pe_micro);
		assert_int_equal(r.er_micro, tot.er_micro);
	}
	{
		/* solar PV, one system on the grid (0.5) and one off-grid displacing diesel (0.8):
		 * 100 MWh x 0.5 + 50 MWh x 0.8 = 90 t */
		int64_t q[2] = {M("100"), M("50")};
		int64_t v[2][MRV_MAX_PARAMS] = {{0, M("0.5")}, {0, M("0.8")}};
		assert_int_equal(mrv_equation_units(pv, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err), 0);
		assert_int_equal(r.re_micro, 90 * MRV_SCALE);
		assert_int_equal(r.er_tco2e, 90);
		/* a unit's zero is refused like a project-wide one */
		v[1][1] = 0;
		assert_int_equal(mrv_equation_units(pv, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])v, &r, &err),
				 C2C_EINPUT);
		assert_non_null(strstr(err.msg, "EF_RE must be greater than zero"));
	}
}

static void test_lookup(void **state)
{
	(void)state;
	assert_ptr_equal(mrv_methodology_find("TH_AM001"), mrv_methodology_find("KH_AM002"));
	assert_ptr_equal(mrv_methodology_find("TH_AM005"), mrv_methodology_find("ID_AM002"));
	assert_null(mrv_methodology_find("XX_AM999"));
	assert_string_equal(mrv_monitored_param(mrv_methodology_find("ID_AM020"))->symbol, "EC_PJ");
}

/* Every parameter is either monitored or fixed ex ante by the methodology
 * or the project; the one --data gives (the first) is never per unit (a
 * second monitored one, VN_AM003's fuel, may be), and the chiller's COPs
 * are. */
static void test_param_marks(void **state)
{
	size_t n, idx;
	const struct mrv_methodology *t = mrv_methodologies(&n), *ch = mrv_methodology_find("ID_AM004");
	(void)state;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < t[k].nparams; i++) {
			const struct mrv_param *p = &t[k].params[i];
			if (p->monitored) {
				assert_null(p->fixed_by);
				if (i == 0)
					assert_false(p->per_unit);
			} else {
				assert_non_null(p->fixed_by);
				assert_true(!strcmp(p->fixed_by, MRV_FIXED_METHODOLOGY) || !strcmp(p->fixed_by, MRV_FIXED_PROJECT));
			}
		}
	assert_true(mrv_param_find(ch, "cop_pj", &idx)->per_unit);
	assert_int_equal(idx, 1);
	assert_string_equal(ch->params[1].fixed_by, MRV_FIXED_PROJECT);
	assert_string_equal(ch->params[2].fixed_by, MRV_FIXED_METHODOLOGY);
	assert_false(mrv_param_find(ch, "EF_elec", NULL)->per_unit);
	assert_false(mrv_param_find(mrv_methodology_find("ID_AM020"), "ETA_PJ", NULL)->per_unit);
	assert_true(mrv_param_find(mrv_methodology_find("KH_AM002"), "EF_RE", NULL)->per_unit);
	assert_null(mrv_param_find(ch, "XX", NULL));
}

/* ------------------------------------------------------------ ingest */

static char path[64];

static void write_file(const char *text)
{
	FILE *fp;
	snprintf(path, sizeof(path), "/tmp/c2c-mrv-%d.csv", (int)getpid());
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
}

static int ingest(const char *text, int cumulative, size_t max_errors, const struct mrv_meter_info *mi,
		  struct mrv_ingest_result *res, struct c2c_err *err)
{
	struct mrv_ingest_opts o = {0};
	write_file(text);
	mrv_parse_date("2024-01-01", &o.from);
	mrv_parse_date("2024-01-02", &o.to); /* one day */
	o.path = path;
	o.cumulative = cumulative;
	o.unit_divisor = 1;
	o.max_errors = max_errors;
	o.meters = mi;
	o.nmeters = mi ? 1 : 0;
	o.want_sha256 = 1;
	return mrv_ingest(&o, res, err);
}

static void test_ingest_gaps(void **state)
{
	struct mrv_ingest_result r;
	struct c2c_err err;
	(void)state;
	/* hourly, any order, 03:00 and 04:00 missing, 22:00-23:00 missing, one row outside */
	const char *csv = "meter_id,timestamp,value\r\n"
			  "A,2024-01-01T01:00:00Z,1.5\r\n"
			  "A,2024-01-01T00:00:00Z,1\r\n"
			  "A,2024-01-01T02:00:00Z,2\n"
			  "A,2024-01-01T12:00:00+07:00,1\n" /* 05:00Z */
			  "A,2023-12-31T23:00:00Z,100\n"
			  "B,2024-01-01T00:00:00Z,0.25\n"
			  "A,2024-01-01T21:00:00Z,1";
	for (int h = 6; h <= 20; h++) {
		char line[64];
		static char big[2048];
		if (h == 6)
			snprintf(big, sizeof(big), "%s", csv);
		snprintf(line, sizeof(line), "\nA,2024-01-01T%02d:00:00Z,1", h);
		strncat(big, line, sizeof(big) - strlen(big) - 1);
		csv = big;
	}
	assert_int_equal(ingest(csv, 0, 1, NULL, &r, &err), 0);
	assert_int_equal(r.rows, 22);
	assert_int_equal(r.rows_skipped, 1);
	assert_int_equal(r.nmeters, 2);
	assert_string_equal(r.meter[0].id, "A");
	assert_int_equal(r.meter[0].rows, 20);
	assert_int_equal(r.meter[0].interval, 3600);
	assert_int_equal(r.meter[0].sum_micro, 1000000 + 1500000 + 2000000 + 17000000);
	assert_int_equal(r.meter[0].gap_count, 2);
	assert_int_equal(r.meter[0].gaps[0].start, 1704067200 + 3 * 3600);
	assert_int_equal(r.meter[0].gaps[0].length, 2 * 3600);
	assert_int_equal(r.meter[0].gaps[1].length, 2 * 3600); /* 22:00 and 23:00 */
	assert_int_equal(r.total_micro, 21500000 + 250000);
	assert_int_equal(strlen(r.sha256), 64);
	mrv_ingest_result_free(&r);
}

static void expect_error(const char *csv, const char *needle)
{
	struct mrv_ingest_result r;
	struct c2c_err err;
	int rc = ingest(csv, 0, 1, NULL, &r, &err);
	assert_int_equal(rc, C2C_EINPUT);
	if (!strstr(err.msg, needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, needle);
		fail();
	}
	mrv_ingest_result_free(&r);
}

static void test_ingest_errors(void **state)
{
	struct mrv_ingest_result r;
	struct c2c_err err;
	(void)state;
	expect_error("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,1\nA,2024-01-01T00:00:00Z,2\n",
		     "row 3, column 2 (timestamp): meter A already has a reading at 2024-01-01T00:00:00Z (duplicate)");
	expect_error("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,-1\n", "row 2, column 3 (value): -1 is negative");
	expect_error("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,abc\n",
		     "row 2, column 3 (value): 'abc' is not a number");
	expect_error("meter_id,timestamp,value\nA,2024-02-30T00:00:00Z,1\n",
		     "row 2, column 2 (timestamp): '2024-02-30T00:00:00Z' is not an ISO 8601 timestamp");
	expect_error("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,1,2\n", "row 2: 4 columns, expected 3");
	expect_error("meter_id,timestamp,value\nA\n", "row 2: 1 column, expected 3");
	expect_error("meter,ts,v\n", "row 1: the header must be");
	expect_error("meter_id,timestamp,value\nA B,2024-01-01T00:00:00Z,1\n", "column 1 (meter_id)");
	/* several errors listed, then the stop */
	assert_int_equal(ingest("meter_id,timestamp,value\nA,x,1\nA,2024-01-01T00:00:00Z,-2\nA,y,1\nA,z,1\n", 0, 3,
				NULL, &r, &err), C2C_EINPUT);
	assert_int_equal(r.nerrors, 3);
	assert_int_equal(json_array_size(r.errors), 3);
	mrv_ingest_result_free(&r);
}

/* The word-at-a-time row scanner against the careful parser: every value
 * shape (1 to 13 integer digits, 0 to 12 decimals, CR LF) must give what
 * mrv_parse_micro gives.  Each meter has three rows so the third takes the
 * predicted-slot path. */
static void test_ingest_fast_path(void **state)
{
	static const char *const vals[] = {"0", "7", "12", "123.4", "99999999", "123456789", "123456789012",
					   "1234567890123", "0.1", "0.123456", "0.1234567", "1.12345678",
					   "1.123456789012", "5.000000001", "00012.50", "12345678.87654321", "8.5\r"};
	enum { NV = sizeof(vals) / sizeof(vals[0]) };
	static char csv[8192];
	struct mrv_ingest_result r;
	struct c2c_err err;
	size_t len;
	(void)state;
	len = (size_t)snprintf(csv, sizeof(csv), "meter_id,timestamp,value\n");
	for (int h = 0; h < 3; h++)
		for (int i = 0; i < NV; i++)
			len += (size_t)snprintf(csv + len, sizeof(csv) - len, "V%02d,2024-01-01T%02d:00:00Z,%s\n", i, h,
						h < 2 ? "0" : vals[i]);
	assert_int_equal(ingest(csv, 0, 1, NULL, &r, &err), 0);
	assert_int_equal(r.nmeters, NV);
	for (int i = 0; i < NV; i++) {
		int64_t want;
		size_t n = strlen(vals[i]);
		if (vals[i][n - 1] == '\r')
			n--;
		assert_int_equal(mrv_parse_micro(vals[i], n, 0, &want), 0);
		assert_int_equal(r.meter[i].rows, 3);
		if (r.meter[i].sum_micro != want) {
			fprintf(stderr, "value '%s': %lld, want %lld\n", vals[i], (long long)r.meter[i].sum_micro,
				(long long)want);
			fail();
		}
	}
	mrv_ingest_result_free(&r);

	/* many meters of every id length in an order no prediction follows:
	 * the hash table finds each one again */
	len = (size_t)snprintf(csv, sizeof(csv), "meter_id,timestamp,value\n");
	for (int h = 0; h < 2; h++)
		for (int i = 0; i < 40; i++) {
			int k = h ? 39 - (i * 7) % 40 : i;
			len += (size_t)snprintf(csv + len, sizeof(csv) - len, "%.*s%d,2024-01-01T%02d:00:00Z,%d\n", k % 20,
						"meter-with-long-id-", k, h, k);
		}
	assert_int_equal(ingest(csv, 0, 1, NULL, &r, &err), 0);
	assert_int_equal(r.nmeters, 40);
	for (size_t i = 0; i < r.nmeters; i++) {
		assert_int_equal(r.meter[i].rows, 2);
		assert_int_equal(r.meter[i].sum_micro, 2 * 1000000 * strtoll(r.meter[i].id + strcspn(r.meter[i].id, "0123456789"), NULL, 10));
	}
	mrv_ingest_result_free(&r);
	expect_error("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,1\nA,2024-01-01T01:00:00Z,1\n"
		     "A,2024-01-01T01:00:00Z,2\n", "row 4, column 2 (timestamp): meter A already has a reading");
}

static void test_ingest_cumulative(void **state)
{
	struct mrv_ingest_result r;
	struct c2c_err err;
	struct mrv_meter_info mi = {.id = "C"};
	(void)state;
	const char *csv = "meter_id,timestamp,value\n"
			  "C,2024-01-01T00:00:00Z,100\n"
			  "C,2024-01-01T06:00:00Z,110\n"
			  "C,2024-01-01T12:00:00Z,5\n"  /* new register after a replacement at 09:00 */
			  "C,2024-01-01T18:00:00Z,12\n"
			  "C,2024-01-02T00:00:00Z,20\n"; /* the period end counts for registers */
	assert_int_equal(ingest(csv, 1, 1, NULL, &r, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 4, column 3 (value): meter C: cumulative reading 5 is lower than 110"));
	mrv_ingest_result_free(&r);
	mrv_parse_timestamp("2024-01-01T09:00:00Z", 20, &mi.replaced_at[0]);
	mi.nreplaced = 1;
	assert_int_equal(ingest(csv, 1, 1, &mi, &r, &err), 0);
	assert_int_equal(r.meter[0].sum_micro, (10 + 7 + 8) * MRV_SCALE);
	assert_int_equal(r.meter[0].replacements, 1);
	mrv_ingest_result_free(&r);
}

static void test_ingest_calibration(void **state)
{
	struct mrv_ingest_result r;
	struct c2c_err err;
	struct mrv_meter_info mi = {.id = "A", .accuracy_ppm = 5000, .error_ppm = -20000};
	(void)state;
	/* calibration due 06:00, done late at 12:00 with a 2% error beyond its 0.5%
	 * accuracy: the readings from 06:00 to 12:00 are reduced by 2% */
	mrv_parse_timestamp("2024-01-01T06:00:00Z", 20, &mi.calibration_due);
	mrv_parse_timestamp("2024-01-01T12:00:00Z", 20, &mi.calibrated_on);
	assert_int_equal(ingest("meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,10\nA,2024-01-01T06:00:00Z,10\n"
				"A,2024-01-01T12:00:00Z,10\nA,2024-01-01T18:00:00Z,10\n", 0, 1, &mi, &r, &err), 0);
	assert_int_equal(r.meter[0].raw_micro, 40 * MRV_SCALE);
	assert_int_equal(r.meter[0].sum_micro, (10 + 9.8 + 9.8 + 10) * MRV_SCALE);
	assert_true(r.meter[0].corrected);
	mrv_ingest_result_free(&r);
	/* within the accuracy level: nothing corrected */
	mi.error_ppm = 4000;
	assert_int_equal(ingest("meter_id,timestamp,value\nA,2024-01-01T06:00:00Z,10\n", 0, 1, &mi, &r, &err), 0);
	assert_int_equal(r.meter[0].sum_micro, 10 * MRV_SCALE);
	mrv_ingest_result_free(&r);
	unlink(path);
}

/* ------------------------------------------------------------ per-unit values */

static char upath[64];

static void write_units(const char *text)
{
	FILE *fp;
	snprintf(upath, sizeof(upath), "/tmp/c2c-mrv-units-%d.csv", (int)getpid());
	fp = fopen(upath, "w");
	fputs(text, fp);
	fclose(fp);
}

static struct mrv_unit_value uval(const char *meter, const char *sym, const char *value)
{
	struct mrv_unit_value u = {0};
	snprintf(u.meter_id, sizeof(u.meter_id), "%s", meter);
	snprintf(u.symbol, sizeof(u.symbol), "%s", sym);
	snprintf(u.value, sizeof(u.value), "%s", value);
	return u;
}

static void expect_unit_error(const char *meter, const char *sym, const char *value, const char *needle)
{
	const struct mrv_methodology *m = mrv_methodology_find("ID_AM002");
	struct mrv_unit_value u = uval(meter, sym, value);
	struct c2c_err err;
	assert_int_equal(mrv_units_check(m, &u, 1, &err), C2C_EUSAGE);
	if (!strstr(err.msg, needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, needle);
		fail();
	}
}

static void test_units_check(void **state)
{
	const struct mrv_methodology *m = mrv_methodology_find("ID_AM002");
	struct mrv_unit_value v[3] = {uval("CH-02", "cop_re", "5"), uval("CH-01", "COP_RE", "4"),
				      uval("CH-01", "COP_PJ", "6.1")};
	struct c2c_err err;
	(void)state;
	assert_int_equal(mrv_units_check(m, v, 3, &err), 0);
	/* spelled as the methodology does, sorted by meter then symbol */
	assert_string_equal(v[0].meter_id, "CH-01");
	assert_string_equal(v[0].symbol, "COP_PJ");
	assert_string_equal(v[1].symbol, "COP_RE");
	assert_string_equal(v[2].meter_id, "CH-02");
	assert_string_equal(v[2].symbol, "COP_RE");
	expect_unit_error("CH-01", "EF_elec", "0.8",
		     "--param EF_elec@CH-01: EF_elec is one value for the whole project in ID_AM002, not one per unit "
		     "(ID_AM002's per-unit parameters are COP_PJ, COP_RE)");
	expect_unit_error("CH-01", "EC_PJ", "1", "--param EC_PJ@CH-01: EC_PJ is monitored");
	expect_unit_error("CH-01", "XX", "1", "--param XX@CH-01: ID_AM002 has no parameter XX");
	expect_unit_error("CH 01", "COP_PJ", "1", "'CH 01' is not a meter id");
	expect_unit_error("CH-01", "COP_PJ", "0", "--param COP_PJ@CH-01=0: not a positive decimal");
	expect_unit_error("CH-01", "COP_PJ", "6.1234567", "not a positive decimal with at most 6 decimals");
	v[0] = uval("CH-01", "COP_PJ", "6");
	v[1] = uval("CH-01", "cop_pj", "6");
	v[1].file = "u.csv";
	v[1].row = 4;
	assert_int_equal(mrv_units_check(m, v, 2, &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "COP_PJ of meter CH-01 is given twice (--param COP_PJ@CH-01 and u.csv: row 4)"));
}

static void test_units_load(void **state)
{
	const struct mrv_methodology *m = mrv_methodology_find("ID_AM002");
	struct mrv_unit_value *v = NULL;
	size_t n = 0;
	struct c2c_err err;
	(void)state;
	/* an empty cell: that unit takes the project-wide value */
	write_units("meter_id,COP_PJ,cop_re\r\nCH-01,6.1,4\r\nCH-02,,5.5\r\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[1].meter_id, "CH-01");
	assert_string_equal(v[1].symbol, "COP_RE");
	assert_string_equal(v[2].value, "5.5");
	assert_int_equal(v[2].row, 3);
	/* a second file appends */
	write_units("meter_id,COP_PJ\nCH-03,7\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[3].meter_id, "CH-03");
	free(v);
	v = NULL;
	n = 0;
	write_units("meter_id,COP_PJ,EF_elec\nCH-01,6,0.8\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 1, column 3: EF_elec is one value for the whole project"));
	write_units("meter_id,COP_PJ,COP_PJ\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 1, column 3: COP_PJ is column 2 already"));
	write_units("meter,COP_PJ\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 1: the header must be meter_id followed by"));
	write_units("meter_id,COP_PJ\nCH-01,6\nCH-02,6,7\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 3: 3 columns, expected 2"));
	write_units("meter_id,COP_PJ\nCH-01,-6\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 2, column 2 (COP_PJ): '-6' is not a positive decimal"));
	write_units("meter_id,COP_PJ\nCH#1,6\n");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "row 2, column 1 (meter_id): 'CH#1' is not a meter id"));
	write_units("");
	assert_int_equal(mrv_units_load(upath, m, &v, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "the file is empty"));
	free(v);
	unlink(upath);
}

/* mrv_compute with per-unit values over a data file: each meter's values,
 * the hand-computed ER, a warning for a unit without readings, an error
 * naming the meter without a value. */
static void test_compute_units(void **state)
{
	struct mrv_param_value ef = {"EF_elec", "1"}, two[2] = {{"EF_elec", "1"}, {"COP_RE", "5"}};
	struct mrv_param_value three[3] = {{"EF_elec", "1"}, {"COP_RE", "4"}, {"COP_PJ", "6"}};
	struct mrv_unit_value u[4] = {uval("CH-01", "COP_PJ", "6"), uval("CH-01", "COP_RE", "4"),
				      uval("CH-02", "COP_PJ", "5"), uval("CH-09", "COP_PJ", "7")};
	struct mrv_compute_req req = {.m = mrv_methodology_find("ID_AM002"), .from = "2024-01-01", .to = "2024-12-31"};
	struct mrv_result r;
	struct c2c_err err;
	json_t *j, *mp;
	(void)state;
	write_file("meter_id,timestamp,value\nCH-01,2024-01-01T00:00:00Z,40\nCH-02,2024-01-01T00:00:00Z,100\n"
		   "CH-01,2024-06-01T00:00:00Z,60\nCH-02,2024-06-01T00:00:00Z,200\n");
	req.data = path;
	req.units = u;
	req.nunits = 4;
	/* CH-02 has no COP_RE and there is no project-wide one */
	req.params = &ef;
	req.nparams = 1;
	assert_int_equal(mrv_compute(&req, &r, &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "meter CH-02 has no COP_RE value and there is no project-wide COP_RE"));
	mrv_result_free(&r);
	/* with COP_RE 5 for every unit without its own: CH-01 100 x 6/4 = 150, CH-02 300 x 5/5 = 300 */
	req.params = two;
	req.nparams = 2;
	assert_int_equal(mrv_compute(&req, &r, &err), 0);
	assert_int_equal(r.re_micro, 450 * MRV_SCALE);
	assert_int_equal(r.er_tco2e, 50);
	assert_non_null(r.meter_params);
	assert_int_equal(r.meter_params[0].micro[2], 4 * MRV_SCALE);
	assert_true(r.meter_params[0].from_unit[2]);
	assert_int_equal(r.meter_params[1].micro[2], 5 * MRV_SCALE);
	assert_false(r.meter_params[1].from_unit[2]);
	j = mrv_result_json(&req, &r);
	mp = json_object_get(json_array_get(json_object_get(j, "meters"), 1), "parameters");
	assert_int_equal(json_array_size(mp), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(mp, 1), "origin")), "param");
	assert_string_equal(json_string_value(json_object_get(json_array_get(mp, 0), "value")), "5");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "parameters"), 1),
								"units")), 1);
	assert_non_null(strstr(json_string_value(json_array_get(r.warnings, json_array_size(r.warnings) - 1)),
			       "meter CH-09 has no reading inside the period: its per-unit value (COP_PJ) is not used"));
	json_decref(j);
	mrv_result_free(&r);
	/* without per-unit values: no per-meter parameters, no "units" */
	req.nunits = 0;
	req.params = three;
	req.nparams = 3;
	assert_int_equal(mrv_compute(&req, &r, &err), 0);
	assert_null(r.meter_params);
	j = mrv_result_json(&req, &r);
	assert_null(json_object_get(json_array_get(json_object_get(j, "meters"), 0), "parameters"));
	assert_null(json_object_get(json_array_get(json_object_get(j, "parameters"), 1), "units"));
	assert_int_equal(r.er_tco2e, 200); /* 400 x 6/4 - 400 */
	json_decref(j);
	mrv_result_free(&r);
	/* per-unit values without data */
	req.data = NULL;
	req.nunits = 1;
	assert_int_equal(mrv_compute(&req, &r, &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "give --data"));
	mrv_result_free(&r);
	unlink(path);
}

/* mrv_project_life: null until an MRV project is linked to the atlas
 * project, then its reports in period order with their status and ER in
 * whole tonnes; an overlapping approval is refused and leaves it as it was. */
/* --value: parsed with its unit, converted exactly or refused, every
 * refusal naming the value; a monitored value of a unit the formulas do
 * not run over is refused (it would have been dropped from PE). */
static void test_given_values(void **state)
{
	const struct mrv_methodology *m = mrv_methodology_find("TH_AM009");
	struct mrv_given_value g;
	struct c2c_err err;
	int64_t micro;
	size_t idx;
	(void)state;
	assert_non_null(m);
	assert_int_equal(mrv_given_parse("EL@CGS-2=1500.5 kWh", &g, &err), 0);
	assert_string_equal(g.symbol, "EL");
	assert_string_equal(g.meter_id, "CGS-2");
	assert_string_equal(g.unit, "kWh");
	assert_int_equal(mrv_given_micro(m, &g, &idx, &micro, &err), 0);
	assert_int_equal(micro, 1500500); /* 1.5005 MWh */
	assert_int_equal(idx, 0);
	assert_int_equal(mrv_given_parse("EL=0.0005kWh", &g, &err), 0);
	assert_int_equal(mrv_given_micro(m, &g, &idx, &micro, &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "more than 6 decimals"));
	assert_int_equal(mrv_given_parse("FC=12", &g, &err), C2C_EUSAGE);
	assert_string_equal(err.field, "values");
	assert_int_equal(mrv_given_parse("=12 GJ", &g, &err), C2C_EUSAGE);
	assert_int_equal(mrv_given_parse("FC@bad\"id=12 Nm3", &g, &err), C2C_EUSAGE);
	assert_int_equal(mrv_given_parse("FC=-1 Nm3", &g, &err), 0);
	assert_int_equal(mrv_given_micro(m, &g, &idx, &micro, &err), C2C_EUSAGE);
	assert_int_equal(mrv_given_parse("NCV_gas=1 GJ/Nm3", &g, &err), 0);
	assert_int_equal(mrv_given_micro(m, &g, &idx, &micro, &err), C2C_EUSAGE);
	assert_non_null(strstr(err.msg, "fixed ex ante, not monitored"));
	{
		/* all per unit, no data file: two systems; FC of a third unit with
		 * no EL is refused */
		static const char *const v[] = {"EL@A=200 MWh", "EL@B=100 MWh", "HEAT@A=1000 GJ", "HEAT@B=0 GJ",
						"FC@A=20000 Nm3", "FC@B=0 Nm3", "FC@C=5 Nm3"};
		struct mrv_given_value gv[7];
		struct mrv_param_value pv[] = {{"EF_elec", "0.5"}, {"ETA_BL", "0.8"}, {"EF_BL", "0.056"},
					       {"NCV_gas", "0.036"}, {"EF_gas", "0.0561"}};
		struct mrv_compute_req req = {.m = m, .params = pv, .nparams = 5, .from = "2024-01-01",
					      .to = "2024-01-31", .given = gv, .ngiven = 6};
		struct mrv_result r;
		for (size_t k = 0; k < 7; k++)
			assert_int_equal(mrv_given_parse(v[k], &gv[k], &err), 0);
		assert_int_equal(mrv_compute(&req, &r, &err), 0);
		assert_int_equal(r.er_micro, 179608000); /* 100 + 50 + 70 - 40.392 */
		assert_int_equal(r.data.nmeters, 2);
		mrv_result_free(&r);
		req.ngiven = 7;
		assert_int_equal(mrv_compute(&req, &r, &err), C2C_EUSAGE);
		assert_non_null(strstr(err.msg, "FC@C: unit C has no EL in the period"));
		mrv_result_free(&r);
	}
}

static void test_project_life(void **state)
{
	static const char data[] = "meter_id,timestamp,value\nPV1,2024-03-01T00:00:00Z,200.999999\n"
				   "PV1,2024-09-01T00:00:00Z,400\n";
	char db[128], csv[] = "/tmp/c2c-mrv-life-XXXXXX";
	struct mrv_param_value ef = {"EF_RE", "0.5"};
	struct mrv_project_req pr = {.atlas_project = "pj-th-floating-solar", .jcm_ref = "TH009",
				     .methodology = "KH_AM002", .params = &ef, .nparams = 1};
	struct mrv_submit_req sr = {.project = "TH009", .from = "2024-01-01", .to = "2024-06-30", .max_errors = 1};
	struct atlas_init_report rep;
	struct store *st;
	struct c2c_err err;
	json_t *life, *res;
	int64_t id;
	char *s, pid[MRV_PROJECT_ID_MAX];
	int fd;
	(void)state;

	fd = mkstemp(csv);
	assert_true(fd >= 0);
	assert_true(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	close(fd);
	sr.data = csv;
	if (testdb_open(db, sizeof(db), "mrv", &st, &err) || atlas_init(st, 0, &rep, &err) || mrv_migrate(st, &err))
		fail_msg("setup: %s", err.msg);
	assert_int_equal(mrv_project_life(st, "pj-th-floating-solar", &life, &err), 0);
	assert_true(json_is_null(life));
	json_decref(life);
	assert_int_equal(mrv_project_add(st, &pr, pid, sizeof(pid), &err), 0);
	assert_string_equal(pid, "pj-th-floating-solar");
	assert_int_equal(mrv_report_submit(st, &sr, &id, &res, &err), 0);
	json_decref(res);
	assert_int_equal(mrv_report_verify(st, id, 1, "checked", "v", NULL, NULL, NULL, NULL, &err), 0);
	sr.from = "2024-06-01";
	sr.to = "2024-12-31";
	assert_int_equal(mrv_report_submit(st, &sr, &id, &res, &err), 0);
	json_decref(res);
	assert_int_equal(mrv_report_verify(st, id, 1, "checked", "v", NULL, NULL, NULL, NULL, &err), C2C_ECONFLICT);
	assert_string_equal(err.msg, "report 2 (2024-06-01..2024-12-31) overlaps approved report 1 (2024-01-01..2024-06-30) "
				     "of project pj-th-floating-solar: a period is verified once; not approved");
	assert_int_equal(mrv_project_life(st, "pj-th-floating-solar", &life, &err), 0);
	s = json_dumps(life, JSON_COMPACT);
	/* 200.999999 MWh x 0.5 = 100.4999995 t: 100 whole tonnes */
	assert_string_equal(s, "{\"project\":\"pj-th-floating-solar\",\"jcm_ref\":\"TH009\",\"methodology\":\"KH_AM002\","
			       "\"host_country\":\"TH\",\"reports\":["
			       "{\"id\":1,\"period_start\":\"2024-01-01\",\"period_end\":\"2024-06-30\",\"status\":\"approved\",\"er_t\":100},"
			       "{\"id\":2,\"period_start\":\"2024-06-01\",\"period_end\":\"2024-12-31\",\"status\":\"submitted\",\"er_t\":200}]}");
	free(s);
	json_decref(life);
	/* another atlas project has none */
	assert_int_equal(mrv_project_life(st, "pj-th-tyre-factory-cogeneration-solar", &life, &err), 0);
	assert_true(json_is_null(life));
	json_decref(life);
	testdb_remove(db, st);
	unlink(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_micro),     cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_solar_pv),        cmocka_unit_test(test_chiller),
		cmocka_unit_test(test_led),             cmocka_unit_test(test_boiler),
		cmocka_unit_test(test_lookup),          cmocka_unit_test(test_ingest_gaps),
		cmocka_unit_test(test_ingest_errors),   cmocka_unit_test(test_ingest_cumulative),
		cmocka_unit_test(test_ingest_calibration), cmocka_unit_test(test_ingest_fast_path),
		cmocka_unit_test(test_equation_units),  cmocka_unit_test(test_param_marks),
		cmocka_unit_test(test_units_check),     cmocka_unit_test(test_units_load),
		cmocka_unit_test(test_compute_units),   cmocka_unit_test(test_project_life),
		cmocka_unit_test(test_given_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
