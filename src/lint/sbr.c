#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"
#include "x509/name.h"
#include "x509/oid.h"

/*
 * CA/Browser Forum S/MIME Baseline Requirements (v1.0.10): the strict
 * and multipurpose generations of the mailbox-validated and
 * organization-validated certificate types inkan issues, and S/MIME CA
 * certificates (extendedKeyUsage with emailProtection, 7.1.2.2).
 */

#define OID_SMTPUTF8MAILBOX	"1.3.6.1.5.5.7.8.9"	/* RFC 9598 */

enum lint_sbr_type {
	LINT_SBR_MAILBOX = 1,
	LINT_SBR_ORGANIZATION = 2,
};

static int
lint_is_sbr(const struct lint_ctx *c)
{
	return c->profile != NULL && c->profile->rules == PROFILE_RULES_SBR;
}

static int
lint_strict(const struct lint_ctx *c)
{
	return c->profile->id == PROFILE_SMIME_STRICT;
}

/* The validation type of the reserved policy, 0 if none. */
static int
lint_sbr_type(const struct lint_ctx *c)
{
	int type, gen;

	return lint_smime_policy(c->cert, &type, &gen) ? type : 0;
}

static int
lint_is_smime_ca(const struct lint_ctx *c)
{
	return (c->kind == LINT_KIND_CA || c->kind == LINT_KIND_ROOT) &&
	    lint_eku_has(c->cert, NID_email_protect);
}

