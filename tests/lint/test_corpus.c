/*
 * The lint corpus: for every error rule of src/lint/rules.c at least one
 * artifact (certificate, CRL, OCSP response or public key) that breaks
 * exactly that rule, and good artifacts of every kind inkan issues that
 * lint clean. A rule without a corpus case fails the test.
 *
 * Artifacts are generated here, at test time, and written as DER to a
 * fresh directory (INKAN_LINT_CORPUS_DIR, or a mkdtemp one removed at the
 * end) with a MANIFEST line each, so that tests/data/lint/generate.sh
 * and the CLI can lint the same files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/ec.h>

#include "lint/checks.h"
#include "x509/cert.h"
#include "x509/oid.h"
#include "x509/profile.h"

#include "lint/corpus.h"

enum art { ART_CERT, ART_CRL, ART_OCSP, ART_KEY };

/* One artifact and how to lint it. */
struct out {
	enum art	 type;
	X509		*cert;
	X509_CRL	*crl;
	unsigned char	*der;		/* OCSP */
	size_t		 len;
	EVP_PKEY	*key;		/* ART_KEY */
	const struct profile *profile;
	const char	*policy_oid;
	int		 pre;
	X509		*issuer;	/* borrowed */
	unsigned int	 cabf;
	const struct lint_blocklist *blocklist;
};

struct env {
	EVP_PKEY	*k2048, *k3072, *k4096, *issuer, *other;
	EVP_PKEY	*e3, *k1024, *ec;
	X509		*ca;		/* "Example Issuing CA", key issuer */
	X509		*ca_nocrlsign;
	X509		*resp;		/* delegated OCSP responder */
	X509		*other_cert;	/* of another key and name */
	struct lint_blocklist *bl;
	EVP_PKEY	*blocked;
	time_t		 now;
	char		 dir[512];
	FILE		*manifest;
	int		 tmpdir;
};

static struct env *E;

/* --- certificates -------------------------------------------------------- */

typedef void (*spec_fn)(struct fix_cert *);
typedef void (*x_fn)(X509 *);

static EVP_PKEY *
key_for(enum profile_id id)
{
	return id == PROFILE_CODESIGN ? E->k3072 : E->k2048;
}

static void
init(struct fix_cert *f, enum profile_id id, EVP_PKEY *key)
{
	assert_true(fix_cert_init(f, id, key != NULL ? key : key_for(id),
	    E->now));
	if (f->profile->rules == PROFILE_RULES_SBR)
		assert_true(fix_cert_subject(f, "/CN=" FIX_EMAIL));
}

/* Sets the AKI of f to the corpus CA's SKI, as issuance does. */
static void
aki_of_ca(struct fix_cert *f)
{
	ASN1_OCTET_STRING_free(f->issuer_keyid);
	f->issuer_keyid = ASN1_OCTET_STRING_dup(X509_get0_subject_key_id(E->ca));
	assert_non_null(f->issuer_keyid);
	f->spec.issuer_keyid = f->issuer_keyid;
}

/* Builds, tweaks and signs (root: own key; others: the CA's). */
static X509 *
build(struct fix_cert *f, x_fn tweak, EVP_PKEY *signer)
{
	X509 *t, *x;

	assert_non_null(t = fix_cert_build(f));
	if (tweak != NULL)
		tweak(t);
	if (signer == NULL)
		signer = f->profile->id == PROFILE_ROOT ? f->spec.pubkey :
		    E->issuer;
	x = fix_sign(t, signer, f->spec.md, f->spec.md);
	assert_non_null(x);
	X509_free(t);
	return x;
}

static void
mk(struct out *o, enum profile_id id, EVP_PKEY *key, spec_fn sf, x_fn xf)
{
	struct fix_cert f;

	init(&f, id, key);
	if (sf != NULL)
		sf(&f);
	o->type = ART_CERT;
	o->cert = build(&f, xf, NULL);
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	o->pre = 1;
	fix_cert_clear(&f);
}

/* As mk, linted without a profile: the RFC and key rules alone. */
static void
mk_none(struct out *o, enum profile_id id, spec_fn sf, x_fn xf)
{
	mk(o, id, NULL, sf, xf);
	o->profile = NULL;
	o->policy_oid = NULL;
}

/* As mk, with the CA certificate given (chain rules). */
static void
mk_chain(struct out *o, enum profile_id id, spec_fn sf, x_fn xf,
    EVP_PKEY *signer)
{
	struct fix_cert f;

	init(&f, id, NULL);
	aki_of_ca(&f);
	if (sf != NULL)
		sf(&f);
	o->type = ART_CERT;
	o->cert = build(&f, xf, signer);
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	o->issuer = E->ca;
	fix_cert_clear(&f);
}

static X509_EXTENSION *
ext_of(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	assert_true(i >= 0);
	return X509_get_ext(x, i);
}

static void
replace_ext(X509 *x, int nid, void *value, int crit)
{
	assert_true(X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_REPLACE)
	    == 1);
}

static void
add_raw_ext(X509 *x, const char *oid, int crit, const char *hexder)
{
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	X509_EXTENSION *e;
	unsigned char *buf;
	long len;

	assert_non_null(buf = OPENSSL_hexstr2buf(hexder, &len));
	assert_true(ASN1_OCTET_STRING_set(os, buf, (int)len));
	assert_non_null(e = X509_EXTENSION_create_by_OBJ(NULL, obj, crit, os));
	assert_true(X509_add_ext(x, e, -1));
	X509_EXTENSION_free(e);
	ASN1_OBJECT_free(obj);
	ASN1_OCTET_STRING_free(os);
	OPENSSL_free(buf);
}

static X509_NAME *
name(const char *dn)
{
	char err[256];
	X509_NAME *n = name_parse(dn, NAME_ATTR_ALL, err, sizeof(err));

	if (n == NULL)
		fail_msg("%s: %s", dn, err);
	return n;
}

static void
set_subject(X509 *x, X509_NAME *n)
{
	assert_true(X509_set_subject_name(x, n));
	X509_NAME_free(n);
}

/* Signs t with key and md, alg in both places; NULL-checked. */
static X509 *
sign_alg(X509 *t, EVP_PKEY *key, const EVP_MD *md, X509_ALGOR *alg)
{
	unsigned char *tbs = NULL, *der = NULL;
	const unsigned char *p;
	size_t tbs_len, der_len;
	X509 *x;

	assert_true(X509_ALGOR_copy((X509_ALGOR *)X509_get0_tbs_sigalg(t),
	    alg));
	assert_true(cert_tbs(t, &tbs, &tbs_len));
	assert_true(corpus_assemble(tbs, tbs_len, alg, key, md, &der,
	    &der_len));
	p = der;
	x = d2i_X509(NULL, &p, (long)der_len);
	assert_non_null(x);
	OPENSSL_free(tbs);
	OPENSSL_free(der);
	X509_ALGOR_free(alg);
	return x;
}

/* --- certificate cases ----------------------------------------------------- */

static void t_v2(X509 *x) { assert_true(X509_set_version(x, X509_VERSION_2)); }
static void c_version(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_v2); }

static void
serial(struct fix_cert *f, int octets, int neg)
{
	unsigned char mag[21];
	BIGNUM *bn;

	memset(mag, 0x5a, sizeof(mag));
	bn = BN_bin2bn(mag, octets, NULL);
	BN_set_negative(bn, neg);
	ASN1_INTEGER_free(f->serial);
	f->spec.serial = f->serial = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
}
static void s_neg(struct fix_cert *f) { serial(f, 16, 1); }
static void s_long(struct fix_cert *f) { serial(f, 21, 0); }
static void s_short(struct fix_cert *f) { serial(f, 7, 0); }
static void c_serial_neg(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_neg, NULL); }
static void c_serial_long(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_long, NULL); }
static void c_serial_short(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_short, NULL); }

static void
c_sigalg_match(struct out *o)
{
	struct fix_cert f;
	X509 *t;

	init(&f, PROFILE_CLIENT, NULL);
	assert_non_null(t = fix_cert_build(&f));
	o->type = ART_CERT;
	o->cert = fix_sign(t, E->issuer, SIGNER_MD_SHA256, SIGNER_MD_SHA384);
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	X509_free(t);
	fix_cert_clear(&f);
}

static void
c_sigalg_params(struct out *o)
{
	struct fix_cert f;
	X509 *t;

	init(&f, PROFILE_CLIENT, NULL);
	assert_non_null(t = fix_cert_build(&f));
	o->type = ART_CERT;
	o->cert = sign_alg(t, E->issuer, EVP_sha256(),
	    corpus_alg(NID_sha256WithRSAEncryption, 0));
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	X509_free(t);
	fix_cert_clear(&f);
}

static void
sign_with(struct out *o, enum profile_id id, spec_fn sf, int nid,
    const EVP_MD *md)
{
	struct fix_cert f;
	X509 *t;

	init(&f, id, NULL);
	if (sf != NULL)
		sf(&f);
	assert_non_null(t = fix_cert_build(&f));
	o->type = ART_CERT;
	o->cert = sign_alg(t, E->issuer, md, corpus_alg(nid, 1));
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	o->pre = 1;
	X509_free(t);
	fix_cert_clear(&f);
}

static void
t_spki_params(X509 *x)
{
	X509_PUBKEY *pk = X509_get_X509_PUBKEY(x);
	const unsigned char *p;
	unsigned char *copy;
	int len;

	assert_true(X509_PUBKEY_get0_param(NULL, &p, &len, NULL, pk));
	assert_non_null(copy = OPENSSL_memdup(p, (size_t)len));
	assert_true(X509_PUBKEY_set0_param(pk, OBJ_nid2obj(NID_rsaEncryption),
	    V_ASN1_UNDEF, NULL, copy, len));
}
static void c_spki_params(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_spki_params); }

static void
t_nb_gen(X509 *x)
{
	ASN1_TIME *t = ASN1_GENERALIZEDTIME_set(NULL, E->now);

	assert_true(X509_set1_notBefore(x, t));
	ASN1_TIME_free(t);
}
static void c_validity_encoding(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_nb_gen); }

static void
t_na_noseconds(X509 *x)
{
	char buf[32];
	time_t t = E->now + 300L * 86400;
	struct tm tm;
	ASN1_TIME *a = ASN1_UTCTIME_new();

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d%H%MZ", &tm);
	assert_true(ASN1_STRING_set(a, buf + 2, -1));	/* YYMMDDHHMMZ */
	assert_true(X509_set1_notAfter(x, a));
	ASN1_TIME_free(a);
}
static void c_time_syntax(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_na_noseconds); }

static void s_order(struct fix_cert *f) { f->spec.not_after = f->spec.not_before - 86400; }
static void c_validity_order(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_order, NULL); }

static void
c_unique_ids(struct out *o)
{
	struct fix_cert f;
	unsigned char *tbs = NULL, *der = NULL, *enc = NULL;
	const unsigned char *p;
	size_t tbs_len, der_len;
	T_TBSCERT *t;
	X509 *x;
	X509_ALGOR *alg = corpus_alg(NID_sha256WithRSAEncryption, 1);
	int len;

	init(&f, PROFILE_CLIENT, NULL);
	assert_non_null(x = fix_cert_build(&f));
	assert_true(cert_tbs(x, &tbs, &tbs_len));
	p = tbs;
	assert_non_null(t = d2i_T_TBSCERT(NULL, &p, (long)tbs_len));
	assert_non_null(t->iuid = ASN1_BIT_STRING_new());
	assert_true(ASN1_BIT_STRING_set(t->iuid, (unsigned char *)"\x01", 1));
	assert_true((len = i2d_T_TBSCERT(t, &enc)) > 0);
	assert_true(corpus_assemble(enc, (size_t)len, alg, E->issuer,
	    EVP_sha256(), &der, &der_len));
	p = der;
	o->type = ART_CERT;
	assert_non_null(o->cert = d2i_X509(NULL, &p, (long)der_len));
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	T_TBSCERT_free(t);
	X509_ALGOR_free(alg);
	OPENSSL_free(tbs);
	OPENSSL_free(enc);
	OPENSSL_free(der);
	X509_free(x);
	fix_cert_clear(&f);
}

