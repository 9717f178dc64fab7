/*
 * Tests of lint_crl_der() (src/lint/crl.c): the CRL rules read from the
 * DER, with the entries read in place, find exactly what lint_crl() finds
 * on the same CRL parsed by d2i_X509_CRL: the same rules, messages and
 * order, for a conforming CRL and for CRLs that break each entry rule.
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

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lint/lint.h"

#include "x509/certfix.h"

static EVP_PKEY *key;
static X509 *ca;
static time_t now;

/* One entry of a test CRL; -1 leaves a field out. */
struct entry {
	long		 serial;
	int		 rev_ago;	/* seconds before thisUpdate */
	int		 rev_gen;	/* revocationDate as GeneralizedTime */
	int		 reason;
	int		 reason_crit;
	int		 inval_ago;
	int		 inval_utc;
	int		 extra_nid;	/* another entry extension */
	int		 extra_crit;
};

static X509 *
ca_new(void)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *e;

	assert_non_null(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"Test CRL CA", -1, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier, "hash");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
	    "critical,keyCertSign,cRLSign");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static int
setup(void **state)
{
	(void)state;
	if ((key = fix_key("rsa2048-issuer.pem")) == NULL) {
		fprintf(stderr, "cannot load tests/data/x509 keys\n");
		return -1;
	}
	ca = ca_new();
	now = time(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(ca);
	EVP_PKEY_free(key);
	return 0;
}

static void
entry_add(X509_CRL *crl, const struct entry *e)
{
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_TIME *t;
	ASN1_ENUMERATED *reason;
	ASN1_OCTET_STRING *os;
	X509_EXTENSION *ext;

	t = e->rev_gen ? ASN1_GENERALIZEDTIME_set(NULL, now - e->rev_ago) :
	    ASN1_TIME_set(NULL, now - e->rev_ago);
	ASN1_INTEGER_set(sn, e->serial);
	X509_REVOKED_set_serialNumber(r, sn);
	X509_REVOKED_set_revocationDate(r, t);
	if (e->reason >= 0) {
		reason = ASN1_ENUMERATED_new();
		ASN1_ENUMERATED_set(reason, e->reason);
		X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason,
		    e->reason_crit, X509V3_ADD_APPEND);
		ASN1_ENUMERATED_free(reason);
	}
	if (e->inval_ago >= 0) {
		ASN1_TIME *it = e->inval_utc ? ASN1_UTCTIME_set(NULL,
		    now - e->inval_ago) : ASN1_GENERALIZEDTIME_set(NULL,
		    now - e->inval_ago);

		X509_REVOKED_add1_ext_i2d(r, NID_invalidity_date, it, 0,
		    X509V3_ADD_APPEND);
		ASN1_TIME_free(it);
	}
	if (e->extra_nid != 0) {
		/* extnValue NULL: whatever the extension, as raw bytes. */
		os = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(os, (const unsigned char *)"\x05\x00", 2);
		ext = X509_EXTENSION_create_by_NID(NULL, e->extra_nid,
		    e->extra_crit, os);
		assert_true(X509_REVOKED_add_ext(r, ext, -1));
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(os);
	}
	assert_true(X509_CRL_add0_revoked(crl, r));
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
}

/* A signed CRL of ca with entries e[0..n), in that order, as DER. */
static unsigned char *
crl_der(const struct entry *e, size_t n, int *len)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	AUTHORITY_KEYID *ak = AUTHORITY_KEYID_new();
	ASN1_TIME *t;
	unsigned char *der = NULL;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	t = ASN1_TIME_set(NULL, now);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_free(t);
	t = ASN1_TIME_set(NULL, now + 96 * 3600);
	X509_CRL_set1_nextUpdate(crl, t);
	ASN1_TIME_free(t);
	for (size_t i = 0; i < n; i++)
		entry_add(crl, &e[i]);
	ASN1_INTEGER_set(num, 7);
	X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
	ak->keyid = ASN1_OCTET_STRING_dup(X509_get0_subject_key_id(ca));
	X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, ak, 0, 0);
	/* X509_CRL_sign sorts the entries; the DER keeps this order. */
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	*len = i2d_X509_CRL(crl, &der);
	assert_true(*len > 0);
	X509_CRL_free(crl);
	ASN1_INTEGER_free(num);
	AUTHORITY_KEYID_free(ak);
	return der;
}

/* Both readings of der give the same findings; returns their number. */
static size_t
assert_same(const unsigned char *der, int len, unsigned int cabf)
{
	struct lint_crl_input in = { NULL, ca, now, 1, cabf };
	struct lint_report a = { 0 }, b = { 0 };
	const unsigned char *p = der;
	X509_CRL *crl;
	size_t n;

	assert_non_null(crl = d2i_X509_CRL(NULL, &p, len));
	in.crl = crl;
	assert_true(lint_crl(&in, &a));
	in.crl = NULL;
	assert_true(lint_crl_der(&in, der, (size_t)len, &b));
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.v[i].rule->id, b.v[i].rule->id);
		assert_string_equal(a.v[i].message, b.v[i].message);
	}
	n = a.n;
	lint_report_clear(&a);
	lint_report_clear(&b);
	X509_CRL_free(crl);
	return n;
}

