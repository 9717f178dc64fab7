/*
 * Builders of the lint corpus (tests/lint/test_corpus.c): certificates
 * from the certfix profiles, CRLs through OpenSSL's X509_CRL, OCSP
 * responses through test-only ASN.1 templates (so that any field can be
 * made wrong), and public keys from chosen moduli.
 */
#ifndef INKAN_TESTS_LINT_CORPUS_H
#define INKAN_TESTS_LINT_CORPUS_H

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>

#include "x509/certfix.h"

#define CORPUS_UNUSED __attribute__((unused))

/* Certificate, CertificateList: SEQUENCE { tbs, algorithm, signature }. */
typedef struct t_signed_st {
	ASN1_TYPE	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} T_SIGNED;

ASN1_SEQUENCE(T_SIGNED) = {
	ASN1_SIMPLE(T_SIGNED, tbs, ASN1_ANY),
	ASN1_SIMPLE(T_SIGNED, alg, X509_ALGOR),
	ASN1_SIMPLE(T_SIGNED, sig, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(T_SIGNED)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(T_SIGNED)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(T_SIGNED)

/* TBSCertificate with the unique identifiers X509 has no setter for. */
typedef struct t_tbscert_st {
	ASN1_INTEGER	*version;
	ASN1_INTEGER	*serial;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	X509_VAL	*validity;
	X509_NAME	*subject;
	X509_PUBKEY	*key;
	ASN1_BIT_STRING	*iuid;
	ASN1_BIT_STRING	*suid;
	STACK_OF(X509_EXTENSION) *exts;
} T_TBSCERT;

ASN1_SEQUENCE(T_TBSCERT) = {
	ASN1_EXP_OPT(T_TBSCERT, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(T_TBSCERT, serial, ASN1_INTEGER),
	ASN1_SIMPLE(T_TBSCERT, sigalg, X509_ALGOR),
	ASN1_SIMPLE(T_TBSCERT, issuer, X509_NAME),
	ASN1_SIMPLE(T_TBSCERT, validity, X509_VAL),
	ASN1_SIMPLE(T_TBSCERT, subject, X509_NAME),
	ASN1_SIMPLE(T_TBSCERT, key, X509_PUBKEY),
	ASN1_IMP_OPT(T_TBSCERT, iuid, ASN1_BIT_STRING, 1),
	ASN1_IMP_OPT(T_TBSCERT, suid, ASN1_BIT_STRING, 2),
	ASN1_EXP_SEQUENCE_OF_OPT(T_TBSCERT, exts, X509_EXTENSION, 3)
} static_ASN1_SEQUENCE_END(T_TBSCERT)

static CORPUS_UNUSED void
T_TBSCERT_free(T_TBSCERT *a)
{
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(T_TBSCERT));
}

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(T_TBSCERT)

/* OCSP: ResponseData, BasicOCSPResponse, ResponseBytes, OCSPResponse. */
typedef struct t_respdata_st {
	ASN1_INTEGER	*version;
	OCSP_RESPID	*responder;
	ASN1_GENERALIZEDTIME *produced_at;
	STACK_OF(OCSP_SINGLERESP) *responses;
	STACK_OF(X509_EXTENSION) *exts;
} T_RESPDATA;

ASN1_SEQUENCE(T_RESPDATA) = {
	ASN1_EXP_OPT(T_RESPDATA, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(T_RESPDATA, responder, OCSP_RESPID),
	ASN1_SIMPLE(T_RESPDATA, produced_at, ASN1_GENERALIZEDTIME),
	ASN1_SEQUENCE_OF(T_RESPDATA, responses, OCSP_SINGLERESP),
	ASN1_EXP_SEQUENCE_OF_OPT(T_RESPDATA, exts, X509_EXTENSION, 1)
} static_ASN1_SEQUENCE_END(T_RESPDATA)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(T_RESPDATA)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(T_RESPDATA)

typedef struct t_basic_st {
	ASN1_TYPE	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
	STACK_OF(X509)	*certs;
} T_BASIC;

ASN1_SEQUENCE(T_BASIC) = {
	ASN1_SIMPLE(T_BASIC, tbs, ASN1_ANY),
	ASN1_SIMPLE(T_BASIC, alg, X509_ALGOR),
	ASN1_SIMPLE(T_BASIC, sig, ASN1_BIT_STRING),
	ASN1_EXP_SEQUENCE_OF_OPT(T_BASIC, certs, X509, 0)
} static_ASN1_SEQUENCE_END(T_BASIC)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(T_BASIC)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(T_BASIC)

typedef struct t_respbytes_st {
	ASN1_OBJECT	*type;
	ASN1_OCTET_STRING *response;
} T_RESPBYTES;

ASN1_SEQUENCE(T_RESPBYTES) = {
	ASN1_SIMPLE(T_RESPBYTES, type, ASN1_OBJECT),
	ASN1_SIMPLE(T_RESPBYTES, response, ASN1_OCTET_STRING)
} static_ASN1_SEQUENCE_END(T_RESPBYTES)

typedef struct t_ocspresp_st {
	ASN1_ENUMERATED	*status;
	T_RESPBYTES	*bytes;
} T_OCSPRESP;

ASN1_SEQUENCE(T_OCSPRESP) = {
	ASN1_SIMPLE(T_OCSPRESP, status, ASN1_ENUMERATED),
	ASN1_EXP_OPT(T_OCSPRESP, bytes, T_RESPBYTES, 0)
} static_ASN1_SEQUENCE_END(T_OCSPRESP)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(T_OCSPRESP)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(T_OCSPRESP)

/* Signature of data by key with md; OPENSSL_malloc'd, NULL on failure. */
static CORPUS_UNUSED unsigned char *
corpus_sign(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data,
    size_t len, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL;

	*sig_len = 0;
	if (ctx != NULL && EVP_DigestSignInit(ctx, NULL, md, NULL, key) == 1 &&
	    EVP_DigestSign(ctx, NULL, sig_len, data, len) == 1 &&
	    (sig = OPENSSL_malloc(*sig_len)) != NULL &&
	    EVP_DigestSign(ctx, sig, sig_len, data, len) != 1) {
		OPENSSL_free(sig);
		sig = NULL;
	}
	EVP_MD_CTX_free(ctx);
	return sig;
}

/* An AlgorithmIdentifier; params_null 0 leaves the parameters out. */
static CORPUS_UNUSED X509_ALGOR *
corpus_alg(int nid, int params_null)
{
	X509_ALGOR *a = X509_ALGOR_new();

	if (a != NULL && !X509_ALGOR_set0(a, OBJ_nid2obj(nid),
	    params_null ? V_ASN1_NULL : V_ASN1_UNDEF, NULL)) {
		X509_ALGOR_free(a);
		a = NULL;
	}
	return a;
}

/* SEQUENCE { tbs, alg, sign(tbs) }; DER in *der (OPENSSL_malloc'd). */
static CORPUS_UNUSED int
corpus_assemble(const unsigned char *tbs, size_t tbs_len, const X509_ALGOR *alg,
    EVP_PKEY *key, const EVP_MD *md, unsigned char **der, size_t *der_len)
{
	T_SIGNED *s = T_SIGNED_new();
	ASN1_STRING *seq = ASN1_STRING_new();
	unsigned char *sig = NULL;
	size_t sig_len;
	int len, ok = 0;

	*der = NULL;
	if (s == NULL || seq == NULL || !ASN1_STRING_set(seq, tbs, (int)tbs_len) ||
	    (sig = corpus_sign(key, md, tbs, tbs_len, &sig_len)) == NULL)
		goto out;
	ASN1_TYPE_set(s->tbs, V_ASN1_SEQUENCE, seq);
	seq = NULL;
	X509_ALGOR_free(s->alg);
	s->alg = X509_ALGOR_dup(alg);
	if (s->alg == NULL || !ASN1_BIT_STRING_set(s->sig, sig, (int)sig_len))
		goto out;
	s->sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	s->sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	if ((len = i2d_T_SIGNED(s, der)) > 0) {
		*der_len = (size_t)len;
		ok = 1;
	}
 out:
	OPENSSL_free(sig);
	ASN1_STRING_free(seq);
	T_SIGNED_free(s);
	return ok;
}

/* An RSA public key from n and e. */
static CORPUS_UNUSED EVP_PKEY *
corpus_rsa_pub(const BIGNUM *n, const BIGNUM *e)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;

	if (b != NULL && ctx != NULL &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) &&
	    (params = OSSL_PARAM_BLD_to_param(b)) != NULL &&
	    EVP_PKEY_fromdata_init(ctx) == 1)
		(void)EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* An RSA key pair of bits with public exponent e. */
static CORPUS_UNUSED EVP_PKEY *
corpus_rsa_gen(unsigned int bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	BIGNUM *bn = BN_new();
	EVP_PKEY *key = NULL;

	if (ctx != NULL && bn != NULL && BN_set_word(bn, e) &&
	    EVP_PKEY_keygen_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) == 1 &&
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) == 1)
		(void)EVP_PKEY_keygen(ctx, &key);
	BN_free(bn);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

#endif
