/*
 * Problem reports (CP-1.5.2, 4.9.2-4.9.5): anyone reports key compromise,
 * misuse or anything else about a subscriber certificate; a verified
 * proof of key compromise revokes at once, other reports wait for an RA
 * operator's decision. Each records its deadlines.
 */
#include "ra/revreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ra/kcproof.h"
#include "ra/ra_audit.h"
#include "ra/revreq_impl.h"
#include "util/log.h"

/* The certificate a report names; RA_NOT_FOUND if not one of ours. */
static enum ra_status
rr_report_cert(struct ra *ra, const struct ra_report_in *in,
    struct ra_cert_info *c, const char **why)
{
	char serial[64];

	if (in->cert_pem != NULL) {
		unsigned char *der = NULL;
		enum ra_status s;
		BIO *b;
		X509 *x = NULL;
		int len;

		if (in->cert_pem_len > 64 * 1024 ||
		    (b = BIO_new_mem_buf(in->cert_pem, (int)in->cert_pem_len))
		    == NULL)
			return RA_INVALID;
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
		ERR_clear_error();
		if (x == NULL || (len = i2d_X509(x, &der)) <= 0) {
			X509_free(x);
			*why = "certificate: not a PEM certificate";
			return RA_INVALID;
		}
		X509_free(x);
		s = ra_cert_lookup_der(ra, der, (size_t)len, c, why);
		OPENSSL_free(der);
		return s;
	}
	if (in->serial == NULL ||
	    !ra_serial_norm(in->serial, strlen(in->serial), serial)) {
		*why = "serial: a hexadecimal serial number is required";
		return RA_INVALID;
	}
	return ra_cert_lookup(ra, in->issuer, serial, c, why);
}

/* A verified proof: revoked at once with keyCompromise (SBR/CSBR 4.9.1.1). */
static int
rr_report_revoke(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_report_in *in, const struct ra_cert_info *c,
    int64_t report, int64_t now)
{
	struct ra_revoke_in r = { 0 };
	char requester[96];
	const char *why;
	int64_t id;
	int changed = 0, ok;

	snprintf(requester, sizeof(requester), "report:%lld", (long long)report);
	r.kind = STORE_REVREQ_REPORTER;
	r.issuer = c->issuer;
	r.serial = c->serial;
	r.reason = REASON_KEY_COMPROMISE;
	r.grounds = "verified proof of key compromise (CP-1.5.2, 4.9.1)";
	r.report_id = report;
	r.requester = requester;
	r.source = in->source;
	r.auth = "key-compromise-proof";
	if (ra_revoke_request(ra, rv, NULL, &r, now, &id, &why) != RA_OK)
		return 0;
	pthread_mutex_lock(&ra->mu);
	ok = store_report_decide(ra->st, report, STORE_REPORT_REVOKED,
	    REASON_KEY_COMPROMISE, "inkand", now, "revoked at once: the proof "
	    "of key compromise verified", &changed);
	pthread_mutex_unlock(&ra->mu);
	return ok && changed;
}

