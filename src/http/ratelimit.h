#ifndef INKAN_HTTP_RATELIMIT_H
#define INKAN_HTTP_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

/*
 * A per-client-address counter over windows that start at an address's
 * first event and last a fixed time, for the public and
 * pre-authentication endpoints (problem reports, e-mail validation
 * confirmations, failed RA logins). The table is small and keyed by
 * address; an address not in it takes the slot of the one seen longest
 * ago, so a flood from many addresses costs only memory already
 * allocated. Thread-safe.
 */
#define HTTP_LIMIT_SOURCES	256

struct http_limit {
	pthread_mutex_t	 mu;
	unsigned int	 max;		/* events allowed per window */
	unsigned int	 window;	/* seconds */
	struct {
		char	 addr[64];
		time_t	 start;		/* the window's first event */
		unsigned int n;
		int	 refused;	/* refusals told of this window */
	}		 slot[HTTP_LIMIT_SOURCES];
};

/* Sets up l: max events per window seconds (both > 0). */
void http_limit_init(struct http_limit *l, unsigned int max,
    unsigned int window);
void http_limit_destroy(struct http_limit *l);

/*
 * 1 if client is still under the limit at now (and, with count, records
 * one event for it); else the seconds until its window ends in *retry
 * (if not NULL) and -1 for the first refusal of the window, 0 for the
 * others, so that the caller audits one refusal per window rather than
 * letting a flood fill the audit log.
 */
int http_limit_allow(struct http_limit *l, const char *client, time_t now,
    int count, time_t *retry);

/* Records one event for client at now (a failure, after the fact). */
void http_limit_add(struct http_limit *l, const char *client, time_t now);

struct ra;

/*
 * Audits a refusal by the limit (type, e.g. "ra.login.throttle", outcome
 * refused, source client) through ra_audit_event(); detail says which.
 */
void http_limit_audit(struct ra *ra, const char *type, const char *client,
    const char *detail);

#endif
