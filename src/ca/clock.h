#ifndef INKAN_CA_CLOCK_H
#define INKAN_CA_CLOCK_H

#include <stddef.h>

#include "ca/ca.h"

/*
 * The clock check (CP-5.5.5): records carry the system clock's time, UTC,
 * so a clock that is obviously wrong must not sign. It is wrong when it is
 * before the notBefore of the issuing CA's certificate (cacert, or NULL
 * to skip that test), or behind the newest event of the store (or the
 * newest time this process saw) by more than [ca] clock_tolerance seconds.
 * Returns 1 if the clock is plausible; 0 with the reason in err (what the
 * operator should do included), or on a store failure.
 */
int ca_clock_check(struct ca *ca, const X509 *cacert, char *err,
    size_t errlen);

/* As ca_clock_check, logging the reason for the object what. */
int ca_clock_ok(struct ca *ca, const char *what, const X509 *cacert);

#endif
