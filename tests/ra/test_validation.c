/*
 * Unit tests of src/ra/validation.c and the ra_validations table, with an
 * injected clock (CP-3.2.7; SBR 3.2.2.2, 4.2.1):
 *
 * - random values: 52 base32 characters (256 bits), unique, stored only
 *   as SHA-256; tokens found in text whatever the case or separators;
 * - a mailed value is usable for 24 hours exactly, then refused and the
 *   validation marked expired; an http/dns value for 30 days; a value is
 *   single use;
 * - reuse (SBR 4.2.1): mailbox validations count 30 days, domain ones 398
 *   days, from when they were initiated; a mailbox validation covers its
 *   address only, a domain one every address of the domain;
 * - the constructed-address method: refused unless enabled, and from
 *   2028-03-15T00:00:00Z whatever the configuration, nothing stored;
 * - only RA operators and administrators with MFA start validations.
 * The real DNS/HTTP/SMTP exchanges are in test_validation.sh.
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
#include <sodium.h>
#include <sqlite3.h>

#include "conf/conf.h"
#include "ra/account.h"
#include "ra/validation.h"
#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-validation"
#include "store/scaffold.h"

#define T0	INT64_C(1795000000)	/* 2026-11-18 */
#define DAY	INT64_C(86400)

static struct ra_principal
who(enum store_ra_role role, int full)
{
	struct ra_principal p = { 0 };

	snprintf(p.name, sizeof(p.name), "%s-user", store_ra_role_name(role));
	p.role = role;
	p.full = full;
	p.auth = "test";
	p.source = "test";
	return p;
}

static struct ra *
new_ra(const char *name)
{
	char path[PATH_MAX];
	struct store *st;
	struct ra *ra;

	assert_non_null(st = store_open(test_path(path, name)));
	assert_non_null(ra = ra_new(st, 1, NULL));
	return ra;
}

static int64_t
count(struct ra *ra, const char *where)
{
	sqlite3_stmt *stmt;
	char sql[256];
	int64_t n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ra_validations%s%s",
	    where != NULL ? " WHERE " : "", where != NULL ? where : "");
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_handle(ra->st), sql,
	    -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int
collect(const char *token, void *arg)
{
	char *out = arg;

	strcpy(out, token);
	return 1;
}

static void
test_value_scan(void **state)
{
	const char *v = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
	char text[256], got[64] = "";

	(void)state;
	(void)capture_begin;
	(void)capture_end;
	assert_int_equal(strlen(v), RA_VALUE_TEXT_LEN);
	snprintf(text, sizeof(text), "inkan-validation=%s\n", v);
	assert_true(ra_value_scan((unsigned char *)text, strlen(text),
	    collect, got));
	assert_string_equal(got, v);
	/* Case folded (DNS names, a reader who types it). */
	snprintf(text, sizeof(text), "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	    "ABCDEFGHIJKLMNOPQRST\"");
	got[0] = '\0';
	assert_true(ra_value_scan((unsigned char *)text, strlen(text),
	    collect, got));
	assert_string_equal(got, v);
	/* One character more or less is another token. */
	snprintf(text, sizeof(text), "%sa %.51s", v, v);
	assert_false(ra_value_scan((unsigned char *)text, strlen(text),
	    collect, got));
	/* '0', '1', '8', '9' are not base32: they split tokens. */
	snprintf(text, sizeof(text), "%.26s0%.26s", v, v + 26);
	assert_false(ra_value_scan((unsigned char *)text, strlen(text),
	    collect, got));
}

