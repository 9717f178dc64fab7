/*
 * Tests of src/ca/calls.c: HTTP threads' calls run on the one worker
 * thread, each caller gets its own result, and a stopping daemon answers
 * -1 without running what waits (so nothing half-done, no thread stuck).
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "ca/calls.h"

#define CALLERS	8
#define ROUNDS	200

struct caller {
	struct ca_calls	*q;
	int		 id;
	int		 wrong;	/* results that were not this caller's */
	int		 refused;
};

static pthread_t worker_thread;
static int ran_on_other_thread;
static int ran;

/* Returns the caller's own number times 1000 plus the round. */
static int
echo(struct ca *ca, void *arg)
{
	int *v = arg;

	(void)ca;
	if (!pthread_equal(pthread_self(), worker_thread))
		ran_on_other_thread++;
	ran++;
	return *v;
}

static void *
call_many(void *arg)
{
	struct caller *c = arg;

	for (int i = 0; i < ROUNDS; i++) {
		int v = c->id * 1000 + i, r;

		r = ca_call(c->q, echo, &v);
		if (r == -1)
			c->refused++;
		else if (r != v)
			c->wrong++;
	}
	return NULL;
}

/* The worker: polls the queue's descriptor and runs calls until told. */
struct worker {
	struct ca_calls	*q;
	volatile int	 stop;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd = { .fd = ca_calls_fd(w->q), .events = POLLIN };

	while (!w->stop)
		if (poll(&pfd, 1, 10) > 0)
			ca_calls_run(w->q, NULL);
	return NULL;
}

static void
test_every_caller_gets_its_own_result(void **state)
{
	struct caller c[CALLERS];
	pthread_t t[CALLERS];
	struct worker w;

	(void)state;
	ran = ran_on_other_thread = 0;
	assert_non_null(w.q = ca_calls_new());
	w.stop = 0;
	assert_int_equal(pthread_create(&worker_thread, NULL, work, &w), 0);
	for (int i = 0; i < CALLERS; i++) {
		c[i] = (struct caller){ .q = w.q, .id = i + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, call_many, &c[i]),
		    0);
	}
	for (int i = 0; i < CALLERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(c[i].wrong, 0);
		assert_int_equal(c[i].refused, 0);
	}
	w.stop = 1;
	pthread_join(worker_thread, NULL);
	assert_int_equal(ran, CALLERS * ROUNDS);
	assert_int_equal(ran_on_other_thread, 0);
	ca_calls_stop(w.q);
	ca_calls_free(w.q);
}

/* A caller blocked while the worker is gone is released with -1. */
static void
test_stop_releases_waiting_callers(void **state)
{
	struct caller c = { .id = 7 };
	pthread_t t;
	int v = 1;

	(void)state;
	ran = 0;
	assert_non_null(c.q = ca_calls_new());
	assert_int_equal(pthread_create(&t, NULL, call_many, &c), 0);
	usleep(50 * 1000);	/* the caller is now waiting: no worker runs */
	ca_calls_stop(c.q);
	pthread_join(t, NULL);
	assert_int_equal(ran, 0);
	assert_int_equal(c.refused, ROUNDS);
	/* And a call after the stop is refused at once. */
	assert_int_equal(ca_call(c.q, echo, &v), -1);
	assert_int_equal(ran, 0);
	ca_calls_free(c.q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_caller_gets_its_own_result),
		cmocka_unit_test(test_stop_releases_waiting_callers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
