#include "ca/responder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/seal.h"
#include "ca/prelint.h"
#include "ca/sign.h"
#include "ocsp/presign.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/cert.h"
#include "x509/oid.h"
#include "x509/profile.h"

/* The unsigned responder certificate for the key of rec (table 7.3-1). */
static X509 *
responder_build(struct ca *ca, const struct store_ca *rec, X509 *cacert,
    time_t now)
{
	const struct conf_policy *pol = conf_policy_get(ca->conf, "ocsp");
	struct cert_spec spec = { 0 };
	const unsigned char *p;
	X509_NAME *subj = NULL;
	EVP_PKEY *pub = NULL;
	ASN1_INTEGER *serial = NULL;
	X509 *tbs = NULL;
	char err[1600];

	p = rec->subject_der;
	if ((subj = d2i_X509_NAME(NULL, &p, (long)rec->subject_len)) == NULL)
		goto out;
	p = rec->spki_der;
	if ((pub = d2i_PUBKEY(NULL, &p, (long)rec->spki_len)) == NULL ||
	    (serial = cert_serial_new()) == NULL)
		goto out;
	spec.md = SIGNER_MD_SHA256;
	spec.subject = subj;
	spec.issuer = X509_get_subject_name(cacert);
	spec.pubkey = pub;
	spec.issuer_keyid = X509_get0_subject_key_id(cacert);
	spec.serial = serial;
	spec.not_before = now;
	spec.not_after = cert_add_months(now, ca->conf->ocsp_validity_months) - 1;
	spec.order = profile_get(PROFILE_OCSP)->order;
	spec.path_len = -1;
	spec.key_usage = CERT_KU_DIGITAL_SIGNATURE;
	spec.eku[spec.neku++] = oid_eku_by_name("OCSPSigning")->oid;
	spec.policies[spec.npolicies++] = pol->oid;
	spec.cps_url = ca->conf->cps_url;
	if ((tbs = cert_build(&spec)) != NULL &&
	    !ca_prelint(tbs, profile_get(PROFILE_OCSP), pol->oid, err,
	    sizeof(err))) {
		log_error("%s: %s", rec->name, err);
		X509_free(tbs);
		tbs = NULL;
	}
 out:
	X509_NAME_free(subj);
	EVP_PKEY_free(pub);
	ASN1_INTEGER_free(serial);
	return tbs;
}

/* Responder certificates are the daemon's, not repository content. */
static int
responder_write(struct ca *ca, X509 *x, const char *name)
{
	char file[96], *dir = NULL, *path = NULL;
	int ok = 0;

	snprintf(file, sizeof(file), "%s.cer", name);
	if ((dir = file_join(ca->dir, "ocsp")) != NULL &&
	    (path = file_join(dir, file)) != NULL)
		ok = ca_write_cert(path, x);
	free(dir);
	free(path);
	return ok;
}

/* responder.certify: which responder, and its new certificate. */
static void
responder_audit(struct ca *ca, const char *name, X509 *x, int ok)
{
	char object[120], detail[160];
	char *serial = NULL;

	snprintf(object, sizeof(object), "responder:%s", name);
	if (x != NULL)
		serial = cert_serial_hex(X509_get0_serialNumber(x));
	snprintf(detail, sizeof(detail), "{\"serial\":\"%s\"}",
	    serial != NULL ? serial : "");
	audit_ca(ca, "responder.certify", object, ok ? "ok" : "failed",
	    detail);
	OPENSSL_free(serial);
}

int
ca_responder_certify(struct ca *ca, const char *issuer, time_t now)
{
	struct store_ca *rec = NULL, *carec = NULL;
	struct ca_signing how;
	X509 *cacert = NULL, *tbs = NULL, *x = NULL;
	unsigned char *der = NULL;
	char name[80];
	int len, ok = 0;

	ocsp_responder_name(issuer, name, sizeof(name));
	if (!store_ca_get(ca->store, name, &rec) || rec == NULL ||
	    !store_ca_get(ca->store, issuer, &carec) || carec == NULL ||
	    (cacert = ca_cert_pick(ca, issuer, NID_sha256WithRSAEncryption))
	    == NULL) {
		log_error("%s: responder or issuing CA missing", name);
		goto out;
	}
	if ((tbs = responder_build(ca, rec, cacert, now)) == NULL)
		goto out;
	how.issuer = issuer;
	how.key = carec->key_name;
	how.op = SIGNER_OP_SIGN_CERT;
	how.md = SIGNER_MD_SHA256;
	how.issuer_pub = X509_get0_pubkey(cacert);
	if ((x = ca_sign_one(ca, &how, tbs, "ocsp", name)) == NULL)
		goto out;
	/* The signer checks OCSP ResponseData against this certificate. */
	if ((len = i2d_X509(x, &der)) <= 0 ||
	    !signer_bind_cert(ca->signer, rec->key_name, der, (size_t)len) ||
	    !responder_write(ca, x, name))
		goto out;
	log_info("%s: OCSP responder certificate issued (table 7.3-1)", name);
	ok = 1;
 out:
	responder_audit(ca, name, x, ok);
	OPENSSL_free(der);
	store_ca_free(rec);
	store_ca_free(carec);
	X509_free(cacert);
	X509_free(tbs);
	X509_free(x);
	return ok;
}

int
ca_responder_renew_due(struct ca *ca, time_t now)
{
	time_t limit = now + RESPONDER_RENEW_BEFORE;
	char name[80];
	X509 *x;
	int renewed = 0, due;

	for (size_t i = 0; i < ca->conf->nissuing; i++) {
		const char *issuer = ca->conf->issuing[i].name;

		ocsp_responder_name(issuer, name, sizeof(name));
		if ((x = ca_cert_pick(ca, name, NID_undef)) == NULL)
			continue;
		due = X509_cmp_time(X509_get0_notAfter(x), &limit) < 0;
		X509_free(x);
		if (!due)
			continue;
		if (!ca_responder_certify(ca, issuer, now))
			return -1;
		renewed++;
	}
	return renewed;
}
