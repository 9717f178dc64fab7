/*
 * Unit tests of src/ra/revreq.c, src/ra/kcproof.c and the tables of
 * src/store/sqlite_revreq.c: serial normalisation, key compromise proofs
 * (a PKCS#10 request over the fixed statement, CP-1.5.2, 4.9.1), the
 * subscriber login with lock-out, idle and absolute time-outs and its
 * CSRF token (CP-4.9.13-4.9.15), and the rules of revocation requests
 * (LRA scope, hold only by the subscriber and only where the profile
 * allows it, reasons per requester, CP-4.9.1-4.9.3, 4.9.14), with a
 * revoker that records what it was asked.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ra/account.h"
#include "ra/kcproof.h"
#include "ra/revreq.h"
#include "store/store.h"

#define STORE_TEST_PREFIX "inkan-revreq"
#include "store/scaffold.h"

#define T0	1800000000

/* --- serials ---------------------------------------------------------------- */

static void
test_serial_norm(void **state)
{
	char out[64];

	assert_true(ra_serial_norm("0a:1b:2C", 8, out));
	assert_string_equal(out, "0A1B2C");
	assert_true(ra_serial_norm("00abc", 5, out));
	assert_string_equal(out, "0ABC");
	assert_false(ra_serial_norm("", 0, out));
	assert_false(ra_serial_norm("00", 2, out));
	assert_false(ra_serial_norm("12 OR 1=1", 9, out));
	assert_false(ra_serial_norm("1234'", 5, out));
	/* RFC 5280 §4.1.2.2: at most 20 octets. */
	assert_true(ra_serial_norm("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	    40, out));
	assert_false(ra_serial_norm("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	    41, out));
}

/* --- key compromise proofs ------------------------------------------------------ */

static EVP_PKEY *kc_key, *kc_other;

static EVP_PKEY *
key(EVP_PKEY **k)
{
	if (*k == NULL)
		*k = EVP_RSA_gen(2048);
	assert_non_null(*k);
	return *k;
}

/* A self-signed certificate of k with serial 0x1A2B3C4D, as DER. */
static unsigned char *
kc_cert(EVP_PKEY *k, int *len)
{
	X509 *x = X509_new();
	unsigned char *der = NULL;

	assert_non_null(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1A2B3C4D);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"Leaky", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	*len = i2d_X509(x, &der);
	assert_true(*len > 0);
	X509_free(x);
	return der;
}

/* A request signed by k with subject CN=cn (and serialNumber=sn). */
static unsigned char *
kc_req(EVP_PKEY *k, const char *cn, const char *sn, const char *extra,
    int *len)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_REQ_get_subject_name(r);
	unsigned char *der = NULL;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	if (sn != NULL)
		X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_ASC,
		    (const unsigned char *)sn, -1, -1, 0);
	if (extra != NULL)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
		    (const unsigned char *)extra, -1, -1, 0);
	X509_REQ_set_pubkey(r, k);
	assert_true(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	*len = i2d_X509_REQ(r, &der);
	assert_true(*len > 0);
	X509_REQ_free(r);
	return der;
}

static void
test_kc_proof(void **state)
{
	unsigned char *cert, *req;
	int clen, rlen;
	char why[256];

	cert = kc_cert(key(&kc_key), &clen);
	req = kc_req(kc_key, RA_KC_STATEMENT, "1a2b3c4d", NULL, &rlen);
	assert_true(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4D", why, sizeof(why)));
	/* The same statement for another certificate proves nothing here. */
	assert_false(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4E", why, sizeof(why)));
	assert_non_null(strstr(why, "another certificate"));
	OPENSSL_free(req);
	/* Signed by another key. */
	req = kc_req(key(&kc_other), RA_KC_STATEMENT, "1A2B3C4D", NULL, &rlen);
	assert_false(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4D", why, sizeof(why)));
	assert_non_null(strstr(why, "another key"));
	OPENSSL_free(req);
	/* Not the statement: an ordinary request, or one with more in it. */
	req = kc_req(kc_key, "Leaky", NULL, NULL, &rlen);
	assert_false(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4D", why, sizeof(why)));
	OPENSSL_free(req);
	req = kc_req(kc_key, RA_KC_STATEMENT, "1A2B3C4D", "Extra", &rlen);
	assert_false(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4D", why, sizeof(why)));
	/* A damaged signature. */
	req[rlen - 5] ^= 0x01;
	assert_false(ra_kc_proof_verify(req, (size_t)rlen, cert, (size_t)clen,
	    "1A2B3C4D", why, sizeof(why)));
	OPENSSL_free(req);
	/* Garbage, empty, oversized. */
	assert_false(ra_kc_proof_verify((const unsigned char *)"garbage", 7,
	    cert, (size_t)clen, "1A2B3C4D", why, sizeof(why)));
	assert_false(ra_kc_proof_verify((const unsigned char *)"", 0, cert,
	    (size_t)clen, "1A2B3C4D", why, sizeof(why)));
	assert_false(ra_kc_proof_verify(cert, RA_KC_PROOF_MAX + 1, cert,
	    (size_t)clen, "1A2B3C4D", why, sizeof(why)));
	OPENSSL_free(cert);
}

/* --- a store with certificates ---------------------------------------------------- */

static const unsigned char subject_der[] = { 0x30, 0x03, 0x01, 0x02, 0x03 };
static const unsigned char spki_der[] = { 0x30, 0x02, 0x05, 0x00 };

static void
add_ca(struct store *st, const char *name)
{
	struct store_ca ca = {
		.name = (char *)name,
		.kind = STORE_CA_ISSUING,
		.key_name = (char *)name,
		.subject_der = (unsigned char *)subject_der,
		.subject_len = sizeof(subject_der),
		.spki_der = (unsigned char *)spki_der,
		.spki_len = sizeof(spki_der),
		.created_at = T0 - 100,
	};

	assert_true(store_ca_insert(st, &ca));
}

/* An issued certificate; its DER is a stand-in (never parsed here). */
static void
add_cert(struct store *st, const char *issuer, const char *serial,
    const char *profile)
{
	unsigned char der[8] = { 0x30, 0x06, 0, 0, 0, 0, 0, 0 };
	struct store_cert c = {
		.issuer = (char *)issuer,
		.serial = (char *)serial,
		.profile = (char *)profile,
		.subject = "CN=Alice,O=Example",
		.not_before = T0 - 10,
		.not_after = T0 + 86400 * 365,
		.intent_at = T0 - 10,
	};

	memcpy(der + 2, serial, 4);
	assert_true(store_cert_intent(st, &c));
	assert_true(store_cert_issued(st, issuer, serial, der, sizeof(der),
	    T0 - 9));
}

static struct store *
open_store(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	assert_non_null(st = store_open(test_path(path, name)));
	add_ca(st, "pubca1");
	add_ca(st, "codesign-g1");
	add_cert(st, "pubca1", "0A01", "client");
	add_cert(st, "pubca1", "0A02", "client");
	add_cert(st, "pubca1", "0A03", "client");
	add_cert(st, "codesign-g1", "0C01", "codesign");
	add_cert(st, "pubca1", "0A04", "client-sha1");
	add_cert(st, "pubca1", "0A05", "smime-strict");
	add_cert(st, "pubca1", "0A06", "smime-multipurpose");
	add_cert(st, "pubca1", "0D01", "ocsp");
	return st;
}

static struct ra_principal
console(void)
{
	struct ra_principal p = { 0 };

	snprintf(p.name, sizeof(p.name), "os:test");
	p.role = STORE_RA_ADMIN;
	p.full = 1;
	p.auth = "local";
	p.source = "cli";
	return p;
}

/* --- the subscriber login (CP-4.9.15) --------------------------------------------------- */

static void
test_subscriber_login(void **state)
{
	struct store *st = open_store("sub.db");
	struct ra *ra = ra_new(st, 1, NULL);
	struct ra_principal by = console();
	struct ra_subscriber_login in = { 0 };
	struct ra_subscriber s;
	char pw[RA_SUBSCRIBER_PW_LEN + 1], pw2[RA_SUBSCRIBER_PW_LEN + 1];
	char tok[RA_TOKEN_TEXT_LEN + 1], csrf[RA_TOKEN_TEXT_LEN + 1];
	const char *why;
	int64_t retry, t;

	assert_non_null(ra);
	assert_int_equal(ra_subscriber_credential_new(ra, &by, "pubca1", "0A01",
	    T0, pw), RA_OK);
	assert_int_equal(strlen(pw), RA_SUBSCRIBER_PW_LEN);
	/* Once per certificate; each one random. */
	assert_int_equal(ra_subscriber_credential_new(ra, &by, "pubca1", "0A01",
	    T0, pw2), RA_CONFLICT);
	assert_int_equal(ra_subscriber_credential_new(ra, &by, "pubca1", "0A02",
	    T0, pw2), RA_OK);
	assert_string_not_equal(pw, pw2);

	in.serial = "0a:01";
	in.password = pw;
	in.password_len = strlen(pw);
	in.source = "127.0.0.1";
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_OK);
	/* Idle: 5 minutes; each request restarts it. */
	assert_int_equal(ra_subscriber_authenticate(ra, tok, strlen(tok), "x",
	    T0 + RA_SUBSCRIBER_IDLE - 1, &s), RA_OK);
	assert_string_equal(s.serial, "0A01");
	/* CSRF: the session's token, nothing else. */
	ra_subscriber_csrf_text(&s, csrf);
	assert_int_equal(strlen(csrf), 43);
	assert_true(ra_subscriber_csrf_ok(&s, csrf, strlen(csrf)));
	assert_false(ra_subscriber_csrf_ok(&s, csrf, strlen(csrf) - 1));
	csrf[10] = csrf[10] == 'A' ? 'B' : 'A';
	assert_false(ra_subscriber_csrf_ok(&s, csrf, strlen(csrf)));
	assert_false(ra_subscriber_csrf_ok(&s, NULL, 0));
	assert_false(ra_subscriber_csrf_ok(&s, tok, strlen(tok)));
	assert_int_equal(ra_subscriber_authenticate(ra, tok, strlen(tok), "x",
	    T0 + 2 * RA_SUBSCRIBER_IDLE, &s), RA_UNAUTHENTICATED);
	/* Absolute: 15 minutes, however active. */
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_OK);
	for (t = T0 + 200; t < T0 + RA_SUBSCRIBER_LIFETIME; t += 200)
		assert_int_equal(ra_subscriber_authenticate(ra, tok,
		    strlen(tok), "x", t, &s), RA_OK);
	assert_int_equal(ra_subscriber_authenticate(ra, tok, strlen(tok), "x",
	    T0 + RA_SUBSCRIBER_LIFETIME, &s), RA_UNAUTHENTICATED);
	/* Logged out: gone. */
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_OK);
	assert_int_equal(ra_subscriber_authenticate(ra, tok, strlen(tok), "x",
	    T0 + 1, &s), RA_OK);
	ra_subscriber_logout(ra, &s);
	assert_int_equal(ra_subscriber_authenticate(ra, tok, strlen(tok), "x",
	    T0 + 2, &s), RA_UNAUTHENTICATED);
	assert_int_equal(ra_subscriber_authenticate(ra, "short", 5, "x", T0, &s),
	    RA_UNAUTHENTICATED);

	/* Another certificate's password, an unknown one, no login at all. */
	in.password = pw2;
	in.password_len = strlen(pw2);
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_BAD_CREDENTIALS);
	in.serial = "0A03";
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_BAD_CREDENTIALS);
	in.serial = "FFFF";
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_BAD_CREDENTIALS);
	in.serial = "not hex";
	assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry, &why),
	    RA_INVALID);

	/* Five failures lock for a minute, even the right password. */
	in.serial = "0A02";
	in.password = "wrong";
	in.password_len = 5;
	for (int i = 0; i < RA_LOCK_THRESHOLD; i++)
		assert_int_equal(ra_subscriber_login(ra, &in, T0, tok, &retry,
		    &why), RA_BAD_CREDENTIALS);
	in.password = pw2;
	in.password_len = strlen(pw2);
	assert_int_equal(ra_subscriber_login(ra, &in, T0 + 1, tok, &retry,
	    &why), RA_LOCKED);
	assert_int_equal(retry, RA_LOCK_BASE - 1);
	assert_int_equal(ra_subscriber_login(ra, &in, T0 + RA_LOCK_BASE, tok,
	    &retry, &why), RA_OK);
	ra_free(ra);
}

