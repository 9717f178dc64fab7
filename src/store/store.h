#ifndef INKAN_STORE_STORE_H
#define INKAN_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * One storage interface for everything the CA keeps: its CAs (roots,
 * issuing CAs, OCSP responders) with their key references, every
 * certificate it ever signed or meant to sign, and monotonic counters.
 * SQLite (sqlite.c) is the embedded default; PostgreSQL will implement the
 * same operations (store_impl.h) later.
 *
 * Issuance is two durable steps (CP-4.3.1, "nothing signed unrecorded"):
 * store_cert_intent() records serial and TBS hash before the signer is
 * asked; store_cert_issued() records the signed DER afterwards. An intent
 * that never completes stays visible and its serial is never reused.
 *
 * Times are seconds since the epoch, UTC. Serials are upper-case hex
 * without leading zero octets (as OpenSSL's BN_bn2hex prints them).
 * Functions return 1 on success and 0 on failure (logged) unless noted.
 */

enum store_ca_kind {
	STORE_CA_ROOT,
	STORE_CA_ISSUING,
	STORE_CA_RESPONDER,	/* delegated OCSP responder (table 7.3-1) */
	STORE_CA_KIND_MAX
};

enum store_cert_state {
	STORE_CERT_INTENT,	/* about to be signed */
	STORE_CERT_ISSUED,	/* signed and stored */
	STORE_CERT_ABORTED,	/* never signed, or signature lost; serial burnt */
	STORE_CERT_STATE_MAX
};

enum store_cert_status {
	STORE_STATUS_GOOD,
	STORE_STATUS_REVOKED,
	STORE_STATUS_HOLD,	/* certificateHold (CP-4.9.13) */
	STORE_STATUS_MAX
};

/* A CA entity: one key, one subject, one or more certificates. */
struct store_ca {
	char		*name;		/* configuration name, e.g. "pubca1" */
	enum store_ca_kind kind;
	char		*key_name;	/* the signer's key name */
	char		*parent;	/* issuing CA of a responder, else NULL */
	unsigned char	*subject_der;	/* X509_NAME DER */
	size_t		 subject_len;
	unsigned char	*spki_der;	/* SubjectPublicKeyInfo DER */
	size_t		 spki_len;
	int64_t		 created_at;
};

struct store_cert {
	int64_t		 id;		/* row id, set by the store */
	char		*issuer;	/* name of the signing CA entity */
	char		*serial;	/* upper-case hex */
	enum store_cert_state state;
	unsigned char	 tbs_sha256[32];
	char		*profile;	/* client, smime, document, codesign, ocsp, root, ca */
	char		*subject;	/* RFC 2253 one-line form, for display */
	char		*subject_ca;	/* CA entity certified, for CA/responder certs */
	int64_t		 not_before;
	int64_t		 not_after;
	unsigned char	*der;		/* NULL until issued */
	size_t		 der_len;
	enum store_cert_status status;
	int64_t		 revoked_at;	/* 0 if not revoked */
	int		 reason;	/* RFC 5280 CRLReason, -1 if none */
	int64_t		 intent_at;
	int64_t		 issued_at;	/* 0 until issued */
};

struct store;

/*
 * Opens (creating if needed) the store named by spec: "sqlite:PATH" or a
 * plain PATH for SQLite. Applies pending schema migrations in one
 * transaction. Returns NULL on failure (logged).
 */
struct store *store_open(const char *spec);

/* Closes the store. Accepts NULL. */
void store_close(struct store *st);

/* Schema version the store is at now. */
int store_schema_version(struct store *st, int *version);

/*
 * Explicit transactions, for group commit: several intents (or several
 * completions) become durable with one sync. Calls outside begin/commit
 * each run in their own transaction. Nesting is an error. A failed commit
 * rolls back; rollback with no transaction open does nothing and returns
 * 1, so cleanup paths may call it after a failed begin or commit.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* Adds a CA entity; fails if the name or key name exists. */
int store_ca_insert(struct store *st, const struct store_ca *ca);

/* Looks up a CA by name: 1 and *out set (NULL if there is none). */
int store_ca_get(struct store *st, const char *name, struct store_ca **out);

/* Frees a CA record. Accepts NULL. */
void store_ca_free(struct store_ca *ca);

/*
 * Records the intent to sign: issuer, serial, tbs_sha256, profile,
 * subject, subject_ca (may be NULL), validity and intent_at of cert are
 * used; state becomes INTENT. Fails if (issuer, serial) exists in any
 * state, so a serial is never used twice.
 */
int store_cert_intent(struct store *st, const struct store_cert *cert);

/*
 * Completes an intent with the signed DER. Fails unless the row is in
 * state INTENT.
 */
int store_cert_issued(struct store *st, const char *issuer,
    const char *serial, const unsigned char *der, size_t der_len,
    int64_t issued_at);

/* Marks an INTENT row ABORTED (signing refused or failed). */
int store_cert_abort(struct store *st, const char *issuer,
    const char *serial);

/* Looks up one certificate: 1 and *out set (NULL if there is none). */
int store_cert_get(struct store *st, const char *issuer, const char *serial,
    struct store_cert **out);

/* Calls fn for each certificate in the given state, oldest first; fn
 * returns 1 to go on, 0 to stop (then store_cert_each returns 0). */
typedef int (*store_cert_fn)(const struct store_cert *cert, void *arg);
int store_cert_each_in_state(struct store *st, enum store_cert_state state,
    store_cert_fn fn, void *arg);

/*
 * Calls fn, as above, for each certificate whose subject is the CA entity
 * ca_name (its own certificates and cross-certificates), in any state,
 * oldest first.
 */
int store_cert_each_for_ca(struct store *st, const char *ca_name,
    store_cert_fn fn, void *arg);

/* Number of certificates issued by issuer in any state. */
int store_cert_count(struct store *st, const char *issuer, int64_t *count);

/* Frees a certificate record. Accepts NULL. */
void store_cert_free(struct store_cert *cert);

/*
 * Increments the counter name durably and returns the new value in
 * *value (the first call returns 1). Never returns a value twice.
 */
int store_counter_next(struct store *st, const char *name, int64_t *value);

/* Names for enums, for display and the schema's text columns. */
const char *store_ca_kind_name(enum store_ca_kind kind);
const char *store_cert_state_name(enum store_cert_state state);
const char *store_cert_status_name(enum store_cert_status status);

#endif
