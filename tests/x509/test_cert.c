/*
 * Tests of src/x509/cert.c, src/x509/ext.c and src/x509/signed.c: serial
 * numbers (CP-3.1.5), month arithmetic, the TBSCertificate a spec of each
 * profile builds (CP-7.1, CP-7.3) and the signed certificate joined from
 * TBS bytes and a signature made elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "x509/cert.h"
#include "x509/oid.h"
#include "x509/profile.h"
#include "x509/signed.h"

#include "x509/certfix.h"

struct keys {
	EVP_PKEY	*subject;	/* rsa2048.pem */
	EVP_PKEY	*issuer;	/* rsa2048-issuer.pem */
};

static int
setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	if (k == NULL || (k->subject = fix_key("rsa2048.pem")) == NULL ||
	    (k->issuer = fix_key("rsa2048-issuer.pem")) == NULL) {
		fprintf(stderr, "cannot load tests/data/x509 keys "
		    "(INKAN_TEST_DATA=%s)\n", getenv("INKAN_TEST_DATA"));
		return -1;
	}
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	struct keys *k = *state;

	if (k != NULL) {
		EVP_PKEY_free(k->subject);
		EVP_PKEY_free(k->issuer);
		free(k);
	}
	return 0;
}

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* CP-3.1.5: positive, 16 octets (<= 20), CSPRNG, unique. */
static void
test_serial_new(void **state)
{
	enum { N = 1000 };
	unsigned char (*all)[16];
	int low0 = 0, low1 = 0;
	ASN1_INTEGER *s;
	BIGNUM *bn;

	(void)state;
	all = calloc(N, 16);
	assert_non_null(all);
	for (int i = 0; i < N; i++) {
		s = cert_serial_new();
		assert_non_null(s);
		assert_int_equal(ASN1_STRING_type(s), V_ASN1_INTEGER);
		assert_int_equal(ASN1_STRING_length(s), 16);
		/* Top bit clear (positive, no sign octet), next bit set. */
		assert_int_equal(ASN1_STRING_get0_data(s)[0] & 0xc0, 0x40);
		bn = ASN1_INTEGER_to_BN(s, NULL);
		assert_non_null(bn);
		assert_false(BN_is_negative(bn));
		assert_int_equal(BN_num_bytes(bn), 16);
		assert_int_equal(BN_num_bits(bn), 127);
		BN_free(bn);
		memcpy(all[i], ASN1_STRING_get0_data(s), 16);
		if (all[i][15] & 1)
			low1++;
		else
			low0++;
		ASN1_INTEGER_free(s);
	}
	qsort(all, N, 16, cmp16);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(memcmp(all[i - 1], all[i], 16), 0);
	/* Not a counter nor a constant: the last bit takes both values. */
	assert_true(low0 > 300 && low1 > 300);
	free(all);
}

static void
test_serial_hex(void **state)
{
	static const unsigned char v[] = { 0x01, 0x0a, 0xbc, 0xde };
	ASN1_INTEGER *s;
	char *hex;

	(void)state;
	s = ASN1_INTEGER_new();
	assert_non_null(s);
	assert_true(ASN1_STRING_set(s, v, sizeof(v)));
	hex = cert_serial_hex(s);
	assert_string_equal(hex, "010ABCDE");
	OPENSSL_free(hex);
	assert_true(ASN1_INTEGER_set(s, 255));
	hex = cert_serial_hex(s);
	assert_string_equal(hex, "FF");
	OPENSSL_free(hex);
	ASN1_INTEGER_free(s);
	s = cert_serial_new();
	assert_non_null(s);
	hex = cert_serial_hex(s);
	assert_non_null(hex);
	assert_int_equal(strlen(hex), 32);
	assert_true(hex[0] >= '4' && hex[0] <= '7');
	for (const char *p = hex; *p != '\0'; p++)
		assert_non_null(strchr("0123456789ABCDEF", *p));
	OPENSSL_free(hex);
	ASN1_INTEGER_free(s);
}