static void
check(const struct entry *e, size_t n, int want_findings)
{
	unsigned char *der;
	int len;
	size_t found = 0;

	der = crl_der(e, n, &len);
	found += assert_same(der, len, 0);
	found += assert_same(der, len, 1u << PROFILE_RULES_CSBR);
	found += assert_same(der, len, 1u << PROFILE_RULES_SBR);
	if (want_findings)
		assert_true(found > 0);
	else
		assert_int_equal(found, 0);
	OPENSSL_free(der);
}

#define E(...)	((struct entry){ __VA_ARGS__ })
#define PLAIN(s)	E(.serial = (s), .rev_ago = 3600, .reason = -1, \
	.inval_ago = -1)

static void
test_good(void **state)
{
	struct entry e[] = { PLAIN(0x1000), PLAIN(0x2000), PLAIN(0x3000) };

	(void)state;
	e[1].reason = 4;
	check(e, 3, 0);
	check(e, 0, 0);
}

static void
test_entry_rules(void **state)
{
	struct entry e[] = { PLAIN(0x1000), PLAIN(0x2000), PLAIN(0x3000) };

	(void)state;
	e[0].reason = 0;		/* unspecified */
	e[1].reason = 7;		/* not a CRLReason */
	e[2].reason = 1;
	e[2].reason_crit = 1;
	check(e, 3, 1);
	memcpy(e, (struct entry[]){ PLAIN(0x3000), PLAIN(0x1000),
	    PLAIN(0x1000) }, sizeof(e));	/* unsorted, twice */
	check(e, 3, 1);
	memcpy(e, (struct entry[]){ PLAIN(-5), PLAIN(0x1000),
	    PLAIN(0x2000) }, sizeof(e));	/* negative */
	e[1].rev_ago = -7200;		/* after thisUpdate */
	e[2].rev_gen = 1;		/* GeneralizedTime before 2050 */
	check(e, 3, 1);
	memcpy(e, (struct entry[]){ PLAIN(0x1000), PLAIN(0x2000),
	    PLAIN(0x3000) }, sizeof(e));
	e[0].reason = 1;
	e[0].inval_ago = 3600;		/* = revocationDate: fine */
	e[1].inval_ago = 7200;		/* differs: CSBR */
	e[2].inval_ago = 3600;
	e[2].inval_utc = 1;		/* not a GeneralizedTime */
	check(e, 3, 1);
	memcpy(e, (struct entry[]){ PLAIN(0x1000), PLAIN(0x2000),
	    PLAIN(0x3000) }, sizeof(e));
	e[0].extra_nid = NID_certificate_issuer;	/* not in 7.2-2 */
	e[1].extra_nid = NID_subject_key_identifier;
	e[1].extra_crit = 1;
	e[2].reason = 3;
	e[2].extra_nid = NID_crl_reason;	/* twice */
	check(e, 3, 1);
}

/* Many entries sharing a few extension encodings, and one of its own. */
static void
test_many(void **state)
{
	struct entry e[200];

	(void)state;
	for (size_t i = 0; i < 200; i++) {
		e[i] = PLAIN((long)(0x10000 + i * 3));
		e[i].reason = (int)(i % 6);
		e[i].rev_ago = (int)(60 + i);
	}
	e[150].inval_ago = 5;
	e[150].reason = 1;
	check(e, 200, 1);
}

/* Not DER in the entries: lint_crl_der refuses to lint at all. */
static void
test_not_der(void **state)
{
	struct entry e[] = { PLAIN(0x1000), PLAIN(0x2000) };
	struct lint_crl_input in = { NULL, ca, now, 1, 0 };
	struct lint_report rep = { 0 };
	unsigned char *der, *bad;
	int len;

	(void)state;
	der = crl_der(e, 2, &len);
	assert_true(lint_crl_der(&in, der, (size_t)len, &rep));
	assert_int_equal(rep.count[LINT_ERROR], 0);
	lint_report_clear(&rep);
	/* The second entry's time (after serial 0x2000) becomes an INTEGER. */
	assert_non_null(bad = OPENSSL_memdup(der, (size_t)len));
	for (int i = 0; i + 6 < len; i++)
		if (memcmp(bad + i, "\x02\x02\x20\x00\x17\x0d", 6) == 0) {
			bad[i + 4] = V_ASN1_INTEGER;
			break;
		}
	assert_memory_not_equal(bad, der, (size_t)len);
	assert_false(lint_crl_der(&in, bad, (size_t)len, &rep));
	assert_int_equal(rep.n, 0);
	assert_false(lint_crl_der(&in, der, (size_t)len - 1, &rep));
	OPENSSL_free(bad);
	OPENSSL_free(der);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_entry_rules),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_not_der),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
