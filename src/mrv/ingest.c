/*
 * ingest.c - monitoring data at meter scale: a streaming reader of
 * `meter_id,timestamp,value` CSV that validates every row and keeps, per
 * meter, only counters and one bit per expected reading.
 *
 * This is c2c's hot path (billions of one-minute readings a year), so it
 * reads the file in 1 MiB blocks with read(2) (small enough to stay in the
 * L2 cache between the kernel's copy and the scan), scans the common row a
 * word at a time, leaves anything unusual to the careful parsers of fixed.c,
 * and finds a meter through a one-entry cache and a predicted successor in
 * front of an open-addressing hash table.
 * Memory is the block plus, per meter, a bitmap of the period's reading
 * slots: it depends on the meters and the period, never on the file's
 * length (a longer file can only repeat slots, which are duplicates).
 *
 * A slot is the meter's interval: the greatest common divisor of the
 * readings' offsets from the period start, so rows may come in any order and
 * the bitmap is rebuilt (rarely) when a reading shows a finer interval.
 */
#include "mrv.h"
#include "core/lang.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The fuzz build (tests/fuzz/run.sh) makes both small, so that its inputs of
 * a few hundred bytes cross block boundaries and reach the long-line refusal,
 * and a run costs no megabyte allocation. */
#ifndef MRV_INGEST_BLOCK
#define MRV_INGEST_BLOCK ((size_t)1 << 20)
#endif
#ifndef MRV_INGEST_LINE_MAX
#define MRV_INGEST_LINE_MAX 4096
#endif
#define BLOCK ((size_t)(MRV_INGEST_BLOCK))
#define LINE_MAX_BYTES (MRV_INGEST_LINE_MAX) /* a longer line is refused, never buffered */
_Static_assert(MRV_INGEST_BLOCK > 2 * (MRV_INGEST_LINE_MAX), "a block holds a whole line and more");
#define BITMAP_CAP ((size_t)1 << 30) /* bytes of duplicate tracking, all meters */
#define METERS_MAX 10000000

struct meter {
	char id[65];
	unsigned char idlen;
	uint64_t idword, idmask; /* the first 8 bytes of the id, and which count */
	uint64_t hash;
	int64_t rows, raw, sum;
	int64_t first, last;
	int64_t gb;          /* bitmap granularity in seconds, 0 = no bitmap yet */
	int zero_seen;       /* a reading at offset 0 before the bitmap existed */
	uint64_t *bits;
	size_t nslots;
	size_t last_slot;
	int64_t last_off;    /* offset of the previous reading, for the slot fast path */
	struct meter *succ;  /* the meter of the row after this meter's last row */
	/* cumulative */
	int have_prev;
	int64_t prev_ts, prev_val;
	int64_t replacements;
	size_t next_repl;
	/* calibration correction */
	const struct mrv_meter_info *info;
	int64_t win_from, win_to, corr_ppm;
	int corrected;
};

struct ingest {
	const struct mrv_ingest_opts *o;
	struct mrv_ingest_result *res;
	struct c2c_err *err;
	const char *name;
	struct meter **slot;   /* hash table */
	size_t cap, n;
	struct meter *last;
	size_t bitmap_bytes;
	int64_t span;          /* to - from */
	uint64_t date_lo;      /* the last date seen by the fast path, as bytes */
	uint16_t date_hi;
	int64_t date_days;
	int64_t row;           /* the current row number, header = 1 */
};

/* Word-at-a-time bit tricks for the row scanner.  Every line in the block
 * ends in '\n' and the block has 64 bytes of room after its end, so an
 * 8-byte load at any byte of a line stays inside the buffer; the bytes past
 * the line are masked off or ignored. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* High bit set in each zero byte; the lowest set bit is exact (carries only
 * spoil the bytes above the first zero), which is all the callers use. */
