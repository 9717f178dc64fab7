#include "ra/revreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "ra/ra_audit.h"
#include "ra/revreq_impl.h"
#include "util/log.h"
#include "x509/profile.h"

/* --- audit ------------------------------------------------------------------- */

/* One RA event with an explicit actor (subscribers and reporters have none). */
void
revreq_audit(struct ra *ra, const struct ra_principal *by, const char *actor,
    const char *role, const char *auth, const char *source, const char *type,
    const char *object, const char *outcome, const char *detail)
{
	struct ra_audit_event ev = { 0 };

	ev.type = type;
	ev.actor = by != NULL ? by->name : actor;
	ev.role = by != NULL ? store_ra_role_name(by->role) : role;
	ev.auth = by != NULL ? by->auth : auth;
	ev.source = by != NULL ? by->source : source;
	ev.object = object;
	ev.outcome = outcome;
	ev.detail = detail;
	ra_audit_event(ra, &ev);
}

void
revreq_object(char *buf, size_t len, const char *issuer, const char *serial)
{
	snprintf(buf, len, "cert:%.64s:%.42s", issuer != NULL ? issuer : "?",
	    serial != NULL ? serial : "?");
}

/* --- certificates ------------------------------------------------------------- */

int
ra_serial_norm(const char *in, size_t len, char out[64])
{
	size_t i = 0, n = 0;

	while (i < len && (in[i] == '0' || in[i] == ':'))
		i++;
	for (; i < len; i++) {
		char c = in[i];

		if (c == ':')
			continue;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')) || n >= 40)
			return 0;
		out[n++] = (char)(c >= 'a' ? c - 32 : c);
	}
	if (n == 0)
		return 0;
	out[n] = '\0';
	/* BN_bn2hex form: whole octets. */
	if (n % 2 == 1) {
		memmove(out + 1, out, n + 1);
		out[0] = '0';
	}
	return 1;
}

struct rr_find {
	const char	*issuer;
	const unsigned char *der;	/* match by exact DER instead */
	size_t		 der_len;
	struct ra_cert_info *out;
	int		 matches;
};

static void
rr_info_fill(struct ra_cert_info *o, const struct store_cert *c)
{
	const struct profile *p = profile_by_name(c->profile);

	memset(o, 0, sizeof(*o));
	snprintf(o->issuer, sizeof(o->issuer), "%s", c->issuer);
	snprintf(o->serial, sizeof(o->serial), "%s", c->serial);
	snprintf(o->profile, sizeof(o->profile), "%s", c->profile);
	snprintf(o->policy, sizeof(o->policy), "%s", p != NULL &&
	    p->policy != NULL ? p->policy : c->profile);
	snprintf(o->subject, sizeof(o->subject), "%s",
	    c->subject != NULL ? c->subject : "");
	o->status = c->status;
	o->reason = c->reason;
	o->revoked_at = c->revoked_at;
	o->not_before = c->not_before;
	o->not_after = c->not_after;
	o->hold_allowed = p != NULL && p->hold_allowed;
}

static int
rr_find_one(const struct store_cert *c, void *arg)
{
	struct rr_find *f = arg;

	if (c->state != STORE_CERT_ISSUED)
		return 1;
	if (f->der != NULL ? c->der == NULL || c->der_len != f->der_len ||
	    CRYPTO_memcmp(c->der, f->der, f->der_len) != 0 :
	    f->issuer != NULL && strcmp(c->issuer, f->issuer) != 0)
		return 1;
	if (++f->matches == 1)
		rr_info_fill(f->out, c);
	return 1;
}

/* Adds the owner to a found certificate (ra->mu held). */
static int
rr_owner_fill(struct ra *ra, struct ra_cert_info *o)
{
	return store_cert_owner_get(ra->st, o->issuer, o->serial, &o->owned,
	    o->org, o->email);
}

static enum ra_status
rr_lookup(struct ra *ra, const char *serial, struct rr_find *f,
    const char **why)
{
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_cert_find_serial(ra->st, serial, rr_find_one, f);
	if (ok && f->matches == 1)
		ok = rr_owner_fill(ra, f->out);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (f->matches == 0) {
		*why = "no certificate of this CA with that serial number";
		return RA_NOT_FOUND;
	}
	if (f->matches > 1) {
		*why = "that serial number exists under several CAs: name the "
		    "issuer";
		return RA_INVALID;
	}
	return RA_OK;
}

