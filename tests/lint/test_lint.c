/*
 * Tests of src/lint/ (lint.c, rules.c, rfc5280.c, cp.c): the pre-issuance
 * linter (CP-4.3.1). A conforming certificate of every profile lints
 * clean; for each rule tested, a certificate that breaks exactly that rule
 * makes exactly the expected error findings, no fewer and no more.
 *
 * Certificates are built in-process with cert_build from the profile
 * fixtures of tests/x509/certfix.h and signed with test keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lint/lint.h"
#include "x509/cert.h"
#include "x509/oid.h"
#include "x509/profile.h"

#include "x509/certfix.h"

struct keys {
	EVP_PKEY	*k2048;		/* subscriber, CA */
	EVP_PKEY	*k3072;		/* code signing */
	EVP_PKEY	*issuer;
};

static struct keys *K;

static int
setup(void **state)
{
	(void)state;
	if ((K = calloc(1, sizeof(*K))) == NULL ||
	    (K->k2048 = fix_key("rsa2048.pem")) == NULL ||
	    (K->k3072 = fix_key("rsa3072.pem")) == NULL ||
	    (K->issuer = fix_key("rsa2048-issuer.pem")) == NULL) {
		fprintf(stderr, "cannot load tests/data/x509 keys\n");
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (K != NULL) {
		EVP_PKEY_free(K->k2048);
		EVP_PKEY_free(K->k3072);
		EVP_PKEY_free(K->issuer);
		free(K);
	}
	return 0;
}

/* The right key size for the profile (CP-6.1.5). */
static EVP_PKEY *
key_for(enum profile_id id)
{
	return id == PROFILE_CODESIGN ? K->k3072 : K->k2048;
}

/*
 * The certfix S/MIME subject carries C and O, which a mailbox-validated
 * certificate (the reserved policy certfix asserts) must not have
 * (SBR 7.1.4.2.3): use the subject issuance gives it.
 */
static void
init(struct fix_cert *f, enum profile_id id)
{
	assert_true(fix_cert_init(f, id, key_for(id), time(NULL)));
	if (f->profile->rules == PROFILE_RULES_SBR)
		assert_true(fix_cert_subject(f, "/CN=" FIX_EMAIL));
}

/*
 * Builds f and signs it (the root with its own key, others with the
 * issuer key), so the linter sees a certificate as DER would carry it.
 */
static X509 *
make(struct fix_cert *f, void (*tweak)(X509 *))
{
	EVP_PKEY *signer;
	X509 *t, *x;

	t = fix_cert_build(f);
	if (t == NULL)
		fail_msg("cert_build failed for %s", f->profile->name);
	if (tweak != NULL)
		tweak(t);
	signer = f->profile->id == PROFILE_ROOT ? f->spec.pubkey : K->issuer;
	x = fix_sign(t, signer, f->spec.md, f->spec.md);
	assert_non_null(x);
	X509_free(t);
	return x;
}

static void
run(X509 *x, const struct profile *p, const char *policy_oid, int pre,
    struct lint_report *rep)
{
	struct lint_input in = { .cert = x, .profile = p,
	    .policy_oid = policy_oid, .now = time(NULL), .pre_issuance = pre };

	memset(rep, 0, sizeof(*rep));
	assert_true(lint_cert(&in, rep));
}

static int
has_rule(const struct lint_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->v[i].rule->id, id) == 0)
			return 1;
	return 0;
}

/*
 * The error findings of rep are exactly the rules listed (NULL-ended):
 * each listed rule fired, and no error rule fired that is not listed.
 */
static void
expect_errors(const struct lint_report *rep, const char *const *ids)
{
	int ok = 1, n = 0;

	for (const char *const *id = ids; *id != NULL; id++, n++)
		if (!has_rule(rep, *id)) {
			print_error("expected %s, not reported\n", *id);
			ok = 0;
		}
	for (size_t i = 0; i < rep->n; i++) {
		const char *const *id;

		if (rep->v[i].rule->severity != LINT_ERROR)
			continue;
		for (id = ids; *id != NULL; id++)
			if (strcmp(*id, rep->v[i].rule->id) == 0)
				break;
		if (*id == NULL) {
			print_error("unexpected %s: %s\n", rep->v[i].rule->id,
			    rep->v[i].message);
			ok = 0;
		}
	}
	if (!ok) {
		lint_report_print(stderr, "report", rep);
		fail();
	}
	assert_true(rep->count[LINT_ERROR] >= n);
}

