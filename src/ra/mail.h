#ifndef INKAN_RA_MAIL_H
#define INKAN_RA_MAIL_H

#include <stddef.h>

struct conf;

/*
 * Plain-text mail through the configured SMTP relay ([mail] in the
 * configuration): RA notices to the person in charge (CP-4.3.2, 4.4.3),
 * PINs sent apart from their PKCS#12 (CP-6.1.2) and the random values of
 * e-mail control validation (CP-3.2.7). libcurl speaks SMTP; this module
 * only builds a well-formed RFC 5322 message and refuses anything that
 * could smuggle headers or recipients.
 */

/* What one send needs; the strings are borrowed from the configuration. */
struct ra_mail {
	const char	*smtp_url;	/* smtp://host:port or smtps:// */
	const char	*from;
	const char	*ca_file;	/* NULL: the system's trust store */
	int		 timeout;	/* seconds */
	int		 require_tls;	/* refuse a relay without STARTTLS */
};

/* Longest recipient address accepted (RFC 5321 path limit). */
#define RA_MAIL_ADDR_MAX	254
/* Longest subject and body accepted. */
#define RA_MAIL_SUBJECT_MAX	200
#define RA_MAIL_BODY_MAX	(64 * 1024)

/* Fills m from conf's [mail]; returns 0 (m cleared) if mail is off. */
int ra_mail_from_conf(const struct conf *conf, struct ra_mail *m);

/*
 * 1 if addr is a single bare address (local@domain) safe to put in an
 * SMTP envelope and a header: printable ASCII, no spaces, angle brackets,
 * commas or quotes, one '@', at most RA_MAIL_ADDR_MAX characters.
 */
int ra_mail_addr_ok(const char *addr);

/*
 * Sends body (UTF-8 text, LF or CRLF line ends) with subject (printable
 * ASCII) to one recipient. Returns 1 once the relay accepted the message,
 * 0 with a reason in why (NUL-terminated, whylen bytes) otherwise.
 */
int ra_mail_send(const struct ra_mail *m, const char *to, const char *subject,
    const char *body, char *why, size_t whylen);

#endif
