#include <string.h>
#include <time.h>

#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"
#include "x509/name.h"
#include "x509/oid.h"

static int
lint_ext_nid(enum cert_ext e)
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

/* Only the extensions of the CP table; the mandatory ones present. */
LINT_CHECK(lint_check_profile_extensions)
{
	const struct profile *p = in->profile;
	int n = X509_get_ext_count(in->cert), nid, listed;
	char buf[80];

	for (int i = 0; i < n; i++) {
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(
		    X509_get_ext(in->cert, i));
		nid = OBJ_obj2nid(obj);
		listed = 0;
		for (const enum cert_ext *e = p->order; *e != CERT_EXT_END; e++)
			listed |= lint_ext_nid(*e) == nid && nid != NID_undef;
		if (!listed) {
			OBJ_obj2txt(buf, sizeof(buf), obj, 0);
			lint_fail(rep, rule, "extension %s is not in table %s",
			    buf, p->table);
		}
	}
	for (const enum cert_ext *e = p->order; *e != CERT_EXT_END; e++) {
		if (*e == CERT_EXT_SAN || *e == CERT_EXT_AIA ||
		    (*e == CERT_EXT_EKU && p->eku_allowed[0] == NULL))
			continue;	/* optional in the tables */
		if (X509_get_ext_by_NID(in->cert, lint_ext_nid(*e), -1) < 0)
			lint_fail(rep, rule, "extension %s required by table %s "
			    "is missing", OBJ_nid2sn(lint_ext_nid(*e)), p->table);
	}
}

/* CP-7.1: KeyUsage and BasicConstraints critical, all others not. */
LINT_CHECK(lint_check_profile_criticality)
{
	int n = X509_get_ext_count(in->cert), nid, crit;

	for (int i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(in->cert, i);
		nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		crit = X509_EXTENSION_get_critical(ext);
		if ((nid == NID_key_usage || nid == NID_basic_constraints) &&
		    !crit)
			lint_fail(rep, rule, "%s must be critical",
			    OBJ_nid2sn(nid));
		else if (nid != NID_key_usage && nid != NID_basic_constraints &&
		    crit)
			lint_fail(rep, rule, "%s must not be critical",
			    nid != NID_undef ? OBJ_nid2sn(nid) : "extension");
	}
}

/* Our cert_ku bits from OpenSSL's KU_ flags. */
static unsigned int
lint_ku_bits(const X509 *x)
{
	uint32_t ku = X509_get_key_usage((X509 *)x);
	unsigned int bits = 0;

	if (ku == UINT32_MAX)
		return 0;
	if (ku & KU_DIGITAL_SIGNATURE) bits |= CERT_KU_DIGITAL_SIGNATURE;
	if (ku & KU_NON_REPUDIATION) bits |= CERT_KU_NON_REPUDIATION;
	if (ku & KU_KEY_ENCIPHERMENT) bits |= CERT_KU_KEY_ENCIPHERMENT;
	if (ku & KU_DATA_ENCIPHERMENT) bits |= CERT_KU_DATA_ENCIPHERMENT;
	if (ku & KU_KEY_AGREEMENT) bits |= CERT_KU_KEY_AGREEMENT;
	if (ku & KU_KEY_CERT_SIGN) bits |= CERT_KU_KEY_CERT_SIGN;
	if (ku & KU_CRL_SIGN) bits |= CERT_KU_CRL_SIGN;
	if (ku & (KU_ENCIPHER_ONLY | KU_DECIPHER_ONLY)) bits |= 1u << 8;
	return bits;
}

/* CP-6.1.7 (and SBR/CSBR 7.1.2.3): the combinations allowed per use. */
LINT_CHECK(lint_check_key_usage)
{
	unsigned int ku = lint_ku_bits(in->cert);
	char names[160];

	if (ku == 0) {
		lint_fail(rep, rule, "keyUsage is missing or empty");
		return;
	}
	if (!profile_ku_ok(in->profile, ku)) {
		profile_ku_names(ku, names, sizeof(names));
		lint_fail(rep, rule, "keyUsage %s is not a combination the %s "
		    "profile allows", names, in->profile->name);
	}
}