static void
test_names(void **state)
{
	char dom[256];

	(void)state;
	assert_true(ra_domain_ok("secure.lab"));
	assert_true(ra_domain_ok("a-b.c9.example"));
	assert_false(ra_domain_ok("lab"));
	assert_false(ra_domain_ok("Secure.lab"));
	assert_false(ra_domain_ok("-a.lab"));
	assert_false(ra_domain_ok("a-.lab"));
	assert_false(ra_domain_ok("a..lab"));
	assert_false(ra_domain_ok("a.lab."));
	/* Not an address literal. */
	assert_false(ra_domain_ok("127.0.0.1"));
	assert_true(ra_domain_ok("127.0.0.1.lab"));
	assert_false(ra_domain_ok("x'; DROP TABLE ra_validations; --"));
	assert_true(ra_email_domain("Alice@Secure.LAB", dom, sizeof(dom)));
	assert_string_equal(dom, "secure.lab");
	assert_false(ra_email_domain("alice", dom, sizeof(dom)));
	assert_false(ra_email_domain("a b@secure.lab", dom, sizeof(dom)));
	assert_false(ra_email_domain("a@b@secure.lab", dom, sizeof(dom)));
	assert_false(ra_email_domain("<a@secure.lab>", dom, sizeof(dom)));
	assert_false(ra_email_domain("a@secure.lab\r\nBcc: x@y.lab", dom,
	    sizeof(dom)));
}

/* A mailed validation as ra_validation_start leaves it, value known. */
static void
insert_sent(struct ra *ra, const char *id, const char *method,
    const char *email, const char *domain, const char *value, int64_t at,
    int64_t lifetime)
{
	struct store_validation v = { 0 };

	v.id = (char *)id;
	v.method = (char *)method;
	v.requirement = (char *)"test";
	v.email = (char *)email;
	v.domain = (char *)domain;
	v.started_by = (char *)"op";
	v.created_at = at;
	v.sent_at = at;
	v.expires_at = at + lifetime;
	v.state = (char *)"sent";
	crypto_hash_sha256(v.value_hash, (const unsigned char *)value,
	    strlen(value));
	v.has_value = 1;
	assert_true(store_validation_insert(ra->st, &v));
}

static void
test_mailbox_lifetime_single_use(void **state)
{
	struct ra *ra = new_ra("confirm.db");
	const char *v1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const char *v2 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	const char *v3 = "cccccccccccccccccccccccccccccccccccccccccccccccccccc";
	char id[RA_VALIDATION_ID_LEN + 1];
	const char *why;

	(void)state;
	insert_sent(ra, "00000000000000000000000000000001", "mailbox",
	    "alice@secure.lab", "secure.lab", v1, T0,
	    RA_VALUE_LIFETIME_MAILBOX);
	insert_sent(ra, "00000000000000000000000000000002", "mailbox",
	    "bob@secure.lab", "secure.lab", v2, T0,
	    RA_VALUE_LIFETIME_MAILBOX);
	/* SBR 3.2.2.2: usable up to 24 hours from its creation. */
	assert_int_equal(ra_validation_confirm(ra, v1, strlen(v1), "test",
	    T0 + 24 * 3600 - 1, id, &why), RA_OK);
	assert_string_equal(id, "00000000000000000000000000000001");
	/* Single use: the same value again is refused. */
	assert_int_equal(ra_validation_confirm(ra, v1, strlen(v1), "test",
	    T0 + 60, id, &why), RA_INVALID);
	assert_non_null(strstr(why, "single use"));
	assert_int_equal(ra_validation_confirm(ra, v2, strlen(v2), "test",
	    T0 + 24 * 3600, id, &why), RA_INVALID);
	assert_non_null(strstr(why, "expired"));
	assert_int_equal(count(ra, "state = 'expired'"), 1);
	/* Unknown and malformed values. */
	assert_int_equal(ra_validation_confirm(ra, v3, strlen(v3), "test",
	    T0, id, &why), RA_INVALID);
	assert_int_equal(ra_validation_confirm(ra, v3, 10, "test", T0, id,
	    &why), RA_INVALID);
	assert_int_equal(count(ra, "state = 'completed'"), 1);
	ra_free(ra);
}

