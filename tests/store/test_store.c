/*
 * Tests of the store interface (src/store/store.h) on its SQLite back end,
 * each on its own database file in a temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-store"
#include "store/scaffold.h"

/* Runs one query on db and returns its first column as text. */
static void
query_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static struct store *
open_new(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	st = store_open(test_path(path, name));
	assert_non_null(st);
	return st;
}

static const unsigned char subject_der[] = { 0x30, 0x03, 0x01, 0x02, 0x03 };
static const unsigned char spki_der[] = { 0x30, 0x02, 0x05, 0x00 };
static const unsigned char cert_der[] = { 0x30, 0x05, 0xde, 0xad, 0xbe,
	0xef, 0x00 };

static int
add_ca(struct store *st, const char *name, enum store_ca_kind kind,
    const char *key, const char *parent)
{
	struct store_ca ca = {
		.name = (char *)name,
		.kind = kind,
		.key_name = (char *)key,
		.parent = (char *)parent,
		.subject_der = (unsigned char *)subject_der,
		.subject_len = sizeof(subject_der),
		.spki_der = (unsigned char *)spki_der,
		.spki_len = sizeof(spki_der),
		.created_at = 1700000000,
	};

	return store_ca_insert(st, &ca);
}

/* A root and an issuing CA under it, as most tests need. */
static struct store *
open_with_cas(const char *name)
{
	struct store *st = open_new(name);

	assert_true(add_ca(st, "root1", STORE_CA_ROOT, "root1-key", NULL));
	assert_true(add_ca(st, "pubca1", STORE_CA_ISSUING, "pubca1-key",
	    NULL));
	return st;
}

static int
add_intent_at(struct store *st, const char *issuer, const char *serial,
    int64_t at)
{
	struct store_cert c = {
		.issuer = (char *)issuer,
		.serial = (char *)serial,
		.profile = "client",
		.subject = "CN=Alice,O=Example",
		.not_before = 1700000000,
		.not_after = 1731536000,
		.intent_at = at,
	};

	memset(c.tbs_sha256, 0xab, sizeof(c.tbs_sha256));
	c.tbs_sha256[0] = serial != NULL ? (unsigned char)serial[0] : 0;
	return store_cert_intent(st, &c);
}

static int
add_intent(struct store *st, const char *issuer, const char *serial)
{
	return add_intent_at(st, issuer, serial, 1700000100);
}

static int64_t
count(struct store *st, const char *issuer)
{
	int64_t n = -1;

	assert_true(store_cert_count(st, issuer, &n));
	return n;
}

