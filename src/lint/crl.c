#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"

/*
 * CRLs: RFC 5280 section 5, tables 7.2-1/7.2-2 (CP-7.2), CSBR/SBR 7.2.
 * The TBSCertList is read a second time through our own template, since
 * X509_CRL hides the inner signature algorithm and whether an empty
 * revokedCertificates was encoded.
 */

struct lint_tbscrl {
	ASN1_INTEGER	*version;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	ASN1_TIME	*this_update;
	ASN1_TIME	*next_update;
	STACK_OF(X509_REVOKED) *revoked;
	STACK_OF(X509_EXTENSION) *extensions;
};
typedef struct lint_tbscrl LINT_TBSCRL;

ASN1_SEQUENCE(LINT_TBSCRL) = {
	ASN1_OPT(LINT_TBSCRL, version, ASN1_INTEGER),
	ASN1_SIMPLE(LINT_TBSCRL, sigalg, X509_ALGOR),
	ASN1_SIMPLE(LINT_TBSCRL, issuer, X509_NAME),
	ASN1_SIMPLE(LINT_TBSCRL, this_update, ASN1_TIME),
	ASN1_OPT(LINT_TBSCRL, next_update, ASN1_TIME),
	ASN1_SEQUENCE_OF_OPT(LINT_TBSCRL, revoked, X509_REVOKED),
	ASN1_EXP_SEQUENCE_OF_OPT(LINT_TBSCRL, extensions, X509_EXTENSION, 0)
} static_ASN1_SEQUENCE_END(LINT_TBSCRL)

typedef struct lint_crl_st {
	LINT_TBSCRL	*tbs;
	X509_ALGOR	*alg;
	ASN1_BIT_STRING	*sig;
} LINT_CRL;

ASN1_SEQUENCE(LINT_CRL) = {
	ASN1_SIMPLE(LINT_CRL, tbs, LINT_TBSCRL),
	ASN1_SIMPLE(LINT_CRL, alg, X509_ALGOR),
	ASN1_SIMPLE(LINT_CRL, sig, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(LINT_CRL)

static void
LINT_CRL_free(LINT_CRL *a)
{
	ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(LINT_CRL));
}

IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(LINT_CRL)

#define LINT_SKEW	300	/* seconds of clock difference tolerated */

int
lint_crl(const struct lint_crl_input *in, struct lint_report *rep)
{
	struct lint_ctx c = { 0 };
	unsigned char *der = NULL;
	const unsigned char *p;
	LINT_CRL *parsed = NULL;
	int len;

	c.crl = in->crl;
	c.issuer = in->issuer;
	c.now = in->now;
	c.pre_issuance = in->pre_issuance;
	c.cabf = in->cabf != 0 ? in->cabf : lint_cert_cabf(in->issuer);
	if ((len = i2d_X509_CRL(in->crl, &der)) > 0) {
		p = der;
		parsed = d2i_LINT_CRL(NULL, &p, len);
		if (parsed != NULL && p != der + len) {
			LINT_CRL_free(parsed);
			parsed = NULL;
		}
	}
	ERR_clear_error();
	c.tbscrl = parsed != NULL ? parsed->tbs : NULL;
	if (c.tbscrl != NULL && !(X509_ALGOR_cmp(parsed->alg,
	    parsed->tbs->sigalg) == 0))
		c.alg_mismatch = 1;
	lint_run(&c, LINT_KIND_CRL, rep);
	LINT_CRL_free(parsed);
	OPENSSL_free(der);
	return 1;
}

/* RFC 5280 §5.1.2.1 (v2 with extensions), CP-7.2.1. */
LINT_CHECK(lint_check_crl_version)
{
	if (c->tbscrl != NULL && (c->tbscrl->version == NULL ||
	    ASN1_INTEGER_get(c->tbscrl->version) != 1))
		lint_fail(rep, rule, "CRL is not v2");
}

/* RFC 5280 §5.1.1.2; PKCS#1 v1.5 parameters NULL (RFC 4055 §5). */
LINT_CHECK(lint_check_crl_sigalg_match)
{
	const X509_ALGOR *outer;

	if (c->tbscrl == NULL)
		return;
	X509_CRL_get0_signature(c->crl, NULL, &outer);
	if (c->alg_mismatch)
		lint_fail(rep, rule, "signatureAlgorithm differs from the "
		    "TBSCertList signature field");
	else if (!lint_alg_params_null(outer))
		lint_fail(rep, rule, "signature algorithm parameters are not "
		    "NULL");
}

static void
lint_crl_time(const ASN1_TIME *t, const char *what, struct lint_report *rep,
    const struct lint_rule *rule)
{
	if (t != NULL && (!lint_time_type_ok(t) || !lint_time_syntax_ok(t)))
		lint_fail(rep, rule, "%s is not UTCTime YYMMDDHHMMSSZ through "
		    "2049 or GeneralizedTime YYYYMMDDHHMMSSZ after", what);
}

/* RFC 5280 §5.1.2.4-§5.1.2.6. */
LINT_CHECK(lint_check_crl_time_encoding)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	lint_crl_time(X509_CRL_get0_lastUpdate(c->crl), "thisUpdate", rep,
	    rule);
	lint_crl_time(X509_CRL_get0_nextUpdate(c->crl), "nextUpdate", rep,
	    rule);
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++)
		lint_crl_time(X509_REVOKED_get0_revocationDate(
		    sk_X509_REVOKED_value(rev, i)), "revocationDate", rep, rule);
}

