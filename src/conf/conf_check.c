#include "conf/conf_check.h"

#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "util/log.h"
#include "x509/name.h"
#include "x509/oid.h"

/* Policies the CP defines (CP-1.2); "ocsp" is the responder policy. */
static const char *const conf_policy_names[] = {
	"client", "document", "smime", "codesign", "ocsp"
};

/* Maximum validity of subscriber certificates per policy, in days. */
#define CONF_SMIME_MAX_DAYS	825	/* SBR 6.3.2 */
#define CONF_CODESIGN_MAX_DAYS	460	/* CSBR 6.3.2 */

static int
conf_bad(const struct conf *c, const char *where, const char *key,
    const char *what)
{
	log_error("%s: [%s] %s: %s", c->path, where, key, what);
	return 0;
}

static int
conf_check_url(const struct conf *c, const char *where, const char *key,
    const char *url, int required)
{
	if (url == NULL)
		return required ? conf_bad(c, where, key,
		    "missing (an http:// URL is required)") : 1;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return conf_bad(c, where, key, "must be an http:// or https:// URL");
	if (strlen(url) > 1024)
		return conf_bad(c, where, key, "not a valid URL");
	/* A partitioned crl_url's {shard} is the one brace pair allowed. */
	for (const char *p = url; *p != '\0'; p++) {
		if (strncmp(p, "{shard}", 7) == 0 && strcmp(key, "crl_url") == 0) {
			p += 6;
			continue;
		}
		if (strchr(" \t\"<>\\^`{|}", *p) != NULL)
			return conf_bad(c, where, key, "not a valid URL");
	}
	return 1;
}

static int
conf_check_dn(const struct conf *c, const char *where, const char *key,
    const char *dn)
{
	X509_NAME *n;
	char err[256];

	if (dn == NULL)
		return conf_bad(c, where, key, "missing");
	if ((n = name_parse(dn, NAME_ATTR_ALL, err, sizeof(err))) == NULL)
		return conf_bad(c, where, key, err);
	X509_NAME_free(n);
	return 1;
}

static int
conf_check_oid(const struct conf *c, const char *where, const char *key,
    const char *oid, int required)
{
	if (oid == NULL)
		return required ? conf_bad(c, where, key, "missing") : 1;
	if (!oid_is_numeric(oid))
		return conf_bad(c, where, key,
		    "not a dotted numeric object identifier");
	return 1;
}

/* CP-6.1.5: CA keys are RSA 2048 or 4096 bits. */
static int
conf_check_ca_bits(const struct conf *c, const char *where, unsigned int bits)
{
	if (bits != 2048 && bits != 4096)
		return conf_bad(c, where, "key_bits",
		    "CA keys are 2048 or 4096 bits (CP-6.1.5)");
	return 1;
}

static int
conf_check_root(const struct conf *c, const struct conf_root *r)
{
	char where[80];
	int ok = 1;

	snprintf(where, sizeof(where), "root:%s", r->name);
	ok &= conf_check_dn(c, where, "subject", r->subject);
	ok &= conf_check_ca_bits(c, where, r->key_bits);
	if (r->validity_days == 0)
		ok &= conf_bad(c, where, "validity_days", "missing");
	if (r->md != SIGNER_MD_SHA1 && r->md != SIGNER_MD_SHA256 &&
	    r->md != SIGNER_MD_SHA384)
		ok &= conf_bad(c, where, "digest",
		    "must be sha1, sha256 or sha384 (CP-7.1.3)");
	ok &= conf_check_oid(c, where, "policy_oid", r->policy_oid, 1);
	ok &= conf_check_url(c, where, "cps_url", r->cps_url, 1);
	ok &= conf_check_url(c, where, "crl_url", r->crl_url, 1);
	ok &= conf_check_url(c, where, "ocsp_url", r->ocsp_url, 0);
	ok &= conf_check_url(c, where, "ca_issuers_url", r->ca_issuers_url, 0);
	return ok;
}

