#include "x509/cert.h"

#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "util/log.h"
#include "x509/ext.h"
#include "x509/signed.h"

int
cert_sig_nid(enum signer_md md)
{
	switch (md) {
	case SIGNER_MD_SHA1:
		return NID_sha1WithRSAEncryption;
	case SIGNER_MD_SHA256:
		return NID_sha256WithRSAEncryption;
	case SIGNER_MD_SHA384:
		return NID_sha384WithRSAEncryption;
	case SIGNER_MD_SHA512:
		return NID_sha512WithRSAEncryption;
	case SIGNER_MD_MAX:
		break;
	}
	return NID_undef;
}

/*
 * OpenSSL has no setter for an unsigned certificate's algorithm: the
 * AlgorithmIdentifiers are ours (we made x), so fill them in place. RSA
 * PKCS#1 v1.5 parameters are NULL (RFC 4055 §5).
 */
static int
cert_set_sigalg(X509 *x, enum signer_md md)
{
	const X509_ALGOR *inner = X509_get0_tbs_sigalg(x);
	const X509_ALGOR *outer;
	int nid = cert_sig_nid(md);

	X509_get0_signature(NULL, &outer, x);
	if (nid == NID_undef)
		return 0;
	return X509_ALGOR_set0((X509_ALGOR *)inner, OBJ_nid2obj(nid),
	    V_ASN1_NULL, NULL) &&
	    X509_ALGOR_set0((X509_ALGOR *)outer, OBJ_nid2obj(nid),
	    V_ASN1_NULL, NULL);
}

/* RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after. */
static int
cert_set_validity(X509 *x, time_t nb, time_t na)
{
	ASN1_TIME *t;
	int ok;

	if ((t = ASN1_TIME_set(NULL, nb)) == NULL)
		return 0;
	ok = X509_set1_notBefore(x, t);
	ASN1_TIME_free(t);
	if (!ok || (t = ASN1_TIME_set(NULL, na)) == NULL)
		return 0;
	ok = X509_set1_notAfter(x, t);
	ASN1_TIME_free(t);
	return ok;
}

/* The subject key as received: algorithm and key bytes, no key codec. */
static int
cert_copy_spki(X509 *x, const X509_PUBKEY *from)
{
	const unsigned char *pk;
	unsigned char *copy;
	ASN1_OBJECT *obj, *dup;
	X509_ALGOR *alg;
	const void *pval;
	int len, ptype;

	if (!X509_PUBKEY_get0_param(&obj, &pk, &len, &alg, from))
		return 0;
	X509_ALGOR_get0(NULL, &ptype, &pval, alg);
	/* RSA parameters are NULL (RFC 3279 §2.3.1); nothing else is copied. */
	if (ptype != V_ASN1_NULL || OBJ_obj2nid(obj) != NID_rsaEncryption ||
	    len <= 0)
		return 0;
	if ((dup = OBJ_dup(obj)) == NULL)
		return 0;
	if ((copy = OPENSSL_memdup(pk, (size_t)len)) == NULL) {
		ASN1_OBJECT_free(dup);
		return 0;
	}
	if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), dup, V_ASN1_NULL,
	    NULL, copy, len)) {
		ASN1_OBJECT_free(dup);
		OPENSSL_free(copy);
		return 0;
	}
	return 1;
}

static int
cert_set_key(X509 *x, const struct cert_spec *spec)
{
	if (spec->spki != NULL)
		return cert_copy_spki(x, spec->spki);
	return X509_set_pubkey(x, spec->pubkey);
}

X509 *
cert_build(const struct cert_spec *spec)
{
	X509 *x = NULL, *res = NULL;

	if ((x = X509_new()) == NULL)
		goto out;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, (ASN1_INTEGER *)spec->serial) ||
	    !X509_set_subject_name(x, spec->subject) ||
	    !X509_set_issuer_name(x, spec->issuer) ||
	    !cert_set_key(x, spec) ||
	    !cert_set_validity(x, spec->not_before, spec->not_after) ||
	    !cert_set_sigalg(x, spec->md))
		goto out;
	for (const enum cert_ext *e = spec->order; *e != CERT_EXT_END; e++) {
		if (!ext_add(x, spec, *e)) {
			log_openssl("certificate: cannot add extension %d", *e);
			goto out;
		}
	}
	res = x;
	x = NULL;
 out:
	if (res == NULL)
		log_openssl("certificate: cannot build the TBSCertificate");
	X509_free(x);
	return res;
}

int
cert_tbs(X509 *x, unsigned char **tbs, size_t *tbs_len)
{
	int len;

	*tbs = NULL;
	if ((len = i2d_re_X509_tbs(x, tbs)) <= 0) {
		log_openssl("certificate: cannot encode the TBSCertificate");
		return 0;
	}
	*tbs_len = (size_t)len;
	return 1;
}

X509 *
cert_assemble(const unsigned char *tbs, size_t tbs_len, enum signer_md md,
    const unsigned char *sig, size_t sig_len)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len;
	X509 *x = NULL;

	if (!signed_encode(tbs, tbs_len, cert_sig_nid(md), sig, sig_len,
	    &der, &len) || len > LONG_MAX)
		goto out;
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL ||
	    p != der + len) {
		X509_free(x);
		x = NULL;
	}
 out:
	if (x == NULL)
		log_openssl("certificate: cannot assemble the signed certificate");
	OPENSSL_free(der);
	return x;
}

X509 *
cert_sign(X509 *x, struct signer *s, enum signer_op op, const char *key,
    enum signer_md md)
{
	unsigned char *tbs = NULL, *sig = NULL;
	size_t tbs_len, sig_len;
	X509 *res = NULL;

	if (!cert_tbs(x, &tbs, &tbs_len))
		goto out;
	if (!signer_sign(s, op, key, md, tbs, tbs_len, &sig, &sig_len))
		goto out;
	res = cert_assemble(tbs, tbs_len, md, sig, sig_len);
 out:
	OPENSSL_free(tbs);
	free(sig);
	return res;
}

ASN1_INTEGER *
cert_serial_new(void)
{
	unsigned char buf[16];
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn;

	if (RAND_bytes(buf, sizeof(buf)) != 1) {
		log_openssl("serial: CSPRNG failed");
		return NULL;
	}
	/* Positive (top bit clear) and exactly 16 octets (next bit set). */
	buf[0] = (unsigned char)((buf[0] & 0x7f) | 0x40);
	if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) != NULL)
		serial = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	OPENSSL_cleanse(buf, sizeof(buf));
	return serial;
}

char *
cert_serial_hex(const ASN1_INTEGER *serial)
{
	BIGNUM *bn;
	char *hex = NULL;

	if ((bn = ASN1_INTEGER_to_BN(serial, NULL)) != NULL)
		hex = BN_bn2hex(bn);
	BN_free(bn);
	return hex;
}

time_t
cert_add_months(time_t t, int months)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	struct tm tm;
	int dim, year;

	if (gmtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	tm.tm_mon += months;
	tm.tm_year += tm.tm_mon / 12;
	tm.tm_mon %= 12;
	if (tm.tm_mon < 0) {	/* months < 0: C division truncates */
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	year = tm.tm_year + 1900;
	dim = mdays[tm.tm_mon];
	if (tm.tm_mon == 1 && ((year % 4 == 0 && year % 100 != 0) ||
	    year % 400 == 0))
		dim = 29;
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	return timegm(&tm);
}
