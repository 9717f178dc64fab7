#include "http/revreq_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "audit/audit.h"
#include "ca/calls.h"
#include "ca/revoke.h"
#include "http/ra_api_int.h"
#include "http/revreq_impl.h"
#include "ra/lra_cert.h"
#include "ra/mail.h"
#include "store/store.h"
#include "util/log.h"

#define RQ_LIST_MAX	1000

/* One call: request, response, parsed body and caller. */
struct rq_call {
	struct http_revreq *h;
	const struct http_request *req;
	struct http_response *resp;
	json_t		*body;
	struct ra_principal who;
	int64_t		 now;
};

/* --- the revoker: ca_revoke on inkand's worker ------------------------------- */

/*
 * On the worker: ca_revoke (status, audit record, OCSP re-signed, CRL
 * issued and published), then whether the store holds the status asked
 * for. A publication that failed is retried by the worker's tick.
 */
struct rq_revoke_call {
	const struct revoke_request *req;
	const struct ra_revoke_who *who;
};

static int
rq_worker_revoke(struct ca *ca, void *arg)
{
	const struct rq_revoke_call *rc = arg;
	const struct revoke_request *req = rc->req;
	enum store_cert_status want = req->reason == 6 ? STORE_STATUS_HOLD :
	    STORE_STATUS_REVOKED;
	struct store_cert *c = NULL;
	struct audit_who saved = ca->who;
	int ok;

	/* The CA's record names who asked, not the daemon (CP-5.4). */
	snprintf(ca->who.actor, sizeof(ca->who.actor), "%s",
	    rc->who->actor != NULL ? rc->who->actor : "?");
	ca->who.role = rc->who->role != NULL ? rc->who->role : "-";
	ca->who.auth = rc->who->auth != NULL ? rc->who->auth : "-";
	ca->who.source = rc->who->source != NULL ? rc->who->source : "-";
	(void)ca_revoke(ca, req, time(NULL));
	ca->who = saved;
	ok = store_cert_get(ca->store, req->issuer, req->serial, &c) &&
	    c != NULL && c->status == want && c->reason == req->reason;
	store_cert_free(c);
	return ok;
}

static int
rq_revoke_via_worker(void *arg, const struct revoke_request *req,
    const struct ra_revoke_who *who)
{
	struct rq_revoke_call rc = { req, who };

	if (arg == NULL) {
		log_error("revocation: no CA worker to carry it out");
		return 0;
	}
	return ca_call(arg, rq_worker_revoke, &rc) == 1;
}

struct http_revreq *
http_revreq_new(struct ra *ra, struct ca_calls *calls,
    const struct conf *conf)
{
	struct http_revreq *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->ra = ra;
	h->conf = conf;
	http_limit_init(&h->limit, REVREQ_REPORTS_PER_MINUTE, 60);
	h->rv.revoke = rq_revoke_via_worker;
	h->rv.arg = calls;
	if (!http_subscriber_init(h)) {
		http_limit_destroy(&h->limit);
		free(h);
		return NULL;
	}
	return h;
}

void
http_revreq_free(struct http_revreq *h)
{
	if (h == NULL)
		return;
	http_limit_destroy(&h->limit);
	free(h);
}

/* --- notices by mail (src/ra/mail.h) --------------------------------------- */

void
http_revreq_notify(struct http_revreq *h, const char *issuer,
    const char *serial, int reason, const char *by)
{
	struct ra_cert_info c;
	struct ra_mail m;
	const char *why = NULL;
	char body[1024], subject[128], err[256];

	if (!ra_mail_from_conf(h->conf, &m) ||
	    ra_cert_lookup(h->ra, issuer, serial, &c, &why) != RA_OK ||
	    !ra_mail_addr_ok(c.email))
		return;
	snprintf(subject, sizeof(subject), "Your certificate %.40s was %s",
	    c.serial, reason == 6 ? "suspended" : "revoked");
	snprintf(body, sizeof(body), "The certificate\n\n"
	    "  serial number  %s\n  issuing CA     %s\n  subject        %s\n\n"
	    "was %s (%s) at the request of %s.\n\n%s", c.serial, c.issuer,
	    c.subject, reason == 6 ? "suspended" : "revoked",
	    ca_reason_name(reason), by, reason == 6 ? "A suspended "
	    "certificate must now be revoked: request it on the suspension "
	    "page (CP-4.9.13).\n" : "Revocation is final.\n");
	if (!ra_mail_send(&m, c.email, subject, body, err, sizeof(err)))
		log_warn("revocation notice for %s/%s not sent: %s", c.issuer,
		    c.serial, err);
}

