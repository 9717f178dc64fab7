#ifndef INKAN_RA_REVREQ_H
#define INKAN_RA_REVREQ_H

#include <stddef.h>
#include <stdint.h>

#include "ca/revoke.h"
#include "ra/account.h"
#include "store/store.h"

/*
 * Revocation requests and problem reports (CP-1.5.2, 3.4, 4.9.1-4.9.5),
 * certificate owners, and the subscriber's suspension login
 * (CP-4.9.13-4.9.15).
 *
 * - Who may ask (CP-4.9.2, 4.9.3): the subscriber (suspension page, with
 *   the login password issued with the certificate); an LRA over its
 *   certificate-authenticated API, for certificates of its own
 *   organisation and policies only, confirmed by an LRA operator's TOTP;
 *   an RA operator or CA administrator at the CA's discretion, naming one
 *   of the CP-4.9.1 grounds; and anyone with a verified proof of key
 *   compromise (a problem report).
 * - A valid request is recorded, then carried out at once by ca_revoke()
 *   through the revoker (inkand: on its worker, which owns the CA), so
 *   the CRL and OCSP change with it (CP-4.9.5, 4.9.7). The request row
 *   ends done, refused or failed.
 * - Suspension (certificateHold) is the subscriber's alone (CP-4.9.14)
 *   and only where the CABF rules allow it: never for code signing (CSBR
 *   4.9.13) or S/MIME strict (SBR 4.9.13). A suspended certificate can
 *   then only be revoked (CP-4.9.13).
 *
 * Every outcome, refusals included, goes through ra_audit().
 *
 * revreq.c: certificates, owners, checks and requests; subscriber.c: the
 * subscriber's login; report.c: problem reports (proofs: kcproof.h).
 */

/* Who asked, for the CA's own cert.revoke / cert.suspend audit record. */
struct ra_revoke_who {
	const char	*actor;
	const char	*role;
	const char	*auth;
	const char	*source;
};

/*
 * The revocation machinery: revoke runs ca_revoke(req) where the CA is
 * owned (inkand: ca_call() on the worker), recording who as the actor,
 * and returns 1 if the certificate now has the status asked for, 0 if
 * not.
 */
struct ra_revoker {
	int		(*revoke)(void *arg, const struct revoke_request *req,
			    const struct ra_revoke_who *who);
	void		*arg;
};

/* A certificate of the store as the RA sees it. */
struct ra_cert_info {
	char		 issuer[65];
	char		 serial[64];
	char		 profile[32];	/* e.g. client-sha1, smime-strict */
	char		 policy[16];	/* its CP policy: client, document, ... */
	char		 subject[256];	/* RFC 2253, cut to fit */
	enum store_cert_status status;
	int		 reason;	/* -1 if none */
	int64_t		 revoked_at;
	int64_t		 not_before;
	int64_t		 not_after;
	int		 hold_allowed;	/* the profile allows certificateHold */
	int		 owned;		/* an owner is recorded */
	char		 org[65];	/* "" if none */
	char		 email[255];	/* "" if none */
};

/*
 * Normalises a serial as typed (hex, colons allowed, any case) to the
 * store's form. 0 if it is not one (at most 20 octets, RFC 5280 §4.1.2.2).
 */
int ra_serial_norm(const char *in, size_t len, char out[64]);

/*
 * Finds the issued certificate serial (normalised), under issuer if not
 * NULL. RA_NOT_FOUND if none; RA_INVALID with *why if the serial exists
 * under several CAs and no issuer was given.
 */
enum ra_status ra_cert_lookup(struct ra *ra, const char *issuer,
    const char *serial, struct ra_cert_info *out, const char **why);

/* The same for a certificate given as DER: its exact bytes are looked up. */
enum ra_status ra_cert_lookup_der(struct ra *ra, const unsigned char *der,
    size_t len, struct ra_cert_info *out, const char **why);

/*
 * Records who the certificate issuer/serial belongs to, at issuance: an
 * approved organisation (org, may be NULL) and the subscriber's e-mail
 * address (may be NULL). Once per certificate.
 */
enum ra_status ra_cert_owner_record(struct ra *ra,
    const struct ra_principal *by, const char *issuer, const char *serial,
    const char *org, const char *email, int64_t now);

/* Random subscriber passwords: 24 characters of 31, ~119 bits. */
#define RA_SUBSCRIBER_PW_LEN	24

/*
 * Makes the subscriber's suspension login for issuer/serial (CP-4.9.15):
 * a random password from the CSPRNG, returned once in password (the
 * caller delivers it separately from the certificate and clears it); the
 * store keeps its Argon2id hash only.
 */
enum ra_status ra_subscriber_credential_new(struct ra *ra,
    const struct ra_principal *by, const char *issuer, const char *serial,
    int64_t now, char password[RA_SUBSCRIBER_PW_LEN + 1]);

/* Subscriber sessions: short (CP-4.9.15 page; OWASP session guidance). */
#define RA_SUBSCRIBER_IDLE	300
#define RA_SUBSCRIBER_LIFETIME	900

/* A logged-in subscriber: one certificate. */
struct ra_subscriber {
	char		 issuer[65];
	char		 serial[64];
	unsigned char	 token_hash[RA_TOKEN_HASH_LEN];
	unsigned char	 csrf[32];
	int64_t		 expires_at;
	const char	*source;
};

