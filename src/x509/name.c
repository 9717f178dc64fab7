#include "x509/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>

/* One attribute the CP allows, in table order (C, ST, L, O, OU, CN, SN). */
struct name_rule {
	const char	*key;
	int		 nid;
	unsigned int	 attr;
	int		 type;		/* ASN.1 string type to encode */
	size_t		 max;		/* RFC 5280 upper bound, characters */
	int		 max_count;
};

static const struct name_rule name_rules[] = {
	{ "C", NID_countryName, NAME_ATTR_C, V_ASN1_PRINTABLESTRING, 2, 1 },
	{ "ST", NID_stateOrProvinceName, NAME_ATTR_ST, V_ASN1_UTF8STRING, 128, 1 },
	{ "L", NID_localityName, NAME_ATTR_L, V_ASN1_UTF8STRING, 128, 1 },
	{ "O", NID_organizationName, NAME_ATTR_O, V_ASN1_UTF8STRING, 64, 1 },
	{ "organizationIdentifier", NID_organizationIdentifier, NAME_ATTR_ORGID,
	    V_ASN1_PRINTABLESTRING, 64, 1 },
	{ "OU", NID_organizationalUnitName, NAME_ATTR_OU, V_ASN1_UTF8STRING, 64,
	    NAME_OU_MAX },
	{ "CN", NID_commonName, NAME_ATTR_CN, V_ASN1_UTF8STRING, 64, 1 },
	{ "serialNumber", NID_serialNumber, NAME_ATTR_SERIAL,
	    V_ASN1_PRINTABLESTRING, 64, 1 },
};

#define NAME_NRULES (sizeof(name_rules) / sizeof(name_rules[0]))
#define NAME_DN_MAX 2048

struct name_value {
	const struct name_rule *rule;
	char	*value;
};

static const struct name_rule *
name_rule_find(const char *key, size_t len)
{
	for (size_t i = 0; i < NAME_NRULES; i++)
		if (strlen(name_rules[i].key) == len &&
		    strncmp(name_rules[i].key, key, len) == 0)
			return &name_rules[i];
	return NULL;
}

/*
 * Counts UTF-8 characters; -1 if the bytes are not valid UTF-8 (RFC 3629
 * §3: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF).
 */
static long
name_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp, min;
	long n = 0;
	int more;

	while (*p != '\0') {
		if (*p < 0x80) {
			more = 0; cp = *p; min = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			more = 1; cp = *p & 0x1f; min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			more = 2; cp = *p & 0x0f; min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			more = 3; cp = *p & 0x07; min = 0x10000;
		} else
			return -1;
		p++;
		for (; more > 0; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		n++;
	}
	return n;
}

static int
name_printable(const char *s)
{
	static const char extra[] = " '()+,-./:=?";

	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static int
name_check_value(const struct name_rule *r, const char *v, char *err,
    size_t errlen)
{
	long chars = name_utf8_len(v);

	if (*v == '\0') {
		snprintf(err, errlen, "%s: empty value", r->key);
		return 0;
	}
	if (chars < 0) {
		snprintf(err, errlen, "%s: not valid UTF-8", r->key);
		return 0;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s: control character", r->key);
			return 0;
		}
	if (v[0] == ' ' || v[strlen(v) - 1] == ' ') {
		snprintf(err, errlen, "%s: leading or trailing space", r->key);
		return 0;
	}
	if ((size_t)chars > r->max) {
		snprintf(err, errlen, "%s: longer than %zu characters "
		    "(RFC 5280 upper bound)", r->key, r->max);
		return 0;
	}
	if (r->nid == NID_countryName && (chars != 2 || v[0] < 'A' ||
	    v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')) {
		snprintf(err, errlen, "C: must be a two-letter ISO 3166 code "
		    "in capitals, e.g. JP");
		return 0;
	}
	if (r->type == V_ASN1_PRINTABLESTRING && !name_printable(v)) {
		snprintf(err, errlen, "%s: only PrintableString characters "
		    "are allowed (RFC 5280 Appendix A)", r->key);
		return 0;
	}
	return 1;
}

/* Copies one /-separated value, undoing the \/ and \\ escapes. */
static char *
name_unescape(const char *start, const char *end)
{
	char *out, *o;

	if ((out = malloc((size_t)(end - start) + 1)) == NULL)
		return NULL;
	for (o = out; start < end; start++) {
		if (*start == '\\' && start + 1 < end)
			start++;
		*o++ = *start;
	}
	*o = '\0';
	return out;
}

/* "C, ST, O, CN" for an attribute mask. */
static void
name_allowed_list(unsigned int allowed, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NAME_NRULES && used < len; i++)
		if (name_rules[i].attr & allowed)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used > 0 ? ", " : "", name_rules[i].key);
}

