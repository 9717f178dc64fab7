/*
 * Helper of bench/crl.sh (docs/performance.md, "The CRL benchmark").
 *
 *   bench_crl populate --dir DIR -n N --index FILE [--seed S]
 *	Writes N certificates of pubca1 into the store DIR/inkan.db, issued
 *	and then revoked, through the store API in one transaction, and the
 *	same N revocations as an openssl ca index.txt in FILE. The
 *	certificates' DER is a stand-in (a CRL reads only the serial, the
 *	dates and the reason), but everything a CRL carries is real:
 *	serials drawn as inkan draws them (16 octets, positive, second bit
 *	set: x509/cert.c), a revocation date in the past 300 days, a
 *	notAfter in the future (so no entry leaves the CRL as expired), and
 *	a reason: none (unspecified, left out per RFC 5280 §5.3.1),
 *	affiliationChanged, superseded or cessationOfOperation in turn.
 *	keyCompromise is left out only because openssl's index wants a
 *	compromise time with it; the CRL builder treats every reason alike.
 *
 *   bench_crl compare --ours A --theirs B --cacert C [--dir DIR]
 *	Parses both CRLs (DER or PEM), checks that both verify with the key
 *	of C, that they have the same number of entries and that entry i of
 *	one has the serial, revocation date and reason of entry i of the
 *	other. With --dir, also checks that the store's lean CRL query
 *	(store_crl_latest_info) agrees with store_crl_latest. Exit 0 when
 *	all agree, 1 otherwise.
 */
#define _GNU_SOURCE

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sqlite3.h>

#include "store/store_impl.h"
#include "util/file.h"
#include "util/log.h"

#define BENCH_ISSUER	"pubca1"
#define BENCH_PROFILE	"client"
#define BENCH_DAY	86400LL

/* Reasons in turn: 0 is written as no reason at all, as inkan does. */
static const int bench_reasons[] = { 0, 3, 4, 5 };
static const char *const bench_reason_names[] = {
	"unspecified", "keyCompromise", "CACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation"
};

/* splitmix64: fast, seedable, good enough to draw serials and dates. */
static uint64_t
bench_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* openssl ca's index time: UTCTime text before 2050, else Generalized. */
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