#define EXPECT(rep, ...) do {						\
	const char *const ids_[] = { __VA_ARGS__, NULL };		\
	expect_errors((rep), ids_);					\
} while (0)
#define EXPECT_CLEAN(rep) do {						\
	const char *const ids_[] = { NULL };				\
	expect_errors((rep), ids_);					\
	assert_int_equal((rep)->count[LINT_ERROR], 0);			\
} while (0)

/* Builds f, lints it with its profile and checks the error rule set. */
static void
lint_fix(struct fix_cert *f, void (*tweak)(X509 *), int pre,
    const char *const *ids)
{
	struct lint_report rep;
	X509 *x = make(f, tweak);

	run(x, f->profile, f->policy_oid, pre, &rep);
	expect_errors(&rep, ids);
	lint_report_clear(&rep);
	X509_free(x);
}

#define LINT_EXPECT(f, tweak, ...) do {					\
	const char *const ids_[] = { __VA_ARGS__, NULL };		\
	lint_fix((f), (tweak), 1, ids_);				\
} while (0)

static X509_EXTENSION *
ext_of(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	assert_true(i >= 0);
	return X509_get_ext(x, i);
}

/* CP-7.1, CP-7.3: the profile fixtures conform, signed or not. */
static void
test_conforming_each_profile(void **state)
{
	struct lint_report rep;
	struct fix_cert f;
	X509 *t, *x;

	(void)state;
	for (int id = 0; id < PROFILE_MAX; id++) {
		init(&f, (enum profile_id)id);
		/* The TBS before signing, as issuance lints it. */
		t = fix_cert_build(&f);
		assert_non_null(t);
		run(t, f.profile, f.policy_oid, 1, &rep);
		if (rep.count[LINT_ERROR] != 0)
			print_error("profile %s:\n", f.profile->name);
		EXPECT_CLEAN(&rep);
		lint_report_clear(&rep);
		X509_free(t);
		/* The signed certificate, linted later (not pre-issuance). */
		x = make(&f, NULL);
		run(x, f.profile, f.policy_oid, 0, &rep);
		EXPECT_CLEAN(&rep);
		assert_int_equal(rep.n, 0);
		lint_report_clear(&rep);
		/* Without a profile only RFC 5280 rules run: still clean. */
		run(x, NULL, NULL, 0, &rep);
		EXPECT_CLEAN(&rep);
		lint_report_clear(&rep);
		X509_free(x);
		fix_cert_clear(&f);
	}
}

static void
test_kind_of(void **state)
{
	static const struct {
		enum profile_id id;
		enum lint_kind kind;
	} cases[] = {
		{ PROFILE_ROOT, LINT_KIND_ROOT },
		{ PROFILE_CA_SHA256, LINT_KIND_CA },
		{ PROFILE_CLIENT, LINT_KIND_SUBSCRIBER },
		{ PROFILE_CODESIGN, LINT_KIND_SUBSCRIBER },
		{ PROFILE_OCSP, LINT_KIND_OCSP },
	};
	struct fix_cert f;
	X509 *x;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		init(&f, cases[i].id);
		x = make(&f, NULL);
		assert_int_equal(lint_kind_of(x), cases[i].kind);
		X509_free(x);
		fix_cert_clear(&f);
	}
}

static void
set_serial(struct fix_cert *f, const unsigned char *mag, size_t len, int neg)
{
	BIGNUM *bn = BN_bin2bn(mag, (int)len, NULL);

	assert_non_null(bn);
	BN_set_negative(bn, neg);
	ASN1_INTEGER_free(f->serial);
	f->serial = BN_to_ASN1_INTEGER(bn, NULL);
	assert_non_null(f->serial);
	f->spec.serial = f->serial;
	BN_free(bn);
}