LINT_CHECK(lint_check_eku)
{
	EXTENDED_KEY_USAGE *eku;
	const struct oid_eku *e;
	const char *names[CERT_LIST_MAX];
	size_t n = 0;
	char err[200], buf[80];

	if (in->profile->eku_allowed[0] == NULL)
		return;
	if ((eku = X509_get_ext_d2i(in->cert, NID_ext_key_usage, NULL,
	    NULL)) == NULL) {
		lint_fail(rep, rule, "extKeyUsage is missing");
		return;
	}
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *obj = sk_ASN1_OBJECT_value(eku, i);
		if ((e = oid_eku_by_obj(obj)) == NULL) {
			OBJ_obj2txt(buf, sizeof(buf), obj, 1);
			lint_fail(rep, rule, "EKU %s is not one the CP names",
			    buf);
			continue;
		}
		if (n < CERT_LIST_MAX)
			names[n++] = e->name;
	}
	if (!profile_eku_ok(in->profile, names, n, err, sizeof(err)))
		lint_fail(rep, rule, "%s", err);
	EXTENDED_KEY_USAGE_free(eku);
}

/* CP-6.1.5 (CSBR 6.1.5 for code signing): RSA of the allowed sizes. */
LINT_CHECK(lint_check_key_size)
{
	EVP_PKEY *pk = X509_get0_pubkey(in->cert);

	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		lint_fail(rep, rule, "subject key is not RSA (CP-7.1.3)");
		return;
	}
	if (!profile_key_bits_ok(in->profile, (unsigned int)EVP_PKEY_get_bits(pk)))
		lint_fail(rep, rule, "RSA-%d is not allowed in the %s profile",
		    EVP_PKEY_get_bits(pk), in->profile->name);
}

static const struct {
	int nid;
	unsigned int attr;
} lint_attrs[] = {
	{ NID_countryName, NAME_ATTR_C },
	{ NID_stateOrProvinceName, NAME_ATTR_ST },
	{ NID_localityName, NAME_ATTR_L },
	{ NID_organizationName, NAME_ATTR_O },
	{ NID_organizationIdentifier, NAME_ATTR_ORGID },
	{ NID_organizationalUnitName, NAME_ATTR_OU },
	{ NID_commonName, NAME_ATTR_CN },
	{ NID_serialNumber, NAME_ATTR_SERIAL },
};

LINT_CHECK(lint_check_subject_attrs)
{
	const X509_NAME *subj = X509_get_subject_name(in->cert);
	const struct profile *p = in->profile;
	int n = X509_NAME_entry_count(subj), nid, known;

	for (int i = 0; i < n; i++) {
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(subj, i)));
		known = 0;
		for (size_t j = 0; j < sizeof(lint_attrs) / sizeof(lint_attrs[0]);
		    j++)
			if (lint_attrs[j].nid == nid)
				known = (lint_attrs[j].attr & p->subject_allowed) != 0;
		if (!known)
			lint_fail(rep, rule, "subject attribute %s is not "
			    "allowed in the %s profile",
			    nid != NID_undef ? OBJ_nid2sn(nid) : "(unknown)",
			    p->name);
	}
	for (size_t j = 0; j < sizeof(lint_attrs) / sizeof(lint_attrs[0]); j++)
		if ((p->subject_required & lint_attrs[j].attr) &&
		    name_count(subj, lint_attrs[j].nid) == 0)
			lint_fail(rep, rule, "subject attribute %s is required",
			    OBJ_nid2sn(lint_attrs[j].nid));
	if (name_count(subj, NID_organizationalUnitName) > NAME_OU_MAX)
		lint_fail(rep, rule, "more than %d OU attributes", NAME_OU_MAX);
	for (size_t j = 0; j < sizeof(lint_attrs) / sizeof(lint_attrs[0]); j++)
		if (lint_attrs[j].nid != NID_organizationalUnitName &&
		    name_count(subj, lint_attrs[j].nid) > 1)
			lint_fail(rep, rule, "subject attribute %s repeated",
			    OBJ_nid2sn(lint_attrs[j].nid));
}

