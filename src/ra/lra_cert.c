#include "ra/lra_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "ra/ra_audit.h"
#include "util/log.h"

/* Largest certificate looked at: a client certificate is a few KiB. */
#define LRA_CERT_MAX	(64 * 1024)

/* What the store says of a presented certificate. */
struct lra_match {
	const unsigned char *der;
	size_t		 len;
	char		 issuer[65];
	char		 serial[64];
	int		 found;		/* same DER, issued */
	enum store_cert_status status;
	int64_t		 not_before;
	int64_t		 not_after;
	int		 client;	/* client profile */
};

static int
lra_match_one(const struct store_cert *c, void *arg)
{
	struct lra_match *m = arg;

	if (c->state != STORE_CERT_ISSUED || c->der == NULL ||
	    c->der_len != m->len || CRYPTO_memcmp(c->der, m->der, m->len) != 0)
		return 1;
	m->found = 1;
	snprintf(m->issuer, sizeof(m->issuer), "%s", c->issuer);
	m->status = c->status;
	m->not_before = c->not_before;
	m->not_after = c->not_after;
	m->client = c->profile != NULL && strcmp(c->profile, "client") == 0;
	return 0;
}

/* The store's serial text of x: upper-case hex, as BN_bn2hex prints. */
static int
lra_serial(const unsigned char *der, size_t len, char out[64])
{
	const unsigned char *p = der;
	X509 *x = NULL;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int ok = 0;

	if (len == 0 || len > LRA_CERT_MAX ||
	    (x = d2i_X509(NULL, &p, (long)len)) == NULL || p != der + len)
		goto out;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(bn)) == NULL || strlen(hex) >= 64)
		goto out;
	snprintf(out, 64, "%s", hex);
	ok = 1;
 out:
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return ok;
}

/*
 * Looks the certificate up: RA_OK with m filled if inkan issued exactly
 * it and it is good now; else a refusal with *why.
 */
static enum ra_status
lra_check(struct ra *ra, struct lra_match *m, int64_t now, const char **why)
{
	int ok;

	if (!lra_serial(m->der, m->len, m->serial)) {
		*why = "not a DER certificate";
		return RA_UNAUTHENTICATED;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_cert_find_serial(ra->st, m->serial, lra_match_one, m) ||
	    m->found;
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (!m->found) {
		*why = "certificate not issued by this CA";
		return RA_UNAUTHENTICATED;
	}
	if (m->status != STORE_STATUS_GOOD) {
		*why = m->status == STORE_STATUS_HOLD ?
		    "certificate on hold" : "certificate revoked";
		return RA_FORBIDDEN;
	}
	if (now < m->not_before || now > m->not_after) {
		*why = "certificate outside its validity";
		return RA_FORBIDDEN;
	}
	if (!m->client) {
		*why = "not a client authentication certificate";
		return RA_FORBIDDEN;
	}
	return RA_OK;
}

enum ra_status
ra_lra_cert_bind(struct ra *ra, const struct ra_principal *by,
    const char *org, const unsigned char *der, size_t len, int64_t now,
    const char **why)
{
	struct lra_match m = { 0 };
	char object[200];
	enum ra_status s;
	int ok;

	*why = NULL;
	if (by->role != STORE_RA_ADMIN || !by->full) {
		*why = "only a CA administrator binds LRA certificates";
		return RA_FORBIDDEN;
	}
	m.der = der;
	m.len = len;
	if ((s = lra_check(ra, &m, now, why)) != RA_OK)
		return s == RA_UNAUTHENTICATED ? RA_INVALID : s;
	snprintf(object, sizeof(object), "%s certificate %s/%s", org,
	    m.issuer, m.serial);
	pthread_mutex_lock(&ra->mu);
	ok = store_lra_cert_bind(ra->st, org, m.issuer, m.serial, by->name,
	    now);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		*why = "not bound (already bound, or no approved LRA of that "
		    "name)";
	ra_audit_as(ra, by, "ra.lra.cert.bind", object,
	    ok ? "success" : "failure", *why);
	return ok ? RA_OK : RA_CONFLICT;
}

enum ra_status
ra_lra_cert_authenticate(struct ra *ra, const unsigned char *der,
    size_t len, const char *source, int64_t now, struct ra_principal *p,
    const char **why)
{
	struct ra_audit_event ev = { 0 };
	struct lra_match m = { 0 };
	char org[65], object[160];
	enum ra_status s;
	int ok;

	*why = NULL;
	memset(p, 0, sizeof(*p));
	if (der == NULL) {
		*why = "no client certificate";
		return RA_UNAUTHENTICATED;
	}
	m.der = der;
	m.len = len;
	s = lra_check(ra, &m, now, why);
	if (s == RA_OK) {
		pthread_mutex_lock(&ra->mu);
		ok = store_lra_cert_org(ra->st, m.issuer, m.serial, org);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = RA_ERROR;
		else if (org[0] == '\0') {
			*why = "certificate not bound to an approved LRA";
			s = RA_FORBIDDEN;
		}
	}
	snprintf(object, sizeof(object), "certificate %s/%s",
	    m.issuer[0] ? m.issuer : "?", m.serial[0] ? m.serial : "?");
	if (s != RA_OK) {
		ev.type = "ra.lra.login";
		ev.auth = "tls-client-cert";
		ev.source = source;
		ev.object = object;
		ev.outcome = "refused";
		ev.detail = *why;
		ra_audit_event(ra, &ev);
		return s;
	}
	snprintf(p->name, sizeof(p->name), "cert:%.20s/%.38s", m.issuer,
	    m.serial);
	p->role = STORE_RA_LRA;
	snprintf(p->org, sizeof(p->org), "%s", org);
	p->full = 1;
	p->enrolled = 1;
	p->expires_at = m.not_after;
	p->auth = "tls-client-cert";
	p->source = source;
	return RA_OK;
}
