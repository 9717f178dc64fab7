/*
 * Tests of src/x509/crlent.c: the in-place reader of CRL entries accepts
 * an entry exactly when OpenSSL's X509_REVOKED template decodes it and
 * encodes it back to the same bytes (with its extensions decoded as the
 * callers do). Checked on entries of every shape and on every one-byte
 * change and truncation of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "x509/crlent.h"

/* What OpenSSL makes of entry der[0..len): decoded and DER, or not. */
static int
openssl_accepts(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	unsigned char *re = NULL;
	X509_REVOKED *r;
	int n, ok;

	r = d2i_X509_REVOKED(NULL, &p, (long)len);
	ok = r != NULL && p == der + len &&
	    (n = i2d_X509_REVOKED(r, &re)) > 0 && (size_t)n == len &&
	    memcmp(re, der, len) == 0;
	X509_REVOKED_free(r);
	OPENSSL_free(re);
	ERR_clear_error();
	return ok;
}

/* The extensions as the signer and linter take them: decoded, DER. */
static int
exts_ok(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_EXTENSIONS *x;
	unsigned char *re = NULL;
	int n, ok;

	x = d2i_X509_EXTENSIONS(NULL, &p, (long)len);
	ok = x != NULL && p == der + len &&
	    (n = i2d_X509_EXTENSIONS(x, &re)) > 0 && (size_t)n == len &&
	    memcmp(re, der, len) == 0;
	sk_X509_EXTENSION_pop_free(x, X509_EXTENSION_free);
	OPENSSL_free(re);
	ERR_clear_error();
	return ok;
}

/* What the reader makes of the entry, as the one entry of a list. */
static int
crlent_accepts(const unsigned char *der, size_t len)
{
	unsigned char list[600], *p = list;
	struct crlent_iter it;
	struct crlent e;

	assert_true(len < 500);
	ASN1_put_object(&p, 1, (int)len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, der, len);
	if (!crlent_begin(&it, list, (size_t)(p - list) + len) ||
	    crlent_next(&it, &e) != 1 || crlent_next(&it, &e) != 0)
		return 0;
	assert_ptr_equal(e.der, p);
	assert_int_equal(e.der_len, len);
	return e.exts == NULL || exts_ok(e.exts, e.exts_len);
}

static void
assert_agree(const unsigned char *der, size_t len)
{
	int a = openssl_accepts(der, len), b = crlent_accepts(der, len);

	if (a != b) {
		fprintf(stderr, "crlent %d, openssl %d:", b, a);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02x", der[i]);
		fprintf(stderr, "\n");
	}
	assert_int_equal(a, b);
}

/* Every one-byte change (a few values each) and every truncation. */
static void
mutate(const unsigned char *der, size_t len)
{
	static const unsigned char vals[] = { 0x00, 0x01, 0x02, 0x05, 0x0d,
	    0x17, 0x18, 0x1f, 0x30, 0x31, 0x37, 0x7f, 0x80, 0x81, 0x82, 0xa0,
	    0xff };
	unsigned char buf[512];

	assert_true(len <= sizeof(buf));
	assert_agree(der, len);
	for (size_t i = 0; i < len; i++) {
		memcpy(buf, der, len);
		for (size_t v = 0; v < sizeof(vals); v++) {
			buf[i] = vals[v];
			assert_agree(buf, len);
		}
		buf[i] = (unsigned char)(der[i] + 1);
		assert_agree(buf, len);
		buf[i] = (unsigned char)(der[i] - 1);
		assert_agree(buf, len);
	}
	for (size_t n = 0; n < len; n++)
		assert_agree(der, n);
}

/* An entry of serial s (hex), a time and the extensions given. */
static size_t
entry(unsigned char *out, const char *serial, int gen, int reason,
    int inval)
{
	X509_REVOKED *r = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn;
	ASN1_TIME *t;
	ASN1_ENUMERATED *e;
	unsigned char *p = out;
	int len;

	assert_true(BN_hex2bn(&bn, serial) > 0);
	sn = BN_to_ASN1_INTEGER(bn, NULL);
	t = gen ? ASN1_GENERALIZEDTIME_set(NULL, 1700000000) :
	    ASN1_TIME_set(NULL, 1700000000);
	X509_REVOKED_set_serialNumber(r, sn);
	X509_REVOKED_set_revocationDate(r, t);
	if (reason >= 0) {
		e = ASN1_ENUMERATED_new();
		ASN1_ENUMERATED_set(e, reason);
		X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e, 0, 0);
		ASN1_ENUMERATED_free(e);
	}
	if (inval) {
		ASN1_GENERALIZEDTIME *g = ASN1_GENERALIZEDTIME_set(NULL,
		    1690000000);

		X509_REVOKED_add1_ext_i2d(r, NID_invalidity_date, g, 0,
		    X509V3_ADD_APPEND);
		ASN1_GENERALIZEDTIME_free(g);
	}
	len = i2d_X509_REVOKED(r, &p);
	assert_true(len > 0);
	X509_REVOKED_free(r);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
	BN_free(bn);
	return (size_t)len;
}

static void
test_shapes(void **state)
{
	unsigned char der[256];

	(void)state;
	mutate(der, entry(der, "05", 0, -1, 0));
	mutate(der, entry(der, "80", 0, 1, 0));
	mutate(der, entry(der, "7F3A9C12D4E5F60718293A4B5C6D7E8F", 0, 4, 0));
	mutate(der, entry(der, "C0FFEE00112233445566778899AABBCCDD", 1, 1, 1));
	mutate(der, entry(der, "-1", 0, -1, 0));
	mutate(der, entry(der, "-8000", 0, 3, 0));
	mutate(der, entry(der, "0", 1, -1, 1));
}

/* Several entries; a second list header or trailing bytes are refused. */
static void
test_list(void **state)
{
	unsigned char body[600], list[700], *p;
	struct crlent_iter it;
	struct crlent e;
	size_t n = 0, len;
	int count = 0;

	(void)state;
	n += entry(body + n, "01", 0, -1, 0);
	n += entry(body + n, "02", 0, 1, 0);
	n += entry(body + n, "03", 1, 5, 1);
	p = list;
	ASN1_put_object(&p, 1, (int)n, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy(p, body, n);
	len = (size_t)(p - list) + n;
	assert_true(crlent_begin(&it, list, len));
	while (crlent_next(&it, &e) == 1) {
		assert_int_equal(e.serial_len, 1);
		assert_int_equal(e.serial[0], ++count);
		assert_int_equal(e.exts != NULL, count > 1);
	}
	assert_int_equal(count, 3);
	assert_false(crlent_begin(&it, list, len + 1));
	assert_false(crlent_begin(&it, list, len - 1));
	list[0] = 0x31;
	assert_false(crlent_begin(&it, list, len));
	/* An empty list is a list. */
	assert_true(crlent_begin(&it, (const unsigned char *)"\x30\x00", 2));
	assert_int_equal(crlent_next(&it, &e), 0);
	/* A long form length where the short one would do. */
	assert_false(crlent_begin(&it,
	    (const unsigned char *)"\x30\x81\x00", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
