#ifndef INKAN_CONF_CONF_H
#define INKAN_CONF_CONF_H

#include <stddef.h>

#include "keys/signer.h"

/*
 * The operator's configuration file (etc/inkan.conf.example documents
 * every key; docs/configuration.md explains them). Parsed with inih and
 * validated as a whole, so a bad value is reported with its file, line or
 * section and what is allowed, before anything is created or signed.
 */

#define CONF_LIST_MAX	8

struct conf_list {
	char	*v[CONF_LIST_MAX];
	size_t	 n;
};

struct conf_root {
	char		*name;
	char		*subject;
	unsigned int	 key_bits;
	enum signer_md	 md;
	int		 validity_days;
	char		*policy_oid;
	char		*cps_url;
	char		*crl_url;
	char		*ocsp_url;		/* NULL: omitted from CA certs */
	char		*ca_issuers_url;	/* NULL: omitted */
};

struct conf_issuing {
	char		*name;
	char		*subject;
	unsigned int	 key_bits;
	int		 validity_days;
	struct conf_list roots;
	struct conf_list eku;		/* names as in x509/profile.h */
	struct conf_list policies;
	char		*crl_url;
	char		*ocsp_url;
	char		*ca_issuers_url;
	char		*responder_subject;
	unsigned int	 responder_key_bits;
	int		 crl_shards;	/* partitioned CRLs: crl_url has {shard} */
};

enum conf_smime_generation {
	CONF_SMIME_STRICT,
	CONF_SMIME_MULTIPURPOSE,
	CONF_SMIME_GENERATION_MAX
};

struct conf_policy {
	char		*name;		/* client, document, smime, codesign */
	char		*oid;
	char		*sha1_oid;	/* NULL: no legacy sha1 profile */
	char		*issuer;
	int		 validity_days;
	enum conf_smime_generation generation;
};

/*
 * [mail]: the SMTP relay for RA notices and validation mails
 * (src/ra/mail.c). Off while smtp_url is NULL.
 */
struct conf_mail {
	char		*smtp_url;	/* smtp:// or smtps:// */
	char		*from;		/* envelope and header From */
	char		*ca_file;	/* smtps/STARTTLS trust; NULL: system */
	int		 timeout;	/* seconds for one message */
	int		 require_tls;	/* STARTTLS mandatory on smtp:// */
};

/* Default [mail] timeout. */
#define CONF_MAIL_TIMEOUT	30

/* Default [ca] auto_backup_keep. */
#define CONF_AUTO_BACKUP_KEEP	7

/* Default [ca] clock_tolerance: 5 minutes. */
#define CONF_CLOCK_TOLERANCE	300

/*
 * [validation]: e-mail control validation for S/MIME (CP-3.2.7,
 * src/ra/validation.h). Every key is optional.
 */
struct conf_validation {
	int		 allow_constructed;	/* CP-3.2.7 (3); off by default */
	char		*dns_trust_anchor;	/* DS/DNSKEY file; NULL: root key */
	struct conf_list dns_stub;		/* ZONE@ADDR[@PORT] */
	char		*dns_forward;		/* ADDR[@PORT]; NULL: resolv.conf */
	struct conf_list http_connect_to;	/* test/lab: HOST:PORT:ADDR:PORT */
	struct conf_list caa_identities;	/* our CAA issuemail names */
	char		*confirm_url;		/* public confirm URL for mails */
};

#define CONF_ROOTS_MAX		8
#define CONF_ISSUING_MAX	16
#define CONF_POLICIES_MAX	8

struct conf {
	char		*path;
	char		*base_url;
	char		*ldap_url;
	/* LDAP publication (src/publish/ldap.c); off while ldap_bind_dn is NULL. */
	char		*ldap_publish_url;	/* NULL: ldap_url */
	char		*ldap_bind_dn;
	char		*ldap_bind_password_file;
	char		*cps_url;
	int		 ocsp_validity_months;
	int		 clock_tolerance;	/* seconds, CP-5.5.5 */
	/* CP-5.5.4: a backup after each critical change (NULL: off). */
	char		*auto_backup_dir;
	int		 auto_backup_keep;	/* newest kept there */
	struct conf_mail mail;
	/* [ra] suspicious_list: names, addresses, domains (CP-4.2.2). */
	char		*ra_suspicious_list;
	struct conf_root roots[CONF_ROOTS_MAX];
	size_t		 nroots;
	struct conf_issuing issuing[CONF_ISSUING_MAX];
	size_t		 nissuing;
	struct conf_policy policies[CONF_POLICIES_MAX];
	size_t		 npolicies;
	struct conf_validation validation;
};

/*
 * Reads and validates path. Returns NULL with every problem logged
 * (file:line for syntax, [section] key for values). Free with conf_free.
 */
struct conf *conf_load(const char *path);

/* Frees conf. Accepts NULL. */
void conf_free(struct conf *conf);

/* Lookups by name; NULL if absent. Borrowed. */
const struct conf_root *conf_root_get(const struct conf *conf,
    const char *name);
const struct conf_issuing *conf_issuing_get(const struct conf *conf,
    const char *name);
const struct conf_policy *conf_policy_get(const struct conf *conf,
    const char *name);

/* Parses "sha1", "sha256", "sha384", "sha512"; 1 on success. */
int conf_parse_md(const char *s, enum signer_md *md);

#endif
