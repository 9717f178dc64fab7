#include "ca/csr.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

/*
 * The whole input is one request: PEM_read_bio skips blocks of other
 * kinds and stops after the END line, so check that the request's block
 * comes first and that only white space follows it.
 */
static int
csr_pem_whole(const unsigned char *buf, size_t len, BIO *b, char *err,
    size_t errlen)
{
	static const char *const begin[] = {
		"-----BEGIN CERTIFICATE REQUEST-----",
		"-----BEGIN NEW CERTIFICATE REQUEST-----",
	};
	size_t rest = (size_t)BIO_pending(b);
	int first = 0;

	for (size_t i = 0; i < sizeof(begin) / sizeof(begin[0]); i++)
		first |= len >= strlen(begin[i]) &&
		    memcmp(buf, begin[i], strlen(begin[i])) == 0;
	if (!first) {
		snprintf(err, errlen, "data before the PEM certificate "
		    "request; send one request only");
		return 0;
	}
	for (size_t i = len - rest; i < len; i++)
		if (!isspace(buf[i])) {
			snprintf(err, errlen, "data after the PEM certificate "
			    "request; send one request only");
			return 0;
		}
	return 1;
}

X509_REQ *
csr_parse(const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = buf;
	X509_REQ *req = NULL;
	BIO *b;

	ERR_clear_error();
	if (len == 0 || len > CSR_MAX) {
		snprintf(err, errlen, "CSR is %s (at most %d bytes)",
		    len == 0 ? "empty" : "too large", CSR_MAX);
		return NULL;
	}
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
			return NULL;
		req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
		if (req == NULL)
			snprintf(err, errlen, "not a PEM certificate request "
			    "(BEGIN CERTIFICATE REQUEST), or truncated");
		else if (!csr_pem_whole(buf, len, b, err, errlen)) {
			X509_REQ_free(req);
			req = NULL;
		}
		BIO_free(b);
	} else {
		req = d2i_X509_REQ(NULL, &p, (long)len);
		if (req == NULL)
			snprintf(err, errlen, "not a DER PKCS#10 certificate "
			    "request, or truncated");
		else if (p != buf + len) {
			snprintf(err, errlen, "%zu bytes of trailing data after "
			    "the DER request", (size_t)(buf + len - p));
			X509_REQ_free(req);
			req = NULL;
		}
	}
	ERR_clear_error();
	return req;
}

int
csr_verify_pop(X509_REQ *req, char *err, size_t errlen)
{
	EVP_PKEY *key = X509_REQ_get0_pubkey(req);
	int ok;

	if (key == NULL) {
		snprintf(err, errlen, "CSR public key cannot be decoded");
		return 0;
	}
	ok = X509_REQ_verify(req, key) == 1;
	ERR_clear_error();
	if (!ok)
		snprintf(err, errlen, "CSR signature does not verify with its "
		    "own public key: no proof of possession (CP-3.2.1)");
	return ok;
}

/* "2048, 3072 or 4096" */
static void
csr_sizes(const struct profile *p, char *buf, size_t len)
{
	size_t used = 0, n = 0;

	while (n < PROFILE_BITS_MAX && p->key_bits[n] != 0)
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", p->key_bits[i]);
}

int
csr_check_key(EVP_PKEY *key, const struct profile *p, char *err,
    size_t errlen)
{
	BIGNUM *n = NULL, *e = NULL;
	char sizes[64];
	int bits, ok = 0;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "key type %s: only RSA keys are issued "
		    "(CP-7.1.3)", OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
		return 0;
	}
	bits = EVP_PKEY_get_bits(key);
	if (!profile_key_bits_ok(p, (unsigned int)bits)) {
		csr_sizes(p, sizes, sizeof(sizes));
		snprintf(err, errlen, "RSA-%d key not allowed for the %s "
		    "profile; allowed: %s bits (CP-6.1.5%s)", bits, p->name,
		    sizes, p->rules == PROFILE_RULES_CSBR ? ", CSBR 6.1.5" : "");
		return 0;
	}
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e)) {
		snprintf(err, errlen, "RSA key parameters cannot be read");
		goto out;
	}
	/* CSBR 6.1.6: odd exponent with 2^16 < e < 2^256; odd modulus. */
	if (!BN_is_odd(e) || BN_num_bits(e) < 17 || BN_num_bits(e) > 256 ||
	    (BN_num_bits(e) == 17 && BN_is_word(e, 65536))) {
		snprintf(err, errlen, "RSA public exponent must be odd and "
		    "between 2^16+1 and 2^256-1 (CSBR 6.1.6)");
		goto out;
	}
	if (!BN_is_odd(n)) {
		snprintf(err, errlen, "RSA modulus is even: not a valid key "
		    "(CSBR 6.1.6)");
		goto out;
	}
	ok = 1;
 out:
	BN_free(n);
	BN_free(e);
	return ok;
}
