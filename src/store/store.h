#ifndef INKAN_STORE_STORE_H
#define INKAN_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * One storage interface for everything the CA keeps: its CAs (roots,
 * issuing CAs, OCSP responders) with their key references, every
 * certificate it ever signed or meant to sign with its revocation status,
 * the CRLs it published, its pre-signed OCSP responses, and monotonic
 * counters.
 * SQLite (sqlite.c) is the embedded default; PostgreSQL will implement the
 * same operations (store_impl.h) later.
 *
 * Issuance is two durable steps (CP-4.3.1, "nothing signed unrecorded"):
 * store_cert_intent() records serial and TBS hash before the signer is
 * asked; store_cert_issued() records the signed DER afterwards. An intent
 * that never completes stays visible and its serial is never reused.
 *
 * Revocation (CP-4.9) only moves forward: good to hold or revoked, hold to
 * revoked. The schema holds this too, against any code path.
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
	int64_t		 revoked_at;	/* 0 if not revoked or on hold */
	int		 reason;	/* RFC 5280 CRLReason, -1 if none */
	int64_t		 invalidity_at;	/* 0 if none (RFC 5280 §5.3.2) */
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

/*
 * Revokes, or suspends, the ISSUED certificate issuer/serial (CP-4.9):
 * status REVOKED or HOLD, at revoked_at (> 0, the time the CA processed
 * it: the CRL entry's revocationDate), for an RFC 5280 §5.3.1 CRLReason.
 * HOLD needs reason 6 (certificateHold); REVOKED needs 0 to 10 but 6, 7
 * (unassigned) and 8 (removeFromCRL, which only delta CRLs carry and is
 * never stored). invalidity_at is 0 for none, or the time the key is
 * known or suspected compromised (RFC 5280 §5.3.2), not after revoked_at.
 *
 * Allowed: good to revoked, good to hold, hold to revoked (CP-4.9.13: a
 * suspension ends in revocation). A certificate on hold is never
 * released, and revocation is final; any other change fails, naming the
 * current state or status. From hold to revoked, revoked_at, reason and
 * invalidity_at all become the new values: the CRL entry then gives the
 * date of revocation, not of the suspension.
 */
int store_cert_revoke(struct store *st, const char *issuer,
    const char *serial, enum store_cert_status status, int64_t revoked_at,
    int reason, int64_t invalidity_at);

/*
 * Calls fn, as store_cert_each_in_state, for each certificate with this
 * serial under any issuer (an operator types a serial without knowing its
 * CA; usually there is one), in any state, oldest first.
 */
int store_cert_find_serial(struct store *st, const char *serial,
    store_cert_fn fn, void *arg);

/*
 * Which certificates the status services (CRL and OCSP) still cover.
 * Expired ones leave them (CP-2.3, RFC 5280 §3.3): a certificate with
 * not_after < expired_before is left out. One profile may be kept longer
 * with its own, earlier, cut-off: code signing certificates stay covered
 * for 10 years after they expire (CSBR 4.10.1), so that a signature they
 * made can still be found revoked. keep_profile NULL keeps no profile
 * longer; a zeroed scope covers every certificate.
 */
struct store_status_scope {
	int64_t		 expired_before;
	const char	*keep_profile;		/* e.g. "codesign", or NULL */
	int64_t		 keep_expired_before;	/* <= expired_before */
};

/*
 * Calls fn, as store_cert_each_in_state, for each ISSUED certificate of
 * issuer that scope covers and that needs an OCSP response for CertIDs
 * hashed with hash_alg ("sha1" or "sha256", RFC 6960 §4.1.1): one that
 * has none, or whose response was produced before the certificate was
 * revoked or put on hold, or in the same second (at or before its
 * revoked_at: it may have read the old status), and so may still give
 * the old status. Oldest first. fn may call the store, typically
 * store_ocsp_put() with the new response, which takes the certificate out
 * of the walk.
 */
int store_cert_each_needing_ocsp(struct store *st, const char *issuer,
    const char *hash_alg, const struct store_status_scope *scope,
    store_cert_fn fn, void *arg);

/* Number of certificates issued by issuer in any state. */
int store_cert_count(struct store *st, const char *issuer, int64_t *count);

/* Frees a certificate record. Accepts NULL. */
void store_cert_free(struct store_cert *cert);

/*
 * One entry of a CRL being built. The pointers are the store's and valid
 * only during the callback.
 */
struct store_revoked {
	const char	*serial;	/* upper-case hex, as in store_cert */
	int64_t		 revoked_at;	/* revocationDate */
	int		 reason;	/* CRLReason, 6 if on hold */
	int64_t		 invalidity_at;	/* 0 if none */
	int64_t		 not_after;
};

/*
 * Calls fn for each issued certificate of issuer that is revoked or on
 * hold and that scope covers: the entries of its next CRL. The CRL
 * builder's walk, it scales to millions of entries: one statement over a
 * covering index, no allocation per row. Rows come in the byte order of
 * the serials' hex text (numeric order only among serials of one length,
 * which the CRL builder checks as it goes, sorting only if needed). fn returns 1 to go on, 0 to stop (then
 * store_revoked_each returns 0). fn must not call the store: the walk
 * holds its statement open, and any store call from fn fails.
 */
