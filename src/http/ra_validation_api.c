#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "http/ra_api.h"
#include "http/ra_api_int.h"
#include "ra/validation.h"
#include "util/log.h"

/*
 * E-mail control validation over the RA API (CP-3.2.7, docs/api.md):
 *
 *   POST /ra/v1/validations               start (RA operator, admin; MFA)
 *   GET  /ra/v1/validations               list (also auditors)
 *   GET  /ra/v1/validations/ID            one
 *   POST /ra/v1/validations/ID/check      look for an http/dns value now
 *   POST /ra/v1/validations/confirm       public: a mailbox holder returns
 *                                         the mailed value
 *   POST /ra/v1/email-control             reusable validation and CAA
 *                                         issuemail for one address
 */

#define RA_VLIST_MAX	500

static json_t *
ra_v_time(int64_t t)
{
	return t != 0 ? json_integer((json_int_t)t) : json_null();
}

static json_t *
ra_v_json(const struct store_validation *v)
{
	char hex[STORE_VALIDATION_HASH_LEN * 2 + 1] = "";

	if (v->has_value)
		sodium_bin2hex(hex, sizeof(hex), v->value_hash,
		    sizeof(v->value_hash));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, "
	    "s:I, s:o, s:o, s:I, s:s, s:s, s:I, s:o}",
	    "id", v->id, "method", v->method, "requirement", v->requirement,
	    "email", v->email != NULL ? json_string(v->email) : json_null(),
	    "domain", v->domain, "target", v->target,
	    "evidence", v->evidence, "evidence_ref", v->evidence_ref,
	    "started_by", v->started_by,
	    "created_at", (json_int_t)v->created_at,
	    "sent_at", ra_v_time(v->sent_at),
	    "completed_at", ra_v_time(v->completed_at),
	    "expires_at", (json_int_t)v->expires_at,
	    "state", v->state, "outcome", v->outcome,
	    "attempts", (json_int_t)v->attempts,
	    "value_sha256", v->has_value ? json_string(hex) : json_null());
}

/* Readers: RA operators, administrators, auditors; full sessions. */
static int
ra_v_may_read(const struct ra_principal *p)
{
	return p->full && (p->role == STORE_RA_ADMIN ||
	    p->role == STORE_RA_OPERATOR || p->role == STORE_RA_AUDITOR);
}

static int
ra_v_refuse_read(struct ra_call *c, const char *object)
{
	ra_audit_as(c->h->ra, &c->who, "ra.validation.read", object,
	    "refused", "only RA operators, CA administrators and auditors "
	    "read validations");
	return ra_error_status(c, RA_FORBIDDEN);
}

static int
ra_v_get(struct ra_call *c, const char *id)
{
	struct store_validation *v = NULL;
	int ok;

	if (!ra_v_may_read(&c->who))
		return ra_v_refuse_read(c, id);
	pthread_mutex_lock(&c->h->ra->mu);
	ok = store_validation_get(c->h->ra->st, id, &v);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok)
		return ra_error_status(c, RA_ERROR);
	if (v == NULL)
		return ra_error(c, 404, "not_found", "no such validation");
	ok = ra_reply(c, 200, ra_v_json(v));
	store_validation_free(v);
	return ok;
}

static int
ra_v_list_one(const struct store_validation *v, void *arg)
{
	json_t *o = ra_v_json(v);

	return o != NULL && json_array_append_new(arg, o) == 0;
}

static int
ra_v_list(struct ra_call *c)
{
	json_t *arr;
	int ok;

	if (!ra_v_may_read(&c->who))
		return ra_v_refuse_read(c, "validations");
	if ((arr = json_array()) == NULL)
		return ra_error_status(c, RA_ERROR);
	pthread_mutex_lock(&c->h->ra->mu);
	ok = store_validation_each(c->h->ra->st, RA_VLIST_MAX, ra_v_list_one,
	    arr);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok) {
		json_decref(arr);
		return ra_error_status(c, RA_ERROR);
	}
	return ra_reply(c, 200, json_pack("{s:o}", "validations", arr));
}

static int
ra_v_start(struct ra_call *c)
{
	static const char *const members[] = { "method", "email", "domain",
	    "contact", "local_part", "file", "label", "evidence",
	    "evidence_ref", NULL };
	struct ra_vstart in = { 0 };
	struct ra_vstarted out;
	const char *method, *why = NULL;
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "method", 0, 32, &method, NULL) ||
	    !ra_member_str(c, "email", 1, 320, &in.email, NULL) ||
	    !ra_member_str(c, "domain", 1, 253, &in.domain, NULL) ||
	    !ra_member_str(c, "contact", 1, 320, &in.contact, NULL) ||
	    !ra_member_str(c, "local_part", 1, 32, &in.local_part, NULL) ||
	    !ra_member_str(c, "file", 1, 64, &in.file, NULL) ||
	    !ra_member_str(c, "label", 1, 63, &in.label, NULL) ||
	    !ra_member_str(c, "evidence", 1, 1024, &in.evidence, NULL) ||
	    !ra_member_str(c, "evidence_ref", 1, 256, &in.evidence_ref,
	    NULL))
		return 1;
	if (!ra_vmethod_parse(method, &in.method))
		return ra_error(c, 400, "invalid", "method must be operator, "
		    "whois-contact, constructed, http, dns or mailbox");
	s = ra_validation_start(c->h->ra, c->h->conf, &c->who, &in, c->now,
	    &out, &why);
	if (s == RA_ERROR && why != NULL)
		return ra_error(c, 502, "mail_failed", why);
	if (s != RA_OK)
		return ra_invalid(c, s, why);
	return ra_reply(c, 201, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, "
	    "s:o}", "id", out.id, "method", ra_vmethod_name(in.method),
	    "requirement", ra_vmethod_requirement(in.method),
	    "state", out.state, "where", out.where,
	    "expires_at", (json_int_t)out.expires_at,
	    "value", out.value[0] != '\0' ? json_string(out.value) :
	    json_null()));
}

