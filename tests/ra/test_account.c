/*
 * Unit tests of src/ra/ (password, totp, token, account) and the RA
 * tables of the store (src/store/sqlite_ra.c): Argon2id hashing and
 * policy, TOTP against the RFC 6238 vectors with its window and no reuse
 * of a step (CP-6.5.1), session tokens and time-outs, lock-out with
 * back-off, and the login flow (MFA mandatory for admin, RA and LRA
 * operators: enrolment-only sessions until TOTP is confirmed).
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
#include <liboath/oath.h>
#include <sodium.h>

#include "ra/account.h"
#include "ra/password.h"
#include "ra/token.h"
#include "ra/totp.h"
#include "store/store.h"

#define STORE_TEST_PREFIX "inkan-ra"
#include "store/scaffold.h"

/* RFC 6238 appendix B: the SHA-1 seed, "12345678901234567890". */
static const unsigned char rfc_seed[] = "12345678901234567890";
#define RFC_SEED_LEN	20

/* The secret behind a base32 text, decoded by liboath itself. */
static int
b32_decode(const char *b32, unsigned char *out, size_t *len)
{
	char *bin = NULL;
	size_t n = 0;

	if (oath_base32_decode(b32, strlen(b32), &bin, &n) != OATH_OK ||
	    n > 64) {
		free(bin);
		return 0;
	}
	memcpy(out, bin, n);
	*len = n;
	free(bin);
	return 1;
}

/* --- password ------------------------------------------------------------ */

static void
test_password_hash_verify(void **state)
{
	char h[RA_PWHASH_STR], h2[RA_PWHASH_STR];
	const char pw[] = "correct horse battery";

	assert_true(ra_password_hash(pw, strlen(pw), h));
	assert_non_null(strstr(h, "$argon2id$"));
	/* The documented parameters: t=3, m=64 MiB. */
	assert_non_null(strstr(h, "m=65536,t=3,p=1"));
	assert_true(ra_password_verify(h, pw, strlen(pw)));
	assert_false(ra_password_verify(h, pw, strlen(pw) - 1));
	assert_false(ra_password_verify(h, "correct horse batterz",
	    strlen(pw)));
	/* A fresh salt each time. */
	assert_true(ra_password_hash(pw, strlen(pw), h2));
	assert_string_not_equal(h, h2);
	/* Nothing but Argon2id strings ever match. */
	assert_false(ra_password_verify("$argon2i$v=19$m=4096,t=3,p=1$x$y",
	    pw, strlen(pw)));
	assert_false(ra_password_verify("", pw, strlen(pw)));
	assert_false(ra_password_verify(NULL, pw, strlen(pw)));
}

static void
test_password_policy(void **state)
{
	const char *why = NULL;
	char big[RA_PASSWORD_MAX + 1];

	assert_false(ra_password_policy("short", 5, &why));
	assert_non_null(strstr(why, "shorter"));
	assert_true(ra_password_policy("twelve chars", 12, &why));
	memset(big, 'a', sizeof(big));
	assert_false(ra_password_policy(big, sizeof(big), &why));
	assert_non_null(strstr(why, "longer"));
	assert_false(ra_password_policy("with a\0 NUL inside", 18, &why));
}

/* --- TOTP ------------------------------------------------------------------ */

static void
test_totp_rfc6238_vectors(void **state)
{
	/* Appendix B, SHA-1, truncated to the last 6 of the 8 digits. */
	static const struct {
		time_t	 t;
		const char *code;
	} v[] = {
		{ 59, "287082" }, { 1111111109, "081804" },
		{ 1111111111, "050471" }, { 1234567890, "005924" },
		{ 2000000000, "279037" },
	};
	char out[RA_TOTP_DIGITS + 1];

	assert_true(ra_totp_init());
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(ra_totp_code(rfc_seed, RFC_SEED_LEN, v[i].t, out));
		assert_string_equal(out, v[i].code);
	}
}

