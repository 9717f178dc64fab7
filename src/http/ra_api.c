#include "http/ra_api.h"
#include "http/ra_api_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "conf/conf.h"
#include "http/ra_call.h"
#include "ra/account.h"
#include "ra/app.h"
#include "ra/lra_cert.h"
#include "ra/mail.h"
#include "ra/org.h"
#include "util/log.h"

#define RA_COOKIE	"inkan_session"


struct http_ra *
http_ra_new(struct ra *ra)
{
	struct http_ra *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->ra = ra;
	http_limit_init(&h->login_fail, RA_LOGIN_FAILURES_MAX,
	    RA_LOGIN_FAILURES_WINDOW);
	http_limit_init(&h->confirm, RA_CONFIRMS_PER_MINUTE, 60);
	return h;
}

void
http_ra_set_calls(struct http_ra *h, struct ca_calls *calls,
    const struct conf *conf)
{
	h->calls = calls;
	h->conf = conf;
}

void
http_ra_free(struct http_ra *h)
{
	if (h == NULL)
		return;
	http_limit_destroy(&h->login_fail);
	http_limit_destroy(&h->confirm);
	free(h);
}

struct ra *
http_ra_ra(struct http_ra *h)
{
	return h->ra;
}

void
http_ra_app(struct http_ra *h, struct app_env *env, struct ra_mail *mail)
{
	memset(env, 0, sizeof(*env));
	env->calls = h->calls;
	env->conf = h->conf;
	if (h->conf == NULL)
		return;
	if (ra_mail_from_conf(h->conf, mail))
		env->mail = mail;
	env->suspicious_list = h->conf->ra_suspicious_list;
}

/* --- responses ------------------------------------------------------------- */

/* Sends obj (taken) as the JSON body with status. 0 on failure. */
int
ra_reply(struct ra_call *c, int status, json_t *obj)
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

/* A 4xx/5xx JSON error: {"error": code, "message": message}. */
int
ra_error(struct ra_call *c, int status, const char *code,
    const char *message)
{
	return ra_reply(c, status, json_pack("{s:s, s:s}", "error", code,
	    "message", message));
}

static const char *const ra_status_codes[RA_STATUS_MAX] = {
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

int
ra_error_status(struct ra_call *c, enum ra_status s)
{
	if (s >= RA_STATUS_MAX)
		s = RA_ERROR;
	return ra_error(c, ra_status_http(s), ra_status_codes[s],
	    ra_status_text(s));
}

/* --- request bodies ------------------------------------------------------- */

/*
 * Parses the body as one JSON object into c->body. On failure, answers
 * (415, 413 or 400) and returns 0; the caller returns 1.
 */
int
ra_parse_body(struct ra_call *c)
{
	const char *ct = http_request_header(c->req, "Content-Type");
	json_error_t err;
	size_t n;

	n = strlen("application/json");
	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0 ||
	    (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')) {
		ra_error(c, 415, "unsupported_media_type",
		    "Content-Type must be application/json");
		return 0;
	}
	if (c->req->body_len > RA_API_BODY_MAX) {
		ra_error(c, 413, "too_large", "request body larger than "
		    "8192 bytes");
		return 0;
	}
	/* No NUL in strings; duplicate keys are ambiguous: refused. */
	c->body = json_loadb((const char *)c->req->body, c->req->body_len,
	    JSON_REJECT_DUPLICATES, &err);
	if (c->body == NULL) {
		ra_error(c, 400, "malformed_json", err.text);
		return 0;
	}
	if (!json_is_object(c->body)) {
		ra_error(c, 400, "malformed_json", "body must be a JSON object");
		return 0;
	}
	return 1;
}

/*
 * Checks that the body has only the members in allowed (NULL-terminated):
 * a typo in a member name is an error, not a silent default.
 */
int
ra_only_members(struct ra_call *c, const char *const *allowed)
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
			ra_error(c, 400, "unknown_member", msg);
			return 0;
		}
	}
	return 1;
}

/*
 * A string member: 1 and *out (borrowed, *len its length) if present and
 * a string of at most max bytes; if absent and optional, 1 and *out
 * NULL. Otherwise answers 400 and returns 0.
 */
