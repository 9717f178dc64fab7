#include "keys/signer.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys/frame.h"
#include "keys/signer_impl.h"
#include "util/log.h"

struct signer {
	int	 fd;
	pid_t	 pid;
};

static const char *const signer_md_names[SIGNER_MD_MAX] = {
	[SIGNER_MD_SHA1] = "SHA1",
	[SIGNER_MD_SHA256] = "SHA256",
	[SIGNER_MD_SHA384] = "SHA384",
	[SIGNER_MD_SHA512] = "SHA512",
};

const char *
signer_md_name(enum signer_md md)
{
	if ((unsigned int)md >= SIGNER_MD_MAX)
		return NULL;
	return signer_md_names[md];
}

pid_t
signer_pid(const struct signer *s)
{
	return s != NULL ? s->pid : -1;
}

int
signer_fd(const struct signer *s)
{
	return s != NULL ? s->fd : -1;
}

/* The child's reason for a refusal; it names the key and the rule. */
static void
signer_log_refusal(const unsigned char *text, size_t len)
{
	log_error("signer: %.*s", (int)len, text != NULL ?
	    (const char *)text : "");
}

/* Splits a reply body (at least 1 byte) into status and payload. */
static void
signer_reply_split(unsigned char *body, size_t len, unsigned char *status,
    unsigned char **reply, size_t *reply_len)
{
	*status = body[0];
	*reply_len = len - 1;
	if (len == 1) {
		free(body);
		*reply = NULL;
		return;
	}
	memmove(body, body + 1, len - 1);
	*reply = body;
}

/* Reads one reply, blocking. */
static int
signer_recv(struct signer *s, unsigned char *status, unsigned char **reply,
    size_t *reply_len)
{
	struct frame_in in;
	unsigned char *body;
	enum frame_io r;
	size_t len;

	frame_in_init(&in);
	if ((r = frame_in_recv(&in, s->fd, 0)) != FRAME_IO_DONE) {
		frame_in_clear(&in);
		if (r == FRAME_IO_EOF)
			log_error("signer: the signer closed the session");
		return 0;
	}
	body = frame_in_take(&in, &len);
	signer_reply_split(body, len, status, reply, reply_len);
	return 1;
}

int
signer_request(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *payload, size_t len,
    unsigned char *status, unsigned char **reply, size_t *reply_len)
{
	struct frame_out out;

	*reply = NULL;
	*reply_len = 0;
	if (s == NULL || s->fd == -1) {
		log_error("signer: not running");
		return 0;
	}
	if (!frame_out_request(&out, op, md, key, payload, len))
		return 0;
	if (frame_out_send(&out, s->fd, 0) != FRAME_IO_DONE)
		return 0;
	return signer_recv(s, status, reply, reply_len);
}

/* One request whose refusal is logged; out may be NULL. */
static int
signer_call(struct signer *s, enum signer_op op, enum signer_md md,
    const char *key, const unsigned char *payload, size_t len,
    unsigned char **out, size_t *out_len)
{
	unsigned char status, *reply;
	size_t reply_len;

	if (!signer_request(s, op, md, key, payload, len, &status, &reply,
	    &reply_len))
		return 0;
	if (status != 0) {
		signer_log_refusal(reply, reply_len);
		free(reply);
		return 0;
	}
	if (out == NULL) {
		free(reply);
		return 1;
	}
	if (reply == NULL) {
		log_error("signer: key %s: empty reply", key);
		return 0;
	}
	*out = reply;
	*out_len = reply_len;
	return 1;
}

/* Waits for the child's ready reply (after it read the passphrase). */
static int
signer_start_wait(struct signer *s)
{
	unsigned char status, *reply;
	size_t reply_len;

	if (!signer_recv(s, &status, &reply, &reply_len))
		return 0;
	if (status != 0)
		signer_log_refusal(reply, reply_len);
	free(reply);
	return status == 0;
}

