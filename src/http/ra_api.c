#include "http/ra_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "ra/account.h"
#include "util/log.h"

#define RA_COOKIE	"inkan_session"

struct http_ra {
	struct ra	*ra;
};

/* One API call: the request, the response and what the handler knows. */
struct ra_call {
	struct http_ra	*h;
	const struct http_request *req;
	struct http_response *resp;
	json_t		*body;		/* parsed request body, if any */
	struct ra_principal who;
	int64_t		 now;
};

struct http_ra *
http_ra_new(struct ra *ra)
{
	struct http_ra *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->ra = ra;
	return h;
}

void
http_ra_free(struct http_ra *h)
{
	free(h);
}

/* --- responses ------------------------------------------------------------- */

/* Sends obj (taken) as the JSON body with status. 0 on failure. */
static int
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
static int
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

static int
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
static int
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
static int
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
static int
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
static const char *
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
static int
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
	int ok;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "name", 0, 64, &in.name, NULL) ||
	    !ra_member_str(c, "password", 0, 1024, &in.password,
	    &in.password_len) ||
	    !ra_member_str(c, "totp", 1, 16, &in.totp, &in.totp_len))
		return 1;
	in.source = c->req->client;
	s = ra_login(c->h->ra, &in, c->now, &out);
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

/* Organisation routes (/orgs...): -1 if the path is none of them. */
static int
ra_org_route(struct ra_call *c)
{
	(void)c;
	return -1;
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
	if (path_known == 0 && (ok = ra_org_route(&c)) >= 0) {
		json_decref(c.body);
		return ok;
	}
	if (path_known)
		return ra_error(&c, 405, "method_not_allowed",
		    "method not allowed for this path");
	return ra_error(&c, 404, "not_found", "no such API endpoint");
}
