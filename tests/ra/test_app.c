/*
 * Unit tests of src/ra/app.c and the application tables of the store:
 * which checklist items an application requires (CP-3.2.7: e-mail
 * control for S/MIME and e-mail SANs), acceptance after 14 days without
 * objection (CP-4.4.1), the suspicious list and earlier rejections or
 * breaches (CP-4.2.2), the state machine (pending -> approved -> issued,
 * or rejected; issued and rejected final, also by trigger), and scope at
 * submission (an LRA: its own organisation, client and document only,
 * CP-1.3.2). The end-to-end path is tests/ra/test_app_flow.sh.
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
#include <sqlite3.h>

#include "ra/account.h"
#include "ra/app.h"
#include "ra/validation.h"
#include "ra/org.h"
#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-app"
#include "store/scaffold.h"

static void
test_items(void **state)
{
	struct store_app a = { 0 };
	enum app_item i;

	(void)state;
	(void)capture_begin;
	(void)capture_end;
	a.policy = "client";
	a.emails = "[]";
	assert_true(app_item_required(&a, APP_ITEM_IDENTITY));
	assert_true(app_item_required(&a, APP_ITEM_DN));
	assert_true(app_item_required(&a, APP_ITEM_BLOCKLIST));
	assert_false(app_item_required(&a, APP_ITEM_EMAIL_CONTROL));
	a.emails = "[\"a@b.example\"]";
	assert_true(app_item_required(&a, APP_ITEM_EMAIL_CONTROL));
	a.policy = "smime";
	assert_true(app_item_required(&a, APP_ITEM_EMAIL_CONTROL));
	assert_false(app_item_required(&a, APP_ITEM_MAX));
	assert_true(app_item_parse("email_control", &i));
	assert_int_equal(i, APP_ITEM_EMAIL_CONTROL);
	assert_false(app_item_parse("Identity", &i));
	assert_false(app_item_parse("identity; drop", &i));
	assert_false(app_item_parse(NULL, &i));
}

static void
test_accept_due(void **state)
{
	struct store_app a = { 0 };
	int64_t t = 1800000000;

	(void)state;
	a.status = STORE_APP_ISSUED;
	a.issued_at = t;
	assert_false(app_accept_due(&a, t + APP_ACCEPT_AFTER - 1));
	assert_true(app_accept_due(&a, t + APP_ACCEPT_AFTER));
	a.objected_at = t + 10;
	assert_false(app_accept_due(&a, t + 30 * 86400));
	a.objected_at = 0;
	a.accepted_at = t + 5;
	assert_false(app_accept_due(&a, t + 30 * 86400));
	a.accepted_at = 0;
	a.status = STORE_APP_APPROVED;
	assert_false(app_accept_due(&a, t + 30 * 86400));
}

static void
test_suspicious(void **state)
{
	static const char list[] = "# names, addresses, domains\n"
	    "  Mallory Evil  \n\nevil.example\r\nfraud@example.org\n#x.jp";
	const char *v[4];
	char why[128];

	(void)state;
	v[0] = "mallory evil";
	assert_true(app_suspicious(list, strlen(list), v, 1, why,
	    sizeof(why)));
	assert_non_null(strstr(why, "Mallory Evil"));
	v[0] = "EVIL.example";
	assert_true(app_suspicious(list, strlen(list), v, 1, why,
	    sizeof(why)));
	v[0] = "Fraud@Example.org";
	assert_true(app_suspicious(list, strlen(list), v, 1, why,
	    sizeof(why)));
	/* Whole entries only; comments are not entries. */
	v[0] = "Mallory";
	v[1] = "notevil.example";
	v[2] = "x.jp";
	v[3] = NULL;
	assert_false(app_suspicious(list, strlen(list), v, 4, why,
	    sizeof(why)));
	assert_false(app_suspicious("", 0, v, 4, why, sizeof(why)));
	/* The list need not end in NUL: only len bytes are read. */
	v[0] = "fraud@example.org";
	assert_false(app_suspicious(list, strlen(list) - 20, v, 1, why,
	    sizeof(why)));
}

