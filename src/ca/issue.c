#include "ca/issue.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "ca/clock.h"
#include "ca/crl.h"
#include "ca/csr.h"
#include "ca/sign.h"
#include "lint/lint.h"
#include "util/log.h"
#include "x509/name.h"
#include "x509/oid.h"
#include "x509/profile.h"

/* Everything resolved once per issuing CA, shared by a batch. */
struct issue_ctx {
	const struct conf_policy *policy;
	const struct conf_issuing *issuing;
	const struct profile *profile;
	struct store_ca	*ca_rec;
	X509		*cacert;	/* issuer name, SKI, public key */
	char		*ldap_url;	/* subscriber CRL DP LDAP URL, or NULL */
	int		 smime_type;	/* SBR: 1 mailbox, 2 organization */
	struct store_ca	*ca_keys[CONF_ROOTS_MAX + 2 * CONF_ISSUING_MAX];
	size_t		 nca_keys;	/* every CA and responder key */
};

#define ISSUE_ERR_MAX	512

static void
issue_ctx_clear(struct issue_ctx *c)
{
	store_ca_free(c->ca_rec);
	X509_free(c->cacert);
	free(c->ldap_url);
	for (size_t i = 0; i < c->nca_keys; i++)
		store_ca_free(c->ca_keys[i]);
	memset(c, 0, sizeof(*c));
}

static const struct profile *
issue_pick_profile(const struct ca *ca, const struct issue_request *req,
    const struct conf_policy *pol, char *err, size_t errlen)
{
	int multipurpose;

	if (req->legacy_sha1 && strcmp(req->policy, "client") != 0 &&
	    strcmp(req->policy, "document") != 0) {
		snprintf(err, errlen, "policy %s has no sha1 profile: table "
		    "7.1-4 covers client and document only, and no "
		    "CABF-governed certificate is signed with SHA-1",
		    req->policy);
		return NULL;
	}
	if (strcmp(req->policy, "smime") == 0) {
		multipurpose = pol->generation == CONF_SMIME_MULTIPURPOSE;
		if (req->generation != NULL) {
			if (strcmp(req->generation, "multipurpose") == 0)
				multipurpose = 1;
			else if (strcmp(req->generation, "strict") == 0)
				multipurpose = 0;
			else {
				snprintf(err, errlen, "--generation %s: use strict "
				    "or multipurpose (legacy is no longer issued, "
				    "SBR 7.1)", req->generation);
				return NULL;
			}
		}
		return profile_get(multipurpose ? PROFILE_SMIME_MULTIPURPOSE :
		    PROFILE_SMIME_STRICT);
	}
	if (req->generation != NULL) {
		snprintf(err, errlen, "--generation applies to S/MIME only");
		return NULL;
	}
	if (req->legacy_sha1 && pol->sha1_oid == NULL) {
		snprintf(err, errlen, "policy %s has no sha1 profile: table 7.1-4 "
		    "covers client and document only, and no CABF-governed "
		    "certificate is signed with SHA-1", req->policy);
		return NULL;
	}
	if (strcmp(req->policy, "client") == 0)
		return profile_get(req->legacy_sha1 ? PROFILE_CLIENT_SHA1 :
		    PROFILE_CLIENT);
	if (strcmp(req->policy, "document") == 0)
		return profile_get(req->legacy_sha1 ? PROFILE_DOCUMENT_SHA1 :
		    PROFILE_DOCUMENT);
	if (strcmp(req->policy, "codesign") == 0)
		return profile_get(PROFILE_CODESIGN);
	(void)ca;
	snprintf(err, errlen, "unknown policy %s", req->policy);
	return NULL;
}

