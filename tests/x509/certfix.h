/*
 * Test fixtures shared by tests/x509 and tests/lint: test keys from
 * tests/data/x509/, a filled-in cert_spec for each profile of
 * src/x509/profile.c (the values issuance would put in), and in-process
 * signing of the TBS bytes so no signer process is needed.
 *
 * The keys under tests/data/x509/ are test keys only (README there).
 */
#ifndef INKAN_TESTS_X509_CERTFIX_H
#define INKAN_TESTS_X509_CERTFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "x509/cert.h"
#include "x509/name.h"
#include "x509/oid.h"
#include "x509/profile.h"

#define FIX_UNUSED __attribute__((unused))

#define FIX_CPS_URL	"http://repo.example.jp/repository/"
#define FIX_CRL_URL	"http://repo.example.jp/ca1/fullCRL.crl"
#define FIX_LDAP_URL	"ldap://ldap.example.jp/CN=Example%20Issuing%20CA," \
	"O=Example%20Trust,C=JP?certificateRevocationList"
#define FIX_OCSP_URL	"http://ocsp.example.jp/ca1"
#define FIX_ISSUERS_URL	"http://repo.example.jp/ca1/ca1.cer"
#define FIX_EMAIL	"taro@example.jp"

/* Reads tests/data/<kind>/<name> whole; NULL if it cannot. */
static FIX_UNUSED unsigned char *
fix_read(const char *kind, const char *name, size_t *len)
{
	const char *dir = getenv("INKAN_TEST_DATA");
	char path[1024];
	unsigned char *buf = NULL;
	long size;
	FILE *fp;

	if (dir == NULL)
		dir = "tests/data";
	snprintf(path, sizeof(path), "%s/%s/%s", dir, kind, name);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)size + 1)) != NULL) {
		if (fread(buf, 1, (size_t)size, fp) != (size_t)size) {
			free(buf);
			buf = NULL;
		} else {
			buf[size] = '\0';
			*len = (size_t)size;
		}
	}
	fclose(fp);
	return buf;
}

/* A private key from tests/data/x509/<name>; NULL if it cannot. */
static FIX_UNUSED EVP_PKEY *
fix_key(const char *name)
{
	unsigned char *pem;
	size_t len;
	EVP_PKEY *key = NULL;
	BIO *b;

	if ((pem = fix_read("x509", name, &len)) == NULL)
		return NULL;
	if ((b = BIO_new_mem_buf(pem, (int)len)) != NULL)
		key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	free(pem);
	return key;
}

