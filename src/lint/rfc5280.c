#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"

/* Extensions carry meaning only in v3 (RFC 5280 §4.1.2.1). */
LINT_CHECK(lint_check_version)
{
	if (X509_get_version(in->cert) != X509_VERSION_3)
		lint_fail(rep, rule, "version is v%ld, must be v3",
		    X509_get_version(in->cert) + 1);
}

LINT_CHECK(lint_check_serial_positive)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(in->cert);

	if (ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER)
		lint_fail(rep, rule, "serial number is negative");
	else if (ASN1_STRING_length(s) == 0 ||
	    (ASN1_STRING_length(s) == 1 && ASN1_STRING_get0_data(s)[0] == 0))
		lint_fail(rep, rule, "serial number is zero");
}

/* At most 20 content octets, sign octet included. */
LINT_CHECK(lint_check_serial_length)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(in->cert);
	int len = ASN1_STRING_length(s);

	if (len > 0 && (ASN1_STRING_get0_data(s)[0] & 0x80))
		len++;
	if (len > 20)
		lint_fail(rep, rule, "serial number is %d octets, at most 20 "
		    "allowed", len);
}

/* 64 CSPRNG bits cannot fit in fewer than 8 magnitude octets. */
LINT_CHECK(lint_check_serial_entropy)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(in->cert);

	if (ASN1_STRING_length(s) < 8)
		lint_fail(rep, rule, "serial number of %d octets cannot hold "
		    "64 random bits", ASN1_STRING_length(s));
}

LINT_CHECK(lint_check_sigalg_match)
{
	const X509_ALGOR *outer;

	X509_get0_signature(NULL, &outer, in->cert);
	if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(in->cert)) != 0)
		lint_fail(rep, rule, "signatureAlgorithm differs from the "
		    "TBSCertificate signature field");
}

static void
lint_time_encoding(const ASN1_TIME *t, const char *which,
    struct lint_report *rep, const struct lint_rule *rule)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm)) {
		lint_fail(rep, rule, "%s is not a valid time", which);
		return;
	}
	if (tm.tm_year + 1900 < 2050 && ASN1_STRING_type(t) != V_ASN1_UTCTIME)
		lint_fail(rep, rule, "%s before 2050 must be UTCTime", which);
	if (tm.tm_year + 1900 >= 2050 &&
	    ASN1_STRING_type(t) != V_ASN1_GENERALIZEDTIME)
		lint_fail(rep, rule, "%s from 2050 must be GeneralizedTime",
		    which);
}

LINT_CHECK(lint_check_validity_encoding)
{
	lint_time_encoding(X509_get0_notBefore(in->cert), "notBefore", rep,
	    rule);
	lint_time_encoding(X509_get0_notAfter(in->cert), "notAfter", rep, rule);
}

LINT_CHECK(lint_check_validity_order)
{
	if (ASN1_TIME_compare(X509_get0_notBefore(in->cert),
	    X509_get0_notAfter(in->cert)) > 0)
		lint_fail(rep, rule, "notBefore is after notAfter");
}

/* RFC 5280 §4.2: an extension appears at most once. */
LINT_CHECK(lint_check_ext_duplicate)
{
	int n = X509_get_ext_count(in->cert);
	const ASN1_OBJECT *a, *b;
	char buf[80];

	for (int i = 0; i < n; i++) {
		a = X509_EXTENSION_get_object(X509_get_ext(in->cert, i));
		for (int j = 0; j < i; j++) {
			b = X509_EXTENSION_get_object(X509_get_ext(in->cert, j));
			if (OBJ_cmp(a, b) == 0) {
				OBJ_obj2txt(buf, sizeof(buf), a, 0);
				lint_fail(rep, rule, "extension %s appears "
				    "more than once", buf);
			}
		}
	}
}

LINT_CHECK(lint_check_ski_present)
{
	if (X509_get0_subject_key_id(in->cert) == NULL)
		lint_fail(rep, rule, "subjectKeyIdentifier is missing");
}

/* CP-7.1: the 160-bit SHA-1 of the subject public key. */
LINT_CHECK(lint_check_ski_method)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(in->cert);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;

	if (ski == NULL)
		return;
	if (!X509_pubkey_digest(in->cert, EVP_sha1(), md, &len) ||
	    (unsigned int)ASN1_STRING_length(ski) != len ||
	    memcmp(ASN1_STRING_get0_data(ski), md, len) != 0)
		lint_fail(rep, rule, "subjectKeyIdentifier is not the SHA-1 "
		    "of the subject public key");
}