int
ra_member_str(struct ra_call *c, const char *name, int optional,
    size_t max, const char **out, size_t *len)
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
		ra_error(c, 400, "missing_member", msg);
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "member \"%s\" must be a string",
		    name);
		ra_error(c, 400, "wrong_type", msg);
		return 0;
	}
	if (json_string_length(v) > max) {
		snprintf(msg, sizeof(msg), "member \"%s\" is longer than %zu",
		    name, max);
		ra_error(c, 400, "too_long", msg);
		return 0;
	}
	*out = json_string_value(v);
	if (len != NULL)
		*len = json_string_length(v);
	return 1;
}

/* --- authentication ---------------------------------------------------------- */

/* The token of the request: bearer first, then the cookie. */
const char *
ra_token_of(const struct http_request *req, size_t *len)
{
	const char *v, *p;

	if ((v = http_request_header(req, "Authorization")) != NULL) {
		if (strncasecmp(v, "Bearer ", 7) != 0)
			return NULL;
		v += 7;
		*len = strcspn(v, " \t");
		return v;
	}
	if ((v = http_request_header(req, "Cookie")) == NULL)
		return NULL;
	for (p = v; (p = strstr(p, RA_COOKIE "=")) != NULL; p++) {
		if (p != v && p[-1] != ' ' && p[-1] != ';')
			continue;
		p += strlen(RA_COOKIE "=");
		*len = strcspn(p, "; \t");
		return p;
	}
	return NULL;
}

/*
 * Authenticates the call into c->who. With need_full, an enrolment-only
 * session is refused (CP-6.5.1). On refusal answers and returns 0.
 */
int
ra_auth(struct ra_call *c, int need_full)
{
	enum ra_status s;
	const char *tok;
	size_t len = 0;

	if ((tok = ra_token_of(c->req, &len)) == NULL) {
		ra_error_status(c, RA_UNAUTHENTICATED);
		return 0;
	}
	s = ra_authenticate(c->h->ra, tok, len, c->req->client, c->now,
	    &c->who);
	if (s != RA_OK) {
		ra_error_status(c, s);
		return 0;
	}
	if (need_full && !c->who.full) {
		ra_error(c, 403, "mfa_enrolment_required", "enrol TOTP first "
		    "(POST " RA_API_PREFIX "/mfa/enrol, then /mfa/confirm)");
		return 0;
	}
	return 1;
}

/* --- endpoints ---------------------------------------------------------------- */

static int
ra_set_cookie(struct ra_call *c, const char *token, int64_t max_age)
{
	return http_response_header(c->resp, "Set-Cookie",
	    RA_COOKIE "=%s; Path=" RA_API_PREFIX "; Max-Age=%lld; Secure; "
	    "HttpOnly; SameSite=Strict", token, (long long)max_age);
}

static int
ra_ep_login(struct ra_call *c)
{
	static const char *const members[] = { "name", "password", "totp",
	    NULL };
	struct ra_login in = { 0 };
	struct ra_login_result out;
	enum ra_status s;
	time_t retry = 0;
	int ok;

	/* Too many failures from this address: refused before any check. */
	if ((ok = http_limit_allow(&c->h->login_fail, c->req->client,
	    (time_t)c->now, 0, &retry)) != 1) {
		if (ok == -1)
			http_limit_audit(c->h->ra, "ra.login.throttle",
			    c->req->client, "more than 20 failed logins in 10 "
			    "minutes from this address: logins from it "
			    "refused until the window ends");
		http_response_header(c->resp, "Retry-After", "%lld",
		    (long long)retry);
		return ra_error(c, 429, "too_many_failures", "too many failed "
		    "logins from this address; try again later");
	}
	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "name", 0, 64, &in.name, NULL) ||
	    !ra_member_str(c, "password", 0, 1024, &in.password,
	    &in.password_len) ||
	    !ra_member_str(c, "totp", 1, 16, &in.totp, &in.totp_len))
		return 1;
	in.source = c->req->client;
	s = ra_login(c->h->ra, &in, c->now, &out);
	/* A guess: wrong name, password or code, or a locked account. */
	if (s == RA_BAD_CREDENTIALS || s == RA_TOTP_REPLAYED || s == RA_LOCKED)
		http_limit_add(&c->h->login_fail, c->req->client,
		    (time_t)c->now);
	if (s == RA_LOCKED) {
		http_response_header(c->resp, "Retry-After", "%lld",
		    (long long)out.retry_after);
		return ra_error_status(c, s);
	}
	if (s != RA_OK)
		return ra_error_status(c, s);
	ok = ra_set_cookie(c, out.token, out.expires_at - c->now) &&
	    ra_reply(c, 200, json_pack("{s:s, s:I, s:b}", "token", out.token,
	    "expires_at", (json_int_t)out.expires_at,
	    "mfa_enrolment_required", !out.full));
	sodium_memzero(out.token, sizeof(out.token));
	return ok;
}

