#include "ca/prelint.h"

#include <stdio.h>

#include "ca/ca.h"
#include "lint/lint.h"

int
ca_prelint(X509 *tbs, const struct profile *p, const char *policy_oid,
    char *err, size_t errlen)
{
	struct lint_report rep = { 0 };
	struct lint_input in = { .cert = tbs, .profile = p,
	    .policy_oid = policy_oid, .now = ca_now(), .pre_issuance = 1 };
	char buf[1536];
	int ok;

	lint_cert(&in, &rep);
	ok = rep.count[LINT_ERROR] == 0;
	if (!ok) {
		lint_report_summary(&rep, LINT_ERROR, buf, sizeof(buf));
		snprintf(err, errlen, "refused by the pre-issuance linter "
		    "(CP-4.3.1): %s", buf);
	}
	lint_report_clear(&rep);
	return ok;
}
