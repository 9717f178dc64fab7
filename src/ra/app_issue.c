#include "ra/app_issue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "ca/backup.h"
#include "ca/ca.h"
#include "ca/calls.h"
#include "ca/csr.h"
#include "ca/issue.h"
#include "ca/revoke.h"
#include "ocsp/presign.h"
#include "ra/mail.h"
#include "ra/ra_audit.h"
#include "ra/revreq.h"
#include "ra/validation.h"
#include "util/log.h"

#define APP_PIN_LEN	21	/* 20 characters: about 99 bits */
#define APP_KEY_BITS	2048

/* One issuance, handed to the CA's thread and back. */
struct app_job {
	const struct store_app *a;
	EVP_PKEY	*key;		/* CA-generated, or NULL */
	const char	*pin;		/* its PKCS#12 PIN */
	int64_t		 now;
	struct app_outcome *out;
};

int
app_pin_new(char *pin, size_t len)
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	unsigned char r;

	for (size_t i = 0; i + 1 < len; i++) {
		do {
			if (RAND_bytes(&r, 1) != 1)
				return 0;
		} while (r >= 248);	/* 248 = 8 * 31: no modulo bias */
		pin[i] = alphabet[r % 31];
	}
	pin[len - 1] = '\0';
	return 1;
}

/* Strings of a JSON array into v (borrowed from keep). */
static size_t
app_list(const char *text, json_t **keep, const char **v)
{
	json_t *arr, *e;
	size_t i, n = 0;

	*keep = arr = json_loads(text, 0, NULL);
	json_array_foreach(arr, i, e)
		if (json_is_string(e) && n < CERT_LIST_MAX)
			v[n++] = json_string_value(e);
	return n;
}

static char *
app_chain_pem(STACK_OF(X509) *chain)
{
	BIO *b;
	BUF_MEM *mem;
	char *s = NULL;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(chain, i)))
			goto out;
	BIO_get_mem_ptr(b, &mem);
	if ((s = malloc(mem->length + 1)) != NULL) {
		memcpy(s, mem->data, mem->length);
		s[mem->length] = '\0';
	}
 out:
	BIO_free(b);
	return s;
}

