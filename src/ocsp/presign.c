#include "ocsp/presign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ocsp.h>

#include "lint/lint.h"
#include "ocsp/build.h"
#include "util/log.h"

/* Everything one issuer's responses share. */
struct presign_ctx {
	struct ca	*ca;
	const char	*issuer;
	char		 responder[80];
	X509		*cacert;	/* issuer name and key for CertIDs */
	X509		*rcert;		/* the delegated responder's */
	char		*rkey;		/* its signer key name */
	int		 self;		/* a root: it signs its own answers */
	time_t		 now;
	time_t		 next_update;
};

static const char *const presign_algs[] = { "sha1", "sha256" };

void
ocsp_responder_name(const char *issuer, char *buf, size_t len)
{
	snprintf(buf, len, "%s-ocsp", issuer);
}

static void
presign_ctx_clear(struct presign_ctx *p)
{
	X509_free(p->cacert);
	X509_free(p->rcert);
	free(p->rkey);
	memset(p, 0, sizeof(*p));
}

static int
presign_ctx_load(struct ca *ca, const char *issuer, time_t now,
    struct presign_ctx *p)
{
	struct store_ca *rec = NULL;
	struct tm tm;
	time_t rend;

	memset(p, 0, sizeof(*p));
	p->ca = ca;
	p->issuer = issuer;
	p->now = now;
	ocsp_responder_name(issuer, p->responder, sizeof(p->responder));
	/*
	 * A root answers for the CA certificates it signed with its own key
	 * (RFC 6960 §4.2.2.2, "the CA who issued the certificate"), so that
	 * relying parties checking the whole chain (nginx ssl_ocsp on) get
	 * an answer for the cross-certificates too.
	 */
	for (size_t i = 0; i < ca->conf->nroots; i++)
		if (strcmp(ca->conf->roots[i].name, issuer) == 0) {
			p->self = 1;
			snprintf(p->responder, sizeof(p->responder), "%s",
			    issuer);
		}
	if (!store_ca_get(ca->store, p->responder, &rec) || rec == NULL) {
		log_error("ocsp: %s has no OCSP responder (%s)", issuer,
		    p->responder);
		return 0;
	}
	p->rkey = strdup(rec->key_name);
	store_ca_free(rec);
	if (p->rkey == NULL ||
	    (p->cacert = ca_cert_pick(ca, issuer, NID_undef)) == NULL ||
	    (p->rcert = ca_cert_pick(ca, p->responder, NID_undef)) == NULL) {
		log_error("ocsp: %s: issuer or responder certificate missing",
		    issuer);
		return 0;
	}
	/* A response must not outlive the certificate that signs it. */
	p->next_update = now + OCSP_VALIDITY;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(p->rcert), &tm) &&
	    (rend = timegm(&tm)) < p->next_update)
		p->next_update = rend;
	if (p->next_update <= now) {
		log_error("ocsp: responder certificate of %s has expired; "
		    "renew it", issuer);
		return 0;
	}
	return 1;
}

static OCSP_CERTID *
presign_certid(const struct presign_ctx *p, const char *alg,
    const char *serial)
{
	ASN1_INTEGER *sn = NULL;
	OCSP_CERTID *cid = NULL;
	BIGNUM *bn = NULL;

	if (BN_hex2bn(&bn, serial) == 0 ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto out;
	cid = OCSP_cert_id_new(strcmp(alg, "sha1") == 0 ? EVP_sha1() :
	    EVP_sha256(), X509_get_subject_name(p->cacert),
	    X509_get0_pubkey_bitstr(p->cacert), sn);
 out:
	BN_free(bn);
	ASN1_INTEGER_free(sn);
	return cid;
}

static void
presign_single(const struct presign_ctx *p, const struct store_cert *c,
    OCSP_CERTID *cid, struct ocsp_single *s)
{
	memset(s, 0, sizeof(*s));
	s->cid = cid;
	s->this_update = p->now;
	s->next_update = p->next_update;
	s->reason = -1;
	if (c->status == STORE_STATUS_GOOD) {
		s->status = V_OCSP_CERTSTATUS_GOOD;
		return;
	}
	s->status = V_OCSP_CERTSTATUS_REVOKED;
	s->revoked_at = (time_t)c->revoked_at;
	/* RFC 5280 §5.3.1: unspecified is better left out. */
	s->reason = c->reason > 0 ? c->reason : -1;
	s->invalidity = (time_t)c->invalidity_at;
}

/* One TBS per certificate and CertID hash, into jobs[2i], jobs[2i+1]. */
static int
presign_build(const struct presign_ctx *p, struct store_cert *const *certs,
    size_t n, struct signer_job *jobs)
{
	struct ocsp_single s;
	unsigned char *tbs;
	size_t tbs_len;
	OCSP_CERTID *cid;
	int ok;

	for (size_t i = 0; i < n; i++) {
		for (size_t a = 0; a < 2; a++) {
			struct signer_job *j = &jobs[2 * i + a];

			if ((cid = presign_certid(p, presign_algs[a],
			    certs[i]->serial)) == NULL)
				return 0;
			presign_single(p, certs[i], cid, &s);
			ok = ocsp_tbs_build(p->rcert, p->now, &s, 1, NULL, &tbs,
			    &tbs_len);
			OCSP_CERTID_free(cid);
			if (!ok)
				return 0;
			j->op = SIGNER_OP_SIGN_OCSP;
			j->md = SIGNER_MD_SHA256;
			j->key = p->rkey;
			j->tbs = tbs;
			j->tbs_len = tbs_len;
		}
	}
	return 1;
}

/* CP-4.3.1 for OCSP: a response the linter finds wrong is not kept. */
static int
presign_lint(X509 *cacert, const unsigned char *der, size_t len, time_t now)
{
	struct lint_ocsp_input in = { .der = der, .len = len, .issuer = cacert,
	    .now = now, .pre_issuance = 1 };
	struct lint_report rep = { 0 };
	char buf[1024];
	int ok;

	lint_ocsp(&in, &rep);
	if (!(ok = rep.count[LINT_ERROR] == 0)) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		log_error("ocsp: response refused by the linter: %s", buf);
	}
	lint_report_clear(&rep);
	return ok;
}