static void
test_totp_base32_uri(void **state)
{
	char b32[RA_TOTP_B32_MAX], uri[RA_TOTP_URI_MAX];
	unsigned char a[RA_TOTP_SECRET_LEN], b[RA_TOTP_SECRET_LEN];

	assert_true(ra_totp_base32(rfc_seed, RFC_SEED_LEN, b32));
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_true(ra_totp_uri("inkan", "alice", b32, uri));
	assert_string_equal(uri, "otpauth://totp/inkan:alice?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=inkan&algorithm=SHA1"
	    "&digits=6&period=30");
	/* Secrets come from the CSPRNG: two are never alike. */
	ra_totp_secret_new(a);
	ra_totp_secret_new(b);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void
test_totp_window_and_replay(void **state)
{
	const time_t now = 1111111109;		/* step 37037036 */
	char code[RA_TOTP_DIGITS + 1];
	int64_t step;

	/* The current step and one either side pass; two away do not. */
	for (int d = -2; d <= 2; d++) {
		assert_true(ra_totp_code(rfc_seed, RFC_SEED_LEN,
		    now + d * RA_TOTP_STEP, code));
		enum ra_totp_result r = ra_totp_check(rfc_seed, RFC_SEED_LEN,
		    now, code, 6, 0, &step);
		if (d >= -1 && d <= 1) {
			assert_int_equal(r, RA_TOTP_OK);
			assert_int_equal(step, now / RA_TOTP_STEP + d);
		} else
			assert_int_equal(r, RA_TOTP_BAD);
	}
	/* A step already used, or an older one, is a replay. */
	assert_true(ra_totp_code(rfc_seed, RFC_SEED_LEN, now, code));
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, code, 6,
	    now / RA_TOTP_STEP, &step), RA_TOTP_REPLAY);
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, code, 6,
	    now / RA_TOTP_STEP + 1, &step), RA_TOTP_REPLAY);
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, code, 6,
	    now / RA_TOTP_STEP - 1, &step), RA_TOTP_OK);
	/* Malformed codes. */
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, "08180",
	    5, 0, &step), RA_TOTP_BAD);
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now,
	    "0818045", 7, 0, &step), RA_TOTP_BAD);
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, "08a804",
	    6, 0, &step), RA_TOTP_BAD);
	assert_int_equal(ra_totp_check(rfc_seed, RFC_SEED_LEN, now, NULL, 0, 0,
	    &step), RA_TOTP_BAD);
}

/* --- tokens and sessions -------------------------------------------------- */

static void
test_token(void **state)
{
	char t1[RA_TOKEN_TEXT_LEN + 1], t2[RA_TOKEN_TEXT_LEN + 1];
	unsigned char h1[32], h2[32], h[32];

	assert_true(ra_token_new(t1, h1));
	assert_true(ra_token_new(t2, h2));
	assert_int_equal(strlen(t1), RA_TOKEN_TEXT_LEN);
	assert_string_not_equal(t1, t2);
	assert_memory_not_equal(h1, h2, 32);
	assert_true(ra_token_hash(t1, strlen(t1), h));
	assert_memory_equal(h, h1, 32);
	/* The hash is SHA-256 of the text, not the text. */
	crypto_hash_sha256(h, (const unsigned char *)t1, strlen(t1));
	assert_memory_equal(h, h1, 32);
	assert_false(ra_token_hash(t1, strlen(t1) - 1, h));
	t2[5] = '/';
	assert_false(ra_token_hash(t2, strlen(t2), h));
	assert_false(ra_token_hash(NULL, 0, h));
}

static void
test_session_check(void **state)
{
	struct ra_session_policy pol = { 900, 8 * 3600 };
	struct store_session s = { 0 };
	unsigned char other[32];

	memset(s.token_hash, 0xab, 32);
	memset(other, 0xab, 32);
	s.created_at = 1000;
	s.last_seen = 1000;
	s.expires_at = 1000 + pol.lifetime;
	assert_int_equal(ra_session_check(&s, other, &pol, 1000),
	    RA_SESSION_LIVE);
	assert_int_equal(ra_session_check(&s, other, &pol, 1899),
	    RA_SESSION_LIVE);
	assert_int_equal(ra_session_check(&s, other, &pol, 1900),
	    RA_SESSION_IDLE);
	/* Activity keeps it alive, but never past its lifetime. */
	s.last_seen = 1000 + pol.lifetime - 10;
	assert_int_equal(ra_session_check(&s, other, &pol,
	    1000 + pol.lifetime - 1), RA_SESSION_LIVE);
	assert_int_equal(ra_session_check(&s, other, &pol,
	    1000 + pol.lifetime), RA_SESSION_EXPIRED);
	/* A shorter lifetime now applies to old sessions too. */
	pol.lifetime = 60;
	s.last_seen = 1059;
	assert_int_equal(ra_session_check(&s, other, &pol, 1060),
	    RA_SESSION_EXPIRED);
	other[31] ^= 1;
	assert_int_equal(ra_session_check(&s, other, &pol, 1000),
	    RA_SESSION_MISMATCH);
}