/* RFC 5280 §5.1.2.5: conforming CAs include nextUpdate, after thisUpdate. */
LINT_CHECK(lint_check_crl_next_update)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(c->crl);

	if (next == NULL)
		lint_fail(rep, rule, "nextUpdate is missing");
	else if (ASN1_TIME_compare(next, X509_CRL_get0_lastUpdate(c->crl)) <= 0)
		lint_fail(rep, rule, "nextUpdate is not after thisUpdate");
}

/* RFC 5280 §5.2.3: present, not critical, 0 .. 2^159 (20 octets). */
LINT_CHECK(lint_check_crl_number)
{
	ASN1_INTEGER *n;
	int crit = -1;

	n = X509_CRL_get_ext_d2i(c->crl, NID_crl_number, &crit, NULL);
	if (n == NULL && crit == -2)
		return;		/* twice: e_rfc5280_crl_ext_duplicate */
	if (n == NULL)
		lint_fail(rep, rule, "cRLNumber is missing");
	else if (crit == 1)
		lint_fail(rep, rule, "cRLNumber is critical");
	else if (ASN1_STRING_type(n) == V_ASN1_NEG_INTEGER ||
	    ASN1_STRING_length(n) > 20 || (ASN1_STRING_length(n) == 20 &&
	    (ASN1_STRING_get0_data(n)[0] & 0x80)))
		lint_fail(rep, rule, "cRLNumber is negative or longer than 20 "
		    "octets");
	ASN1_INTEGER_free(n);
}

/* RFC 5280 §5.2.1: keyIdentifier, not critical. */
LINT_CHECK(lint_check_crl_aki)
{
	AUTHORITY_KEYID *ak;
	int crit = -1;

	ak = X509_CRL_get_ext_d2i(c->crl, NID_authority_key_identifier, &crit,
	    NULL);
	if (ak == NULL && crit == -2)
		return;		/* twice: e_rfc5280_crl_ext_duplicate */
	if (ak == NULL || ak->keyid == NULL)
		lint_fail(rep, rule, "authorityKeyIdentifier keyIdentifier is "
		    "missing");
	else if (crit == 1)
		lint_fail(rep, rule, "authorityKeyIdentifier is critical");
	AUTHORITY_KEYID_free(ak);
}

/* RFC 5280 §4.2 applied to CRL and entry extensions. */
static int
lint_exts_dup(const STACK_OF(X509_EXTENSION) *exts)
{
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++)
		for (int j = 0; j < i; j++)
			if (OBJ_cmp(X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, i)),
			    X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j))) == 0)
				return 1;
	return 0;
}

LINT_CHECK(lint_check_crl_ext_duplicate)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	if (lint_exts_dup(X509_CRL_get0_extensions(c->crl)))
		lint_fail(rep, rule, "a CRL extension appears twice");
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++)
		if (lint_exts_dup(X509_REVOKED_get0_extensions(
		    sk_X509_REVOKED_value(rev, i))))
			lint_fail(rep, rule, "a CRL entry extension appears "
			    "twice");
}

static int
lint_exts_unknown_critical(const STACK_OF(X509_EXTENSION) *exts)
{
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		if (X509_EXTENSION_get_critical(e) && X509V3_EXT_get(e) == NULL)
			return 1;
	}
	return 0;
}

/* RFC 5280 §5.2: a relying party rejects unknown critical extensions. */
LINT_CHECK(lint_check_crl_ext_unknown)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	if (lint_exts_unknown_critical(X509_CRL_get0_extensions(c->crl)))
		lint_fail(rep, rule, "unknown critical CRL extension");
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++)
		if (lint_exts_unknown_critical(X509_REVOKED_get0_extensions(
		    sk_X509_REVOKED_value(rev, i))))
			lint_fail(rep, rule, "unknown critical CRL entry "
			    "extension");
}

