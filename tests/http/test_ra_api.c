/*
 * Unit tests of src/http/ra_api.c: the RA JSON API's handler called in
 * process, without a server, so that every input edge case also runs
 * under ASan and UBSan: malformed and hostile JSON, wrong types, unknown
 * members, sizes, content types, methods, paths, token forms, and a
 * login that sets the cookie (docs/api.md).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/ra_api.h"
#include "http/server.h"
#include "ra/account.h"
#include "store/store.h"

#define STORE_TEST_PREFIX "inkan-raapi"
#include "store/scaffold.h"

#define PW "api test password"

struct fake {
	const char	*content_type;
	const char	*authorization;
	const char	*cookie;
};

static const char *
fake_header(void *ctx, const char *name)
{
	struct fake *f = ctx;

	if (strcasecmp(name, "Content-Type") == 0)
		return f->content_type;
	if (strcasecmp(name, "Authorization") == 0)
		return f->authorization;
	if (strcasecmp(name, "Cookie") == 0)
		return f->cookie;
	return NULL;
}

struct env {
	struct ra	*ra;
	struct http_ra	*h;
	struct http_response resp;
	char		 body[8192];
};

static struct env E;

/* Calls the handler; the answer's status is returned, its body in E.body. */
static int
call(enum http_method m, const char *rest, const char *body, size_t len,
    struct fake *f)
{
	struct http_request req = { 0 };
	struct fake none = { "application/json", NULL, NULL };

	req.method = m;
	req.method_name = m == HTTP_GET ? "GET" : "POST";
	req.path = rest;
	req.rest = rest;
	req.body = (const unsigned char *)(body ? body : "");
	req.body_len = body ? (len ? len : strlen(body)) : 0;
	req._header = fake_header;
	req._header_ctx = f ? f : &none;
	snprintf(req.client, sizeof(req.client), "127.0.0.1");
	http_response_release(&E.resp);
	http_response_init(&E.resp);
	assert_true(http_ra_handler(E.h, &req, &E.resp));
	snprintf(E.body, sizeof(E.body), "%.*s", (int)E.resp.body_len,
	    (const char *)E.resp.body);
	return E.resp.status;
}

static const char *
resp_header(const char *name)
{
	for (size_t i = 0; i < E.resp.nheaders; i++)
		if (strcasecmp(E.resp.headers[i].name, name) == 0)
			return E.resp.headers[i].value;
	return NULL;
}

static void
expect_error(int status, const char *code)
{
	char want[64];

	snprintf(want, sizeof(want), "\"error\":\"%s\"", code);
	if (strstr(E.body, want) == NULL)
		fail_msg("status %d body %s, expected %s", status, E.body, code);
	assert_string_equal(resp_header("Content-Type"), "application/json");
	assert_string_equal(resp_header("Cache-Control"), "no-store");
}

static int
setup(void **state)
{
	struct ra_principal admin = { .name = "test", .role = STORE_RA_ADMIN,
	    .full = 1, .auth = "local", .source = "test" };
	struct ra_account_new n = { "aud", STORE_RA_AUDITOR, NULL, PW,
	    sizeof(PW) - 1 };
	char path[PATH_MAX];
	struct store *st;

	if (test_setup(state) != 0)
		return -1;
	(void)capture_begin;
	(void)capture_end;
	if ((st = store_open(test_path(path, "api.db"))) == NULL ||
	    (E.ra = ra_new(st, 1, NULL)) == NULL ||
	    (E.h = http_ra_new(E.ra)) == NULL)
		return -1;
	http_response_init(&E.resp);
	return ra_account_add(E.ra, &admin, &n, 1) == RA_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	http_response_release(&E.resp);
	http_ra_free(E.h);
	ra_free(E.ra);
	return test_teardown(state);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *body;
		const char *code;
	} cases[] = {
		{ "", "malformed_json" },
		{ "{", "malformed_json" },
		{ "{\"name\":\"aud\",", "malformed_json" },
		{ "[]", "malformed_json" },
		{ "\"aud\"", "malformed_json" },
		{ "null", "malformed_json" },
		{ "{} {}", "malformed_json" },
		{ "{\"name\":\"aud\",\"name\":\"x\",\"password\":\"p\"}",
		    "malformed_json" },
		{ "{\"name\":\"a\\u0000d\",\"password\":\"p\"}",
		    "malformed_json" },
		{ "{\"name\":\"\\ud800\",\"password\":\"p\"}",
		    "malformed_json" },
		{ "{\"password\":\"p\"}", "missing_member" },
		{ "{\"name\":\"aud\"}", "missing_member" },
		{ "{\"name\":1,\"password\":\"p\"}", "wrong_type" },
		{ "{\"name\":\"aud\",\"password\":null}", "wrong_type" },
		{ "{\"name\":\"aud\",\"password\":\"p\",\"totp\":123456}",
		    "wrong_type" },
		{ "{\"name\":\"aud\",\"password\":\"p\",\"totp\":\"12345678901234567\"}",
		    "too_long" },
		{ "{\"name\":\"aud\",\"password\":\"p\",\"x\":1}",
		    "unknown_member" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = call(HTTP_POST, "/login", cases[i].body, 0, NULL);

		assert_int_equal(st, 400);
		expect_error(st, cases[i].code);
	}
	/* Deep nesting is refused by jansson's depth limit, not the stack. */
	{
		static char deep[4096];

		memset(deep, '[', 2048);
		deep[2048] = '\0';
		assert_int_equal(call(HTTP_POST, "/login", deep, 0, NULL), 400);
	}
	/* A NUL byte in the raw body. */
	assert_int_equal(call(HTTP_POST, "/login",
	    "{\"name\":\"aud\"\0,\"password\":\"p\"}", 30, NULL), 400);
}