/* An acknowledgement to a reporter who gave an address (SBR 4.9.5). */
static void
rq_report_ack(struct http_revreq *h, const char *to,
    const struct ra_report_out *out, const char *due, const char *by)
{
	struct ra_mail m;
	char body[1024], subject[128], err[256];

	if (!ra_mail_from_conf(h->conf, &m) || !ra_mail_addr_ok(to))
		return;
	snprintf(subject, sizeof(subject), "Certificate problem report %lld "
	    "received", (long long)out->id);
	snprintf(body, sizeof(body), "Your report %lld about certificate %s "
	    "(%s) was received.\n\n%s", (long long)out->id, out->serial,
	    out->issuer, out->revoked ? "The proof of key compromise "
	    "verified: the certificate is revoked.\n" : "");
	if (!out->revoked) {
		size_t n = strlen(body);

		snprintf(body + n, sizeof(body) - n, "A preliminary report "
		    "follows by %s; a decision on revocation by %s.\n", due,
		    by);
	}
	if (!ra_mail_send(&m, to, subject, body, err, sizeof(err)))
		log_warn("report %lld: acknowledgement not sent: %s",
		    (long long)out->id, err);
}

/* --- JSON in and out (as src/http/ra_api.c) ----------------------------------- */

static int
rq_reply(struct rq_call *c, int status, json_t *obj)
{
	char *text;

	if (obj == NULL)
		return 0;
	text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	if (text == NULL)
		return 0;
	c->resp->status = status;
	c->resp->body = text;
	c->resp->body_len = strlen(text);
	c->resp->body_release = free;
	c->resp->body_release_arg = text;
	return http_response_header(c->resp, "Content-Type",
	    "application/json") &&
	    http_response_header(c->resp, "Cache-Control", "no-store");
}

static int
rq_error(struct rq_call *c, int status, const char *code, const char *message)
{
	return rq_reply(c, status, json_pack("{s:s, s:s}", "error", code,
	    "message", message));
}

static const char *const rq_codes[RA_STATUS_MAX] = {
	[RA_OK] = "ok",
	[RA_INVALID] = "invalid",
	[RA_BAD_CREDENTIALS] = "bad_credentials",
	[RA_TOTP_REQUIRED] = "totp_required",
	[RA_TOTP_REPLAYED] = "totp_replayed",
	[RA_UNAUTHENTICATED] = "unauthenticated",
	[RA_FORBIDDEN] = "forbidden",
	[RA_DISABLED] = "account_disabled",
	[RA_NOT_FOUND] = "not_found",
	[RA_CONFLICT] = "conflict",
	[RA_LOCKED] = "locked",
	[RA_ERROR] = "internal",
};

/* An RA status as the error, with why as the message if given. */
static int
rq_status(struct rq_call *c, enum ra_status s, const char *why)
{
	if (s >= RA_STATUS_MAX)
		s = RA_ERROR;
	return rq_error(c, ra_status_http(s), rq_codes[s],
	    why != NULL ? why : ra_status_text(s));
}

/* The body as one JSON object of at most max bytes; else answered. */
static int
rq_parse_body(struct rq_call *c, size_t max)
{
	const char *ct = http_request_header(c->req, "Content-Type");
	size_t n = strlen("application/json");
	json_error_t err;
	char msg[64];

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0 ||
	    (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')) {
		rq_error(c, 415, "unsupported_media_type",
		    "Content-Type must be application/json");
		return 0;
	}
	if (c->req->body_len > max) {
		snprintf(msg, sizeof(msg), "request body larger than %zu bytes",
		    max);
		rq_error(c, 413, "too_large", msg);
		return 0;
	}
	c->body = json_loadb((const char *)c->req->body, c->req->body_len,
	    JSON_REJECT_DUPLICATES, &err);
	if (c->body == NULL) {
		rq_error(c, 400, "malformed_json", err.text);
		return 0;
	}
	if (!json_is_object(c->body)) {
		rq_error(c, 400, "malformed_json", "body must be a JSON object");
		return 0;
	}
	return 1;
}

