#ifndef INKAN_RA_ACCOUNT_H
#define INKAN_RA_ACCOUNT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ra/token.h"
#include "ra/totp.h"
#include "store/store.h"

/*
 * RA accounts, roles, MFA and sessions (CP-5.2, 6.5.1): the rules that
 * the JSON API (src/http/ra_api.c) and `inkan account` share.
 *
 * - Every account has one role. Administrators, RA operators and LRA
 *   operators can cause issuance or revocation, so their TOTP is
 *   mandatory (CP-4.3.1, 6.5.1): until it is enrolled, a login gives an
 *   enrolment-only session. Auditors and key custodians use TOTP once
 *   they enrol it.
 * - Five failed logins in a row (password or TOTP) lock the account for
 *   a minute; each further failure doubles the lock, up to a day. A
 *   locked account is refused before its password is even checked; an
 *   administrator can unlock it.
 * - Sessions end after RA_SESSION_IDLE_DEFAULT without a request or
 *   RA_SESSION_LIFETIME_DEFAULT after login, whichever comes first.
 *
 * Every outcome goes through ra_audit().
 */

#define RA_LOCK_THRESHOLD	5
#define RA_LOCK_BASE		60
#define RA_LOCK_MAX		(24 * 3600)

/* Password hashing runs at most this many at once (64 MiB each). */
#define RA_HASH_CONCURRENCY	4

enum ra_status {
	RA_OK,
	RA_INVALID,		/* 400: a field is malformed */
	RA_BAD_CREDENTIALS,	/* 401: unknown name or wrong password/code */
	RA_TOTP_REQUIRED,	/* 401: a TOTP code is needed */
	RA_TOTP_REPLAYED,	/* 401: code already used */
	RA_UNAUTHENTICATED,	/* 401: no session, or it ended */
	RA_FORBIDDEN,		/* 403: role or session does not allow it */
	RA_DISABLED,		/* 403: account disabled */
	RA_NOT_FOUND,		/* 404 */
	RA_CONFLICT,		/* 409: e.g. already enrolled */
	RA_LOCKED,		/* 429: locked out, retry later */
	RA_ERROR,		/* 500 */
	RA_STATUS_MAX
};

/* The HTTP status and a short English reason for each status. */
int ra_status_http(enum ra_status s);
const char *ra_status_text(enum ra_status s);

struct ra {
	struct store	*st;
	int		 owns_store;
	pthread_mutex_t	 mu;		/* the store is one connection */
	pthread_mutex_t	 hash_mu;
	pthread_cond_t	 hash_cv;
	unsigned int	 hashing;
	struct ra_session_policy pol;
	const char	*issuer;	/* otpauth issuer label */
};

/*
 * An RA over st (taking it if owns_store). pol NULL: default time-outs.
 * NULL on failure.
 */
struct ra *ra_new(struct store *st, int owns_store,
    const struct ra_session_policy *pol);

/* Frees ra (and its store if it owns it). Accepts NULL. */
void ra_free(struct ra *ra);

/* Lock-out length after failures consecutive failures (0: no lock). */
int64_t ra_lock_seconds(int64_t failures);

struct store_account;
/*
 * Counts a failed password or TOTP code of account a (audited as event,
 * with auth and why) and locks it when the count reaches the threshold;
 * the back-off doubles with every failure after that (audited
 * ra.lockout). Logins and the fresh codes of issuance-capable steps
 * share the one count.
 */
void ra_account_failed(struct ra *ra, const struct store_account *a,
    const char *source, const char *auth, const char *event,
    const char *why, int64_t now);

/* Whether a role can cause issuance or revocation (TOTP mandatory). */
int ra_role_needs_mfa(enum store_ra_role role);

/* Who is asking: set by ra_authenticate, or by the CLI for its user. */
struct ra_principal {
	char		 name[65];
	enum store_ra_role role;
	char		 org[65];	/* LRA operators: their LRA */
	int		 full;		/* 0: enrolment-only session */
	int		 enrolled;	/* TOTP enrolled */
	unsigned char	 token_hash[RA_TOKEN_HASH_LEN];
	int64_t		 expires_at;	/* absolute end */
	int64_t		 idle_until;	/* idle end, as of this request */
	const char	*auth;		/* "password+totp", "password", "local" */
	const char	*source;	/* client address or "cli" */
};

struct ra_login {
	const char	*name;
	const char	*password;
	size_t		 password_len;
	const char	*totp;		/* NULL if none given */
	size_t		 totp_len;
	const char	*source;
};

struct ra_login_result {
	char		 token[RA_TOKEN_TEXT_LEN + 1];
	int		 full;		/* 0: enrolment-only (MFA missing) */
	int64_t		 expires_at;
	int64_t		 retry_after;	/* RA_LOCKED: seconds */
};

/* Checks a login and opens a session. */
enum ra_status ra_login(struct ra *ra, const struct ra_login *in,
    int64_t now, struct ra_login_result *out);

/*
 * Finds the live session of a presented token (len bytes) and fills p.
 * Records the request (idle time-out). RA_UNAUTHENTICATED if the token
 * is malformed, unknown, idle or expired (an ended session is deleted).
 */
enum ra_status ra_authenticate(struct ra *ra, const char *token, size_t len,
    const char *source, int64_t now, struct ra_principal *p);

/* Ends p's session. */
enum ra_status ra_logout(struct ra *ra, const struct ra_principal *p);

/*
 * Starts TOTP enrolment for p's own account: a new secret, returned once
 * as base32 and otpauth URI. RA_CONFLICT if TOTP is already enrolled (an
 * administrator resets it first).
 */
enum ra_status ra_mfa_enrol(struct ra *ra, const struct ra_principal *p,
    char b32[RA_TOTP_B32_MAX], char uri[RA_TOTP_URI_MAX]);

/*
 * Confirms enrolment with a first code; the session then becomes a full
 * one (password and TOTP both proven).
 */
enum ra_status ra_mfa_confirm(struct ra *ra, struct ra_principal *p,
    const char *code, size_t code_len, int64_t now);

/* --- administration (the CLI: actor is the operating-system user) ------ */

struct ra_account_new {
	const char	*name;
	enum store_ra_role role;
	const char	*org;		/* LRA operators only */
	const char	*password;
	size_t		 password_len;
};

enum ra_status ra_account_add(struct ra *ra, const struct ra_principal *by,
    const struct ra_account_new *a, int64_t now);
enum ra_status ra_account_disable(struct ra *ra,
    const struct ra_principal *by, const char *name, int disabled);
enum ra_status ra_account_unlock(struct ra *ra,
    const struct ra_principal *by, const char *name);
enum ra_status ra_account_reset_mfa(struct ra *ra,
    const struct ra_principal *by, const char *name);
/*
 * Changes an account's role (org: its LRA for the lra role, else NULL).
 * Its sessions end: a new role needs a new login, and TOTP if the new
 * role requires it.
 */
enum ra_status ra_account_set_role(struct ra *ra,
    const struct ra_principal *by, const char *name, enum store_ra_role role,
    const char *org);
enum ra_status ra_account_passwd(struct ra *ra,
    const struct ra_principal *by, const char *name, const char *password,
    size_t len);

struct ra_audit_event;

/*
 * Records ev through ra_audit() with the RA's store, under its mutex
 * (the audit log may write to the store). Callers must not hold ra->mu.
 */
void ra_audit_event(struct ra *ra, const struct ra_audit_event *ev);

/* Records one event with p as the actor (src/ra/ra_audit.h). */
void ra_audit_as(struct ra *ra, const struct ra_principal *p,
    const char *type, const char *object, const char *outcome,
    const char *detail);

#endif
