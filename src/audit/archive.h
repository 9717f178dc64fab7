#ifndef INKAN_AUDIT_ARCHIVE_H
#define INKAN_AUDIT_ARCHIVE_H

#include <stdint.h>

#include <openssl/x509.h>

#include "ca/ca.h"

/*
 * The archive (CP-5.5): a self-verifying bundle directory of what a period
 * left behind, and the purge of audit records older than the retention
 * period. docs/architecture.md, "Archive bundle", gives the layout.
 */

/* CP-5.5.2: archives are kept at least seven years. */
#define ARCHIVE_RETENTION_YEARS	7

/*
 * Writes the bundle of [from, to] (UTC seconds) to the new directory out
 * (built as out.partial, renamed when complete). The manifest is signed
 * as CMS SignedData by the audit key, in the signer. 1 on success.
 */
int archive_export(struct ca *ca, int64_t from, int64_t to, const char *out);

struct archive_verify_result {
	size_t		 files;		/* files the manifest lists */
	int64_t		 first;		/* audit records in the bundle */
	int64_t		 last;
	size_t		 checkpoints;
	char		 signer[65];	/* SHA-256 of the signer's certificate */
	char		 why[1024];	/* what is wrong, if anything */
};

/*
 * Verifies a bundle with nothing but its files: the CMS signature of the
 * manifest (by trusted, or if NULL by the bundle's own audit
 * certificate, whose fingerprint res->signer then gives to compare),
 * every file's size and SHA-256, no file added or removed, the audit
 * records' chain and the checkpoints' signatures. 1 if intact; else 0
 * with res->why naming the file or record.
 */
int archive_verify(const char *bundle, X509 *trusted,
    struct archive_verify_result *res);

/* The newest time a purge may reach at now: now less seven years. */
int64_t archive_retention_cutoff(int64_t now);

/*
 * Deletes the audit records older than before (which must not be after
 * archive_retention_cutoff(now)), keeping a signed checkpoint of kind
 * "purge" where the kept chain starts. *purged is the number deleted.
 * 1 on success (also when nothing was old enough).
 */
int archive_purge(struct ca *ca, int64_t before, int64_t now,
    int64_t *purged);

/*
 * The last record older than before (0 if none): where a purge would
 * stop. The walk stops at the first record not older.
 */
int archive_purge_upto(struct store *st, int64_t before, int64_t *upto,
    unsigned char head[32]);

#endif
