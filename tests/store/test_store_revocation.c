/*
 * Tests of revocation, CRLs and pre-signed OCSP responses in the store
 * (src/store/store.h, schema version 2) on its SQLite back end, each on its
 * own database file in a temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-revoke"
#include "store/scaffold.h"

/* Runs sql through the back door and says whether SQLite accepted it. */
static int
raw_ok(struct store *st, const char *sql)
{
	return sqlite3_exec(store_sqlite_handle(st), sql, NULL, NULL,
	    NULL) == SQLITE_OK;
}

static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/*
 * The query plan of the statement the store has prepared whose SQL holds
 * needle, as the details of EXPLAIN QUERY PLAN joined by "; ".
 */
static void
plan_of(struct store *st, const char *needle, char *buf, size_t size)
{
	sqlite3 *db = store_sqlite_handle(st);
	sqlite3_stmt *it, *eqp;
	char sql[4096];
	size_t len = 0;

	for (it = sqlite3_next_stmt(db, NULL); it != NULL;
	    it = sqlite3_next_stmt(db, it))
		if (strstr(sqlite3_sql(it), needle) != NULL)
			break;
	assert_non_null(it);
	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", sqlite3_sql(it));
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &eqp, NULL),
	    SQLITE_OK);
	buf[0] = '\0';
	while (sqlite3_step(eqp) == SQLITE_ROW && len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s; ",
		    (const char *)sqlite3_column_text(eqp, 3));
	sqlite3_finalize(eqp);
	printf("plan: %s\n", buf);
}

static const unsigned char subject_der[] = { 0x30, 0x03, 0x01, 0x02, 0x03 };
static const unsigned char spki_der[] = { 0x30, 0x02, 0x05, 0x00 };
static const unsigned char cert_der[] = { 0x30, 0x05, 0xde, 0xad, 0xbe,
	0xef, 0x00 };
static const unsigned char crl_der[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

static void
add_ca(struct store *st, const char *name, enum store_ca_kind kind)
{
	char key[80];
	struct store_ca ca = {
		.name = (char *)name,
		.kind = kind,
		.key_name = key,
		.subject_der = (unsigned char *)subject_der,
		.subject_len = sizeof(subject_der),
		.spki_der = (unsigned char *)spki_der,
		.spki_len = sizeof(spki_der),
		.created_at = 1700000000,
	};

	snprintf(key, sizeof(key), "%s-key", name);
	assert_true(store_ca_insert(st, &ca));
}

/* A root and two issuing CAs, as most tests need. */
static struct store *
open_with_cas(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	assert_non_null(st = store_open(test_path(path, name)));
	add_ca(st, "root1", STORE_CA_ROOT);
	add_ca(st, "pubca1", STORE_CA_ISSUING);
	add_ca(st, "pubca2", STORE_CA_ISSUING);
	return st;
}

static int
add_intent_full(struct store *st, const char *issuer, const char *serial,
    const char *profile, int64_t not_after, int64_t at)
{
	struct store_cert c = {
		.issuer = (char *)issuer,
		.serial = (char *)serial,
		.profile = (char *)profile,
		.subject = "CN=Alice,O=Example",
		.not_before = 1000,
		.not_after = not_after,
		.intent_at = at,
	};

	memset(c.tbs_sha256, 0xab, sizeof(c.tbs_sha256));
	return store_cert_intent(st, &c);
}

/* An issued certificate of profile valid until not_after. */
static void
add_cert_full(struct store *st, const char *issuer, const char *serial,
    const char *profile, int64_t not_after, int64_t at)
{
	assert_true(add_intent_full(st, issuer, serial, profile, not_after,
	    at));
	assert_true(store_cert_issued(st, issuer, serial, cert_der,
	    sizeof(cert_der), at + 1));
}

static void
add_cert(struct store *st, const char *issuer, const char *serial)
{
	add_cert_full(st, issuer, serial, "client", 1000000, 1100);
}

static struct store_cert *
get_cert(struct store *st, const char *issuer, const char *serial)
{
	struct store_cert *c = NULL;

	assert_true(store_cert_get(st, issuer, serial, &c));
	assert_non_null(c);
	return c;
}

/* Revokes (or holds) and expects refusal, with words in the message. */
static void
expect_revoke_refused(struct store *st, const char *issuer,
    const char *serial, enum store_cert_status status, int64_t at,
    int reason, int64_t invalidity_at, const char *words)
{
	struct capture cap;

	capture_begin(&cap);
	assert_false(store_cert_revoke(st, issuer, serial, status, at, reason,
	    invalidity_at));
	assert_non_null(strstr(capture_end(&cap), words));
}

static void
test_revoke_transitions(void **state)
{
	struct store *st = open_with_cas("transitions.db");
	struct store_cert *c;

	add_cert(st, "pubca1", "01");
	add_cert(st, "pubca1", "02");

	/* good -> hold -> revoked (CP-4.9.13). */
	assert_true(store_cert_revoke(st, "pubca1", "01", STORE_STATUS_HOLD,
	    2000, 6, 1900));
	c = get_cert(st, "pubca1", "01");
	assert_int_equal(c->status, STORE_STATUS_HOLD);
	assert_int_equal(c->revoked_at, 2000);
	assert_int_equal(c->reason, 6);
	assert_int_equal(c->invalidity_at, 1900);
	store_cert_free(c);
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_HOLD, 2100, 6,
	    0, "certificate pubca1/01: cannot put on hold: status is hold; "
	    "a certificate on hold can only be revoked");
	/* The revocation takes the new time, reason and invalidity date. */
	assert_true(store_cert_revoke(st, "pubca1", "01",
	    STORE_STATUS_REVOKED, 3000, 1, 0));
	c = get_cert(st, "pubca1", "01");
	assert_int_equal(c->status, STORE_STATUS_REVOKED);
	assert_int_equal(c->revoked_at, 3000);
	assert_int_equal(c->reason, 1);
	assert_int_equal(c->invalidity_at, 0);
	assert_int_equal(c->state, STORE_CERT_ISSUED);
	store_cert_free(c);

	/* Revocation is final: not again, not back to hold. */
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_REVOKED, 3100,
	    4, 0, "certificate pubca1/01: cannot revoke: status is revoked; "
	    "revocation is final");
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_HOLD, 3100, 6,
	    0, "cannot put on hold: status is revoked");

	/* good -> revoked, with reason unspecified (0). */
	assert_true(store_cert_revoke(st, "pubca1", "02",
	    STORE_STATUS_REVOKED, 2500, 0, 2400));
	c = get_cert(st, "pubca1", "02");
	assert_int_equal(c->status, STORE_STATUS_REVOKED);
	assert_int_equal(c->reason, 0);
	assert_int_equal(c->invalidity_at, 2400);
	store_cert_free(c);

	/* Only issued certificates: not an intent, aborted or unknown one. */
	assert_true(add_intent_full(st, "pubca1", "03", "client", 5000, 1));
	expect_revoke_refused(st, "pubca1", "03", STORE_STATUS_REVOKED, 2000,
	    1, 0, "certificate pubca1/03: cannot revoke: state is intent, "
	    "not issued");
	assert_true(add_intent_full(st, "pubca1", "04", "client", 5000, 1));
	assert_true(store_cert_abort(st, "pubca1", "04"));
	expect_revoke_refused(st, "pubca1", "04", STORE_STATUS_HOLD, 2000, 6,
	    0, "cannot put on hold: state is aborted, not issued");
	expect_revoke_refused(st, "pubca1", "05", STORE_STATUS_REVOKED, 2000,
	    1, 0, "certificate pubca1/05: cannot revoke: not in the store");
	/* The same serial under another issuer is another certificate. */
	expect_revoke_refused(st, "pubca2", "01", STORE_STATUS_REVOKED, 2000,
	    1, 0, "certificate pubca2/01: cannot revoke: not in the store");
	c = get_cert(st, "pubca1", "03");
	assert_int_equal(c->status, STORE_STATUS_GOOD);
	assert_int_equal(c->revoked_at, 0);
	assert_int_equal(c->reason, -1);
	store_cert_free(c);
	store_close(st);
}