/* RFC 4516 LDAP URL of the issuer's CRL (table 7.1-5 CRL DP row). */
static char *
issue_ldap_url(const char *ldap_base, X509_NAME *issuer)
{
	static const char safe[] = "-._~,=";
	char *dn, *out, *o;

	if ((dn = name_oneline(issuer)) == NULL)
		return NULL;
	if ((out = malloc(strlen(ldap_base) + 3 * strlen(dn) + 64)) == NULL) {
		free(dn);
		return NULL;
	}
	o = out + sprintf(out, "%s/", ldap_base);
	for (const unsigned char *p = (unsigned char *)dn; *p; p++) {
		if (isalnum(*p) || strchr(safe, *p) != NULL)
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	strcpy(o, "?certificateRevocationList");
	free(dn);
	return out;
}

/* Every key of the hierarchy, so that none is certified for a subscriber. */
static int
issue_ctx_ca_keys(struct ca *ca, struct issue_ctx *c)
{
	const struct conf *cf = ca->conf;
	char name[80];
	struct store_ca *rec;

	for (size_t i = 0; i < cf->nroots + 2 * cf->nissuing; i++) {
		if (i < cf->nroots)
			snprintf(name, sizeof(name), "%s", cf->roots[i].name);
		else if (i < cf->nroots + cf->nissuing)
			snprintf(name, sizeof(name), "%s",
			    cf->issuing[i - cf->nroots].name);
		else
			snprintf(name, sizeof(name), "%s-ocsp", cf->issuing[i -
			    cf->nroots - cf->nissuing].name);
		rec = NULL;
		if (!store_ca_get(ca->store, name, &rec))
			return 0;
		if (rec != NULL)
			c->ca_keys[c->nca_keys++] = rec;
	}
	return 1;
}

static int
issue_ctx_load(struct ca *ca, const struct issue_request *req,
    struct issue_ctx *c, char *err, size_t errlen)
{
	int nid;

	if ((c->policy = conf_policy_get(ca->conf, req->policy)) == NULL ||
	    strcmp(req->policy, "ocsp") == 0) {
		snprintf(err, errlen, "--policy %s: unknown; use client, smime, "
		    "document or codesign", req->policy);
		return 0;
	}
	if ((c->profile = issue_pick_profile(ca, req, c->policy, err,
	    errlen)) == NULL)
		return 0;
	c->issuing = conf_issuing_get(ca->conf, c->policy->issuer);
	if (!store_ca_get(ca->store, c->policy->issuer, &c->ca_rec) ||
	    c->ca_rec == NULL) {
		snprintf(err, errlen, "issuing CA %s is not in the store "
		    "(was init run with this configuration?)",
		    c->policy->issuer);
		return 0;
	}
	nid = cert_sig_nid(c->profile->md);
	if ((c->cacert = ca_cert_pick(ca, c->policy->issuer, nid)) == NULL) {
		snprintf(err, errlen, "issuing CA %s has no certificate",
		    c->policy->issuer);
		return 0;
	}
	if (!ca_clock_check(ca, c->cacert, err, errlen))
		return 0;
	if (c->profile->crl_ldap && ca->conf->ldap_url != NULL &&
	    (c->ldap_url = issue_ldap_url(ca->conf->ldap_url,
	    X509_get_subject_name(c->cacert))) == NULL)
		return 0;
	return issue_ctx_ca_keys(ca, c);
}

/* A mailbox address as SBR 7.1.2.3(h) takes it: ASCII local@domain. */
static int
issue_email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t len = strlen(s);

	if (len < 3 || len > 254 || at == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at - s > 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("()<>[]\\,;:\"", *p))
			return 0;
	return at[1] != '.' && s[len - 1] != '.';
}

static int
issue_push_email(GENERAL_NAMES *san, const char *email)
{
	GENERAL_NAME *gn;
	ASN1_IA5STRING *ia5;

	if ((ia5 = ASN1_IA5STRING_new()) == NULL)
		return 0;
	if (!ASN1_STRING_set(ia5, email, -1) || (gn = GENERAL_NAME_new()) == NULL) {
		ASN1_IA5STRING_free(ia5);
		return 0;
	}
	GENERAL_NAME_set0_value(gn, GEN_EMAIL, ia5);
	if (!sk_GENERAL_NAME_push(san, gn)) {
		GENERAL_NAME_free(gn);
		return 0;
	}
	return 1;
}

/* otherName UPN (1.3.6.1.4.1.311.20.2.3) as UTF8String. */
static int
issue_push_upn(GENERAL_NAMES *san, const char *upn)
{
	GENERAL_NAME *gn = NULL;
	ASN1_TYPE *val = NULL;
	ASN1_UTF8STRING *s = NULL;
	ASN1_OBJECT *oid = NULL;

	if ((s = ASN1_UTF8STRING_new()) == NULL ||
	    !ASN1_STRING_set(s, upn, -1) || (val = ASN1_TYPE_new()) == NULL)
		goto err;
	ASN1_TYPE_set(val, V_ASN1_UTF8STRING, s);
	s = NULL;
	if ((oid = OBJ_txt2obj(OID_UPN, 1)) == NULL ||
	    (gn = GENERAL_NAME_new()) == NULL ||
	    !GENERAL_NAME_set0_othername(gn, oid, val))
		goto err;
	oid = NULL;
	val = NULL;
	if (!sk_GENERAL_NAME_push(san, gn))
		goto err;
	return 1;
 err:
	ASN1_UTF8STRING_free(s);
	ASN1_TYPE_free(val);
	ASN1_OBJECT_free(oid);
	GENERAL_NAME_free(gn);
	return 0;
}