/* SBR 7.1.2.3(a), 7.1.6.1: exactly one reserved OID, of our generation. */
LINT_CHECK(lint_check_sbr_policy)
{
	CERTIFICATEPOLICIES *cp;
	int gen = lint_strict(c) ? 3 : 2, found = 0, type, g;
	char buf[80];

	if (!lint_is_sbr(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		if (strncmp(buf, OID_CABF_SMIME_PREFIX,
		    strlen(OID_CABF_SMIME_PREFIX)) != 0)
			continue;
		found++;
		for (type = 1; type <= 4; type++)
			for (g = 1; g <= 3; g++)
				if (strcmp(buf, oid_smime_policy(type, g)) == 0 &&
				    g != gen && g != 1)
					lint_fail(rep, rule, "S/MIME policy %s "
					    "does not match the %s generation",
					    buf, c->profile->name);
	}
	if (found != 1)
		lint_fail(rep, rule, "%d S/MIME reserved policies, exactly one "
		    "required", found);
	CERTIFICATEPOLICIES_free(cp);
}

/* SBR 7.1.6.1: the Legacy generation is no longer issued (SMC08). */
LINT_CHECK(lint_check_sbr_legacy)
{
	int type, gen;

	if (lint_is_sbr(c) && lint_smime_policy(c->cert, &type, &gen) &&
	    gen == 1)
		lint_fail(rep, rule, "Legacy generation policy %s",
		    oid_smime_policy(type, gen));
}

int
lint_sbr_eku_ok(X509 *x, int strict)
{
	EXTENDED_KEY_USAGE *eku;
	int ok;

	if (!lint_eku_has(x, NID_email_protect) ||
	    lint_eku_has(x, NID_server_auth) || lint_eku_has(x, NID_code_sign) ||
	    lint_eku_has(x, NID_time_stamp) ||
	    lint_eku_has(x, NID_anyExtendedKeyUsage))
		return 0;
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ok = !strict || sk_ASN1_OBJECT_num(eku) == 1;
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

/* SBR 7.1.2.3(f). */
LINT_CHECK(lint_check_sbr_eku)
{
	if (lint_is_sbr(c) && !lint_sbr_eku_ok(c->cert, lint_strict(c)))
		lint_fail(rep, rule, "extKeyUsage must have emailProtection%s "
		    "and no serverAuth, codeSigning, timeStamping or "
		    "anyExtendedKeyUsage", lint_strict(c) ? " alone" : "");
}

/* SBR 7.1.2.3(e), rsaEncryption column. */
int
lint_sbr_ku_ok(X509 *x, int strict)
{
	unsigned int ku = lint_ku_bits(x), allowed, base;

	allowed = CERT_KU_DIGITAL_SIGNATURE | CERT_KU_NON_REPUDIATION |
	    CERT_KU_KEY_ENCIPHERMENT | (strict ? 0 : CERT_KU_DATA_ENCIPHERMENT);
	if (ku == 0 || (ku & ~allowed) != 0)
		return 0;
	base = ku & (CERT_KU_DIGITAL_SIGNATURE | CERT_KU_KEY_ENCIPHERMENT);
	if (base == 0)
		return 0;	/* nonRepudiation or dataEncipherment alone */
	if (base == CERT_KU_KEY_ENCIPHERMENT && (ku & CERT_KU_NON_REPUDIATION))
		return 0;	/* key management only: no nonRepudiation */
	if (base == CERT_KU_DIGITAL_SIGNATURE &&
	    (ku & CERT_KU_DATA_ENCIPHERMENT))
		return 0;	/* signing only: no dataEncipherment */
	return 1;
}

LINT_CHECK(lint_check_sbr_ku)
{
	if (!lint_is_sbr(c) || c->key == NULL ||
	    EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA)
		return;
	if (!lint_sbr_ku_ok(c->cert, lint_strict(c)))
		lint_fail(rep, rule, "keyUsage is not a signing, key "
		    "management or dual use combination of the %s generation",
		    lint_strict(c) ? "strict" : "multipurpose");
}

int
lint_sbr_gn_ok(const GENERAL_NAME *gn, int strict)
{
	char buf[80];

	switch (gn->type) {
	case GEN_EMAIL:
	case GEN_DIRNAME:
		return 1;
	case GEN_OTHERNAME:
		OBJ_obj2txt(buf, sizeof(buf), gn->d.otherName->type_id, 1);
		return !strict || strcmp(buf, OID_SMTPUTF8MAILBOX) == 0;
	default:
		return 0;
	}
}

/* SBR 7.1.2.3(h), 7.1.4.2.1: a mailbox; only the kinds allowed. */
LINT_CHECK(lint_check_sbr_san)
{
	GENERAL_NAMES *san;
	int mailbox = 0;
	char buf[80];

	if (!lint_is_sbr(c))
		return;
	san = X509_get_ext_d2i(c->cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, i);

		if (gn->type == GEN_EMAIL)
			mailbox = 1;
		else if (gn->type == GEN_OTHERNAME) {
			OBJ_obj2txt(buf, sizeof(buf), gn->d.otherName->type_id,
			    1);
			mailbox |= strcmp(buf, OID_SMTPUTF8MAILBOX) == 0;
		}
		if (!lint_sbr_gn_ok(gn, lint_strict(c)))
			lint_fail(rep, rule, "subjectAltName entry of a type "
			    "the %s generation does not allow",
			    lint_strict(c) ? "strict" : "multipurpose");
	}
	if (!mailbox)
		lint_fail(rep, rule, "subjectAltName without an rfc822Name or "
		    "SmtpUTF8Mailbox");
	GENERAL_NAMES_free(san);
}

/* SBR 7.1.2.3(h): not critical unless the subject is empty. */
LINT_CHECK(lint_check_sbr_san_critical)
{
	if (lint_is_sbr(c) &&
	    lint_ext_critical(c->cert, NID_subject_alt_name) == 1 &&
	    X509_NAME_entry_count(X509_get_subject_name(c->cert)) > 0)
		lint_fail(rep, rule, "subjectAltName is critical though the "
		    "subject is not empty");
}

static int
lint_san_has_mailbox(X509 *x, const char *mbox)
{
	GENERAL_NAMES *san;
	int found = 0;

	san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(san) && !found; i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, i);

		found = gn->type == GEN_EMAIL &&
		    (size_t)ASN1_STRING_length(gn->d.rfc822Name) == strlen(mbox) &&
		    strncasecmp((const char *)ASN1_STRING_get0_data(
		    gn->d.rfc822Name), mbox, strlen(mbox)) == 0;
	}
	GENERAL_NAMES_free(san);
	return found;
}

