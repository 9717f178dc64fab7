#include "http/metrics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

/* Status codes 100..599 each get a counter; anything else counts as 599. */
#define HTTP_CODE_MIN	100
#define HTTP_CODE_MAX	599
#define HTTP_NCODES	(HTTP_CODE_MAX - HTTP_CODE_MIN + 1)

/*
 * Latency buckets in seconds: a pre-signed OCSP answer takes tens of
 * microseconds, a big CRL sent to a slow client seconds.
 */
static const double metrics_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001,
    0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10 };
#define HTTP_NBUCKETS	(sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

static const char *const metrics_endpoint[HTTP_EP_MAX] = {
	[HTTP_EP_REPOSITORY] = "repository",
	[HTTP_EP_OCSP] = "ocsp",
	[HTTP_EP_METRICS] = "metrics",
	[HTTP_EP_HEALTHZ] = "healthz",
	[HTTP_EP_RA] = "ra",
	[HTTP_EP_OTHER] = "other",
};

/*
 * One histogram per endpoint. Buckets are not cumulative here (one
 * increment per observation); the renderer adds them up.
 */
struct metrics_hist {
	atomic_uint_fast64_t bucket[HTTP_NBUCKETS + 1];	/* last: +Inf */
	atomic_uint_fast64_t sum_ns;
	atomic_uint_fast64_t count;
};

struct http_metrics {
	atomic_uint_fast64_t requests[HTTP_EP_MAX][HTTP_NCODES];
	struct metrics_hist latency[HTTP_EP_MAX];
	atomic_uint_fast64_t signer_errors;
	struct http_metrics_source src;
	int		 has_src;
	uint64_t	 bound_ns[HTTP_NBUCKETS];
};

struct http_metrics *
http_metrics_new(const struct http_metrics_source *src)
{
	struct http_metrics *m;

	/* calloc: all-zero bytes are zero-valued atomics on our platforms. */
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (src != NULL) {
		m->src = *src;
		m->has_src = 1;
	}
	for (size_t i = 0; i < HTTP_NBUCKETS; i++)
		m->bound_ns[i] = (uint64_t)(metrics_bounds[i] * 1e9 + 0.5);
	return m;
}

void
http_metrics_free(struct http_metrics *m)
{
	free(m);
}

