#include "http/ratelimit.h"

#include <stdio.h>
#include <string.h>

#include "ra/account.h"
#include "ra/ra_audit.h"

void
http_limit_init(struct http_limit *l, unsigned int max, unsigned int window)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	l->max = max;
	l->window = window != 0 ? window : 1;
}

void
http_limit_destroy(struct http_limit *l)
{
	pthread_mutex_destroy(&l->mu);
}

/*
 * The slot of client, under l->mu: its own, or the stalest one taken. A
 * window starts at the first event counted in it and lasts l->window
 * seconds from there, so a burst cannot straddle two windows aligned to
 * the clock and pass twice the limit.
 */
static size_t
http_limit_slot(struct http_limit *l, const char *client, time_t now)
{
	size_t i, oldest = 0;

	for (i = 0; i < HTTP_LIMIT_SOURCES; i++) {
		if (strcmp(l->slot[i].addr, client) == 0)
			break;
		if (l->slot[i].start < l->slot[oldest].start)
			oldest = i;
	}
	if (i == HTTP_LIMIT_SOURCES) {
		i = oldest;
		snprintf(l->slot[i].addr, sizeof(l->slot[i].addr), "%s",
		    client);
		l->slot[i].n = 0;
		l->slot[i].refused = 0;
		l->slot[i].start = now;
	} else if (l->slot[i].n > 0 &&
	    now - l->slot[i].start >= (time_t)l->window) {
		l->slot[i].n = 0;
		l->slot[i].refused = 0;
		l->slot[i].start = now;
	}
	return i;
}

/* One more event in slot i at now; the first one starts the window. */
static void
http_limit_count(struct http_limit *l, size_t i, time_t now)
{
	if (l->slot[i].n == 0)
		l->slot[i].start = now;
	if (l->slot[i].n < l->max)
		l->slot[i].n++;
}

int
http_limit_allow(struct http_limit *l, const char *client, time_t now,
    int count, time_t *retry)
{
	time_t end;
	size_t i;
	int ok;

	pthread_mutex_lock(&l->mu);
	i = http_limit_slot(l, client, now);
	ok = l->slot[i].n < l->max;
	if (ok && count)
		http_limit_count(l, i, now);
	else if (!ok)
		ok = l->slot[i].refused++ == 0 ? -1 : 0;
	end = l->slot[i].start + (time_t)l->window;
	pthread_mutex_unlock(&l->mu);
	if (ok != 1 && retry != NULL)
		*retry = end > now ? end - now : 1;
	return ok;
}

void
http_limit_add(struct http_limit *l, const char *client, time_t now)
{
	size_t i;

	pthread_mutex_lock(&l->mu);
	i = http_limit_slot(l, client, now);
	http_limit_count(l, i, now);
	pthread_mutex_unlock(&l->mu);
}

void
http_limit_audit(struct ra *ra, const char *type, const char *client,
    const char *detail)
{
	struct ra_audit_event ev = { 0 };

	ev.type = type;
	ev.actor = "anonymous";
	ev.role = "-";
	ev.auth = "none";
	ev.source = client;
	ev.object = client;
	ev.outcome = "refused";
	ev.detail = detail;
	ra_audit_event(ra, &ev);
}
