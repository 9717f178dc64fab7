/*
 * Issuance throughput against the raw RSA signing rate of the issuing key
 * (docs/performance.md).
 *
 * For each issuing key size: makes a CA in a new folder (rootca2 and
 * pubca1 of etc/inkan.conf.example, pubca1's key_bits set to the size),
 * then issues N client certificates through the whole pipeline -- CSR
 * parsing, proof of possession, profile build, lint, intent commit,
 * signing in the signer process, signature check, completion commit -- in
 * one stream of requests (ca_issue_stream; with -b B, ca_issue_batch calls
 * of B). It compares certificates/s with
 * EVP_DigestSign on the same key in this process, single-threaded, timed
 * half before and half after the pipeline so that drift of a shared
 * machine hits both. Every certificate issued is then checked against the
 * CA key and looked up in the store, so nothing can be faked.
 *
 * The bench is a harness: it reads the CA key file itself (which inkan
 * never does outside the signer) and looks at the SQLite connection
 * through store_impl.h to show that durability is on.
 */
#define _GNU_SOURCE	/* nftw, statfs */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <sqlite3.h>

#include "ca/ca.h"
#include "ca/csr.h"
#include "ca/init.h"
#include "ca/issue.h"
#include "store/store_impl.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"

#define BENCH_BAR		0.7
#define BENCH_ISSUER		"pubca1"
#define BENCH_POLICY		"client"
#define BENCH_SUBJECT		"/C=JP/O=Example Corp/OU=Sales/CN=Bench Subscriber"
#define BENCH_EMAIL		"bench@example.jp"
#define BENCH_WARMUP		8	/* certificates before the clock starts */
#define BENCH_FSYNC_PROBES	20
#define BENCH_SIZES_MAX		2

struct bench_opts {
	unsigned int	 bits[BENCH_SIZES_MAX];
	size_t		 nbits;
	size_t		 n;		/* 0: the size's default */
	size_t		 batch;
	double		 raw_seconds;
	const char	*base;		/* folder for the temporary CAs */
	int		 keep;
};

struct bench_result {
	unsigned int	 bits;
	size_t		 n, batch;
	double		 wall;		/* pipeline seconds */
	double		 parent_cpu, signer_cpu;
	double		 certs_per_s;
	double		 raw_per_s;
	size_t		 raw_count;
	double		 raw_wall;
	double		 ratio;
	double		 fsync_ms;	/* median fdatasync of the folder */
	int		 verified;	/* every certificate checked out */
	int		 pass;
};