static void
test_add_months(void **state)
{
	(void)state;
	/* Day of month clamped to the target month; time of day kept. */
	assert_int_equal(cert_add_months(utc(2023, 1, 31, 10, 20, 30), 1),
	    utc(2023, 2, 28, 10, 20, 30));
	assert_int_equal(cert_add_months(utc(2024, 1, 31, 0, 0, 0), 1),
	    utc(2024, 2, 29, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2000, 1, 31, 0, 0, 0), 1),
	    utc(2000, 2, 29, 0, 0, 0));		/* divisible by 400 */
	assert_int_equal(cert_add_months(utc(2100, 1, 31, 0, 0, 0), 1),
	    utc(2100, 2, 28, 0, 0, 0));		/* divisible by 100 */
	assert_int_equal(cert_add_months(utc(2023, 8, 31, 23, 59, 59), 1),
	    utc(2023, 9, 30, 23, 59, 59));
	assert_int_equal(cert_add_months(utc(2023, 3, 15, 12, 0, 0), 0),
	    utc(2023, 3, 15, 12, 0, 0));
	/* Year wrap. */
	assert_int_equal(cert_add_months(utc(2023, 11, 15, 0, 0, 0), 4),
	    utc(2024, 3, 15, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2023, 10, 31, 0, 0, 0), 4),
	    utc(2024, 2, 29, 0, 0, 0));		/* the 7.3-1 responder case */
	assert_int_equal(cert_add_months(utc(2023, 12, 31, 0, 0, 0), 2),
	    utc(2024, 2, 29, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2023, 12, 1, 0, 0, 0), 1),
	    utc(2024, 1, 1, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2024, 2, 29, 0, 0, 0), 12),
	    utc(2025, 2, 28, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2024, 2, 29, 0, 0, 0), 48),
	    utc(2028, 2, 29, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2049, 12, 31, 0, 0, 0), 25),
	    utc(2052, 1, 31, 0, 0, 0));
}

/* Negative counts go back, across the year boundary too. */
static void
test_add_months_negative(void **state)
{
	(void)state;
	assert_int_equal(cert_add_months(utc(2024, 3, 31, 0, 0, 0), -1),
	    utc(2024, 2, 29, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2024, 1, 15, 0, 0, 0), -1),
	    utc(2023, 12, 15, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2024, 2, 10, 0, 0, 0), -14),
	    utc(2022, 12, 10, 0, 0, 0));
	assert_int_equal(cert_add_months(utc(2024, 1, 31, 0, 0, 0), -11),
	    utc(2023, 2, 28, 0, 0, 0));
}

static void
test_sig_nid(void **state)
{
	(void)state;
	assert_int_equal(cert_sig_nid(SIGNER_MD_SHA1), NID_sha1WithRSAEncryption);
	assert_int_equal(cert_sig_nid(SIGNER_MD_SHA256),
	    NID_sha256WithRSAEncryption);
	assert_int_equal(cert_sig_nid(SIGNER_MD_SHA384),
	    NID_sha384WithRSAEncryption);
	assert_int_equal(cert_sig_nid(SIGNER_MD_SHA512),
	    NID_sha512WithRSAEncryption);
	assert_int_equal(cert_sig_nid(SIGNER_MD_MAX), NID_undef);
}

static int
ext_nid(enum cert_ext e)
{
	switch (e) {
	case CERT_EXT_AKI: return NID_authority_key_identifier;
	case CERT_EXT_SKI: return NID_subject_key_identifier;
	case CERT_EXT_KU: return NID_key_usage;
	case CERT_EXT_POLICIES: return NID_certificate_policies;
	case CERT_EXT_SAN: return NID_subject_alt_name;
	case CERT_EXT_EKU: return NID_ext_key_usage;
	case CERT_EXT_CRLDP: return NID_crl_distribution_points;
	case CERT_EXT_AIA: return NID_info_access;
	case CERT_EXT_BC: return NID_basic_constraints;
	case CERT_EXT_OCSP_NOCHECK: return NID_id_pkix_OCSP_noCheck;
	default: return NID_undef;
	}
}