typedef int (*store_revoked_fn)(const struct store_revoked *r, void *arg);
int store_revoked_each(struct store *st, const char *issuer,
    const struct store_status_scope *scope, store_revoked_fn fn, void *arg);

/*
 * As store_revoked_each, but fn runs on a second thread while the walk
 * goes on (src/store/revoked_pipe.c): same rows, same order, one at a
 * time; r is valid only during the call. For walks where fn costs about
 * as much as the stepping (the CRL builder's encoding).
 */
int store_revoked_each_piped(struct store *st, const char *issuer,
    const struct store_status_scope *scope, store_revoked_fn fn, void *arg);

/* A CRL as published (CP-4.9.7, profile in CP-7.2). */
struct store_crl {
	char		*issuer;	/* name of the signing CA entity */
	int64_t		 number;	/* cRLNumber (RFC 5280 §5.2.3) */
	int64_t		 this_update;
	int64_t		 next_update;
	unsigned char	*der;
	size_t		 der_len;
};

/* Largest CRL kept: a million entries take about 40 to 80 MB. */
#define STORE_CRL_MAX	(256 * 1024 * 1024)

/*
 * Records a signed CRL of issuer, with its cRLNumber (>= 0), thisUpdate
 * and nextUpdate (after thisUpdate, RFC 5280 §5.1.2.5). Fails unless
 * number is greater than every number issuer used before: CRL numbers
 * strictly increase (RFC 5280 §5.2.3); numbers of other issuers do not
 * matter. CRLs are archived: a row is never changed or deleted.
 */
int store_crl_insert(struct store *st, const char *issuer, int64_t number,
    int64_t this_update, int64_t next_update, const unsigned char *der,
    size_t len);

/*
 * The CRL of issuer with the highest number: 1 and *out set (NULL if
 * issuer has none). store_crl_free() frees it.
 */
int store_crl_latest(struct store *st, const char *issuer,
    struct store_crl **out);

/*
 * The number and thisUpdate of issuer's CRL with the highest number,
 * without its DER: 1 and *found set to 1 with *number and *this_update,
 * or *found set to 0 if issuer has none. For schedulers that only ask
 * whether a new CRL is due, as inkand does every second: the DER of a
 * large CRL is tens of megabytes.
 */
int store_crl_latest_info(struct store *st, const char *issuer, int *found,
    int64_t *number, int64_t *this_update);

/* Frees a CRL record. Accepts NULL. */
void store_crl_free(struct store_crl *crl);

/*
 * A pre-signed OCSP response (CP-4.9.9, profile in CP-7.3) for the
 * certificate issuer/serial, answering requests whose CertID is hashed
 * with hash_alg, "sha1" or "sha256" (RFC 6960 §4.1.1). There is at most
 * one per certificate and hash_alg; a refresh replaces it.
 */
struct store_ocsp {
	char		*issuer;	/* name of the CA that issued serial */
	char		*serial;
	char		*hash_alg;
	unsigned char	*der;		/* the OCSPResponse */
	size_t		 der_len;
	int64_t		 this_update;
	int64_t		 next_update;	/* after this_update */
	int64_t		 produced_at;
};

/*
 * Stores r, replacing the response for the same issuer, serial and
 * hash_alg. Fails if the certificate is not issued (a serial never
 * issued must not get a response), or if the stored response was produced
 * later than r: a refresh signed before a revocation must not overwrite
 * the response that reports it.
 */
int store_ocsp_put(struct store *st, const struct store_ocsp *r);

/*
 * Looks up one response: 1 and *out set (NULL if there is none).
 * store_ocsp_free() frees it.
 */
int store_ocsp_get(struct store *st, const char *issuer, const char *serial,
    const char *hash_alg, struct store_ocsp **out);

/*
 * Calls fn for each response of issuer, by serial and hash_alg, to fill a
 * responder's memory cache. As in store_revoked_each, the record and its
 * pointers are valid only during the callback, nothing is allocated per
 * row, fn returns 1 to go on or 0 to stop, and fn must not call the store.
 */
typedef int (*store_ocsp_fn)(const struct store_ocsp *r, void *arg);
int store_ocsp_each(struct store *st, const char *issuer, store_ocsp_fn fn,
    void *arg);

/*
 * Calls fn, as store_ocsp_each (lean: the record lives only during the
 * callback, which must not call the store), for each response of any
 * issuer produced at or after since, oldest first: a responder's
 * incremental load of what was signed since it last looked, also by
 * other processes.
 */
int store_ocsp_each_since(struct store *st, int64_t since, store_ocsp_fn fn,
    void *arg);

