#include "ca/sign.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ca/clock.h"
#include "audit/seal.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/name.h"
#include "x509/signed.h"

/* Per-item state between the two commits. */
struct ca_pending {
	unsigned char	*tbs;
	size_t		 tbs_len;
	char		*serial;
	int		 recorded;
};

/* A batch between its two commits (ca_sign_begin, ca_sign_end). */
struct ca_sign_flight {
	struct ca_signing how;
	struct ca_sign_item *items;
	struct ca_pending *p;
	struct signer_job *jobs;
	size_t		 n;
	struct signer	*signer;
	pthread_t	 thread;
	int		 running;	/* thread started, not yet joined */
	int		 session_ok;	/* what signer_sign_many returned */
};

static void
ca_pending_clear(struct ca_pending *p, size_t n)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		OPENSSL_free(p[i].tbs);
		OPENSSL_free(p[i].serial);
	}
	free(p);
}

static int
ca_time_of(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	*out = (int64_t)timegm(&tm);
	return 1;
}

/* Fills the intent row of one item. */
static int
ca_intent_row(const struct ca_signing *how, const struct ca_sign_item *it,
    const struct ca_pending *p, struct store_cert *row, char **subject)
{
	memset(row, 0, sizeof(*row));
	if ((*subject = name_oneline(X509_get_subject_name(it->tbs))) == NULL)
		return 0;
	row->issuer = (char *)how->issuer;
	row->serial = p->serial;
	row->state = STORE_CERT_INTENT;
	SHA256(p->tbs, p->tbs_len, row->tbs_sha256);
	row->profile = (char *)it->profile;
	row->subject = *subject;
	row->subject_ca = (char *)it->subject_ca;
	row->intent_at = ca_now();
	row->reason = -1;
	return ca_time_of(X509_get0_notBefore(it->tbs), &row->not_before) &&
	    ca_time_of(X509_get0_notAfter(it->tbs), &row->not_after);
}

/*
 * The audit record of one item (CP-5.4), in the transaction that stores
 * it: serial, TBS hash and profile. type is cert.intent (before the
 * signer sees it) or cert.issue ("failed" for a signature refused).
 */
static int
ca_audit_item(struct ca *ca, const struct ca_signing *how,
    const struct ca_sign_item *it, const struct ca_pending *p, int intent)
{
	char object[200], detail[512], hex[65];
	unsigned char h[32];

	snprintf(object, sizeof(object), "cert:%s:%s", how->issuer,
	    p->serial);
	SHA256(p->tbs, p->tbs_len, h);
	audit_hex(h, 32, hex);
	snprintf(detail, sizeof(detail), "{\"tbs_sha256\":\"%s\","
	    "\"profile\":", hex);
	if (!audit_json_str(detail, sizeof(detail) - 1, it->profile))
		return 0;
	strcat(detail, "}");
	if (intent)
		return audit_ca(ca, "cert.intent", object, "ok", detail);
	return audit_ca(ca, how->op == SIGNER_OP_SIGN_CA_CERT ?
	    "cert.issue.ca" : "cert.issue", object,
	    it->der != NULL ? "ok" : "failed", detail);
}

/* Step 1: every intent durable in one transaction before any signing. */
static int
ca_record_intents(struct ca *ca, const struct ca_signing *how,
    struct ca_sign_item *items, struct ca_pending *p, size_t n)
{
	struct store_cert row;
	char *subject = NULL;
	int ok = 0;

	if (!store_begin(ca->store))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!cert_tbs(items[i].tbs, &p[i].tbs, &p[i].tbs_len) ||
		    (p[i].serial = cert_serial_hex(
		    X509_get0_serialNumber(items[i].tbs))) == NULL ||
		    !ca_intent_row(how, &items[i], &p[i], &row, &subject) ||
		    !store_cert_intent(ca->store, &row) ||
		    !ca_audit_item(ca, how, &items[i], &p[i], 1))
			goto out;
		free(subject);
		subject = NULL;
	}
	ok = store_commit(ca->store);
 out:
	free(subject);
	if (!ok) {
		store_rollback(ca->store);
		log_error("issuance: cannot record the intent to sign; "
		    "nothing was signed");
	} else
		for (size_t i = 0; i < n; i++)
			p[i].recorded = 1;
	return ok;
}

/*
 * The signature must verify with the issuer's key over exactly the TBS
 * bytes recorded in the intent; a signer that misbehaves is caught here.
 */
