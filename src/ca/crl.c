#include "ca/crl.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/signed.h"

/*
 * RFC 5280 §5.1.2 TBSCertList as our own template: OpenSSL's X509_CRL
 * offers no way to set the inner signature algorithm without signing,
 * and the signature comes from the signer. Entries reuse X509_REVOKED.
 */
typedef struct inkan_tbscrl_st {
	ASN1_INTEGER	*version;
	X509_ALGOR	*sigalg;
	X509_NAME	*issuer;
	ASN1_TIME	*this_update;
	ASN1_TIME	*next_update;
	STACK_OF(X509_REVOKED) *revoked;
	STACK_OF(X509_EXTENSION) *extensions;
} INKAN_TBSCRL;

ASN1_SEQUENCE(INKAN_TBSCRL) = {
	ASN1_OPT(INKAN_TBSCRL, version, ASN1_INTEGER),
	ASN1_SIMPLE(INKAN_TBSCRL, sigalg, X509_ALGOR),
	ASN1_SIMPLE(INKAN_TBSCRL, issuer, X509_NAME),
	ASN1_SIMPLE(INKAN_TBSCRL, this_update, ASN1_TIME),
	ASN1_OPT(INKAN_TBSCRL, next_update, ASN1_TIME),
	ASN1_SEQUENCE_OF_OPT(INKAN_TBSCRL, revoked, X509_REVOKED),
	ASN1_EXP_SEQUENCE_OF_OPT(INKAN_TBSCRL, extensions, X509_EXTENSION, 0)
} static_ASN1_SEQUENCE_END(INKAN_TBSCRL)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(INKAN_TBSCRL)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(INKAN_TBSCRL)

/* What one CRL needs from its CA. */
struct crl_ctx {
	struct ca	*ca;
	const char	*issuer;
	char		*key;
	enum signer_md	 md;
	X509		*cacert;
	INKAN_TBSCRL	*tbs;
	time_t		 now;
	long		 entries;
	int		 shards;	/* 1: one CRL for the CA */
	int		 shard;		/* this CRL's partition */
	char		*url;		/* its distribution point */
};

/* Code-signing entries stay 10 years after expiry (CSBR 4.10.1, 7.2). */
#define CRL_CODESIGN_KEEP	(10LL * 366 * 86400)

const char *
ca_crl_url(const struct ca *ca, const char *name)
{
	const struct conf_root *r = conf_root_get(ca->conf, name);
	const struct conf_issuing *i = conf_issuing_get(ca->conf, name);

	return r != NULL ? r->crl_url : i != NULL ? i->crl_url : NULL;
}

/* Roots sign with their own digest (7.2-1 sha1); issuing CAs sha256 (7.2-2). */
static enum signer_md
crl_md(const struct ca *ca, const char *name)
{
	const struct conf_root *r = conf_root_get(ca->conf, name);

	return r != NULL ? r->md : SIGNER_MD_SHA256;
}

static int
crl_entry_ext(X509_REVOKED *rev, const struct store_revoked *r)
{
	ASN1_ENUMERATED *e = NULL;
	ASN1_GENERALIZEDTIME *t = NULL;
	int ok = 0;

	/* RFC 5280 §5.3.1: leave unspecified out rather than say it. */
	if (r->reason > 0) {
		if ((e = ASN1_ENUMERATED_new()) == NULL ||
		    !ASN1_ENUMERATED_set(e, r->reason) ||
		    !X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, e, 0, 0))
			goto out;
	}
	/* RFC 5280 §5.3.2: invalidityDate is a GeneralizedTime. */
	if (r->invalidity_at != 0) {
		if ((t = ASN1_GENERALIZEDTIME_set(NULL,
		    (time_t)r->invalidity_at)) == NULL ||
		    !X509_REVOKED_add1_ext_i2d(rev, NID_invalidity_date, t, 0,
		    0))
			goto out;
	}
	ok = 1;
 out:
	ASN1_ENUMERATED_free(e);
	ASN1_GENERALIZEDTIME_free(t);
	return ok;
}