static void
assert_uri(const GENERAL_NAME *gn, const char *want)
{
	assert_int_equal(gn->type, GEN_URI);
	assert_int_equal(ASN1_STRING_length(gn->d.uniformResourceIdentifier),
	    strlen(want));
	assert_memory_equal(ASN1_STRING_get0_data(
	    gn->d.uniformResourceIdentifier), want, strlen(want));
}

static void
assert_sigalg(const X509_ALGOR *alg, int nid)
{
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype;

	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	assert_int_equal(OBJ_obj2nid(obj), nid);
	assert_int_equal(ptype, V_ASN1_NULL);	/* RFC 4055 §5 */
}

/* Exactly the profile's extensions, in its table order (CP-7.1). */
static void
check_ext_order(X509 *x, const struct fix_cert *f)
{
	int want[CERT_EXT_MAX], n = 0;

	for (const enum cert_ext *e = f->order; *e != CERT_EXT_END; e++) {
		if (*e == CERT_EXT_SAN && f->spec.san == NULL)
			continue;
		want[n++] = ext_nid(*e);
	}
	assert_int_equal(X509_get_ext_count(x), n);
	for (int i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));

		if (nid != want[i])
			fail_msg("%s: extension %d is %s, table order wants %s",
			    f->profile->name, i, OBJ_nid2sn(nid),
			    OBJ_nid2sn(want[i]));
		/* KeyUsage and BasicConstraints critical, nothing else. */
		assert_int_equal(X509_EXTENSION_get_critical(ext),
		    nid == NID_key_usage || nid == NID_basic_constraints);
	}
}

/* SKI is the SHA-1 of the subjectPublicKey BIT STRING (CP-7.1). */
static void
check_key_ids(X509 *x, const struct fix_cert *f)
{
	const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
	const ASN1_OCTET_STRING *ski;
	unsigned char md[SHA_DIGEST_LENGTH];
	AUTHORITY_KEYID *aki;

	SHA1(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits),
	    md);
	ski = X509_get0_subject_key_id(x);
	assert_non_null(ski);
	assert_int_equal(ASN1_STRING_length(ski), SHA_DIGEST_LENGTH);
	assert_memory_equal(ASN1_STRING_get0_data(ski), md, SHA_DIGEST_LENGTH);
	aki = X509_get_ext_d2i(x, NID_authority_key_identifier, NULL, NULL);
	assert_non_null(aki);
	assert_non_null(aki->keyid);
	assert_null(aki->issuer);	/* keyIdentifier only */
	assert_null(aki->serial);
	if (f->issuer_keyid != NULL)
		assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid,
		    f->issuer_keyid), 0);
	else	/* self-signed: the AKI is our own SKI */
		assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid, ski), 0);
	AUTHORITY_KEYID_free(aki);
}

static void
check_ku_bc(X509 *x, const struct fix_cert *f)
{
	ASN1_BIT_STRING *ku;
	BASIC_CONSTRAINTS *bc;

	ku = X509_get_ext_d2i(x, NID_key_usage, NULL, NULL);
	assert_non_null(ku);
	for (int bit = 0; bit < 9; bit++)
		assert_int_equal(ASN1_BIT_STRING_get_bit(ku, bit),
		    (f->spec.key_usage >> bit) & 1);
	ASN1_BIT_STRING_free(ku);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	if (!f->profile->ca) {
		assert_null(bc);
		return;
	}
	assert_non_null(bc);
	assert_true(bc->ca);
	if (f->spec.path_len < 0)
		assert_null(bc->pathlen);
	else
		assert_int_equal(ASN1_INTEGER_get(bc->pathlen),
		    f->spec.path_len);
	BASIC_CONSTRAINTS_free(bc);
}