static int
ra_ep_logout(struct ra_call *c)
{
	enum ra_status s;

	if (!ra_auth(c, 0))
		return 1;
	if ((s = ra_logout(c->h->ra, &c->who)) != RA_OK)
		return ra_error_status(c, s);
	return http_response_header(c->resp, "Set-Cookie",
	    RA_COOKIE "=; Path=" RA_API_PREFIX "; Max-Age=0; Secure; "
	    "HttpOnly; SameSite=Strict") &&
	    ra_reply(c, 200, json_pack("{s:b}", "logged_out", 1));
}

static int
ra_ep_me(struct ra_call *c)
{
	json_t *o;

	if (!ra_auth(c, 0))
		return 1;
	o = json_pack("{s:s, s:s, s:b, s:b, s:I, s:I}", "name", c->who.name,
	    "role", store_ra_role_name(c->who.role), "mfa_enrolled",
	    c->who.enrolled, "mfa_enrolment_required", !c->who.full,
	    "expires_at", (json_int_t)c->who.expires_at, "idle_expires_at",
	    (json_int_t)c->who.idle_until);
	if (o != NULL && c->who.org[0] != '\0')
		json_object_set_new(o, "org", json_string(c->who.org));
	return ra_reply(c, 200, o);
}

static int
ra_ep_enrol(struct ra_call *c)
{
	static const char *const members[] = { NULL };
	char b32[RA_TOTP_B32_MAX], uri[RA_TOTP_URI_MAX];
	enum ra_status s;
	int ok;

	/* An empty object, or no body at all. */
	if (c->req->body_len > 0 && (!ra_parse_body(c) ||
	    !ra_only_members(c, members)))
		return 1;
	if (!ra_auth(c, 0))
		return 1;
	if ((s = ra_mfa_enrol(c->h->ra, &c->who, b32, uri)) != RA_OK)
		return s == RA_CONFLICT ? ra_error(c, 409, "already_enrolled",
		    "TOTP is already enrolled; an administrator can reset it") :
		    ra_error_status(c, s);
	/* Shown once: the store keeps it, nothing shows it again. */
	ok = ra_reply(c, 200, json_pack("{s:s, s:s, s:i, s:i, s:s}",
	    "secret", b32, "otpauth_uri", uri, "digits", RA_TOTP_DIGITS,
	    "period", RA_TOTP_STEP, "algorithm", "SHA1"));
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	return ok;
}

static int
ra_ep_confirm(struct ra_call *c)
{
	static const char *const members[] = { "totp", NULL };
	const char *code;
	size_t len;
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "totp", 0, 16, &code, &len))
		return 1;
	if (!ra_auth(c, 0))
		return 1;
	s = ra_mfa_confirm(c->h->ra, &c->who, code, len, c->now);
	if (s == RA_CONFLICT)
		return ra_error(c, 409, "no_enrolment", "no TOTP enrolment "
		    "under way (POST " RA_API_PREFIX "/mfa/enrol first)");
	if (s != RA_OK)
		return ra_error_status(c, s);
	return ra_reply(c, 200, json_pack("{s:b}", "mfa_enrolled", 1));
}

/* --- organisations and LRAs (CP-1.3.2, 3.2.2, 4.1.1) ------------------------ */

