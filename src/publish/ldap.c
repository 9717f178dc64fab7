#include "publish/ldap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>
#include <openssl/x509.h>

#include "audit/seal.h"
#include "store/store.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/name.h"

/* A directory that does not answer must not hold up a revocation. */
#define LDAP_PUBLISH_TIMEOUT	5	/* seconds, connect and each operation */
#define LDAP_PUBLISH_RETRY	60	/* seconds before inkand tries again */
#define LDAP_PASSWORD_MAX	1024

/* One CA entity's entry: its DN, parsed, and the values to publish. */
struct ldap_ca_entry {
	const char	 *name;
	char		 *dn;
	LDAPDN		  rdns;
	int		  root;
	struct berval	**certs;	/* NULL-terminated */
	struct berval	 *crl[2];	/* crl[0] NULL: no CRL to publish */
	struct berval	  crl_value;
	struct store_crl *crl_rec;
};

int
ldap_publish_enabled(const struct conf *conf)
{
	return conf->ldap_bind_dn != NULL;
}

static const char *
ldap_publish_url(const struct conf *conf)
{
	return conf->ldap_publish_url != NULL ? conf->ldap_publish_url :
	    conf->ldap_url;
}

/* The bind password: the file's first line; a relative path is in DIR. */
static char *
ldap_password(const struct ca *ca)
{
	const char *file = ca->conf->ldap_bind_password_file;
	char *path, *pw = NULL;
	unsigned char *buf;
	size_t len, first;

	path = file[0] == '/' ? strdup(file) : file_join(ca->dir, file);
	if (path == NULL)
		return NULL;
	if ((buf = file_read(path, LDAP_PASSWORD_MAX, &len)) == NULL)
		goto out;
	/* file_read ends the data with a NUL: the first line, or less. */
	first = strcspn((char *)buf, "\r\n");
	if (first == 0 || first > len)
		log_error("%s: ldap_bind_password_file: no password on its "
		    "first line", path);
	else if ((pw = malloc(first + 1)) != NULL) {
		memcpy(pw, buf, first);
		pw[first] = '\0';
	}
	explicit_bzero(buf, len);
	free(buf);
 out:
	free(path);
	return pw;
}

/* Connects and binds as ldap_bind_dn; NULL on failure (logged). */
static LDAP *
ldap_publish_connect(const struct ca *ca)
{
	const char *url = ldap_publish_url(ca->conf);
	struct timeval tv = { LDAP_PUBLISH_TIMEOUT, 0 };
	int version = LDAP_VERSION3, rc;
	struct berval cred;
	LDAP *ld = NULL;
	char *pw;

	if ((pw = ldap_password(ca)) == NULL)
		return NULL;
	if ((rc = ldap_initialize(&ld, url)) != LDAP_SUCCESS) {
		log_error("ldap %s: %s", url, ldap_err2string(rc));
		goto out;
	}
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS) {
		log_error("ldap %s: cannot set connection options", url);
		goto fail;
	}
	cred.bv_val = pw;
	cred.bv_len = strlen(pw);
	rc = ldap_sasl_bind_s(ld, ca->conf->ldap_bind_dn, LDAP_SASL_SIMPLE,
	    &cred, NULL, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		goto out;
	log_error("ldap %s: bind as %s: %s", url, ca->conf->ldap_bind_dn,
	    ldap_err2string(rc));
 fail:
	ldap_unbind_ext_s(ld, NULL, NULL);
	ld = NULL;
 out:
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return ld;
}

static void
ldap_ca_entry_clear(struct ldap_ca_entry *e)
{
	if (e->certs != NULL) {
		for (size_t i = 0; e->certs[i] != NULL; i++) {
			OPENSSL_free(e->certs[i]->bv_val);
			free(e->certs[i]);
		}
		free(e->certs);
	}
	ldap_dnfree(e->rdns);
	free(e->dn);
	store_crl_free(e->crl_rec);
	memset(e, 0, sizeof(*e));
}

/* Whether name's CRL is partitioned: its partitions have no LDAP home. */
static int
ldap_crl_partitioned(const struct ca *ca, const char *name)
{
	for (size_t i = 0; i < ca->conf->nissuing; i++)
		if (strcmp(ca->conf->issuing[i].name, name) == 0)
			return ca->conf->issuing[i].crl_shards > 1;
	return 0;
}

