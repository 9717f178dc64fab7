#ifndef INKAN_HTTP_RA_API_H
#define INKAN_HTTP_RA_API_H

#include "http/server.h"

struct ra;

/*
 * The RA JSON API under /ra/v1 (docs/api.md): login with password and
 * TOTP, logout, TOTP enrolment, the caller's account, organisations and
 * LRAs. Bodies are JSON objects of at most RA_API_BODY_MAX bytes with
 * Content-Type application/json; anything malformed, oversized, of the
 * wrong type or with unknown members is refused with a 4xx JSON error
 * {"error": CODE, "message": TEXT} and changes nothing.
 *
 * The session token is returned in the body and as a cookie (Secure,
 * HttpOnly, SameSite=Strict); requests present it as
 * "Authorization: Bearer TOKEN" or as that cookie.
 */
#define RA_API_PREFIX		"/ra/v1"
#define RA_API_BODY_MAX		(8 * 1024)
/* The route's cap: bodies up to this get a JSON 413 from the handler. */
#define RA_API_ROUTE_BODY_MAX	(64 * 1024)

struct http_ra;

/* The API over ra (borrowed). NULL on failure. */
struct http_ra *http_ra_new(struct ra *ra);

struct ca_calls;
struct conf;

/*
 * Gives the API the worker's call queue (src/ca/calls.h), through which
 * it issues and revokes, and the CA's configuration (borrowed; both
 * outlive h). Without them, calls that need the CA answer 503.
 */
void http_ra_set_calls(struct http_ra *h, struct ca_calls *calls,
    const struct conf *conf);

/* Frees h. Accepts NULL. */
void http_ra_free(struct http_ra *h);

/* The route handler; arg is a struct http_ra. */
int http_ra_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

/*
 * The LRA API under /lra/v1, served only on the TLS listener that asks
 * for client certificates: an LRA authenticates with a certificate inkan
 * issued to it and an administrator bound to it (src/ra/lra_cert.h),
 * not with a password. GET /lra/v1/me, GET /lra/v1/org.
 */
#define LRA_API_PREFIX		"/lra/v1"

/* The LRA route handler; arg is a struct http_ra. */
int http_lra_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

#endif
