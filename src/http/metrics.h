#ifndef INKAN_HTTP_METRICS_H
#define INKAN_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/server.h"

/*
 * Counters for /metrics (Prometheus text format 0.0.4) and the /healthz
 * answer. The serving threads only do relaxed atomic increments; the
 * gauges that need the daemon's state come from callbacks called when
 * /metrics or /healthz is asked, so nothing is sampled in between.
 */

struct http_metrics;

/* What the daemon knows and the HTTP threads may ask at any moment. */
struct http_metrics_source {
	/*
	 * Age in seconds of the oldest pre-signed OCSP response and how
	 * many are cached (ocsp_responder_oldest_age, ocsp_responder_size).
	 * 0 if there is no responder (the gauges are then left out).
	 */
	int	(*ocsp)(void *arg, time_t now, int64_t *oldest_age,
		    size_t *cached);
	/*
	 * Calls emit once per issuer with the thisUpdate of its newest
	 * published CRL (issuers without one are not emitted).
	 */
	void	(*crls)(void *arg, void (*emit)(void *ctx, const char *issuer,
		    time_t this_update), void *ctx);
	/*
	 * 1 if the store and the signer are up; else 0 and *why, a static
	 * text for the 503 body.
	 */
	int	(*healthy)(void *arg, const char **why);
	void	*arg;
};

/* New zeroed counters; src may be NULL (no gauges, always healthy). */
struct http_metrics *http_metrics_new(const struct http_metrics_source *src);

/* Accepts NULL. */
void http_metrics_free(struct http_metrics *m);

/* Counts one request of endpoint answered with code after ns nanoseconds. */
void http_metrics_observe(struct http_metrics *m, enum http_endpoint ep,
    int code, uint64_t ns);

/* inkan_signer_errors_total += 1 (the daemon's worker calls it). */
void http_metrics_signer_error(struct http_metrics *m);

/*
 * Renders every metric in the Prometheus text format 0.0.4 into a new
 * NUL-terminated buffer (*out, freed by the caller). 0 on allocation
 * failure.
 */
int http_metrics_render(struct http_metrics *m, time_t now, char **out,
    size_t *len);

/* The /metrics route handler; arg is the struct http_metrics. */
int http_metrics_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

/* The /healthz route handler: 200 "ok" or 503; arg is the metrics. */
int http_healthz_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

#endif
