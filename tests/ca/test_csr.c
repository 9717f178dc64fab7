/*
 * Tests of src/ca/csr.c: PKCS#10 parsing (one whole request, capped in
 * size), proof of possession (CP-3.2.1) and the subscriber key checks
 * (CP-7.1.3, CP-6.1.5, CSBR 6.1.5/6.1.6).
 *
 * Requests come from tests/data/ca/ (README there says how they were
 * made); odd keys that no generator makes are built from parameters.
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
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ca/csr.h"
#include "x509/profile.h"

#include "x509/certfix.h"

static unsigned char *
data(const char *name, size_t *len)
{
	unsigned char *buf = fix_read("ca", name, len);

	if (buf == NULL)
		fail_msg("cannot read tests/data/ca/%s", name);
	return buf;
}

static X509_REQ *
parse_ok(const unsigned char *buf, size_t len)
{
	char err[256] = "";
	X509_REQ *req = csr_parse(buf, len, err, sizeof(err));

	if (req == NULL)
		fail_msg("csr_parse refused: %s", err);
	return req;
}

static void
parse_fails(const unsigned char *buf, size_t len, const char *want)
{
	char err[256] = "";
	X509_REQ *req = csr_parse(buf, len, err, sizeof(err));

	if (req != NULL) {
		X509_REQ_free(req);
		fail_msg("csr_parse accepted %zu bytes; wanted '%s'", len, want);
	}
	if (strstr(err, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err, want);
}

static X509_REQ *
load(const char *name)
{
	unsigned char *buf;
	size_t len;
	X509_REQ *req;

	buf = data(name, &len);
	req = parse_ok(buf, len);
	free(buf);
	return req;
}

static void
test_parse_pem(void **state)
{
	X509_REQ *req;
	char *cn;

	(void)state;
	req = load("rsa2048.csr.pem");
	cn = name_get_text(X509_REQ_get_subject_name(req), NID_commonName);
	assert_string_equal(cn, "Test Subscriber");
	OPENSSL_free(cn);
	assert_int_equal(EVP_PKEY_get_bits(X509_REQ_get0_pubkey(req)), 2048);
	X509_REQ_free(req);
	/* CRLF line ends, as Windows tools write them. */
	{
		unsigned char *pem, *crlf;
		size_t len, n = 0;

		pem = data("rsa2048.csr.pem", &len);
		assert_non_null(crlf = malloc(2 * len));
		for (size_t i = 0; i < len; i++) {
			if (pem[i] == '\n')
				crlf[n++] = '\r';
			crlf[n++] = pem[i];
		}
		req = parse_ok(crlf, n);
		X509_REQ_free(req);
		free(crlf);
		free(pem);
	}
}

static void
test_parse_der(void **state)
{
	unsigned char *der, *pem_der = NULL;
	X509_REQ *req, *from_pem;
	size_t len;
	int n;

	(void)state;
	der = data("rsa2048.csr.der", &len);
	req = parse_ok(der, len);
	/* The same request as the PEM file. */
	from_pem = load("rsa2048.csr.pem");
	n = i2d_X509_REQ(from_pem, &pem_der);
	assert_int_equal(n, len);
	assert_memory_equal(pem_der, der, len);
	OPENSSL_free(pem_der);
	X509_REQ_free(from_pem);
	X509_REQ_free(req);
	free(der);
}

/* "The whole input must be one request" (csr.h). */
static void
test_parse_der_trailing(void **state)
{
	unsigned char *der, *more;
	size_t len;

	(void)state;
	der = data("rsa2048.csr.der", &len);
	assert_non_null(more = malloc(len + 4));
	memcpy(more, der, len);
	memcpy(more + len, "\x00\x00\x05\x00", 4);
	parse_fails(more, len + 1, "1 bytes of trailing data");
	parse_fails(more, len + 4, "4 bytes of trailing data");
	/* Two requests back to back. */
	free(more);
	assert_non_null(more = malloc(2 * len));
	memcpy(more, der, len);
	memcpy(more + len, der, len);
	parse_fails(more, 2 * len, "trailing data");
	free(more);
	free(der);
}