/* RFC 5280 §4.1.2.2, CP-3.1.5. */
static void
test_serial(void **state)
{
	unsigned char mag[21];
	struct fix_cert f;

	(void)state;
	memset(mag, 0x5a, sizeof(mag));
	mag[0] = 0x40;
	init(&f, PROFILE_CLIENT);
	set_serial(&f, mag, 21, 0);	/* 21 octets */
	LINT_EXPECT(&f, NULL, "e_rfc5280_serial_length");
	set_serial(&f, mag, 20, 0);	/* 20 octets: the limit */
	LINT_EXPECT(&f, NULL, NULL);
	mag[0] = 0x80;			/* 20 octets + sign octet */
	set_serial(&f, mag, 20, 0);
	LINT_EXPECT(&f, NULL, "e_rfc5280_serial_length");
	mag[0] = 0x40;
	set_serial(&f, mag, 16, 1);	/* negative */
	LINT_EXPECT(&f, NULL, "e_rfc5280_serial_positive");
	set_serial(&f, (const unsigned char *)"", 0, 0);	/* zero */
	LINT_EXPECT(&f, NULL, "e_rfc5280_serial_positive",
	    "e_cp_serial_entropy");
	set_serial(&f, mag, 7, 0);	/* too short for 64 random bits */
	LINT_EXPECT(&f, NULL, "e_cp_serial_entropy");
	fix_cert_clear(&f);
}

/* RFC 5280 §4.1.1.2: signatureAlgorithm equals the TBS signature. */
static void
test_sigalg_mismatch(void **state)
{
	struct lint_report rep;
	struct fix_cert f;
	X509 *t, *x;

	(void)state;
	init(&f, PROFILE_CLIENT);
	t = fix_cert_build(&f);
	assert_non_null(t);
	/* Signed with sha256, but the outer algorithm says sha384. */
	x = fix_sign(t, K->issuer, SIGNER_MD_SHA256, SIGNER_MD_SHA384);
	assert_non_null(x);
	run(x, f.profile, f.policy_oid, 1, &rep);
	EXPECT(&rep, "e_rfc5280_sigalg_match");
	lint_report_clear(&rep);
	X509_free(x);
	X509_free(t);
	fix_cert_clear(&f);
}

static void
tweak_dup_aia(X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia;

	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	assert_non_null(aia);
	assert_true(X509_add1_ext_i2d(x, NID_info_access, aia, 0,
	    X509V3_ADD_APPEND));
	AUTHORITY_INFO_ACCESS_free(aia);
}

/* RFC 5280 §4.2: no extension twice. */
static void
test_duplicate_extension(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CLIENT);
	LINT_EXPECT(&f, tweak_dup_aia, "e_rfc5280_ext_duplicate");
	fix_cert_clear(&f);
}

/* An SKI made by another method: SHA-256 of the key, cut to 20 octets. */
static void
tweak_ski_sha256(X509 *x)
{
	const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
	unsigned char md[SHA256_DIGEST_LENGTH];
	ASN1_OCTET_STRING *id;
	X509_EXTENSION *ext;
	int loc = X509_get_ext_by_NID(x, NID_subject_key_identifier, -1);

	assert_true(loc >= 0);
	X509_EXTENSION_free(X509_delete_ext(x, loc));
	SHA256(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits),
	    md);
	assert_non_null(id = ASN1_OCTET_STRING_new());
	assert_true(ASN1_OCTET_STRING_set(id, md, 20));
	ext = X509V3_EXT_i2d(NID_subject_key_identifier, 0, id);
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, loc));
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(id);
}

/* CP-7.1: SKI is the SHA-1 of the public key. */
static void
test_ski_not_sha1(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CLIENT);
	LINT_EXPECT(&f, tweak_ski_sha256, "e_cp_ski_method");
	fix_cert_clear(&f);
	init(&f, PROFILE_CA_SHA256);
	LINT_EXPECT(&f, tweak_ski_sha256, "e_cp_ski_method");
	fix_cert_clear(&f);
}

/* RFC 5280 §4.2.1.1; CP-7.1 tables list AKI. */
static void
test_missing_aki(void **state)
{
	struct lint_report rep;
	struct fix_cert f;
	X509 *x;

	(void)state;
	init(&f, PROFILE_CLIENT);
	fix_cert_drop(&f, CERT_EXT_AKI);
	x = make(&f, NULL);
	/* The RFC rule alone, without a profile... */
	run(x, NULL, NULL, 1, &rep);
	EXPECT(&rep, "e_rfc5280_aki_present");
	lint_report_clear(&rep);
	/* ...and with it the CP table is also missing a row. */
	run(x, f.profile, f.policy_oid, 1, &rep);
	EXPECT(&rep, "e_rfc5280_aki_present", "e_cp_profile_extensions");
	lint_report_clear(&rep);
	X509_free(x);
	fix_cert_clear(&f);
}

