#ifndef INKAN_RA_RA_AUDIT_H
#define INKAN_RA_RA_AUDIT_H

struct store;

/*
 * A security event of the RA (CP-5.4.1): logins and their failures,
 * lock-outs, MFA enrolment and reset, account and role changes,
 * organisation decisions. The fields are those of the audit log
 * (src/audit/audit.h, struct audit_event), so that ra_audit() can hand
 * them over unchanged. Any field may be NULL.
 */
struct ra_audit_event {
	const char	*type;		/* e.g. "ra.login" */
	const char	*actor;		/* account name, or OS user for the CLI */
	const char	*role;		/* the actor's role */
	const char	*auth;		/* "password+totp", "password", "local" */
	const char	*source;	/* client address, or "cli" */
	const char	*object;	/* what was acted on */
	const char	*outcome;	/* "success", "failure", "refused" */
	const char	*detail;
};

/*
 * Records ev in the hash-chained audit log (audit_record, CP-5.4): the
 * one place RA events leave the RA. The prose detail becomes the JSON
 * object {"note": detail}; outcomes map to ok, failed, denied. Returns 1,
 * or 0 if the event could not be recorded (logged).
 */
int ra_audit(struct store *st, const struct ra_audit_event *ev);

#endif