void
http_metrics_observe(struct http_metrics *m, enum http_endpoint ep,
    int code, uint64_t ns)
{
	struct metrics_hist *h;
	size_t b = 0;

	if ((unsigned int)ep >= HTTP_EP_MAX)
		ep = HTTP_EP_OTHER;
	if (code < HTTP_CODE_MIN || code > HTTP_CODE_MAX)
		code = HTTP_CODE_MAX;
	atomic_fetch_add_explicit(&m->requests[ep][code - HTTP_CODE_MIN], 1,
	    memory_order_relaxed);
	h = &m->latency[ep];
	while (b < HTTP_NBUCKETS && ns > m->bound_ns[b])
		b++;
	atomic_fetch_add_explicit(&h->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

void
http_metrics_signer_error(struct http_metrics *m)
{
	atomic_fetch_add_explicit(&m->signer_errors, 1, memory_order_relaxed);
}

/* --- rendering --------------------------------------------------------- */

struct metrics_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

static void __attribute__((format(printf, 2, 3)))
mb_printf(struct metrics_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (b->failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t want = b->cap * 2 + (size_t)n;
		char *p = realloc(b->p, want);

		if (p == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = want;
	}
}

/*
 * A label value: backslash, double quote and line feed escaped (text
 * format 0.0.4). Issuer names come from the configuration, but a label
 * must never break the exposition whatever it holds.
 */
static void
mb_label(struct metrics_buf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			mb_printf(b, "\\\\");
		else if (*v == '"')
			mb_printf(b, "\\\"");
		else if (*v == '\n')
			mb_printf(b, "\\n");
		else
			mb_printf(b, "%c", *v);
	}
}

static void
mb_head(struct metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	mb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_render_requests(struct http_metrics *m, struct metrics_buf *b)
{
	uint64_t v;

	mb_head(b, "inkan_http_requests_total", "counter",
	    "HTTP requests answered, by endpoint and status code.");
	for (int ep = 0; ep < HTTP_EP_MAX; ep++) {
		for (int c = 0; c < HTTP_NCODES; c++) {
			v = atomic_load_explicit(&m->requests[ep][c],
			    memory_order_relaxed);
			if (v == 0)
				continue;
			mb_printf(b, "inkan_http_requests_total{endpoint=\"%s\","
			    "code=\"%d\"} %" PRIu64 "\n", metrics_endpoint[ep],
			    c + HTTP_CODE_MIN, v);
		}
	}
}

static void
metrics_render_latency(struct http_metrics *m, struct metrics_buf *b)
{
	const char *n = "inkan_http_request_duration_seconds";
	struct metrics_hist *h;
	uint64_t cum, count, sum;

	mb_head(b, n, "histogram", "Time from the request headers to the "
	    "end of the response, by endpoint.");
	for (int ep = 0; ep < HTTP_EP_MAX; ep++) {
		h = &m->latency[ep];
		/* Read the count first: buckets may only run ahead of it. */
		count = atomic_load_explicit(&h->count, memory_order_relaxed);
		sum = atomic_load_explicit(&h->sum_ns, memory_order_relaxed);
		cum = 0;
		for (size_t i = 0; i < HTTP_NBUCKETS; i++) {
			cum += atomic_load_explicit(&h->bucket[i],
			    memory_order_relaxed);
			if (cum > count)
				cum = count;
			mb_printf(b, "%s_bucket{endpoint=\"%s\",le=\"%g\"} %"
			    PRIu64 "\n", n, metrics_endpoint[ep],
			    metrics_bounds[i], cum);
		}
		mb_printf(b, "%s_bucket{endpoint=\"%s\",le=\"+Inf\"} %" PRIu64
		    "\n", n, metrics_endpoint[ep], count);
		mb_printf(b, "%s_sum{endpoint=\"%s\"} %.9f\n", n,
		    metrics_endpoint[ep], (double)sum / 1e9);
		mb_printf(b, "%s_count{endpoint=\"%s\"} %" PRIu64 "\n", n,
		    metrics_endpoint[ep], count);
	}
}

struct metrics_crl_ctx {
	struct metrics_buf *b;
	time_t		 now;
};

static void
metrics_crl_emit(void *arg, const char *issuer, time_t this_update)
{
	struct metrics_crl_ctx *ctx = arg;

	mb_printf(ctx->b, "inkan_crl_age_seconds{issuer=\"");
	mb_label(ctx->b, issuer);
	mb_printf(ctx->b, "\"} %lld\n",
	    (long long)(ctx->now - this_update));
}

static void
metrics_render_gauges(struct http_metrics *m, struct metrics_buf *b,
    time_t now)
{
	struct metrics_crl_ctx ctx = { b, now };
	int64_t oldest = 0;
	size_t cached = 0;

	if (m->has_src && m->src.ocsp != NULL &&
	    m->src.ocsp(m->src.arg, now, &oldest, &cached)) {
		mb_head(b, "inkan_ocsp_oldest_response_age_seconds", "gauge",
		    "Age of the oldest pre-signed OCSP response held.");
		mb_printf(b, "inkan_ocsp_oldest_response_age_seconds %" PRId64
		    "\n", oldest);
		mb_head(b, "inkan_ocsp_responses_cached", "gauge",
		    "Pre-signed OCSP responses held in memory.");
		mb_printf(b, "inkan_ocsp_responses_cached %zu\n", cached);
	}
	mb_head(b, "inkan_crl_age_seconds", "gauge",
	    "Seconds since the thisUpdate of the newest published CRL, "
	    "by issuer.");
	if (m->has_src && m->src.crls != NULL)
		m->src.crls(m->src.arg, metrics_crl_emit, &ctx);
	mb_head(b, "inkan_signer_errors_total", "counter",
	    "Failed signing tasks of the daemon (OCSP pre-signing, CRL "
	    "issuance) and exits of the signer process.");
	mb_printf(b, "inkan_signer_errors_total %" PRIu64 "\n",
	    (uint64_t)atomic_load_explicit(&m->signer_errors,
	    memory_order_relaxed));
	mb_head(b, "inkan_up", "gauge",
	    "1 if the store and the signer are up (as /healthz).");
	mb_printf(b, "inkan_up %d\n", !m->has_src || m->src.healthy == NULL ||
	    m->src.healthy(m->src.arg, &(const char *){ NULL }));
	mb_head(b, "inkan_build_info", "gauge", "Version of inkand.");
	mb_printf(b, "inkan_build_info{version=\"");
	mb_label(b, INKAN_VERSION);
	mb_printf(b, "\"} 1\n");
}

int
http_metrics_render(struct http_metrics *m, time_t now, char **out,
    size_t *len)
{
	struct metrics_buf b = { 0 };

	if ((b.p = malloc(8192)) == NULL)
		return 0;
	b.cap = 8192;
	b.p[0] = '\0';
	metrics_render_requests(m, &b);
	metrics_render_latency(m, &b);
	metrics_render_gauges(m, &b, now);
	if (b.failed) {
		free(b.p);
		return 0;
	}
	*out = b.p;
	*len = b.len;
	return 1;
}

/* --- handlers ------------------------------------------------------------ */

int
http_metrics_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	struct http_metrics *m = arg;
	char *text;
	size_t len;

	if (req->rest[0] != '\0')
		return http_response_text(resp, 404, "not found\n");
	if (!http_metrics_render(m, time(NULL), &text, &len))
		return 0;
	resp->status = 200;
	resp->body = text;
	resp->body_len = len;
	resp->body_release = free;
	resp->body_release_arg = text;
	http_response_header(resp, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	http_response_header(resp, "Cache-Control", "no-store");
	return 1;
}

int
http_healthz_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	struct http_metrics *m = arg;
	const char *why = "unavailable\n";

	if (req->rest[0] != '\0')
		return http_response_text(resp, 404, "not found\n");
	if (m->has_src && m->src.healthy != NULL &&
	    !m->src.healthy(m->src.arg, &why))
		return http_response_text(resp, 503, why);
	return http_response_text(resp, 200, "ok\n");
}
