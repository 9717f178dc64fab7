/*
 * The signer's checks of a TBSCertificate (RFC 5280 §4.1) before
 * SIGN_CERT and SIGN_CA_CERT: the rules of signer.h.
 *
 * The TBS is decoded with a template of our own, not with d2i_X509 on a
 * wrapped TBS. d2i_X509 decodes the subject public key through OpenSSL
 * 3.0's OSSL_DECODER, which cost about a quarter of an RSA-2048
 * signature per certificate (docs/performance.md). Here
 * subjectPublicKeyInfo stays DER, checked for its shape only. The one
 * check that needs the key itself, a self-signed root signed before its
 * certificate is bound, decodes it there.
 */
#include "keys/tbs.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/*
 * TBSCertificate (RFC 5280 §4.1), as OpenSSL's X509_CINF but with
 * subjectPublicKeyInfo as ASN1_SEQUENCE: its whole encoding, undecoded.
 * No cached encoding, so that i2d encodes what was decoded.
 */
typedef struct {
	ASN1_INTEGER	*version;
	ASN1_INTEGER	*serial;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	X509_VAL	*validity;
	X509_NAME	*subject;
	ASN1_STRING	*spki;
	ASN1_BIT_STRING	*issuer_uid;
	ASN1_BIT_STRING	*subject_uid;
	STACK_OF(X509_EXTENSION) *exts;
} TBS_CERT;