static void
tweak_eku_critical(X509 *x)
{
	assert_true(X509_EXTENSION_set_critical(ext_of(x, NID_ext_key_usage),
	    1));
}

static void
tweak_ku_not_critical(X509 *x)
{
	assert_true(X509_EXTENSION_set_critical(ext_of(x, NID_key_usage), 0));
}

static void
tweak_bc_not_critical(X509 *x)
{
	assert_true(X509_EXTENSION_set_critical(ext_of(x,
	    NID_basic_constraints), 0));
}

/* CP-7.1: KeyUsage and BasicConstraints critical, nothing else. */
static void
test_criticality(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CLIENT);
	LINT_EXPECT(&f, tweak_eku_critical, "e_cp_profile_criticality");
	LINT_EXPECT(&f, tweak_ku_not_critical, "e_cp_profile_criticality");
	fix_cert_clear(&f);
	init(&f, PROFILE_CODESIGN);
	LINT_EXPECT(&f, tweak_eku_critical, "e_cp_profile_criticality");
	fix_cert_clear(&f);
	/* A CA's basicConstraints: RFC 5280 and the CP table both. */
	init(&f, PROFILE_CA_SHA256);
	LINT_EXPECT(&f, tweak_bc_not_critical, "e_cp_profile_criticality",
	    "e_rfc5280_bc_critical");
	fix_cert_clear(&f);
}

/* CP-6.1.7: KeyUsage combinations. */
static void
test_key_usage(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CLIENT);
	f.spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_NON_REPUDIATION;
	LINT_EXPECT(&f, NULL, "e_cp_key_usage");
	/* keyCertSign in a subscriber: RFC 5280 §4.2.1.3 too. */
	f.spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_KEY_CERT_SIGN;
	LINT_EXPECT(&f, NULL, "e_cp_key_usage", "e_rfc5280_ca_keycertsign");
	fix_cert_clear(&f);
	init(&f, PROFILE_CODESIGN);
	f.spec.key_usage = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_KEY_ENCIPHERMENT;
	LINT_EXPECT(&f, NULL, "e_cp_key_usage");
	fix_cert_clear(&f);
	/* Every combination a profile allows lints clean. */
	for (int id = PROFILE_CLIENT; id < PROFILE_MAX; id++) {
		const struct profile *p = profile_get((enum profile_id)id);

		for (int i = 0; i < PROFILE_KU_COMBOS_MAX && p->ku[i]; i++) {
			init(&f, (enum profile_id)id);
			f.spec.key_usage = p->ku[i];
			LINT_EXPECT(&f, NULL, NULL);
			fix_cert_clear(&f);
		}
	}
}

/* CP-7.1 EKU row. */
static void
test_eku(void **state)
{
	struct lint_report rep;
	struct fix_cert f;
	X509 *x;

	(void)state;
	init(&f, PROFILE_CLIENT);
	f.spec.neku = 0;
	f.spec.eku[f.spec.neku++] = oid_eku_by_name("smartcardLogon")->oid;
	x = make(&f, NULL);
	run(x, f.profile, f.policy_oid, 1, &rep);
	EXPECT(&rep, "e_cp_eku");
	assert_non_null(strstr(rep.v[0].message, "clientAuth"));
	lint_report_clear(&rep);
	X509_free(x);
	/* With clientAuth it is allowed. */
	f.spec.eku[f.spec.neku++] = oid_eku_by_name("clientAuth")->oid;
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_clear(&f);
	/* codeSigning alone (CSBR 7.1.2.3(f)). */
	init(&f, PROFILE_CODESIGN);
	f.spec.eku[f.spec.neku++] = oid_eku_by_name("clientAuth")->oid;
	LINT_EXPECT(&f, NULL, "e_cp_eku");
	fix_cert_clear(&f);
	/* An EKU the CP does not name. */
	init(&f, PROFILE_CLIENT);
	f.spec.eku[f.spec.neku++] = "1.3.6.1.5.5.7.3.17";
	LINT_EXPECT(&f, NULL, "e_cp_eku");
	fix_cert_clear(&f);
	/* Missing altogether. */
	init(&f, PROFILE_OCSP);
	f.spec.neku = 0;
	x = make(&f, NULL);
	/* Without OCSPSigning it is no longer a responder certificate. */
	assert_int_equal(lint_kind_of(x), LINT_KIND_SUBSCRIBER);
	X509_free(x);
	fix_cert_clear(&f);
	init(&f, PROFILE_CLIENT);
	f.spec.neku = 0;
	LINT_EXPECT(&f, NULL, "e_cp_eku", "e_cp_profile_extensions");
	fix_cert_clear(&f);
}