/* SBR 7.1.4.2.1: a mailbox commonName is repeated in the SAN. */
LINT_CHECK(lint_check_sbr_email_subject)
{
	char *cn;

	if (!lint_is_sbr(c) || (cn = name_get_text(X509_get_subject_name(
	    c->cert), NID_commonName)) == NULL)
		return;
	if (strchr(cn, '@') != NULL && !lint_san_has_mailbox(c->cert, cn))
		lint_fail(rep, rule, "commonName %s is a mailbox not in "
		    "subjectAltName", cn);
	OPENSSL_free(cn);
}

/* SBR 7.1.4.2.2(a): CN is a mailbox (or, organization-validated, O). */
LINT_CHECK(lint_check_sbr_cn)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	char *cn, *o = NULL;
	int type = lint_sbr_type(c);

	if (!lint_is_sbr(c) || (cn = name_get_text(n, NID_commonName)) == NULL)
		return;
	if (strchr(cn, '@') == NULL) {
		o = name_get_text(n, NID_organizationName);
		if (type == LINT_SBR_MAILBOX)
			lint_fail(rep, rule, "commonName of a mailbox-validated "
			    "certificate is not a mailbox address");
		else if (type == LINT_SBR_ORGANIZATION &&
		    (o == NULL || strcmp(o, cn) != 0))
			lint_fail(rep, rule, "commonName is neither a mailbox "
			    "address nor the organizationName");
	}
	OPENSSL_free(cn);
	OPENSSL_free(o);
}

/* SBR 7.1.4.2.3: commonName, serialNumber, emailAddress only. */
LINT_CHECK(lint_check_sbr_subject_mailbox)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	if (!lint_is_sbr(c) || lint_sbr_type(c) != LINT_SBR_MAILBOX)
		return;
	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(n, i)));

		if (nid != NID_commonName && nid != NID_serialNumber &&
		    nid != NID_pkcs9_emailAddress)
			lint_fail(rep, rule, "%s in a mailbox-validated subject",
			    nid != NID_undef ? OBJ_nid2sn(nid) : "attribute");
	}
}

static int
lint_sbr_org_attr_ok(int nid, int strict)
{
	switch (nid) {
	case NID_commonName:
	case NID_organizationName:
	case NID_organizationalUnitName:
	case NID_organizationIdentifier:
	case NID_serialNumber:
	case NID_pkcs9_emailAddress:
	case NID_localityName:
	case NID_stateOrProvinceName:
	case NID_countryName:
		return 1;
	case NID_streetAddress:
	case NID_postalCode:
		return !strict;
	default:
		return 0;
	}
}

/* SBR 7.1.4.2.4: O and organizationIdentifier; no personal attributes. */
LINT_CHECK(lint_check_sbr_subject_org)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	if (!lint_is_sbr(c) || lint_sbr_type(c) != LINT_SBR_ORGANIZATION)
		return;
	if (name_count(n, NID_organizationName) == 0 ||
	    name_count(n, NID_organizationIdentifier) == 0)
		lint_fail(rep, rule, "organization-validated subject without "
		    "organizationName and organizationIdentifier");
	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(n, i)));

		if (!lint_sbr_org_attr_ok(nid, lint_strict(c)))
			lint_fail(rep, rule, "%s in an organization-validated "
			    "subject", nid != NID_undef ? OBJ_nid2sn(nid) :
			    "attribute");
	}
}

/* SBR 7.1.4.2.2(d), Appendix A: SSSCC[+SUB]-reference, C consistent. */
static int
lint_orgid_ok(const char *s, const char *country)
{
	static const char *const schemes[] = { "VAT", "NTR", "PSD", "LEI",
	    "GOV", "INT", NULL };
	const char *const *sc;
	const char *p = s + 5;

	for (sc = schemes; *sc != NULL && strncmp(s, *sc, 3) != 0; sc++)
		;
	if (*sc == NULL || strlen(s) < 5 || !isupper((unsigned char)s[3]) ||
	    !isupper((unsigned char)s[4]))
		return 0;
	if (strcmp(*sc, "LEI") != 0 && strcmp(*sc, "INT") != 0 &&
	    country != NULL && strncmp(s + 3, country, 2) != 0 &&
	    !(strcmp(*sc, "VAT") == 0 && strncmp(s + 3, "EL", 2) == 0 &&
	    strcmp(country, "GR") == 0))
		return 0;
	if (*p == '+') {
		for (p++; isalnum((unsigned char)*p); p++)
			;
	}
	if (strcmp(*sc, "GOV") == 0 || strcmp(*sc, "INT") == 0)
		return *p == '\0' || (*p == '-' && p[1] != '\0');
	return *p == '-' && p[1] != '\0';
}

