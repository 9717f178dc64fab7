#ifndef INKAN_CA_PRELINT_H
#define INKAN_CA_PRELINT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "x509/profile.h"

/*
 * The pre-issuance lint step (CP-4.3.1) every certificate goes through
 * before the signer sees it: runs the rule table on the unsigned
 * certificate and refuses on any error. Returns 1 if clean of errors;
 * otherwise 0 with the findings (rule ids and sources) in err.
 */
int ca_prelint(X509 *tbs, const struct profile *p, const char *policy_oid,
    char *err, size_t errlen);

#endif
