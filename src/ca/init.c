#include "ca/init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca/prelint.h"
#include "ca/responder.h"
#include "ca/sign.h"
#include "ocsp/presign.h"
#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/name.h"
#include "x509/oid.h"
#include "x509/profile.h"

/* What every new CA entity needs: its key and its name. */
struct init_entity {
	const char	*name;
	char		 key[SIGNER_KEY_NAME_MAX + 1];
	X509_NAME	*subject;
	EVP_PKEY	*pub;
};

static void
init_entity_clear(struct init_entity *e)
{
	X509_NAME_free(e->subject);
	EVP_PKEY_free(e->pub);
	memset(e, 0, sizeof(*e));
}

/*
 * The key ceremony's record (CP-5.4, 6.1.1): the operator who ran init
 * acts as the custodian of each new CA key.
 */
static void
init_audit_key(struct ca *ca, const char *name, const char *key,
    unsigned int bits, int ok)
{
	struct audit_event ev = { "key.generate", ca->who.actor, "custodian",
	    ca->who.auth, ca->who.source, NULL, ok ? "ok" : "failed", NULL };
	char object[SIGNER_KEY_NAME_MAX + 8], detail[160];

	snprintf(object, sizeof(object), "key:%s", key);
	snprintf(detail, sizeof(detail), "{\"ca\":\"%s\",\"alg\":"
	    "\"RSA-%u\"}", name, bits);
	ev.object = object;
	ev.detail = detail;
	audit_record(ca->store, &ev);
}

/* Generates the key in the signer and records the CA in the store. */
static int
init_entity_create(struct ca *ca, struct init_entity *e, const char *name,
    const char *key, const char *dn, unsigned int bits,
    enum store_ca_kind kind, const char *parent)
{
	struct store_ca rec = { 0 };
	unsigned char *spki = NULL, *subj = NULL;
	const unsigned char *p;
	size_t spki_len;
	char err[256];
	int subj_len, ok = 0;

	e->name = name;
	snprintf(e->key, sizeof(e->key), "%s", key);
	if ((e->subject = name_parse(dn, NAME_ATTR_ALL, err, sizeof(err))) == NULL) {
		log_error("%s: subject: %s", name, err);
		return 0;
	}
	log_info("%s: generating RSA-%u key in the signer", name, bits);
	if (!signer_generate(ca->signer, e->key, bits, &spki, &spki_len))
		goto out;
	p = spki;
	if ((e->pub = d2i_PUBKEY(NULL, &p, (long)spki_len)) == NULL ||
	    (subj_len = i2d_X509_NAME(e->subject, &subj)) <= 0)
		goto out;
	rec.name = (char *)name;
	rec.kind = kind;
	rec.key_name = e->key;
	rec.parent = (char *)parent;
	rec.subject_der = subj;
	rec.subject_len = (size_t)subj_len;
	rec.spki_der = spki;
	rec.spki_len = spki_len;
	rec.created_at = ca_now();
	ok = store_ca_insert(ca->store, &rec);
 out:
	init_audit_key(ca, name, key, bits, ok);
	free(spki);
	OPENSSL_free(subj);
	return ok;
}

/* Lints with the profile and refuses on any error (CP-4.3.1). */
static int
init_lint(X509 *x, const struct profile *p, const char *policy_oid,
    const char *what)
{
	char err[1600];

	if (ca_prelint(x, p, policy_oid, err, sizeof(err)))
		return 1;
	log_error("%s: %s", what, err);
	return 0;
}

static X509 *
init_sign(struct ca *ca, X509 *tbs, const struct init_entity *signer_ent,
    enum signer_op op, enum signer_md md, const char *profile,
    const char *subject_ca)
{
	struct ca_signing how = { signer_ent->name, signer_ent->key, op, md,
	    signer_ent->pub };
	X509 *x;
	unsigned char *der = NULL;
	int len;

	if ((x = ca_sign_one(ca, &how, tbs, profile, subject_ca)) == NULL)
		return NULL;
	/* The signer checks later TBS issuers against this certificate. */
	if ((len = i2d_X509(x, &der)) <= 0 || !signer_bind_cert(ca->signer,
	    subject_ca, der, (size_t)len)) {
		X509_free(x);
		x = NULL;
	}
	OPENSSL_free(der);
	return x;
}

