#include "x509/profile.h"

#include <stdio.h>
#include <string.h>

#define DS	CERT_KU_DIGITAL_SIGNATURE
#define NR	CERT_KU_NON_REPUDIATION
#define KE	CERT_KU_KEY_ENCIPHERMENT
#define DE	CERT_KU_DATA_ENCIPHERMENT

#define SUBJ_CP	(NAME_ATTR_C | NAME_ATTR_ST | NAME_ATTR_L | NAME_ATTR_O | \
	NAME_ATTR_OU | NAME_ATTR_CN | NAME_ATTR_SERIAL)

static const enum cert_ext order_root[] = {
	CERT_EXT_SKI, CERT_EXT_AKI, CERT_EXT_KU, CERT_EXT_BC, CERT_EXT_END
};
/* Row order of table 7.1-1, which has no AIA row. */
static const enum cert_ext order_ca_sha1[] = {
	CERT_EXT_SKI, CERT_EXT_AKI, CERT_EXT_CRLDP, CERT_EXT_POLICIES,
	CERT_EXT_KU, CERT_EXT_EKU, CERT_EXT_BC, CERT_EXT_END
};
/* Row order of tables 7.1-2 and 7.1-3. */
static const enum cert_ext order_ca[] = {
	CERT_EXT_SKI, CERT_EXT_AKI, CERT_EXT_CRLDP, CERT_EXT_AIA,
	CERT_EXT_POLICIES, CERT_EXT_KU, CERT_EXT_EKU, CERT_EXT_BC, CERT_EXT_END
};
/* Row order of table 7.1-4, which has no AIA row. */
static const enum cert_ext order_sub_sha1[] = {
	CERT_EXT_AKI, CERT_EXT_SKI, CERT_EXT_KU, CERT_EXT_POLICIES,
	CERT_EXT_SAN, CERT_EXT_EKU, CERT_EXT_CRLDP, CERT_EXT_END
};
/* Row order of table 7.1-5. */
static const enum cert_ext order_sub[] = {
	CERT_EXT_AKI, CERT_EXT_SKI, CERT_EXT_KU, CERT_EXT_POLICIES,
	CERT_EXT_SAN, CERT_EXT_EKU, CERT_EXT_CRLDP, CERT_EXT_AIA, CERT_EXT_END
};
/* Row order of table 7.3-1. */
static const enum cert_ext order_ocsp[] = {
	CERT_EXT_KU, CERT_EXT_EKU, CERT_EXT_OCSP_NOCHECK, CERT_EXT_POLICIES,
	CERT_EXT_AKI, CERT_EXT_SKI, CERT_EXT_END
};

/* The EKUs tables 7.1-2 and 7.1-3 let a CA certificate carry. */
/* A braced list as one macro argument. */
#define PROFILE_LIST(...)	{ __VA_ARGS__ }

#define CA_EKUS { "clientAuth", "emailProtection", "smartcardLogon",	\
	"codeSigning", "adobeAuthenticDocumentsTrust", "msDocumentSigning" }

#define CA_PROFILE(pid, nm, tbl, dg, bits, ekus, ord) {			\
	.id = pid, .name = nm, .policy = NULL, .table = tbl,		\
	.rules = PROFILE_RULES_CP, .md = dg, .ca = 1,			\
	.subject_allowed = SUBJ_CP, .subject_required = NAME_ATTR_C |	\
	    NAME_ATTR_O,						\
	.key_bits = bits,						\
	.ku = { CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN },		\
	.eku_allowed = ekus, .order = ord }