static void
test_revoke_invalid_input(void **state)
{
	static const int bad_revoked[] = { -1, 6, 7, 8, 11, 100 };
	static const int good_revoked[] = { 0, 1, 2, 3, 4, 5, 9, 10 };
	struct store *st = open_with_cas("revoke-invalid.db");
	char serial[8];
	size_t i;

	add_cert(st, "pubca1", "01");
	for (i = 0; i < sizeof(bad_revoked) / sizeof(bad_revoked[0]); i++)
		assert_false(store_cert_revoke(st, "pubca1", "01",
		    STORE_STATUS_REVOKED, 2000, bad_revoked[i], 0));
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_REVOKED, 2000,
	    8, 0, "reason 8: must be a CRLReason");
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_REVOKED, 2000,
	    6, 0, "reason 6, certificateHold, is for status hold");
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_HOLD, 2000, 1,
	    0, "a hold has reason 6");
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_GOOD, 2000, 0,
	    0, "status good: must be revoked or hold");
	assert_false(store_cert_revoke(st, "pubca1", "01", STORE_STATUS_MAX,
	    2000, 1, 0));
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_REVOKED, 0, 1,
	    0, "revocation time missing");
	expect_revoke_refused(st, "pubca1", "01", STORE_STATUS_REVOKED, 2000,
	    1, 2001, "not after the revocation date (RFC 5280 §5.3.2)");
	assert_false(store_cert_revoke(st, "pubca1", "01",
	    STORE_STATUS_REVOKED, 2000, 1, -5));
	assert_false(store_cert_revoke(st, "pubca1", "0a", STORE_STATUS_REVOKED,
	    2000, 1, 0));
	assert_false(store_cert_revoke(st, "PubCA1", "01",
	    STORE_STATUS_REVOKED, 2000, 1, 0));
	assert_false(store_cert_revoke(NULL, "pubca1", "01",
	    STORE_STATUS_REVOKED, 2000, 1, 0));
	/* None of that touched the certificate... */
	assert_true(store_cert_revoke(st, "pubca1", "01", STORE_STATUS_HOLD,
	    2000, 6, 2000));
	/* ... and every reason a revocation keeps is taken. */
	for (i = 0; i < sizeof(good_revoked) / sizeof(good_revoked[0]); i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x10 + (int)i);
		add_cert(st, "pubca1", serial);
		assert_true(store_cert_revoke(st, "pubca1", serial,
		    STORE_STATUS_REVOKED, 2000, good_revoked[i], 0));
	}
	store_close(st);
}

