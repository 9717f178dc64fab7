/*
 * Tests of the store's backup, check, clock and counter-with-floor
 * operations (src/store/sqlite_backup.c) through store.h: the pieces of
 * inkan backup/restore (CP-5.7.2), the clock check (CP-5.5.5) and CRL
 * numbers that rise across a restore.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-store-backup"
#include "store/scaffold.h"

static const unsigned char name_der[] = { 0x30, 0x03, 0x01, 0x02, 0x03 };
static const unsigned char key_der[] = { 0x30, 0x02, 0x05, 0x00 };
static const unsigned char some_der[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };

static struct store *
open_at(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	assert_non_null(st = store_open(test_path(path, name)));
	return st;
}

static void
add_ca(struct store *st, const char *name, const char *key, int64_t at)
{
	struct store_ca ca = {
		.name = (char *)name, .kind = STORE_CA_ISSUING,
		.key_name = (char *)key,
		.subject_der = (unsigned char *)name_der,
		.subject_len = sizeof(name_der),
		.spki_der = (unsigned char *)key_der,
		.spki_len = sizeof(key_der), .created_at = at,
	};

	assert_true(store_ca_insert(st, &ca));
}

static int
add_intent(struct store *st, const char *serial, int64_t at)
{
	struct store_cert c = {
		.issuer = "pubca1", .serial = (char *)serial,
		.profile = "client", .subject = "CN=A",
		.not_before = 1700000000, .not_after = 1731536000,
		.intent_at = at,
	};

	memset(c.tbs_sha256, 0x5a, sizeof(c.tbs_sha256));
	return store_cert_intent(st, &c);
}

static int64_t
last_event(struct store *st)
{
	int64_t at = -1;

	assert_true(store_last_event(st, &at));
	return at;
}

static int64_t
rows(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM certificates", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* CRL numbers: max(previous + 1, floor), so a clock floor wins. */
static void
test_counter_advance(void **state)
{
	struct store *st = open_at("counter.db");
	struct capture cap;
	int64_t v = 0;

	(void)state;
	assert_true(store_counter_advance(st, "crl:pubca1", 0, &v));
	assert_int_equal(v, 1);
	assert_true(store_counter_advance(st, "crl:pubca1", 1795000000000000,
	    &v));
	assert_int_equal(v, 1795000000000000);
	/* A floor below the counter (a clock set back) still rises by one. */
	assert_true(store_counter_advance(st, "crl:pubca1", 5, &v));
	assert_int_equal(v, 1795000000000001);
	/* The plain counter continues from there. */
	assert_true(store_counter_next(st, "crl:pubca1", &v));
	assert_int_equal(v, 1795000000000002);
	assert_true(store_counter_advance(st, "crl:root1", 42, &v));
	assert_int_equal(v, 42);
	assert_false(store_counter_advance(st, "CRL", 1, &v));
	assert_false(store_counter_advance(st, "crl:pubca1", 1, NULL));
	assert_true(store_counter_advance(st, "crl:top", INT64_MAX, &v));
	assert_int_equal(v, INT64_MAX);
	capture_begin(&cap);
	assert_false(store_counter_advance(st, "crl:top", 1, &v));
	assert_non_null(strstr(capture_end(&cap), "crl:top: exhausted"));
	store_close(st);
}

