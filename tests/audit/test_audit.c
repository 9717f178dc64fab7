/*
 * Tests of the audit chain (src/audit/chain.c, verify.c) and of the
 * archive's purge (src/audit/archive.c) on a store in a temporary folder.
 * Checkpoints are signed here with a key of the test's own, standing in
 * for the signer (whose SIGN_AUDIT operation the shell tests under tests/audit drive),
 * so that records can be dated years back (CP-5.4, CP-5.5.2).
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
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "audit/archive.h"
#include "audit/audit.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "util/file.h"

#include <sqlite3.h>

#define STORE_TEST_PREFIX "inkan-audit"
#include "store/scaffold.h"

/* 2010-01-01 and 2026-01-01, UTC. */
#define T_OLD	1262304000
#define T_NEW	1767225600

static EVP_PKEY *test_key;

static int
group_setup(void **state)
{
	test_key = EVP_RSA_gen(2048);
	return test_key == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	EVP_PKEY_free(test_key);
	return 0;
}

static struct store *
open_new(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	assert_non_null(st = store_open(test_path(path, name)));
	return st;
}

static void
record(struct store *st, const char *type, int64_t when)
{
	struct audit_event ev = { type, "alice", "operator", "local", "local",
	    "cert:pubca1:01", "ok", "{\"n\":1}" };

	assert_true(audit_record_at(st, &ev, when));
}

/* A checkpoint at the head (or at seq), signed with test_key. */
static void
checkpoint(struct store *st, const char *kind, int64_t seq,
    const unsigned char head[32])
{
	struct store_audit_checkpoint cp;
	EVP_MD_CTX *ctx;
	unsigned char sig[512];
	size_t sig_len = sizeof(sig);
	char *text;

	memset(&cp, 0, sizeof(cp));
	cp.seq = seq;
	memcpy(cp.head_hash, head, 32);
	cp.time = T_NEW;
	cp.kind = (char *)kind;
	assert_non_null(text = audit_checkpoint_text(&cp));
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    test_key), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len,
	    (unsigned char *)text, strlen(text)), 1);
	EVP_MD_CTX_free(ctx);
	free(text);
	cp.sig = sig;
	cp.sig_len = sig_len;
	assert_true(store_audit_checkpoint_insert(st, &cp));
}

static void
seal(struct store *st)
{
	unsigned char head[32];
	int64_t seq;

	assert_true(store_audit_head(st, &seq, head));
	checkpoint(st, "seal", seq, head);
}

static int
verify(struct store *st, struct audit_verify_result *res)
{
	struct audit_verify_opts o = { test_key, 0, NULL };

	return audit_verify(st, &o, res);
}

/* Every field, and its presence, changes the hash. */
static void
test_chain_encoding(void **state)
{
	struct store_audit r;
	unsigned char h0[32], h[32], prev[32];
	unsigned char *enc;
	size_t len;
	int64_t seq;
	char **fields[8];

	memset(&r, 0, sizeof(r));
	r.seq = 7;
	r.time = T_NEW;
	r.type = "cert.issue";
	r.actor = "alice";
	r.role = "ra";
	r.auth = "password+totp";
	r.source = "192.0.2.1";
	r.object = "cert:pubca1:0A";
	r.outcome = "ok";
	r.detail = NULL;
	memset(r.prev_hash, 0xab, 32);
	assert_true(audit_chain_hash(&r, h0));
	r.detail = "";
	assert_true(audit_chain_hash(&r, h));
	assert_memory_not_equal(h0, h, 32);
	r.detail = NULL;
	/* Moving a byte from one field to the next changes the hash. */
	r.actor = "alic";
	r.role = "era";
	assert_true(audit_chain_hash(&r, h));
	assert_memory_not_equal(h0, h, 32);
	r.actor = "alice";
	r.role = "ra";
	fields[0] = &r.type; fields[1] = &r.actor; fields[2] = &r.role;
	fields[3] = &r.auth; fields[4] = &r.source; fields[5] = &r.object;
	fields[6] = &r.outcome; fields[7] = &r.detail;
	for (int i = 0; i < 8; i++) {
		char *keep = *fields[i];

		*fields[i] = "x";
		assert_true(audit_chain_hash(&r, h));
		assert_memory_not_equal(h0, h, 32);
		*fields[i] = keep;
	}
	r.seq = 8;
	assert_true(audit_chain_hash(&r, h));
	assert_memory_not_equal(h0, h, 32);
	r.seq = 7;
	assert_true(audit_chain_encode(&r, &enc, &len));
	assert_true(audit_chain_parse(enc, len, &seq, prev));
	assert_int_equal(seq, 7);
	assert_memory_equal(prev, r.prev_hash, 32);
	assert_false(audit_chain_parse(enc, len - 1, &seq, prev));
	enc[0] ^= 1;
	assert_false(audit_chain_parse(enc, len, &seq, prev));
	free(enc);
}