enum ra_status
ra_cert_lookup(struct ra *ra, const char *issuer, const char *serial,
    struct ra_cert_info *out, const char **why)
{
	struct rr_find f = { issuer, NULL, 0, out, 0 };

	memset(out, 0, sizeof(*out));
	return rr_lookup(ra, serial, &f, why);
}

enum ra_status
ra_cert_lookup_der(struct ra *ra, const unsigned char *der, size_t len,
    struct ra_cert_info *out, const char **why)
{
	struct rr_find f = { NULL, der, len, out, 0 };
	const unsigned char *p = der;
	ASN1_INTEGER *sn;
	BIGNUM *bn = NULL;
	char *hex = NULL, serial[64];
	X509 *x;
	int ok = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > 64 * 1024 ||
	    (x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		*why = "not a certificate";
		return RA_INVALID;
	}
	if (p == der + len && (sn = (ASN1_INTEGER *)
	    X509_get0_serialNumber(x)) != NULL &&
	    (bn = ASN1_INTEGER_to_BN(sn, NULL)) != NULL &&
	    (hex = BN_bn2hex(bn)) != NULL && strlen(hex) < sizeof(serial)) {
		snprintf(serial, sizeof(serial), "%s", hex);
		ok = 1;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	if (!ok) {
		*why = "not a certificate";
		return RA_INVALID;
	}
	return rr_lookup(ra, serial, &f, why);
}

/* The DER of issuer/serial (freed by the caller); NULL if none. */
unsigned char *
revreq_cert_der(struct ra *ra, const char *issuer, const char *serial,
    size_t *len)
{
	struct store_cert *c = NULL;
	unsigned char *der = NULL;

	pthread_mutex_lock(&ra->mu);
	if (store_cert_get(ra->st, issuer, serial, &c) && c != NULL &&
	    c->der != NULL && (der = malloc(c->der_len)) != NULL) {
		memcpy(der, c->der, c->der_len);
		*len = c->der_len;
	}
	pthread_mutex_unlock(&ra->mu);
	store_cert_free(c);
	return der;
}

enum ra_status
ra_cert_owner_record(struct ra *ra, const struct ra_principal *by,
    const char *issuer, const char *serial, const char *org,
    const char *email, int64_t now)
{
	char object[160], detail[400];
	int ok;

	revreq_object(object, sizeof(object), issuer, serial);
	if (email != NULL && (strlen(email) > 254 || strchr(email, '@') ==
	    NULL)) {
		revreq_audit(ra, by, NULL, NULL, NULL, NULL, "ra.cert.owner",
		    object, "refused", "malformed e-mail address");
		return RA_INVALID;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_cert_owner_insert(ra->st, issuer, serial, org, email,
	    by->name, now);
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "organisation %.64s, subscriber "
	    "%.254s", org != NULL ? org : "(none)",
	    email != NULL ? email : "(none)");
	revreq_audit(ra, by, NULL, NULL, NULL, NULL, "ra.cert.owner", object,
	    ok ? "success" : "failure", detail);
	return ok ? RA_OK : RA_CONFLICT;
}

/* --- fresh TOTP (CP-6.5.1) ------------------------------------------------------ */

enum ra_status
ra_totp_fresh(struct ra *ra, const char *name, const char *org,
    const char *code, size_t len, const char *source, int64_t now,
    const char **why)
{
	struct store_account *a = NULL;
	int64_t step = 0;
	enum ra_status s = RA_BAD_CREDENTIALS;
	int ok, used = 0;

	*why = "invalid operator or TOTP code";
	/* A malformed name is an unknown one: the store is not asked. */
	if (name == NULL || strlen(name) == 0 || strlen(name) > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
	    strlen(name))
		return RA_BAD_CREDENTIALS;
	pthread_mutex_lock(&ra->mu);
	ok = store_account_get(ra->st, name, &a);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (a == NULL || a->disabled || a->totp_len == 0 ||
	    (org != NULL ? a->role != STORE_RA_LRA || a->org == NULL ||
	    strcmp(a->org, org) != 0 : a->role != STORE_RA_ADMIN &&
	    a->role != STORE_RA_OPERATOR)) {
		if (a != NULL && a->disabled)
			*why = "operator account disabled";
		else if (a != NULL && a->totp_len == 0)
			*why = "operator has no TOTP enrolled (CP-6.5.1)";
		else if (a != NULL)
			*why = org != NULL ? "operator is not an LRA operator of "
			    "this LRA" : "not an RA operator or CA administrator";
		s = a != NULL && a->disabled ? RA_DISABLED : RA_FORBIDDEN;
		if (a == NULL)
			s = RA_BAD_CREDENTIALS;
		goto out;
	}
	if (a->locked_until > now) {
		*why = "operator account locked after repeated failures";
		s = RA_LOCKED;
		goto out;
	}
	switch (ra_totp_check(a->totp, a->totp_len, (time_t)now, code, len,
	    a->totp_last_step, &step)) {
	case RA_TOTP_OK:
		break;
	case RA_TOTP_REPLAY:
		*why = "TOTP code already used: wait for the next one";
		ra_account_failed(ra, a, source, "totp", "ra.totp.confirm",
		    "TOTP code replayed", now);
		s = RA_TOTP_REPLAYED;
		goto out;
	case RA_TOTP_BAD:
		*why = "wrong TOTP code";
		ra_account_failed(ra, a, source, "totp", "ra.totp.confirm",
		    "wrong TOTP code", now);
		goto out;
	default:
		s = RA_ERROR;
		goto out;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_account_totp_use(ra->st, a->name, step, &used) &&
	    (!used || store_account_clear_failures(ra->st, a->name));
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		s = RA_ERROR;
	else if (!used) {
		*why = "TOTP code already used: wait for the next one";
		s = RA_TOTP_REPLAYED;
	} else {
		*why = NULL;
		s = RA_OK;
	}
 out:
	store_account_free(a);
	return s;
}

/* --- revocation requests (CP-4.9.1-4.9.5) ------------------------------------- */

/* Codes for the CP-4.9.1 grounds of revocation at the CA's discretion. */
static const struct {
	const char	*code;
	const char	*text;
} rr_grounds[] = {
	{ "obligations", "the Subscriber is not performing its obligations "
	    "under the CP, the CPS, agreements or laws" },
	{ "refused_or_breach", "the Subscriber was refused issuance or "
	    "revoked before for breach of contract or other reasons" },
	{ "key_compromise", "the private key of the Subscriber or the CA is "
	    "or may be compromised" },
	{ "noncompliant", "the certificate was not issued in compliance with "
	    "the Baseline Requirements (Code Signing), the CP or the CPS" },
	{ "misuse", "the certificate was used for a purpose other than its "
	    "proper use or the contract, or otherwise misused" },
	{ "email_not_permitted", "use of the e-mail address in the "
	    "certificate is no longer legally permitted" },
	{ "info_changed", "information contained in the certificate changed" },
	{ "illegal_access", "the Subscriber's certificate was illegally "
	    "accessed" },
	{ "suspicious_code", "suspicious code was signed with the "
	    "certificate" },
	{ "mozilla_policy", "the S/MIME certificate was issued in violation "
	    "of the Mozilla Root Store Policy" },
	{ "other", "any other situation deemed to necessitate revocation" },
};

#define RR_NGROUNDS	(sizeof(rr_grounds) / sizeof(rr_grounds[0]))

const char *const ra_grounds_codes[] = {
	"obligations", "refused_or_breach", "key_compromise", "noncompliant",
	"misuse", "email_not_permitted", "info_changed", "illegal_access",
	"suspicious_code", "mozilla_policy", "other", NULL
};

const char *
ra_grounds_text(const char *code)
{
	for (size_t i = 0; code != NULL && i < RR_NGROUNDS; i++)
		if (strcmp(code, rr_grounds[i].code) == 0)
			return rr_grounds[i].text;
	return NULL;
}

/*
 * Which reasons each requester may give (RFC 5280 §5.3.1, with the CABF
 * rules for subscriber certificates: cACompromise and aACompromise are
 * for CA certificates, privilegeWithdrawn is the CA's own; hold is the
 * subscriber's alone, CP-4.9.14).
 */
static int
rr_reason_allowed(enum store_revreq_kind kind, int reason)
{
	switch (reason) {
	case REASON_UNSPECIFIED:
	case REASON_AFFILIATION:
	case REASON_SUPERSEDED:
	case REASON_CESSATION:
		return kind != STORE_REVREQ_REPORTER;
	case REASON_KEY_COMPROMISE:
		return 1;
	case REASON_HOLD:
		return kind == STORE_REVREQ_SUBSCRIBER;
	case REASON_PRIVILEGE:
		return kind == STORE_REVREQ_RA || kind == STORE_REVREQ_CA;
	default:
		return 0;
	}
}

/*
 * Subscriber certificates only: CA and responder certificates are
 * revoked by a deliberate command at the console (`inkan revoke`),
 * never over HTTP.
 */
int
revreq_subscriber_cert(const struct ra_cert_info *c)
{
	return strcmp(c->policy, "client") == 0 ||
	    strcmp(c->policy, "document") == 0 ||
	    strcmp(c->policy, "smime") == 0 ||
	    strcmp(c->policy, "codesign") == 0;
}

/* 1 if policy is in the comma list. */
static int
rr_policy_listed(const char *list, const char *policy)
{
	size_t n = strlen(policy);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, policy, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* CP-1.3.2, 4.9.3: an LRA acts on its organisation's certificates of its policies. */
static enum ra_status
rr_lra_scope(struct ra *ra, const struct ra_principal *by,
    const struct ra_cert_info *c, const char **why)
{
	struct store_org *o = NULL;
	enum ra_status s = RA_FORBIDDEN;
	int ok;

	if (by->role != STORE_RA_LRA || by->org[0] == '\0' || !c->owned ||
	    strcmp(c->org, by->org) != 0) {
		*why = "the certificate does not belong to this LRA's "
		    "organisation";
		return RA_FORBIDDEN;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_org_get(ra->st, by->org, &o);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (o == NULL || o->status != STORE_ORG_APPROVED || !o->lra)
		*why = "no approved LRA";
	else if (!rr_policy_listed(o->policies, c->policy))
		*why = "the certificate's policy is not one this LRA may act "
		    "on (CP-1.3.2: client and document signing only)";
	else
		s = RA_OK;
	store_org_free(o);
	return s;
}

/* Everything that refuses a request, before anything is recorded. */
static enum ra_status
rr_check(struct ra *ra, const struct ra_principal *by,
    const struct ra_revoke_in *in, const struct ra_cert_info *c, int64_t now,
    const char **why)
{
	if (!revreq_subscriber_cert(c)) {
		*why = "not a subscriber certificate: CA and responder "
		    "certificates are revoked at the console (inkan revoke)";
		return RA_FORBIDDEN;
	}
	if (in->kind == STORE_REVREQ_LRA) {
		enum ra_status s = rr_lra_scope(ra, by, c, why);

		if (s != RA_OK)
			return s;
	}
	if ((in->kind == STORE_REVREQ_RA || in->kind == STORE_REVREQ_CA) &&
	    (by == NULL || !by->full || (by->role != STORE_RA_OPERATOR &&
	    by->role != STORE_RA_ADMIN))) {
		*why = "only an RA operator or CA administrator with a full "
		    "session revokes at the CA's discretion";
		return RA_FORBIDDEN;
	}
	if ((in->kind == STORE_REVREQ_RA || in->kind == STORE_REVREQ_CA) &&
	    ra_grounds_text(in->grounds) == NULL) {
		*why = "grounds must name one of the CP-4.9.1 grounds";
		return RA_INVALID;
	}
	if (!rr_reason_allowed(in->kind, in->reason)) {
		*why = in->reason == REASON_HOLD ? "suspension (certificateHold) "
		    "is the subscriber's alone (CP-4.9.14)" : "this reason "
		    "code is not allowed for this requester (RFC 5280 "
		    "§5.3.1, CP-4.9.1)";
		return RA_INVALID;
	}
	if (c->status == STORE_STATUS_REVOKED) {
		*why = "the certificate is already revoked";
		return RA_CONFLICT;
	}
	if (c->not_after < now) {
		*why = "the certificate has expired";
		return RA_CONFLICT;
	}
	if (in->reason == REASON_HOLD && c->status == STORE_STATUS_HOLD) {
		*why = "the certificate is already suspended; request its "
		    "revocation (CP-4.9.13)";
		return RA_CONFLICT;
	}
	if (in->reason == REASON_HOLD && !c->hold_allowed) {
		*why = strcmp(c->profile, "codesign") == 0 ?
		    "code signing certificates cannot be suspended (CSBR "
		    "4.9.13); request revocation instead" :
		    "this certificate cannot be suspended (SBR 4.9.13, "
		    "strict profile); request revocation instead";
		return RA_FORBIDDEN;
	}
	return RA_OK;
}

/* The request as the store keeps it. */
static int
rr_record(struct ra *ra, const struct ra_principal *by,
    const struct ra_revoke_in *in, const struct ra_cert_info *c,
    int64_t now, int64_t *id)
{
	struct store_revreq r = { 0 };
	char grounds[600];
	int ok;

	if (ra_grounds_text(in->grounds) != NULL && in->note != NULL)
		snprintf(grounds, sizeof(grounds), "%s: %.500s", in->grounds,
		    in->note);
	else
		snprintf(grounds, sizeof(grounds), "%.590s",
		    in->grounds != NULL ? in->grounds : "");
	r.issuer = (char *)c->issuer;
	r.serial = (char *)c->serial;
	r.kind = in->kind;
	r.requester = (char *)(in->requester != NULL ? in->requester :
	    by != NULL ? by->name : "?");
	r.org = c->org[0] != '\0' ? (char *)c->org : NULL;
	r.reason = in->reason;
	r.grounds = grounds;
	r.report_id = in->report_id;
	r.requested_at = now;
	pthread_mutex_lock(&ra->mu);
	ok = store_revreq_insert(ra->st, &r, id);
	pthread_mutex_unlock(&ra->mu);
	return ok;
}

/* ra_revoke_check, with the certificate found. */
static enum ra_status
rr_check_all(struct ra *ra, const struct ra_principal *by,
    const struct ra_revoke_in *in, int64_t now, struct ra_cert_info *c,
    const char **why)
{
	char object[160], detail[700];
	enum ra_status s;

	*why = NULL;
	s = ra_cert_lookup(ra, in->issuer, in->serial, c, why);
	if (s == RA_OK)
		s = rr_check(ra, by, in, c, now, why);
	if (s != RA_OK) {
		revreq_object(object, sizeof(object), in->issuer, in->serial);
		snprintf(detail, sizeof(detail), "%s: %s", ca_reason_name(
		    in->reason), *why != NULL ? *why : ra_status_text(s));
		revreq_audit(ra, by, in->requester != NULL ? in->requester : "?",
		    store_revreq_kind_name(in->kind), in->auth, in->source,
		    "ra.revoke.request", object, "refused", detail);
	}
	return s;
}

enum ra_status
ra_revoke_check(struct ra *ra, const struct ra_principal *by,
    const struct ra_revoke_in *in, int64_t now, const char **why)
{
	struct ra_cert_info c;

	return rr_check_all(ra, by, in, now, &c, why);
}

enum ra_status
ra_revoke_request(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_principal *by, const struct ra_revoke_in *in,
    int64_t now, int64_t *id, const char **why)
{
	struct revoke_request req = { 0 };
	struct ra_revoke_who who;
	struct ra_cert_info c;
	const char *actor = in->requester != NULL ? in->requester : "?";
	const char *role = store_revreq_kind_name(in->kind);
	char object[160], detail[700];
	enum ra_status s;
	int done, ok;

	*id = 0;
	if ((s = rr_check_all(ra, by, in, now, &c, why)) != RA_OK)
		return s;
	revreq_object(object, sizeof(object), c.issuer, c.serial);
	if (!rr_record(ra, by, in, &c, now, id))
		return RA_ERROR;
	/* Processed at once (CP-4.9.5): CRL and OCSP follow in ca_revoke. */
	req.serial = c.serial;
	req.issuer = c.issuer;
	req.reason = in->reason;
	who.actor = by != NULL ? by->name : actor;
	who.role = by != NULL ? store_ra_role_name(by->role) : role;
	who.auth = by != NULL ? by->auth : in->auth;
	who.source = by != NULL ? by->source : in->source;
	done = rv != NULL && rv->revoke != NULL &&
	    rv->revoke(rv->arg, &req, &who);
	pthread_mutex_lock(&ra->mu);
	ok = store_revreq_finish(ra->st, *id, done ? STORE_REVREQ_DONE :
	    STORE_REVREQ_FAILED, in->kind == STORE_REVREQ_RA ||
	    in->kind == STORE_REVREQ_CA ? by->name : "inkand", now,
	    done ? "processed at once (CP-4.9.5)" : "the revocation failed; "
	    "see the log");
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "request %lld by %.140s, %s, grounds "
	    "%.400s", (long long)*id, in->requester != NULL ? in->requester :
	    by != NULL ? by->name : "?", ca_reason_name(in->reason),
	    in->grounds != NULL ? in->grounds : "-");
	revreq_audit(ra, by, actor, role, in->auth, in->source,
	    "ra.revoke.request", object, done ? "success" : "failure", detail);
	if (!done) {
		*why = "the revocation could not be carried out";
		return RA_ERROR;
	}
	return ok ? RA_OK : RA_ERROR;
}