/* CP-6.1.5, CSBR 6.1.5: code signing RSA 3072 or 4096. */
static void
test_key_size(void **state)
{
	struct fix_cert f;

	(void)state;
	/* Below the CSBR minimum: that rule, not the CP's, reports it. */
	assert_true(fix_cert_init(&f, PROFILE_CODESIGN, K->k2048, time(NULL)));
	LINT_EXPECT(&f, NULL, "e_csbr_rsa_key_size");
	fix_cert_clear(&f);
	/* 3072 is fine for a client, not for a CA. */
	assert_true(fix_cert_init(&f, PROFILE_CLIENT, K->k3072, time(NULL)));
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_clear(&f);
	assert_true(fix_cert_init(&f, PROFILE_CA_SHA256, K->k3072,
	    time(NULL)));
	LINT_EXPECT(&f, NULL, "e_cp_key_size");
	fix_cert_clear(&f);
}

/* CP-7.1 SAN row; SBR 7.1.2.3(h); SBR 7.1.4.2.2. */
static void
test_san(void **state)
{
	struct fix_cert f;

	(void)state;
	/* None in code signing. */
	init(&f, PROFILE_CODESIGN);
	assert_non_null(f.san = fix_san_email(FIX_EMAIL));
	f.spec.san = f.san;
	LINT_EXPECT(&f, NULL, "e_cp_san_types");
	fix_cert_clear(&f);
	/* S/MIME without an rfc822Name. */
	init(&f, PROFILE_SMIME_STRICT);
	assert_true(fix_cert_subject(&f, "/serialNumber=EMP-0001"));
	f.spec.san = NULL;
	LINT_EXPECT(&f, NULL, "e_sbr_san");
	fix_cert_clear(&f);
	/* S/MIME whose CN is a mailbox missing from the SAN. */
	init(&f, PROFILE_SMIME_MULTIPURPOSE);
	assert_true(fix_cert_subject(&f, "/CN=hanako@example.jp"));
	LINT_EXPECT(&f, NULL, "e_sbr_email_subject");
	/* Mailbox case does not matter. */
	assert_true(fix_cert_subject(&f, "/CN=Taro@Example.JP"));
	LINT_EXPECT(&f, NULL, NULL);
	/* A prefix is not a match. */
	assert_true(fix_cert_subject(&f, "/CN=taro@example"));
	LINT_EXPECT(&f, NULL, "e_sbr_email_subject");
	fix_cert_clear(&f);
}

/* CP-1.2, CP-7.1.6, CP-7.1.8, CSBR 7.1.6.2, SBR 7.1.6.1. */
static void
test_policies(void **state)
{
	struct lint_report rep;
	struct fix_cert f;
	X509 *x;

	(void)state;
	/* Code signing without 2.23.140.1.4.1. */
	init(&f, PROFILE_CODESIGN);
	f.spec.npolicies = 1;
	LINT_EXPECT(&f, NULL, "e_csbr_policy_oid");
	fix_cert_clear(&f);
	/* S/MIME strict with the multipurpose reserved OID. */
	init(&f, PROFILE_SMIME_STRICT);
	f.spec.policies[1] = oid_smime_policy(1, 2);
	LINT_EXPECT(&f, NULL, "e_sbr_policy_oid");
	/* ...or two reserved OIDs. */
	f.spec.policies[1] = oid_smime_policy(1, 3);
	f.spec.policies[f.spec.npolicies++] = oid_smime_policy(2, 3);
	LINT_EXPECT(&f, NULL, "e_sbr_policy_oid");
	fix_cert_clear(&f);
	/* No CPS qualifier. */
	init(&f, PROFILE_CLIENT);
	f.spec.cps_url = NULL;
	LINT_EXPECT(&f, NULL, "e_cp_cps_qualifier");
	fix_cert_clear(&f);
	/* A certificate of another policy than the one expected. */
	init(&f, PROFILE_CLIENT);
	x = make(&f, NULL);
	run(x, f.profile, "1.2.392.200091.100.381.5", 1, &rep);
	EXPECT(&rep, "e_cp_policy_oid");
	lint_report_clear(&rep);
	X509_free(x);
	fix_cert_clear(&f);
}

