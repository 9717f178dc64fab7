#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"
#include "x509/name.h"
#include "x509/oid.h"

/*
 * CA/Browser Forum Code Signing Baseline Requirements (v3.10): code
 * signing subscriber certificates (profile codesign), CA certificates
 * whose extendedKeyUsage has codeSigning (7.1.2.2), and Timestamp
 * Authority certificates (7.1.2.3, 6.3.2) when such a certificate is
 * linted.
 */

#define OID_CABF_TIMESTAMP	"2.23.140.1.4.2"	/* CSBR 7.1.6.1 */
#define OID_MS_LIFETIME		"1.3.6.1.4.1.311.10.3.13"
#define OID_MS_DOCUMENT		"1.3.6.1.4.1.311.10.3.12"

static int
lint_is_csbr(const struct lint_ctx *c)
{
	return c->profile != NULL && c->profile->rules == PROFILE_RULES_CSBR;
}

static int
lint_is_tsa(const struct lint_ctx *c)
{
	return c->kind == LINT_KIND_SUBSCRIBER &&
	    lint_eku_has(c->cert, NID_time_stamp);
}

static int
lint_is_cs_ca(const struct lint_ctx *c)
{
	return (c->kind == LINT_KIND_CA || c->kind == LINT_KIND_ROOT) &&
	    lint_eku_has(c->cert, NID_code_sign);
}

/* CSBR 7.1.6.1 reserved OID; CP-1.2 asserts it for code signing. */
LINT_CHECK(lint_check_csbr_policy)
{
	CERTIFICATEPOLICIES *cp;

	if (!lint_is_csbr(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	if (cp == NULL || !lint_has_policy(cp, OID_CABF_CODESIGN))
		lint_fail(rep, rule, "code-signing certificate without policy "
		    "%s", OID_CABF_CODESIGN);
	CERTIFICATEPOLICIES_free(cp);
}

/* CSBR 6.1.5.2: RSA of at least 3072 bits. */
LINT_CHECK(lint_check_csbr_rsa_size)
{
	if (!lint_is_csbr(c) || EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA)
		return;
	if (EVP_PKEY_get_bits(c->key) < 3072)
		lint_fail(rep, rule, "RSA-%d, code signing needs at least 3072",
		    EVP_PKEY_get_bits(c->key));
}

/* CSBR 7.1.3.2.1 (SHA-1 itself: e_csbr_no_sha1). */
LINT_CHECK(lint_check_csbr_sigalg)
{
	int nid = X509_get_signature_nid(c->cert);

	if ((!lint_is_csbr(c) && !lint_is_cs_ca(c) && !lint_is_tsa(c)) ||
	    nid == NID_sha1WithRSAEncryption)
		return;
	if (!lint_sigalg_cabf_ok(nid) || nid == NID_ED25519 || nid == NID_ED448)
		lint_fail(rep, rule, "signature algorithm %s is not allowed",
		    OBJ_nid2ln(nid));
}

/* CSBR 7.1.3.2.1: SHA-1 only in OCSP responses, CRLs and old TSA certs. */
LINT_CHECK(lint_check_csbr_no_sha1)
{
	if ((lint_is_csbr(c) || lint_is_cs_ca(c)) &&
	    X509_get_signature_nid(c->cert) == NID_sha1WithRSAEncryption)
		lint_fail(rep, rule, "SHA-1 signature on a code-signing "
		    "certificate");
}

int
lint_csbr_eku_ok(X509 *x)
{
	return lint_eku_has(x, NID_code_sign) &&
	    !lint_eku_has(x, NID_anyExtendedKeyUsage) &&
	    !lint_eku_has(x, NID_server_auth);
}

/* CSBR 7.1.2.3(f): codeSigning present; anyEKU and serverAuth absent. */
LINT_CHECK(lint_check_csbr_eku)
{
	if (lint_is_csbr(c) && !lint_csbr_eku_ok(c->cert))
		lint_fail(rep, rule, "extKeyUsage must have codeSigning and "
		    "neither serverAuth nor anyExtendedKeyUsage");
}

/* CSBR 7.1.2.3(f): other values SHOULD NOT be present. */
LINT_CHECK(lint_check_csbr_eku_other)
{
	EXTENDED_KEY_USAGE *eku;
	char buf[80];
	int nid;

	if (!lint_is_csbr(c))
		return;
	eku = X509_get_ext_d2i(c->cert, NID_ext_key_usage, NULL, NULL);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
		OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, i), 1);
		if (nid != NID_code_sign && nid != NID_email_protect &&
		    nid != NID_server_auth && nid != NID_anyExtendedKeyUsage &&
		    strcmp(buf, OID_MS_LIFETIME) != 0 &&
		    strcmp(buf, OID_MS_DOCUMENT) != 0)
			lint_fail(rep, rule, "EKU %s SHOULD NOT be present", buf);
	}
	EXTENDED_KEY_USAGE_free(eku);
}

