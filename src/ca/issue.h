#ifndef INKAN_CA_ISSUE_H
#define INKAN_CA_ISSUE_H

#include <openssl/x509.h>

#include "ca/ca.h"
#include "x509/cert.h"

/*
 * Subscriber issuance (CP-4.3): from a request to a linted, signed,
 * durably stored certificate of one of the CP's policies.
 */
struct issue_request {
	const char	*policy;	/* client, document, smime, codesign */
	int		 legacy_sha1;	/* table 7.1-4 (client, document) */
	const char	*generation;	/* S/MIME: strict, multipurpose; NULL: config */
	X509_REQ	*csr;		/* the applicant's request, or NULL */
	/*
	 * Or the request as received (PEM or DER), parsed while the signer
	 * signs the previous chunk of a batch.
	 */
	const unsigned char *csr_bytes;
	size_t		 csr_len;
	EVP_PKEY	*key;		/* CA-generated key when csr is NULL */
	const char	*subject;	/* /C=JP/O=.../CN=... */
	const char	*emails[CERT_LIST_MAX];
	size_t		 nemails;
	const char	*upn;		/* NULL: none */
	const char	*eku[CERT_LIST_MAX];	/* names; none: profile default */
	size_t		 neku;
	const char	*key_usage;	/* "digitalSignature,..."; NULL: default */
	int		 validity_days;	/* 0: the policy's */
};

/*
 * Issues one certificate. On success returns it and, if chain is not
 * NULL, the CA certificates above it. On refusal returns NULL with the
 * reason logged (naming the field and what is allowed); nothing is
 * stored or signed unless the request passed every check.
 */
X509 *ca_issue(struct ca *ca, const struct issue_request *req,
    STACK_OF(X509) **chain);

/* One certificate of a batch: the DER that was stored. */
struct issue_out {
	unsigned char	*der;		/* OPENSSL_malloc'd; NULL if refused */
	size_t		 der_len;
};

/*
 * Issues n certificates of one policy with group commit, preparing each
 * chunk while the signer signs the previous one. out[i] gets each
 * certificate's DER (NULL where refused: the reason is logged and the
 * others go on). Returns the number issued. Parsing the DER is left to
 * callers that need an X509 (ca_issue does).
 */
size_t ca_issue_batch(struct ca *ca, const struct issue_request *reqs,
    size_t n, struct issue_out *out);

/* Frees the DER of n outputs. */
void issue_out_clear(struct issue_out *out, size_t n);

#endif