static void
t_issuer_empty(X509 *x)
{
	X509_NAME *n = X509_NAME_new();

	assert_true(X509_set_issuer_name(x, n));
	X509_NAME_free(n);
}
static void c_issuer_empty(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_issuer_empty); }

static void
s_ca_empty(struct fix_cert *f)
{
	X509_NAME_free(f->subject);
	f->spec.subject = f->subject = X509_NAME_new();
	assert_non_null(f->san = fix_san_email(FIX_EMAIL));
	f->spec.san = f->san;
	f->order[0] = CERT_EXT_SKI;	/* SAN first, made critical below */
}
static void
t_san_crit(X509 *x)
{
	GENERAL_NAMES *san = fix_san_email(FIX_EMAIL);

	X509_add1_ext_i2d(x, NID_subject_alt_name, san, 1, X509V3_ADD_REPLACE);
	GENERAL_NAMES_free(san);
}
static void c_ca_subject_empty(struct out *o) { mk_none(o, PROFILE_CA_SHA256, s_ca_empty, t_san_crit); }

static void
t_bmp_cn(X509 *x)
{
	X509_NAME *n = name("/C=JP/O=Example Corp");

	assert_true(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_BMPSTRING, (unsigned char *)"\0T\0a\0r\0o", 8, -1, 0));
	set_subject(x, n);
}
static void c_dn_string_type(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_bmp_cn); }

static void
t_bad_printable(X509 *x)
{
	X509_NAME *n = X509_NAME_new();

	X509_NAME_add_entry_by_NID(n, NID_countryName, V_ASN1_PRINTABLESTRING,
	    (unsigned char *)"JP", -1, -1, 0);
	X509_NAME_add_entry_by_NID(n, NID_organizationName,
	    V_ASN1_PRINTABLESTRING, (unsigned char *)"Example_Corp", -1, -1, 0);
	X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING,
	    (unsigned char *)"Taro Yamada", -1, -1, 0);
	set_subject(x, n);
}
static void c_dn_printable(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_bad_printable); }

static void
t_long_cn(X509 *x)
{
	X509_NAME *n = name("/C=JP/O=Example Corp");

	X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING,
	    (unsigned char *)"Taro Yamada Taro Yamada Taro Yamada Taro Yamada "
	    "Taro Yamada Taro Yamada", -1, -1, 0);
	set_subject(x, n);
}
static void c_dn_length(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_long_cn); }

static void
t_lower_c(X509 *x)
{
	X509_NAME *n = X509_NAME_new();

	X509_NAME_add_entry_by_NID(n, NID_countryName, V_ASN1_PRINTABLESTRING,
	    (unsigned char *)"jp", -1, -1, 0);
	X509_NAME_add_entry_by_NID(n, NID_organizationName, V_ASN1_UTF8STRING,
	    (unsigned char *)"Example Corp", -1, -1, 0);
	X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING,
	    (unsigned char *)"Taro Yamada", -1, -1, 0);
	set_subject(x, n);
}
static void c_dn_country(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_lower_c); }

static void
t_dup_aia(X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia;

	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	assert_true(X509_add1_ext_i2d(x, NID_info_access, aia, 0,
	    X509V3_ADD_APPEND));
	AUTHORITY_INFO_ACCESS_free(aia);
}
static void c_ext_duplicate(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_dup_aia); }

static void
t_bad_cp(X509 *x)
{
	X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_NID(x,
	    NID_certificate_policies, -1)));
	add_raw_ext(x, "2.5.29.32", 0, "0500");
}
static void c_ext_decode(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_bad_cp); }

static void
t_empty_eku(X509 *x)
{
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();

	replace_ext(x, NID_ext_key_usage, eku, 0);
	sk_ASN1_OBJECT_free(eku);
}
static void c_ext_empty(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_empty_eku); }

static void t_unknown_crit(X509 *x) { add_raw_ext(x, "1.3.6.1.4.1.99999.1", 1, "0500"); }
static void c_ext_unknown(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_unknown_crit); }

static void s_no_ski(struct fix_cert *f) { fix_cert_drop(f, CERT_EXT_SKI); }
static void s_no_aki(struct fix_cert *f) { fix_cert_drop(f, CERT_EXT_AKI); }
static void c_ski_present(struct out *o) { mk_none(o, PROFILE_CLIENT, s_no_ski, NULL); }
static void c_aki_present(struct out *o) { mk_none(o, PROFILE_CLIENT, s_no_aki, NULL); }

static void t_ski_crit(X509 *x) { X509_EXTENSION_set_critical(ext_of(x, NID_subject_key_identifier), 1); }
static void t_aia_crit(X509 *x) { X509_EXTENSION_set_critical(ext_of(x, NID_info_access), 1); }
static void t_bc_noncrit(X509 *x) { X509_EXTENSION_set_critical(ext_of(x, NID_basic_constraints), 0); }
static void t_eku_crit(X509 *x) { X509_EXTENSION_set_critical(ext_of(x, NID_ext_key_usage), 1); }
static void c_ski_critical(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_ski_crit); }
static void c_aia_critical(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_aia_crit); }
static void c_bc_critical(struct out *o) { mk_none(o, PROFILE_CA_SHA256, NULL, t_bc_noncrit); }
static void c_cp_criticality(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_eku_crit); }

static void
t_ee_pathlen(X509 *x)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();

	bc->ca = 0;
	bc->pathlen = ASN1_INTEGER_new();
	ASN1_INTEGER_set(bc->pathlen, 0);
	replace_ext(x, NID_basic_constraints, bc, 1);
	BASIC_CONSTRAINTS_free(bc);
}
static void c_pathlen(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_ee_pathlen); }

static void s_ku_kcs(struct fix_cert *f) { f->spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_KEY_CERT_SIGN; }
static void s_ku_ka(struct fix_cert *f) { f->spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_KEY_AGREEMENT; }
static void s_ku_ds_nr(struct fix_cert *f) { f->spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_NON_REPUDIATION; }
static void s_ku_ke(struct fix_cert *f) { f->spec.key_usage = CERT_KU_KEY_ENCIPHERMENT; }
static void s_ku_ds_de(struct fix_cert *f) { f->spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_DATA_ENCIPHERMENT; }
static void c_ca_keycertsign(struct out *o) { mk_none(o, PROFILE_CLIENT, s_ku_kcs, NULL); }
static void c_ku_rsa(struct out *o) { mk_none(o, PROFILE_CLIENT, s_ku_ka, NULL); }
static void c_cp_key_usage(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_ku_ds_nr, NULL); }
static void c_csbr_ku(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_ku_ke, NULL); }
static void c_sbr_ku(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_ku_ds_de, NULL); }

static void
t_ku_empty(X509 *x)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();

	replace_ext(x, NID_key_usage, ku, 1);
	ASN1_BIT_STRING_free(ku);
}
static void c_ku_bits(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_ku_empty); }

static void
s_empty_subject(struct fix_cert *f)
{
	X509_NAME_free(f->subject);
	f->spec.subject = f->subject = X509_NAME_new();
}
static void c_san_critical(struct out *o) { mk_none(o, PROFILE_CLIENT, s_empty_subject, NULL); }

static void
s_bad_mailbox(struct fix_cert *f)
{
	GENERAL_NAMES_free(f->san);
	f->spec.san = f->san = fix_san_email("taro");
}
static void c_san_syntax(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_bad_mailbox, NULL); }

static void
t_subject_email(X509 *x)
{
	X509_NAME *n = name("/C=JP/O=Example Corp/CN=Taro Yamada");

	X509_NAME_add_entry_by_NID(n, NID_pkcs9_emailAddress, MBSTRING_ASC,
	    (unsigned char *)"hanako@example.jp", -1, -1, 0);
	set_subject(x, n);
}
static void c_email_in_san(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_subject_email); }

static void
t_dp_reasons_only(X509 *x)
{
	CRL_DIST_POINTS *dps = sk_DIST_POINT_new_null();
	DIST_POINT *dp = DIST_POINT_new();

	dp->reasons = ASN1_BIT_STRING_new();
	ASN1_BIT_STRING_set_bit(dp->reasons, 1, 1);
	sk_DIST_POINT_push(dps, dp);
	replace_ext(x, NID_crl_distribution_points, dps, 0);
	CRL_DIST_POINTS_free(dps);
}
static void c_crldp_name(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_dp_reasons_only); }

static void s_ocsp_space(struct fix_cert *f) { f->spec.ocsp_url = "http://ocsp.example.jp/a b"; }
static void c_uri_syntax(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_ocsp_space, NULL); }

static void s_policy_twice(struct fix_cert *f) { f->spec.policies[f->spec.npolicies++] = f->policy_oid; }
static void c_policy_duplicate(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_policy_twice, NULL); }

static void s_cps_not_uri(struct fix_cert *f) { f->spec.cps_url = "repository"; }
static void c_policy_qualifiers(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_cps_not_uri, NULL); }

static void
t_nc(X509 *x)
{
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, NULL,
	    NID_name_constraints, "critical,permitted;email:.example.jp");

	assert_non_null(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}
static void c_name_constraints(struct out *o) { mk_none(o, PROFILE_CLIENT, NULL, t_nc); }

static void
s_other_issuer(struct fix_cert *f)
{
	X509_NAME_free(f->issuer);
	f->spec.issuer = f->issuer = name("/C=JP/O=Example Trust/CN=Other CA");
}
static void c_issuer_name(struct out *o) { mk_chain(o, PROFILE_CLIENT, s_other_issuer, NULL, NULL); }

static void
s_fixed_aki(struct fix_cert *f)
{
	static const unsigned char id[20] = { 1, 2, 3 };

	ASN1_OCTET_STRING_set(f->issuer_keyid, id, sizeof(id));
}
static void c_aki_issuer(struct out *o) { mk_chain(o, PROFILE_CLIENT, s_fixed_aki, NULL, NULL); }

static void
c_signature(struct out *o)
{
	mk_chain(o, PROFILE_CLIENT, NULL, NULL, E->other);
	o->pre = 0;
}

static void s_eleven_years(struct fix_cert *f) { f->spec.not_after = f->spec.not_before + 4018L * 86400; }
static void c_within_issuer(struct out *o) { mk_chain(o, PROFILE_CLIENT, s_eleven_years, NULL, NULL); }

/* CSBR */
static void s_sha1(struct fix_cert *f) { f->spec.md = SIGNER_MD_SHA1; }
static void c_csbr_no_sha1(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_sha1, NULL); }
static void c_sbr_no_sha1(struct out *o) { mk(o, PROFILE_SMIME_MULTIPURPOSE, NULL, s_sha1, NULL); }
static void c_cp_sigalg(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_sha1, NULL); }
static void c_csbr_sigalg(struct out *o) { sign_with(o, PROFILE_CODESIGN, NULL, NID_sha224WithRSAEncryption, EVP_sha224()); }
static void c_sbr_sigalg(struct out *o) { sign_with(o, PROFILE_SMIME_STRICT, NULL, NID_sha224WithRSAEncryption, EVP_sha224()); }

