/*
 * Unit tests of src/ra/org.c and the organisation tables of the store:
 * the three-month rule for seal certificates (CP-3.2.2) in calendar
 * months, LRA policies limited to client and document signing
 * (CP-1.3.2), the optional items of tables 7.1-4/7.1-5, who may register,
 * approve, reject and read, final decisions, and rejected documents
 * recorded as returned or destroyed.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ra/account.h"
#include "ra/org.h"
#include "store/store.h"
#include "store/store_impl.h"

#define STORE_TEST_PREFIX "inkan-org"
#include "store/scaffold.h"

static int64_t
date(const char *s)
{
	int64_t t = 0;

	assert_true(ra_date_parse(s, &t));
	return t;
}

static void
test_dates(void **state)
{
	int64_t t;

	(void)capture_begin;
	(void)capture_end;
	assert_int_equal(date("1970-01-02"), 86400);
	assert_false(ra_date_parse("2026-13-01", &t));
	assert_false(ra_date_parse("2026-1-01", &t));
	assert_false(ra_date_parse("2026-01-01x", &t));
	assert_false(ra_date_parse("", &t));
	assert_false(ra_date_parse(NULL, &t));
	/* Calendar months, the day clamped to the month's end. */
	assert_int_equal(ra_months_add(date("2026-01-15"), 3),
	    date("2026-04-15"));
	assert_int_equal(ra_months_add(date("2025-11-30"), 3),
	    date("2026-02-28"));
	assert_int_equal(ra_months_add(date("2027-11-30"), 3),
	    date("2028-02-29"));
	assert_int_equal(ra_months_add(date("2026-10-31"), 3),
	    date("2027-01-31"));
}

static void
test_three_months(void **state)
{
	int64_t issued = date("2026-01-15");
	const char *why = NULL;

	/* CP-3.2.2: within three months of its date of issue. */
	assert_true(ra_doc_fresh(RA_DOC_SEAL, issued, date("2026-04-15") +
	    86399, &why));
	assert_false(ra_doc_fresh(RA_DOC_SEAL, issued, date("2026-04-16"),
	    &why));
	assert_non_null(strstr(why, "three months"));
	assert_false(ra_doc_fresh(RA_DOC_EQUIVALENT, issued,
	    date("2026-04-16"), &why));
	/* Other documents are not dated by the CP, but not from the future. */
	assert_true(ra_doc_fresh(RA_DOC_REGISTRATION, issued,
	    date("2027-01-01"), &why));
	assert_false(ra_doc_fresh(RA_DOC_REGISTRATION, issued,
	    issued - 1, &why));
	assert_non_null(strstr(why, "future"));
}

static void
test_policies_options(void **state)
{
	enum ra_doc_type t;

	/* CP-1.3.2: LRAs for client and document signing only. */
	assert_true(ra_policy_allowed(1, "client"));
	assert_true(ra_policy_allowed(1, "document"));
	assert_false(ra_policy_allowed(1, "smime"));
	assert_false(ra_policy_allowed(1, "codesign"));
	assert_true(ra_policy_allowed(0, "smime"));
	assert_true(ra_policy_allowed(0, "codesign"));
	assert_false(ra_policy_allowed(0, "server"));
	assert_true(ra_option_known("st"));
	assert_true(ra_option_known("netscape_cert_type"));
	assert_false(ra_option_known("cn"));
	assert_true(ra_doc_type_parse("seal-certificate", &t));
	assert_int_equal(t, RA_DOC_SEAL);
	assert_false(ra_doc_type_parse("passport", &t));
}

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

static int
count_disposition(const struct store_evidence *e, void *arg)
{
	int *n = arg;

	if (e->disposition == STORE_EVIDENCE_DESTROYED)
		(*n)++;
	return 1;
}

