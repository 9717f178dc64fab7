#ifndef INKAN_X509_NAME_H
#define INKAN_X509_NAME_H

#include <stddef.h>

#include <openssl/x509.h>

/*
 * Distinguished names (CP-3.1.1, CP-7.1 "Subject"): parsed from the
 * openssl -subj form /C=JP/O=Example/CN=Name and built as objects with the
 * string types RFC 5280 asks for, in the order of the CP tables.
 */

enum name_attr {
	NAME_ATTR_C = 1 << 0,
	NAME_ATTR_ST = 1 << 1,
	NAME_ATTR_L = 1 << 2,
	NAME_ATTR_O = 1 << 3,
	NAME_ATTR_OU = 1 << 4,
	NAME_ATTR_CN = 1 << 5,
	NAME_ATTR_SERIAL = 1 << 6,
	NAME_ATTR_ORGID = 1 << 7,	/* organizationIdentifier (SBR 7.1.4.2.2) */
	NAME_ATTR_ALL = (1 << 8) - 1
};

/* Up to three OUs (tables 7.1-4, 7.1-5). */
#define NAME_OU_MAX	3

/*
 * Parses dn, allowing only the attributes in allowed (a mask of
 * name_attr). On failure returns NULL and writes a message naming the
 * attribute and the rule into err.
 */
X509_NAME *name_parse(const char *dn, unsigned int allowed, char *err,
    size_t errlen);

/* One-line RFC 2253 form; malloc'd, NULL on failure. */
char *name_oneline(const X509_NAME *name);

/* Number of entries with nid. */
int name_count(const X509_NAME *name, int nid);

/*
 * The UTF-8 text of the first entry with nid, malloc'd (OPENSSL_free);
 * NULL if absent.
 */
char *name_get_text(const X509_NAME *name, int nid);

#endif