static int
ca_verify_sig(EVP_MD_CTX *tmpl, const struct ca_pending *p,
    const struct signer_job *job)
{
	EVP_MD_CTX *ctx;
	int ok = 0;

	/* A copy of the initialised context: no algorithm fetch per cert. */
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (tmpl != NULL && EVP_MD_CTX_copy_ex(ctx, tmpl) == 1 &&
	    EVP_DigestVerify(ctx, job->sig, job->sig_len, p->tbs,
	    p->tbs_len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		log_openssl("certificate %s: signature does not verify with "
		    "the issuer's key; discarded", p->serial);
	return ok;
}

/* The verifying context every signature of a flight starts from. */
static EVP_MD_CTX *
ca_verify_tmpl(const struct ca_signing *how)
{
	EVP_MD_CTX *ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_get_digestbyname(
	    signer_md_name(how->md)), NULL, how->issuer_pub) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Joins and checks one signature into it->der (and it->cert if wanted). */
static int
ca_finish_one(const struct ca_signing *how, EVP_MD_CTX *tmpl,
    const struct ca_pending *p, const struct signer_job *job,
    struct ca_sign_item *it)
{
	const unsigned char *q;

	if (!job->ok || !ca_verify_sig(tmpl, p, job))
		return 0;
	if (!signed_encode(p->tbs, p->tbs_len, cert_sig_nid(how->md), job->sig,
	    job->sig_len, &it->der, &it->der_len))
		return 0;
	if (!it->want_x509)
		return 1;
	q = it->der;
	if ((it->cert = d2i_X509(NULL, &q, (long)it->der_len)) == NULL ||
	    q != it->der + it->der_len) {
		log_openssl("certificate %s: cannot parse what was signed",
		    p->serial);
		X509_free(it->cert);
		it->cert = NULL;
		OPENSSL_free(it->der);
		it->der = NULL;
		return 0;
	}
	return 1;
}

void
ca_sign_items_clear(struct ca_sign_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		OPENSSL_free(items[i].der);
		X509_free(items[i].cert);
		items[i].der = NULL;
		items[i].der_len = 0;
		items[i].cert = NULL;
	}
}

/* A signed certificate the store refused is kept on disk, never lost. */
static void
ca_keep_unrecorded(struct ca *ca, const char *issuer, const char *serial,
    const unsigned char *der, size_t der_len)
{
	char name[200], *dir, *path = NULL;

	if ((dir = file_join(ca->dir, "unrecorded")) == NULL)
		return;
	snprintf(name, sizeof(name), "%s-%s.der", issuer, serial);
	if (file_mkdirs(dir, 0700) && (path = file_join(dir, name)) != NULL &&
	    file_write_atomic(path, der, der_len, 0600, 0))
		log_error("certificate %s/%s: kept in %s for reconciliation",
		    issuer, serial, path);
	free(path);
	free(dir);
}

/* Step 3: every signed certificate durable in one transaction. */
static int
ca_record_issued(struct ca *ca, const struct ca_signing *how,
    struct ca_sign_item *items, struct ca_pending *p, size_t n)
{
	int ok = store_begin(ca->store);

	for (size_t i = 0; ok && i < n; i++) {
		if (items[i].der == NULL)
			ok = store_cert_abort(ca->store, how->issuer, p[i].serial);
		else
			ok = store_cert_issued(ca->store, how->issuer,
			    p[i].serial, items[i].der, items[i].der_len,
			    ca_now());
		ok = ok && ca_audit_item(ca, how, &items[i], &p[i], 0);
	}
	if (ok && store_commit(ca->store)) {
		ca->changed = 1;
		return 1;
	}
	store_rollback(ca->store);
	for (size_t i = 0; i < n; i++) {
		if (items[i].der == NULL)
			continue;
		ca_keep_unrecorded(ca, how->issuer, p[i].serial, items[i].der,
		    items[i].der_len);
	}
	/* Never handed out: what the store does not hold is not issued. */
	ca_sign_items_clear(items, n);
	log_error("issuance: cannot store the signed certificates");
	return 0;
}

/*
 * Asks the signer, once per key and process, for the key's public half:
 * that unlocks it (a wrong passphrase fails here, before any intent is
 * recorded) and proves it is the key of the issuer's certificate.
 */
static int
ca_key_ready(struct ca *ca, const struct ca_signing *how)
{
	unsigned char *spki = NULL, *mine = NULL;
	size_t spki_len;
	int len, ok = 0;

	for (size_t i = 0; i < ca->nready; i++)
		if (strcmp(ca->ready[i], how->key) == 0)
			return 1;
	if (!signer_pubkey(ca->signer, how->key, &spki, &spki_len)) {
		char object[SIGNER_KEY_NAME_MAX + 8];

		/* A wrong passphrase, or a key file missing or damaged. */
		snprintf(object, sizeof(object), "key:%s", how->key);
		audit_ca(ca, "key.unlock", object, "failed", NULL);
		goto out;
	}
	if ((len = i2d_PUBKEY(how->issuer_pub, &mine)) <= 0 ||
	    (size_t)len != spki_len || memcmp(mine, spki, spki_len) != 0) {
		log_error("issuance: signer key %s is not the key of %s's "
		    "certificate; nothing was signed", how->key, how->issuer);
		goto out;
	}
	if (ca->nready < CA_READY_MAX)
		snprintf(ca->ready[ca->nready++], sizeof(ca->ready[0]), "%s",
		    how->key);
	ok = 1;
 out:
	free(spki);
	OPENSSL_free(mine);
	return ok;
}

static void
ca_sign_flight_free(struct ca_sign_flight *f)
{
	if (f == NULL)
		return;
	if (f->jobs != NULL)
		signer_jobs_clear(f->jobs, f->n);
	free(f->jobs);
	ca_pending_clear(f->p, f->n);
	free(f);
}

/*
 * The signer's side of a flight, in its own thread: it touches only the
 * signer socket and f, never the store, which stays with the caller.
 */
static void *
ca_sign_thread(void *arg)
{
	struct ca_sign_flight *f = arg;

	f->session_ok = signer_sign_many(f->signer, f->jobs, f->n);
	return NULL;
}

/* Hands f to the signer: in a thread, or here if none can be started. */
static void
ca_sign_launch(struct ca_sign_flight *f)
{
	for (size_t i = 0; i < f->n; i++) {
		f->jobs[i].op = f->how.op;
		f->jobs[i].md = f->how.md;
		f->jobs[i].key = f->how.key;
		f->jobs[i].tbs = f->p[i].tbs;
		f->jobs[i].tbs_len = f->p[i].tbs_len;
	}
	if (pthread_create(&f->thread, NULL, ca_sign_thread, f) == 0)
		f->running = 1;
	else
		ca_sign_thread(f);
}

static void
ca_sign_wait(struct ca_sign_flight *f)
{
	if (f != NULL && f->running) {
		pthread_join(f->thread, NULL);
		f->running = 0;
	}
}

struct ca_sign_flight *
ca_sign_begin(struct ca *ca, const struct ca_signing *how,
    struct ca_sign_item *items, size_t n, struct ca_sign_flight *prev)
{
	struct ca_sign_flight *f;
	int recorded;

	for (size_t i = 0; i < n; i++) {
		items[i].der = NULL;
		items[i].der_len = 0;
		items[i].cert = NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->p = calloc(n, sizeof(*f->p))) == NULL ||
	    (f->jobs = calloc(n, sizeof(*f->jobs))) == NULL) {
		log_error("issuance: out of memory; nothing was signed");
		ca_sign_flight_free(f);
		return NULL;
	}
	f->how = *how;
	f->items = items;
	f->n = n;
	f->signer = ca->signer;
	/*
	 * A wrong clock (CP-5.5.5) or a key that cannot sign (wrong
	 * passphrase) records nothing.
	 */
	if (!ca_clock_ok(ca, how->issuer, NULL) || !ca_key_ready(ca, how)) {
		ca_sign_wait(prev);
		ca_sign_flight_free(f);
		return NULL;
	}
	/* Durable before the signer sees it; prev is signed meanwhile. */
	recorded = ca_record_intents(ca, how, items, f->p, n);
	ca_sign_wait(prev);
	if (!recorded) {
		ca_sign_flight_free(f);
		return NULL;
	}
	ca_sign_launch(f);
	return f;
}