/* The triggers hold the rules against SQL that bypasses the store. */
static void
test_revoke_schema_guards(void **state)
{
	struct store *st = open_with_cas("revoke-guards.db");
	struct store_cert *c;

	add_cert(st, "pubca1", "01");
	add_cert(st, "pubca1", "02");
	assert_true(add_intent_full(st, "pubca1", "03", "client", 5000, 1));
	assert_true(store_cert_revoke(st, "pubca1", "01",
	    STORE_STATUS_REVOKED, 2000, 1, 0));
	assert_true(store_cert_revoke(st, "pubca1", "02", STORE_STATUS_HOLD,
	    2000, 6, 0));

	/* Un-revoke, redate, change reason, or move back to hold. */
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'good', "
	    "revoked_at = NULL, reason = NULL WHERE serial = '01'"));
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'hold', "
	    "reason = 6 WHERE serial = '01'"));
	assert_false(raw_ok(st, "UPDATE certificates SET revoked_at = 3000 "
	    "WHERE serial = '01'"));
	assert_false(raw_ok(st, "UPDATE certificates SET reason = 4 "
	    "WHERE serial = '01'"));
	assert_false(raw_ok(st, "UPDATE certificates SET invalidity_at = 5 "
	    "WHERE serial = '01'"));
	/* Release a hold, or hold it again with another time. */
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'good', "
	    "revoked_at = NULL, reason = NULL WHERE serial = '02'"));
	assert_false(raw_ok(st, "UPDATE certificates SET revoked_at = 2500 "
	    "WHERE serial = '02'"));
	/* Revoke something not issued, or with a reason that does not fit. */
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_at = 5, reason = 1 WHERE serial = '03'"));
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_at = 5, reason = 6 WHERE serial = '02'"));
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_at = NULL, reason = 1 WHERE serial = '02'"));
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_at = 5, reason = 1, invalidity_at = 6 "
	    "WHERE serial = '02'"));
	/* Replace the revoked row with a fresh good one, or insert one. */
	assert_false(raw_ok(st, "INSERT OR REPLACE INTO certificates "
	    "(issuer, serial, state, tbs_sha256, profile, subject, "
	    "not_before, not_after, der, intent_at, issued_at) "
	    "SELECT issuer, serial, state, tbs_sha256, profile, subject, "
	    "not_before, not_after, der, intent_at, issued_at "
	    "FROM certificates WHERE serial = '01'"));
	assert_false(raw_ok(st, "INSERT OR REPLACE INTO certificates "
	    "SELECT * FROM certificates WHERE serial = '01'"));
	assert_false(raw_ok(st, "REPLACE INTO certificates (id, issuer, "
	    "serial, state, tbs_sha256, profile, subject, not_before, "
	    "not_after, intent_at) SELECT id, 'pubca1', '7777', 'intent', "
	    "tbs_sha256, 'client', 'CN=X', 1, 2, 3 FROM certificates "
	    "WHERE serial = '01'"));
	assert_false(raw_ok(st, "INSERT INTO certificates (issuer, serial, "
	    "state, tbs_sha256, profile, subject, not_before, not_after, "
	    "status, revoked_at, reason, intent_at) VALUES ('pubca1', '09', "
	    "'intent', zeroblob(32), 'client', 'CN=X', 1, 2, 'revoked', 3, "
	    "1, 4)"));

	c = get_cert(st, "pubca1", "01");
	assert_int_equal(c->status, STORE_STATUS_REVOKED);
	assert_int_equal(c->revoked_at, 2000);
	assert_int_equal(c->reason, 1);
	store_cert_free(c);
	c = get_cert(st, "pubca1", "02");
	assert_int_equal(c->status, STORE_STATUS_HOLD);
	store_cert_free(c);
	/* What the store does, SQL may do too: hold to revoked. */
	assert_true(raw_ok(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_at = 2600, reason = 4 WHERE serial = '02'"));
	store_close(st);
}

struct found {
	int	 n;
	char	 issuers[4][16];
	int64_t	 invalidity_at[4];
};

static int
collect_found(const struct store_cert *c, void *arg)
{
	struct found *f = arg;

	if (f->n < 4) {
		snprintf(f->issuers[f->n], sizeof(f->issuers[0]), "%s",
		    c->issuer);
		f->invalidity_at[f->n] = c->invalidity_at;
	}
	f->n++;
	return 1;
}

static void
test_find_serial(void **state)
{
	struct store *st = open_with_cas("find.db");
	struct found f = { 0 };
	char plan[512];

	add_cert_full(st, "pubca2", "0ABC", "client", 5000, 1200);
	add_cert_full(st, "pubca1", "0ABC", "client", 5000, 1100);
	assert_true(add_intent_full(st, "root1", "0ABC", "ca", 5000, 1300));
	add_cert(st, "pubca1", "0ABD");
	assert_true(store_cert_revoke(st, "pubca2", "0ABC",
	    STORE_STATUS_REVOKED, 2000, 1, 1500));

	/* Every issuer, any state, oldest first; walks read the new field. */
	assert_true(store_cert_find_serial(st, "0ABC", collect_found, &f));
	assert_int_equal(f.n, 3);
	assert_string_equal(f.issuers[0], "pubca1");
	assert_string_equal(f.issuers[1], "pubca2");
	assert_string_equal(f.issuers[2], "root1");
	assert_int_equal(f.invalidity_at[0], 0);
	assert_int_equal(f.invalidity_at[1], 1500);

	memset(&f, 0, sizeof(f));
	assert_true(store_cert_find_serial(st, "0ABE", collect_found, &f));
	assert_int_equal(f.n, 0);
	assert_false(store_cert_find_serial(st, "0abc", collect_found, &f));
	assert_false(store_cert_find_serial(st, "000ABC", collect_found, &f));
	assert_false(store_cert_find_serial(st, "0ABC", NULL, &f));

	/* One probe of UNIQUE (issuer, serial) per CA, no table scan. */
	plan_of(st, "IN (SELECT name FROM cas)", plan, sizeof(plan));
	assert_non_null(strstr(plan, "sqlite_autoindex_certificates_1 "
	    "(issuer=? AND serial=?)"));
	assert_null(strstr(plan, "SCAN certificates"));
	store_close(st);
}

/* Collects what store_revoked_each gives, for tests of its scope. */
struct revoked_seen {
	int		 n;
	int		 stop_after;
	char		 serials[16][8];
	int		 reasons[16];
	int64_t		 invalidity_at[16];
	int64_t		 not_after[16];
	int64_t		 reason_sum;
	struct store	*st;		/* call it from inside, if set */
	int		 inner_ok;
};

static int
collect_revoked(const struct store_revoked *r, void *arg)
{
	struct revoked_seen *seen = arg;
	int64_t n;

	if (seen->n < 16) {
		snprintf(seen->serials[seen->n], sizeof(seen->serials[0]),
		    "%s", r->serial);
		seen->reasons[seen->n] = r->reason;
		seen->invalidity_at[seen->n] = r->invalidity_at;
		seen->not_after[seen->n] = r->not_after;
	}
	seen->reason_sum += r->reason;
	if (seen->st != NULL)
		seen->inner_ok = store_cert_count(seen->st, "pubca1", &n);
	seen->n++;
	return seen->stop_after == 0 || seen->n < seen->stop_after;
}

/* An order-sensitive digest of a walk (FNV-1a over every field). */
struct walk_digest {
	uint64_t	 h;
	int		 n;
	int		 stop_after;
	int		 wrong_thread;
	pthread_t	 first;
};

static void
digest_bytes(uint64_t *h, const void *p, size_t len)
{
	const unsigned char *b = p;

	if (*h == 0)
		*h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		*h = (*h ^ b[i]) * 1099511628211ULL;
}

static int
digest_row(const struct store_revoked *r, void *arg)
{
	struct walk_digest *d = arg;

	/* One thread sees every row. */
	if (d->n == 0)
		d->first = pthread_self();
	else if (!pthread_equal(d->first, pthread_self()))
		d->wrong_thread++;
	digest_bytes(&d->h, r->serial, strlen(r->serial) + 1);
	digest_bytes(&d->h, &r->revoked_at, sizeof(r->revoked_at));
	digest_bytes(&d->h, &r->reason, sizeof(r->reason));
	digest_bytes(&d->h, &r->invalidity_at, sizeof(r->invalidity_at));
	digest_bytes(&d->h, &r->not_after, sizeof(r->not_after));
	d->n++;
	return d->stop_after == 0 || d->n < d->stop_after;
}

/* Whether serial is among what the walk gave. */
static int
seen_has(const struct revoked_seen *seen, const char *serial)
{
	int i;

	for (i = 0; i < seen->n && i < 16; i++)
		if (strcmp(seen->serials[i], serial) == 0)
			return 1;
	return 0;
}

static void
test_revoked_each_scope(void **state)
{
	struct store *st = open_with_cas("scope.db");
	struct store_status_scope all = { 0 };
	struct store_status_scope scope = { 5000, NULL, 0 };
	struct revoked_seen seen = { 0 };
	struct capture cap;

	/* Serial, profile, not_after; then what happens to it. */
	add_cert_full(st, "pubca1", "10", "client", 9000, 1100);
	add_cert_full(st, "pubca1", "11", "client", 5000, 1100);
	add_cert_full(st, "pubca1", "12", "client", 4999, 1100);
	add_cert_full(st, "pubca1", "13", "codesign", 4000, 1100);
	add_cert_full(st, "pubca1", "14", "codesign", 2000, 1100);
	add_cert_full(st, "pubca1", "15", "client", 9000, 1100);
	add_cert_full(st, "pubca1", "16", "client", 9000, 1100);
	add_cert_full(st, "pubca2", "17", "client", 9000, 1100);
	assert_true(add_intent_full(st, "pubca1", "18", "client", 9000, 1));
	assert_true(store_cert_revoke(st, "pubca1", "10",
	    STORE_STATUS_REVOKED, 3000, 1, 2900));
	assert_true(store_cert_revoke(st, "pubca1", "11",
	    STORE_STATUS_REVOKED, 3000, 4, 0));
	assert_true(store_cert_revoke(st, "pubca1", "12",
	    STORE_STATUS_REVOKED, 3000, 5, 0));
	assert_true(store_cert_revoke(st, "pubca1", "13",
	    STORE_STATUS_REVOKED, 3000, 9, 0));
	assert_true(store_cert_revoke(st, "pubca1", "14",
	    STORE_STATUS_REVOKED, 1900, 3, 0));
	assert_true(store_cert_revoke(st, "pubca1", "15", STORE_STATUS_HOLD,
	    3000, 6, 0));
	assert_true(store_cert_revoke(st, "pubca2", "17",
	    STORE_STATUS_REVOKED, 3000, 1, 0));
	/* 16 stays good, 18 is an intent. */

	/* Everything revoked or on hold of pubca1, and only that. */
	assert_true(store_revoked_each(st, "pubca1", &all, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 6);
	/* By the serial's text, as store.h says. */
	assert_string_equal(seen.serials[0], "10");
	assert_int_equal(seen.reasons[0], 1);
	assert_int_equal(seen.invalidity_at[0], 2900);
	assert_int_equal(seen.not_after[0], 9000);
	assert_string_equal(seen.serials[5], "15");
	assert_int_equal(seen.reasons[5], 6);
	assert_int_equal(seen.invalidity_at[5], 0);

	/* not_after < 5000 leaves: 12, 13, 14 go; 11 (== 5000) stays. */
	memset(&seen, 0, sizeof(seen));
	assert_true(store_revoked_each(st, "pubca1", &scope, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 3);
	assert_true(seen_has(&seen, "10") && seen_has(&seen, "11") &&
	    seen_has(&seen, "15"));

	/* Code signing kept back to 3000: 13 (4000) returns, 14 not. */
	scope.keep_profile = "codesign";
	scope.keep_expired_before = 3000;
	memset(&seen, 0, sizeof(seen));
	assert_true(store_revoked_each(st, "pubca1", &scope, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 4);
	assert_true(seen_has(&seen, "13") && !seen_has(&seen, "14") &&
	    !seen_has(&seen, "12"));
	/* ... and back to 2000, both; the other cut-off still holds. */
	scope.keep_expired_before = 2000;
	memset(&seen, 0, sizeof(seen));
	assert_true(store_revoked_each(st, "pubca1", &scope, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 5);
	assert_true(seen_has(&seen, "14") && !seen_has(&seen, "12"));

	/* Other issuers, and issuers with nothing revoked. */
	memset(&seen, 0, sizeof(seen));
	assert_true(store_revoked_each(st, "pubca2", &all, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.serials[0], "17");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_revoked_each(st, "root1", &all, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 0);

	/* A callback that says stop makes the walk return 0. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	assert_false(store_revoked_each(st, "pubca1", &all, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 2);

	/* The callback may not call the store; after the walk it may. */
	memset(&seen, 0, sizeof(seen));
	seen.st = st;
	seen.inner_ok = 1;
	capture_begin(&cap);
	assert_true(store_revoked_each(st, "pubca1", &all, collect_revoked,
	    &seen));
	assert_non_null(strstr(capture_end(&cap),
	    "store called from inside store_revoked_each"));
	assert_false(seen.inner_ok);
	assert_true(store_cert_count(st, "pubca1", &(int64_t){ 0 }));

	/* Bad arguments. */
	assert_false(store_revoked_each(st, "pubca1", NULL, collect_revoked,
	    &seen));
	assert_false(store_revoked_each(st, "pubca1", &all, NULL, &seen));
	assert_false(store_revoked_each(st, "Pub CA", &all, collect_revoked,
	    &seen));
	scope.keep_profile = "Code Sign";
	assert_false(store_revoked_each(st, "pubca1", &scope, collect_revoked,
	    &seen));
	scope.keep_profile = "codesign";
	scope.keep_expired_before = 6000;
	capture_begin(&cap);
	assert_false(store_revoked_each(st, "pubca1", &scope, collect_revoked,
	    &seen));
	assert_non_null(strstr(capture_end(&cap),
	    "profile codesign kept with a later cut-off"));
	store_close(st);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define SCALE_REVOKED	100000
#define SCALE_GOOD	20000

/*
 * Scale: 100,000 revoked entries among good certificates. The timing is
 * printed, not asserted; the plan is: the covering partial index, no
 * sort, no table rows read.
 */
static void
test_revoked_each_scale(void **state)
{
	struct store *st = open_with_cas("scale.db");
	struct store_status_scope all = { 0 };
	struct revoked_seen seen = { 0 };
	struct timespec t0;
	char serial[16], plan[512];
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(store_begin(st));
	for (i = 0; i < SCALE_REVOKED + SCALE_GOOD; i++) {
		snprintf(serial, sizeof(serial), "%06X", 0x100000 + i);
		add_cert_full(st, "pubca1", serial, "client", 9000, 1100);
		if (i < SCALE_REVOKED)
			assert_true(store_cert_revoke(st, "pubca1", serial,
			    STORE_STATUS_REVOKED, 3000, 1 + i % 5, 0));
	}
	assert_true(store_commit(st));
	printf("revoked_each scale: %d certificates issued and %d revoked "
	    "in one transaction in %.2f s\n", SCALE_REVOKED + SCALE_GOOD,
	    SCALE_REVOKED, seconds_since(&t0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(store_revoked_each(st, "pubca1", &all, collect_revoked,
	    &seen));
	printf("revoked_each scale: %d entries walked in %.3f s\n", seen.n,
	    seconds_since(&t0));
	assert_int_equal(seen.n, SCALE_REVOKED);
	assert_int_equal(seen.reason_sum, (int64_t)SCALE_REVOKED * 3);
	assert_string_equal(seen.serials[0], "100000");

	/*
	 * The piped walk (the CRL builder's): the same rows in the same
	 * order, across many batches; a callback that stops midway stops it.
	 */
	{
		struct walk_digest plain = { 0 }, piped = { 0 };

		assert_true(store_revoked_each(st, "pubca1", &all, digest_row,
		    &plain));
		assert_true(store_revoked_each_piped(st, "pubca1", &all,
		    digest_row, &piped));
		assert_int_equal(plain.n, SCALE_REVOKED);
		assert_int_equal(piped.n, SCALE_REVOKED);
		assert_int_equal(piped.h, plain.h);
		assert_int_equal(piped.wrong_thread, 0);
		memset(&piped, 0, sizeof(piped));
		piped.stop_after = 5001;
		assert_false(store_revoked_each_piped(st, "pubca1", &all,
		    digest_row, &piped));
		assert_int_equal(piped.n, 5001);
		/* The store is usable again at once. */
		memset(&piped, 0, sizeof(piped));
		assert_true(store_revoked_each_piped(st, "pubca1", &all,
		    digest_row, &piped));
		assert_int_equal(piped.h, plain.h);
	}

	plan_of(st, "status != 'good'", plan, sizeof(plan));
	assert_non_null(strstr(plan, "COVERING INDEX certificates_revoked"));
	assert_null(strstr(plan, "TEMP B-TREE"));
	store_close(st);
}

static int
crl_insert(struct store *st, const char *issuer, int64_t number)
{
	return store_crl_insert(st, issuer, number, 1000 + number,
	    2000 + number, crl_der, sizeof(crl_der));
}

static void
test_crl_numbers(void **state)
{
	struct store *st = open_with_cas("crl.db");
	struct store_crl *crl = NULL;
	struct capture cap;

	assert_true(store_crl_latest(st, "pubca1", &crl));
	assert_null(crl);
	assert_true(crl_insert(st, "pubca1", 1));
	assert_true(crl_insert(st, "pubca1", 2));
	assert_true(crl_insert(st, "pubca1", 7));

	/* RFC 5280 §5.2.3: equal or lower is refused, with the latest. */
	capture_begin(&cap);
	assert_false(crl_insert(st, "pubca1", 7));
	assert_non_null(strstr(capture_end(&cap), "CRL pubca1/7: number not "
	    "greater than 7, the latest; CRL numbers strictly increase"));
	capture_begin(&cap);
	assert_false(crl_insert(st, "pubca1", 5));
	assert_non_null(strstr(capture_end(&cap), "not greater than 7"));
	assert_false(crl_insert(st, "pubca1", 0));

	/* Each issuer counts on its own. */
	assert_true(crl_insert(st, "pubca2", 1));
	assert_true(crl_insert(st, "root1", 0));
	assert_true(crl_insert(st, "pubca2", 2));

	assert_true(store_crl_latest(st, "pubca1", &crl));
	assert_non_null(crl);
	assert_string_equal(crl->issuer, "pubca1");
	assert_int_equal(crl->number, 7);
	assert_int_equal(crl->this_update, 1007);
	assert_int_equal(crl->next_update, 2007);
	assert_int_equal(crl->der_len, sizeof(crl_der));
	assert_memory_equal(crl->der, crl_der, sizeof(crl_der));
	store_crl_free(crl);
	assert_true(store_crl_latest(st, "pubca2", &crl));
	assert_int_equal(crl->number, 2);
	store_crl_free(crl);
	store_crl_free(NULL);

	/* Bad arguments: unknown CA, negative, empty, nextUpdate too soon. */
	capture_begin(&cap);
	assert_false(crl_insert(st, "nosuch", 1));
	assert_non_null(strstr(capture_end(&cap),
	    "CRL nosuch/1: issuer nosuch is not in the store"));
	assert_false(crl_insert(st, "pubca1", -1));
	assert_false(store_crl_insert(st, "pubca1", 8, 10, 10, crl_der,
	    sizeof(crl_der)));
	assert_false(store_crl_insert(st, "pubca1", 8, 10, 20, crl_der, 0));
	assert_false(store_crl_insert(st, "pubca1", 8, 10, 20, NULL, 3));
	assert_false(store_crl_insert(st, "Pub", 8, 10, 20, crl_der,
	    sizeof(crl_der)));
	assert_false(store_crl_latest(st, "pubca1", NULL));
	assert_false(store_crl_latest(st, "", &crl));
	assert_true(crl_insert(st, "pubca1", 8));
	store_close(st);
}

/* CRLs are archived: SQL cannot change, delete or replace them. */
static void
test_crl_immutable(void **state)
{
	struct store *st = open_with_cas("crl-guards.db");
	struct store_crl *crl = NULL;
	unsigned char *big;
	size_t big_len = 3 * STORE_DER_MAX;

	assert_true(crl_insert(st, "pubca1", 1));
	assert_false(raw_ok(st, "UPDATE crls SET der = x'3000'"));
	assert_false(raw_ok(st, "UPDATE crls SET number = 9"));
	assert_false(raw_ok(st, "UPDATE crls SET next_update = 99999"));
	assert_false(raw_ok(st, "DELETE FROM crls"));
	assert_false(raw_ok(st, "INSERT OR REPLACE INTO crls VALUES "
	    "('pubca1', 1, 5, 6, x'3000', 7)"));
	assert_false(raw_ok(st, "INSERT INTO crls VALUES "
	    "('pubca1', 2, 5, 5, x'3000', 7)"));
	assert_true(store_crl_latest(st, "pubca1", &crl));
	assert_int_equal(crl->number, 1);
	assert_memory_equal(crl->der, crl_der, sizeof(crl_der));
	store_crl_free(crl);

	/* A CRL may be larger than any certificate. */
	assert_non_null(big = malloc(big_len));
	memset(big, 0x5a, big_len);
	assert_true(store_crl_insert(st, "pubca1", 2, 10, 20, big, big_len));
	assert_true(store_crl_latest(st, "pubca1", &crl));
	assert_int_equal(crl->der_len, big_len);
	assert_memory_equal(crl->der, big, big_len);
	store_crl_free(crl);
	free(big);
	store_close(st);
}

/* A response whose DER carries its produced_at, to tell them apart. */
static int
put_ocsp(struct store *st, const char *issuer, const char *serial,
    const char *hash_alg, int64_t next_update, int64_t produced_at)
{
	unsigned char der[4] = { 0x30, 0x02, 0x04, 0x00 };
	struct store_ocsp r = {
		.issuer = (char *)issuer,
		.serial = (char *)serial,
		.hash_alg = (char *)hash_alg,
		.der = der,
		.der_len = sizeof(der),
		.this_update = produced_at,
		.next_update = next_update,
		.produced_at = produced_at,
	};

	der[3] = (unsigned char)produced_at;
	return store_ocsp_put(st, &r);
}

static void
test_ocsp_put_get(void **state)
{
	struct store *st = open_with_cas("ocsp.db");
	struct store_ocsp *r = NULL;
	struct capture cap;

	add_cert(st, "pubca1", "01");
	assert_true(add_intent_full(st, "pubca1", "02", "client", 5000, 1));

	assert_true(store_ocsp_get(st, "pubca1", "01", "sha1", &r));
	assert_null(r);
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 200, 100));
	assert_true(store_ocsp_get(st, "pubca1", "01", "sha1", &r));
	assert_non_null(r);
	assert_string_equal(r->issuer, "pubca1");
	assert_string_equal(r->serial, "01");
	assert_string_equal(r->hash_alg, "sha1");
	assert_int_equal(r->der_len, 4);
	assert_int_equal(r->der[3], 100);
	assert_int_equal(r->this_update, 100);
	assert_int_equal(r->next_update, 200);
	assert_int_equal(r->produced_at, 100);
	store_ocsp_free(r);
	store_ocsp_free(NULL);
	/* One per hash algorithm. */
	assert_true(store_ocsp_get(st, "pubca1", "01", "sha256", &r));
	assert_null(r);

	/* A refresh replaces it; an older one does not. */
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 300, 150));
	capture_begin(&cap);
	assert_false(put_ocsp(st, "pubca1", "01", "sha1", 400, 120));
	assert_non_null(strstr(capture_end(&cap), "OCSP response pubca1/01 "
	    "(sha1): not replaced: the stored response was produced later"));
	assert_true(store_ocsp_get(st, "pubca1", "01", "sha1", &r));
	assert_int_equal(r->der[3], 150);
	assert_int_equal(r->next_update, 300);
	store_ocsp_free(r);
	assert_int_equal(query_int(store_sqlite_handle(st),
	    "SELECT count(*) FROM ocsp_responses"), 1);

	/* No response for a certificate not issued, or unknown. */
	capture_begin(&cap);
	assert_false(put_ocsp(st, "pubca1", "02", "sha1", 200, 100));
	assert_non_null(strstr(capture_end(&cap),
	    "certificate pubca1/02 not issued"));
	assert_false(put_ocsp(st, "pubca1", "03", "sha1", 200, 100));
	assert_false(put_ocsp(st, "pubca2", "01", "sha1", 200, 100));

	/* Bad arguments. */
	assert_false(put_ocsp(st, "pubca1", "01", "md5", 200, 180));
	assert_false(put_ocsp(st, "pubca1", "01", "SHA1", 200, 180));
	assert_false(put_ocsp(st, "pubca1", "01", NULL, 200, 180));
	assert_false(put_ocsp(st, "pubca1", "01", "sha1", 180, 180));
	assert_false(put_ocsp(st, "pubca1", "1", "sha1", 200, 180));
	assert_false(store_ocsp_put(st, NULL));
	assert_false(store_ocsp_get(st, "pubca1", "01", "sha384", &r));
	assert_false(store_ocsp_get(st, "pubca1", "01", "sha1", NULL));

	/* Through SQL: identity fixed, never for unissued serials. */
	assert_false(raw_ok(st, "UPDATE ocsp_responses SET serial = '02'"));
	assert_false(raw_ok(st, "UPDATE ocsp_responses SET hash_alg = "
	    "'sha256'"));
	assert_false(raw_ok(st, "INSERT INTO ocsp_responses VALUES "
	    "('pubca1', '02', 'sha1', x'3000', 1, 2, 3)"));
	assert_false(raw_ok(st, "INSERT INTO ocsp_responses VALUES "
	    "('pubca1', '01', 'sha512', x'3000', 1, 2, 3)"));
	store_close(st);
}

struct ocsp_seen {
	int		 n;
	int		 stop_after;
	char		 keys[8][24];
	struct store	*st;		/* refresh from inside, if set */
	int		 inner_ok;
};

static int
collect_ocsp(const struct store_ocsp *r, void *arg)
{
	struct ocsp_seen *seen = arg;

	if (seen->n < 8)
		snprintf(seen->keys[seen->n], sizeof(seen->keys[0]),
		    "%s/%s/%s", r->issuer, r->serial, r->hash_alg);
	if (seen->st != NULL)
		seen->inner_ok = put_ocsp(seen->st, r->issuer, r->serial,
		    r->hash_alg, 9000, r->produced_at + 1);
	seen->n++;
	return seen->stop_after == 0 || seen->n < seen->stop_after;
}

static void
test_ocsp_each(void **state)
{
	struct store *st = open_with_cas("ocsp-each.db");
	struct ocsp_seen seen = { 0 };
	struct capture cap;

	add_cert(st, "pubca1", "02");
	add_cert(st, "pubca1", "01");
	add_cert(st, "pubca2", "01");
	assert_true(put_ocsp(st, "pubca1", "02", "sha1", 200, 100));
	assert_true(put_ocsp(st, "pubca1", "01", "sha256", 200, 100));
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 200, 100));
	assert_true(put_ocsp(st, "pubca2", "01", "sha1", 200, 100));

	/* By serial, then hash algorithm; only the issuer asked. */
	assert_true(store_ocsp_each(st, "pubca1", collect_ocsp, &seen));
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.keys[0], "pubca1/01/sha1");
	assert_string_equal(seen.keys[1], "pubca1/01/sha256");
	assert_string_equal(seen.keys[2], "pubca1/02/sha1");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each(st, "root1", collect_ocsp, &seen));
	assert_int_equal(seen.n, 0);

	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	assert_false(store_ocsp_each(st, "pubca1", collect_ocsp, &seen));
	assert_int_equal(seen.n, 1);

	/* Lean: the callback may not call the store. */
	memset(&seen, 0, sizeof(seen));
	seen.st = st;
	seen.inner_ok = 1;
	capture_begin(&cap);
	assert_true(store_ocsp_each(st, "pubca2", collect_ocsp, &seen));
	assert_non_null(strstr(capture_end(&cap),
	    "store called from inside store_ocsp_each"));
	assert_false(seen.inner_ok);

	assert_false(store_ocsp_each(st, "pubca1", NULL, &seen));
	assert_false(store_ocsp_each(st, "PUB", collect_ocsp, &seen));
	store_close(st);
}

/* A responder's incremental load: what was signed since, any issuer. */
static void
test_ocsp_each_since(void **state)
{
	struct store *st = open_with_cas("ocsp-since.db");
	struct ocsp_seen seen = { 0 };

	add_cert(st, "pubca1", "01");
	add_cert(st, "pubca1", "02");
	add_cert(st, "pubca2", "01");
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 900, 100));
	assert_true(put_ocsp(st, "pubca2", "01", "sha1", 900, 200));
	assert_true(put_ocsp(st, "pubca1", "02", "sha256", 900, 150));

	assert_true(store_ocsp_each_since(st, 150, collect_ocsp, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.keys[0], "pubca1/02/sha256");
	assert_string_equal(seen.keys[1], "pubca2/01/sha1");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each_since(st, 201, collect_ocsp, &seen));
	assert_int_equal(seen.n, 0);
	/* A refresh moves the response forward. */
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 950, 300));
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each_since(st, 201, collect_ocsp, &seen));
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.keys[0], "pubca1/01/sha1");
	assert_false(store_ocsp_each_since(st, 0, NULL, &seen));
	store_close(st);
}

