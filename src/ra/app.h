#ifndef INKAN_RA_APP_H
#define INKAN_RA_APP_H

#include <stddef.h>
#include <stdint.h>

#include "ra/account.h"
#include "store/store.h"
#include "x509/cert.h"

/*
 * Certificate applications (CP-4.1-4.4, 4.8): the rules the JSON API
 * (src/http/app_api.c) and `inkan app` share.
 *
 * - Submit (CP-4.1, 4.2.1): policy, subject, SANs, EKUs, a CSR or a
 *   request for a CA-generated key, the applicant and the agreement to
 *   the CP/CPS (version, time). Everything is checked at once: the CSR
 *   parses, proves possession and has an allowed key; the subject fits
 *   the policy's profile; the organisation is approved and may hold the
 *   policy (an LRA: client and document only, CP-1.3.2); the applicant
 *   is on no suspicious list, was never rejected, never in breach
 *   (CP-4.2.2).
 * - Examine (CP-3.2.4, 4.2.1): the checklist items identity, authority,
 *   dn, email_control (S/MIME and any e-mail SAN) and blocklist (run
 *   automatically at submission and again at approval), each recorded
 *   with who, when, result and note.
 * - Decide (CP-4.2.2): approve only with every required item passed, by
 *   an RA operator or administrator with a full session or by the LRA
 *   within its scope, always with a fresh TOTP code (step-up MFA,
 *   CP-6.5.1); or reject with a reason.
 * - Issue at once on approval (CP-4.2.3) on the CA (app_env.calls in
 *   inkand: the worker thread), record the certificate, revoke the
 *   certificate it replaces as superseded (CP-4.8), then tell the person
 *   in charge of the organisation (CP-4.3.2, 4.4.3).
 * - Acceptance (CP-4.4.1): on a receipt report, or 14 days after
 *   issuance without objection.
 *
 * Every outcome, refusals included, goes through ra_audit().
 */

/* CP-4.4.1: deemed accepted this long after issuance without objection. */
#define APP_ACCEPT_AFTER	(14 * 24 * 3600)
/* Longest suspicious list read (names, addresses, domains). */
#define APP_SUSPICIOUS_MAX	(1024 * 1024)

enum app_item {
	APP_ITEM_IDENTITY,	/* the applicant is who they say (CP-3.2.3) */
	APP_ITEM_AUTHORITY,	/* they may apply for the organisation */
	APP_ITEM_DN,		/* DN verification (CP-3.2.4) */
	APP_ITEM_EMAIL_CONTROL,	/* control of each mailbox (CP-3.2.7) */
	APP_ITEM_BLOCKLIST,	/* CP-4.2.2, automatic */
	APP_ITEM_MAX
};

const char *app_item_name(enum app_item i);
int app_item_parse(const char *s, enum app_item *out);

/* Whether item i is required for a: email_control for S/MIME or e-mail SANs. */
int app_item_required(const struct store_app *a, enum app_item i);

/* Whether a is deemed accepted at now (CP-4.4.1): issued, no objection, 14 days. */
int app_accept_due(const struct store_app *a, int64_t now);

struct ca;
struct ca_calls;
struct ra_mail;

/* What applications need besides the RA: borrowed, may be shared. */
struct app_env {
	const char	*suspicious_list;	/* [ra] suspicious_list; NULL: none */
	const struct ra_mail *mail;		/* NULL: no mail is sent */
	struct ca_calls	*calls;		/* inkand: the worker's queue */
	struct ca	*ca;		/* else: the CA, called directly */
	const struct conf *conf;	/* [validation] for CAA; NULL: none */
};

struct app_new {
	const char	*org;		/* LRA: NULL or its own */
	const char	*policy;
	const char	*subject;
	const char	*emails[CERT_LIST_MAX];
	size_t		 nemails;
	const char	*upn;
	const char	*ekus[CERT_LIST_MAX];
	size_t		 neku;
	const char	*csr;		/* PEM; NULL with keygen */
	size_t		 csr_len;
	int		 keygen;
	const char	*applicant_name;
	const char	*applicant_email;
	const char	*agreement_version;	/* of the CP/CPS agreed to */
	const char	*replaces_issuer;	/* CP-4.8: NULL if new */
	const char	*replaces_serial;
};