static int
ldap_ca_entry_load(struct ca *ca, const char *name, struct ldap_ca_entry *e)
{
	STACK_OF(X509) *sk;
	int n, ok = 0;

	memset(e, 0, sizeof(*e));
	e->name = name;
	for (size_t i = 0; i < ca->conf->nroots; i++)
		e->root |= strcmp(ca->conf->roots[i].name, name) == 0;
	if ((sk = ca_certs_of(ca, name)) == NULL) {
		log_error("ldap: %s: no certificate in the store", name);
		return 0;
	}
	n = sk_X509_num(sk);
	if ((e->dn = name_oneline(X509_get_subject_name(sk_X509_value(sk,
	    0)))) == NULL || (e->certs = calloc((size_t)n + 1,
	    sizeof(*e->certs))) == NULL)
		goto out;
	if (ldap_str2dn(e->dn, &e->rdns, LDAP_DN_FORMAT_LDAPV3) !=
	    LDAP_SUCCESS || e->rdns == NULL) {
		log_error("ldap: %s: subject %s is not an LDAP DN", name, e->dn);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int len;

		if ((e->certs[i] = calloc(1, sizeof(**e->certs))) == NULL ||
		    (len = i2d_X509(sk_X509_value(sk, i), &der)) <= 0)
			goto out;
		e->certs[i]->bv_val = (char *)der;
		e->certs[i]->bv_len = (ber_len_t)len;
	}
	if (!store_crl_latest(ca->store, name, &e->crl_rec))
		goto out;
	if (e->crl_rec != NULL && !ldap_crl_partitioned(ca, name)) {
		e->crl_value.bv_val = (char *)e->crl_rec->der;
		e->crl_value.bv_len = (ber_len_t)e->crl_rec->der_len;
		e->crl[0] = &e->crl_value;
	}
	ok = 1;
 out:
	sk_X509_pop_free(sk, X509_free);
	if (!ok)
		ldap_ca_entry_clear(e);
	return ok;
}

/*
 * The structural class of an entry named by an RDN of this type. A CA's
 * own entry named by CN is a cRLDistributionPoint (RFC 4523 §3.1).
 */
static const char *
ldap_rdn_class(const struct berval *type, int leaf)
{
	static const struct {
		const char *type;
		const char *class;
	} classes[] = {
		{ "c", "country" },
		{ "o", "organization" },
		{ "ou", "organizationalUnit" },
		{ "l", "locality" },
		{ "st", "locality" },
		{ "cn", "applicationProcess" },
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (strlen(classes[i].type) != type->bv_len ||
		    strncasecmp(classes[i].type, type->bv_val, type->bv_len) != 0)
			continue;
		if (leaf && strcmp(classes[i].type, "cn") == 0)
			return "cRLDistributionPoint";
		return classes[i].class;
	}
	return NULL;
}

/*
 * Adds the entry for rdns (a DN, most specific RDN first) with its naming
 * attribute and classes, plus extra modifications (the CA's values).
 */