static void
test_lock_seconds(void **state)
{
	assert_int_equal(ra_lock_seconds(0), 0);
	assert_int_equal(ra_lock_seconds(RA_LOCK_THRESHOLD - 1), 0);
	assert_int_equal(ra_lock_seconds(RA_LOCK_THRESHOLD), RA_LOCK_BASE);
	assert_int_equal(ra_lock_seconds(RA_LOCK_THRESHOLD + 1),
	    2 * RA_LOCK_BASE);
	assert_int_equal(ra_lock_seconds(RA_LOCK_THRESHOLD + 3),
	    8 * RA_LOCK_BASE);
	assert_int_equal(ra_lock_seconds(1000), RA_LOCK_MAX);
	assert_int_equal(ra_lock_seconds(INT64_MAX), RA_LOCK_MAX);
	assert_true(ra_role_needs_mfa(STORE_RA_ADMIN));
	assert_true(ra_role_needs_mfa(STORE_RA_OPERATOR));
	assert_true(ra_role_needs_mfa(STORE_RA_LRA));
	assert_false(ra_role_needs_mfa(STORE_RA_AUDITOR));
	assert_false(ra_role_needs_mfa(STORE_RA_CUSTODIAN));
}

/* --- store ------------------------------------------------------------------ */

static struct store *
open_store(const char *name)
{
	char path[PATH_MAX];
	struct store *st;

	assert_non_null(st = store_open(test_path(path, name)));
	return st;
}

static void
test_store_accounts(void **state)
{
	struct store *st = open_store("accounts.db");
	struct store_account a = { 0 }, *got = NULL;
	struct capture cap;
	int64_t failures = 0;
	int used = -1;

	a.name = "alice";
	a.role = STORE_RA_ADMIN;
	a.pw_hash = "$argon2id$dummy";
	a.created_at = 5;
	assert_true(store_account_insert(st, &a));
	assert_false(store_account_insert(st, &a));	/* exists */
	/* Names keep to their alphabet. */
	a.name = "Alice";
	capture_begin(&cap);
	assert_false(store_account_insert(st, &a));
	assert_non_null(strstr(capture_end(&cap), "a-z, 0-9"));
	/* An LRA operator names an approved LRA, nobody else does. */
	a.name = "lra1";
	a.role = STORE_RA_LRA;
	assert_false(store_account_insert(st, &a));
	a.org = "nosuch";
	assert_false(store_account_insert(st, &a));

	assert_true(store_account_get(st, "alice", &got));
	assert_non_null(got);
	assert_int_equal(got->role, STORE_RA_ADMIN);
	assert_int_equal(got->totp_len, 0);
	store_account_free(got);
	assert_true(store_account_get(st, "nobody", &got));
	assert_null(got);

	/* TOTP: pending, confirmed at a step, then each step used once. */
	assert_true(store_account_totp_pending(st, "alice", rfc_seed, 20));
	assert_true(store_account_totp_confirm(st, "alice", 100));
	assert_false(store_account_totp_confirm(st, "alice", 100));
	assert_true(store_account_totp_use(st, "alice", 100, &used));
	assert_int_equal(used, 0);
	assert_true(store_account_totp_use(st, "alice", 101, &used));
	assert_int_equal(used, 1);
	assert_true(store_account_totp_use(st, "alice", 101, &used));
	assert_int_equal(used, 0);
	assert_true(store_account_get(st, "alice", &got));
	assert_int_equal(got->totp_len, 20);
	assert_memory_equal(got->totp, rfc_seed, 20);
	assert_int_equal(got->totp_last_step, 101);
	store_account_free(got);

	/* Failures count up; a lock only lengthens; clearing resets. */
	for (int i = 1; i <= 3; i++) {
		assert_true(store_account_failure(st, "alice", &failures));
		assert_int_equal(failures, i);
	}
	assert_true(store_account_lock(st, "alice", 500));
	assert_true(store_account_lock(st, "alice", 400));
	assert_true(store_account_get(st, "alice", &got));
	assert_int_equal(got->failures, 3);
	assert_int_equal(got->locked_until, 500);
	store_account_free(got);
	assert_true(store_account_clear_failures(st, "alice"));
	assert_true(store_account_get(st, "alice", &got));
	assert_int_equal(got->failures, 0);
	assert_int_equal(got->locked_until, 0);
	store_account_free(got);
	assert_false(store_account_failure(st, "nobody", &failures));
	store_close(st);
}