/* CP-7.1.8: the CPS qualifier on the first (the CP's own) policy only. */
static void
check_policies(X509 *x, const struct fix_cert *f)
{
	CERTIFICATEPOLICIES *cp;
	const POLICYINFO *pi;
	const POLICYQUALINFO *q;
	char buf[80];

	cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	if (f->spec.npolicies == 0) {
		assert_null(cp);
		return;
	}
	assert_non_null(cp);
	assert_int_equal(sk_POLICYINFO_num(cp), f->spec.npolicies);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		pi = sk_POLICYINFO_value(cp, i);
		OBJ_obj2txt(buf, sizeof(buf), pi->policyid, 1);
		assert_string_equal(buf, f->spec.policies[i]);
		if (i > 0) {
			assert_null(pi->qualifiers);
			continue;
		}
		assert_int_equal(sk_POLICYQUALINFO_num(pi->qualifiers), 1);
		q = sk_POLICYQUALINFO_value(pi->qualifiers, 0);
		assert_int_equal(OBJ_obj2nid(q->pqualid), NID_id_qt_cps);
		assert_int_equal(ASN1_STRING_type(q->d.cpsuri), V_ASN1_IA5STRING);
		assert_int_equal(ASN1_STRING_length(q->d.cpsuri),
		    strlen(FIX_CPS_URL));
		assert_memory_equal(ASN1_STRING_get0_data(q->d.cpsuri),
		    FIX_CPS_URL, strlen(FIX_CPS_URL));
	}
	CERTIFICATEPOLICIES_free(cp);
}

/* One distribution point listing every URL; AIA OCSP then caIssuers. */
static void
check_crldp_aia(X509 *x, const struct fix_cert *f)
{
	CRL_DIST_POINTS *dps;
	AUTHORITY_INFO_ACCESS *aia;
	const DIST_POINT *dp;
	const ACCESS_DESCRIPTION *ad;
	int no_aia;

	dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	if (f->profile->id == PROFILE_ROOT || f->profile->id == PROFILE_OCSP) {
		assert_null(dps);
		assert_null(aia);
		return;
	}
	/* Tables 7.1-1 and 7.1-4 have no AIA row. */
	no_aia = f->profile->id == PROFILE_CA_SHA1 ||
	    f->profile->id == PROFILE_CLIENT_SHA1 ||
	    f->profile->id == PROFILE_DOCUMENT_SHA1;
	if (no_aia)
		assert_null(aia);
	assert_non_null(dps);
	assert_int_equal(sk_DIST_POINT_num(dps), 1);
	dp = sk_DIST_POINT_value(dps, 0);
	assert_null(dp->reasons);
	assert_null(dp->CRLissuer);
	assert_non_null(dp->distpoint);
	assert_int_equal(dp->distpoint->type, 0);	/* fullName */
	assert_int_equal(sk_GENERAL_NAME_num(dp->distpoint->name.fullname),
	    f->spec.ncrl_urls);
	for (size_t i = 0; i < f->spec.ncrl_urls; i++)
		assert_uri(sk_GENERAL_NAME_value(dp->distpoint->name.fullname,
		    (int)i), f->spec.crl_urls[i]);
	CRL_DIST_POINTS_free(dps);
	if (no_aia)
		return;
	assert_non_null(aia);
	assert_int_equal(sk_ACCESS_DESCRIPTION_num(aia), 2);
	ad = sk_ACCESS_DESCRIPTION_value(aia, 0);
	assert_int_equal(OBJ_obj2nid(ad->method), NID_ad_OCSP);
	assert_uri(ad->location, FIX_OCSP_URL);
	ad = sk_ACCESS_DESCRIPTION_value(aia, 1);
	assert_int_equal(OBJ_obj2nid(ad->method), NID_ad_ca_issuers);
	assert_uri(ad->location, FIX_ISSUERS_URL);
	AUTHORITY_INFO_ACCESS_free(aia);
}