/* RFC 5280 §5.1.2.6: absent, not empty, when there are none. */
LINT_CHECK(lint_check_crl_entries_empty)
{
	if (c->tbscrl != NULL && c->tbscrl->revoked != NULL &&
	    sk_X509_REVOKED_num(c->tbscrl->revoked) == 0)
		lint_fail(rep, rule, "revokedCertificates is present but empty");
}

static int
lint_entry_cmp(const STACK_OF(X509_REVOKED) *rev, int i, int j)
{
	return ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(
	    sk_X509_REVOKED_value(rev, i)), X509_REVOKED_get0_serialNumber(
	    sk_X509_REVOKED_value(rev, j)));
}

/* RFC 5280 §5.1.2.6: a certificate is listed once. */
static int
lint_serial_cmp(const void *a, const void *b)
{
	return ASN1_INTEGER_cmp(*(const ASN1_INTEGER *const *)a,
	    *(const ASN1_INTEGER *const *)b);
}

/* Sorted copies compared side by side: O(n log n), for million-entry CRLs. */
LINT_CHECK(lint_check_crl_entries_unique)
{
	const STACK_OF(X509_REVOKED) *rev;
	const ASN1_INTEGER **v;
	int n;

	if (c->tbscrl == NULL)
		return;
	rev = c->tbscrl->revoked;
	if ((n = sk_X509_REVOKED_num(rev)) < 2)
		return;
	if ((v = calloc((size_t)n, sizeof(*v))) == NULL)
		return;
	for (int i = 0; i < n; i++)
		v[i] = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(rev,
		    i));
	qsort(v, (size_t)n, sizeof(*v), lint_serial_cmp);
	for (int i = 1; i < n; i++)
		if (ASN1_INTEGER_cmp(v[i - 1], v[i]) == 0) {
			lint_fail(rep, rule, "a serial number is listed twice");
			break;
		}
	free(v);
}

/* CP-7.2: inkan lists entries in serial order, for binary search. */
LINT_CHECK(lint_check_crl_entries_sorted)
{
	const STACK_OF(X509_REVOKED) *rev;

	if (c->tbscrl == NULL)
		return;
	rev = c->tbscrl->revoked;	/* as encoded, never re-sorted */
	for (int i = 1; i < sk_X509_REVOKED_num(rev); i++)
		if (lint_entry_cmp(rev, i - 1, i) > 0) {
			lint_fail(rep, rule, "entries are not in ascending "
			    "serial order");
			return;
		}
}

/* RFC 5280 §4.1.2.2 for the serials a CRL lists. */
LINT_CHECK(lint_check_crl_serial)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		const ASN1_INTEGER *s = X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(rev, i));
		int len = ASN1_STRING_length(s);

		if (len > 0 && (ASN1_STRING_get0_data(s)[0] & 0x80))
			len++;
		if (ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER || len > 20 ||
		    len == 0) {
			lint_fail(rep, rule, "entry %d: serial number negative, "
			    "zero-length or longer than 20 octets", i);
			return;
		}
	}
}

/* RFC 5280 §5.1.2.6: revoked no later than this CRL says it was made. */
LINT_CHECK(lint_check_crl_revocation_date)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++)
		if (ASN1_TIME_compare(X509_REVOKED_get0_revocationDate(
		    sk_X509_REVOKED_value(rev, i)),
		    X509_CRL_get0_lastUpdate(c->crl)) > 0) {
			lint_fail(rep, rule, "entry %d: revocationDate after "
			    "thisUpdate", i);
			return;
		}
}

/* The reasonCode of entry r; -1 absent, -2 malformed. */
static int
lint_entry_reason(const X509_REVOKED *r, int *crit)
{
	ASN1_ENUMERATED *e;
	int v;

	e = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, crit, NULL);
	if (e == NULL)
		return *crit == -1 || *crit == -2 ? -1 : -2;
	v = (int)ASN1_ENUMERATED_get(e);
	ASN1_ENUMERATED_free(e);
	return v;
}

/* RFC 5280 §5.3.1: 0..10 without 7. */
LINT_CHECK(lint_check_crl_reason_valid)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	int crit, reason;

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		reason = lint_entry_reason(sk_X509_REVOKED_value(rev, i), &crit);
		if (reason == -2 || reason > 10 || reason == 7 ||
		    reason < -2)
			lint_fail(rep, rule, "entry %d: reasonCode %d is not a "
			    "CRLReason", i, reason);
	}
}

