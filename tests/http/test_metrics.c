/*
 * Tests of src/http/metrics.c: /metrics must parse as the Prometheus
 * text format 0.0.4 (every sample of a family declared by # TYPE before
 * it, names and labels well formed, label values escaped, histogram
 * buckets cumulative with +Inf equal to _count), carry the gauges the
 * daemon provides, and /healthz must follow the health callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "http/metrics.h"
#include "util/log.h"

/* --- a checker of the exposition format ----------------------------------- */

#define MAX_FAMILIES	64

struct family {
	char	 name[128];
	char	 type[16];
};

struct checker {
	struct family f[MAX_FAMILIES];
	int	 nf;
	int	 samples;
	char	 err[256];
};

static int
name_char(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || (!first && c >= '0' && c <= '9');
}

static const char *
parse_name(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	if (!name_char((unsigned char)*p, 1))
		return NULL;
	while (name_char((unsigned char)*p, 0) && n + 1 < outlen)
		out[n++] = *p++;
	out[n] = '\0';
	return p;
}

static struct family *
family_of(struct checker *c, const char *sample)
{
	static const char *const suffix[] = { "_bucket", "_sum", "_count" };
	char base[128];
	size_t len = strlen(sample);

	for (int i = 0; i < c->nf; i++)
		if (strcmp(c->f[i].name, sample) == 0)
			return &c->f[i];
	for (size_t s = 0; s < 3; s++) {
		size_t sl = strlen(suffix[s]);

		if (len <= sl || strcmp(sample + len - sl, suffix[s]) != 0)
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(len - sl), sample);
		for (int i = 0; i < c->nf; i++)
			if (strcmp(c->f[i].name, base) == 0 &&
			    strcmp(c->f[i].type, "histogram") == 0)
				return &c->f[i];
	}
	return NULL;
}

/* Labels {a="x",b="y"}: p at '{'; returns after '}' or NULL. */
static const char *
parse_labels(const char *p, char *labels, size_t llen)
{
	char name[64];
	size_t n = 0;

	p++;
	while (*p != '}') {
		if ((p = parse_name(p, name, sizeof(name))) == NULL || *p != '=' ||
		    p[1] != '"')
			return NULL;
		n += (size_t)snprintf(labels + n, llen - n, "%s=", name);
		for (p += 2; *p != '"'; p++) {
			if (*p == '\0' || *p == '\n')
				return NULL;
			if (*p == '\\') {
				p++;
				if (*p != '\\' && *p != '"' && *p != 'n')
					return NULL;
			}
			if (n + 2 < llen)
				labels[n++] = *p;
		}
		p++;
		if (n + 2 < llen)
			labels[n++] = ';';
		labels[n] = '\0';
		if (*p == ',')
			p++;
		else if (*p != '}')
			return NULL;
	}
	return p + 1;
}

static int
check_line(struct checker *c, const char *line)
{
	char name[128], labels[512] = "", kw[8], type[16], check[128], *end;
	struct family *f;
	const char *p;

	if (line[0] == '#') {
		if (sscanf(line, "# %7s %127s", kw, name) != 2 ||
		    (p = parse_name(name, check, sizeof(check))) == NULL ||
		    *p != '\0')
			return 0;
		if (strcmp(kw, "HELP") == 0)
			return 1;
		if (strcmp(kw, "TYPE") != 0 ||
		    sscanf(line, "# TYPE %*s %15s", type) != 1 ||
		    (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0 &&
		    strcmp(type, "histogram") != 0) || family_of(c, name) != NULL ||
		    c->nf == MAX_FAMILIES)
			return 0;
		snprintf(c->f[c->nf].name, sizeof(c->f[0].name), "%s", name);
		snprintf(c->f[c->nf].type, sizeof(c->f[0].type), "%s", type);
		c->nf++;
		return 1;
	}
	if ((p = parse_name(line, name, sizeof(name))) == NULL)
		return 0;
	if (*p == '{' && (p = parse_labels(p, labels, sizeof(labels))) == NULL)
		return 0;
	if (*p != ' ' || (f = family_of(c, name)) == NULL)
		return 0;
	p++;
	if (strcmp(p, "+Inf") != 0 && strcmp(p, "-Inf") != 0 &&
	    strcmp(p, "NaN") != 0) {
		strtod(p, &end);
		if (end == p || *end != '\0')
			return 0;
	}
	c->samples++;
	return 1;
}

