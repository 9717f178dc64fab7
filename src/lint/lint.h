#ifndef INKAN_LINT_LINT_H
#define INKAN_LINT_LINT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "x509/profile.h"

/*
 * Pre-issuance and stand-alone linting (CP-4.3.1) of certificates, CRLs,
 * OCSP responses and subject public keys. Rules are a table (rules.c):
 * each has an id, a severity, the artifacts it applies to, the area and
 * clause it enforces. Adding a rule is adding one function and one row.
 * Issuance refuses anything with an error finding; docs/lint.md is
 * generated from the table (inkan lint --list-rules --markdown).
 */

enum lint_severity {
	LINT_NOTICE,
	LINT_WARN,
	LINT_ERROR,
	LINT_SEVERITY_MAX
};

/* What a rule applies to: kinds of certificate, then other artifacts. */
enum lint_kind {
	LINT_KIND_ROOT = 1 << 0,
	LINT_KIND_CA = 1 << 1,
	LINT_KIND_SUBSCRIBER = 1 << 2,
	LINT_KIND_OCSP = 1 << 3,	/* delegated OCSP responder certificate */
	LINT_KIND_ANY = (1 << 4) - 1,	/* every certificate */
	LINT_KIND_CRL = 1 << 4,
	LINT_KIND_OCSP_RESPONSE = 1 << 5,
	LINT_KIND_KEY = 1 << 6,		/* a public key: CSR or certificate */
	LINT_KIND_MAX = 1 << 7
};

/* The body of rules a rule enforces (docs and counts group by it). */
enum lint_area {
	LINT_AREA_RFC5280,		/* RFC 5280 and the RFCs it relies on */
	LINT_AREA_RFC6960,		/* RFC 6960 and RFC 5019 */
	LINT_AREA_CSBR,			/* CA/B Forum Code Signing BR */
	LINT_AREA_SBR,			/* CA/B Forum S/MIME BR */
	LINT_AREA_CP,			/* this CP (tables 7.1-1..7.3-1) */
	LINT_AREA_KEYS,			/* weak and compromised keys */
	LINT_AREA_MAX
};

struct lint_blocklist;

/* What a certificate check looks at. */
struct lint_input {
	X509		*cert;		/* not const: OpenSSL caches extension flags */
	const struct profile *profile;	/* NULL: RFC 5280 and key rules only */
	const char	*policy_oid;	/* the CP policy expected, or NULL */
	time_t		 now;
	int		 pre_issuance;	/* checks that only make sense before signing */
	X509		*issuer;	/* issuing CA certificate, or NULL */
	const struct lint_blocklist *blocklist;	/* NULL: lint_blocklist_default() */
	/*
	 * The subject public key, when the caller holds it decoded (the
	 * issuance path: an unsigned certificate carries only its bytes);
	 * NULL: decoded from cert. key_checked: lint_key already ran on it,
	 * so the key rules are not run twice.
	 */
	EVP_PKEY	*key;
	int		 key_checked;
};

/* What a CRL check looks at (tables 7.2-1/7.2-2). */
struct lint_crl_input {
	X509_CRL	*crl;
	X509		*issuer;	/* the CA certificate, or NULL */
	time_t		 now;
	int		 pre_issuance;
	/*
	 * CA/B Forum rules the CRL falls under: a mask of 1 << PROFILE_RULES_
	 * CSBR/SBR. 0: derived from the issuer's extendedKeyUsage, if given.
	 */
	unsigned int	 cabf;
};

/* What an OCSP response check looks at (table 7.3-1, RFC 6960/5019). */
struct lint_ocsp_input {
	const unsigned char *der;	/* DER OCSPResponse */
	size_t		 len;
	X509		*issuer;	/* the CA the statuses are about, or NULL */
	time_t		 now;
	int		 pre_issuance;
	unsigned int	 cabf;		/* as in lint_crl_input */
};

struct lint_rule;
struct lint_ctx;

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

typedef void (*lint_check_fn)(const struct lint_ctx *c,
    struct lint_report *rep, const struct lint_rule *rule);

struct lint_rule {
	const char	*id;
	enum lint_severity severity;
	unsigned int	 kinds;		/* lint_kind mask */
	int		 needs_profile;	/* only with a profile */
	enum lint_area	 area;
	const char	*source;	/* "RFC 5280 §4.1.2.2", "CP-7.1"... */
	const char	*summary;
	lint_check_fn	 check;
};

/*
 * Runs every applicable rule on in->cert (and its public key) and appends
 * findings to rep. Returns 0 only if linting itself failed (allocation);
 * findings are in rep->count.
 */