LINT_CHECK(lint_check_sbr_orgid)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	char *id, *country;

	if (!lint_is_sbr(c) ||
	    (id = name_get_text(n, NID_organizationIdentifier)) == NULL)
		return;
	country = name_get_text(n, NID_countryName);
	if (!lint_orgid_ok(id, country))
		lint_fail(rep, rule, "organizationIdentifier %s is not a "
		    "registration scheme, country%s and reference", id,
		    country != NULL ? " (matching countryName)" : "");
	OPENSSL_free(id);
	OPENSSL_free(country);
}

/* SBR 7.1.4.2.2(n): ISO 3166-1 country codes. */
LINT_CHECK(lint_check_sbr_country)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	int i = -1;

	if (!lint_is_sbr(c))
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

/* SBR 7.1.2.3(b): present, every URI HTTP (strict and multipurpose). */
LINT_CHECK(lint_check_sbr_crldp)
{
	CRL_DIST_POINTS *dps;
	int http = 0, other = 0;

	if (!lint_is_sbr(c))
		return;
	dps = X509_get_ext_d2i(c->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (int j = 0; j < sk_GENERAL_NAME_num(
		    dp->distpoint->name.fullname); j++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(
			    dp->distpoint->name.fullname, j);

			if (lint_uri_is(gn, "http"))
				http++;
			else
				other++;
		}
	}
	if (http == 0 || other > 0)
		lint_fail(rep, rule, "cRLDistributionPoints must hold HTTP "
		    "URIs only, at least one");
	CRL_DIST_POINTS_free(dps);
}

/* SBR 7.1.2.3(c): every OCSP and caIssuers URI is HTTP. */
LINT_CHECK(lint_check_sbr_aia)
{
	AUTHORITY_INFO_ACCESS *aia;

	if (!lint_is_sbr(c))
		return;
	aia = X509_get_ext_d2i(c->cert, NID_info_access, NULL, NULL);
	for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++)
		if (!lint_uri_is(sk_ACCESS_DESCRIPTION_value(aia, i)->location,
		    "http"))
			lint_fail(rep, rule, "authorityInfoAccess URI is not "
			    "HTTP");
	AUTHORITY_INFO_ACCESS_free(aia);
}

/* SBR 7.1.2.3(g), 7.1.2.2(h): keyIdentifier only. */
LINT_CHECK(lint_check_sbr_aki)
{
	AUTHORITY_KEYID *ak;

	if (!lint_is_sbr(c) && !lint_is_smime_ca(c))
		return;
	ak = X509_get_ext_d2i(c->cert, NID_authority_key_identifier, NULL,
	    NULL);
	if (ak != NULL && (ak->issuer != NULL || ak->serial != NULL))
		lint_fail(rep, rule, "authorityKeyIdentifier with "
		    "authorityCertIssuer or authorityCertSerialNumber");
	AUTHORITY_KEYID_free(ak);
}

/* SBR 7.1.2.3(a), 7.1.2.2(a): CPS http(s); user notice explicitText only. */
LINT_CHECK(lint_check_sbr_cps)
{
	static const char *const web[] = { "http", "https", NULL };
	CERTIFICATEPOLICIES *cp;

	if (!lint_is_sbr(c) && !lint_is_smime_ca(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);

		for (int j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			const POLICYQUALINFO *q = sk_POLICYQUALINFO_value(
			    pi->qualifiers, j);
			int nid = OBJ_obj2nid(q->pqualid);

			if (nid == NID_id_qt_cps && !lint_uri_ok(q->d.cpsuri,
			    web))
				lint_fail(rep, rule, "CPS qualifier is not an "
				    "HTTP or HTTPS URL");
			if (nid == NID_id_qt_unotice &&
			    (q->d.usernotice->exptext == NULL ||
			    q->d.usernotice->noticeref != NULL))
				lint_fail(rep, rule, "user notice without "
				    "explicitText or with noticeRef");
		}
	}
	CERTIFICATEPOLICIES_free(cp);
}