static GENERAL_NAMES *
issue_san(const struct issue_request *req, const struct profile *p,
    char *err, size_t errlen)
{
	GENERAL_NAMES *san;

	if (req->nemails > 0 && !(p->san_allowed & PROFILE_SAN_EMAIL)) {
		snprintf(err, errlen, "--email is not allowed in the %s profile "
		    "(no subjectAltName%s)", p->name,
		    p->rules == PROFILE_RULES_CSBR ? " in code signing, CP-7.1" :
		    "");
		return NULL;
	}
	if (req->upn != NULL && !(p->san_allowed & PROFILE_SAN_UPN)) {
		snprintf(err, errlen, "--upn is not allowed in the %s profile",
		    p->name);
		return NULL;
	}
	if ((p->san_required & PROFILE_SAN_EMAIL) && req->nemails == 0) {
		snprintf(err, errlen, "the %s profile needs at least one "
		    "--email (SBR 7.1.2.3(h))", p->name);
		return NULL;
	}
	if ((san = GENERAL_NAMES_new()) == NULL)
		return NULL;
	for (size_t i = 0; i < req->nemails; i++) {
		if (!issue_email_ok(req->emails[i])) {
			snprintf(err, errlen, "--email %.100s: not a valid "
			    "mailbox address (local@domain, ASCII)",
			    req->emails[i]);
			goto err;
		}
		if (!issue_push_email(san, req->emails[i]))
			goto err;
	}
	if (req->upn != NULL) {
		if (strlen(req->upn) > 256 || strchr(req->upn, '@') == NULL) {
			snprintf(err, errlen, "--upn %.100s: expected "
			    "user@domain", req->upn);
			goto err;
		}
		if (!issue_push_upn(san, req->upn))
			goto err;
	}
	return san;
 err:
	GENERAL_NAMES_free(san);
	return NULL;
}

static int
issue_has_email(const struct issue_request *req, const char *s)
{
	for (size_t i = 0; i < req->nemails; i++)
		if (strcasecmp(req->emails[i], s) == 0)
			return 1;
	return 0;
}

/*
 * SBR 7.1.4.2.2: mailbox-validated subjects hold only CN (a mailbox) and
 * serialNumber; organization-validated ones need O and
 * organizationIdentifier, and CN is the organization or a mailbox.
 * CSBR 7.1.4.2.2: C, O, CN and ST or L.
 */
static int
issue_check_subject_rules(const struct issue_request *req,
    struct issue_ctx *c, X509_NAME *subj, char *err, size_t errlen)
{
	char *cn = name_get_text(subj, NID_commonName);
	char *o = name_get_text(subj, NID_organizationName);
	int ok = 0;

	if (c->profile->rules == PROFILE_RULES_SBR) {
		c->smime_type = o != NULL ? 2 : 1;
		if (o == NULL && (name_count(subj, NID_countryName) ||
		    name_count(subj, NID_stateOrProvinceName) ||
		    name_count(subj, NID_localityName) ||
		    name_count(subj, NID_organizationalUnitName) ||
		    name_count(subj, NID_organizationIdentifier))) {
			snprintf(err, errlen, "subject: a mailbox-validated "
			    "S/MIME subject holds only CN and serialNumber "
			    "(SBR 7.1.4.2.2); add O and organizationIdentifier "
			    "for an organization-validated one");
			goto out;
		}
		if (o != NULL && !name_count(subj, NID_organizationIdentifier)) {
			snprintf(err, errlen, "subject: an organization-validated "
			    "S/MIME subject needs organizationIdentifier, e.g. "
			    "NTRJP-1234567890123 (SBR 7.1.4.2.2)");
			goto out;
		}
		if (cn != NULL && !issue_has_email(req, cn) &&
		    (o == NULL || strcmp(cn, o) != 0)) {
			snprintf(err, errlen, "subject: CN must be one of the "
			    "--email mailboxes%s (SBR 7.1.4.2.2)",
			    o != NULL ? " or the organization name" : "");
			goto out;
		}
	}
	if (c->profile->rules == PROFILE_RULES_CSBR &&
	    !name_count(subj, NID_stateOrProvinceName) &&
	    !name_count(subj, NID_localityName)) {
		snprintf(err, errlen, "subject: code signing needs ST or L "
		    "(CSBR 7.1.4.2.2)");
		goto out;
	}
	ok = 1;
 out:
	OPENSSL_free(cn);
	OPENSSL_free(o);
	return ok;
}