/* One benchmark CA and what is needed to drive and check it. */
struct bench_ca {
	char		 tmp[4096];	/* the temporary folder */
	char		*dir;		/* tmp/ca */
	char		*pass_path;	/* tmp/passphrase */
	char		 pass[64];
	struct ca	*ca;
	EVP_PKEY	*cakey;		/* harness copy of pubca1's key */
	EVP_PKEY	*subkey;	/* the subscriber's key */
	unsigned char	*csr;		/* its CSR, DER */
	size_t		 csr_len;
	struct issue_out *certs;	/* every certificate issued, timed run */
	size_t		 ncerts;
	size_t		 warm;		/* certificates issued before timing */
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bench_self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime of another process from /proc (Linux), or -1. */
static double
bench_pid_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* Fields after the command name: state is field 3, utime 14. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
bench_write(const char *path, const char *text, mode_t mode)
{
	return file_write_atomic(path, text, strlen(text), mode, 1);
}

/*
 * etc/inkan.conf.example cut down to one root (rootca2) and the client
 * issuing CA pubca1, whose key size is the one measured. pubca1 is not
 * CABF-governed, so 2048 bits pass conf_check; its responder key is 2048
 * bits only to shorten the set-up.
 */
static char *
bench_config(unsigned int bits)
{
	static const char fmt[] =
	    "[ca]\n"
	    "base_url = http://127.0.0.1:8080\n"
	    "ldap_url = ldap://127.0.0.1:3890\n"
	    "cps_url = ${base_url}/repository/\n"
	    "\n[root:rootca2]\n"
	    "subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=Security "
	    "Communication RootCA2\n"
	    "key_bits = 2048\n"
	    "digest = sha256\n"
	    "validity_days = 7305\n"
	    "policy_oid = 1.2.392.200091.100.901.4\n"
	    "cps_url = ${base_url}/repository/SC-Root2/\n"
	    "crl_url = ${base_url}/repository/SC-Root2/SCRoot2CRL.crl\n"
	    "ca_issuers_url = ${base_url}/repository/SC-Root2/SCRoot2ca.cer\n"
	    "\n[issuing:pubca1]\n"
	    "subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=SECOM Passport "
	    "for Member 2.0 PUB/CN=SECOM Passport for Member PUB CA1\n"
	    "key_bits = %u\n"
	    "validity_days = 3652\n"
	    "roots = rootca2\n"
	    "eku = clientAuth smartcardLogon adobeAuthenticDocumentsTrust "
	    "msDocumentSigning\n"
	    "policies = client document\n"
	    "crl_url = ${base_url}/repository/pfm20pub/ca1/fullCRL.crl\n"
	    "ocsp_url = ${base_url}/ocsp/pubca1\n"
	    "ca_issuers_url = ${base_url}/repository/pfm20pub/ca1/pubca1.cer\n"
	    "responder_subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=SECOM "
	    "Passport for Member 2.0 PUB Service/CN=SECOM Passport for Member "
	    "PUB CA1 OCSP Responder\n"
	    "responder_key_bits = 2048\n"
	    "\n[policy:client]\n"
	    "oid = 1.2.392.200091.100.381.4\n"
	    "sha1_oid = 1.2.392.200091.100.381.1\n"
	    "issuer = pubca1\n"
	    "validity_days = 365\n"
	    "\n[policy:document]\n"
	    "oid = 1.2.392.200091.100.381.5\n"
	    "sha1_oid = 1.2.392.200091.100.381.2\n"
	    "issuer = pubca1\n"
	    "validity_days = 365\n"
	    "\n[policy:ocsp]\n"
	    "oid = 1.2.392.200091.100.381.9\n"
	    "validity_months = 4\n";
	char *s;

	if ((s = malloc(sizeof(fmt) + 16)) != NULL)
		snprintf(s, sizeof(fmt) + 16, fmt, bits);
	return s;
}

/* fsync on tmpfs does nothing: the figures would not be durable ones. */
static int
bench_check_fs(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf) == -1) {
		perror(dir);
		return 0;
	}
	if (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC) {
		fprintf(stderr, "bench: %s is in memory (tmpfs), where fsync "
		    "costs nothing; give --dir a folder on disk\n", dir);
		return 0;
	}
	return 1;
}

/* Median time of a 4 KiB write + fdatasync in dir, milliseconds. */
static double
bench_fsync_ms(const char *dir)
{
	double t[BENCH_FSYNC_PROBES], t0, tmp;
	char path[4200], block[4096];
	int fd, n = 0;

	memset(block, 'x', sizeof(block));
	snprintf(path, sizeof(path), "%s/fsync-probe", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	for (; n < BENCH_FSYNC_PROBES; n++) {
		t0 = bench_now();
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block) ||
		    fdatasync(fd) == -1)
			break;
		t[n] = (bench_now() - t0) * 1e3;
	}
	close(fd);
	unlink(path);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	return n > 0 ? t[n / 2] : -1;
}

static int
bench_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

