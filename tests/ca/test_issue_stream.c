/*
 * Tests of ca_issue_stream and ca_issue_batch (src/ca/issue.c) against a
 * real CA (a root and an RSA-2048 issuing CA made in a temporary folder,
 * with the signer process): outcomes come back in request order across
 * chunks, a refused request (garbage CSR, another policy) is skipped
 * without stopping the others, every certificate issued verifies with
 * the issuing CA's key and is in the store, and nothing refused is
 * (CP-4.3.1, CP-3.2.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca/ca.h"
#include "ca/init.h"
#include "ca/issue.h"
#include "store/store.h"
#include "util/file.h"

#define STREAM_N	45	/* a first chunk, two full ones, a short one */
#define BAD_CSR_AT	5
#define OTHER_POLICY_AT	17

static const char conf_text[] =
    "[ca]\n"
    "base_url = http://127.0.0.1:8080\n"
    "ldap_url = ldap://127.0.0.1:3890\n"
    "cps_url = ${base_url}/repository/\n"
    "\n[root:rootca2]\n"
    "subject = /C=JP/O=Test/OU=Test Root\n"
    "key_bits = 2048\n"
    "digest = sha256\n"
    "validity_days = 7305\n"
    "policy_oid = 1.2.392.200091.100.901.4\n"
    "cps_url = ${base_url}/repository/root/\n"
    "crl_url = ${base_url}/repository/root/root.crl\n"
    "ca_issuers_url = ${base_url}/repository/root/root.cer\n"
    "\n[issuing:pubca1]\n"
    "subject = /C=JP/O=Test/OU=Test PUB/CN=Test PUB CA1\n"
    "key_bits = 2048\n"
    "validity_days = 3652\n"
    "roots = rootca2\n"
    "eku = clientAuth smartcardLogon adobeAuthenticDocumentsTrust "
    "msDocumentSigning\n"
    "policies = client document\n"
    "crl_url = ${base_url}/repository/ca1/fullCRL.crl\n"
    "ocsp_url = ${base_url}/ocsp/pubca1\n"
    "ca_issuers_url = ${base_url}/repository/ca1/pubca1.cer\n"
    "responder_subject = /C=JP/O=Test/OU=Test PUB/CN=Test OCSP\n"
    "responder_key_bits = 2048\n"
    "\n[policy:client]\n"
    "oid = 1.2.392.200091.100.381.4\n"
    "issuer = pubca1\n"
    "validity_days = 365\n"
    "\n[policy:document]\n"
    "oid = 1.2.392.200091.100.381.5\n"
    "issuer = pubca1\n"
    "validity_days = 365\n"
    "\n[policy:ocsp]\n"
    "oid = 1.2.392.200091.100.381.9\n"
    "validity_months = 4\n";

struct fixture {
	char		 tmp[64];
	char		*dir;
	struct ca	*ca;
	unsigned char	*csr;
	int		 csr_len;
};

static struct fixture F;

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return 0;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

