/*
 * Tests of src/x509/profile.c: the profiles of CP section 7 as data, and
 * the EKU (CP-7.1, CP-6.1.7), KeyUsage (CP-6.1.7) and key size (CP-6.1.5)
 * decisions made from them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "x509/oid.h"
#include "x509/profile.h"

#define DS	CERT_KU_DIGITAL_SIGNATURE
#define NR	CERT_KU_NON_REPUDIATION
#define KE	CERT_KU_KEY_ENCIPHERMENT
#define DE	CERT_KU_DATA_ENCIPHERMENT
#define KA	CERT_KU_KEY_AGREEMENT
#define KCS	CERT_KU_KEY_CERT_SIGN
#define CRLS	CERT_KU_CRL_SIGN

static const struct profile *
P(enum profile_id id)
{
	const struct profile *p = profile_get(id);

	assert_non_null(p);
	return p;
}

static void
eku_ok(enum profile_id id, const char *const *eku, size_t n)
{
	char err[200] = "";

	if (!profile_eku_ok(P(id), eku, n, err, sizeof(err)))
		fail_msg("%s: EKU refused: %s", P(id)->name, err);
}

static void
eku_bad(const struct profile *p, const char *const *eku, size_t n,
    const char *want)
{
	char err[200] = "";

	if (profile_eku_ok(p, eku, n, err, sizeof(err)))
		fail_msg("%s: EKU list accepted, wanted '%s'", p->name, want);
	if (strstr(err, want) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", p->name, err, want);
}

static void
test_lookup(void **state)
{
	(void)state;
	for (int id = 0; id < PROFILE_MAX; id++) {
		const struct profile *p = P((enum profile_id)id);

		assert_int_equal(p->id, id);
		assert_ptr_equal(profile_by_name(p->name), p);
		assert_non_null(p->order);
		/* Every EKU name a profile uses is one oid.c knows. */
		for (int i = 0; i < PROFILE_EKU_MAX; i++) {
			if (p->eku_allowed[i] != NULL)
				assert_non_null(oid_eku_by_name(
				    p->eku_allowed[i]));
			if (p->eku_default[i] != NULL)
				assert_non_null(oid_eku_by_name(
				    p->eku_default[i]));
		}
		/* The default KeyUsage is itself allowed. */
		assert_true(profile_ku_ok(p, p->ku[0]));
	}
	assert_null(profile_get(PROFILE_MAX));
	assert_null(profile_get((enum profile_id)-1));
	assert_null(profile_by_name("server"));
	assert_null(profile_by_name(""));
	assert_int_equal(profile_for_ca(SIGNER_MD_SHA1)->id, PROFILE_CA_SHA1);
	assert_int_equal(profile_for_ca(SIGNER_MD_SHA256)->id,
	    PROFILE_CA_SHA256);
	assert_int_equal(profile_for_ca(SIGNER_MD_SHA384)->id,
	    PROFILE_CA_SHA384);
	assert_string_equal(P(PROFILE_CA_SHA1)->table, "7.1-1");
	assert_string_equal(P(PROFILE_CA_SHA256)->table, "7.1-2");
	assert_string_equal(P(PROFILE_CA_SHA384)->table, "7.1-3");
	assert_string_equal(P(PROFILE_CLIENT_SHA1)->table, "7.1-4");
	assert_string_equal(P(PROFILE_CLIENT)->table, "7.1-5");
	assert_string_equal(P(PROFILE_OCSP)->table, "7.3-1");
}