static void
test_email(void **state)
{
	(void)state;
	assert_true(app_email_ok("a@b.example"));
	assert_false(app_email_ok("a@b"));
	assert_false(app_email_ok("@b.example"));
	assert_false(app_email_ok("a@@b.example"));
	assert_false(app_email_ok("a b@c.example"));
	assert_false(app_email_ok("a@b.example\r\nBcc: x@y.example"));
	assert_false(app_email_ok("<a@b.example>"));
	assert_false(app_email_ok(NULL));
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
insert_app(struct store *st, const char *org, const char *email)
{
	struct store_app a = { 0 };
	int64_t id = 0;

	a.org = (char *)org;
	a.policy = "client";
	a.subject = "/C=JP/O=X/CN=Y";
	a.emails = "[]";
	a.ekus = "[]";
	a.keygen = 1;
	a.applicant_name = "Y";
	a.applicant_email = (char *)email;
	a.agreement_version = "1.00";
	a.agreed_at = 1;
	a.submitted_by = "op";
	a.submitted_via = "ra";
	a.submitted_at = 1;
	assert_true(store_app_insert(st, &a, &id));
	assert_true(id > 0);
	return id;
}

static void
test_state_machine(void **state)
{
	struct ra *ra = new_ra("states.db");
	struct store *st = ra->st;
	struct store_app_check c = { 0 };
	struct store_app *a = NULL;
	static const unsigned char der[] = { 0x30, 0x00 };
	char why[128];
	int64_t id, id2;
	int flagged;

	(void)state;
	id = insert_app(st, "acme", "taro@acme.example");
	assert_true(store_app_get(st, id, &a));
	assert_int_equal(a->status, STORE_APP_PENDING);
	store_app_free(a);
	/* Not issued while pending; not decided twice. */
	assert_false(store_app_issued(st, id, "pubca1", "01", der, sizeof(der),
	    "", NULL, 0, 2));
	c.app_id = id;
	c.item = "dn";
	c.result = "pass";
	c.checked_by = "op";
	c.checked_at = 2;
	assert_true(store_app_check_set(st, &c));
	c.result = "maybe";
	assert_false(store_app_check_set(st, &c));
	assert_true(store_app_decide(st, id, STORE_APP_APPROVED, "op", 3,
	    NULL));
	assert_false(store_app_decide(st, id, STORE_APP_REJECTED, "op", 3,
	    "x"));
	c.result = "fail";
	assert_false(store_app_check_set(st, &c));	/* no longer pending */
	assert_false(store_app_accept(st, id, "receipt", "op", 4));
	assert_true(store_app_issue_error(st, id, "CA refused"));
	assert_true(store_app_issued(st, id, "pubca1", "0A", der, sizeof(der),
	    "", NULL, 0, 5));
	assert_false(store_app_issued(st, id, "pubca1", "0B", der,
	    sizeof(der), "", NULL, 0, 5));
	assert_true(store_app_get(st, id, &a));
	assert_int_equal(a->status, STORE_APP_ISSUED);
	assert_null(a->issue_error);
	assert_string_equal(a->cert_serial, "0A");
	store_app_free(a);
	/* Final, even for a write behind the store's back. */
	assert_int_not_equal(sqlite3_exec(store_sqlite_handle(st),
	    "UPDATE ra_applications SET status = 'pending'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_true(store_app_by_cert(st, "pubca1", "0A", &id2));
	assert_int_equal(id2, id);
	assert_true(store_app_object(st, id, "wrong O", "lra", 6));
	assert_true(store_app_accept(st, id, "receipt", "op", 7));
	assert_false(store_app_accept(st, id, "auto", "inkan", 8));
	assert_false(store_app_object(st, id, "late", "lra", 9));
	assert_false(store_app_accept(st, id, "other", "x", 9));

	/* CP-4.2.2: rejected once, flagged after, whatever the case. */
	id2 = insert_app(st, "acme", "Jiro@Acme.example");
	assert_true(store_app_applicant_flagged(st, "jiro@acme.example",
	    &flagged, why, sizeof(why)));
	assert_false(flagged);
	assert_true(store_app_decide(st, id2, STORE_APP_REJECTED, "op", 3,
	    "forged seal"));
	assert_true(store_app_applicant_flagged(st, "JIRO@acme.example",
	    &flagged, why, sizeof(why)));
	assert_true(flagged);
	assert_non_null(strstr(why, "forged seal"));
	assert_true(store_breach_insert(st, "rin@acme.example", "misuse", "op",
	    4));
	assert_true(store_app_applicant_flagged(st, "Rin@acme.example",
	    &flagged, why, sizeof(why)));
	assert_true(flagged);
	assert_non_null(strstr(why, "breach"));
	ra_free(ra);
}

static void
add_org(struct store *st, const char *name, int lra, const char *policies)
{
	struct store_org o = { 0 };

	o.name = (char *)name;
	o.display_name = (char *)name;
	o.lra = lra;
	o.policies = "";
	o.options = "{}";
	o.registered_by = "op";
	o.registered_at = 1;
	assert_true(store_org_insert(st, &o));
	assert_true(store_org_decide(st, name, STORE_ORG_APPROVED, "op", 2,
	    NULL));
	assert_true(store_org_settings(st, name, policies, "{}"));
}

static int
count_one(const struct store_app *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 1;
}

static int
app_rows(struct store *st)
{
	int n = 0;

	assert_true(store_app_each(st, NULL, 1000, count_one, &n));
	return n;
}

static void
test_submit_scope(void **state)
{
	struct ra *ra = new_ra("scope.db");
	struct ra_principal lra = { 0 }, op = { 0 }, aud = { 0 };
	struct app_env env = { 0 };
	struct app_new in = { 0 };
	char why[APP_WHY_MAX], path[PATH_MAX];
	int64_t id;
	FILE *f;

	(void)state;
	add_org(ra->st, "acme-lra", 1, "client,document");
	add_org(ra->st, "beta-lra", 1, "client");
	add_org(ra->st, "gamma", 0, "smime,client");
	snprintf(lra.name, sizeof(lra.name), "cert:pubca1/01");
	lra.role = STORE_RA_LRA;
	snprintf(lra.org, sizeof(lra.org), "acme-lra");
	lra.full = 1;
	snprintf(op.name, sizeof(op.name), "op");
	op.role = STORE_RA_OPERATOR;
	op.full = 1;
	aud = op;
	aud.role = STORE_RA_AUDITOR;
	test_path(path, "suspicious.txt");
	assert_non_null(f = fopen(path, "w"));
	fputs("evil.example\n", f);
	fclose(f);
	env.suspicious_list = path;
	in.policy = "client";
	in.subject = "/C=JP/O=acme-lra/CN=Taro";
	in.keygen = 1;
	in.applicant_name = "Taro";
	in.applicant_email = "taro@acme.example";
	in.agreement_version = "1.00";

	in.org = "beta-lra";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	in.org = NULL;
	in.policy = "codesign";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	assert_non_null(strstr(why, "CP-1.3.2"));
	in.policy = "client";
	assert_int_equal(app_submit(ra, &env, &aud, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	/* CP-3.2.4: an LRA applies in its own organisation's name only. */
	in.subject = "/C=JP/O=Other Corp/CN=Taro";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	assert_non_null(strstr(why, "O must be \"acme-lra\""));
	in.subject = "/C=JP/O=acme-lra/CN=Taro";
	in.agreement_version = "";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_INVALID);
	in.agreement_version = "1.00";
	in.applicant_email = "x@mail.evil.example";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	assert_non_null(strstr(why, "suspicious"));
	in.applicant_email = "taro@acme.example";
	/* An unreadable list refuses everything (fail closed). */
	env.suspicious_list = "/nonexistent/list";
	assert_int_not_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_OK);
	env.suspicious_list = path;
	/* An RA operator: the organisation must hold the policy. */
	in.org = "gamma";
	in.policy = "document";
	assert_int_equal(app_submit(ra, &env, &op, &in, 10, &id, why,
	    sizeof(why)), RA_FORBIDDEN);
	assert_int_equal(app_rows(ra->st), 0);

	in.org = NULL;
	in.policy = "client";
	assert_int_equal(app_submit(ra, &env, &lra, &in, 10, &id, why,
	    sizeof(why)), RA_OK);
	assert_int_equal(app_rows(ra->st), 1);
	ra_free(ra);
}

/*
 * CP-3.2.7, SBR 4.2.1: the e-mail control item passes only while every
 * address is covered by a completed validation still reusable at that
 * moment (app_approve asks again at signing time), and an LRA cannot
 * record it at all; a fail is always recordable.
 */
static void
test_email_control(void **state)
{
	struct ra *ra = new_ra("emailctl.db");
	struct store_validation v = { 0 };
	struct store_app a = { 0 };
	struct app_check_in in = { .item = APP_ITEM_EMAIL_CONTROL, .pass = 1 };
	char ev[APP_EVIDENCE_MAX], why[512];
	const int64_t day = 86400, t0 = 1800000000;

	(void)state;
	a.policy = "smime";
	a.emails = "[\"hana@secure.lab\"]";
	/* No validation: refused, naming the address. */
	assert_false(app_check_email_control(ra, &a, &in, t0, ev, sizeof(ev),
	    why, sizeof(why)));
	assert_non_null(strstr(why, "hana@secure.lab"));
	/* A mailbox validation completed at t0. */
	v.id = "0000000000000000000000000000000e";
	v.method = "mailbox";
	v.requirement = "test";
	v.email = "hana@secure.lab";
	v.domain = "secure.lab";
	v.started_by = "op";
	v.created_at = t0;
	v.completed_at = t0 + 600;
	v.expires_at = t0 + day;
	v.state = "completed";
	assert_true(store_validation_insert(ra->st, &v));
	assert_true(app_check_email_control(ra, &a, &in, t0 + 29 * day, ev,
	    sizeof(ev), why, sizeof(why)));
	assert_non_null(strstr(ev, "hana@secure.lab: validation "
	    "0000000000000000000000000000000e"));
	/* Past the reuse window: what passed at day 29 fails at day 31. */
	assert_false(app_check_email_control(ra, &a, &in, t0 + 31 * day, ev,
	    sizeof(ev), why, sizeof(why)));
	/* Evidence that would not fit is refused, never cut. */
	assert_false(app_check_email_control(ra, &a, &in, t0 + day, ev, 20,
	    why, sizeof(why)));
	assert_non_null(strstr(why, "does not fit"));
	/* A fail needs no validation. */
	in.pass = 0;
	assert_true(app_check_email_control(ra, &a, &in, t0 + 400 * day, ev,
	    sizeof(ev), why, sizeof(why)));
	ra_free(ra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_accept_due),
		cmocka_unit_test(test_suspicious),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_submit_scope),
		cmocka_unit_test(test_email_control),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
