#include "ra/kcproof.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "ca/csr.h"
#include "ra/revreq.h"

/* The text of the only entry of type nid in name; 0 if not exactly one. */
static int
kc_name_text(const X509_NAME *name, int nid, char *out, size_t len)
{
	const X509_NAME_ENTRY *e;
	const ASN1_STRING *s;
	int i;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0 ||
	    X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return 0;
	e = X509_NAME_get_entry(name, i);
	s = X509_NAME_ENTRY_get_data(e);
	if (s == NULL || ASN1_STRING_length(s) <= 0 ||
	    (size_t)ASN1_STRING_length(s) >= len ||
	    memchr(ASN1_STRING_get0_data(s), '\0',
	    (size_t)ASN1_STRING_length(s)) != NULL)
		return 0;
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	out[ASN1_STRING_length(s)] = '\0';
	return 1;
}

/* The subject is the statement naming serial, and nothing else. */
static int
kc_statement_ok(X509_REQ *req, const char *serial, char *why, size_t whylen)
{
	const X509_NAME *name = X509_REQ_get_subject_name(req);
	char cn[64], sn[80], norm[64];

	if (X509_NAME_entry_count(name) != 2 ||
	    !kc_name_text(name, NID_commonName, cn, sizeof(cn)) ||
	    !kc_name_text(name, NID_serialNumber, sn, sizeof(sn)) ||
	    strcmp(cn, RA_KC_STATEMENT) != 0) {
		snprintf(why, whylen, "the proof's subject must be exactly "
		    "CN=%s, serialNumber=<the certificate's serial in hex>",
		    RA_KC_STATEMENT);
		return 0;
	}
	if (!ra_serial_norm(sn, strlen(sn), norm) || strcmp(norm, serial) != 0) {
		snprintf(why, whylen, "the proof names another certificate "
		    "(serialNumber %.40s, not %s)", sn, serial);
		return 0;
	}
	return 1;
}

int
ra_kc_proof_verify(const unsigned char *proof, size_t len,
    const unsigned char *cert, size_t cert_len, const char *serial,
    char *why, size_t whylen)
{
	const unsigned char *p = cert;
	X509_REQ *req = NULL;
	X509 *x = NULL;
	char err[256];
	int ok = 0;

	if (len == 0 || len > RA_KC_PROOF_MAX) {
		snprintf(why, whylen, "proof missing or larger than %d bytes",
		    RA_KC_PROOF_MAX);
		return 0;
	}
	if ((req = csr_parse(proof, len, err, sizeof(err))) == NULL) {
		snprintf(why, whylen, "proof: %s", err);
		goto out;
	}
	/* Signed by the key it carries (RFC 2986 §3)... */
	if (!csr_verify_pop(req, err, sizeof(err))) {
		snprintf(why, whylen, "proof: the request's signature does not "
		    "verify with its own key");
		goto out;
	}
	if ((x = d2i_X509(NULL, &p, (long)cert_len)) == NULL ||
	    p != cert + cert_len) {
		snprintf(why, whylen, "the certificate cannot be read");
		goto out;
	}
	/* ...which is the certificate's key... */
	if (X509_REQ_get0_pubkey(req) == NULL || X509_get0_pubkey(x) == NULL ||
	    EVP_PKEY_eq(X509_REQ_get0_pubkey(req), X509_get0_pubkey(x)) != 1) {
		snprintf(why, whylen, "proof: signed by another key than the "
		    "certificate's");
		goto out;
	}
	/* ...over the statement naming this certificate. */
	if (!kc_statement_ok(req, serial, why, whylen))
		goto out;
	ok = 1;
 out:
	ERR_clear_error();
	X509_free(x);
	X509_REQ_free(req);
	return ok;
}
