/*
 * Tests of src/http/server.c: --listen parsing, HTTP dates and entity
 * tags, and a live server on 127.0.0.1 (port 0) driven over raw sockets
 * for what only the glue decides: routing, 404, 405 with Allow, 413
 * before the body is read, whole bodies handed to the route, a bind
 * conflict reported as "address already in use", and the graceful stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/metrics.h"
#include "http/server.h"
#include "util/log.h"

/* --- parsing ------------------------------------------------------------ */

static void
listen_ok(const char *spec, int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[160] = "", text[64];
	const void *a;
	int p;

	if (!http_listen_parse(spec, &ss, &len, err, sizeof(err)))
		fail_msg("'%s' refused: %s", spec, err);
	assert_int_equal(ss.ss_family, family);
	if (family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		p = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		p = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	inet_ntop(family, a, text, sizeof(text));
	assert_string_equal(text, addr);
	assert_int_equal(p, port);
}

static void
listen_bad(const char *spec, const char *want)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[160] = "";

	if (http_listen_parse(spec, &ss, &len, err, sizeof(err)))
		fail_msg("'%s' accepted", spec);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec, err, want);
}

static void
test_listen_parse(void **state)
{
	(void)state;
	listen_ok("127.0.0.1:8080", AF_INET, "127.0.0.1", 8080);
	listen_ok("0.0.0.0:1", AF_INET, "0.0.0.0", 1);
	listen_ok("8081", AF_INET, "127.0.0.1", 8081);
	listen_ok("127.0.0.1:0", AF_INET, "127.0.0.1", 0);
	listen_ok("[::1]:8080", AF_INET6, "::1", 8080);
	listen_ok("[2001:db8::1]:443", AF_INET6, "2001:db8::1", 443);
	listen_bad("", "empty");
	listen_bad("127.0.0.1:", "port");
	listen_bad("127.0.0.1:65536", "port");
	listen_bad("127.0.0.1:-1", "port");
	listen_bad("127.0.0.1:80x", "port");
	listen_bad("localhost:8080", "numeric");
	listen_bad("::1:8080", "brackets");
	listen_bad("[::1]8080", "[IPv6]:PORT");
	listen_bad("[::1", "[IPv6]:PORT");
	listen_bad(":8080", "ADDRESS:PORT");
	listen_bad("999.1.1.1:80", "numeric");
}

static void
test_dates(void **state)
{
	char buf[40];
	time_t t;

	(void)state;
	http_date_format(784111777, buf, sizeof(buf));
	assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_true(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t));
	assert_int_equal(t, 784111777);
	http_date_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	/* Only IMF-fixdate; the obsolete forms are ignored, not guessed. */
	assert_false(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t));
	assert_false(http_date_parse("Sun Nov  6 08:49:37 1994", &t));
	assert_false(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t));
	assert_false(http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t));
	assert_false(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMTx", &t));
	assert_false(http_date_parse("", &t));
}

static void
test_etag_match(void **state)
{
	(void)state;
	assert_true(http_etag_match("\"abc\"", "abc"));
	assert_true(http_etag_match("W/\"abc\"", "abc"));
	assert_true(http_etag_match("\"x\", \"abc\"", "abc"));
	assert_true(http_etag_match("*", "abc"));
	assert_false(http_etag_match("\"abcd\"", "abc"));
	assert_false(http_etag_match("\"ab\"", "abc"));
	assert_false(http_etag_match("abc", "abc"));
	assert_false(http_etag_match("\"abc", "abc"));
	assert_false(http_etag_match("", "abc"));
}

/* --- a live server ------------------------------------------------------- */

static int echo_calls;

/* Echoes "METHOD REST LEN" and a line with the body. */
static int
echo_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	size_t cap = req->body_len + 256;
	char *text;
	int n;

	(void)arg;
	echo_calls++;
	if ((text = malloc(cap)) == NULL)
		return 0;
	n = snprintf(text, cap, "%s %s %zu\n", req->method_name, req->rest,
	    req->body_len);
	memcpy(text + n, req->body, req->body_len);
	resp->status = 200;
	resp->body = text;
	resp->body_len = (size_t)n + req->body_len;
	resp->body_release = free;
	resp->body_release_arg = text;
	return http_response_header(resp, "Content-Type", "text/plain");
}

static int
fail_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	(void)arg;
	(void)req;
	(void)resp;
	return 0;
}

static const struct http_route routes[] = {
	{ "/echo", HTTP_EP_OCSP, HTTP_GET | HTTP_POST, "GET, POST", 64,
	    echo_handler, NULL },
	{ "/fail", HTTP_EP_OTHER, HTTP_GET, "GET", 0, fail_handler, NULL },
};

struct live {
	struct http_server *s;
	struct http_metrics *m;
	int port;
};

static int
live_setup(void **state)
{
	struct http_server_config c = { 0 };
	struct live *l = calloc(1, sizeof(*l));
	const char *addr, *colon;

	assert_non_null(l);
	assert_non_null(l->m = http_metrics_new(NULL));
	c.listen = "127.0.0.1:0";
	c.threads = 2;
	c.timeout = 5;
	c.routes = routes;
	c.nroutes = sizeof(routes) / sizeof(routes[0]);
	c.metrics = l->m;
	assert_non_null(l->s = http_server_start(&c));
	addr = http_server_address(l->s);
	assert_non_null(colon = strrchr(addr, ':'));
	assert_memory_equal(addr, "127.0.0.1:", 10);
	l->port = atoi(colon + 1);
	assert_true(l->port > 0);
	*state = l;
	return 0;
}

