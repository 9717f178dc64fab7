#ifndef INKAN_HTTP_REVREQ_IMPL_H
#define INKAN_HTTP_REVREQ_IMPL_H

#include <pthread.h>
#include <time.h>

#include "http/ratelimit.h"
#include "ra/revreq.h"

/* Problem reports accepted per client address and minute. */
#define REVREQ_REPORTS_PER_MINUTE	10

/* Shared by revreq_api.c and subscriber.c only. */
struct conf;

struct http_revreq {
	struct ra	*ra;
	const struct conf *conf;	/* [mail], for notices; may be NULL */
	struct ra_revoker rv;	/* ca_revoke through ca_call() */
	char		 csp[256];	/* the pages' Content-Security-Policy */
	struct http_limit limit;	/* the report rate limit */
};

/*
 * After a revocation or suspension carried out: a notice to the
 * subscriber's recorded address, if there is one and [mail] is set.
 * Failures are logged, never fatal.
 */
void http_revreq_notify(struct http_revreq *h, const char *issuer,
    const char *serial, int reason, const char *by);

/* Sets up the pages' CSP (the inline style's hash). 0 on failure. */
int http_subscriber_init(struct http_revreq *h);

#endif
