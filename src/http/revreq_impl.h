#ifndef INKAN_HTTP_REVREQ_IMPL_H
#define INKAN_HTTP_REVREQ_IMPL_H

#include "ra/revreq.h"

/* Shared by revreq_api.c and subscriber.c only. */
struct http_revreq {
	struct ra	*ra;
	struct ra_revoker rv;	/* ca_revoke through ca_call() */
	char		 csp[256];	/* the pages' Content-Security-Policy */
};

/* Sets up the pages' CSP (the inline style's hash). 0 on failure. */
int http_subscriber_init(struct http_revreq *h);

#endif