static X509_NAME *
issue_subject(const struct issue_request *req, struct issue_ctx *c,
    char *err, size_t errlen)
{
	static const struct { unsigned int attr; int nid; const char *key; }
	    req_attrs[] = {
		{ NAME_ATTR_C, NID_countryName, "C" },
		{ NAME_ATTR_O, NID_organizationName, "O" },
		{ NAME_ATTR_CN, NID_commonName, "CN" },
	};
	char perr[256];
	X509_NAME *subj;

	if (req->subject == NULL) {
		snprintf(err, errlen, "--subject is required");
		return NULL;
	}
	if ((subj = name_parse(req->subject, c->profile->subject_allowed,
	    perr, sizeof(perr))) == NULL) {
		snprintf(err, errlen, "--subject: %s (profile %s, table %s)",
		    perr, c->profile->name, c->profile->table);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(req_attrs) / sizeof(req_attrs[0]); i++)
		if ((c->profile->subject_required & req_attrs[i].attr) &&
		    !name_count(subj, req_attrs[i].nid)) {
			snprintf(err, errlen, "--subject: %s is required in the "
			    "%s profile (table %s)", req_attrs[i].key,
			    c->profile->name, c->profile->table);
			X509_NAME_free(subj);
			return NULL;
		}
	if (!issue_check_subject_rules(req, c, subj, err, errlen)) {
		X509_NAME_free(subj);
		return NULL;
	}
	return subj;
}

/* EKUs: the request's or the default, each within the CA's own EKU. */
static int
issue_eku(const struct issue_request *req, const struct issue_ctx *c,
    struct cert_spec *spec, char *err, size_t errlen)
{
	const char *names[CERT_LIST_MAX];
	size_t n = 0;
	int in_ca;

	if (req->neku > 0)
		for (; n < req->neku; n++)
			names[n] = req->eku[n];
	else
		for (; n < PROFILE_EKU_MAX && c->profile->eku_default[n]; n++)
			names[n] = c->profile->eku_default[n];
	if (!profile_eku_ok(c->profile, names, n, err, errlen))
		return 0;
	for (size_t i = 0; i < n; i++) {
		in_ca = 0;
		for (size_t j = 0; j < c->issuing->eku.n; j++)
			in_ca |= strcmp(c->issuing->eku.v[j], names[i]) == 0;
		if (!in_ca) {
			snprintf(err, errlen, "EKU %s is outside issuing CA %s's "
			    "extendedKeyUsage", names[i], c->issuing->name);
			return 0;
		}
		spec->eku[spec->neku++] = oid_eku_by_name(names[i])->oid;
	}
	return 1;
}

static int
issue_ku(const struct issue_request *req, const struct issue_ctx *c,
    struct cert_spec *spec, char *err, size_t errlen)
{
	char names[160];

	spec->key_usage = c->profile->ku[0];
	if (req->key_usage == NULL)
		return 1;
	if (!profile_parse_ku(req->key_usage, &spec->key_usage)) {
		snprintf(err, errlen, "--key-usage %.80s: unknown bit name "
		    "(digitalSignature, nonRepudiation, keyEncipherment, "
		    "dataEncipherment)", req->key_usage);
		return 0;
	}
	if (!profile_ku_ok(c->profile, spec->key_usage)) {
		profile_ku_names(c->profile->ku[0], names, sizeof(names));
		snprintf(err, errlen, "--key-usage %.80s is not a combination "
		    "the %s profile allows (CP-6.1.7); the default is %s",
		    req->key_usage, c->profile->name, names);
		return 0;
	}
	return 1;
}

static int
issue_validity(const struct issue_request *req, const struct issue_ctx *c,
    struct cert_spec *spec, char *err, size_t errlen)
{
	int days = req->validity_days > 0 ? req->validity_days :
	    c->policy->validity_days;
	time_t now = ca_now();