int
lint_csbr_ku_ok(X509 *x)
{
	unsigned int ku = lint_ku_bits(x);

	return (ku & CERT_KU_DIGITAL_SIGNATURE) &&
	    !(ku & (CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN));
}

/* CSBR 7.1.2.3(e): digitalSignature; never keyCertSign or cRLSign. */
LINT_CHECK(lint_check_csbr_ku)
{
	if (!lint_is_csbr(c) && !lint_is_tsa(c))
		return;
	if (lint_ku_bits(c->cert) == 0)
		lint_fail(rep, rule, "keyUsage is missing");
	else if (!lint_csbr_ku_ok(c->cert))
		lint_fail(rep, rule, "keyUsage needs digitalSignature and "
		    "neither keyCertSign nor cRLSign");
}

/* CP-4.9.9, CSBR 7.1.2.3(c): OCSP (the CA provides it) and caIssuers. */
LINT_CHECK(lint_check_aia_ocsp)
{
	AUTHORITY_INFO_ACCESS *aia;
	int ocsp = 0, issuers = 0, nid;

	if (!lint_is_csbr(c))
		return;
	aia = X509_get_ext_d2i(c->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		nid = OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia, i)->method);
		ocsp |= nid == NID_ad_OCSP;
		issuers |= nid == NID_ad_ca_issuers;
	}
	if (!ocsp || !issuers)
		lint_fail(rep, rule, "authorityInfoAccess needs both OCSP and "
		    "caIssuers URLs");
	AUTHORITY_INFO_ACCESS_free(aia);
}

/* CSBR 7.1.2.3(c), 7.1.2.2(c): the HTTP URLs. */
LINT_CHECK(lint_check_csbr_aia_http)
{
	AUTHORITY_INFO_ACCESS *aia;
	int ocsp = 0, issuers = 0, nid;

	if (!lint_is_csbr(c) && !lint_is_cs_ca(c))
		return;
	aia = X509_get_ext_d2i(c->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);

		nid = OBJ_obj2nid(ad->method);
		if (nid == NID_ad_OCSP)
			ocsp |= lint_uri_is(ad->location, "http") ? 1 : 2;
		if (nid == NID_ad_ca_issuers)
			issuers |= lint_uri_is(ad->location, "http") ? 1 : 2;
	}
	if ((ocsp && !(ocsp & 1)) || (issuers && !(issuers & 1)))
		lint_fail(rep, rule, "authorityInfoAccess OCSP and caIssuers "
		    "must be HTTP URLs");
	AUTHORITY_INFO_ACCESS_free(aia);
}