static void
check_eku_san_nocheck(X509 *x, const struct fix_cert *f)
{
	EXTENDED_KEY_USAGE *eku;
	GENERAL_NAMES *san;
	const X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *v;
	char buf[80];
	int i;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	if (f->spec.neku == 0)
		assert_null(eku);
	else {
		assert_non_null(eku);
		assert_int_equal(sk_ASN1_OBJECT_num(eku), f->spec.neku);
		for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
			OBJ_obj2txt(buf, sizeof(buf),
			    sk_ASN1_OBJECT_value(eku, i), 1);
			assert_string_equal(buf, f->spec.eku[i]);
		}
		EXTENDED_KEY_USAGE_free(eku);
	}
	san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (f->spec.san == NULL)
		assert_null(san);
	else {
		assert_non_null(san);
		assert_int_equal(sk_GENERAL_NAME_num(san), 1);
		assert_int_equal(sk_GENERAL_NAME_value(san, 0)->type, GEN_EMAIL);
		GENERAL_NAMES_free(san);
	}
	i = X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1);
	if (f->profile->id != PROFILE_OCSP) {
		assert_int_equal(i, -1);
		return;
	}
	/* RFC 6960 §4.2.2.2.1: the extension value is NULL. */
	assert_true(i >= 0);
	ext = X509_get_ext(x, i);
	v = X509_EXTENSION_get_data((X509_EXTENSION *)ext);
	assert_int_equal(ASN1_STRING_length(v), 2);
	assert_memory_equal(ASN1_STRING_get0_data(v), "\x05\x00", 2);
}

static void
test_build_each_profile(void **state)
{
	struct keys *k = *state;
	struct fix_cert f;
	time_t now = time(NULL);
	X509 *x;

	for (int id = 0; id < PROFILE_MAX; id++) {
		assert_true(fix_cert_init(&f, (enum profile_id)id, k->subject,
		    now));
		x = fix_cert_build(&f);
		if (x == NULL)
			fail_msg("cert_build failed for %s", f.profile->name);
		assert_int_equal(X509_get_version(x), X509_VERSION_3);
		assert_int_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
		    f.serial), 0);
		assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x),
		    f.spec.subject), 0);
		assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
		    f.spec.issuer), 0);
		assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x),
		    f.spec.not_before), 0);
		assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(x),
		    f.spec.not_after), 0);
		assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), k->subject),
		    1);
		/* The algorithm in both places (RFC 5280 §4.1.1.2). */
		{
			const X509_ALGOR *outer;

			X509_get0_signature(NULL, &outer, x);
			assert_sigalg(outer, cert_sig_nid(f.profile->md));
			assert_sigalg(X509_get0_tbs_sigalg(x),
			    cert_sig_nid(f.profile->md));
		}
		check_ext_order(x, &f);
		check_key_ids(x, &f);
		check_ku_bc(x, &f);
		check_policies(x, &f);
		check_crldp_aia(x, &f);
		check_eku_san_nocheck(x, &f);
		X509_free(x);
		fix_cert_clear(&f);
	}
}

/* Empty lists leave their extension out instead of encoding it empty. */
static void
test_build_omits_empty(void **state)
{
	struct keys *k = *state;
	struct fix_cert f;
	AUTHORITY_INFO_ACCESS *aia;
	X509 *x;

	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	f.spec.neku = 0;
	f.spec.ncrl_urls = 0;
	f.spec.ocsp_url = NULL;
	f.spec.ca_issuers_url = NULL;
	f.spec.san = NULL;
	x = fix_cert_build(&f);
	assert_non_null(x);
	assert_int_equal(X509_get_ext_by_NID(x, NID_ext_key_usage, -1), -1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_crl_distribution_points,
	    -1), -1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_info_access, -1), -1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_subject_alt_name, -1), -1);
	assert_int_equal(X509_get_ext_count(x), 4);	/* AKI SKI KU policies */
	X509_free(x);
	/* caIssuers alone when there is no OCSP URL. */
	f.spec.ca_issuers_url = FIX_ISSUERS_URL;
	x = fix_cert_build(&f);
	assert_non_null(x);
	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	assert_non_null(aia);
	assert_int_equal(sk_ACCESS_DESCRIPTION_num(aia), 1);
	assert_int_equal(OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia,
	    0)->method), NID_ad_ca_issuers);
	AUTHORITY_INFO_ACCESS_free(aia);
	X509_free(x);
	fix_cert_clear(&f);
}

/* RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
static void
test_build_time_encoding(void **state)
{
	struct keys *k = *state;
	struct fix_cert f;
	X509 *x;

	assert_true(fix_cert_init(&f, PROFILE_ROOT, k->subject, time(NULL)));
	f.spec.not_before = utc(2049, 12, 31, 23, 59, 59);
	f.spec.not_after = utc(2050, 1, 1, 0, 0, 0);
	x = fix_cert_build(&f);
	assert_non_null(x);
	assert_int_equal(ASN1_STRING_type(X509_get0_notBefore(x)),
	    V_ASN1_UTCTIME);
	assert_int_equal(ASN1_STRING_type(X509_get0_notAfter(x)),
	    V_ASN1_GENERALIZEDTIME);
	X509_free(x);
	fix_cert_clear(&f);
}

static void
test_build_refuses(void **state)
{
	struct keys *k = *state;
	struct fix_cert f;

	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	f.spec.eku[0] = "clientAuth";	/* a name, not a numeric OID */
	assert_null(fix_cert_build(&f));
	fix_cert_clear(&f);
	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	f.spec.policies[0] = "1.2.392.x";
	assert_null(fix_cert_build(&f));
	fix_cert_clear(&f);
	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	f.spec.md = SIGNER_MD_MAX;
	assert_null(fix_cert_build(&f));
	fix_cert_clear(&f);
}

/* The signed certificate carries exactly the TBS bytes that were signed. */
static void
check_signed(X509 *x, EVP_PKEY *issuer, EVP_PKEY *other,
    const unsigned char *tbs, size_t tbs_len)
{
	unsigned char *tbs2 = NULL;
	int len;

	assert_non_null(x);
	assert_int_equal(X509_verify(x, issuer), 1);
	assert_int_not_equal(X509_verify(x, other), 1);
	len = i2d_re_X509_tbs(x, &tbs2);
	assert_int_equal(len, tbs_len);
	assert_memory_equal(tbs2, tbs, tbs_len);
	OPENSSL_free(tbs2);
}

static void
test_sign_assemble_verify(void **state)
{
	struct keys *k = *state;
	static const enum profile_id ids[] = { PROFILE_ROOT, PROFILE_CA_SHA1,
	    PROFILE_CA_SHA384, PROFILE_CLIENT, PROFILE_CODESIGN, PROFILE_OCSP };
	unsigned char *tbs = NULL, *sig = NULL;
	size_t tbs_len, sig_len;
	struct fix_cert f;
	EVP_PKEY *signer;
	X509 *t, *x;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_true(fix_cert_init(&f, ids[i], k->subject, time(NULL)));
		signer = ids[i] == PROFILE_ROOT ? k->subject : k->issuer;
		t = fix_cert_build(&f);
		assert_non_null(t);
		assert_true(cert_tbs(t, &tbs, &tbs_len));
		assert_int_equal(tbs[0], 0x30);
		sig = fix_sign_bytes(signer, f.spec.md, tbs, tbs_len, &sig_len);
		assert_non_null(sig);
		x = cert_assemble(tbs, tbs_len, f.spec.md, sig, sig_len);
		check_signed(x, signer, ids[i] == PROFILE_ROOT ? k->issuer :
		    k->subject, tbs, tbs_len);
		/* Round trip through DER: what is stored is what was signed. */
		{
			unsigned char *der = NULL;
			const unsigned char *p;
			X509 *y;
			int len = i2d_X509(x, &der);

			assert_true(len > 0);
			p = der;
			y = d2i_X509(NULL, &p, len);
			assert_non_null(y);
			assert_ptr_equal(p, der + len);
			assert_int_equal(X509_cmp(x, y), 0);
			assert_int_equal(X509_verify(y, signer), 1);
			X509_free(y);
			OPENSSL_free(der);
		}
		X509_free(x);
		X509_free(t);
		OPENSSL_free(tbs);
		free(sig);
		tbs = NULL;
		fix_cert_clear(&f);
	}
}

