#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"

/* RFC 5280 certificate structure (section 4), one check per rule. */

/* Extensions carry meaning only in v3 (RFC 5280 §4.1.2.1). */
LINT_CHECK(lint_check_version)
{
	if (X509_get_version(c->cert) != X509_VERSION_3)
		lint_fail(rep, rule, "version is v%ld, must be v3",
		    X509_get_version(c->cert) + 1);
}

LINT_CHECK(lint_check_serial_positive)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(c->cert);

	if (ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER)
		lint_fail(rep, rule, "serial number is negative");
	else if (ASN1_STRING_length(s) == 0 ||
	    (ASN1_STRING_length(s) == 1 && ASN1_STRING_get0_data(s)[0] == 0))
		lint_fail(rep, rule, "serial number is zero");
}

/* At most 20 content octets, sign octet included. */
LINT_CHECK(lint_check_serial_length)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(c->cert);
	int len = ASN1_STRING_length(s);

	if (len > 0 && (ASN1_STRING_get0_data(s)[0] & 0x80))
		len++;
	if (len > 20)
		lint_fail(rep, rule, "serial number is %d octets, at most 20 "
		    "allowed", len);
}

LINT_CHECK(lint_check_sigalg_match)
{
	const X509_ALGOR *outer;

	X509_get0_signature(NULL, &outer, c->cert);
	if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(c->cert)) != 0)
		lint_fail(rep, rule, "signatureAlgorithm differs from the "
		    "TBSCertificate signature field");
}

LINT_CHECK(lint_check_sigalg_params)
{
	const X509_ALGOR *outer;

	X509_get0_signature(NULL, &outer, c->cert);
	if (!lint_alg_params_null(X509_get0_tbs_sigalg(c->cert)) ||
	    !lint_alg_params_null(outer))
		lint_fail(rep, rule, "RSA PKCS#1 v1.5 signature algorithm "
		    "parameters are not NULL");
}

/* RFC 3279 §2.3.1; SBR 7.1.3.1.1 asks for the same bytes. */
LINT_CHECK(lint_check_spki_params)
{
	X509_ALGOR *alg;
	X509_PUBKEY *pk = X509_get_X509_PUBKEY(c->cert);

	if (pk == NULL || !X509_PUBKEY_get0_param(NULL, NULL, NULL, &alg, pk))
		return;
	if (!lint_alg_params_null(alg))
		lint_fail(rep, rule, "rsaEncryption parameters are not NULL");
}

LINT_CHECK(lint_check_validity_encoding)
{
	if (!lint_time_type_ok(X509_get0_notBefore(c->cert)))
		lint_fail(rep, rule, "notBefore: UTCTime through 2049, "
		    "GeneralizedTime from 2050");
	if (!lint_time_type_ok(X509_get0_notAfter(c->cert)))
		lint_fail(rep, rule, "notAfter: UTCTime through 2049, "
		    "GeneralizedTime from 2050");
}

/* RFC 5280 §4.1.2.5.1, §4.1.2.5.2: Zulu, with seconds, no fraction. */
LINT_CHECK(lint_check_time_syntax)
{
	if (!lint_time_syntax_ok(X509_get0_notBefore(c->cert)))
		lint_fail(rep, rule, "notBefore is not YYMMDDHHMMSSZ or "
		    "YYYYMMDDHHMMSSZ");
	if (!lint_time_syntax_ok(X509_get0_notAfter(c->cert)))
		lint_fail(rep, rule, "notAfter is not YYMMDDHHMMSSZ or "
		    "YYYYMMDDHHMMSSZ");
}

LINT_CHECK(lint_check_validity_order)
{
	if (ASN1_TIME_compare(X509_get0_notBefore(c->cert),
	    X509_get0_notAfter(c->cert)) > 0)
		lint_fail(rep, rule, "notBefore is after notAfter");
}

/* RFC 5280 §4.1.2.8: CAs conforming to the profile do not generate them. */
LINT_CHECK(lint_check_unique_ids)
{
	const ASN1_BIT_STRING *iuid, *suid;

	X509_get0_uids(c->cert, &iuid, &suid);
	if (iuid != NULL || suid != NULL)
		lint_fail(rep, rule, "issuerUniqueID or subjectUniqueID present");
}