/* RFC 5280 §5.3.1: unspecified SHOULD be left out. */
LINT_CHECK(lint_check_crl_reason_unspecified)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	int crit;

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++)
		if (lint_entry_reason(sk_X509_REVOKED_value(rev, i), &crit) == 0)
			lint_fail(rep, rule, "entry %d: reasonCode "
			    "unspecified", i);
}

/* RFC 5280 §5.3.1, §5.3.2: reasonCode and invalidityDate not critical. */
LINT_CHECK(lint_check_crl_entry_ext)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		const STACK_OF(X509_EXTENSION) *exts =
		    X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(rev, i));

		for (int j = 0; j < sk_X509_EXTENSION_num(exts); j++) {
			X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, j);
			int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));

			if ((nid == NID_crl_reason || nid == NID_invalidity_date)
			    && X509_EXTENSION_get_critical(e))
				lint_fail(rep, rule, "entry %d: %s is critical",
				    i, OBJ_nid2sn(nid));
		}
	}
}

/* RFC 5280 §5.3.2: invalidityDate is a GeneralizedTime. */
LINT_CHECK(lint_check_crl_invalidity_date)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	ASN1_GENERALIZEDTIME *t;
	int crit = -1;

	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		t = X509_REVOKED_get_ext_d2i(sk_X509_REVOKED_value(rev, i),
		    NID_invalidity_date, &crit, NULL);
		if (t == NULL && crit >= 0)
			lint_fail(rep, rule, "entry %d: invalidityDate is not a "
			    "GeneralizedTime", i);
		else if (t != NULL && !lint_time_syntax_ok(t))
			lint_fail(rep, rule, "entry %d: invalidityDate is not "
			    "YYYYMMDDHHMMSSZ", i);
		ASN1_GENERALIZEDTIME_free(t);
	}
	ERR_clear_error();
}

/* RFC 5280 §5.1.2.3, SBR/CSBR 7.1.4.1: the CA's subject, byte for byte. */
LINT_CHECK(lint_check_crl_issuer_name)
{
	unsigned char *a = NULL, *b = NULL;
	int la, lb;

	if (c->issuer == NULL)
		return;
	la = i2d_X509_NAME(X509_CRL_get_issuer(c->crl), &a);
	lb = i2d_X509_NAME(X509_get_subject_name(c->issuer), &b);
	if (la <= 0 || la != lb || memcmp(a, b, (size_t)la) != 0)
		lint_fail(rep, rule, "CRL issuer is not byte-for-byte the CA's "
		    "subject");
	OPENSSL_free(a);
	OPENSSL_free(b);
}

LINT_CHECK(lint_check_crl_aki_issuer)
{
	AUTHORITY_KEYID *ak;
	const ASN1_OCTET_STRING *ski;

	if (c->issuer == NULL ||
	    (ski = X509_get0_subject_key_id(c->issuer)) == NULL)
		return;
	ak = X509_CRL_get_ext_d2i(c->crl, NID_authority_key_identifier, NULL,
	    NULL);
	if (ak != NULL && ak->keyid != NULL &&
	    ASN1_OCTET_STRING_cmp(ak->keyid, ski) != 0)
		lint_fail(rep, rule, "authorityKeyIdentifier is not the CA's "
		    "subjectKeyIdentifier");
	AUTHORITY_KEYID_free(ak);
}

LINT_CHECK(lint_check_crl_signature)
{
	if (c->issuer == NULL)
		return;
	if (X509_CRL_verify(c->crl, X509_get0_pubkey(c->issuer)) != 1)
		lint_fail(rep, rule, "signature does not verify with the CA's "
		    "key");
	ERR_clear_error();
}

/* RFC 5280 §4.2.1.3: the CRL signer asserts cRLSign. */
LINT_CHECK(lint_check_crl_issuer_crlsign)
{
	uint32_t ku;

	if (c->issuer == NULL)
		return;
	ku = X509_get_key_usage(c->issuer);
	if (ku != UINT32_MAX && (ku & KU_CRL_SIGN) == 0)
		lint_fail(rep, rule, "the CA's keyUsage lacks cRLSign");
}

/* Tables 7.2-1/7.2-2: validity 96 hours (CSBR/SBR 4.9.7 allow 10 days). */
LINT_CHECK(lint_check_crl_validity_96h)
{
	time_t t, n;

	if (!lint_time_get(X509_CRL_get0_lastUpdate(c->crl), &t) ||
	    !lint_time_get(X509_CRL_get0_nextUpdate(c->crl), &n) || n <= t)
		return;		/* e_rfc5280_crl_next_update */
	if (n - t != 96 * 3600)
		lint_fail(rep, rule, "nextUpdate - thisUpdate is %lld s, not "
		    "96 h", (long long)(n - t));
}

