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