static int
bench_setup_dir(struct bench_ca *b, const struct bench_opts *o,
    unsigned int bits)
{
	unsigned char rnd[24];
	char *conf, *conf_path = NULL;
	int ok = 0;

	snprintf(b->tmp, sizeof(b->tmp), "%s/inkan-bench-%u.XXXXXX", o->base,
	    bits);
	if (mkdtemp(b->tmp) == NULL) {
		perror(b->tmp);
		b->tmp[0] = '\0';
		return 0;
	}
	if (!bench_check_fs(b->tmp) || RAND_bytes(rnd, sizeof(rnd)) != 1)
		return 0;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(b->pass + 2 * i, 3, "%02x", rnd[i]);
	if ((b->dir = file_join(b->tmp, "ca")) == NULL ||
	    (b->pass_path = file_join(b->tmp, "passphrase")) == NULL ||
	    (conf_path = file_join(b->dir, "inkan.conf")) == NULL ||
	    (conf = bench_config(bits)) == NULL)
		goto out;
	ok = file_mkdirs(b->dir, 0700) &&
	    bench_write(b->pass_path, b->pass, 0600) &&
	    bench_write(conf_path, conf, 0644);
	free(conf);
 out:
	free(conf_path);
	return ok;
}

/* init, as 'inkan init' does it, then opened again as 'inkan issue' is. */
static int
bench_create_ca(struct bench_ca *b)
{
	struct ca_open_opts o = { 0 };
	double t0 = bench_now();
	int ok;

	o.dir = b->dir;
	o.passphrase_file = b->pass_path;
	o.create = 1;
	if ((b->ca = ca_open(&o)) == NULL)
		return 0;
	ok = ca_init_hierarchy(b->ca);
	ca_close(b->ca);
	b->ca = NULL;
	if (!ok)
		return 0;
	o.create = 0;
	if ((b->ca = ca_open(&o)) == NULL)
		return 0;
	printf("  set-up: CA hierarchy made in %.1f s in %s\n",
	    bench_now() - t0, b->dir);
	return 1;
}

/* The issuing key, read as only this harness may (inkan: the signer). */
static int
bench_load_cakey(struct bench_ca *b)
{
	char *keys, *path = NULL;
	BIO *bio = NULL;

	if ((keys = file_join(b->dir, "keys")) == NULL ||
	    (path = file_join(keys, BENCH_ISSUER ".key")) == NULL ||
	    (bio = BIO_new_file(path, "r")) == NULL ||
	    (b->cakey = PEM_read_bio_PrivateKey(bio, NULL, NULL,
	    b->pass)) == NULL)
		log_openssl("bench: %s: cannot read the issuing key",
		    path != NULL ? path : BENCH_ISSUER);
	BIO_free(bio);
	free(path);
	free(keys);
	return b->cakey != NULL;
}

/* A subscriber RSA-2048 key and its CSR, made once, kept as DER. */
static int
bench_make_csr(struct bench_ca *b)
{
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	unsigned char *der = NULL;
	int len, ok = 0;

	if ((b->subkey = EVP_RSA_gen(2048)) == NULL ||
	    (req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"Bench Subscriber", -1, -1, 0) ||
	    !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, b->subkey) ||
	    X509_REQ_sign(req, b->subkey, EVP_sha256()) <= 0 ||
	    (len = i2d_X509_REQ(req, &der)) <= 0)
		goto out;
	b->csr = der;
	b->csr_len = (size_t)len;
	ok = 1;
 out:
	X509_NAME_free(name);
	X509_REQ_free(req);
	return ok;
}

static void
bench_request(struct issue_request *r)
{
	memset(r, 0, sizeof(*r));
	r->policy = BENCH_POLICY;
	r->subject = BENCH_SUBJECT;
	r->emails[0] = BENCH_EMAIL;
	r->nemails = 1;
	r->upn = BENCH_EMAIL;
}

/*
 * One batch of m requests, each parsed from the CSR bytes as a server
 * would parse what it received; the certificates land in out.
 */
static int
bench_batch(struct bench_ca *b, struct issue_request *reqs, size_t m,
    struct issue_out *out)
{
	size_t got;

	/*
	 * Each request carries the CSR bytes as a server received them; the
	 * pipeline parses them (chunk by chunk, while the signer signs).
	 */
	for (size_t i = 0; i < m; i++) {
		bench_request(&reqs[i]);
		reqs[i].csr_bytes = b->csr;
		reqs[i].csr_len = b->csr_len;
	}
	got = ca_issue_batch(b->ca, reqs, m, out);
	if (got != m)
		fprintf(stderr, "bench: batch of %zu: %zu issued\n", m, got);
	return got == m;
}