int
ca_sign_end(struct ca *ca, struct ca_sign_flight *f)
{
	EVP_MD_CTX *tmpl;
	int all = 1;

	if (f == NULL)
		return 0;
	ca_sign_wait(f);
	/* A broken session leaves every job !ok: all intents get aborted. */
	if (!f->session_ok)
		log_error("issuance: the signer session failed");
	tmpl = ca_verify_tmpl(&f->how);
	for (size_t i = 0; i < f->n; i++)
		all &= ca_finish_one(&f->how, tmpl, &f->p[i], &f->jobs[i],
		    &f->items[i]);
	EVP_MD_CTX_free(tmpl);
	if (!ca_record_issued(ca, &f->how, f->items, f->p, f->n))
		all = 0;
	ca_sign_flight_free(f);
	return all;
}

int
ca_sign_batch(struct ca *ca, const struct ca_signing *how,
    struct ca_sign_item *items, size_t n)
{
	if (n == 0)
		return 1;
	return ca_sign_end(ca, ca_sign_begin(ca, how, items, n, NULL));
}

X509 *
ca_sign_one(struct ca *ca, const struct ca_signing *how, X509 *tbs,
    const char *profile, const char *subject_ca)
{
	struct ca_sign_item item = { tbs, profile, subject_ca, 1, NULL, 0,
	    NULL };
	X509 *x;

	ca_sign_batch(ca, how, &item, 1);
	x = item.cert;
	item.cert = NULL;
	ca_sign_items_clear(&item, 1);
	return x;
}