/* CSBR 7.1.2.3(b): present, with the HTTP URL of the CRL. */
LINT_CHECK(lint_check_csbr_crldp)
{
	CRL_DIST_POINTS *dps;
	int http = 0;

	if (!lint_is_csbr(c))
		return;
	dps = X509_get_ext_d2i(c->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (int j = 0; j < sk_GENERAL_NAME_num(
		    dp->distpoint->name.fullname); j++)
			http |= lint_uri_is(sk_GENERAL_NAME_value(
			    dp->distpoint->name.fullname, j), "http");
	}
	if (!http)
		lint_fail(rep, rule, "cRLDistributionPoints with an HTTP URL "
		    "is required");
	CRL_DIST_POINTS_free(dps);
}

/* CSBR 7.1.4.2.3(f): ISO 3166-1 (presence: e_cp_subject_attrs). */
LINT_CHECK(lint_check_csbr_country)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	int i = -1;

	if (!lint_is_csbr(c))
		return;
	while ((i = X509_NAME_get_index_by_NID(n, NID_countryName, i)) >= 0) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(n, i));

		if (!lint_iso3166(ASN1_STRING_get0_data(v),
		    ASN1_STRING_length(v)))
			lint_fail(rep, rule, "countryName is not an ISO 3166-1 "
			    "code");
	}
}

/* CSBR 7.1.4.2.3(c)(d): localityName or stateOrProvinceName. */
LINT_CHECK(lint_check_csbr_locality)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	if (lint_is_csbr(c) && name_count(n, NID_localityName) == 0 &&
	    name_count(n, NID_stateOrProvinceName) == 0)
		lint_fail(rep, rule, "neither localityName nor "
		    "stateOrProvinceName in the subject");
}

/* CSBR 7.1.4.2.2(c): no domainComponent. */
LINT_CHECK(lint_check_csbr_subject_prohibited)
{
	if (lint_is_csbr(c) && name_count(X509_get_subject_name(c->cert),
	    NID_domainComponent) > 0)
		lint_fail(rep, rule, "domainComponent in a code-signing subject");
}

/* CSBR 7.1.4.2.2(d): no attribute of only '.', '-' or ' '. */
LINT_CHECK(lint_check_csbr_metadata)
{
	int nid;

	if (lint_is_csbr(c) && lint_name_has_metadata_only(
	    X509_get_subject_name(c->cert), &nid))
		lint_fail(rep, rule, "subject %s holds only metadata",
		    OBJ_nid2sn(nid));
}

int
lint_csbr_ca_eku_ok(X509 *x)
{
	if (!lint_eku_has(x, NID_code_sign))
		return 1;
	return !lint_eku_has(x, NID_time_stamp) &&
	    !lint_eku_has(x, NID_anyExtendedKeyUsage) &&
	    !lint_eku_has(x, NID_server_auth) &&
	    !lint_eku_has(x, NID_email_protect);
}

/* CSBR 7.1.2.2(g): a code-signing CA has none of these EKUs. */
LINT_CHECK(lint_check_csbr_ca_eku)
{
	if (!lint_csbr_ca_eku_ok(c->cert))
		lint_fail(rep, rule, "code-signing CA with timeStamping, "
		    "serverAuth, emailProtection or anyExtendedKeyUsage");
}