/* RFC 5280 §4.1.2.4. */
LINT_CHECK(lint_check_issuer_empty)
{
	if (X509_NAME_entry_count(X509_get_issuer_name(c->cert)) == 0)
		lint_fail(rep, rule, "issuer name is empty");
}

/* RFC 5280 §4.1.2.6: a CA's subject is its name in issued certificates. */
LINT_CHECK(lint_check_ca_subject_empty)
{
	if (X509_NAME_entry_count(X509_get_subject_name(c->cert)) == 0)
		lint_fail(rep, rule, "CA certificate with an empty subject");
}

/* RFC 5280 §4.2: an extension appears at most once. */
LINT_CHECK(lint_check_ext_duplicate)
{
	int n = X509_get_ext_count(c->cert);
	const ASN1_OBJECT *a, *b;
	char buf[80];

	for (int i = 0; i < n; i++) {
		a = X509_EXTENSION_get_object(X509_get_ext(c->cert, i));
		for (int j = 0; j < i; j++) {
			b = X509_EXTENSION_get_object(X509_get_ext(c->cert, j));
			if (OBJ_cmp(a, b) == 0) {
				OBJ_obj2txt(buf, sizeof(buf), a, 0);
				lint_fail(rep, rule, "extension %s appears "
				    "more than once", buf);
			}
		}
	}
}

/* Every extension OpenSSL knows decodes (RFC 5280 §4.2 syntax). */
LINT_CHECK(lint_check_ext_decode)
{
	int n = X509_get_ext_count(c->cert);
	X509_EXTENSION *ext;
	const X509V3_EXT_METHOD *m;
	void *v;
	char buf[80];

	for (int i = 0; i < n; i++) {
		ext = X509_get_ext(c->cert, i);
		if ((m = X509V3_EXT_get(ext)) == NULL)
			continue;
		if ((v = X509V3_EXT_d2i(ext)) == NULL) {
			OBJ_obj2txt(buf, sizeof(buf),
			    X509_EXTENSION_get_object(ext), 0);
			lint_fail(rep, rule, "extension %s does not decode", buf);
			continue;
		}
		if (m->it != NULL)
			ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
		else if (m->ext_free != NULL)
			m->ext_free(v);
	}
	ERR_clear_error();
}

static int
lint_ext_count(int nid, void *v)
{
	switch (nid) {
	case NID_subject_alt_name:
		return sk_GENERAL_NAME_num(v);
	case NID_ext_key_usage:
		return sk_ASN1_OBJECT_num(v);
	case NID_certificate_policies:
		return sk_POLICYINFO_num(v);
	case NID_crl_distribution_points:
		return sk_DIST_POINT_num(v);
	case NID_info_access:
		return sk_ACCESS_DESCRIPTION_num(v);
	default:
		return 1;
	}
}

static void
lint_ext_free(int nid, void *v)
{
	switch (nid) {
	case NID_subject_alt_name:
		GENERAL_NAMES_free(v);
		break;
	case NID_ext_key_usage:
		EXTENDED_KEY_USAGE_free(v);
		break;
	case NID_certificate_policies:
		CERTIFICATEPOLICIES_free(v);
		break;
	case NID_crl_distribution_points:
		CRL_DIST_POINTS_free(v);
		break;
	case NID_info_access:
		AUTHORITY_INFO_ACCESS_free(v);
		break;
	default:
		break;
	}
}

/* SEQUENCE SIZE (1..MAX): SAN, EKU, policies, CRL DP, AIA not empty. */
LINT_CHECK(lint_check_ext_empty)
{
	static const int nids[] = { NID_subject_alt_name, NID_ext_key_usage,
	    NID_certificate_policies, NID_crl_distribution_points,
	    NID_info_access };
	void *v;

	for (size_t i = 0; i < sizeof(nids) / sizeof(nids[0]); i++) {
		if ((v = X509_get_ext_d2i(c->cert, nids[i], NULL, NULL)) == NULL)
			continue;
		if (lint_ext_count(nids[i], v) == 0)
			lint_fail(rep, rule, "%s is an empty sequence",
			    OBJ_nid2sn(nids[i]));
		lint_ext_free(nids[i], v);
	}
}

