#include "keys/tbs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/rsa.h>

#include "util/log.h"
#include "x509/crlent.h"

/*
 * SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }: the shape shared by
 * Certificate, CertificateList and BasicOCSPResponse. Wrapping a TBS in
 * it with an empty signature lets OpenSSL's own d2i parse the TBS, with
 * no hand-written DER. CRLs and OCSP responses use it; a TBSCertificate
 * has a template of its own (tbs_cert.c), which leaves the subject
 * public key undecoded.
 */
typedef struct {
	ASN1_TYPE	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} TBS_SIGNED;

ASN1_SEQUENCE(TBS_SIGNED) = {
	ASN1_SIMPLE(TBS_SIGNED, tbs, ASN1_ANY),
	ASN1_SIMPLE(TBS_SIGNED, alg, X509_ALGOR),
	ASN1_SIMPLE(TBS_SIGNED, sig, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(TBS_SIGNED)

/*
 * TBSCertList (RFC 5280 §5.1), as OpenSSL's X509_CRL_INFO but with
 * revokedCertificates left as its whole DER (ASN1_SEQUENCE): a CRL of a
 * million entries is checked entry by entry in place (x509/crlent.h),
 * not decoded into a million X509_REVOKED. OpenSSL 3.0 also has no
 * accessor for the inner signature algorithm of a CRL.
 */
typedef struct {
	ASN1_INTEGER	*version;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	ASN1_TIME	*this_update;
	ASN1_TIME	*next_update;
	ASN1_STRING	*revoked;
	STACK_OF(X509_EXTENSION) *exts;
} TBS_CERTLIST;

ASN1_SEQUENCE(TBS_CERTLIST) = {
	ASN1_OPT(TBS_CERTLIST, version, ASN1_INTEGER),
	ASN1_SIMPLE(TBS_CERTLIST, sigalg, X509_ALGOR),
	ASN1_SIMPLE(TBS_CERTLIST, issuer, X509_NAME),
	ASN1_SIMPLE(TBS_CERTLIST, this_update, ASN1_TIME),
	ASN1_OPT(TBS_CERTLIST, next_update, ASN1_TIME),
	ASN1_OPT(TBS_CERTLIST, revoked, ASN1_SEQUENCE),
	ASN1_EXP_SEQUENCE_OF_OPT(TBS_CERTLIST, exts, X509_EXTENSION, 0),
} static_ASN1_SEQUENCE_END(TBS_CERTLIST)

/*
 * Entry extensions already found DER, by their bytes: entries share a
 * handful of encodings (one per reason code), so each is decoded once.
 */
#define TBS_EXTS_SEEN	16

struct tbs_exts_seen {
	const unsigned char *der[TBS_EXTS_SEEN];
	size_t		 len[TBS_EXTS_SEEN];
	size_t		 n, next;
};

/* Signature algorithm of each digest, PKCS#1 v1.5 (RFC 4055, RFC 3279). */
static const int tbs_alg_nid[SIGNER_MD_MAX] = {
	[SIGNER_MD_SHA1] = NID_sha1WithRSAEncryption,
	[SIGNER_MD_SHA256] = NID_sha256WithRSAEncryption,
	[SIGNER_MD_SHA384] = NID_sha384WithRSAEncryption,
	[SIGNER_MD_SHA512] = NID_sha512WithRSAEncryption,
};

/* c->tbs as one whole SEQUENCE, or NULL. */
static ASN1_TYPE *
tbs_d2i_sequence(const struct tbs_check *c)
{
	const unsigned char *p = c->tbs;
	ASN1_TYPE *t = NULL;

	if (c->len > LONG_MAX ||
	    (t = d2i_ASN1_TYPE(NULL, &p, (long)c->len)) == NULL ||
	    p != c->tbs + c->len || ASN1_TYPE_get(t) != V_ASN1_SEQUENCE) {
		ERR_clear_error();
		ASN1_TYPE_free(t);
		return NULL;
	}
	return t;
}

int
tbs_refuse_malformed(const struct tbs_check *c, const char *what,
    struct signer_reason *why)
{
	ASN1_TYPE *t;

	if ((t = tbs_d2i_sequence(c)) == NULL)
		return signer_refuse(why, c->key, "payload is not one DER "
		    "SEQUENCE");
	ASN1_TYPE_free(t);
	return signer_refuse(why, c->key, "payload is not a %s", what);
}

/* Wraps c->tbs in TBS_SIGNED; the DER is OPENSSL_malloc'd. */
static unsigned char *
tbs_wrap(const struct tbs_check *c, int *len, struct signer_reason *why)
{
	TBS_SIGNED w = { NULL, NULL, NULL };
	unsigned char *der = NULL;

	if ((w.tbs = tbs_d2i_sequence(c)) == NULL) {
		signer_refuse(why, c->key, "payload is not one DER SEQUENCE");
		goto out;
	}
	if ((w.alg = X509_ALGOR_new()) == NULL ||
	    !X509_ALGOR_set0(w.alg, OBJ_nid2obj(NID_sha256WithRSAEncryption),
	    V_ASN1_NULL, NULL) ||
	    (w.sig = ASN1_BIT_STRING_new()) == NULL ||
	    (*len = ASN1_item_i2d((ASN1_VALUE *)&w, &der,
	    ASN1_ITEM_rptr(TBS_SIGNED))) <= 0) {
		log_openssl("key %s: cannot wrap the TBS", c->key);
		signer_refuse(why, c->key, "out of memory");
		der = NULL;
	}
 out:
	ASN1_TYPE_free(w.tbs);
	X509_ALGOR_free(w.alg);
	ASN1_BIT_STRING_free(w.sig);
	return der;
}

/* Parses the wrapped TBS as item it (X509, X509_CRL, OCSP_BASICRESP). */
static ASN1_VALUE *
tbs_d2i_wrapped(const struct tbs_check *c, const ASN1_ITEM *it,
    const char *what, struct signer_reason *why)
{
	const unsigned char *p;
	unsigned char *der;
	ASN1_VALUE *v;
	int len = 0;

	if ((der = tbs_wrap(c, &len, why)) == NULL)
		return NULL;
	p = der;
	if ((v = ASN1_item_d2i(NULL, &p, len, it)) == NULL || p != der + len) {
		ERR_clear_error();
		signer_refuse(why, c->key, "payload is not a %s", what);
		ASN1_item_free(v, it);
		v = NULL;
	}
	OPENSSL_free(der);
	return v;
}

int
tbs_check_der(const struct tbs_check *c, unsigned char *re, int re_len,
    const unsigned char *der, size_t len, const char *what,
    struct signer_reason *why)
{
	int ok;

	ok = re_len > 0 && (size_t)re_len == len &&
	    memcmp(re, der, len) == 0;
	OPENSSL_free(re);
	if (!ok)
		return signer_refuse(why, c->key, "%s is not DER (X.690 "
		    "§10)", what);
	return 1;
}

/* RFC 5280 §4.1.2.3, §5.1.2.2: the inner algorithm is the one used. */
int
tbs_check_alg(const struct tbs_check *c, const X509_ALGOR *alg,
    struct signer_reason *why)
{
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype;

	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) != tbs_alg_nid[c->md])
		return signer_refuse(why, c->key, "TBS signature algorithm "
		    "is not %s as requested (RFC 5280 §4.1.2.3)",
		    OBJ_nid2ln(tbs_alg_nid[c->md]));
	if (ptype != V_ASN1_NULL)
		return signer_refuse(why, c->key, "TBS signature algorithm "
		    "parameters must be NULL (RFC 4055 §5)");
	return 1;
}