/* The newest of every kind of event the store records. */
static void
test_last_event(void **state)
{
	struct store *st = open_at("last.db");
	struct store_ocsp r = {
		.issuer = "pubca1", .serial = "01", .hash_alg = "sha1",
		.der = (unsigned char *)some_der, .der_len = sizeof(some_der),
		.this_update = 1700000500, .next_update = 1700090000,
		.produced_at = 1700000600,
	};

	(void)state;
	assert_int_equal(last_event(st), 0);
	add_ca(st, "pubca1", "pubca1-key", 1700000000);
	assert_int_equal(last_event(st), 1700000000);
	assert_true(add_intent(st, "01", 1700000100));
	assert_int_equal(last_event(st), 1700000100);
	assert_true(store_cert_issued(st, "pubca1", "01", some_der,
	    sizeof(some_der), 1700000200));
	assert_int_equal(last_event(st), 1700000200);
	assert_true(store_cert_revoke(st, "pubca1", "01",
	    STORE_STATUS_REVOKED, 1700000300, 1, 0));
	assert_int_equal(last_event(st), 1700000300);
	assert_true(store_crl_insert(st, "pubca1", 7, 1700000400, 1700090000,
	    some_der, sizeof(some_der)));
	assert_int_equal(last_event(st), 1700000400);
	assert_true(store_ocsp_put(st, &r));
	assert_int_equal(last_event(st), 1700000600);
	/* An older intent added later does not move it back. */
	assert_true(add_intent(st, "02", 1600000000));
	assert_int_equal(last_event(st), 1700000600);
	store_close(st);
}

/*
 * The copy is one self-contained file (not WAL), mode 0600, a snapshot
 * of what is committed: another connection's open transaction is not in
 * it. It opens as a store and passes the check.
 */
static void
test_backup_snapshot(void **state)
{
	char src[PATH_MAX], dst[PATH_MAX], wal[PATH_MAX + 8];
	struct store *st = open_at("live.db"), *other, *copy;
	unsigned char hdr[20];
	struct stat sb;
	int fd;

	(void)state;
	add_ca(st, "pubca1", "pubca1-key", 1700000000);
	assert_true(add_intent(st, "01", 1700000100));
	other = open_at("live.db");
	assert_true(store_begin(other));
	assert_true(add_intent(other, "02", 1700000200));
	assert_true(store_backup(st, test_path(dst, "copy.db")));
	assert_true(store_rollback(other));
	store_close(other);

	assert_int_equal(stat(dst, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(wal, sizeof(wal), "%s-wal", dst);
	assert_int_not_equal(access(wal, F_OK), 0);
	/* File format bytes 18 and 19: 1 is rollback journal, 2 is WAL. */
	assert_true((fd = open(dst, O_RDONLY)) != -1);
	assert_int_equal(read(fd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	close(fd);
	assert_int_equal(hdr[18], 1);
	assert_int_equal(rows(dst), 1);

	assert_non_null(copy = store_open(dst));
	assert_true(store_check(copy));
	assert_int_equal(last_event(copy), 1700000100);
	store_close(copy);
	assert_true(store_check(st));

	/* Never over an existing file; nothing left behind on failure. */
	assert_false(store_backup(st, dst));
	assert_false(store_backup(st, test_path(src, "nosuchdir/x.db")));
	store_close(st);
}

/* Damaged pages: the store refuses to open, or its check fails. */
static void
test_check_damaged(void **state)
{
	char path[PATH_MAX], junk[4096];
	struct store *st = open_at("damaged.db");
	int fd, ok;

	(void)state;
	add_ca(st, "pubca1", "pubca1-key", 1700000000);
	for (int i = 0; i < 200; i++) {
		char serial[8];

		snprintf(serial, sizeof(serial), "%02X", i + 1);
		assert_true(add_intent(st, serial, 1700000000 + i));
	}
	store_close(st);
	memset(junk, 0x5c, sizeof(junk));
	assert_true((fd = open(test_path(path, "damaged.db"), O_WRONLY)) != -1);
	/* Page 2 onwards, past the header and schema on page 1. */
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 4096),
	    (ssize_t)sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 3 * 4096),
	    (ssize_t)sizeof(junk));
	close(fd);
	if ((st = store_open(path)) == NULL)
		ok = 0;
	else {
		ok = store_check(st);
		store_close(st);
	}
	assert_false(ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_advance),
		cmocka_unit_test(test_last_event),
		cmocka_unit_test(test_backup_snapshot),
		cmocka_unit_test(test_check_damaged),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