static int
presign_store(const struct presign_ctx *p, struct store_cert *const *certs,
    size_t n, struct signer_job *jobs, long *stored)
{
	struct store_ocsp r;
	unsigned char *der = NULL;
	size_t der_len;
	int ok = store_begin(p->ca->store);

	for (size_t i = 0; ok && i < 2 * n; i++) {
		if (!jobs[i].ok)
			continue;
		if (!ocsp_response_assemble(jobs[i].tbs, jobs[i].tbs_len,
		    SIGNER_MD_SHA256, jobs[i].sig, jobs[i].sig_len,
		    p->self ? NULL : p->rcert, &der, &der_len))
			continue;
		if (!presign_lint(p->cacert, der, der_len, p->now)) {
			OPENSSL_free(der);
			der = NULL;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.issuer = (char *)p->issuer;
		r.serial = certs[i / 2]->serial;
		r.hash_alg = (char *)presign_algs[i % 2];
		r.der = der;
		r.der_len = der_len;
		r.this_update = p->now;
		r.next_update = p->next_update;
		r.produced_at = p->now;
		ok = store_ocsp_put(p->ca->store, &r);
		OPENSSL_free(der);
		der = NULL;
		*stored += ok;
	}
	if (ok && store_commit(p->ca->store))
		return 1;
	store_rollback(p->ca->store);
	*stored = 0;
	return 0;
}

long
ocsp_presign_certs(struct ca *ca, const char *issuer,
    struct store_cert *const *certs, size_t n, time_t now)
{
	struct presign_ctx p;
	struct signer_job *jobs = NULL;
	long stored = 0;

	if (n == 0)
		return 0;
	if (!presign_ctx_load(ca, issuer, now, &p))
		goto out;
	if ((jobs = calloc(2 * n, sizeof(*jobs))) == NULL ||
	    !presign_build(&p, certs, n, jobs))
		goto out;
	if (!signer_sign_many(ca->signer, jobs, 2 * n))
		log_error("ocsp: the signer session failed");
	presign_store(&p, certs, n, jobs, &stored);
 out:
	for (size_t i = 0; jobs != NULL && i < 2 * n; i++)
		OPENSSL_free((void *)jobs[i].tbs);
	if (jobs != NULL)
		signer_jobs_clear(jobs, 2 * n);
	free(jobs);
	presign_ctx_clear(&p);
	return stored > 0 || n == 0 ? stored : -1;
}

/* Certificates collected from a walk, signed in batches. */
struct presign_batch {
	struct store_cert **v;
	size_t		 n;
	size_t		 cap;
};

#define PRESIGN_BATCH	256

static int
presign_collect(const struct store_cert *c, void *arg)
{
	struct presign_batch *b = arg;
	struct store_cert *copy;

	if (b->n == b->cap)
		return 0;	/* full: the caller signs and walks again */
	/* A root's own certificate: trust anchors have no status to ask. */
	if (strcmp(c->profile, "root") == 0)
		return 1;
	if ((copy = calloc(1, sizeof(*copy))) == NULL)
		return 0;
	*copy = *c;
	copy->issuer = NULL;
	copy->profile = copy->subject = copy->subject_ca = NULL;
	copy->der = NULL;
	if ((copy->serial = strdup(c->serial)) == NULL) {
		free(copy);
		return 0;
	}
	b->v[b->n++] = copy;
	return 1;
}

static void
presign_batch_clear(struct presign_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i]->serial);
		free(b->v[i]);
	}
	b->n = 0;
}