/* CP-7.1.3: the digest of each table. */
static void
test_digests(void **state)
{
	(void)state;
	assert_int_equal(P(PROFILE_CA_SHA1)->md, SIGNER_MD_SHA1);
	assert_int_equal(P(PROFILE_CA_SHA256)->md, SIGNER_MD_SHA256);
	assert_int_equal(P(PROFILE_CA_SHA384)->md, SIGNER_MD_SHA384);
	assert_int_equal(P(PROFILE_CLIENT_SHA1)->md, SIGNER_MD_SHA1);
	assert_int_equal(P(PROFILE_DOCUMENT_SHA1)->md, SIGNER_MD_SHA1);
	/* No SHA-1 under CABF rules (CSBR/SBR 7.1.3.2). */
	for (int id = 0; id < PROFILE_MAX; id++)
		if (P((enum profile_id)id)->rules != PROFILE_RULES_CP)
			assert_int_not_equal(P((enum profile_id)id)->md,
			    SIGNER_MD_SHA1);
}

/* CP-7.1 EKU row: smartcardLogon needs clientAuth. */
static void
test_eku_smartcard(void **state)
{
	const char *both[] = { "clientAuth", "smartcardLogon" };
	const char *rev[] = { "smartcardLogon", "clientAuth" };
	const char *alone[] = { "smartcardLogon" };
	/* A profile where smartcardLogon could appear without clientAuth. */
	struct profile custom = *P(PROFILE_CLIENT);
	const char *with_email[] = { "emailProtection", "smartcardLogon" };

	(void)state;
	eku_ok(PROFILE_CLIENT, both, 2);
	eku_ok(PROFILE_CLIENT, rev, 2);
	eku_ok(PROFILE_CLIENT_SHA1, both, 2);
	eku_bad(P(PROFILE_CLIENT), alone, 1, "needs EKU clientAuth");
	custom.eku_allowed[2] = "emailProtection";
	custom.eku_required[0] = "emailProtection";
	eku_bad(&custom, with_email, 2, "smartcardLogon needs clientAuth");
}

/* CSBR 7.1.2.3(f), CP-7.1: codeSigning alone. */
static void
test_eku_codesign(void **state)
{
	const char *cs[] = { "codeSigning" };
	const char *cs_client[] = { "codeSigning", "clientAuth" };
	const char *cs_email[] = { "emailProtection", "codeSigning" };
	const char *ts[] = { "codeSigning", "timeStamping" };

	(void)state;
	eku_ok(PROFILE_CODESIGN, cs, 1);
	eku_bad(P(PROFILE_CODESIGN), cs_client, 2,
	    "EKU clientAuth is not allowed in the codesign profile");
	eku_bad(P(PROFILE_CODESIGN), cs_email, 2,
	    "EKU emailProtection is not allowed");
	eku_bad(P(PROFILE_CODESIGN), ts, 2, "CSBR 7.1.2.3");
	/* ...and nowhere else (CP-1.4.2). */
	eku_bad(P(PROFILE_CLIENT), cs, 1, "codeSigning is not allowed");
	eku_bad(P(PROFILE_SMIME_MULTIPURPOSE), cs, 1,
	    "codeSigning is not allowed");
	eku_bad(P(PROFILE_DOCUMENT), cs, 1, "codeSigning is not allowed");
}

static void
test_eku_duplicates(void **state)
{
	const char *dup[] = { "clientAuth", "clientAuth" };
	const char *dup2[] = { "emailProtection", "clientAuth",
	    "emailProtection" };
	const char *dup3[] = { "codeSigning", "codeSigning" };

	(void)state;
	eku_bad(P(PROFILE_CLIENT), dup, 2, "EKU clientAuth given twice");
	eku_bad(P(PROFILE_SMIME_MULTIPURPOSE), dup2, 3,
	    "EKU emailProtection given twice");
	eku_bad(P(PROFILE_CODESIGN), dup3, 2, "given twice");
}

