#ifndef INKAN_OCSP_BUILD_H
#define INKAN_OCSP_BUILD_H

#include <stddef.h>
#include <time.h>

#include <openssl/ocsp.h>

#include "keys/signer.h"

/*
 * Building OCSP responses (RFC 6960 §4.2) whose signature comes from the
 * separate signer: the ResponseData is encoded through our own ASN.1
 * template (OpenSSL's OCSP_RESPDATA is opaque and only fillable by
 * OCSP_basic_sign, which needs the private key), signed, and joined into
 * a BasicOCSPResponse that OpenSSL then parses back.
 */

/* One certificate's status for a SingleResponse. */
struct ocsp_single {
	OCSP_CERTID	*cid;		/* borrowed */
	int		 status;	/* V_OCSP_CERTSTATUS_GOOD/REVOKED/UNKNOWN */
	time_t		 revoked_at;
	int		 reason;	/* CRLReason, -1 for none */
	time_t		 invalidity;	/* 0 for none */
	time_t		 this_update;
	time_t		 next_update;
};

/*
 * Encodes ResponseData for the responder certificate (responderID byKey,
 * RFC 5019 §2.2.3), producedAt, the singles and an optional nonce to echo
 * (RFC 8954). *tbs is OPENSSL_malloc'd. Returns 1 on success.
 */
int ocsp_tbs_build(X509 *responder, time_t produced_at,
    const struct ocsp_single *singles, size_t n,
    const ASN1_OCTET_STRING *nonce, unsigned char **tbs, size_t *tbs_len);

/*
 * Joins ResponseData, the signature and the responder certificate (NULL:
 * none, for a CA that signs its own answers) into an OCSPResponse
 * (successful) and returns its DER (OPENSSL_malloc'd), after parsing it
 * back with OpenSSL. Returns 1 on success.
 */
int ocsp_response_assemble(const unsigned char *tbs, size_t tbs_len,
    enum signer_md md, const unsigned char *sig, size_t sig_len,
    X509 *responder, unsigned char **der, size_t *der_len);

/*
 * An unsigned OCSPResponse with only a status (malformedRequest,
 * internalError, tryLater, unauthorized; RFC 6960 §4.2.1).
 */
int ocsp_response_status_only(int status, unsigned char **der,
    size_t *der_len);

#endif