static void
test_store_sessions(void **state)
{
	struct store *st = open_store("sessions.db");
	struct store_account a = { 0 }, *got;
	struct store_session s = { 0 }, *out = NULL;

	a.name = "bob";
	a.role = STORE_RA_AUDITOR;
	a.pw_hash = "x";
	assert_true(store_account_insert(st, &a));
	assert_true(store_account_get(st, "bob", &got));
	memset(s.token_hash, 7, 32);
	s.account_id = got->id;
	s.created_at = 10;
	s.last_seen = 10;
	s.expires_at = 100;
	assert_true(store_session_insert(st, &s));
	assert_false(store_session_insert(st, &s));	/* same hash */
	assert_true(store_session_get(st, s.token_hash, &out));
	assert_non_null(out);
	assert_string_equal(out->account, "bob");
	assert_int_equal(out->full, 0);
	store_session_free(out);
	assert_true(store_session_touch(st, s.token_hash, 20, 1));
	assert_true(store_session_get(st, s.token_hash, &out));
	assert_int_equal(out->last_seen, 20);
	assert_int_equal(out->full, 1);
	store_session_free(out);
	assert_true(store_session_delete_account(st, got->id));
	assert_true(store_session_get(st, s.token_hash, &out));
	assert_null(out);
	store_account_free(got);
	store_close(st);
}

/* --- the login flow ------------------------------------------------------- */

static struct ra *
ra_with_account(const char *db, const char *name, enum store_ra_role role,
    const char *pw)
{
	struct ra_principal admin = { .name = "test", .role = STORE_RA_ADMIN,
	    .full = 1, .auth = "local", .source = "test" };
	struct ra_account_new n = { 0 };
	struct ra *ra;

	assert_non_null(ra = ra_new(open_store(db), 1, NULL));
	n.name = name;
	n.role = role;
	n.password = pw;
	n.password_len = strlen(pw);
	assert_int_equal(ra_account_add(ra, &admin, &n, 1), RA_OK);
	return ra;
}

static enum ra_status
login(struct ra *ra, const char *name, const char *pw, const char *totp,
    int64_t now, struct ra_login_result *out)
{
	struct ra_login in = { 0 };

	in.name = name;
	in.password = pw;
	in.password_len = strlen(pw);
	in.totp = totp;
	in.totp_len = totp ? strlen(totp) : 0;
	in.source = "test";
	return ra_login(ra, &in, now, out);
}

static void
test_login_mfa_flow(void **state)
{
	const char *pw = "operator password 1";
	struct ra *ra = ra_with_account("flow.db", "op", STORE_RA_OPERATOR, pw);
	struct ra_principal admin = { .name = "test", .role = STORE_RA_ADMIN,
	    .full = 1, .auth = "local", .source = "test" };
	struct ra_login_result r;
	struct ra_principal p;
	char b32[RA_TOTP_B32_MAX], uri[RA_TOTP_URI_MAX];
	char code[RA_TOTP_DIGITS + 1];
	unsigned char secret[64];
	size_t secret_len = 0;
	int64_t now = 1700000000;

	assert_int_equal(login(ra, "op", "wrong password!", NULL, now, &r),
	    RA_BAD_CREDENTIALS);
	assert_int_equal(login(ra, "nobody", pw, NULL, now, &r),
	    RA_BAD_CREDENTIALS);
	/* No TOTP yet: an enrolment-only session (CP-6.5.1). */
	assert_int_equal(login(ra, "op", pw, NULL, now, &r), RA_OK);
	assert_int_equal(r.full, 0);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "test",
	    now, &p), RA_OK);
	assert_int_equal(p.full, 0);
	assert_int_equal(ra_mfa_enrol(ra, &p, b32, uri), RA_OK);
	assert_non_null(strstr(uri, b32));
	assert_int_equal(b32_decode(b32, secret,
	    &secret_len), 1);
	assert_true(ra_totp_code(secret, secret_len, now, code));
	code[0] = code[0] == '9' ? '0' : code[0] + 1;
	assert_int_equal(ra_mfa_confirm(ra, &p, code, 6, now),
	    RA_BAD_CREDENTIALS);
	assert_true(ra_totp_code(secret, secret_len, now, code));
	assert_int_equal(ra_mfa_confirm(ra, &p, code, 6, now), RA_OK);
	assert_int_equal(p.full, 1);
	/* A second enrolment needs a reset first. */
	assert_int_equal(ra_mfa_enrol(ra, &p, b32, uri), RA_CONFLICT);

	/* Now the code is required, and never accepted twice. */
	assert_int_equal(login(ra, "op", pw, NULL, now + 30, &r),
	    RA_TOTP_REQUIRED);
	assert_int_equal(login(ra, "op", pw, code, now + 30, &r),
	    RA_TOTP_REPLAYED);
	assert_true(ra_totp_code(secret, secret_len, now + 30, code));
	assert_int_equal(login(ra, "op", pw, code, now + 30, &r), RA_OK);
	assert_int_equal(r.full, 1);
	assert_int_equal(login(ra, "op", pw, code, now + 30, &r),
	    RA_TOTP_REPLAYED);

	/* An administrator's reset: TOTP gone, back to enrolment only. */
	assert_int_equal(ra_account_reset_mfa(ra, &admin, "op"), RA_OK);
	assert_int_equal(login(ra, "op", pw, NULL, now + 60, &r), RA_OK);
	assert_int_equal(r.full, 0);
	/* Disabled: refused, and its sessions end. */
	assert_int_equal(ra_account_disable(ra, &admin, "op", 1), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "test",
	    now + 60, &p), RA_UNAUTHENTICATED);
	assert_int_equal(login(ra, "op", pw, NULL, now + 60, &r),
	    RA_DISABLED);
	/* Only administrators manage accounts. */
	p.role = STORE_RA_OPERATOR;
	p.full = 1;
	assert_int_equal(ra_account_disable(ra, &p, "op", 0), RA_FORBIDDEN);
	ra_free(ra);
}

