#include "ra/app.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "ca/csr.h"
#include "ra/app_issue.h"
#include "ra/org.h"
#include "ra/ra_audit.h"
#include "ra/totp.h"
#include "ra/validation.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/name.h"
#include "x509/profile.h"

static const char *const app_item_names[APP_ITEM_MAX] = {
	[APP_ITEM_IDENTITY] = "identity",
	[APP_ITEM_AUTHORITY] = "authority",
	[APP_ITEM_DN] = "dn",
	[APP_ITEM_EMAIL_CONTROL] = "email_control",
	[APP_ITEM_BLOCKLIST] = "blocklist",
};

const char *
app_item_name(enum app_item i)
{
	return i < APP_ITEM_MAX ? app_item_names[i] : "?";
}

int
app_item_parse(const char *s, enum app_item *out)
{
	for (int i = 0; i < APP_ITEM_MAX; i++)
		if (s != NULL && strcmp(s, app_item_names[i]) == 0) {
			*out = (enum app_item)i;
			return 1;
		}
	return 0;
}

int
app_item_required(const struct store_app *a, enum app_item i)
{
	if (i != APP_ITEM_EMAIL_CONTROL)
		return i < APP_ITEM_MAX;
	/* CP-3.2.7: each mailbox named must be under the applicant's control. */
	return strcmp(a->policy, "smime") == 0 || strcmp(a->emails, "[]") != 0;
}

int
app_accept_due(const struct store_app *a, int64_t now)
{
	return a->status == STORE_APP_ISSUED && a->accepted_at == 0 &&
	    a->objected_at == 0 && a->issued_at > 0 &&
	    now - a->issued_at >= APP_ACCEPT_AFTER;
}

int
app_email_ok(const char *s)
{
	const char *at;
	size_t len;

	if (s == NULL || (len = strlen(s)) < 3 || len > 254 ||
	    (at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL)
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return 0;
	return 1;
}

/* --- audit ---------------------------------------------------------------- */

static void
app_audit(struct ra *ra, const struct ra_principal *by, const char *type,
    int64_t id, const char *outcome, const char *detail)
{
	char object[48];

	if (id > 0)
		snprintf(object, sizeof(object), "application:%lld",
		    (long long)id);
	else
		snprintf(object, sizeof(object), "application:new");
	ra_audit_as(ra, by, type, object, outcome, detail);
}

/* Sets why and answers s: the one way refusals leave this file. */
static enum ra_status
app_refuse(enum ra_status s, char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum ra_status
app_refuse(enum ra_status s, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return s;
}

/* --- the suspicious list (CP-4.2.2) ------------------------------------- */

static int
app_listed(const char *entry, size_t elen, const char *value)
{
	size_t vlen = strlen(value);

	return elen == vlen && strncasecmp(entry, value, elen) == 0;
}

int
app_suspicious(const char *list, size_t len, const char *const *values,
    size_t n, char *why, size_t whylen)
{
	const char *p = list, *end = list + len, *nl, *e;
	size_t elen;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (e = p; e < nl && isspace((unsigned char)*e); e++)
			;
		elen = (size_t)(nl - e);
		while (elen > 0 && isspace((unsigned char)e[elen - 1]))
			elen--;
		if (elen == 0 || *e == '#')
			continue;
		for (size_t i = 0; i < n; i++)
			if (values[i] != NULL && app_listed(e, elen, values[i])) {
				snprintf(why, whylen, "on the suspicious list: "
				    "%.*s (CP-4.2.2)", (int)(elen > 128 ? 128 :
				    elen), e);
				return 1;
			}
	}
	return 0;
}

/* Adds s and, for an address, its domain and each parent domain. */
static void
app_values_add(const char **v, size_t *n, size_t max, const char *s)
{
	const char *d;

	if (s == NULL || *n >= max)
		return;
	v[(*n)++] = s;
	if ((d = strchr(s, '@')) == NULL)
		return;
	for (d++; d != NULL && *d != '\0' && *n < max;) {
		v[(*n)++] = d;
		if ((d = strchr(d, '.')) != NULL)
			d++;
	}
}

#define APP_VALUES_MAX	128

/*
 * The automatic blocklist item: the suspicious list (names, addresses,
 * domains) and applicants rejected before or in breach. 1 if clear; 0
 * with why if not; -1 on an error (why set too).
 */
static int
app_blocklist(struct ra *ra, const struct app_env *env,
    const struct store_app *a, const char *const *emails, size_t nemails,
    char *why, size_t whylen)
{
	const char *v[APP_VALUES_MAX];
	char *cn = NULL, *o = NULL, perr[128];
	unsigned char *list = NULL;
	X509_NAME *subj;
	size_t n = 0, len;
	int flagged = 0, ok, res = 1;

	pthread_mutex_lock(&ra->mu);
	ok = store_app_applicant_flagged(ra->st, a->applicant_email, &flagged,
	    why, whylen);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		snprintf(why, whylen, "cannot read earlier applications");
		return -1;
	}
	if (flagged)
		return 0;	/* CP-4.2.2: rejected before or in breach */
	if (env == NULL || env->suspicious_list == NULL)
		return 1;
	if ((list = file_read(env->suspicious_list, APP_SUSPICIOUS_MAX,
	    &len)) == NULL) {
		/* Fail closed: an unreadable list blocks every application. */
		snprintf(why, whylen, "the suspicious list cannot be read");
		return -1;
	}
	if ((subj = name_parse(a->subject, ~0u, perr, sizeof(perr))) != NULL) {
		cn = name_get_text(subj, NID_commonName);
		o = name_get_text(subj, NID_organizationName);
		X509_NAME_free(subj);
	}
	v[n++] = a->applicant_name;
	v[n++] = cn;
	v[n++] = o;
	app_values_add(v, &n, APP_VALUES_MAX, a->applicant_email);
	for (size_t i = 0; i < nemails; i++)
		app_values_add(v, &n, APP_VALUES_MAX, emails[i]);
	if (app_suspicious((const char *)list, len, v, n, why, whylen))
		res = 0;
	OPENSSL_free(cn);
	OPENSSL_free(o);
	free(list);
	return res;
}