static int
ldap_add_entry(LDAP *ld, LDAPDN rdns, int leaf, LDAPMod **extra,
    const char *url, int *rc_out)
{
	LDAPAVA *ava = rdns[0][0];
	struct berval oc_values[2], *ocs[3], *names[2], naming;
	LDAPMod oc_mod, name_mod, *mods[8];
	const char *class;
	char *dn = NULL, *type = NULL;
	size_t m = 0;
	int rc = LDAP_OTHER, ok = 0;

	if (ldap_dn2str(rdns, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		goto out;
	if (rdns[0][1] != NULL || (ava->la_flags & LDAP_AVA_BINARY) ||
	    (class = ldap_rdn_class(&ava->la_attr, leaf)) == NULL) {
		log_error("ldap %s: %s: cannot create an entry named by this "
		    "RDN (one C, O, OU, L, ST or CN with a string value)", url,
		    dn);
		goto out;
	}
	if ((type = strndup(ava->la_attr.bv_val, ava->la_attr.bv_len)) ==
	    NULL)
		goto out;
	oc_values[0].bv_val = (char *)class;
	oc_values[0].bv_len = strlen(class);
	ocs[0] = &oc_values[0];
	ocs[1] = ocs[2] = NULL;
	if (leaf) {
		/* The auxiliary class that holds certificates and CRLs. */
		oc_values[1].bv_val = (char *)"pkiCA";
		oc_values[1].bv_len = 5;
		ocs[1] = &oc_values[1];
	}
	oc_mod.mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
	oc_mod.mod_type = (char *)"objectClass";
	oc_mod.mod_bvalues = ocs;
	naming = ava->la_value;
	names[0] = &naming;
	names[1] = NULL;
	name_mod.mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
	name_mod.mod_type = type;
	name_mod.mod_bvalues = names;
	mods[m++] = &oc_mod;
	mods[m++] = &name_mod;
	for (size_t i = 0; extra != NULL && extra[i] != NULL && m < 7; i++)
		mods[m++] = extra[i];
	mods[m] = NULL;
	rc = ldap_add_ext_s(ld, dn, mods, NULL, NULL);
	if (rc == LDAP_SUCCESS || (!leaf && rc == LDAP_ALREADY_EXISTS))
		ok = 1;
	else if (rc != LDAP_ALREADY_EXISTS)
		log_error("ldap %s: add %s: %s", url, dn, ldap_err2string(rc));
 out:
	if (rc_out != NULL)
		*rc_out = rc;
	free(type);
	ldap_memfree(dn);
	return ok;
}

static int
ldap_count(struct berval **v)
{
	int n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

/* Publishes one CA entity: replace its values, creating what is missing. */
static int
ldap_publish_one(LDAP *ld, const char *url, struct ca *ca, const char *name)
{
	struct ldap_ca_entry e;
	LDAPMod cert_mod, crl_mod, arl_mod, *mods[4];
	char object[96], detail[48];
	size_t m = 0, depth = 0;
	int rc, ok = 0;

	if (!ldap_ca_entry_load(ca, name, &e))
		return 0;
	cert_mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
	cert_mod.mod_type = (char *)"cACertificate;binary";
	cert_mod.mod_bvalues = e.certs;
	mods[m++] = &cert_mod;
	if (e.crl[0] != NULL) {
		crl_mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
		crl_mod.mod_type = (char *)"certificateRevocationList;binary";
		crl_mod.mod_bvalues = e.crl;
		mods[m++] = &crl_mod;
		if (e.root) {
			/* A root's CRL covers CA certificates (X.509 ARL). */
			arl_mod = crl_mod;
			arl_mod.mod_type =
			    (char *)"authorityRevocationList;binary";
			mods[m++] = &arl_mod;
		}
	}
	mods[m] = NULL;
	rc = ldap_modify_ext_s(ld, e.dn, mods, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		/* Create the parents top down, then the CA's own entry. */
		while (e.rdns[depth] != NULL)
			depth++;
		for (size_t i = depth; i-- > 1;)
			if (!ldap_add_entry(ld, &e.rdns[i], 0, NULL, url, NULL))
				goto out;
		for (size_t i = 0; i < m; i++)
			mods[i]->mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
		if (ldap_add_entry(ld, e.rdns, 1, mods, url, &rc))
			rc = LDAP_SUCCESS;
		else if (rc == LDAP_ALREADY_EXISTS) {
			/* Another publisher was quicker: replace its values. */
			for (size_t i = 0; i < m; i++)
				mods[i]->mod_op = LDAP_MOD_REPLACE |
				    LDAP_MOD_BVALUES;
			rc = ldap_modify_ext_s(ld, e.dn, mods, NULL, NULL);
		} else
			goto out;
	}
	if (rc != LDAP_SUCCESS) {
		log_error("ldap %s: modify %s: %s", url, e.dn,
		    ldap_err2string(rc));
		goto out;
	}
	ok = 1;
	if (e.crl[0] != NULL)
		log_info("ldap: %s: %d certificate(s) and CRL %lld published "
		    "at %s", name, ldap_count(e.certs),
		    (long long)e.crl_rec->number, e.dn);
	else
		log_info("ldap: %s: %d certificate(s) published at %s", name,
		    ldap_count(e.certs), e.dn);
 out:
	/* Repository publication is an audited event (CP-5.4.1). */
	snprintf(object, sizeof(object), "ldap:%s", name);
	snprintf(detail, sizeof(detail), "{\"crl\":%lld}", e.crl[0] != NULL ?
	    (long long)e.crl_rec->number : -1LL);
	audit_ca(ca, "repository.publish", object, ok ? "ok" : "failed",
	    detail);
	ldap_ca_entry_clear(&e);
	return ok;
}

/* Name i of the roots then the issuing CAs of the configuration. */
static const char *
ldap_ca_name(const struct conf *conf, size_t i)
{
	if (i < conf->nroots)
		return conf->roots[i].name;
	if (i < conf->nroots + conf->nissuing)
		return conf->issuing[i - conf->nroots].name;
	return NULL;
}

int
ldap_publish(struct ca *ca, const char *name)
{
	const char *url = ldap_publish_url(ca->conf), *n;
	LDAP *ld;
	int ok = 1, found = name == NULL;

	for (size_t i = 0; name != NULL &&
	    (n = ldap_ca_name(ca->conf, i)) != NULL; i++)
		found |= strcmp(n, name) == 0;
	if (!found) {
		log_error("ldap: %s: no such root or issuing CA", name);
		return 0;
	}
	if ((ld = ldap_publish_connect(ca)) == NULL)
		return 0;
	for (size_t i = 0; (n = ldap_ca_name(ca->conf, i)) != NULL; i++)
		if (name == NULL || strcmp(n, name) == 0)
			ok &= ldap_publish_one(ld, url, ca, n);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return ok;
}

int
ldap_publish_tick(struct ca *ca, struct ldap_publish_state *st, time_t now)
{
	const char *url = ldap_publish_url(ca->conf), *n;
	LDAP *ld = NULL;
	int published = 0;

	if (!ldap_publish_enabled(ca->conf) || now < st->retry_at)
		return 0;
	for (size_t i = 0; (n = ldap_ca_name(ca->conf, i)) != NULL; i++) {
		int64_t number = 0, this_update;
		int found;

		if (!store_crl_latest_info(ca->store, n, &found, &number,
		    &this_update))
			goto fail;
		if (st->done[i] && (!found || number <= st->crl_number[i]))
			continue;
		if (ld == NULL && (ld = ldap_publish_connect(ca)) == NULL)
			goto fail;
		if (!ldap_publish_one(ld, url, ca, n))
			goto fail;
		st->done[i] = 1;
		st->crl_number[i] = number;
		published++;
	}
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return published;
 fail:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	log_warn("ldap: publication incomplete; retrying in %d s",
	    LDAP_PUBLISH_RETRY);
	st->retry_at = now + LDAP_PUBLISH_RETRY;
	return published;
}