/* RFC 5280 §4.2: a critical extension the CA cannot vouch for. */
LINT_CHECK(lint_check_ext_unknown_critical)
{
	int n = X509_get_ext_count(c->cert);
	X509_EXTENSION *ext;
	char buf[80];

	for (int i = 0; i < n; i++) {
		ext = X509_get_ext(c->cert, i);
		if (X509_EXTENSION_get_critical(ext) &&
		    X509V3_EXT_get(ext) == NULL) {
			OBJ_obj2txt(buf, sizeof(buf),
			    X509_EXTENSION_get_object(ext), 1);
			lint_fail(rep, rule, "critical extension %s is not "
			    "understood", buf);
		}
	}
}

/* Read from the extension: OpenSSL's cache is empty if another is bad. */
LINT_CHECK(lint_check_ski_present)
{
	if (X509_get_ext_by_NID(c->cert, NID_subject_key_identifier, -1) < 0)
		lint_fail(rep, rule, "subjectKeyIdentifier is missing");
}

LINT_CHECK(lint_check_ski_critical)
{
	if (lint_ext_critical(c->cert, NID_subject_key_identifier) == 1)
		lint_fail(rep, rule, "subjectKeyIdentifier is critical");
}

LINT_CHECK(lint_check_aki_present)
{
	AUTHORITY_KEYID *ak;
	int crit = -1;

	ak = X509_get_ext_d2i(c->cert, NID_authority_key_identifier, &crit,
	    NULL);
	if (ak == NULL || ak->keyid == NULL)
		lint_fail(rep, rule, "authorityKeyIdentifier keyIdentifier "
		    "is missing");
	else if (crit == 1)
		lint_fail(rep, rule, "authorityKeyIdentifier is critical");
	AUTHORITY_KEYID_free(ak);
}

/* RFC 5280 §4.2.2.1. */
LINT_CHECK(lint_check_aia_critical)
{
	if (lint_ext_critical(c->cert, NID_info_access) == 1)
		lint_fail(rep, rule, "authorityInfoAccess is critical");
}

LINT_CHECK(lint_check_bc_critical)
{
	int crit = lint_ext_critical(c->cert, NID_basic_constraints);

	if (crit < 0)
		lint_fail(rep, rule, "basicConstraints is missing");
	else if (crit != 1)
		lint_fail(rep, rule, "basicConstraints is not critical");
}

/* RFC 5280 §4.2.1.9: pathLen only with cA and keyCertSign; not negative. */
LINT_CHECK(lint_check_pathlen)
{
	BASIC_CONSTRAINTS *bc;
	uint32_t ku = X509_get_key_usage(c->cert);

	bc = X509_get_ext_d2i(c->cert, NID_basic_constraints, NULL, NULL);
	if (bc == NULL || bc->pathlen == NULL)
		goto out;
	if (!bc->ca || ku == UINT32_MAX || (ku & KU_KEY_CERT_SIGN) == 0)
		lint_fail(rep, rule, "pathLenConstraint without cA and "
		    "keyCertSign");
	else if (ASN1_INTEGER_get(bc->pathlen) < 0)
		lint_fail(rep, rule, "pathLenConstraint is negative");
 out:
	BASIC_CONSTRAINTS_free(bc);
}

/* RFC 5280 §4.2.1.3/§4.2.1.9: keyCertSign if and only if cA. */
LINT_CHECK(lint_check_ca_keycertsign)
{
	uint32_t ku = X509_get_key_usage(c->cert);
	int ca = (X509_get_extension_flags(c->cert) & EXFLAG_CA) != 0;
	int kcs = ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN) != 0;

	if (ca && !kcs)
		lint_fail(rep, rule, "CA certificate without keyCertSign");
	if (!ca && kcs)
		lint_fail(rep, rule, "keyCertSign set but cA is not TRUE");
}

