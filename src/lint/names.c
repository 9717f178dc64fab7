#include <ctype.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "lint/checks.h"

/*
 * Distinguished names (RFC 5280 §4.1.2.4, §4.1.2.6, Appendix A): string
 * types, PrintableString characters, upper bounds, countryName.
 */

/* The string type RFC 5280 Appendix A gives an attribute; 0: DirectoryString. */
static int
lint_dn_fixed_type(int nid)
{
	switch (nid) {
	case NID_countryName:
	case NID_serialNumber:
	case NID_dnQualifier:
		return V_ASN1_PRINTABLESTRING;
	case NID_pkcs9_emailAddress:
	case NID_domainComponent:
		return V_ASN1_IA5STRING;
	default:
		return 0;
	}
}

/* RFC 5280 Appendix A ub-* bounds; 0: none checked. */
static int
lint_dn_upper_bound(int nid)
{
	switch (nid) {
	case NID_commonName: return 64;
	case NID_organizationName: return 64;
	case NID_organizationalUnitName: return 64;
	case NID_localityName: return 128;
	case NID_stateOrProvinceName: return 128;
	case NID_serialNumber: return 64;
	case NID_title: return 64;
	case NID_pkcs9_emailAddress: return 255;
	case NID_countryName: return 2;
	case NID_givenName: return 16384;
	case NID_surname: return 16384;
	case NID_pseudonym: return 128;
	case NID_postalCode: return 40;
	case NID_streetAddress: return 128;
	default: return 0;
	}
}

static const char *
lint_dn_attr_name(int nid)
{
	return nid != NID_undef ? OBJ_nid2sn(nid) : "(unknown attribute)";
}

/* DirectoryString: PrintableString or UTF8String (RFC 5280 §4.1.2.6). */
LINT_CHECK(lint_check_dn_string_type)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		int type = ASN1_STRING_type(X509_NAME_ENTRY_get_data(e));
		int want = lint_dn_fixed_type(nid);

		if (want != 0 && type != want)
			lint_fail(rep, rule, "subject %s is not a %s",
			    lint_dn_attr_name(nid), want == V_ASN1_IA5STRING ?
			    "IA5String" : "PrintableString");
		else if (want == 0 && type != V_ASN1_PRINTABLESTRING &&
		    type != V_ASN1_UTF8STRING)
			lint_fail(rep, rule, "subject %s is neither "
			    "PrintableString nor UTF8String",
			    lint_dn_attr_name(nid));
	}
}

/* X.680 PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
static int
lint_printable_ok(const ASN1_STRING *s)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);

	for (int i = 0; i < ASN1_STRING_length(s); i++)
		if (!isalnum(p[i]) && strchr(" '()+,-./:=?", p[i]) == NULL)
			return 0;
	return 1;
}

LINT_CHECK(lint_check_dn_printable)
{
	const X509_NAME *names[2] = { X509_get_subject_name(c->cert),
	    X509_get_issuer_name(c->cert) };

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < X509_NAME_entry_count(names[k]); i++) {
			const X509_NAME_ENTRY *e = X509_NAME_get_entry(names[k], i);
			const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);

			if (ASN1_STRING_type(v) == V_ASN1_PRINTABLESTRING &&
			    !lint_printable_ok(v))
				lint_fail(rep, rule, "%s %s holds characters "
				    "PrintableString does not allow",
				    k == 0 ? "subject" : "issuer",
				    lint_dn_attr_name(OBJ_obj2nid(
				    X509_NAME_ENTRY_get_object(e))));
		}
}

/* Characters, not octets, for UTF8String. */
static int
lint_string_chars(const ASN1_STRING *s)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);
	int n = 0;

	if (ASN1_STRING_type(s) != V_ASN1_UTF8STRING)
		return ASN1_STRING_length(s);
	for (int i = 0; i < ASN1_STRING_length(s); i++)
		n += (p[i] & 0xc0) != 0x80;
	return n;
}

LINT_CHECK(lint_check_dn_length)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		int ub = lint_dn_upper_bound(nid);
		int len = lint_string_chars(X509_NAME_ENTRY_get_data(e));

		if (len == 0)
			lint_fail(rep, rule, "subject %s is empty",
			    lint_dn_attr_name(nid));
		else if (ub > 0 && len > ub)
			lint_fail(rep, rule, "subject %s is %d characters, at "
			    "most %d", lint_dn_attr_name(nid), len, ub);
	}
}

/* X.520 countryName: two upper-case letters. */
LINT_CHECK(lint_check_dn_country)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	int i = -1;

	while ((i = X509_NAME_get_index_by_NID(n, NID_countryName, i)) >= 0) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(n, i));
		const unsigned char *p = ASN1_STRING_get0_data(v);

		if (ASN1_STRING_length(v) != 2 || !isupper(p[0]) ||
		    !isupper(p[1]))
			lint_fail(rep, rule, "countryName is not two upper-case "
			    "letters");
	}
}

/* One attribute per RDN keeps names comparable (CABF practice). */
LINT_CHECK(lint_check_dn_multi_rdn)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);
	int prev = -1;

	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(n, i));

		if (set == prev) {
			lint_fail(rep, rule, "subject has a multi-valued RDN");
			return;
		}
		prev = set;
	}
}

LINT_CHECK(lint_check_dn_whitespace)
{
	const X509_NAME *n = X509_get_subject_name(c->cert);

	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
		const unsigned char *p = ASN1_STRING_get0_data(v);
		int len = ASN1_STRING_length(v);

		if (len > 0 && (isspace(p[0]) || isspace(p[len - 1])))
			lint_fail(rep, rule, "subject %s has leading or "
			    "trailing white space", lint_dn_attr_name(
			    OBJ_obj2nid(X509_NAME_ENTRY_get_object(e))));
	}
}
