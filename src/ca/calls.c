/*
 * The queue behind ca_call (calls.h): callers link an entry that lives
 * on their own stack, wake the worker through an eventfd and sleep on a
 * condition variable until the worker has filled in the result.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ca/calls.h"
#include "util/log.h"

struct ca_call_entry {
	int		(*fn)(struct ca *, void *);
	void		*arg;
	int		 result;
	int		 done;
	struct ca_call_entry *next;
};

struct ca_calls {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 efd;
	int		 stopping;
	struct ca_call_entry *head;
	struct ca_call_entry **tail;
};

struct ca_calls *
ca_calls_new(void)
{
	struct ca_calls *q;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		log_error("ca calls: out of memory");
		return NULL;
	}
	if ((q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_error("ca calls: eventfd: %s", strerror(errno));
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->tail = &q->head;
	return q;
}

void
ca_calls_free(struct ca_calls *q)
{
	if (q == NULL)
		return;
	close(q->efd);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

int
ca_calls_fd(const struct ca_calls *q)
{
	return q->efd;
}

int
ca_call(struct ca_calls *q, int (*fn)(struct ca *, void *), void *arg)
{
	struct ca_call_entry e = { .fn = fn, .arg = arg, .result = -1 };
	uint64_t one = 1;

	pthread_mutex_lock(&q->mu);
	if (q->stopping) {
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	*q->tail = &e;
	q->tail = &e.next;
	/* Cannot fail short of 2^64 - 1 pending wake-ups. */
	if (write(q->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		log_error("ca calls: eventfd write: %s", strerror(errno));
	while (!e.done)
		pthread_cond_wait(&q->cv, &q->mu);
	pthread_mutex_unlock(&q->mu);
	return e.result;
}

void
ca_calls_run(struct ca_calls *q, struct ca *ca)
{
	struct ca_call_entry *e;
	uint64_t n;
	int r;

	while (read(q->efd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
	for (;;) {
		pthread_mutex_lock(&q->mu);
		if ((e = q->head) != NULL) {
			q->head = e->next;
			if (q->head == NULL)
				q->tail = &q->head;
		}
		pthread_mutex_unlock(&q->mu);
		if (e == NULL)
			return;
		r = e->fn(ca, e->arg);
		pthread_mutex_lock(&q->mu);
		e->result = r;
		e->done = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
}

void
ca_calls_stop(struct ca_calls *q)
{
	struct ca_call_entry *e;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = 1;
	while ((e = q->head) != NULL) {
		q->head = e->next;
		e->result = -1;
		e->done = 1;
	}
	q->tail = &q->head;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}