static void
test_ocsp_each_due(void **state)
{
	struct store *st = open_with_cas("ocsp-due.db");
	struct ocsp_seen seen = { 0 };
	char serial[8];
	int i;

	add_cert(st, "pubca1", "01");
	add_cert(st, "pubca1", "02");
	add_cert(st, "pubca2", "01");
	assert_true(put_ocsp(st, "pubca1", "01", "sha1", 3000, 100));
	assert_true(put_ocsp(st, "pubca1", "02", "sha1", 1000, 100));
	assert_true(put_ocsp(st, "pubca2", "01", "sha256", 2000, 100));

	/* next_update < refresh_before, of any issuer, soonest first. */
	assert_true(store_ocsp_each_due(st, 2001, collect_ocsp, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.keys[0], "pubca1/02/sha1");
	assert_string_equal(seen.keys[1], "pubca2/01/sha256");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each_due(st, 2000, collect_ocsp, &seen));
	assert_int_equal(seen.n, 1);
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each_due(st, 1000, collect_ocsp, &seen));
	assert_int_equal(seen.n, 0);
	assert_false(store_ocsp_each_due(st, 1000, NULL, &seen));

	/* The refresher re-signs from inside, over several batches. */
	for (i = 0; i < 150; i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x10 + i);
		add_cert(st, "pubca1", serial);
		assert_true(put_ocsp(st, "pubca1", serial, "sha256", 500,
		    100));
	}
	memset(&seen, 0, sizeof(seen));
	seen.st = st;
	assert_true(store_ocsp_each_due(st, 5000, collect_ocsp, &seen));
	assert_int_equal(seen.n, 153);
	assert_true(seen.inner_ok);
	memset(&seen, 0, sizeof(seen));
	assert_true(store_ocsp_each_due(st, 5000, collect_ocsp, &seen));
	assert_int_equal(seen.n, 0);
	store_close(st);
}

