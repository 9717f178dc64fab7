/*
 * Tests of src/x509/name.c: subject DNs in the openssl -subj form, built
 * in the order and with the string types of the CP tables (CP-3.1.1,
 * CP-3.1.4, CP-7.1 "Subject").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "x509/name.h"

#define SECOM_DN "/C=JP/O=SECOM Trust Systems CO.,LTD./OU=SECOM Passport " \
	"for Member 2.0 PUB/CN=SECOM Passport for Member PUB CA1"

static X509_NAME *
parse_ok(const char *dn, unsigned int allowed)
{
	char err[256] = "";
	X509_NAME *n = name_parse(dn, allowed, err, sizeof(err));

	if (n == NULL)
		fail_msg("name_parse(%s) failed: %s", dn, err);
	return n;
}

/* Parses dn expecting a refusal whose message contains want. */
static void
parse_fails(const char *dn, unsigned int allowed, const char *want)
{
	char err[256] = "";
	X509_NAME *n = name_parse(dn, allowed, err, sizeof(err));

	if (n != NULL) {
		X509_NAME_free(n);
		fail_msg("name_parse(%.60s) accepted, wanted '%s'", dn, want);
	}
	if (strstr(err, want) == NULL)
		fail_msg("name_parse(%.60s): message '%s' lacks '%s'", dn, err,
		    want);
}

static int
entry_nid(const X509_NAME *n, int i)
{
	return OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(n,
	    i)));
}

static const ASN1_STRING *
entry_data(const X509_NAME *n, int i)
{
	return X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
}

static void
assert_entry(const X509_NAME *n, int i, int nid, int type, const char *text)
{
	const ASN1_STRING *s = entry_data(n, i);

	assert_int_equal(entry_nid(n, i), nid);
	assert_int_equal(ASN1_STRING_type(s), type);
	assert_int_equal(ASN1_STRING_length(s), strlen(text));
	assert_memory_equal(ASN1_STRING_get0_data(s), text, strlen(text));
}

/* The CP's own example issuing CA name (table 7.1-2, Subject row). */
static void
test_parse_secom(void **state)
{
	X509_NAME *n;

	(void)state;
	n = parse_ok(SECOM_DN, NAME_ATTR_ALL);
	assert_int_equal(X509_NAME_entry_count(n), 4);
	assert_entry(n, 0, NID_countryName, V_ASN1_PRINTABLESTRING, "JP");
	assert_entry(n, 1, NID_organizationName, V_ASN1_UTF8STRING,
	    "SECOM Trust Systems CO.,LTD.");
	assert_entry(n, 2, NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    "SECOM Passport for Member 2.0 PUB");
	assert_entry(n, 3, NID_commonName, V_ASN1_UTF8STRING,
	    "SECOM Passport for Member PUB CA1");
	/* Each attribute its own RDN (no multi-valued RDNs). */
	for (int i = 0; i < 4; i++)
		assert_int_equal(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, i)),
		    i);
	X509_NAME_free(n);
}

/*
 * CP-7.1 "Subject": C, ST, L, O, (organizationIdentifier), OU, CN,
 * serialNumber in table order whatever order the operator wrote; C and
 * serialNumber PrintableString, the DirectoryStrings UTF8String (RFC 5280
 * §4.1.2.6). organizationIdentifier (SBR 7.1.4.2.2) is PrintableString: its
 * value is a registration reference like NTRJP-1234567890123.
 */
