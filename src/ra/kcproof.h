#ifndef INKAN_RA_KCPROOF_H
#define INKAN_RA_KCPROOF_H

#include <stddef.h>

/*
 * Proof of key compromise in a problem report (CP-1.5.2, 4.9.1; SBR and
 * CSBR 4.9.1.1: revoke within 24 hours when the compromise is
 * demonstrated). The proof is a PKCS#10 request (PEM or DER) signed by
 * the compromised private key, whose subject is exactly the statement
 *
 *     CN = key compromise, serialNumber = SERIAL
 *
 * with SERIAL the reported certificate's serial number in hex. Anyone
 * holding the key makes one with
 *
 *     openssl req -new -key KEY -subj "/CN=key compromise/serialNumber=SERIAL"
 *
 * The statement names the certificate, so an ordinary request the
 * subscriber once sent with that key proves nothing.
 */
#define RA_KC_STATEMENT	"key compromise"

/* Largest proof accepted. */
#define RA_KC_PROOF_MAX	(16 * 1024)

/*
 * 1 if proof (len bytes) is a request whose signature verifies with its
 * own key, that key is the certificate's (cert, DER), and its subject is
 * the statement naming serial (the store's form). Otherwise 0 and the
 * reason in why.
 */
int ra_kc_proof_verify(const unsigned char *proof, size_t len,
    const unsigned char *cert, size_t cert_len, const char *serial,
    char *why, size_t whylen);

#endif