/* CSBR 7.1.6.3: the reserved identifier, no anyPolicy for non-affiliates. */
LINT_CHECK(lint_check_csbr_ca_policy)
{
	CERTIFICATEPOLICIES *cp;

	if (c->kind != LINT_KIND_CA || !lint_is_cs_ca(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	if (!lint_has_policy(cp, OID_CABF_CODESIGN) &&
	    !lint_has_policy(cp, "2.5.29.32.0"))
		lint_fail(rep, rule, "code-signing CA certificate without "
		    "policy %s", OID_CABF_CODESIGN);
	CERTIFICATEPOLICIES_free(cp);
}

/* CSBR 6.1.5.1: CA keys RSA-4096 (CP tables 7.1-2/7.1-3 agree). */
LINT_CHECK(lint_check_csbr_ca_key)
{
	if (!lint_is_cs_ca(c) || c->key == NULL ||
	    EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA)
		return;
	if (EVP_PKEY_get_bits(c->key) < 4096)
		lint_fail(rep, rule, "code-signing CA key RSA-%d, at least 4096 "
		    "required", EVP_PKEY_get_bits(c->key));
}

/* CSBR 7.1.2.2(c): AIA with caIssuers (its scheme: e_csbr_aia_http). */
LINT_CHECK(lint_check_csbr_ca_aia)
{
	AUTHORITY_INFO_ACCESS *aia;
	int issuers = 0;

	if (c->kind != LINT_KIND_CA || !lint_is_cs_ca(c))
		return;
	aia = X509_get_ext_d2i(c->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++)
		issuers |= OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia,
		    i)->method) == NID_ad_ca_issuers;
	if (!issuers)
		lint_fail(rep, rule, "code-signing CA certificate without "
		    "authorityInfoAccess caIssuers");
	AUTHORITY_INFO_ACCESS_free(aia);
}

/* CSBR 7.1.2.3(f), RFC 3161 §2.3: timeStamping alone, critical. */
LINT_CHECK(lint_check_csbr_tsa_eku)
{
	EXTENDED_KEY_USAGE *eku;

	if (!lint_is_tsa(c))
		return;
	eku = X509_get_ext_d2i(c->cert, NID_ext_key_usage, NULL, NULL);
	if (lint_ext_critical(c->cert, NID_ext_key_usage) != 1 ||
	    sk_ASN1_OBJECT_num(eku) != 1)
		lint_fail(rep, rule, "timestamp certificate EKU must be "
		    "critical and timeStamping alone");
	EXTENDED_KEY_USAGE_free(eku);
}

/* CSBR 7.1.6.1: 2.23.140.1.4.2 for Timestamp Certificates. */
LINT_CHECK(lint_check_csbr_tsa_policy)
{
	CERTIFICATEPOLICIES *cp;

	if (!lint_is_tsa(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	if (!lint_has_policy(cp, OID_CABF_TIMESTAMP))
		lint_fail(rep, rule, "timestamp certificate without policy %s",
		    OID_CABF_TIMESTAMP);
	CERTIFICATEPOLICIES_free(cp);
}

/* CSBR 6.3.2: at most 135 months; CSBR 6.1.5.2: RSA >= 3072. */
LINT_CHECK(lint_check_csbr_tsa_validity)
{
	time_t nb;
	ASN1_TIME *limit;

	if (!lint_is_tsa(c))
		return;
	if (c->key != NULL && EVP_PKEY_get_base_id(c->key) == EVP_PKEY_RSA &&
	    EVP_PKEY_get_bits(c->key) < 3072)
		lint_fail(rep, rule, "timestamp certificate key RSA-%d, at "
		    "least 3072 required", EVP_PKEY_get_bits(c->key));
	if (!lint_time_get(X509_get0_notBefore(c->cert), &nb) ||
	    (limit = ASN1_TIME_set(NULL, cert_add_months(nb, 135))) == NULL)
		return;
	if (ASN1_TIME_compare(X509_get0_notAfter(c->cert), limit) > 0)
		lint_fail(rep, rule, "timestamp certificate valid for more "
		    "than 135 months");
	ASN1_TIME_free(limit);
}

/* CSBR 6.3.2: 460 days (from 2026-03-01; 39 months before). */
LINT_CHECK(lint_check_csbr_max_validity)
{
	int days, secs;

	if (!lint_is_csbr(c) || c->profile->max_days == 0 ||
	    !ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c->cert),
	    X509_get0_notAfter(c->cert)))
		return;
	/* Inclusive of the last second (RFC 5280 §4.1.2.5). */
	if ((long)days * 86400 + secs + 1 > (long)c->profile->max_days * 86400)
		lint_fail(rep, rule, "validity exceeds %d days",
		    c->profile->max_days);
}