enum ra_status
ra_report_submit(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_report_in *in, int64_t now, struct ra_report_out *out,
    const char **why)
{
	struct store_report r = { 0 };
	struct ra_cert_info c;
	unsigned char *der = NULL;
	char object[160], detail[400], pwhy[256];
	size_t der_len = 0;
	enum ra_status s;
	int verified = 0, ok;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if ((s = rr_report_cert(ra, in, &c, why)) == RA_OK &&
	    !revreq_subscriber_cert(&c)) {
		*why = "not a subscriber certificate of this CA";
		s = RA_NOT_FOUND;
	}
	if (s != RA_OK) {
		revreq_audit(ra, NULL, "reporter", "public", "none", in->source,
		    "ra.report.submit", "cert:?", "refused", *why);
		return s;
	}
	revreq_object(object, sizeof(object), c.issuer, c.serial);
	if (in->proof_pem != NULL) {
		if ((der = revreq_cert_der(ra, c.issuer, c.serial, &der_len)) ==
		    NULL)
			return RA_ERROR;
		verified = ra_kc_proof_verify((const unsigned char *)
		    in->proof_pem, in->proof_len, der, der_len, c.serial, pwhy,
		    sizeof(pwhy));
		free(der);
		if (!verified) {
			snprintf(detail, sizeof(detail), "proof of key compromise "
			    "refused: %s", pwhy);
			revreq_audit(ra, NULL, "reporter", "public", "none",
			    in->source, "ra.report.submit", object, "refused",
			    detail);
			*why = "the proof of key compromise does not verify: it "
			    "must be a PKCS#10 request signed by the "
			    "certificate's key, subject CN=" RA_KC_STATEMENT
			    ", serialNumber=SERIAL";
			return RA_INVALID;
		}
	}
	r.issuer = c.issuer;
	r.serial = c.serial;
	r.kind = in->kind;
	r.description = (char *)in->description;
	r.contact = (char *)in->contact;
	r.proof_verified = verified;
	r.source = (char *)(in->source != NULL ? in->source : "");
	r.received_at = now;
	r.report_due_at = now + RA_REPORT_DUE;
	r.revoke_by = now + (in->kind == STORE_REPORT_KEY_COMPROMISE ||
	    verified ? RA_REPORT_REVOKE_KC : RA_REPORT_REVOKE_OTHER);
	pthread_mutex_lock(&ra->mu);
	ok = store_report_insert(ra->st, &r, &out->id);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	snprintf(detail, sizeof(detail), "report %lld, %s, proof %s",
	    (long long)out->id, store_report_kind_name(in->kind),
	    verified ? "verified" : "none");
	revreq_audit(ra, NULL, "reporter", "public", "none", in->source,
	    "ra.report.submit", object, "success", detail);
	out->report_due_at = r.report_due_at;
	out->revoke_by = r.revoke_by;
	snprintf(out->issuer, sizeof(out->issuer), "%s", c.issuer);
	snprintf(out->serial, sizeof(out->serial), "%s", c.serial);
	if (verified)
		out->revoked = rr_report_revoke(ra, rv, in, &c, out->id, now);
	return RA_OK;
}

enum ra_status
ra_report_decide(struct ra *ra, const struct ra_revoker *rv,
    const struct ra_principal *by, int64_t id, int revoke, int reason,
    const char *grounds, const char *note, int64_t now, const char **why)
{
	struct store_report *r = NULL;
	struct ra_revoke_in in = { 0 };
	char object[64], detail[600];
	enum ra_status s;
	int64_t req;
	int changed = 0, ok;

	*why = NULL;
	snprintf(object, sizeof(object), "report:%lld", (long long)id);
	if (!by->full || (by->role != STORE_RA_OPERATOR &&
	    by->role != STORE_RA_ADMIN)) {
		*why = "only an RA operator or CA administrator decides reports";
		ra_audit_as(ra, by, "ra.report.decide", object, "refused", *why);
		return RA_FORBIDDEN;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_report_get(ra->st, id, &r);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (r == NULL) {
		*why = "no such report";
		return RA_NOT_FOUND;
	}
	if (r->state != STORE_REPORT_PENDING) {
		*why = "the report was already decided";
		s = RA_CONFLICT;
		ra_audit_as(ra, by, "ra.report.decide", object, "refused", *why);
		goto out;
	}
	if (revoke) {
		in.kind = by->role == STORE_RA_ADMIN ? STORE_REVREQ_CA :
		    STORE_REVREQ_RA;
		in.issuer = r->issuer;
		in.serial = r->serial;
		in.reason = reason;
		in.grounds = grounds;
		in.note = note;
		in.report_id = id;
		if ((s = ra_revoke_request(ra, rv, by, &in, now, &req, why)) !=
		    RA_OK)
			goto out;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_report_decide(ra->st, id, revoke ? STORE_REPORT_REVOKED :
	    STORE_REPORT_DISMISSED, revoke ? reason : -1, by->name, now, note,
	    &changed);
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "%s%s: %.500s", revoke ? "revoked, " :
	    "dismissed", revoke ? ca_reason_name(reason) : "",
	    note != NULL ? note : "");
	s = !ok ? RA_ERROR : !changed ? RA_CONFLICT : RA_OK;
	if (s == RA_CONFLICT)
		*why = "the report was already decided";
	ra_audit_as(ra, by, "ra.report.decide", object, s == RA_OK ? "success" :
	    "failure", detail);
 out:
	store_report_free(r);
	return s;
}
