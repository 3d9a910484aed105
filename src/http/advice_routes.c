/*
 * advice_routes.c - the programme's advice over HTTP, public since it stores
 * nothing: the readiness check (seed 004's six 確認事項) a municipality fills
 * in and gets scored, with the schemes and cases that address its weakest
 * points; and matching a partner place's need to Japanese bodies,
 * companies, technologies and schemes, each with why it ranks where it
 * does, and the leave-one-out evaluation of that ranking.  The same
 * programme/ calls as `c2c readiness|match`, with the same JSON.
 */
#include "router.h"
#include "programme/programme.h"

#include <stdlib.h>
#include <string.h>

int http_get_readiness_questions(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	(void)rq;
	return programme_readiness_questions(out, err);
}

/* {"answers": {"r1-water-waste": 2, ...}}: the body is handed on as the
 * text `c2c readiness score FILE.json` reads, so both check it alike and
 * name the item at fault. */
int http_post_readiness_score(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	char *text;
	int rc;
	if (!(text = json_dumps(rq->body, JSON_COMPACT)))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = programme_readiness_score(rq->st, text, strlen(text), "request body", out, err);
	free(text);
	return rc;
}

int http_get_match(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct programme_need n = {0};
	n.country = http_param_str(rq, "country");
	n.sector = http_param_str(rq, "sector");
	n.keywords = http_param_str(rq, "tech");
	n.size = http_param_str(rq, "size");
	n.limit = (size_t)http_param_int(rq, "limit", 0);
	return programme_match(rq->st, &n, out, err);
}

int http_get_match_evaluation(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return programme_match_evaluate(rq->st, out, err);
}