static void
test_domain_value_lifetime(void **state)
{
	struct ra *ra = new_ra("lifetime.db");
	struct ra_principal op = who(STORE_RA_OPERATOR, 1);
	struct ra_vstart in = { .method = RA_VM_HTTP, .domain = "shop.lab" };
	struct ra_vstarted out;
	struct conf conf = { 0 };
	const char *why;
	char msg[256];

	(void)state;
	assert_int_equal(ra_validation_start(ra, &conf, &op, &in, T0, &out,
	    &why), RA_OK);
	/* The value goes to the applicant, 256 bits of base32. */
	assert_int_equal(strlen(out.value), RA_VALUE_TEXT_LEN);
	assert_int_equal(out.expires_at, T0 + 30 * DAY);
	assert_string_equal(out.state, "pending");
	/* CP-3.2.7: 30 days; a check after that is refused unrun. */
	assert_int_equal(ra_validation_check(ra, &conf, &op, out.id,
	    T0 + 30 * DAY, msg, sizeof(msg)), RA_INVALID);
	assert_non_null(strstr(msg, "expired"));
	assert_int_equal(count(ra, "state = 'expired'"), 1);
	/* An http value is checked, never returned. */
	assert_int_equal(ra_validation_confirm(ra, out.value,
	    strlen(out.value), "test", T0 + 1, out.id, &why), RA_INVALID);
	ra_free(ra);
}

static void
test_constructed_rules(void **state)
{
	struct ra *ra = new_ra("constructed.db");
	struct ra_principal op = who(STORE_RA_OPERATOR, 1);
	struct ra_vstart in = { .method = RA_VM_CONSTRUCTED,
	    .domain = "secure.lab", .local_part = "postmaster" };
	struct ra_vstarted out;
	struct conf conf = { 0 };
	const char *why;

	(void)state;
	/* Off by default. */
	assert_int_equal(ra_validation_start(ra, &conf, &op, &in, T0, &out,
	    &why), RA_INVALID);
	assert_non_null(strstr(why, "allow_constructed_addresses"));
	conf.validation.allow_constructed = 1;
	/* From 2028-03-15T00:00:00Z, whatever the configuration. */
	assert_int_equal(RA_CONSTRUCTED_END, INT64_C(1836691200));
	assert_int_equal(ra_validation_start(ra, &conf, &op, &in,
	    RA_CONSTRUCTED_END, &out, &why), RA_INVALID);
	assert_non_null(strstr(why, "2028-03-15"));
	in.local_part = "root";
	assert_int_equal(ra_validation_start(ra, &conf, &op, &in, T0, &out,
	    &why), RA_INVALID);
	assert_int_equal(count(ra, NULL), 0);
	/* The second before: allowed (here no relay: the mail fails). */
	in.local_part = "hostmaster";
	assert_int_equal(ra_validation_start(ra, &conf, &op, &in,
	    RA_CONSTRUCTED_END - 1, &out, &why), RA_ERROR);
	assert_non_null(strstr(why, "mail is not configured"));
	assert_int_equal(count(ra, "state = 'failed'"), 1);
	ra_free(ra);
}

static void
test_roles(void **state)
{
	struct ra *ra = new_ra("roles.db");
	struct ra_vstart in = { .method = RA_VM_DNS, .domain = "secure.lab" };
	struct ra_principal p;
	struct ra_vstarted out;
	struct conf conf = { 0 };
	const char *why;

	(void)state;
	p = who(STORE_RA_AUDITOR, 1);
	assert_int_equal(ra_validation_start(ra, &conf, &p, &in, T0, &out,
	    &why), RA_FORBIDDEN);
	p = who(STORE_RA_LRA, 1);
	assert_int_equal(ra_validation_start(ra, &conf, &p, &in, T0, &out,
	    &why), RA_FORBIDDEN);
	p = who(STORE_RA_OPERATOR, 0);
	assert_int_equal(ra_validation_start(ra, &conf, &p, &in, T0, &out,
	    &why), RA_FORBIDDEN);
	assert_int_equal(count(ra, NULL), 0);
	p = who(STORE_RA_ADMIN, 1);
	assert_int_equal(ra_validation_start(ra, &conf, &p, &in, T0, &out,
	    &why), RA_OK);
	assert_string_equal(out.where, "secure.lab");
	ra_free(ra);
}