/* Checks text line by line; 1 if all of it is valid. */
static int
check_exposition(struct checker *c, char *text)
{
	char *line, *next;

	memset(c, 0, sizeof(*c));
	if (text[0] == '\0' || text[strlen(text) - 1] != '\n') {
		snprintf(c->err, sizeof(c->err), "does not end in a newline");
		return 0;
	}
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (!check_line(c, line)) {
			snprintf(c->err, sizeof(c->err), "bad line: %s", line);
			next[-1] = '\n';
			return 0;
		}
		next[-1] = '\n';
	}
	return 1;
}

/* The value of the sample written exactly as key ("name{...}"), or -1. */
static double
sample(const char *text, const char *key)
{
	const char *p = text;
	size_t klen = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[klen] == ' ')
			return strtod(p + klen + 1, NULL);
		p += klen;
	}
	return -1;
}

/* --- a fake daemon ----------------------------------------------------------- */

static int healthy = 1;

static int
src_ocsp(void *arg, time_t now, int64_t *oldest, size_t *cached)
{
	(void)arg;
	(void)now;
	*oldest = 4242;
	*cached = 17;
	return 1;
}

static void
src_crls(void *arg, void (*emit)(void *, const char *, time_t), void *ctx)
{
	(void)arg;
	emit(ctx, "pubca1", 1000);
	emit(ctx, "odd\"name\\with\nnewline", 1500);
}

static int
src_healthy(void *arg, const char **why)
{
	(void)arg;
	if (!healthy)
		*why = "signer down\n";
	return healthy;
}

static const struct http_metrics_source src = { src_ocsp, src_crls,
    src_healthy, NULL };

static char *
render(struct http_metrics *m, time_t now)
{
	char *text;
	size_t len;

	assert_true(http_metrics_render(m, now, &text, &len));
	assert_int_equal(strlen(text), len);
	return text;
}

static void
test_format(void **state)
{
	struct http_metrics *m;
	struct checker c;
	char *text;

	(void)state;
	assert_non_null(m = http_metrics_new(&src));
	http_metrics_observe(m, HTTP_EP_OCSP, 200, 50000);	/* 50 us */
	http_metrics_observe(m, HTTP_EP_OCSP, 200, 3000000);	/* 3 ms */
	http_metrics_observe(m, HTTP_EP_OCSP, 413, 20000000000ull);
	http_metrics_observe(m, HTTP_EP_REPOSITORY, 404, 100);
	http_metrics_observe(m, HTTP_EP_MAX, 42, 1);		/* clamped */
	http_metrics_signer_error(m);
	http_metrics_signer_error(m);
	text = render(m, 2000);
	if (!check_exposition(&c, text))
		fail_msg("%s in:\n%s", c.err, text);
	assert_true(c.samples > 50);
	assert_true(sample(text, "inkan_http_requests_total{endpoint=\"ocsp\","
	    "code=\"200\"}") == 2);
	assert_true(sample(text, "inkan_http_requests_total{endpoint=\"ocsp\","
	    "code=\"413\"}") == 1);
	assert_true(sample(text, "inkan_http_requests_total{endpoint="
	    "\"repository\",code=\"404\"}") == 1);
	assert_true(sample(text, "inkan_http_requests_total{endpoint=\"other\","
	    "code=\"599\"}") == 1);
	/* Zero counters are left out rather than listed by the thousand. */
	assert_null(strstr(text, "code=\"201\""));
	/* Cumulative buckets: 50 us, 3 ms, 20 s. */
	assert_true(sample(text, "inkan_http_request_duration_seconds_bucket{"
	    "endpoint=\"ocsp\",le=\"0.0001\"}") == 1);
	assert_true(sample(text, "inkan_http_request_duration_seconds_bucket{"
	    "endpoint=\"ocsp\",le=\"0.005\"}") == 2);
	assert_true(sample(text, "inkan_http_request_duration_seconds_bucket{"
	    "endpoint=\"ocsp\",le=\"10\"}") == 2);
	assert_true(sample(text, "inkan_http_request_duration_seconds_bucket{"
	    "endpoint=\"ocsp\",le=\"+Inf\"}") == 3);
	assert_true(sample(text, "inkan_http_request_duration_seconds_count{"
	    "endpoint=\"ocsp\"}") == 3);
	assert_true(sample(text, "inkan_http_request_duration_seconds_sum{"
	    "endpoint=\"ocsp\"}") > 20.003);
	assert_true(sample(text, "inkan_ocsp_oldest_response_age_seconds") ==
	    4242);
	assert_true(sample(text, "inkan_ocsp_responses_cached") == 17);
	assert_true(sample(text, "inkan_crl_age_seconds{issuer=\"pubca1\"}") ==
	    1000);
	assert_true(sample(text, "inkan_crl_age_seconds{issuer="
	    "\"odd\\\"name\\\\with\\nnewline\"}") == 500);
	assert_true(sample(text, "inkan_signer_errors_total") == 2);
	assert_true(sample(text, "inkan_up") == 1);
	free(text);
	http_metrics_free(m);
}

