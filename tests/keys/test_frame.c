/* Tests of src/keys/frame.c: names, round trips, lengths from the wire. */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "keys/frame.h"

static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
test_name_valid(void **state)
{
	char long_name[SIGNER_KEY_NAME_MAX + 2];

	(void)state;
	assert_true(frame_name_valid("pubca1", 6));
	assert_true(frame_name_valid("A-z_09", 6));
	assert_false(frame_name_valid("", 0));
	assert_false(frame_name_valid("../x", 4));
	assert_false(frame_name_valid("a.b", 3));
	assert_false(frame_name_valid("a/b", 3));
	assert_false(frame_name_valid("a b", 3));
	assert_false(frame_name_valid("a\0b", 3));
	assert_false(frame_name_valid("\xc3\xa9", 2));
	memset(long_name, 'a', sizeof(long_name));
	assert_true(frame_name_valid(long_name, SIGNER_KEY_NAME_MAX));
	assert_false(frame_name_valid(long_name, SIGNER_KEY_NAME_MAX + 1));
}

static void
test_request_round_trip(void **state)
{
	const unsigned char payload[] = { 1, 2, 3, 4, 5 };
	struct frame_out out;
	struct frame_in in;
	struct frame_req req;
	unsigned char *body;
	size_t len;
	int sv[2];

	(void)state;
	pair(sv);
	assert_true(frame_out_request(&out, SIGNER_OP_SIGN_CRL,
	    SIGNER_MD_SHA384, "pubca1", payload, sizeof(payload)));
	assert_int_equal(frame_out_send(&out, sv[0], 0), FRAME_IO_DONE);
	frame_in_init(&in);
	assert_int_equal(frame_in_recv(&in, sv[1], 0), FRAME_IO_DONE);
	body = frame_in_take(&in, &len);
	assert_int_equal(len, 3 + 6 + sizeof(payload));
	assert_true(frame_req_parse(body, len, &req));
	assert_int_equal(req.op, SIGNER_OP_SIGN_CRL);
	assert_int_equal(req.md, SIGNER_MD_SHA384);
	assert_true(req.name_ok);
	assert_string_equal(req.name, "pubca1");
	assert_int_equal(req.len, sizeof(payload));
	assert_memory_equal(req.payload, payload, sizeof(payload));
	free(body);
	/* A clean close between frames is EOF, not an error. */
	close(sv[0]);
	assert_int_equal(frame_in_recv(&in, sv[1], 0), FRAME_IO_EOF);
	close(sv[1]);
}

static void
test_request_refused(void **state)
{
	struct frame_out out;
	static unsigned char big[SIGNER_FRAME_MAX];

	(void)state;
	assert_false(frame_out_request(&out, SIGNER_OP_PUBKEY,
	    SIGNER_MD_SHA256, "../x", NULL, 0));
	assert_false(frame_out_request(&out, SIGNER_OP_PUBKEY,
	    SIGNER_MD_SHA256, "", NULL, 0));
	assert_false(frame_out_request(&out, SIGNER_OP_PUBKEY,
	    SIGNER_MD_SHA256, NULL, NULL, 0));
	assert_false(frame_out_request(&out, SIGNER_OP_MAX,
	    SIGNER_MD_SHA256, "k", NULL, 0));
	assert_false(frame_out_request(&out, SIGNER_OP_PUBKEY,
	    SIGNER_MD_MAX, "k", NULL, 0));
	/* 3 + 1 + payload must stay within SIGNER_FRAME_MAX. */
	assert_true(frame_out_request(&out, SIGNER_OP_SIGN_CERT,
	    SIGNER_MD_SHA256, "k", big, SIGNER_FRAME_MAX - 4));
	assert_false(frame_out_request(&out, SIGNER_OP_SIGN_CERT,
	    SIGNER_MD_SHA256, "k", big, SIGNER_FRAME_MAX - 3));
	assert_false(frame_out_reply(&out, 0, big, SIGNER_FRAME_MAX));
}

static void
test_parse_malformed(void **state)
{
	const unsigned char short_body[] = { 0, 0 };
	const unsigned char past_end[] = { 3, 1, 5, 'a', 'b' };
	const unsigned char bad_name[] = { 3, 1, 4, '.', '.', '/', 'x' };
	const unsigned char no_name[] = { 3, 1, 0, 0x30, 0x00 };
	struct frame_req req;

	(void)state;
	assert_false(frame_req_parse(short_body, sizeof(short_body), &req));
	assert_false(frame_req_parse(past_end, sizeof(past_end), &req));
	assert_true(frame_req_parse(bad_name, sizeof(bad_name), &req));
	assert_false(req.name_ok);
	assert_true(frame_req_parse(no_name, sizeof(no_name), &req));
	assert_false(req.name_ok);
	assert_int_equal(req.len, 2);
}

static void
test_lengths_from_wire(void **state)
{
	unsigned char hdr[4];
	struct frame_in in;
	int sv[2];

	(void)state;
	/* Over the limit: refused before any allocation. */
	pair(sv);
	put_u32(hdr, SIGNER_FRAME_MAX + 1);
	assert_int_equal(write(sv[0], hdr, 4), 4);
	frame_in_init(&in);
	assert_int_equal(frame_in_recv(&in, sv[1], 0), FRAME_IO_ERROR);
	frame_in_clear(&in);
	/* Zero length. */
	put_u32(hdr, 0);
	assert_int_equal(write(sv[0], hdr, 4), 4);
	assert_int_equal(frame_in_recv(&in, sv[1], 0), FRAME_IO_ERROR);
	frame_in_clear(&in);
	/* Announced 100 bytes, sent 10, then closed: truncated. */
	put_u32(hdr, 100);
	assert_int_equal(write(sv[0], hdr, 4), 4);
	assert_int_equal(write(sv[0], "0123456789", 10), 10);
	close(sv[0]);
	assert_int_equal(frame_in_recv(&in, sv[1], 0), FRAME_IO_ERROR);
	frame_in_clear(&in);
	close(sv[1]);
}

static void
test_nonblocking_pieces(void **state)
{
	const unsigned char payload[] = "abcdefgh";
	struct frame_out out;
	struct frame_in in;
	unsigned char wire[64], *body;
	size_t len, i;
	int sv[2];

	(void)state;
	pair(sv);
	assert_true(frame_out_reply(&out, 0, payload, 8));
	assert_int_equal(frame_out_send(&out, sv[0], 0), FRAME_IO_DONE);
	assert_int_equal(read(sv[1], wire, sizeof(wire)), 13);
	frame_in_init(&in);
	assert_int_equal(frame_in_recv(&in, sv[1], 1), FRAME_IO_MORE);
	/* Byte by byte: short reads must be resumed where they stopped. */
	for (i = 0; i < 13; i++) {
		assert_int_equal(write(sv[0], wire + i, 1), 1);
		assert_int_equal(frame_in_recv(&in, sv[1], 1),
		    i < 12 ? FRAME_IO_MORE : FRAME_IO_DONE);
	}
	body = frame_in_take(&in, &len);
	assert_int_equal(len, 9);
	assert_int_equal(body[0], 0);
	assert_memory_equal(body + 1, payload, 8);
	free(body);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_refused),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_lengths_from_wire),
		cmocka_unit_test(test_nonblocking_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