static void
test_record_and_verify(void **state)
{
	struct store *st = open_new("chain.db");
	struct audit_verify_result res;
	struct audit_event bad = { "cert.issue", NULL, "operator", "local",
	    "local", "x", "ok", NULL };

	for (int i = 0; i < 5; i++)
		record(st, "cert.issue", T_NEW + i);
	struct capture cap;

	/* Every field but detail is required, and the refusal says which. */
	capture_begin(&cap);
	assert_false(audit_record(st, &bad));
	assert_non_null(strstr(capture_end(&cap), "actor: must be 1 to"));
	assert_false(verify(st, &res));
	assert_int_equal(res.bad_seq, 1);
	assert_non_null(strstr(res.why, "not sealed"));
	seal(st);
	assert_true(verify(st, &res));
	assert_int_equal(res.first, 1);
	assert_int_equal(res.last, 5);
	assert_int_equal(res.sealed, 5);
	assert_int_equal(res.checkpoints, 1);
	store_close(st);
}

/* A record inside a transaction that rolls back is gone with it. */
static void
test_record_in_transaction(void **state)
{
	struct store *st = open_new("txn.db");
	struct audit_verify_result res;
	unsigned char head[32];
	int64_t seq;

	record(st, "daemon.start", T_NEW);
	assert_true(store_begin(st));
	record(st, "cert.revoke", T_NEW + 1);
	assert_true(store_rollback(st));
	assert_true(store_audit_head(st, &seq, head));
	assert_int_equal(seq, 1);
	assert_true(store_begin(st));
	record(st, "cert.revoke", T_NEW + 2);
	assert_true(store_commit(st));
	seal(st);
	assert_true(verify(st, &res));
	assert_int_equal(res.last, 2);
	store_close(st);
}

/* CP-5.5.2: purge deletes old records behind a signed purge checkpoint. */
static void
test_purge(void **state)
{
	struct store *st = open_new("purge.db");
	struct audit_verify_result res;
	unsigned char head[32];
	int64_t upto, seq;

	for (int i = 0; i < 4; i++)
		record(st, "cert.issue", T_OLD + i);
	seal(st);
	for (int i = 0; i < 3; i++)
		record(st, "cert.issue", T_NEW + i);
	seal(st);
	assert_true(verify(st, &res));
	assert_int_equal(res.last, 7);

	/* Up to record 4, which a seal checkpoint seals too. */
	assert_true(archive_purge_upto(st, T_OLD + 100, &upto, head));
	assert_int_equal(upto, 4);
	/* Without its signed purge checkpoint the schema refuses. */
	assert_false(store_audit_purge(st, upto));
	checkpoint(st, "purge", upto, head);
	assert_true(store_audit_purge(st, upto));
	assert_true(store_audit_first(st, &seq, head));
	assert_int_equal(seq, 5);
	assert_true(verify(st, &res));
	assert_int_equal(res.first, 5);
	assert_int_equal(res.last, 7);

	/* The chain goes on from where it was. */
	record(st, "cert.issue", T_NEW + 10);
	seal(st);
	assert_true(verify(st, &res));
	assert_int_equal(res.last, 8);

	/* Nothing old enough: nothing to purge. */
	assert_true(archive_purge_upto(st, T_OLD, &upto, head));
	assert_int_equal(upto, 0);
	store_close(st);
}

/* A purge checkpoint signed by another key does not make a start. */
static void
test_purge_forged(void **state)
{
	struct store *st = open_new("forged.db");
	struct audit_verify_result res;
	struct store_audit_checkpoint cp;
	unsigned char head[32], sig[256];
	int64_t upto;

	for (int i = 0; i < 3; i++)
		record(st, "cert.issue", T_OLD + i);
	record(st, "cert.issue", T_NEW);
	seal(st);
	assert_true(archive_purge_upto(st, T_OLD + 2, &upto, head));
	memset(&cp, 0, sizeof(cp));
	cp.seq = upto;
	memcpy(cp.head_hash, head, 32);
	cp.kind = "purge";
	memset(sig, 1, sizeof(sig));
	cp.sig = sig;
	cp.sig_len = sizeof(sig);
	assert_true(store_audit_checkpoint_insert(st, &cp));
	assert_true(store_audit_purge(st, upto));
	assert_false(verify(st, &res));
	assert_int_equal(res.bad_seq, upto);
	assert_non_null(strstr(res.why, "signature does not verify"));
	store_close(st);
}

/* Rewrites record 2 and re-chains every later one, as a forger would. */
static int
rechain_cb(const struct store_audit *r, void *arg)
{
	struct store_audit *v = arg;

	v[r->seq - 1] = *r;
	v[r->seq - 1].type = strdup(r->type);
	v[r->seq - 1].actor = strdup(r->actor);
	v[r->seq - 1].role = strdup(r->role);
	v[r->seq - 1].auth = strdup(r->auth);
	v[r->seq - 1].source = strdup(r->source);
	v[r->seq - 1].object = strdup(r->object);
	v[r->seq - 1].outcome = strdup(r->outcome);
	v[r->seq - 1].detail = r->detail ? strdup(r->detail) : NULL;
	return 1;
}

