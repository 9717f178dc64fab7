#include "ca/revoke.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/seal.h"
#include "ca/crl.h"
#include "publish/ldap.h"
#include "ocsp/presign.h"
#include "util/log.h"
#include "x509/profile.h"

static const char *const reason_names[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise"
};

#define REASON_HOLD	6
#define REASON_MAX	10

int
ca_reason_parse(const char *s)
{
	char *end;
	long v;

	for (int i = 0; i <= REASON_MAX; i++)
		if (reason_names[i] != NULL && strcasecmp(s, reason_names[i]) == 0)
			return i == 8 ? -1 : i;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > REASON_MAX || v == 7 ||
	    v == 8)
		return -1;
	return (int)v;
}

const char *
ca_reason_name(int reason)
{
	if (reason < 0 || reason > REASON_MAX || reason_names[reason] == NULL)
		return "?";
	return reason_names[reason];
}

struct revoke_find {
	const char	*issuer;
	struct store_cert *found;
	int		 matches;
};

static int
revoke_match(const struct store_cert *c, void *arg)
{
	struct revoke_find *f = arg;

	if (c->state != STORE_CERT_ISSUED ||
	    (f->issuer != NULL && strcmp(c->issuer, f->issuer) != 0))
		return 1;
	if (++f->matches == 1) {
		if ((f->found = calloc(1, sizeof(*f->found))) == NULL)
			return 0;
		*f->found = *c;
		f->found->issuer = strdup(c->issuer);
		f->found->serial = strdup(c->serial);
		f->found->profile = strdup(c->profile);
		f->found->subject = strdup(c->subject);
		f->found->subject_ca = NULL;
		f->found->der = NULL;
	}
	return 1;
}

/* Normalises operator input: upper case, no colons, no leading zeros. */
static int
revoke_norm_serial(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in == '0' || *in == ':'; in++)
		;
	for (; *in != '\0' && n + 1 < len; in++) {
		if (*in == ':')
			continue;
		if (!((*in >= '0' && *in <= '9') || (*in >= 'a' && *in <= 'f') ||
		    (*in >= 'A' && *in <= 'F')))
			return 0;
		out[n++] = (char)(*in >= 'a' ? *in - 32 : *in);
	}
	if (*in != '\0' || n == 0)
		return 0;
	out[n] = '\0';
	/* BN_bn2hex form: an even number of digits. */
	if (n % 2 == 1) {
		if (n + 2 > len)
			return 0;
		memmove(out + 1, out, n + 1);
		out[0] = '0';
	}
	return 1;
}

static struct store_cert *
revoke_find_cert(struct ca *ca, const struct revoke_request *req)
{
	struct revoke_find f = { req->issuer, NULL, 0 };
	char serial[48];

	if (!revoke_norm_serial(req->serial, serial, sizeof(serial))) {
		log_error("revoke: serial '%.60s' is not a hexadecimal serial "
		    "number", req->serial);
		return NULL;
	}
	if (!store_cert_find_serial(ca->store, serial, revoke_match, &f))
		return NULL;
	if (f.matches == 0)
		log_error("revoke: no issued certificate with serial %s%s%s",
		    serial, req->issuer ? " from " : "",
		    req->issuer ? req->issuer : "");
	else if (f.matches > 1) {
		log_error("revoke: serial %s exists under %d CAs; name one "
		    "with --issuer", serial, f.matches);
		store_cert_free(f.found);
		return NULL;
	}
	return f.found;
}

/* Everything that refuses a revocation, checked before any change. */
static int
revoke_check(const struct store_cert *c, const struct revoke_request *req,
    time_t when, time_t now)
{
	const struct profile *p = profile_by_name(c->profile);

	if (c->status == STORE_STATUS_REVOKED) {
		log_error("revoke: %s/%s is already revoked", c->issuer,
		    c->serial);
		return 0;
	}
	if (c->not_after < now) {
		log_error("revoke: %s/%s expired; expired certificates are "
		    "not revoked (they have left the CRL, CP-2.3)", c->issuer,
		    c->serial);
		return 0;
	}
	if (req->reason == REASON_HOLD) {
		if (c->status == STORE_STATUS_HOLD) {
			log_error("revoke: %s/%s is already suspended; revoke "
			    "it with another reason", c->issuer, c->serial);
			return 0;
		}
		if (p == NULL || !p->hold_allowed) {
			log_error("revoke: %s certificates cannot be suspended "
			    "(%s); revoke with another reason instead", c->profile,
			    p != NULL && p->rules == PROFILE_RULES_CSBR ?
			    "CSBR 4.9.13" : p != NULL &&
			    p->rules == PROFILE_RULES_SBR ?
			    "SBR 4.9.13, strict profile" : "CP-4.9.13");
			return 0;
		}
	}
	if (when > now || when < c->not_before) {
		log_error("revoke: --date must lie between the certificate's "
		    "notBefore and now");
		return 0;
	}
	if (req->invalidity != 0 && (req->reason != 1 ||
	    req->invalidity > when || req->invalidity < c->not_before)) {
		log_error("revoke: --invalidity goes with keyCompromise and lies "
		    "between notBefore and the revocation date (RFC 5280 §5.3.2)");
		return 0;
	}
	return 1;
}