static int
rq_only_members(struct rq_call *c, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(c->body, key, v) {
		size_t i;

		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			char msg[128];

			snprintf(msg, sizeof(msg), "unknown member \"%.64s\"",
			    key);
			rq_error(c, 400, "unknown_member", msg);
			return 0;
		}
	}
	return 1;
}

/*
 * A string member of at most max bytes, without NUL (jansson keeps one
 * inside a string): *out borrowed, NULL if absent and optional.
 */
static int
rq_str(struct rq_call *c, const char *name, int optional, size_t max,
    const char **out, size_t *len)
{
	json_t *v = json_object_get(c->body, name);
	char msg[128];

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (v == NULL && optional)
		return 1;
	if (v == NULL) {
		snprintf(msg, sizeof(msg), "member \"%s\" is missing", name);
		return rq_error(c, 400, "missing_member", msg), 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "member \"%s\" must be a string",
		    name);
		return rq_error(c, 400, "wrong_type", msg), 0;
	}
	if (json_string_length(v) > max) {
		snprintf(msg, sizeof(msg), "member \"%s\" is longer than %zu",
		    name, max);
		return rq_error(c, 400, "too_long", msg), 0;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof(msg), "member \"%s\" contains NUL", name);
		return rq_error(c, 400, "invalid", msg), 0;
	}
	*out = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return 1;
}

/* A CRLReason name or number; answers 400 if it is none. */
static int
rq_reason(struct rq_call *c, const char *text, int *reason)
{
	if (text == NULL || (*reason = ca_reason_parse(text)) < 0)
		return rq_error(c, 400, "invalid", "reason must be an RFC 5280 "
		    "CRLReason name, e.g. keyCompromise, cessationOfOperation"),
		    0;
	return 1;
}

/* A CA entity name as the store spells it (a-z, 0-9, '_', '-'). */
static int
rq_issuer_ok(const char *s, size_t len)
{
	if (len == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* --- authentication ------------------------------------------------------------ */

/* A full session (TOTP proven at login, CP-6.5.1); else answered. */
static int
rq_auth(struct rq_call *c)
{
	const char *tok;
	size_t len = 0;
	enum ra_status s;

	if ((tok = ra_token_of(c->req, &len)) == NULL)
		return rq_status(c, RA_UNAUTHENTICATED, NULL), 0;
	if ((s = ra_authenticate(c->h->ra, tok, len, c->req->client, c->now,
	    &c->who)) != RA_OK)
		return rq_status(c, s, NULL), 0;
	if (!c->who.full)
		return rq_error(c, 403, "mfa_enrolment_required", "enrol TOTP "
		    "first (POST /ra/v1/mfa/enrol, then /mfa/confirm)"), 0;
	return 1;
}

/* Only these roles; a refusal is audited. */
static int
rq_role(struct rq_call *c, const char *type, int readers)
{
	enum store_ra_role r = c->who.role;

	if (r == STORE_RA_ADMIN || r == STORE_RA_OPERATOR ||
	    (readers && r == STORE_RA_AUDITOR))
		return 1;
	ra_audit_as(c->h->ra, &c->who, type, c->req->path, "refused",
	    "role may not do this");
	return rq_status(c, RA_FORBIDDEN, "only RA operators and CA "
	    "administrators may do this"), 0;
}

/* The fresh TOTP an action needs; answered if refused. */
static int
rq_totp(struct rq_call *c, const char *name, const char *org,
    const char *code, size_t len)
{
	const char *why = NULL;
	enum ra_status s;

	s = ra_totp_fresh(c->h->ra, name, org, code, len, c->req->client,
	    c->now, &why);
	if (s == RA_OK)
		return 1;
	if (s == RA_LOCKED)
		http_response_header(c->resp, "Retry-After", "%d", RA_LOCK_BASE);
	return rq_status(c, s, why), 0;
}

/* --- revocations by RA operators (CP-4.9.1: the CA's discretion) ----------- */

static int
rq_revreq_json(const struct store_revreq *r, void *arg)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
	    "id", (json_int_t)r->id, "issuer", r->issuer, "serial", r->serial,
	    "requester_kind", store_revreq_kind_name(r->kind), "requester",
	    r->requester, "reason", ca_reason_name(r->reason), "grounds",
	    r->grounds, "state", store_revreq_state_name(r->state),
	    "requested_at", (json_int_t)r->requested_at);

	if (o == NULL)
		return 0;
	if (r->org != NULL)
		json_object_set_new(o, "org", json_string(r->org));
	if (r->report_id > 0)
		json_object_set_new(o, "report_id", json_integer(r->report_id));
	if (r->decided_by != NULL) {
		json_object_set_new(o, "decided_by", json_string(r->decided_by));
		json_object_set_new(o, "decided_at",
		    json_integer(r->decided_at));
	}
	if (r->note != NULL)
		json_object_set_new(o, "note", json_string(r->note));
	return json_array_append_new(arg, o) == 0;
}