struct ra_subscriber_login {
	const char	*serial;	/* as typed */
	const char	*issuer;	/* NULL: by serial alone */
	const char	*password;
	size_t		 password_len;
	const char	*source;
};

/*
 * Checks a subscriber login, with the accounts' lock-out and back-off,
 * and opens a session: token (text) for the cookie. RA_LOCKED with
 * *retry_after; RA_BAD_CREDENTIALS for anything unknown or wrong.
 */
enum ra_status ra_subscriber_login(struct ra *ra,
    const struct ra_subscriber_login *in, int64_t now,
    char token[RA_TOKEN_TEXT_LEN + 1], int64_t *retry_after,
    const char **why);

/* The live session of a presented token; RA_UNAUTHENTICATED if none. */
enum ra_status ra_subscriber_authenticate(struct ra *ra, const char *token,
    size_t len, const char *source, int64_t now, struct ra_subscriber *s);

/* Ends the session. */
void ra_subscriber_logout(struct ra *ra, const struct ra_subscriber *s);

/* The session's CSRF token as text (base64url, 43 characters). */
void ra_subscriber_csrf_text(const struct ra_subscriber *s,
    char out[RA_TOKEN_TEXT_LEN + 1]);

/* 1 if presented (len bytes) is the session's CSRF token (constant time). */
int ra_subscriber_csrf_ok(const struct ra_subscriber *s, const char *presented,
    size_t len);

/* --- revocation requests ------------------------------------------------------- */

/*
 * The CP-4.9.1 grounds on which the CA revokes at its discretion, by
 * code (e.g. "misuse"); NULL-terminated. ra_grounds_text gives the CP's
 * wording, NULL for an unknown code.
 */
extern const char *const ra_grounds_codes[];
const char *ra_grounds_text(const char *code);

struct ra_revoke_in {
	enum store_revreq_kind kind;
	const char	*issuer;	/* exact */
	const char	*serial;	/* normalised */
	int		 reason;	/* RFC 5280 CRLReason */
	const char	*grounds;	/* a code, or the requester's words */
	const char	*note;		/* free text, may be NULL */
	int64_t		 report_id;	/* 0: none */
	const char	*requester;	/* NULL: by->name */
	const char	*source;	/* without by: the client's address */
	const char	*auth;		/* without by: how it was authenticated */
};

/*
 * Checks and carries out one request by `by` (NULL for a subscriber,
 * whose session named the certificate, and a verified proof): scope (an LRA operator's
 * certificate must be of its organisation and policies), reason (hold:
 * subscribers only, where allowed), status. Records the request, runs
 * the revoker, records the outcome. RA_OK and *id; refusals RA_FORBIDDEN
 * or RA_CONFLICT or RA_INVALID with *why (nothing recorded but the
 * audit); RA_ERROR if the revocation failed.
 */
enum ra_status ra_revoke_request(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_principal *by, const struct ra_revoke_in *in,
    int64_t now, int64_t *id, const char **why);

/*
 * The checks of ra_revoke_request alone, changing nothing (a refusal is
 * audited): callers that confirm a TOTP code do it after these pass.
 */
enum ra_status ra_revoke_check(struct ra *ra, const struct ra_principal *by,
    const struct ra_revoke_in *in, int64_t now, const char **why);

/*
 * A fresh TOTP code from account name (a step not used before), as an
 * issuance- or revocation-capable action asks (CP-6.5.1). Failures count
 * towards the account's lock-out. If org is not NULL the account must be
 * an LRA operator of that LRA; otherwise an RA operator or administrator.
 */
enum ra_status ra_totp_fresh(struct ra *ra, const char *name, const char *org,
    const char *code, size_t len, const char *source, int64_t now,
    const char **why);

/* --- problem reports (CP-1.5.2, 4.9.2-4.9.3) ----------------------------------- */

/* SBR/CSBR 4.9.5 and 4.9.1.1: hours to the preliminary report and revocation. */
#define RA_REPORT_DUE		(24 * 3600)
#define RA_REPORT_REVOKE_KC	(24 * 3600)
#define RA_REPORT_REVOKE_OTHER	(5 * 24 * 3600)

struct ra_report_in {
	const char	*issuer;	/* with serial, or cert_pem */
	const char	*serial;
	const char	*cert_pem;
	size_t		 cert_pem_len;
	enum store_report_kind kind;
	const char	*description;
	const char	*contact;
	const char	*proof_pem;	/* CSR, or NULL */
	size_t		 proof_len;
	const char	*source;
};

struct ra_report_out {
	int64_t		 id;
	int		 revoked;	/* a verified proof revoked it at once */
	int64_t		 report_due_at;
	int64_t		 revoke_by;
	char		 issuer[65];
	char		 serial[64];
};

/*
 * Records a problem report. With a proof of key compromise it is checked
 * first (src/ra/kcproof.h): a proof that fails is refused (RA_INVALID,
 * *why) and nothing is recorded; one that verifies revokes at once with
 * keyCompromise. Otherwise the report waits for an RA operator.
 * RA_NOT_FOUND if the certificate is not one of this CA's.
 */
enum ra_status ra_report_submit(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_report_in *in, int64_t now, struct ra_report_out *out,
    const char **why);

/*
 * An RA operator's decision on a pending report: revoke with reason, or
 * dismiss. RA_CONFLICT if it was decided already.
 */
enum ra_status ra_report_decide(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_principal *by, int64_t id, int revoke, int reason,
    const char *grounds, const char *note, int64_t now, const char **why);

#endif