static void s_eku_server(struct fix_cert *f) { f->spec.eku[f->spec.neku++] = "1.3.6.1.5.5.7.3.1"; }
static void c_csbr_eku(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_eku_server, NULL); }
static void s_no_ocsp(struct fix_cert *f) { f->spec.ocsp_url = NULL; }
static void c_csbr_aia(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_no_ocsp, NULL); }
static void s_ldap_issuers(struct fix_cert *f) { f->spec.ca_issuers_url = "ldap://ldap.example.jp/cn=ca?cACertificate"; }
static void c_csbr_aia_http(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_ldap_issuers, NULL); }

static void
t_dp_relative(X509 *x)
{
	CRL_DIST_POINTS *dps = sk_DIST_POINT_new_null();
	DIST_POINT *dp = DIST_POINT_new();
	X509_NAME_ENTRY *ne;

	dp->distpoint = DIST_POINT_NAME_new();
	dp->distpoint->type = 1;
	dp->distpoint->name.relativename = sk_X509_NAME_ENTRY_new_null();
	ne = X509_NAME_ENTRY_create_by_NID(NULL, NID_commonName,
	    MBSTRING_ASC, (unsigned char *)"CRL1", -1);
	sk_X509_NAME_ENTRY_push(dp->distpoint->name.relativename, ne);
	sk_DIST_POINT_push(dps, dp);
	replace_ext(x, NID_crl_distribution_points, dps, 0);
	CRL_DIST_POINTS_free(dps);
}
static void c_csbr_crldp(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, NULL, t_dp_relative); }

static void s_cs_xy(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/C=XY/ST=Tokyo/O=Example Corp/CN=Example Corp")); }
static void s_cs_noloc(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/C=JP/O=Example Corp/CN=Example Corp")); }
static void s_cs_meta(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/C=JP/ST=-/O=Example Corp/CN=Example Corp")); }
static void s_cs_ou(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/C=JP/ST=Tokyo/O=Example Corp/OU=Dev/CN=Example Corp")); }
static void c_csbr_country(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_cs_xy, NULL); }
static void c_csbr_locality(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_cs_noloc, NULL); }
static void c_csbr_metadata(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_cs_meta, NULL); }
static void c_cp_subject_attrs(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_cs_ou, NULL); }

static void
t_cs_dc(X509 *x)
{
	X509_NAME *n = X509_NAME_dup(X509_get_subject_name(x));

	X509_NAME_add_entry_by_NID(n, NID_domainComponent, MBSTRING_ASC,
	    (unsigned char *)"example", -1, -1, 0);
	set_subject(x, n);
}
static void c_csbr_dc(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, NULL, t_cs_dc); }

static void s_long_cs(struct fix_cert *f) { f->spec.not_after = f->spec.not_before + 461L * 86400 - 1; }
static void c_csbr_max_validity(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_long_cs, NULL); }

/* A code-signing CA (table 7.1-3, CSBR 7.1.2.2). */
static void
s_cs_ca(struct fix_cert *f)
{
	f->spec.neku = 0;
	f->spec.eku[f->spec.neku++] = oid_eku_by_name("codeSigning")->oid;
	f->spec.policies[f->spec.npolicies++] = OID_CABF_CODESIGN;
}
static void s_cs_ca_server(struct fix_cert *f) { s_cs_ca(f); f->spec.eku[f->spec.neku++] = "1.3.6.1.5.5.7.3.1"; }
static void s_cs_ca_nopol(struct fix_cert *f) { s_cs_ca(f); f->spec.npolicies--; }
static void s_cs_ca_noaia(struct fix_cert *f) { s_cs_ca(f); f->spec.ca_issuers_url = NULL; }
static void c_csbr_ca_eku(struct out *o) { mk(o, PROFILE_CA_SHA384, E->k4096, s_cs_ca_server, NULL); }
static void c_csbr_ca_policy(struct out *o) { mk(o, PROFILE_CA_SHA384, E->k4096, s_cs_ca_nopol, NULL); }
static void c_csbr_ca_key(struct out *o) { mk(o, PROFILE_CA_SHA384, E->k2048, s_cs_ca, NULL); }
static void c_csbr_ca_aia(struct out *o) { mk(o, PROFILE_CA_SHA384, E->k4096, s_cs_ca_noaia, NULL); }
static void c_good_cs_ca(struct out *o) { mk(o, PROFILE_CA_SHA384, E->k4096, s_cs_ca, NULL); }

/* A timestamp certificate (CSBR 7.1.2.3, no CP profile). */
static void
s_tsa(struct fix_cert *f)
{
	f->spec.neku = 0;
	f->spec.eku[f->spec.neku++] = "1.3.6.1.5.5.7.3.8";
	f->spec.npolicies = 0;
	f->spec.policies[f->spec.npolicies++] = "2.23.140.1.4.2";
	f->spec.key_usage = CERT_KU_DIGITAL_SIGNATURE;
}
static void t_eku_crit_tsa(X509 *x) { X509_EXTENSION_set_critical(ext_of(x, NID_ext_key_usage), 1); }
static void s_tsa_nopol(struct fix_cert *f) { s_tsa(f); f->spec.policies[0] = "2.23.140.1.4.1"; }
static void
tsa(struct out *o, EVP_PKEY *key, spec_fn sf, x_fn xf)
{
	mk(o, PROFILE_CODESIGN, key, sf, xf);
	o->profile = NULL;
	o->policy_oid = NULL;
}
static void c_tsa_eku(struct out *o) { tsa(o, E->k3072, s_tsa, NULL); }
static void c_tsa_policy(struct out *o) { tsa(o, E->k3072, s_tsa_nopol, t_eku_crit_tsa); }
static void c_tsa_validity(struct out *o) { tsa(o, E->k2048, s_tsa, t_eku_crit_tsa); }
static void c_good_tsa(struct out *o) { tsa(o, E->k3072, s_tsa, t_eku_crit_tsa); }

/* SBR */
static void s_mp_oid(struct fix_cert *f) { f->spec.policies[1] = oid_smime_policy(1, 2); }
static void s_legacy_oid(struct fix_cert *f) { f->spec.policies[1] = oid_smime_policy(1, 1); }
static void s_eku_client(struct fix_cert *f) { f->spec.eku[f->spec.neku++] = oid_eku_by_name("clientAuth")->oid; }
static void c_sbr_policy(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_mp_oid, NULL); }
static void c_sbr_legacy(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_legacy_oid, NULL); }
static void c_sbr_eku(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_eku_client, NULL); }

static void
t_san_dns(X509 *x)
{
	GENERAL_NAMES *san = fix_san_email(FIX_EMAIL);
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();

	ASN1_STRING_set(ia5, "www.example.jp", -1);
	GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
	sk_GENERAL_NAME_push(san, gn);
	replace_ext(x, NID_subject_alt_name, san, 0);
	GENERAL_NAMES_free(san);
}
static void c_sbr_san(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, NULL, t_san_dns); }

static void s_cn_hanako(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/CN=hanako@example.jp")); }
static void s_cn_name(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/CN=Taro Yamada")); }
static void s_mbox_c(struct fix_cert *f) { assert_true(fix_cert_subject(f, "/C=JP/CN=" FIX_EMAIL)); }
static void c_sbr_email_subject(struct out *o) { mk(o, PROFILE_SMIME_MULTIPURPOSE, NULL, s_cn_hanako, NULL); }
static void c_sbr_cn(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_cn_name, NULL); }
static void c_sbr_mailbox(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_mbox_c, NULL); }

/* Organization-validated (SBR 7.1.4.2.4). */
static void
org(struct fix_cert *f, const char *dn)
{
	f->spec.policies[1] = oid_smime_policy(2,
	    f->profile->id == PROFILE_SMIME_STRICT ? 3 : 2);
	assert_true(fix_cert_subject(f, dn));
}
static void s_org_good(struct fix_cert *f) { org(f, "/C=JP/O=Example Corp/organizationIdentifier=NTRJP-1234567890123/CN=" FIX_EMAIL); }
static void s_org_noid(struct fix_cert *f) { org(f, "/C=JP/O=Example Corp/CN=" FIX_EMAIL); }
static void s_org_badid(struct fix_cert *f) { org(f, "/C=JP/O=Example Corp/organizationIdentifier=NTRUS-1234/CN=" FIX_EMAIL); }
static void s_org_xy(struct fix_cert *f) { org(f, "/C=XY/O=Example Corp/organizationIdentifier=NTRXY-1234/CN=" FIX_EMAIL); }
static void s_org_meta(struct fix_cert *f) { org(f, "/C=JP/O=Example Corp/organizationIdentifier=NTRJP-1234567890123/OU=./CN=" FIX_EMAIL); }
static void c_sbr_org(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_org_noid, NULL); }
static void c_sbr_orgid(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_org_badid, NULL); }
static void c_sbr_country(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_org_xy, NULL); }
static void c_sbr_metadata(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_org_meta, NULL); }
static void c_good_org_strict(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_org_good, NULL); }
static void c_good_org_mp(struct out *o) { mk(o, PROFILE_SMIME_MULTIPURPOSE, NULL, s_org_good, NULL); }

static void s_ldap_dp(struct fix_cert *f) { f->spec.crl_urls[f->spec.ncrl_urls++] = FIX_LDAP_URL; }
static void s_https_ocsp(struct fix_cert *f) { f->spec.ocsp_url = "https://ocsp.example.jp/ca1"; }
static void s_ftp_cps(struct fix_cert *f) { f->spec.cps_url = "ftp://repo.example.jp/cps.pdf"; }
static void c_sbr_crldp(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_ldap_dp, NULL); }
static void c_sbr_aia(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_https_ocsp, NULL); }
static void c_sbr_cps(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_ftp_cps, NULL); }

static void
t_aki_full(X509 *x)
{
	AUTHORITY_KEYID *ak = X509_get_ext_d2i(x, NID_authority_key_identifier,
	    NULL, NULL);
	GENERAL_NAME *gn = GENERAL_NAME_new();

	ak->issuer = GENERAL_NAMES_new();
	GENERAL_NAME_set0_value(gn, GEN_DIRNAME, name("/C=JP/CN=Root"));
	sk_GENERAL_NAME_push(ak->issuer, gn);
	ak->serial = ASN1_INTEGER_new();
	ASN1_INTEGER_set(ak->serial, 7);
	replace_ext(x, NID_authority_key_identifier, ak, 0);
	AUTHORITY_KEYID_free(ak);
}
static void c_sbr_aki(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, NULL, t_aki_full); }

static void s_long_sm(struct fix_cert *f) { f->spec.not_after = f->spec.not_before + 826L * 86400 - 1; }
static void c_sbr_max_validity(struct out *o) { mk(o, PROFILE_SMIME_STRICT, NULL, s_long_sm, NULL); }