static void
test_lockout(void **state)
{
	const char *pw = "auditor password";
	struct ra *ra = ra_with_account("lock.db", "aud", STORE_RA_AUDITOR, pw);
	struct ra_principal admin = { .name = "test", .role = STORE_RA_ADMIN,
	    .full = 1, .auth = "local", .source = "test" };
	struct ra_login_result r;
	int64_t now = 1700000000;

	for (int i = 0; i < RA_LOCK_THRESHOLD; i++)
		assert_int_equal(login(ra, "aud", "not the password", NULL, now,
		    &r), RA_BAD_CREDENTIALS);
	/* Locked: even the right password is refused, with a delay. */
	assert_int_equal(login(ra, "aud", pw, NULL, now + 1, &r), RA_LOCKED);
	assert_int_equal(r.retry_after, RA_LOCK_BASE - 1);
	/* After the lock, one more failure locks twice as long. */
	now += RA_LOCK_BASE;
	assert_int_equal(login(ra, "aud", "not the password", NULL, now, &r),
	    RA_BAD_CREDENTIALS);
	assert_int_equal(login(ra, "aud", pw, NULL, now, &r), RA_LOCKED);
	assert_int_equal(r.retry_after, 2 * RA_LOCK_BASE);
	assert_int_equal(ra_account_unlock(ra, &admin, "aud"), RA_OK);
	/* An auditor without TOTP gets a full, read-only session. */
	assert_int_equal(login(ra, "aud", pw, NULL, now, &r), RA_OK);
	assert_int_equal(r.full, 1);
	ra_free(ra);
}

static void
test_session_timeouts(void **state)
{
	const char *pw = "custodian password";
	struct ra *ra = ra_with_account("timeouts.db", "kc",
	    STORE_RA_CUSTODIAN, pw);
	struct ra_login_result r;
	struct ra_principal p;
	int64_t now = 1700000000;

	ra->pol.idle = 60;
	ra->pol.lifetime = 150;
	assert_int_equal(login(ra, "kc", pw, NULL, now, &r), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now + 59, &p), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now + 118, &p), RA_OK);
	/* Active, but past its lifetime. */
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now + 150, &p), RA_UNAUTHENTICATED);
	/* Ended sessions are deleted: no coming back. */
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now + 1, &p), RA_UNAUTHENTICATED);
	assert_int_equal(login(ra, "kc", pw, NULL, now, &r), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now + 60, &p), RA_UNAUTHENTICATED);
	/* Logout ends it. */
	assert_int_equal(login(ra, "kc", pw, NULL, now, &r), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now, &p), RA_OK);
	assert_int_equal(ra_logout(ra, &p), RA_OK);
	assert_int_equal(ra_authenticate(ra, r.token, strlen(r.token), "t",
	    now, &p), RA_UNAUTHENTICATED);
	ra_free(ra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_base32_uri),
		cmocka_unit_test(test_totp_window_and_replay),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_session_check),
		cmocka_unit_test(test_lock_seconds),
		cmocka_unit_test(test_store_accounts),
		cmocka_unit_test(test_store_sessions),
		cmocka_unit_test(test_login_mfa_flow),
		cmocka_unit_test(test_lockout),
		cmocka_unit_test(test_session_timeouts),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
