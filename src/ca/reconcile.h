#ifndef INKAN_CA_RECONCILE_H
#define INKAN_CA_RECONCILE_H

#include "ca/ca.h"

/*
 * Every process that signs holds DIR/inkan.lock shared for its lifetime;
 * the kernel drops the lock of a process that dies, even by SIGKILL.
 * Takes it into ca->lock_fd (-1 where the file system has no locks:
 * then reconciliation never aborts intents). Returns 0 on failure.
 */
int ca_lock(struct ca *ca);

/*
 * Reconciliation on start, for commands that sign (inkand, and inkan
 * issue, revoke, crl, ocsp). Certificates kept in DIR/unrecorded/ after a
 * store failure are stored if they match their intent (same TBS hash,
 * signature verified with the issuer's key) and the file removed. Then,
 * if no other signing process holds the lock, every intent still
 * unfinished belongs to a process that stopped before it stored the
 * signature, which it never handed out: it is marked aborted, its serial
 * burnt. Each step is logged. Returns 0 only if the store fails.
 */
int ca_reconcile(struct ca *ca);

#endif
