/*
 * init.c - `c2c init`: create or upgrade the schema, then load the built-in
 * dataset in one transaction.  The dataset's fingerprint is kept in the
 * store, so a second init with the same binary finds nothing to do; a new
 * binary with new data upserts its rows and leaves rows the user imported
 * under other ids alone.
 */
#include "atlas.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* SHA-256 over every file's table name and bytes; the first 8 bytes in hex
 * name the dataset in `c2c init`'s output and in the store. */
static void fingerprint(char out[17])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&h);
	for (size_t i = 0; i < atlas_builtin_nfiles; i++) {
		const struct atlas_builtin_file *f = &atlas_builtin_files[i];
		crypto_hash_sha256_update(&h, (const unsigned char *)f->name, strlen(f->name) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)f->data, f->len);
	}
	crypto_hash_sha256_final(&h, d);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int load_builtin(struct store *st, struct atlas_init_report *rep, struct c2c_err *err)
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
			rep->rows += rows;
		}
	}
	return 0;
}

int atlas_init(struct store *st, int force, struct atlas_init_report *rep, struct c2c_err *err)
{
	char have[64];
	int rc;

	memset(rep, 0, sizeof(*rep));
	fingerprint(rep->fingerprint);
	if ((rc = atlas_migrate(st, &rep->migrations, err)))
		return rc;
	rc = store_meta_get(st, "atlas.dataset", have, sizeof(have), err);
	if (rc && rc != C2C_ENOTFOUND)
		return rc;
	if (!rc && !force && !strcmp(have, rep->fingerprint))
		return 0; /* the same dataset is in already */
	if ((rc = store_begin(st, err)))
		return rc;
	if ((rc = load_builtin(st, rep, err)) || (rc = atlas_search_rebuild(st, err)) ||
	    (rc = store_meta_set(st, "atlas.dataset", rep->fingerprint, err)) ||
	    (rc = store_commit(st, err))) {
		store_rollback(st);
		return rc;
	}
	rep->loaded = 1;
	return 0;
}