static const struct profile profiles[PROFILE_MAX] = {
	[PROFILE_ROOT] = {
		.id = PROFILE_ROOT, .name = "root", .table = "root",
		.rules = PROFILE_RULES_CP, .md = SIGNER_MD_SHA256, .ca = 1,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O,
		.key_bits = { 2048, 4096 },
		.ku = { CERT_KU_KEY_CERT_SIGN | CERT_KU_CRL_SIGN },
		.order = order_root,
	},
	/* Table 7.1-1: an RSA-2048 key; EKU clientAuth, SmartCard Logon. */
	[PROFILE_CA_SHA1] = CA_PROFILE(PROFILE_CA_SHA1, "ca-sha1", "7.1-1",
	    SIGNER_MD_SHA1, { 2048 }, PROFILE_LIST("clientAuth",
	    "smartcardLogon"), order_ca_sha1),
	[PROFILE_CA_SHA256] = CA_PROFILE(PROFILE_CA_SHA256, "ca-sha256",
	    "7.1-2", SIGNER_MD_SHA256, PROFILE_LIST(2048, 4096), CA_EKUS,
	    order_ca),
	[PROFILE_CA_SHA384] = CA_PROFILE(PROFILE_CA_SHA384, "ca-sha384",
	    "7.1-3", SIGNER_MD_SHA384, PROFILE_LIST(2048, 4096), CA_EKUS,
	    order_ca),
	[PROFILE_CLIENT] = {
		.id = PROFILE_CLIENT, .name = "client", .policy = "client",
		.table = "7.1-5", .rules = PROFILE_RULES_CP,
		.md = SIGNER_MD_SHA256,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 2048, 3072, 4096 },
		.ku = { DS | KE, DS },
		.eku_allowed = { "clientAuth", "smartcardLogon" },
		.eku_required = { "clientAuth" },
		.eku_default = { "clientAuth" },
		.san_allowed = PROFILE_SAN_EMAIL | PROFILE_SAN_UPN |
		    PROFILE_SAN_OTHER,
		.crl_ldap = 1, .hold_allowed = 1, .order = order_sub,
	},
	[PROFILE_CLIENT_SHA1] = {
		.id = PROFILE_CLIENT_SHA1, .name = "client-sha1",
		.order = order_sub_sha1,
		.policy = "client", .table = "7.1-4",
		.rules = PROFILE_RULES_CP, .md = SIGNER_MD_SHA1,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 1024, 2048, 3072, 4096 },
		.ku = { DS | KE, DS },
		.eku_allowed = { "clientAuth", "smartcardLogon" },
		.eku_required = { "clientAuth" },
		.eku_default = { "clientAuth" },
		.san_allowed = PROFILE_SAN_EMAIL | PROFILE_SAN_UPN |
		    PROFILE_SAN_OTHER | PROFILE_SAN_DNS,
		.crl_ldap = 1, .hold_allowed = 1,
	},
	[PROFILE_DOCUMENT] = {
		.id = PROFILE_DOCUMENT, .name = "document",
		.policy = "document", .table = "7.1-5",
		.rules = PROFILE_RULES_CP, .md = SIGNER_MD_SHA256,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 2048, 3072, 4096 },
		.ku = { DS | NR, DS },
		.eku_allowed = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.eku_required = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.eku_default = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.san_allowed = PROFILE_SAN_EMAIL | PROFILE_SAN_UPN |
		    PROFILE_SAN_OTHER,
		.crl_ldap = 1, .hold_allowed = 1, .order = order_sub,
	},
	[PROFILE_DOCUMENT_SHA1] = {
		.id = PROFILE_DOCUMENT_SHA1, .name = "document-sha1",
		.order = order_sub_sha1,
		.policy = "document", .table = "7.1-4",
		.rules = PROFILE_RULES_CP, .md = SIGNER_MD_SHA1,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 1024, 2048, 3072, 4096 },
		.ku = { DS | NR, DS },
		.eku_allowed = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.eku_required = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.eku_default = { "adobeAuthenticDocumentsTrust",
		    "msDocumentSigning" },
		.san_allowed = PROFILE_SAN_EMAIL | PROFILE_SAN_UPN |
		    PROFILE_SAN_OTHER | PROFILE_SAN_DNS,
		.crl_ldap = 1, .hold_allowed = 1,
	},
	/*
	 * SBR 7.1.2.3 strict: emailProtection only, rfc822Name only, HTTP
	 * CRL only; KeyUsage per 7.1.2.3(e) for RSA; no suspension
	 * (SBR 4.9.13 forbids it for strict).
	 */
	[PROFILE_SMIME_STRICT] = {
		.id = PROFILE_SMIME_STRICT, .name = "smime-strict",
		.policy = "smime", .table = "7.1-5",
		.rules = PROFILE_RULES_SBR, .md = SIGNER_MD_SHA256,
		.subject_allowed = NAME_ATTR_C | NAME_ATTR_ST | NAME_ATTR_L |
		    NAME_ATTR_O | NAME_ATTR_ORGID | NAME_ATTR_OU |
		    NAME_ATTR_CN | NAME_ATTR_SERIAL,
		.key_bits = { 2048, 3072, 4096 },
		.ku = { DS | KE, DS, KE, DS | NR | KE, DS | NR },
		.eku_allowed = { "emailProtection" },
		.eku_required = { "emailProtection" },
		.eku_default = { "emailProtection" },
		.san_allowed = PROFILE_SAN_EMAIL,
		.san_required = PROFILE_SAN_EMAIL,
		.max_days = 825, .order = order_sub,
	},
	[PROFILE_SMIME_MULTIPURPOSE] = {
		.id = PROFILE_SMIME_MULTIPURPOSE, .name = "smime-multipurpose",
		.policy = "smime", .table = "7.1-5",
		.rules = PROFILE_RULES_SBR, .md = SIGNER_MD_SHA256,
		.subject_allowed = NAME_ATTR_C | NAME_ATTR_ST | NAME_ATTR_L |
		    NAME_ATTR_O | NAME_ATTR_ORGID | NAME_ATTR_OU |
		    NAME_ATTR_CN | NAME_ATTR_SERIAL,
		.key_bits = { 2048, 3072, 4096 },
		.ku = { DS | KE, DS, KE, DS | NR | KE, DS | NR },
		.eku_allowed = { "emailProtection", "clientAuth" },
		.eku_required = { "emailProtection" },
		.eku_default = { "emailProtection", "clientAuth" },
		.san_allowed = PROFILE_SAN_EMAIL | PROFILE_SAN_UPN,
		.san_required = PROFILE_SAN_EMAIL,
		.max_days = 825, .hold_allowed = 1, .order = order_sub,
	},
	/*
	 * CSBR 7.1.2.3: codeSigning alone, digitalSignature alone, no SAN
	 * (CP-7.1), OCSP and caIssuers in AIA, HTTP CRL; CSBR 7.1.4.2.2:
	 * no OU; CSBR 6.1.5: RSA 3072 or 4096; CSBR 6.3.2: 460 days.
	 */
	[PROFILE_CODESIGN] = {
		.id = PROFILE_CODESIGN, .name = "codesign",
		.policy = "codesign", .table = "7.1-5",
		.rules = PROFILE_RULES_CSBR, .md = SIGNER_MD_SHA256,
		.subject_allowed = NAME_ATTR_C | NAME_ATTR_ST | NAME_ATTR_L |
		    NAME_ATTR_O | NAME_ATTR_CN,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 3072, 4096 },
		.ku = { DS },
		.eku_allowed = { "codeSigning" },
		.eku_required = { "codeSigning" },
		.eku_default = { "codeSigning" },
		.ocsp_required = 1, .max_days = 460, .order = order_sub,
	},
	[PROFILE_OCSP] = {
		.id = PROFILE_OCSP, .name = "ocsp", .policy = "ocsp",
		.table = "7.3-1", .rules = PROFILE_RULES_CP,
		.md = SIGNER_MD_SHA256,
		.subject_allowed = SUBJ_CP,
		.subject_required = NAME_ATTR_C | NAME_ATTR_O | NAME_ATTR_CN,
		.key_bits = { 2048, 3072, 4096 },
		.ku = { DS },
		.eku_allowed = { "OCSPSigning" },
		.eku_required = { "OCSPSigning" },
		.eku_default = { "OCSPSigning" },
		.order = order_ocsp,
	},
};