static int
lint_has_policy(const CERTIFICATEPOLICIES *cp, const char *oid)
{
	char buf[80];

	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		if (strcmp(buf, oid) == 0)
			return 1;
	}
	return 0;
}

/* CP-1.2 / CP-7.1.6: the policy's OID must be asserted. */
LINT_CHECK(lint_check_policy_oids)
{
	CERTIFICATEPOLICIES *cp;

	if (in->profile->ca)
		return;
	cp = X509_get_ext_d2i(in->cert, NID_certificate_policies, NULL, NULL);
	if (cp == NULL)
		lint_fail(rep, rule, "certificatePolicies is missing");
	else if (in->policy_oid != NULL && !lint_has_policy(cp, in->policy_oid))
		lint_fail(rep, rule, "policy %s of the %s profile is missing",
		    in->policy_oid, in->profile->name);
	CERTIFICATEPOLICIES_free(cp);
}

/* CP-7.1.8: a CPS URI qualifier, an http(s) IA5String. */
LINT_CHECK(lint_check_cps_qualifier)
{
	CERTIFICATEPOLICIES *cp;
	const POLICYQUALINFO *q;
	int found = 0;

	if ((cp = X509_get_ext_d2i(in->cert, NID_certificate_policies, NULL,
	    NULL)) == NULL)
		return;
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		const POLICYINFO *pi = sk_POLICYINFO_value(cp, i);
		for (int j = 0; j < sk_POLICYQUALINFO_num(pi->qualifiers); j++) {
			q = sk_POLICYQUALINFO_value(pi->qualifiers, j);
			if (OBJ_obj2nid(q->pqualid) != NID_id_qt_cps)
				continue;
			if (ASN1_STRING_type(q->d.cpsuri) != V_ASN1_IA5STRING ||
			    strncmp((const char *)ASN1_STRING_get0_data(
			    q->d.cpsuri), "http", 4) != 0)
				lint_fail(rep, rule, "CPS qualifier is not an "
				    "http(s) IA5String URI");
			found = 1;
		}
	}
	if (!found)
		lint_fail(rep, rule, "no CPS qualifier");
	CERTIFICATEPOLICIES_free(cp);
}

LINT_CHECK(lint_check_csbr_policy)
{
	CERTIFICATEPOLICIES *cp;

	if (in->profile->rules != PROFILE_RULES_CSBR)
		return;
	cp = X509_get_ext_d2i(in->cert, NID_certificate_policies, NULL, NULL);
	if (cp == NULL || !lint_has_policy(cp, OID_CABF_CODESIGN))
		lint_fail(rep, rule, "code-signing certificate without policy "
		    "%s", OID_CABF_CODESIGN);
	CERTIFICATEPOLICIES_free(cp);
}

/* SBR 7.1.6.1: exactly one reserved S/MIME policy of our generation. */
LINT_CHECK(lint_check_sbr_policy)
{
	CERTIFICATEPOLICIES *cp;
	int gen = in->profile->id == PROFILE_SMIME_STRICT ? 3 : 2;
	int found = 0, type;
	char buf[80];

	if (in->profile->rules != PROFILE_RULES_SBR)
		return;
	cp = X509_get_ext_d2i(in->cert, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		if (strncmp(buf, OID_CABF_SMIME_PREFIX,
		    strlen(OID_CABF_SMIME_PREFIX)) != 0)
			continue;
		found++;
		for (type = 1; type <= 4; type++)
			if (strcmp(buf, oid_smime_policy(type, gen)) == 0)
				break;
		if (type > 4)
			lint_fail(rep, rule, "S/MIME policy %s does not match "
			    "the %s generation", buf, in->profile->name);
	}
	if (found != 1)
		lint_fail(rep, rule, "%d S/MIME reserved policies, exactly one "
		    "required", found);
	CERTIFICATEPOLICIES_free(cp);
}