/* CP-7.1.3, 7.2: sha1, sha256 (or sha384 for the sha384 root) with RSA. */
LINT_CHECK(lint_check_crl_sigalg_cp)
{
	int nid = X509_CRL_get_signature_nid(c->crl);

	if ((c->cabf & LINT_CABF_SBR) && !lint_sigalg_cabf_ok(nid))
		return;		/* e_sbr_crl_sigalg */
	if (nid != NID_sha1WithRSAEncryption &&
	    nid != NID_sha256WithRSAEncryption &&
	    nid != NID_sha384WithRSAEncryption)
		lint_fail(rep, rule, "signature algorithm %s is not in CP "
		    "7.1.3", OBJ_nid2ln(nid));
}

/* Tables 7.2-1/7.2-2: CRL Number and AKI; entries reasonCode, invalidityDate. */
LINT_CHECK(lint_check_crl_cp_extensions)
{
	const STACK_OF(X509_EXTENSION) *exts = X509_CRL_get0_extensions(c->crl);
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	int nid;

	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);

		nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		if (X509_EXTENSION_get_critical(e) && X509V3_EXT_get(e) == NULL)
			continue;	/* e_rfc5280_crl_ext_unknown */
		/* issuingDistributionPoint: only in partitioned CRLs. */
		if (nid != NID_crl_number && nid != NID_authority_key_identifier &&
		    nid != NID_issuing_distribution_point)
			lint_fail(rep, rule, "CRL extension %s is not in tables "
			    "7.2-1/7.2-2", nid != NID_undef ? OBJ_nid2sn(nid) :
			    "(unknown)");
	}
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		exts = X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(rev,
		    i));
		for (int j = 0; j < sk_X509_EXTENSION_num(exts); j++) {
			nid = OBJ_obj2nid(X509_EXTENSION_get_object(
			    sk_X509_EXTENSION_value(exts, j)));
			if (nid != NID_crl_reason && nid != NID_invalidity_date)
				lint_fail(rep, rule, "entry %d: extension %s is "
				    "not in tables 7.2-1/7.2-2", i,
				    nid != NID_undef ? OBJ_nid2sn(nid) :
				    "(unknown)");
		}
	}
}

/* CP-4.9.7: thisUpdate is when the CRL is issued, not ahead or behind. */
LINT_CHECK(lint_check_crl_this_update)
{
	time_t t;

	if (!lint_time_get(X509_CRL_get0_lastUpdate(c->crl), &t))
		return;
	if (t > c->now + LINT_SKEW)
		lint_fail(rep, rule, "thisUpdate is in the future");
	else if (c->pre_issuance && t < c->now - 120)
		lint_fail(rep, rule, "thisUpdate is in the past (backdated)");
}

/* CSBR 7.2.2: for code signing, invalidityDate equals revocationDate. */
LINT_CHECK(lint_check_csbr_crl_invalidity)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	ASN1_GENERALIZEDTIME *t;

	if (!(c->cabf & LINT_CABF_CSBR))
		return;
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		const X509_REVOKED *r = sk_X509_REVOKED_value(rev, i);

		t = X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, NULL, NULL);
		if (t != NULL && ASN1_TIME_compare(t,
		    X509_REVOKED_get0_revocationDate(r)) != 0)
			lint_fail(rep, rule, "entry %d: invalidityDate differs "
			    "from revocationDate", i);
		ASN1_GENERALIZEDTIME_free(t);
	}
}

/* SBR 7.2.2: reasonCode not critical and never unspecified. */
LINT_CHECK(lint_check_sbr_crl_reason)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(c->crl);
	int crit = -1, reason;

	if (!(c->cabf & LINT_CABF_SBR))
		return;
	for (int i = 0; i < sk_X509_REVOKED_num(rev); i++) {
		reason = lint_entry_reason(sk_X509_REVOKED_value(rev, i), &crit);
		if (reason == 0)
			lint_fail(rep, rule, "entry %d: reasonCode unspecified",
			    i);
	}
}

/* SBR 7.1.3.2 applies to the CertificateList too. */
LINT_CHECK(lint_check_cabf_crl_sigalg)
{
	int nid = X509_CRL_get_signature_nid(c->crl);

	if ((c->cabf & LINT_CABF_SBR) && !lint_sigalg_cabf_ok(nid))
		lint_fail(rep, rule, "signature algorithm %s is not allowed "
		    "for S/MIME", OBJ_nid2ln(nid));
}
