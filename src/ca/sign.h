#ifndef INKAN_CA_SIGN_H
#define INKAN_CA_SIGN_H

#include "ca/ca.h"

/*
 * The durable signing step every certificate goes through (CP-4.3.1,
 * DESIGN "Data flow"): record the intent (serial, TBS hash), have the
 * signer sign, check the signature with the issuer's public key, store
 * the DER. Batches share one intent commit and one completion commit
 * (group commit) and keep the signer busy with pipelined requests.
 */

struct ca_sign_item {
	X509		*tbs;		/* in: built and linted, unsigned */
	const char	*profile;	/* in: profile name for the store */
	const char	*subject_ca;	/* in: CA entity certified, or NULL */
	int		 want_x509;	/* in: also parse it into cert */
	unsigned char	*der;		/* out: the stored DER (OPENSSL_malloc'd) */
	size_t		 der_len;
	X509		*cert;		/* out: parsed, if want_x509 */
};

/* Frees the outputs of items (der and cert). */
void ca_sign_items_clear(struct ca_sign_item *items, size_t n);

struct ca_signing {
	const char	*issuer;	/* CA entity name */
	const char	*key;		/* its signer key name */
	enum signer_op	 op;		/* SIGNER_OP_SIGN_CERT or _CA_CERT */
	enum signer_md	 md;
	EVP_PKEY	*issuer_pub;	/* to verify each signature */
};

/*
 * Signs and stores n certificates. Returns 1 if every item got its DER;
 * items that failed have der NULL and their intent marked aborted. Each
 * signature is verified with the issuer's key over the TBS bytes before
 * the certificate is stored.
 */
int ca_sign_batch(struct ca *ca, const struct ca_signing *how,
    struct ca_sign_item *items, size_t n);

/*
 * Signing in flight, so that the caller builds the next batch while the
 * signer signs this one. ca_sign_begin() records the intents of
 * items[0..n) in one commit, then hands them to a thread that drives the
 * signer; the signer serves one batch at a time, so begin first waits
 * until prev (the batch still in flight, or NULL) has its signatures.
 * Returns NULL if the intents could not be recorded: then nothing of this
 * batch is signed and every der is NULL. how and items must stay valid
 * until ca_sign_end(). Only the calling thread uses the store.
 */
struct ca_sign_flight;
struct ca_sign_flight *ca_sign_begin(struct ca *ca,
    const struct ca_signing *how, struct ca_sign_item *items, size_t n,
    struct ca_sign_flight *prev);

/*
 * Waits for f's signatures, checks each, stores the certificates in one
 * commit and frees f. Returns 1 if every item got its DER; 0 otherwise,
 * and for a NULL f (a failed ca_sign_begin).
 */
int ca_sign_end(struct ca *ca, struct ca_sign_flight *f);

/* One certificate; returns the signed certificate or NULL. */
X509 *ca_sign_one(struct ca *ca, const struct ca_signing *how, X509 *tbs,
    const char *profile, const char *subject_ca);

#endif
