/*
 * Helper of bench/ocsp.sh (docs/performance.md, "The OCSP benchmark").
 *
 *   bench_ocsp issue --dir DIR --passphrase-file FILE -n N [--revoke R]
 *	Issues N client certificates of pubca1 in the CA made by 'inkan
 *	init' in DIR, in batches through ca_issue_batch (as bench_issue
 *	does: one subscriber key, its CSR parsed for each request), then
 *	revokes every R-th of them (superseded; R 0: none) in the store, so
 *	that some pre-signed answers say "revoked".
 *
 *   bench_ocsp prepare --dir DIR -m M --export FOLDER --out OUT
 *	Reads the store (no signer) and writes, for the servers compared:
 *	OUT/index.txt, the openssl ocsp index of every certificate pubca1
 *	issued (V, or R with its date and reason); OUT/paths.txt, M GET
 *	paths "/ocsp/pubca1/<request>" (RFC 6960 Appendix A.1: the
 *	URL-encoded base64 of a DER OCSPRequest with one SHA-1 CertID and
 *	no nonce, as RFC 5019 clients send), for M certificates spread
 *	evenly over those issued; and OUT/docroot, in which the file at each
 *	of those paths (the path percent-decoded, as nginx maps it) is the
 *	pre-signed response 'inkan ocsp export' wrote to FOLDER for that
 *	certificate.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ca/ca.h"
#include "ca/csr.h"
#include "ca/issue.h"
#include "util/file.h"
#include "util/log.h"

#define BENCH_ISSUER	"pubca1"
#define BENCH_POLICY	"client"
#define BENCH_SUBJECT	"/C=JP/O=Example Corp/OU=Sales/CN=Bench Subscriber"
#define BENCH_EMAIL	"bench@example.jp"
#define BENCH_BATCH	256
#define BENCH_PATH_MAX	1024

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A subscriber RSA-2048 key and its CSR, as DER. */
static unsigned char *
bench_csr(size_t *len)
{
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	unsigned char *der = NULL;
	int n;

	if ((key = EVP_RSA_gen(2048)) == NULL ||
	    (req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"Bench Subscriber", -1, -1, 0) ||
	    !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, key) ||
	    X509_REQ_sign(req, key, EVP_sha256()) <= 0 ||
	    (n = i2d_X509_REQ(req, &der)) <= 0)
		der = NULL;
	else
		*len = (size_t)n;
	X509_NAME_free(name);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return der;
}

static int
bench_issue(const char *dir, const char *pass, size_t n, size_t every)
{
	struct ca_open_opts o = { 0 };
	struct issue_request reqs[BENCH_BATCH];
	struct issue_out out[BENCH_BATCH];
	unsigned char *csr;
	struct ca *ca;
	size_t csr_len = 0, done = 0, revoked = 0, m, got;
	double t0 = bench_now();
	char err[256];
	int ok = 0;

	o.dir = dir;
	o.passphrase_file = pass;
	if ((csr = bench_csr(&csr_len)) == NULL || (ca = ca_open(&o)) == NULL) {
		OPENSSL_free(csr);
		return 0;
	}
	memset(out, 0, sizeof(out));
	while (done < n) {
		m = n - done < BENCH_BATCH ? n - done : BENCH_BATCH;
		memset(reqs, 0, sizeof(reqs));
		for (size_t i = 0; i < m; i++) {
			reqs[i].policy = BENCH_POLICY;
			reqs[i].subject = BENCH_SUBJECT;
			reqs[i].emails[0] = BENCH_EMAIL;
			reqs[i].nemails = 1;
			reqs[i].upn = BENCH_EMAIL;
			if ((reqs[i].csr = csr_parse(csr, csr_len, err,
			    sizeof(err))) == NULL) {
				fprintf(stderr, "bench: csr_parse: %s\n", err);
				goto out;
			}
		}
		got = ca_issue_batch(ca, reqs, m, out);
		for (size_t i = 0; i < m; i++) {
			X509_REQ_free(reqs[i].csr);
			if (out[i].der != NULL && every != 0 &&
			    (done + i) % every == every - 1) {
				const unsigned char *p = out[i].der;
				X509 *x = d2i_X509(NULL, &p,
				    (long)out[i].der_len);
				char *sn = x != NULL ? cert_serial_hex(
				    X509_get0_serialNumber(x)) : NULL;

				if (sn != NULL && store_cert_revoke(ca->store,
				    BENCH_ISSUER, sn, STORE_STATUS_REVOKED,
				    (int64_t)time(NULL), 4, 0))
					revoked++;
				OPENSSL_free(sn);
				X509_free(x);
			}
		}
		issue_out_clear(out, m);
		if (got != m) {
			fprintf(stderr, "bench: batch of %zu: %zu issued\n", m,
			    got);
			goto out;
		}
		done += m;
	}
	printf("  issued %zu client certificates of %s in %.1f s, %zu of "
	    "them revoked\n", done, BENCH_ISSUER, bench_now() - t0, revoked);
	ok = 1;
 out:
	ca_close(ca);
	OPENSSL_free(csr);
	return ok;
}