int lint_cert(const struct lint_input *in, struct lint_report *rep);

/*
 * Runs the CRL rules on in->crl. Returns 0 only if linting failed (out of
 * memory; then no rule ran).
 */
int lint_crl(const struct lint_crl_input *in, struct lint_report *rep);

/*
 * The same rules on the CRL encoded as der[0..len), for a caller that
 * holds the DER (the CRL builder); in->crl is not read. The entries are
 * read in place, not through an X509_CRL, whose parse costs microseconds
 * per entry. Returns 0 if linting failed: out of memory, or der is not a
 * CertificateList whose entries are DER (then no rule ran).
 */
int lint_crl_der(const struct lint_crl_input *in, const unsigned char *der,
    size_t len, struct lint_report *rep);

/*
 * Runs the OCSP response rules on the DER in in->der (and the profile
 * rules of table 7.3-1 on the responder certificate it carries). Returns
 * 0 only if linting failed; undecodable input is a finding.
 */
int lint_ocsp(const struct lint_ocsp_input *in, struct lint_report *rep);

/*
 * Runs the key rules (CP-6.1.5, CSBR/SBR 6.1.1.3, 6.1.5, 6.1.6: type,
 * size for profile p if not NULL, exponent, small factors, ROCA, Fermat,
 * the default blocklist) on a subject public key, e.g. a CSR's, before
 * anything else is looked at. Returns 0 only if linting failed.
 */
int lint_key(EVP_PKEY *key, const struct profile *p, struct lint_report *rep);

/*
 * Reads a blocklist of SHA-256 fingerprints of DER SubjectPublicKeyInfo
 * (64 hex digits a line; '#' comments; optional text after the digits).
 * Returns NULL on failure (logged); free with lint_blocklist_free.
 */
struct lint_blocklist *lint_blocklist_load(const char *path);

/* Frees bl; accepts NULL. */
void lint_blocklist_free(struct lint_blocklist *bl);

/* Number of fingerprints in bl. */
size_t lint_blocklist_count(const struct lint_blocklist *bl);

/* 1 if the SubjectPublicKeyInfo of key is listed in bl. */
int lint_blocklist_has(const struct lint_blocklist *bl, EVP_PKEY *key);

/*
 * The blocklist used when an input names none: the one given to
 * lint_blocklist_set_default, else the file named by the environment
 * variable INKAN_LINT_BLOCKLIST, else none (NULL). Loaded once.
 */
const struct lint_blocklist *lint_blocklist_default(void);

/*
 * Makes path the default blocklist of the process; call once at start-up
 * before any linting. Returns 0 if it cannot be read (logged).
 */
int lint_blocklist_set_default(const char *path);

/* Records a finding for rule (used by the checks). */
void lint_fail(struct lint_report *rep, const struct lint_rule *rule,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Prints findings one a line: "[prefix: ]severity rule-id source: message"
 * (prefix NULL for none).
 */
void lint_report_print(FILE *fp, const char *prefix,
    const struct lint_report *rep);

/*
 * Prints findings as JSON objects {file, rule, severity, source, message},
 * each preceded by ",\n" unless *first is set (which is then cleared), so
 * that several reports make one array.
 */
void lint_report_json(FILE *fp, const char *file,
    const struct lint_report *rep, int *first);

/* Writes the findings of severity >= min into buf, "; "-separated. */
void lint_report_summary(const struct lint_report *rep,
    enum lint_severity min, char *buf, size_t len);

/* Frees the findings (not rep itself). */
void lint_report_clear(struct lint_report *rep);

/* 0 no findings above notice, 1 warnings only, 2 errors. */
int lint_report_status(const struct lint_report *rep);

/* The rule table. */
const struct lint_rule *lint_rules(size_t *n);

/* The rule with id; NULL if none. */
const struct lint_rule *lint_rule_by_id(const char *id);

/*
 * Writes the rule table: one line per rule, or with markdown set the
 * docs/lint.md page (counts, then one table per area).
 */
void lint_rules_print(FILE *fp, int markdown);

/* "error", "warning", "notice". */
const char *lint_severity_name(enum lint_severity sev);

/* "RFC 5280", "RFC 6960/5019", "CSBR", "SBR", "CP", "keys". */
const char *lint_area_name(enum lint_area area);

/* The kind of certificate x is (root, CA, OCSP responder, subscriber). */
enum lint_kind lint_kind_of(const X509 *x);

/*
 * The CP profile a certificate was most likely issued under, from its
 * policy OIDs, CA flag and signature algorithm; NULL if none fits. For
 * stand-alone linting when no profile is named.
 */
const struct profile *lint_profile_guess(X509 *x);

#endif