/* The stream's queue: n requests, as a server would receive them. */
struct bench_queue {
	struct bench_ca	*b;
	size_t		 n, pulled, issued;
};

static size_t
bench_queue_next(void *arg, struct issue_request *reqs, size_t max)
{
	struct bench_queue *q = arg;
	size_t k = q->n - q->pulled < max ? q->n - q->pulled : max;

	for (size_t i = 0; i < k; i++) {
		bench_request(&reqs[i]);
		reqs[i].csr_bytes = q->b->csr;
		reqs[i].csr_len = q->b->csr_len;
	}
	q->pulled += k;
	return k;
}

static void
bench_queue_done(void *arg, size_t seq, unsigned char *der, size_t len)
{
	struct bench_queue *q = arg;
	struct issue_out *o = &q->b->certs[q->b->ncerts + seq];

	o->der = der;
	o->der_len = len;
	q->issued += der != NULL;
}

/* n certificates through one ca_issue_stream. */
static int
bench_stream(struct bench_ca *b, size_t n)
{
	struct bench_queue q = { b, n, 0, 0 };
	struct issue_source src = { bench_queue_next, bench_queue_done, &q };

	ca_issue_stream(b->ca, &src);
	b->ncerts += n;
	if (q.issued != n)
		fprintf(stderr, "bench: stream of %zu: %zu issued\n", n,
		    q.issued);
	return q.issued == n;
}

/*
 * Issues n certificates into b->certs (which holds n): as one stream
 * (batch 0), or in ca_issue_batch calls of batch.
 */
static int
bench_issue(struct bench_ca *b, size_t n, size_t batch)
{
	struct issue_request *reqs;
	size_t m;
	int ok = 1;

	if (batch == 0)
		return bench_stream(b, n);
	if ((reqs = calloc(batch, sizeof(*reqs))) == NULL)
		return 0;
	for (size_t done = 0; ok && done < n; done += m) {
		m = n - done < batch ? n - done : batch;
		ok = bench_batch(b, reqs, m, b->certs + b->ncerts);
		b->ncerts += m;
	}
	free(reqs);
	return ok;
}

/* The signer's own work for one signature (keys/tbs.c, tbs_sign). */
static int
bench_sign_once(EVP_PKEY *key, const unsigned char *tbs, size_t len,
    unsigned char *sig)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *ctx;
	size_t n = 0;
	int ok;

	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, key,
	    NULL) &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0 &&
	    EVP_DigestSign(ctx, NULL, &n, tbs, len) && n <= 1024 &&
	    EVP_DigestSign(ctx, sig, &n, tbs, len);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Signs tbs for secs seconds; adds signatures and time to the result. */
static int
bench_raw(EVP_PKEY *key, const unsigned char *tbs, size_t len, double secs,
    struct bench_result *r)
{
	unsigned char sig[1024];
	double t0 = bench_now(), t;

	do {
		if (!bench_sign_once(key, tbs, len, sig)) {
			log_openssl("bench: EVP_DigestSign failed");
			return 0;
		}
		r->raw_count++;
	} while ((t = bench_now() - t0) < secs);
	r->raw_wall += t;
	return 1;
}

/* SQLite as the store set it up: WAL, synchronous=FULL (sqlite.c). */
static int
bench_durability(struct bench_ca *b)
{
	sqlite3 *db = store_sqlite_handle(b->ca->store);
	sqlite3_stmt *st;
	char mode[16] = "?";
	int sync = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof(mode), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		sync = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	printf("  durability: journal_mode=%s synchronous=%d%s\n", mode, sync,
	    sync == 2 ? " (FULL: the WAL is synced at every commit)" : "");
	if (strcmp(mode, "wal") != 0 || sync != 2) {
		fprintf(stderr, "bench: the store is not durable as configured "
		    "(want WAL, synchronous=FULL)\n");
		return 0;
	}
	return 1;
}

