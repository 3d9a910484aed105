/*
 * units.c - the small unit table of inventories and the GPC tree's lookups.
 *
 * Why: activity data arrive in whatever unit the city's statistics use
 * (kWh from the utility, kL of diesel, TJ from the energy balance) while
 * emission factors are published per GJ or per tonne.  A factor applies to
 * an activity only through this table: same dimension, converted; different
 * dimension, refused (the "unit mismatch" of docs/city.md).
 */
#include "city.h"

#include <stdio.h>
#include <string.h>

/* Energy in GJ (kWh = 3.6 MJ; toe = 41.868 GJ, the IEA's definition), mass
 * in t, volume in m3, distance in km; passenger-, tonne- and vehicle-km are
 * three dimensions of their own (a pkm is not a vkm). */
static const struct city_unit units[] = {
	{"MJ", DIM_ENERGY, 0.001},   {"GJ", DIM_ENERGY, 1.0},      {"TJ", DIM_ENERGY, 1000.0},
	{"PJ", DIM_ENERGY, 1.0e6},   {"kWh", DIM_ENERGY, 0.0036},  {"MWh", DIM_ENERGY, 3.6},
	{"GWh", DIM_ENERGY, 3600.0}, {"toe", DIM_ENERGY, 41.868},  {"ktoe", DIM_ENERGY, 41868.0},
	{"g", DIM_MASS, 1.0e-6},     {"kg", DIM_MASS, 0.001},      {"t", DIM_MASS, 1.0},
	{"kt", DIM_MASS, 1000.0},    {"Mt", DIM_MASS, 1.0e6},
	{"L", DIM_VOLUME, 0.001},    {"kL", DIM_VOLUME, 1.0},      {"m3", DIM_VOLUME, 1.0},
	{"ML", DIM_VOLUME, 1000.0},  {"Nm3", DIM_VOLUME, 1.0},
	{"km", DIM_DISTANCE, 1.0},   {"pkm", DIM_PKM, 1.0},        {"tkm", DIM_TKM, 1.0},
	{"vkm", DIM_VKM, 1.0},       {"head", DIM_HEAD, 1.0},      {"ha", DIM_AREA, 1.0},
	{"km2", DIM_AREA, 100.0},
};

const char *const city_gas_name[GAS_N] = {"CO2", "CH4", "N2O"};
const char *const city_sector_roman[7] = {"", "I", "II", "III", "IV", "V", "VI"};

const struct city_unit *city_unit_find(const char *name)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(units[i].name, name))
			return &units[i];
	return NULL;
}

const char *city_dim_name(enum city_dim dim)
{
	static const char *const names[] = {"energy", "mass", "volume", "distance",
					    "passenger-km", "tonne-km", "vehicle-km", "head", "area"};
	return names[dim];
}

int city_ef_unit_parse(const char *s, const struct city_unit **num, const struct city_unit **den,
		       char *why, size_t whylen)
{
	const char *slash = strchr(s, '/');
	char top[16];

	if (!slash || slash == s || (size_t)(slash - s) >= sizeof(top)) {
		snprintf(why, whylen, "'%s' is not MASS/UNIT like kg/GJ or t/MWh", s);
		return C2C_EINPUT;
	}
	snprintf(top, sizeof(top), "%.*s", (int)(slash - s), s);
	*num = city_unit_find(top);
	*den = city_unit_find(slash + 1);
	if (!*num || (*num)->dim != DIM_MASS) {
		snprintf(why, whylen, "'%s': the factor's numerator must be a mass (g, kg, t, kt, Mt)", s);
		return C2C_EINPUT;
	}
	if (!*den) {
		snprintf(why, whylen, "'%s': unknown unit '%s'", s, slash + 1);
		return C2C_EINPUT;
	}
	return 0;
}

const struct gpc_row *city_gpc_find(const char *ref)
{
	for (size_t i = 0; i < city_gpc_n; i++)
		if (!strcmp(city_gpc[i].ref, ref))
			return &city_gpc[i];
	return NULL;
}

const char *city_gpc_level_name(enum gpc_level level)
{
	switch (level) {
	case GPC_BASIC:
		return "basic";
	case GPC_BASIC_PLUS:
		return "basic+";
	case GPC_TERRITORIAL:
		return "territorial";
	default:
		return "other";
	}
}
