#include <ctype.h>
#include <string.h>
#include <time.h>

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "lint/checks.h"
#include "x509/oid.h"

/* Helpers shared by the area files: URIs, times, names, OIDs. */

/* RFC 3986 characters allowed unescaped in a URI. */
static int
lint_uri_char(unsigned char ch)
{
	return isalnum(ch) || strchr("-._~:/?#[]@!$&'()*+,;=%", ch) != NULL;
}

/*
 * An absolute URI "scheme://host..." with one of schemes (NULL-ended), a
 * non-empty host and only RFC 3986 characters (RFC 5280 §4.2.1.13,
 * §4.2.2.1 refer to RFC 3986).
 */
int
lint_uri_ok(const ASN1_IA5STRING *uri, const char *const *schemes)
{
	const unsigned char *p = ASN1_STRING_get0_data(uri);
	int len = ASN1_STRING_length(uri), slen = 0, host;

	if (ASN1_STRING_type(uri) != V_ASN1_IA5STRING || len <= 0)
		return 0;
	for (const char *const *s = schemes; *s != NULL && slen == 0; s++) {
		size_t n = strlen(*s);

		if ((size_t)len > n + 3 && strncasecmp((const char *)p, *s, n) == 0 &&
		    memcmp(p + n, "://", 3) == 0)
			slen = (int)n + 3;
	}
	if (slen == 0)
		return 0;
	for (int i = 0; i < len; i++) {
		if (!lint_uri_char(p[i]))
			return 0;
		if (p[i] == '%' && (i + 2 >= len || !isxdigit(p[i + 1]) ||
		    !isxdigit(p[i + 2])))
			return 0;
	}
	for (host = slen; host < len && p[host] != '/' && p[host] != '?' &&
	    p[host] != '#'; host++)
		;
	return host > slen && p[slen] != ':';
}

int
lint_uri_is(const GENERAL_NAME *gn, const char *scheme)
{
	const unsigned char *p;
	size_t n = strlen(scheme);

	if (gn->type != GEN_URI ||
	    (size_t)ASN1_STRING_length(gn->d.uniformResourceIdentifier) <= n + 3)
		return 0;
	p = ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
	return strncasecmp((const char *)p, scheme, n) == 0 &&
	    memcmp(p + n, "://", 3) == 0;
}

/* RFC 5280 §4.1.2.5.1/§4.1.2.5.2: YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ. */
int
lint_time_shape_ok(const ASN1_TIME *t)
{
	const unsigned char *p = ASN1_STRING_get0_data(t);
	int len = ASN1_STRING_length(t), want;

	want = ASN1_STRING_type(t) == V_ASN1_UTCTIME ? 13 : 15;
	if (len != want || p[len - 1] != 'Z')
		return 0;
	for (int i = 0; i < len - 1; i++)
		if (!isdigit(p[i]))
			return 0;
	return 1;
}

int
lint_time_syntax_ok(const ASN1_TIME *t)
{
	return lint_time_shape_ok(t) && ASN1_TIME_check(t) == 1;
}

/* UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
int
lint_time_type_ok(const ASN1_TIME *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	if (tm.tm_year + 1900 < 2050)
		return ASN1_STRING_type(t) == V_ASN1_UTCTIME;
	return ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME;
}

int
lint_time_get(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	*out = timegm(&tm);
	return 1;
}

/* ISO 3166-1 alpha-2, plus the user-assigned XX the CABF allow. */
static const char lint_countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH "
    "BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL "
    "CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU "
    "GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
    "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC "
    "MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC "
    "NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
    "PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR "
    "SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA "
    "UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XX";

int
lint_iso3166(const unsigned char *s, int len)
{
	for (size_t i = 0; i + 1 < sizeof(lint_countries); i += 3)
		if (len == 2 && s[0] == (unsigned char)lint_countries[i] &&
		    s[1] == (unsigned char)lint_countries[i + 1])
			return 1;
	return 0;
}

/* RFC 5321 dot-atom local part. */
static int
lint_local_part_ok(const unsigned char *s, int len)
{
	if (len == 0 || len > 64 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (int i = 0; i < len; i++) {
		if (s[i] == '.' && i > 0 && s[i - 1] == '.')
			return 0;
		if (!isalnum(s[i]) && strchr(".!#$%&'*+/=?^_`{|}~-", s[i]) == NULL)
			return 0;
	}
	return 1;
}

/* A preferred-syntax host name (RFC 1034 §3.5, RFC 5280 §4.2.1.6). */
static int
lint_domain_ok(const unsigned char *s, int len)
{
	int label = 0, labels = 0;

	if (len == 0 || len > 253)
		return 0;
	for (int i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!isalnum(s[i]) && !(s[i] == '-' && label > 0))
			return 0;
		label++;
	}
	return labels >= 2;
}

/* An rfc822Name: local-part@domain (RFC 5280 §4.2.1.6). */
int
lint_mailbox_ok(const unsigned char *s, int len)
{
	const unsigned char *at = memchr(s, '@', (size_t)len);

	if (at == NULL || memchr(at + 1, '@', (size_t)(s + len - at - 1)))
		return 0;
	return lint_local_part_ok(s, (int)(at - s)) &&
	    lint_domain_ok(at + 1, (int)(s + len - at - 1));
}