static void
test_parse_table_order(void **state)
{
	static const char *const inputs[] = {
		"/serialNumber=AB-123/CN=Taro Yamada/OU=Unit 2/OU=Unit 1/"
		    "organizationIdentifier=NTRJP-1234567890123/O=Example/"
		    "L=Minato-ku/ST=Tokyo/C=JP",
		"/C=JP/ST=Tokyo/L=Minato-ku/O=Example/organizationIdentifier="
		    "NTRJP-1234567890123/OU=Unit 2/OU=Unit 1/CN=Taro Yamada/"
		    "serialNumber=AB-123",
		"/OU=Unit 2/CN=Taro Yamada/C=JP/serialNumber=AB-123/ST=Tokyo/"
		    "OU=Unit 1/L=Minato-ku/organizationIdentifier="
		    "NTRJP-1234567890123/O=Example",
	};
	X509_NAME *n;

	(void)state;
	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		n = parse_ok(inputs[k], NAME_ATTR_ALL);
		assert_int_equal(X509_NAME_entry_count(n), 9);
		assert_entry(n, 0, NID_countryName, V_ASN1_PRINTABLESTRING,
		    "JP");
		assert_entry(n, 1, NID_stateOrProvinceName, V_ASN1_UTF8STRING,
		    "Tokyo");
		assert_entry(n, 2, NID_localityName, V_ASN1_UTF8STRING,
		    "Minato-ku");
		assert_entry(n, 3, NID_organizationName, V_ASN1_UTF8STRING,
		    "Example");
		assert_entry(n, 4, NID_organizationIdentifier,
		    V_ASN1_PRINTABLESTRING, "NTRJP-1234567890123");
		assert_int_equal(entry_nid(n, 5), NID_organizationalUnitName);
		assert_int_equal(entry_nid(n, 6), NID_organizationalUnitName);
		assert_int_equal(ASN1_STRING_type(entry_data(n, 5)),
		    V_ASN1_UTF8STRING);
		assert_entry(n, 7, NID_commonName, V_ASN1_UTF8STRING,
		    "Taro Yamada");
		assert_entry(n, 8, NID_serialNumber, V_ASN1_PRINTABLESTRING,
		    "AB-123");
		assert_int_equal(name_count(n, NID_organizationalUnitName), 2);
		X509_NAME_free(n);
	}
}

/* Repeated OUs keep the order the operator wrote them in. */
static void
test_parse_ou_order_kept(void **state)
{
	X509_NAME *n;

	(void)state;
	n = parse_ok("/CN=x/OU=third/C=JP/OU=first/OU=second", NAME_ATTR_ALL);
	assert_entry(n, 1, NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    "third");
	assert_entry(n, 2, NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    "first");
	assert_entry(n, 3, NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    "second");
	X509_NAME_free(n);
}

static void
test_parse_escapes(void **state)
{
	X509_NAME *n;

	(void)state;
	/* '\/' is a slash inside a value, '\\' a backslash. */
	n = parse_ok("/C=JP/O=A\\/B Corp/OU=back\\\\slash/CN=x\\/y\\/z",
	    NAME_ATTR_ALL);
	assert_int_equal(X509_NAME_entry_count(n), 4);
	assert_entry(n, 1, NID_organizationName, V_ASN1_UTF8STRING,
	    "A/B Corp");
	assert_entry(n, 2, NID_organizationalUnitName, V_ASN1_UTF8STRING,
	    "back\\slash");
	assert_entry(n, 3, NID_commonName, V_ASN1_UTF8STRING, "x/y/z");
	X509_NAME_free(n);
	/* An escaped slash does not start a new attribute. */
	n = parse_ok("/CN=a\\/C=US", NAME_ATTR_CN);
	assert_int_equal(X509_NAME_entry_count(n), 1);
	assert_entry(n, 0, NID_commonName, V_ASN1_UTF8STRING, "a/C=US");
	X509_NAME_free(n);
}

