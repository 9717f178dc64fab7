#include "ocsp/responder.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/sha.h>

#include "ca/ca.h"
#include "ocsp/build.h"
#include "ocsp/presign.h"
#include "util/log.h"

/* CertID hash algorithms we answer for (RFC 6960 §4.1.1, RFC 5019 §2.1.1). */
enum ocsp_alg { OCSP_ALG_SHA1, OCSP_ALG_SHA256, OCSP_ALG_MAX };

static const char *const ocsp_alg_names[OCSP_ALG_MAX] = { "sha1", "sha256" };

/* An issuing CA as CertIDs name it. */
struct ocsp_issuer {
	char		 name[65];
	unsigned char	 name_hash[OCSP_ALG_MAX][32];
	unsigned char	 key_hash[OCSP_ALG_MAX][32];
};

/* One ready answer. */
struct ocsp_entry {
	uint64_t	 hash;		/* 0: empty slot */
	uint8_t		 issuer;
	uint8_t		 alg;
	char		 serial[41];
	unsigned char	*der;
	size_t		 der_len;
	time_t		 this_update;
	time_t		 next_update;
	time_t		 produced_at;
	char		 etag[41];
	const char	*status;
};

/* Open addressing, linear probing; capacity a power of two, half full. */
struct ocsp_table {
	struct ocsp_entry *slots;
	size_t		 cap;
	size_t		 n;
};

#define OCSP_MAX_SINGLES	16	/* CertIDs in one request */
#define OCSP_QUEUE_MAX		256	/* waiting on-demand answers */
#define OCSP_NONCE_MAX		32	/* RFC 8954 §2.1 */

/* An answer that needs the signer, waited for by an HTTP thread. */
struct ocsp_job {
	struct ocsp_job	*next;
	OCSP_CERTID	*cids[OCSP_MAX_SINGLES];
	size_t		 n;
	int		 issuer;
	int		 alg;
	ASN1_OCTET_STRING *nonce;	/* NULL: do not echo */
	int		 cache;		/* 1: keep the answer in the table */
	int		 done;		/* 1: finished (der may be NULL) */
	int		 abandoned;	/* the waiter gave up; worker frees */
	unsigned char	*der;
	size_t		 der_len;
	const char	*status;
	time_t		 this_update;
	time_t		 next_update;
};

struct ocsp_responder {
	pthread_rwlock_t lock;		/* guards table */
	struct ocsp_table table;
	struct ocsp_issuer issuers[CONF_ROOTS_MAX + CONF_ISSUING_MAX];
	size_t		 nissuers;
	int64_t		 last_produced;	/* newest produced_at loaded */
	struct ocsp_responder_opts opts;
	pthread_mutex_t	 qlock;		/* guards the queue and jobs */
	pthread_cond_t	 qdone;
	struct ocsp_job	*queue;
	size_t		 qlen;
	int		 efd;
	unsigned char	*errors[7];	/* status-only answers, by status */
	size_t		 error_len[7];
};

/* FNV-1a over issuer, alg and serial; never 0 (the empty mark). */
static uint64_t
ocsp_hash(int issuer, int alg, const char *serial)
{
	uint64_t h = 1469598103934665603ULL;

	h = (h ^ (uint64_t)issuer) * 1099511628211ULL;
	h = (h ^ (uint64_t)alg) * 1099511628211ULL;
	for (; *serial != '\0'; serial++)
		h = (h ^ (unsigned char)*serial) * 1099511628211ULL;
	return h == 0 ? 1 : h;
}

static struct ocsp_entry *
ocsp_table_find(const struct ocsp_table *t, uint64_t h, int issuer, int alg,
    const char *serial)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = h & (t->cap - 1); t->slots[i].hash != 0;
	    i = (i + 1) & (t->cap - 1)) {
		struct ocsp_entry *e = &t->slots[i];

		if (e->hash == h && e->issuer == issuer && e->alg == alg &&
		    strcmp(e->serial, serial) == 0)
			return e;
	}
	return NULL;
}

static int
ocsp_table_grow(struct ocsp_table *t)
{
	struct ocsp_entry *old = t->slots, *slots;
	size_t oldcap = t->cap, cap = t->cap == 0 ? 1024 : t->cap * 2, j;

	if ((slots = calloc(cap, sizeof(*slots))) == NULL)
		return 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].hash == 0)
			continue;
		for (j = old[i].hash & (cap - 1); slots[j].hash != 0;
		    j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	free(old);
	t->slots = slots;
	t->cap = cap;
	return 1;
}