static int
conf_list_has(const struct conf_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * The CABF rules separate issuing CAs by use: a code-signing CA carries
 * codeSigning only (CSBR 7.1.2.2), an S/MIME CA emailProtection and at
 * most clientAuth besides (SBR 7.1.2.2, required from 2027-07).
 */
static int
conf_check_eku(const struct conf *c, const char *where,
    const struct conf_issuing *ca)
{
	int ok = 1;

	if (ca->eku.n == 0)
		return conf_bad(c, where, "eku", "missing");
	for (size_t i = 0; i < ca->eku.n; i++)
		if (oid_eku_by_name(ca->eku.v[i]) == NULL)
			ok &= conf_bad(c, where, "eku", "unknown EKU name "
			    "(see docs/configuration.md for the list)");
	if (conf_list_has(&ca->eku, "codeSigning") && ca->eku.n != 1)
		ok &= conf_bad(c, where, "eku", "a code-signing CA carries "
		    "codeSigning alone (CSBR 7.1.2.2, CP-6.1.7)");
	if (conf_list_has(&ca->eku, "emailProtection"))
		for (size_t i = 0; i < ca->eku.n; i++)
			if (strcmp(ca->eku.v[i], "emailProtection") != 0 &&
			    strcmp(ca->eku.v[i], "clientAuth") != 0)
				ok &= conf_bad(c, where, "eku", "an S/MIME CA "
				    "carries only emailProtection and clientAuth "
				    "(SBR 7.1.2.2)");
	if (conf_list_has(&ca->eku, "smartcardLogon") &&
	    !conf_list_has(&ca->eku, "clientAuth"))
		ok &= conf_bad(c, where, "eku",
		    "smartcardLogon needs clientAuth (CP-7.1)");
	return ok;
}

/* A CABF-governed CA needs a 4096-bit key and roots that are not sha1. */
static int
conf_check_cabf_ca(const struct conf *c, const char *where,
    const struct conf_issuing *ca)
{
	const struct conf_root *r;
	int cs = conf_list_has(&ca->eku, "codeSigning");
	int sm = conf_list_has(&ca->eku, "emailProtection");
	int ok = 1;

	if (!cs && !sm)
		return 1;
	if (ca->key_bits != 4096)
		ok &= conf_bad(c, where, "key_bits", cs ?
		    "code-signing CA keys are RSA-4096 (CSBR 6.1.5.1)" :
		    "S/MIME CA keys made after 2026-09-15 are RSA-4096 "
		    "(SBR 6.1.5, ballot SMC017)");
	for (size_t i = 0; i < ca->roots.n; i++) {
		if ((r = conf_root_get(c, ca->roots.v[i])) == NULL)
			continue;
		if (r->md == SIGNER_MD_SHA1)
			ok &= conf_bad(c, where, "roots", "a sha1 root cannot "
			    "certify a CABF-governed CA (SHA-1 is forbidden)");
		if (cs && r->key_bits < 4096)
			ok &= conf_bad(c, where, "roots", "a code-signing chain "
			    "needs a 4096-bit root (CSBR 6.1.5.1)");
	}
	if (cs && ca->ocsp_url == NULL)
		ok &= conf_bad(c, where, "ocsp_url",
		    "OCSP is mandatory for code signing (CP-4.9.9)");
	return ok;
}

/*
 * A CA must outlive what it signs: its responder certificate (table
 * 7.3-1, renewed 30 days before expiry) and its subscribers' defaults.
 */
static int
conf_check_lifetimes(const struct conf *c, const char *where,
    const struct conf_issuing *ca)
{
	const struct conf_policy *p;
	int ok = 1;

	if (ca->validity_days < c->ocsp_validity_months * 31 + 31)
		ok &= conf_bad(c, where, "validity_days", "shorter than the OCSP "
		    "responder certificate it must sign ([policy:ocsp] "
		    "validity_months) plus a month");
	for (size_t i = 0; i < ca->policies.n; i++)
		if ((p = conf_policy_get(c, ca->policies.v[i])) != NULL &&
		    p->validity_days >= ca->validity_days)
			ok &= conf_bad(c, where, "validity_days", "not longer "
			    "than the validity of a policy it issues");
	return ok;
}

/* Partitioned CRLs: each shard's URL comes from crl_url's {shard}. */
static int
conf_check_shards(const struct conf *c, const char *where,
    const struct conf_issuing *ca)
{
	int placeholder = ca->crl_url != NULL &&
	    strstr(ca->crl_url, "{shard}") != NULL;

	if (ca->crl_shards > 1 && !placeholder)
		return conf_bad(c, where, "crl_url", "with crl_shards above 1 "
		    "it must contain {shard}, the partition number");
	if (ca->crl_shards <= 1 && placeholder)
		return conf_bad(c, where, "crl_url", "contains {shard} but "
		    "crl_shards is not above 1");
	return 1;
}

static int
conf_check_issuing(const struct conf *c, const struct conf_issuing *ca)
{
	const struct conf_policy *p;
	char where[80];
	int ok = 1;

	snprintf(where, sizeof(where), "issuing:%s", ca->name);
	ok &= conf_check_dn(c, where, "subject", ca->subject);
	ok &= conf_check_dn(c, where, "responder_subject",
	    ca->responder_subject);
	ok &= conf_check_ca_bits(c, where, ca->key_bits);
	if (ca->validity_days == 0)
		ok &= conf_bad(c, where, "validity_days", "missing");
	if (ca->responder_key_bits != 2048 && ca->responder_key_bits != 3072 &&
	    ca->responder_key_bits != 4096)
		ok &= conf_bad(c, where, "responder_key_bits",
		    "must be 2048, 3072 or 4096");
	if (ca->roots.n == 0)
		ok &= conf_bad(c, where, "roots", "missing");
	for (size_t i = 0; i < ca->roots.n; i++) {
		const struct conf_root *r = conf_root_get(c, ca->roots.v[i]);

		if (r == NULL)
			ok &= conf_bad(c, where, "roots",
			    "names a root with no [root:NAME] section");
		else if (r->md == SIGNER_MD_SHA1 && ca->key_bits != 2048)
			ok &= conf_bad(c, where, "key_bits", "a CA under a sha1 "
			    "root has an RSA-2048 key (table 7.1-1)");
	}
	ok &= conf_check_lifetimes(c, where, ca);
	ok &= conf_check_eku(c, where, ca);
	ok &= conf_check_cabf_ca(c, where, ca);
	for (size_t i = 0; i < ca->policies.n; i++) {
		p = conf_policy_get(c, ca->policies.v[i]);
		if (p == NULL || p->issuer == NULL ||
		    strcmp(p->issuer, ca->name) != 0)
			ok &= conf_bad(c, where, "policies", "each policy listed "
			    "needs a [policy:NAME] section whose issuer is this CA");
	}
	ok &= conf_check_url(c, where, "crl_url", ca->crl_url, 1);
	ok &= conf_check_url(c, where, "ocsp_url", ca->ocsp_url, 0);
	ok &= conf_check_url(c, where, "ca_issuers_url", ca->ca_issuers_url, 1);
	ok &= conf_check_shards(c, where, ca);
	return ok;
}

static int
conf_check_policy(const struct conf *c, const struct conf_policy *p)
{
	const struct conf_issuing *ca;
	int known = 0, ok = 1;
	char where[80];

	snprintf(where, sizeof(where), "policy:%s", p->name);
	for (size_t i = 0; i < sizeof(conf_policy_names) /
	    sizeof(conf_policy_names[0]); i++)
		known |= strcmp(p->name, conf_policy_names[i]) == 0;
	if (!known)
		return conf_bad(c, where, "section", "unknown policy; the CP "
		    "defines client, document, smime, codesign and ocsp");
	ok &= conf_check_oid(c, where, "oid", p->oid, 1);
	ok &= conf_check_oid(c, where, "sha1_oid", p->sha1_oid, 0);
	if (p->sha1_oid != NULL && strcmp(p->name, "client") != 0 &&
	    strcmp(p->name, "document") != 0)
		ok &= conf_bad(c, where, "sha1_oid", "only the client and "
		    "document policies have a sha1 profile (table 7.1-4)");
	if (strcmp(p->name, "ocsp") == 0)
		return ok;
	if (p->issuer == NULL)
		return conf_bad(c, where, "issuer", "missing");
	if ((ca = conf_issuing_get(c, p->issuer)) == NULL)
		ok &= conf_bad(c, where, "issuer",
		    "names no [issuing:NAME] section");
	else if (!conf_list_has(&ca->policies, p->name))
		ok &= conf_bad(c, where, "issuer",
		    "that CA does not list this policy in its policies");
	if (p->validity_days == 0)
		ok &= conf_bad(c, where, "validity_days", "missing");
	if (strcmp(p->name, "smime") == 0 &&
	    p->validity_days > CONF_SMIME_MAX_DAYS)
		ok &= conf_bad(c, where, "validity_days",
		    "S/MIME certificates last at most 825 days (SBR 6.3.2)");
	if (strcmp(p->name, "codesign") == 0 &&
	    p->validity_days > CONF_CODESIGN_MAX_DAYS)
		ok &= conf_bad(c, where, "validity_days", "code-signing "
		    "certificates last at most 460 days (CSBR 6.3.2)");
	return ok;
}

/* [mail]: a usable relay URL and a From address fit for a header. */
static int
conf_check_mail(struct conf *c)
{
	const struct conf_mail *m = &c->mail;
	int ok = 1;

	if (m->smtp_url == NULL) {
		if (m->from != NULL)
			ok &= conf_bad(c, "mail", "smtp_url", "is required with "
			    "from");
		return ok;
	}
	if (strncmp(m->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(m->smtp_url, "smtps://", 8) != 0)
		ok &= conf_bad(c, "mail", "smtp_url", "must be an smtp:// or "
		    "smtps:// URL");
	if (m->from == NULL)
		ok &= conf_bad(c, "mail", "from", "is required with smtp_url");
	else if (strchr(m->from, '@') == NULL ||
	    strpbrk(m->from, "\r\n<> \t\"") != NULL || strlen(m->from) > 254)
		ok &= conf_bad(c, "mail", "from", "must be a bare address "
		    "(local@domain, at most 254 characters)");
	return ok;
}

int
conf_check(struct conf *c)
{
	int ok = 1;

	ok &= conf_check_url(c, "ca", "base_url", c->base_url, 1);
	ok &= conf_check_url(c, "ca", "cps_url", c->cps_url, 1);
	if (c->ldap_url != NULL && strncmp(c->ldap_url, "ldap://", 7) != 0)
		ok &= conf_bad(c, "ca", "ldap_url", "must be an ldap:// URL");
	if (c->ldap_publish_url != NULL &&
	    strncmp(c->ldap_publish_url, "ldap://", 7) != 0 &&
	    strncmp(c->ldap_publish_url, "ldaps://", 8) != 0 &&
	    strncmp(c->ldap_publish_url, "ldapi://", 8) != 0)
		ok &= conf_bad(c, "ca", "ldap_publish_url", "must be an "
		    "ldap://, ldaps:// or ldapi:// URL");
	if (c->auto_backup_dir != NULL && c->auto_backup_dir[0] != '/')
		ok &= conf_bad(c, "ca", "auto_backup_dir", "must be an absolute "
		    "path, outside the CA directory");
	if (c->ldap_bind_dn != NULL && c->ldap_bind_password_file == NULL)
		ok &= conf_bad(c, "ca", "ldap_bind_password_file", "is required "
		    "with ldap_bind_dn");
	if (c->ldap_bind_dn != NULL && c->ldap_publish_url == NULL &&
	    c->ldap_url == NULL)
		ok &= conf_bad(c, "ca", "ldap_publish_url", "is required with "
		    "ldap_bind_dn when ldap_url is not set");
	ok &= conf_check_mail(c);
	if (c->nroots == 0)
		ok &= conf_bad(c, "root:NAME", "section", "at least one root "
		    "CA is required");
	for (size_t i = 0; i < c->nroots; i++)
		ok &= conf_check_root(c, &c->roots[i]);
	for (size_t i = 0; i < c->nissuing; i++)
		ok &= conf_check_issuing(c, &c->issuing[i]);
	for (size_t i = 0; i < c->npolicies; i++)
		ok &= conf_check_policy(c, &c->policies[i]);
	if (conf_policy_get(c, "ocsp") == NULL)
		ok &= conf_bad(c, "policy:ocsp", "section",
		    "missing (the OCSP responder policy OID, table 7.3-1)");
	return ok;
}