static void
test_envelope(void **state)
{
	struct fake text = { "text/plain", NULL, NULL };
	struct fake none = { NULL, NULL, NULL };
	struct fake jsonx = { "application/jsonx", NULL, NULL };
	struct fake charset = { "application/json; charset=utf-8", NULL,
	    NULL };
	static char big[RA_API_BODY_MAX + 2];
	int st;

	st = call(HTTP_POST, "/login", "{}", 0, &text);
	assert_int_equal(st, 415);
	expect_error(st, "unsupported_media_type");
	assert_int_equal(call(HTTP_POST, "/login", "{}", 0, &none), 415);
	assert_int_equal(call(HTTP_POST, "/login", "{}", 0, &jsonx), 415);
	assert_int_equal(call(HTTP_POST, "/login",
	    "{\"name\":\"aud\",\"password\":\"wrong password\"}", 0, &charset),
	    401);
	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	st = call(HTTP_POST, "/login", big, 0, NULL);
	assert_int_equal(st, 413);
	expect_error(st, "too_large");
	st = call(HTTP_GET, "/login", NULL, 0, NULL);
	assert_int_equal(st, 405);
	expect_error(st, "method_not_allowed");
	st = call(HTTP_GET, "/nosuch", NULL, 0, NULL);
	assert_int_equal(st, 404);
	expect_error(st, "not_found");
	assert_int_equal(call(HTTP_GET, "/me/", NULL, 0, NULL), 404);
	assert_int_equal(call(HTTP_GET, "/orgs/", NULL, 0, NULL), 404);
	assert_int_equal(call(HTTP_GET, "", NULL, 0, NULL), 404);
}

static void
test_tokens(void **state)
{
	struct fake f = { "application/json", NULL, NULL };
	char bearer[128], cookie[160], token[64] = "";
	const char *p, *sc;
	int st;

	/* No token, malformed ones, Basic: all 401 unauthenticated. */
	st = call(HTTP_GET, "/me", NULL, 0, &f);
	assert_int_equal(st, 401);
	expect_error(st, "unauthenticated");
	f.authorization = "Bearer ";
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);
	f.authorization = "Bearer not-a-token";
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);
	f.authorization = "Basic YXVkOnA=";
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);
	f.authorization = NULL;
	f.cookie = "other=1; inkan_session=";
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);

	/* Login: token in the body and the cookie, with its attributes. */
	st = call(HTTP_POST, "/login", "{\"name\":\"aud\",\"password\":\"" PW
	    "\"}", 0, NULL);
	assert_int_equal(st, 200);
	assert_non_null(p = strstr(E.body, "\"token\":\""));
	snprintf(token, sizeof(token), "%.43s", p + 9);
	assert_int_equal(strlen(token), 43);
	assert_non_null(sc = resp_header("Set-Cookie"));
	assert_non_null(strstr(sc, token));
	assert_non_null(strstr(sc, "Secure"));
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));

	snprintf(bearer, sizeof(bearer), "Bearer %s", token);
	f.authorization = bearer;
	f.cookie = NULL;
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 200);
	assert_non_null(strstr(E.body, "\"role\":\"auditor\""));
	f.authorization = NULL;
	snprintf(cookie, sizeof(cookie), "theme=dark; inkan_session=%s; x=1",
	    token);
	f.cookie = cookie;
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 200);
	/* A cookie whose name only ends in inkan_session does not count. */
	snprintf(cookie, sizeof(cookie), "xinkan_session=%s", token);
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);
	/* Auditors (no TOTP) may read organisations, not register them. */
	f.authorization = bearer;
	f.cookie = NULL;
	assert_int_equal(call(HTTP_GET, "/orgs", NULL, 0, &f), 200);
	assert_string_equal(E.body, "{\"orgs\":[]}");
	assert_int_equal(call(HTTP_POST, "/orgs", "{\"name\":\"x\","
	    "\"display_name\":\"X\",\"kind\":\"lra\",\"evidence\":[{"
	    "\"doc_type\":\"other\",\"doc_issuer\":\"x\",\"issued_on\":"
	    "\"2020-01-01\"}]}", 0, &f), 403);
	assert_int_equal(call(HTTP_POST, "/logout", NULL, 0, &f), 200);
	assert_int_equal(call(HTTP_GET, "/me", NULL, 0, &f), 401);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