static void
test_open_creates_schema(void **state)
{
	char path[PATH_MAX], spec[PATH_MAX + 8];
	struct store *st;
	struct stat sb;
	int version = 0;

	st = open_new("schema.db");
	assert_true(store_schema_version(st, &version));
	/* Later migrations append versions; 3 has the tables used here. */
	assert_true(version >= 3);
	/* CA files are for the CA's eyes only, WAL included. */
	assert_int_equal(stat(test_path(path, "schema.db"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(test_path(path, "schema.db-wal"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	store_close(st);

	snprintf(spec, sizeof(spec), "sqlite:%s",
	    test_path(path, "schema.db"));
	assert_non_null(st = store_open(spec));
	version = 0;
	assert_true(store_schema_version(st, &version));
	assert_true(version >= 3);
	store_close(st);
}

static void
test_newer_schema_refused(void **state)
{
	char path[PATH_MAX];
	struct capture cap;

	store_close(open_new("newer.db"));
	raw_exec(test_path(path, "newer.db"),
	    "UPDATE schema_version SET version = 1000");
	capture_begin(&cap);
	assert_null(store_open(path));
	assert_non_null(strstr(capture_end(&cap), "schema version 1000 is newer"));
}

static void
test_pragmas(void **state)
{
	char buf[64], path[PATH_MAX];
	struct store *st = open_new("pragma.db");
	sqlite3 *db = store_sqlite_handle(st), *other;

	query_text(db, "PRAGMA journal_mode", buf, sizeof(buf));
	assert_string_equal(buf, "wal");
	query_text(db, "PRAGMA synchronous", buf, sizeof(buf));
	assert_string_equal(buf, "2");
	query_text(db, "PRAGMA foreign_keys", buf, sizeof(buf));
	assert_string_equal(buf, "1");
	/* New stores: 16 KiB pages, for multi-megabyte CRL rows. */
	query_text(db, "PRAGMA page_size", buf, sizeof(buf));
	assert_string_equal(buf, "16384");
	/* WAL is a property of the file: a second connection sees it. */
	assert_int_equal(sqlite3_open(test_path(path, "pragma.db"), &other),
	    SQLITE_OK);
	query_text(other, "PRAGMA journal_mode", buf, sizeof(buf));
	assert_string_equal(buf, "wal");
	sqlite3_close(other);
	store_close(st);
}

static void
test_ca_insert_get(void **state)
{
	struct store *st = open_with_cas("ca.db");
	struct store_ca *ca = NULL;

	assert_true(add_ca(st, "ocsp1", STORE_CA_RESPONDER, "ocsp1-key",
	    "pubca1"));
	assert_true(store_ca_get(st, "ocsp1", &ca));
	assert_non_null(ca);
	assert_string_equal(ca->name, "ocsp1");
	assert_int_equal(ca->kind, STORE_CA_RESPONDER);
	assert_string_equal(ca->key_name, "ocsp1-key");
	assert_string_equal(ca->parent, "pubca1");
	assert_int_equal(ca->subject_len, sizeof(subject_der));
	assert_memory_equal(ca->subject_der, subject_der, sizeof(subject_der));
	assert_int_equal(ca->spki_len, sizeof(spki_der));
	assert_memory_equal(ca->spki_der, spki_der, sizeof(spki_der));
	assert_int_equal(ca->created_at, 1700000000);
	store_ca_free(ca);

	assert_true(store_ca_get(st, "root1", &ca));
	assert_non_null(ca);
	assert_null(ca->parent);
	assert_int_equal(ca->kind, STORE_CA_ROOT);
	store_ca_free(ca);

	assert_true(store_ca_get(st, "nosuch", &ca));
	assert_null(ca);

	/* Name taken, key name taken, parent unknown, name malformed. */
	assert_false(add_ca(st, "root1", STORE_CA_ROOT, "other-key", NULL));
	assert_false(add_ca(st, "root2", STORE_CA_ROOT, "root1-key", NULL));
	assert_false(add_ca(st, "ocsp2", STORE_CA_RESPONDER, "ocsp2-key",
	    "nosuch"));
	assert_false(add_ca(st, "Root 3", STORE_CA_ROOT, "root3-key", NULL));
	assert_false(add_ca(st, "root3", STORE_CA_KIND_MAX, "root3-key",
	    NULL));
	assert_false(add_ca(st, "root3", STORE_CA_ROOT, "a/b", NULL));
	assert_false(store_ca_get(st, "", &ca));
	store_ca_free(NULL);
	store_close(st);
}

static void
test_cert_issue(void **state)
{
	struct store *st = open_with_cas("issue.db");
	struct store_cert *c = NULL;

	assert_true(add_intent(st, "pubca1", "0A1B"));
	assert_true(store_cert_get(st, "pubca1", "0A1B", &c));
	assert_non_null(c);
	assert_int_equal(c->state, STORE_CERT_INTENT);
	assert_null(c->der);
	assert_int_equal(c->der_len, 0);
	assert_string_equal(c->issuer, "pubca1");
	assert_string_equal(c->serial, "0A1B");
	assert_string_equal(c->profile, "client");
	assert_string_equal(c->subject, "CN=Alice,O=Example");
	assert_null(c->subject_ca);
	assert_int_equal(c->tbs_sha256[0], '0');
	assert_int_equal(c->tbs_sha256[31], 0xab);
	assert_int_equal(c->not_before, 1700000000);
	assert_int_equal(c->not_after, 1731536000);
	assert_int_equal(c->intent_at, 1700000100);
	assert_int_equal(c->issued_at, 0);
	assert_int_equal(c->status, STORE_STATUS_GOOD);
	assert_int_equal(c->revoked_at, 0);
	assert_int_equal(c->reason, -1);
	store_cert_free(c);

	assert_true(store_cert_issued(st, "pubca1", "0A1B", cert_der,
	    sizeof(cert_der), 1700000101));
	assert_true(store_cert_get(st, "pubca1", "0A1B", &c));
	assert_non_null(c);
	assert_int_equal(c->state, STORE_CERT_ISSUED);
	assert_int_equal(c->der_len, sizeof(cert_der));
	assert_memory_equal(c->der, cert_der, sizeof(cert_der));
	assert_int_equal(c->issued_at, 1700000101);
	store_cert_free(c);

	assert_true(store_cert_get(st, "pubca1", "0A1C", &c));
	assert_null(c);
	assert_int_equal(count(st, "pubca1"), 1);
	assert_int_equal(count(st, "root1"), 0);
	store_cert_free(NULL);
	store_close(st);
}

struct seen {
	int	 n;
	int	 stop_after;
	char	 serials[8][8];
};

static int
collect(const struct store_cert *c, void *arg)
{
	struct seen *seen = arg;

	if (seen->n < 8)
		snprintf(seen->serials[seen->n], sizeof(seen->serials[0]),
		    "%s", c->serial);
	seen->n++;
	return seen->stop_after == 0 || seen->n < seen->stop_after;
}

static void
test_ca_certificate(void **state)
{
	struct store *st = open_new("cacert.db");
	struct store_cert c = {
		.issuer = "root1", .serial = "7F01", .profile = "ca",
		.subject = "CN=Pub CA 1", .subject_ca = "pubca1",
		.not_before = 1, .not_after = 2, .intent_at = 3,
	};
	struct store_cert *got = NULL;
	struct seen seen = { 0 };

	/* The root comes first; the CA it certifies must exist too. */
	assert_true(add_ca(st, "root1", STORE_CA_ROOT, "root1-key", NULL));
	assert_false(store_cert_intent(st, &c));
	assert_true(add_ca(st, "pubca1", STORE_CA_ISSUING, "pubca1-key",
	    NULL));
	assert_true(store_cert_intent(st, &c));
	assert_true(store_cert_get(st, "root1", "7F01", &got));
	assert_string_equal(got->subject_ca, "pubca1");
	store_cert_free(got);
	/* A cross-certificate: the same subject CA, another issuer. */
	assert_true(add_ca(st, "root2", STORE_CA_ROOT, "root2-key", NULL));
	c.issuer = "root2";
	c.serial = "7F02";
	c.intent_at = 2;
	assert_true(store_cert_intent(st, &c));
	assert_true(store_cert_issued(st, "root2", "7F02", cert_der,
	    sizeof(cert_der), 4));
	assert_true(store_cert_each_for_ca(st, "pubca1", collect, &seen));
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.serials[0], "7F02");
	assert_string_equal(seen.serials[1], "7F01");
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_for_ca(st, "root1", collect, &seen));
	assert_int_equal(seen.n, 0);
	assert_false(store_cert_each_for_ca(st, "Root1", collect, &seen));
	assert_false(store_cert_each_for_ca(st, "pubca1", NULL, &seen));
	store_close(st);
}

static void
test_issued_requires_intent(void **state)
{
	struct store *st = open_with_cas("notintent.db");
	struct capture cap;

	assert_true(add_intent(st, "pubca1", "01"));
	assert_true(store_cert_issued(st, "pubca1", "01", cert_der,
	    sizeof(cert_der), 5));
	capture_begin(&cap);
	assert_false(store_cert_issued(st, "pubca1", "01", cert_der,
	    sizeof(cert_der), 6));
	assert_non_null(strstr(capture_end(&cap),
	    "certificate pubca1/01: cannot complete: state is issued"));
	assert_false(store_cert_abort(st, "pubca1", "01"));

	capture_begin(&cap);
	assert_false(store_cert_issued(st, "pubca1", "02", cert_der,
	    sizeof(cert_der), 6));
	assert_non_null(strstr(capture_end(&cap), "no intent recorded"));

	assert_true(add_intent(st, "pubca1", "03"));
	assert_true(store_cert_abort(st, "pubca1", "03"));
	assert_false(store_cert_issued(st, "pubca1", "03", cert_der,
	    sizeof(cert_der), 6));
	assert_false(store_cert_abort(st, "pubca1", "03"));

	/* Empty or missing DER is no certificate. */
	assert_true(add_intent(st, "pubca1", "04"));
	assert_false(store_cert_issued(st, "pubca1", "04", cert_der, 0, 6));
	assert_false(store_cert_issued(st, "pubca1", "04", NULL, 3, 6));
	store_close(st);
}

static void
test_duplicate_intent(void **state)
{
	struct store *st = open_with_cas("dup.db");
	struct capture cap;

	assert_true(add_intent(st, "pubca1", "1234"));
	capture_begin(&cap);
	assert_false(add_intent(st, "pubca1", "1234"));
	assert_non_null(strstr(capture_end(&cap),
	    "store: certificate pubca1/1234: already exists"));
	assert_true(store_cert_abort(st, "pubca1", "1234"));
	assert_false(add_intent(st, "pubca1", "1234"));
	/* The same serial under another issuer is another certificate. */
	assert_true(add_intent(st, "root1", "1234"));
	assert_int_equal(count(st, "pubca1"), 1);
	store_close(st);
}

static void
test_abort(void **state)
{
	struct store *st = open_with_cas("abort.db");
	struct store_cert *c = NULL;

	assert_true(add_intent(st, "pubca1", "AB"));
	assert_true(store_cert_abort(st, "pubca1", "AB"));
	assert_true(store_cert_get(st, "pubca1", "AB", &c));
	assert_non_null(c);
	assert_int_equal(c->state, STORE_CERT_ABORTED);
	assert_null(c->der);
	store_cert_free(c);
	assert_false(store_cert_abort(st, "pubca1", "AC"));
	store_close(st);
}

static void
test_each_in_state(void **state)
{
	struct store *st = open_with_cas("each.db");
	struct seen seen = { 0 };

	/* Oldest first means by intent_at, not by order of insertion. */
	assert_true(add_intent_at(st, "pubca1", "03", 300));
	assert_true(add_intent_at(st, "pubca1", "01", 100));
	assert_true(add_intent_at(st, "pubca1", "02", 200));
	assert_true(add_intent_at(st, "pubca1", "04", 50));
	assert_true(add_intent_at(st, "pubca1", "05", 60));
	assert_true(store_cert_issued(st, "pubca1", "04", cert_der,
	    sizeof(cert_der), 70));
	assert_true(store_cert_abort(st, "pubca1", "05"));

	assert_true(store_cert_each_in_state(st, STORE_CERT_INTENT, collect,
	    &seen));
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.serials[0], "01");
	assert_string_equal(seen.serials[1], "02");
	assert_string_equal(seen.serials[2], "03");

	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_in_state(st, STORE_CERT_ISSUED, collect,
	    &seen));
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.serials[0], "04");

	/* A callback that says stop makes the walk return 0. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	assert_false(store_cert_each_in_state(st, STORE_CERT_INTENT, collect,
	    &seen));
	assert_int_equal(seen.n, 2);

	assert_false(store_cert_each_in_state(st, STORE_CERT_STATE_MAX,
	    collect, &seen));
	store_close(st);
}

struct aborter {
	struct store	*st;
	int		 n;
};

/* Startup recovery: abort every dangling intent from inside the walk. */
static int
abort_each(const struct store_cert *c, void *arg)
{
	struct aborter *a = arg;

	a->n++;
	return store_cert_abort(a->st, c->issuer, c->serial);
}

static void
test_each_reentrant(void **state)
{
	struct store *st = open_with_cas("reenter.db");
	struct aborter a = { st, 0 };
	struct seen seen = { 0 };
	char serial[8];
	int i;

	/* More than one batch of rows, all with the same intent_at. */
	for (i = 0; i < 150; i++) {
		snprintf(serial, sizeof(serial), "%04X", 0x1000 + i);
		assert_true(add_intent(st, "pubca1", serial));
	}
	assert_true(store_cert_each_in_state(st, STORE_CERT_INTENT,
	    abort_each, &a));
	assert_int_equal(a.n, 150);
	assert_true(store_cert_each_in_state(st, STORE_CERT_INTENT, collect,
	    &seen));
	assert_int_equal(seen.n, 0);
	assert_true(store_cert_each_in_state(st, STORE_CERT_ABORTED, collect,
	    &seen));
	assert_int_equal(seen.n, 150);
	assert_string_equal(seen.serials[0], "1000");
	assert_string_equal(seen.serials[7], "1007");
	store_close(st);
}

static void
test_group_commit(void **state)
{
	struct store *st = open_with_cas("group.db");
	struct seen seen = { 0 };
	char serial[8];
	int i;

	assert_true(store_begin(st));
	for (i = 0; i < 100; i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x10 + i);
		assert_true(add_intent(st, "pubca1", serial));
	}
	assert_true(store_commit(st));
	store_close(st);

	st = open_new("group.db");
	assert_int_equal(count(st, "pubca1"), 100);
	assert_true(store_cert_each_in_state(st, STORE_CERT_INTENT, collect,
	    &seen));
	assert_int_equal(seen.n, 100);
	/* Completions group the same way. */
	assert_true(store_begin(st));
	for (i = 0; i < 100; i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x10 + i);
		assert_true(store_cert_issued(st, "pubca1", serial, cert_der,
		    sizeof(cert_der), 9));
	}
	assert_true(store_commit(st));
	memset(&seen, 0, sizeof(seen));
	assert_true(store_cert_each_in_state(st, STORE_CERT_ISSUED, collect,
	    &seen));
	assert_int_equal(seen.n, 100);
	store_close(st);
}