/* Room for the reason of a refusal. */
#define APP_WHY_MAX	512

/*
 * Submits an application: RA_OK and *id, or a refusal with why
 * (RA_INVALID 400, RA_FORBIDDEN 403 for scope and the CP-4.2.2 lists,
 * RA_NOT_FOUND for the certificate replaced). Nothing is stored unless
 * every check passed; refusals are audited.
 */
enum ra_status app_submit(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct app_new *in, int64_t now,
    int64_t *id, char *why, size_t whylen);

/*
 * Loads application id for by: RA_NOT_FOUND, RA_FORBIDDEN (another
 * LRA's), or RA_OK and *out (free with store_app_free). Acceptance that
 * became due is recorded first (CP-4.4.1).
 */
enum ra_status app_get(struct ra *ra, const struct ra_principal *by,
    int64_t id, int64_t now, struct store_app **out);

/* Longest evidence recorded with a checklist item. */
#define APP_EVIDENCE_MAX	2048

struct app_check_in {
	enum app_item	 item;
	int		 pass;
	const char	*note;
	const char	*evidence;	/* e.g. the e-mail validation id */
};

/* Records one checklist item of a pending application. */
enum ra_status app_check(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, int64_t id, const struct app_check_in *in,
    int64_t now, char *why, size_t whylen);

/*
 * The e-mail control item (CP-3.2.7, SBR 3.2.2): a pass needs, for every
 * address of the application, a completed validation (src/ra/
 * validation.h) still reusable at now; their ids (and the operator's
 * own evidence, if any) go to evidence (evlen bytes). A fail is always
 * recordable. 1 if the item may be recorded, else 0 with why.
 */
int app_check_email_control(struct ra *ra, const struct store_app *a,
    const struct app_check_in *in, int64_t now, char *evidence,
    size_t evlen, char *why, size_t whylen);

struct app_decision {
	int		 approve;
	const char	*reason;	/* rejection */
	const char	*operator;	/* LRA: the account whose TOTP this is */
	const char	*totp;
	size_t		 totp_len;
};

/* What an approval produced, for the caller's answer. */
struct app_outcome {
	int		 issued;
	char		 serial[80];
	char		 issuer[65];
	char		 error[APP_WHY_MAX];	/* issuance failed */
	char		 superseded[APP_WHY_MAX]; /* CP-4.8 revocation */
};

/*
 * Approves (and issues at once) or rejects a pending application. An
 * approved application whose issuance failed may be approved again (a
 * retry). RA_OK with out filled even when issuance failed (out->error);
 * a refusal changes nothing.
 */
enum ra_status app_decide(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, int64_t id, const struct app_decision *d,
    int64_t now, struct app_outcome *out, char *why, size_t whylen);

/* Records the subscriber's receipt report (CP-4.4.1). */
enum ra_status app_accept(struct ra *ra, const struct ra_principal *by,
    int64_t id, int64_t now, char *why, size_t whylen);

/*
 * CP-4.4.1: records every acceptance that fell due by now (14 days
 * without objection), each audited as the system's; inkand's worker
 * calls it every minute and the listing before it reads. Returns how
 * many were recorded, -1 if the store could not be read.
 */
int app_accept_lapsed(struct ra *ra, int64_t now);

/* Records an objection: no acceptance by lapse of time. */
enum ra_status app_object(struct ra *ra, const struct ra_principal *by,
    int64_t id, const char *text, int64_t now, char *why, size_t whylen);

/* Marks an applicant address in breach (RA operators, CP-4.2.2). */
enum ra_status app_breach(struct ra *ra, const struct ra_principal *by,
    const char *email, const char *note, int64_t now, char *why,
    size_t whylen);

/* Records the person in charge of an organisation (CP-4.3.2). */
enum ra_status app_org_contact(struct ra *ra, const struct ra_principal *by,
    const char *org, const char *name, const char *email, int64_t now,
    char *why, size_t whylen);

/*
 * Whether s (len bytes) is one of the suspicious list's entries for the
 * names, addresses and domains given (tests). 1 if listed, with the
 * entry in why.
 */
int app_suspicious(const char *list, size_t len, const char *const *values,
    size_t n, char *why, size_t whylen);

/* A plain e-mail address (local@domain, printable, no spaces). */
int app_email_ok(const char *s);

#endif
