/*
 * store_revoked_each_piped (store.h): the walk of a million-entry CRL is
 * two costs of about the same size, SQLite stepping its index and the
 * caller encoding each entry. Here they run on two threads: the walk
 * copies rows into batches, a second thread hands them to fn in the
 * order they came. Bounded memory (PIPE_SLOTS batches), no allocation per
 * row, and fn still sees one row at a time on one thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"

#define PIPE_BATCH	2048
/* Batches in all: each is either filling, queued, being read, or free. */
#define PIPE_SLOTS	5
/* RFC 5280 §4.1.2.2: 20 octets, 40 hex digits. */
#define PIPE_SERIAL_MAX	40

struct pipe_row {
	char		 serial[PIPE_SERIAL_MAX + 1];
	int		 reason;
	int64_t		 revoked_at;
	int64_t		 invalidity_at;
	int64_t		 not_after;
};

struct pipe_batch {
	struct pipe_row	 rows[PIPE_BATCH];
	size_t		 n;
};

struct pipe {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct pipe_batch *slot[PIPE_SLOTS];
	size_t		 head, count;	/* ring of full batches */
	struct pipe_batch *free_list[PIPE_SLOTS];
	size_t		 nfree;
	struct pipe_batch *filling;	/* the walk's current batch */
	int		 done;		/* the walk has ended */
	int		 failed;	/* fn returned 0: stop the walk */
	store_revoked_fn fn;
	void		*arg;
};

/* The consumer: every full batch to fn, in order, until done. */
static void *
pipe_consume(void *arg)
{
	struct pipe *p = arg;
	struct pipe_batch *b;
	struct store_revoked r;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->count == 0 && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->count == 0) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		b = p->slot[p->head];
		p->head = (p->head + 1) % PIPE_SLOTS;
		p->count--;
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < b->n && !p->failed; i++) {
			r.serial = b->rows[i].serial;
			r.reason = b->rows[i].reason;
			r.revoked_at = b->rows[i].revoked_at;
			r.invalidity_at = b->rows[i].invalidity_at;
			r.not_after = b->rows[i].not_after;
			if (!p->fn(&r, p->arg)) {
				pthread_mutex_lock(&p->mu);
				p->failed = 1;
				pthread_mutex_unlock(&p->mu);
			}
		}
		pthread_mutex_lock(&p->mu);
		b->n = 0;
		p->free_list[p->nfree++] = b;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Queues the filling batch and takes a free one; 0 once fn failed. */
static int
pipe_push(struct pipe *p)
{
	int go_on;

	pthread_mutex_lock(&p->mu);
	p->slot[(p->head + p->count) % PIPE_SLOTS] = p->filling;
	p->count++;
	p->filling = NULL;
	pthread_cond_broadcast(&p->cv);
	while (p->nfree == 0 && !p->failed)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->nfree > 0)
		p->filling = p->free_list[--p->nfree];
	go_on = !p->failed;
	pthread_mutex_unlock(&p->mu);
	return go_on;
}

/* The walk's callback: one row copied into the filling batch. */
static int
pipe_put(const struct store_revoked *r, void *arg)
{
	struct pipe *p = arg;
	struct pipe_row *row;
	size_t len = strlen(r->serial);

	if (len > PIPE_SERIAL_MAX) {
		log_error("store: revoked serial %.48s... is longer than 20 "
		    "octets", r->serial);
		return 0;
	}
	row = &p->filling->rows[p->filling->n++];
	memcpy(row->serial, r->serial, len + 1);
	row->reason = r->reason;
	row->revoked_at = r->revoked_at;
	row->invalidity_at = r->invalidity_at;
	row->not_after = r->not_after;
	if (p->filling->n == PIPE_BATCH)
		return pipe_push(p);
	return !p->failed;
}

int
store_revoked_each_piped(struct store *st, const char *issuer,
    const struct store_status_scope *scope, store_revoked_fn fn, void *arg)
{
	struct pipe_batch *batches;
	struct pipe p = { .fn = fn, .arg = arg };
	pthread_t consumer;
	int walked;

	if ((batches = calloc(PIPE_SLOTS, sizeof(*batches))) == NULL) {
		log_error("store: out of memory for the revoked walk");
		return 0;
	}
	for (size_t i = 1; i < PIPE_SLOTS; i++)
		p.free_list[p.nfree++] = &batches[i];
	p.filling = &batches[0];
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&consumer, NULL, pipe_consume, &p) != 0) {
		/* No second thread: the plain walk does the same work. */
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		free(batches);
		return store_revoked_each(st, issuer, scope, fn, arg);
	}
	walked = store_revoked_each(st, issuer, scope, pipe_put, &p);
	pthread_mutex_lock(&p.mu);
	if (p.filling != NULL && p.filling->n > 0) {
		p.slot[(p.head + p.count) % PIPE_SLOTS] = p.filling;
		p.count++;
		p.filling = NULL;
	}
	p.done = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	pthread_join(consumer, NULL);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(batches);
	return walked && !p.failed;
}