static void
test_transaction_misuse(void **state)
{
	struct store *st = open_with_cas("misuse.db");

	assert_false(store_commit(st));
	/* Rollback is for cleanup paths: with nothing open it is a no-op. */
	assert_true(store_rollback(st));
	assert_true(store_begin(st));
	assert_false(store_begin(st));
	assert_true(add_intent(st, "pubca1", "01"));
	assert_true(store_commit(st));
	assert_false(store_commit(st));
	assert_int_equal(count(st, "pubca1"), 1);
	store_close(st);
}

static void
test_rollback(void **state)
{
	struct store *st = open_with_cas("rollback.db");
	char serial[8];
	int64_t v = 0;
	int i;

	assert_true(store_begin(st));
	for (i = 0; i < 10; i++) {
		snprintf(serial, sizeof(serial), "%02X", 0x20 + i);
		assert_true(add_intent(st, "pubca1", serial));
	}
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_true(store_rollback(st));
	assert_int_equal(count(st, "pubca1"), 0);
	/* Nothing was recorded, so nothing was burnt. */
	assert_true(add_intent(st, "pubca1", "20"));
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 1);
	store_close(st);
}

/* A refused statement fails alone; the transaction around it goes on. */
static void
test_error_inside_transaction(void **state)
{
	struct store *st = open_with_cas("txnerr.db");

	assert_true(store_begin(st));
	assert_true(add_intent(st, "pubca1", "01"));
	assert_false(add_intent(st, "pubca1", "01"));
	assert_false(add_intent(st, "nosuch", "02"));
	assert_true(add_intent(st, "pubca1", "02"));
	assert_true(store_commit(st));
	assert_int_equal(count(st, "pubca1"), 2);
	store_close(st);
}