/* CSBR 6.3.2: 460 days; SBR 6.3.2: 825 days (inclusive, RFC 5280). */
static void
test_max_validity(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CODESIGN);
	f.spec.not_after = f.spec.not_before + 461L * 86400 - 1;
	LINT_EXPECT(&f, NULL, "e_csbr_max_validity");
	f.spec.not_after = f.spec.not_before + 460L * 86400;	/* 1 s over */
	LINT_EXPECT(&f, NULL, "e_csbr_max_validity");
	f.spec.not_after = f.spec.not_before + 460L * 86400 - 1;
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_clear(&f);
	init(&f, PROFILE_SMIME_STRICT);
	f.spec.not_after = f.spec.not_before + 826L * 86400 - 1;
	LINT_EXPECT(&f, NULL, "e_sbr_max_validity");
	f.spec.not_after = f.spec.not_before + 825L * 86400 - 1;
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_clear(&f);
	/* No CABF maximum for client certificates. */
	init(&f, PROFILE_CLIENT);
	f.spec.not_after = f.spec.not_before + 1000L * 86400;
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_clear(&f);
}

/* Table 7.3-1: 4 months, id-pkix-ocsp-nocheck. */
static void
test_ocsp_responder(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_OCSP);
	f.spec.not_after = cert_add_months(f.spec.not_before, 5) - 1;
	LINT_EXPECT(&f, NULL, "e_cp_ocsp_validity");
	f.spec.not_after = cert_add_months(f.spec.not_before, 4) + 86400;
	LINT_EXPECT(&f, NULL, "e_cp_ocsp_validity");
	f.spec.not_after = cert_add_months(f.spec.not_before, 4) - 1;
	LINT_EXPECT(&f, NULL, NULL);
	fix_cert_drop(&f, CERT_EXT_OCSP_NOCHECK);
	LINT_EXPECT(&f, NULL, "e_cp_ocsp_nocheck");
	fix_cert_clear(&f);
}

/* CSBR 7.1.3.2, SBR 7.1.3.2: no SHA-1; CP-7.1.3 the table's algorithm. */
static void
test_sha1(void **state)
{
	struct fix_cert f;

	(void)state;
	/* Under the CABF, reported once, by the BR that forbids it. */
	init(&f, PROFILE_CODESIGN);
	f.spec.md = SIGNER_MD_SHA1;
	LINT_EXPECT(&f, NULL, "e_csbr_no_sha1");
	fix_cert_clear(&f);
	init(&f, PROFILE_SMIME_MULTIPURPOSE);
	f.spec.md = SIGNER_MD_SHA1;
	LINT_EXPECT(&f, NULL, "e_sbr_no_sha1");
	fix_cert_clear(&f);
	/* The CP's sha256 table wants sha256, but SHA-1 is no CABF matter. */
	init(&f, PROFILE_CLIENT);
	f.spec.md = SIGNER_MD_SHA1;
	LINT_EXPECT(&f, NULL, "e_cp_sigalg");
	fix_cert_clear(&f);
	/* Table 7.1-4 is sha1. */
	init(&f, PROFILE_CLIENT_SHA1);
	LINT_EXPECT(&f, NULL, NULL);
	f.spec.md = SIGNER_MD_SHA256;
	LINT_EXPECT(&f, NULL, "e_cp_sigalg");
	fix_cert_clear(&f);
}

