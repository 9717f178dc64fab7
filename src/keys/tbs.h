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
 * Signs tbs with pkey, RSASSA-PKCS1-v1_5 over md. *sig is
 * OPENSSL_malloc'd. Returns 0 on failure (logged).
 */
int tbs_sign(EVP_PKEY *pkey, enum signer_md md, const unsigned char *tbs,
    size_t len, unsigned char **sig, size_t *sig_len);

#endif