static unsigned int
lint_san_kind(const GENERAL_NAME *gn)
{
	char buf[80];

	switch (gn->type) {
	case GEN_EMAIL:
		return PROFILE_SAN_EMAIL;
	case GEN_DNS:
		return PROFILE_SAN_DNS;
	case GEN_OTHERNAME:
		OBJ_obj2txt(buf, sizeof(buf), gn->d.otherName->type_id, 1);
		return strcmp(buf, OID_UPN) == 0 ? PROFILE_SAN_UPN :
		    PROFILE_SAN_OTHER;
	default:
		return 1u << 16;
	}
}

/* CP-7.1 SAN row; none in code signing; rfc822Name required in S/MIME. */
LINT_CHECK(lint_check_san_types)
{
	GENERAL_NAMES *san;
	unsigned int seen = 0, kind;

	san = X509_get_ext_d2i(in->cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		kind = lint_san_kind(sk_GENERAL_NAME_value(san, i));
		seen |= kind;
		if ((kind & in->profile->san_allowed) == 0)
			lint_fail(rep, rule, "subjectAltName of this type is "
			    "not allowed in the %s profile", in->profile->name);
	}
	if ((in->profile->san_required & ~seen) != 0)
		lint_fail(rep, rule, "the %s profile needs an rfc822Name in "
		    "subjectAltName", in->profile->name);
	GENERAL_NAMES_free(san);
}

static int
lint_validity_seconds(const X509 *x, long *secs)
{
	int days, s;

	if (!ASN1_TIME_diff(&days, &s, X509_get0_notBefore(x),
	    X509_get0_notAfter(x)))
		return 0;
	*secs = (long)days * 86400 + s + 1;	/* inclusive, RFC 5280 §4.1.2.5 */
	return 1;
}

/* CSBR 6.3.2: 460 days; SBR 6.3.2: 825 days. */
LINT_CHECK(lint_check_max_validity)
{
	long secs;

	if (in->profile->max_days == 0 ||
	    !lint_validity_seconds(in->cert, &secs))
		return;
	if (secs > (long)in->profile->max_days * 86400)
		lint_fail(rep, rule, "validity of %ld days exceeds the %d days "
		    "allowed", (secs + 86399) / 86400, in->profile->max_days);
}

/* Table 7.3-1: a responder certificate lasts 4 months. */
LINT_CHECK(lint_check_ocsp_validity)
{
	ASN1_TIME *limit;
	time_t nb;
	struct tm tm;

	if (in->profile->id != PROFILE_OCSP ||
	    !ASN1_TIME_to_tm(X509_get0_notBefore(in->cert), &tm))
		return;
	nb = timegm(&tm);
	if ((limit = ASN1_TIME_set(NULL, cert_add_months(nb, 4))) == NULL)
		return;
	if (ASN1_TIME_compare(X509_get0_notAfter(in->cert), limit) > 0)
		lint_fail(rep, rule, "OCSP responder certificate valid for "
		    "more than 4 months");
	ASN1_TIME_free(limit);
}