static int
bench_populate(const char *dir, size_t n, const char *index, uint64_t seed)
{
	static const unsigned char fake_der[] = { 0x30, 0x03, 0x02, 0x01,
	    0x00 };
	struct store_cert c;
	struct store *st = NULL;
	char *db = NULL, serial[33], exp[32], rev[32];
	unsigned char hash[32];
	int64_t now = (int64_t)time(NULL), revoked_at, lo, hi;
	struct timespec t0, t1;
	FILE *f = NULL;
	size_t i;
	int reason, ok = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((db = file_join(dir, "inkan.db")) == NULL ||
	    (st = store_open(db)) == NULL)
		goto out;
	if ((f = fopen(index, "w")) == NULL) {
		perror(index);
		goto out;
	}
	/*
	 * A harness's shortcut (store_impl.h, as bench_issue): a page cache
	 * large enough for the whole transaction, so that SQLite does not
	 * spill to the WAL while the rows go in. The commit still syncs.
	 */
	if (sqlite3_exec(store_sqlite_handle(st), "PRAGMA cache_size = "
	    "-2000000", NULL, NULL, NULL) != SQLITE_OK || !store_begin(st))
		goto out;
	memset(&c, 0, sizeof(c));
	c.issuer = BENCH_ISSUER;
	c.serial = serial;
	c.profile = BENCH_PROFILE;
	c.subject = "CN=Bench Revoked Subscriber";
	for (i = 0; i < n; i++) {
		uint64_t a = bench_rand(&seed), b = bench_rand(&seed);

		/* As cert_serial_new: top bit clear, next bit set. */
		a = (a & 0x3fffffffffffffffULL) | 0x4000000000000000ULL;
		snprintf(serial, sizeof(serial), "%016llX%016llX",
		    (unsigned long long)a, (unsigned long long)b);
		for (size_t k = 0; k < sizeof(hash); k++)
			hash[k] = (unsigned char)bench_rand(&seed);
		memcpy(c.tbs_sha256, hash, sizeof(hash));
		revoked_at = now - 60 -
		    (int64_t)(bench_rand(&seed) % (300 * BENCH_DAY));
		/* Valid a year, revoked within it, not expired yet. */
		lo = revoked_at + BENCH_DAY > now + BENCH_DAY ?
		    revoked_at + BENCH_DAY : now + BENCH_DAY;
		hi = revoked_at + 365 * BENCH_DAY;
		c.not_after = lo + (int64_t)(bench_rand(&seed) %
		    (uint64_t)(hi - lo));
		c.not_before = c.not_after - 365 * BENCH_DAY;
		c.intent_at = c.not_before;
		reason = bench_reasons[i % (sizeof(bench_reasons) /
		    sizeof(bench_reasons[0]))];
		if (!store_cert_intent(st, &c) ||
		    !store_cert_issued(st, BENCH_ISSUER, serial, fake_der,
		    sizeof(fake_der), c.not_before) ||
		    !store_cert_revoke(st, BENCH_ISSUER, serial,
		    STORE_STATUS_REVOKED, revoked_at, reason, 0))
			goto rollback;
		bench_index_time(c.not_after, exp, sizeof(exp));
		bench_index_time(revoked_at, rev, sizeof(rev));
		fprintf(f, "R\t%s\t%s%s%s\t%s\tunknown\t/CN=Bench Revoked "
		    "Subscriber\n", exp, rev, reason != 0 ? "," : "",
		    reason != 0 ? bench_reason_names[reason] : "", serial);
	}
	if (!store_commit(st))
		goto rollback;
	if (fclose(f) != 0) {
		f = NULL;
		perror(index);
		goto out;
	}
	f = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("  populate: %zu revoked certificates of %s in the store and "
	    "in %s, %.1f s\n", n, BENCH_ISSUER, index,
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ok = 1;
	goto out;
 rollback:
	store_rollback(st);
 out:
	if (f != NULL)
		fclose(f);
	store_close(st);
	free(db);
	return ok;
}

static X509_CRL *
bench_read_crl(const char *path)
{
	unsigned char *data;
	const unsigned char *p;
	X509_CRL *crl = NULL;
	size_t len;
	BIO *bio;

	if ((data = file_read(path, 1024L * 1024 * 1024, &len)) == NULL)
		return NULL;
	p = data;
	if (len > 0 && data[0] == 0x30)
		crl = d2i_X509_CRL(NULL, &p, (long)len);
	else if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL) {
		crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if (crl == NULL)
		log_openssl("bench: %s: not a CRL", path);
	free(data);
	return crl;
}

static int
bench_reason(const X509_REVOKED *r)
{
	ASN1_ENUMERATED *e;
	int crit, v;

	if ((e = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit,
	    NULL)) == NULL)
		return crit == -1 ? 0 : -1;	/* absent: unspecified */
	v = (int)ASN1_ENUMERATED_get(e);
	ASN1_ENUMERATED_free(e);
	return v;
}

/* The lean query answers as the full one does (store.h). */
static int
bench_check_lean(const char *dir)
{
	struct store_crl *full = NULL;
	struct store *st = NULL;
	int64_t number = -1, this_update = -1;
	char *db;
	int found = -1, ok = 0;

	if ((db = file_join(dir, "inkan.db")) == NULL ||
	    (st = store_open(db)) == NULL ||
	    !store_crl_latest(st, BENCH_ISSUER, &full) ||
	    !store_crl_latest_info(st, BENCH_ISSUER, &found, &number,
	    &this_update))
		goto out;
	ok = full != NULL ? found == 1 && number == full->number &&
	    this_update == full->this_update : found == 0;
	printf("  lean query: CRL %lld, thisUpdate %lld (%s the full row)\n",
	    (long long)number, (long long)this_update,
	    ok ? "same as" : "DIFFERS from");
 out:
	store_crl_free(full);
	store_close(st);
	free(db);
	return ok;
}

