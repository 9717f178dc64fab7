#include "http/accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

/* Each of the two buffers; a line is at most this long. */
#define ACCESSLOG_BUF	(1024 * 1024)
/* The writer wakes this often (ms): how late a line may reach the file. */
#define ACCESSLOG_TICK_MS	50
/* Seconds between fdatasync calls of the writer. */
#define ACCESSLOG_SYNC_S	1

struct http_accesslog {
	char		*path;
	int		 fd;
	pthread_t	 writer;
	pthread_mutex_t	 mu;
	pthread_cond_t	 room;		/* the writer gave a buffer back */
	pthread_cond_t	 data;		/* a buffer is half full, or closing */
	char		*fill;		/* where serving threads append */
	size_t		 fill_len;
	char		*spare;		/* the writer's; NULL while writing */
	int		 closing;
	int		 reopen;
};

static int
accesslog_openfd(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		log_error("%s: cannot open the OCSP access log: %s", path,
		    strerror(errno));
	return fd;
}

static void
accesslog_put(struct http_accesslog *l, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(l->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			/* Nothing else to tell: the daemon's log says it. */
			log_error("%s: write: %s", l->path, strerror(errno));
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void
accesslog_reopen_fd(struct http_accesslog *l)
{
	int fd;

	if ((fd = accesslog_openfd(l->path)) == -1)
		return;
	fdatasync(l->fd);
	close(l->fd);
	l->fd = fd;
}

static void *
accesslog_writer(void *arg)
{
	struct http_accesslog *l = arg;
	struct timespec until;
	time_t last_sync = time(NULL);
	char *buf;
	size_t len;
	int done, reopen;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		if (l->fill_len == 0 && !l->closing && !l->reopen) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += ACCESSLOG_TICK_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&l->data, &l->mu, &until);
		}
		/* Swap: serving threads go on appending to the spare. */
		buf = l->fill;
		len = l->fill_len;
		l->fill = l->spare;
		l->fill_len = 0;
		l->spare = NULL;
		done = l->closing;
		reopen = l->reopen;
		l->reopen = 0;
		pthread_mutex_unlock(&l->mu);

		if (len > 0)
			accesslog_put(l, buf, len);
		if (reopen)
			accesslog_reopen_fd(l);
		else if (len > 0 && time(NULL) - last_sync >= ACCESSLOG_SYNC_S) {
			fdatasync(l->fd);
			last_sync = time(NULL);
		}

		pthread_mutex_lock(&l->mu);
		l->spare = buf;
		pthread_cond_broadcast(&l->room);
		if (done && l->fill_len == 0)
			break;
	}
	pthread_mutex_unlock(&l->mu);
	fdatasync(l->fd);
	return NULL;
}

struct http_accesslog *
http_accesslog_open(const char *path)
{
	struct http_accesslog *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->fd = -1;
	if ((l->path = strdup(path)) == NULL ||
	    (l->fill = malloc(ACCESSLOG_BUF)) == NULL ||
	    (l->spare = malloc(ACCESSLOG_BUF)) == NULL ||
	    (l->fd = accesslog_openfd(path)) == -1)
		goto err;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->room, NULL);
	pthread_cond_init(&l->data, NULL);
	if (pthread_create(&l->writer, NULL, accesslog_writer, l) != 0) {
		log_error("%s: cannot start the log writer", path);
		pthread_cond_destroy(&l->data);
		pthread_cond_destroy(&l->room);
		pthread_mutex_destroy(&l->mu);
		goto err;
	}
	return l;
 err:
	if (l->fd != -1)
		close(l->fd);
	free(l->spare);
	free(l->fill);
	free(l->path);
	free(l);
	return NULL;
}

int
http_accesslog_write(struct http_accesslog *l, const char *line, size_t len)
{
	int ok = 0;

	if (len > ACCESSLOG_BUF)
		return 0;
	pthread_mutex_lock(&l->mu);
	while (!l->closing && l->fill_len + len > ACCESSLOG_BUF) {
		/* Back-pressure rather than loss (CP-5.5.1). */
		pthread_cond_signal(&l->data);
		pthread_cond_wait(&l->room, &l->mu);
	}
	if (!l->closing) {
		memcpy(l->fill + l->fill_len, line, len);
		l->fill_len += len;
		if (l->fill_len > ACCESSLOG_BUF / 2)
			pthread_cond_signal(&l->data);
		ok = 1;
	}
	pthread_mutex_unlock(&l->mu);
	return ok;
}

void
http_accesslog_reopen(struct http_accesslog *l)
{
	pthread_mutex_lock(&l->mu);
	l->reopen = 1;
	pthread_cond_signal(&l->data);
	pthread_mutex_unlock(&l->mu);
}

void
http_accesslog_close(struct http_accesslog *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	l->closing = 1;
	pthread_cond_signal(&l->data);
	pthread_cond_broadcast(&l->room);
	pthread_mutex_unlock(&l->mu);
	pthread_join(l->writer, NULL);
	close(l->fd);
	pthread_cond_destroy(&l->data);
	pthread_cond_destroy(&l->room);
	pthread_mutex_destroy(&l->mu);
	free(l->spare);
	free(l->fill);
	free(l->path);
	free(l);
}

int
http_json_escape(char *dst, size_t dstlen, size_t *used, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t u = *used;
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (u + 7 > dstlen)
			return 0;
		if (c == '"' || c == '\\') {
			dst[u++] = '\\';
			dst[u++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(dst + u, "\\u00", 4);
			dst[u + 4] = hex[c >> 4];
			dst[u + 5] = hex[c & 15];
			u += 6;
		} else
			dst[u++] = (char)c;
	}
	if (u >= dstlen)
		return 0;
	dst[u] = '\0';
	*used = u;
	return 1;
}