/* An S/MIME CA (table 7.1-2, SBR 7.1.2.2). */
static void
s_sm_ca(struct fix_cert *f)
{
	f->spec.neku = 0;
	f->spec.eku[f->spec.neku++] = oid_eku_by_name("emailProtection")->oid;
	f->spec.eku[f->spec.neku++] = oid_eku_by_name("clientAuth")->oid;
	f->spec.policies[f->spec.npolicies++] = oid_smime_policy(1, 3);
}
static void s_sm_ca_ts(struct fix_cert *f) { s_sm_ca(f); f->spec.eku[f->spec.neku++] = "1.3.6.1.5.5.7.3.8"; }
static void s_sm_ca_nopol(struct fix_cert *f) { s_sm_ca(f); f->spec.npolicies--; }
static void c_sbr_ca_eku(struct out *o) { mk(o, PROFILE_CA_SHA256, NULL, s_sm_ca_ts, NULL); }
static void c_sbr_ca_policy(struct out *o) { mk(o, PROFILE_CA_SHA256, NULL, s_sm_ca_nopol, NULL); }
static void c_good_sm_ca(struct out *o) { mk(o, PROFILE_CA_SHA256, NULL, s_sm_ca, NULL); }

/* CP */
static void
t_ski_sha256(X509 *x)
{
	const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
	unsigned char md[32];
	ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();

	SHA256(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits), md);
	ASN1_OCTET_STRING_set(id, md, 20);
	replace_ext(x, NID_subject_key_identifier, id, 0);
	ASN1_OCTET_STRING_free(id);
}
static void c_ski_method(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_ski_sha256); }

static void
t_bc_ee(X509 *x)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();

	replace_ext(x, NID_basic_constraints, bc, 1);
	BASIC_CONSTRAINTS_free(bc);
}
static void c_profile_extensions(struct out *o) { mk(o, PROFILE_CLIENT, NULL, NULL, t_bc_ee); }

static void
s_sc_only(struct fix_cert *f)
{
	f->spec.neku = 0;
	f->spec.eku[f->spec.neku++] = oid_eku_by_name("smartcardLogon")->oid;
}
static void c_cp_eku(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_sc_only, NULL); }
static void c_cp_ca_eku(struct out *o) { mk(o, PROFILE_CA_SHA256, NULL, s_sc_only, NULL); }
static void s_ca_cs_policy(struct fix_cert *f) { f->spec.policies[f->spec.npolicies++] = OID_CABF_CODESIGN; }
static void c_cp_ca_cs_policy(struct out *o) { mk(o, PROFILE_CA_SHA256, NULL, s_ca_cs_policy, NULL); }

static void
c_cp_policy_oid(struct out *o)
{
	mk(o, PROFILE_CLIENT, NULL, NULL, NULL);
	o->policy_oid = "1.2.392.200091.100.381.5";
}
static void s_no_cps(struct fix_cert *f) { f->spec.cps_url = NULL; }
static void c_cp_cps(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_no_cps, NULL); }
static void s_cs_san(struct fix_cert *f) { f->spec.san = f->san = fix_san_email(FIX_EMAIL); }
static void c_cp_san_types(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_cs_san, NULL); }
static void s_five_months(struct fix_cert *f) { f->spec.not_after = cert_add_months(f->spec.not_before, 5) - 1; }
static void c_cp_ocsp_validity(struct out *o) { mk(o, PROFILE_OCSP, NULL, s_five_months, NULL); }
static void s_no_nocheck(struct fix_cert *f) { fix_cert_drop(f, CERT_EXT_OCSP_NOCHECK); }
static void c_cp_ocsp_nocheck(struct out *o) { mk(o, PROFILE_OCSP, NULL, s_no_nocheck, NULL); }
static void s_ldap_only(struct fix_cert *f) { f->spec.crl_urls[0] = FIX_LDAP_URL; f->spec.ncrl_urls = 1; }
static void c_cp_crldp(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_ldap_only, NULL); }
static void s_bad_ldap(struct fix_cert *f) { f->spec.crl_urls[1] = "ldap://ldap.example.jp/cn=crl"; }
static void c_cp_ldap(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_bad_ldap, NULL); }
static void s_backdated(struct fix_cert *f) { f->spec.not_before -= 3600; }
static void c_cp_backdated(struct out *o) { mk(o, PROFILE_CLIENT, NULL, s_backdated, NULL); }

/* --- keys ---------------------------------------------------------------- */

static void
key_case(struct out *o, EVP_PKEY *key, enum profile_id id, int none)
{
	o->type = ART_KEY;
	o->key = key;
	o->profile = none ? NULL : profile_get(id);
}

static BIGNUM *
prime(int bits)
{
	BIGNUM *p = BN_new();

	assert_true(BN_generate_prime_ex(p, bits, 0, NULL, NULL, NULL));
	return p;
}

static EVP_PKEY *
pub_of(BIGNUM *n)
{
	BIGNUM *e = BN_new();
	EVP_PKEY *k;

	BN_set_word(e, RSA_F4);
	assert_non_null(k = corpus_rsa_pub(n, e));
	BN_free(e);
	BN_free(n);
	return k;
}

static EVP_PKEY *
product(BIGNUM *p, BIGNUM *q)
{
	BIGNUM *n = BN_new();
	BN_CTX *ctx = BN_CTX_new();

	assert_true(BN_mul(n, p, q, ctx));
	BN_CTX_free(ctx);
	BN_free(p);
	BN_free(q);
	return pub_of(n);
}

static void c_key_exponent(struct out *o) { key_case(o, EVP_PKEY_dup(E->e3), PROFILE_CLIENT, 0); }

static void
c_key_even(struct out *o)
{
	BIGNUM *n = prime(2047);

	assert_true(BN_lshift1(n, n));
	key_case(o, pub_of(n), PROFILE_CLIENT, 0);
}

static void
c_key_small_factor(struct out *o)
{
	BIGNUM *q, *n = BN_new();

	do {
		q = prime(2038);
		assert_true(BN_copy(n, q) && BN_mul_word(n, 751));
		BN_free(q);
	} while (BN_num_bits(n) != 2048);
	key_case(o, pub_of(n), PROFILE_CLIENT, 0);
}

/* A ROCA-structured prime: k*M + (65537^a mod M), M the primorial to 167. */
static BIGNUM *
roca_prime(int bits)
{
	static const unsigned int primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23,
	    29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
	    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163,
	    167 };
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *m = BN_new(), *g = BN_new(), *a = BN_new(), *r = BN_new();
	BIGNUM *k = BN_new(), *p = BN_new(), *lo = BN_new(), *hi = BN_new();

	BN_one(m);
	for (size_t i = 0; i < sizeof(primes) / sizeof(primes[0]); i++)
		BN_mul_word(m, primes[i]);
	BN_set_word(g, 65537);
	/* k in [2^(bits-1)/M, 2^bits/M) keeps p at bits bits. */
	BN_set_bit(lo, bits - 1);
	BN_div(lo, NULL, lo, m, ctx);
	BN_add_word(lo, 1);
	BN_set_bit(hi, bits);
	BN_div(hi, NULL, hi, m, ctx);
	BN_sub(hi, hi, lo);
	BN_sub_word(hi, 1);
	for (;;) {
		BN_rand(a, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
		BN_mod_exp(r, g, a, m, ctx);
		BN_rand_range(k, hi);
		BN_add(k, k, lo);
		BN_mul(p, k, m, ctx);
		BN_add(p, p, r);
		if (BN_num_bits(p) == bits && BN_check_prime(p, ctx, NULL) == 1)
			break;
	}
	BN_free(m);
	BN_free(g);
	BN_free(a);
	BN_free(r);
	BN_free(k);
	BN_free(lo);
	BN_free(hi);
	BN_CTX_free(ctx);
	return p;
}

static void
c_key_roca(struct out *o)
{
	EVP_PKEY *k;

	do {
		k = product(roca_prime(1024), roca_prime(1024));
		if (EVP_PKEY_get_bits(k) == 2048)
			break;
		EVP_PKEY_free(k);
	} while (1);
	key_case(o, k, PROFILE_CLIENT, 0);
}

static void
c_key_fermat(struct out *o)
{
	BIGNUM *p = BN_new(), *q;
	BN_CTX *ctx = BN_CTX_new();

	BN_rand(p, 1024, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD);
	while (BN_check_prime(p, ctx, NULL) != 1)
		BN_add_word(p, 2);
	q = BN_dup(p);
	do {
		BN_add_word(q, 2);
	} while (BN_check_prime(q, ctx, NULL) != 1);
	BN_CTX_free(ctx);
	key_case(o, product(p, q), PROFILE_CLIENT, 0);
}

static void
c_key_bytes(struct out *o)
{
	EVP_PKEY *k;

	do {
		k = product(prime(1021), prime(1021));
		if (EVP_PKEY_get_bits(k) == 2042)
			break;
		EVP_PKEY_free(k);
	} while (1);
	key_case(o, k, PROFILE_CLIENT, 1);
}

static void
c_key_blocklist(struct out *o)
{
	struct fix_cert f;

	init(&f, PROFILE_CLIENT, E->blocked);
	o->type = ART_CERT;
	o->cert = build(&f, NULL, NULL);
	o->profile = f.profile;
	o->policy_oid = f.policy_oid;
	o->blocklist = E->bl;
	fix_cert_clear(&f);
}

static void c_key_type(struct out *o) { key_case(o, EVP_PKEY_dup(E->ec), PROFILE_CLIENT, 0); }
static void c_key_cp_size(struct out *o) { key_case(o, EVP_PKEY_dup(E->k3072), PROFILE_CA_SHA256, 0); }
static void c_key_csbr_size(struct out *o) { key_case(o, EVP_PKEY_dup(E->k2048), PROFILE_CODESIGN, 0); }
static void c_key_sbr_size(struct out *o) { key_case(o, EVP_PKEY_dup(E->k1024), PROFILE_SMIME_STRICT, 0); }
static void c_good_key(struct out *o) { key_case(o, EVP_PKEY_dup(E->k2048), PROFILE_CLIENT, 0); }

/* --- CRLs ---------------------------------------------------------------- */

struct crl_entry {
	long		 serial;
	long		 rev;		/* seconds before thisUpdate */
	int		 reason;	/* -1: none */
	int		 reason_crit;
	long		 inval;		/* seconds before thisUpdate; -1: none */
	int		 inval_utc;
};

struct crl_spec {
	int		 version;	/* 1 = v2 */
	const EVP_MD	*md;
	EVP_PKEY	*key;
	X509_NAME	*issuer;	/* NULL: the CA's subject */
	long		 this_off;
	long		 next;		/* seconds after thisUpdate; 0: none */
	int		 this_gen;
	struct crl_entry e[3];
	int		 n;
	int		 empty_list;
	int		 number;	/* 0: none */
	int		 number_twice;
	int		 aki;		/* 0 none, 1 the CA's, 2 another */
	int		 extra_ext;	/* 1 issuerAltName, 2 unknown critical */
};

static struct crl_spec
crl_good(void)
{
	struct crl_spec s = { 1, NULL, NULL, NULL, 0, 96 * 3600, 0,
	    { { 0x1000, 86400, 1, 0, 86400, 0 },
	      { 0x2000, 3600, -1, 0, -1, 0 } }, 2, 0, 5, 0, 1, 0 };

	s.md = EVP_sha256();
	s.key = E->issuer;
	return s;
}

static ASN1_TIME *
at(time_t t, int gen)
{
	return gen ? ASN1_GENERALIZEDTIME_set(NULL, t) : ASN1_TIME_set(NULL, t);
}