/* The key's certificates all share one subject (filekey.c). */
int
tbs_check_issuer(const struct tbs_check *c, const X509_NAME *issuer,
    const char *rule, struct signer_reason *why)
{
	X509 *ca = sk_X509_value(c->certs, 0);

	if (X509_NAME_cmp(issuer, X509_get_subject_name(ca)) != 0)
		return signer_refuse(why, c->key, "TBS issuer does not match "
		    "the key's certificate subject (%s)", rule);
	return 1;
}

/*
 * crlEntryExtensions der[0..len) decode as a SEQUENCE OF Extension and
 * are DER, as they were when the whole TBS went through d2i_X509_CRL.
 */
static int
tbs_crl_exts_ok(struct tbs_exts_seen *seen, const unsigned char *der,
    size_t len)
{
	const unsigned char *p = der;
	X509_EXTENSIONS *exts;
	unsigned char *re = NULL;
	size_t i;
	int re_len, ok;

	for (i = 0; i < seen->n; i++)
		if (seen->len[i] == len && memcmp(seen->der[i], der, len) == 0)
			return 1;
	exts = d2i_X509_EXTENSIONS(NULL, &p, (long)len);
	ok = exts != NULL && p == der + len &&
	    (re_len = i2d_X509_EXTENSIONS(exts, &re)) > 0 &&
	    (size_t)re_len == len && memcmp(re, der, len) == 0;
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	OPENSSL_free(re);
	ERR_clear_error();
	if (ok) {
		seen->der[seen->next] = der;
		seen->len[seen->next] = len;
		seen->next = (seen->next + 1) % TBS_EXTS_SEEN;
		if (seen->n < TBS_EXTS_SEEN)
			seen->n++;
	}
	return ok;
}