ASN1_SEQUENCE(TBS_CERT) = {
	ASN1_EXP_OPT(TBS_CERT, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(TBS_CERT, serial, ASN1_INTEGER),
	ASN1_SIMPLE(TBS_CERT, sigalg, X509_ALGOR),
	ASN1_SIMPLE(TBS_CERT, issuer, X509_NAME),
	ASN1_SIMPLE(TBS_CERT, validity, X509_VAL),
	ASN1_SIMPLE(TBS_CERT, subject, X509_NAME),
	ASN1_SIMPLE(TBS_CERT, spki, ASN1_SEQUENCE),
	ASN1_IMP_OPT(TBS_CERT, issuer_uid, ASN1_BIT_STRING, 1),
	ASN1_IMP_OPT(TBS_CERT, subject_uid, ASN1_BIT_STRING, 2),
	ASN1_EXP_SEQUENCE_OF_OPT(TBS_CERT, exts, X509_EXTENSION, 3),
} static_ASN1_SEQUENCE_END(TBS_CERT)

/*
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with the key left as bits:
 * the shape X509_PUBKEY checks, without its key decoder.
 */
typedef struct {
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*key;
} TBS_SPKI;

ASN1_SEQUENCE(TBS_SPKI) = {
	ASN1_SIMPLE(TBS_SPKI, alg, X509_ALGOR),
	ASN1_SIMPLE(TBS_SPKI, key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(TBS_SPKI)

/* A request's TBS and its subjectPublicKeyInfo, decoded. */
struct tbs_cert {
	TBS_CERT	*tbs;
	TBS_SPKI	*spki;
};

/*
 * The extensions that X509_get_extension_flags() decodes, in its order
 * (OpenSSL 3.0 ossl_x509v3_cache_extensions). The signer refused a TBS
 * where one of them was malformed, or broke a rule of
 * tbs_cert_ext_vet(), when it parsed the TBS with d2i_X509; it still
 * does. Whether each belongs in the certificate is lint's business.
 */
static const int tbs_cert_vetted[] = {
	NID_basic_constraints,
	NID_proxyCertInfo,
	NID_key_usage,
	NID_ext_key_usage,
	NID_netscape_cert_type,
	NID_subject_key_identifier,
	NID_authority_key_identifier,
	NID_subject_alt_name,
	NID_name_constraints,
	NID_crl_distribution_points,
#ifndef OPENSSL_NO_RFC3779
	NID_sbgp_ipAddrBlock,
	NID_sbgp_autonomousSysNum,
#endif
};

static void
tbs_cert_clear(struct tbs_cert *tc)
{
	ASN1_item_free((ASN1_VALUE *)tc->tbs, ASN1_ITEM_rptr(TBS_CERT));
	ASN1_item_free((ASN1_VALUE *)tc->spki, ASN1_ITEM_rptr(TBS_SPKI));
}

/* Decodes c->tbs into tc (cleared by the caller in every case). */
static int
tbs_cert_decode(const struct tbs_check *c, struct tbs_cert *tc,
    struct signer_reason *why)
{
	const unsigned char *p = c->tbs, *spki;
	int len;

	tc->tbs = (TBS_CERT *)ASN1_item_d2i(NULL, &p, (long)c->len,
	    ASN1_ITEM_rptr(TBS_CERT));
	if (tc->tbs == NULL || p != c->tbs + c->len) {
		ERR_clear_error();
		return tbs_refuse_malformed(c, "TBSCertificate", why);
	}
	p = spki = ASN1_STRING_get0_data(tc->tbs->spki);
	len = ASN1_STRING_length(tc->tbs->spki);
	tc->spki = (TBS_SPKI *)ASN1_item_d2i(NULL, &p, len,
	    ASN1_ITEM_rptr(TBS_SPKI));
	if (tc->spki == NULL || p != spki + len) {
		ERR_clear_error();
		return signer_refuse(why, c->key, "payload is not a "
		    "TBSCertificate (subjectPublicKeyInfo is not an "
		    "AlgorithmIdentifier and a BIT STRING, RFC 5280 "
		    "§4.1.2.7)");
	}
	return 1;
}

/*
 * Both encodings decoded must be DER. The SPKI needs its own check: the
 * TBS template re-encodes it as it came, BER or not.
 */
static int
tbs_cert_check_der(const struct tbs_check *c, const struct tbs_cert *tc,
    struct signer_reason *why)
{
	unsigned char *re = NULL;
	int re_len;

	re_len = ASN1_item_i2d((ASN1_VALUE *)tc->tbs, &re,
	    ASN1_ITEM_rptr(TBS_CERT));
	if (!tbs_check_der(c, re, re_len, c->tbs, c->len, "TBSCertificate",
	    why))
		return 0;
	re = NULL;
	re_len = ASN1_item_i2d((ASN1_VALUE *)tc->spki, &re,
	    ASN1_ITEM_rptr(TBS_SPKI));
	return tbs_check_der(c, re, re_len,
	    ASN1_STRING_get0_data(tc->tbs->spki),
	    (size_t)ASN1_STRING_length(tc->tbs->spki), "TBSCertificate", why);
}

/* Frees v, the value X509V3_get_d2i() decoded from extension nid. */
static void
tbs_cert_ext_free(int nid, void *v)
{
	const X509V3_EXT_METHOD *m;

	if (v == NULL || (m = X509V3_EXT_get_nid(nid)) == NULL)
		return;
	if (m->it != NULL)
		ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
	else if (m->ext_free != NULL)
		m->ext_free(v);
}

/* RFC 5280 §4.2.1.9: pathLenConstraint is 0 or more. */
static int
tbs_cert_ext_bc(const BASIC_CONSTRAINTS *bc, int *is_ca)
{
	*is_ca = bc->ca != 0;
	return bc->pathlen == NULL || bc->pathlen->type != V_ASN1_NEG_INTEGER;
}

/*
 * RFC 5280 §4.2.1.3: at least one bit is set, of the first two octets
 * (those OpenSSL reads).
 */
static int
tbs_cert_ext_ku(const ASN1_BIT_STRING *ku)
{
	const unsigned char *d = ASN1_STRING_get0_data(ku);
	int n = ASN1_STRING_length(ku);

	return (n > 0 && d[0] != 0) || (n > 1 && d[1] != 0);
}

/*
 * RFC 3820 §3.2, §3.5, §3.7: a proxy certificate has no alternative
 * names and is no CA.
 */
static int
tbs_cert_ext_proxy(const STACK_OF(X509_EXTENSION) *exts, int is_ca)
{
	return !is_ca &&
	    X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1) < 0 &&
	    X509v3_get_ext_by_NID(exts, NID_issuer_alt_name, -1) < 0;
}

/*
 * RFC 5280 §4.2.1.13: a DistributionPoint MUST NOT consist of only the
 * reasons field.
 */
static int
tbs_cert_ext_crldp(const CRL_DIST_POINTS *dps)
{
	const DIST_POINT *dp;
	int i;

	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL &&
		    sk_GENERAL_NAME_num(dp->CRLissuer) <= 0)
			return 0;
	}
	return 1;
}