/* What store_cert_each_needing_ocsp gives, and responses made inside. */
struct needing_seen {
	int		 n;
	char		 serials[8][8];
	struct store	*st;		/* respond from inside, if set */
	int64_t		 produced_at;
	int		 inner_ok;
};

static int
collect_needing(const struct store_cert *c, void *arg)
{
	struct needing_seen *seen = arg;

	if (seen->n < 8)
		snprintf(seen->serials[seen->n], sizeof(seen->serials[0]),
		    "%s", c->serial);
	if (seen->st != NULL)
		seen->inner_ok = put_ocsp(seen->st, c->issuer, c->serial,
		    "sha256", seen->produced_at + 1000, seen->produced_at);
	seen->n++;
	return 1;
}

static void
test_ocsp_needing(void **state)
{
	struct store *st = open_with_cas("ocsp-needing.db");
	struct store_status_scope scope = { 5000, "codesign", 1000 };
	struct store_status_scope all = { 0 };
	struct needing_seen seen = { 0 };
	char serial[8], plan[512];
	int i;

	add_cert_full(st, "pubca1", "01", "client", 9000, 1100);
	add_cert_full(st, "pubca1", "02", "client", 9000, 1200);
	assert_true(add_intent_full(st, "pubca1", "03", "client", 9000, 1));
	add_cert_full(st, "pubca1", "04", "client", 4000, 1050);
	add_cert_full(st, "pubca1", "05", "codesign", 4000, 1300);
	add_cert_full(st, "pubca2", "06", "client", 9000, 1100);

	/* Issued, in scope, no response yet: oldest first. */
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.serials[0], "01");
	assert_string_equal(seen.serials[1], "02");
	assert_string_equal(seen.serials[2], "05");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256", &all,
	    collect_needing, &seen));
	assert_int_equal(seen.n, 4);

	/* A response takes 01 out, for its hash algorithm only. */
	assert_true(put_ocsp(st, "pubca1", "01", "sha256", 3000, 2000));
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.serials[0], "02");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha1",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 3);

	/* Revoked after its response was produced: it needs a new one. */
	assert_true(store_cert_revoke(st, "pubca1", "01",
	    STORE_STATUS_REVOKED, 2500, 1, 0));
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.serials[0], "01");
	assert_true(put_ocsp(st, "pubca1", "01", "sha256", 3600, 2600));
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 2);

	/* The refresher responds from inside the walk, over batches. */
	for (i = 0; i < 150; i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x10 + i);
		add_cert_full(st, "pubca1", serial, "client", 9000, 1100);
	}
	memset(&seen, 0, sizeof(seen));
	seen.st = st;
	seen.produced_at = 2700;
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 152);
	assert_true(seen.inner_ok);
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_needing_ocsp(st, "pubca1", "sha256",
	    &scope, collect_needing, &seen));
	assert_int_equal(seen.n, 0);

	/* Oldest first over an index, without sorting every batch. */
	plan_of(st, "NOT EXISTS", plan, sizeof(plan));
	assert_null(strstr(plan, "TEMP B-TREE"));
	assert_null(strstr(plan, "SCAN"));

	assert_false(store_cert_each_needing_ocsp(st, "pubca1", "md5", &scope,
	    collect_needing, &seen));
	assert_false(store_cert_each_needing_ocsp(st, "pubca1", "sha1", NULL,
	    collect_needing, &seen));
	assert_false(store_cert_each_needing_ocsp(st, "pubca1", "sha1", &all,
	    NULL, &seen));
	store_close(st);
}