/* CP-4.3.1: no backdating, checked before issuance. */
static void
test_backdated(void **state)
{
	struct fix_cert f;
	const char *const none[] = { NULL };
	const char *const back[] = { "e_cp_not_backdated", NULL };

	(void)state;
	init(&f, PROFILE_CLIENT);
	f.spec.not_before -= 3600;
	lint_fix(&f, NULL, 1, back);
	lint_fix(&f, NULL, 0, none);	/* stand-alone linting: no rule */
	f.spec.not_before += 3600 - 60;	/* a minute: clock granularity */
	lint_fix(&f, NULL, 1, none);
	fix_cert_clear(&f);
	init(&f, PROFILE_ROOT);
	f.spec.not_before -= 86400;
	lint_fix(&f, NULL, 1, back);
	fix_cert_clear(&f);
}

/* CP-4.9.6, CP-4.9.9, CSBR 7.1.2.3(b)(c), RFC 5280 §4.2.1.13. */
static void
test_crldp_aia(void **state)
{
	struct fix_cert f;

	(void)state;
	/* LDAP CRL DP only where the CP table allows it. */
	init(&f, PROFILE_CODESIGN);
	f.spec.crl_urls[f.spec.ncrl_urls++] = FIX_LDAP_URL;
	LINT_EXPECT(&f, NULL, "e_cp_crldp");
	fix_cert_clear(&f);
	init(&f, PROFILE_SMIME_STRICT);
	f.spec.crl_urls[f.spec.ncrl_urls++] = FIX_LDAP_URL;
	LINT_EXPECT(&f, NULL, "e_sbr_crldp");
	fix_cert_clear(&f);
	/* No http CRL DP. */
	init(&f, PROFILE_CLIENT);
	f.spec.crl_urls[0] = FIX_LDAP_URL;
	f.spec.ncrl_urls = 1;
	LINT_EXPECT(&f, NULL, "e_cp_crldp");
	/* Not an http/ldap URI at all. */
	f.spec.crl_urls[0] = "ftp://repo.example.jp/ca1.crl";
	LINT_EXPECT(&f, NULL, "e_rfc5280_uri_syntax", "e_cp_crldp");
	f.spec.crl_urls[0] = FIX_CRL_URL;
	f.spec.ocsp_url = "http://ocsp.example.jp/a b";
	LINT_EXPECT(&f, NULL, "e_rfc5280_uri_syntax");
	fix_cert_clear(&f);
	/* Code signing needs OCSP and caIssuers. */
	init(&f, PROFILE_CODESIGN);
	f.spec.ocsp_url = NULL;
	LINT_EXPECT(&f, NULL, "e_csbr_aia");
	f.spec.ocsp_url = FIX_OCSP_URL;
	f.spec.ca_issuers_url = NULL;
	LINT_EXPECT(&f, NULL, "e_csbr_aia");
	fix_cert_clear(&f);
}

/* CP-7.1 Subject row, CSBR 7.1.4.2.2 (no OU in code signing). */
static void
test_subject(void **state)
{
	struct fix_cert f;

	(void)state;
	init(&f, PROFILE_CODESIGN);
	assert_true(fix_cert_subject(&f, "/C=JP/ST=Tokyo/O=Example Corp/OU=Dev/"
	    "CN=Example Corp"));
	LINT_EXPECT(&f, NULL, "e_cp_subject_attrs");
	assert_true(fix_cert_subject(&f, "/C=JP/ST=Tokyo/CN=Example Corp"));
	LINT_EXPECT(&f, NULL, "e_cp_subject_attrs");	/* O required */
	fix_cert_clear(&f);
}

static const struct lint_rule *
rule(const char *id)
{
	const struct lint_rule *r;
	size_t n;

	r = lint_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].id, id) == 0)
			return &r[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static void
test_rule_table(void **state)
{
	const struct lint_rule *r;
	size_t n;

	(void)state;
	r = lint_rules(&n);
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].check);
		assert_true(strlen(r[i].source) > 0);
		assert_true(strlen(r[i].summary) > 0);
		assert_true(r[i].kinds != 0);
		assert_true((unsigned int)r[i].severity < LINT_SEVERITY_MAX);
		/* zlint naming: the prefix is the severity. */
		if (r[i].severity == LINT_ERROR)
			assert_memory_equal(r[i].id, "e_", 2);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(r[i].id, r[j].id);
	}
	assert_string_equal(lint_severity_name(LINT_ERROR), "error");
	assert_string_equal(lint_severity_name(LINT_WARN), "warning");
	assert_string_equal(lint_severity_name(LINT_NOTICE), "notice");
	assert_string_equal(lint_severity_name(LINT_SEVERITY_MAX), "?");
}