const struct profile *
profile_get(enum profile_id id)
{
	if ((unsigned int)id >= PROFILE_MAX)
		return NULL;
	return &profiles[id];
}

const struct profile *
profile_by_name(const char *name)
{
	for (int i = 0; i < PROFILE_MAX; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct profile *
profile_for_ca(enum signer_md md)
{
	switch (md) {
	case SIGNER_MD_SHA1:
		return &profiles[PROFILE_CA_SHA1];
	case SIGNER_MD_SHA384:
		return &profiles[PROFILE_CA_SHA384];
	default:
		return &profiles[PROFILE_CA_SHA256];
	}
}

int
profile_key_bits_ok(const struct profile *p, unsigned int bits)
{
	for (int i = 0; i < PROFILE_BITS_MAX && p->key_bits[i] != 0; i++)
		if (p->key_bits[i] == bits)
			return 1;
	return 0;
}

int
profile_ku_ok(const struct profile *p, unsigned int ku)
{
	for (int i = 0; i < PROFILE_KU_COMBOS_MAX && p->ku[i] != 0; i++)
		if (p->ku[i] == ku)
			return 1;
	return 0;
}

static int
profile_list_has(const char *const *list, size_t max, const char *s)
{
	for (size_t i = 0; i < max && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int
profile_eku_ok(const struct profile *p, const char *const *eku, size_t n,
    char *err, size_t errlen)
{
	int required = p->eku_required[0] == NULL, client = 0;

	for (size_t i = 0; i < n; i++) {
		if (!profile_list_has(p->eku_allowed, PROFILE_EKU_MAX, eku[i])) {
			snprintf(err, errlen, "EKU %s is not allowed in the %s "
			    "profile (CP-6.1.7%s)", eku[i], p->name,
			    p->rules == PROFILE_RULES_CSBR ? ", CSBR 7.1.2.3" :
			    p->rules == PROFILE_RULES_SBR ? ", SBR 7.1.2.3" : "");
			return 0;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(eku[i], eku[j]) == 0) {
				snprintf(err, errlen, "EKU %s given twice",
				    eku[i]);
				return 0;
			}
		required |= profile_list_has(p->eku_required, PROFILE_EKU_MAX,
		    eku[i]);
		client |= strcmp(eku[i], "clientAuth") == 0;
	}
	if (!required) {
		snprintf(err, errlen, "the %s profile needs EKU %s%s", p->name,
		    p->eku_required[0], p->eku_required[1] != NULL ?
		    " or another of its document-signing EKUs" : "");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(eku[i], "smartcardLogon") == 0 && !client) {
			snprintf(err, errlen, "smartcardLogon needs clientAuth "
			    "(CP-7.1, table 7.1-5)");
			return 0;
		}
	return 1;
}

static const char *const profile_ku_bit_names[] = {
	"digitalSignature", "nonRepudiation", "keyEncipherment",
	"dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign"
};

#define PROFILE_NKU (sizeof(profile_ku_bit_names) / sizeof(profile_ku_bit_names[0]))

int
profile_parse_ku(const char *s, unsigned int *ku)
{
	const char *p = s, *end;
	size_t len, i;

	*ku = 0;
	while (*p != '\0') {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < PROFILE_NKU; i++)
			if (strlen(profile_ku_bit_names[i]) == len &&
			    strncmp(profile_ku_bit_names[i], p, len) == 0)
				break;
		if (i == PROFILE_NKU)
			return 0;
		*ku |= 1u << i;
		p += len;
		if (*p == ',')
			p++;
	}
	return *ku != 0;
}

void
profile_ku_names(unsigned int ku, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < PROFILE_NKU; i++) {
		if ((ku & (1u << i)) == 0)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
		    "%s%s", used > 0 ? "," : "", profile_ku_bit_names[i]);
	}
}