/* Splits dn into values; returns the count or -1 (err written). */
static int
name_split(const char *dn, struct name_value *vals, int max, unsigned int allowed,
    char *err, size_t errlen)
{
	const char *p = dn, *key, *eq, *end;
	const struct name_rule *r;
	char list[160];
	int n = 0;

	if (*p != '/') {
		snprintf(err, errlen, "distinguished name must start with '/', "
		    "e.g. /C=JP/O=Example/CN=Name");
		return -1;
	}
	while (*p == '/') {
		key = ++p;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "missing '=' after attribute "
			    "name near '%.20s'", key);
			return -1;
		}
		for (end = eq + 1; *end != '\0' && *end != '/'; end++)
			if (*end == '\\' && end[1] != '\0')
				end++;
		if ((r = name_rule_find(key, (size_t)(eq - key))) == NULL ||
		    (r->attr & allowed) == 0) {
			name_allowed_list(allowed, list, sizeof(list));
			snprintf(err, errlen, "attribute '%.*s' is not allowed "
			    "here; allowed: %s", (int)(eq - key), key, list);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "too many attributes");
			return -1;
		}
		vals[n].rule = r;
		if ((vals[n].value = name_unescape(eq + 1, end)) == NULL)
			return -1;
		n++;
		if (!name_check_value(r, vals[n - 1].value, err, errlen))
			return -1;
		p = end;
	}
	return n;
}

X509_NAME *
name_parse(const char *dn, unsigned int allowed, char *err, size_t errlen)
{
	struct name_value vals[16] = { { 0 } };
	X509_NAME *name = NULL, *res = NULL;
	int n, count;

	snprintf(err, errlen, "out of memory");
	if (strlen(dn) > NAME_DN_MAX) {
		snprintf(err, errlen, "distinguished name longer than %d bytes",
		    NAME_DN_MAX);
		return NULL;
	}
	if ((n = name_split(dn, vals, 16, allowed, err, errlen)) < 0)
		goto out;
	if ((name = X509_NAME_new()) == NULL)
		goto out;
	/* Table order, whatever order the operator wrote. */
	for (size_t r = 0; r < NAME_NRULES; r++) {
		count = 0;
		for (int i = 0; i < n; i++) {
			if (vals[i].rule != &name_rules[r])
				continue;
			if (++count > name_rules[r].max_count) {
				snprintf(err, errlen, "%s: at most %d allowed",
				    name_rules[r].key, name_rules[r].max_count);
				goto out;
			}
			if (!X509_NAME_add_entry_by_NID(name, name_rules[r].nid,
			    name_rules[r].type, (unsigned char *)vals[i].value,
			    -1, -1, 0))
				goto out;
		}
	}
	if (X509_NAME_entry_count(name) == 0) {
		snprintf(err, errlen, "distinguished name is empty");
		goto out;
	}
	res = name;
	name = NULL;
 out:
	for (int i = 0; i < 16; i++)
		free(vals[i].value);
	X509_NAME_free(name);
	return res;
}

char *
name_oneline(const X509_NAME *name)
{
	BIO *b;
	char *res = NULL;
	long len;
	char *data;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &data)) >= 0)	/* data NULL if empty */
		res = len == 0 ? strdup("") : strndup(data, (size_t)len);
	BIO_free(b);
	return res;
}

int
name_count(const X509_NAME *name, int nid)
{
	int n = 0, i = -1;

	while ((i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0)
		n++;
	return n;
}

char *
name_get_text(const X509_NAME *name, int nid)
{
	const X509_NAME_ENTRY *e;
	unsigned char *utf8 = NULL;
	char *res;
	int i, len;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return NULL;
	e = X509_NAME_get_entry(name, i);
	if ((len = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(e))) < 0)
		return NULL;
	res = OPENSSL_strndup((char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return res;
}