static char *
print_to_string(const char *prefix, const struct lint_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	lint_report_print(fp, prefix, rep);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* "[prefix: ]severity rule-id source: message", one a line. */
static void
test_report_print(void **state)
{
	unsigned char mag[21];
	struct lint_report rep;
	struct fix_cert f;
	char *out;
	X509 *x;

	(void)state;
	memset(mag, 0x11, sizeof(mag));
	init(&f, PROFILE_CLIENT);
	set_serial(&f, mag, 21, 0);
	x = make(&f, NULL);
	run(x, f.profile, f.policy_oid, 1, &rep);
	assert_int_equal(rep.n, 1);
	out = print_to_string(NULL, &rep);
	assert_string_equal(out, "error e_rfc5280_serial_length "
	    "RFC 5280 \xc2\xa7" "4.1.2.2: serial number is 21 octets, at most "
	    "20 allowed\n");
	free(out);
	out = print_to_string("leaf.pem", &rep);
	assert_string_equal(out, "leaf.pem: error e_rfc5280_serial_length "
	    "RFC 5280 \xc2\xa7" "4.1.2.2: serial number is 21 octets, at most "
	    "20 allowed\n");
	free(out);
	lint_report_clear(&rep);
	assert_int_equal(rep.n, 0);
	assert_null(rep.v);
	assert_int_equal(rep.count[LINT_ERROR], 0);
	out = print_to_string("x", &rep);
	assert_string_equal(out, "");
	free(out);
	X509_free(x);
	fix_cert_clear(&f);
}

static void
test_report_summary(void **state)
{
	static const struct lint_rule warn = {
		"w_test_rule", LINT_WARN, LINT_KIND_ANY, 0, LINT_AREA_CP,
		"TEST 1", "a warning", NULL
	};
	struct lint_report rep = { 0 };
	char buf[512], small[24];

	(void)state;
	lint_fail(&rep, rule("e_cp_key_size"), "RSA-%d", 1024);
	lint_fail(&rep, &warn, "only a warning");
	lint_fail(&rep, rule("e_cp_eku"), "EKU %s", "x");
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.count[LINT_ERROR], 2);
	assert_int_equal(rep.count[LINT_WARN], 1);
	lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
	assert_string_equal(buf, "e_cp_key_size (CP-6.1.5): "
	    "RSA-1024; e_cp_eku (CP-6.1.7, CP-7.1): EKU x");
	lint_report_summary(&rep, LINT_WARN, buf, sizeof(buf));
	assert_string_equal(buf, "e_cp_key_size (CP-6.1.5): "
	    "RSA-1024; w_test_rule (TEST 1): only a warning; "
	    "e_cp_eku (CP-6.1.7, CP-7.1): EKU x");
	/* Truncated to the buffer, terminated, never overrun. */
	memset(small, 'X', sizeof(small));
	lint_report_summary(&rep, LINT_NOTICE, small, 16);
	assert_string_equal(small, "e_cp_key_size (");
	assert_int_equal(small[16], 'X');
	lint_report_clear(&rep);
	lint_report_summary(&rep, LINT_NOTICE, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Many findings: the report grows. */
	for (int i = 0; i < 100; i++)
		lint_fail(&rep, rule("e_cp_eku"), "finding %d", i);
	assert_int_equal(rep.n, 100);
	assert_string_equal(rep.v[99].message, "finding 99");
	lint_report_clear(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conforming_each_profile),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_sigalg_mismatch),
		cmocka_unit_test(test_duplicate_extension),
		cmocka_unit_test(test_ski_not_sha1),
		cmocka_unit_test(test_missing_aki),
		cmocka_unit_test(test_criticality),
		cmocka_unit_test(test_key_usage),
		cmocka_unit_test(test_eku),
		cmocka_unit_test(test_key_size),
		cmocka_unit_test(test_san),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_max_validity),
		cmocka_unit_test(test_ocsp_responder),
		cmocka_unit_test(test_sha1),
		cmocka_unit_test(test_backdated),
		cmocka_unit_test(test_crldp_aia),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_report_print),
		cmocka_unit_test(test_report_summary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
