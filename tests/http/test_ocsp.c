/*
 * Tests of src/http/ocsp.c with a fake responder (STYLE "Tests mirror
 * modules": this module links alone): the GET path forms of RFC 6960
 * Appendix A and RFC 5019 §5 (escaped and raw base64, with or without
 * the CA name), bad base64 passed on as a malformed request, the RFC 5019
 * §6 caching headers, 304 on If-None-Match, and the access log lines
 * (CP-5.5.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "http/accesslog.h"
#include "http/ocsp.c"
#include "util/file.h"

/* --- a fake responder ------------------------------------------------------- */

static unsigned char got[OCSP_REQUEST_MAX + 1];
static size_t got_len;
static int got_calls;
static int fake_cacheable = 1;
static int fake_fail;

static int
fake_answer(struct ocsp_responder *r, const unsigned char *req, size_t len,
    struct ocsp_answer *a)
{
	(void)r;
	memset(a, 0, sizeof(*a));
	got_calls++;
	got_len = len;
	memcpy(got, req, len);
	if (fake_fail)
		return 0;
	if ((a->der = malloc(4)) == NULL)
		return 0;
	memcpy(a->der, "\x30\x02\x0a\x00", 4);
	a->der_len = 4;
	a->cacheable = fake_cacheable && len > 0;
	a->this_update = 784111777;
	a->next_update = time(NULL) + 3600;
	a->produced_at = a->this_update;
	snprintf(a->etag, sizeof(a->etag), "0123abcd");
	snprintf(a->issuer, sizeof(a->issuer), len > 0 ? "pubca1" : "");
	snprintf(a->serial, sizeof(a->serial), len > 0 ? "0A1B" : "");
	a->status = len > 0 ? "good" : "malformed";
	return 1;
}

static void
fake_clear(struct ocsp_answer *a)
{
	free(a->der);
	memset(a, 0, sizeof(*a));
}

static const char *const names[] = { "pubca1", "pubca2" };

static struct http_ocsp *
ocsp_new(struct http_accesslog *log)
{
	struct http_ocsp_config c = { 0 };
	struct http_ocsp *o;

	c.answer = fake_answer;
	c.clear = fake_clear;
	c.log = log;
	c.ca_names = names;
	c.nca_names = 2;
	assert_non_null(o = http_ocsp_new(&c));
	return o;
}

static const char *inm_value;

static const char *
hdr_get(void *ctx, const char *name)
{
	(void)ctx;
	if (inm_value != NULL && strcasecmp(name, "If-None-Match") == 0)
		return inm_value;
	return NULL;
}

static void
call(struct http_ocsp *o, enum http_method m, const char *rest,
    const void *body, size_t len, struct http_response *resp)
{
	struct http_request req = { 0 };

	req.method = m;
	req.method_name = m == HTTP_POST ? "POST" : "GET";
	req.path = "/ocsp";
	req.rest = rest;
	req.body = body;
	req.body_len = len;
	req._header = hdr_get;
	snprintf(req.client, sizeof(req.client), "192.0.2.7");
	http_response_init(resp);
	assert_true(http_ocsp_handler(o, &req, resp));
}