static void
crl_entry_add(X509_CRL *crl, const struct crl_entry *e, time_t this)
{
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_TIME *t = at(this - e->rev, 0);
	ASN1_ENUMERATED *reason;

	ASN1_INTEGER_set(sn, e->serial);
	X509_REVOKED_set_serialNumber(r, sn);
	X509_REVOKED_set_revocationDate(r, t);
	if (e->reason >= 0) {
		reason = ASN1_ENUMERATED_new();
		ASN1_ENUMERATED_set(reason, e->reason);
		X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason,
		    e->reason_crit, 0);
		ASN1_ENUMERATED_free(reason);
	}
	if (e->inval >= 0) {
		ASN1_TIME *it = e->inval_utc ? ASN1_UTCTIME_set(NULL,
		    this - e->inval) : ASN1_GENERALIZEDTIME_set(NULL,
		    this - e->inval);

		X509_REVOKED_add1_ext_i2d(r, NID_invalidity_date, it, 0, 0);
		ASN1_TIME_free(it);
	}
	assert_true(X509_CRL_add0_revoked(crl, r));
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
}

static void
crl_extensions(X509_CRL *crl, const struct crl_spec *s)
{
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	AUTHORITY_KEYID *ak = AUTHORITY_KEYID_new();
	static const unsigned char other[20] = { 9, 9, 9 };

	if (s->number) {
		ASN1_INTEGER_set(num, s->number);
		X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
		if (s->number_twice)
			X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0,
			    X509V3_ADD_APPEND);
	}
	if (s->aki) {
		ak->keyid = ASN1_OCTET_STRING_dup(X509_get0_subject_key_id(E->ca));
		if (s->aki == 2)
			ASN1_OCTET_STRING_set(ak->keyid, other, sizeof(other));
		X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, ak, 0, 0);
	}
	if (s->extra_ext == 1) {
		GENERAL_NAMES *gns = fix_san_email("ca@example.jp");

		X509_CRL_add1_ext_i2d(crl, NID_issuer_alt_name, gns, 0, 0);
		GENERAL_NAMES_free(gns);
	} else if (s->extra_ext == 2) {
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.99999.2", 1);
		X509_EXTENSION *e;

		ASN1_OCTET_STRING_set(os, (unsigned char *)"\x05\x00", 2);
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, os);
		X509_CRL_add_ext(crl, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OBJECT_free(obj);
		ASN1_OCTET_STRING_free(os);
	}
	ASN1_INTEGER_free(num);
	AUTHORITY_KEYID_free(ak);
}

static X509_CRL *
crl_build(const struct crl_spec *s)
{
	X509_CRL *crl = X509_CRL_new();
	time_t this = E->now + s->this_off;
	ASN1_TIME *t;

	X509_CRL_set_version(crl, s->version);
	X509_CRL_set_issuer_name(crl, s->issuer != NULL ? s->issuer :
	    X509_get_subject_name(E->ca));
	t = at(this, s->this_gen);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_free(t);
	if (s->next) {
		t = at(this + s->next, 0);
		X509_CRL_set1_nextUpdate(crl, t);
		ASN1_TIME_free(t);
	}
	for (int i = 0; i < s->n; i++)
		crl_entry_add(crl, &s->e[i], this);
	if (s->empty_list) {
		struct crl_entry one = { 0x3000, 60, -1, 0, -1, 0 };

		crl_entry_add(crl, &one, this);
		X509_REVOKED_free(sk_X509_REVOKED_pop(X509_CRL_get_REVOKED(crl)));
	}
	crl_extensions(crl, s);
	assert_true(X509_CRL_sign(crl, s->key, s->md) > 0);
	return crl;
}

/* Re-read from DER, as a relying party sees it. */
static X509_CRL *
crl_reparse(X509_CRL *crl)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int len = i2d_X509_CRL(crl, &der);
	X509_CRL *r;

	p = der;
	assert_non_null(r = d2i_X509_CRL(NULL, &p, len));
	OPENSSL_free(der);
	X509_CRL_free(crl);
	return r;
}

static void
crl_case(struct out *o, const struct crl_spec *s, int with_issuer,
    unsigned int cabf)
{
	o->type = ART_CRL;
	o->crl = crl_reparse(crl_build(s));
	o->issuer = with_issuer ? E->ca : NULL;
	o->cabf = cabf;
	o->pre = 1;
}

#define CRL_CASE(fn, with_ca, cabf, body) static void fn(struct out *o) { \
	struct crl_spec s = crl_good(); body; crl_case(o, &s, with_ca, cabf); \
	X509_NAME_free(s.issuer); }

CRL_CASE(r_good, 1, 0, (void)0)
CRL_CASE(r_good_empty, 1, 0, s.n = 0)
CRL_CASE(r_good_cs, 1, LINT_CABF_CSBR, s.e[0].inval = s.e[0].rev)
CRL_CASE(r_version, 1, 0, s.version = 0)
CRL_CASE(r_time, 1, 0, s.this_gen = 1)
CRL_CASE(r_next, 1, 0, s.next = 0)
CRL_CASE(r_number, 1, 0, s.number = 0)
CRL_CASE(r_aki, 1, 0, s.aki = 0)
CRL_CASE(r_dup, 1, 0, s.number_twice = 1)
CRL_CASE(r_unknown, 1, 0, s.extra_ext = 2)
CRL_CASE(r_empty, 1, 0, s.n = 0; s.empty_list = 1)
CRL_CASE(r_unique, 1, 0, s.e[1].serial = 0x1000)
CRL_CASE(r_serial, 1, 0, s.e[0].serial = -5)
CRL_CASE(r_revdate, 1, 0, s.e[1].rev = -3600)
CRL_CASE(r_reason, 1, 0, s.e[0].reason = 7)
CRL_CASE(r_reason_crit, 1, 0, s.e[0].reason_crit = 1)
CRL_CASE(r_inval, 1, 0, s.e[0].inval_utc = 1)
CRL_CASE(r_issuer_name, 1, 0, s.issuer = name("/C=JP/O=Example Trust/CN=Other CA"))
CRL_CASE(r_aki_issuer, 1, 0, s.aki = 2)
CRL_CASE(r_signature, 1, 0, s.key = E->other)
CRL_CASE(r_cs_inval, 1, LINT_CABF_CSBR, s.e[0].inval = 2 * 86400)
CRL_CASE(r_sbr_reason, 1, LINT_CABF_SBR, s.e[0].reason = 0)
CRL_CASE(r_sbr_sigalg, 1, LINT_CABF_SBR, s.md = EVP_sha1())
CRL_CASE(r_validity, 1, 0, s.next = 120 * 3600)
CRL_CASE(r_cp_sigalg, 1, 0, s.md = EVP_sha512())
CRL_CASE(r_cp_ext, 1, 0, s.extra_ext = 1)
CRL_CASE(r_sorted, 1, 0, s.e[0].serial = 0x3000)
CRL_CASE(r_this_update, 1, 0, s.this_off = 86400)

static void
r_crlsign(struct out *o)
{
	struct crl_spec s = crl_good();

	crl_case(o, &s, 1, 0);
	o->issuer = E->ca_nocrlsign;
}

/* Inner sha256, outer sha384: re-signed by hand, no issuer given. */
static void
r_sigalg_match(struct out *o)
{
	struct crl_spec s = crl_good();
	X509_CRL *crl = crl_build(&s);
	unsigned char *tbs = NULL, *der = NULL;
	const unsigned char *p;
	size_t der_len;
	int len;
	X509_ALGOR *alg = corpus_alg(NID_sha384WithRSAEncryption, 1);

	assert_true((len = i2d_re_X509_CRL_tbs(crl, &tbs)) > 0);
	assert_true(corpus_assemble(tbs, (size_t)len, alg, E->issuer,
	    EVP_sha256(), &der, &der_len));
	p = der;
	o->type = ART_CRL;
	assert_non_null(o->crl = d2i_X509_CRL(NULL, &p, (long)der_len));
	o->pre = 1;
	X509_ALGOR_free(alg);
	OPENSSL_free(tbs);
	OPENSSL_free(der);
	X509_CRL_free(crl);
}

/* --- OCSP responses ------------------------------------------------------ */

struct ocsp_spec {
	long		 version;	/* -1: absent (v1) */
	X509		*signer;	/* responderID, certs */
	EVP_PKEY	*key;
	int		 by_name;
	int		 id_other;	/* responderID of another certificate */
	int		 certs;		/* 0 none, 1 signer, 2 empty */
	const EVP_MD	*md;
	int		 md_nid;
	int		 no_params;
	const char	*produced;	/* GeneralizedTime text, or NULL: now */
	int		 status;	/* V_OCSP_CERTSTATUS_* */
	long		 this_off;
	long		 next;		/* seconds after thisUpdate; 0: none */
	long		 rev_off;	/* revocationTime = thisUpdate - rev_off */
	int		 reason;
	const EVP_MD	*cid_md;
	int		 cid_other;
	int		 single_ext;	/* 1 unknown critical, 2 reasonCode */
	int		 resp_status;
	const char	*resp_type;
};

static struct ocsp_spec
ocsp_good(void)
{
	struct ocsp_spec s = { 0 };

	s.version = -1;
	s.signer = E->resp;
	s.key = E->k2048;
	s.certs = 1;
	s.md = EVP_sha256();
	s.md_nid = NID_sha256WithRSAEncryption;
	s.status = V_OCSP_CERTSTATUS_GOOD;
	s.next = 4 * 86400 - 1;
	s.reason = -1;
	s.cid_md = EVP_sha1();
	s.resp_status = OCSP_RESPONSE_STATUS_SUCCESSFUL;
	s.resp_type = "1.3.6.1.5.5.7.48.1.1";
	return s;
}

static OCSP_SINGLERESP *
ocsp_single(const struct ocsp_spec *s)
{
	OCSP_BASICRESP *scratch = OCSP_BASICRESP_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	X509_NAME *other = name("/C=JP/O=Example Trust/CN=Other CA");
	OCSP_CERTID *cid;
	OCSP_SINGLERESP *one, *res;
	ASN1_TIME *thisu, *nextu = NULL, *rev = NULL;
	time_t t = E->now + s->this_off;

	ASN1_INTEGER_set(sn, 0x1000);
	cid = OCSP_cert_id_new(s->cid_md, s->cid_other ? other :
	    X509_get_subject_name(E->ca), X509_get0_pubkey_bitstr(E->ca), sn);
	thisu = ASN1_GENERALIZEDTIME_set(NULL, t);
	if (s->next)
		nextu = ASN1_GENERALIZEDTIME_set(NULL, t + s->next);
	if (s->status == V_OCSP_CERTSTATUS_REVOKED)
		rev = ASN1_GENERALIZEDTIME_set(NULL, t - s->rev_off);
	one = OCSP_basic_add1_status(scratch, cid, s->status, s->reason, rev,
	    thisu, nextu);
	assert_non_null(one);
	if (s->single_ext == 1) {
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.4.1.99999.3", 1);
		X509_EXTENSION *e;

		ASN1_OCTET_STRING_set(os, (unsigned char *)"\x05\x00", 2);
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, os);
		OCSP_SINGLERESP_add_ext(one, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OBJECT_free(obj);
		ASN1_OCTET_STRING_free(os);
	} else if (s->single_ext == 2) {
		ASN1_ENUMERATED *r = ASN1_ENUMERATED_new();

		ASN1_ENUMERATED_set(r, 1);
		OCSP_SINGLERESP_add1_ext_i2d(one, NID_crl_reason, r, 0, 0);
		ASN1_ENUMERATED_free(r);
	}
	res = ASN1_item_dup(ASN1_ITEM_rptr(OCSP_SINGLERESP), one);
	OCSP_CERTID_free(cid);
	OCSP_BASICRESP_free(scratch);
	ASN1_INTEGER_free(sn);
	X509_NAME_free(other);
	ASN1_TIME_free(thisu);
	ASN1_TIME_free(nextu);
	ASN1_TIME_free(rev);
	return res;
}