/* The certificates pubca1 issued, in the order the store returns them. */
struct bench_list {
	struct store_cert **c;
	size_t		 n, cap;
};

static int
bench_collect(const struct store_cert *c, void *arg)
{
	struct bench_list *l = arg;
	struct store_cert *copy;

	if (strcmp(c->issuer, BENCH_ISSUER) != 0)
		return 1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct store_cert **p = realloc(l->c, cap * sizeof(*p));

		if (p == NULL)
			return 0;
		l->c = p;
		l->cap = cap;
	}
	if ((copy = calloc(1, sizeof(*copy))) == NULL)
		return 0;
	*copy = *c;
	copy->issuer = copy->profile = copy->subject = copy->subject_ca =
	    NULL;
	copy->der = NULL;
	if ((copy->serial = strdup(c->serial)) == NULL ||
	    (copy->subject = strdup(c->subject)) == NULL ||
	    (copy->profile = strdup(c->profile)) == NULL) {
		store_cert_free(copy);
		return 0;
	}
	l->c[l->n++] = copy;
	return 1;
}

static void
bench_index_time(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int y;

	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900;
	snprintf(out, len, "%0*d%02d%02d%02d%02d%02dZ", y < 2050 ? 2 : 4,
	    y < 2050 ? y % 100 : y, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static const char *const bench_reason_names[] = {
	"unspecified", "keyCompromise", "CACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL, NULL,
	"privilegeWithdrawn", "AACompromise"
};

/* openssl ca / ocsp index.txt: status, expiry, revocation, serial, file, DN. */
static int
bench_write_index(const struct bench_list *l, const char *path)
{
	char exp[32], rev[64];
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 0;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct store_cert *c = l->c[i];

		bench_index_time(c->not_after, exp, sizeof(exp));
		rev[0] = '\0';
		if (c->status != STORE_STATUS_GOOD) {
			bench_index_time(c->revoked_at, rev, sizeof(rev));
			if (c->reason > 0 && c->reason <= 10 &&
			    bench_reason_names[c->reason] != NULL) {
				strcat(rev, ",");
				strcat(rev, bench_reason_names[c->reason]);
			}
		}
		fprintf(f, "%c\t%s\t%s\t%s\tunknown\t/CN=%s\n",
		    c->status == STORE_STATUS_GOOD ? 'V' : 'R', exp, rev,
		    c->serial, c->profile);
	}
	return fclose(f) == 0;
}

/* An OCSPRequest for serial under issuer: one SHA-1 CertID, no nonce. */
static int
bench_request(X509 *issuer, const char *serial, unsigned char **der,
    int *len)
{
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	int ok = 0;

	*der = NULL;
	if (BN_hex2bn(&bn, serial) == 0 ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    (id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer),
	    X509_get0_pubkey_bitstr(issuer), sn)) == NULL ||
	    (req = OCSP_REQUEST_new()) == NULL ||
	    OCSP_request_add0_id(req, id) == NULL)
		goto out;
	id = NULL;
	ok = (*len = i2d_OCSP_REQUEST(req, der)) > 0;
 out:
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return ok;
}

/* mkdir -p of the folder part of path (relative to nothing: absolute). */
static int
bench_mkdirs_for(const char *path)
{
	char buf[BENCH_PATH_MAX * 2];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST) {
			perror(buf);
			return 0;
		}
		*p = '/';
	}
	return 1;
}