static void
test_no_source(void **state)
{
	struct http_metrics *m;
	struct checker c;
	char *text;

	(void)state;
	assert_non_null(m = http_metrics_new(NULL));
	text = render(m, 0);
	if (!check_exposition(&c, text))
		fail_msg("%s in:\n%s", c.err, text);
	assert_null(strstr(text, "inkan_ocsp_responses_cached "));
	assert_null(strstr(text, "inkan_crl_age_seconds{"));
	free(text);
	http_metrics_free(m);
}

/* The checker itself refuses what Prometheus would. */
static void
test_checker(void **state)
{
	static const char *const bad[] = {
		"x 1\n",				/* no TYPE */
		"# TYPE x counter\nx{a=\"b} 1\n",
		"# TYPE x counter\nx{a=b} 1\n",
		"# TYPE x counter\nx 1x\n",
		"# TYPE x counter\n# TYPE x gauge\n",
		"# TYPE x counter\nx{a=\"\\q\"} 1\n",
		"# TYPE 1x counter\n",
		"# TYPE x counter\nx 1",
	};
	struct checker c;
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		if (check_exposition(&c, buf))
			fail_msg("accepted: %s", bad[i]);
	}
	snprintf(buf, sizeof(buf), "# HELP x y\n# TYPE x gauge\nx{a=\"\\\"\"} "
	    "-1.5e3\nx 0\n");
	assert_true(check_exposition(&c, buf));
}

/* Counting from many threads loses nothing. */
static void *
hammer(void *arg)
{
	for (int i = 0; i < 100000; i++)
		http_metrics_observe(arg, HTTP_EP_OCSP, 200, 1000);
	return NULL;
}

static void
test_concurrent(void **state)
{
	struct http_metrics *m;
	pthread_t t[4];
	char *text;

	(void)state;
	assert_non_null(m = http_metrics_new(NULL));
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, m), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	text = render(m, 0);
	assert_true(sample(text, "inkan_http_requests_total{endpoint=\"ocsp\","
	    "code=\"200\"}") == 400000);
	assert_true(sample(text, "inkan_http_request_duration_seconds_count{"
	    "endpoint=\"ocsp\"}") == 400000);
	free(text);
	http_metrics_free(m);
}

static void
test_handlers(void **state)
{
	struct http_request req = { 0 };
	struct http_response resp;
	struct http_metrics *m;

	(void)state;
	assert_non_null(m = http_metrics_new(&src));
	req.method = HTTP_GET;
	req.rest = "";
	http_response_init(&resp);
	assert_true(http_metrics_handler(m, &req, &resp));
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.headers[0].value,
	    "text/plain; version=0.0.4; charset=utf-8");
	http_response_release(&resp);

	healthy = 1;
	http_response_init(&resp);
	assert_true(http_healthz_handler(m, &req, &resp));
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body_len, 3);
	assert_memory_equal(resp.body, "ok\n", 3);
	http_response_release(&resp);
	healthy = 0;
	http_response_init(&resp);
	assert_true(http_healthz_handler(m, &req, &resp));
	assert_int_equal(resp.status, 503);
	assert_memory_equal(resp.body, "signer down\n", resp.body_len);
	http_response_release(&resp);
	healthy = 1;
	req.rest = "/x";
	http_response_init(&resp);
	assert_true(http_healthz_handler(m, &req, &resp));
	assert_int_equal(resp.status, 404);
	http_response_release(&resp);
	http_metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_no_source),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_handlers),
	};

	log_init("test_metrics", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