/*
 * When SQLite ends a transaction on its own (I/O error, full disk), the
 * rest of the group must not slip out one statement at a time.
 */
static void
test_transaction_lost(void **state)
{
	struct store *st = open_with_cas("lost.db");
	struct capture cap;

	assert_true(store_begin(st));
	assert_true(add_intent(st, "pubca1", "01"));
	assert_int_equal(sqlite3_exec(store_sqlite_handle(st), "ROLLBACK",
	    NULL, NULL, NULL), SQLITE_OK);
	capture_begin(&cap);
	assert_false(add_intent(st, "pubca1", "02"));
	assert_non_null(strstr(capture_end(&cap), "rolled back"));
	assert_false(store_commit(st));
	assert_int_equal(count(st, "pubca1"), 0);
	/* After commit or rollback, the store works as before. */
	assert_true(store_begin(st));
	assert_true(add_intent(st, "pubca1", "02"));
	assert_int_equal(sqlite3_exec(store_sqlite_handle(st), "ROLLBACK",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_true(store_rollback(st));
	assert_true(add_intent(st, "pubca1", "03"));
	assert_int_equal(count(st, "pubca1"), 1);
	store_close(st);
}

static void
test_close_inside_transaction(void **state)
{
	struct store *st = open_with_cas("closetxn.db");

	assert_true(store_begin(st));
	assert_true(add_intent(st, "pubca1", "01"));
	store_close(st);
	st = open_new("closetxn.db");
	assert_int_equal(count(st, "pubca1"), 0);
	store_close(st);
}

static void
test_counters(void **state)
{
	struct store *st = open_new("counter.db");
	int64_t v = 0;

	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 1);
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 2);
	assert_true(store_counter_next(st, "crl:root1", &v));
	assert_int_equal(v, 1);
	store_close(st);

	st = open_new("counter.db");
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 3);
	/* Inside a transaction too. */
	assert_true(store_begin(st));
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 4);
	assert_true(store_commit(st));
	assert_false(store_counter_next(st, "", &v));
	assert_false(store_counter_next(st, "CRL", &v));
	assert_false(store_counter_next(st, "crl pubca1", &v));
	store_close(st);
}

