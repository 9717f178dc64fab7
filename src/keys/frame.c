#include "keys/frame.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

int
frame_name_valid(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > SIGNER_KEY_NAME_MAX)
		return 0;
	/* Names become file names: no dots, slashes or anything else. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static void
frame_put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
frame_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void
frame_in_init(struct frame_in *in)
{
	memset(in, 0, sizeof(*in));
}

void
frame_in_clear(struct frame_in *in)
{
	free(in->_body);
	frame_in_init(in);
}

/* One recv(2) into buf; FRAME_IO_DONE if some bytes arrived. */
static enum frame_io
frame_recv_some(int fd, unsigned char *buf, size_t want, int nonblock,
    size_t *got)
{
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, want, nonblock ? MSG_DONTWAIT : 0);
		if (n > 0) {
			*got = (size_t)n;
			return FRAME_IO_DONE;
		}
		if (n == 0)
			return FRAME_IO_EOF;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return FRAME_IO_MORE;
		log_error("signer socket: read failed: %s", strerror(errno));
		return FRAME_IO_ERROR;
	}
}

/* Checks the length prefix before trusting it with an allocation. */
static int
frame_in_start_body(struct frame_in *in)
{
	uint32_t len = frame_get_u32(in->_hdr);

	if (len == 0 || len > SIGNER_FRAME_MAX) {
		log_error("signer socket: frame of %lu bytes refused "
		    "(1 to %d allowed)", (unsigned long)len, SIGNER_FRAME_MAX);
		return 0;
	}
	if ((in->_body = malloc(len)) == NULL) {
		log_error("signer socket: out of memory");
		return 0;
	}
	in->_len = len;
	in->_have = 0;
	return 1;
}

enum frame_io
frame_in_recv(struct frame_in *in, int fd, int nonblock)
{
	enum frame_io r;
	size_t got;

	while (in->_body == NULL || in->_have < in->_len) {
		if (in->_body == NULL)
			r = frame_recv_some(fd, in->_hdr + in->_hdr_have,
			    sizeof(in->_hdr) - in->_hdr_have, nonblock, &got);
		else
			r = frame_recv_some(fd, in->_body + in->_have,
			    in->_len - in->_have, nonblock, &got);
		if (r == FRAME_IO_EOF && in->_hdr_have == 0)
			return FRAME_IO_EOF;
		if (r == FRAME_IO_EOF) {
			log_error("signer socket: closed in the middle of "
			    "a frame");
			return FRAME_IO_ERROR;
		}
		if (r != FRAME_IO_DONE)
			return r;
		if (in->_body != NULL)
			in->_have += got;
		else if ((in->_hdr_have += got) == sizeof(in->_hdr) &&
		    !frame_in_start_body(in))
			return FRAME_IO_ERROR;
	}
	return FRAME_IO_DONE;
}

unsigned char *
frame_in_take(struct frame_in *in, size_t *len)
{
	unsigned char *body = in->_body;

	*len = in->_len;
	in->_body = NULL;
	frame_in_init(in);
	return body;
}

static void
frame_out_set(struct frame_out *out, size_t hdr_len,
    const unsigned char *payload, size_t len)
{
	frame_put_u32(out->_hdr, (uint32_t)(hdr_len - 4 + len));
	out->_hdr_len = hdr_len;
	out->_payload = payload;
	out->_payload_len = len;
	out->_sent = 0;
}

/* Shows a refused name with anything unsafe for a log as '?'. */
static void
frame_log_bad_name(const char *name, size_t len)
{
	char shown[SIGNER_KEY_NAME_MAX + 1];
	size_t i, n = len < SIGNER_KEY_NAME_MAX ? len : SIGNER_KEY_NAME_MAX;

	for (i = 0; i < n; i++)
		shown[i] = frame_name_valid(name + i, 1) ? name[i] : '?';
	shown[n] = '\0';
	log_error("signer: key \"%s%s\": invalid key name (1 to %d of "
	    "A-Z a-z 0-9 _ -)", shown, len > n ? "..." : "",
	    SIGNER_KEY_NAME_MAX);
}

int
frame_out_request(struct frame_out *out, enum signer_op op,
    enum signer_md md, const char *name, const unsigned char *payload,
    size_t len)
{
	size_t name_len;

	if (name == NULL)
		name = "";
	name_len = strnlen(name, SIGNER_KEY_NAME_MAX + 1);
	if (!frame_name_valid(name, name_len)) {
		frame_log_bad_name(name, name_len);
		return 0;
	}
	if ((unsigned int)op >= SIGNER_OP_MAX ||
	    (unsigned int)md >= SIGNER_MD_MAX) {
		log_error("signer: key %s: invalid operation or digest", name);
		return 0;
	}
	if (len > SIGNER_FRAME_MAX - 3 - name_len) {
		log_error("signer: key %s: request of %zu bytes exceeds the "
		    "frame limit", name, len);
		return 0;
	}
	out->_hdr[4] = (unsigned char)op;
	out->_hdr[5] = (unsigned char)md;
	out->_hdr[6] = (unsigned char)name_len;
	memcpy(out->_hdr + 7, name, name_len);
	frame_out_set(out, 7 + name_len, payload, len);
	return 1;
}

int
frame_out_reply(struct frame_out *out, unsigned char status,
    const unsigned char *payload, size_t len)
{
	if (len > SIGNER_FRAME_MAX - 1) {
		log_error("signer: reply of %zu bytes too long", len);
		return 0;
	}
	out->_hdr[4] = status;
	frame_out_set(out, 5, payload, len);
	return 1;
}

enum frame_io
frame_out_send(struct frame_out *out, int fd, int nonblock)
{
	struct iovec iov[2];
	struct msghdr msg;
	size_t total = out->_hdr_len + out->_payload_len, off;
	ssize_t n;

	while ((off = out->_sent) < total) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		if (off < out->_hdr_len) {
			iov[0].iov_base = out->_hdr + off;
			iov[0].iov_len = out->_hdr_len - off;
			iov[1].iov_base = (void *)out->_payload;
			iov[1].iov_len = out->_payload_len;
			msg.msg_iovlen = out->_payload_len > 0 ? 2 : 1;
		} else {
			iov[0].iov_base = (void *)(out->_payload +
			    (off - out->_hdr_len));
			iov[0].iov_len = total - off;
			msg.msg_iovlen = 1;
		}
		/* A dead peer must be an error here, not a SIGPIPE. */
		n = sendmsg(fd, &msg, MSG_NOSIGNAL |
		    (nonblock ? MSG_DONTWAIT : 0));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return FRAME_IO_MORE;
		if (n <= 0) {
			log_error("signer socket: write failed: %s",
			    n == 0 ? "no progress" : strerror(errno));
			return FRAME_IO_ERROR;
		}
		out->_sent += (size_t)n;
	}
	return FRAME_IO_DONE;
}

int
frame_req_parse(const unsigned char *body, size_t len, struct frame_req *req)
{
	size_t name_len;

	memset(req, 0, sizeof(*req));
	if (len < 3 || (name_len = body[2]) > len - 3)
		return 0;
	req->op = body[0];
	req->md = body[1];
	if ((req->name_ok = frame_name_valid((const char *)body + 3,
	    name_len)))
		memcpy(req->name, body + 3, name_len);
	req->payload = body + 3 + name_len;
	req->len = len - 3 - name_len;
	return 1;
}
