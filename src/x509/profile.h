#ifndef INKAN_X509_PROFILE_H
#define INKAN_X509_PROFILE_H

#include "x509/cert.h"
#include "x509/name.h"

/*
 * The certificate profiles of CP section 7 as data: tables 7.1-1..7.1-3
 * (CA), 7.1-4/7.1-5 (subscriber, per policy) and 7.3-1 (OCSP responder),
 * narrowed where the Code Signing BR (CSBR) or S/MIME BR (SBR) are
 * stricter (CP 1.1). The issuance code fills a cert_spec from a profile;
 * the linter checks certificates against the same data.
 */

enum profile_id {
	PROFILE_ROOT,			/* self-signed root CA */
	PROFILE_CA_SHA1,		/* table 7.1-1 */
	PROFILE_CA_SHA256,		/* table 7.1-2 */
	PROFILE_CA_SHA384,		/* table 7.1-3 */
	PROFILE_CLIENT,			/* 7.1-5, client policy */
	PROFILE_CLIENT_SHA1,		/* 7.1-4, legacy */
	PROFILE_DOCUMENT,		/* 7.1-5, data signing policy */
	PROFILE_DOCUMENT_SHA1,		/* 7.1-4, legacy */
	PROFILE_SMIME_STRICT,		/* 7.1-5 + SBR strict */
	PROFILE_SMIME_MULTIPURPOSE,	/* 7.1-5 + SBR multipurpose */
	PROFILE_CODESIGN,		/* 7.1-5 + CSBR */
	PROFILE_OCSP,			/* table 7.3-1 */
	PROFILE_MAX
};

enum profile_rules {
	PROFILE_RULES_CP,		/* the CP alone */
	PROFILE_RULES_CSBR,		/* CP and Code Signing BR */
	PROFILE_RULES_SBR,		/* CP and S/MIME BR */
	PROFILE_RULES_MAX
};

/* SubjectAltName kinds a profile may carry (CP-7.1 SAN row). */
enum profile_san {
	PROFILE_SAN_EMAIL = 1 << 0,	/* rfc822Name */
	PROFILE_SAN_UPN = 1 << 1,	/* otherName UPN */
	PROFILE_SAN_OTHER = 1 << 2,	/* otherName, arbitrary OID */
	PROFILE_SAN_DNS = 1 << 3,	/* dNSName (sha1 table only) */
};

#define PROFILE_KU_COMBOS_MAX	6
#define PROFILE_EKU_MAX		8
#define PROFILE_BITS_MAX	4

struct profile {
	enum profile_id	 id;
	const char	*name;		/* client, client-sha1, smime-strict... */
	const char	*policy;	/* configuration [policy:NAME] */
	const char	*table;		/* CP table, e.g. "7.1-5" */
	enum profile_rules rules;
	enum signer_md	 md;
	int		 ca;
	unsigned int	 subject_allowed;	/* name_attr mask */
	unsigned int	 subject_required;
	unsigned int	 key_bits[PROFILE_BITS_MAX];	/* 0-terminated */
	unsigned int	 ku[PROFILE_KU_COMBOS_MAX];	/* first is default */
	const char	*eku_allowed[PROFILE_EKU_MAX];	/* names */
	const char	*eku_required[PROFILE_EKU_MAX];	/* at least one, if any */
	const char	*eku_default[PROFILE_EKU_MAX];
	unsigned int	 san_allowed;		/* profile_san mask */
	unsigned int	 san_required;
	int		 crl_ldap;		/* LDAP URL beside HTTP */
	int		 ocsp_required;		/* AIA OCSP must be present */
	int		 max_days;		/* CABF maximum validity, 0: none */
	int		 hold_allowed;		/* certificateHold permitted */
	const enum cert_ext *order;
};

/* The profile with id; NULL if out of range. */
const struct profile *profile_get(enum profile_id id);

/* The profile by name ("client", "smime-strict"...); NULL if unknown. */
const struct profile *profile_by_name(const char *name);

/* The CA certificate profile a root of digest md signs with. */
const struct profile *profile_for_ca(enum signer_md md);

/* 1 if the key size is allowed by p (CP-6.1.5). */
int profile_key_bits_ok(const struct profile *p, unsigned int bits);

/* 1 if the KeyUsage combination is one p allows (CP-6.1.7). */
int profile_ku_ok(const struct profile *p, unsigned int ku);

/*
 * Checks an EKU list (names) against p: every one allowed, at least one
 * required one present, smartcardLogon only with clientAuth. Writes the
 * reason to err on failure.
 */
int profile_eku_ok(const struct profile *p, const char *const *eku,
    size_t n, char *err, size_t errlen);

/* Parses "digitalSignature,keyEncipherment" into a cert_ku mask. */
int profile_parse_ku(const char *s, unsigned int *ku);

/* Writes the names of the bits of ku, comma-separated. */
void profile_ku_names(unsigned int ku, char *buf, size_t len);

#endif