static void
test_register_decide(void **state)
{
	struct ra *ra = new_ra("orgs.db");
	struct ra_principal op = who(STORE_RA_OPERATOR, 1);
	struct ra_principal aud = who(STORE_RA_AUDITOR, 1);
	struct ra_principal enrol = who(STORE_RA_OPERATOR, 0);
	struct ra_principal lra = who(STORE_RA_LRA, 1);
	int64_t now = date("2026-11-26") + 3600;
	struct ra_evidence_in fresh = { "seal-certificate", "Minato Ward",
	    "2026-10-01", "No. 123" };
	struct ra_evidence_in old = { "seal-certificate", "Minato Ward",
	    "2026-08-01", NULL };
	struct ra_evidence_in reg = { "registration-certificate",
	    "Tokyo Legal Affairs Bureau", "2025-01-01", NULL };
	struct ra_org_new o = { "acme", "ACME K.K.", 1, &fresh, 1 };
	struct store_org *got;
	const char *why;
	int n = 0;

	/* Only a full RA operator or administrator session registers. */
	assert_int_equal(ra_org_register(ra, &aud, &o, now, &why),
	    RA_FORBIDDEN);
	assert_int_equal(ra_org_register(ra, &enrol, &o, now, &why),
	    RA_FORBIDDEN);
	assert_int_equal(ra_org_register(ra, &lra, &o, now, &why),
	    RA_FORBIDDEN);
	o.evidence = &old;
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_INVALID);
	assert_non_null(strstr(why, "three months"));
	o.nevidence = 0;
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_INVALID);
	o.evidence = &fresh;
	o.nevidence = 1;
	o.name = "ACME";
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_INVALID);
	o.name = "acme";
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_OK);
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_CONFLICT);

	/* Settings: an LRA never gets S/MIME or code signing. */
	assert_int_equal(ra_org_settings(ra, &op, "acme", "client,smime", "",
	    &why), RA_INVALID);
	assert_non_null(strstr(why, "CP-1.3.2"));
	assert_int_equal(ra_org_settings(ra, &op, "acme", "client", "cn",
	    &why), RA_INVALID);
	assert_int_equal(ra_org_settings(ra, &op, "acme", "client,document",
	    "st,ou", &why), RA_OK);

	/* Approval re-checks the seal certificate's age. */
	assert_int_equal(ra_org_approve(ra, &op, "acme", NULL,
	    date("2027-01-02"), &why), RA_INVALID);
	assert_int_equal(ra_org_approve(ra, &aud, "acme", NULL, now, &why),
	    RA_FORBIDDEN);
	assert_int_equal(ra_org_approve(ra, &op, "acme", "checked", now, &why),
	    RA_OK);
	assert_int_equal(ra_org_approve(ra, &op, "acme", NULL, now, &why),
	    RA_CONFLICT);
	assert_int_equal(ra_org_reject(ra, &op, "acme", "late",
	    STORE_EVIDENCE_DESTROYED, now), RA_CONFLICT);
	assert_true(store_org_get(ra->st, "acme", &got));
	assert_int_equal(got->status, STORE_ORG_APPROVED);
	assert_string_equal(got->policies, "client,document");
	assert_string_equal(got->options, "[\"st\",\"ou\"]");
	assert_string_equal(got->decided_by, "ra-user");
	store_org_free(got);
	/* The schema holds the decision final against any code path. */
	assert_int_not_equal(sqlite3_exec(store_sqlite_handle(ra->st),
	    "UPDATE ra_orgs SET status = 'rejected'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(store_sqlite_handle(ra->st),
	    "DELETE FROM ra_evidence", NULL, NULL, NULL), SQLITE_OK);

	/* Rejected: documents recorded as destroyed; no approval needed. */
	o.name = "shady";
	o.lra = 0;
	o.evidence = &reg;
	assert_int_equal(ra_org_register(ra, &op, &o, now, &why), RA_OK);
	assert_int_equal(ra_org_approve(ra, &op, "shady", NULL, now, &why),
	    RA_INVALID);
	assert_non_null(strstr(why, "seal certificate"));
	assert_int_equal(ra_org_add_evidence(ra, &op, "shady", &old, now, &why),
	    RA_INVALID);
	assert_int_equal(ra_org_reject(ra, &op, "shady", "documents do not "
	    "match", STORE_EVIDENCE_HELD, now), RA_INVALID);
	assert_int_equal(ra_org_reject(ra, &op, "shady", "documents do not "
	    "match", STORE_EVIDENCE_DESTROYED, now), RA_OK);
	assert_true(store_evidence_each(ra->st, "shady", count_disposition,
	    &n));
	assert_int_equal(n, 1);
	assert_int_equal(ra_org_add_evidence(ra, &op, "shady", &fresh, now,
	    &why), RA_CONFLICT);

	/* Who reads what. */
	snprintf(lra.org, sizeof(lra.org), "acme");
	assert_true(ra_org_may_read(&lra, "acme"));
	assert_false(ra_org_may_read(&lra, "shady"));
	assert_true(ra_org_may_read(&aud, "shady"));
	assert_false(ra_org_may_read(&enrol, "acme"));
	ra_free(ra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_three_months),
		cmocka_unit_test(test_policies_options),
		cmocka_unit_test(test_register_decide),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