/* UTF-8 values are kept as UTF8String, counted in characters. */
static void
test_parse_utf8(void **state)
{
	/* "セコム株式会社" */
	static const char jp[] = "\xe3\x82\xbb\xe3\x82\xb3\xe3\x83\xa0"
	    "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe";
	char dn[512], cn[64 * 3 + 1];
	X509_NAME *n;

	(void)state;
	snprintf(dn, sizeof(dn), "/C=JP/O=%s/CN=x", jp);
	n = parse_ok(dn, NAME_ATTR_ALL);
	assert_entry(n, 1, NID_organizationName, V_ASN1_UTF8STRING, jp);
	X509_NAME_free(n);
	/* 64 three-byte characters are 64 characters, not 192 (ub-common-name). */
	cn[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(cn, "\xe3\x81\x82");
	snprintf(dn, sizeof(dn), "/CN=%s", cn);
	n = parse_ok(dn, NAME_ATTR_CN);
	X509_NAME_free(n);
	snprintf(dn, sizeof(dn), "/CN=%s\xe3\x81\x82", cn);
	parse_fails(dn, NAME_ATTR_CN, "longer than 64");
}

static void
test_parse_missing_slash(void **state)
{
	(void)state;
	parse_fails("C=JP/O=Example", NAME_ATTR_ALL, "must start with '/'");
	parse_fails("", NAME_ATTR_ALL, "must start with '/'");
	parse_fails(" /C=JP", NAME_ATTR_ALL, "must start with '/'");
}

static void
test_parse_unknown_attribute(void **state)
{
	(void)state;
	parse_fails("/C=JP/emailAddress=a@example.jp", NAME_ATTR_ALL,
	    "'emailAddress' is not allowed");
	parse_fails("/C=JP/DC=example", NAME_ATTR_ALL, "'DC' is not allowed");
	/* Attribute names are case sensitive, as the table spells them. */
	parse_fails("/c=JP", NAME_ATTR_ALL, "'c' is not allowed");
	parse_fails("/=x", NAME_ATTR_ALL, "not allowed");
	parse_fails("/C=JP/CN", NAME_ATTR_ALL, "missing '='");
	parse_fails("/C=JP/", NAME_ATTR_ALL, "missing '='");
}

/* CSBR 7.1.4.2.2 forbids OU in code signing: the mask enforces it. */
static void
test_parse_attribute_not_in_mask(void **state)
{
	const unsigned int codesign = NAME_ATTR_C | NAME_ATTR_ST | NAME_ATTR_L |
	    NAME_ATTR_O | NAME_ATTR_CN;
	X509_NAME *n;

	(void)state;
	parse_fails("/C=JP/O=Example/OU=Unit/CN=Signer", codesign,
	    "'OU' is not allowed");
	parse_fails("/C=JP/O=Example/CN=Signer/serialNumber=1", codesign,
	    "'serialNumber' is not allowed");
	parse_fails("/C=JP/organizationIdentifier=NTRJP-1", NAME_ATTR_C |
	    NAME_ATTR_O, "'organizationIdentifier' is not allowed");
	n = parse_ok("/C=JP/O=Example/CN=Signer", codesign);
	X509_NAME_free(n);
}

/* CP-7.1 tables 7.1-4/7.1-5: at most three OUs; one of everything else. */
static void
test_parse_counts(void **state)
{
	X509_NAME *n;

	(void)state;
	n = parse_ok("/C=JP/OU=a/OU=b/OU=c/CN=x", NAME_ATTR_ALL);
	assert_int_equal(name_count(n, NID_organizationalUnitName), 3);
	X509_NAME_free(n);
	parse_fails("/C=JP/OU=a/OU=b/OU=c/OU=d/CN=x", NAME_ATTR_ALL,
	    "OU: at most 3");
	parse_fails("/C=JP/CN=a/CN=b", NAME_ATTR_ALL, "CN: at most 1");
	parse_fails("/C=JP/C=US", NAME_ATTR_ALL, "C: at most 1");
}

static void
test_parse_cn_length(void **state)
{
	char dn[128];
	X509_NAME *n;

	(void)state;
	/* ub-common-name is 64 (RFC 5280 Appendix A). */
	snprintf(dn, sizeof(dn), "/CN=%064d", 0);
	n = parse_ok(dn, NAME_ATTR_ALL);
	X509_NAME_free(n);
	snprintf(dn, sizeof(dn), "/CN=%065d", 0);
	parse_fails(dn, NAME_ATTR_ALL, "CN: longer than 64");
	/* ub-organization-name is 64 too; ub-locality-name 128. */
	snprintf(dn, sizeof(dn), "/O=%065d", 0);
	parse_fails(dn, NAME_ATTR_ALL, "O: longer than 64");
	snprintf(dn, sizeof(dn), "/L=%0100d", 0);
	n = parse_ok(dn, NAME_ATTR_ALL);
	X509_NAME_free(n);
}

static void
test_parse_country(void **state)
{
	(void)state;
	parse_fails("/C=jp", NAME_ATTR_ALL, "two-letter ISO 3166");
	parse_fails("/C=J", NAME_ATTR_ALL, "two-letter ISO 3166");
	parse_fails("/C=JPN", NAME_ATTR_ALL, "C: longer than 2");
	parse_fails("/C=J1", NAME_ATTR_ALL, "two-letter ISO 3166");
	parse_fails("/C=\xc3\x89T", NAME_ATTR_ALL, "two-letter ISO 3166");
}

static void
test_parse_empty_value(void **state)
{
	(void)state;
	parse_fails("/C=JP/O=/CN=x", NAME_ATTR_ALL, "O: empty value");
	parse_fails("/CN=", NAME_ATTR_ALL, "CN: empty value");
	parse_fails("/", NAME_ATTR_ALL, "missing '='");
}

static void
test_parse_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"/CN=a\xff",			/* never valid */
		"/CN=\xc3",			/* truncated sequence */
		"/CN=\xc3(",			/* bad continuation */
		"/CN=\xc0\xaf",			/* overlong '/' */
		"/CN=\xe0\x80\xaf",		/* overlong '/', 3 bytes */
		"/CN=\xf0\x80\x80\xaf",		/* overlong '/', 4 bytes */
		"/CN=\xed\xa0\x80",		/* UTF-16 surrogate D800 */
		"/CN=\xf4\x90\x80\x80",		/* above U+10FFFF */
		"/CN=\x80",			/* lone continuation byte */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i], NAME_ATTR_ALL, "CN: not valid UTF-8");
}