/*
 * Calls fn for each response, of any issuer, with next_update <
 * refresh_before, soonest due first: the background refresher's walk.
 * The record is valid only during the callback, but fn may call the
 * store, typically store_ocsp_put() with the new response; fn returns 1
 * to go on, 0 to stop (then store_ocsp_each_due returns 0).
 */
int store_ocsp_each_due(struct store *st, int64_t refresh_before,
    store_ocsp_fn fn, void *arg);

/* Frees an OCSP response record. Accepts NULL. */
void store_ocsp_free(struct store_ocsp *r);

/*
 * Increments the counter name durably and returns the new value in
 * *value (the first call returns 1). Never returns a value twice.
 */
int store_counter_next(struct store *st, const char *name, int64_t *value);

/*
 * Like store_counter_next, but the new value is at least floor: the
 * counter becomes max(value + 1, floor). CRL numbers use it with the
 * clock in microseconds as floor, so that numbers keep rising across a
 * restore from an older backup (docs/operations.md).
 */
int store_counter_advance(struct store *st, const char *name, int64_t floor,
    int64_t *value);

/*
 * Copies the whole store, consistently, into a new file at path (mode
 * 0600, which must not exist), while other processes go on reading and
 * writing it: SQLite's online backup API. Returns 0 on failure (logged),
 * leaving no file at path.
 */
int store_backup(struct store *st, const char *path);

/*
 * Checks the store's own structure (SQLite: PRAGMA integrity_check and
 * foreign_key_check). Returns 1 if it is sound, 0 if not (every problem
 * found is logged) or if it cannot tell.
 */
int store_check(struct store *st);

/*
 * The time of the newest event the store holds: an intent, an issuance,
 * a revocation, a CRL or an OCSP response; 0 for an empty store. For the
 * clock check (CP-5.5.5): a clock behind it is wrong.
 */
int store_last_event(struct store *st, int64_t *at);

/* Names for enums, for display and the schema's text columns. */
const char *store_ca_kind_name(enum store_ca_kind kind);
const char *store_cert_state_name(enum store_cert_state state);
const char *store_cert_status_name(enum store_cert_status status);

/*
 * The audit log (CP-5.4; src/audit/ owns its format). Records form a hash
 * chain: each holds the hash of the one before, and its own hash, which
 * the caller computes (src/audit/chain.c) in the seal callback once the
 * store has given the record its sequence number and previous hash.
 * Checkpoints, signed by the audit key, seal the chain up to a record.
 * Records are never changed; a purge (CP-5.5.2) deletes the oldest up to
 * a signed checkpoint of kind "purge" (the schema allows nothing else).
 */
#define STORE_AUDIT_FIELD_MAX	1024	/* type, actor, ..., outcome */
#define STORE_AUDIT_DETAIL_MAX	(64 * 1024)

struct store_audit {
	int64_t		 seq;		/* 1, 2, ...; set by the store */
	int64_t		 time;		/* UTC seconds */
	char		*type;
	char		*actor;
	char		*role;
	char		*auth;
	char		*source;
	char		*object;
	char		*outcome;
	char		*detail;	/* JSON object text, or NULL */
	unsigned char	 prev_hash[32];	/* set by the store */
	unsigned char	 hash[32];	/* set by the seal callback */
};

struct store_audit_checkpoint {
	int64_t		 seq;		/* last record sealed (0: none yet) */
	unsigned char	 head_hash[32];	/* its hash (zeros if seq is 0) */
	int64_t		 time;
	char		*kind;		/* "seal" or "purge" */
	unsigned char	*sig;
	size_t		 sig_len;
};

/* Fills rec->hash from the other fields; 1 on success. */
typedef int (*store_audit_seal_fn)(struct store_audit *rec, void *arg);

/*
 * Appends rec: sets rec->seq and rec->prev_hash from the chain's head
 * (seq 1 and zeros on an empty log), calls seal, inserts. Inside
 * store_begin() the record joins the caller's transaction, so it commits
 * or rolls back with the event; outside, it takes the write lock for
 * itself, so that two processes never fork the chain.
 */
int store_audit_append(struct store *st, struct store_audit *rec,
    store_audit_seal_fn seal, void *arg);

/* The newest record's seq and hash: seq 0 and zeros if there is none. */
int store_audit_head(struct store *st, int64_t *seq, unsigned char hash[32]);

/* The oldest record's seq and prev_hash: seq 0 if there is none. */
int store_audit_first(struct store *st, int64_t *seq,
    unsigned char prev_hash[32]);

/*
 * Calls fn for each record with seq >= from_seq and time >= since, by
 * seq. The record and its pointers are valid only during the callback;
 * fn returns 1 to go on, 0 to stop (then store_audit_each returns 0).
 * fn must not call the store.
 */
typedef int (*store_audit_fn)(const struct store_audit *rec, void *arg);
int store_audit_each(struct store *st, int64_t from_seq, int64_t since,
    store_audit_fn fn, void *arg);

/* Adds a checkpoint; fails if one with its seq and kind exists. */
int store_audit_checkpoint_insert(struct store *st,
    const struct store_audit_checkpoint *cp);