static int
init_publish(struct ca *ca, X509 *x, const char *file, const char *url)
{
	char *repo = NULL, *path = NULL;
	int ok = 0;

	if ((repo = file_join(ca->dir, "repository/certs")) == NULL ||
	    (path = file_join(repo, file)) == NULL || !ca_write_cert(path, x))
		goto out;
	log_info("  wrote %s", path);
	free(path);
	path = NULL;
	if (url != NULL && (path = ca_repository_path(ca, url)) != NULL &&
	    !ca_write_cert(path, x))
		goto out;
	ok = 1;
 out:
	free(repo);
	free(path);
	return ok;
}

static int
init_root(struct ca *ca, const struct conf_root *r, struct init_entity *e)
{
	struct cert_spec spec = { 0 };
	ASN1_INTEGER *serial = NULL;
	X509 *tbs = NULL, *x = NULL;
	char file[96];
	time_t now = ca_now();
	int ok = 0;

	if (!init_entity_create(ca, e, r->name, r->name, r->subject,
	    r->key_bits, STORE_CA_ROOT, NULL) ||
	    (serial = cert_serial_new()) == NULL)
		goto out;
	spec.md = r->md;
	spec.subject = spec.issuer = e->subject;
	spec.pubkey = e->pub;
	spec.serial = serial;
	spec.not_before = now;
	spec.not_after = now + (time_t)r->validity_days * 86400 - 1;
	spec.order = profile_get(PROFILE_ROOT)->order;
	spec.ca = 1;
	spec.path_len = -1;
	spec.key_usage = CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN;
	if ((tbs = cert_build(&spec)) == NULL ||
	    !init_lint(tbs, profile_get(PROFILE_ROOT), NULL, r->name))
		goto out;
	if ((x = init_sign(ca, tbs, e, SIGNER_OP_SIGN_CA_CERT, r->md, "root",
	    r->name)) == NULL)
		goto out;
	snprintf(file, sizeof(file), "%s.cer", r->name);
	ok = init_publish(ca, x, file, r->ca_issuers_url);
	if (ok)
		log_info("%s: root CA created", r->name);
 out:
	ASN1_INTEGER_free(serial);
	X509_free(tbs);
	X509_free(x);
	return ok;
}

/* Policies of a subordinate CA certificate (tables 7.1-1..7.1-3). */
static void
init_ca_policies(const struct conf_root *r, const struct conf_issuing *ic,
    struct cert_spec *spec)
{
	int cs = 0, sm = 0;

	for (size_t i = 0; i < ic->eku.n; i++) {
		cs |= strcmp(ic->eku.v[i], "codeSigning") == 0;
		sm |= strcmp(ic->eku.v[i], "emailProtection") == 0;
	}
	spec->policies[spec->npolicies++] = r->policy_oid;
	if (cs)	/* CSBR 7.1.2.2, table 7.1-2/7.1-3 */
		spec->policies[spec->npolicies++] = OID_CABF_CODESIGN;
	if (sm) {	/* SBR 7.1.2.2: the reserved policies it issues under */
		for (int type = 1; type <= 2; type++)
			for (int gen = 2; gen <= 3; gen++)
				spec->policies[spec->npolicies++] =
				    oid_smime_policy(type, gen);
	}
	spec->cps_url = r->cps_url;
}

static int
init_eku_allowed(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < PROFILE_EKU_MAX && p->eku_allowed[i]; i++)
		if (strcmp(p->eku_allowed[i], name) == 0)
			return 1;
	return 0;
}