/* Text after the PEM block is not one request either. */
static void
test_parse_pem_trailing(void **state)
{
	unsigned char *pem, *buf;
	size_t len;
	X509_REQ *req;

	(void)state;
	pem = data("rsa2048.csr.pem", &len);
	assert_non_null(buf = malloc(2 * len + 64));
	/* Trailing blank lines are harmless. */
	memcpy(buf, pem, len);
	memcpy(buf + len, "\n\n", 2);
	req = parse_ok(buf, len + 2);
	X509_REQ_free(req);
	/* A second request after the first. */
	memcpy(buf + len, pem, len);
	parse_fails(buf, 2 * len, "after the PEM");
	/* Text after the END line. */
	memcpy(buf + len, "garbage\n", 8);
	parse_fails(buf, len + 8, "after the PEM");
	/* A block of another kind first: PEM_read_bio would skip it. */
	{
		static const char other[] = "-----BEGIN CERTIFICATE-----\n"
		    "MAA=\n-----END CERTIFICATE-----\n";

		memcpy(buf, other, strlen(other));
		memcpy(buf + strlen(other), pem, len);
		parse_fails(buf, strlen(other) + len, "before the PEM");
	}
	free(buf);
	free(pem);
}

/* The older "NEW CERTIFICATE REQUEST" label (RFC 7468 §7) is accepted. */
static void
test_parse_pem_new_label(void **state)
{
	unsigned char *pem;
	char *text, *a, *b;
	size_t len, n;
	X509_REQ *req;

	(void)state;
	pem = data("rsa2048.csr.pem", &len);
	n = len + 16;
	assert_non_null(text = malloc(n));
	a = strstr((char *)pem, "\n");
	b = strstr((char *)pem, "-----END");
	assert_non_null(a);
	assert_non_null(b);
	snprintf(text, n, "-----BEGIN NEW CERTIFICATE REQUEST-----%.*s"
	    "-----END NEW CERTIFICATE REQUEST-----\n", (int)(b - a), a);
	req = parse_ok((unsigned char *)text, strlen(text));
	X509_REQ_free(req);
	free(text);
	free(pem);
}

static void
test_parse_truncated(void **state)
{
	unsigned char *der, *pem;
	size_t dlen, plen;

	(void)state;
	der = data("rsa2048.csr.der", &dlen);
	parse_fails(der, dlen - 1, "not a DER PKCS#10");
	parse_fails(der, dlen / 2, "not a DER PKCS#10");
	parse_fails(der, 4, "not a DER PKCS#10");
	parse_fails(der, 1, "not a DER PKCS#10");
	free(der);
	pem = data("rsa2048.csr.pem", &plen);
	parse_fails(pem, plen / 2, "not a PEM certificate request");
	/* Cut just before the END line. */
	{
		const char *end = strstr((char *)pem, "-----END");

		assert_non_null(end);
		parse_fails(pem, (size_t)(end - (char *)pem),
		    "not a PEM certificate request");
	}
	free(pem);
}

static void
test_parse_garbage(void **state)
{
	static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\n"
	    "MAA=\n-----END CERTIFICATE-----\n";
	unsigned char junk[512];

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	parse_fails(junk, sizeof(junk), "not a DER PKCS#10");
	parse_fails((const unsigned char *)"hello", 5, "not a DER PKCS#10");
	/* A SEQUENCE that is not a request. */
	parse_fails((const unsigned char *)"\x30\x03\x02\x01\x01", 5,
	    "not a DER PKCS#10");
	/* A PEM block of another kind. */
	parse_fails((const unsigned char *)cert_pem, strlen(cert_pem),
	    "not a PEM certificate request");
	parse_fails((const unsigned char *)"-----BEGIN", 10,
	    "not a DER PKCS#10");
}