/* Every entry of revokedCertificates is a DER CRL entry. */
static int
tbs_check_crl_entries(const struct tbs_check *c, const ASN1_STRING *list,
    struct signer_reason *why)
{
	struct tbs_exts_seen seen = { .n = 0 };
	struct crlent_iter it;
	struct crlent e;
	long i = 0;
	int r;

	if (list == NULL)
		return 1;
	if (!crlent_begin(&it, ASN1_STRING_get0_data(list),
	    (size_t)ASN1_STRING_length(list)))
		return signer_refuse(why, c->key, "TBSCertList is not DER "
		    "(X.690 §10): revokedCertificates");
	while ((r = crlent_next(&it, &e)) == 1) {
		if (e.exts != NULL && !tbs_crl_exts_ok(&seen, e.exts,
		    e.exts_len))
			break;
		i++;
	}
	if (r != 0)
		return signer_refuse(why, c->key, "TBSCertList "
		    "revokedCertificates entry %ld is not a DER CRL entry "
		    "(RFC 5280 §5.1.2.6, X.690 §10)", i);
	return 1;
}

/*
 * One decoding of the TBS, with the entries read in place: the whole is
 * DER (the header re-encoded, each entry checked), the inner algorithm is
 * the one requested and the issuer is the key's CA (RFC 5280 §5.1.2.3).
 */
static int
tbs_check_crl(const struct tbs_check *c, struct signer_reason *why)
{
	const unsigned char *p = c->tbs;
	unsigned char *re = NULL;
	TBS_CERTLIST *tl;
	int re_len, ok = 0;

	if (sk_X509_num(c->certs) == 0)
		return signer_refuse(why, c->key, "key has no bound "
		    "certificate; bind its CA certificate first");
	tl = (TBS_CERTLIST *)ASN1_item_d2i(NULL, &p, (long)c->len,
	    ASN1_ITEM_rptr(TBS_CERTLIST));
	if (tl == NULL || p != c->tbs + c->len) {
		ERR_clear_error();
		ok = tbs_refuse_malformed(c, "TBSCertList", why);
		goto out;
	}
	re_len = ASN1_item_i2d((ASN1_VALUE *)tl, &re,
	    ASN1_ITEM_rptr(TBS_CERTLIST));
	ok = tbs_check_der(c, re, re_len, c->tbs, c->len, "TBSCertList",
	    why) &&
	    tbs_check_crl_entries(c, tl->revoked, why) &&
	    tbs_check_alg(c, tl->sigalg, why) &&
	    tbs_check_issuer(c, tl->issuer, "RFC 5280 §5.1.2.3", why);
 out:
	ASN1_item_free((ASN1_VALUE *)tl, ASN1_ITEM_rptr(TBS_CERTLIST));
	return ok;
}

/* RFC 6960 §4.2.2.3: the responder is named by subject or key hash. */
static int
tbs_check_responder(const struct tbs_check *c, const OCSP_BASICRESP *bs,
    struct signer_reason *why)
{
	const ASN1_OCTET_STRING *pid = NULL;
	const X509_NAME *pname = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len;
	X509 *cert = sk_X509_value(c->certs, 0);