/* Signs everything of issuer that has no current answer. */
static long
presign_missing(struct ca *ca, const char *issuer, time_t now,
    struct presign_batch *b)
{
	struct store_status_scope scope = { now, "codesign",
	    now - OCSP_CODESIGN_KEEP };
	long total = 0, done;

	for (size_t a = 0; a < 2; a++) {
		do {
			presign_batch_clear(b);
			store_cert_each_needing_ocsp(ca->store, issuer,
			    presign_algs[a], &scope, presign_collect, b);
			if (b->n == 0)
				break;
			if ((done = ocsp_presign_certs(ca, issuer, b->v, b->n,
			    now)) < 0) {
				presign_batch_clear(b);
				return -1;
			}
			total += done;
			/* No progress: stop rather than walk the same rows. */
		} while (b->n == b->cap && done > 0);
	}
	presign_batch_clear(b);
	return total;
}

struct presign_due {
	struct ca	*ca;
	const char	*issuer;
	time_t		 now;
	struct presign_batch *b;
};

static int
presign_due_collect(const struct store_ocsp *r, void *arg)
{
	struct presign_due *d = arg;
	struct store_cert *c = NULL;
	int ok;

	if (strcmp(r->issuer, d->issuer) != 0 || strcmp(r->hash_alg, "sha1"))
		return 1;
	if (!store_cert_get(d->ca->store, r->issuer, r->serial, &c) ||
	    c == NULL)
		return 1;
	/* Expired ones are no longer answered for, but for code signing. */
	if (c->not_after < d->now && (strcmp(c->profile, "codesign") != 0 ||
	    c->not_after < d->now - OCSP_CODESIGN_KEEP)) {
		store_cert_free(c);
		return 1;
	}
	ok = presign_collect(c, d->b);
	store_cert_free(c);
	return ok;
}

/* Re-signs the answers of issuer that are OCSP_REFRESH_AGE old. */
static long
presign_refresh(struct ca *ca, const char *issuer, time_t now,
    struct presign_batch *b)
{
	struct presign_due d = { ca, issuer, now, b };
	long total = 0, done;
	int64_t before = now + OCSP_VALIDITY - OCSP_REFRESH_AGE;

	do {
		presign_batch_clear(b);
		store_ocsp_each_due(ca->store, before, presign_due_collect, &d);
		if (b->n == 0)
			break;
		if ((done = ocsp_presign_certs(ca, issuer, b->v, b->n,
		    now)) < 0) {
			presign_batch_clear(b);
			return -1;
		}
		total += done;
	} while (b->n == b->cap && done > 0);
	presign_batch_clear(b);
	return total;
}

long
ocsp_presign_pending(struct ca *ca, time_t now)
{
	struct store_cert *slots[PRESIGN_BATCH];
	struct presign_batch b = { slots, 0, PRESIGN_BATCH };
	long total = 0, done;

	for (size_t i = 0; i < ca->conf->nroots + ca->conf->nissuing; i++) {
		const char *issuer = i < ca->conf->nroots ?
		    ca->conf->roots[i].name :
		    ca->conf->issuing[i - ca->conf->nroots].name;

		if ((done = presign_missing(ca, issuer, now, &b)) < 0 ||
		    (total += done, done = presign_refresh(ca, issuer, now,
		    &b)) < 0)
			return -1;
		total += done;
	}
	return total;
}

int
ocsp_sign_now(struct ca *ca, const char *issuer,
    const struct ocsp_single *singles, size_t n,
    const ASN1_OCTET_STRING *nonce, time_t now, unsigned char **der,
    size_t *der_len)
{
	struct presign_ctx p;
	unsigned char *tbs = NULL, *sig = NULL;
	size_t tbs_len, sig_len;
	int ok = 0;

	*der = NULL;
	if (!presign_ctx_load(ca, issuer, now, &p))
		goto out;
	if (!ocsp_tbs_build(p.rcert, now, singles, n, nonce, &tbs, &tbs_len) ||
	    !signer_sign(ca->signer, SIGNER_OP_SIGN_OCSP, p.rkey,
	    SIGNER_MD_SHA256, tbs, tbs_len, &sig, &sig_len))
		goto out;
	ok = ocsp_response_assemble(tbs, tbs_len, SIGNER_MD_SHA256, sig,
	    sig_len, p.self ? NULL : p.rcert, der, der_len) &&
	    presign_lint(p.cacert, *der, *der_len, now);
	if (!ok) {
		OPENSSL_free(*der);
		*der = NULL;
	}
 out:
	OPENSSL_free(tbs);
	free(sig);
	presign_ctx_clear(&p);
	return ok;
}

time_t
ocsp_next_update(struct ca *ca, const char *issuer, time_t now)
{
	struct presign_ctx p;
	time_t t = now + OCSP_VALIDITY;

	if (presign_ctx_load(ca, issuer, now, &p))
		t = p.next_update;
	presign_ctx_clear(&p);
	return t;
}