static void
test_counter_exhausted(void **state)
{
	char path[PATH_MAX];
	struct store *st;
	int64_t v = 0;

	store_close(open_new("counter-max.db"));
	raw_exec(test_path(path, "counter-max.db"), "INSERT INTO counters "
	    "VALUES ('crl:pubca1', 9223372036854775806)");
	st = open_new("counter-max.db");
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, INT64_MAX);
	assert_false(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, INT64_MAX);
	store_close(st);
}

static void
test_foreign_keys(void **state)
{
	struct store *st = open_with_cas("fk.db");
	struct store_cert c = {
		.issuer = "pubca1", .serial = "01", .profile = "ca",
		.subject = "CN=X", .subject_ca = "nosuch",
		.not_before = 1, .not_after = 2, .intent_at = 3,
	};
	struct capture cap;

	capture_begin(&cap);
	assert_false(add_intent(st, "nosuch", "01"));
	assert_non_null(strstr(capture_end(&cap),
	    "issuer nosuch is not in the store"));
	assert_false(store_cert_intent(st, &c));
	assert_int_equal(count(st, "nosuch"), 0);
	assert_int_equal(count(st, "pubca1"), 0);
	store_close(st);
}

static void
test_invalid_input(void **state)
{
	static const char *const bad_serials[] = {
		"", "0", "1", "ABC", "0a1b", "00AB", "0G", "-1", " 01",
		"01 ", "0x01",
		"0102030405060708090A0B0C0D0E0F101112131415",	/* 21 octets */
	};
	static const char *const good_serials[] = {
		"01", "0A1B", "FF",
		"7F02030405060708090A0B0C0D0E0F1011121314",	/* 20 octets */
	};
	struct store *st = open_with_cas("invalid.db");
	struct store_cert *c = NULL;
	struct store_cert bad = {
		.issuer = "pubca1", .serial = "99", .profile = "client",
		.subject = "CN=X", .not_before = 2, .not_after = 1,
	};
	char longname[80];
	size_t i;

	for (i = 0; i < sizeof(bad_serials) / sizeof(bad_serials[0]); i++) {
		assert_false(add_intent(st, "pubca1", bad_serials[i]));
		assert_false(store_cert_get(st, "pubca1", bad_serials[i], &c));
		assert_false(store_cert_issued(st, "pubca1", bad_serials[i],
		    cert_der, sizeof(cert_der), 1));
		assert_false(store_cert_abort(st, "pubca1", bad_serials[i]));
	}
	assert_false(add_intent(st, "pubca1", NULL));
	for (i = 0; i < sizeof(good_serials) / sizeof(good_serials[0]); i++)
		assert_true(add_intent(st, "pubca1", good_serials[i]));

	memset(longname, 'a', 65);
	longname[65] = '\0';
	assert_false(add_intent(st, longname, "01"));
	assert_false(add_intent(st, "PubCA1", "01"));
	assert_false(add_intent(st, "", "01"));
	assert_false(add_intent(st, "pub\nca1", "01"));
	assert_false(store_cert_count(st, "pub ca", &(int64_t){ 0 }));
	/* notAfter before notBefore, then a malformed profile. */
	assert_false(store_cert_intent(st, &bad));
	bad.not_after = 3;
	bad.profile = "Client";
	assert_false(store_cert_intent(st, &bad));
	bad.profile = NULL;
	assert_false(store_cert_intent(st, &bad));
	bad.profile = "client";
	bad.subject = NULL;
	assert_false(store_cert_intent(st, &bad));
	bad.subject = "";
	assert_true(store_cert_intent(st, &bad));
	assert_false(store_cert_intent(NULL, &bad));
	assert_false(store_cert_intent(st, NULL));
	store_close(st);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
expect_refused(const char *spec, const char *words)
{
	struct capture cap;

	capture_begin(&cap);
	assert_null(store_open(spec));
	assert_non_null(strstr(capture_end(&cap), words));
}

static void
test_bad_files(void **state)
{
	char path[PATH_MAX], garbage[8192];
	struct store *st;
	size_t i;

	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(i * 7 + 3);
	write_file(test_path(path, "garbage.db"), garbage, sizeof(garbage));
	expect_refused(path, "not a usable SQLite database");

	write_file(test_path(path, "text.db"), "hello\n", 6);
	expect_refused(path, "not a usable SQLite database");

	/* A store cut short: its header promises pages that are not there. */
	st = open_with_cas("truncated.db");
	assert_true(add_intent(st, "pubca1", "01"));
	store_close(st);
	assert_int_equal(truncate(test_path(path, "truncated.db"), 1024), 0);
	expect_refused(path, "truncated.db");

	raw_exec(test_path(path, "foreign.db"), "CREATE TABLE t (x)");
	expect_refused(path, "not an inkan store");

	expect_refused(test_dir, "cannot open");
	expect_refused(test_path(path, "nosuch/dir/x.db"), "cannot open");
	expect_refused("", "no store given");
	expect_refused("sqlite:", "no path given");
	expect_refused("postgresql://u:secret@host/db", "not built yet");
}

/* SQLite holds the database file; no -wal means nothing to compare. */
static off_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/*
 * The child commits one intent, then opens a transaction, writes enough
 * intents that SQLite must spill uncommitted pages into the WAL, and dies
 * without committing. Exit codes say where it went wrong.
 */
static void
crash_child(const char *path)
{
	char wal[PATH_MAX + 8], serial[8];
	struct store *st;
	off_t before;
	int i;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	if ((st = store_open(path)) == NULL)
		_exit(2);
	if (!add_intent(st, "pubca1", "01"))
		_exit(3);
	before = file_size(wal);
	if (!store_begin(st) || sqlite3_exec(store_sqlite_handle(st),
	    "PRAGMA cache_size = 10", NULL, NULL, NULL) != SQLITE_OK)
		_exit(4);
	for (i = 0; i < 2000; i++) {
		snprintf(serial, sizeof(serial), "%04X", 0x1000 + i);
		if (!add_intent(st, "pubca1", serial))
			_exit(5);
	}
	if (file_size(wal) <= before)
		_exit(6);
	_exit(0);
}

static void
test_crash_mid_transaction(void **state)
{
	char path[PATH_MAX], buf[64];
	struct store *st;
	struct store_cert *c = NULL;
	pid_t pid;
	int status;

	store_close(open_with_cas("crash.db"));
	test_path(path, "crash.db");
	fflush(NULL);
	assert_true((pid = fork()) != -1);
	if (pid == 0)
		crash_child(path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	st = open_new("crash.db");
	assert_int_equal(count(st, "pubca1"), 1);
	assert_true(store_cert_get(st, "pubca1", "01", &c));
	assert_non_null(c);
	store_cert_free(c);
	assert_true(store_cert_get(st, "pubca1", "1000", &c));
	assert_null(c);
	query_text(store_sqlite_handle(st), "PRAGMA integrity_check", buf,
	    sizeof(buf));
	assert_string_equal(buf, "ok");
	/* And the store takes new work. */
	assert_true(add_intent(st, "pubca1", "1000"));
	store_close(st);
}

/* The schema itself keeps the certificate table append-only. */
static void
test_schema_guards(void **state)
{
	struct store *st = open_with_cas("guards.db");
	sqlite3 *db = store_sqlite_handle(st);

	assert_true(add_intent(st, "pubca1", "01"));
	assert_true(store_cert_issued(st, "pubca1", "01", cert_der,
	    sizeof(cert_der), 5));
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM certificates",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE certificates SET "
	    "state = 'intent', der = NULL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE certificates SET "
	    "der = x'3000'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE certificates SET "
	    "serial = '02'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE certificates SET "
	    "tbs_sha256 = x'00'", NULL, NULL, NULL), SQLITE_OK);
	/* Revocation is the one change an issued row still takes. */
	assert_int_equal(sqlite3_exec(db, "UPDATE certificates SET "
	    "status = 'revoked', revoked_at = 7, reason = 1", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(count(st, "pubca1"), 1);
	store_close(st);
}

static void
test_enum_names(void **state)
{
	enum store_cert_state s;
	enum store_cert_status t;
	enum store_ca_kind k;

	assert_string_equal(store_ca_kind_name(STORE_CA_RESPONDER),
	    "responder");
	assert_string_equal(store_cert_state_name(STORE_CERT_ABORTED),
	    "aborted");
	assert_string_equal(store_cert_status_name(STORE_STATUS_HOLD),
	    "hold");
	assert_string_equal(store_ca_kind_name(STORE_CA_KIND_MAX), "unknown");
	assert_string_equal(store_cert_state_name(STORE_CERT_STATE_MAX),
	    "unknown");
	assert_string_equal(store_cert_status_name(STORE_STATUS_MAX),
	    "unknown");
	assert_true(store_ca_kind_parse("issuing", 7, &k));
	assert_int_equal(k, STORE_CA_ISSUING);
	assert_true(store_cert_state_parse("issuedX", 6, &s));
	assert_int_equal(s, STORE_CERT_ISSUED);
	assert_true(store_cert_status_parse("revoked", 7, &t));
	assert_int_equal(t, STORE_STATUS_REVOKED);
	assert_false(store_cert_state_parse("issue", 5, &s));
	assert_false(store_cert_status_parse("", 0, &t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_creates_schema),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_pragmas),
		cmocka_unit_test(test_ca_insert_get),
		cmocka_unit_test(test_cert_issue),
		cmocka_unit_test(test_ca_certificate),
		cmocka_unit_test(test_issued_requires_intent),
		cmocka_unit_test(test_duplicate_intent),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_each_in_state),
		cmocka_unit_test(test_each_reentrant),
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_transaction_misuse),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_error_inside_transaction),
		cmocka_unit_test(test_transaction_lost),
		cmocka_unit_test(test_close_inside_transaction),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_counter_exhausted),
		cmocka_unit_test(test_foreign_keys),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_crash_mid_transaction),
		cmocka_unit_test(test_schema_guards),
		cmocka_unit_test(test_enum_names),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