/* The e-mail addresses of a stored application (JSON array text). */
static size_t
app_emails_of(const struct store_app *a, json_t **keep, const char **out)
{
	json_t *arr, *v;
	size_t i, n = 0;

	*keep = arr = json_loads(a->emails, 0, NULL);
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && n < CERT_LIST_MAX)
			out[n++] = json_string_value(v);
	return n;
}

/* --- submission -------------------------------------------------------- */

/* 1 if policy is in the comma list csv. */
static int
app_csv_has(const char *csv, const char *policy)
{
	size_t len = strlen(policy);

	for (const char *p = csv; *p != '\0';) {
		size_t k = strcspn(p, ",");

		if (k == len && strncmp(p, policy, len) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The profile a submission is checked against (S/MIME: the wider one). */
static const struct profile *
app_profile(const char *policy)
{
	if (strcmp(policy, "smime") == 0)
		return profile_by_name("smime-multipurpose");
	return profile_by_name(policy);
}

/* Whether by may act for org: admins and RA operators, or that LRA. */
static int
app_scope_ok(const struct ra_principal *by, const char *org)
{
	if (!by->full)
		return 0;
	if (by->role == STORE_RA_ADMIN || by->role == STORE_RA_OPERATOR)
		return 1;
	return by->role == STORE_RA_LRA && org != NULL &&
	    strcmp(by->org, org) == 0;
}

/* An organisation name as the store spells them. */
static int
app_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-");

	return n > 0 && n <= 64 && s[n] == '\0';
}

/*
 * CP-3.2.4: an LRA vouches for its own organisation only, so an
 * organizationName in the subject it applies for must be the name the
 * RA registered for it (an RA operator verifies other names itself).
 */
static enum ra_status
app_check_lra_subject_org(const struct store_org *o, const struct app_new *in,
    char *why, size_t whylen)
{
	X509_NAME *subj;
	char perr[256], *org_name = NULL;
	enum ra_status s = RA_OK;

	if (in->subject == NULL ||
	    (subj = name_parse(in->subject, ~0u, perr, sizeof(perr))) == NULL)
		return RA_OK;	/* malformed: app_check_request says why */
	org_name = name_get_text(subj, NID_organizationName);
	X509_NAME_free(subj);
	if (org_name != NULL && (o->display_name == NULL ||
	    strcmp(org_name, o->display_name) != 0))
		s = app_refuse(RA_FORBIDDEN, why, whylen, "an LRA applies in "
		    "its own organisation's name only: O must be \"%s\" "
		    "(CP-3.2.4)", o->display_name != NULL ? o->display_name :
		    o->name);
	OPENSSL_free(org_name);
	return s;
}

/* The organisation, approved and allowed the policy (CP-1.3.2, 4.1.1). */
static enum ra_status
app_check_org(struct ra *ra, const struct ra_principal *by,
    const struct app_new *in, char *why, size_t whylen)
{
	struct store_org *o = NULL;
	enum ra_status s = RA_OK;
	int ok;

	if (!ra_policy_allowed(0, in->policy))
		return app_refuse(RA_INVALID, why, whylen, "policy must be "
		    "client, document, smime or codesign");
	if (by->role == STORE_RA_LRA && !ra_policy_allowed(1, in->policy))
		return app_refuse(RA_FORBIDDEN, why, whylen, "an LRA may apply "
		    "for the client and document policies only (CP-1.3.2)");
	if (!app_name_ok(in->org))
		return app_refuse(RA_INVALID, why, whylen, "org: 1 to 64 "
		    "characters of a-z, 0-9, '.', '_' and '-'");
	pthread_mutex_lock(&ra->mu);
	ok = store_org_get(ra->st, in->org, &o);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return app_refuse(RA_ERROR, why, whylen, "store error");
	if (o == NULL || o->status != STORE_ORG_APPROVED)
		s = app_refuse(RA_INVALID, why, whylen, "organisation %s is not "
		    "an approved organisation (CP-4.1.1)", in->org);
	else if (!app_csv_has(o->policies, in->policy))
		s = app_refuse(RA_FORBIDDEN, why, whylen, "organisation %s may "
		    "not apply for the %s policy (its policies: %s)", in->org,
		    in->policy, o->policies[0] ? o->policies : "none");
	else if (by->role == STORE_RA_LRA)
		s = app_check_lra_subject_org(o, in, why, whylen);
	store_org_free(o);
	return s;
}

/* The CSR: parses, proves possession (CP-3.2.1), has an allowed key. */
static enum ra_status
app_check_csr(const struct app_new *in, const struct profile *p, char *why,
    size_t whylen)
{
	char err[256];
	X509_REQ *req;
	enum ra_status s = RA_OK;

	if ((req = csr_parse((const unsigned char *)in->csr, in->csr_len, err,
	    sizeof(err))) == NULL)
		return app_refuse(RA_INVALID, why, whylen, "csr: %s", err);
	if (!csr_verify_pop(req, err, sizeof(err)) ||
	    !csr_check_key(X509_REQ_get0_pubkey(req), p, err, sizeof(err)))
		s = app_refuse(RA_INVALID, why, whylen, "csr: %s", err);
	X509_REQ_free(req);
	return s;
}

static int
app_eku_allowed(const struct profile *p, const char *eku)
{
	for (size_t i = 0; i < PROFILE_EKU_MAX && p->eku_allowed[i]; i++)
		if (strcmp(p->eku_allowed[i], eku) == 0)
			return 1;
	return 0;
}

/* No control characters (names go into mails and logs). */
static int
app_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* The attributes the profile requires (C, O, CN): 1, or 0 with the first missing. */
static int
app_subject_required(X509_NAME *subj, const struct profile *p, char *miss,
    size_t len)
{
	static const struct { unsigned int attr; int nid; const char *key; }
	    attrs[] = {
		{ NAME_ATTR_C, NID_countryName, "C" },
		{ NAME_ATTR_O, NID_organizationName, "O" },
		{ NAME_ATTR_CN, NID_commonName, "CN" },
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if ((p->subject_required & attrs[i].attr) &&
		    X509_NAME_get_index_by_NID(subj, attrs[i].nid, -1) < 0) {
			snprintf(miss, len, "%s", attrs[i].key);
			return 0;
		}
	return 1;
}

/* The request itself: key, subject, SANs, EKUs, applicant, agreement. */
static enum ra_status
app_check_request(const struct app_new *in, char *why, size_t whylen)
{
	const struct profile *p = app_profile(in->policy);
	char perr[256];
	X509_NAME *subj;

	if (p == NULL)
		return app_refuse(RA_INVALID, why, whylen, "unknown policy");
	if ((in->csr == NULL) == (in->keygen == 0))
		return app_refuse(RA_INVALID, why, whylen, "give either csr "
		    "(PEM) or \"generate_key\": true, not both");
	if (in->keygen && strcmp(in->policy, "codesign") == 0)
		return app_refuse(RA_INVALID, why, whylen, "a code signing key "
		    "must be made in a hardware crypto module (CSBR 6.2.7.3, "
		    "CP-6.2.7); send a CSR");
	if ((subj = name_parse(in->subject, p->subject_allowed, perr,
	    sizeof(perr))) == NULL)
		return app_refuse(RA_INVALID, why, whylen, "subject: %s "
		    "(profile %s, table %s)", perr, p->name, p->table);
	if (!app_subject_required(subj, p, perr, sizeof(perr))) {
		X509_NAME_free(subj);
		return app_refuse(RA_INVALID, why, whylen, "subject: %s is "
		    "required in the %s profile (table %s)", perr, p->name,
		    p->table);
	}
	X509_NAME_free(subj);
	for (size_t i = 0; i < in->nemails; i++)
		if (!app_email_ok(in->emails[i]))
			return app_refuse(RA_INVALID, why, whylen, "emails[%zu]: "
			    "not an e-mail address", i);
	if (strcmp(in->policy, "smime") == 0 && in->nemails == 0)
		return app_refuse(RA_INVALID, why, whylen, "an S/MIME "
		    "certificate needs at least one e-mail address (SBR 7.1.2.3)");
	if (in->nemails > 0 && !(p->san_allowed & PROFILE_SAN_EMAIL))
		return app_refuse(RA_INVALID, why, whylen, "the %s profile "
		    "has no e-mail SAN", p->name);
	if (in->upn != NULL && !(p->san_allowed & PROFILE_SAN_UPN))
		return app_refuse(RA_INVALID, why, whylen, "the %s profile "
		    "has no UPN SAN", p->name);
	for (size_t i = 0; i < in->neku; i++)
		if (!app_eku_allowed(p, in->ekus[i]))
			return app_refuse(RA_INVALID, why, whylen, "eku %s is "
			    "not allowed in the %s profile", in->ekus[i],
			    p->name);
	if (in->applicant_name == NULL || in->applicant_name[0] == '\0' ||
	    !app_printable(in->applicant_name))
		return app_refuse(RA_INVALID, why, whylen, "applicant name "
		    "missing or with control characters");
	if (!app_email_ok(in->applicant_email))
		return app_refuse(RA_INVALID, why, whylen, "applicant e-mail: "
		    "not an e-mail address");
	if (in->agreement_version == NULL || in->agreement_version[0] == '\0' ||
	    !app_printable(in->agreement_version))
		return app_refuse(RA_INVALID, why, whylen, "the applicant must "
		    "agree to the CP/CPS (CP-4.1.2)");
	if ((in->replaces_issuer == NULL) != (in->replaces_serial == NULL))
		return app_refuse(RA_INVALID, why, whylen, "replaces needs "
		    "both issuer and serial");
	return in->csr != NULL ? app_check_csr(in, p, why, whylen) : RA_OK;
}

/*
 * CP-4.8: the certificate replaced is good, within its validity, and was
 * issued through an application of the same organisation.
 */
static enum ra_status
app_check_replaces(struct ra *ra, const char *org, const char *issuer,
    const char *serial, int64_t now, char *why, size_t whylen)
{
	struct store_cert *c = NULL;
	struct store_app *old = NULL;
	enum ra_status s = RA_OK;
	int64_t id = 0;
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_cert_get(ra->st, issuer, serial, &c) &&
	    store_app_by_cert(ra->st, issuer, serial, &id) &&
	    (id == 0 || store_app_get(ra->st, id, &old));
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		s = app_refuse(RA_ERROR, why, whylen, "store error");
	else if (c == NULL || c->state != STORE_CERT_ISSUED)
		s = app_refuse(RA_NOT_FOUND, why, whylen, "replaces: no "
		    "certificate %s/%s", issuer, serial);
	else if (c->status != STORE_STATUS_GOOD || now > c->not_after)
		s = app_refuse(RA_INVALID, why, whylen, "replaces: certificate "
		    "%s/%s is not good (revoked, on hold or expired)", issuer,
		    serial);
	else if (old == NULL || strcmp(old->org, org) != 0)
		s = app_refuse(RA_FORBIDDEN, why, whylen, "replaces: "
		    "certificate %s/%s does not belong to organisation %s",
		    issuer, serial, org);
	store_cert_free(c);
	store_app_free(old);
	return s;
}

/* A JSON array of strings, as text. */
static char *
app_json_list(const char *const *v, size_t n)
{
	json_t *a = json_array();
	char *s;

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	s = a != NULL ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

/* The automatic blocklist item, recorded as the system's. */
static int
app_record_blocklist(struct store *st, int64_t id, int pass,
    const char *note, int64_t now)
{
	struct store_app_check c = { 0 };

	c.app_id = id;
	c.item = app_item_name(APP_ITEM_BLOCKLIST);
	c.result = pass ? "pass" : "fail";
	c.note = note;
	c.evidence = "automatic: suspicious list, earlier rejections, breaches";
	c.checked_by = "inkan";
	c.checked_at = now;
	return store_app_check_set(st, &c);
}

static enum ra_status
app_submit_checks(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, struct app_new *in, int64_t now,
    char *why, size_t whylen)
{
	struct store_app probe = { 0 };
	enum ra_status s;
	int r;

	if (by->role == STORE_RA_LRA && by->full) {
		if (in->org != NULL && strcmp(in->org, by->org) != 0)
			return app_refuse(RA_FORBIDDEN, why, whylen, "an LRA "
			    "applies for its own organisation only");
		in->org = by->org;
	} else if (!by->full || (by->role != STORE_RA_ADMIN &&
	    by->role != STORE_RA_OPERATOR))
		return app_refuse(RA_FORBIDDEN, why, whylen, "only RA operators, "
		    "administrators and LRAs submit applications");
	if (in->org == NULL)
		return app_refuse(RA_INVALID, why, whylen, "org missing");
	/* Scope before content: out of scope is 403 whatever else is wrong. */
	if ((s = app_check_org(ra, by, in, why, whylen)) != RA_OK ||
	    (s = app_check_request(in, why, whylen)) != RA_OK)
		return s;
	if (in->replaces_serial != NULL && (s = app_check_replaces(ra,
	    in->org, in->replaces_issuer, in->replaces_serial, now, why,
	    whylen)) != RA_OK)
		return s;
	probe.applicant_name = (char *)in->applicant_name;
	probe.applicant_email = (char *)in->applicant_email;
	probe.subject = (char *)in->subject;
	r = app_blocklist(ra, env, &probe, in->emails, in->nemails, why,
	    whylen);
	return r == 1 ? RA_OK : r == 0 ? RA_FORBIDDEN : RA_ERROR;
}

enum ra_status
app_submit(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, const struct app_new *in0, int64_t now,
    int64_t *id, char *why, size_t whylen)
{
	struct app_new in = *in0;
	struct store_app a = { 0 };
	char detail[APP_WHY_MAX + 64];
	enum ra_status s;
	int ok;

	*id = 0;
	why[0] = '\0';
	if ((s = app_submit_checks(ra, env, by, &in, now, why, whylen)) !=
	    RA_OK) {
		app_audit(ra, by, "ra.app.submit", 0, "refused", why);
		return s;
	}
	a.org = (char *)in.org;
	a.policy = (char *)in.policy;
	a.subject = (char *)in.subject;
	a.emails = app_json_list(in.emails, in.nemails);
	a.upn = (char *)in.upn;
	a.ekus = app_json_list(in.ekus, in.neku);
	a.csr_pem = (char *)in.csr;
	a.keygen = in.keygen;
	a.applicant_name = (char *)in.applicant_name;
	a.applicant_email = (char *)in.applicant_email;
	a.agreement_version = (char *)in.agreement_version;
	a.agreed_at = now;	/* CP-4.1.2: when the agreement was received */
	a.replaces_issuer = (char *)in.replaces_issuer;
	a.replaces_serial = (char *)in.replaces_serial;
	a.submitted_by = (char *)by->name;
	a.submitted_via = by->role == STORE_RA_LRA ? "lra" : "ra";
	a.submitted_at = now;
	pthread_mutex_lock(&ra->mu);
	ok = a.emails != NULL && a.ekus != NULL && store_begin(ra->st);
	ok = ok && store_app_insert(ra->st, &a, id) &&
	    app_record_blocklist(ra->st, *id, 1, "clear at submission", now);
	ok = ok ? store_commit(ra->st) : (store_rollback(ra->st), 0);
	pthread_mutex_unlock(&ra->mu);
	free(a.emails);
	free(a.ekus);
	if (!ok) {
		*id = 0;
		snprintf(why, whylen, "the application could not be stored");
		app_audit(ra, by, "ra.app.submit", 0, "failure", why);
		return RA_ERROR;
	}
	snprintf(detail, sizeof(detail), "org %s, policy %s, %s%s%s", in.org,
	    in.policy, in.keygen ? "CA-generated key" : "CSR",
	    in.replaces_serial ? ", replaces " : "",
	    in.replaces_serial ? in.replaces_serial : "");
	app_audit(ra, by, "ra.app.submit", *id, "success", detail);
	return RA_OK;
}

/* --- reading ------------------------------------------------------------ */

/* CP-4.4.1: records an acceptance that fell due (lazily, on read). */
static void
app_lapse(struct ra *ra, struct store_app *a, int64_t now)
{
	int64_t at;
	int ok;

	if (!app_accept_due(a, now))
		return;
	at = a->issued_at + APP_ACCEPT_AFTER;
	pthread_mutex_lock(&ra->mu);
	ok = store_app_accept(ra->st, a->id, "auto", "inkan", at);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return;		/* someone else recorded it meanwhile */
	a->accepted_at = at;
	free(a->accepted_how);
	a->accepted_how = strdup("auto");
	free(a->accepted_by);
	a->accepted_by = strdup("inkan");
	app_audit(ra, NULL, "ra.app.accept", a->id, "success", "accepted: "
	    "14 days after issuance without objection (CP-4.4.1)");
}

/* The ids of applications whose acceptance fell due (at most a batch). */
#define APP_LAPSE_BATCH	64

struct app_lapsed {
	int64_t		 now;
	int64_t		 id[APP_LAPSE_BATCH];
	size_t		 n;
};

static int
app_lapsed_one(const struct store_app *a, void *arg)
{
	struct app_lapsed *l = arg;

	if (app_accept_due(a, l->now) && l->n < APP_LAPSE_BATCH)
		l->id[l->n++] = a->id;
	return 1;
}

int
app_accept_lapsed(struct ra *ra, int64_t now)
{
	struct app_lapsed l;
	struct store_app *a;
	int done = 0, before, ok;

	do {
		before = done;
		memset(&l, 0, sizeof(l));
		l.now = now;
		pthread_mutex_lock(&ra->mu);
		ok = store_app_each(ra->st, NULL, -1, app_lapsed_one, &l);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			return -1;
		for (size_t i = 0; i < l.n; i++) {
			pthread_mutex_lock(&ra->mu);
			ok = store_app_get(ra->st, l.id[i], &a);
			pthread_mutex_unlock(&ra->mu);
			if (!ok || a == NULL)
				return -1;
			if (app_accept_due(a, now)) {
				app_lapse(ra, a, now);
				done += a->accepted_at != 0;
			}
			store_app_free(a);
		}
	} while (l.n == APP_LAPSE_BATCH && done > before);
	return done;
}

/* Loads id; RA_FORBIDDEN (audited) for another organisation's. */
static enum ra_status
app_load(struct ra *ra, const struct ra_principal *by, int64_t id,
    const char *what, struct store_app **out)
{
	int ok;

	*out = NULL;
	pthread_mutex_lock(&ra->mu);
	ok = store_app_get(ra->st, id, out);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (*out == NULL)
		return RA_NOT_FOUND;
	if (!app_scope_ok(by, (*out)->org) && !(by->full &&
	    by->role == STORE_RA_AUDITOR && strcmp(what, "ra.app.read") == 0)) {
		store_app_free(*out);
		*out = NULL;
		app_audit(ra, by, what, id, "refused", "another organisation's "
		    "application (out of scope)");
		return RA_FORBIDDEN;
	}
	return RA_OK;
}

enum ra_status
app_get(struct ra *ra, const struct ra_principal *by, int64_t id,
    int64_t now, struct store_app **out)
{
	enum ra_status s;

	if ((s = app_load(ra, by, id, "ra.app.read", out)) == RA_OK)
		app_lapse(ra, *out, now);
	return s;
}

/* --- examination -------------------------------------------------------- */

int
app_check_email_control(struct ra *ra, const struct store_app *a,
    const struct app_check_in *in, int64_t now, char *evidence,
    size_t evlen, char *why, size_t whylen)
{
	const char *emails[CERT_LIST_MAX];
	char id[RA_VALIDATION_ID_LEN + 1];
	json_t *keep = NULL;
	size_t n, used = 0;
	int ok = 1, n2;

	evidence[0] = '\0';
	if (!in->pass)
		return 1;
	/*
	 * A pass rests on the validations themselves (CP-3.2.7, SBR 3.2.2):
	 * every address must be covered by a completed validation still
	 * reusable now. Their ids become the item's evidence.
	 */
	n = app_emails_of(a, &keep, emails);
	if (n == 0) {
		snprintf(why, whylen, "email_control: the application names no "
		    "e-mail address");
		ok = 0;
	}
	for (size_t i = 0; ok && i < n; i++) {
		if (!ra_email_control_current(ra, emails[i], now, id,
		    sizeof(id))) {
			snprintf(why, whylen, "email_control: no completed e-mail "
			    "control validation reusable now covers %s "
			    "(CP-3.2.7, SBR 3.2.2): start one with POST "
			    "/ra/v1/validations", emails[i]);
			ok = 0;
			break;
		}
		n2 = snprintf(evidence + used, evlen - used, "%s%s: validation "
		    "%s", i > 0 ? "; " : "", emails[i], id);
		if (n2 < 0 || (size_t)n2 >= evlen - used) {
			snprintf(why, whylen, "email_control: the evidence of %zu "
			    "addresses does not fit the record", n);
			ok = 0;
			break;
		}
		used += (size_t)n2;
	}
	if (ok && in->evidence != NULL && in->evidence[0] != '\0' &&
	    (size_t)snprintf(evidence + used, evlen - used, "; %s",
	    in->evidence) >= evlen - used) {
		snprintf(why, whylen, "email_control: evidence too long");
		ok = 0;
	}
	json_decref(keep);
	return ok;
}

enum ra_status
app_check(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, int64_t id, const struct app_check_in *in,
    int64_t now, char *why, size_t whylen)
{
	struct store_app_check c = { 0 };
	struct store_app *a = NULL;
	char detail[APP_WHY_MAX], evidence[APP_EVIDENCE_MAX] = "";
	enum ra_status s;
	int ok;

	(void)env;
	why[0] = '\0';
	if ((s = app_load(ra, by, id, "ra.app.check", &a)) != RA_OK)
		return s;
	if (a->status != STORE_APP_PENDING)
		s = app_refuse(RA_CONFLICT, why, whylen, "application %lld is %s,"
		    " no longer under examination", (long long)id,
		    store_app_status_name(a->status));
	else if (in->item == APP_ITEM_BLOCKLIST)
		s = app_refuse(RA_INVALID, why, whylen, "the blocklist item is "
		    "checked automatically (CP-4.2.2)");
	else if (!app_item_required(a, in->item))
		s = app_refuse(RA_INVALID, why, whylen, "item %s does not apply "
		    "to this application", app_item_name(in->item));
	else if (in->item == APP_ITEM_EMAIL_CONTROL &&
	    by->role == STORE_RA_LRA)
		s = app_refuse(RA_FORBIDDEN, why, whylen, "e-mail control is "
		    "recorded by an RA operator: validations are the RA's, not "
		    "tied to one organisation (CP-3.2.7)");
	else if (in->item == APP_ITEM_EMAIL_CONTROL &&
	    !app_check_email_control(ra, a, in, now, evidence,
	    sizeof(evidence), why, whylen))
		s = RA_INVALID;
	if (s != RA_OK) {
		app_audit(ra, by, "ra.app.check", id, "refused", why);
		store_app_free(a);
		return s;
	}
	c.app_id = id;
	c.item = app_item_name(in->item);
	c.result = in->pass ? "pass" : "fail";
	c.note = in->note;
	c.evidence = evidence[0] != '\0' ? evidence : in->evidence;
	c.checked_by = by->name;
	c.checked_at = now;
	pthread_mutex_lock(&ra->mu);
	ok = store_app_check_set(ra->st, &c);
	pthread_mutex_unlock(&ra->mu);
	store_app_free(a);
	snprintf(detail, sizeof(detail), "%s: %s", c.item, c.result);
	app_audit(ra, by, "ra.app.check", id, ok ? "success" : "failure",
	    detail);
	if (!ok)
		return app_refuse(RA_CONFLICT, why, whylen, "not recorded "
		    "(the application was decided meanwhile)");
	return RA_OK;
}

struct app_checklist {
	const struct store_app *a;
	int		 passed[APP_ITEM_MAX];
};

static int
app_checklist_one(const struct store_app_check *c, void *arg)
{
	struct app_checklist *l = arg;
	enum app_item i;

	if (app_item_parse(c->item, &i))
		l->passed[i] = strcmp(c->result, "pass") == 0;
	return 1;
}

/* Every required item passed: 1, else 0 with the first missing in why. */
static int
app_checklist_done(struct ra *ra, const struct store_app *a, char *why,
    size_t whylen)
{
	struct app_checklist l = { a, { 0 } };
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_app_check_each(ra->st, a->id, app_checklist_one, &l);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		snprintf(why, whylen, "cannot read the checklist");
		return 0;
	}
	for (int i = 0; i < APP_ITEM_MAX; i++)
		if (app_item_required(a, (enum app_item)i) && !l.passed[i]) {
			snprintf(why, whylen, "checklist item %s has not passed "
			    "(CP-4.2.1)", app_item_name((enum app_item)i));
			return 0;
		}
	return 1;
}

/* --- step-up MFA -------------------------------------------------------- */

/*
 * A fresh TOTP code of account name for an issuance-capable step
 * (CP-6.5.1). A wrong code counts towards the account's lock-out; a code
 * is used once.
 */
static enum ra_status
app_stepup(struct ra *ra, const struct ra_principal *by, const char *name,
    const char *code, size_t code_len, int64_t now, char *why, size_t whylen)
{
	struct store_account *acc = NULL;
	enum ra_status s = RA_OK;
	int64_t step = 0, failures = 0, lock;
	int ok, used = 0;

	if (code == NULL)
		return app_refuse(RA_TOTP_REQUIRED, why, whylen, "a fresh TOTP "
		    "code is required (\"totp\")");
	pthread_mutex_lock(&ra->mu);
	ok = store_account_get(ra->st, name, &acc);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return app_refuse(RA_ERROR, why, whylen, "store error");
	if (acc == NULL || acc->disabled || acc->totp_len == 0 ||
	    (by->role == STORE_RA_LRA && (acc->role != STORE_RA_LRA ||
	    acc->org == NULL || strcmp(acc->org, by->org) != 0))) {
		s = app_refuse(RA_FORBIDDEN, why, whylen, "operator %s is not an "
		    "enabled, TOTP-enrolled operator of this %s", name,
		    by->role == STORE_RA_LRA ? "LRA" : "RA");
		goto out;
	}
	if (acc->locked_until > now) {
		s = app_refuse(RA_LOCKED, why, whylen, "account %s is locked",
		    name);
		goto out;
	}
	switch (ra_totp_check(acc->totp, acc->totp_len, (time_t)now, code,
	    code_len, acc->totp_last_step, &step)) {
	case RA_TOTP_OK:
		pthread_mutex_lock(&ra->mu);
		ok = store_account_totp_use(ra->st, name, step, &used);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = app_refuse(RA_ERROR, why, whylen, "store error");
		else if (!used)
			s = app_refuse(RA_TOTP_REPLAYED, why, whylen, "TOTP code "
			    "already used");
		break;
	case RA_TOTP_REPLAY:
		s = app_refuse(RA_TOTP_REPLAYED, why, whylen, "TOTP code "
		    "already used");
		break;
	case RA_TOTP_BAD:
		s = app_refuse(RA_BAD_CREDENTIALS, why, whylen, "wrong TOTP "
		    "code");
		break;
	default:
		s = app_refuse(RA_ERROR, why, whylen, "TOTP check failed");
	}
	if (s == RA_BAD_CREDENTIALS || s == RA_TOTP_REPLAYED) {
		pthread_mutex_lock(&ra->mu);
		if (store_account_failure(ra->st, name, &failures) &&
		    (lock = ra_lock_seconds(failures)) > 0)
			(void)store_account_lock(ra->st, name, now + lock);
		pthread_mutex_unlock(&ra->mu);
	}
 out:
	store_account_free(acc);
	return s;
}

/* --- decisions ---------------------------------------------------------- */

static enum ra_status
app_reject(struct ra *ra, const struct ra_principal *by, struct store_app *a,
    const char *reason, int64_t now, char *why, size_t whylen)
{
	int ok;

	if (reason == NULL || reason[0] == '\0')
		return app_refuse(RA_INVALID, why, whylen, "a rejection needs a "
		    "reason (CP-4.2.2)");
	if (a->status != STORE_APP_PENDING)
		return app_refuse(RA_CONFLICT, why, whylen, "application is %s",
		    store_app_status_name(a->status));
	pthread_mutex_lock(&ra->mu);
	ok = store_app_decide(ra->st, a->id, STORE_APP_REJECTED, by->name, now,
	    reason);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return app_refuse(RA_CONFLICT, why, whylen, "decided meanwhile");
	app_audit(ra, by, "ra.app.reject", a->id, "success", reason);
	return RA_OK;
}

/* The blocklist again at approval: the list or the records may have grown. */
static enum ra_status
app_recheck_blocklist(struct ra *ra, const struct app_env *env,
    const struct store_app *a, int64_t now, char *why, size_t whylen)
{
	const char *emails[CERT_LIST_MAX];
	json_t *keep = NULL;
	size_t n = app_emails_of(a, &keep, emails);
	int r;

	r = app_blocklist(ra, env, a, emails, n, why, whylen);
	json_decref(keep);
	if (r < 0)
		return RA_ERROR;
	pthread_mutex_lock(&ra->mu);
	(void)app_record_blocklist(ra->st, a->id, r, r ? "clear at approval" :
	    why, now);
	pthread_mutex_unlock(&ra->mu);
	return r ? RA_OK : RA_FORBIDDEN;
}

static enum ra_status
app_approve(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, struct store_app *a, int64_t now,
    struct app_outcome *out, char *why, size_t whylen)
{
	struct app_check_in ec = { .item = APP_ITEM_EMAIL_CONTROL, .pass = 1 };
	char evidence[APP_EVIDENCE_MAX];
	enum ra_status s;
	int ok;

	if (a->status != STORE_APP_PENDING && a->status != STORE_APP_APPROVED)
		return app_refuse(RA_CONFLICT, why, whylen, "application is %s",
		    store_app_status_name(a->status));
	/*
	 * SBR 4.2.1: e-mail control must still hold when the certificate is
	 * signed, not only when the item was recorded (also on a retry).
	 */
	if (app_item_required(a, APP_ITEM_EMAIL_CONTROL) &&
	    !app_check_email_control(ra, a, &ec, now, evidence,
	    sizeof(evidence), why, whylen))
		return RA_INVALID;
	if (a->status == STORE_APP_PENDING) {
		if ((s = app_recheck_blocklist(ra, env, a, now, why, whylen)) !=
		    RA_OK)
			return s;
		if (!app_checklist_done(ra, a, why, whylen))
			return RA_INVALID;
		pthread_mutex_lock(&ra->mu);
		ok = store_app_decide(ra->st, a->id, STORE_APP_APPROVED,
		    by->name, now, NULL);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			return app_refuse(RA_CONFLICT, why, whylen, "decided "
			    "meanwhile");
		app_audit(ra, by, "ra.app.approve", a->id, "success", NULL);
	}
	/* CP-4.2.3: issued at once. */
	app_issue(ra, env, by, a, now, out);
	return RA_OK;
}

enum ra_status
app_decide(struct ra *ra, const struct app_env *env,
    const struct ra_principal *by, int64_t id, const struct app_decision *d,
    int64_t now, struct app_outcome *out, char *why, size_t whylen)
{
	const char *type = d->approve ? "ra.app.approve" : "ra.app.reject";
	const char *who = by->name;
	struct store_app *a = NULL;
	enum ra_status s;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if ((s = app_load(ra, by, id, type, &a)) != RA_OK)
		return s;
	if (by->role == STORE_RA_LRA) {
		/* The LRA's TOTP is that of its operator account. */
		if (d->operator == NULL) {
			s = app_refuse(RA_INVALID, why, whylen, "\"operator\": the "
			    "LRA operator account whose TOTP code this is");
			goto out;
		}
		who = d->operator;
		if (strcmp(a->policy, "client") != 0 &&
		    strcmp(a->policy, "document") != 0) {
			s = app_refuse(RA_FORBIDDEN, why, whylen, "an LRA decides "
			    "client and document applications only (CP-1.3.2)");
			goto out;
		}
	}
	/* Step-up MFA for the decision, approval or rejection alike. */
	if ((s = app_stepup(ra, by, who, d->totp, d->totp_len, now, why,
	    whylen)) != RA_OK)
		goto out;
	s = d->approve ? app_approve(ra, env, by, a, now, out, why, whylen) :
	    app_reject(ra, by, a, d->reason, now, why, whylen);
 out:
	if (s != RA_OK)
		app_audit(ra, by, type, id, "refused", why);
	store_app_free(a);
	return s;
}

/* --- acceptance, objection --------------------------------------------- */

enum ra_status
app_accept(struct ra *ra, const struct ra_principal *by, int64_t id,
    int64_t now, char *why, size_t whylen)
{
	struct store_app *a = NULL;
	enum ra_status s;
	int ok;

	why[0] = '\0';
	if ((s = app_load(ra, by, id, "ra.app.accept", &a)) != RA_OK)
		return s;
	app_lapse(ra, a, now);
	if (a->status != STORE_APP_ISSUED || a->accepted_at != 0)
		s = app_refuse(RA_CONFLICT, why, whylen, a->accepted_at ?
		    "already accepted (%s)" : "application is %s, not issued",
		    a->accepted_at ? a->accepted_how :
		    store_app_status_name(a->status));
	else {
		pthread_mutex_lock(&ra->mu);
		ok = store_app_accept(ra->st, id, "receipt", by->name, now);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = app_refuse(RA_CONFLICT, why, whylen, "accepted "
			    "meanwhile");
	}
	app_audit(ra, by, "ra.app.accept", id, s == RA_OK ? "success" :
	    "refused", s == RA_OK ? "receipt report (CP-4.4.1)" : why);
	store_app_free(a);
	return s;
}

enum ra_status
app_object(struct ra *ra, const struct ra_principal *by, int64_t id,
    const char *text, int64_t now, char *why, size_t whylen)
{
	struct store_app *a = NULL;
	enum ra_status s;
	int ok;

	why[0] = '\0';
	if ((s = app_load(ra, by, id, "ra.app.object", &a)) != RA_OK)
		return s;
	app_lapse(ra, a, now);
	if (text == NULL || text[0] == '\0')
		s = app_refuse(RA_INVALID, why, whylen, "an objection needs a "
		    "text");
	else if (a->status != STORE_APP_ISSUED || a->accepted_at != 0)
		s = app_refuse(RA_CONFLICT, why, whylen, "only an issued "
		    "certificate not yet accepted can be objected to");
	else {
		pthread_mutex_lock(&ra->mu);
		ok = store_app_object(ra->st, id, text, by->name, now);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = app_refuse(RA_CONFLICT, why, whylen, "accepted "
			    "meanwhile");
	}
	app_audit(ra, by, "ra.app.object", id, s == RA_OK ? "success" :
	    "refused", s == RA_OK ? text : why);
	store_app_free(a);
	return s;
}

/* --- CP-4.2.2 records, the person in charge ---------------------------- */

static int
app_ra_only(const struct ra_principal *by)
{
	return by->full && (by->role == STORE_RA_ADMIN ||
	    by->role == STORE_RA_OPERATOR);
}

enum ra_status
app_breach(struct ra *ra, const struct ra_principal *by, const char *email,
    const char *note, int64_t now, char *why, size_t whylen)
{
	enum ra_status s = RA_OK;
	int ok;

	why[0] = '\0';
	if (!app_ra_only(by))
		s = app_refuse(RA_FORBIDDEN, why, whylen, "RA operators and "
		    "administrators only");
	else if (!app_email_ok(email) || note == NULL || note[0] == '\0')
		s = app_refuse(RA_INVALID, why, whylen, "an e-mail address and "
		    "a note are required");
	if (s == RA_OK) {
		pthread_mutex_lock(&ra->mu);
		ok = store_breach_insert(ra->st, email, note, by->name, now);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = app_refuse(RA_ERROR, why, whylen, "store error");
	}
	ra_audit_as(ra, by, "ra.app.breach", email != NULL &&
	    app_email_ok(email) ? email : "?", s == RA_OK ? "success" :
	    "refused", s == RA_OK ? note : why);
	return s;
}

enum ra_status
app_org_contact(struct ra *ra, const struct ra_principal *by,
    const char *org, const char *name, const char *email, int64_t now,
    char *why, size_t whylen)
{
	enum ra_status s = RA_OK;
	int ok;

	why[0] = '\0';
	if (!app_ra_only(by))
		s = app_refuse(RA_FORBIDDEN, why, whylen, "RA operators and "
		    "administrators only");
	else if (name == NULL || name[0] == '\0' || !app_email_ok(email))
		s = app_refuse(RA_INVALID, why, whylen, "the person in charge "
		    "needs a name and an e-mail address");
	if (s == RA_OK) {
		pthread_mutex_lock(&ra->mu);
		ok = store_org_contact_set(ra->st, org, name, email, by->name,
		    now);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			s = app_refuse(RA_NOT_FOUND, why, whylen, "no organisation "
			    "%s", org);
	}
	ra_audit_as(ra, by, "ra.org.contact", org, s == RA_OK ? "success" :
	    "refused", s == RA_OK ? email : why);
	return s;
}