/*
 * A chain rewritten from record 2 on, hashes recomputed and the store's
 * checkpoints deleted, still fails: the last-checkpoint file outside the
 * database seals the old head.
 */
static void
test_rewritten_chain(void **state)
{
	struct store *st = open_new("rewrite.db");
	struct audit_verify_result res;
	struct audit_verify_opts o = { test_key, 0, test_dir };
	struct store_audit v[4];
	struct store_audit_checkpoint cp;
	char path[PATH_MAX], *text;
	unsigned char head[32], sig[512];
	size_t sig_len = sizeof(sig);
	EVP_MD_CTX *ctx;
	sqlite3_stmt *stmt;
	sqlite3 *db;
	int64_t seq;

	for (int i = 0; i < 4; i++)
		record(st, "cert.issue", T_NEW + i);
	seal(st);
	/* The seal's copy, as audit_checkpoint_make() writes it. */
	assert_true(store_audit_head(st, &seq, head));
	memset(&cp, 0, sizeof(cp));
	cp.seq = seq;
	memcpy(cp.head_hash, head, 32);
	cp.time = T_NEW;
	cp.kind = "seal";
	assert_non_null(text = audit_checkpoint_text(&cp));
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    test_key), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len,
	    (unsigned char *)text, strlen(text)), 1);
	EVP_MD_CTX_free(ctx);
	assert_true(file_write_atomic(test_path(path, "last-checkpoint.txt"),
	    text, strlen(text), 0644, 0));
	assert_true(file_write_atomic(test_path(path, "last-checkpoint.sig"),
	    sig, sig_len, 0644, 0));
	free(text);
	assert_true(audit_verify(st, &o, &res));

	memset(v, 0, sizeof(v));
	assert_true(store_audit_each(st, 1, INT64_MIN, rechain_cb, v));
	free(v[1].outcome);
	v[1].outcome = strdup("denied");
	for (int i = 1; i < 4; i++) {
		memcpy(v[i].prev_hash, v[i - 1].hash, 32);
		assert_true(audit_chain_hash(&v[i], v[i].hash));
	}
	db = store_sqlite_handle(st);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update;"
	    "DROP TRIGGER audit_checkpoints_no_delete;"
	    "DELETE FROM audit_checkpoints", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 1; i < 4; i++) {
		assert_int_equal(sqlite3_prepare_v2(db, "UPDATE audit_log SET "
		    "outcome = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4", -1,
		    &stmt, NULL), SQLITE_OK);
		sqlite3_bind_text(stmt, 1, v[i].outcome, -1, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 2, v[i].prev_hash, 32, SQLITE_STATIC);
		sqlite3_bind_blob(stmt, 3, v[i].hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, v[i].seq);
		assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
		sqlite3_finalize(stmt);
	}
	o.allow_unsealed = 1;
	/* Without the file, the rewrite is a chain no one sealed. */
	o.head_dir = NULL;
	assert_true(audit_verify(st, &o, &res));
	o.head_dir = test_dir;
	assert_false(audit_verify(st, &o, &res));
	assert_int_equal(res.bad_seq, 4);
	assert_non_null(strstr(res.why, "differs from what checkpoint 4"));
	for (int i = 0; i < 4; i++) {
		free(v[i].type); free(v[i].actor); free(v[i].role);
		free(v[i].auth); free(v[i].source); free(v[i].object);
		free(v[i].outcome); free(v[i].detail);
	}
	store_close(st);
}

static void
test_retention(void **state)
{
	int64_t t;

	/* 2026-11-26 less seven years, to the second. */
	assert_true(audit_time_parse("2026-11-26T12:00:00Z", &t));
	assert_int_equal(archive_retention_cutoff(t), 1574769600);
	assert_true(audit_time_parse("2019-11-26", &t));
	assert_int_equal(t, 1574726400);
	assert_true(audit_time_parse("1574726400", &t));
	assert_int_equal(t, 1574726400);
	assert_false(audit_time_parse("26/11/2019", &t));
	assert_false(audit_time_parse("2019-11-26T00:00:00", &t));
	assert_false(audit_time_parse("", &t));
}

static void
test_json(void **state)
{
	char buf[64] = "";

	assert_true(audit_json_str(buf, sizeof(buf), "a\"b\\c\n\x01"));
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	buf[0] = '\0';
	assert_false(audit_json_str(buf, 8, "far too long for eight"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_encoding),
		cmocka_unit_test(test_record_and_verify),
		cmocka_unit_test(test_record_in_transaction),
		cmocka_unit_test(test_purge),
		cmocka_unit_test(test_purge_forged),
		cmocka_unit_test(test_rewritten_chain),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_json),
	};

	if (test_setup(NULL) != 0)
		return 1;
	int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);

	test_teardown(NULL);
	return rc;
}