/*
 * Calls fn for each checkpoint, by seq, as store_audit_each (lean; fn
 * must not call the store).
 */
typedef int (*store_audit_checkpoint_fn)(
    const struct store_audit_checkpoint *cp, void *arg);
int store_audit_checkpoint_each(struct store *st,
    store_audit_checkpoint_fn fn, void *arg);

/*
 * Calls fn for each CRL, of any issuer, with from <= this_update <= to,
 * by issuer and number: the archive's walk (CP-5.5). As store_audit_each,
 * the record lives only during the callback, which must not call the
 * store.
 */
typedef int (*store_crl_fn)(const struct store_crl *crl, void *arg);
int store_crl_each_between(struct store *st, int64_t from, int64_t to,
    store_crl_fn fn, void *arg);

/* The newest checkpoint's seq: 0 if there is none. */
int store_audit_checkpoint_last(struct store *st, int64_t *seq);

/*
 * Deletes the records with seq <= upto and the checkpoints before upto,
 * in one transaction. The checkpoint of kind "purge" at upto must exist
 * (the schema refuses anything else).
 */
int store_audit_purge(struct store *st, int64_t upto);

/*
 * Opens an existing store read-only, without migrating it (auditors,
 * inkan audit show and verify). NULL on failure (logged).
 */
struct store *store_open_readonly(const char *spec);

/*
 * --- RA: accounts, sessions, organisations (sqlite_ra.c) -------------------
 *
 * Operator accounts with one role each (CP-5.2), their Argon2id password
 * string and TOTP secret (CP-6.5.1), login sessions by the SHA-256 hash
 * of their token, and organisations/LRAs with their identity evidence
 * (CP-3.2.2, 4.1.1). The rules (lock-out, time-outs, who may do what)
 * live in src/ra/; the store only keeps the rows, with single statements
 * where two logins could race (failure counts, TOTP steps).
 * Names are 1 to 64 characters of a-z, 0-9, '.', '_' and '-'.
 */

enum store_ra_role {
	STORE_RA_ADMIN,		/* CA administrator */
	STORE_RA_OPERATOR,	/* RA operator */
	STORE_RA_LRA,		/* LRA operator, bound to one LRA */
	STORE_RA_AUDITOR,	/* read-only */
	STORE_RA_CUSTODIAN,	/* key custodian */
	STORE_RA_ROLE_MAX
};

#define STORE_TOTP_SECRET_MAX	64

struct store_account {
	int64_t		 id;
	char		*name;
	enum store_ra_role role;
	char		*org;		/* LRA name for STORE_RA_LRA, else NULL */
	char		*pw_hash;	/* crypto_pwhash_str() output */
	unsigned char	 totp[STORE_TOTP_SECRET_MAX];
	size_t		 totp_len;	/* 0: not enrolled */
	unsigned char	 totp_pending[STORE_TOTP_SECRET_MAX];
	size_t		 totp_pending_len; /* 0: no enrolment under way */
	int64_t		 totp_last_step; /* last accepted RFC 6238 step */
	int		 disabled;
	int64_t		 failures;	/* consecutive failed logins */
	int64_t		 locked_until;	/* 0: not locked */
	int64_t		 created_at;
};

/* Adds an account (name, role, org, pw_hash, created_at); fails if it exists. */
int store_account_insert(struct store *st, const struct store_account *a);

/* Looks up an account: 1 and *out set (NULL if there is none). */
int store_account_get(struct store *st, const char *name,
    struct store_account **out);

/* Calls fn for each account by name; fn returns 1 to go on, 0 to stop. */
typedef int (*store_account_fn)(const struct store_account *a, void *arg);
int store_account_each(struct store *st, store_account_fn fn, void *arg);

/* Replaces the password hash. Fails if there is no such account. */
int store_account_set_password(struct store *st, const char *name,
    const char *pw_hash);

/*
 * Changes the role (and LRA, for STORE_RA_LRA; NULL otherwise) of an
 * account. Fails as store_account_insert does for the LRA.
 */
int store_account_set_role(struct store *st, const char *name,
    enum store_ra_role role, const char *org);

/* Disables (1) or enables (0) the account; enabling clears the lock. */
int store_account_set_disabled(struct store *st, const char *name,
    int disabled);

/* Sets the TOTP secret being enrolled (len 0 clears it). */
int store_account_totp_pending(struct store *st, const char *name,
    const unsigned char *secret, size_t len);

/*
 * Makes the pending secret the account's, with step as the last step
 * used (its confirming code cannot log in again). Fails if none pending.
 */
int store_account_totp_confirm(struct store *st, const char *name,
    int64_t step);

/* Removes the TOTP secret and any enrolment (administrator's reset). */
int store_account_totp_reset(struct store *st, const char *name);

/*
 * Uses TOTP step for a login: *used is 1 if step was later than the last
 * step used, which it then becomes; 0 if it was not (a replay). One
 * statement, so two logins with one code cannot both pass.
 */
int store_account_totp_use(struct store *st, const char *name, int64_t step,
    int *used);