/*
 * The BIT STRING unused-bits trap (signed.c): a signature ending in a
 * zero octet must still be encoded whole, with 0 unused bits, or the
 * certificate no longer verifies. About one signature in 256 ends in
 * 0x00; draw serials until one does.
 */
static void
test_sign_trailing_zero_octet(void **state)
{
	struct keys *k = *state;
	unsigned char *tbs = NULL, *sig = NULL, *der = NULL;
	const unsigned char *p;
	size_t tbs_len, sig_len;
	ASN1_BIT_STRING *bs;
	const ASN1_BIT_STRING *xs;
	struct fix_cert f;
	X509 *t, *x;
	int tries, len;

	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	for (tries = 0; tries < 8192; tries++) {
		ASN1_INTEGER_free(f.serial);
		f.serial = cert_serial_new();
		assert_non_null(f.serial);
		f.spec.serial = f.serial;
		t = fix_cert_build(&f);
		assert_non_null(t);
		assert_true(cert_tbs(t, &tbs, &tbs_len));
		X509_free(t);
		sig = fix_sign_bytes(k->issuer, SIGNER_MD_SHA256, tbs, tbs_len,
		    &sig_len);
		assert_non_null(sig);
		if (sig[sig_len - 1] == 0x00)
			break;
		OPENSSL_free(tbs);
		free(sig);
		tbs = NULL;
		sig = NULL;
	}
	assert_non_null(sig);
	assert_int_equal(sig_len, 256);
	x = cert_assemble(tbs, tbs_len, SIGNER_MD_SHA256, sig, sig_len);
	check_signed(x, k->issuer, k->subject, tbs, tbs_len);
	X509_get0_signature(&xs, NULL, x);
	assert_int_equal(ASN1_STRING_length(xs), 256);
	assert_memory_equal(ASN1_STRING_get0_data(xs), sig, 256);
	/* The DER ends in BIT STRING { 0 unused bits, 256 octets }. */
	len = i2d_X509(x, &der);
	assert_true(len > 261);
	assert_memory_equal(der + len - 261, "\x03\x82\x01\x01\x00", 5);
	p = der + len - 261;
	bs = d2i_ASN1_BIT_STRING(NULL, &p, 261);
	assert_non_null(bs);
	assert_ptr_equal(p, der + len);
	assert_int_equal(ASN1_STRING_length(bs), 256);
	assert_int_equal(ASN1_STRING_get0_data(bs)[255], 0x00);
	ASN1_BIT_STRING_free(bs);
	OPENSSL_free(der);
	X509_free(x);
	OPENSSL_free(tbs);
	free(sig);
	fix_cert_clear(&f);
}

