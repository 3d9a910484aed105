/*
 * serial.c - the registry's pure arithmetic: project references, serial
 * numbers, allocation shares and the largest-remainder split.  No I/O, so
 * every rule here is unit-tested directly.
 */
#include "registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int registry_project_ok(const char *p)
{
	size_t n = strlen(p);
	if (registry_jcm_ref_ok(p))
		return 1;
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) || p[i] == '-'))
			return 0;
	return 1;
}

int registry_jcm_ref_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 5 || n > 8 || !isupper((unsigned char)p[0]) || !isupper((unsigned char)p[1]))
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* JCM-<host>-<project number>-<vintage>-<first>-<last>: the host and number
 * are the JCM project reference (KH003 -> KH-003), or the host and the
 * atlas project id of a linked project; serials are numbered per project
 * across all its issuances, so a range names each credit once. */
void registry_serial_range(char *buf, size_t len, const char *host, const char *project, int vintage,
			   int64_t first, int64_t last)
{
	if (registry_jcm_ref_ok(project))
		snprintf(buf, len, "JCM-%.2s-%s-%04d-%06lld-%06lld", project, project + 2, vintage,
			 (long long)first, (long long)last);
	else
		snprintf(buf, len, "JCM-%s-%s-%04d-%06lld-%06lld", host, project, vintage, (long long)first,
			 (long long)last);
}

void registry_serial_one(char *buf, size_t len, const char *host, const char *project, int vintage, int64_t serial)
{
	if (registry_jcm_ref_ok(project))
		snprintf(buf, len, "JCM-%.2s-%s-%04d-%06lld", project, project + 2, vintage, (long long)serial);
	else
		snprintf(buf, len, "JCM-%s-%s-%04d-%06lld", host, project, vintage, (long long)serial);
}

int registry_parse_share(const char *s)
{
	int whole = 0, frac = 0, digits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		whole = whole * 10 + (*p++ - '0');
		if (whole > 100)
			return -1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p) && digits < 2) {
			frac = frac * 10 + (*p++ - '0');
			digits++;
		}
		if (digits == 0 || isdigit((unsigned char)*p))
			return -1;
		if (digits == 1)
			frac *= 10;
	}
	if (*p == '%')
		p++;
	if (*p)
		return -1;
	if (whole * 100 + frac > 10000)
		return -1;
	return whole * 100 + frac;
}

void registry_largest_remainder(int64_t total, const int *shares, size_t n, int64_t *parts)
{
	int64_t given = 0;
	int64_t *rem = calloc(n ? n : 1, sizeof(*rem));

	for (size_t i = 0; i < n; i++) {
		/* total * share fits: totals are below 2^50 credits, shares <= 10^4. */
		parts[i] = total / 10000 * shares[i] + (total % 10000) * shares[i] / 10000;
		rem[i] = (total % 10000) * shares[i] % 10000;
		given += parts[i];
	}
	while (given < total) {
		size_t best = 0;
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			if (rem[i] < 0)
				continue; /* already got its extra credit */
			if (!found || rem[i] > rem[best] ||
			    (rem[i] == rem[best] && shares[i] > shares[best])) {
				best = i;
				found = 1;
			}
		}
		if (!found)
			break; /* cannot happen while shares sum to 10000 */
		parts[best]++;
		rem[best] = -1;
		given++;
	}
	free(rem);
}

/* The registry makes CC-PENDING, CC-CANCELLATION and CC-RETIREMENT itself
 * (ops.c, system_account); an account a user opened under such a name
 * would receive the next issuance.  Any id ending so is the registry's. */
int registry_reserved_id(const char *id)
{
	static const char *const suffix[] = {"-PENDING", "-CANCELLATION", "-RETIREMENT"};
	size_t n = strlen(id);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t k = strlen(suffix[i]);
		if (n >= k && !strcmp(id + n - k, suffix[i]))
			return 1;
	}
	return 0;
}
