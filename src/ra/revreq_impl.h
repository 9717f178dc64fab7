#ifndef INKAN_RA_REVREQ_IMPL_H
#define INKAN_RA_REVREQ_IMPL_H

#include <stddef.h>

#include "ra/revreq.h"

/*
 * What revreq.c shares with subscriber.c and report.c, the other two
 * files behind src/ra/revreq.h; nothing else includes this.
 */

/* RFC 5280 §5.3.1 CRLReason codes used here. */
#define REASON_UNSPECIFIED	0
#define REASON_KEY_COMPROMISE	1
#define REASON_AFFILIATION	3
#define REASON_SUPERSEDED	4
#define REASON_CESSATION	5
#define REASON_HOLD		6
#define REASON_PRIVILEGE	9

/*
 * One RA event; by NULL gives an explicit actor, role, auth and source
 * (subscribers and reporters have no account).
 */
void revreq_audit(struct ra *ra, const struct ra_principal *by,
    const char *actor, const char *role, const char *auth, const char *source,
    const char *type, const char *object, const char *outcome,
    const char *detail);

/* "cert:ISSUER:SERIAL", as the CA's own records name a certificate. */
void revreq_object(char *buf, size_t len, const char *issuer,
    const char *serial);

/* The DER of issuer/serial (the caller frees it); NULL if none. */
unsigned char *revreq_cert_der(struct ra *ra, const char *issuer,
    const char *serial, size_t *len);

/* 1 for client, document, S/MIME and code-signing certificates. */
int revreq_subscriber_cert(const struct ra_cert_info *c);

#endif
