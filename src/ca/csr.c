#include "ca/csr.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

/*
 * CertificationRequest (RFC 2986 §4) in the shape of OpenSSL's X509_REQ
 * templates, but with SubjectPublicKeyInfo as its two parts (X509_PUBKEY
 * would decode the key). The info keeps its encoding, as X509_REQ_INFO
 * does, so that the signature is checked over the bytes received.
 */
typedef struct {
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*key;
} CSR_SPKI;

ASN1_SEQUENCE(CSR_SPKI) = {
	ASN1_SIMPLE(CSR_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(CSR_SPKI, key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CSR_SPKI)

typedef struct {
	ASN1_INTEGER	*version;
	X509_NAME	*subject;
	CSR_SPKI	*spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
	ASN1_ENCODING	 enc;
} CSR_INFO;

/* attributes is not OPTIONAL, but X509_REQ_INFO takes it so. */
ASN1_SEQUENCE_enc(CSR_INFO, enc, NULL) = {
	ASN1_SIMPLE(CSR_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CSR_INFO, spki, CSR_SPKI),
	ASN1_IMP_SET_OF_OPT(CSR_INFO, attributes, X509_ATTRIBUTE, 0),
} static_ASN1_SEQUENCE_END_ref(CSR_INFO, CSR_INFO)

typedef struct {
	CSR_INFO	*info;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} CSR_REQ;

ASN1_SEQUENCE(CSR_REQ) = {
	ASN1_SIMPLE(CSR_REQ, info, CSR_INFO),
	ASN1_SIMPLE(CSR_REQ, alg, X509_ALGOR),
	ASN1_SIMPLE(CSR_REQ, sig, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CSR_REQ)

/* RSAPublicKey (RFC 8017 §A.1.1). */
typedef struct {
	ASN1_INTEGER	*n;
	ASN1_INTEGER	*e;
} CSR_RSA_PUB;

ASN1_SEQUENCE(CSR_RSA_PUB) = {
	ASN1_SIMPLE(CSR_RSA_PUB, n, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_RSA_PUB, e, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(CSR_RSA_PUB)

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(CSR_RSA_PUB)

static void
CSR_REQ_free(void *req)
{
	ASN1_item_free(req, ASN1_ITEM_rptr(CSR_REQ));
}

static void
CSR_RSA_PUB_free(CSR_RSA_PUB *pub)
{
	ASN1_item_free((ASN1_VALUE *)pub, ASN1_ITEM_rptr(CSR_RSA_PUB));
}

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

/*
 * The RSA key of bits[0..len), a DER RSAPublicKey with positive n and e,
 * built from its numbers; NULL for anything else.
 */
static EVP_PKEY *
csr_rsa_key(const unsigned char *bits, int len)
{
	const unsigned char *p = bits;
	unsigned char *re = NULL;
	CSR_RSA_PUB *pub;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	int re_len;

	pub = d2i_CSR_RSA_PUB(NULL, &p, len);
	if (pub == NULL || p != bits + len ||
	    (re_len = i2d_CSR_RSA_PUB(pub, &re)) != len ||
	    memcmp(re, bits, (size_t)len) != 0 ||
	    ASN1_STRING_type(pub->n) != V_ASN1_INTEGER ||
	    ASN1_STRING_type(pub->e) != V_ASN1_INTEGER)
		goto out;
	if ((n = ASN1_INTEGER_to_BN(pub->n, NULL)) == NULL ||
	    (e = ASN1_INTEGER_to_BN(pub->e, NULL)) == NULL ||
	    BN_is_zero(n) || BN_is_zero(e) ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
	}
 out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	OPENSSL_free(re);
	CSR_RSA_PUB_free(pub);
	return key;
}

/*
 * l->spki from the request's key as received: the algorithm and the bits,
 * as X509_PUBKEY_set0_param keeps them (whole octets only).
 */
static int
csr_lean_spki(struct csr_lean *l, const CSR_SPKI *spki)
{
	const ASN1_OBJECT *obj;
	unsigned char *bits;
	int ptype, len = ASN1_STRING_length(spki->key);

	X509_ALGOR_get0(&obj, &ptype, NULL, spki->alg);
	/* RSA parameters are NULL (RFC 3279 §2.3.1), the key whole octets. */
	if (OBJ_obj2nid(obj) != NID_rsaEncryption || ptype != V_ASN1_NULL ||
	    (spki->key->flags & 0x07) != 0 || len <= 0)
		return 0;
	if ((l->spki = X509_PUBKEY_new()) == NULL ||
	    (bits = OPENSSL_memdup(ASN1_STRING_get0_data(spki->key),
	    (size_t)len)) == NULL)
		return 0;
	if (!X509_PUBKEY_set0_param(l->spki, OBJ_nid2obj(NID_rsaEncryption),
	    V_ASN1_NULL, NULL, bits, len)) {
		OPENSSL_free(bits);
		return 0;
	}
	return 1;
}

struct csr_lean *
csr_lean_parse(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf;
	struct csr_lean *l;
	CSR_REQ *req;
	const CSR_SPKI *spki;

	if (len == 0 || len > CSR_MAX || buf[0] != (V_ASN1_SEQUENCE |
	    V_ASN1_CONSTRUCTED) || (l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	req = (CSR_REQ *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(CSR_REQ));
	l->_req = req;
	if (req == NULL || p != buf + len)
		goto fail;
	spki = req->info->spki;
	if (!csr_lean_spki(l, spki) ||
	    (l->key = csr_rsa_key(ASN1_STRING_get0_data(spki->key),
	    ASN1_STRING_length(spki->key))) == NULL)
		goto fail;
	ERR_clear_error();
	return l;
 fail:
	ERR_clear_error();
	csr_lean_free(l);
	return NULL;
}

void
csr_lean_free(struct csr_lean *l)
{
	if (l == NULL)
		return;
	CSR_REQ_free(l->_req);
	EVP_PKEY_free(l->key);
	X509_PUBKEY_free(l->spki);
	free(l);
}

int
csr_lean_verify_pop(const struct csr_lean *l, char *err, size_t errlen)
{
	const CSR_REQ *req = l->_req;
	int ok;

	ok = ASN1_item_verify(ASN1_ITEM_rptr(CSR_INFO), req->alg, req->sig,
	    req->info, l->key) == 1;
	ERR_clear_error();
	if (!ok)
		snprintf(err, errlen, "CSR signature does not verify with its "
		    "own public key: no proof of possession (CP-3.2.1)");
	return ok;
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