/* Counts a failed login: *failures is the new consecutive count. */
int store_account_failure(struct store *st, const char *name,
    int64_t *failures);

/* Locks the account until the time given (back-off after failures). */
int store_account_lock(struct store *st, const char *name, int64_t until);

/* A successful login or an administrator's unlock: count and lock cleared. */
int store_account_clear_failures(struct store *st, const char *name);

/* Frees an account record, clearing its secrets. Accepts NULL. */
void store_account_free(struct store_account *a);

const char *store_ra_role_name(enum store_ra_role role);
/* 1 and *out if name is a role name ("admin", "ra", "lra", ...). */
int store_ra_role_parse(const char *name, enum store_ra_role *out);

struct store_session {
	unsigned char	 token_hash[32];
	int64_t		 account_id;
	char		 account[65];	/* its name (read only) */
	int		 full;		/* 0: enrolment-only session */
	int64_t		 created_at;
	int64_t		 last_seen;
	int64_t		 expires_at;	/* absolute time-out */
};

int store_session_insert(struct store *st, const struct store_session *s);
/* Looks up a session by token hash: 1 and *out (NULL if none). */
int store_session_get(struct store *st, const unsigned char hash[32],
    struct store_session **out);
/* Records activity (idle time-out); full 1 lifts an enrolment-only one. */
int store_session_touch(struct store *st, const unsigned char hash[32],
    int64_t now, int full);
int store_session_delete(struct store *st, const unsigned char hash[32]);
/* Ends every session of an account (disable, password or MFA reset). */
int store_session_delete_account(struct store *st, int64_t account_id);
void store_session_free(struct store_session *s);

enum store_org_status {
	STORE_ORG_PENDING,
	STORE_ORG_APPROVED,
	STORE_ORG_REJECTED,
	STORE_ORG_STATUS_MAX
};

struct store_org {
	int64_t		 id;
	char		*name;		/* short name, as accounts refer to it */
	char		*display_name;	/* the organisation's legal name */
	int		 lra;		/* 1: LRA, 0: applying organisation */
	enum store_org_status status;
	char		*policies;	/* comma list, e.g. "client,document" */
	char		*options;	/* JSON object of optional profile items */
	char		*registered_by;
	int64_t		 registered_at;
	char		*decided_by;	/* NULL while pending */
	int64_t		 decided_at;
	char		*decision_note;
};

/* Adds an organisation (pending); fails if the name exists. */
int store_org_insert(struct store *st, const struct store_org *o);
int store_org_get(struct store *st, const char *name, struct store_org **out);
typedef int (*store_org_fn)(const struct store_org *o, void *arg);
int store_org_each(struct store *st, store_org_fn fn, void *arg);
/* Approves or rejects a pending organisation (final). */
int store_org_decide(struct store *st, const char *name,
    enum store_org_status status, const char *by, int64_t at,
    const char *note);
/* Replaces allowed policies and optional items (JSON text). */
int store_org_settings(struct store *st, const char *name,
    const char *policies, const char *options);
void store_org_free(struct store_org *o);
const char *store_org_status_name(enum store_org_status s);

enum store_evidence_disposition {
	STORE_EVIDENCE_HELD,
	STORE_EVIDENCE_RETURNED,
	STORE_EVIDENCE_DESTROYED,
	STORE_EVIDENCE_MAX
};

struct store_evidence {
	int64_t		 id;
	char		*org;
	char		*doc_type;	/* e.g. "seal-certificate" */
	char		*doc_issuer;
	int64_t		 issued_on;
	char		*reference;
	enum store_evidence_disposition disposition;
	char		*recorded_by;
	int64_t		 recorded_at;
};

int store_evidence_insert(struct store *st, const struct store_evidence *e);
typedef int (*store_evidence_fn)(const struct store_evidence *e, void *arg);
/* Calls fn for each evidence record of org, oldest first. */
int store_evidence_each(struct store *st, const char *org,
    store_evidence_fn fn, void *arg);
/* Sets the disposition of every held document of org. */
int store_evidence_dispose(struct store *st, const char *org,
    enum store_evidence_disposition d);
const char *store_evidence_disposition_name(enum store_evidence_disposition d);

/*
 * Binds the issued certificate issuer/serial to the LRA org (CP-4.9.3:
 * the LRA authenticates with it). Fails if it is bound already or org
 * is not an approved LRA.
 */
int store_lra_cert_bind(struct store *st, const char *org,
    const char *issuer, const char *serial, const char *by, int64_t at);

/*
 * The approved LRA certificate issuer/serial is bound to: 1 and org
 * (65 bytes) set, or org[0] = '\0' if none.
 */
int store_lra_cert_org(struct store *st, const char *issuer,
    const char *serial, char org[65]);

/*
 * --- RA: e-mail control validations (sqlite_validation.c) -----------------
 *
 * One row per validation (CP-3.2.7, SBR 3.2.2): method and the version
 * of the requirement it followed, the random value as SHA-256 only, the
 * address or domain, who started it, its times and outcome. Text fields
 * are borrowed on insert and owned (free with store_validation_free) on
 * read.
 */