static void
test_eku_required(void **state)
{
	const char *adobe[] = { "adobeAuthenticDocumentsTrust" };
	const char *ms[] = { "msDocumentSigning" };
	const char *email[] = { "emailProtection" };
	const char *client[] = { "clientAuth" };
	const char *ocsp[] = { "OCSPSigning" };

	(void)state;
	/* None at all. */
	eku_bad(P(PROFILE_CLIENT), NULL, 0, "needs EKU clientAuth");
	eku_bad(P(PROFILE_CODESIGN), NULL, 0, "needs EKU codeSigning");
	eku_bad(P(PROFILE_OCSP), NULL, 0, "needs EKU OCSPSigning");
	eku_bad(P(PROFILE_DOCUMENT), NULL, 0,
	    "needs EKU adobeAuthenticDocumentsTrust or another");
	/* Either document-signing EKU satisfies the document profile. */
	eku_ok(PROFILE_DOCUMENT, adobe, 1);
	eku_ok(PROFILE_DOCUMENT, ms, 1);
	eku_ok(PROFILE_DOCUMENT_SHA1, ms, 1);
	/* S/MIME: emailProtection required; clientAuth only multipurpose. */
	eku_ok(PROFILE_SMIME_STRICT, email, 1);
	eku_ok(PROFILE_SMIME_MULTIPURPOSE, email, 1);
	eku_bad(P(PROFILE_SMIME_MULTIPURPOSE), client, 1,
	    "needs EKU emailProtection");
	{
		const char *both[] = { "emailProtection", "clientAuth" };

		eku_ok(PROFILE_SMIME_MULTIPURPOSE, both, 2);
		eku_bad(P(PROFILE_SMIME_STRICT), both, 2,
		    "clientAuth is not allowed in the smime-strict profile "
		    "(CP-6.1.7, SBR 7.1.2.3)");
	}
	eku_ok(PROFILE_OCSP, ocsp, 1);
	eku_bad(P(PROFILE_CLIENT), ocsp, 1, "OCSPSigning is not allowed");
	/* Unknown names are refused, not ignored. */
	{
		const char *odd[] = { "clientAuth", "anyExtendedKeyUsage" };

		eku_bad(P(PROFILE_CLIENT), odd, 2,
		    "anyExtendedKeyUsage is not allowed");
	}
}

/* The defaults issuance uses pass the profile's own check. */
static void
test_eku_defaults(void **state)
{
	(void)state;
	for (int id = 0; id < PROFILE_MAX; id++) {
		const struct profile *p = P((enum profile_id)id);
		size_t n = 0;

		if (p->eku_allowed[0] == NULL)
			continue;
		while (n < PROFILE_EKU_MAX && p->eku_default[n] != NULL)
			n++;
		eku_ok((enum profile_id)id, p->eku_default, n);
	}
}

/* CP-6.1.7: KeyUsage combinations per use. */
static void
test_ku(void **state)
{
	(void)state;
	/* Client: DS+KE, DS. */
	assert_true(profile_ku_ok(P(PROFILE_CLIENT), DS | KE));
	assert_true(profile_ku_ok(P(PROFILE_CLIENT), DS));
	assert_false(profile_ku_ok(P(PROFILE_CLIENT), DS | NR));
	assert_false(profile_ku_ok(P(PROFILE_CLIENT), KE));
	assert_false(profile_ku_ok(P(PROFILE_CLIENT), DS | KE | DE));
	/* Document signing: DS+NR, DS. */
	assert_true(profile_ku_ok(P(PROFILE_DOCUMENT), DS | NR));
	assert_true(profile_ku_ok(P(PROFILE_DOCUMENT), DS));
	assert_false(profile_ku_ok(P(PROFILE_DOCUMENT), DS | KE));
	assert_false(profile_ku_ok(P(PROFILE_DOCUMENT_SHA1), NR));
	/* S/MIME, SBR 7.1.2.3(e) for RSA. */
	assert_true(profile_ku_ok(P(PROFILE_SMIME_STRICT), KE));
	assert_true(profile_ku_ok(P(PROFILE_SMIME_STRICT), DS | NR | KE));
	assert_true(profile_ku_ok(P(PROFILE_SMIME_MULTIPURPOSE), DS | NR));
	assert_false(profile_ku_ok(P(PROFILE_SMIME_STRICT), DS | DE));
	assert_false(profile_ku_ok(P(PROFILE_SMIME_STRICT), NR));
	assert_false(profile_ku_ok(P(PROFILE_SMIME_STRICT), DS | KA));
	/* Code signing and OCSP: digitalSignature alone. */
	assert_true(profile_ku_ok(P(PROFILE_CODESIGN), DS));
	assert_false(profile_ku_ok(P(PROFILE_CODESIGN), DS | NR));
	assert_false(profile_ku_ok(P(PROFILE_CODESIGN), DS | KE));
	assert_true(profile_ku_ok(P(PROFILE_OCSP), DS));
	assert_false(profile_ku_ok(P(PROFILE_OCSP), DS | NR));
	/* CAs: keyCertSign and cRLSign, exactly (CP-6.1.7). */
	for (int id = PROFILE_ROOT; id <= PROFILE_CA_SHA384; id++) {
		assert_true(profile_ku_ok(P((enum profile_id)id), KCS | CRLS));
		assert_false(profile_ku_ok(P((enum profile_id)id), KCS));
		assert_false(profile_ku_ok(P((enum profile_id)id),
		    KCS | CRLS | DS));
	}
	/* Subscribers never get keyCertSign; nobody gets an empty KU. */
	for (int id = 0; id < PROFILE_MAX; id++) {
		const struct profile *p = P((enum profile_id)id);

		assert_false(profile_ku_ok(p, 0));
		if (!p->ca)
			assert_false(profile_ku_ok(p, DS | KCS));
	}
}