static int
rq_ep_revocations_list(struct rq_call *c)
{
	json_t *a = json_array();
	int ok;

	if (!rq_role(c, "ra.revoke.list", 1)) {
		json_decref(a);
		return 1;
	}
	pthread_mutex_lock(&c->h->ra->mu);
	ok = a != NULL && store_revreq_each(c->h->ra->st, RQ_LIST_MAX,
	    rq_revreq_json, a);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok) {
		json_decref(a);
		return rq_status(c, RA_ERROR, NULL);
	}
	return rq_reply(c, 200, json_pack("{s:o}", "requests", a));
}

/* The answer to a request carried out. */
static int
rq_done(struct rq_call *c, int64_t id, const char *issuer, const char *serial,
    int reason)
{
	return rq_reply(c, 201, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
	    (json_int_t)id, "state", "done", "issuer", issuer, "serial", serial,
	    "status", reason == 6 ? "suspended" : "revoked"));
}

static int
rq_ep_revoke(struct rq_call *c)
{
	static const char *const members[] = { "issuer", "serial", "reason",
	    "grounds", "note", "totp", NULL };
	struct ra_revoke_in in = { 0 };
	struct ra_cert_info ci;
	const char *issuer, *serial, *reason, *totp, *why = NULL;
	char norm[64];
	size_t tlen;
	enum ra_status s;
	int64_t id;

	if (!rq_parse_body(c, REVREQ_BODY_MAX) || !rq_only_members(c, members) ||
	    !rq_str(c, "issuer", 1, 64, &issuer, NULL) ||
	    !rq_str(c, "serial", 0, 64, &serial, NULL) ||
	    !rq_str(c, "reason", 0, 32, &reason, NULL) ||
	    !rq_str(c, "grounds", 0, 32, &in.grounds, NULL) ||
	    !rq_str(c, "note", 1, 500, &in.note, NULL) ||
	    !rq_str(c, "totp", 0, 16, &totp, &tlen) ||
	    !rq_reason(c, reason, &in.reason))
		return 1;
	if (!ra_serial_norm(serial, strlen(serial), norm))
		return rq_error(c, 400, "invalid", "serial must be a "
		    "hexadecimal serial number of at most 20 octets");
	if (issuer != NULL && !rq_issuer_ok(issuer, strlen(issuer)))
		return rq_error(c, 400, "invalid", "issuer must be a CA name");
	if (strcmp(in.grounds, "other") == 0 && in.note == NULL)
		return rq_error(c, 400, "invalid", "grounds \"other\" needs a "
		    "note saying what they are");
	if (!rq_role(c, "ra.revoke.request", 0))
		return 1;
	in.kind = c->who.role == STORE_RA_ADMIN ? STORE_REVREQ_CA :
	    STORE_REVREQ_RA;
	in.issuer = issuer;
	in.serial = norm;
	if ((s = ra_revoke_check(c->h->ra, &c->who, &in, c->now, &why)) != RA_OK)
		return rq_status(c, s, why);
	/* The check found exactly one: its issuer, if none was named. */
	if ((s = ra_cert_lookup(c->h->ra, issuer, norm, &ci, &why)) != RA_OK)
		return rq_status(c, s, why);
	in.issuer = ci.issuer;
	if (!rq_totp(c, c->who.name, NULL, totp, tlen))
		return 1;
	if ((s = ra_revoke_request(c->h->ra, &c->h->rv, &c->who, &in, c->now,
	    &id, &why)) != RA_OK)
		return rq_status(c, s, why);
	http_revreq_notify(c->h, ci.issuer, norm, in.reason, "the CA");
	return rq_done(c, id, ci.issuer, norm, in.reason);
}

