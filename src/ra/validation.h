#ifndef INKAN_RA_VALIDATION_H
#define INKAN_RA_VALIDATION_H

#include <stddef.h>
#include <stdint.h>

#include "ra/account.h"

struct conf;

/*
 * E-mail control validation for S/MIME (CP-3.2.7, SBR 3.2.2, 4.2.1).
 *
 * inkan follows the S/MIME Baseline Requirements v1.0.16 (SBR), and for
 * the domain-based methods that SBR 3.2.2.1 delegates to it the TLS
 * Baseline Requirements §3.2.2.4 ("TLS BR"). Each validation records the
 * method and this version (RA_VREQ_* below).
 *
 * Methods (CP-3.2.7 numbering):
 *  (1) operator:      an RA operator records the evidence (free text and
 *                     a document reference); done at once.
 *  (2) whois-contact: the random value is mailed to the domain contact
 *                     the operator read from WHOIS; the holder returns it.
 *  (3) constructed:   the same to admin@, administrator@, webmaster@,
 *                     hostmaster@ or postmaster@ the domain. Off unless
 *                     [validation] allow_constructed_addresses = yes, and
 *                     refused from 2028-03-15 whatever the configuration.
 *  (4) http:          the value served at
 *                     http(s)://DOMAIN/.well-known/pki-validation/FILE.
 *  (5) dns:           the value in a TXT, CNAME or CAA record of the domain
 *                     or an "_"-prefixed label under it, DNSSEC-secure.
 *  SBR 3.2.2.2 mailbox: the value mailed to the address itself.
 *
 * Random values: 256 bits from libsodium's CSPRNG, written as 52
 * lowercase base32 characters (fits a DNS label, survives case folding),
 * unique per validation and single use; only their SHA-256 is stored and
 * compared (CRYPTO_memcmp). Usable RA_VALUE_LIFETIME_DOMAIN for the
 * domain methods (CP-3.2.7: 30 days) and RA_VALUE_LIFETIME_MAILBOX for
 * the mailbox method (SBR 3.2.2.2: 24 hours).
 *
 * Reuse (SBR 4.2.1 item 1): a completed validation counts for issuance
 * while it was initiated at most RA_REUSE_DOMAIN (398 days, domain
 * methods, SBR 3.2.2.1) or RA_REUSE_MAILBOX (30 days, SBR 3.2.2.2)
 * before.
 */

#define RA_VREQ_VERSION		"SBR v1.0.16"

#define RA_VALUE_BYTES		32
#define RA_VALUE_TEXT_LEN	52	/* base32 of 32 bytes, no padding */
#define RA_VALIDATION_ID_LEN	32	/* hex of 16 random bytes */

#define RA_VALUE_LIFETIME_DOMAIN	(30 * 86400)
#define RA_VALUE_LIFETIME_MAILBOX	(24 * 3600)
#define RA_REUSE_DOMAIN		(398 * 86400)
#define RA_REUSE_MAILBOX	(30 * 86400)

/* 2028-03-15T00:00:00Z: the constructed-address method ends. */
#define RA_CONSTRUCTED_END	INT64_C(1836691200)

/* HTTP method: at most this much of a response is read; time limit. */
#define RA_HTTP_BODY_MAX	(64 * 1024)
#define RA_HTTP_TIMEOUT		10

enum ra_vmethod {
	RA_VM_OPERATOR,
	RA_VM_WHOIS,
	RA_VM_CONSTRUCTED,
	RA_VM_HTTP,
	RA_VM_DNS,
	RA_VM_MAILBOX,
	RA_VM_MAX
};

/* "operator", "whois-contact", ...; and back (0 if unknown). */
const char *ra_vmethod_name(enum ra_vmethod m);
int ra_vmethod_parse(const char *s, enum ra_vmethod *out);

/* The requirement text recorded for method m, e.g. "SBR v1.0.16 §3.2.2.2". */
const char *ra_vmethod_requirement(enum ra_vmethod m);

/*
 * Splits a mailbox address: 1 with the lowercased domain in dom (len
 * bytes) if email is local@domain with a plausible local part and an
 * LDH domain of at least two labels; 0 otherwise.
 */
int ra_email_domain(const char *email, char *dom, size_t len);

/* 1 if d is a lowercase LDH domain name of at least two labels. */
int ra_domain_ok(const char *d);