	if (!OCSP_resp_get0_id(bs, &pid, &pname))
		return signer_refuse(why, c->key, "ResponseData has no "
		    "responderID");
	if (pname != NULL) {
		if (X509_NAME_cmp(pname, X509_get_subject_name(cert)) != 0)
			return signer_refuse(why, c->key, "responderID byName "
			    "does not match the key's certificate subject "
			    "(RFC 6960 §4.2.2.3)");
		return 1;
	}
	if (!X509_pubkey_digest(cert, EVP_sha1(), md, &md_len)) {
		log_openssl("key %s: cannot hash the public key", c->key);
		return signer_refuse(why, c->key, "cannot hash the public key");
	}
	if (pid == NULL || ASN1_STRING_length(pid) != (int)md_len ||
	    memcmp(ASN1_STRING_get0_data(pid), md, md_len) != 0)
		return signer_refuse(why, c->key, "responderID byKey is not "
		    "the SHA-1 of the key's public key (RFC 6960 §4.2.2.3)");
	return 1;
}

/* The ResponseData itself must be whole DER before anything else. */
static int
tbs_check_respdata(const struct tbs_check *c, struct signer_reason *why)
{
	const unsigned char *p = c->tbs;
	unsigned char *re = NULL;
	OCSP_RESPDATA *rd;
	int re_len, ok;

	if ((rd = d2i_OCSP_RESPDATA(NULL, &p, (long)c->len)) == NULL ||
	    p != c->tbs + c->len) {
		ERR_clear_error();
		OCSP_RESPDATA_free(rd);
		return signer_refuse(why, c->key, "payload is not an OCSP "
		    "ResponseData");
	}
	re_len = i2d_OCSP_RESPDATA(rd, &re);
	ok = tbs_check_der(c, re, re_len, c->tbs, c->len, "ResponseData",
	    why);
	OCSP_RESPDATA_free(rd);
	return ok;
}

static int
tbs_check_ocsp(const struct tbs_check *c, struct signer_reason *why)
{
	OCSP_BASICRESP *bs;
	int ok;

	if (sk_X509_num(c->certs) == 0)
		return signer_refuse(why, c->key, "key has no bound "
		    "certificate; bind the responder's certificate first");
	if (!tbs_check_respdata(c, why))
		return 0;
	/* OCSP_RESPDATA is opaque; a wrapped BasicOCSPResponse is not. */
	if ((bs = (OCSP_BASICRESP *)tbs_d2i_wrapped(c,
	    ASN1_ITEM_rptr(OCSP_BASICRESP), "ResponseData", why)) == NULL)
		return 0;
	ok = tbs_check_responder(c, bs, why);
	OCSP_BASICRESP_free(bs);
	return ok;
}

int
tbs_check(const struct tbs_check *c, struct signer_reason *why)
{
	if ((unsigned int)c->md >= SIGNER_MD_MAX)
		return signer_refuse(why, c->key, "unknown digest");
	if (!EVP_PKEY_is_a(c->pkey, "RSA"))
		return signer_refuse(why, c->key, "not an RSA key; only "
		    "RSASSA-PKCS1-v1_5 is supported");
	if (c->len > LONG_MAX)
		return signer_refuse(why, c->key, "payload too long");
	switch (c->op) {
	case SIGNER_OP_SIGN_CERT:
	case SIGNER_OP_SIGN_CA_CERT:
		return tbs_cert_check(c, why);
	case SIGNER_OP_SIGN_CRL:
		return tbs_check_crl(c, why);
	case SIGNER_OP_SIGN_OCSP:
		return tbs_check_ocsp(c, why);
	default:
		return signer_refuse(why, c->key, "not a signing operation");
	}
}

int
tbs_sign(EVP_PKEY *pkey, enum signer_md md, const unsigned char *tbs,
    size_t len, unsigned char **sig, size_t *sig_len)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *ctx;
	unsigned char *buf = NULL;
	size_t n = 0;
	int ok = 0;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestSignInit_ex(ctx, &pctx, signer_md_name(md), NULL, NULL,
	    pkey, NULL) ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0 ||
	    !EVP_DigestSign(ctx, NULL, &n, tbs, len) ||
	    (buf = OPENSSL_malloc(n)) == NULL ||
	    !EVP_DigestSign(ctx, buf, &n, tbs, len)) {
		log_openssl("signer: %s signature failed",
		    signer_md_name(md));
		goto out;
	}
	*sig = buf;
	*sig_len = n;
	buf = NULL;
	ok = 1;
 out:
	OPENSSL_free(buf);
	EVP_MD_CTX_free(ctx);
	return ok;
}
