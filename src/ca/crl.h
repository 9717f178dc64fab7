#ifndef INKAN_CA_CRL_H
#define INKAN_CA_CRL_H

#include <stdint.h>
#include <time.h>

#include "ca/ca.h"

/*
 * CRLs per CP tables 7.2-1/7.2-2: v2, thisUpdate, nextUpdate = thisUpdate
 * + 96 h, entries with serial, revocation date and reason, extensions CRL
 * Number (strictly increasing, never reused, RFC 5280 §5.2.3) and AKI.
 * Issued at once after each revocation and at least every 24 h
 * (CP-4.9.7), published at the URL of the CRL distribution point.
 */
#define CRL_VALIDITY	(96 * 3600)
#define CRL_INTERVAL	(24 * 3600)

/*
 * Makes, signs, stores and publishes a new CRL of the CA entity issuer
 * (a root or an issuing CA). *number, if not NULL, gets its CRL number.
 * Returns 1 on success, 0 on failure (logged; nothing is published).
 */
int ca_crl_issue(struct ca *ca, const char *issuer, time_t now,
    int64_t *number);

/* Issues a CRL for every CA of the configuration. Returns 1 if all did. */
int ca_crl_issue_all(struct ca *ca, time_t now);

/*
 * The daemon's scheduler: issues the CRL of every CA whose newest CRL is
 * CRL_INTERVAL old, or that has none. Returns the number issued, or -1.
 */
int ca_crl_tick(struct ca *ca, time_t now);

/* The CRL distribution point URL of CA entity name (NULL if unknown). */
const char *ca_crl_url(const struct ca *ca, const char *name);

/*
 * Partitioned CRLs ([issuing:] crl_shards > 1): a certificate's partition
 * is fixed by its serial (FNV-1a of the hex text, modulo the count), so
 * it never moves; its CRL DP names the partition's URL, crl_url with
 * {shard} replaced, and that CRL carries an issuingDistributionPoint
 * naming the same URL (RFC 5280 §5.2.5).
 */
int ca_crl_shard(const char *serial_hex, int shards);

/* crl_url with {shard} replaced by shard; malloc'd, NULL on failure. */
char *ca_crl_shard_url(const char *url, int shard);

#endif