static int
ra_v_check(struct ra_call *c, const char *id)
{
	char why[600];
	enum ra_status s;

	s = ra_validation_check(c->h->ra, c->h->conf, &c->who, id, c->now,
	    why, sizeof(why));
	if (s == RA_INVALID)
		return ra_error(c, 422, "not_validated", why);
	if (s == RA_CONFLICT)
		return ra_error(c, 409, "conflict", why);
	if (s != RA_OK)
		return ra_error_status(c, s);
	return ra_v_get(c, id);
}

/* Public: no session; the value itself is the proof (SBR 3.2.2.2). */
static int
ra_v_confirm(struct ra_call *c)
{
	static const char *const members[] = { "value", NULL };
	char id[RA_VALIDATION_ID_LEN + 1];
	const char *value, *why = NULL;
	enum ra_status s;
	time_t retry = 0;
	size_t len;
	int lim;

	/* Anonymous: an address may not flood the store and the audit log. */
	if ((lim = http_limit_allow(&c->h->confirm, c->req->client,
	    (time_t)c->now, 1, &retry)) != 1) {
		if (lim == -1)
			http_limit_audit(c->h->ra, "ra.validation.throttle",
			    c->req->client, "more than 10 confirmations a "
			    "minute from this address: refused until the "
			    "minute ends");
		http_response_header(c->resp, "Retry-After", "%lld",
		    (long long)retry);
		return ra_error(c, 429, "too_many_requests", "at most 10 "
		    "confirmations a minute from one address; try again "
		    "later");
	}
	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "value", 0, 128, &value, &len))
		return 1;
	s = ra_validation_confirm(c->h->ra, value, len, c->req->client,
	    c->now, id, &why);
	if (s == RA_INVALID)
		return ra_error(c, 422, "not_validated", why);
	if (s != RA_OK)
		return ra_error_status(c, s);
	return ra_reply(c, 200, json_pack("{s:b, s:s}", "confirmed", 1, "id",
	    id));
}

static int
ra_v_email_control(struct ra_call *c)
{
	static const char *const members[] = { "email", NULL };
	char id[RA_VALIDATION_ID_LEN + 1], dom[256], why[600];
	const char *email;
	int current, caa;

	if (!ra_v_may_read(&c->who) || c->who.role == STORE_RA_AUDITOR) {
		ra_audit_as(c->h->ra, &c->who, "ra.email_control", "-",
		    "refused", "only RA operators and CA administrators");
		return ra_error_status(c, RA_FORBIDDEN);
	}
	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "email", 0, 320, &email, NULL))
		return 1;
	if (!ra_email_domain(email, dom, sizeof(dom)))
		return ra_error(c, 400, "invalid", "email must be one mailbox "
		    "address local@domain");
	current = ra_email_control_current(c->h->ra, email, c->now, id,
	    sizeof(id));
	caa = ra_caa_issuemail_permits(c->h->ra, c->h->conf, email,
	    c->who.name, why, sizeof(why));
	return ra_reply(c, 200, json_pack("{s:s, s:b, s:o, s:b, s:s}",
	    "email", email, "current", current, "validation_id",
	    current ? json_string(id) : json_null(), "caa_permits", caa,
	    "caa_reason", why));
}

static int
ra_v_method(struct ra_call *c, enum http_method m)
{
	if (c->req->method == m)
		return 1;
	ra_error(c, 405, "method_not_allowed",
	    "method not allowed for this path");
	return 0;
}

int
ra_validation_route(struct ra_call *c)
{
	const char *rest = c->req->rest, *slash;
	char id[RA_VALIDATION_ID_LEN + 1];
	size_t n;

	if (strcmp(rest, "/validations/confirm") == 0 ||
	    strcmp(rest, "/email-control") == 0 ||
	    strncmp(rest, "/validations", 12) == 0) {
		if (c->h->conf == NULL)
			return ra_error(c, 503, "unavailable", "e-mail control "
			    "validation is not configured");
	} else
		return -1;
	if (strcmp(rest, "/validations/confirm") == 0)
		return ra_v_method(c, HTTP_POST) ? ra_v_confirm(c) : 1;
	if (strcmp(rest, "/email-control") == 0)
		return !ra_v_method(c, HTTP_POST) || !ra_auth(c, 1) ? 1 :
		    ra_v_email_control(c);
	if (strcmp(rest, "/validations") == 0) {
		if (c->req->method != HTTP_GET && c->req->method != HTTP_POST)
			return ra_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		if (!ra_auth(c, 1))
			return 1;
		return c->req->method == HTTP_GET ? ra_v_list(c) :
		    ra_v_start(c);
	}
	if (strncmp(rest, "/validations/", 13) != 0)
		return ra_error(c, 404, "not_found", "no such API endpoint");
	rest += 13;
	slash = strchr(rest, '/');
	n = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	if (n != RA_VALIDATION_ID_LEN)
		return ra_error(c, 404, "not_found", "no such validation");
	memcpy(id, rest, n);
	id[n] = '\0';
	if (slash == NULL)
		return !ra_v_method(c, HTTP_GET) || !ra_auth(c, 1) ? 1 :
		    ra_v_get(c, id);
	if (strcmp(slash, "/check") == 0)
		return !ra_v_method(c, HTTP_POST) || !ra_auth(c, 1) ? 1 :
		    ra_v_check(c, id);
	return ra_error(c, 404, "not_found", "no such API endpoint");
}
