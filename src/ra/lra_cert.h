#ifndef INKAN_RA_LRA_CERT_H
#define INKAN_RA_LRA_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "ra/account.h"

/*
 * LRA certificates (CP-4.9.3, 4.2.1: "the certificate presented by the
 * LRA is verified and authenticated for the identity of the LRA"). An LRA
 * signs in to the LRA API over TLS with a client certificate that inkan
 * itself issued and an administrator bound to the LRA. A presented
 * certificate is accepted only if its exact DER is in the store as
 * issued, it is neither revoked nor on hold, it is within its validity,
 * it has the client profile, and it is bound to an approved LRA. The
 * chain is not walked: the store is the authority on what inkan issued.
 */

/* Binds the certificate (DER) to the approved LRA org. */
enum ra_status ra_lra_cert_bind(struct ra *ra, const struct ra_principal *by,
    const char *org, const unsigned char *der, size_t len, int64_t now,
    const char **why);

/*
 * Authenticates a TLS client certificate (DER) as its LRA: RA_OK and p
 * filled (role lra, org, name "cert:ISSUER/SERIAL", full session), or
 * RA_UNAUTHENTICATED / RA_FORBIDDEN with *why.
 */
enum ra_status ra_lra_cert_authenticate(struct ra *ra,
    const unsigned char *der, size_t len, const char *source, int64_t now,
    struct ra_principal *p, const char **why);

#endif