static int
bench_prepare(const char *dir, size_t m, const char *export,
    const char *outdir)
{
	struct bench_list l = { 0 };
	struct store *st = NULL;
	X509 *issuer = NULL;
	BIO *bio = NULL;
	FILE *paths = NULL;
	char *db = NULL, *cert = NULL;
	unsigned char *req = NULL, b64[BENCH_PATH_MAX], *resp = NULL;
	char path[BENCH_PATH_MAX * 2], url[BENCH_PATH_MAX], file[BENCH_PATH_MAX * 2];
	size_t written = 0, resp_len;
	int len, ok = 0;

	if ((db = file_join(dir, "inkan.db")) == NULL ||
	    (st = store_open(db)) == NULL ||
	    !store_cert_each_in_state(st, STORE_CERT_ISSUED, bench_collect,
	    &l))
		goto out;
	if ((cert = file_join(dir,
	    "repository/pfm20pub/ca1/pubca1.pem")) == NULL ||
	    (bio = BIO_new_file(cert, "r")) == NULL ||
	    (issuer = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		log_openssl("bench: %s: cannot read the issuing CA certificate",
		    cert != NULL ? cert : "");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/index.txt", outdir);
	if (!bench_write_index(&l, path))
		goto out;
	snprintf(path, sizeof(path), "%s/paths.txt", outdir);
	if ((paths = fopen(path, "w")) == NULL) {
		perror(path);
		goto out;
	}
	for (size_t k = 0; k < m && l.n > 0; k++) {
		/* Spread over the whole set, client certificates only. */
		size_t i = (k * l.n) / m, u = 0;
		const struct store_cert *c = l.c[i];

		if (strcmp(c->profile, BENCH_POLICY) != 0)
			continue;
		if (!bench_request(issuer, c->serial, &req, &len) ||
		    (size_t)len > sizeof(b64) / 4 * 3 - 4)
			goto out;
		EVP_EncodeBlock(b64, req, len);
		OPENSSL_free(req);
		req = NULL;
		for (unsigned char *p = b64; *p != '\0' && u + 4 < sizeof(url);
		    p++) {
			if (*p == '+' || *p == '/' || *p == '=')
				u += (size_t)snprintf(url + u, sizeof(url) - u,
				    "%%%02X", *p);
			else
				url[u++] = (char)*p;
		}
		url[u] = '\0';
		fprintf(paths, "/ocsp/" BENCH_ISSUER "/%s\n", url);
		/* nginx decodes %2F to '/': the file sits in folders. */
		snprintf(path, sizeof(path), "%s/docroot/ocsp/" BENCH_ISSUER
		    "/%s", outdir, (char *)b64);
		snprintf(file, sizeof(file), "%s/" BENCH_ISSUER "/%s.ocsp",
		    export, c->serial);
		if ((resp = file_read(file, 1024 * 1024, &resp_len)) == NULL ||
		    !bench_mkdirs_for(path) ||
		    !file_write_atomic(path, resp, resp_len, 0644, 0)) {
			fprintf(stderr, "bench: %s -> %s failed\n", file, path);
			goto out;
		}
		free(resp);
		resp = NULL;
		written++;
	}
	if (fclose(paths) != 0) {
		paths = NULL;
		goto out;
	}
	paths = NULL;
	printf("  prepared: index of %zu certificates, %zu GET paths and "
	    "their static files\n", l.n, written);
	ok = written > 0;
 out:
	if (paths != NULL)
		fclose(paths);
	for (size_t i = 0; i < l.n; i++)
		store_cert_free(l.c[i]);
	free(l.c);
	free(resp);
	OPENSSL_free(req);
	X509_free(issuer);
	BIO_free(bio);
	store_close(st);
	free(db);
	free(cert);
	return ok;
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_ocsp issue --dir DIR --passphrase-file "
	    "FILE -n N [--revoke R]\n"
	    "       bench_ocsp prepare --dir DIR -m M --export FOLDER --out "
	    "OUT\n");
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "revoke", required_argument, NULL, 'r' },
		{ "export", required_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *pass = NULL, *export = NULL, *out = NULL,
	    *verb;
	unsigned long long n = 0, m = 0, every = 0;
	int ch;

	log_init("bench_ocsp", LOG_LEVEL_WARN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		bench_usage();
		return 2;
	}
	verb = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "n:m:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'p': pass = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'm': m = strtoull(optarg, NULL, 10); break;
		case 'r': every = strtoull(optarg, NULL, 10); break;
		case 'e': export = optarg; break;
		case 'o': out = optarg; break;
		default: bench_usage(); return 2;
		}
	}
	if (strcmp(verb, "issue") == 0 && dir != NULL && pass != NULL &&
	    n > 0 && n <= 1000000)
		return bench_issue(dir, pass, (size_t)n, (size_t)every) ? 0 : 1;
	if (strcmp(verb, "prepare") == 0 && dir != NULL && export != NULL &&
	    out != NULL && m > 0 && m <= 1000000)
		return bench_prepare(dir, (size_t)m, export, out) ? 0 : 1;
	bench_usage();
	return 2;
}
