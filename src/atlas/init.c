/*
 * init.c - the atlas's built-in dataset (atlas_builtin, loaded by
 * store_builtin_load when its fingerprint changed, so a second init with the
 * same binary finds nothing to do; a new binary with new data upserts its
 * rows and leaves rows the user imported under other ids alone), and
 * atlas_init, schema and dataset in one transaction, for callers without
 * cli/'s list of modules (tests, benches).
 */
#include "atlas.h"

#include <stdio.h>
#include <string.h>

static const char *builtin_file(size_t i, const char **name, size_t *len)
{
	if (i >= atlas_builtin_nfiles)
		return NULL;
	*name = atlas_builtin_files[i].name;
	*len = atlas_builtin_files[i].len;
	return atlas_builtin_files[i].data;
}

static int load_builtin(struct store *st, size_t *total, struct c2c_err *err)
{
	/* Load in table order, so every reference points at rows already in. */
	for (size_t i = 0; i < atlas_ntables; i++) {
		const struct atlas_table *t = &atlas_tables[i];
		for (size_t k = 0; k < atlas_builtin_nfiles; k++) {
			const struct atlas_builtin_file *f = &atlas_builtin_files[k];
			char name[128];
			size_t rows = 0;
			int rc;
			if (strcmp(f->name, t->name))
				continue;
			snprintf(name, sizeof(name), "data/atlas/%s.csv", f->name);
			if ((rc = atlas_import_mem(st, t, f->data, f->len, name, &rows, err))) {
				c2c_err_prefix(err, "built-in dataset");
				return rc;
			}
			*total += rows;
		}
	}
	return atlas_search_rebuild(st, err);
}

const struct store_builtin atlas_builtin = {"atlas.dataset", builtin_file, load_builtin};

struct init_ctx {
	int force;
	struct atlas_init_report *rep;
};

static int init_step(struct store *st, void *ctx, struct c2c_err *err)
{
	struct init_ctx *c = ctx;
	struct store_builtin_report br;
	int rc;

	if ((rc = atlas_migrate(st, &c->rep->migrations, err)) ||
	    (rc = store_builtin_load(st, &atlas_builtin, c->force, &br, err)))
		return rc;
	c->rep->loaded = br.loaded;
	c->rep->rows = br.rows;
	memcpy(c->rep->fingerprint, br.fingerprint, sizeof(br.fingerprint));
	return 0;
}

int atlas_init(struct store *st, int force, struct atlas_init_report *rep, struct c2c_err *err)
{
	struct init_ctx c = {force, rep};

	memset(rep, 0, sizeof(*rep));
	return store_tx(st, NULL, init_step, &c, err);
}
