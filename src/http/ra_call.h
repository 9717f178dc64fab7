#ifndef INKAN_HTTP_RA_CALL_H
#define INKAN_HTTP_RA_CALL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/server.h"
#include "ra/account.h"

/*
 * Inside src/http: one RA or LRA API call and the helpers of ra_api.c
 * that the application endpoints (app_api.c) share, so both answer and
 * refuse alike.
 */
struct http_ra;
struct app_env;
struct ra_mail;

struct ra_call {
	struct http_ra	*h;
	const struct http_request *req;
	struct http_response *resp;
	json_t		*body;		/* parsed request body, if any */
	struct ra_principal who;
	int64_t		 now;
};

/* The RA of h. */
struct ra *http_ra_ra(struct http_ra *h);

/*
 * What applications need, from h's CA calls and configuration: env
 * (mail pointing into *mail when [mail] is configured).
 */
void http_ra_app(struct http_ra *h, struct app_env *env,
    struct ra_mail *mail);

int ra_reply(struct ra_call *c, int status, json_t *obj);
int ra_error(struct ra_call *c, int status, const char *code,
    const char *message);
int ra_error_status(struct ra_call *c, enum ra_status s);
int ra_parse_body(struct ra_call *c);
int ra_only_members(struct ra_call *c, const char *const *allowed);
int ra_member_str(struct ra_call *c, const char *name, int optional,
    size_t max, const char **out, size_t *len);
int ra_auth(struct ra_call *c, int need_full);

/*
 * The application endpoints (app_api.c): -1 if rest is none of them,
 * else the handler's result. app_api_route serves /ra/v1 (sessions),
 * app_api_lra_route /lra/v1 (c->who already the LRA).
 */
int app_api_route(struct ra_call *c);
int app_api_lra_route(struct ra_call *c);

#endif