/* SBR 6.1.5: RSA of at least 2048 bits. */
LINT_CHECK(lint_check_sbr_rsa_size)
{
	if (!lint_is_sbr(c) || EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA)
		return;
	if (EVP_PKEY_get_bits(c->key) < 2048)
		lint_fail(rep, rule, "RSA-%d, S/MIME needs at least 2048",
		    EVP_PKEY_get_bits(c->key));
}

/* SBR 7.1.3.2 (SHA-1: e_sbr_no_sha1). */
LINT_CHECK(lint_check_sbr_sigalg)
{
	int nid = X509_get_signature_nid(c->cert);

	if ((!lint_is_sbr(c) && !lint_is_smime_ca(c)) ||
	    nid == NID_sha1WithRSAEncryption)
		return;
	if (!lint_sigalg_cabf_ok(nid))
		lint_fail(rep, rule, "signature algorithm %s is not allowed",
		    OBJ_nid2ln(nid));
}

LINT_CHECK(lint_check_sbr_no_sha1)
{
	if ((lint_is_sbr(c) || lint_is_smime_ca(c)) &&
	    X509_get_signature_nid(c->cert) == NID_sha1WithRSAEncryption)
		lint_fail(rep, rule, "SHA-1 signature on an S/MIME "
		    "certificate");
}

/* SBR 6.3.2: 825 days, a day being 86,400 s, any excess a day more. */
LINT_CHECK(lint_check_sbr_max_validity)
{
	int days, secs;

	if (!lint_is_sbr(c) || c->profile->max_days == 0 ||
	    !ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c->cert),
	    X509_get0_notAfter(c->cert)))
		return;
	if ((long)days * 86400 + secs + 1 > (long)c->profile->max_days * 86400)
		lint_fail(rep, rule, "validity exceeds %d days",
		    c->profile->max_days);
}

/* SBR 7.1.4.2: no attribute of only '.', '-' or ' '. */
LINT_CHECK(lint_check_sbr_metadata)
{
	int nid;

	if (lint_is_sbr(c) && lint_name_has_metadata_only(
	    X509_get_subject_name(c->cert), &nid))
		lint_fail(rep, rule, "subject %s holds only metadata",
		    OBJ_nid2sn(nid));
}

int
lint_sbr_ca_eku_ok(X509 *x)
{
	if (!lint_eku_has(x, NID_email_protect))
		return 1;
	return !lint_eku_has(x, NID_server_auth) &&
	    !lint_eku_has(x, NID_code_sign) && !lint_eku_has(x, NID_time_stamp) &&
	    !lint_eku_has(x, NID_anyExtendedKeyUsage);
}

/* SBR 7.1.2.2(g). */
LINT_CHECK(lint_check_sbr_ca_eku)
{
	if (!lint_sbr_ca_eku_ok(c->cert))
		lint_fail(rep, rule, "S/MIME CA with serverAuth, codeSigning, "
		    "timeStamping or anyExtendedKeyUsage");
}

/* SBR 7.1.6.3: reserved S/MIME policies (or anyPolicy for affiliates). */
LINT_CHECK(lint_check_sbr_ca_policy)
{
	CERTIFICATEPOLICIES *cp;
	int found = 0;
	char buf[80];

	if (c->kind != LINT_KIND_CA || !lint_is_smime_ca(c))
		return;
	cp = X509_get_ext_d2i(c->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		found |= strncmp(buf, OID_CABF_SMIME_PREFIX,
		    strlen(OID_CABF_SMIME_PREFIX)) == 0 ||
		    strcmp(buf, "2.5.29.32.0") == 0;
	}
	if (!found)
		lint_fail(rep, rule, "S/MIME CA certificate without a reserved "
		    "S/MIME policy");
	CERTIFICATEPOLICIES_free(cp);
}