/* A JSON array of strings from a comma list. */
static json_t *
ra_csv_array(const char *csv)
{
	json_t *a = json_array();

	for (const char *p = csv; a != NULL && *p != '\0';) {
		size_t k = strcspn(p, ",");

		if (k > 0)
			json_array_append_new(a, json_stringn(p, k));
		p += k;
		if (*p == ',')
			p++;
	}
	return a;
}

static void
ra_date_text(int64_t t, char buf[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

static int
ra_evidence_json(const struct store_evidence *e, void *arg)
{
	char date[16];

	ra_date_text(e->issued_on, date);
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, "
	    "s:s, s:s, s:I}", "doc_type", e->doc_type, "doc_issuer",
	    e->doc_issuer, "issued_on", date, "reference", e->reference ?
	    e->reference : "", "disposition",
	    store_evidence_disposition_name(e->disposition), "recorded_by",
	    e->recorded_by ? e->recorded_by : "", "recorded_at",
	    (json_int_t)e->recorded_at)) == 0;
}

static json_t *
ra_org_json(const struct store_org *o)
{
	json_t *j, *items;

	items = json_loads(o->options, 0, NULL);
	j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I}", "name",
	    o->name, "display_name", o->display_name, "kind", o->lra ? "lra" :
	    "organisation", "status", store_org_status_name(o->status),
	    "policies", ra_csv_array(o->policies), "optional_items",
	    items != NULL ? items : json_array(), "registered_by",
	    o->registered_by, "registered_at", (json_int_t)o->registered_at);
	if (j != NULL && o->decided_by != NULL) {
		json_object_set_new(j, "decided_by", json_string(o->decided_by));
		json_object_set_new(j, "decided_at",
		    json_integer(o->decided_at));
		if (o->decision_note != NULL)
			json_object_set_new(j, "decision_note",
			    json_string(o->decision_note));
	}
	return j;
}

struct ra_org_list {
	const struct ra_principal *who;
	json_t		*arr;
};

static int
ra_org_list_one(const struct store_org *o, void *arg)
{
	struct ra_org_list *l = arg;

	if (!ra_org_may_read(l->who, o->name))
		return 1;
	return json_array_append_new(l->arr, ra_org_json(o)) == 0;
}

static int
ra_ep_orgs_list(struct ra_call *c)
{
	struct ra_org_list l = { &c->who, json_array() };
	int ok;

	if (c->who.role == STORE_RA_CUSTODIAN) {
		json_decref(l.arr);
		return ra_error_status(c, RA_FORBIDDEN);
	}
	pthread_mutex_lock(&c->h->ra->mu);
	ok = l.arr != NULL && store_org_each(c->h->ra->st, ra_org_list_one, &l);
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok) {
		json_decref(l.arr);
		return ra_error_status(c, RA_ERROR);
	}
	return ra_reply(c, 200, json_pack("{s:o}", "orgs", l.arr));
}

static int
ra_ep_org_get(struct ra_call *c, const char *name)
{
	struct store_org *o = NULL;
	json_t *j, *ev;
	int ok;

	if (!ra_org_may_read(&c->who, name))
		return ra_error_status(c, RA_FORBIDDEN);
	ev = json_array();
	pthread_mutex_lock(&c->h->ra->mu);
	ok = ev != NULL && store_org_get(c->h->ra->st, name, &o) &&
	    (o == NULL || store_evidence_each(c->h->ra->st, name,
	    ra_evidence_json, ev));
	pthread_mutex_unlock(&c->h->ra->mu);
	if (!ok || o == NULL) {
		json_decref(ev);
		store_org_free(o);
		return ra_error_status(c, ok ? RA_NOT_FOUND : RA_ERROR);
	}
	j = ra_org_json(o);
	store_org_free(o);
	if (j != NULL)
		json_object_set_new(j, "evidence", ev);
	else
		json_decref(ev);
	return ra_reply(c, 200, j);
}