/* --- problem reports: triage ------------------------------------------------------ */

static void
rq_date(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
rq_report_json(const struct store_report *r)
{
	char due[32], by[32];
	json_t *o;

	rq_date(r->report_due_at, due);
	rq_date(r->revoke_by, by);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, "
	    "s:I, s:s}", "id", (json_int_t)r->id, "issuer", r->issuer, "serial",
	    r->serial, "kind", store_report_kind_name(r->kind), "description",
	    r->description, "contact", r->contact, "proof",
	    r->proof_verified ? "verified" : "none", "state",
	    store_report_state_name(r->state), "received_at",
	    (json_int_t)r->received_at, "report_due_at",
	    (json_int_t)r->report_due_at, "report_due", due, "revoke_by",
	    (json_int_t)r->revoke_by, "revoke_by_date", by);
	if (o != NULL && r->decided_by != NULL) {
		json_object_set_new(o, "decided_by", json_string(r->decided_by));
		json_object_set_new(o, "decided_at",
		    json_integer(r->decided_at));
		if (r->note != NULL)
			json_object_set_new(o, "note", json_string(r->note));
		if (r->reason >= 0)
			json_object_set_new(o, "reason",
			    json_string(ca_reason_name(r->reason)));
	}
	return o;
}

static int
rq_report_one(const struct store_report *r, void *arg)
{
	return json_array_append_new(arg, rq_report_json(r)) == 0;
}

static int
rq_ep_reports_list(struct rq_call *c)
{
	json_t *a = json_array();
	int ok;

	if (!rq_role(c, "ra.report.list", 1)) {
		json_decref(a);
		return 1;
	}
	pthread_mutex_lock(&c->h->ra->mu);
	ok = a != NULL && store_report_each(c->h->ra->st, 0, RQ_LIST_MAX,
	    rq_report_one, a);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok) {
		json_decref(a);
		return rq_status(c, RA_ERROR, NULL);
	}
	return rq_reply(c, 200, json_pack("{s:o}", "reports", a));
}

static int
rq_ep_report_get(struct rq_call *c, int64_t id)
{
	struct store_report *r = NULL;
	int ok;

	if (!rq_role(c, "ra.report.read", 1))
		return 1;
	pthread_mutex_lock(&c->h->ra->mu);
	ok = store_report_get(c->h->ra->st, id, &r);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok || r == NULL)
		return rq_status(c, ok ? RA_NOT_FOUND : RA_ERROR, ok ?
		    "no such report" : NULL);
	ok = rq_reply(c, 200, rq_report_json(r));
	store_report_free(r);
	return ok;
}

/*
 * The report exists and waits for a decision, and a revocation it asks
 * for would pass its checks; else answered, before any TOTP is spent.
 */
static int
rq_report_open(struct rq_call *c, int64_t id, const struct ra_revoke_in *rin)
{
	struct store_report *r = NULL;
	struct ra_revoke_in in;
	const char *why = NULL;
	enum ra_status s = RA_OK;
	int ok, open, found;

	pthread_mutex_lock(&c->h->ra->mu);
	ok = store_report_get(c->h->ra->st, id, &r);
	pthread_mutex_unlock(&c->h->ra->mu);
	found = r != NULL;
	open = found && r->state == STORE_REPORT_PENDING;
	if (open && rin != NULL) {
		in = *rin;
		in.issuer = r->issuer;
		in.serial = r->serial;
		s = ra_revoke_check(c->h->ra, &c->who, &in, c->now, &why);
	}
	store_report_free(r);
	if (s != RA_OK)
		return rq_status(c, s, why), 0;
	if (!ok)
		return rq_status(c, RA_ERROR, NULL), 0;
	if (!found)
		return rq_status(c, RA_NOT_FOUND, "no such report"), 0;
	if (!open)
		return rq_status(c, RA_CONFLICT, "the report was already "
		    "decided"), 0;
	return 1;
}