#define STORE_VALIDATION_HASH_LEN	32

struct store_validation {
	char		*id;		/* 32 hex digits */
	char		*method;	/* operator, whois-contact, ... */
	char		*requirement;	/* e.g. "SBR v1.0.16 §3.2.2.2" */
	char		*email;		/* mailbox method only, else NULL */
	char		*domain;
	char		*target;	/* mailed address, file, DNS name */
	char		*evidence;	/* operator method: free text */
	char		*evidence_ref;	/* operator method: document ref */
	unsigned char	 value_hash[STORE_VALIDATION_HASH_LEN];
	int		 has_value;
	char		*started_by;
	int64_t		 created_at;
	int64_t		 sent_at;	/* 0: not sent */
	int64_t		 completed_at;	/* 0: not completed */
	int64_t		 expires_at;	/* the random value's end */
	char		*state;		/* pending, sent, completed, failed, expired */
	char		*outcome;
	int64_t		 attempts;
};

int store_validation_insert(struct store *st, const struct store_validation *v);

/* 1 and *out (NULL if none) on success; 0 on a storage error. */
int store_validation_get(struct store *st, const char *id,
    struct store_validation **out);
int store_validation_by_hash(struct store *st,
    const unsigned char hash[STORE_VALIDATION_HASH_LEN],
    struct store_validation **out);

/*
 * Moves validation id from one of the open states (pending, sent) to
 * state at time at with outcome, setting sent_at or completed_at to
 * match; with need_live, only while expires_at > at. *changed is 1 if the
 * row moved, 0 if it was not open (or had expired): the single use of a
 * random value is this one statement. 0 on a storage error.
 */
int store_validation_move(struct store *st, const char *id,
    const char *state, int64_t at, const char *outcome, int need_live,
    int *changed);

/* Counts one more check attempt of an open validation. */
int store_validation_attempt(struct store *st, const char *id,
    const char *outcome);

/*
 * The newest completed validation created at or after since: of the
 * mailbox method for email, or of a domain method for domain
 * (domain_since). 1 and *out (NULL if none), 0 on a storage error.
 */
int store_validation_current(struct store *st, const char *email,
    int64_t mailbox_since, const char *domain, int64_t domain_since,
    int64_t now, struct store_validation **out);

typedef int (*store_validation_fn)(const struct store_validation *v,
    void *arg);
/* Every validation, newest first, at most limit (0: all). */
int store_validation_each(struct store *st, int64_t limit,
    store_validation_fn fn, void *arg);

void store_validation_free(struct store_validation *v);

/*
 * --- RA: revocation requests, problem reports, certificate owners and
 * subscriber logins (sqlite_revreq.c) --------------------------------------
 *
 * Who a certificate belongs to (an organisation and the subscriber's
 * e-mail address), the subscriber's suspension login (CP-4.9.13-4.9.15:
 * an Argon2id string, failures and lock, short sessions with a CSRF
 * token), revocation requests from every kind of requester (CP-4.9.2)
 * and third-party problem reports (CP-1.5.2). Requests and reports are
 * never deleted and a decided one is final (schema triggers). Issuers
 * and serials are the certificates table's.
 */

/* Records the owner of issuer/serial (org and email may be NULL). Once. */
int store_cert_owner_insert(struct store *st, const char *issuer,
    const char *serial, const char *org, const char *email, const char *by,
    int64_t at);

/*
 * The owner of issuer/serial: 1 with *found, org (65 bytes, "" if none)
 * and email (255 bytes, "" if none).
 */
int store_cert_owner_get(struct store *st, const char *issuer,
    const char *serial, int *found, char org[65], char email[255]);

struct store_subscriber_cred {
	int64_t		 id;
	char		*issuer;
	char		*serial;
	char		*pw_hash;	/* crypto_pwhash_str() output */
	int64_t		 failures;	/* consecutive failed logins */
	int64_t		 locked_until;
	int64_t		 created_at;
};

/* Adds the login of issuer/serial; fails if it has one. */
int store_subscriber_cred_insert(struct store *st, const char *issuer,
    const char *serial, const char *pw_hash, int64_t at);
/* 1 and *out (NULL if none). */
int store_subscriber_cred_get(struct store *st, const char *issuer,
    const char *serial, struct store_subscriber_cred **out);
/* Counts a failure in one statement; *failures the new count. */
int store_subscriber_cred_failure(struct store *st, int64_t id,
    int64_t *failures);
int store_subscriber_cred_lock(struct store *st, int64_t id, int64_t until);
int store_subscriber_cred_clear(struct store *st, int64_t id);
void store_subscriber_cred_free(struct store_subscriber_cred *c);

struct store_subscriber_session {
	unsigned char	 token_hash[32];
	int64_t		 cred_id;
	char		 issuer[65];	/* of the credential (read only) */
	char		 serial[64];
	unsigned char	 csrf[32];	/* synchronizer token */
	int64_t		 created_at;
	int64_t		 last_seen;
	int64_t		 expires_at;
};