/* Reads one evidence object; answers 400 and returns 0 if it is not one. */
static int
ra_evidence_in(struct ra_call *c, json_t *v, struct ra_evidence_in *e)
{
	static const char *const members[] = { "doc_type", "doc_issuer",
	    "issued_on", "reference", NULL };
	json_t *saved = c->body;
	int ok;

	if (!json_is_object(v))
		return ra_error(c, 400, "wrong_type",
		    "each evidence item must be an object"), 0;
	c->body = v;
	ok = ra_only_members(c, members) &&
	    ra_member_str(c, "doc_type", 0, 64, &e->doc_type, NULL) &&
	    ra_member_str(c, "doc_issuer", 0, 256, &e->doc_issuer, NULL) &&
	    ra_member_str(c, "issued_on", 0, 10, &e->issued_on, NULL) &&
	    ra_member_str(c, "reference", 1, 256, &e->reference, NULL);
	c->body = saved;
	return ok;
}

int
ra_invalid(struct ra_call *c, enum ra_status s, const char *why)
{
	if (s == RA_INVALID && why != NULL)
		return ra_error(c, 400, "invalid", why);
	if (s == RA_CONFLICT && why != NULL)
		return ra_error(c, 409, "conflict", why);
	return ra_error_status(c, s);
}

static int
ra_ep_orgs_register(struct ra_call *c)
{
	static const char *const members[] = { "name", "display_name", "kind",
	    "evidence", NULL };
	struct ra_evidence_in ev[RA_EVIDENCE_MAX] = { 0 };
	struct ra_org_new o = { 0 };
	const char *kind, *why = NULL;
	enum ra_status s;
	json_t *arr, *v;
	size_t i;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "name", 0, 64, &o.name, NULL) ||
	    !ra_member_str(c, "display_name", 0, 256, &o.display_name, NULL) ||
	    !ra_member_str(c, "kind", 0, 16, &kind, NULL))
		return 1;
	if (strcmp(kind, "lra") != 0 && strcmp(kind, "organisation") != 0)
		return ra_error(c, 400, "invalid",
		    "kind must be \"lra\" or \"organisation\"");
	o.lra = strcmp(kind, "lra") == 0;
	arr = json_object_get(c->body, "evidence");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > RA_EVIDENCE_MAX)
		return ra_error(c, 400, arr == NULL ? "missing_member" :
		    "wrong_type", "evidence must be an array of 1 to 16 "
		    "documents (CP-3.2.2)");
	json_array_foreach(arr, i, v)
		if (!ra_evidence_in(c, v, &ev[i]))
			return 1;
	o.evidence = ev;
	o.nevidence = json_array_size(arr);
	s = ra_org_register(c->h->ra, &c->who, &o, c->now, &why);
	if (s == RA_CONFLICT)
		return ra_error(c, 409, "conflict", "an organisation of that "
		    "name exists");
	if (s != RA_OK)
		return ra_invalid(c, s, why);
	if (!ra_ep_org_get(c, o.name))
		return 0;
	if (c->resp->status == 200)
		c->resp->status = 201;
	return 1;
}

static int
ra_ep_org_evidence(struct ra_call *c, const char *name)
{
	struct ra_evidence_in e = { 0 };
	const char *why = NULL;
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_evidence_in(c, c->body, &e))
		return 1;
	s = ra_org_add_evidence(c->h->ra, &c->who, name, &e, c->now, &why);
	if (s != RA_OK)
		return ra_invalid(c, s, why);
	return ra_ep_org_get(c, name);
}

static int
ra_ep_org_approve(struct ra_call *c, const char *name)
{
	static const char *const members[] = { "note", NULL };
	const char *note = NULL, *why = NULL;
	enum ra_status s;

	if (c->req->body_len > 0 && (!ra_parse_body(c) ||
	    !ra_only_members(c, members) ||
	    !ra_member_str(c, "note", 1, 256, &note, NULL)))
		return 1;
	s = ra_org_approve(c->h->ra, &c->who, name, note, c->now, &why);
	if (s != RA_OK)
		return ra_invalid(c, s, why);
	return ra_ep_org_get(c, name);
}