/* signed_encode alone, with signatures whose tail is zero octets. */
static void
test_signed_encode_zero_tail(void **state)
{
	static const unsigned char tbs[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	unsigned char sig[256], *out = NULL;
	const unsigned char *p;
	size_t out_len;
	ASN1_BIT_STRING *bs;

	(void)state;
	for (int zeros = 1; zeros <= 256; zeros *= 4) {
		memset(sig, 0xa5, sizeof(sig));
		memset(sig + sizeof(sig) - zeros, 0, (size_t)zeros);
		assert_true(signed_encode(tbs, sizeof(tbs),
		    NID_sha256WithRSAEncryption, sig, sizeof(sig), &out,
		    &out_len));
		/* The TBS is written as is, right after the outer header. */
		assert_memory_equal(out + 4, tbs, sizeof(tbs));
		assert_memory_equal(out + out_len - 261, "\x03\x82\x01\x01\x00",
		    5);
		p = out + out_len - 261;
		bs = d2i_ASN1_BIT_STRING(NULL, &p, 261);
		assert_non_null(bs);
		assert_int_equal(ASN1_STRING_length(bs), 256);
		assert_memory_equal(ASN1_STRING_get0_data(bs), sig, 256);
		ASN1_BIT_STRING_free(bs);
		OPENSSL_free(out);
		out = NULL;
	}
	/* A one-octet zero signature: 03 02 00 00, not 03 01 00. */
	sig[0] = 0;
	assert_true(signed_encode(tbs, sizeof(tbs), NID_sha256WithRSAEncryption,
	    sig, 1, &out, &out_len));
	assert_memory_equal(out + out_len - 4, "\x03\x02\x00\x00", 4);
	OPENSSL_free(out);
}

static void
test_signed_encode_refuses(void **state)
{
	static const unsigned char notseq[] = { 0x02, 0x01, 0x05 };
	static const unsigned char tbs[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	unsigned char sig[4] = { 1, 2, 3, 4 }, *out = NULL;
	size_t out_len;

	(void)state;
	assert_false(signed_encode(notseq, sizeof(notseq),
	    NID_sha256WithRSAEncryption, sig, sizeof(sig), &out, &out_len));
	assert_false(signed_encode(tbs, 0, NID_sha256WithRSAEncryption, sig,
	    sizeof(sig), &out, &out_len));
	assert_null(out);
}

/* cert_assemble parses its own output back: junk TBS bytes are refused. */
static void
test_assemble_refuses(void **state)
{
	struct keys *k = *state;
	static const unsigned char notbs[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	unsigned char sig[256] = { 1 }, *tbs = NULL, *junk;
	size_t tbs_len;
	struct fix_cert f;
	X509 *t;

	assert_null(cert_assemble(notbs, sizeof(notbs), SIGNER_MD_SHA256, sig,
	    sizeof(sig)));
	assert_true(fix_cert_init(&f, PROFILE_CLIENT, k->subject, time(NULL)));
	t = fix_cert_build(&f);
	assert_non_null(t);
	assert_true(cert_tbs(t, &tbs, &tbs_len));
	/* Bytes after the TBS SEQUENCE are not a certificate. */
	junk = malloc(tbs_len + 2);
	assert_non_null(junk);
	memcpy(junk, tbs, tbs_len);
	junk[tbs_len] = 0x05;
	junk[tbs_len + 1] = 0x00;
	assert_null(cert_assemble(junk, tbs_len + 2, SIGNER_MD_SHA256, sig,
	    sizeof(sig)));
	/* Nor is a truncated one. */
	assert_null(cert_assemble(tbs, tbs_len - 1, SIGNER_MD_SHA256, sig,
	    sizeof(sig)));
	free(junk);
	OPENSSL_free(tbs);
	X509_free(t);
	fix_cert_clear(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_new),
		cmocka_unit_test(test_serial_hex),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_add_months_negative),
		cmocka_unit_test(test_sig_nid),
		cmocka_unit_test(test_build_each_profile),
		cmocka_unit_test(test_build_omits_empty),
		cmocka_unit_test(test_build_time_encoding),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_sign_assemble_verify),
		cmocka_unit_test(test_sign_trailing_zero_octet),
		cmocka_unit_test(test_signed_encode_zero_tail),
		cmocka_unit_test(test_signed_encode_refuses),
		cmocka_unit_test(test_assemble_refuses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