static void
test_parse_control_characters(void **state)
{
	(void)state;
	parse_fails("/CN=a\tb", NAME_ATTR_ALL, "CN: control character");
	parse_fails("/CN=a\nb", NAME_ATTR_ALL, "CN: control character");
	parse_fails("/O=a\x7f", NAME_ATTR_ALL, "O: control character");
	parse_fails("/O=a\x1b[0m", NAME_ATTR_ALL, "O: control character");
}

static void
test_parse_spaces(void **state)
{
	X509_NAME *n;

	(void)state;
	parse_fails("/CN= Taro", NAME_ATTR_ALL, "CN: leading or trailing space");
	parse_fails("/CN=Taro ", NAME_ATTR_ALL, "CN: leading or trailing space");
	parse_fails("/C=JP/O=Example /CN=x", NAME_ATTR_ALL,
	    "O: leading or trailing space");
	n = parse_ok("/CN=Taro Yamada", NAME_ATTR_ALL);
	X509_NAME_free(n);
}

/* PrintableString attributes refuse what PrintableString cannot hold. */
static void
test_parse_printable(void **state)
{
	(void)state;
	parse_fails("/serialNumber=AB_12", NAME_ATTR_ALL,
	    "serialNumber: only PrintableString");
	parse_fails("/serialNumber=a@b", NAME_ATTR_ALL,
	    "serialNumber: only PrintableString");
	parse_fails("/serialNumber=\xe3\x81\x82", NAME_ATTR_ALL,
	    "serialNumber: only PrintableString");
}

static void
test_parse_overlong_dn(void **state)
{
	char *dn;
	size_t len = 4096;

	(void)state;
	dn = malloc(len + 1);
	assert_non_null(dn);
	memset(dn, 'a', len);
	memcpy(dn, "/CN=", 4);
	dn[len] = '\0';
	parse_fails(dn, NAME_ATTR_ALL, "longer than 2048 bytes");
	dn[2049] = '\0';
	parse_fails(dn, NAME_ATTR_ALL, "longer than 2048 bytes");
	free(dn);
}