static void
ocsp_build(const struct ocsp_spec *s, unsigned char **der, size_t *der_len)
{
	T_RESPDATA *rd = T_RESPDATA_new();
	T_BASIC *b = T_BASIC_new();
	T_OCSPRESP *r = T_OCSPRESP_new();
	unsigned char *tbs = NULL, *sig = NULL, *bder = NULL;
	ASN1_STRING *seq = ASN1_STRING_new();
	size_t sig_len;
	int len, blen;
	X509 *id = s->id_other ? E->other_cert : s->signer;

	if (s->version >= 0) {
		rd->version = ASN1_INTEGER_new();
		ASN1_INTEGER_set(rd->version, s->version);
	}
	assert_true(s->by_name ? OCSP_RESPID_set_by_name(rd->responder, id) :
	    OCSP_RESPID_set_by_key(rd->responder, id));
	if (s->produced != NULL)
		assert_true(ASN1_GENERALIZEDTIME_set_string(rd->produced_at,
		    s->produced));
	else
		ASN1_GENERALIZEDTIME_set(rd->produced_at, E->now);
	sk_OCSP_SINGLERESP_push(rd->responses, ocsp_single(s));
	assert_true((len = i2d_T_RESPDATA(rd, &tbs)) > 0);
	assert_non_null(sig = corpus_sign(s->key, s->md, tbs, (size_t)len,
	    &sig_len));
	ASN1_STRING_set(seq, tbs, len);
	ASN1_TYPE_set(b->tbs, V_ASN1_SEQUENCE, seq);
	X509_ALGOR_set0(b->alg, OBJ_nid2obj(s->md_nid), s->no_params ?
	    V_ASN1_UNDEF : V_ASN1_NULL, NULL);
	ASN1_BIT_STRING_set(b->sig, sig, (int)sig_len);
	b->sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	b->sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	if (s->certs) {
		b->certs = sk_X509_new_null();
		if (s->certs == 1) {
			X509_up_ref(s->signer);
			sk_X509_push(b->certs, s->signer);
		}
	}
	assert_true((blen = i2d_T_BASIC(b, &bder)) > 0);
	ASN1_ENUMERATED_set(r->status, s->resp_status);
	r->bytes = (T_RESPBYTES *)ASN1_item_new(ASN1_ITEM_rptr(T_RESPBYTES));
	r->bytes->type = OBJ_txt2obj(s->resp_type, 1);
	ASN1_OCTET_STRING_set(r->bytes->response, bder, blen);
	assert_true((len = i2d_T_OCSPRESP(r, der)) > 0);
	*der_len = (size_t)len;
	OPENSSL_free(tbs);
	OPENSSL_free(sig);
	OPENSSL_free(bder);
	T_RESPDATA_free(rd);
	T_BASIC_free(b);
	T_OCSPRESP_free(r);
}

static void
ocsp_case(struct out *o, const struct ocsp_spec *s, unsigned int cabf)
{
	o->type = ART_OCSP;
	ocsp_build(s, &o->der, &o->len);
	o->issuer = E->ca;
	o->cabf = cabf;
	o->pre = 1;
}

#define OCSP_CASE(fn, cabf, body) static void fn(struct out *o) { \
	struct ocsp_spec s = ocsp_good(); body; ocsp_case(o, &s, cabf); }

OCSP_CASE(q_good, 0, (void)0)
OCSP_CASE(q_good_revoked, LINT_CABF_SBR, s.status = V_OCSP_CERTSTATUS_REVOKED;
    s.rev_off = 86400; s.reason = 1)
OCSP_CASE(q_good_ca, 0, s.signer = E->ca; s.key = E->issuer; s.certs = 0)
OCSP_CASE(q_status, 0, s.resp_status = OCSP_RESPONSE_STATUS_TRYLATER)
OCSP_CASE(q_type, 0, s.resp_type = "1.3.6.1.4.1.99999.4")
OCSP_CASE(q_version, 0, s.version = 1)
OCSP_CASE(q_responder_id, 0, s.id_other = 1)
OCSP_CASE(q_certs_empty, 0, s.signer = E->ca; s.key = E->issuer; s.certs = 2)
OCSP_CASE(q_signature, 0, s.key = E->other)
OCSP_CASE(q_params, 0, s.no_params = 1)
OCSP_CASE(q_times, 0, s.this_off = 86400)
OCSP_CASE(q_next, 0, s.next = 0)
OCSP_CASE(q_status_rev, 0, s.status = V_OCSP_CERTSTATUS_REVOKED;
    s.rev_off = -3600)
OCSP_CASE(q_cid_hash, 0, s.cid_md = EVP_md5())
OCSP_CASE(q_cid_issuer, 0, s.cid_other = 1)
OCSP_CASE(q_ext, 0, s.single_ext = 1)
OCSP_CASE(q_single_reason, 0, s.single_ext = 2)
OCSP_CASE(q_sbr_reason, LINT_CABF_SBR, s.status = V_OCSP_CERTSTATUS_REVOKED;
    s.rev_off = 86400; s.reason = 0)
OCSP_CASE(q_sbr_sigalg, LINT_CABF_SBR, s.md = EVP_sha1();
    s.md_nid = NID_sha1WithRSAEncryption)
OCSP_CASE(q_cabf_validity, LINT_CABF_SBR, s.next = 4 * 3600)
OCSP_CASE(q_cp_validity, 0, s.next = 5 * 86400)
OCSP_CASE(q_cp_sigalg, 0, s.md = EVP_sha384();
    s.md_nid = NID_sha384WithRSAEncryption)