static inline uint64_t zero_bytes(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* High bit set in each byte that is not an ASCII digit: x = byte ^ '0' is
 * 0..9 exactly for a digit; the 0x7f mask keeps the add from carrying. */
static inline uint64_t nondigits(uint64_t w)
{
	uint64_t x = w ^ (ONES * '0');
	return (((x & ~HIGHS) + ONES * 0x76) | x) & HIGHS;
}

/* The number written by the n (1..8) ASCII digits at the low end of w
 * (the first digit in the lowest byte, little-endian): shifted to the top,
 * the empty low bytes read as leading zeros, then pairs, quads and the
 * whole are combined in three multiplies instead of n dependent ones. */
static inline uint64_t digits_value(uint64_t w, unsigned n)
{
	w <<= 64 - 8 * n;
	w = ((w & (ONES * 0x0F)) * 2561) >> 8;
	w = ((w & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
	return ((w & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
}

/* Meter ids are hashed a word at a time (most are one word), with a final
 * mix so the low bits that index the table depend on every byte.  s may be
 * read up to 7 bytes past n: ids are hashed only in the row buffer. */
static uint64_t hash_id(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
	for (; n >= 8; s += 8, n -= 8)
		h = ((h ^ load8(s)) * 0xff51afd7ed558ccdULL) ^ (h >> 32);
	if (n)
		h = (h ^ (load8(s) & ((1ULL << (n * 8)) - 1))) * 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static const char *colname[] = {"", "meter_id", "timestamp", "value"};

/* One error's line: "NAME: row R, column C (COL): MSG". */
static void error_line(const struct ingest *in, int col, const char *msg, char *out, size_t cap)
{
	if (col)
		snprintf(out, cap, "%s: row %lld, column %d (%s): %s", in->name, (long long)in->row, col,
			 colname[col], msg);
	else
		snprintf(out, cap, "%s: row %lld: %s", in->name, (long long)in->row, msg);
}

/* Record one error; returns nonzero when the listing must stop.
 * The list's line is in the language of the request being answered (the
 * message after "row R, column C (COL): ", which the API and the page read
 * as they are; c2c_tr), the error set for the first in both (English for
 * the CLI). */
__attribute__((format(printf, 3, 4)))
static int row_error(struct ingest *in, int col, const char *fmt, ...)
{
	char msg[400], shown[400], full[512];
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	vsnprintf(shown, sizeof(shown), c2c_tr(fmt), aq);
	va_end(aq);
	va_end(ap);
	error_line(in, col, shown, full, sizeof(full));
	if (!in->res->errors)
		in->res->errors = json_array();
	json_array_append_new(in->res->errors, json_string(full));
	if (in->res->nerrors++ == 0) {
		error_line(in, col, msg, full, sizeof(full));
		c2c_err_set(in->err, C2C_EINPUT, "%s", full);
	}
	return in->res->nerrors >= in->o->max_errors;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int id_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
		      c == '_' || c == '.' || c == ':' || c == '/'))
			return 0;
	}
	return 1;
}

int mrv_meter_id_ok(const char *s, size_t n)
{
	return id_ok(s, n);
}

/* The calibration correction of docs/mrv.md: when the error found exceeds
 * the accuracy level, readings in the affected window are reduced by it;
 * a calibration still due and not done reduces readings after the due date
 * by the accuracy level, the error that cannot be ruled out.  This is c2c's
 * conservative rule: the text of JCM_MN_GL_PDD_MR_ver02.0 section 5.2 and
 * its appendix "Accuracy Level and Calibration" could not be read (only its
 * table of contents), so it has not been checked against them. */
static void meter_correction(struct ingest *in, struct meter *m)
{
	const struct mrv_meter_info *mi = m->info;
	int64_t e = mi->error_ppm < 0 ? -mi->error_ppm : mi->error_ppm;

	if (mi->calibrated_on && e > mi->accuracy_ppm) {
		m->corr_ppm = e;
		if (mi->calibration_due && mi->calibrated_on > mi->calibration_due) {
			m->win_from = mi->calibration_due; /* late: from when it was due */
		} else {
			m->win_from = in->o->from; /* the last good calibration is not known: all before */
		}
		m->win_to = mi->calibrated_on;
	} else if (mi->calibration_due && !mi->calibrated_on && mi->calibration_due < in->o->to) {
		m->corr_ppm = mi->accuracy_ppm;
		m->win_from = mi->calibration_due;
		m->win_to = INT64_MAX;
	} else {
		return;
	}
	m->corrected = m->corr_ppm > 0;
}

static struct meter *meter_new(struct ingest *in, const char *id, size_t n, uint64_t h)
{
	struct meter *m;
	if (in->n * 2 >= in->cap) {
		size_t ncap = in->cap ? in->cap * 2 : 1024;
		struct meter **ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return NULL;
		for (size_t i = 0; i < in->cap; i++) {
			if (!in->slot[i])
				continue;
			size_t j = in->slot[i]->hash & (ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = in->slot[i];
		}
		free(in->slot);
		in->slot = ns;
		in->cap = ncap;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	memcpy(m->id, id, n);
	m->idlen = (unsigned char)n;
	m->idmask = n >= 8 ? ~0ULL : (1ULL << (n * 8)) - 1;
	m->idword = load8(m->id) & m->idmask;
	m->hash = h;
	m->first = INT64_MAX;
	m->last = INT64_MIN;
	m->last_off = INT64_MIN / 2;
	for (size_t i = 0; i < in->o->nmeters; i++)
		if (!strcmp(in->o->meters[i].id, m->id))
			m->info = &in->o->meters[i];
	if (m->info)
		meter_correction(in, m);
	size_t j = h & (in->cap - 1);
	while (in->slot[j])
		j = (j + 1) & (in->cap - 1);
	in->slot[j] = m;
	in->n++;
	return m;
}

/* Is this the meter?  Ids of up to 8 bytes (most) compare as one masked
 * word, kept in the meter; the row buffer has room to read past the id. */
static inline int id_eq(const struct meter *m, const char *id, size_t n)
{
	if (m->idlen != n)
		return 0;
	if (n > 8)
		return !memcmp(m->id, id, n);
	return (load8(id) & m->idmask) == m->idword;
}

static struct meter *meter_get(struct ingest *in, const char *id, size_t n, int *bad)
{
	struct meter *m = in->last, *prev = in->last;
	uint64_t h;
	/* Files come meter by meter (the same meter again) or time by time
	 * (the meters in the same order at every timestamp): either way the
	 * meter of this row is usually predictable without hashing. */
	if (m && id_eq(m, id, n))
		return m;
	if (m && (m = m->succ) && id_eq(m, id, n))
		return in->last = m;
	h = hash_id(id, n);
	if (in->cap) {
		for (size_t j = h & (in->cap - 1); in->slot[j]; j = (j + 1) & (in->cap - 1)) {
			m = in->slot[j];
			if (m->hash == h && m->idlen == n && !memcmp(m->id, id, n)) {
				if (prev)
					prev->succ = m;
				return in->last = m;
			}
		}
	}
	if (!id_ok(id, n)) {
		*bad = 1;
		return NULL;
	}
	if (in->n >= METERS_MAX) {
		*bad = 2;
		return NULL;
	}
	m = meter_new(in, id, n, h);
	if (m && prev)
		prev->succ = m;
	return in->last = m;
}

/* Slots of the meter's bitmap at granularity g. */
static size_t slots_for(const struct ingest *in, int64_t g)
{
	return (size_t)(in->span / g) + 1;
}

/* Make (or remake, finer) the bitmap so offset off has a slot.  0, or -1
 * when the tracking would pass the memory cap. */
static int bitmap_fit(struct ingest *in, struct meter *m, int64_t off)
{
	int64_t g = m->gb ? gcd64(m->gb, off) : off;
	size_t ns, words;
	uint64_t *nb;

	if (m->gb == g)
		return 0;
	ns = slots_for(in, g);
	words = (ns + 63) / 64;
	if (in->bitmap_bytes + words * 8 > BITMAP_CAP)
		return -1;
	nb = calloc(words, 8);
	if (!nb)
		return -1;
	if (m->bits) {
		int64_t k = m->gb / g;
		for (size_t w = 0; w < (m->nslots + 63) / 64; w++)
			for (uint64_t x = m->bits[w]; x; x &= x - 1) {
				size_t i = (w * 64 + (size_t)__builtin_ctzll(x)) * (size_t)k;
				nb[i / 64] |= 1ULL << (i % 64);
			}
		in->bitmap_bytes -= ((m->nslots + 63) / 64) * 8;
		free(m->bits);
	}
	if (m->zero_seen)
		nb[0] |= 1;
	m->bits = nb;
	m->gb = g;
	m->last_off = INT64_MIN / 2;
	m->nslots = ns;
	in->bitmap_bytes += words * 8;
	return 0;
}

static inline int64_t corrected(const struct meter *m, int64_t ts, int64_t v)
{
	if (m->corrected && ts >= m->win_from && ts <= m->win_to)
		return (int64_t)((__int128)v * (MRV_SCALE - m->corr_ppm) / MRV_SCALE);
	return v;
}

static int record(struct ingest *in, const char *p, size_t idlen, int64_t ts, int64_t v);

/* One data line [p, e), every check with its message.  Returns nonzero to
 * stop. */
static int parse_line(struct ingest *in, const char *p, const char *e)
{
	const char *c1, *c2, *c3;
	int64_t ts, v;

	if (e > p && e[-1] == '\r')
		e--;
	c1 = memchr(p, ',', (size_t)(e - p));
	c2 = c1 ? memchr(c1 + 1, ',', (size_t)(e - c1 - 1)) : NULL;
	if (!c2) {
		return row_error(in, 0, "%d column%s, expected 3 (meter_id,timestamp,value)", c1 ? 2 : 1,
				 c1 ? "s" : "");
	}
	if (mrv_parse_micro(c2 + 1, (size_t)(e - c2 - 1), 0, &v)) {
		if ((c3 = memchr(c2 + 1, ',', (size_t)(e - c2 - 1)))) {
			int n = 3;
			for (; c3; c3 = memchr(c3 + 1, ',', (size_t)(e - c3 - 1)))
				n++;
			return row_error(in, 0, "%d columns, expected 3 (meter_id,timestamp,value)", n);
		}
		return row_error(in, 3, "'%.*s' is not a number (digits with an optional '.', no exponent)",
				 (int)(e - c2 - 1 > 40 ? 40 : e - c2 - 1), c2 + 1);
	}
	if (mrv_parse_timestamp(c1 + 1, (size_t)(c2 - c1 - 1), &ts))
		return row_error(in, 2, "'%.*s' is not an ISO 8601 timestamp with Z or an offset "
				 "(like 2024-01-31T13:00:00+07:00)", (int)(c2 - c1 - 1 > 40 ? 40 : c2 - c1 - 1),
				 c1 + 1);
	if (v < 0)
		return row_error(in, 3, "%.*s is negative", (int)(e - c2 - 1 > 40 ? 40 : e - c2 - 1), c2 + 1);
	return record(in, p, (size_t)(c1 - p), ts, v);
}

/* A valid row: find its meter, check for a duplicate, add it up. */
static int record(struct ingest *in, const char *p, size_t idlen, int64_t ts, int64_t v)
{
	struct meter *m;
	int64_t off;
	int bad = 0;
	char tbuf[32];

	m = meter_get(in, p, idlen, &bad);
	if (!m) {
		if (bad == 1)
			return row_error(in, 1, "'%.*s' is not a meter id (1 to 64 of A-Z a-z 0-9 - _ . : /)",
					 (int)(idlen > 64 ? 64 : idlen), p);
		if (bad == 2)
			return row_error(in, 1, "more than %d meters", METERS_MAX);
		c2c_err_set(in->err, C2C_ENOMEM, "%s: out of memory at row %lld", in->name, (long long)in->row);
		return -1;
	}
	off = ts - in->o->from;
	if (off < 0 || off > in->span || (off == in->span && !in->o->cumulative)) {
		in->res->rows_skipped++;
		return 0;
	}
	/* duplicate tracking */
	if (off == 0 && !m->bits) {
		if (m->zero_seen)
			goto dup;
		m->zero_seen = 1;
	} else {
		if (off && (!m->gb || off % m->gb)) {
			if (bitmap_fit(in, m, off)) {
				return row_error(in, 2, "meter %s: readings this close together over this period need "
						 "more than %zu MiB to check for duplicates; split the period",
						 m->id, BITMAP_CAP >> 20);
			}
		}
		if (m->bits) {
			/* the next slot after the previous reading needs no division */
			size_t s = off == m->last_off + m->gb ? m->last_slot + 1 : (size_t)(off / m->gb);
			m->last_slot = s;
			m->last_off = off;
			uint64_t bit = 1ULL << (s % 64);
			if (m->bits[s / 64] & bit)
				goto dup;
			m->bits[s / 64] |= bit;
		}
	}
	in->res->rows_in_period++;
	m->rows++;
	if (ts < m->first)
		m->first = ts;
	if (!in->o->cumulative) {
		if (ts > m->last)
			m->last = ts;
		if (__builtin_add_overflow(m->raw, v, &m->raw) ||
		    __builtin_add_overflow(m->sum, corrected(m, ts, v), &m->sum))
			return row_error(in, 3, "meter %s: the sum passes 9.2e12 units", m->id);
		return 0;
	}
	/* cumulative register readings: the energy is the rise since the last one */
	if (m->have_prev && ts <= m->prev_ts) {
		mrv_format_timestamp(m->prev_ts, tbuf, sizeof(tbuf));
		return row_error(in, 2, "meter %s: cumulative readings must come in time order per meter "
				 "(this one is not after %s)", m->id, tbuf);
	}
	m->last = ts;
	if (m->have_prev) {
		const struct mrv_meter_info *mi = m->info;
		int replaced = 0;
		while (mi && m->next_repl < mi->nreplaced && mi->replaced_at[m->next_repl] <= ts) {
			if (mi->replaced_at[m->next_repl] > m->prev_ts)
				replaced = 1;
			m->next_repl++;
		}
		if (replaced) {
			/* a new register: what the old one counted after its last reading is
			 * not known, and is not counted */
			m->replacements++;
		} else if (v < m->prev_val) {
			char a[32], b[32];
			mrv_format_micro(v, a, sizeof(a));
			mrv_format_micro(m->prev_val, b, sizeof(b));
			mrv_format_timestamp(m->prev_ts, tbuf, sizeof(tbuf));
			return row_error(in, 3, "meter %s: cumulative reading %s is lower than %s at %s "
					 "(mark a meter replacement in --meters)", m->id, a, b, tbuf);
		} else {
			int64_t d = v - m->prev_val;
			if (__builtin_add_overflow(m->raw, d, &m->raw) ||
			    __builtin_add_overflow(m->sum, corrected(m, ts, d), &m->sum))
				return row_error(in, 3, "meter %s: the sum passes 9.2e12 units", m->id);
		}
	}
	m->have_prev = 1;
	m->prev_ts = ts;
	m->prev_val = v;
	return 0;
dup:
	mrv_format_timestamp(ts, tbuf, sizeof(tbuf));
	return row_error(in, 2, "meter %s already has a reading at %s (duplicate)", m->id, tbuf);
}

/* The common valid row of an interval file, with nothing mutated unless it
 * is taken: the meter is the one predicted (same as the last row, or its
 * successor), the reading falls in the slot right after the meter's last
 * one, inside the period, and is not a duplicate.  Returns 0 when recorded,
 * 1 when record() must judge the row (it repeats every check itself). */
static inline int record_fast(struct ingest *in, const char *p, size_t idlen, int64_t ts, int64_t v)
{
	struct meter *m = in->last;
	int64_t off = ts - in->o->from, raw, sum;
	size_t s;
	uint64_t bit;

	if (in->o->cumulative || !m)
		return 1;
	if (!id_eq(m, p, idlen)) {
		m = m->succ;
		if (!m || !id_eq(m, p, idlen))
			return 1;
	}
	if (!m->bits || off != m->last_off + m->gb || off <= 0 || off >= in->span)
		return 1;
	s = m->last_slot + 1;
	bit = 1ULL << (s % 64);
	if (m->bits[s / 64] & bit)
		return 1; /* a duplicate: record() writes the message */
	if (__builtin_add_overflow(m->raw, v, &raw) || __builtin_add_overflow(m->sum, corrected(m, ts, v), &sum))
		return 1; /* record() reports it */
	m->raw = raw;
	m->sum = sum;
	in->last = m;
	m->bits[s / 64] |= bit;
	m->last_slot = s;
	m->last_off = off;
	m->rows++;
	in->res->rows_in_period++;
	if (ts < m->first)
		m->first = ts;
	if (ts > m->last)
		m->last = ts;
	return 0;
}

/* Ten to the power 0..6, to scale a fraction of k digits to millionths. */
static const int64_t pow10_6[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};

/* The common row, in one pass: "ID,YYYY-MM-DDTHH:MM:SSZ,DIGITS[.DIGITS]"
 * then LF or CR LF, read a word at a time.  Returns the next line, or NULL
 * when the row needs the full checks of parse_line (an error, a sign, an
 * offset, anything unusual: that parser writes the messages); *stop is set
 * when recording it said to stop. */
static const char *fast_line(struct ingest *in, const char *p, int *stop)
{
	const char *q = p, *t;
	int64_t ts, ip, fp = 0;
	uint64_t w, nd;
	unsigned n;

	/* the meter id: up to the first ',' (or '\n', which is an error) */
	for (;;) {
		uint64_t x = load8(q), hit = zero_bytes(x ^ (ONES * ',')) | zero_bytes(x ^ (ONES * '\n'));
		if (hit) {
			q += __builtin_ctzll(hit) / 8;
			break;
		}
		q += 8;
	}
	if (*q != ',' || q == p)
		return NULL;
	t = q + 1;
	/* YYYY-MM-DDTHH:MM:SSZ, the form loggers write.  The date is the same
	 * for long runs of rows, so it is compared as 10 bytes and parsed once
	 * per run; the time is checked digit by digit without branches. */
	if (t[20] != ',' || t[19] != 'Z' || t[10] != 'T' || t[13] != ':' || t[16] != ':') {
		t = q + 1;
		while (*t != ',' && *t != '\n')
			t++;
		if (*t != ',' || mrv_parse_timestamp(q + 1, (size_t)(t - q - 1), &ts))
			return NULL;
	} else {
		/* "HH:MM:SS" as one word: digits where digits belong, then each
		 * pair combined in place (tens * 10 + units stays below 256) */
		uint64_t hms = load8(t + 11), lo = load8(t);
		uint64_t pairs = ((hms & (ONES * 0x0F)) * 10 + ((hms & (ONES * 0x0F)) >> 8));
		unsigned hh = (unsigned)(pairs & 0xFF), mm = (unsigned)(pairs >> 24 & 0xFF), ss = (unsigned)(pairs >> 48 & 0xFF);
		uint16_t hi;
		memcpy(&hi, t + 8, 2);
		if ((nondigits(hms) & 0x8080008080008080ULL) | (hh > 23) | (mm > 59) | (ss > 59))
			return NULL;
		if (lo != in->date_lo || hi != in->date_hi) {
			if (mrv_parse_timestamp(t, 20, &ts))
				return NULL;
			in->date_lo = lo;
			in->date_hi = hi;
			in->date_days = (ts - (int64_t)(hh * 3600 + mm * 60 + ss)) / 86400;
		}
		ts = in->date_days * 86400 + (int64_t)(hh * 3600 + mm * 60 + ss);
		t += 20;
	}
	t++;
	/* the value: up to 12 integer digits (more go to the careful parser,
	 * which knows the int64 limit), an optional '.' and fraction digits of
	 * which the first 6 count (the rest are truncated, never rounded up) */
	w = load8(t);
	nd = nondigits(w);
	n = nd ? (unsigned)__builtin_ctzll(nd) / 8 : 8;
	if (n == 0)
		return NULL;
	ip = (int64_t)digits_value(w, n);
	t += n;
	if (n == 8) {
		w = load8(t);
		nd = nondigits(w);
		n = nd ? (unsigned)__builtin_ctzll(nd) / 8 : 8;
		if (n > 4)
			return NULL;
		if (n) {
			ip = ip * pow10_6[6 - n] + (int64_t)digits_value(w, n);
			t += n;
		}
	}
	if (*t == '.') {
		unsigned k;
		t++;
		w = load8(t);
		nd = nondigits(w);
		n = nd ? (unsigned)__builtin_ctzll(nd) / 8 : 8;
		if (n == 0)
			return NULL; /* "1." */
		k = n < 6 ? n : 6;
		fp = (int64_t)digits_value(w, k) * pow10_6[k];
		t += n;
		if (n == 8)
			while ((unsigned)(*t - '0') < 10) /* more than 8 decimals */
				t++;
	}
	if (*t == '\r')
		t++;
	if (*t != '\n')
		return NULL;
	ip = ip * MRV_SCALE + fp;
	if (record_fast(in, p, (size_t)(q - p), ts, ip))
		*stop = record(in, p, (size_t)(q - p), ts, ip);
	return t + 1;
}

static int cmp_meter(const void *a, const void *b)
{
	return strcmp(((const struct mrv_meter_result *)a)->id, ((const struct mrv_meter_result *)b)->id);
}

/* Gaps: runs of empty slots inside the period. */
static void meter_gaps(const struct ingest *in, const struct meter *m, struct mrv_meter_result *r)
{
	size_t ns, i = 0;
	if (!m->bits) /* one reading, or all at the period start: no interval to judge by */
		return;
	ns = in->o->cumulative ? m->nslots : (size_t)((in->span + m->gb - 1) / m->gb);
	while (i < ns) {
		uint64_t w = m->bits[i / 64] >> (i % 64);
		if (w & 1) {
			/* skip the run of filled slots; a whole word filled (~w == 0,
			 * which ctz may not be given) is 64 of them */
			i += ~w ? (size_t)__builtin_ctzll(~w) : 64;
			continue;
		}
		size_t j = i;
		while (j < ns && !(m->bits[j / 64] >> (j % 64) & 1)) {
			if (j % 64 == 0 && !m->bits[j / 64] && j + 64 <= ns)
				j += 64;
			else
				j++;
		}
		if (r->ngaps < MRV_GAPS_LISTED) {
			r->gaps[r->ngaps].start = in->o->from + (int64_t)i * m->gb;
			r->gaps[r->ngaps].length = (int64_t)(j - i) * m->gb;
			r->ngaps++;
		}
		r->gap_count++;
		r->gap_seconds += (int64_t)(j - i) * m->gb;
		i = j;
	}
}

static int finish(struct ingest *in)
{
	struct mrv_ingest_result *res = in->res;
	size_t k = 0;
	res->meter = calloc(in->n ? in->n : 1, sizeof(*res->meter));
	if (!res->meter)
		return c2c_err_set(in->err, C2C_ENOMEM, "%s: out of memory", in->name);
	for (size_t i = 0; i < in->cap; i++) {
		struct meter *m = in->slot[i];
		struct mrv_meter_result *r;
		if (!m)
			continue;
		r = &res->meter[k++];
		memcpy(r->id, m->id, sizeof(r->id));
		r->rows = m->rows;
		r->raw_micro = m->raw / in->o->unit_divisor;
		r->sum_micro = m->sum / in->o->unit_divisor;
		r->first = m->rows ? m->first : 0;
		r->last = m->rows ? m->last : 0;
		r->interval = m->gb;
		r->replacements = m->replacements;
		if (m->corrected && m->raw != m->sum) {
			char pc[32], raw[32], sum[32], d1[32], d2[32];
			mrv_format_micro(m->corr_ppm * 100, pc, sizeof(pc));
			mrv_format_micro(r->raw_micro, raw, sizeof(raw));
			mrv_format_micro(r->sum_micro, sum, sizeof(sum));
			mrv_format_timestamp(m->win_from, d1, sizeof(d1));
			if (m->win_to == INT64_MAX)
				snprintf(d2, sizeof(d2), "(not yet calibrated)");
			else
				mrv_format_timestamp(m->win_to, d2, sizeof(d2));
			r->corrected = 1;
			snprintf(r->correction, sizeof(r->correction), "readings %s to %s reduced by %s%%: %s -> %s",
				 d1, d2, pc, raw, sum);
		}
		meter_gaps(in, m, r);
		if (__builtin_add_overflow(res->total_micro, r->sum_micro, &res->total_micro))
			return c2c_err_set(in->err, C2C_EINPUT, "%s: the total passes 9.2e12 units", in->name);
	}
	res->nmeters = k;
	qsort(res->meter, k, sizeof(*res->meter), cmp_meter);
	return 0;
}

static void release(struct ingest *in)
{
	for (size_t i = 0; i < in->cap; i++)
		if (in->slot[i]) {
			free(in->slot[i]->bits);
			free(in->slot[i]);
		}
	free(in->slot);
}

static const char *last_newline(const char *b, const char *e)
{
	while (e > b)
		if (*--e == '\n')
			return e;
	return NULL;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int check_header(struct ingest *in, const char *p, const char *e)
{
	static const char want[] = "meter_id,timestamp,value";
	if (e > p && e[-1] == '\r')
		e--;
	if (e - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3; /* a UTF-8 byte order mark, as spreadsheets write */
	if ((size_t)(e - p) == sizeof(want) - 1 && !memcmp(p, want, sizeof(want) - 1))
		return 0;
	c2c_err_set(in->err, C2C_EINPUT, "%s: row 1: the header must be 'meter_id,timestamp,value', not '%.*s'",
		    in->name, (int)(e - p > 60 ? 60 : e - p), p);
	c2c_err_hint(in->err, "monitoring files are CSV with that header; values in the parameter's unit "
		     "(or give --unit)");
	return C2C_EINPUT;
}

int mrv_ingest(const struct mrv_ingest_opts *o, struct mrv_ingest_result *res, struct c2c_err *err)
{
	struct ingest in = {.o = o, .res = res, .err = err, .name = o->path};
	crypto_hash_sha256_state sha;
	char *buf = NULL;
	size_t have = 0;
	int fd = -1, rc = 0, eof = 0, header = 1;
	struct stat stt;
	double t0 = now_s(), tlast = t0;
	const char *bn = strrchr(o->path, '/');

	memset(res, 0, sizeof(*res));
	in.name = bn ? bn + 1 : o->path;
	in.span = o->to - o->from;
	in.row = 0;
	if (in.span <= 0)
		return c2c_err_set(err, C2C_EUSAGE, "the period is empty: --to must not be before --from");
	if (o->want_sha256 && sodium_init() < 0)
		return c2c_err_set(err, C2C_EINTERNAL, "libsodium failed to start");
	if ((fd = open(o->path, O_RDONLY)) < 0)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", o->path, strerror(errno));
	if (fstat(fd, &stt) == 0 && S_ISDIR(stt.st_mode)) {
		close(fd);
		return c2c_err_set(err, C2C_EIO, "%s: is a directory", o->path);
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	/* calloc, and room past the end: the row scanner peeks a few bytes ahead */
	if (!(buf = calloc(1, BLOCK + 64))) {
		close(fd);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory for the read buffer");
	}
	if (o->want_sha256)
		crypto_hash_sha256_init(&sha);
	while (!eof) {
		ssize_t got = read(fd, buf + have, BLOCK - have);
		const char *p = buf, *end;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = c2c_err_set(err, C2C_EIO, "%s: read failed: %s", o->path, strerror(errno));
			break;
		}
		if (got == 0)
			eof = 1;
		if (o->want_sha256 && got > 0)
			crypto_hash_sha256_update(&sha, (const unsigned char *)buf + have, (unsigned long long)got);
		res->bytes += (uint64_t)got;
		have += (size_t)got;
		end = buf + have;
		if (eof && have && end[-1] != '\n')
			*(char *)end++ = '\n'; /* the last line has no newline: give it one */
		{
			/* whole lines only; the rest waits for the next block */
			const char *lim = last_newline(buf, end);
			const char *stop_at = lim ? lim + 1 : buf;
			if (header && lim) {
				const char *nl = memchr(p, '\n', (size_t)(stop_at - p));
				in.row++;
				header = 0;
				if ((rc = check_header(&in, p, nl)))
					goto out;
				p = nl + 1;
			}
			while (p < stop_at) {
				int stop = 0;
				const char *next;
				in.row++;
				res->rows++;
				next = fast_line(&in, p, &stop);
				if (!next) {
					const char *nl = memchr(p, '\n', (size_t)(stop_at - p));
					stop = parse_line(&in, p, nl);
					next = nl + 1;
				}
				if (stop) {
					rc = res->nerrors ? C2C_EINPUT : (err->code ? err->code : C2C_EINTERNAL);
					goto out;
				}
				p = next;
			}
		}
		have = (size_t)(end - p);
		if (have >= LINE_MAX_BYTES && !eof) {
			in.row++;
			rc = c2c_err_set(err, C2C_EINPUT, "%s: row %lld: longer than %d bytes", in.name,
					 (long long)in.row, LINE_MAX_BYTES);
			goto out;
		}
		memmove(buf, p, have);
		if (o->progress) {
			double t = now_s();
			if (t - tlast >= 0.25 || eof) {
				o->progress(o->progress_ctx, res->bytes, (uint64_t)stt.st_size, (uint64_t)res->rows, t - t0);
				tlast = t;
			}
		}
	}
	if (!rc && header)
		rc = c2c_err_set(err, C2C_EINPUT, "%s: the file is empty (the header meter_id,timestamp,value is required)",
				 in.name);
out:
	if (!rc && res->nerrors)
		rc = C2C_EINPUT;
	if (!rc)
		rc = finish(&in);
	if (!rc && o->want_sha256) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256_final(&sha, h);
		sodium_bin2hex(res->sha256, sizeof(res->sha256), h, sizeof(h));
	}
	if (rc && res->nerrors > 1)
		c2c_err_detail(err, "%zu errors; nothing was stored", res->nerrors);
	release(&in);
	free(buf);
	close(fd);
	return rc;
}

void mrv_ingest_result_free(struct mrv_ingest_result *res)
{
	free(res->meter);
	res->meter = NULL;
	json_decref(res->errors);
	res->errors = NULL;
}

/* ---------------------------------------------------------------- --meters */

struct meters_ctx {
	struct mrv_meter_info *v;
	size_t n, cap;
	const char *name;
};

static int pct_ppm(const char *s, int64_t *out)
{
	int64_t v;
	if (!*s) {
		*out = 0;
		return 0;
	}
	if (mrv_parse_micro(s, strlen(s), 1, &v) || v > 100 * MRV_SCALE || v < -100 * MRV_SCALE)
		return -1;
	*out = v / 100; /* percent in millionths -> fraction in millionths */
	return 0;
}

static int day_or_ts(const char *s, int64_t *out)
{
	if (!*s) {
		*out = 0;
		return 0;
	}
	if (strlen(s) == 10)
		return mrv_parse_date(s, out);
	return mrv_parse_timestamp(s, strlen(s), out);
}

#include "core/csv.h"

static int meters_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	static const char *const want[] = {"meter_id", "accuracy_pct", "calibration_due", "calibrated_on",
					   "error_pct", "replaced_at"};
	struct meters_ctx *c = vctx;
	struct mrv_meter_info *mi;
	if (row->line == 1) {
		for (size_t i = 0; i < 6; i++)
			if (row->nfields != 6 || strcmp(row->field[i], want[i]))
				return c2c_err_set(err, C2C_EINPUT, "%s: row 1: the header must be "
						   "meter_id,accuracy_pct,calibration_due,calibrated_on,error_pct,replaced_at",
						   c->name);
		return 0;
	}
	if (row->nfields != 6)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu columns, expected 6", c->name, row->line,
				   row->nfields);
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		struct mrv_meter_info *nv = realloc(c->v, nc * sizeof(*nv));
		if (!nv)
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		c->v = nv;
		c->cap = nc;
	}
	mi = &c->v[c->n];
	memset(mi, 0, sizeof(*mi));
	if (!id_ok(row->field[0], row->len[0]))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 1 (meter_id): '%s' is not a meter id",
				   c->name, row->line, row->field[0]);
	memcpy(mi->id, row->field[0], row->len[0]);
	if (pct_ppm(row->field[1], &mi->accuracy_ppm) || mi->accuracy_ppm < 0)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 2 (accuracy_pct): '%s' is not a percentage",
				   c->name, row->line, row->field[1]);
	if (day_or_ts(row->field[2], &mi->calibration_due))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 3 (calibration_due): '%s' is not a date",
				   c->name, row->line, row->field[2]);
	if (day_or_ts(row->field[3], &mi->calibrated_on))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 4 (calibrated_on): '%s' is not a date",
				   c->name, row->line, row->field[3]);
	if (pct_ppm(row->field[4], &mi->error_ppm))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 5 (error_pct): '%s' is not a percentage",
				   c->name, row->line, row->field[4]);
	for (const char *p = row->field[5]; *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (mi->nreplaced == sizeof(mi->replaced_at) / sizeof(mi->replaced_at[0]) ||
		    mrv_parse_timestamp(p, len, &mi->replaced_at[mi->nreplaced]))
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 6 (replaced_at): '%.*s' is not a "
					   "timestamp (up to 8, ';'-separated, in time order)", c->name, row->line,
					   (int)len, p);
		if (mi->nreplaced && mi->replaced_at[mi->nreplaced] <= mi->replaced_at[mi->nreplaced - 1])
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 6 (replaced_at): times must be "
					   "in order", c->name, row->line);
		mi->nreplaced++;
		if (!e)
			break;
		p = e + 1;
	}
	c->n++;
	return 0;
}

int mrv_meters_load(const char *path, struct mrv_meter_info **out, size_t *n, struct c2c_err *err)
{
	struct meters_ctx c = {.name = path};
	FILE *fp = fopen(path, "rb");
	int rc;
	*out = NULL;
	*n = 0;
	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", path, strerror(errno));
	rc = csv_read_stream(fp, path, meters_row, &c, err);
	fclose(fp);
	if (rc) {
		free(c.v);
		return rc;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