static int
ra_ep_org_reject(struct ra_call *c, const char *name)
{
	static const char *const members[] = { "reason", "documents", NULL };
	const char *reason, *docs;
	enum store_evidence_disposition d;
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "reason", 0, 256, &reason, NULL) ||
	    !ra_member_str(c, "documents", 0, 16, &docs, NULL))
		return 1;
	if (strcmp(docs, "returned") == 0)
		d = STORE_EVIDENCE_RETURNED;
	else if (strcmp(docs, "destroyed") == 0)
		d = STORE_EVIDENCE_DESTROYED;
	else
		return ra_error(c, 400, "invalid", "documents must be "
		    "\"returned\" or \"destroyed\" (CP-3.2.2)");
	s = ra_org_reject(c->h->ra, &c->who, name, reason, d, c->now);
	if (s == RA_CONFLICT)
		return ra_error(c, 409, "conflict",
		    "the organisation was already decided");
	if (s != RA_OK)
		return ra_error_status(c, s);
	return ra_ep_org_get(c, name);
}

/* A JSON array of strings as a comma list in buf; 0 and a 400 if not. */
static int
ra_array_csv(struct ra_call *c, const char *name, char *buf, size_t len)
{
	json_t *arr = json_object_get(c->body, name), *v;
	size_t i, n = 0;
	char msg[96];

	buf[0] = '\0';
	if (!json_is_array(arr)) {
		snprintf(msg, sizeof(msg), "member \"%s\" must be an array of "
		    "strings", name);
		return ra_error(c, 400, arr == NULL ? "missing_member" :
		    "wrong_type", msg), 0;
	}
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		int w;

		if (s == NULL || strchr(s, ',') != NULL || *s == '\0') {
			snprintf(msg, sizeof(msg), "member \"%s\" must be an "
			    "array of names", name);
			return ra_error(c, 400, "wrong_type", msg), 0;
		}
		w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", s);
		if (w < 0 || (size_t)w >= len - n)
			return ra_error(c, 400, "too_long", "list too long"),
			    0;
		n += (size_t)w;
	}
	return 1;
}

static int
ra_ep_org_settings(struct ra_call *c, const char *name)
{
	static const char *const members[] = { "policies", "optional_items",
	    NULL };
	char policies[128], items[128];
	const char *why = NULL;
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_array_csv(c, "policies", policies, sizeof(policies)) ||
	    !ra_array_csv(c, "optional_items", items, sizeof(items)))
		return 1;
	s = ra_org_settings(c->h->ra, &c->who, name, policies, items, &why);
	if (s != RA_OK)
		return ra_invalid(c, s, why);
	return ra_ep_org_get(c, name);
}

/*
 * /orgs, /orgs/NAME and /orgs/NAME/VERB: -1 if the path is none of them,
 * else the handler's result. Every one needs a full session.
 */
static int
ra_org_route(struct ra_call *c)
{
	const char *rest = c->req->rest, *slash;
	char name[65];
	size_t n;

	if (strcmp(rest, "/orgs") == 0) {
		if (c->req->method != HTTP_GET && c->req->method != HTTP_POST)
			return ra_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		if (!ra_auth(c, 1))
			return 1;
		return c->req->method == HTTP_GET ? ra_ep_orgs_list(c) :
		    ra_ep_orgs_register(c);
	}
	if (strncmp(rest, "/orgs/", 6) != 0)
		return -1;
	rest += 6;
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n >= sizeof(name))
		return ra_error(c, 404, "not_found", "no such organisation");
	memcpy(name, rest, n);
	name[n] = '\0';
	if (slash == NULL) {
		if (c->req->method != HTTP_GET)
			return ra_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		return ra_auth(c, 1) ? ra_ep_org_get(c, name) : 1;
	}
	static const struct {
		const char *verb;
		int (*fn)(struct ra_call *, const char *);
	} verbs[] = {
		{ "/evidence", ra_ep_org_evidence },
		{ "/approve", ra_ep_org_approve },
		{ "/reject", ra_ep_org_reject },
		{ "/settings", ra_ep_org_settings },
	};
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(slash, verbs[i].verb) != 0)
			continue;
		if (c->req->method != HTTP_POST)
			return ra_error(c, 405, "method_not_allowed",
			    "method not allowed for this path");
		return ra_auth(c, 1) ? verbs[i].fn(c, name) : 1;
	}
	return ra_error(c, 404, "not_found", "no such API endpoint");
}

/* --- routing -------------------------------------------------------------------- */

struct ra_endpoint {
	const char	*path;		/* after /ra/v1 */
	enum http_method method;
	int		(*fn)(struct ra_call *);
};

