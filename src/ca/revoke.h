#ifndef INKAN_CA_REVOKE_H
#define INKAN_CA_REVOKE_H

#include <time.h>

#include "ca/ca.h"

/*
 * Revocation and suspension (CP-4.9): the status changes in the store,
 * then the certificate's OCSP responses are signed again and its issuer's
 * CRL is issued and published at once (CP-4.9.5, 4.9.7), so the change is
 * visible through both immediately.
 */

struct revoke_request {
	const char	*serial;	/* hex, as printed by inkan */
	const char	*issuer;	/* NULL: find by serial alone */
	int		 reason;	/* RFC 5280 CRLReason */
	time_t		 when;		/* 0: now; never in the future */
	time_t		 invalidity;	/* keyCompromise only; 0: none */
};

/*
 * Parses a CRLReason name (keyCompromise, superseded...) or number.
 * Returns the code or -1 if unknown (removeFromCRL is refused).
 */
int ca_reason_parse(const char *s);

/* The RFC 5280 name of a reason code. */
const char *ca_reason_name(int reason);

/*
 * Revokes (or, with reason certificateHold, suspends) one certificate.
 * Refuses with a clear message, changing nothing, when the serial is
 * unknown or ambiguous, the certificate is expired, already revoked, or
 * when its profile forbids suspension (code signing, CSBR 4.9.13; S/MIME
 * strict, SBR 4.9.13). Returns 1 on success.
 */
int ca_revoke(struct ca *ca, const struct revoke_request *req, time_t now);

#endif
