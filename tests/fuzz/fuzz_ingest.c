/*
 * fuzz_ingest.c - libFuzzer target for the meter-data reader (mrv/ingest.c),
 * c2c's hot path and the one parser fed files of billions of rows by people
 * outside the programme.  Its word-at-a-time scanner reads a few bytes past
 * a line and keeps per-meter bitmaps sized from the data: exactly what a
 * fuzzer with ASan is for.
 *
 * The first byte chooses the options (cumulative registers, the kWh ->
 * MWh divisor, meter metadata with a calibration and a register
 * replacement, how many errors are listed, a day or a month); the rest is
 * the file, handed over through one scratch file rewritten per run (the
 * reader takes a path).  Every run must end in a result or an error, and a
 * result must add up: the meters' sums make the total.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mrv/mrv.h"
#include "scratch_file.h"

static struct mrv_meter_info fz_meters[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	scratch_open("fuzz_ingest");
	/* A: calibrated late beyond its accuracy; C: its register restarted */
	snprintf(fz_meters[0].id, sizeof(fz_meters[0].id), "A");
	fz_meters[0].accuracy_ppm = 5000;
	fz_meters[0].error_ppm = -20000;
	mrv_parse_timestamp("2024-01-01T06:00:00Z", 20, &fz_meters[0].calibration_due);
	mrv_parse_timestamp("2024-01-01T12:00:00Z", 20, &fz_meters[0].calibrated_on);
	snprintf(fz_meters[1].id, sizeof(fz_meters[1].id), "C");
	mrv_parse_timestamp("2024-01-01T09:00:00Z", 20, &fz_meters[1].replaced_at[0]);
	mrv_parse_timestamp("2024-01-01T18:00:00Z", 20, &fz_meters[1].replaced_at[1]);
	fz_meters[1].nreplaced = 2;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrv_ingest_opts o;
	struct mrv_ingest_result res;
	struct c2c_err err;
	int64_t total = 0;
	uint8_t opt;
	int rc;

	if (size < 1)
		return 0;
	opt = data[0];
	scratch_put(data + 1, size - 1);
	memset(&o, 0, sizeof(o));
	o.path = scratch_path;
	mrv_parse_date("2024-01-01", &o.from);
	mrv_parse_date(opt & 0x40 ? "2024-02-01" : "2024-01-02", &o.to);
	o.cumulative = opt & 1;
	o.unit_divisor = opt & 2 ? 1000 : 1;
	o.meters = opt & 4 ? fz_meters : NULL;
	o.nmeters = opt & 4 ? 2 : 0;
	o.max_errors = 1 + ((opt >> 3) & 7);
	o.want_sha256 = (opt & 0x80) != 0;
	rc = mrv_ingest(&o, &res, &err);
	if (rc == 0) {
		if (res.nerrors)
			abort(); /* errors listed, yet a result */
		for (size_t i = 0; i < res.nmeters; i++)
			total += res.meter[i].sum_micro;
		if (total != res.total_micro)
			abort();
	} else if (!err.msg[0]) {
		abort(); /* an error must say what it is */
	}
	mrv_ingest_result_free(&res);
	return 0;
}