int store_subscriber_session_insert(struct store *st,
    const struct store_subscriber_session *s);
/* 1 with *found and *out filled when found. */
int store_subscriber_session_get(struct store *st,
    const unsigned char hash[32], int *found,
    struct store_subscriber_session *out);
int store_subscriber_session_touch(struct store *st,
    const unsigned char hash[32], int64_t now);
int store_subscriber_session_delete(struct store *st,
    const unsigned char hash[32]);
/* Deletes every session that ended before now. */
int store_subscriber_session_purge(struct store *st, int64_t now);

enum store_revreq_kind {
	STORE_REVREQ_SUBSCRIBER,
	STORE_REVREQ_LRA,
	STORE_REVREQ_RA,	/* an RA operator */
	STORE_REVREQ_CA,	/* a CA administrator, at the CA's discretion */
	STORE_REVREQ_REPORTER,	/* a verified key compromise proof */
	STORE_REVREQ_KIND_MAX
};

enum store_revreq_state {
	STORE_REVREQ_PENDING,
	STORE_REVREQ_DONE,
	STORE_REVREQ_REFUSED,
	STORE_REVREQ_FAILED,
	STORE_REVREQ_STATE_MAX
};

struct store_revreq {
	int64_t		 id;
	char		*issuer;
	char		*serial;
	enum store_revreq_kind kind;
	char		*requester;
	char		*org;		/* NULL: none */
	int		 reason;	/* RFC 5280 CRLReason */
	char		*grounds;
	enum store_revreq_state state;
	int64_t		 report_id;	/* 0: none */
	int64_t		 requested_at;
	char		*decided_by;	/* NULL while pending */
	int64_t		 decided_at;
	char		*note;
};

/* Records a pending request; *id its number. */
int store_revreq_insert(struct store *st, const struct store_revreq *r,
    int64_t *id);
/* Moves a pending request to its final state. */
int store_revreq_finish(struct store *st, int64_t id,
    enum store_revreq_state state, const char *by, int64_t at,
    const char *note);
typedef int (*store_revreq_fn)(const struct store_revreq *r, void *arg);
/* Calls fn for each request, newest first (at most limit). */
int store_revreq_each(struct store *st, int64_t limit, store_revreq_fn fn,
    void *arg);
const char *store_revreq_kind_name(enum store_revreq_kind k);
const char *store_revreq_state_name(enum store_revreq_state s);

enum store_report_kind {
	STORE_REPORT_KEY_COMPROMISE,
	STORE_REPORT_MISUSE,
	STORE_REPORT_OTHER,
	STORE_REPORT_KIND_MAX
};

enum store_report_state {
	STORE_REPORT_PENDING,
	STORE_REPORT_REVOKED,
	STORE_REPORT_DISMISSED,
	STORE_REPORT_STATE_MAX
};

struct store_report {
	int64_t		 id;
	char		*issuer;
	char		*serial;
	enum store_report_kind kind;
	char		*description;
	char		*contact;
	int		 proof_verified;
	char		*source;
	int64_t		 received_at;
	int64_t		 report_due_at;
	int64_t		 revoke_by;
	enum store_report_state state;
	int		 reason;	/* -1 unless revoked */
	char		*decided_by;
	int64_t		 decided_at;
	char		*note;
};

int store_report_insert(struct store *st, const struct store_report *r,
    int64_t *id);
/* 1 and *out (NULL if none). */
int store_report_get(struct store *st, int64_t id, struct store_report **out);
typedef int (*store_report_fn)(const struct store_report *r, void *arg);
/* Calls fn for each report (pending ones only if asked), oldest first. */
int store_report_each(struct store *st, int pending_only, int64_t limit,
    store_report_fn fn, void *arg);
/*
 * Decides a pending report: *changed 0 if it was no longer pending
 * (another operator decided first).
 */
int store_report_decide(struct store *st, int64_t id,
    enum store_report_state state, int reason, const char *by, int64_t at,
    const char *note, int *changed);
void store_report_free(struct store_report *r);
void store_revreq_free(struct store_revreq *r);
const char *store_report_kind_name(enum store_report_kind k);
int store_report_kind_parse(const char *s, enum store_report_kind *out);
const char *store_report_state_name(enum store_report_state s);

/*
 * --- RA: applications (sqlite_app.c) ---------------------------------------
 *
 * Certificate applications (CP-4.1-4.4, 4.8) with their examination
 * checklist, the person in charge of each organisation (issuance notices,
 * CP-4.3.2) and applicants marked in breach (CP-4.2.2). The rules live in
 * src/ra/app.c; the store keeps the rows and refuses, by trigger, to move
 * an issued or rejected application. Every update names the status it
 * expects, so two operators cannot both decide one application.
 */

enum store_app_status {
	STORE_APP_PENDING,	/* under examination */
	STORE_APP_APPROVED,	/* approved, not (yet) issued */
	STORE_APP_ISSUED,
	STORE_APP_REJECTED,
	STORE_APP_STATUS_MAX
};

