#ifndef INKAN_X509_EXT_H
#define INKAN_X509_EXT_H

#include "x509/cert.h"

/*
 * Adds one extension of spec to x, with the criticality of the CP tables
 * (KeyUsage and BasicConstraints critical, everything else not, CP-7.1).
 * Returns 1 on success, 0 on failure.
 */
int ext_add(X509 *x, const struct cert_spec *spec, enum cert_ext ext);

#endif
