#ifndef INKAN_HTTP_REVREQ_API_H
#define INKAN_HTTP_REVREQ_API_H

#include "http/server.h"

/*
 * Revocation requests, problem reports and the subscriber's suspension
 * page (docs/api.md; CP-1.5.2, 3.4, 4.9.1-4.9.5, 4.9.13-4.9.15), over
 * the RA (src/ra/revreq.h). Each is a route of its own, placed before
 * the /ra/v1 and /lra/v1 routes of src/http/ra_api.c:
 *
 *   /ra/v1/revocations   POST: an RA operator or administrator revokes
 *                        naming CP-4.9.1 grounds (full session + fresh
 *                        TOTP); GET: the requests
 *   /ra/v1/reports       GET: problem reports; /ID; POST /ID/decide
 *   /lra/v1/certificates POST /ISSUER/SERIAL/revoke: an LRA (client
 *                        certificate) with its operator's TOTP
 *   /problem-report      POST: anyone (JSON), optional key compromise proof
 *   /subscriber/         the suspension page (HTML, src/http/subscriber.c)
 *
 * Revocations run through ca_call() on inkand's worker (ca_revoke), so
 * the CRL and the OCSP answers change at once.
 */

#define REVREQ_RA_REVOCATIONS	"/ra/v1/revocations"
#define REVREQ_RA_REPORTS	"/ra/v1/reports"
#define REVREQ_LRA_CERTIFICATES	"/lra/v1/certificates"
#define REVREQ_PUBLIC_REPORT	"/problem-report"
#define REVREQ_SUBSCRIBER	"/subscriber"

/* Bodies: JSON at most 8 KiB; a problem report 40 KiB; forms 4 KiB. */
#define REVREQ_BODY_MAX		(8 * 1024)
#define REVREQ_REPORT_MAX	(40 * 1024)
#define REVREQ_FORM_MAX		(4 * 1024)
/* The routes' caps: larger bodies are cut off by the server (413). */
#define REVREQ_ROUTE_BODY_MAX	(64 * 1024)

struct ra;
struct ca_calls;
struct http_revreq;

struct conf;

/*
 * Over ra, the worker's calls and the CA's configuration (its [mail]
 * sends notices; all borrowed, conf may be NULL). NULL on failure.
 */
struct http_revreq *http_revreq_new(struct ra *ra, struct ca_calls *calls,
    const struct conf *conf);

/* Frees h. Accepts NULL. */
void http_revreq_free(struct http_revreq *h);

/* Route handlers; arg is a struct http_revreq. */
int http_revreq_ra_handler(void *arg, const struct http_request *req,
    struct http_response *resp);
int http_revreq_lra_handler(void *arg, const struct http_request *req,
    struct http_response *resp);
int http_revreq_report_handler(void *arg, const struct http_request *req,
    struct http_response *resp);
int http_subscriber_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

#endif
