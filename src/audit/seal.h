#ifndef INKAN_AUDIT_SEAL_H
#define INKAN_AUDIT_SEAL_H

#include "audit/audit.h"
#include "ca/ca.h"

/*
 * The audit key and checkpoints of an opened CA directory. The key
 * (SIGNER_AUDIT_KEY) lives in the signer like the CA keys; its self-signed
 * certificate, DIR/audit/audit-signer.pem (also published as
 * DIR/repository/audit/audit-signer.pem), is what verifiers check
 * checkpoints and archive manifests with.
 */

/* Seconds and records between inkand's checkpoints. */
#define AUDIT_SEAL_INTERVAL	300
#define AUDIT_SEAL_RECORDS	1000

/* The audit certificate of DIR, or NULL (logged) if it has none. */
X509 *audit_cert_load(const char *dir);

/*
 * Makes the audit key and its certificate if DIR has none (inkan init,
 * inkan audit init-key, or first use in a CA made before the audit log).
 * 1 if the key is there now.
 */
int audit_key_init(struct ca *ca);

/*
 * Seals the log up to its head with a checkpoint of kind "seal" signed
 * by the audit key, unless the head is sealed already. 1 on success or
 * if nothing was to seal.
 */
int audit_seal(struct ca *ca);

/*
 * Signs and stores a checkpoint of kind at seq (head its record's hash)
 * and copies it to DIR/audit/last-checkpoint.{txt,sig}.
 */
int audit_checkpoint_make(struct ca *ca, const char *kind, int64_t seq,
    const unsigned char head[32]);

/*
 * Records an event by ca's actor (ca->who). detail may be NULL. Logs and
 * returns false on failure.
 */
bool audit_ca(struct ca *ca, const char *type, const char *object,
    const char *outcome, const char *detail);

/* How many records follow the newest checkpoint. 1 on success. */
int audit_unsealed(struct store *st, int64_t *n);

/* The newest checkpoint's seq (0 if none). */
int audit_last_checkpoint(struct store *st, int64_t *seq);

#endif
