/*
 * handlers.c - one function per route of routes.def: checked query
 * parameters in, the same atlas call as the CLI command of the same name
 * out.  No formatting here: router.c prints the JSON with the CLI's flags,
 * so a body and `c2c <command> --format json` are the same bytes.
 */
#include "router.h"
#include "registry/registry.h"

#include <string.h>

#ifndef C2C_VERSION
#define C2C_VERSION "0.0.0"
#endif

int http_get_healthz(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	/* "up" means able to answer: the thread's database opens and reads */
	if (store_query_int(rq->st, "SELECT 1", err) != 1)
		return err->code ? err->code : c2c_err_set(err, C2C_EDB, "the database does not answer");
	unsigned long hits, misses;

	/* the reply cache's counts (cache.c), all workers together: how an
	 * operator, and tests/roles.sh, see that cached replies are served */
	http_cache_stats(&hits, &misses);
	*out = json_pack("{s:s, s:s, s:{s:I, s:I}}", "status", "ok", "version", C2C_VERSION, "cache", "hits",
			 (json_int_t)hits, "misses", (json_int_t)misses);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_openapi(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	(void)rq;
	*out = http_openapi();
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_partnerships(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct atlas_partnership_filter f = {0};

	f.country = http_param_str(rq, "country");
	f.body = http_param_str(rq, "body");
	f.partner = http_param_str(rq, "partner");
	f.fy = (int)http_param_int(rq, "fy", 0);
	return atlas_partnerships(rq->st, &f, out, err);
}

int http_get_table(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *filters[2 * HTTP_MAX_PARAMS + 1];
	size_t nf = 0;

	/* router.c let through only the table's filter columns and limit/offset */
	for (size_t i = 0; i < rq->nparams; i++) {
		const struct atlas_col *col = atlas_col_find(rq->table, rq->name[i]);
		if (!col || !(col->flags & COL_FILTER))
			continue;
		filters[nf++] = col->name;
		filters[nf++] = rq->value[i];
	}
	filters[nf] = NULL;
	return atlas_list(rq->st, rq->table, filters, out, err);
}

int http_get_tables(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	(void)rq;
	*out = atlas_tables_json(atlas_tables, atlas_ntables);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_search(struct http_request *rq, json_t **out, struct c2c_err *err)
{

	return atlas_search(rq->st, http_param_str(rq, "q"), (size_t)http_param_int(rq, "limit", 50),
			    out, err);
}

int http_get_stats(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	long long from = http_param_int(rq, "from", 0), to = http_param_int(rq, "to", 0);

	if (from && to && from > to)
		return c2c_err_set(err, C2C_EUSAGE, "stats: from %lld is after to %lld", from, to);
	return atlas_stats(rq->st, (int)from, (int)to, out, err);
}

int http_get_sources(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return atlas_sources(rq->st, http_param_str(rq, "table"), out, err);
}

/* The registry's reads: public, as the JCM registries publish holdings. */
int http_get_registry_accounts(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_accounts(rq->st, http_param_str(rq, "country"), out, err);
}

int http_get_registry_blocks(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_blocks(rq->st, http_param_str(rq, "account"), out, err);
}

int http_get_registry_history(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_history(rq->st, http_param_str(rq, "account"), out, err);
}

int http_get_registry_balance(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_balance(rq->st, http_param_str(rq, "account"), out, err);
}

int http_get_registry_ca_report(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_ca_report(rq->st, http_param_str(rq, "country"), (int)http_param_int(rq, "year", 0),
				  out, err);
}

int http_get_registry_retirements(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_retirements(rq->st, http_param_str(rq, "country"), out, err);
}

int http_get_registry_aef(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_aef(rq->st, http_param_str(rq, "party"), (int)http_param_int(rq, "year", 0), out, err);
}

int http_get_registry_cadt(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_cadt(rq->st, http_param_str(rq, "country"), out, err);
}

int http_get_registry_four_eyes(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_four_eyes_list(rq->st, out, err);
}

int http_get_registry_proposals(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return registry_proposals(rq->st, http_param_str(rq, "country"), http_param_str(rq, "status"), out, err);
}

int http_get_registry_verify(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct registry_verify_report rep;
	struct c2c_err verr;
	int rc;
	/* A failed proof is an answer, not an error: 200 with ok=false. */
	rc = registry_verify(rq->st, &rep, &verr);
	if (rc && rc != C2C_ECONFLICT) {
		c2c_err_copy(err, &verr);
		return rc;
	}
	*out = registry_verify_json(&rep, rc, &verr);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}
