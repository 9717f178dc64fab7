#include "x509/ext.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "x509/oid.h"

static GENERAL_NAME *
ext_uri(const char *uri)
{
	GENERAL_NAME *gn;
	ASN1_IA5STRING *ia5;

	if ((ia5 = ASN1_IA5STRING_new()) == NULL)
		return NULL;
	if (!ASN1_STRING_set(ia5, uri, -1) ||
	    (gn = GENERAL_NAME_new()) == NULL) {
		ASN1_IA5STRING_free(ia5);
		return NULL;
	}
	GENERAL_NAME_set0_value(gn, GEN_URI, ia5);
	return gn;
}

/* RFC 5280 §4.2.1.9 */
static int
ext_bc(X509 *x, const struct cert_spec *spec)
{
	BASIC_CONSTRAINTS *bc;
	int ok = 0;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return 0;
	bc->ca = spec->ca ? 0xff : 0;
	if (spec->ca && spec->path_len >= 0) {
		if ((bc->pathlen = ASN1_INTEGER_new()) == NULL ||
		    !ASN1_INTEGER_set(bc->pathlen, spec->path_len))
			goto out;
	}
	ok = X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_APPEND);
 out:
	BASIC_CONSTRAINTS_free(bc);
	return ok;
}

/* RFC 5280 §4.2.1.3; critical per CP-7.1. */
static int
ext_ku(X509 *x, const struct cert_spec *spec)
{
	ASN1_BIT_STRING *ku;
	int ok = 0;

	if ((ku = ASN1_BIT_STRING_new()) == NULL)
		return 0;
	for (int bit = 0; bit < 9; bit++)
		if ((spec->key_usage & (1u << bit)) &&
		    !ASN1_BIT_STRING_set_bit(ku, bit, 1))
			goto out;
	ok = X509_add1_ext_i2d(x, NID_key_usage, ku, 1, X509V3_ADD_APPEND);
 out:
	ASN1_BIT_STRING_free(ku);
	return ok;
}

static int
ext_eku(X509 *x, const struct cert_spec *spec)
{
	EXTENDED_KEY_USAGE *eku;
	ASN1_OBJECT *obj;
	int ok = 0;

	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL)
		return 0;
	for (size_t i = 0; i < spec->neku; i++) {
		if ((obj = oid_obj(spec->eku[i])) == NULL)
			goto out;
		if (!sk_ASN1_OBJECT_push(eku, obj)) {
			ASN1_OBJECT_free(obj);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0, X509V3_ADD_APPEND);
 out:
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return ok;
}

/* RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING. */
static ASN1_OCTET_STRING *
ext_keyid(X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;
	ASN1_OCTET_STRING *id;

	if (!X509_pubkey_digest(x, EVP_sha1(), md, &len))
		return NULL;
	if ((id = ASN1_OCTET_STRING_new()) == NULL)
		return NULL;
	if (!ASN1_OCTET_STRING_set(id, md, (int)len)) {
		ASN1_OCTET_STRING_free(id);
		return NULL;
	}
	return id;
}

static int
ext_ski(X509 *x, const struct cert_spec *spec)
{
	ASN1_OCTET_STRING *id;
	int ok;

	if ((id = ext_keyid(x)) == NULL)
		return 0;
	ok = X509_add1_ext_i2d(x, NID_subject_key_identifier, id, 0,
	    X509V3_ADD_APPEND);
	ASN1_OCTET_STRING_free(id);
	return ok;
}

/* keyIdentifier only (RFC 5280 §4.2.1.1); self-signed: our own SKI. */
static int
ext_aki(X509 *x, const struct cert_spec *spec)
{
	AUTHORITY_KEYID *aki;
	int ok = 0;

	if ((aki = AUTHORITY_KEYID_new()) == NULL)
		return 0;
	if (spec->issuer_keyid != NULL)
		aki->keyid = ASN1_OCTET_STRING_dup(spec->issuer_keyid);
	else
		aki->keyid = ext_keyid(x);
	if (aki->keyid != NULL)
		ok = X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0,
		    X509V3_ADD_APPEND);
	AUTHORITY_KEYID_free(aki);
	return ok;
}