/* One certificate: signed by the CA key, for our key, stored as issued. */
static int
bench_check_cert(struct bench_ca *b, const struct issue_out *o)
{
	struct store_cert *row = NULL;
	unsigned char *der = NULL;
	const unsigned char *p = o->der;
	char *serial = NULL;
	X509 *x;
	int len, ok = 0;

	if (o->der == NULL ||
	    (x = d2i_X509(NULL, &p, (long)o->der_len)) == NULL)
		return 0;
	if (X509_verify(x, b->cakey) != 1 ||
	    EVP_PKEY_eq(X509_get0_pubkey(x), b->subkey) != 1 ||
	    (serial = cert_serial_hex(X509_get0_serialNumber(x))) == NULL)
		goto out;
	if (store_cert_get(b->ca->store, BENCH_ISSUER, serial, &row) &&
	    row != NULL && row->state == STORE_CERT_ISSUED &&
	    (len = i2d_X509(x, &der)) > 0 && (size_t)len == row->der_len &&
	    memcmp(der, row->der, row->der_len) == 0)
		ok = 1;
 out:
	X509_free(x);
	OPENSSL_free(der);
	OPENSSL_free(serial);
	store_cert_free(row);
	return ok;
}

static int
bench_count_issued(const struct store_cert *c, void *arg)
{
	if (strcmp(c->issuer, BENCH_ISSUER) == 0 &&
	    strcmp(c->profile, BENCH_POLICY) == 0)
		(*(size_t *)arg)++;
	return 1;
}

/* Every certificate checks out, and the store holds exactly them. */
static int
bench_verify(struct bench_ca *b, size_t n)
{
	size_t good = 0, stored = 0;

	for (size_t i = 0; i < b->ncerts; i++)
		good += bench_check_cert(b, &b->certs[i]);
	if (!store_cert_each_in_state(b->ca->store, STORE_CERT_ISSUED,
	    bench_count_issued, &stored))
		stored = 0;
	printf("  check: %zu/%zu certificates verify with the %s key, match "
	    "the subscriber key and their stored DER; store holds %zu issued "
	    "%s certificates (%zu timed + %zu warm-up)\n", good, n,
	    BENCH_ISSUER, stored, BENCH_POLICY, n, b->warm);
	return good == n && stored == n + b->warm;
}

/* The TBS of an issued certificate: real input for the raw signatures. */
static unsigned char *
bench_tbs(const struct issue_out *o, size_t *len)
{
	const unsigned char *p = o->der;
	unsigned char *tbs = NULL;
	X509 *x;

	if (o->der == NULL || (x = d2i_X509(NULL, &p, (long)o->der_len)) == NULL)
		return NULL;
	if (!cert_tbs(x, &tbs, len))
		tbs = NULL;
	X509_free(x);
	return tbs;
}

/* The timed part: raw half, pipeline, raw half. */
static int
bench_measure(struct bench_ca *b, const struct bench_opts *o,
    struct bench_result *r)
{
	unsigned char *tbs;
	size_t tbs_len;
	double t0, c0, s0;
	pid_t spid = signer_pid(b->ca->signer);
	int ok = 0;

	if ((tbs = bench_tbs(&b->certs[0], &tbs_len)) == NULL)
		return 0;
	issue_out_clear(b->certs, b->ncerts);
	b->ncerts = 0;
	if (!bench_raw(b->cakey, tbs, tbs_len, o->raw_seconds / 2, r))
		goto out;
	c0 = bench_self_cpu();
	s0 = bench_pid_cpu(spid);
	t0 = bench_now();
	if (!bench_issue(b, r->n, r->batch))
		goto out;
	r->wall = bench_now() - t0;
	r->parent_cpu = bench_self_cpu() - c0;
	r->signer_cpu = s0 < 0 ? -1 : bench_pid_cpu(spid) - s0;
	ok = bench_raw(b->cakey, tbs, tbs_len, o->raw_seconds / 2, r);
	printf("  pipeline: %zu certificates in %.3f s; CPU: this process "
	    "%.2f s, signer %.2f s; TBS %zu bytes\n", r->n, r->wall,
	    r->parent_cpu, r->signer_cpu, tbs_len);
	printf("  raw: %zu EVP_DigestSign (SHA256, PKCS#1 v1.5) in %.3f s\n",
	    r->raw_count, r->raw_wall);
 out:
	OPENSSL_free(tbs);
	return ok;
}