/* RFC 5280 §4.2.1.3: at least one bit; decipher/encipherOnly need keyAgreement. */
LINT_CHECK(lint_check_ku_bits)
{
	ASN1_BIT_STRING *ku;
	int set = 0;

	ku = X509_get_ext_d2i(c->cert, NID_key_usage, NULL, NULL);
	if (ku == NULL)
		return;
	for (int i = 0; i < 9; i++)
		set += ASN1_BIT_STRING_get_bit(ku, i);
	if (set == 0)
		lint_fail(rep, rule, "keyUsage has no bit set");
	else if ((ASN1_BIT_STRING_get_bit(ku, 7) ||
	    ASN1_BIT_STRING_get_bit(ku, 8)) && !ASN1_BIT_STRING_get_bit(ku, 4))
		lint_fail(rep, rule, "encipherOnly or decipherOnly without "
		    "keyAgreement");
	ASN1_BIT_STRING_free(ku);
}

/* RFC 3279 §2.3.1: no keyAgreement (or enc/decipherOnly) for RSA keys. */
LINT_CHECK(lint_check_ku_rsa)
{
	EVP_PKEY *pk = c->key;
	unsigned int ku = lint_ku_bits(c->cert);

	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		return;
	if (ku & (CERT_KU_KEY_AGREEMENT | (1u << 8)))
		lint_fail(rep, rule, "keyAgreement, encipherOnly or "
		    "decipherOnly with an RSA key");
}

/* RFC 5280 §4.2.1.3: SHOULD be critical. */
LINT_CHECK(lint_check_ku_critical)
{
	if (lint_ext_critical(c->cert, NID_key_usage) == 0)
		lint_fail(rep, rule, "keyUsage is not critical");
}

/* RFC 5280 §4.2.1.6: critical when the subject is empty. */
LINT_CHECK(lint_check_san_critical)
{
	X509_NAME *subj = X509_get_subject_name(c->cert);
	int crit = lint_ext_critical(c->cert, NID_subject_alt_name);

	if (X509_NAME_entry_count(subj) == 0 && crit != 1)
		lint_fail(rep, rule, "subject is empty and subjectAltName is "
		    "missing or not critical");
}

/* RFC 5280 §4.2.1.6: rfc822Name a mailbox, dNSName a host name. */
LINT_CHECK(lint_check_san_syntax)
{
	GENERAL_NAMES *san;
	const GENERAL_NAME *gn;
	const unsigned char *p;
	int len;

	san = X509_get_ext_d2i(c->cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		gn = sk_GENERAL_NAME_value(san, i);
		if (gn->type != GEN_EMAIL && gn->type != GEN_DNS)
			continue;
		p = ASN1_STRING_get0_data(gn->d.ia5);
		len = ASN1_STRING_length(gn->d.ia5);
		if (gn->type == GEN_EMAIL && !lint_mailbox_ok(p, len))
			lint_fail(rep, rule, "rfc822Name %.*s is not a mailbox",
			    len > 80 ? 80 : len, p);
		if (gn->type == GEN_DNS && (len == 0 || memchr(p, ' ',
		    (size_t)len) != NULL || p[0] == '.' || p[len - 1] == '.'))
			lint_fail(rep, rule, "dNSName %.*s is not a host name",
			    len > 80 ? 80 : len, p);
	}
	GENERAL_NAMES_free(san);
}

