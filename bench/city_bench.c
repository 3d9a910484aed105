/*
 * city_bench.c - a zero-carbon scenario for 10,000 cities: base year, BaU,
 * the countermeasure case and the Shapley attribution of the reduction to
 * 5 measures, for each city.  The goal (issue 7) is under a second.
 *
 * Baseline measured in the same run: the same attribution computed naively,
 * as the definition reads - every one of the n! orders of the measures,
 * re-applying and re-evaluating each prefix - instead of evaluating the
 * 2^n subsets once.  Both must give the same parts (checked, max difference
 * printed).  Cities are the worked example of data/city/scenario-example.json
 * with drivers and shares varied per city by a fixed pseudo-random sequence.
 *
 * run: ninja -C build bench/city_bench && build/bench/city_bench [CITIES]
 */
#include "city/city.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef C2C_SOURCE_ROOT
#define C2C_SOURCE_ROOT "."
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long rng = 88172645463325252ULL;
static double uniform(double lo, double hi)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return lo + (hi - lo) * (double)(rng >> 11) / 9007199254740992.0;
}

/* Shapley by its definition: the average over all n! orders. */
static void naive_shapley(const struct scn_model *m, double *parts)
{
	int n = m->nmeasures, perm[SCN_MAX_MEASURES], c[SCN_MAX_MEASURES] = {0}, i = 0;
	double orders = 0;
	struct scn_params p;

	for (int k = 0; k < n; k++) {
		perm[k] = k;
		parts[k] = 0;
	}
	for (;;) { /* each order (Heap's algorithm) */
		unsigned mask = 0;
		double prev;
		scn_apply(m, 0, &p);
		prev = scn_eval(m, &p, m->drv_target, NULL);
		for (int k = 0; k < n; k++) {
			double cur;
			mask |= 1u << perm[k];
			scn_apply(m, mask, &p);
			cur = scn_eval(m, &p, m->drv_target, NULL);
			parts[perm[k]] += prev - cur;
			prev = cur;
		}
		orders++;
		while (i < n && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i >= n)
			break;
		{
			int j = i % 2 ? c[i] : 0, t = perm[j];
			perm[j] = perm[i];
			perm[i] = t;
		}
		c[i]++;
		i = 0;
	}
	for (int k = 0; k < n; k++)
		parts[k] /= orders;
}

int main(int argc, char **argv)
{
	size_t cities = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	struct scn_model *proto = malloc(sizeof(*proto)), *ms = malloc(sizeof(*ms) * cities);
	struct scn_result *res = malloc(sizeof(*res) * cities);
	struct c2c_err err;
	json_error_t je;
	json_t *doc = json_load_file(C2C_SOURCE_ROOT "/data/city/scenario-example.json", 0, &je);
	double t0, fast, naive, maxdiff = 0, sum_red = 0, parts[SCN_MAX_MEASURES];

	if (!doc || !proto || !ms || !res || city_scenario_parse(doc, "scenario-example.json", proto, &err)) {
		fprintf(stderr, "city_bench: cannot load the example: %s\n", doc ? err.msg : je.text);
		return 1;
	}
	json_decref(doc);
	for (size_t c = 0; c < cities; c++) {
		struct scn_model *m = &ms[c];
		double x;
		*m = *proto;
		for (int d = 0; d < m->ndrivers; d++) {
			m->drv_base[d] *= uniform(0.05, 20);
			m->drv_target[d] = m->drv_base[d] * uniform(0.9, 1.6);
		}
		x = uniform(0.1, 0.7); /* the car share; the bus takes the rest */
		m->base.share[2][0] = x;
		m->base.share[2][1] = 1 - x;
		m->m[2].ch[0].value = uniform(0, x);
	}

	t0 = now();
	for (size_t c = 0; c < cities; c++)
		scn_run(&ms[c], ATTR_SHAPLEY, &res[c]);
	fast = now() - t0;

	t0 = now();
	for (size_t c = 0; c < cities; c++) {
		naive_shapley(&ms[c], parts);
		for (int k = 0; k < ms[c].nmeasures; k++) {
			double d = fabs(parts[k] - res[c].part_t[k]);
			if (d > maxdiff)
				maxdiff = d;
		}
		sum_red += res[c].bau_total - res[c].cm_total;
	}
	naive = now() - t0;

	printf("city_bench: %zu cities, %d sectors, %d measures each (base year, BaU, countermeasure case, Shapley attribution)\n",
	       cities, proto->nsectors, proto->nmeasures);
	printf("  subsets (2^n evaluations): %8.1f ms  %10.0f cities/s  %s the 1 s goal\n", fast * 1e3,
	       (double)cities / fast, fast < 1.0 ? "within" : "OVER");
	printf("  naive (n! orders, baseline): %6.1f ms  %10.0f cities/s\n", naive * 1e3, (double)cities / naive);
	printf("  speed-up %.1fx; largest difference between the two attributions %.3g t; total reduction %.0f t\n",
	       naive / fast, maxdiff, sum_red);
	free(proto);
	free(ms);
	free(res);
	return maxdiff < 1e-3 ? 0 : 1;
}