/*
 * The rules OpenSSL adds to the decoding of a vetted extension nid
 * (value v, freed here); basicConstraints sets *is_ca, which proxyCertInfo,
 * after it, reads.
 */
static int
tbs_cert_ext_vet(const STACK_OF(X509_EXTENSION) *exts, int nid, void *v,
    int *is_ca)
{
	int ok;

	switch (nid) {
	case NID_basic_constraints:
		ok = tbs_cert_ext_bc(v, is_ca);
		break;
	case NID_proxyCertInfo:
		ok = tbs_cert_ext_proxy(exts, *is_ca);
		break;
	case NID_key_usage:
		ok = tbs_cert_ext_ku(v);
		break;
	case NID_crl_distribution_points:
		ok = tbs_cert_ext_crldp(v);
		break;
	default:
		ok = 1;
		break;
	}
	tbs_cert_ext_free(nid, v);
	return ok;
}

/*
 * RFC 5280 §4.2: "A certificate MUST NOT include more than one instance
 * of a particular extension."
 */
static int
tbs_cert_exts_unique(const STACK_OF(X509_EXTENSION) *exts)
{
	const ASN1_OBJECT *obj;
	int i, j, n = sk_X509_EXTENSION_num(exts);

	for (i = 0; i < n; i++) {
		obj = X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts,
		    i));
		for (j = i + 1; j < n; j++)
			if (OBJ_cmp(obj, X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j))) == 0)
				return 0;
	}
	return 1;
}

/*
 * No extension twice, and the vetted ones well formed. *is_ca is
 * basicConstraints cA (FALSE without the extension).
 */
static int
tbs_cert_check_exts(const struct tbs_check *c,
    const STACK_OF(X509_EXTENSION) *exts, int *is_ca,
    struct signer_reason *why)
{
	size_t i;
	void *v;
	int crit;

	*is_ca = 0;
	if (!tbs_cert_exts_unique(exts))
		goto bad;
	for (i = 0; i < sizeof(tbs_cert_vetted) / sizeof(tbs_cert_vetted[0]);
	    i++) {
		/* crit -1: absent; 0 or 1: present but malformed. */
		v = X509V3_get_d2i(exts, tbs_cert_vetted[i], &crit, NULL);
		if (v == NULL && crit != -1)
			goto bad;
		if (v != NULL && !tbs_cert_ext_vet(exts, tbs_cert_vetted[i], v,
		    is_ca))
			goto bad;
	}
	return 1;
 bad:
	ERR_clear_error();
	return signer_refuse(why, c->key, "TBS has a malformed or repeated "
	    "extension (RFC 5280 §4.2)");
}

/* SIGN_CERT is for end entities, SIGN_CA_CERT for CAs only. */
static int
tbs_cert_check_ca(const struct tbs_check *c, const TBS_CERT *tbs,
    struct signer_reason *why)
{
	int is_ca;

	if (!tbs_cert_check_exts(c, tbs->exts, &is_ca, why))
		return 0;
	if (c->op == SIGNER_OP_SIGN_CERT && is_ca)
		return signer_refuse(why, c->key, "SIGN_CERT refuses a TBS "
		    "with basicConstraints cA TRUE; use SIGN_CA_CERT");
	if (c->op == SIGNER_OP_SIGN_CA_CERT && !is_ca)
		return signer_refuse(why, c->key, "SIGN_CA_CERT needs "
		    "basicConstraints cA TRUE (RFC 5280 §4.2.1.9)");
	return 1;
}

/* *cmp is a's order relative to b; 0 if either time is invalid. */
static int
tbs_time_cmp(const ASN1_TIME *a, const ASN1_TIME *b, int *cmp)
{
	return (*cmp = ASN1_TIME_compare(a, b)) != -2;
}