/* CP-4.9.6: certificates carry the CRL URL (http). */
LINT_CHECK(lint_check_crldp_present)
{
	CRL_DIST_POINTS *dps;
	const DIST_POINT *dp;
	int http = 0, other = 0;

	if (in->profile->id == PROFILE_OCSP || in->profile->id == PROFILE_ROOT)
		return;
	dps = X509_get_ext_d2i(in->cert, NID_crl_distribution_points, NULL,
	    NULL);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (int j = 0; j < sk_GENERAL_NAME_num(
		    dp->distpoint->name.fullname); j++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(
			    dp->distpoint->name.fullname, j);
			if (gn->type == GEN_URI && strncmp((const char *)
			    ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
			    "http://", 7) == 0)
				http++;
			else
				other++;
		}
	}
	if (http == 0)
		lint_fail(rep, rule, "no http CRL distribution point");
	if (other > 0 && (in->profile->rules != PROFILE_RULES_CP ||
	    !in->profile->crl_ldap) && !in->profile->ca)
		lint_fail(rep, rule, "CRL distribution points other than http "
		    "are not allowed in the %s profile", in->profile->name);
	CRL_DIST_POINTS_free(dps);
}

/* CP-4.9.9, CSBR 7.1.2.3(c): OCSP and caIssuers for code signing. */
LINT_CHECK(lint_check_aia_ocsp)
{
	AUTHORITY_INFO_ACCESS *aia;
	int ocsp = 0, issuers = 0, nid;

	if (!in->profile->ocsp_required)
		return;
	aia = X509_get_ext_d2i(in->cert, NID_info_access, NULL, NULL);
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

/* CSBR 7.1.3.2, SBR 7.1.3.2: no SHA-1 signatures. */
LINT_CHECK(lint_check_no_sha1)
{
	int nid = OBJ_obj2nid(X509_get0_tbs_sigalg(in->cert)->algorithm);

	if (in->profile->rules != PROFILE_RULES_CP &&
	    nid == NID_sha1WithRSAEncryption)
		lint_fail(rep, rule, "SHA-1 signature in a CABF-governed "
		    "certificate");
}

LINT_CHECK(lint_check_sigalg_profile)
{
	int nid = OBJ_obj2nid(X509_get0_tbs_sigalg(in->cert)->algorithm);

	if (in->profile->ca || nid == cert_sig_nid(in->profile->md))
		return;
	lint_fail(rep, rule, "signature algorithm %s, table %s requires %s",
	    OBJ_nid2ln(nid), in->profile->table,
	    OBJ_nid2ln(cert_sig_nid(in->profile->md)));
}

/* CP-4.3.1: notBefore is the time of issuance, never earlier. */
LINT_CHECK(lint_check_not_backdated)
{
	time_t limit = in->now - 120;	/* clock granularity and build time */

	if (!in->pre_issuance)
		return;
	if (X509_cmp_time(X509_get0_notBefore(in->cert), &limit) < 0)
		lint_fail(rep, rule, "notBefore is in the past (backdated)");
}

LINT_CHECK(lint_check_ocsp_nocheck)
{
	if (in->profile->id == PROFILE_OCSP &&
	    X509_get_ext_by_NID(in->cert, NID_id_pkix_OCSP_noCheck, -1) < 0)
		lint_fail(rep, rule, "id-pkix-ocsp-nocheck is missing");
}

/* SBR 7.1.4.2.2: a mailbox in the subject must also be in the SAN. */
LINT_CHECK(lint_check_sbr_email_subject)
{
	const X509_NAME *subj = X509_get_subject_name(in->cert);
	GENERAL_NAMES *san;
	char *cn;
	int found = 0;

	if (in->profile->rules != PROFILE_RULES_SBR)
		return;
	if ((cn = name_get_text(subj, NID_commonName)) == NULL)
		return;
	if (strchr(cn, '@') == NULL) {
		OPENSSL_free(cn);
		return;
	}
	san = X509_get_ext_d2i(in->cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, i);
		if (gn->type == GEN_EMAIL &&
		    (size_t)ASN1_STRING_length(gn->d.rfc822Name) == strlen(cn) &&
		    strncasecmp((const char *)ASN1_STRING_get0_data(
		    gn->d.rfc822Name), cn, strlen(cn)) == 0)
			found = 1;
	}
	if (!found)
		lint_fail(rep, rule, "commonName %s is a mailbox not in "
		    "subjectAltName", cn);
	GENERAL_NAMES_free(san);
	OPENSSL_free(cn);
}