static void
test_parse_size_limits(void **state)
{
	unsigned char *big;
	size_t len;

	(void)state;
	parse_fails((const unsigned char *)"", 0, "CSR is empty");
	assert_non_null(big = calloc(1, CSR_MAX + 2));
	parse_fails(big, CSR_MAX + 1, "CSR is too large (at most 65536");
	/* A valid request padded past the cap is refused for its size. */
	{
		unsigned char *pem = data("rsa2048.csr.pem", &len);

		memset(big, '\n', CSR_MAX + 1);
		memcpy(big, pem, len);
		parse_fails(big, CSR_MAX + 1, "too large");
		free(pem);
	}
	/* At the cap it is not refused for its size. */
	{
		char err[256] = "";
		X509_REQ *req = csr_parse(big, CSR_MAX, err, sizeof(err));

		X509_REQ_free(req);
		assert_null(strstr(err, "too large"));
	}
	free(big);
}

/* CP-3.2.1: the request's signature verifies with its own key. */
static void
test_verify_pop(void **state)
{
	unsigned char *der, *bad;
	char err[256] = "";
	X509_REQ *req;
	size_t len;

	(void)state;
	static const char *const good[] = { "rsa2048.csr.pem",
	    "rsa3072.csr.pem", "rsa2048-e3.csr.pem", "ec-p256.csr.pem" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		req = load(good[i]);
		if (!csr_verify_pop(req, err, sizeof(err)))
			fail_msg("%s: %s", good[i], err);
		X509_REQ_free(req);
	}
	der = data("rsa2048.csr.der", &len);
	assert_non_null(bad = malloc(len));
	/* The signature is the last 256 octets: flip its last and first. */
	for (size_t at = len - 1; at >= len - 256; at -= 255) {
		memcpy(bad, der, len);
		bad[at] ^= 0x01;
		req = parse_ok(bad, len);
		err[0] = '\0';
		assert_false(csr_verify_pop(req, err, sizeof(err)));
		assert_non_null(strstr(err, "no proof of possession "
		    "(CP-3.2.1)"));
		X509_REQ_free(req);
	}
	/* A changed subject byte breaks it too. */
	{
		const unsigned char *cn = NULL;

		for (size_t i = 0; i + 4 < len; i++)
			if (memcmp(der + i, "Test", 4) == 0)
				cn = der + i;
		assert_non_null(cn);
		memcpy(bad, der, len);
		bad[cn - der] = 'B';
		req = parse_ok(bad, len);
		assert_false(csr_verify_pop(req, err, sizeof(err)));
		X509_REQ_free(req);
	}
	free(bad);
	free(der);
}

/* A public RSA key from raw parameters, e.g. an exponent keygen refuses. */
static EVP_PKEY *
rsa_from(const BIGNUM *n, const BIGNUM *e)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	assert_non_null(bld = OSSL_PARAM_BLD_new());
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e));
	assert_non_null(params = OSSL_PARAM_BLD_to_param(bld));
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL));
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY,
	    params), 1);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return key;
}

static void
key_ok(EVP_PKEY *key, enum profile_id id)
{
	char err[256] = "";

	if (!csr_check_key(key, profile_get(id), err, sizeof(err)))
		fail_msg("key refused for %s: %s", profile_get(id)->name, err);
}