	if (c->profile->max_days > 0 && days > c->profile->max_days) {
		snprintf(err, errlen, "validity of %d days exceeds the %d days "
		    "allowed for %s (%s 6.3.2)", days, c->profile->max_days,
		    c->profile->name,
		    c->profile->rules == PROFILE_RULES_CSBR ? "CSBR" : "SBR");
		return 0;
	}
	/* CP-4.3.1: notBefore is now, never backdated. */
	spec->not_before = now;
	spec->not_after = now + (time_t)days * 86400 - 1;
	if (X509_cmp_time(X509_get0_notAfter(c->cacert), &spec->not_after) < 0) {
		snprintf(err, errlen, "validity of %d days runs past issuing CA "
		    "%s's certificate; a key changeover is due (CP-5.6)", days,
		    c->issuing->name);
		return 0;
	}
	return 1;
}

static void
issue_urls_and_policies(struct ca *ca, const struct issue_request *req,
    const struct issue_ctx *c, const char *crl_url, struct cert_spec *spec)
{
	spec->crl_urls[spec->ncrl_urls++] = crl_url;
	if (c->ldap_url != NULL)
		spec->crl_urls[spec->ncrl_urls++] = c->ldap_url;
	spec->ocsp_url = c->issuing->ocsp_url;
	spec->ca_issuers_url = c->issuing->ca_issuers_url;
	spec->policies[spec->npolicies++] = req->legacy_sha1 ?
	    c->policy->sha1_oid : c->policy->oid;
	if (c->profile->rules == PROFILE_RULES_CSBR)
		spec->policies[spec->npolicies++] = OID_CABF_CODESIGN;
	if (c->profile->rules == PROFILE_RULES_SBR)
		spec->policies[spec->npolicies++] = oid_smime_policy(
		    c->smime_type, c->profile->id == PROFILE_SMIME_STRICT ? 3 : 2);
	spec->cps_url = ca->conf->cps_url;
}

/* The request's SubjectPublicKeyInfo as received, or NULL. */
static X509_PUBKEY *
issue_csr_spki(const struct issue_request *req, const struct csr_lean *lean)
{
	if (lean != NULL)
		return lean->spki;
	return req->csr != NULL ? X509_REQ_get_X509_PUBKEY(req->csr) : NULL;
}

/* A key of this CA's hierarchy is never certified for a subscriber. */
static int
issue_not_ca_key(const struct issue_request *req,
    const struct csr_lean *lean, EVP_PKEY *key, const struct issue_ctx *c,
    char *err, size_t errlen)
{
	X509_PUBKEY *spki = issue_csr_spki(req, lean);
	unsigned char *der = NULL;
	int len, ok = 1;

	/* The CSR's SubjectPublicKeyInfo re-encodes without the key codec. */
	len = spki != NULL ? i2d_X509_PUBKEY(spki, &der) :
	    i2d_PUBKEY(key, &der);
	if (len <= 0) {
		snprintf(err, errlen, "cannot encode the subject public key");
		return 0;
	}
	for (size_t i = 0; ok && i < c->nca_keys; i++)
		if (c->ca_keys[i]->spki_len == (size_t)len &&
		    memcmp(c->ca_keys[i]->spki_der, der, (size_t)len) == 0) {
			snprintf(err, errlen, "the public key is CA %s's own; "
			    "a CA key is never certified for a subscriber",
			    c->ca_keys[i]->name);
			ok = 0;
		}
	OPENSSL_free(der);
	return ok;
}

/*
 * The weak and compromised key checks (CSBR 6.1.1.3, 6.1.6): small
 * factors, ROCA, close primes, the blocklist; before anything else.
 */
static int
issue_key_lint(EVP_PKEY *key, const struct issue_ctx *c, char *err,
    size_t errlen)
{
	struct lint_report rep = { 0 };
	char buf[ISSUE_ERR_MAX - 64];
	int ok;

	lint_key(key, c->profile, &rep);
	if (!(ok = rep.count[LINT_ERROR] == 0)) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		snprintf(err, errlen, "refused by the key checks (CP-4.3.1): %s",
		    buf);
	}
	lint_report_clear(&rep);
	return ok;
}