/* What starts a validation; unused members NULL. */
struct ra_vstart {
	enum ra_vmethod	 method;
	const char	*email;		/* mailbox: the address */
	const char	*domain;	/* every other method */
	const char	*contact;	/* whois-contact: the address */
	const char	*local_part;	/* constructed: admin, ... */
	const char	*file;		/* http: file name (NULL: derived) */
	const char	*label;		/* dns: "_..." label (NULL: none) */
	const char	*evidence;	/* operator: free text */
	const char	*evidence_ref;	/* operator: document reference */
};

struct ra_vstarted {
	char		 id[RA_VALIDATION_ID_LEN + 1];
	/* http and dns only: the value to hand to the applicant. */
	char		 value[RA_VALUE_TEXT_LEN + 1];
	char		 where[400];	/* URL, DNS name or mailed address */
	char		 state[16];
	int64_t		 expires_at;
};

/*
 * Starts (or, for the operator method, records) a validation by, an RA
 * operator or administrator with a full session. Mail methods send the
 * value at once and never return it. RA_INVALID with *why for a rule
 * broken (bad address, constructed method off or past its end, ...);
 * RA_ERROR with *why if the mail relay refused. Audited either way.
 */
enum ra_status ra_validation_start(struct ra *ra, const struct conf *conf,
    const struct ra_principal *by, const struct ra_vstart *in, int64_t now,
    struct ra_vstarted *out, const char **why);

/*
 * Looks for the value of an http or dns validation (methods 4, 5) now.
 * RA_OK when found (the validation is completed); RA_INVALID with why
 * when not found, expired, already used or refused (insecure/bogus DNS);
 * the validation stays open until its value expires.
 */
enum ra_status ra_validation_check(struct ra *ra, const struct conf *conf,
    const struct ra_principal *by, const char *id, int64_t now,
    char *why, size_t whylen);

/*
 * The public return of a mailed value (mailbox, whois-contact,
 * constructed): value (len bytes) from source. RA_OK and id (the
 * validation completed) or RA_INVALID with *why: unknown, used or
 * expired values all fail alike to the caller.
 */
enum ra_status ra_validation_confirm(struct ra *ra, const char *value,
    size_t len, const char *source, int64_t now,
    char id[RA_VALIDATION_ID_LEN + 1], const char **why);

/*
 * 1 if a completed validation still reusable at now (SBR 4.2.1) covers
 * email, its id copied to validation_id (len bytes); 0 if none (or on a
 * malformed address or a storage error).
 */
int ra_email_control_current(struct ra *ra, const char *email, int64_t now,
    char *validation_id, size_t len);

/*
 * CAA issuemail (RFC 9495; SBR 4.2.2.1) for the domain of email: the
 * relevant CAA RRset found by climbing from the domain towards the root
 * (RFC 8659 §3), every answer DNSSEC-secure. 1 if issuance is permitted
 * (no issuemail property, or one naming an identity of [validation]
 * caa_identities); 0 with why otherwise (refused, a critical unknown
 * property, an insecure or bogus answer, a lookup failure). Audited
 * with actor as the actor.
 */
int ra_caa_issuemail_permits(struct ra *ra, const struct conf *conf,
    const char *email, const char *actor, char *why, size_t whylen);

/* --- lookups (validation_dns.c, validation_http.c) ------------------------ */

/*
 * Calls fn for every token of 52 base32 characters in text (len bytes,
 * case folded); stops and returns 1 when fn does. Used on HTTP bodies
 * and DNS record data.
 */
int ra_value_scan(const unsigned char *text, size_t len,
    int (*fn)(const char *token, void *arg), void *arg);

/*
 * Looks for a token matching fn in the TXT, CNAME and CAA records of
 * name: 1 found, 0 not found (why says what was seen), -1 refused or
 * failed (why: insecure, bogus, SERVFAIL...).
 */
int ra_dns_find(const struct conf *conf, const char *name,
    int (*fn)(const char *token, void *arg), void *arg,
    char *why, size_t whylen);

/* The same for http(s)://domain/.well-known/pki-validation/file. */
int ra_http_find(const struct conf *conf, const char *domain,
    const char *file, int (*fn)(const char *token, void *arg), void *arg,
    char *why, size_t whylen);

/*
 * The relevant CAA issuemail decision for domain (see
 * ra_caa_issuemail_permits): 1 permit, 0 refuse, -1 lookup refused.
 */
int ra_dns_caa_issuemail(const struct conf *conf, const char *domain,
    char *why, size_t whylen);

#endif