static void
key_bad(EVP_PKEY *key, enum profile_id id, const char *want)
{
	char err[256] = "";

	if (csr_check_key(key, profile_get(id), err, sizeof(err)))
		fail_msg("key accepted for %s; wanted '%s'",
		    profile_get(id)->name, want);
	if (strstr(err, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err, want);
}

/* CP-6.1.5: code signing RSA 3072 or 4096 (CSBR 6.1.5). */
static void
test_check_key_sizes(void **state)
{
	X509_REQ *r2048, *r3072;

	(void)state;
	r2048 = load("rsa2048.csr.pem");
	r3072 = load("rsa3072.csr.pem");
	key_bad(X509_REQ_get0_pubkey(r2048), PROFILE_CODESIGN,
	    "RSA-2048 key not allowed for the codesign profile; allowed: "
	    "3072 or 4096 bits (CP-6.1.5, CSBR 6.1.5)");
	key_ok(X509_REQ_get0_pubkey(r3072), PROFILE_CODESIGN);
	key_ok(X509_REQ_get0_pubkey(r2048), PROFILE_CLIENT);
	key_ok(X509_REQ_get0_pubkey(r3072), PROFILE_SMIME_STRICT);
	key_ok(X509_REQ_get0_pubkey(r2048), PROFILE_OCSP);
	key_bad(X509_REQ_get0_pubkey(r3072), PROFILE_CA_SHA256,
	    "allowed: 2048 or 4096 bits (CP-6.1.5)");
	key_bad(X509_REQ_get0_pubkey(r3072), PROFILE_ROOT,
	    "RSA-3072 key not allowed for the root profile");
	X509_REQ_free(r2048);
	X509_REQ_free(r3072);
}

/* CSBR 6.1.6: odd exponent in [2^16+1, 2^256). */
static void
test_check_key_exponent(void **state)
{
	X509_REQ *req;
	BIGNUM *n = NULL, *e;
	EVP_PKEY *key;

	(void)state;
	req = load("rsa2048-e3.csr.pem");
	key_bad(X509_REQ_get0_pubkey(req), PROFILE_CLIENT,
	    "RSA public exponent must be odd and between 2^16+1");
	X509_REQ_free(req);
	/* Exponents keygen will not make, on a real 2048-bit modulus. */
	req = load("rsa2048.csr.pem");
	assert_true(EVP_PKEY_get_bn_param(X509_REQ_get0_pubkey(req),
	    OSSL_PKEY_PARAM_RSA_N, &n));
	assert_non_null(e = BN_new());
	assert_true(BN_set_word(e, 65537));
	key = rsa_from(n, e);
	key_ok(key, PROFILE_CLIENT);
	EVP_PKEY_free(key);
	assert_true(BN_set_word(e, 65538));	/* even */
	key = rsa_from(n, e);
	key_bad(key, PROFILE_CLIENT, "must be odd");
	EVP_PKEY_free(key);
	assert_true(BN_set_word(e, 65535));	/* < 2^16+1 */
	key = rsa_from(n, e);
	key_bad(key, PROFILE_CLIENT, "between 2^16+1 and 2^256-1");
	EVP_PKEY_free(key);
	assert_true(BN_set_word(e, 1));		/* 2^256 + 1: too big */
	assert_true(BN_lshift(e, e, 256));
	assert_true(BN_add_word(e, 1));
	key = rsa_from(n, e);
	key_bad(key, PROFILE_CLIENT, "between 2^16+1 and 2^256-1");
	EVP_PKEY_free(key);
	assert_true(BN_set_word(e, 1));		/* 2^255 + 1: the top */
	assert_true(BN_lshift(e, e, 255));
	assert_true(BN_add_word(e, 1));
	key = rsa_from(n, e);
	key_ok(key, PROFILE_CLIENT);
	EVP_PKEY_free(key);
	/* An even modulus is no RSA key. */
	assert_true(BN_set_word(e, 65537));
	assert_true(BN_clear_bit(n, 0));
	key = rsa_from(n, e);
	key_bad(key, PROFILE_CLIENT, "RSA modulus is even");
	EVP_PKEY_free(key);
	BN_free(n);
	BN_free(e);
	X509_REQ_free(req);
}

/* CP-7.1.3: rsaEncryption keys only. */
static void
test_check_key_ec(void **state)
{
	X509_REQ *req;

	(void)state;
	req = load("ec-p256.csr.pem");
	key_bad(X509_REQ_get0_pubkey(req), PROFILE_CLIENT,
	    "key type id-ecPublicKey: only RSA keys are issued (CP-7.1.3)");
	key_bad(X509_REQ_get0_pubkey(req), PROFILE_CODESIGN,
	    "only RSA keys are issued");
	X509_REQ_free(req);
}

/* The DER of a PEM request of tests/data/ca, via csr_parse. */
static unsigned char *
der_of(const char *name, int *len)
{
	X509_REQ *req = load(name);
	unsigned char *der = NULL;

	*len = i2d_X509_REQ(req, &der);
	assert_true(*len > 0);
	X509_REQ_free(req);
	return der;
}

/*
 * csr_lean_parse reads DER RSA requests to the key and SPKI csr_parse
 * gives, proves possession as csr_verify_pop does, and leaves everything
 * else (PEM, EC, malformed) to csr_parse.
 */
static void
test_lean(void **state)
{
	static const char *const rsa[] = { "rsa2048.csr.pem",
	    "rsa3072.csr.pem", "rsa2048-e3.csr.pem" };
	unsigned char *der, *bad, *a = NULL, *b = NULL;
	struct csr_lean *l;
	char err[256] = "";
	X509_REQ *req;
	size_t pem_len;
	int len, la, lb;

	(void)state;
	for (size_t i = 0; i < sizeof(rsa) / sizeof(rsa[0]); i++) {
		der = der_of(rsa[i], &len);
		req = parse_ok(der, (size_t)len);
		assert_non_null(l = csr_lean_parse(der, (size_t)len));
		assert_int_equal(EVP_PKEY_eq(l->key, X509_REQ_get0_pubkey(req)),
		    1);
		la = i2d_X509_PUBKEY(l->spki, &a);
		lb = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(req), &b);
		assert_true(la > 0 && la == lb);
		assert_memory_equal(a, b, (size_t)la);
		OPENSSL_free(a);
		OPENSSL_free(b);
		a = b = NULL;
		if (!csr_lean_verify_pop(l, err, sizeof(err)))
			fail_msg("%s: %s", rsa[i], err);
		csr_lean_free(l);
		/* Any signature bit or subject byte changed: no possession. */
		assert_non_null(bad = malloc((size_t)len));
		for (int at = len - 1; at >= len - 40; at -= 13) {
			memcpy(bad, der, (size_t)len);
			bad[at] ^= 0x01;
			assert_non_null(l = csr_lean_parse(bad, (size_t)len));
			assert_false(csr_lean_verify_pop(l, err, sizeof(err)));
			assert_non_null(strstr(err, "no proof of possession"));
			csr_lean_free(l);
		}
		memcpy(bad, der, (size_t)len);
		for (int j = 0; j + 4 < len; j++)
			if (memcmp(bad + j, "Test", 4) == 0)
				bad[j] = 'B';
		if ((l = csr_lean_parse(bad, (size_t)len)) != NULL) {
			assert_false(csr_lean_verify_pop(l, err, sizeof(err)));
			csr_lean_free(l);
		}
		/* Trailing data and truncation are not requests. */
		assert_null(csr_lean_parse(der, (size_t)len - 1));
		free(bad);
		X509_REQ_free(req);
		OPENSSL_free(der);
	}
	der = der_of("ec-p256.csr.pem", &len);
	assert_null(csr_lean_parse(der, (size_t)len));
	OPENSSL_free(der);
	der = data("rsa2048.csr.pem", &pem_len);
	assert_null(csr_lean_parse(der, pem_len));
	free(der);
	csr_lean_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_pem),
		cmocka_unit_test(test_parse_der),
		cmocka_unit_test(test_parse_der_trailing),
		cmocka_unit_test(test_parse_pem_trailing),
		cmocka_unit_test(test_parse_pem_new_label),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_size_limits),
		cmocka_unit_test(test_verify_pop),
		cmocka_unit_test(test_check_key_sizes),
		cmocka_unit_test(test_check_key_exponent),
		cmocka_unit_test(test_check_key_ec),
		cmocka_unit_test(test_lean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