/* --- revocation requests (CP-4.9.1-4.9.3, 4.9.14) -------------------------------------- */

struct fake {
	struct store	*st;		/* changes the status there, as ca_revoke */
	int		 calls;
	int		 result;
	int		 reason;
	char		 serial[64];
};

static int
fake_revoke(void *arg, const struct revoke_request *req,
    const struct ra_revoke_who *who)
{
	struct fake *f = arg;

	assert_non_null(who->actor);
	assert_non_null(who->role);

	f->calls++;
	f->reason = req->reason;
	snprintf(f->serial, sizeof(f->serial), "%s", req->serial);
	if (!f->result)
		return 0;
	return store_cert_revoke(f->st, req->issuer, req->serial,
	    req->reason == 6 ? STORE_STATUS_HOLD : STORE_STATUS_REVOKED, T0,
	    req->reason, 0);
}

static int
count_requests(const struct store_revreq *r, void *arg)
{
	(*(int *)arg)++;
	return 1;
}

static void
test_revoke_rules(void **state)
{
	struct store *st = open_store("req.db");
	struct ra *ra = ra_new(st, 1, NULL);
	struct fake f = { st, 0, 1, -1, "" };
	struct ra_revoker rv = { fake_revoke, &f };
	struct ra_principal by = console(), lra = { 0 };
	struct ra_revoke_in in = { 0 };
	struct store_org org = { 0 };
	struct capture cap;
	const char *why;
	int64_t id;
	int n = 0;

	/* An approved LRA for client and document; it owns 0A01 and 0C01. */
	org.name = "acme";
	org.display_name = "ACME";
	org.lra = 1;
	org.policies = "";
	org.options = "[]";
	org.registered_by = "os:test";
	org.registered_at = T0;
	assert_true(store_org_insert(st, &org));
	assert_true(store_org_decide(st, "acme", STORE_ORG_APPROVED, "os:test",
	    T0, NULL));
	assert_true(store_org_settings(st, "acme", "client,document", "[]"));
	assert_int_equal(ra_cert_owner_record(ra, &by, "pubca1", "0A01",
	    "acme", "a@example.jp", T0), RA_OK);
	assert_int_equal(ra_cert_owner_record(ra, &by, "codesign-g1", "0C01",
	    "acme", NULL, T0), RA_OK);
	assert_int_equal(ra_cert_owner_record(ra, &by, "pubca1", "0A04",
	    "acme", NULL, T0), RA_OK);
	assert_int_equal(ra_cert_owner_record(ra, &by, "pubca1", "0A05",
	    "acme", NULL, T0), RA_OK);
	assert_int_equal(ra_cert_owner_record(ra, &by, "pubca1", "0A01",
	    NULL, NULL, T0), RA_CONFLICT);
	capture_begin(&cap);
	assert_int_equal(ra_cert_owner_record(ra, &by, "pubca1", "0A02",
	    "nosuch", NULL, T0), RA_CONFLICT);
	assert_non_null(strstr(capture_end(&cap), "no approved organisation"));

	snprintf(lra.name, sizeof(lra.name), "cert:pubca1/99");
	lra.role = STORE_RA_LRA;
	snprintf(lra.org, sizeof(lra.org), "acme");
	lra.full = 1;
	lra.auth = "tls-client-cert";

	/* LRA: not its certificate, not its policy, no hold. */
	in.kind = STORE_REVREQ_LRA;
	in.issuer = "pubca1";
	in.serial = "0A02";
	in.reason = 1;
	in.grounds = "lost";
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	in.issuer = "codesign-g1";
	in.serial = "0C01";
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	assert_non_null(strstr(why, "policy"));
	in.issuer = "pubca1";
	in.serial = "0A01";
	in.reason = 6;
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_INVALID);
	in.reason = 9;	/* privilegeWithdrawn is the CA's */
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_INVALID);
	assert_int_equal(f.calls, 0);
	in.reason = 1;
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_OK);
	assert_int_equal(f.calls, 1);
	assert_string_equal(f.serial, "0A01");
	/* The legacy sha1 profile is still the client policy; S/MIME is not an LRA's. */
	in.serial = "0A04";
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_OK);
	in.serial = "0A05";
	assert_int_equal(ra_revoke_request(ra, &rv, &lra, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	assert_int_equal(f.calls, 2);

	/* RA operator: CP-4.9.1 grounds; no hold. */
	in.kind = STORE_REVREQ_RA;
	in.serial = "0A02";
	in.grounds = "because";
	by.role = STORE_RA_OPERATOR;
	assert_int_equal(ra_revoke_request(ra, &rv, &by, &in, T0, &id, &why),
	    RA_INVALID);
	in.grounds = "misuse";
	in.reason = 6;
	assert_int_equal(ra_revoke_request(ra, &rv, &by, &in, T0, &id, &why),
	    RA_INVALID);
	/* Not over HTTP: a responder (or CA) certificate. */
	in.serial = "0D01";
	assert_int_equal(ra_revoke_request(ra, &rv, &by, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	assert_non_null(strstr(why, "console"));
	in.serial = "0A02";
	by.role = STORE_RA_AUDITOR;
	in.reason = 9;
	assert_int_equal(ra_revoke_request(ra, &rv, &by, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	by.role = STORE_RA_OPERATOR;
	/* A revoker that fails: the request ends "failed". */
	f.result = 0;
	assert_int_equal(ra_revoke_request(ra, &rv, &by, &in, T0, &id, &why),
	    RA_ERROR);
	f.result = 1;

	/* Subscriber: hold where allowed (client), never for code signing. */
	in.kind = STORE_REVREQ_SUBSCRIBER;
	in.requester = "subscriber";
	in.reason = 6;
	in.issuer = "codesign-g1";
	in.serial = "0C01";
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	assert_non_null(strstr(why, "CSBR 4.9.13"));
	in.serial = "0A05";
	in.issuer = "pubca1";
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_FORBIDDEN);
	assert_non_null(strstr(why, "SBR 4.9.13"));
	in.serial = "0A06";
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_OK);
	/* On hold: not again; then revoked (CP-4.9.13), and that is final. */
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_CONFLICT);
	in.reason = 5;
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_OK);
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_CONFLICT);
	assert_non_null(strstr(why, "already revoked"));
	in.reason = 6;
	in.issuer = "pubca1";
	in.serial = "0A03";
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_OK);
	assert_int_equal(f.reason, 6);
	/* Unknown and expired certificates. */
	in.serial = "0B99";
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in, T0, &id, &why),
	    RA_NOT_FOUND);
	in.serial = "0A03";
	in.reason = 1;
	assert_int_equal(ra_revoke_request(ra, &rv, NULL, &in,
	    T0 + 86400 * 400, &id, &why), RA_CONFLICT);

	/* Recorded: those carried out and the failed one, no refusal. */
	assert_true(store_revreq_each(st, 100, count_requests, &n));
	assert_int_equal(n, 6);
	assert_int_equal(f.calls, 6);
	ra_free(ra);
}

static void
test_grounds(void **state)
{
	for (size_t i = 0; ra_grounds_codes[i] != NULL; i++)
		assert_non_null(ra_grounds_text(ra_grounds_codes[i]));
	assert_null(ra_grounds_text("because"));
	assert_null(ra_grounds_text(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_norm),
		cmocka_unit_test(test_kc_proof),
		cmocka_unit_test(test_subscriber_login),
		cmocka_unit_test(test_revoke_rules),
		cmocka_unit_test(test_grounds),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, test_setup, test_teardown);
	EVP_PKEY_free(kc_key);
	EVP_PKEY_free(kc_other);
	return rc;
}
