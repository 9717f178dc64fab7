#include "x509/oid.h"

#include <ctype.h>
#include <string.h>

#include <openssl/objects.h>

static const struct oid_eku oid_ekus[] = {
	{ "clientAuth", "1.3.6.1.5.5.7.3.2", NID_client_auth },
	{ "emailProtection", "1.3.6.1.5.5.7.3.4", NID_email_protect },
	{ "codeSigning", "1.3.6.1.5.5.7.3.3", NID_code_sign },
	{ "smartcardLogon", "1.3.6.1.4.1.311.20.2.2", NID_ms_smartcard_login },
	{ "adobeAuthenticDocumentsTrust", "1.2.840.113583.1.1.5", NID_undef },
	{ "msDocumentSigning", "1.3.6.1.4.1.311.10.3.12", NID_undef },
	{ "OCSPSigning", "1.3.6.1.5.5.7.3.9", NID_OCSP_sign },
	{ "serverAuth", "1.3.6.1.5.5.7.3.1", NID_server_auth },
	{ "timeStamping", "1.3.6.1.5.5.7.3.8", NID_time_stamp },
};

#define OID_NEKU (sizeof(oid_ekus) / sizeof(oid_ekus[0]))

const struct oid_eku *
oid_eku_by_name(const char *name)
{
	for (size_t i = 0; i < OID_NEKU; i++)
		if (strcmp(oid_ekus[i].name, name) == 0)
			return &oid_ekus[i];
	return NULL;
}

const struct oid_eku *
oid_eku_by_obj(const ASN1_OBJECT *obj)
{
	char buf[80];

	if (OBJ_obj2txt(buf, sizeof(buf), obj, 1) <= 0)
		return NULL;
	for (size_t i = 0; i < OID_NEKU; i++)
		if (strcmp(oid_ekus[i].oid, buf) == 0)
			return &oid_ekus[i];
	return NULL;
}

const struct oid_eku *
oid_eku_all(size_t *n)
{
	*n = OID_NEKU;
	return oid_ekus;
}

int
oid_is_numeric(const char *s)
{
	int arcs = 0, digits = 0;

	if (s == NULL || strlen(s) > 128)
		return 0;
	for (; ; s++) {
		if (isdigit((unsigned char)*s)) {
			digits++;
			continue;
		}
		if (digits == 0 || (*s != '.' && *s != '\0'))
			return 0;
		arcs++;
		digits = 0;
		if (*s == '\0')
			break;
	}
	return arcs >= 2;
}

int
oid_is_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '-' && *s != '_')
			return 0;
	return 1;
}

ASN1_OBJECT *
oid_obj(const char *numeric)
{
	if (!oid_is_numeric(numeric))
		return NULL;
	return OBJ_txt2obj(numeric, 1);
}

const char *
oid_smime_policy(int type, int generation)
{
	static const char *const oids[4][3] = {
		{ "2.23.140.1.5.1.1", "2.23.140.1.5.1.2", "2.23.140.1.5.1.3" },
		{ "2.23.140.1.5.2.1", "2.23.140.1.5.2.2", "2.23.140.1.5.2.3" },
		{ "2.23.140.1.5.3.1", "2.23.140.1.5.3.2", "2.23.140.1.5.3.3" },
		{ "2.23.140.1.5.4.1", "2.23.140.1.5.4.2", "2.23.140.1.5.4.3" },
	};

	if (type < 1 || type > 4 || generation < 1 || generation > 3)
		return NULL;
	return oids[type - 1][generation - 1];
}