static void
test_parse_mask_zero(void **state)
{
	(void)state;
	/* Every rejection writes a message; nothing is left half-parsed. */
	parse_fails("/C=JP/O=Example/OU=a/OU=b/OU=c/OU=d", NAME_ATTR_ALL, "OU");
	parse_fails("/FOO=bar", 0, "'FOO' is not allowed");
	parse_fails("/C=JP", 0, "'C' is not allowed");
}

/* RFC 2253 one-line form: last RDN first, specials escaped, UTF-8 kept. */
static void
test_oneline(void **state)
{
	X509_NAME *n;
	char *s;

	(void)state;
	n = parse_ok(SECOM_DN, NAME_ATTR_ALL);
	s = name_oneline(n);
	assert_non_null(s);
	assert_string_equal(s, "CN=SECOM Passport for Member PUB CA1,"
	    "OU=SECOM Passport for Member 2.0 PUB,"
	    "O=SECOM Trust Systems CO.\\,LTD.,C=JP");
	free(s);
	X509_NAME_free(n);
	n = parse_ok("/C=JP/O=\xe3\x82\xbb\xe3\x82\xb3\xe3\x83\xa0/CN=a+b",
	    NAME_ATTR_ALL);
	s = name_oneline(n);
	assert_non_null(s);
	assert_string_equal(s, "CN=a\\+b,O=\xe3\x82\xbb\xe3\x82\xb3\xe3\x83\xa0,"
	    "C=JP");
	free(s);
	X509_NAME_free(n);
	n = X509_NAME_new();
	assert_non_null(n);
	s = name_oneline(n);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	X509_NAME_free(n);
}

static void
test_get_text(void **state)
{
	/* BMPString "Ab" */
	static const unsigned char bmp[] = { 0x00, 'A', 0x00, 'b' };
	X509_NAME *n;
	char *s;

	(void)state;
	n = parse_ok("/C=JP/O=Example/OU=first/OU=second/CN="
	    "\xe3\x82\xbb\xe3\x82\xb3\xe3\x83\xa0", NAME_ATTR_ALL);
	s = name_get_text(n, NID_countryName);
	assert_string_equal(s, "JP");
	OPENSSL_free(s);
	s = name_get_text(n, NID_organizationalUnitName);
	assert_string_equal(s, "first");	/* the first of several */
	OPENSSL_free(s);
	s = name_get_text(n, NID_commonName);
	assert_string_equal(s, "\xe3\x82\xbb\xe3\x82\xb3\xe3\x83\xa0");
	OPENSSL_free(s);
	assert_null(name_get_text(n, NID_serialNumber));
	assert_int_equal(name_count(n, NID_serialNumber), 0);
	assert_int_equal(name_count(n, NID_organizationalUnitName), 2);
	X509_NAME_free(n);
	/* Other string types come back as UTF-8. */
	n = X509_NAME_new();
	assert_non_null(n);
	assert_true(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_BMPSTRING, bmp, sizeof(bmp), -1, 0));
	s = name_get_text(n, NID_commonName);
	assert_string_equal(s, "Ab");
	OPENSSL_free(s);
	X509_NAME_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_secom),
		cmocka_unit_test(test_parse_table_order),
		cmocka_unit_test(test_parse_ou_order_kept),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_utf8),
		cmocka_unit_test(test_parse_missing_slash),
		cmocka_unit_test(test_parse_unknown_attribute),
		cmocka_unit_test(test_parse_attribute_not_in_mask),
		cmocka_unit_test(test_parse_counts),
		cmocka_unit_test(test_parse_cn_length),
		cmocka_unit_test(test_parse_country),
		cmocka_unit_test(test_parse_empty_value),
		cmocka_unit_test(test_parse_invalid_utf8),
		cmocka_unit_test(test_parse_control_characters),
		cmocka_unit_test(test_parse_spaces),
		cmocka_unit_test(test_parse_printable),
		cmocka_unit_test(test_parse_overlong_dn),
		cmocka_unit_test(test_parse_mask_zero),
		cmocka_unit_test(test_oneline),
		cmocka_unit_test(test_get_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