/* Inserts or replaces; takes ownership of e->der on success. */
static int
ocsp_table_put(struct ocsp_table *t, const struct ocsp_entry *e)
{
	struct ocsp_entry *slot;
	size_t i;

	if ((slot = ocsp_table_find(t, e->hash, e->issuer, e->alg,
	    e->serial)) != NULL) {
		/* A response signed earlier never replaces a later one. */
		if (slot->produced_at > e->produced_at)
			return 0;
		free(slot->der);
		*slot = *e;
		return 1;
	}
	if ((t->n + 1) * 2 > t->cap && !ocsp_table_grow(t))
		return 0;
	for (i = e->hash & (t->cap - 1); t->slots[i].hash != 0;
	    i = (i + 1) & (t->cap - 1))
		;
	t->slots[i] = *e;
	t->n++;
	return 1;
}

static void
ocsp_table_free(struct ocsp_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].der);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* The certStatus of a one-response OCSPResponse, for the access log. */
static const char *
ocsp_der_status(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *bs = NULL;
	OCSP_SINGLERESP *one;
	const char *status = "internalError";

	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL)
		goto out;
	if ((bs = OCSP_response_get1_basic(resp)) == NULL ||
	    (one = OCSP_resp_get0(bs, 0)) == NULL)
		goto out;
	switch (OCSP_single_get0_status(one, NULL, NULL, NULL, NULL)) {
	case V_OCSP_CERTSTATUS_GOOD: status = "good"; break;
	case V_OCSP_CERTSTATUS_REVOKED: status = "revoked"; break;
	default: status = "unknown"; break;
	}
 out:
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return status;
}

