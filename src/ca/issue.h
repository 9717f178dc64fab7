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

/*
 * Issuance as a continuous pipeline, for a queue of requests of one
 * policy: the CA pulls up to max requests at a time with next (0: the
 * queue is done), builds and lints them, records their intents and signs
 * them in chunks of group commits, the next chunk built while the signer
 * signs this one, with no pause between calls as ca_issue_batch has at
 * each end. done gets every request's outcome in order, numbered from 0
 * as pulled, once its certificate is durable: the DER (OPENSSL_malloc'd,
 * the callee's), or NULL if refused (the reason is logged). A request
 * whose policy differs from the first one's is refused. Returns the
 * number issued.
 */
struct issue_source {
	size_t	(*next)(void *arg, struct issue_request *reqs, size_t max);
	void	(*done)(void *arg, size_t seq, unsigned char *der, size_t len);
	void	*arg;
};
size_t ca_issue_stream(struct ca *ca, const struct issue_source *src);

/* Frees the DER of n outputs. */
void issue_out_clear(struct issue_out *out, size_t n);

#endif