static void
q_time_syntax(struct out *o)
{
	struct ocsp_spec s = ocsp_good();
	char buf[32];
	struct tm tm;

	gmtime_r(&E->now, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d%H%M%S.5Z", &tm);
	s.produced = buf;
	ocsp_case(o, &s, 0);
}

static void
q_decode(struct out *o)
{
	o->type = ART_OCSP;
	o->len = 5;
	o->der = OPENSSL_memdup("\x30\x03\x02\x01\x05", 5);
	o->issuer = E->ca;
}

/* A responder certificate made by another key, or without OCSPSigning. */
static X509 *
responder(EVP_PKEY *signer, int eku, long nb_off)
{
	struct fix_cert f;
	X509 *x;

	init(&f, PROFILE_OCSP, E->k2048);
	aki_of_ca(&f);
	if (!eku)
		f.spec.eku[0] = oid_eku_by_name("clientAuth")->oid;
	f.spec.not_before += nb_off;
	f.spec.not_after = cert_add_months(f.spec.not_before, 4) - 1;
	x = build(&f, NULL, signer);
	fix_cert_clear(&f);
	return x;
}

static void
q_with_responder(struct out *o, X509 *r)
{
	struct ocsp_spec s = ocsp_good();

	s.signer = r;
	ocsp_case(o, &s, 0);
	X509_free(r);
}
static void q_resp_eku(struct out *o) { q_with_responder(o, responder(E->issuer, 0, 0)); }
static void q_resp_issuer(struct out *o) { q_with_responder(o, responder(E->other, 1, 0)); }
static void q_resp_valid(struct out *o) { q_with_responder(o, responder(E->issuer, 1, 3600)); }

static void s_one_policy(struct fix_cert *f) { f->spec.npolicies = 1; }
static void c_csbr_policy(struct out *o) { mk(o, PROFILE_CODESIGN, NULL, s_one_policy, NULL); }

/* --- the table ----------------------------------------------------------- */

struct ccase {
	const char	*name;
	const char	*rule;		/* NULL: a good artifact */
	void		(*build)(struct out *);
};

static void g_profile(struct out *o, enum profile_id id) { mk(o, id, NULL, NULL, NULL); }
static void g_root(struct out *o) { g_profile(o, PROFILE_ROOT); }
static void g_ca1(struct out *o) { g_profile(o, PROFILE_CA_SHA1); }
static void g_ca2(struct out *o) { g_profile(o, PROFILE_CA_SHA256); }
static void g_ca3(struct out *o) { g_profile(o, PROFILE_CA_SHA384); }
static void g_client(struct out *o) { g_profile(o, PROFILE_CLIENT); }
static void g_client1(struct out *o) { g_profile(o, PROFILE_CLIENT_SHA1); }
static void g_doc(struct out *o) { g_profile(o, PROFILE_DOCUMENT); }
static void g_doc1(struct out *o) { g_profile(o, PROFILE_DOCUMENT_SHA1); }
static void g_strict(struct out *o) { g_profile(o, PROFILE_SMIME_STRICT); }
static void g_mp(struct out *o) { g_profile(o, PROFILE_SMIME_MULTIPURPOSE); }
static void g_cs(struct out *o) { g_profile(o, PROFILE_CODESIGN); }
static void g_ocsp(struct out *o) { g_profile(o, PROFILE_OCSP); }
static void g_chain(struct out *o) { mk_chain(o, PROFILE_CLIENT, NULL, NULL, NULL); o->pre = 0; }

static const struct ccase cases[] = {
	{ "good-root", NULL, g_root },
	{ "good-ca-sha1", NULL, g_ca1 },
	{ "good-ca-sha256", NULL, g_ca2 },
	{ "good-ca-sha384", NULL, g_ca3 },
	{ "good-ca-codesign", NULL, c_good_cs_ca },
	{ "good-ca-smime", NULL, c_good_sm_ca },
	{ "good-client", NULL, g_client },
	{ "good-client-sha1", NULL, g_client1 },
	{ "good-document", NULL, g_doc },
	{ "good-document-sha1", NULL, g_doc1 },
	{ "good-smime-strict-mailbox", NULL, g_strict },
	{ "good-smime-multipurpose-mailbox", NULL, g_mp },
	{ "good-smime-strict-organization", NULL, c_good_org_strict },
	{ "good-smime-multipurpose-organization", NULL, c_good_org_mp },
	{ "good-codesign", NULL, g_cs },
	{ "good-timestamp", NULL, c_good_tsa },
	{ "good-ocsp-responder", NULL, g_ocsp },
	{ "good-client-chain", NULL, g_chain },
	{ "good-key", NULL, c_good_key },
	{ "good-crl", NULL, r_good },
	{ "good-crl-empty", NULL, r_good_empty },
	{ "good-crl-codesign", NULL, r_good_cs },
	{ "good-ocsp", NULL, q_good },
	{ "good-ocsp-revoked-smime", NULL, q_good_revoked },
	{ "good-ocsp-ca-signed", NULL, q_good_ca },

	{ "v2", "e_rfc5280_version", c_version },
	{ "serial-negative", "e_rfc5280_serial_positive", c_serial_neg },
	{ "serial-21-octets", "e_rfc5280_serial_length", c_serial_long },
	{ "sigalg-mismatch", "e_rfc5280_sigalg_match", c_sigalg_match },
	{ "sigalg-no-params", "e_rfc5280_sigalg_params", c_sigalg_params },
	{ "spki-no-params", "e_rfc5280_spki_params", c_spki_params },
	{ "notbefore-generalized", "e_rfc5280_validity_encoding", c_validity_encoding },
	{ "notafter-no-seconds", "e_rfc5280_time_syntax", c_time_syntax },
	{ "validity-reversed", "e_rfc5280_validity_order", c_validity_order },
	{ "unique-id", "e_rfc5280_unique_ids", c_unique_ids },
	{ "issuer-empty", "e_rfc5280_issuer_empty", c_issuer_empty },
	{ "ca-subject-empty", "e_rfc5280_ca_subject_empty", c_ca_subject_empty },
	{ "cn-bmpstring", "e_rfc5280_dn_string_type", c_dn_string_type },
	{ "printable-underscore", "e_rfc5280_dn_printable", c_dn_printable },
	{ "cn-65", "e_rfc5280_dn_length", c_dn_length },
	{ "country-lower", "e_rfc5280_dn_country", c_dn_country },
	{ "aia-twice", "e_rfc5280_ext_duplicate", c_ext_duplicate },
	{ "policies-garbage", "e_rfc5280_ext_decode", c_ext_decode },
	{ "eku-empty", "e_rfc5280_ext_empty", c_ext_empty },
	{ "unknown-critical", "e_rfc5280_ext_unknown_critical", c_ext_unknown },
	{ "no-ski", "e_rfc5280_ski_present", c_ski_present },
	{ "ski-critical", "e_rfc5280_ski_critical", c_ski_critical },
	{ "no-aki", "e_rfc5280_aki_present", c_aki_present },
	{ "aia-critical", "e_rfc5280_aia_critical", c_aia_critical },
	{ "ca-bc-noncritical", "e_rfc5280_bc_critical", c_bc_critical },
	{ "ee-pathlen", "e_rfc5280_pathlen", c_pathlen },
	{ "ee-keycertsign", "e_rfc5280_ca_keycertsign", c_ca_keycertsign },
	{ "ku-empty", "e_rfc5280_ku_bits", c_ku_bits },
	{ "rsa-keyagreement", "e_rfc5280_ku_rsa", c_ku_rsa },
	{ "subject-empty-san-noncritical", "e_rfc5280_san_critical", c_san_critical },
	{ "rfc822-not-mailbox", "e_rfc5280_san_syntax", c_san_syntax },
	{ "subject-email-not-in-san", "e_rfc5280_email_in_san", c_email_in_san },
	{ "dp-reasons-only", "e_rfc5280_crldp_name", c_crldp_name },
	{ "ocsp-url-space", "e_rfc5280_uri_syntax", c_uri_syntax },
	{ "policy-twice", "e_rfc5280_policy_duplicate", c_policy_duplicate },
	{ "cps-not-uri", "e_rfc5280_policy_qualifiers", c_policy_qualifiers },
	{ "ee-name-constraints", "e_rfc5280_name_constraints", c_name_constraints },
	{ "issuer-name-other", "e_rfc5280_issuer_name", c_issuer_name },
	{ "aki-not-issuer-ski", "e_rfc5280_aki_issuer", c_aki_issuer },
	{ "bad-signature", "e_rfc5280_signature", c_signature },

	{ "crl-v1", "e_rfc5280_crl_version", r_version },
	{ "crl-sigalg-mismatch", "e_rfc5280_crl_sigalg_match", r_sigalg_match },
	{ "crl-thisupdate-generalized", "e_rfc5280_crl_time_encoding", r_time },
	{ "crl-no-nextupdate", "e_rfc5280_crl_next_update", r_next },
	{ "crl-no-number", "e_rfc5280_crl_number", r_number },
	{ "crl-no-aki", "e_rfc5280_crl_aki", r_aki },
	{ "crl-number-twice", "e_rfc5280_crl_ext_duplicate", r_dup },
	{ "crl-unknown-critical", "e_rfc5280_crl_ext_unknown", r_unknown },
	{ "crl-empty-list", "e_rfc5280_crl_entries_empty", r_empty },
	{ "crl-serial-twice", "e_rfc5280_crl_entries_unique", r_unique },
	{ "crl-serial-negative", "e_rfc5280_crl_serial", r_serial },
	{ "crl-revoked-later", "e_rfc5280_crl_revocation_date", r_revdate },
	{ "crl-reason-7", "e_rfc5280_crl_reason_valid", r_reason },
	{ "crl-reason-critical", "e_rfc5280_crl_entry_critical", r_reason_crit },
	{ "crl-invalidity-utctime", "e_rfc5280_crl_invalidity_date", r_inval },
	{ "crl-issuer-other", "e_rfc5280_crl_issuer_name", r_issuer_name },
	{ "crl-aki-other", "e_rfc5280_crl_aki_issuer", r_aki_issuer },
	{ "crl-bad-signature", "e_rfc5280_crl_signature", r_signature },
	{ "crl-ca-without-crlsign", "e_rfc5280_crl_issuer_crlsign", r_crlsign },

	{ "ocsp-garbage", "e_rfc6960_decode", q_decode },
	{ "ocsp-trylater-with-bytes", "e_rfc6960_status", q_status },
	{ "ocsp-other-type", "e_rfc6960_response_type", q_type },
	{ "ocsp-v2", "e_rfc6960_version", q_version },
	{ "ocsp-responder-id-other", "e_rfc6960_responder_id", q_responder_id },
	{ "ocsp-certs-empty", "e_rfc6960_certs_empty", q_certs_empty },
	{ "ocsp-bad-signature", "e_rfc6960_signature", q_signature },
	{ "ocsp-sigalg-no-params", "e_rfc6960_sigalg_params", q_params },
	{ "ocsp-responder-no-eku", "e_rfc6960_responder_eku", q_resp_eku },
	{ "ocsp-responder-other-ca", "e_rfc6960_responder_issuer", q_resp_issuer },
	{ "ocsp-responder-not-yet-valid", "e_rfc6960_responder_valid", q_resp_valid },
	{ "ocsp-thisupdate-future", "e_rfc6960_times", q_times },
	{ "ocsp-fraction", "e_rfc6960_time_syntax", q_time_syntax },
	{ "ocsp-no-nextupdate", "e_rfc5019_next_update", q_next },
	{ "ocsp-revoked-later", "e_rfc6960_cert_status", q_status_rev },
	{ "ocsp-certid-md5", "e_rfc6960_certid_hash", q_cid_hash },
	{ "ocsp-certid-other", "e_rfc6960_certid_issuer", q_cid_issuer },
	{ "ocsp-unknown-critical", "e_rfc6960_ext_unknown", q_ext },
	{ "ocsp-single-reasoncode", "e_sbr_ocsp_single_reason", q_single_reason },
	{ "ocsp-smime-unspecified", "e_sbr_ocsp_reason", q_sbr_reason },
	{ "ocsp-smime-sha1", "e_sbr_ocsp_sigalg", q_sbr_sigalg },
	{ "ocsp-smime-4h", "e_cabf_ocsp_validity", q_cabf_validity },
	{ "ocsp-5-days", "e_cp_ocsp_response_validity", q_cp_validity },
	{ "ocsp-sha384", "e_cp_ocsp_sigalg", q_cp_sigalg },

	{ "key-e3", "e_keys_rsa_exponent", c_key_exponent },
	{ "key-even", "e_keys_rsa_modulus_even", c_key_even },
	{ "key-751", "e_keys_rsa_small_factor", c_key_small_factor },
	{ "key-roca", "e_keys_rsa_roca", c_key_roca },
	{ "key-fermat", "e_keys_rsa_fermat", c_key_fermat },
	{ "key-2042-bits", "e_keys_rsa_modulus_bytes", c_key_bytes },
	{ "key-blocklisted", "e_keys_blocklist", c_key_blocklist },
	{ "key-ec", "e_cp_key_type", c_key_type },
	{ "key-ca-3072", "e_cp_key_size", c_key_cp_size },
	{ "key-codesign-2048", "e_csbr_rsa_key_size", c_key_csbr_size },
	{ "key-smime-1024", "e_sbr_rsa_key_size", c_key_sbr_size },

	{ "codesign-no-cabf-policy", "e_csbr_policy_oid", c_csbr_policy },
	{ "codesign-sha1", "e_csbr_no_sha1", c_csbr_no_sha1 },
	{ "codesign-sha224", "e_csbr_sigalg", c_csbr_sigalg },
	{ "codesign-serverauth", "e_csbr_eku", c_csbr_eku },
	{ "codesign-keyencipherment", "e_csbr_key_usage", c_csbr_ku },
	{ "codesign-no-ocsp", "e_csbr_aia", c_csbr_aia },
	{ "codesign-ldap-caissuers", "e_csbr_aia_http", c_csbr_aia_http },
	{ "codesign-dp-relative", "e_csbr_crldp", c_csbr_crldp },
	{ "codesign-country-xy", "e_csbr_subject_country", c_csbr_country },
	{ "codesign-no-locality", "e_csbr_subject_locality", c_csbr_locality },
	{ "codesign-dc", "e_csbr_subject_prohibited", c_csbr_dc },
	{ "codesign-st-dash", "e_csbr_subject_metadata", c_csbr_metadata },
	{ "codesign-461-days", "e_csbr_max_validity", c_csbr_max_validity },
	{ "ca-codesign-serverauth", "e_csbr_ca_eku", c_csbr_ca_eku },
	{ "ca-codesign-no-policy", "e_csbr_ca_policy", c_csbr_ca_policy },
	{ "ca-codesign-2048", "e_csbr_ca_key_size", c_csbr_ca_key },
	{ "ca-codesign-no-caissuers", "e_csbr_ca_aia", c_csbr_ca_aia },
	{ "timestamp-eku-noncritical", "e_csbr_tsa_eku", c_tsa_eku },
	{ "timestamp-no-policy", "e_csbr_tsa_policy", c_tsa_policy },
	{ "timestamp-2048", "e_csbr_tsa_validity", c_tsa_validity },
	{ "crl-codesign-invalidity", "e_csbr_crl_invalidity_date", r_cs_inval },

	{ "smime-strict-mp-oid", "e_sbr_policy_oid", c_sbr_policy },
	{ "smime-legacy", "e_sbr_legacy_generation", c_sbr_legacy },
	{ "smime-strict-clientauth", "e_sbr_eku", c_sbr_eku },
	{ "smime-strict-dataenc", "e_sbr_key_usage", c_sbr_ku },
	{ "smime-dnsname", "e_sbr_san", c_sbr_san },
	{ "smime-cn-not-in-san", "e_sbr_email_subject", c_sbr_email_subject },
	{ "smime-cn-name", "e_sbr_common_name", c_sbr_cn },
	{ "smime-mailbox-country", "e_sbr_subject_mailbox", c_sbr_mailbox },
	{ "smime-org-no-orgid", "e_sbr_subject_organization", c_sbr_org },
	{ "smime-orgid-us", "e_sbr_organization_identifier", c_sbr_orgid },
	{ "smime-country-xy", "e_sbr_subject_country", c_sbr_country },
	{ "smime-ou-dot", "e_sbr_subject_metadata", c_sbr_metadata },
	{ "smime-ldap-dp", "e_sbr_crldp", c_sbr_crldp },
	{ "smime-https-ocsp", "e_sbr_aia", c_sbr_aia },
	{ "smime-aki-issuer-serial", "e_sbr_aki", c_sbr_aki },
	{ "smime-ftp-cps", "e_sbr_policy_qualifiers", c_sbr_cps },
	{ "smime-sha1", "e_sbr_no_sha1", c_sbr_no_sha1 },
	{ "smime-sha224", "e_sbr_sigalg", c_sbr_sigalg },
	{ "smime-826-days", "e_sbr_max_validity", c_sbr_max_validity },
	{ "ca-smime-timestamping", "e_sbr_ca_eku", c_sbr_ca_eku },
	{ "ca-smime-no-policy", "e_sbr_ca_policy", c_sbr_ca_policy },
	{ "crl-smime-unspecified", "e_sbr_crl_reason", r_sbr_reason },
	{ "crl-smime-sha1", "e_sbr_crl_sigalg", r_sbr_sigalg },

	{ "serial-7-octets", "e_cp_serial_entropy", c_serial_short },
	{ "ski-sha256", "e_cp_ski_method", c_ski_method },
	{ "client-basic-constraints", "e_cp_profile_extensions", c_profile_extensions },
	{ "client-eku-critical", "e_cp_profile_criticality", c_cp_criticality },
	{ "client-ds-nr", "e_cp_key_usage", c_cp_key_usage },
	{ "client-smartcard-alone", "e_cp_eku", c_cp_eku },
	{ "ca-smartcard-alone", "e_cp_ca_eku", c_cp_ca_eku },
	{ "ca-cabf-codesign-policy", "e_cp_ca_codesign_policy", c_cp_ca_cs_policy },
	{ "codesign-ou", "e_cp_subject_attrs", c_cp_subject_attrs },
	{ "client-other-policy", "e_cp_policy_oid", c_cp_policy_oid },
	{ "client-no-cps", "e_cp_cps_qualifier", c_cp_cps },
	{ "codesign-san", "e_cp_san_types", c_cp_san_types },
	{ "responder-5-months", "e_cp_ocsp_validity", c_cp_ocsp_validity },
	{ "responder-no-nocheck", "e_cp_ocsp_nocheck", c_cp_ocsp_nocheck },
	{ "client-ldap-dp-only", "e_cp_crldp", c_cp_crldp },
	{ "client-ldap-dp-form", "e_cp_ldap_crldp", c_cp_ldap },
	{ "client-sha1", "e_cp_sigalg", c_cp_sigalg },
	{ "client-backdated", "e_cp_not_backdated", c_cp_backdated },
	{ "client-outlives-ca", "e_cp_within_issuer", c_within_issuer },
	{ "crl-120h", "e_cp_crl_validity", r_validity },
	{ "crl-sha512", "e_cp_crl_sigalg", r_cp_sigalg },
	{ "crl-issuer-alt-name", "e_cp_crl_extensions", r_cp_ext },
	{ "crl-unsorted", "e_cp_crl_entries_sorted", r_sorted },
	{ "crl-thisupdate-tomorrow", "e_cp_crl_this_update", r_this_update },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
lint_out(const struct out *o, struct lint_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	switch (o->type) {
	case ART_CERT: {
		struct lint_input in = { .cert = o->cert, .profile = o->profile,
		    .policy_oid = o->policy_oid, .now = E->now,
		    .pre_issuance = o->pre, .issuer = o->issuer,
		    .blocklist = o->blocklist };
		assert_true(lint_cert(&in, rep));
		break;
	}
	case ART_CRL: {
		struct lint_crl_input in = { o->crl, o->issuer, E->now, o->pre,
		    o->cabf };
		assert_true(lint_crl(&in, rep));
		break;
	}
	case ART_OCSP: {
		struct lint_ocsp_input in = { o->der, o->len, o->issuer, E->now,
		    o->pre, o->cabf };
		assert_true(lint_ocsp(&in, rep));
		break;
	}
	case ART_KEY:
		assert_true(lint_key(o->key, o->profile, rep));
		break;
	}
}

/* Writes the artifact as DER and its MANIFEST line. */
static void
write_out(const struct ccase *c, const struct out *o)
{
	static const char *const ext[] = { "crt", "crl", "ocsp", "pub" };
	unsigned char *der = NULL;
	char path[700];
	int len = 0;
	FILE *fp;

	switch (o->type) {
	case ART_CERT: len = i2d_X509(o->cert, &der); break;
	case ART_CRL: len = i2d_X509_CRL(o->crl, &der); break;
	case ART_OCSP:
		der = OPENSSL_memdup(o->der, o->len);
		len = (int)o->len;
		break;
	case ART_KEY: len = i2d_PUBKEY(o->key, &der); break;
	}
	snprintf(path, sizeof(path), "%s/%s.%s", E->dir, c->name, ext[o->type]);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(der, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	fprintf(E->manifest, "%s.%s %s %s %s %s\n", c->name, ext[o->type],
	    c->rule != NULL ? c->rule : "-",
	    o->profile != NULL ? o->profile->name : "none",
	    o->issuer == E->ca ? "ca" : o->issuer != NULL ? "ca-nocrlsign" : "-",
	    o->pre ? "pre" : "post");
	OPENSSL_free(der);
}

static void
out_clear(struct out *o)
{
	X509_free(o->cert);
	X509_CRL_free(o->crl);
	OPENSSL_free(o->der);
	EVP_PKEY_free(o->key);
	memset(o, 0, sizeof(*o));
}

/* Each case: its rule fires, no other error rule does. */
static void
test_cases(void **state)
{
	struct lint_report rep;
	struct out o;
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		memset(&o, 0, sizeof(o));
		cases[i].build(&o);
		lint_out(&o, &rep);
		for (size_t j = 0; j < rep.n; j++) {
			const struct lint_rule *r = rep.v[j].rule;

			if (r->severity == LINT_ERROR && (cases[i].rule == NULL ||
			    strcmp(r->id, cases[i].rule) != 0)) {
				print_error("%s: unexpected %s: %s\n",
				    cases[i].name, r->id, rep.v[j].message);
				bad++;
			}
		}
		if (cases[i].rule != NULL && !({ int f = 0;
		    for (size_t j = 0; j < rep.n; j++)
			f |= strcmp(rep.v[j].rule->id, cases[i].rule) == 0;
		    f; })) {
			print_error("%s: %s not reported\n", cases[i].name,
			    cases[i].rule);
			bad++;
		}
		write_out(&cases[i], &o);
		lint_report_clear(&rep);
		out_clear(&o);
	}
	assert_int_equal(bad, 0);
}

/* Every error rule of the table has an artifact that breaks it. */
static void
test_coverage(void **state)
{
	const struct lint_rule *r;
	size_t n;
	int missing = 0;

	(void)state;
	r = lint_rules(&n);
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		if (r[i].severity != LINT_ERROR)
			continue;
		for (size_t j = 0; j < NCASES && !found; j++)
			found = cases[j].rule != NULL &&
			    strcmp(cases[j].rule, r[i].id) == 0;
		if (!found) {
			print_error("no corpus case for %s\n", r[i].id);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	for (size_t j = 0; j < NCASES; j++)
		if (cases[j].rule != NULL && lint_rule_by_id(cases[j].rule) == NULL)
			fail_msg("case %s names no rule %s", cases[j].name,
			    cases[j].rule);
}

/* The detectors themselves, on known numbers. */
static void
test_detectors(void **state)
{
	BIGNUM *n = BN_new(), *p = NULL;
	unsigned long f;

	(void)state;
	BN_set_word(n, 1000003UL * 1000033UL);	/* close primes */
	assert_true(lint_rsa_fermat(n, 10, &p));
	assert_true(BN_is_word(p, 1000003UL) || BN_is_word(p, 1000033UL));
	BN_free(p);
	BN_set_word(n, 751UL * 1000003UL);
	assert_true(lint_rsa_small_factor(n, &f));
	assert_int_equal(f, 751);
	BN_set_word(n, 757UL * 1000003UL);
	assert_false(lint_rsa_small_factor(n, &f));
	BN_free(n);
}

static X509 *
ca_cert(unsigned int ku)
{
	struct fix_cert f;
	X509 *x;

	assert_true(fix_cert_init(&f, PROFILE_CA_SHA256, E->issuer,
	    E->now - 86400));
	f.spec.key_usage = ku;
	x = build(&f, NULL, E->issuer);
	fix_cert_clear(&f);
	return x;
}

static int
setup(void **state)
{
	const char *dir = getenv("INKAN_LINT_CORPUS_DIR");
	const char *src = getenv("INKAN_SOURCE_DIR");
	char path[700];
	EVP_PKEY_CTX *ctx;
	unsigned char *pem;
	size_t len;
	BIO *b;

	(void)state;
	if ((E = calloc(1, sizeof(*E))) == NULL)
		return -1;
	E->now = time(NULL);
	E->k2048 = fix_key("rsa2048.pem");
	E->k3072 = fix_key("rsa3072.pem");
	E->issuer = fix_key("rsa2048-issuer.pem");
	E->k4096 = corpus_rsa_gen(4096, RSA_F4);
	E->other = corpus_rsa_gen(2048, RSA_F4);
	E->e3 = corpus_rsa_gen(2048, 3);
	E->k1024 = corpus_rsa_gen(1024, RSA_F4);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_group_name(ctx, "P-256") != 1 ||
	    EVP_PKEY_keygen(ctx, &E->ec) != 1)
		return -1;
	EVP_PKEY_CTX_free(ctx);
	if ((pem = fix_read("lint", "compromised-rsa2048.pem", &len)) != NULL &&
	    (b = BIO_new_mem_buf(pem, (int)len)) != NULL) {
		E->blocked = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	free(pem);
	snprintf(path, sizeof(path), "%s/src/lint/blocklist.sha256",
	    src != NULL ? src : ".");
	E->bl = lint_blocklist_load(path);
	if (E->k2048 == NULL || E->k3072 == NULL || E->issuer == NULL ||
	    E->k4096 == NULL || E->other == NULL || E->e3 == NULL ||
	    E->k1024 == NULL || E->blocked == NULL || E->bl == NULL) {
		fprintf(stderr, "corpus: cannot load or make the keys\n");
		return -1;
	}
	E->ca = ca_cert(CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN);
	E->ca_nocrlsign = ca_cert(CERT_KU_KEY_CERT_SIGN);
	E->resp = responder(E->issuer, 1, 0);
	{
		struct fix_cert f;

		init(&f, PROFILE_CLIENT, E->other);
		E->other_cert = build(&f, NULL, E->other);
		fix_cert_clear(&f);
	}
	if (dir != NULL && *dir != '\0')
		snprintf(E->dir, sizeof(E->dir), "%s", dir);
	else {
		snprintf(E->dir, sizeof(E->dir), "/tmp/inkan-lint-XXXXXX");
		if (mkdtemp(E->dir) == NULL)
			return -1;
		E->tmpdir = 1;
	}
	snprintf(path, sizeof(path), "%s/MANIFEST", E->dir);
	if ((E->manifest = fopen(path, "w")) == NULL)
		return -1;
	fprintf(E->manifest, "# file expected-rule profile issuer when\n");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	if (E == NULL)
		return 0;
	if (E->manifest != NULL)
		fclose(E->manifest);
	if (E->tmpdir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", E->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "corpus: cannot remove %s\n", E->dir);
	}
	EVP_PKEY_free(E->k2048);
	EVP_PKEY_free(E->k3072);
	EVP_PKEY_free(E->k4096);
	EVP_PKEY_free(E->issuer);
	EVP_PKEY_free(E->other);
	EVP_PKEY_free(E->e3);
	EVP_PKEY_free(E->k1024);
	EVP_PKEY_free(E->ec);
	EVP_PKEY_free(E->blocked);
	X509_free(E->ca);
	X509_free(E->ca_nocrlsign);
	X509_free(E->resp);
	X509_free(E->other_cert);
	lint_blocklist_free(E->bl);
	free(E);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_detectors),
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