/* The subscriber's notice after a report's revocation. */
static void
rq_report_notify(struct rq_call *c, int64_t id, int reason)
{
	struct store_report *r = NULL;

	pthread_mutex_lock(&c->h->ra->mu);
	if (!store_report_get(c->h->ra->st, id, &r))
		r = NULL;
	pthread_mutex_unlock(&c->h->ra->mu);
	if (r != NULL)
		http_revreq_notify(c->h, r->issuer, r->serial, reason,
		    "the CA, after a problem report");
	store_report_free(r);
}

static int
rq_ep_report_decide(struct rq_call *c, int64_t id)
{
	static const char *const members[] = { "decision", "reason",
	    "grounds", "note", "totp", NULL };
	const char *decision, *reason, *grounds, *note, *totp, *why = NULL;
	struct ra_revoke_in in = { 0 };
	size_t tlen;
	int revoke, code = -1;
	enum ra_status s;

	if (!rq_parse_body(c, REVREQ_BODY_MAX) || !rq_only_members(c, members) ||
	    !rq_str(c, "decision", 0, 16, &decision, NULL) ||
	    !rq_str(c, "reason", 1, 32, &reason, NULL) ||
	    !rq_str(c, "grounds", 1, 32, &grounds, NULL) ||
	    !rq_str(c, "note", 0, 500, &note, NULL) ||
	    !rq_str(c, "totp", 0, 16, &totp, &tlen))
		return 1;
	if (strcmp(decision, "revoke") != 0 && strcmp(decision, "dismiss") != 0)
		return rq_error(c, 400, "invalid", "decision must be \"revoke\" "
		    "or \"dismiss\"");
	revoke = strcmp(decision, "revoke") == 0;
	if (revoke && (reason == NULL || grounds == NULL))
		return rq_error(c, 400, "missing_member", "a revocation names "
		    "a reason and CP-4.9.1 grounds");
	if (revoke && !rq_reason(c, reason, &code))
		return 1;
	if (revoke && ra_grounds_text(grounds) == NULL)
		return rq_error(c, 400, "invalid", "grounds must name one of "
		    "the CP-4.9.1 grounds");
	in.kind = c->who.role == STORE_RA_ADMIN ? STORE_REVREQ_CA :
	    STORE_REVREQ_RA;
	in.reason = code;
	in.grounds = grounds;
	in.note = note;
	in.report_id = id;
	if (!rq_role(c, "ra.report.decide", 0) ||
	    !rq_report_open(c, id, revoke ? &in : NULL) ||
	    !rq_totp(c, c->who.name, NULL, totp, tlen))
		return 1;
	s = ra_report_decide(c->h->ra, &c->h->rv, &c->who, id, revoke, code,
	    grounds, note, c->now, &why);
	if (s != RA_OK)
		return rq_status(c, s, why);
	if (revoke)
		rq_report_notify(c, id, code);
	return rq_ep_report_get(c, id);
}

/* /ra/v1/reports[/ID[/decide]] */
static int
rq_reports_route(struct rq_call *c, const char *rest)
{
	char *end;
	long long id;

	if (*rest == '\0') {
		if (c->req->method != HTTP_GET)
			return rq_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		return rq_auth(c) ? rq_ep_reports_list(c) : 1;
	}
	if (rest[0] != '/' || rest[1] < '1' || rest[1] > '9')
		return rq_error(c, 404, "not_found", "no such report");
	id = strtoll(rest + 1, &end, 10);
	if (id <= 0 || id > (long long)1e15 || (end - rest) > 17)
		return rq_error(c, 404, "not_found", "no such report");
	if (*end == '\0') {
		if (c->req->method != HTTP_GET)
			return rq_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		return rq_auth(c) ? rq_ep_report_get(c, id) : 1;
	}
	if (strcmp(end, "/decide") != 0)
		return rq_error(c, 404, "not_found", "no such API endpoint");
	if (c->req->method != HTTP_POST)
		return rq_error(c, 405, "method_not_allowed",
		    "method not allowed for this path");
	return rq_auth(c) ? rq_ep_report_decide(c, id) : 1;
}

static void
rq_call_init(struct rq_call *c, void *arg, const struct http_request *req,
    struct http_response *resp)
{
	memset(c, 0, sizeof(*c));
	c->h = arg;
	c->req = req;
	c->resp = resp;
	c->now = (int64_t)time(NULL);
}

static int
rq_call_end(struct rq_call *c, int ok)
{
	json_decref(c->body);
	sodium_memzero(&c->who, sizeof(c->who));
	return ok;
}