static const char *
resp_header(const struct http_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

/* --- base64 ------------------------------------------------------------------ */

static void
b64_is(const char *in, const void *want, size_t wlen)
{
	unsigned char out[64];
	size_t len = 0;

	if (!ocsp_b64_decode(in, strlen(in), out, sizeof(out), &len))
		fail_msg("'%s' refused", in);
	if (len != wlen || memcmp(out, want, wlen) != 0)
		fail_msg("'%s': %zu bytes, expected %zu", in, len, wlen);
}

static void
b64_bad(const char *in)
{
	unsigned char out[64];
	size_t len = 0;

	if (ocsp_b64_decode(in, strlen(in), out, sizeof(out), &len))
		fail_msg("'%s' accepted (%zu bytes)", in, len);
}

static void
test_base64(void **state)
{
	/* 0xfb 0xff 0xbf encodes as "+/+/": every escape matters. */
	static const unsigned char fb[] = { 0xfb, 0xff, 0xbf };

	(void)state;
	b64_is("MAA=", "\x30\x00", 2);
	b64_is("MAA%3D", "\x30\x00", 2);
	b64_is("MAA%3d", "\x30\x00", 2);
	b64_is("MAA", "\x30\x00", 2);		/* padding left out */
	b64_is("MAAA", "\x30\x00\x00", 3);
	b64_is("+/+/", fb, 3);
	b64_is("%2B%2F%2B%2F", fb, 3);
	b64_is("%2b%2f+/", fb, 3);
	b64_is("-_-_", fb, 3);			/* URL-safe alphabet */
	b64_is("MA==", "\x30", 1);
	b64_is("MA", "\x30", 1);
	b64_bad("");
	b64_bad("M");
	b64_bad("MAA=A");			/* padding inside */
	b64_bad("MA===");
	b64_bad("MA A");
	b64_bad("MA%20A");
	b64_bad("MA%0A");
	b64_bad("MA%");
	b64_bad("MA%2");
	b64_bad("MA%zz");
	b64_bad("!!!!");
	b64_bad("MA*A");
	b64_bad("MAA%00");
}

static void
test_base64_cap(void **state)
{
	unsigned char out[3];
	size_t len;

	(void)state;
	assert_true(ocsp_b64_decode("MAAA", 4, out, 3, &len));
	assert_int_equal(len, 3);
	assert_false(ocsp_b64_decode("MAAAMA==", 8, out, 3, &len));
}

/* --- GET and POST ------------------------------------------------------------- */

static void
test_get_forms(void **state)
{
	struct http_ocsp *o = ocsp_new(NULL);
	struct http_response resp;
	static const char *const forms[] = {
		"/pubca1/MAA%3D", "/pubca1/MAA=", "/MAA=", "/pubca2/MAA",
		"/MAA%3D",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		got_len = 99;
		call(o, HTTP_GET, forms[i], NULL, 0, &resp);
		assert_int_equal(resp.status, 200);
		if (got_len != 2 || memcmp(got, "\x30\x00", 2) != 0)
			fail_msg("GET %s: request of %zu bytes", forms[i],
			    got_len);
		http_response_release(&resp);
	}
	/* A '/' inside the base64 is part of it, after the CA name too. */
	call(o, HTTP_GET, "/pubca1/+/+/", NULL, 0, &resp);
	assert_int_equal(got_len, 3);
	assert_memory_equal(got, "\xfb\xff\xbf", 3);
	http_response_release(&resp);
	call(o, HTTP_GET, "/+/+/", NULL, 0, &resp);
	assert_int_equal(got_len, 3);
	http_response_release(&resp);
	http_ocsp_free(o);
}

/* Bad base64 is answered by the responder as a malformed request. */
static void
test_get_bad(void **state)
{
	struct http_ocsp *o = ocsp_new(NULL);
	struct http_response resp;
	static const char *const bad[] = { "/pubca1/!!!", "/pubca1/", "",
	    "/", "/pubca1", "/pubca1/MA%zz", "/pubca1/MAA=%00" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int before = got_calls;

		got_len = 99;
		call(o, HTTP_GET, bad[i], NULL, 0, &resp);
		assert_int_equal(got_calls, before + 1);
		assert_int_equal(resp.status, 200);
		assert_string_equal(resp_header(&resp, "Content-Type"),
		    "application/ocsp-response");
		if (got_len != 0)
			fail_msg("GET '%s' reached the responder as %zu bytes",
			    bad[i], got_len);
		assert_string_equal(resp_header(&resp, "Cache-Control"),
		    "no-store");
		http_response_release(&resp);
	}
	/* An unknown CA name is part of the request: garbage to the responder. */
	call(o, HTTP_GET, "/nosuchca/MAA=", NULL, 0, &resp);
	assert_int_equal(got_len, 9);
	http_response_release(&resp);
	http_ocsp_free(o);
}

static void
test_post(void **state)
{
	struct http_ocsp *o = ocsp_new(NULL);
	struct http_response resp;

	(void)state;
	call(o, HTTP_POST, "/pubca1", "\x30\x03\x02\x01\x05", 5, &resp);
	assert_int_equal(resp.status, 200);
	assert_int_equal(got_len, 5);
	assert_memory_equal(got, "\x30\x03\x02\x01\x05", 5);
	assert_int_equal(resp.body_len, 4);
	assert_memory_equal(resp.body, "\x30\x02\x0a\x00", 4);
	http_response_release(&resp);
	/* Any path under /ocsp: the CertID decides, not the URL. */
	call(o, HTTP_POST, "", "garbage", 7, &resp);
	assert_int_equal(resp.status, 200);
	assert_int_equal(got_len, 7);
	http_response_release(&resp);
	/* A responder out of memory: the server answers 500. */
	fake_fail = 1;
	http_response_init(&resp);
	{
		struct http_request req = { 0 };

		req.method = HTTP_POST;
		req.rest = "";
		req.body = (const unsigned char *)"x";
		req.body_len = 1;
		assert_false(http_ocsp_handler(o, &req, &resp));
	}
	fake_fail = 0;
	http_response_release(&resp);
	http_ocsp_free(o);
}

static void
test_cache_headers(void **state)
{
	struct http_ocsp *o = ocsp_new(NULL);
	struct http_response resp;
	const char *cc;
	long age;

	(void)state;
	call(o, HTTP_GET, "/pubca1/MAA=", NULL, 0, &resp);
	assert_string_equal(resp_header(&resp, "Last-Modified"),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_non_null(resp_header(&resp, "Expires"));
	assert_string_equal(resp_header(&resp, "ETag"), "\"0123abcd\"");
	cc = resp_header(&resp, "Cache-Control");
	assert_non_null(cc);
	assert_int_equal(sscanf(cc, "max-age=%ld", &age), 1);
	assert_true(age > 3500 && age <= 3600);
	assert_non_null(strstr(cc, ", public, no-transform, must-revalidate"));
	http_response_release(&resp);

	inm_value = "\"0123abcd\"";
	call(o, HTTP_GET, "/pubca1/MAA=", NULL, 0, &resp);
	assert_int_equal(resp.status, 304);
	assert_int_equal(resp.body_len, 0);
	http_response_release(&resp);
	/* POST is never answered 304. */
	call(o, HTTP_POST, "", "\x30\x00", 2, &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
	inm_value = "\"other\"";
	call(o, HTTP_GET, "/pubca1/MAA=", NULL, 0, &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
	inm_value = NULL;

	fake_cacheable = 0;
	call(o, HTTP_GET, "/pubca1/MAA=", NULL, 0, &resp);
	assert_string_equal(resp_header(&resp, "Cache-Control"), "no-store");
	assert_null(resp_header(&resp, "ETag"));
	assert_null(resp_header(&resp, "Expires"));
	http_response_release(&resp);
	fake_cacheable = 1;
	http_ocsp_free(o);
}

/* --- the access log -------------------------------------------------------- */

static void
test_access_log(void **state)
{
	char dir[] = "/tmp/inkan-test-ocsplog.XXXXXX", path[128], *text;
	struct http_accesslog *log;
	struct http_response resp;
	struct http_ocsp *o;
	size_t len, lines = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ocsp-access.log", dir);
	assert_non_null(log = http_accesslog_open(path));
	o = ocsp_new(log);
	call(o, HTTP_POST, "", "\x30\x00", 2, &resp);
	http_response_release(&resp);
	call(o, HTTP_GET, "/pubca1/!!", NULL, 0, &resp);
	http_response_release(&resp);
	for (int i = 0; i < 1000; i++) {
		call(o, HTTP_GET, "/pubca1/MAA=", NULL, 0, &resp);
		http_response_release(&resp);
	}
	http_ocsp_free(o);
	http_accesslog_close(log);
	assert_non_null(text = (char *)file_read(path, 1 << 20, &len));
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 1002);
	if (strstr(text, "\"client\":\"192.0.2.7\",\"method\":\"POST\","
	    "\"issuer\":\"pubca1\",\"serial\":\"0A1B\",\"status\":\"good\","
	    "\"code\":200}\n") == NULL ||
	    strstr(text, "\"method\":\"GET\",\"issuer\":\"\",\"serial\":\"\","
	    "\"status\":\"malformed\",\"code\":200}\n") == NULL ||
	    strncmp(text, "{\"time\":\"", 9) != 0 || text[32] != 'Z')
		fail_msg("log:\n%.600s", text);
	free(text);
	unlink(path);
	rmdir(dir);
}

static void
test_json_escape(void **state)
{
	char buf[64];
	size_t u = 0;

	(void)state;
	assert_true(http_json_escape(buf, sizeof(buf), &u, "a\"b\\c\n\x01\xff"));
	assert_string_equal(buf, "a\\\"b\\\\c\\u000a\\u0001\\u00ff");
	u = 0;
	assert_false(http_json_escape(buf, 8, &u, "0123456789"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_base64_cap),
		cmocka_unit_test(test_get_forms),
		cmocka_unit_test(test_get_bad),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_cache_headers),
		cmocka_unit_test(test_access_log),
		cmocka_unit_test(test_json_escape),
	};

	log_init("test_ocsp", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
