#ifndef INKAN_RA_ORG_H
#define INKAN_RA_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "ra/account.h"
#include "store/store.h"

/*
 * Organisations and LRAs (CP-1.3.2, 3.2.2, 4.1.1): only an organisation
 * whose identity the RA verified may apply for certificates, and only an
 * approved LRA may register its subscribers' applications.
 *
 * - An RA operator (or CA administrator) registers the organisation with
 *   its identity evidence: document type, issuer, date of issue,
 *   reference. A seal certificate (or an equivalent official
 *   certificate) must be at most three months old (CP-3.2.2), at
 *   registration and again at approval.
 * - An RA operator approves or rejects it; the decision is final. On
 *   rejection the documents held are recorded as returned or destroyed
 *   (CP-3.2.2).
 * - Per organisation: the policies it may apply for and its choice of
 *   the profile items tables 7.1-4 and 7.1-5 mark "Optional" (ST, L, OU,
 *   Netscape certificate type). An LRA may hold the client and document
 *   signing policies only (CP-1.3.2).
 */

enum ra_doc_type {
	RA_DOC_SEAL,		/* seal certificate (inkan shoumeisho) */
	RA_DOC_EQUIVALENT,	/* an equivalent official certificate */
	RA_DOC_REGISTRATION,	/* commercial registration certificate */
	RA_DOC_OTHER,
	RA_DOC_TYPE_MAX
};

/* Name of a document type ("seal-certificate", ...), and back. */
const char *ra_doc_type_name(enum ra_doc_type t);
int ra_doc_type_parse(const char *s, enum ra_doc_type *out);

/* The three-month rule of CP-3.2.2 applies to these types. */
int ra_doc_type_dated(enum ra_doc_type t);

/* YYYY-MM-DD (UTC midnight) to seconds; 0 on a malformed date. */
int ra_date_parse(const char *s, int64_t *out);

/* t plus n calendar months, the day clamped to the month's last day. */
int64_t ra_months_add(int64_t t, int n);

/*
 * 1 if a document of type t issued at issued_on may still be relied on
 * at now: not in the future and, for dated types, at most three calendar
 * months old. Otherwise 0 with *why set.
 */
int ra_doc_fresh(enum ra_doc_type t, int64_t issued_on, int64_t now,
    const char **why);

/* Policies an organisation may hold: "client", "document", "smime", "codesign". */
#define RA_POLICY_MAX	4
int ra_policy_allowed(int lra, const char *policy);

/* Optional profile items (tables 7.1-4, 7.1-5): "st", "l", "ou", "netscape_cert_type". */
int ra_option_known(const char *name);

struct ra_evidence_in {
	const char	*doc_type;
	const char	*doc_issuer;
	const char	*issued_on;	/* YYYY-MM-DD */
	const char	*reference;	/* may be NULL */
};

#define RA_EVIDENCE_MAX	16

struct ra_org_new {
	const char	*name;
	const char	*display_name;
	int		 lra;
	const struct ra_evidence_in *evidence;
	size_t		 nevidence;
};

/*
 * Registers an organisation, pending, with its evidence (one
 * transaction). RA_INVALID with *why for a field that breaks a rule;
 * RA_CONFLICT if the name exists; RA_FORBIDDEN unless by is an RA
 * operator or administrator with a full session.
 */
enum ra_status ra_org_register(struct ra *ra, const struct ra_principal *by,
    const struct ra_org_new *o, int64_t now, const char **why);

/* Adds one more document to a pending organisation. */
enum ra_status ra_org_add_evidence(struct ra *ra,
    const struct ra_principal *by, const char *name,
    const struct ra_evidence_in *e, int64_t now, const char **why);

/*
 * Approves a pending organisation: needs a fresh seal certificate or
 * equivalent among its evidence (RA_INVALID otherwise, with *why).
 */
enum ra_status ra_org_approve(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *note, int64_t now, const char **why);

/*
 * Rejects a pending organisation; its held documents become disposition
 * (returned or destroyed) in the same transaction.
 */
enum ra_status ra_org_reject(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *reason,
    enum store_evidence_disposition disposition, int64_t now);

/*
 * Sets the policies (comma list) and optional items (JSON object text of
 * booleans, already checked by the caller) of an organisation.
 */
enum ra_status ra_org_settings(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *policies, const char *options,
    const char **why);

/*
 * Whether by may read organisation name: administrators, RA operators
 * and auditors read all; an LRA operator its own LRA only.
 */
int ra_org_may_read(const struct ra_principal *by, const char *name);

#endif