static int
setup(void **state)
{
	struct ca_open_opts o = { 0 };
	char path[256], pass[256];
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	EVP_PKEY *key = EVP_RSA_gen(2048);

	(void)state;
	snprintf(F.tmp, sizeof(F.tmp), "/var/tmp/inkan-stream.XXXXXX");
	if (mkdtemp(F.tmp) == NULL)
		return -1;
	F.dir = file_join(F.tmp, "ca");
	snprintf(path, sizeof(path), "%s/inkan.conf", F.dir);
	snprintf(pass, sizeof(pass), "%s/pass", F.tmp);
	if (mkdir(F.dir, 0700) != 0 || !write_file(path, conf_text) ||
	    !write_file(pass, "stream test passphrase\n"))
		return -1;
	o.dir = F.dir;
	o.passphrase_file = pass;
	o.create = 1;
	if ((F.ca = ca_open(&o)) == NULL || !ca_init_hierarchy(F.ca))
		return -1;
	ca_close(F.ca);
	o.create = 0;
	if ((F.ca = ca_open(&o)) == NULL)
		return -1;
	/* One subscriber request, as DER, reused by every request. */
	if (req == NULL || name == NULL || key == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"ignored", -1, -1, 0) ||
	    !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, key) ||
	    X509_REQ_sign(req, key, EVP_sha256()) <= 0 ||
	    (F.csr_len = i2d_X509_REQ(req, &F.csr)) <= 0)
		return -1;
	X509_NAME_free(name);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	ca_close(F.ca);
	OPENSSL_free(F.csr);
	free(F.dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", F.tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* The queue: STREAM_N requests, two of them bad. */
struct queue {
	size_t		 pulled;
	size_t		 calls;
	size_t		 max_asked;
	size_t		 seen;		/* done calls */
	int		 out_of_order;
	unsigned char	*der[STREAM_N];
	size_t		 der_len[STREAM_N];
};

static const unsigned char garbage[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

static void
request(struct issue_request *r, size_t seq)
{
	memset(r, 0, sizeof(*r));
	r->policy = seq == OTHER_POLICY_AT ? "document" : "client";
	r->subject = "/C=JP/O=Test/CN=Stream Subscriber";
	r->csr_bytes = seq == BAD_CSR_AT ? garbage : F.csr;
	r->csr_len = seq == BAD_CSR_AT ? sizeof(garbage) : (size_t)F.csr_len;
}

static size_t
queue_next(void *arg, struct issue_request *reqs, size_t max)
{
	struct queue *q = arg;
	size_t k = STREAM_N - q->pulled < max ? STREAM_N - q->pulled : max;

	q->calls++;
	if (max > q->max_asked)
		q->max_asked = max;
	for (size_t i = 0; i < k; i++)
		request(&reqs[i], q->pulled + i);
	q->pulled += k;
	return k;
}

static void
queue_done(void *arg, size_t seq, unsigned char *der, size_t len)
{
	struct queue *q = arg;

	if (seq != q->seen || seq >= STREAM_N) {
		q->out_of_order++;
		OPENSSL_free(der);
		return;
	}
	q->der[seq] = der;
	q->der_len[seq] = len;
	q->seen++;
}

static int
verifies(const unsigned char *der, size_t len, X509 *issuer)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int ok = x != NULL && X509_verify(x, X509_get0_pubkey(issuer)) == 1;

	X509_free(x);
	return ok;
}

static void
test_stream_order_and_refusals(void **state)
{
	struct queue q = { 0 };
	struct issue_source src = { queue_next, queue_done, &q };
	X509 *issuer;
	int64_t before, after;
	size_t issued;

	(void)state;
	assert_true(store_cert_count(F.ca->store, "pubca1", &before));
	issued = ca_issue_stream(F.ca, &src);
	assert_int_equal(issued, STREAM_N - 2);
	assert_int_equal(q.seen, STREAM_N);
	assert_int_equal(q.out_of_order, 0);
	/* Pulled in chunks (never one request at a time, never unbounded). */
	assert_true(q.calls >= 3 && q.max_asked <= 64);
	assert_non_null(issuer = ca_cert_pick(F.ca, "pubca1",
	    NID_sha256WithRSAEncryption));
	for (size_t i = 0; i < STREAM_N; i++) {
		if (i == BAD_CSR_AT || i == OTHER_POLICY_AT) {
			assert_null(q.der[i]);
			continue;
		}
		assert_non_null(q.der[i]);
		assert_true(verifies(q.der[i], q.der_len[i], issuer));
		OPENSSL_free(q.der[i]);
	}
	X509_free(issuer);
	/* Stored: exactly the certificates issued, nothing for the refused. */
	assert_true(store_cert_count(F.ca->store, "pubca1", &after));
	assert_int_equal(after - before, STREAM_N - 2);
}

/* ca_issue_batch: one policy per batch, refused whole otherwise. */
static void
test_batch_mixed_policy_refused(void **state)
{
	struct issue_request reqs[3];
	struct issue_out out[3];
	int64_t before, after;

	(void)state;
	for (size_t i = 0; i < 3; i++)
		request(&reqs[i], i == 1 ? OTHER_POLICY_AT : 0);
	assert_true(store_cert_count(F.ca->store, "pubca1", &before));
	assert_int_equal(ca_issue_batch(F.ca, reqs, 3, out), 0);
	for (size_t i = 0; i < 3; i++)
		assert_null(out[i].der);
	assert_true(store_cert_count(F.ca->store, "pubca1", &after));
	assert_int_equal(after, before);
	/* And a clean batch is issued whole, in order. */
	for (size_t i = 0; i < 3; i++)
		request(&reqs[i], 0);
	assert_int_equal(ca_issue_batch(F.ca, reqs, 3, out), 3);
	issue_out_clear(out, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_order_and_refusals),
		cmocka_unit_test(test_batch_mixed_policy_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