/* PKCS#12 (OpenSSL 3 defaults: AES-256-CBC, PBKDF2) of key, x, chain. */
static unsigned char *
app_p12(const char *pin, EVP_PKEY *key, X509 *x, STACK_OF(X509) *chain,
    size_t *len)
{
	PKCS12 *p12;
	unsigned char *der = NULL, *res = NULL;
	int n;

	*len = 0;
	if ((p12 = PKCS12_create(pin, NULL, key, x, chain, 0, 0, 0, 0, 0)) ==
	    NULL || (n = i2d_PKCS12(p12, &der)) <= 0) {
		log_openssl("application: cannot make the PKCS#12");
		PKCS12_free(p12);
		return NULL;
	}
	if ((res = malloc((size_t)n)) != NULL) {
		memcpy(res, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_clear_free(der, (size_t)n);
	PKCS12_free(p12);
	return res;
}

/* CP-4.8: the replaced certificate is revoked as superseded. */
static void
app_supersede(struct ca *ca, const struct app_job *j)
{
	struct revoke_request rr = { 0 };
	const struct store_app *a = j->a;

	if (a->replaces_serial == NULL)
		return;
	rr.serial = a->replaces_serial;
	rr.issuer = a->replaces_issuer;
	rr.reason = ca_reason_parse("superseded");
	if (ca_revoke(ca, &rr, (time_t)j->now))
		snprintf(j->out->superseded, sizeof(j->out->superseded),
		    "%s/%s revoked as superseded", a->replaces_issuer,
		    a->replaces_serial);
	else
		snprintf(j->out->superseded, sizeof(j->out->superseded),
		    "failed: %s/%s not revoked (see the log); revoke it by "
		    "hand", a->replaces_issuer, a->replaces_serial);
}

/* Builds the issue request of a; the CSR parsed into *csr. */
static int
app_request(const struct app_job *j, struct issue_request *r, X509_REQ **csr,
    json_t **k1, json_t **k2)
{
	const struct store_app *a = j->a;
	char err[256];

	memset(r, 0, sizeof(*r));
	r->policy = a->policy;
	r->subject = a->subject;
	r->upn = a->upn;
	r->nemails = app_list(a->emails, k1, r->emails);
	r->neku = app_list(a->ekus, k2, r->eku);
	r->key = j->key;
	*csr = NULL;
	if (a->csr_pem != NULL && (*csr = csr_parse((const unsigned char *)
	    a->csr_pem, strlen(a->csr_pem), err, sizeof(err))) == NULL) {
		snprintf(j->out->error, sizeof(j->out->error), "csr: %s", err);
		return 0;
	}
	r->csr = *csr;
	return 1;
}

/* What marks an application whose certificate was signed, not recorded. */
#define APP_UNRECORDED	"issued but not recorded on the application"

/* Records the certificate on the application, in the CA's store. */
static int
app_record(struct ca *ca, const struct app_job *j, X509 *x,
    STACK_OF(X509) *chain)
{
	unsigned char *der = NULL, *p12 = NULL;
	char *chain_pem = NULL;
	size_t p12_len = 0;
	int len, ok = 0;

	if ((len = i2d_X509(x, &der)) <= 0 ||
	    (chain_pem = app_chain_pem(chain)) == NULL ||
	    (j->key != NULL && (p12 = app_p12(j->pin, j->key, x, chain,
	    &p12_len)) == NULL))
		goto out;
	ok = store_app_issued(ca->store, j->a->id, j->out->issuer,
	    j->out->serial, der, (size_t)len, chain_pem, p12, p12_len, j->now);
 out:
	OPENSSL_free(der);
	free(chain_pem);
	if (p12 != NULL)
		OPENSSL_cleanse(p12, p12_len);
	free(p12);
	return ok;
}

/* The application is still approved and without a certificate. */
static int
app_still_approved(struct ca *ca, const struct app_job *j)
{
	struct store_app *now = NULL;
	int ok;

	ok = store_app_get(ca->store, j->a->id, &now) && now != NULL &&
	    now->status == STORE_APP_APPROVED && now->cert_serial == NULL;
	if (!ok)
		snprintf(j->out->error, sizeof(j->out->error), "application "
		    "%lld is no longer waiting for issuance (issued meanwhile?)",
		    (long long)j->a->id);
	/* A certificate signed for it but not recorded: never a second. */
	else if (now->issue_error != NULL &&
	    strstr(now->issue_error, APP_UNRECORDED) != NULL) {
		snprintf(j->out->error, sizeof(j->out->error), "application "
		    "%lld: a certificate was already %s; an operator must "
		    "resolve it (the CA's log names it)", (long long)j->a->id,
		    APP_UNRECORDED);
		ok = 0;
	}
	store_app_free(now);
	return ok;
}

/* Runs on the CA's thread (inkand: the worker). */
static int
app_issue_on_ca(struct ca *ca, void *arg)
{
	struct app_job *j = arg;
	const struct conf_policy *pol;
	struct issue_request r;
	STACK_OF(X509) *chain = NULL;
	X509_REQ *csr = NULL;
	X509 *x = NULL;
	json_t *k1 = NULL, *k2 = NULL;
	char *serial = NULL;

	/*
	 * Calls run one at a time on the CA: checked here, two approvals
	 * racing (or a retry while the first issuance runs) issue once.
	 */
	if (!app_still_approved(ca, j) || !app_request(j, &r, &csr, &k1, &k2))
		goto out;
	if ((pol = conf_policy_get(ca->conf, r.policy)) == NULL) {
		snprintf(j->out->error, sizeof(j->out->error), "policy %s is "
		    "not configured", r.policy);
		goto out;
	}
	if ((x = ca_issue(ca, &r, &chain)) == NULL) {
		snprintf(j->out->error, sizeof(j->out->error), "the CA refused "
		    "the request; nothing was issued (the reason is in the "
		    "CA's log)");
		goto out;
	}
	if ((serial = cert_serial_hex(X509_get0_serialNumber(x))) == NULL)
		goto out;
	snprintf(j->out->serial, sizeof(j->out->serial), "%s", serial);
	snprintf(j->out->issuer, sizeof(j->out->issuer), "%s", pol->issuer);
	j->out->issued = 1;
	/* Once more if the first try failed (a busy store, say). */
	if (!app_record(ca, j, x, chain) && !app_record(ca, j, x, chain)) {
		log_error("application %lld: certificate %s/%s %s", (long long)
		    j->a->id, pol->issuer, serial, APP_UNRECORDED);
		snprintf(j->out->error, sizeof(j->out->error), "certificate "
		    "%s/%s %s", pol->issuer, serial, APP_UNRECORDED);
		/* The marker that stops a retry from signing a second one. */
		(void)store_app_issue_error(ca->store, j->a->id,
		    j->out->error);
	}
	/* Its OCSP answers exist before anyone can ask (CP-4.9.9). */
	if (ocsp_presign_pending(ca, (time_t)j->now) < 0)
		log_warn("application: OCSP responses not yet signed");
	/* The old certificate goes only once the new one is on record. */
	if (j->out->error[0] == '\0')
		app_supersede(ca, j);
	(void)ca_auto_backup(ca);	/* CP-5.5.4 */
 out:
	OPENSSL_free(serial);
	X509_free(x);
	sk_X509_pop_free(chain, X509_free);
	X509_REQ_free(csr);
	json_decref(k1);
	json_decref(k2);
	return j->out->issued;
}

static int
app_run_on_ca(const struct app_env *env, struct app_job *j)
{
	if (env->calls != NULL)
		return ca_call(env->calls, app_issue_on_ca, j);
	if (env->ca != NULL)
		return app_issue_on_ca(env->ca, j);
	snprintf(j->out->error, sizeof(j->out->error), "no CA to issue with");
	return 0;
}

/* One mail; 1 if the SMTP server took it, else 0 with why. */
static int
app_mail(const struct app_env *env, const char *to, const char *subject,
    const char *body, char *why, size_t whylen)
{
	if (env->mail == NULL) {
		snprintf(why, whylen, "no [mail] smtp_url configured");
		return 0;
	}
	return ra_mail_send(env->mail, to, subject, body, why, whylen);
}

/*
 * CP-4.3.2, 4.4.3: the notice goes to the registered person in charge of
 * the organisation only, never to the applicant's or a SAN's address.
 */
static void
app_notice(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a,
    const struct app_outcome *out)
{
	char *name = NULL, *email = NULL, subject[160], body[2048];
	char why[256] = "", status[300];
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_org_contact_get(ra->st, a->org, &name, &email);
	pthread_mutex_unlock(&ra->mu);
	if (!ok || email == NULL)
		snprintf(why, sizeof(why), "no person in charge recorded for "
		    "organisation %s", a->org);
	else {
		snprintf(subject, sizeof(subject), "Certificate issued: "
		    "application %lld", (long long)a->id);
		snprintf(body, sizeof(body), "Dear %s,\r\n\r\nA certificate "
		    "was issued for your organisation (%s).\r\n\r\n"
		    "Application: %lld\r\nPolicy: %s\r\nSubject: %s\r\n"
		    "Issuer: %s\r\nSerial number: %s\r\nApplicant: %s\r\n\r\n"
		    "Please check the certificate and report its receipt. "
		    "Without an objection within 14 days it is deemed "
		    "accepted (CP-4.4.1).\r\n", name, a->org, (long long)a->id,
		    a->policy, a->subject, out->issuer, out->serial,
		    a->applicant_name);
		ok = app_mail(env, email, subject, body, why, sizeof(why));
	}
	if (ok && email != NULL)
		snprintf(status, sizeof(status), "sent to the person in charge");
	else
		snprintf(status, sizeof(status), "not sent: %s", why);
	pthread_mutex_lock(&ra->mu);
	(void)store_app_delivery(ra->st, a->id, status, NULL);
	pthread_mutex_unlock(&ra->mu);
	ra_audit_as(ra, by, "ra.app.notice", email != NULL ? email : a->org,
	    ok && email != NULL ? "success" : "failure", status);
	free(name);
	free(email);
}

/*
 * CP-6.1.2: the PKCS#12 is downloaded by the operator; its PIN goes by
 * another channel, mailed to the applicant alone, and is kept nowhere.
 */
static void
app_pin_mail(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a,
    const char *pin)
{
	char subject[160], body[1024], why[256] = "", status[300];
	int ok;

	snprintf(subject, sizeof(subject), "PIN of your key: application %lld",
	    (long long)a->id);
	snprintf(body, sizeof(body), "Dear %s,\r\n\r\nYour key and "
	    "certificate (application %lld) are handed to you as a PKCS#12 "
	    "file by your registration authority. Open it with this PIN:\r\n"
	    "\r\nPIN: %s\r\n\r\nKeep it apart from the file.\r\n",
	    a->applicant_name, (long long)a->id, pin);
	ok = app_mail(env, a->applicant_email, subject, body, why,
	    sizeof(why));
	OPENSSL_cleanse(body, sizeof(body));
	snprintf(status, sizeof(status), ok ? "PIN mailed to the applicant" :
	    "PIN not sent: %s", why);
	pthread_mutex_lock(&ra->mu);
	(void)store_app_delivery(ra->st, a->id, NULL, status);
	pthread_mutex_unlock(&ra->mu);
	ra_audit_as(ra, by, "ra.app.pin", a->applicant_email, ok ? "success" :
	    "failure", status);
}

/*
 * What goes with every certificate issued through an application: its
 * owner (the organisation and the subscriber's address, which scope LRA
 * revocation requests, CP-4.9.3) and the subscriber's suspension
 * password (CP-4.9.13-4.9.15), mailed to the applicant alone, apart from
 * the certificate, and kept only as its Argon2id hash. A failure here is
 * logged and audited; the certificate stands.
 */
static void
app_after_issue(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a,
    const struct app_outcome *out, int64_t now)
{
	char pw[RA_SUBSCRIBER_PW_LEN + 1], subject[160], body[1024];
	char why[256] = "";
	int ok;

	if (ra_cert_owner_record(ra, by, out->issuer, out->serial, a->org,
	    a->applicant_email, now) != RA_OK)
		log_error("application %lld: owner of %s/%s not recorded",
		    (long long)a->id, out->issuer, out->serial);
	if (ra_subscriber_credential_new(ra, by, out->issuer, out->serial,
	    now, pw) != RA_OK) {
		log_error("application %lld: no subscriber password for %s/%s",
		    (long long)a->id, out->issuer, out->serial);
		return;
	}
	snprintf(subject, sizeof(subject), "Your suspension password: "
	    "certificate %s", out->serial);
	snprintf(body, sizeof(body), "Dear %s,\r\n\r\nYou can suspend or "
	    "revoke the certificate of your application %lld (issuer %s, "
	    "serial %s) yourself on the RA's subscriber page (/subscriber/) "
	    "with this password:\r\n\r\nPassword: %s\r\n\r\nKeep it apart "
	    "from the certificate and its key.\r\n", a->applicant_name,
	    (long long)a->id, out->issuer, out->serial, pw);
	ok = app_mail(env, a->applicant_email, subject, body, why,
	    sizeof(why));
	OPENSSL_cleanse(body, sizeof(body));
	OPENSSL_cleanse(pw, sizeof(pw));
	ra_audit_as(ra, by, "ra.app.subscriber_password", a->applicant_email,
	    ok ? "success" : "failure", ok ? "mailed to the applicant" : why);
}

/*
 * SBR 4.2.2.1, RFC 9495: before an S/MIME certificate is signed, CAA
 * issuemail of every mailbox's domain must permit this CA (looked up on
 * this thread, DNSSEC-validated, never on the CA's worker). 1 if so,
 * else 0 with why.
 */
static int
app_caa_ok(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a, char *why,
    size_t whylen)
{
	const struct conf *conf = env->conf != NULL ? env->conf :
	    env->ca != NULL ? env->ca->conf : NULL;
	const char *emails[CERT_LIST_MAX];
	char reason[APP_WHY_MAX] = "";
	json_t *keep = NULL;
	size_t n;
	int ok = 1;

	if (strcmp(a->policy, "smime") != 0)
		return 1;
	if (conf == NULL) {
		snprintf(why, whylen, "CAA issuemail cannot be checked: no "
		    "configuration");
		return 0;
	}
	n = app_list(a->emails, &keep, emails);
	/* The reason is said on success too: only a refusal's is kept. */
	for (size_t i = 0; ok && i < n; i++)
		if (!(ok = ra_caa_issuemail_permits(ra, conf, emails[i],
		    by->name, reason, sizeof(reason))))
			snprintf(why, whylen, "CAA issuemail refuses %s: %s",
			    emails[i], reason);
	json_decref(keep);
	return ok;
}

void
app_issue(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct store_app *a, int64_t now,
    struct app_outcome *out)
{
	struct app_job j = { 0 };
	char pin[APP_PIN_LEN], detail[2 * APP_WHY_MAX + 160], obj[48];
	int ok;

	j.a = a;
	j.now = now;
	j.out = out;
	j.pin = pin;
	pin[0] = '\0';
	snprintf(obj, sizeof(obj), "application:%lld", (long long)a->id);
	/* Made here, not on the CA's thread: that one signs for everyone. */
	if (!app_caa_ok(ra, env, by, a, out->error, sizeof(out->error)))
		log_error("application %lld: %s", (long long)a->id, out->error);
	else if (a->keygen && (!app_pin_new(pin, sizeof(pin)) ||
	    (j.key = EVP_RSA_gen(APP_KEY_BITS)) == NULL)) {
		log_openssl("application: cannot generate the key");
		snprintf(out->error, sizeof(out->error), "cannot generate the "
		    "key");
	} else if (app_run_on_ca(env, &j) < 0)
		snprintf(out->error, sizeof(out->error), "the CA is stopping");
	if (!out->issued || out->error[0] != '\0') {
		pthread_mutex_lock(&ra->mu);
		ok = out->issued || store_app_issue_error(ra->st, a->id,
		    out->error[0] ? out->error : "issuance failed");
		pthread_mutex_unlock(&ra->mu);
		(void)ok;
		ra_audit_as(ra, by, "ra.app.issue", obj, "failure", out->error);
		/* Signed though not recorded: still owned and revocable. */
		if (out->issued)
			app_after_issue(ra, env, by, a, out, now);
		goto out;
	}
	snprintf(detail, sizeof(detail), "certificate %s/%s%s%s", out->issuer,
	    out->serial, out->superseded[0] ? "; " : "", out->superseded);
	ra_audit_as(ra, by, "ra.app.issue", obj, "success", detail);
	app_after_issue(ra, env, by, a, out, now);
	if (j.key != NULL)
		app_pin_mail(ra, env, by, a, pin);
	app_notice(ra, env, by, a, out);
 out:
	OPENSSL_cleanse(pin, sizeof(pin));
	EVP_PKEY_free(j.key);
}