static FIX_UNUSED const EVP_MD *
fix_md(enum signer_md md)
{
	switch (md) {
	case SIGNER_MD_SHA1:
		return EVP_sha1();
	case SIGNER_MD_SHA256:
		return EVP_sha256();
	case SIGNER_MD_SHA384:
		return EVP_sha384();
	case SIGNER_MD_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

/* RSA PKCS#1 v1.5 signature over tbs; malloc'd, NULL on failure. */
static FIX_UNUSED unsigned char *
fix_sign_bytes(EVP_PKEY *key, enum signer_md md, const unsigned char *tbs,
    size_t tbs_len, size_t *sig_len)
{
	EVP_MD_CTX *ctx;
	unsigned char *sig = NULL;
	size_t len = 0;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestSignInit(ctx, NULL, fix_md(md), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, NULL, &len, tbs, tbs_len) == 1 &&
	    (sig = malloc(len)) != NULL &&
	    EVP_DigestSign(ctx, sig, &len, tbs, tbs_len) != 1) {
		free(sig);
		sig = NULL;
	}
	EVP_MD_CTX_free(ctx);
	*sig_len = len;
	return sig;
}

/*
 * Signs x the way issuance does, but in-process: cert_tbs, a signature
 * over those bytes, cert_assemble declaring outer_md. NULL on failure.
 */
static FIX_UNUSED X509 *
fix_sign(X509 *x, EVP_PKEY *key, enum signer_md md, enum signer_md outer_md)
{
	unsigned char *tbs = NULL, *sig = NULL;
	size_t tbs_len, sig_len;
	X509 *res = NULL;

	if (cert_tbs(x, &tbs, &tbs_len) &&
	    (sig = fix_sign_bytes(key, md, tbs, tbs_len, &sig_len)) != NULL)
		res = cert_assemble(tbs, tbs_len, outer_md, sig, sig_len);
	OPENSSL_free(tbs);
	free(sig);
	return res;
}

/* Everything a spec points to, owned here. */
struct fix_cert {
	struct cert_spec spec;
	const struct profile *profile;
	const char	*policy_oid;	/* what lint_input.policy_oid gets */
	X509_NAME	*subject;
	X509_NAME	*issuer;
	ASN1_INTEGER	*serial;
	ASN1_OCTET_STRING *issuer_keyid;
	GENERAL_NAMES	*san;
	enum cert_ext	 order[CERT_EXT_MAX + 1];
};

static FIX_UNUSED const char *
fix_subject(enum profile_id id)
{
	switch (id) {
	case PROFILE_ROOT:
		return "/C=JP/O=Example Trust/CN=Example Root CA";
	case PROFILE_CA_SHA1:
	case PROFILE_CA_SHA256:
	case PROFILE_CA_SHA384:
		return "/C=JP/O=Example Trust/CN=Example Issuing CA";
	case PROFILE_SMIME_STRICT:
	case PROFILE_SMIME_MULTIPURPOSE:
		return "/C=JP/O=Example Corp/CN=" FIX_EMAIL;
	case PROFILE_CODESIGN:
		return "/C=JP/ST=Tokyo/L=Minato-ku/O=Example Corp/CN=Example Corp";
	case PROFILE_OCSP:
		return "/C=JP/O=Example Trust/OU=Example Service/"
		    "CN=Example Issuing CA OCSP Responder";
	default:
		return "/C=JP/O=Example Corp/OU=Sales/CN=Taro Yamada";
	}
}

/* The CP policy OID of each profile (CP-1.2); NULL for CA profiles. */
static FIX_UNUSED const char *
fix_policy_oid(enum profile_id id)
{
	switch (id) {
	case PROFILE_CLIENT:
	case PROFILE_SMIME_STRICT:
	case PROFILE_SMIME_MULTIPURPOSE:
		return "1.2.392.200091.100.381.4";
	case PROFILE_CLIENT_SHA1:
		return "1.2.392.200091.100.381.1";
	case PROFILE_DOCUMENT:
		return "1.2.392.200091.100.381.5";
	case PROFILE_DOCUMENT_SHA1:
		return "1.2.392.200091.100.381.2";
	case PROFILE_CODESIGN:
		return "1.2.392.200091.100.381.8";
	case PROFILE_OCSP:
		return "1.2.392.200091.100.381.9";
	default:
		return NULL;
	}
}

static FIX_UNUSED GENERAL_NAMES *
fix_san_email(const char *email)
{
	GENERAL_NAMES *gns;
	GENERAL_NAME *gn;
	ASN1_IA5STRING *ia5;

	if ((gns = GENERAL_NAMES_new()) == NULL)
		return NULL;
	if ((ia5 = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(ia5, email, -1) ||
	    (gn = GENERAL_NAME_new()) == NULL) {
		ASN1_IA5STRING_free(ia5);
		GENERAL_NAMES_free(gns);
		return NULL;
	}
	GENERAL_NAME_set0_value(gn, GEN_EMAIL, ia5);
	if (!sk_GENERAL_NAME_push(gns, gn)) {
		GENERAL_NAME_free(gn);
		GENERAL_NAMES_free(gns);
		return NULL;
	}
	return gns;
}

static FIX_UNUSED void
fix_cert_clear(struct fix_cert *f)
{
	X509_NAME_free(f->subject);
	X509_NAME_free(f->issuer);
	ASN1_INTEGER_free(f->serial);
	ASN1_OCTET_STRING_free(f->issuer_keyid);
	GENERAL_NAMES_free(f->san);
	memset(f, 0, sizeof(*f));
}

/* Replaces the subject (table attributes allowed); 1 on success. */
static FIX_UNUSED int
fix_cert_subject(struct fix_cert *f, const char *dn)
{
	char err[256];
	X509_NAME *n;

	if ((n = name_parse(dn, NAME_ATTR_ALL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fix_cert_subject: %s: %s\n", dn, err);
		return 0;
	}
	X509_NAME_free(f->subject);
	f->subject = n;
	f->spec.subject = n;
	if (f->profile->id == PROFILE_ROOT)
		f->spec.issuer = n;
	return 1;
}

/* Removes ext from the spec's extension order. */
static FIX_UNUSED void
fix_cert_drop(struct fix_cert *f, enum cert_ext ext)
{
	size_t o = 0;

	for (size_t i = 0; f->order[i] != CERT_EXT_END; i++)
		if (f->order[i] != ext)
			f->order[o++] = f->order[i];
	f->order[o] = CERT_EXT_END;
}

/*
 * Fills f with a conforming spec of profile id for key, valid from now:
 * the values issuance (src/ca/issue.c, src/ca/init.c) puts in. 1 on
 * success.
 */
static FIX_UNUSED int
fix_cert_init(struct fix_cert *f, enum profile_id id, EVP_PKEY *key,
    time_t now)
{
	static const unsigned char keyid[20] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
		0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05
	};
	const struct profile *p = profile_get(id);
	struct cert_spec *s = &f->spec;
	char err[256];
	size_t i;

	memset(f, 0, sizeof(*f));
	if (p == NULL)
		return 0;
	f->profile = p;
	f->policy_oid = fix_policy_oid(id);
	for (i = 0; p->order[i] != CERT_EXT_END; i++)
		f->order[i] = p->order[i];
	f->order[i] = CERT_EXT_END;
	if ((f->subject = name_parse(fix_subject(id), NAME_ATTR_ALL, err,
	    sizeof(err))) == NULL || (f->serial = cert_serial_new()) == NULL)
		goto err;
	if (id != PROFILE_ROOT) {
		if ((f->issuer = name_parse("/C=JP/O=Example Trust/"
		    "CN=Example Issuing CA", NAME_ATTR_ALL, err,
		    sizeof(err))) == NULL ||
		    (f->issuer_keyid = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(f->issuer_keyid, keyid,
		    sizeof(keyid)))
			goto err;
	}
	s->md = p->md;
	s->subject = f->subject;
	s->issuer = id == PROFILE_ROOT ? f->subject : f->issuer;
	s->pubkey = key;
	s->issuer_keyid = f->issuer_keyid;
	s->serial = f->serial;
	s->not_before = now;
	if (id == PROFILE_OCSP)	/* table 7.3-1: 4 months */
		s->not_after = cert_add_months(now, 4) - 1;
	else if (p->ca)
		s->not_after = now + 3652L * 86400 - 1;
	else
		s->not_after = now + 365L * 86400 - 1;
	s->order = f->order;
	s->ca = p->ca;
	s->path_len = p->ca && id != PROFILE_ROOT ? 0 : -1;
	s->key_usage = p->ku[0];
	if (p->ca && id != PROFILE_ROOT)
		s->eku[s->neku++] = oid_eku_by_name("clientAuth")->oid;
	for (i = 0; i < PROFILE_EKU_MAX && p->eku_default[i] != NULL; i++)
		s->eku[s->neku++] = oid_eku_by_name(p->eku_default[i])->oid;
	if (p->ca && id != PROFILE_ROOT)
		s->policies[s->npolicies++] = "1.2.392.200091.100.901.4";
	else if (f->policy_oid != NULL)
		s->policies[s->npolicies++] = f->policy_oid;
	if (p->rules == PROFILE_RULES_CSBR)
		s->policies[s->npolicies++] = OID_CABF_CODESIGN;
	if (p->rules == PROFILE_RULES_SBR)	/* mailbox-validated */
		s->policies[s->npolicies++] = oid_smime_policy(1,
		    id == PROFILE_SMIME_STRICT ? 3 : 2);
	s->cps_url = FIX_CPS_URL;
	s->crl_urls[s->ncrl_urls++] = FIX_CRL_URL;
	if (p->crl_ldap)
		s->crl_urls[s->ncrl_urls++] = FIX_LDAP_URL;
	s->ocsp_url = FIX_OCSP_URL;
	s->ca_issuers_url = FIX_ISSUERS_URL;
	if (p->san_allowed & PROFILE_SAN_EMAIL) {
		if ((f->san = fix_san_email(FIX_EMAIL)) == NULL)
			goto err;
		s->san = f->san;
	}
	return 1;
 err:
	fix_cert_clear(f);
	return 0;
}

/* cert_build of f's spec. */
static FIX_UNUSED X509 *
fix_cert_build(struct fix_cert *f)
{
	f->spec.order = f->order;
	return cert_build(&f->spec);
}

#endif