struct signer *
signer_start(const struct signer_config *conf)
{
	struct signer *s;
	int sv[2], status;

	if (conf == NULL || conf->key_dir == NULL) {
		log_error("signer: no key folder configured");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_error("signer: out of memory");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_error("signer: socketpair: %s", strerror(errno));
		free(s);
		return NULL;
	}
	/* Output still buffered would otherwise be flushed twice. */
	fflush(NULL);
	if ((s->pid = fork()) == -1) {
		log_error("signer: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(s);
		return NULL;
	}
	if (s->pid == 0) {
		close(sv[0]);
		signer_child_main(sv[1], conf);
	}
	close(sv[1]);
	s->fd = sv[0];
	if (!signer_start_wait(s)) {
		/* The reason is logged; its exit status adds nothing. */
		signer_stop_status(s, &status);
		return NULL;
	}
	return s;
}

int
signer_stop_status(struct signer *s, int *wstatus)
{
	int ok = 0;

	*wstatus = -1;
	if (s == NULL)
		return 0;
	/* shutdown(2) reaches the child even if a fork copied our end. */
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	while (waitpid(s->pid, wstatus, 0) == -1) {
		if (errno != EINTR) {
			log_error("signer: waitpid %ld: %s", (long)s->pid,
			    strerror(errno));
			*wstatus = -1;
			goto out;
		}
	}
	ok = 1;
 out:
	free(s);
	return ok;
}

int
signer_stop(struct signer *s)
{
	int st;

	if (s == NULL)
		return 1;
	if (!signer_stop_status(s, &st))
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFSIGNALED(st))
		log_error("signer: killed by signal %d", WTERMSIG(st));
	else
		log_error("signer: exited with status %d", WEXITSTATUS(st));
	return 0;
}

int
signer_generate(struct signer *s, const char *key, unsigned int bits,
    unsigned char **spki, size_t *spki_len)
{
	unsigned char p[4];

	p[0] = (unsigned char)(bits >> 24);
	p[1] = (unsigned char)(bits >> 16);
	p[2] = (unsigned char)(bits >> 8);
	p[3] = (unsigned char)bits;
	return signer_call(s, SIGNER_OP_GENERATE, SIGNER_MD_SHA256, key, p,
	    sizeof(p), spki, spki_len);
}

int
signer_pubkey(struct signer *s, const char *key, unsigned char **spki,
    size_t *spki_len)
{
	return signer_call(s, SIGNER_OP_PUBKEY, SIGNER_MD_SHA256, key, NULL,
	    0, spki, spki_len);
}

int
signer_bind_cert(struct signer *s, const char *key,
    const unsigned char *der, size_t der_len)
{
	return signer_call(s, SIGNER_OP_BIND_CERT, SIGNER_MD_SHA256, key, der,
	    der_len, NULL, NULL);
}

static int
signer_op_signs(enum signer_op op)
{
	return op == SIGNER_OP_SIGN_CERT || op == SIGNER_OP_SIGN_CA_CERT ||
	    op == SIGNER_OP_SIGN_CRL || op == SIGNER_OP_SIGN_OCSP ||
	    op == SIGNER_OP_SIGN_AUDIT;
}

int
signer_sign(struct signer *s, enum signer_op op, const char *key,
    enum signer_md md, const unsigned char *tbs, size_t tbs_len,
    unsigned char **sig, size_t *sig_len)
{
	if (!signer_op_signs(op)) {
		log_error("signer: key %s: operation %d does not sign",
		    key != NULL ? key : "", (int)op);
		return 0;
	}
	return signer_call(s, op, md, key, tbs, tbs_len, sig, sig_len);
}

void
signer_jobs_clear(struct signer_job *jobs, size_t n)
{
	size_t i;

	if (jobs == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(jobs[i].sig);
		jobs[i].sig = NULL;
		jobs[i].sig_len = 0;
		jobs[i].ok = 0;
	}
}

/* A signer_sign_many() in progress. */
struct signer_batch {
	struct signer_job *jobs;
	size_t		*idx;		/* jobs sent, in order */
	size_t		 n;		/* entries of idx */
	size_t		 sent;		/* frames wholly written */
	size_t		 answered;	/* replies read */
	int		 out_ready;	/* out holds jobs[idx[sent]] */
	struct frame_out out;
	struct frame_in	 in;
};