/* The subscriber key: from the CSR after proof of possession, or ours. */
static EVP_PKEY *
issue_pubkey(const struct issue_request *req, const struct csr_lean *lean,
    const struct issue_ctx *c, char *err, size_t errlen)
{
	EVP_PKEY *key;

	if (lean != NULL) {
		if (!csr_lean_verify_pop(lean, err, errlen))
			return NULL;
		key = lean->key;
	} else if (req->csr != NULL) {
		if (!csr_verify_pop(req->csr, err, errlen))
			return NULL;
		key = X509_REQ_get0_pubkey(req->csr);
	} else
		key = req->key;
	if (key == NULL) {
		snprintf(err, errlen, "no CSR and no generated key");
		return NULL;
	}
	if (!csr_check_key(key, c->profile, err, errlen) ||
	    !issue_key_lint(key, c, err, errlen) ||
	    !issue_not_ca_key(req, lean, key, c, err, errlen))
		return NULL;
	return key;
}

static int
issue_lint(X509 *tbs, EVP_PKEY *key, const struct issue_ctx *c,
    const struct issue_request *req, char *err, size_t errlen)
{
	struct lint_report rep = { 0 };
	struct lint_input in = { .cert = tbs, .profile = c->profile,
	    .policy_oid = req->legacy_sha1 ? c->policy->sha1_oid :
	    c->policy->oid, .now = ca_now(), .pre_issuance = 1,
	    .issuer = c->cacert, .key = key, .key_checked = 1 };
	char buf[ISSUE_ERR_MAX - 64];
	int ok;

	lint_cert(&in, &rep);
	ok = rep.count[LINT_ERROR] == 0;
	if (!ok) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		snprintf(err, errlen, "refused by the pre-issuance linter "
		    "(CP-4.3.1): %s", buf);
	}
	lint_report_clear(&rep);
	return ok;
}

/*
 * Checks the request (its CSR read lean, if lean is not NULL) and builds
 * its TBS; NULL with err set on refusal.
 */
