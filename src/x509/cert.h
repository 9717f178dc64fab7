#ifndef INKAN_X509_CERT_H
#define INKAN_X509_CERT_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "keys/signer.h"

/*
 * Builds to-be-signed certificates from a filled-in specification, and
 * assembles the signed certificate from the TBS bytes and the signer's
 * signature. The profile layer (profile.c) decides what goes into a spec;
 * this file only turns it into OpenSSL objects, never DER by hand.
 */

/* KeyUsage bits, in RFC 5280 §4.2.1.3 order. */
enum cert_ku {
	CERT_KU_DIGITAL_SIGNATURE = 1 << 0,
	CERT_KU_NON_REPUDIATION = 1 << 1,
	CERT_KU_KEY_ENCIPHERMENT = 1 << 2,
	CERT_KU_DATA_ENCIPHERMENT = 1 << 3,
	CERT_KU_KEY_AGREEMENT = 1 << 4,
	CERT_KU_KEY_CERT_SIGN = 1 << 5,
	CERT_KU_CRL_SIGN = 1 << 6,
};

#define CERT_LIST_MAX	8

/* Extensions, by the order in which a spec lists them. */
enum cert_ext {
	CERT_EXT_END = 0,
	CERT_EXT_AKI,
	CERT_EXT_SKI,
	CERT_EXT_KU,
	CERT_EXT_POLICIES,
	CERT_EXT_SAN,
	CERT_EXT_EKU,
	CERT_EXT_CRLDP,
	CERT_EXT_AIA,
	CERT_EXT_BC,
	CERT_EXT_OCSP_NOCHECK,
	CERT_EXT_MAX
};

struct cert_spec {
	enum signer_md	 md;
	const X509_NAME	*subject;
	const X509_NAME	*issuer;
	EVP_PKEY	*pubkey;		/* subject public key */
	/*
	 * Or its SubjectPublicKeyInfo as received (a CSR's): copied as bytes,
	 * sparing OpenSSL 3's encode-and-decode of the key. Then the built
	 * certificate holds no decoded key (X509_get0_pubkey is NULL).
	 */
	const X509_PUBKEY *spki;
	const ASN1_OCTET_STRING *issuer_keyid;	/* AKI; NULL: self-signed */
	const ASN1_INTEGER *serial;
	time_t		 not_before;
	time_t		 not_after;
	const enum cert_ext *order;		/* extensions, END-terminated */
	int		 ca;			/* basicConstraints cA */
	int		 path_len;		/* -1: absent */
	unsigned int	 key_usage;		/* cert_ku mask */
	const char	*eku[CERT_LIST_MAX];	/* numeric OIDs */
	size_t		 neku;
	const char	*policies[CERT_LIST_MAX];	/* numeric OIDs */
	size_t		 npolicies;
	const char	*cps_url;		/* qualifier on the first policy */
	const char	*crl_urls[CERT_LIST_MAX];
	size_t		 ncrl_urls;
	const char	*ocsp_url;		/* NULL: no OCSP accessMethod */
	const char	*ca_issuers_url;	/* NULL: no caIssuers */
	const GENERAL_NAMES *san;		/* NULL: no SAN */
};

/*
 * Builds an unsigned certificate from spec, with the signature algorithm
 * set in both places it appears. Returns NULL on failure (logged).
 */
X509 *cert_build(const struct cert_spec *spec);

/* The signature AlgorithmIdentifier NID for RSA with md. */
int cert_sig_nid(enum signer_md md);

/*
 * Encodes the TBSCertificate of x into *tbs (OPENSSL_malloc'd) — the
 * bytes the signer signs.
 */
int cert_tbs(X509 *x, unsigned char **tbs, size_t *tbs_len);

/*
 * Joins TBS bytes, the algorithm and the signature into a certificate and
 * parses it back, so what is stored is what OpenSSL reads. Returns NULL on
 * failure.
 */
X509 *cert_assemble(const unsigned char *tbs, size_t tbs_len,
    enum signer_md md, const unsigned char *sig, size_t sig_len);

/*
 * Signs x through the signer with key and op and returns the signed
 * certificate (x is unchanged); NULL on refusal (logged).
 */
X509 *cert_sign(X509 *x, struct signer *s, enum signer_op op,
    const char *key, enum signer_md md);

/* New random serial (CP-3.1.5): 126 CSPRNG bits, positive, 16 octets. */
ASN1_INTEGER *cert_serial_new(void);

/* Upper-case hex of a serial, malloc'd (OPENSSL_free). */
char *cert_serial_hex(const ASN1_INTEGER *serial);

/* Adds calendar months to t (UTC), clamping the day of month. */
time_t cert_add_months(time_t t, int months);

#endif