static int
bench_compare(const char *ours, const char *theirs, const char *cacert,
    const char *dir)
{
	STACK_OF(X509_REVOKED) *a, *b;
	X509_CRL *ca = NULL, *cb = NULL;
	X509 *x = NULL;
	BIO *bio = NULL;
	int na, nb, vfa, vfb, diff = 0, ok = 0;

	if ((ca = bench_read_crl(ours)) == NULL ||
	    (cb = bench_read_crl(theirs)) == NULL)
		goto out;
	if ((bio = BIO_new_file(cacert, "r")) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		log_openssl("bench: %s: not a PEM certificate", cacert);
		goto out;
	}
	vfa = X509_CRL_verify(ca, X509_get0_pubkey(x)) == 1;
	vfb = X509_CRL_verify(cb, X509_get0_pubkey(x)) == 1;
	a = X509_CRL_get_REVOKED(ca);
	b = X509_CRL_get_REVOKED(cb);
	na = a != NULL ? sk_X509_REVOKED_num(a) : 0;
	nb = b != NULL ? sk_X509_REVOKED_num(b) : 0;
	for (int i = 0; i < na && i < nb; i++) {
		const X509_REVOKED *ra = sk_X509_REVOKED_value(a, i);
		const X509_REVOKED *rb = sk_X509_REVOKED_value(b, i);

		if (ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(ra),
		    X509_REVOKED_get0_serialNumber(rb)) != 0 ||
		    ASN1_TIME_compare(X509_REVOKED_get0_revocationDate(ra),
		    X509_REVOKED_get0_revocationDate(rb)) != 0 ||
		    bench_reason(ra) != bench_reason(rb))
			diff++;
	}
	/* The stacks are in DER order: check that it is serial order. */
	for (int i = 1; i < na; i++)
		if (ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(a, i - 1)),
		    X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(a, i))) >= 0)
			diff++;
	printf("  compare: inkan CRL %d entries (signature %s), openssl CRL "
	    "%d entries (signature %s); %d entries differ in serial, date, "
	    "reason or order\n", na, vfa ? "verifies" : "DOES NOT VERIFY", nb,
	    vfb ? "verifies" : "DOES NOT VERIFY", diff);
	ok = vfa && vfb && na == nb && diff == 0;
	if (dir != NULL)
		ok &= bench_check_lean(dir);
 out:
	BIO_free(bio);
	X509_free(x);
	X509_CRL_free(ca);
	X509_CRL_free(cb);
	return ok;
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_crl populate --dir DIR -n N --index FILE "
	    "[--seed S]\n"
	    "       bench_crl compare --ours CRL --theirs CRL --cacert PEM "
	    "[--dir DIR]\n");
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "index", required_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 's' },
		{ "ours", required_argument, NULL, 'a' },
		{ "theirs", required_argument, NULL, 'b' },
		{ "cacert", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *index = NULL, *ours = NULL, *theirs = NULL,
	    *cacert = NULL, *verb;
	unsigned long long n = 0, seed = 1;
	int ch;

	log_init("bench_crl", LOG_LEVEL_WARN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		bench_usage();
		return 2;
	}
	verb = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "n:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'i': index = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'a': ours = optarg; break;
		case 'b': theirs = optarg; break;
		case 'c': cacert = optarg; break;
		default: bench_usage(); return 2;
		}
	}
	if (strcmp(verb, "populate") == 0 && dir != NULL && index != NULL &&
	    n > 0 && n <= 10000000)
		return bench_populate(dir, (size_t)n, index, seed) ? 0 : 1;
	if (strcmp(verb, "compare") == 0 && ours != NULL && theirs != NULL &&
	    cacert != NULL)
		return bench_compare(ours, theirs, cacert, dir) ? 0 : 1;
	bench_usage();
	return 2;
}