static void
bench_ca_free(struct bench_ca *b, int keep)
{
	ca_close(b->ca);
	if (b->certs != NULL)
		issue_out_clear(b->certs, b->ncerts);
	free(b->certs);
	EVP_PKEY_free(b->cakey);
	EVP_PKEY_free(b->subkey);
	OPENSSL_free(b->csr);
	free(b->dir);
	free(b->pass_path);
	OPENSSL_cleanse(b->pass, sizeof(b->pass));
	if (b->tmp[0] != '\0' && !keep)
		nftw(b->tmp, bench_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (b->tmp[0] != '\0')
		printf("  kept: %s\n", b->tmp);
}

/* One key size from set-up to verdict. */
static int
bench_run(const struct bench_opts *o, unsigned int bits,
    struct bench_result *r)
{
	struct bench_ca b;
	size_t warm;
	int ok = 0;

	memset(&b, 0, sizeof(b));
	memset(r, 0, sizeof(*r));
	r->bits = bits;
	r->n = o->n != 0 ? o->n : bits == 2048 ? 2000 : 300;
	r->batch = o->batch;
	if (r->batch == 0)
		printf("RSA-%u issuing key: N=%zu as one stream "
		    "(ca_issue_stream)\n", bits, r->n);
	else
		printf("RSA-%u issuing key: N=%zu in ca_issue_batch calls of "
		    "%zu\n", bits, r->n, r->batch);
	if (!bench_setup_dir(&b, o, bits) || !bench_create_ca(&b) ||
	    !bench_durability(&b) || !bench_load_cakey(&b) ||
	    !bench_make_csr(&b))
		goto out;
	r->fsync_ms = bench_fsync_ms(b.tmp);
	printf("  disk: median write+fdatasync %.2f ms in %s\n", r->fsync_ms,
	    b.tmp);
	/* Warm-up: the signer decrypts the key on first use (scrypt/PBKDF2). */
	warm = r->batch != 0 && r->batch < BENCH_WARMUP ? r->batch :
	    BENCH_WARMUP;
	if ((b.certs = calloc(r->n > warm ? r->n : warm,
	    sizeof(*b.certs))) == NULL || !bench_issue(&b, warm, warm))
		goto out;
	b.warm = warm;
	if (!bench_measure(&b, o, r))
		goto out;
	r->verified = bench_verify(&b, r->n);
	r->certs_per_s = (double)r->n / r->wall;
	r->raw_per_s = (double)r->raw_count / r->raw_wall;
	r->ratio = r->certs_per_s / r->raw_per_s;
	r->pass = r->verified && r->ratio >= BENCH_BAR;
	ok = 1;
 out:
	bench_ca_free(&b, o->keep);
	return ok;
}

/* Others' work on a 2-core machine shows up as a lower ratio. */
static void
bench_print_load(void)
{
	double load[3];

	if (getloadavg(load, 3) == 3)
		printf("load average before the runs: %.2f %.2f %.2f%s\n",
		    load[0], load[1], load[2], load[0] > 0.5 ?
		    " (others are busy: the ratio will understate)" : "");
	else
		printf("load average unknown\n");
}

/* "stream", or the batch size. */
static const char *
bench_batch_name(const struct bench_result *r)
{
	static char buf[24];

	if (r->batch == 0)
		return "stream";
	snprintf(buf, sizeof(buf), "%zu", r->batch);
	return buf;
}

static void
bench_table(const struct bench_result *r, size_t n)
{
	printf("\n%-9s %6s %6s %8s %9s %12s %7s %5s  %s\n", "key", "N",
	    "batch", "wall s", "certs/s", "raw signs/s", "ratio", "bar",
	    "result");
	for (size_t i = 0; i < n; i++)
		printf("RSA-%-5u %6zu %6s %8.3f %9.1f %12.1f %7.3f %5.2f  %s\n",
		    r[i].bits, r[i].n, bench_batch_name(&r[i]), r[i].wall, r[i].certs_per_s,
		    r[i].raw_per_s, r[i].ratio, BENCH_BAR,
		    !r[i].verified ? "FAIL (check)" : r[i].pass ? "PASS" :
		    "FAIL");
	printf("durable storage: SQLite WAL, synchronous=FULL; nproc %ld\n",
	    sysconf(_SC_NPROCESSORS_ONLN));
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_issue [--bits 2048|4096|both] [-n N] "
	    "[-b BATCH] [--raw-seconds S] [--dir BASE] [--keep]\n\n"
	    "Issues N certificates (default 2000 with an RSA-2048 issuing key,\n"
	    "300 with RSA-4096) as one stream of requests (ca_issue_stream), or\n"
	    "with -b in ca_issue_batch calls of BATCH, through the whole\n"
	    "pipeline with durable storage, and compares certificates/s\n"
	    "with the raw EVP_DigestSign rate of the same key over S seconds\n"
	    "(default 3). Exit 1 if the ratio is below %.1f or a check fails.\n"
	    "Temporary CAs go under BASE (default /var/tmp; not tmpfs).\n",
	    BENCH_BAR);
}