int
http_revreq_ra_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	struct rq_call c;
	size_t n = strlen(REVREQ_RA_REVOCATIONS);

	rq_call_init(&c, arg, req, resp);
	if (strncmp(req->path, REVREQ_RA_REVOCATIONS, n) == 0 &&
	    (req->path[n] == '\0' || req->path[n] == '?')) {
		if (req->method == HTTP_GET)
			return rq_call_end(&c, rq_auth(&c) ?
			    rq_ep_revocations_list(&c) : 1);
		if (req->method == HTTP_POST)
			return rq_call_end(&c, rq_auth(&c) ? rq_ep_revoke(&c) :
			    1);
		return rq_error(&c, 405, "method_not_allowed",
		    "method not allowed for this path");
	}
	n = strlen(REVREQ_RA_REPORTS);
	if (strncmp(req->path, REVREQ_RA_REPORTS, n) == 0)
		return rq_call_end(&c, rq_reports_route(&c, req->path + n));
	return rq_error(&c, 404, "not_found", "no such API endpoint");
}

/* --- LRAs (CP-4.9.3: with their LRA certificate) -------------------------------- */

/* /ISSUER/SERIAL/revoke into issuer and serial; 0 if it is not that. */
static int
rq_lra_path(const char *rest, char issuer[65], char serial[64])
{
	const char *p, *q;

	if (rest[0] != '/' || (p = strchr(rest + 1, '/')) == NULL ||
	    (q = strchr(p + 1, '/')) == NULL || strcmp(q, "/revoke") != 0)
		return 0;
	if (!rq_issuer_ok(rest + 1, (size_t)(p - rest - 1)))
		return 0;
	memcpy(issuer, rest + 1, (size_t)(p - rest - 1));
	issuer[p - rest - 1] = '\0';
	return ra_serial_norm(p + 1, (size_t)(q - p - 1), serial);
}

int
http_revreq_lra_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	static const char *const members[] = { "operator", "totp", "reason",
	    "grounds", NULL };
	struct ra_revoke_in in = { 0 };
	const char *op, *totp, *reason, *why = NULL;
	char issuer[65], serial[64];
	struct rq_call c;
	enum ra_status s;
	size_t tlen;
	int64_t id;

	rq_call_init(&c, arg, req, resp);
	if (!rq_lra_path(req->rest, issuer, serial))
		return rq_error(&c, 404, "not_found", "expected "
		    REVREQ_LRA_CERTIFICATES "/ISSUER/SERIAL/revoke");
	if (req->method != HTTP_POST)
		return rq_error(&c, 405, "method_not_allowed",
		    "method not allowed for this path");
	s = ra_lra_cert_authenticate(c.h->ra, req->peer_cert,
	    req->peer_cert_len, req->client, c.now, &c.who, &why);
	if (s != RA_OK)
		return rq_error(&c, ra_status_http(s),
		    s == RA_UNAUTHENTICATED ? "certificate_required" :
		    s == RA_FORBIDDEN ? "certificate_refused" : "internal",
		    why != NULL ? why : ra_status_text(s));
	if (!rq_parse_body(&c, REVREQ_BODY_MAX) ||
	    !rq_only_members(&c, members) ||
	    !rq_str(&c, "operator", 0, 64, &op, NULL) ||
	    !rq_str(&c, "totp", 0, 16, &totp, &tlen) ||
	    !rq_str(&c, "reason", 0, 32, &reason, NULL) ||
	    !rq_str(&c, "grounds", 0, 500, &in.grounds, NULL) ||
	    !rq_reason(&c, reason, &in.reason))
		return rq_call_end(&c, 1);
	in.kind = STORE_REVREQ_LRA;
	in.issuer = issuer;
	in.serial = serial;
	in.requester = c.who.name;
	/* Scope first (403, audited), then the operator's TOTP. */
	if ((s = ra_revoke_check(c.h->ra, &c.who, &in, c.now, &why)) != RA_OK)
		return rq_call_end(&c, rq_status(&c, s, why));
	if (!rq_totp(&c, op, c.who.org, totp, tlen))
		return rq_call_end(&c, 1);
	{
		char requester[140];

		snprintf(requester, sizeof(requester), "%s operator %s",
		    c.who.name, op);
		in.requester = requester;
		s = ra_revoke_request(c.h->ra, &c.h->rv, &c.who, &in, c.now,
		    &id, &why);
	}
	if (s != RA_OK)
		return rq_call_end(&c, rq_status(&c, s, why));
	http_revreq_notify(c.h, issuer, serial, in.reason, "your LRA");
	return rq_call_end(&c, rq_done(&c, id, issuer, serial, in.reason));
}

