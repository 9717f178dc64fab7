#ifndef INKAN_CA_CSR_H
#define INKAN_CA_CSR_H

#include <stddef.h>

#include <openssl/x509.h>

#include "x509/profile.h"

/* Largest CSR accepted, PEM or DER. */
#define CSR_MAX	(64 * 1024)

/*
 * Parses a PKCS#10 request from PEM or DER. The whole input must be one
 * request. Returns NULL and a reason in err on failure.
 */
X509_REQ *csr_parse(const unsigned char *buf, size_t len, char *err,
    size_t errlen);

/*
 * A DER request read without OpenSSL 3.0's key decoder. d2i_X509_REQ
 * decodes the subject key through an OSSL_DECODER, which costs about as
 * much as the RSA-2048 signature the certificate gets (docs/
 * performance.md). Here the request is read through templates of the
 * same shape (RFC 2986 §4), the RSA key is built from its modulus and
 * exponent with EVP_PKEY_fromdata, and the key stays as received in
 * spki, for the certificate.
 */
struct csr_lean {
	void		*_req;		/* the CertificationRequest */
	EVP_PKEY	*key;		/* the subject key */
	X509_PUBKEY	*spki;		/* its SubjectPublicKeyInfo, undecoded */
};

/*
 * Reads a DER request with an RSA key (rsaEncryption, NULL parameters)
 * into a new struct csr_lean. Returns NULL if buf is anything else (PEM,
 * another key type, a key that is not a DER RSAPublicKey with a positive
 * modulus and exponent, malformed): csr_parse then decides, as before.
 * Free with csr_lean_free.
 */
struct csr_lean *csr_lean_parse(const unsigned char *buf, size_t len);

/* Frees l; NULL is accepted. */
void csr_lean_free(struct csr_lean *l);

/*
 * csr_verify_pop for a lean request: the signature over the
 * CertificationRequestInfo as received verifies with l->key, as
 * X509_REQ_verify checks it.
 */
int csr_lean_verify_pop(const struct csr_lean *l, char *err, size_t errlen);

/*
 * Proof of possession (CP-3.2.1): the request's signature verifies with
 * the public key it carries. 1 if so, else 0 and a reason in err.
 */
int csr_verify_pop(X509_REQ *req, char *err, size_t errlen);

/*
 * Checks a subscriber public key for profile p: RSA (CP-7.1.3), an allowed
 * size (CP-6.1.5, CSBR 6.1.5), public exponent odd and in
 * [2^16+1, 2^256) (CSBR 6.1.6), modulus odd. 1 if acceptable.
 */
int csr_check_key(EVP_PKEY *key, const struct profile *p, char *err,
    size_t errlen);

#endif
