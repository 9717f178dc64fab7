#ifndef INKAN_CA_RESPONDER_H
#define INKAN_CA_RESPONDER_H

#include <time.h>

#include "ca/ca.h"

/*
 * Delegated OCSP responder certificates (CP-7.3, table 7.3-1): issued by
 * each issuing CA for its responder key, valid 4 months (configurable
 * [policy:ocsp] validity_months), renewed automatically when less than
 * RESPONDER_RENEW_BEFORE remains, with the same key.
 */
#define RESPONDER_RENEW_BEFORE	(30 * 86400)

/*
 * Issues a new responder certificate for the responder entity of issuing
 * CA issuer ("<issuer>-ocsp"), binds it to the responder's key in the
 * signer and writes it to DIR/ocsp/. Returns 1 on success.
 */
int ca_responder_certify(struct ca *ca, const char *issuer, time_t now);

/* Renews every responder certificate that is due; returns the count or -1. */
int ca_responder_renew_due(struct ca *ca, time_t now);

#endif