int
lint_has_policy(const CERTIFICATEPOLICIES *cp, const char *oid)
{
	char buf[80];

	for (int i = 0; i < sk_POLICYINFO_num(cp); i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		if (strcmp(buf, oid) == 0)
			return 1;
	}
	return 0;
}

int
lint_eku_has_oid(X509 *x, const char *oid)
{
	EXTENDED_KEY_USAGE *eku;
	char buf[80];
	int found = 0;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !found; i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, i), 1);
		found = strcmp(buf, oid) == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

int
lint_eku_has(X509 *x, int nid)
{
	char buf[80];

	OBJ_obj2txt(buf, sizeof(buf), OBJ_nid2obj(nid), 1);
	return lint_eku_has_oid(x, buf);
}

/* The first S/MIME BR reserved policy (SBR 7.1.6.1): 1 if found. */
int
lint_smime_policy(X509 *x, int *type, int *generation)
{
	CERTIFICATEPOLICIES *cp;
	char buf[80];
	int found = 0;

	cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	for (int i = 0; i < sk_POLICYINFO_num(cp) && !found; i++) {
		OBJ_obj2txt(buf, sizeof(buf), sk_POLICYINFO_value(cp, i)->policyid,
		    1);
		if (strncmp(buf, OID_CABF_SMIME_PREFIX,
		    strlen(OID_CABF_SMIME_PREFIX)) != 0)
			continue;
		for (int t = 1; t <= 4 && !found; t++)
			for (int g = 1; g <= 3 && !found; g++)
				if (strcmp(buf, oid_smime_policy(t, g)) == 0) {
					*type = t;
					*generation = g;
					found = 1;
				}
	}
	CERTIFICATEPOLICIES_free(cp);
	return found;
}

/* The CA/B Forum requirements a CA certificate's EKU puts it under. */
unsigned int
lint_cert_cabf(X509 *x)
{
	unsigned int r = 0;

	if (x == NULL)
		return 0;
	if (lint_eku_has(x, NID_code_sign))
		r |= LINT_CABF_CSBR;
	if (lint_eku_has(x, NID_email_protect))
		r |= LINT_CABF_SBR;
	return r;
}

/* CSBR 7.1.3.2, SBR 7.1.3.2: the signature algorithms allowed. */
int
lint_sigalg_cabf_ok(int nid)
{
	switch (nid) {
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
	case NID_rsassaPss:
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
	case NID_ED25519:
	case NID_ED448:
		return 1;
	default:
		return 0;
	}
}

/* RFC 4055 §5, RFC 3279 §2.2.1: PKCS#1 v1.5 parameters are NULL. */
int
lint_alg_params_null(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;
	const void *val;
	int type;

	X509_ALGOR_get0(&obj, &type, &val, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_rsaEncryption:
	case NID_sha1WithRSAEncryption:
	case NID_sha224WithRSAEncryption:
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
	case NID_md5WithRSAEncryption:
		return type == V_ASN1_NULL;
	default:
		return 1;
	}
}

/* -1 absent, else the critical flag of the first nid extension. */
int
lint_ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	return i < 0 ? -1 : X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* Our cert_ku bits from OpenSSL's KU_ flags; bit 8 for enc/decipherOnly. */
unsigned int
lint_ku_bits(X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);
	unsigned int bits = 0;

	if (ku == UINT32_MAX)
		return 0;
	if (ku & KU_DIGITAL_SIGNATURE) bits |= CERT_KU_DIGITAL_SIGNATURE;
	if (ku & KU_NON_REPUDIATION) bits |= CERT_KU_NON_REPUDIATION;
	if (ku & KU_KEY_ENCIPHERMENT) bits |= CERT_KU_KEY_ENCIPHERMENT;
	if (ku & KU_DATA_ENCIPHERMENT) bits |= CERT_KU_DATA_ENCIPHERMENT;
	if (ku & KU_KEY_AGREEMENT) bits |= CERT_KU_KEY_AGREEMENT;
	if (ku & KU_KEY_CERT_SIGN) bits |= CERT_KU_KEY_CERT_SIGN;
	if (ku & KU_CRL_SIGN) bits |= CERT_KU_CRL_SIGN;
	if (ku & (KU_ENCIPHER_ONLY | KU_DECIPHER_ONLY)) bits |= 1u << 8;
	return bits;
}

/* CSBR 7.1.4.2.2(d), SBR 7.1.4.2: values of only '.', '-' and ' '. */
int
lint_name_has_metadata_only(const X509_NAME *name, int *nid)
{
	for (int i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
		const unsigned char *p = ASN1_STRING_get0_data(v);
		int len = ASN1_STRING_length(v), meta = 1;

		for (int j = 0; j < len && meta; j++)
			meta = p[j] == '.' || p[j] == '-' || p[j] == ' ';
		if (meta) {
			*nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
			return 1;
		}
	}
	return 0;
}