/* RFC 5280 §4.1.2.6: mail addresses belong in the SAN as rfc822Name. */
LINT_CHECK(lint_check_email_in_san)
{
	X509_NAME *subj = X509_get_subject_name(c->cert);
	GENERAL_NAMES *san;
	int i = -1;

	san = X509_get_ext_d2i(c->cert, NID_subject_alt_name, NULL, NULL);
	while ((i = X509_NAME_get_index_by_NID(subj, NID_pkcs9_emailAddress,
	    i)) >= 0) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, i));
		int found = 0;

		for (int j = 0; j < sk_GENERAL_NAME_num(san) && !found; j++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, j);

			found = gn->type == GEN_EMAIL &&
			    ASN1_STRING_length(gn->d.rfc822Name) ==
			    ASN1_STRING_length(v) &&
			    strncasecmp((const char *)ASN1_STRING_get0_data(
			    gn->d.rfc822Name), (const char *)
			    ASN1_STRING_get0_data(v),
			    (size_t)ASN1_STRING_length(v)) == 0;
		}
		if (!found)
			lint_fail(rep, rule, "subject emailAddress is not an "
			    "rfc822Name of subjectAltName");
	}
	GENERAL_NAMES_free(san);
}

/* RFC 5280 §4.2.1.13: a distributionPoint or cRLIssuer; no reasons alone. */
LINT_CHECK(lint_check_crldp_name)
{
	CRL_DIST_POINTS *dps;
	const DIST_POINT *dp;

	dps = X509_get_ext_d2i(c->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL && dp->CRLissuer == NULL)
			lint_fail(rep, rule, "distribution point with neither "
			    "distributionPoint nor cRLIssuer");
		else if (dp->distpoint != NULL && dp->distpoint->type == 0 &&
		    sk_GENERAL_NAME_num(dp->distpoint->name.fullname) == 0)
			lint_fail(rep, rule, "distribution point with an empty "
			    "fullName");
	}
	CRL_DIST_POINTS_free(dps);
}

/* CRL DP and AIA URIs: absolute http(s)/ldap URIs (RFC 3986). */
LINT_CHECK(lint_check_uri_syntax)
{
	static const char *const crl[] = { "http", "https", "ldap", NULL };
	static const char *const aia[] = { "http", "https", "ldap", NULL };
	CRL_DIST_POINTS *dps;
	AUTHORITY_INFO_ACCESS *aia_ext;
	const DIST_POINT *dp;
	const GENERAL_NAME *gn;

	dps = X509_get_ext_d2i(c->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (int j = 0; j < sk_GENERAL_NAME_num(
		    dp->distpoint->name.fullname); j++) {
			gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			if (gn->type == GEN_URI && !lint_uri_ok(
			    gn->d.uniformResourceIdentifier, crl))
				lint_fail(rep, rule, "CRL distribution point "
				    "is not an http or ldap URI");
		}
	}
	CRL_DIST_POINTS_free(dps);
	aia_ext = X509_get_ext_d2i(c->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia_ext); i++) {
		gn = sk_ACCESS_DESCRIPTION_value(aia_ext, i)->location;
		if (gn->type != GEN_URI ||
		    !lint_uri_ok(gn->d.uniformResourceIdentifier, aia))
			lint_fail(rep, rule, "authorityInfoAccess location is "
			    "not an http or ldap URI");
	}
	AUTHORITY_INFO_ACCESS_free(aia_ext);
}

/* RFC 5280 §4.2.1.4: a policy OID appears at most once. */
LINT_CHECK(lint_check_policy_duplicate)
{
	CERTIFICATEPOLICIES *cp;

	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++)
		for (int j = 0; j < i; j++)
			if (OBJ_cmp(sk_POLICYINFO_value(cp, i)->policyid,
			    sk_POLICYINFO_value(cp, j)->policyid) == 0)
				lint_fail(rep, rule, "a policy appears twice");
	CERTIFICATEPOLICIES_free(cp);
}

static void
lint_usernotice(const USERNOTICE *un, struct lint_report *rep,
    const struct lint_rule *rule)
{
	if (un->exptext == NULL)
		return;
	/* RFC 6818 §3: never IA5String; at most 200 characters. */
	if (ASN1_STRING_type(un->exptext) == V_ASN1_IA5STRING)
		lint_fail(rep, rule, "explicitText is an IA5String");
	if (ASN1_STRING_length(un->exptext) > 200)
		lint_fail(rep, rule, "explicitText longer than 200");
}

