#ifndef INKAN_AUDIT_AUDIT_H
#define INKAN_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "store/store.h"

/*
 * The audit log (CP-5.4): one append-only record per security-relevant
 * event, hash-chained in the CA's store, sealed by checkpoints that the
 * audit key signs in the signer process. docs/architecture.md, "Audit log
 * and archive", gives the formats.
 */

/* One event, as its caller describes it. */
struct audit_event {
	const char	*type;		/* "cert.issue", "crl.issue", ... */
	const char	*actor;		/* account, OS user, or "inkand" */
	const char	*role;		/* "admin", "ra", "operator", "system" ... */
	const char	*auth;		/* "password+totp", "local", ... */
	const char	*source;	/* peer address, or "local" */
	const char	*object;	/* "cert:ISSUER:SERIAL", "crl:CA:NUMBER" */
	const char	*outcome;	/* "ok", "denied", "failed", "error" */
	const char	*detail;	/* JSON object text, or NULL */
};

/*
 * Appends ev to the log at the current UTC time. Inside store_begin() it
 * joins the caller's transaction (the event and its record commit
 * together); outside it commits alone. Missing fields are refused.
 * Returns false on failure (logged).
 */
bool audit_record(struct store *st, const struct audit_event *ev);

/* The same at a given time (tests, and purge's own tests). */
bool audit_record_at(struct store *st, const struct audit_event *ev,
    int64_t when);

/* Who acts in this process: fills an event's actor, role, auth, source. */
struct audit_who {
	char		 actor[64];
	const char	*role;
	const char	*auth;
	const char	*source;
};

/* The local operator: the OS user, role "operator", auth "local". */
void audit_who_local(struct audit_who *who);

/* The daemon: actor "inkand", role "system". */
void audit_who_daemon(struct audit_who *who);

/*
 * Canonical encoding of a record (the bytes its hash covers): see
 * docs/architecture.md. *out is malloc'd. 1 on success.
 */
int audit_chain_encode(const struct store_audit *rec, unsigned char **out,
    size_t *len);

/* SHA-256 of the canonical encoding. 1 on success. */
int audit_chain_hash(const struct store_audit *rec, unsigned char out[32]);

/*
 * Reads seq and prev_hash back from a canonical encoding (archive
 * verification). 1 if buf is one well-formed record.
 */
int audit_chain_parse(const unsigned char *buf, size_t len, int64_t *seq,
    unsigned char prev_hash[32]);

/* The text a checkpoint's signature covers; malloc'd, NUL-terminated. */
char *audit_checkpoint_text(const struct store_audit_checkpoint *cp);

/* Appends a JSON string literal of s to buf (cap bytes); 1 if it fits. */
int audit_json_str(char *buf, size_t cap, const char *s);

/*
 * Parses a UTC time: seconds since the epoch, YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SSZ. 1 on success.
 */
int audit_time_parse(const char *s, int64_t *out);

/* Formats t as YYYY-MM-DDTHH:MM:SSZ. */
void audit_time_format(int64_t t, char out[32]);

/*
 * One record as a JSON object on one line (no newline), for auditors
 * and the archive. malloc'd; NULL on failure.
 */
char *audit_json_line(const struct store_audit *r);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void audit_hex(const unsigned char *in, size_t n, char *out);

/*
 * Parses the text of a checkpoint (as audit_checkpoint_text() prints it,
 * byte for byte) into cp, whose kind points into kind. 1 on success.
 */
int audit_checkpoint_parse(const char *text, size_t len,
    struct store_audit_checkpoint *cp, char kind[16]);

/*
 * Checks a checkpoint's signature with the audit public key. 1 if it
 * verifies.
 */
int audit_checkpoint_verify_sig(const struct store_audit_checkpoint *cp,
    EVP_PKEY *pub);

/* The verdict of audit_verify(). */
struct audit_verify_result {
	int64_t		 first;		/* first record, 0 if none */
	int64_t		 last;		/* last record */
	int64_t		 sealed;	/* last record under a checkpoint */
	size_t		 checkpoints;
	int64_t		 bad_seq;	/* first bad record, 0 if none */
	char		 why[512];	/* what is wrong, if anything */
};

struct audit_verify_opts {
	EVP_PKEY	*pub;		/* audit key */
	int		 allow_unsealed;
	const char	*head_dir;	/* DIR/audit: last-checkpoint files */
};

/*
 * Verifies the whole log in st: every record's hash, the chain's links,
 * its start (record 1, or a signed purge checkpoint), every checkpoint's
 * signature and head, truncation (a checkpoint, or the last-checkpoint
 * file, beyond the last record), and records after the last checkpoint
 * (refused unless allow_unsealed). 1 if the log is intact; else 0 with
 * res->bad_seq and res->why.
 */
int audit_verify(struct store *st, const struct audit_verify_opts *o,
    struct audit_verify_result *res);

#endif
