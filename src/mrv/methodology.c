/*
 * methodology.c - the catalog of JCM methodologies c2c computes: the files
 * of data/mrv/ compiled into the binary, and those of the directory named
 * by $C2C_MRV_DIR, read once on first use (methfile.c parses each; the
 * formulas are evaluated by formula.c).  Lookups by any reference number a
 * file lists, and the JSON the CLI and the API print.
 *
 * Every fact in a file names its source (the methodology's page on
 * jcm.go.jp, its PDF, a monitoring spreadsheet).  Where a value or a rule
 * could not be read, the file leaves the default empty and says so
 * (`unconfirmed:`): a missing figure is never guessed.
 */
#include "mrv.h"
#include "core/strbuf.h"
#include "core/strlist.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct mrv_methodology *table;
static size_t ntable;
static struct c2c_err load_err;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const struct mrv_methodology *find_in(const char *ref, size_t len);

static int add(struct mrv_methodology *m, struct c2c_err *err)
{
	struct mrv_methodology *t;
	const struct mrv_methodology *o;
	const char *p = m->refs;
	if ((o = find_in(m->id, strlen(m->id))))
		return c2c_err_set(err, C2C_EINPUT, "%s: %s is already %s's, from %s", m->file, m->id, o->id, o->file);
	for (;;) { /* one reference number, one methodology */
		size_t len = strcspn(p, ";");
		while (*p == ' ')
			p++, len--;
		if ((o = find_in(p, len)))
			return c2c_err_set(err, C2C_EINPUT, "%s: %.*s is already %s's, from %s", m->file, (int)len, p,
					   o->id, o->file);
		if (!p[len])
			break;
		p += len + 1;
	}
	if (!(t = realloc(table, (ntable + 1) * sizeof(*t))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	table = t;
	table[ntable++] = *m;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_file(const char *path, struct c2c_err *err)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	struct mrv_methodology m;
	int rc;
	if (!fp)
		return c2c_err_set(err, C2C_EIO, "%s: cannot be read", path);
	strbuf_init(&sb, 1 << 20);
	rc = strbuf_read_stream(&sb, fp);
	fclose(fp);
	if (rc)
		c2c_err_set(err, rc, "%s: cannot be read, or larger than 1 MB", path);
	else if (!(rc = mrv_methodology_parse(path, strbuf_str(&sb), sb.len, &m, err)) && (rc = add(&m, err)))
		mrv_methodology_release(&m);
	strbuf_release(&sb);
	return rc;
}

/* The files of $C2C_MRV_DIR ending in .meth, in name order. */
static int load_dir(const char *dir, struct c2c_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	if (!d)
		return c2c_err_set(err, C2C_EIO, "C2C_MRV_DIR=%s: cannot open the directory", dir);
	while ((e = readdir(d)) && !rc) {
		size_t len = strlen(e->d_name);
		char **t;
		if (len < 6 || strcmp(e->d_name + len - 5, ".meth"))
			continue;
		if (!(t = realloc(names, (n + 1) * sizeof(*names))) || !(t[n] = strdup(e->d_name)))
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		if (t) {
			names = t;
			n += !rc;
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && !rc; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = load_file(path, err);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static void load(void)
{
	const char *dir = getenv("C2C_MRV_DIR");
	for (size_t i = 0; i < mrv_builtin_nfiles; i++) {
		char name[300];
		struct mrv_methodology m;
		snprintf(name, sizeof(name), "data/mrv/%s.meth", mrv_builtin_files[i].name);
		/* a built-in file that does not load is a build defect (tests/mrv
		 * load them all); it is reported like a file of the directory */
		if (mrv_methodology_parse(name, mrv_builtin_files[i].data, mrv_builtin_files[i].len, &m, &load_err))
			return;
		if (add(&m, &load_err)) {
			mrv_methodology_release(&m);
			return;
		}
	}
	if (dir && *dir)
		load_dir(dir, &load_err);
}

int mrv_catalog_error(struct c2c_err *err)
{
	pthread_once(&once, load);
	if (!load_err.code)
		return 0;
	*err = load_err;
	return load_err.code;
}

const struct mrv_methodology *mrv_methodologies(size_t *n)
{
	pthread_once(&once, load);
	*n = ntable;
	return table;
}

static const struct mrv_methodology *find_in(const char *ref, size_t len)
{
	for (size_t i = 0; i < ntable; i++)
		if ((strlen(table[i].id) == len && !strncmp(table[i].id, ref, len)) ||
		    strlist_has(table[i].refs, ';', ref, len))
			return &table[i];
	return NULL;
}

const struct mrv_methodology *mrv_methodology_find(const char *ref)
{
	pthread_once(&once, load);
	return find_in(ref, strlen(ref));
}

const struct mrv_param *mrv_param_find(const struct mrv_methodology *m, const char *sym, size_t *idx)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (!strcasecmp(m->params[i].symbol, sym)) {
			if (idx)
				*idx = i;
			return &m->params[i];
		}
	return NULL;
}

const struct mrv_param *mrv_monitored_param(const struct mrv_methodology *m)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].monitored)
			return &m->params[i];
	return NULL;
}

/* "a;b;c" as a JSON array */
static json_t *list_json(const char *p)
{
	json_t *a = json_array();
	while (p && *p) {
		size_t len = strcspn(p, ";");
		json_array_append_new(a, json_stringn(p, len));
		p += len + (p[len] != 0);
	}
	return a;
}

json_t *mrv_methodology_json(const struct mrv_methodology *m, int full)
{
	json_t *o = json_object(), *ps, *fs;
	size_t nunconfirmed = m->unconfirmed ? 1 : 0;
	for (size_t i = 0; i < m->nparams; i++)
		nunconfirmed += m->params[i].unconfirmed != NULL;
	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "refs", list_json(m->refs));
	json_object_set_new(o, "countries", list_json(m->countries));
	json_object_set_new(o, "version", m->version ? json_string(m->version) : json_null());
	json_object_set_new(o, "family", json_string(m->family_name));
	json_object_set_new(o, "title", json_string(m->title));
	json_object_set_new(o, "sector", json_string(m->sector));
	json_object_set_new(o, "unconfirmed", json_integer((json_int_t)nunconfirmed));
	if (!full)
		return o;
	json_object_set_new(o, "eligibility", json_string(m->eligibility));
	json_object_set_new(o, "re_equation", json_string(m->re_equation));
	json_object_set_new(o, "pe_equation", json_string(m->pe_equation));
	json_object_set_new(o, "er_equation", json_string("ER_p = RE_p - PE_p, rounded down to whole tCO2e"));
	json_object_set_new(o, "source", json_string(m->source));
	json_object_set_new(o, "unconfirmed_note", m->unconfirmed ? json_string(m->unconfirmed) : json_null());
	json_object_set_new(o, "file", json_string(m->file));
	ps = json_array();
	for (size_t i = 0; i < m->nparams; i++) {
		const struct mrv_param *q = &m->params[i];
		json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:b, s:s, s:s?}", "symbol",
						    q->symbol, "symbol_doc", q->symbol_doc, "description",
						    q->description, "unit", q->unit, "option", q->options, "monitored",
						    q->monitored, "fixed_by", q->fixed_by, "default", q->default_value,
						    "per_unit", q->per_unit, "source", q->source, "unconfirmed",
						    q->unconfirmed));
	}
	json_object_set_new(o, "parameters", ps);
	fs = json_array();
	for (size_t i = 0; i < m->ncalcs; i++)
		json_array_append_new(fs, json_pack("{s:s, s:s, s:s}", "symbol", m->calcs[i].symbol, "formula",
						    m->calcs[i].text, "unit", m->calcs[i].unit));
	json_object_set_new(o, "formulas", fs);
	return o;
}