/*
 * A store as the previous inkan left it, at schema version 1 with data,
 * is migrated to version 2 on open and keeps everything.
 */
static void
test_migrate_from_v1(void **state)
{
	char path[PATH_MAX];
	struct store_status_scope all = { 0 };
	struct revoked_seen seen = { 0 };
	struct store_cert *c;
	struct capture cap;
	struct store *st;
	int64_t v = 0;
	int version = 0;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(test_path(path, "v1.db"), &db),
	    SQLITE_OK);
	assert_true(store_sqlite_migrate_to(db, path, 1));
	assert_int_equal(query_int(db, "SELECT version FROM schema_version"),
	    1);
	assert_int_equal(sqlite3_exec(db,
	    "INSERT INTO cas VALUES ('pubca1', 'issuing', 'pubca1-key', NULL,"
	    "  x'3000', x'3000', 1);"
	    "INSERT INTO certificates (issuer, serial, state, tbs_sha256,"
	    "  profile, subject, not_before, not_after, der, intent_at,"
	    "  issued_at) VALUES"
	    "  ('pubca1', '01', 'issued', zeroblob(32), 'client', 'CN=A', 1,"
	    "  9000, x'3000', 5, 6),"
	    "  ('pubca1', '02', 'issued', zeroblob(32), 'client', 'CN=B', 1,"
	    "  9000, x'3000', 7, 8);"
	    "INSERT INTO certificates (issuer, serial, state, tbs_sha256,"
	    "  profile, subject, not_before, not_after, intent_at) VALUES"
	    "  ('pubca1', '03', 'intent', zeroblob(32), 'client', 'CN=C', 1,"
	    "  9000, 9);"
	    "UPDATE certificates SET status = 'revoked', revoked_at = 100,"
	    "  reason = 1, invalidity_at = 90 WHERE serial = '02';"
	    "INSERT INTO counters VALUES ('crl:pubca1', 7);",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	capture_begin(&cap);
	st = store_open(path);
	assert_non_null(strstr(capture_end(&cap),
	    "schema migrated from version 1 to "));
	assert_non_null(st);
	assert_true(store_schema_version(st, &version));
	assert_true(version >= 3);

	c = get_cert(st, "pubca1", "02");
	assert_int_equal(c->status, STORE_STATUS_REVOKED);
	assert_int_equal(c->revoked_at, 100);
	assert_int_equal(c->reason, 1);
	assert_int_equal(c->invalidity_at, 90);
	assert_int_equal(c->issued_at, 8);
	store_cert_free(c);
	c = get_cert(st, "pubca1", "03");
	assert_int_equal(c->state, STORE_CERT_INTENT);
	store_cert_free(c);
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 8);

	/* The old revocation is on the CRL, the new rules apply to all. */
	assert_true(store_cert_revoke(st, "pubca1", "01", STORE_STATUS_HOLD,
	    200, 6, 0));
	assert_true(store_revoked_each(st, "pubca1", &all, collect_revoked,
	    &seen));
	assert_int_equal(seen.n, 2);
	assert_false(store_cert_revoke(st, "pubca1", "02",
	    STORE_STATUS_REVOKED, 300, 4, 0));
	assert_false(raw_ok(st, "UPDATE certificates SET status = 'good' "
	    "WHERE serial = '02'"));
	assert_true(store_cert_issued(st, "pubca1", "03", cert_der,
	    sizeof(cert_der), 10));
	assert_true(crl_insert(st, "pubca1", 8));
	assert_int_equal(query_int(store_sqlite_handle(st),
	    "SELECT count(*) FROM sqlite_schema WHERE name = "
	    "'certificates_issuer_status'"), 0);
	store_close(st);

	/* Opened again, there is nothing left to migrate. */
	capture_begin(&cap);
	assert_non_null(st = store_open(path));
	assert_null(strstr(capture_end(&cap), "migrated"));
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* A version no migration leads to. */
	assert_false(store_sqlite_migrate_to(db, path, 1000));
	assert_true(store_sqlite_migrate_to(db, path, 1));
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revoke_transitions),
		cmocka_unit_test(test_revoke_invalid_input),
		cmocka_unit_test(test_revoke_schema_guards),
		cmocka_unit_test(test_find_serial),
		cmocka_unit_test(test_revoked_each_scope),
		cmocka_unit_test(test_revoked_each_scale),
		cmocka_unit_test(test_crl_numbers),
		cmocka_unit_test(test_crl_immutable),
		cmocka_unit_test(test_ocsp_put_get),
		cmocka_unit_test(test_ocsp_each),
		cmocka_unit_test(test_ocsp_each_since),
		cmocka_unit_test(test_ocsp_each_due),
		cmocka_unit_test(test_ocsp_needing),
		cmocka_unit_test(test_migrate_from_v1),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