/* The bound certificates' earliest notBefore and latest notAfter. */
static int
tbs_cert_bound_validity(const struct tbs_check *c, const ASN1_TIME **first,
    const ASN1_TIME **last)
{
	const ASN1_TIME *nb, *na;
	int i, cmp;

	*first = *last = NULL;
	for (i = 0; i < sk_X509_num(c->certs); i++) {
		nb = X509_get0_notBefore(sk_X509_value(c->certs, i));
		na = X509_get0_notAfter(sk_X509_value(c->certs, i));
		if (*first == NULL || (tbs_time_cmp(nb, *first, &cmp) &&
		    cmp < 0))
			*first = nb;
		if (*last == NULL || (tbs_time_cmp(na, *last, &cmp) &&
		    cmp > 0))
			*last = na;
	}
	return *first != NULL && *last != NULL;
}

/* A certificate may not outlive, nor predate, the CA's own. */
static int
tbs_cert_check_validity(const struct tbs_check *c, const X509_VAL *val,
    struct signer_reason *why)
{
	const ASN1_TIME *first, *last;
	int before, after;

	if (!tbs_cert_bound_validity(c, &first, &last) ||
	    !tbs_time_cmp(val->notBefore, first, &before) ||
	    !tbs_time_cmp(val->notAfter, last, &after))
		return signer_refuse(why, c->key, "TBS validity holds an "
		    "invalid time (RFC 5280 §4.1.2.5)");
	if (before < 0)
		return signer_refuse(why, c->key, "TBS notBefore is before "
		    "the key's earliest certificate notBefore");
	if (after > 0)
		return signer_refuse(why, c->key, "TBS notAfter is after the "
		    "key's latest certificate notAfter");
	return 1;
}

/* spki is the DER of the key's own public key. */
static int
tbs_cert_own_key(const struct tbs_check *c, const ASN1_STRING *spki)
{
	const unsigned char *der = ASN1_STRING_get0_data(spki), *p = der;
	int len = ASN1_STRING_length(spki), ok;
	EVP_PKEY *pub;

	pub = d2i_PUBKEY(NULL, &p, len);
	ok = pub != NULL && p == der + len && EVP_PKEY_eq(pub, c->pkey) == 1;
	EVP_PKEY_free(pub);
	ERR_clear_error();
	return ok;
}

/* Without a bound certificate, only the key's own root may be signed. */
static int
tbs_cert_check_self_signed(const struct tbs_check *c, const TBS_CERT *tbs,
    struct signer_reason *why)
{
	if (c->op != SIGNER_OP_SIGN_CA_CERT)
		return signer_refuse(why, c->key, "key has no bound "
		    "certificate; bind its CA certificate first");
	if (X509_NAME_cmp(tbs->issuer, tbs->subject) != 0)
		return signer_refuse(why, c->key, "key has no bound "
		    "certificate and the TBS is not self-issued (issuer "
		    "differs from subject)");
	if (!tbs_cert_own_key(c, tbs->spki))
		return signer_refuse(why, c->key, "key has no bound "
		    "certificate and the TBS subject public key is not the "
		    "key's own");
	return 1;
}

int
tbs_cert_check(const struct tbs_check *c, struct signer_reason *why)
{
	struct tbs_cert tc = { NULL, NULL };
	int ok = 0;

	if (!tbs_cert_decode(c, &tc, why) ||
	    !tbs_cert_check_der(c, &tc, why) ||
	    !tbs_check_alg(c, tc.tbs->sigalg, why) ||
	    !tbs_cert_check_ca(c, tc.tbs, why))
		goto out;
	if (sk_X509_num(c->certs) == 0)
		ok = tbs_cert_check_self_signed(c, tc.tbs, why);
	else
		ok = tbs_check_issuer(c, tc.tbs->issuer, "RFC 5280 §4.1.2.4",
		    why) &&
		    tbs_cert_check_validity(c, tc.tbs->validity, why);
 out:
	tbs_cert_clear(&tc);
	return ok;
}
