#ifndef INKAN_HTTP_RA_CALL_H
#define INKAN_HTTP_RA_CALL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/ra_api_int.h"

/*
 * Inside src/http: what the application endpoints (app_api.c) need
 * beyond the call and helpers of ra_api_int.h, so they answer and
 * refuse as the other RA endpoints do.
 */
struct app_env;
struct ra_mail;

/* The RA of h. */
struct ra *http_ra_ra(struct http_ra *h);

/*
 * What applications need, from h's CA calls and configuration: env
 * (mail pointing into *mail when [mail] is configured).
 */
void http_ra_app(struct http_ra *h, struct app_env *env,
    struct ra_mail *mail);

/*
 * The application endpoints (app_api.c): -1 if rest is none of them,
 * else the handler's result. app_api_route serves /ra/v1 (sessions),
 * app_api_lra_route /lra/v1 (c->who already the LRA).
 */
int app_api_route(struct ra_call *c);
int app_api_lra_route(struct ra_call *c);

#endif
