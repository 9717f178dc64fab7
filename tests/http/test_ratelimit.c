/*
 * Tests of src/http/ratelimit.c and http_client_loopback():
 *
 * - the per-address limit: max events per window (from the first event),
 *   per address, counted or only checked, one refusal flagged per window (the one to
 *   audit), Retry-After to the window's end, a new window starts afresh,
 *   a flood of addresses takes the stalest slots;
 * - the decision of inkand's plain HTTP listener (cmd/inkand/daemon.c)
 *   to serve /ra/v1 and /subscriber: loopback clients only, i.e. all of
 *   127.0.0.0/8, ::1 and 127.0.0.0/8 mapped into IPv6; nothing else,
 *   whatever it looks like.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/ratelimit.h"
#include "http/server.h"
#include "util/log.h"

static void
test_limit_window(void **state)
{
	struct http_limit *l = malloc(sizeof(*l));
	time_t t0 = 1800000000 / 600 * 600, retry = 0;

	(void)state;
	assert_non_null(l);
	http_limit_init(l, 3, 600);
	/* Only checked: nothing counted. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(http_limit_allow(l, "192.0.2.1", t0, 0, NULL),
		    1);
	for (int i = 0; i < 3; i++)
		http_limit_add(l, "192.0.2.1", t0 + i);
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 10, 0, &retry),
	    -1);
	assert_int_equal(retry, 590);
	/* Refused again, not flagged again: one audit record a window. */
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 20, 0, &retry),
	    0);
	assert_int_equal(retry, 580);
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 599, 1, NULL),
	    0);
	/* Another address is not affected. */
	assert_int_equal(http_limit_allow(l, "192.0.2.2", t0 + 20, 0, NULL),
	    1);
	/* The next window starts afresh. */
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 600, 1, NULL),
	    1);
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 601, 1, NULL),
	    1);
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 602, 1, NULL),
	    1);
	assert_int_equal(http_limit_allow(l, "192.0.2.1", t0 + 603, 1, &retry),
	    -1);
	assert_int_equal(retry, 597);
	/*
	 * A burst across a boundary of clock-aligned windows is still one
	 * window: three events at 1795669795..797, refused at ...801 (the
	 * case a clock-aligned window let through).
	 */
	http_limit_destroy(l);
	http_limit_init(l, 3, 600);
	for (int i = 0; i < 3; i++)
		http_limit_add(l, "192.0.2.9", 1795669795 + i);
	assert_int_equal(http_limit_allow(l, "192.0.2.9", 1795669801, 0,
	    &retry), -1);
	assert_int_equal(retry, 594);
	http_limit_destroy(l);
	free(l);
}

static void
test_limit_flood(void **state)
{
	struct http_limit *l = malloc(sizeof(*l));
	char addr[64];
	time_t t0 = 1800000000;

	(void)state;
	assert_non_null(l);
	http_limit_init(l, 2, 60);
	assert_int_equal(http_limit_allow(l, "198.51.100.7", t0, 1, NULL), 1);
	assert_int_equal(http_limit_allow(l, "198.51.100.7", t0, 1, NULL), 1);
	assert_int_equal(http_limit_allow(l, "198.51.100.7", t0, 1, NULL), -1);
	/* More addresses than slots, in later windows: the table recycles. */
	for (int i = 0; i < 4 * HTTP_LIMIT_SOURCES; i++) {
		snprintf(addr, sizeof(addr), "2001:db8::%x", i);
		assert_int_equal(http_limit_allow(l, addr, t0 + 60 + i, 1,
		    NULL), 1);
	}
	/* A long address is cut, never overflows. */
	memset(addr, 'a', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	assert_int_equal(http_limit_allow(l, addr, t0 + 60, 1, NULL), 1);
	http_limit_destroy(l);
	free(l);
}

static void
test_loopback(void **state)
{
	static const char *const yes[] = { "127.0.0.1", "127.0.0.2",
	    "127.255.255.254", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1",
	    "::ffff:127.0.0.1", "::ffff:127.9.8.7" };
	static const char *const no[] = { "", "128.0.0.1", "126.255.255.255",
	    "10.0.0.1", "192.168.1.1", "0.0.0.0", "::", "::2",
	    "::ffff:10.0.0.1", "fe80::1", "2001:db8::1", "127.0.0.1 ",
	    " 127.0.0.1", "127.0.0.1:80", "127.1", "localhost",
	    "::ffff:7f00:1x", "1127.0.0.1", "::127.0.0.1" };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!http_client_loopback(yes[i]))
			fail_msg("%s is loopback", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (http_client_loopback(no[i]))
			fail_msg("'%s' is not loopback", no[i]);
	assert_false(http_client_loopback(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_window),
		cmocka_unit_test(test_limit_flood),
		cmocka_unit_test(test_loopback),
	};

	log_init("test_ratelimit", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