/*
 * 1 if both stored answers already report the new status: signed at or
 * after the revocation, as inkand's worker may have done in the meantime
 * (the store then refuses our older signature, rightly).
 */
static int
revoke_ocsp_current(struct ca *ca, const struct store_cert *c)
{
	static const char *const algs[] = { "sha1", "sha256" };
	struct store_ocsp *r;
	int current = 1;

	for (size_t i = 0; i < 2 && current; i++) {
		r = NULL;
		current = store_ocsp_get(ca->store, c->issuer, c->serial, algs[i],
		    &r) && r != NULL && r->produced_at > c->revoked_at;
		store_ocsp_free(r);
	}
	return current;
}

/* cert.revoke or cert.suspend, with the reason and dates. */
static int
revoke_audit(struct ca *ca, const struct store_cert *c,
    const struct revoke_request *req, time_t when, const char *outcome)
{
	char object[200], detail[256];

	snprintf(object, sizeof(object), "cert:%s:%s", c->issuer, c->serial);
	snprintf(detail, sizeof(detail), "{\"reason\":\"%s\","
	    "\"revoked_at\":%lld,\"invalidity_at\":%lld}",
	    ca_reason_name(req->reason), (long long)when,
	    (long long)req->invalidity);
	return audit_ca(ca, req->reason == REASON_HOLD ? "cert.suspend" :
	    "cert.revoke", object, outcome, detail);
}

int
ca_revoke(struct ca *ca, const struct revoke_request *req, time_t now)
{
	struct store_cert *c;
	time_t when = req->when != 0 ? req->when : now;
	int ok = 0;

	if (req->reason < 0 || req->reason > REASON_MAX || req->reason == 7 ||
	    req->reason == 8) {
		log_error("revoke: invalid reason code");
		return 0;
	}
	if ((c = revoke_find_cert(ca, req)) == NULL) {
		char object[200];

		snprintf(object, sizeof(object), "cert:%s:%s",
		    req->issuer != NULL ? req->issuer : "*", req->serial);
		audit_ca(ca, req->reason == REASON_HOLD ? "cert.suspend" :
		    "cert.revoke", object, "denied", "{\"why\":\"no such "
		    "certificate\"}");
		return 0;
	}
	if (!revoke_check(c, req, when, now)) {
		revoke_audit(ca, c, req, when, "denied");
		goto out;
	}
	/* The change and its audit record commit together (CP-5.4). */
	if (!store_begin(ca->store) ||
	    !store_cert_revoke(ca->store, c->issuer, c->serial,
	    req->reason == REASON_HOLD ? STORE_STATUS_HOLD :
	    STORE_STATUS_REVOKED, when, req->reason, req->invalidity) ||
	    !revoke_audit(ca, c, req, when, "ok") ||
	    !store_commit(ca->store)) {
		store_rollback(ca->store);
		revoke_audit(ca, c, req, when, "failed");
		goto out;
	}
	log_info("revoke: %s/%s %s (%s)", c->issuer, c->serial,
	    req->reason == REASON_HOLD ? "suspended" : "revoked",
	    ca_reason_name(req->reason));
	c->status = req->reason == REASON_HOLD ? STORE_STATUS_HOLD :
	    STORE_STATUS_REVOKED;
	c->revoked_at = when;
	c->reason = req->reason;
	c->invalidity_at = req->invalidity;
	/* The change is recorded; make it visible at once (CP-4.9.7). */
	ca->changed = 1;
	ok = 1;
	/* CA certificates too: their roots answer for them. */
	if (strcmp(c->profile, "root") != 0 &&
	    strcmp(c->profile, "ocsp") != 0 && !revoke_ocsp_current(ca, c) &&
	    ocsp_presign_certs(ca, c->issuer, &c, 1, now) < 0 &&
	    !revoke_ocsp_current(ca, c)) {
		log_error("revoke: OCSP responses not yet re-signed; the "
		    "daemon will retry");
		ok = 0;
	}
	if (!ca_crl_issue(ca, c->issuer, now, NULL)) {
		log_error("revoke: CRL not yet issued; the daemon will retry");
		ok = 0;
	} else if (ldap_publish_enabled(ca->conf) &&
	    !ldap_publish(ca, c->issuer))
		/* The directory is a copy; inkand publishes it again. */
		log_warn("revoke: CRL not yet in the LDAP directory; inkand "
		    "will retry");
 out:
	store_cert_free(c);
	return ok;
}