static void
test_parse_ku(void **state)
{
	unsigned int ku;

	(void)state;
	assert_true(profile_parse_ku("digitalSignature,keyEncipherment", &ku));
	assert_int_equal(ku, DS | KE);
	assert_true(profile_parse_ku("keyCertSign,cRLSign", &ku));
	assert_int_equal(ku, KCS | CRLS);
	assert_true(profile_parse_ku("nonRepudiation", &ku));
	assert_int_equal(ku, NR);
	assert_false(profile_parse_ku("", &ku));
	assert_false(profile_parse_ku("digitalsignature", &ku));
	assert_false(profile_parse_ku("digitalSignature,bogus", &ku));
	assert_false(profile_parse_ku("digitalSignature, keyEncipherment",
	    &ku));
	assert_false(profile_parse_ku(",digitalSignature", &ku));
	assert_false(profile_parse_ku("digitalSignatureX", &ku));
	assert_false(profile_parse_ku("digital", &ku));
	assert_false(profile_parse_ku("encipherOnly", &ku));
}

/* Every combination of the seven bits survives names -> parse. */
static void
test_ku_round_trip(void **state)
{
	char buf[160];
	unsigned int ku;

	(void)state;
	for (unsigned int mask = 1; mask < 128; mask++) {
		profile_ku_names(mask, buf, sizeof(buf));
		assert_true(profile_parse_ku(buf, &ku));
		assert_int_equal(ku, mask);
	}
	profile_ku_names(DS | KE, buf, sizeof(buf));
	assert_string_equal(buf, "digitalSignature,keyEncipherment");
	profile_ku_names(KCS | CRLS, buf, sizeof(buf));
	assert_string_equal(buf, "keyCertSign,cRLSign");
	profile_ku_names(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* A short buffer is truncated and terminated, never overrun. */
	memset(buf, 'X', sizeof(buf));
	profile_ku_names(DS | NR | KE, buf, 10);
	assert_string_equal(buf, "digitalSi");
	assert_int_equal(buf[10], 'X');
}

/* CP-6.1.5: key sizes per profile. */
static void
test_key_bits(void **state)
{
	(void)state;
	/* Code signing RSA 3072 or 4096 only (CP-6.1.5, CSBR 6.1.5). */
	assert_false(profile_key_bits_ok(P(PROFILE_CODESIGN), 1024));
	assert_false(profile_key_bits_ok(P(PROFILE_CODESIGN), 2048));
	assert_true(profile_key_bits_ok(P(PROFILE_CODESIGN), 3072));
	assert_true(profile_key_bits_ok(P(PROFILE_CODESIGN), 4096));
	assert_false(profile_key_bits_ok(P(PROFILE_CODESIGN), 8192));
	/* CA keys 2048 or 4096 (CP-6.1.5); table 7.1-1 says 2048. */
	for (int id = PROFILE_ROOT; id <= PROFILE_CA_SHA384; id++) {
		assert_true(profile_key_bits_ok(P((enum profile_id)id), 2048));
		assert_int_equal(profile_key_bits_ok(P((enum profile_id)id), 4096),
		    id != PROFILE_CA_SHA1);
		assert_false(profile_key_bits_ok(P((enum profile_id)id), 3072));
		assert_false(profile_key_bits_ok(P((enum profile_id)id), 1024));
	}
	/* 1024 only where no CABF rule applies: the sha1 tables. */
	assert_true(profile_key_bits_ok(P(PROFILE_CLIENT_SHA1), 1024));
	assert_true(profile_key_bits_ok(P(PROFILE_DOCUMENT_SHA1), 1024));
	for (int id = 0; id < PROFILE_MAX; id++) {
		const struct profile *p = P((enum profile_id)id);

		if (p->rules != PROFILE_RULES_CP)
			assert_false(profile_key_bits_ok(p, 1024));
		assert_false(profile_key_bits_ok(p, 0));
		assert_false(profile_key_bits_ok(p, 2047));
	}
	assert_false(profile_key_bits_ok(P(PROFILE_CLIENT), 1024));
	assert_true(profile_key_bits_ok(P(PROFILE_CLIENT), 2048));
	assert_true(profile_key_bits_ok(P(PROFILE_CLIENT), 3072));
	assert_true(profile_key_bits_ok(P(PROFILE_SMIME_STRICT), 2048));
	assert_false(profile_key_bits_ok(P(PROFILE_SMIME_STRICT), 1024));
	assert_true(profile_key_bits_ok(P(PROFILE_OCSP), 3072));
}

/* CP-7.1 SAN row: none in code signing; rfc822Name required in S/MIME. */
static void
test_san_and_subject(void **state)
{
	(void)state;
	assert_int_equal(P(PROFILE_CODESIGN)->san_allowed, 0);
	assert_int_equal(P(PROFILE_SMIME_STRICT)->san_allowed,
	    PROFILE_SAN_EMAIL);
	assert_int_equal(P(PROFILE_SMIME_STRICT)->san_required,
	    PROFILE_SAN_EMAIL);
	assert_int_equal(P(PROFILE_CLIENT)->san_allowed & PROFILE_SAN_DNS, 0);
	assert_true(P(PROFILE_CLIENT_SHA1)->san_allowed & PROFILE_SAN_DNS);
	/* CSBR 7.1.4.2.2: no OU in code signing. */
	assert_int_equal(P(PROFILE_CODESIGN)->subject_allowed & NAME_ATTR_OU,
	    0);
	assert_true(P(PROFILE_CODESIGN)->ocsp_required);
	assert_int_equal(P(PROFILE_CODESIGN)->max_days, 460);
	assert_int_equal(P(PROFILE_SMIME_STRICT)->max_days, 825);
	/* SBR 4.9.13: no suspension for strict S/MIME; none for code signing. */
	assert_false(P(PROFILE_SMIME_STRICT)->hold_allowed);
	assert_false(P(PROFILE_CODESIGN)->hold_allowed);
	assert_true(P(PROFILE_CLIENT)->hold_allowed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_eku_smartcard),
		cmocka_unit_test(test_eku_codesign),
		cmocka_unit_test(test_eku_duplicates),
		cmocka_unit_test(test_eku_required),
		cmocka_unit_test(test_eku_defaults),
		cmocka_unit_test(test_ku),
		cmocka_unit_test(test_parse_ku),
		cmocka_unit_test(test_ku_round_trip),
		cmocka_unit_test(test_key_bits),
		cmocka_unit_test(test_san_and_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