/* --- public problem reports (CP-1.5.2) ------------------------------------------- */

int
http_revreq_report_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	static const char *const members[] = { "serial", "issuer",
	    "certificate", "kind", "description", "contact", "proof", NULL };
	struct ra_report_in in = { 0 };
	struct ra_report_out out;
	const char *kind, *why = NULL;
	struct rq_call c;
	enum ra_status s;
	char due[32], by[32];
	int lim;

	rq_call_init(&c, arg, req, resp);
	if (req->rest[0] != '\0')
		return rq_error(&c, 404, "not_found", "no such endpoint");
	if (req->method != HTTP_POST)
		return rq_error(&c, 405, "method_not_allowed", "POST a JSON "
		    "problem report");
	if (!rq_parse_body(&c, REVREQ_REPORT_MAX) ||
	    !rq_only_members(&c, members) ||
	    !rq_str(&c, "serial", 1, 64, &in.serial, NULL) ||
	    !rq_str(&c, "issuer", 1, 64, &in.issuer, NULL) ||
	    !rq_str(&c, "certificate", 1, 16 * 1024, &in.cert_pem,
	    &in.cert_pem_len) ||
	    !rq_str(&c, "kind", 0, 32, &kind, NULL) ||
	    !rq_str(&c, "description", 0, 4000, &in.description, NULL) ||
	    !rq_str(&c, "contact", 0, 256, &in.contact, NULL) ||
	    !rq_str(&c, "proof", 1, 16 * 1024, &in.proof_pem, &in.proof_len))
		return rq_call_end(&c, 1);
	if ((in.serial == NULL) == (in.cert_pem == NULL))
		return rq_call_end(&c, rq_error(&c, 400, "invalid", "name the "
		    "certificate by \"serial\" (and \"issuer\") or give it as "
		    "\"certificate\" (PEM), not both"));
	if (in.issuer != NULL && !rq_issuer_ok(in.issuer, strlen(in.issuer)))
		return rq_call_end(&c, rq_error(&c, 400, "invalid",
		    "issuer must be a CA name"));
	if (!store_report_kind_parse(kind, &in.kind))
		return rq_call_end(&c, rq_error(&c, 400, "invalid", "kind must "
		    "be key_compromise, misuse or other"));
	if (*in.description == '\0' || *in.contact == '\0')
		return rq_call_end(&c, rq_error(&c, 400, "invalid",
		    "description and contact must not be empty"));
	in.source = req->client;
	if ((lim = http_limit_allow(&c.h->limit, req->client,
	    (time_t)c.now, 1, NULL)) != 1) {
		if (lim == -1)
			http_limit_audit(c.h->ra, "ra.report.throttle",
			    req->client, "more than 10 problem reports a "
			    "minute from this address: refused until the "
			    "minute ends");
		http_response_header(resp, "Retry-After", "60");
		return rq_call_end(&c, rq_error(&c, 429, "too_many_reports",
		    "at most 10 reports a minute from one address; try again "
		    "later"));
	}
	s = ra_report_submit(c.h->ra, &c.h->rv, &in, c.now, &out, &why);
	if (s != RA_OK)
		return rq_call_end(&c, rq_status(&c, s, why));
	rq_date(out.report_due_at, due);
	rq_date(out.revoke_by, by);
	rq_report_ack(c.h, in.contact, &out, due, by);
	if (out.revoked)
		http_revreq_notify(c.h, out.issuer, out.serial, 1,
		    "the CA, after a verified proof of key compromise");
	return rq_call_end(&c, rq_reply(&c, out.revoked ? 201 : 202,
	    json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
	    (json_int_t)out.id, "issuer", out.issuer, "serial", out.serial,
	    "state", out.revoked ? "revoked" : "pending", "revoked",
	    out.revoked, "report_due", due, "revoke_by", by)));
}
