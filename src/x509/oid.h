#ifndef INKAN_X509_OID_H
#define INKAN_X509_OID_H

#include <openssl/asn1.h>

/* Object identifiers the profiles use (CP-1.2, CP-7.1, CABF). */
#define OID_UPN			"1.3.6.1.4.1.311.20.2.3"	/* MS UPN otherName */
#define OID_CABF_CODESIGN	"2.23.140.1.4.1"		/* CSBR 7.1.6.2 */
#define OID_CABF_SMIME_PREFIX	"2.23.140.1.5."			/* SBR 7.1.6.1 */

/* Extended key usages the CP tables name (CP-7.1 EKU rows). */
struct oid_eku {
	const char	*name;		/* configuration and CLI name */
	const char	*oid;
	int		 nid;		/* NID_undef where OpenSSL has none */
};

/* Looks up an EKU by its name; NULL if unknown. */
const struct oid_eku *oid_eku_by_name(const char *name);

/* Looks up an EKU by OID object; NULL if not one of ours. */
const struct oid_eku *oid_eku_by_obj(const ASN1_OBJECT *obj);

/* The list, for help texts: n set to its length. */
const struct oid_eku *oid_eku_all(size_t *n);

/* 1 if s is a dotted numeric OID such as 1.2.392.200091.100.381.4. */
int oid_is_numeric(const char *s);

/* 1 if s is a usable entity name: 1..64 of [a-z0-9_-]. */
int oid_is_name(const char *s);

/* A new ASN1_OBJECT for a numeric OID; NULL if malformed. */
ASN1_OBJECT *oid_obj(const char *numeric);

/* S/MIME BR reserved policy OID for type (1 mailbox, 2 organization,
 * 3 sponsor, 4 individual) and generation (2 multipurpose, 3 strict). */
const char *oid_smime_policy(int type, int generation);

#endif