static int
init_cross(struct ca *ca, const struct conf_issuing *ic,
    const struct init_entity *e, const struct conf_root *r,
    const struct init_entity *re)
{
	struct cert_spec spec = { 0 };
	ASN1_INTEGER *serial = NULL;
	X509 *rootcert = NULL, *tbs = NULL, *x = NULL;
	char file[160];
	time_t now = ca_now(), root_end;
	struct tm tm;
	int ok = 0;

	if ((rootcert = ca_cert_pick(ca, r->name, NID_undef)) == NULL ||
	    (serial = cert_serial_new()) == NULL ||
	    !ASN1_TIME_to_tm(X509_get0_notAfter(rootcert), &tm))
		goto out;
	root_end = timegm(&tm);
	spec.md = r->md;
	spec.subject = e->subject;
	spec.issuer = X509_get_subject_name(rootcert);
	spec.pubkey = e->pub;
	spec.issuer_keyid = X509_get0_subject_key_id(rootcert);
	spec.serial = serial;
	spec.not_before = now;
	spec.not_after = now + (time_t)ic->validity_days * 86400 - 1;
	if (spec.not_after > root_end)
		spec.not_after = root_end;
	spec.order = profile_for_ca(r->md)->order;
	spec.ca = 1;
	spec.path_len = 0;
	spec.key_usage = CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN;
	/* Only the EKUs the root's table allows (7.1-1 is narrower). */
	for (size_t i = 0; i < ic->eku.n; i++)
		if (init_eku_allowed(profile_for_ca(r->md), ic->eku.v[i]))
			spec.eku[spec.neku++] = oid_eku_by_name(ic->eku.v[i])->oid;
	init_ca_policies(r, ic, &spec);
	spec.crl_urls[spec.ncrl_urls++] = r->crl_url;
	spec.ocsp_url = r->ocsp_url;
	spec.ca_issuers_url = r->ca_issuers_url;
	if ((tbs = cert_build(&spec)) == NULL ||
	    !init_lint(tbs, profile_for_ca(r->md), NULL, ic->name))
		goto out;
	if ((x = init_sign(ca, tbs, re, SIGNER_OP_SIGN_CA_CERT, r->md, "ca",
	    ic->name)) == NULL)
		goto out;
	snprintf(file, sizeof(file), "%s.%s.cer", ic->name, r->name);
	ok = init_publish(ca, x, file, NULL);
	if (ok)
		log_info("%s: certified by %s (table %s)", ic->name, r->name,
		    profile_for_ca(r->md)->table);
 out:
	ASN1_INTEGER_free(serial);
	X509_free(rootcert);
	X509_free(tbs);
	X509_free(x);
	return ok;
}

/* The responder's key and entity; its certificate comes from responder.c. */
static int
init_responder(struct ca *ca, const struct conf_issuing *ic)
{
	struct init_entity e = { 0 };
	char name[SIGNER_KEY_NAME_MAX + 1];
	int ok;

	ocsp_responder_name(ic->name, name, sizeof(name));
	ok = init_entity_create(ca, &e, name, name, ic->responder_subject,
	    ic->responder_key_bits, STORE_CA_RESPONDER, ic->name) &&
	    ca_responder_certify(ca, ic->name, ca_now());
	init_entity_clear(&e);
	return ok;
}

static int
init_issuing(struct ca *ca, const struct conf_issuing *ic,
    struct init_entity *roots, size_t nroots)
{
	struct init_entity e = { 0 };
	X509 *best = NULL;
	char *path = NULL;
	int ok = 0;

	if (!init_entity_create(ca, &e, ic->name, ic->name, ic->subject,
	    ic->key_bits, STORE_CA_ISSUING, NULL))
		goto out;
	for (size_t i = 0; i < ic->roots.n; i++)
		for (size_t j = 0; j < nroots; j++)
			if (strcmp(roots[j].name, ic->roots.v[i]) == 0 &&
			    !init_cross(ca, ic, &e,
			    conf_root_get(ca->conf, roots[j].name), &roots[j]))
				goto out;
	/* caIssuers of subscriber certificates: the strongest path. */
	if ((best = ca_cert_pick(ca, ic->name, NID_undef)) == NULL)
		goto out;
	if ((path = ca_repository_path(ca, ic->ca_issuers_url)) != NULL &&
	    !ca_write_cert(path, best))
		goto out;
	ok = init_responder(ca, ic);
 out:
	free(path);
	X509_free(best);
	init_entity_clear(&e);
	return ok;
}

int
ca_init_hierarchy(struct ca *ca)
{
	struct init_entity roots[CONF_ROOTS_MAX] = { { 0 } };
	size_t n = ca->conf->nroots;
	int ok = 0;

	for (size_t i = 0; i < n; i++)
		if (!init_root(ca, &ca->conf->roots[i], &roots[i]))
			goto out;
	for (size_t i = 0; i < ca->conf->nissuing; i++)
		if (!init_issuing(ca, &ca->conf->issuing[i], roots, n))
			goto out;
	ok = 1;
 out:
	for (size_t i = 0; i < n; i++)
		init_entity_clear(&roots[i]);
	return ok;
}
