#ifndef INKAN_KEYS_FRAME_H
#define INKAN_KEYS_FRAME_H

#include <stddef.h>

#include "keys/signer.h"

/*
 * Framing of the signer protocol (wire format in signer.h), shared by the
 * parent and the child; internal to src/keys/ and its tests. A frame is a
 * u32 big-endian length followed by that many bytes, 1..SIGNER_FRAME_MAX
 * (the length prefix itself is not counted). Lengths read from the wire
 * are checked before anything is allocated.
 */

/* Length prefix plus op, md, name length and the longest name. */
#define FRAME_HDR_MAX	(4 + 3 + SIGNER_KEY_NAME_MAX)

enum frame_io {
	FRAME_IO_DONE,		/* a whole frame moved */
	FRAME_IO_MORE,		/* non-blocking: call again when ready */
	FRAME_IO_EOF,		/* peer closed between frames */
	FRAME_IO_ERROR,		/* I/O, bad length, EOF mid-frame */
	FRAME_IO_MAX
};

/* An incoming frame being read, possibly over several calls. */
struct frame_in {
	unsigned char	 _hdr[4];
	size_t		 _hdr_have;
	unsigned char	*_body;
	size_t		 _len;
	size_t		 _have;
};

/* An outgoing frame being written; the payload is borrowed, not copied. */
struct frame_out {
	unsigned char	 _hdr[FRAME_HDR_MAX];
	size_t		 _hdr_len;
	const unsigned char *_payload;
	size_t		 _payload_len;
	size_t		 _sent;
};

/* A request body split into its fields; payload points into the body. */
struct frame_req {
	unsigned int	 op;		/* unchecked */
	unsigned int	 md;		/* unchecked */
	int		 name_ok;	/* 0: empty, long or bad */
	char		 name[SIGNER_KEY_NAME_MAX + 1];
	const unsigned char *payload;
	size_t		 len;
};

/* 1 if name[0..len) is a valid key name: 1..64 of [A-Za-z0-9_-]. */
int frame_name_valid(const char *name, size_t len);

void frame_in_init(struct frame_in *in);

/* Frees a partly read frame; the struct may then be reused after init. */
void frame_in_clear(struct frame_in *in);

/*
 * Reads from fd into in. With nonblock, returns FRAME_IO_MORE when the
 * socket has no more data for now; without, blocks until a whole frame,
 * EOF or an error. Failures are logged.
 */
enum frame_io frame_in_recv(struct frame_in *in, int fd, int nonblock);

/*
 * After FRAME_IO_DONE, hands over the body (malloc'd, *len bytes, at
 * least 1) and resets in for the next frame. The caller frees it.
 */
unsigned char *frame_in_take(struct frame_in *in, size_t *len);

/*
 * Prepares a request frame. Returns 0 (logged) if op, md or the name is
 * invalid or the frame would exceed SIGNER_FRAME_MAX.
 */
int frame_out_request(struct frame_out *out, enum signer_op op,
    enum signer_md md, const char *name, const unsigned char *payload,
    size_t len);

/* Prepares a reply frame (status 0: ok); 0 if it would be too long. */
int frame_out_reply(struct frame_out *out, unsigned char status,
    const unsigned char *payload, size_t len);

/*
 * Writes the prepared frame to fd, without raising SIGPIPE. With
 * nonblock, returns FRAME_IO_MORE when the socket is full.
 */
enum frame_io frame_out_send(struct frame_out *out, int fd, int nonblock);

/*
 * Splits a request body. Returns 0 if it is malformed (too short, or the
 * name length runs past the end), which ends the session; an unknown op
 * or md or a bad name is left to the caller to refuse.
 */
int frame_req_parse(const unsigned char *body, size_t len,
    struct frame_req *req);

#endif