static X509 *
issue_prepare(struct ca *ca, const struct issue_request *req,
    const struct csr_lean *lean, struct issue_ctx *c, char *err,
    size_t errlen)
{
	struct cert_spec spec = { 0 };
	X509_NAME *subj = NULL;
	GENERAL_NAMES *san = NULL;
	ASN1_INTEGER *serial = NULL;
	X509 *tbs = NULL, *res = NULL;
	char *serial_hex = NULL, *crl_url = NULL;

	spec.md = c->profile->md;
	spec.path_len = -1;
	spec.order = c->profile->order;
	spec.spki = issue_csr_spki(req, lean);
	if ((spec.pubkey = issue_pubkey(req, lean, c, err, errlen)) == NULL ||
	    (subj = issue_subject(req, c, err, errlen)) == NULL ||
	    (san = issue_san(req, c->profile, err, errlen)) == NULL ||
	    !issue_eku(req, c, &spec, err, errlen) ||
	    !issue_ku(req, c, &spec, err, errlen) ||
	    !issue_validity(req, c, &spec, err, errlen))
		goto out;
	if ((serial = cert_serial_new()) == NULL) {
		snprintf(err, errlen, "cannot draw a serial number");
		goto out;
	}
	/* Partitioned CRLs: the serial fixes the partition for good. */
	if ((serial_hex = cert_serial_hex(serial)) == NULL ||
	    (crl_url = ca_crl_shard_url(c->issuing->crl_url,
	    ca_crl_shard(serial_hex, c->issuing->crl_shards))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	issue_urls_and_policies(ca, req, c, crl_url, &spec);
	spec.subject = subj;
	spec.issuer = X509_get_subject_name(c->cacert);
	spec.issuer_keyid = X509_get0_subject_key_id(c->cacert);
	spec.serial = serial;
	spec.san = san;
	if ((tbs = cert_build(&spec)) == NULL) {
		snprintf(err, errlen, "cannot build the certificate");
		goto out;
	}
	if (!issue_lint(tbs, spec.pubkey, c, req, err, errlen))
		goto out;
	res = tbs;
	tbs = NULL;
 out:
	X509_NAME_free(subj);
	GENERAL_NAMES_free(san);
	ASN1_INTEGER_free(serial);
	OPENSSL_free(serial_hex);
	free(crl_url);
	X509_free(tbs);
	return res;
}

/*
 * Requests built and signed together. A batch is cut into chunks so that
 * the next chunk is built, linted and recorded while the signer signs
 * this one (ca_sign_begin); each chunk is one group commit each side.
 * The signer waits while the first chunk is built and recorded, and
 * again if signing it ends before the second is recorded: building a
 * request takes about 0.75 of the time signing it does, and a chunk adds
 * two commits (docs/performance.md). A first chunk of 12 keeps the signer
 * busy while the second is made; a shorter one (it was 4) left it idle
 * longer after the first chunk than it saved before it.
 */
#define ISSUE_CHUNK	16
#define ISSUE_FIRST	12

/* A batch holds one policy, so one issue_ctx serves it all. */
static int
issue_same_policy(const struct issue_request *reqs, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(reqs[i].policy, reqs[0].policy) != 0 ||
		    reqs[i].legacy_sha1 != reqs[0].legacy_sha1) {
			log_error("issue: a batch holds one policy");
			return 0;
		}
	return 1;
}

/* Builds reqs[from..to) into items[*m..]; a refused request is skipped. */
static void
issue_prepare_chunk(struct ca *ca, const struct issue_request *reqs,
    size_t from, size_t to, struct issue_ctx *c, struct ca_sign_item *items,
    size_t *idx, size_t *m)
{
	char err[ISSUE_ERR_MAX];

	for (size_t i = from; i < to; i++) {
		struct issue_request r = reqs[i];
		struct csr_lean *lean = NULL;

		c->smime_type = 0;
		/* A DER RSA request is read without the key decoder. */
		if (r.csr == NULL && r.csr_bytes != NULL &&
		    (lean = csr_lean_parse(r.csr_bytes, r.csr_len)) == NULL &&
		    (r.csr = csr_parse(r.csr_bytes, r.csr_len, err,
		    sizeof(err))) == NULL) {
			log_error("issue: request %zu: %s", i, err);
			continue;
		}
		items[*m].tbs = issue_prepare(ca, &r, lean, c, err,
		    sizeof(err));
		csr_lean_free(lean);
		if (r.csr != reqs[i].csr)
			X509_REQ_free(r.csr);
		if (items[*m].tbs == NULL) {
			log_error("issue: %s", err);
			continue;
		}
		items[*m].profile = c->profile->name;
		idx[(*m)++] = i;
	}
}

/* One chunk of a stream: its requests, what was built, where it is. */
struct issue_chunk {
	struct issue_request	 reqs[ISSUE_CHUNK];
	struct ca_sign_item	 items[ISSUE_CHUNK];
	size_t			 idx[ISSUE_CHUNK];	/* item -> request */
	size_t			 seq0;		/* stream number of reqs[0] */
	size_t			 nreqs, m;
	struct ca_sign_flight	*flight;
};

/*
 * Hands a chunk's outcomes to the source, in request order (refused
 * requests as NULL), and frees what it built. Returns the number issued.
 */
static size_t
issue_chunk_deliver(const struct issue_source *src, struct issue_chunk *k)
{
	size_t issued = 0, j = 0;

	for (size_t i = 0; i < k->nreqs; i++) {
		unsigned char *der = NULL;
		size_t len = 0;

		if (j < k->m && k->idx[j] == i) {
			der = k->items[j].der;
			len = k->items[j].der_len;
			k->items[j].der = NULL;
			X509_free(k->items[j].tbs);
			k->items[j].tbs = NULL;
			j++;
		}
		issued += der != NULL;
		src->done(src->arg, k->seq0 + i, der, len);
	}
	k->nreqs = k->m = 0;
	return issued;
}

/* Request i of a chunk belongs to the policy the stream started with. */
static int
issue_chunk_policy_ok(const struct issue_chunk *k, size_t i,
    const struct issue_request *first)
{
	if (strcmp(k->reqs[i].policy, first->policy) == 0 &&
	    k->reqs[i].legacy_sha1 == first->legacy_sha1)
		return 1;
	log_error("issue: request %zu: a stream holds one policy (%s), not "
	    "%s", k->seq0 + i, first->policy, k->reqs[i].policy);
	return 0;
}

size_t
ca_issue_stream(struct ca *ca, const struct issue_source *src)
{
	struct issue_ctx c = { 0 };
	struct issue_chunk *chunk, *k, *prev = NULL;
	struct issue_request first = { 0 };
	struct ca_signing how;
	char err[ISSUE_ERR_MAX], policy[64];
	size_t want = ISSUE_FIRST, seq = 0, issued = 0, got;
	int loaded = 0, ok = 1;

	if ((chunk = calloc(2, sizeof(*chunk))) == NULL) {
		log_error("issue: out of memory");
		return 0;
	}
	for (int turn = 0; ; turn ^= 1, want = ISSUE_CHUNK) {
		k = &chunk[turn];
		memset(k->reqs, 0, sizeof(k->reqs));
		if ((got = src->next(src->arg, k->reqs, want)) == 0)
			break;
		k->seq0 = seq;
		k->nreqs = got;
		k->m = 0;
		seq += got;
		/* The first request fixes the policy, the CA and its key. */
		if (!loaded && ok) {
			snprintf(policy, sizeof(policy), "%s", k->reqs[0].policy);
			first.policy = policy;
			first.legacy_sha1 = k->reqs[0].legacy_sha1;
			if (!(ok = issue_ctx_load(ca, &k->reqs[0], &c, err,
			    sizeof(err))))
				log_error("issue: %s", err);
			loaded = 1;
			how.issuer = ok ? c.policy->issuer : NULL;
			how.key = ok ? c.ca_rec->key_name : NULL;
			how.op = SIGNER_OP_SIGN_CERT;
			how.md = ok ? c.profile->md : SIGNER_MD_SHA256;
			how.issuer_pub = ok ? X509_get0_pubkey(c.cacert) : NULL;
		}
		for (size_t i = 0; ok && i < got; i++)
			if (issue_chunk_policy_ok(k, i, &first))
				issue_prepare_chunk(ca, k->reqs, i, i + 1, &c,
				    k->items, k->idx, &k->m);
		/* This chunk's intents, then the previous chunk's results. */
		k->flight = k->m > 0 ? ca_sign_begin(ca, &how, k->items, k->m,
		    prev != NULL ? prev->flight : NULL) : NULL;
		if (prev != NULL) {
			if (prev->flight != NULL)
				ca_sign_end(ca, prev->flight);
			prev->flight = NULL;
			issued += issue_chunk_deliver(src, prev);
		}
		if (k->flight == NULL) {
			/* Nothing in flight: refused, or intents not stored. */
			issued += issue_chunk_deliver(src, k);
			prev = NULL;
		} else
			prev = k;
	}
	if (prev != NULL) {
		ca_sign_end(ca, prev->flight);
		prev->flight = NULL;
		issued += issue_chunk_deliver(src, prev);
	}
	for (int t = 0; t < 2; t++)
		for (size_t j = 0; j < chunk[t].m; j++) {
			X509_free(chunk[t].items[j].tbs);
			OPENSSL_free(chunk[t].items[j].der);
		}
	free(chunk);
	issue_ctx_clear(&c);
	return issued;
}

/* ca_issue_batch as a stream over an array. */
struct issue_array {
	const struct issue_request *reqs;
	size_t		 n, next;
	struct issue_out *out;
};

static size_t
issue_array_next(void *arg, struct issue_request *reqs, size_t max)
{
	struct issue_array *a = arg;
	size_t k = a->n - a->next < max ? a->n - a->next : max;

	memcpy(reqs, a->reqs + a->next, k * sizeof(*reqs));
	a->next += k;
	return k;
}

static void
issue_array_done(void *arg, size_t seq, unsigned char *der, size_t len)
{
	struct issue_array *a = arg;

	a->out[seq].der = der;
	a->out[seq].der_len = len;
}

size_t
ca_issue_batch(struct ca *ca, const struct issue_request *reqs, size_t n,
    struct issue_out *out)
{
	struct issue_array a = { reqs, n, 0, out };
	struct issue_source src = { issue_array_next, issue_array_done, &a };

	memset(out, 0, n * sizeof(*out));
	if (n == 0 || !issue_same_policy(reqs, n))
		return 0;
	return ca_issue_stream(ca, &src);
}

void
issue_out_clear(struct issue_out *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		OPENSSL_free(out[i].der);
		out[i].der = NULL;
		out[i].der_len = 0;
	}
}

X509 *
ca_issue(struct ca *ca, const struct issue_request *req,
    STACK_OF(X509) **chain)
{
	struct issue_out o;
	const unsigned char *p;
	X509 *x = NULL;

	if (ca_issue_batch(ca, req, 1, &o) != 1)
		return NULL;
	p = o.der;
	x = d2i_X509(NULL, &p, (long)o.der_len);
	issue_out_clear(&o, 1);
	if (x == NULL)
		return NULL;
	if (chain != NULL && (*chain = ca_chain_for(ca,
	    conf_policy_get(ca->conf, req->policy)->issuer,
	    X509_get_signature_nid(x))) == NULL) {
		X509_free(x);
		return NULL;
	}
	return x;
}
