#ifndef INKAN_CA_INIT_H
#define INKAN_CA_INIT_H

#include "ca/ca.h"

/*
 * Creates the whole hierarchy of the configuration (CP-1.1, CP-3.2.6):
 * each root CA (self-signed), each issuing CA cross-certified by every
 * root its [issuing:] section names (tables 7.1-1..7.1-3: one key and
 * subject under several roots), and a delegated OCSP responder for each
 * issuing CA (table 7.3-1). Keys are generated inside the signer. Writes
 * the CA certificates under DIR/repository/. Returns 1 on success.
 */
int ca_init_hierarchy(struct ca *ca);

#endif
