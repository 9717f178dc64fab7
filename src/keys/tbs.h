#ifndef INKAN_KEYS_TBS_H
#define INKAN_KEYS_TBS_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keys/signer_impl.h"

/*
 * The signer's own checks of to-be-signed bytes (STYLE "The signer stands
 * alone": it checks again before it signs), and the signing itself.
 */

/* One request to check: all borrowed. */
struct tbs_check {
	const char	*key;		/* key name, for reasons */
	EVP_PKEY	*pkey;
	STACK_OF(X509)	*certs;		/* bound; may be empty */
	enum signer_op	 op;		/* one of the SIGN ops */
	enum signer_md	 md;
	const unsigned char *tbs;
	size_t		 len;
};

/*
 * Parses c->tbs as the structure of c->op and applies the rules of
 * signer.h. Returns 1 if it may be signed, 0 with a reason otherwise.
 */
int tbs_check(const struct tbs_check *c, struct signer_reason *why);

/*
 * Helpers of tbs.c that tbs_cert.c shares. Each returns 1 if the rule
 * holds, 0 with a reason naming it otherwise.
 */

/*
 * The checks of a TBSCertificate (SIGN_CERT, SIGN_CA_CERT), in
 * tbs_cert.c; c->len is at most LONG_MAX.
 */
int tbs_cert_check(const struct tbs_check *c, struct signer_reason *why);

/*
 * Refuses c->tbs, which did not decode as what: "not one DER SEQUENCE"
 * if it is not a single SEQUENCE, "not a <what>" otherwise. Returns 0.
 */
int tbs_refuse_malformed(const struct tbs_check *c, const char *what,
    struct signer_reason *why);

/*
 * Only DER is signed (X.690 §10): re, the re-encoding of a decoded
 * structure (OPENSSL_malloc'd, taken over; re_len from i2d), must equal
 * der[0..len). what names the structure in the reason.
 */
int tbs_check_der(const struct tbs_check *c, unsigned char *re, int re_len,
    const unsigned char *der, size_t len, const char *what,
    struct signer_reason *why);

/* The TBS signature algorithm is c->md's with NULL parameters. */
int tbs_check_alg(const struct tbs_check *c, const X509_ALGOR *alg,
    struct signer_reason *why);

/* issuer equals the subject of c's bound certificates (rule: the RFC). */
int tbs_check_issuer(const struct tbs_check *c, const X509_NAME *issuer,
    const char *rule, struct signer_reason *why);

/*
 * Signs tbs with pkey, RSASSA-PKCS1-v1_5 over md. *sig is
 * OPENSSL_malloc'd. Returns 0 on failure (logged).
 */
int tbs_sign(EVP_PKEY *pkey, enum signer_md md, const unsigned char *tbs,
    size_t len, unsigned char **sig, size_t *sig_len);

#endif