static void
insert_completed(struct ra *ra, const char *id, const char *method,
    const char *email, const char *domain, int64_t created)
{
	struct store_validation v = { 0 };

	v.id = (char *)id;
	v.method = (char *)method;
	v.requirement = (char *)"test";
	v.email = (char *)email;
	v.domain = (char *)domain;
	v.started_by = (char *)"op";
	v.created_at = created;
	v.completed_at = created + 600;
	v.expires_at = created + DAY;
	v.state = (char *)"completed";
	assert_true(store_validation_insert(ra->st, &v));
}

static void
test_reuse_windows(void **state)
{
	struct ra *ra = new_ra("reuse.db");
	char id[RA_VALIDATION_ID_LEN + 1];
	int64_t done = T0 + 600;

	(void)state;
	insert_completed(ra, "0000000000000000000000000000000a", "mailbox",
	    "alice@secure.lab", "secure.lab", T0);
	insert_completed(ra, "0000000000000000000000000000000b", "dns", NULL,
	    "shop.lab", T0);
	/* SBR 4.2.1: a mailbox validation 30 days from its start. */
	assert_true(ra_email_control_current(ra, "alice@secure.lab", done,
	    id, sizeof(id)));
	assert_string_equal(id, "0000000000000000000000000000000a");
	assert_true(ra_email_control_current(ra, "alice@SECURE.LAB",
	    T0 + 30 * DAY, id, sizeof(id)));
	assert_false(ra_email_control_current(ra, "alice@secure.lab",
	    T0 + 30 * DAY + 1, id, sizeof(id)));
	assert_string_equal(id, "");
	/* Only the address itself; local parts keep their case. */
	assert_false(ra_email_control_current(ra, "bob@secure.lab", done, id,
	    sizeof(id)));
	assert_false(ra_email_control_current(ra, "Alice@secure.lab", done,
	    id, sizeof(id)));
	/* SBR 4.2.1: a domain validation 398 days, for every address. */
	assert_true(ra_email_control_current(ra, "anyone@shop.lab",
	    T0 + 398 * DAY, id, sizeof(id)));
	assert_string_equal(id, "0000000000000000000000000000000b");
	assert_false(ra_email_control_current(ra, "anyone@shop.lab",
	    T0 + 398 * DAY + 1, id, sizeof(id)));
	/* Not a subdomain, and never before it was completed. */
	assert_false(ra_email_control_current(ra, "a@sub.shop.lab", done, id,
	    sizeof(id)));
	assert_false(ra_email_control_current(ra, "anyone@shop.lab", T0 + 1,
	    id, sizeof(id)));
	assert_false(ra_email_control_current(ra, "not an address", done, id,
	    sizeof(id)));
	ra_free(ra);
}

static void
test_final_rows(void **state)
{
	struct ra *ra = new_ra("final.db");
	sqlite3 *db;

	(void)state;
	insert_completed(ra, "0000000000000000000000000000000c", "mailbox",
	    "alice@secure.lab", "secure.lab", T0);
	db = store_sqlite_handle(ra->st);
	/* A completed validation never changes; none is ever deleted. */
	assert_int_not_equal(sqlite3_exec(db, "UPDATE ra_validations SET "
	    "created_at = 0", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM ra_validations",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(count(ra, "created_at = 1795000000"), 1);
	ra_free(ra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_scan),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mailbox_lifetime_single_use),
		cmocka_unit_test(test_domain_value_lifetime),
		cmocka_unit_test(test_constructed_rules),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_reuse_windows),
		cmocka_unit_test(test_final_rows),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