static int
live_teardown(void **state)
{
	struct live *l = *state;

	http_server_stop(l->s, 1000);
	http_metrics_free(l->m);
	free(l);
	return 0;
}

/* Sends raw bytes, reads the whole answer (the server closes). */
static char *
roundtrip(const struct live *l, const char *req, size_t reqlen)
{
	struct sockaddr_in sin = { 0 };
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	assert_non_null(buf);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)l->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, req, reqlen), (ssize_t)reqlen);
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static void
expect(const struct live *l, const char *req, const char *want)
{
	char *got = roundtrip(l, req, strlen(req));

	if (strstr(got, want) == NULL)
		fail_msg("request %.40s...: answer lacks '%s':\n%s", req, want,
		    got);
	free(got);
}

static void
test_live_routes(void **state)
{
	struct live *l = *state;

	expect(l, "GET /echo/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close"
	    "\r\n\r\n", "GET /a%2Fb 0\n");
	expect(l, "GET /echoes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 404");
	expect(l, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 404");
	expect(l, "DELETE /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 405");
	expect(l, "PUT /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "Allow: GET, POST");
	expect(l, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\nhello", "POST  5\nhello");
	expect(l, "GET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 500");
}

static void
test_live_body_caps(void **state)
{
	struct live *l = *state;
	char req[4096], *got;
	int before = echo_calls, n;

	/*
	 * Declared over the cap: the body is read and dropped, then 413
	 * (a client still sending would otherwise see a reset); declared
	 * over the discard limit, or unparsable: 413 at once. The handler
	 * never runs.
	 */
	n = snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 65\r\nConnection: close\r\n\r\n%065d", 0);
	got = roundtrip(l, req, (size_t)n);
	if (strstr(got, "HTTP/1.1 413") == NULL)
		fail_msg("declared body over the cap: %s", got);
	free(got);
	expect(l, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "2000000\r\nConnection: close\r\n\r\n", "HTTP/1.1 413");
	expect(l, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "99999999999999999999999\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 413");
	/* Chunked beyond the cap: 413 after the body, nothing kept. */
	n = snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	    "40\r\n%064d\r\n1\r\nx\r\n0\r\n\r\n", 0);
	got = roundtrip(l, req, (size_t)n);
	if (strstr(got, "HTTP/1.1 413") == NULL)
		fail_msg("chunked body over the cap: %s", got);
	free(got);
	/* Exactly at the cap is fine. */
	n = snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 64\r\nConnection: close\r\n\r\n%064d", 7);
	got = roundtrip(l, req, (size_t)n);
	if (strstr(got, "POST  64\n") == NULL)
		fail_msg("body at the cap: %s", got);
	free(got);
	assert_int_equal(echo_calls, before + 1);
}

/* A request line beyond the memory limit: refused before any handler. */
static void
test_live_header_cap(void **state)
{
	struct live *l = *state;
	const char tail[] = " HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t len = 40000;
	char *req, *ans;
	int before = echo_calls;

	assert_non_null(req = malloc(len + sizeof(tail)));
	memset(req, 'a', len);
	memcpy(req, "GET /echo/", 10);
	memcpy(req + len, tail, sizeof(tail));
	ans = roundtrip(l, req, len + sizeof(tail) - 1);
	if (strstr(ans, "HTTP/1.1 414") == NULL &&
	    strstr(ans, "HTTP/1.1 431") == NULL)
		fail_msg("long request line: %.200s", ans);
	assert_int_equal(echo_calls, before);
	free(ans);
	free(req);
}

static void
test_live_metrics(void **state)
{
	struct live *l = *state;
	char *text;
	size_t len;

	expect(l, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 200");
	expect(l, "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 404");
	/* Counted when libmicrohttpd completes, just after the client's EOF. */
	for (int i = 0; i < 100; i++) {
		assert_true(http_metrics_render(l->m, time(NULL), &text, &len));
		if (strstr(text, "inkan_http_requests_total{endpoint=\"ocsp\","
		    "code=\"200\"} 1\n") != NULL &&
		    strstr(text, "inkan_http_requests_total{endpoint=\"other\","
		    "code=\"404\"} 1\n") != NULL)
			break;
		free(text);
		text = NULL;
		usleep(10000);
	}
	if (text == NULL)
		fail_msg("requests not counted");
	free(text);
}

static void
test_address_in_use(void **state)
{
	struct live *l = *state;
	struct http_server_config c = { 0 };
	char spec[32];

	snprintf(spec, sizeof(spec), "127.0.0.1:%d", l->port);
	c.listen = spec;
	c.routes = routes;
	c.nroutes = 1;
	/* The message goes to stderr; the call must fail, not steal it. */
	assert_null(http_server_start(&c));
	expect(l, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "HTTP/1.1 200");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_parse),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_etag_match),
		cmocka_unit_test_setup_teardown(test_live_routes, live_setup,
		    live_teardown),
		cmocka_unit_test_setup_teardown(test_live_body_caps,
		    live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_header_cap,
		    live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_metrics, live_setup,
		    live_teardown),
		cmocka_unit_test_setup_teardown(test_address_in_use,
		    live_setup, live_teardown),
	};

	log_init("test_server", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