static int
ocsp_issuer_index(const struct ocsp_responder *r, const char *name)
{
	for (size_t i = 0; i < r->nissuers; i++)
		if (strcmp(r->issuers[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
ocsp_alg_index(const char *name)
{
	for (int i = 0; i < OCSP_ALG_MAX; i++)
		if (strcmp(ocsp_alg_names[i], name) == 0)
			return i;
	return -1;
}

/* Builds a table entry (copying der) for a response of the store. */
static int
ocsp_entry_make(struct ocsp_entry *e, int issuer, int alg,
    const char *serial, const unsigned char *der, size_t der_len,
    time_t this_update, time_t next_update, time_t produced_at)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	static const char hex[] = "0123456789abcdef";

	memset(e, 0, sizeof(*e));
	if (strlen(serial) >= sizeof(e->serial) ||
	    (e->der = malloc(der_len)) == NULL)
		return 0;
	memcpy(e->der, der, der_len);
	e->der_len = der_len;
	e->issuer = (uint8_t)issuer;
	e->alg = (uint8_t)alg;
	strcpy(e->serial, serial);
	e->hash = ocsp_hash(issuer, alg, serial);
	e->this_update = this_update;
	e->next_update = next_update;
	e->produced_at = produced_at;
	e->status = ocsp_der_status(der, der_len);
	SHA1(der, der_len, md);
	for (size_t i = 0; i < sizeof(md); i++) {
		e->etag[2 * i] = hex[md[i] >> 4];
		e->etag[2 * i + 1] = hex[md[i] & 15];
	}
	return 1;
}

struct ocsp_load {
	struct ocsp_responder *r;
	struct ocsp_table *t;
	long		 loaded;
};

static int
ocsp_load_one(const struct store_ocsp *s, void *arg)
{
	struct ocsp_load *l = arg;
	struct ocsp_entry e;
	int issuer = ocsp_issuer_index(l->r, s->issuer);
	int alg = ocsp_alg_index(s->hash_alg);

	if (issuer < 0 || alg < 0)
		return 1;
	if (!ocsp_entry_make(&e, issuer, alg, s->serial, s->der, s->der_len,
	    (time_t)s->this_update, (time_t)s->next_update,
	    (time_t)s->produced_at))
		return 0;
	if (!ocsp_table_put(l->t, &e))
		free(e.der);
	else
		l->loaded++;
	if (s->produced_at > l->r->last_produced)
		l->r->last_produced = s->produced_at;
	return 1;
}

static int
ocsp_issuer_hashes(struct ocsp_issuer *is, X509 *cacert)
{
	const ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(cacert);
	unsigned char *name = NULL;
	const EVP_MD *mds[OCSP_ALG_MAX] = { EVP_sha1(), EVP_sha256() };
	int len, ok = 1;

	if (key == NULL || (len = i2d_X509_NAME(X509_get_subject_name(cacert),
	    &name)) <= 0)
		return 0;
	for (int a = 0; a < OCSP_ALG_MAX; a++)
		ok &= EVP_Digest(name, (size_t)len, is->name_hash[a], NULL,
		    mds[a], NULL) && EVP_Digest(ASN1_STRING_get0_data(key),
		    (size_t)ASN1_STRING_length(key), is->key_hash[a], NULL,
		    mds[a], NULL);
	OPENSSL_free(name);
	return ok;
}

static const int ocsp_error_codes[] = {
	OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
	OCSP_RESPONSE_STATUS_INTERNALERROR,
	OCSP_RESPONSE_STATUS_TRYLATER,
	OCSP_RESPONSE_STATUS_UNAUTHORIZED,
};

static int
ocsp_responder_setup(struct ocsp_responder *r, struct ca *ca)
{
	struct ocsp_load l = { r, &r->table, 0 };
	X509 *cacert;

	for (size_t i = 0; i < sizeof(ocsp_error_codes) / sizeof(int); i++) {
		int code = ocsp_error_codes[i];

		if (!ocsp_response_status_only(code, &r->errors[code],
		    &r->error_len[code]))
			return 0;
	}
	/* Roots answer for their CA certificates, issuing CAs for theirs. */
	for (size_t i = 0; i < ca->conf->nroots + ca->conf->nissuing; i++) {
		struct ocsp_issuer *is = &r->issuers[r->nissuers];

		snprintf(is->name, sizeof(is->name), "%s", i < ca->conf->nroots ?
		    ca->conf->roots[i].name :
		    ca->conf->issuing[i - ca->conf->nroots].name);
		if ((cacert = ca_cert_pick(ca, is->name, NID_undef)) == NULL) {
			log_error("ocsp: CA %s has no certificate",
			    is->name);
			return 0;
		}
		if (!ocsp_issuer_hashes(is, cacert)) {
			X509_free(cacert);
			return 0;
		}
		X509_free(cacert);
		r->nissuers++;
	}
	for (size_t i = 0; i < r->nissuers; i++)
		if (!store_ocsp_each(ca->store, r->issuers[i].name,
		    ocsp_load_one, &l))
			return 0;
	log_info("ocsp: %ld pre-signed responses loaded for %zu CAs",
	    l.loaded, r->nissuers);
	return 1;
}

struct ocsp_responder *
ocsp_responder_new(struct ca *ca, const struct ocsp_responder_opts *opts)
{
	struct ocsp_responder *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->efd = -1;
	if (opts != NULL)
		r->opts = *opts;
	if (r->opts.wait_ms <= 0)
		r->opts.wait_ms = 2000;
	if (pthread_rwlock_init(&r->lock, NULL) != 0) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->qlock, NULL);
	pthread_cond_init(&r->qdone, NULL);
	if ((r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    !ocsp_responder_setup(r, ca)) {
		ocsp_responder_free(r);
		return NULL;
	}
	return r;
}

static void
ocsp_job_free(struct ocsp_job *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n; i++)
		OCSP_CERTID_free(j->cids[i]);
	ASN1_OCTET_STRING_free(j->nonce);
	free(j->der);
	free(j);
}

void
ocsp_responder_free(struct ocsp_responder *r)
{
	struct ocsp_job *j;

	if (r == NULL)
		return;
	while ((j = r->queue) != NULL) {
		r->queue = j->next;
		ocsp_job_free(j);
	}
	for (size_t i = 0; i < 7; i++)
		OPENSSL_free(r->errors[i]);
	ocsp_table_free(&r->table);
	if (r->efd != -1)
		close(r->efd);
	pthread_rwlock_destroy(&r->lock);
	pthread_mutex_destroy(&r->qlock);
	pthread_cond_destroy(&r->qdone);
	free(r);
}

static const char *
ocsp_error_name(int code)
{
	switch (code) {
	case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST: return "malformed";
	case OCSP_RESPONSE_STATUS_TRYLATER: return "tryLater";
	case OCSP_RESPONSE_STATUS_UNAUTHORIZED: return "unauthorized";
	default: return "internalError";
	}
}

static int
ocsp_answer_error(struct ocsp_responder *r, int code, struct ocsp_answer *a)
{
	if ((a->der = malloc(r->error_len[code])) == NULL)
		return 0;
	memcpy(a->der, r->errors[code], r->error_len[code]);
	a->der_len = r->error_len[code];
	a->cacheable = 0;
	a->status = ocsp_error_name(code);
	return 1;
}

static int
ocsp_answer_entry(const struct ocsp_entry *e, struct ocsp_answer *a)
{
	if ((a->der = malloc(e->der_len)) == NULL)
		return 0;
	memcpy(a->der, e->der, e->der_len);
	a->der_len = e->der_len;
	a->cacheable = 1;
	a->this_update = e->this_update;
	a->next_update = e->next_update;
	a->produced_at = e->produced_at;
	memcpy(a->etag, e->etag, sizeof(a->etag));
	a->status = e->status;
	return 1;
}

/* Serial as the store writes it: upper-case hex, whole octets. */
static int
ocsp_serial_hex(const ASN1_INTEGER *sn, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = ASN1_STRING_get0_data(sn);
	int n = ASN1_STRING_length(sn);

	if (ASN1_STRING_type(sn) != V_ASN1_INTEGER)
		return 0;	/* negative: never ours */
	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	if (n == 0 || (size_t)(2 * n) >= len)
		return 0;
	for (int i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
	return 1;
}

/* The issuing CA a CertID names, and its hash algorithm; -1 if none. */
static int
ocsp_match_issuer(const struct ocsp_responder *r, OCSP_CERTID *cid,
    int *alg, char *serial, size_t slen)
{
	ASN1_OCTET_STRING *nh, *kh;
	ASN1_OBJECT *md;
	ASN1_INTEGER *sn;
	size_t hl;

	if (!OCSP_id_get0_info(&nh, &md, &kh, &sn, cid))
		return -1;
	switch (OBJ_obj2nid(md)) {
	case NID_sha1: *alg = OCSP_ALG_SHA1; hl = 20; break;
	case NID_sha256: *alg = OCSP_ALG_SHA256; hl = 32; break;
	default: return -1;
	}
	if ((size_t)ASN1_STRING_length(nh) != hl ||
	    (size_t)ASN1_STRING_length(kh) != hl ||
	    !ocsp_serial_hex(sn, serial, slen))
		return -1;
	for (size_t i = 0; i < r->nissuers; i++)
		if (memcmp(ASN1_STRING_get0_data(nh),
		    r->issuers[i].name_hash[*alg], hl) == 0 &&
		    memcmp(ASN1_STRING_get0_data(kh),
		    r->issuers[i].key_hash[*alg], hl) == 0)
			return (int)i;
	return -1;
}

/* Hands a job to the worker and waits; 1 if it was answered in time. */
static int
ocsp_wait_job(struct ocsp_responder *r, struct ocsp_job *j,
    struct ocsp_answer *a)
{
	struct timespec until;
	uint64_t one = 1;
	int answered = 0, done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += r->opts.wait_ms / 1000;
	until.tv_nsec += (long)(r->opts.wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->qlock);
	if (r->qlen >= OCSP_QUEUE_MAX) {
		pthread_mutex_unlock(&r->qlock);
		ocsp_job_free(j);
		return ocsp_answer_error(r, OCSP_RESPONSE_STATUS_TRYLATER, a);
	}
	j->next = r->queue;
	r->queue = j;
	r->qlen++;
	if (write(r->efd, &one, sizeof(one)) == -1) {
		/* counter saturated: the worker is already due */
	}
	while (!j->done)
		if (pthread_cond_timedwait(&r->qdone, &r->qlock, &until) ==
		    ETIMEDOUT)
			break;
	if (j->done && j->der != NULL) {
		a->der = j->der;
		a->der_len = j->der_len;
		a->cacheable = j->nonce == NULL;
		a->this_update = j->this_update;
		a->next_update = j->next_update;
		a->produced_at = j->this_update;
		a->status = j->status;
		j->der = NULL;
		answered = 1;
	}
	if ((done = j->done))
		ocsp_job_free(j);
	else
		j->abandoned = 1;	/* the worker frees it */
	pthread_mutex_unlock(&r->qlock);
	if (answered)
		return 1;
	return ocsp_answer_error(r, done ? OCSP_RESPONSE_STATUS_INTERNALERROR :
	    OCSP_RESPONSE_STATUS_TRYLATER, a);
}

/* RFC 8954: echo a nonce of 1 to 32 octets when configured to. */
static int
ocsp_request_nonce(struct ocsp_responder *r, OCSP_REQUEST *req,
    ASN1_OCTET_STRING **nonce)
{
	X509_EXTENSION *ext;
	int idx;

	*nonce = NULL;
	if (!r->opts.echo_nonce ||
	    (idx = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce,
	    -1)) < 0)
		return 1;
	ext = OCSP_REQUEST_get_ext(req, idx);
	if ((*nonce = ASN1_OCTET_STRING_dup(X509_EXTENSION_get_data(ext)))
	    == NULL)
		return 0;
	/* The extension value is the DER of an OCTET STRING: 2 header bytes. */
	if (ASN1_STRING_length(*nonce) < 3 ||
	    ASN1_STRING_length(*nonce) > OCSP_NONCE_MAX + 2) {
		ASN1_OCTET_STRING_free(*nonce);
		*nonce = NULL;
		return 0;
	}
	return 1;
}

/* A job for the CertIDs of req, all of one issuer. */
static struct ocsp_job *
ocsp_job_new(const struct ocsp_responder *r, OCSP_REQUEST *req, int issuer,
    int alg, ASN1_OCTET_STRING *nonce)
{
	struct ocsp_job *j;
	int n = OCSP_request_onereq_count(req), a2;
	char serial[41];

	if (n < 1 || n > OCSP_MAX_SINGLES || (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->issuer = issuer;
	j->alg = alg;
	j->nonce = nonce;
	j->cache = nonce == NULL && n == 1;
	for (int i = 0; i < n; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(
		    OCSP_request_onereq_get0(req, i));

		if (ocsp_match_issuer(r, cid, &a2, serial, sizeof(serial)) !=
		    issuer || (j->cids[j->n] = OCSP_CERTID_dup(cid)) == NULL) {
			j->nonce = NULL;
			ocsp_job_free(j);
			return NULL;
		}
		j->n++;
	}
	return j;
}

int
ocsp_responder_answer(struct ocsp_responder *r, const unsigned char *der,
    size_t len, struct ocsp_answer *a)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = NULL;
	ASN1_OCTET_STRING *nonce = NULL;
	struct ocsp_entry *e;
	struct ocsp_job *job;
	OCSP_CERTID *cid;
	time_t now = time(NULL);
	int issuer, alg, ok, n;

	memset(a, 0, sizeof(*a));
	ERR_clear_error();
	if (len == 0 || len > OCSP_REQUEST_MAX ||
	    (req = d2i_OCSP_REQUEST(NULL, &p, (long)len)) == NULL ||
	    p != der + len || (n = OCSP_request_onereq_count(req)) < 1 ||
	    n > OCSP_MAX_SINGLES || !ocsp_request_nonce(r, req, &nonce)) {
		ok = ocsp_answer_error(r, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, a);
		goto out;
	}
	cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
	if ((issuer = ocsp_match_issuer(r, cid, &alg, a->serial,
	    sizeof(a->serial))) < 0) {
		ok = ocsp_answer_error(r, OCSP_RESPONSE_STATUS_UNAUTHORIZED, a);
		goto out;
	}
	snprintf(a->issuer, sizeof(a->issuer), "%s", r->issuers[issuer].name);
	if (n == 1 && nonce == NULL) {
		pthread_rwlock_rdlock(&r->lock);
		e = ocsp_table_find(&r->table, ocsp_hash(issuer, alg, a->serial),
		    issuer, alg, a->serial);
		/* A stale answer is never served; the worker signs anew. */
		ok = e != NULL && e->next_update > now ?
		    ocsp_answer_entry(e, a) : -1;
		pthread_rwlock_unlock(&r->lock);
		if (ok >= 0)
			goto out;
	}
	if ((job = ocsp_job_new(r, req, issuer, alg, nonce)) == NULL) {
		ok = ocsp_answer_error(r, OCSP_RESPONSE_STATUS_UNAUTHORIZED, a);
		goto out;
	}
	nonce = NULL;
	ok = ocsp_wait_job(r, job, a);
 out:
	ASN1_OCTET_STRING_free(nonce);
	OCSP_REQUEST_free(req);
	ERR_clear_error();
	return ok > 0;
}

void
ocsp_answer_clear(struct ocsp_answer *a)
{
	free(a->der);
	memset(a, 0, sizeof(*a));
}

int
ocsp_responder_fd(struct ocsp_responder *r)
{
	return r->efd;
}

#define OCSP_UNKNOWN_VALIDITY	3600	/* a serial may yet be issued */
#define OCSP_UNKNOWN_CACHE_MAX	65536

/* The status of one CertID from the store (unknown if never issued). */
static int
ocsp_single_fill(struct ca *ca, const char *issuer, OCSP_CERTID *cid,
    time_t now, time_t next, struct ocsp_single *s, char *serial,
    size_t slen, int *issued)
{
	ASN1_OCTET_STRING *nh, *kh;
	ASN1_OBJECT *md;
	ASN1_INTEGER *sn;
	struct store_cert *c = NULL;

	memset(s, 0, sizeof(*s));
	s->cid = cid;
	s->this_update = now;
	s->reason = -1;
	*issued = 0;
	if (!OCSP_id_get0_info(&nh, &md, &kh, &sn, cid) ||
	    !ocsp_serial_hex(sn, serial, slen) ||
	    !store_cert_get(ca->store, issuer, serial, &c))
		return 0;
	if (c == NULL || c->state != STORE_CERT_ISSUED) {
		/* RFC 6960 §2.2: never "good" for a serial we did not issue. */
		s->status = V_OCSP_CERTSTATUS_UNKNOWN;
		s->next_update = now + OCSP_UNKNOWN_VALIDITY;
	} else {
		*issued = 1;
		s->next_update = next;
		s->status = c->status == STORE_STATUS_GOOD ?
		    V_OCSP_CERTSTATUS_GOOD : V_OCSP_CERTSTATUS_REVOKED;
		if (c->status != STORE_STATUS_GOOD) {
			s->revoked_at = (time_t)c->revoked_at;
			s->reason = c->reason > 0 ? c->reason : -1;
			s->invalidity = (time_t)c->invalidity_at;
		}
	}
	store_cert_free(c);
	return 1;
}

/* Keeps a single-CertID answer: in the store if issued, and in memory. */
static void
ocsp_job_keep(struct ocsp_responder *r, struct ca *ca, struct ocsp_job *j,
    const char *serial, int issued, const unsigned char *der, size_t len)
{
	struct store_ocsp so = { 0 };
	struct ocsp_entry e;

	if (issued) {
		so.issuer = r->issuers[j->issuer].name;
		so.serial = (char *)serial;
		so.hash_alg = (char *)ocsp_alg_names[j->alg];
		so.der = (unsigned char *)der;
		so.der_len = len;
		so.this_update = j->this_update;
		so.next_update = j->next_update;
		so.produced_at = j->this_update;
		store_ocsp_put(ca->store, &so);
	} else if (r->table.n > OCSP_UNKNOWN_CACHE_MAX * 4)
		return;
	if (!ocsp_entry_make(&e, j->issuer, j->alg, serial, der, len,
	    j->this_update, j->next_update, j->this_update))
		return;
	pthread_rwlock_wrlock(&r->lock);
	if (!ocsp_table_put(&r->table, &e))
		free(e.der);
	pthread_rwlock_unlock(&r->lock);
}

static void
ocsp_job_run(struct ocsp_responder *r, struct ca *ca, struct ocsp_job *j,
    time_t now)
{
	struct ocsp_single singles[OCSP_MAX_SINGLES];
	const char *issuer = r->issuers[j->issuer].name;
	unsigned char *der = NULL;
	char serial[41] = "";
	size_t der_len;
	time_t next = ocsp_next_update(ca, issuer, now);
	int issued = 0;

	j->this_update = now;
	j->next_update = now + OCSP_UNKNOWN_VALIDITY;
	for (size_t i = 0; i < j->n; i++) {
		if (!ocsp_single_fill(ca, issuer, j->cids[i], now, next,
		    &singles[i], serial, sizeof(serial), &issued))
			return;
		if (singles[i].next_update < j->next_update || i == 0)
			j->next_update = singles[i].next_update;
	}
	if (!ocsp_sign_now(ca, issuer, singles, j->n, j->nonce, now, &der,
	    &der_len))
		return;
	if ((j->der = malloc(der_len)) != NULL) {
		memcpy(j->der, der, der_len);
		j->der_len = der_len;
		j->status = j->n == 1 ? (singles[0].status ==
		    V_OCSP_CERTSTATUS_GOOD ? "good" : singles[0].status ==
		    V_OCSP_CERTSTATUS_REVOKED ? "revoked" : "unknown") : "multiple";
		if (j->cache)
			ocsp_job_keep(r, ca, j, serial, issued, der, der_len);
	}
	OPENSSL_free(der);
}

void
ocsp_responder_work(struct ocsp_responder *r, struct ca *ca, time_t now)
{
	struct ocsp_job *list, *j, *next;
	uint64_t count;

	if (read(r->efd, &count, sizeof(count)) == -1) {
		/* nothing signalled: a periodic call */
	}
	pthread_mutex_lock(&r->qlock);
	list = r->queue;
	r->queue = NULL;
	r->qlen = 0;
	pthread_mutex_unlock(&r->qlock);
	for (j = list; j != NULL; j = next) {
		next = j->next;
		ocsp_job_run(r, ca, j, now);
		pthread_mutex_lock(&r->qlock);
		if (j->abandoned)
			ocsp_job_free(j);
		else
			j->done = 1;
		pthread_cond_broadcast(&r->qdone);
		pthread_mutex_unlock(&r->qlock);
	}
}

struct ocsp_fresh {
	struct ocsp_responder *r;
	struct ocsp_entry *v;
	size_t		 n;
	size_t		 cap;
};

/* Collects responses produced since the last load (store callback). */
static int
ocsp_fresh_one(const struct store_ocsp *s, void *arg)
{
	struct ocsp_fresh *f = arg;
	struct ocsp_entry *v;
	int issuer, alg;

	issuer = ocsp_issuer_index(f->r, s->issuer);
	alg = ocsp_alg_index(s->hash_alg);
	if (issuer < 0 || alg < 0)
		return 1;
	if (f->n == f->cap) {
		size_t cap = f->cap == 0 ? 64 : f->cap * 2;

		if ((v = reallocarray(f->v, cap, sizeof(*v))) == NULL)
			return 0;
		f->v = v;
		f->cap = cap;
	}
	if (!ocsp_entry_make(&f->v[f->n], issuer, alg, s->serial, s->der,
	    s->der_len, (time_t)s->this_update, (time_t)s->next_update,
	    (time_t)s->produced_at))
		return 0;
	f->n++;
	return 1;
}

int
ocsp_responder_refresh(struct ocsp_responder *r, struct ca *ca, time_t now)
{
	struct ocsp_fresh f = { r, NULL, 0, 0 };
	int ok = 1;

	if (ocsp_presign_pending(ca, now) < 0)
		ok = 0;
	/* Same-second responses are loaded again: cheap, and none missed. */
	if (!store_ocsp_each_since(ca->store, r->last_produced, ocsp_fresh_one,
	    &f))
		ok = 0;
	pthread_rwlock_wrlock(&r->lock);
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].produced_at > r->last_produced)
			r->last_produced = f.v[i].produced_at;
		if (!ocsp_table_put(&r->table, &f.v[i]))
			free(f.v[i].der);
	}
	pthread_rwlock_unlock(&r->lock);
	free(f.v);
	return ok ? 0 : -1;
}

int64_t
ocsp_responder_oldest_age(struct ocsp_responder *r, time_t now)
{
	time_t oldest = now;

	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->table.cap; i++)
		if (r->table.slots[i].hash != 0 &&
		    r->table.slots[i].this_update < oldest)
			oldest = r->table.slots[i].this_update;
	pthread_rwlock_unlock(&r->lock);
	return (int64_t)(now - oldest);
}

size_t
ocsp_responder_size(struct ocsp_responder *r)
{
	size_t n;

	pthread_rwlock_rdlock(&r->lock);
	n = r->table.n;
	pthread_rwlock_unlock(&r->lock);
	return n;
}