static const struct ra_endpoint ra_endpoints[] = {
	{ "/login", HTTP_POST, ra_ep_login },
	{ "/logout", HTTP_POST, ra_ep_logout },
	{ "/me", HTTP_GET, ra_ep_me },
	{ "/mfa/enrol", HTTP_POST, ra_ep_enrol },
	{ "/mfa/confirm", HTTP_POST, ra_ep_confirm },
};

#define RA_NENDPOINTS	(sizeof(ra_endpoints) / sizeof(ra_endpoints[0]))

int
http_ra_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	struct ra_call c = { 0 };
	int path_known = 0, ok;

	c.h = arg;
	c.req = req;
	c.resp = resp;
	c.now = (int64_t)time(NULL);
	for (size_t i = 0; i < RA_NENDPOINTS; i++) {
		if (strcmp(req->rest, ra_endpoints[i].path) != 0)
			continue;
		path_known = 1;
		if (req->method != ra_endpoints[i].method)
			continue;
		ok = ra_endpoints[i].fn(&c);
		json_decref(c.body);
		sodium_memzero(&c.who, sizeof(c.who));
		return ok;
	}
	if (path_known == 0 && ((ok = app_api_route(&c)) >= 0 ||
	    (ok = ra_org_route(&c)) >= 0)) {
		json_decref(c.body);
		return ok;
	}
	if (path_known == 0 && (ok = ra_validation_route(&c)) >= 0) {
		json_decref(c.body);
		sodium_memzero(&c.who, sizeof(c.who));
		return ok;
	}
	if (path_known)
		return ra_error(&c, 405, "method_not_allowed",
		    "method not allowed for this path");
	return ra_error(&c, 404, "not_found", "no such API endpoint");
}

/* --- the LRA API over TLS with client certificates (CP-4.9.3) -------------- */

static int
lra_ep_me(struct ra_call *c)
{
	return ra_reply(c, 200, json_pack("{s:s, s:s, s:s, s:s}", "name",
	    c->who.name, "role", "lra", "org", c->who.org, "auth",
	    "tls-client-cert"));
}

static int
lra_ep_org(struct ra_call *c)
{
	return ra_ep_org_get(c, c->who.org);
}

int
http_lra_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	static const struct ra_endpoint endpoints[] = {
		{ "/me", HTTP_GET, lra_ep_me },
		{ "/org", HTTP_GET, lra_ep_org },
	};
	struct ra_call c = { 0 };
	const char *why = NULL;
	enum ra_status s;
	int ok;

	c.h = arg;
	c.req = req;
	c.resp = resp;
	c.now = (int64_t)time(NULL);
	/* Applications (app_api.c): the same certificate check first. */
	if (strncmp(req->rest, "/applications", 13) == 0) {
		s = ra_lra_cert_authenticate(c.h->ra, req->peer_cert,
		    req->peer_cert_len, req->client, c.now, &c.who, &why);
		if (s != RA_OK)
			return ra_error(&c, ra_status_http(s),
			    s == RA_UNAUTHENTICATED ? "certificate_required" :
			    s == RA_FORBIDDEN ? "certificate_refused" :
			    "internal", why != NULL ? why : ra_status_text(s));
		if ((ok = app_api_lra_route(&c)) < 0)
			ok = ra_error(&c, 404, "not_found",
			    "no such API endpoint");
		json_decref(c.body);
		return ok;
	}
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		if (strcmp(req->rest, endpoints[i].path) != 0)
			continue;
		if (req->method != endpoints[i].method)
			return ra_error(&c, 405, "method_not_allowed",
			    "method not allowed for this path");
		s = ra_lra_cert_authenticate(c.h->ra, req->peer_cert,
		    req->peer_cert_len, req->client, c.now, &c.who, &why);
		if (s != RA_OK)
			return ra_error(&c, ra_status_http(s),
			    s == RA_UNAUTHENTICATED ? "certificate_required" :
			    s == RA_FORBIDDEN ? "certificate_refused" :
			    "internal", why != NULL ? why : ra_status_text(s));
		ok = endpoints[i].fn(&c);
		json_decref(c.body);
		return ok;
	}
	return ra_error(&c, 404, "not_found", "no such API endpoint");
}
