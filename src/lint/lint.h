#ifndef INKAN_LINT_LINT_H
#define INKAN_LINT_LINT_H

#include <stdio.h>
#include <time.h>

#include <openssl/x509.h>

#include "x509/profile.h"

/*
 * Pre-issuance and stand-alone linting (CP-4.3.1). Rules are a table:
 * each has an id, a severity, the kinds of certificate it applies to and
 * the clause it enforces. Adding a rule is adding one function and one
 * row in rules.c. Issuance refuses any certificate with an error finding.
 */

enum lint_severity {
	LINT_NOTICE,
	LINT_WARN,
	LINT_ERROR,
	LINT_SEVERITY_MAX
};

/* Certificate kinds a rule applies to. */
enum lint_kind {
	LINT_KIND_ROOT = 1 << 0,
	LINT_KIND_CA = 1 << 1,
	LINT_KIND_SUBSCRIBER = 1 << 2,
	LINT_KIND_OCSP = 1 << 3,
	LINT_KIND_ANY = (1 << 4) - 1
};

/* What a check looks at. */
struct lint_input {
	X509		*cert;		/* not const: OpenSSL caches extension flags */
	const struct profile *profile;	/* NULL: RFC 5280 rules only */
	const char	*policy_oid;	/* the CP policy expected, or NULL */
	time_t		 now;
	int		 pre_issuance;	/* checks that only make sense before signing */
};

struct lint_rule;

struct lint_finding {
	const struct lint_rule *rule;
	char		 message[256];
};

struct lint_report {
	struct lint_finding *v;
	size_t		 n;
	size_t		 cap;
	int		 count[LINT_SEVERITY_MAX];
};

typedef void (*lint_check_fn)(const struct lint_input *in,
    struct lint_report *rep, const struct lint_rule *rule);

struct lint_rule {
	const char	*id;
	enum lint_severity severity;
	unsigned int	 kinds;		/* lint_kind mask */
	int		 needs_profile;	/* only with a profile */
	const char	*source;	/* "RFC 5280 §4.1.2.2", "CP-7.1"... */
	const char	*summary;
	lint_check_fn	 check;
};

/*
 * Runs every applicable rule on in->cert and appends findings to rep.
 * Returns 0 only if linting itself failed (allocation); findings are in
 * rep->count.
 */
int lint_cert(const struct lint_input *in, struct lint_report *rep);

/* Records a finding for rule (used by the checks). */
void lint_fail(struct lint_report *rep, const struct lint_rule *rule,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Prints findings one a line: "[prefix: ]severity rule-id source: message"
 * (prefix NULL for none).
 */
void lint_report_print(FILE *fp, const char *prefix,
    const struct lint_report *rep);

/* Writes the findings of severity >= min into buf, "; "-separated. */
void lint_report_summary(const struct lint_report *rep,
    enum lint_severity min, char *buf, size_t len);

/* Frees the findings (not rep itself). */
void lint_report_clear(struct lint_report *rep);

/* The rule table. */
const struct lint_rule *lint_rules(size_t *n);

/* "error", "warning", "notice". */
const char *lint_severity_name(enum lint_severity sev);

/* The kind of certificate x is (root, CA, OCSP responder, subscriber). */
enum lint_kind lint_kind_of(const X509 *x);

#endif