static POLICYINFO *
ext_policy(const char *oid, const char *cps_url)
{
	POLICYINFO *pi;
	POLICYQUALINFO *q;

	if ((pi = POLICYINFO_new()) == NULL)
		return NULL;
	ASN1_OBJECT_free(pi->policyid);
	if ((pi->policyid = oid_obj(oid)) == NULL)
		goto err;
	if (cps_url == NULL)
		return pi;
	if ((pi->qualifiers = sk_POLICYQUALINFO_new_null()) == NULL ||
	    (q = POLICYQUALINFO_new()) == NULL)
		goto err;
	if (!sk_POLICYQUALINFO_push(pi->qualifiers, q)) {
		POLICYQUALINFO_free(q);
		goto err;
	}
	q->pqualid = OBJ_nid2obj(NID_id_qt_cps);
	if ((q->d.cpsuri = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(q->d.cpsuri, cps_url, -1))
		goto err;
	return pi;
 err:
	POLICYINFO_free(pi);
	return NULL;
}

/* CP-7.1.8: the CPS qualifier goes on the CP's own policy (the first). */
static int
ext_policies(X509 *x, const struct cert_spec *spec)
{
	CERTIFICATEPOLICIES *cp;
	POLICYINFO *pi;
	int ok = 0;

	if ((cp = sk_POLICYINFO_new_null()) == NULL)
		return 0;
	for (size_t i = 0; i < spec->npolicies; i++) {
		pi = ext_policy(spec->policies[i], i == 0 ? spec->cps_url : NULL);
		if (pi == NULL)
			goto out;
		if (!sk_POLICYINFO_push(cp, pi)) {
			POLICYINFO_free(pi);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_certificate_policies, cp, 0,
	    X509V3_ADD_APPEND);
 out:
	sk_POLICYINFO_pop_free(cp, POLICYINFO_free);
	return ok;
}

static int
ext_crldp(X509 *x, const struct cert_spec *spec)
{
	CRL_DIST_POINTS *dps;
	DIST_POINT *dp;
	GENERAL_NAME *gn;
	int ok = 0;

	if ((dps = sk_DIST_POINT_new_null()) == NULL)
		return 0;
	if ((dp = DIST_POINT_new()) == NULL)
		goto out;
	if (!sk_DIST_POINT_push(dps, dp)) {
		DIST_POINT_free(dp);
		goto out;
	}
	/* One distribution point, its full name listing every URL. */
	if ((dp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (dp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL)
		goto out;
	dp->distpoint->type = 0;
	for (size_t i = 0; i < spec->ncrl_urls; i++) {
		if ((gn = ext_uri(spec->crl_urls[i])) == NULL)
			goto out;
		if (!sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gn)) {
			GENERAL_NAME_free(gn);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_crl_distribution_points, dps, 0,
	    X509V3_ADD_APPEND);
 out:
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return ok;
}

static int
ext_aia_push(AUTHORITY_INFO_ACCESS *aia, int method, const char *uri)
{
	ACCESS_DESCRIPTION *ad;

	if ((ad = ACCESS_DESCRIPTION_new()) == NULL)
		return 0;
	ad->method = OBJ_nid2obj(method);
	GENERAL_NAME_free(ad->location);
	if ((ad->location = ext_uri(uri)) == NULL ||
	    !sk_ACCESS_DESCRIPTION_push(aia, ad)) {
		ACCESS_DESCRIPTION_free(ad);
		return 0;
	}
	return 1;
}

static int
ext_aia(X509 *x, const struct cert_spec *spec)
{
	AUTHORITY_INFO_ACCESS *aia;
	int ok = 0;

	if (spec->ocsp_url == NULL && spec->ca_issuers_url == NULL)
		return 1;
	if ((aia = sk_ACCESS_DESCRIPTION_new_null()) == NULL)
		return 0;
	if (spec->ocsp_url != NULL &&
	    !ext_aia_push(aia, NID_ad_OCSP, spec->ocsp_url))
		goto out;
	if (spec->ca_issuers_url != NULL &&
	    !ext_aia_push(aia, NID_ad_ca_issuers, spec->ca_issuers_url))
		goto out;
	ok = X509_add1_ext_i2d(x, NID_info_access, aia, 0, X509V3_ADD_APPEND);
 out:
	sk_ACCESS_DESCRIPTION_pop_free(aia, ACCESS_DESCRIPTION_free);
	return ok;
}

static int
ext_san(X509 *x, const struct cert_spec *spec)
{
	if (spec->san == NULL || sk_GENERAL_NAME_num(spec->san) == 0)
		return 1;
	return X509_add1_ext_i2d(x, NID_subject_alt_name, (void *)spec->san, 0,
	    X509V3_ADD_APPEND);
}

/* id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1), a NULL value. */
static int
ext_ocsp_nocheck(X509 *x, const struct cert_spec *spec)
{
	ASN1_NULL *null;
	int ok;

	if ((null = ASN1_NULL_new()) == NULL)
		return 0;
	ok = X509_add1_ext_i2d(x, NID_id_pkix_OCSP_noCheck, null, 0,
	    X509V3_ADD_APPEND);
	ASN1_NULL_free(null);
	return ok;
}

int
ext_add(X509 *x, const struct cert_spec *spec, enum cert_ext ext)
{
	switch (ext) {
	case CERT_EXT_AKI:
		return ext_aki(x, spec);
	case CERT_EXT_SKI:
		return ext_ski(x, spec);
	case CERT_EXT_KU:
		return ext_ku(x, spec);
	case CERT_EXT_POLICIES:
		return ext_policies(x, spec);
	case CERT_EXT_SAN:
		return ext_san(x, spec);
	case CERT_EXT_EKU:
		return spec->neku == 0 ? 1 : ext_eku(x, spec);
	case CERT_EXT_CRLDP:
		return spec->ncrl_urls == 0 ? 1 : ext_crldp(x, spec);
	case CERT_EXT_AIA:
		return ext_aia(x, spec);
	case CERT_EXT_BC:
		return ext_bc(x, spec);
	case CERT_EXT_OCSP_NOCHECK:
		return ext_ocsp_nocheck(x, spec);
	case CERT_EXT_END:
	case CERT_EXT_MAX:
		break;
	}
	return 0;
}