/* Prepares a job's frame; the request is refused here if invalid. */
static int
signer_job_frame(const struct signer_job *job, struct frame_out *out)
{
	if (!signer_op_signs(job->op)) {
		log_error("signer: key %s: operation %d does not sign",
		    job->key != NULL ? job->key : "", (int)job->op);
		return 0;
	}
	return frame_out_request(out, job->op, job->md, job->key, job->tbs,
	    job->tbs_len);
}

/* Writes as many frames as the socket takes now. */
static int
signer_batch_send(struct signer_batch *b, int fd)
{
	enum frame_io r;

	while (b->sent < b->n) {
		if (!b->out_ready &&
		    !signer_job_frame(&b->jobs[b->idx[b->sent]], &b->out))
			return 0;
		b->out_ready = 1;
		if ((r = frame_out_send(&b->out, fd, 1)) == FRAME_IO_MORE)
			return 1;
		if (r != FRAME_IO_DONE)
			return 0;
		b->out_ready = 0;
		b->sent++;
	}
	return 1;
}

static void
signer_batch_answer(struct signer_batch *b, unsigned char *body, size_t len)
{
	struct signer_job *job = &b->jobs[b->idx[b->answered++]];
	unsigned char status, *reply;
	size_t reply_len;

	signer_reply_split(body, len, &status, &reply, &reply_len);
	if (status != 0 || reply == NULL) {
		signer_log_refusal(reply, reply_len);
		free(reply);
		return;
	}
	job->sig = reply;
	job->sig_len = reply_len;
	job->ok = 1;
}

/* Reads as many replies as have arrived. */
static int
signer_batch_recv(struct signer_batch *b, int fd)
{
	unsigned char *body;
	enum frame_io r;
	size_t len;

	while (b->answered < b->n) {
		if ((r = frame_in_recv(&b->in, fd, 1)) == FRAME_IO_MORE)
			return 1;
		if (r == FRAME_IO_EOF)
			log_error("signer: the signer closed the session");
		if (r != FRAME_IO_DONE)
			return 0;
		body = frame_in_take(&b->in, &len);
		/* The child answers only whole requests, in order. */
		if (b->answered >= b->sent) {
			log_error("signer: reply to a request not sent");
			free(body);
			return 0;
		}
		signer_batch_answer(b, body, len);
	}
	return 1;
}

/* Interleaves writes and reads so neither side blocks on a full socket. */
static int
signer_batch_run(struct signer_batch *b, int fd)
{
	struct pollfd pfd;

	while (b->answered < b->n) {
		pfd.fd = fd;
		pfd.events = POLLIN | (b->sent < b->n ? POLLOUT : 0);
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			log_error("signer: poll: %s", strerror(errno));
			return 0;
		}
		if (pfd.revents & POLLNVAL) {
			log_error("signer: socket closed");
			return 0;
		}
		if ((pfd.revents & POLLOUT) && !signer_batch_send(b, fd))
			return 0;
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !signer_batch_recv(b, fd))
			return 0;
	}
	return 1;
}

int
signer_sign_many(struct signer *s, struct signer_job *jobs, size_t n)
{
	struct signer_batch b;
	struct frame_out scratch;
	size_t i;
	int ok = 0;

	/* Outputs only: the caller may not have initialised them. */
	for (i = 0; i < n; i++) {
		jobs[i].sig = NULL;
		jobs[i].sig_len = 0;
		jobs[i].ok = 0;
	}
	if (s == NULL || s->fd == -1) {
		log_error("signer: not running");
		return 0;
	}
	if (n == 0)
		return 1;
	memset(&b, 0, sizeof(b));
	b.jobs = jobs;
	frame_in_init(&b.in);
	if ((b.idx = calloc(n, sizeof(*b.idx))) == NULL) {
		log_error("signer: out of memory");
		return 0;
	}
	/* Invalid jobs are refused here and never reach the signer. */
	for (i = 0; i < n; i++)
		if (signer_job_frame(&jobs[i], &scratch))
			b.idx[b.n++] = i;
	ok = signer_batch_run(&b, s->fd);
	frame_in_clear(&b.in);
	free(b.idx);
	return ok;
}