/* RFC 5280 §4.2.1.4: CPS is an IA5String URI; only CPS and user notice. */
LINT_CHECK(lint_check_policy_qualifiers)
{
	static const char *const uris[] = { "http", "https", "ftp", "ldap",
	    NULL };
	CERTIFICATEPOLICIES *cp;
	const POLICYQUALINFO *q;

	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);

		for (int j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			q = sk_POLICYQUALINFO_value(pi->qualifiers, j);
			switch (OBJ_obj2nid(q->pqualid)) {
			case NID_id_qt_cps:
				if (!lint_uri_ok(q->d.cpsuri, uris))
					lint_fail(rep, rule, "CPS qualifier is "
					    "not an IA5String URI");
				break;
			case NID_id_qt_unotice:
				lint_usernotice(q->d.usernotice, rep, rule);
				break;
			default:
				lint_fail(rep, rule, "policy qualifier other "
				    "than CPS or user notice");
			}
		}
	}
	CERTIFICATEPOLICIES_free(cp);
}

/* RFC 5280 §4.2.1.4: noticeRef SHOULD NOT be used. */
LINT_CHECK(lint_check_usernotice_noticeref)
{
	CERTIFICATEPOLICIES *cp;
	const POLICYQUALINFO *q;

	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);

		for (int j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			q = sk_POLICYQUALINFO_value(pi->qualifiers, j);
			if (OBJ_obj2nid(q->pqualid) == NID_id_qt_unotice &&
			    q->d.usernotice->noticeref != NULL)
				lint_fail(rep, rule, "user notice with a "
				    "noticeRef");
		}
	}
	CERTIFICATEPOLICIES_free(cp);
}

/* RFC 5280 §4.2.1.10: CA certificates only, critical. */
LINT_CHECK(lint_check_name_constraints)
{
	int crit = lint_ext_critical(c->cert, NID_name_constraints);

	if (crit < 0)
		return;
	if (c->kind != LINT_KIND_CA && c->kind != LINT_KIND_ROOT)
		lint_fail(rep, rule, "nameConstraints in a non-CA certificate");
	else if (!crit)
		lint_fail(rep, rule, "nameConstraints is not critical");
}

/* RFC 5280 §4.1.2.4, CSBR/SBR 7.1.4.1: byte-for-byte the CA's subject. */
LINT_CHECK(lint_check_issuer_name)
{
	unsigned char *a = NULL, *b = NULL;
	int la, lb;

	if (c->issuer == NULL)
		return;
	la = i2d_X509_NAME(X509_get_issuer_name(c->cert), &a);
	lb = i2d_X509_NAME(X509_get_subject_name(c->issuer), &b);
	if (la <= 0 || la != lb || memcmp(a, b, (size_t)la) != 0)
		lint_fail(rep, rule, "issuer name is not byte-for-byte the "
		    "issuing CA's subject");
	OPENSSL_free(a);
	OPENSSL_free(b);
}

/* RFC 5280 §4.2.1.1: the issuer's subjectKeyIdentifier. */
LINT_CHECK(lint_check_aki_issuer)
{
	const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(c->cert);
	const ASN1_OCTET_STRING *ski;

	if (c->issuer == NULL || aki == NULL ||
	    (ski = X509_get0_subject_key_id(c->issuer)) == NULL)
		return;
	if (ASN1_OCTET_STRING_cmp(aki, ski) != 0)
		lint_fail(rep, rule, "authorityKeyIdentifier is not the "
		    "issuer's subjectKeyIdentifier");
}

/* RFC 5280 §4.1.1.3: the signature verifies with the issuer's key. */
LINT_CHECK(lint_check_signature)
{
	EVP_PKEY *pk;

	if (c->pre_issuance)
		return;
	if (c->issuer != NULL)
		pk = X509_get0_pubkey(c->issuer);
	else if (c->kind == LINT_KIND_ROOT)
		pk = X509_get0_pubkey(c->cert);
	else
		return;
	if (pk == NULL || X509_verify(c->cert, pk) != 1)
		lint_fail(rep, rule, "signature does not verify with the %s "
		    "key", c->issuer != NULL ? "issuer's" : "certificate's own");
	ERR_clear_error();
}