LINT_CHECK(lint_check_aki_present)
{
	const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(in->cert);
	int crit = -1;
	AUTHORITY_KEYID *ak;

	if (lint_kind_of(in->cert) == LINT_KIND_ROOT)
		return;
	if (aki == NULL) {
		lint_fail(rep, rule, "authorityKeyIdentifier keyIdentifier "
		    "is missing");
		return;
	}
	ak = X509_get_ext_d2i(in->cert, NID_authority_key_identifier, &crit,
	    NULL);
	if (crit == 1)
		lint_fail(rep, rule, "authorityKeyIdentifier is critical");
	AUTHORITY_KEYID_free(ak);
}

LINT_CHECK(lint_check_bc_critical)
{
	BASIC_CONSTRAINTS *bc;
	int crit = -1;

	bc = X509_get_ext_d2i(in->cert, NID_basic_constraints, &crit, NULL);
	if (bc == NULL)
		lint_fail(rep, rule, "basicConstraints is missing");
	else if (crit != 1)
		lint_fail(rep, rule, "basicConstraints is not critical");
	BASIC_CONSTRAINTS_free(bc);
}

/* RFC 5280 §4.2.1.3/§4.2.1.9: keyCertSign if and only if cA. */
LINT_CHECK(lint_check_ca_keycertsign)
{
	uint32_t ku = X509_get_key_usage(in->cert);
	int ca = (X509_get_extension_flags(in->cert) & EXFLAG_CA) != 0;
	int kcs = ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN) != 0;

	if (ca && !kcs)
		lint_fail(rep, rule, "CA certificate without keyCertSign");
	if (!ca && kcs)
		lint_fail(rep, rule, "keyCertSign set but cA is not TRUE");
}

/* RFC 5280 §4.2.1.6: critical when the subject is empty. */
LINT_CHECK(lint_check_san_critical)
{
	X509_NAME *subj = X509_get_subject_name(in->cert);
	GENERAL_NAMES *san;
	int crit = -1;

	san = X509_get_ext_d2i(in->cert, NID_subject_alt_name, &crit, NULL);
	if (X509_NAME_entry_count(subj) == 0 && (san == NULL || crit != 1))
		lint_fail(rep, rule, "subject is empty and subjectAltName is "
		    "missing or not critical");
	GENERAL_NAMES_free(san);
}

static int
lint_uri_ok(const GENERAL_NAME *gn)
{
	const ASN1_IA5STRING *uri;
	const unsigned char *p;
	int len;

	if (gn->type != GEN_URI)
		return 0;
	uri = gn->d.uniformResourceIdentifier;
	p = ASN1_STRING_get0_data(uri);
	len = ASN1_STRING_length(uri);
	if (len < 8 || (strncmp((const char *)p, "http://", 7) != 0 &&
	    strncmp((const char *)p, "https://", 8) != 0 &&
	    strncmp((const char *)p, "ldap://", 7) != 0))
		return 0;
	for (int i = 0; i < len; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

/* CRL DP and AIA: absolute http(s)/ldap URIs (RFC 5280 §4.2.1.13, §4.2.2.1). */
LINT_CHECK(lint_check_uri_syntax)
{
	CRL_DIST_POINTS *dps;
	AUTHORITY_INFO_ACCESS *aia;
	const DIST_POINT *dp;

	dps = X509_get_ext_d2i(in->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL || dp->distpoint->type != 0) {
			lint_fail(rep, rule, "CRL distribution point without "
			    "a fullName");
			continue;
		}
		for (int j = 0; j < sk_GENERAL_NAME_num(
		    dp->distpoint->name.fullname); j++)
			if (!lint_uri_ok(sk_GENERAL_NAME_value(
			    dp->distpoint->name.fullname, j)))
				lint_fail(rep, rule, "CRL distribution point "
				    "is not an http or ldap URI");
	}
	CRL_DIST_POINTS_free(dps);
	aia = X509_get_ext_d2i(in->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++)
		if (!lint_uri_ok(sk_ACCESS_DESCRIPTION_value(aia, i)->location))
			lint_fail(rep, rule, "authorityInfoAccess location is "
			    "not an http URI");
	AUTHORITY_INFO_ACCESS_free(aia);
}
