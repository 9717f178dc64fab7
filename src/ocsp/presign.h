#ifndef INKAN_OCSP_PRESIGN_H
#define INKAN_OCSP_PRESIGN_H

#include <time.h>

#include <openssl/asn1.h>

#include "ca/ca.h"

/*
 * Pre-signing of OCSP responses (CP-4.9.9, CP-7.3): every issued
 * certificate has a signed answer for SHA-1 and SHA-256 CertIDs in the
 * store before anyone asks, so the responder only looks answers up.
 *
 * Schedule (docs/ocsp.md): a response is valid for OCSP_VALIDITY (4 days:
 * between the 8 hours and 10 days the CSBR and SBR 4.9.10 allow) and is
 * replaced once it is OCSP_REFRESH_AGE old (1 day), so every status is
 * re-signed at least daily, well inside the CSBR's 4 days; a change of
 * status is signed at once.
 */
#define OCSP_VALIDITY		(4 * 86400)
#define OCSP_REFRESH_AGE	(1 * 86400)

/* Code signing answers for 10 years after expiry (CP-4.10.1). */
#define OCSP_CODESIGN_KEEP	(10LL * 366 * 86400)

/* The responder entity of an issuing CA ("<issuer>-ocsp", set by init). */
void ocsp_responder_name(const char *issuer, char *buf, size_t len);

/*
 * Signs and stores responses for both CertID hashes of the given issued
 * certificates of one issuer. Returns the number of responses stored, or
 * -1 if none could be made (logged).
 */
long ocsp_presign_certs(struct ca *ca, const char *issuer,
    struct store_cert *const *certs, size_t n, time_t now);

/*
 * Signs one response now for issuer: the singles (their CertIDs as the
 * client sent them), an optional nonce to echo. For answers that cannot
 * be pre-signed (unknown serials, nonces). *der is OPENSSL_malloc'd.
 */
struct ocsp_single;
int ocsp_sign_now(struct ca *ca, const char *issuer,
    const struct ocsp_single *singles, size_t n,
    const ASN1_OCTET_STRING *nonce, time_t now, unsigned char **der,
    size_t *der_len);

/* When a pre-signed response made now expires (capped by the responder). */
time_t ocsp_next_update(struct ca *ca, const char *issuer, time_t now);

/*
 * Brings every issuing CA's responses up to date: first answers for
 * certificates that have none or whose status changed, then refreshes of
 * responses older than OCSP_REFRESH_AGE. Returns the number signed, or -1
 * on failure.
 */
long ocsp_presign_pending(struct ca *ca, time_t now);

#endif