struct store_app {
	int64_t		 id;
	char		*org;
	char		*policy;
	char		*subject;
	char		*emails;	/* JSON array of strings */
	char		*upn;		/* NULL: none */
	char		*ekus;		/* JSON array of strings */
	char		*csr_pem;	/* NULL: CA-generated key */
	int		 keygen;
	char		*applicant_name;
	char		*applicant_email;
	char		*agreement_version;
	int64_t		 agreed_at;
	char		*replaces_issuer;	/* CP-4.8; NULL: none */
	char		*replaces_serial;
	enum store_app_status status;
	char		*submitted_by;
	char		*submitted_via;	/* "ra" or "lra" */
	int64_t		 submitted_at;
	char		*decided_by;
	int64_t		 decided_at;
	char		*reason;	/* of a rejection */
	char		*issue_error;	/* approved, issuance failed */
	char		*cert_issuer;
	char		*cert_serial;
	unsigned char	*cert_der;
	size_t		 cert_der_len;
	char		*chain_pem;
	unsigned char	*p12;		/* CA-generated key, PIN-protected */
	size_t		 p12_len;
	int64_t		 issued_at;
	char		*notice;	/* "sent" or why not */
	char		*pin_delivery;
	int64_t		 accepted_at;	/* 0: not accepted */
	char		*accepted_how;	/* "receipt" or "auto" */
	char		*accepted_by;
	int64_t		 objected_at;	/* 0: no objection */
	char		*objection;
};

/* Adds a pending application; *id gets its number. */
int store_app_insert(struct store *st, const struct store_app *a,
    int64_t *id);
/* Looks up an application: 1 and *out (NULL if none). */
int store_app_get(struct store *st, int64_t id, struct store_app **out);
typedef int (*store_app_fn)(const struct store_app *a, void *arg);
/* Each application of org (NULL: all), newest first, up to limit. */
int store_app_each(struct store *st, const char *org, int limit,
    store_app_fn fn, void *arg);
/* pending -> approved or rejected; 0 unless it was pending. */
int store_app_decide(struct store *st, int64_t id,
    enum store_app_status status, const char *by, int64_t at,
    const char *reason);
/* Records why issuance of an approved application failed. */
int store_app_issue_error(struct store *st, int64_t id, const char *error);
/*
 * Forgets the PKCS#12 of a CA-generated key once it is handed out
 * (CP-4.12: the CA keeps no copy); 1 if one was there and is gone.
 */
int store_app_p12_clear(struct store *st, int64_t id);
/* approved -> issued, with the certificate (and PKCS#12, may be NULL). */
int store_app_issued(struct store *st, int64_t id, const char *issuer,
    const char *serial, const unsigned char *der, size_t der_len,
    const char *chain_pem, const unsigned char *p12, size_t p12_len,
    int64_t at);
/* Records the outcome of the notice and PIN mails (either may be NULL). */
int store_app_delivery(struct store *st, int64_t id, const char *notice,
    const char *pin_delivery);
/* Acceptance (CP-4.4.1) of an issued application not yet accepted. */
int store_app_accept(struct store *st, int64_t id, const char *how,
    const char *by, int64_t at);
/* An objection to an issued application not yet accepted. */
int store_app_object(struct store *st, int64_t id, const char *text,
    const char *by, int64_t at);
/* The application that issued issuer/serial: 1 and *id (0 if none). */
int store_app_by_cert(struct store *st, const char *issuer,
    const char *serial, int64_t *id);

struct store_app_check {
	int64_t		 app_id;
	const char	*item;
	const char	*result;	/* "pass" or "fail" */
	const char	*note;
	const char	*evidence;
	const char	*checked_by;
	int64_t		 checked_at;
};

/* Records (or replaces) one checklist item of a pending application. */
int store_app_check_set(struct store *st, const struct store_app_check *c);
typedef int (*store_app_check_fn)(const struct store_app_check *c, void *arg);
int store_app_check_each(struct store *st, int64_t id, store_app_check_fn fn,
    void *arg);

/*
 * Whether the applicant e-mail was rejected before or marked in breach:
 * 1 with *flagged (0 or 1) and why (a short text) when flagged.
 */
int store_app_applicant_flagged(struct store *st, const char *email,
    int *flagged, char *why, size_t whylen);
/* Marks an applicant e-mail address in breach (CP-4.2.2). */
int store_breach_insert(struct store *st, const char *email,
    const char *note, const char *by, int64_t at);

/* The person in charge of an organisation (CP-4.3.2). */
int store_org_contact_set(struct store *st, const char *org,
    const char *name, const char *email, const char *by, int64_t at);
/* 1 and name/email (malloc'd, NULL if none recorded). */
int store_org_contact_get(struct store *st, const char *org, char **name,
    char **email);

void store_app_free(struct store_app *a);
const char *store_app_status_name(enum store_app_status s);

#endif