static int
crl_add_entry(const struct store_revoked *r, void *arg)
{
	struct crl_ctx *c = arg;
	X509_REVOKED *rev = NULL;
	ASN1_INTEGER *sn = NULL;
	ASN1_TIME *when = NULL;
	BIGNUM *bn = NULL;
	int ok = 0;

	if (c->shards > 1 && ca_crl_shard(r->serial, c->shards) != c->shard)
		return 1;

	if ((rev = X509_REVOKED_new()) == NULL ||
	    BN_hex2bn(&bn, r->serial) == 0 ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_REVOKED_set_serialNumber(rev, sn) ||
	    (when = ASN1_TIME_set(NULL, (time_t)r->revoked_at)) == NULL ||
	    !X509_REVOKED_set_revocationDate(rev, when) ||
	    !crl_entry_ext(rev, r) || !sk_X509_REVOKED_push(c->tbs->revoked, rev))
		goto out;
	rev = NULL;
	c->entries++;
	ok = 1;
 out:
	X509_REVOKED_free(rev);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(when);
	BN_free(bn);
	return ok;
}

/*
 * A partition's scope: issuingDistributionPoint, critical (RFC 5280
 * §5.2.5), naming the URL its certificates' CRL DP names.
 */
static int
crl_add_idp(struct crl_ctx *c)
{
	ISSUING_DIST_POINT *idp;
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *uri = NULL;
	int ok = 0;

	if ((idp = ISSUING_DIST_POINT_new()) == NULL ||
	    (idp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (idp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL ||
	    (uri = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(uri, c->url, -1) || (gn = GENERAL_NAME_new()) == NULL)
		goto out;
	idp->distpoint->type = 0;
	GENERAL_NAME_set0_value(gn, GEN_URI, uri);
	uri = NULL;
	if (!sk_GENERAL_NAME_push(idp->distpoint->name.fullname, gn))
		goto out;
	gn = NULL;
	ok = X509V3_add1_i2d(&c->tbs->extensions, NID_issuing_distribution_point,
	    idp, 1, X509V3_ADD_APPEND);
 out:
	ASN1_IA5STRING_free(uri);
	GENERAL_NAME_free(gn);
	ISSUING_DIST_POINT_free(idp);
	return ok;
}

int
ca_crl_shard(const char *serial_hex, int shards)
{
	uint32_t h = 2166136261u;

	for (; *serial_hex != '\0'; serial_hex++)
		h = (h ^ (unsigned char)*serial_hex) * 16777619u;
	return shards > 1 ? (int)(h % (uint32_t)shards) : 0;
}

char *
ca_crl_shard_url(const char *url, int shard)
{
	const char *hit = strstr(url, "{shard}");
	size_t len;
	char *out;

	if (hit == NULL)
		return strdup(url);
	len = strlen(url) + 16;
	if ((out = malloc(len)) == NULL)
		return NULL;
	snprintf(out, len, "%.*s%d%s", (int)(hit - url), url, shard, hit + 7);
	return out;
}

/* CRL Number and AKI (tables 7.2-1/7.2-2), neither critical. */
static int
crl_set_extensions(struct crl_ctx *c, int64_t number)
{
	AUTHORITY_KEYID *aki = NULL;
	ASN1_INTEGER *num = NULL;
	int ok = 0;

	if ((c->tbs->extensions = sk_X509_EXTENSION_new_null()) == NULL)
		return 0;
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_int64(num, number) ||
	    !X509V3_add1_i2d(&c->tbs->extensions, NID_crl_number, num, 0,
	    X509V3_ADD_APPEND))
		goto out;
	if ((aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = ASN1_OCTET_STRING_dup(
	    X509_get0_subject_key_id(c->cacert))) == NULL ||
	    !X509V3_add1_i2d(&c->tbs->extensions,
	    NID_authority_key_identifier, aki, 0, X509V3_ADD_APPEND))
		goto out;
	if (c->shards > 1 && !crl_add_idp(c))
		goto out;
	ok = 1;
 out:
	ASN1_INTEGER_free(num);
	AUTHORITY_KEYID_free(aki);
	return ok;
}

static int
crl_cmp(const X509_REVOKED *const *a, const X509_REVOKED *const *b)
{
	return ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(*a),
	    X509_REVOKED_get0_serialNumber(*b));
}

/* The unsigned CRL: header, every entry the scope covers, extensions. */
static int
crl_build(struct crl_ctx *c, int64_t number)
{
	struct store_status_scope scope = { c->now, "codesign",
	    c->now - CRL_CODESIGN_KEEP };

	INKAN_TBSCRL *t;

	if ((t = c->tbs = INKAN_TBSCRL_new()) == NULL ||
	    (t->version = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set(t->version, X509_CRL_VERSION_2) ||
	    !X509_ALGOR_set0(t->sigalg, OBJ_nid2obj(cert_sig_nid(c->md)),
	    V_ASN1_NULL, NULL) ||
	    !X509_NAME_set(&t->issuer, X509_get_subject_name(c->cacert)) ||
	    (ASN1_TIME_free(t->this_update),
	    t->this_update = ASN1_TIME_set(NULL, c->now)) == NULL ||
	    (t->next_update = ASN1_TIME_set(NULL, c->now + CRL_VALIDITY))
	    == NULL || (t->revoked = sk_X509_REVOKED_new(crl_cmp)) == NULL)
		return 0;
	if (!store_revoked_each(c->ca->store, c->issuer, &scope, crl_add_entry,
	    c))
		return 0;
	/* Entries in serial order, so relying parties can search them. */
	sk_X509_REVOKED_sort(t->revoked);
	if (sk_X509_REVOKED_num(t->revoked) == 0) {
		/* RFC 5280 §5.1.2.6: absent, not empty, when none. */
		sk_X509_REVOKED_free(t->revoked);
		t->revoked = NULL;
	}
	return crl_set_extensions(c, number);
}

/* Signs the built CRL; returns the signed one, parsed back and verified. */
static X509_CRL *
crl_sign(struct crl_ctx *c)
{
	unsigned char *tbs = NULL, *sig = NULL, *der = NULL;
	const unsigned char *p;
	size_t sig_len, der_len;
	X509_CRL *signed_crl = NULL;
	int len;

	if ((len = i2d_INKAN_TBSCRL(c->tbs, &tbs)) <= 0 ||
	    !signer_sign(c->ca->signer, SIGNER_OP_SIGN_CRL, c->key, c->md, tbs,
	    (size_t)len, &sig, &sig_len) ||
	    !signed_encode(tbs, (size_t)len, cert_sig_nid(c->md), sig, sig_len,
	    &der, &der_len))
		goto out;
	p = der;
	if ((signed_crl = d2i_X509_CRL(NULL, &p, (long)der_len)) == NULL ||
	    p != der + der_len ||
	    X509_CRL_verify(signed_crl, X509_get0_pubkey(c->cacert)) != 1) {
		log_openssl("crl %s: signed CRL does not verify; discarded",
		    c->issuer);
		X509_CRL_free(signed_crl);
		signed_crl = NULL;
	}
 out:
	OPENSSL_free(tbs);
	OPENSSL_free(der);
	free(sig);
	return signed_crl;
}

/* Stores the CRL, then writes it where its URL points (CP-2.3). */
static int
crl_publish(struct crl_ctx *c, X509_CRL *crl, int64_t number)
{
	unsigned char *der = NULL;
	char *path = NULL, *dir = NULL, *slash;
	int len, ok = 0;

	if ((len = i2d_X509_CRL(crl, &der)) <= 0 ||
	    !store_crl_insert(c->ca->store, c->issuer, number, c->now,
	    c->now + CRL_VALIDITY, der, (size_t)len))
		goto out;
	if ((path = ca_repository_path(c->ca, c->url)) == NULL) {
		ok = 1;		/* served elsewhere: stored only */
		goto out;
	}
	if ((dir = strdup(path)) == NULL)
		goto out;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	ok = file_mkdirs(dir, 0755) &&
	    file_write_atomic(path, der, (size_t)len, 0644, 0);
 out:
	OPENSSL_free(der);
	free(path);
	free(dir);
	return ok;
}

/*
 * CP-4.3.1 for CRLs: a CRL the linter finds wrong is never published (the
 * signer had to sign it first, as a CRL has no TBS-only lint form).
 */
static int
crl_lint(struct crl_ctx *c, X509_CRL *crl)
{
	struct lint_crl_input in = { .crl = crl, .issuer = c->cacert,
	    .now = c->now, .pre_issuance = 1 };
	struct lint_report rep = { 0 };
	char buf[1024];
	int ok;

	lint_crl(&in, &rep);
	if (!(ok = rep.count[LINT_ERROR] == 0)) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		log_error("crl %s: refused by the linter, not published: %s",
		    c->issuer, buf);
	}
	lint_report_clear(&rep);
	return ok;
}

static int
crl_ctx_load(struct ca *ca, const char *issuer, time_t now,
    struct crl_ctx *c)
{
	struct store_ca *rec = NULL;

	memset(c, 0, sizeof(*c));
	c->ca = ca;
	c->issuer = issuer;
	c->now = now;
	c->md = crl_md(ca, issuer);
	if (!store_ca_get(ca->store, issuer, &rec) || rec == NULL ||
	    rec->kind == STORE_CA_RESPONDER) {
		log_error("crl: %s is not a CA of this store", issuer);
		store_ca_free(rec);
		return 0;
	}
	c->key = strdup(rec->key_name);
	store_ca_free(rec);
	c->cacert = ca_cert_pick(ca, issuer, cert_sig_nid(c->md));
	return c->key != NULL && c->cacert != NULL;
}

/* One CRL: of the whole CA, or of partition c->shard. */
static int
crl_issue_one(struct crl_ctx *c, int64_t *number)
{
	X509_CRL *signed_crl = NULL;
	char counter[96];
	int64_t n = 0;
	int ok = 0;

	/*
	 * Taken and committed before signing: a crash only skips a number.
	 * Partitions share the CA's counter, so each one's numbers rise too.
	 */
	snprintf(counter, sizeof(counter), "crl:%s", c->issuer);
	if (!store_counter_next(c->ca->store, counter, &n))
		goto out;
	if (!crl_build(c, n)) {
		log_openssl("crl %s: cannot build CRL %lld", c->issuer,
		    (long long)n);
		goto out;
	}
	if ((signed_crl = crl_sign(c)) == NULL || !crl_lint(c, signed_crl) ||
	    !crl_publish(c, signed_crl, n))
		goto out;
	if (c->shards > 1)
		log_info("crl %s: CRL %lld of partition %d issued with %ld "
		    "entries", c->issuer, (long long)n, c->shard, c->entries);
	else
		log_info("crl %s: CRL %lld issued with %ld entries", c->issuer,
		    (long long)n, c->entries);
	if (number != NULL)
		*number = n;
	ok = 1;
 out:
	X509_CRL_free(signed_crl);
	INKAN_TBSCRL_free(c->tbs);
	c->tbs = NULL;
	c->entries = 0;
	return ok;
}

int
ca_crl_issue(struct ca *ca, const char *issuer, time_t now, int64_t *number)
{
	const struct conf_issuing *ic = conf_issuing_get(ca->conf, issuer);
	struct crl_ctx c;
	int ok = 0;

	if (!crl_ctx_load(ca, issuer, now, &c))
		goto out;
	c.shards = ic != NULL && ic->crl_shards > 1 ? ic->crl_shards : 1;
	ok = 1;
	for (c.shard = 0; ok && c.shard < c.shards; c.shard++) {
		free(c.url);
		if ((c.url = ca_crl_shard_url(ca_crl_url(ca, issuer), c.shard))
		    == NULL)
			ok = 0;
		else
			ok = crl_issue_one(&c, number);
	}
 out:
	free(c.url);
	X509_free(c.cacert);
	free(c.key);
	return ok;
}

int
ca_crl_issue_all(struct ca *ca, time_t now)
{
	int ok = 1;

	for (size_t i = 0; i < ca->conf->nroots; i++)
		ok &= ca_crl_issue(ca, ca->conf->roots[i].name, now, NULL);
	for (size_t i = 0; i < ca->conf->nissuing; i++)
		ok &= ca_crl_issue(ca, ca->conf->issuing[i].name, now, NULL);
	return ok;
}

static int
crl_due(struct ca *ca, const char *issuer, time_t now)
{
	struct store_crl *latest = NULL;
	int due;

	if (!store_crl_latest(ca->store, issuer, &latest))
		return 0;
	due = latest == NULL || latest->this_update + CRL_INTERVAL <= now;
	store_crl_free(latest);
	return due;
}

int
ca_crl_tick(struct ca *ca, time_t now)
{
	int issued = 0;

	for (size_t i = 0; i < ca->conf->nroots + ca->conf->nissuing; i++) {
		const char *name = i < ca->conf->nroots ?
		    ca->conf->roots[i].name :
		    ca->conf->issuing[i - ca->conf->nroots].name;

		if (!crl_due(ca, name, now))
			continue;
		if (!ca_crl_issue(ca, name, now, NULL))
			return -1;
		issued++;
	}
	return issued;
}