static int
bench_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "bench: %s: expected %zu to %zu\n", s, min, max);
		return 0;
	}
	*out = (size_t)v;
	return 1;
}

static int
bench_parse_bits(const char *s, struct bench_opts *o)
{
	o->nbits = 0;
	if (strcmp(s, "2048") == 0 || strcmp(s, "both") == 0)
		o->bits[o->nbits++] = 2048;
	if (strcmp(s, "4096") == 0 || strcmp(s, "both") == 0)
		o->bits[o->nbits++] = 4096;
	if (o->nbits == 0)
		fprintf(stderr, "bench: --bits %s: use 2048, 4096 or both\n", s);
	return o->nbits != 0;
}

static int
bench_opts_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lopts[] = {
		{ "bits", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "raw-seconds", required_argument, NULL, 's' },
		{ "dir", required_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t secs = 3;
	int ch, ok = 1;

	o->bits[0] = 2048;
	o->bits[1] = 4096;
	o->nbits = 2;
	o->batch = 0;	/* one stream */
	o->base = "/var/tmp";
	while (ok && (ch = getopt_long(argc, argv, "n:b:h", lopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k': ok = bench_parse_bits(optarg, o); break;
		case 'n': ok = bench_parse_size(optarg, 1, 1000000, &o->n); break;
		case 'b': ok = bench_parse_size(optarg, 0, 4096, &o->batch); break;
		case 's': ok = bench_parse_size(optarg, 1, 600, &secs); break;
		case 'd': o->base = optarg; break;
		case 'K': o->keep = 1; break;
		default: bench_usage(); return 0;
		}
	}
	if (!ok)
		return 0;
	o->raw_seconds = (double)secs;
	if (optind != argc) {
		bench_usage();
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	struct bench_result res[BENCH_SIZES_MAX];
	struct bench_opts o;
	int ok = 1;

	memset(&o, 0, sizeof(o));
	log_init("bench_issue", LOG_LEVEL_WARN);
	if (!bench_opts_parse(argc, argv, &o))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_print_load();
	for (size_t i = 0; i < o.nbits; i++) {
		if (!bench_run(&o, o.bits[i], &res[i])) {
			fprintf(stderr, "bench: RSA-%u run failed\n", o.bits[i]);
			return 1;
		}
		ok &= res[i].pass;
	}
	bench_table(res, o.nbits);
	return ok ? 0 : 1;
}
