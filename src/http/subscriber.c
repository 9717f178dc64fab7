/*
 * The subscriber's suspension page (CP-4.9.13-4.9.15): plain HTML that
 * the server renders, no script, no external asset. The subscriber logs
 * in with the certificate's serial number (and its CA, if that serial is
 * ambiguous) and the login password issued with the certificate, then
 * suspends it (certificateHold) where the profile allows, or requests
 * its revocation (also of a suspended certificate: CP-4.9.13).
 *
 * - Session: a random token in a cookie (Secure; HttpOnly;
 *   SameSite=Strict; Path=/subscriber), 5 minutes idle, 15 at most; the
 *   store keeps its SHA-256 only.
 * - CSRF: every form carries the session's synchronizer token, compared
 *   in constant time; a POST without it changes nothing. The login form,
 *   before any session, carries a pre-session token that is also a
 *   cookie (inkan_sub_login, SameSite=Strict): a login whose field and
 *   cookie differ (a cross-site POST) is refused and audited, so no
 *   other site can log a browser into its own certificate's page.
 * - Content-Security-Policy default-src 'none', the one inline style
 *   allowed by its hash; every echoed value HTML-escaped.
 */
#include "http/revreq_api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "ca/revoke.h"
#include "http/revreq_impl.h"
#include "ra/ra_audit.h"
#include "util/log.h"

#define SUB_COOKIE	"inkan_sub"
#define SUB_LOGIN_COOKIE "inkan_sub_login"	/* the login form's token */
#define SUB_LOGIN_AGE	3600
#define SUB_FIELDS_MAX	8

static const char sub_style[] =
    "body{font-family:sans-serif;max-width:42em;margin:2em auto;"
    "padding:0 1em;color:#222}h1{font-size:1.4em}"
    "table{border-collapse:collapse}td,th{text-align:left;padding:.2em .6em;"
    "border-bottom:1px solid #ddd}.err{color:#a00}.ok{color:#060}"
    "form{margin:1em 0}label{display:block;margin:.4em 0}";

int
http_subscriber_init(struct http_revreq *h)
{
	unsigned char md[32];
	unsigned char b64[48];
	unsigned int mdlen = 0;

	if (!EVP_Digest(sub_style, sizeof(sub_style) - 1, md, &mdlen,
	    EVP_sha256(), NULL) || mdlen != sizeof(md))
		return 0;
	if (EVP_EncodeBlock(b64, md, (int)mdlen) != 44)
		return 0;
	snprintf(h->csp, sizeof(h->csp), "default-src 'none'; style-src "
	    "'sha256-%s'; form-action 'self'; frame-ancestors 'none'; "
	    "base-uri 'none'", (const char *)b64);
	return 1;
}

/* --- an HTML buffer --------------------------------------------------------- */

struct sub_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
	int		 failed;
};

static void
sub_addn(struct sub_buf *b, const char *s, size_t n)
{
	char *q;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 4096 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sub_add(struct sub_buf *b, const char *s)
{
	sub_addn(b, s, strlen(s));
}

/* Text as HTML: every value that is not ours goes through here. */
static void
sub_esc(struct sub_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': sub_add(b, "&amp;"); break;
		case '<': sub_add(b, "&lt;"); break;
		case '>': sub_add(b, "&gt;"); break;
		case '"': sub_add(b, "&quot;"); break;
		case '\'': sub_add(b, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n')
				sub_add(b, "?");
			else
				sub_addn(b, s, 1);
		}
	}
}

/* --- a call ---------------------------------------------------------------------- */

struct sub_call {
	struct http_revreq *h;
	const struct http_request *req;
	struct http_response *resp;
	struct ra_subscriber who;
	int		 logged_in;
	int64_t		 now;
	/* The decoded form: names and values in one buffer. */
	char		 form[REVREQ_FORM_MAX + 1];
	const char	*name[SUB_FIELDS_MAX];
	const char	*value[SUB_FIELDS_MAX];
	size_t		 vlen[SUB_FIELDS_MAX];
	size_t		 nfields;
};

static void
sub_head(struct sub_buf *b, const char *title)
{
	sub_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
	    "\"utf-8\"><title>");
	sub_esc(b, title);
	sub_add(b, "</title><style>");
	sub_add(b, sub_style);
	sub_add(b, "</style></head><body><h1>");
	sub_esc(b, title);
	sub_add(b, "</h1>\n");
}

/* Sends the page in b (taken) with status. */
static int
sub_send(struct sub_call *c, int status, struct sub_buf *b)
{
	sub_add(b, "</body></html>\n");
	if (b->failed) {
		free(b->p);
		return 0;
	}
	c->resp->status = status;
	c->resp->body = b->p;
	c->resp->body_len = b->len;
	c->resp->body_release = free;
	c->resp->body_release_arg = b->p;
	return http_response_header(c->resp, "Content-Type",
	    "text/html; charset=utf-8") &&
	    http_response_header(c->resp, "Cache-Control", "no-store") &&
	    http_response_header(c->resp, "Content-Security-Policy", "%s",
	    c->h->csp) &&
	    http_response_header(c->resp, "X-Content-Type-Options", "nosniff") &&
	    http_response_header(c->resp, "X-Frame-Options", "DENY") &&
	    http_response_header(c->resp, "Referrer-Policy", "no-referrer");
}

/* A short page: title and one message (escaped), with a way back. */
static int
sub_message(struct sub_call *c, int status, const char *title,
    const char *cls, const char *msg)
{
	struct sub_buf b = { 0 };

	sub_head(&b, title);
	sub_add(&b, "<p class=\"");
	sub_add(&b, cls);
	sub_add(&b, "\">");
	sub_esc(&b, msg);
	sub_add(&b, "</p><p><a href=\"/subscriber/\">Back</a></p>\n");
	return sub_send(c, status, &b);
}

static int
sub_redirect(struct sub_call *c, const char *to)
{
	struct sub_buf b = { 0 };

	sub_head(&b, "Moved");
	sub_add(&b, "<p><a href=\"");
	sub_add(&b, to);
	sub_add(&b, "\">Continue</a></p>\n");
	return http_response_header(c->resp, "Location", "%s", to) &&
	    sub_send(c, 303, &b);
}

/* --- forms ------------------------------------------------------------------------ */

static int
sub_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes [s, s+n) in place into out; 0 if malformed or it holds a NUL. */
static int
sub_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= n)
				return 0;
			if ((hi = sub_hex(s[i + 1])) < 0 ||
			    (lo = sub_hex(s[i + 2])) < 0 || (hi == 0 && lo == 0))
				return 0;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen = o;
	return 1;
}

/*
 * Parses an application/x-www-form-urlencoded body of at most
 * REVREQ_FORM_MAX bytes with only the allowed names, each once. Answers
 * (415, 413, 400) and returns 0 otherwise.
 */
static int
sub_form(struct sub_call *c, const char *const *allowed)
{
	const char *ct = http_request_header(c->req, "Content-Type");
	const char *body = (const char *)c->req->body, *end, *amp, *eq;
	static const char type[] = "application/x-www-form-urlencoded";
	char *out = c->form;
	size_t n, k;

	c->nfields = 0;
	if (ct == NULL || strncasecmp(ct, type, sizeof(type) - 1) != 0 ||
	    (ct[sizeof(type) - 1] != '\0' && ct[sizeof(type) - 1] != ';'))
		return sub_message(c, 415, "Unsupported form", "err",
		    "The form must be sent as "
		    "application/x-www-form-urlencoded."), 0;
	if (c->req->body_len > REVREQ_FORM_MAX)
		return sub_message(c, 413, "Form too large", "err",
		    "The form is larger than 4096 bytes."), 0;
	end = body + c->req->body_len;
	for (const char *p = body; body != NULL && p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL ||
		    c->nfields == SUB_FIELDS_MAX)
			goto bad;
		if (!sub_decode(p, (size_t)(eq - p), out, &n))
			goto bad;
		for (k = 0; allowed[k] != NULL && strcmp(allowed[k], out); k++)
			;
		if (allowed[k] == NULL)
			goto bad;
		for (size_t i = 0; i < c->nfields; i++)
			if (strcmp(c->name[i], out) == 0)
				goto bad;
		c->name[c->nfields] = out;
		out += n + 1;
		if (!sub_decode(eq + 1, (size_t)(amp - eq - 1), out, &n))
			goto bad;
		c->value[c->nfields] = out;
		c->vlen[c->nfields++] = n;
		out += n + 1;
	}
	return 1;
 bad:
	return sub_message(c, 400, "Malformed form", "err", "The form was not "
	    "understood (malformed, unknown or repeated fields)."), 0;
}

static const char *
sub_field(const struct sub_call *c, const char *name, size_t *len)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (strcmp(c->name[i], name) == 0) {
			if (len != NULL)
				*len = c->vlen[i];
			return c->value[i];
		}
	if (len != NULL)
		*len = 0;
	return NULL;
}

/* --- session ------------------------------------------------------------------------ */

/* The value of cookie name (its length in *len), or NULL. */
static const char *
sub_cookie_named(const struct http_request *req, const char *name,
    size_t *len)
{
	const char *v, *p;
	size_t n = strlen(name);

	if ((v = http_request_header(req, "Cookie")) == NULL)
		return NULL;
	for (p = v; (p = strstr(p, name)) != NULL; p++) {
		if ((p != v && p[-1] != ' ' && p[-1] != ';') || p[n] != '=')
			continue;
		p += n + 1;
		*len = strcspn(p, "; \t");
		return p;
	}
	return NULL;
}

static const char *
sub_cookie(const struct http_request *req, size_t *len)
{
	return sub_cookie_named(req, SUB_COOKIE, len);
}

static void
sub_session(struct sub_call *c)
{
	const char *tok;
	size_t len = 0;

	if ((tok = sub_cookie(c->req, &len)) != NULL &&
	    ra_subscriber_authenticate(c->h->ra, tok, len, c->req->client,
	    c->now, &c->who) == RA_OK)
		c->logged_in = 1;
}

/* The form's CSRF token is the session's; audited when not. */
static int
sub_csrf(struct sub_call *c)
{
	const char *t;
	size_t len;
	char object[160];
	struct ra_audit_event ev = { 0 };

	t = sub_field(c, "csrf", &len);
	if (ra_subscriber_csrf_ok(&c->who, t, len))
		return 1;
	snprintf(object, sizeof(object), "cert:%s:%s", c->who.issuer,
	    c->who.serial);
	ev.type = "ra.subscriber.csrf";
	ev.actor = "subscriber";
	ev.role = "subscriber";
	ev.auth = "password";
	ev.source = c->req->client;
	ev.object = object;
	ev.outcome = "refused";
	ev.detail = t == NULL ? "form without CSRF token" :
	    "form with a wrong CSRF token";
	ra_audit_event(c->h->ra, &ev);
	return sub_message(c, 403, "Refused", "err", "This form was not sent "
	    "from the page of your session (CSRF token missing or wrong). "
	    "Nothing was changed; reload the page and try again."), 0;
}

/*
 * The login form's token: the browser's pre-session cookie if it is a
 * well-formed one, else a new one from the CSPRNG, set as that cookie.
 */
static int
sub_login_token(struct sub_call *c, char t[RA_TOKEN_TEXT_LEN + 1])
{
	unsigned char hash[RA_TOKEN_HASH_LEN];
	const char *v;
	size_t len = 0;

	if ((v = sub_cookie_named(c->req, SUB_LOGIN_COOKIE, &len)) != NULL &&
	    ra_token_hash(v, len, hash)) {
		memcpy(t, v, RA_TOKEN_TEXT_LEN);
		t[RA_TOKEN_TEXT_LEN] = '\0';
		return 1;
	}
	if (!ra_token_new(t, hash))
		return 0;
	return http_response_header(c->resp, "Set-Cookie", SUB_LOGIN_COOKIE
	    "=%s; Path=" REVREQ_SUBSCRIBER "; Max-Age=%d; Secure; HttpOnly; "
	    "SameSite=Strict", t, SUB_LOGIN_AGE);
}

/*
 * Login CSRF: the form's csrf field must equal the pre-session cookie
 * (compared in constant time); audited when not.
 */
static int
sub_login_csrf(struct sub_call *c)
{
	unsigned char hash[RA_TOKEN_HASH_LEN];
	const char *t, *k;
	size_t tlen = 0, klen = 0;
	struct ra_audit_event ev = { 0 };

	t = sub_field(c, "csrf", &tlen);
	k = sub_cookie_named(c->req, SUB_LOGIN_COOKIE, &klen);
	if (t != NULL && k != NULL && tlen == RA_TOKEN_TEXT_LEN &&
	    klen == RA_TOKEN_TEXT_LEN && ra_token_hash(k, klen, hash) &&
	    sodium_memcmp(t, k, RA_TOKEN_TEXT_LEN) == 0)
		return 1;
	ev.type = "ra.subscriber.csrf";
	ev.actor = "anonymous";
	ev.role = "subscriber";
	ev.auth = "none";
	ev.source = c->req->client;
	ev.object = "subscriber-login";
	ev.outcome = "refused";
	ev.detail = t == NULL ? "login form without CSRF token" : k == NULL ?
	    "login form without the page's cookie (cross-site?)" :
	    "login form whose CSRF token is not the page's cookie";
	ra_audit_event(c->h->ra, &ev);
	return 0;
}

/* --- pages ---------------------------------------------------------------------------- */

static int
sub_login_page(struct sub_call *c, int status, const char *error)
{
	char t[RA_TOKEN_TEXT_LEN + 1];
	struct sub_buf b = { 0 };

	if (!sub_login_token(c, t))
		return 0;
	sub_head(&b, "Certificate suspension and revocation");
	if (error != NULL) {
		sub_add(&b, "<p class=\"err\">");
		sub_esc(&b, error);
		sub_add(&b, "</p>\n");
	}
	sub_add(&b, "<p>Log in with your certificate's serial number and the "
	    "login password you received with it (CP-4.9.15).</p>\n"
	    "<form method=\"post\" action=\"/subscriber/login\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	sub_esc(&b, t);
	sub_add(&b, "\"><label>Serial number <input name=\"serial\" required "
	    "maxlength=\"64\" autocomplete=\"off\"></label>"
	    "<label>Issuing CA (only if asked) <input name=\"issuer\" "
	    "maxlength=\"64\"></label>"
	    "<label>Login password <input name=\"password\" type=\"password\" "
	    "required maxlength=\"1024\" autocomplete=\"current-password\">"
	    "</label><button type=\"submit\">Log in</button></form>\n");
	return sub_send(c, status, &b);
}

static void
sub_csrf_input(struct sub_call *c, struct sub_buf *b)
{
	char t[RA_TOKEN_TEXT_LEN + 1];

	ra_subscriber_csrf_text(&c->who, t);
	sub_add(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	sub_esc(b, t);
	sub_add(b, "\">");
	sodium_memzero(t, sizeof(t));
}

static void
sub_date(struct sub_buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S UTC", &tm);
	sub_add(b, s);
}

static void
sub_row(struct sub_buf *b, const char *name, const char *value)
{
	sub_add(b, "<tr><th>");
	sub_add(b, name);
	sub_add(b, "</th><td>");
	sub_esc(b, value);
	sub_add(b, "</td></tr>");
}

static void
sub_revoke_form(struct sub_call *c, struct sub_buf *b)
{
	sub_add(b, "<h2>Request revocation</h2><form method=\"post\" "
	    "action=\"/subscriber/revoke\">");
	sub_csrf_input(c, b);
	sub_add(b, "<label>Reason <select name=\"reason\">"
	    "<option value=\"keyCompromise\">The private key is or may be "
	    "compromised</option>"
	    "<option value=\"cessationOfOperation\">The certificate is no "
	    "longer used</option>"
	    "<option value=\"affiliationChanged\">Information in the "
	    "certificate changed</option>"
	    "<option value=\"superseded\">Replaced by a new certificate"
	    "</option>"
	    "<option value=\"unspecified\">Other</option></select></label>"
	    "<label>Details (optional) <input name=\"details\" "
	    "maxlength=\"500\"></label>"
	    "<button type=\"submit\">Revoke the certificate</button></form>\n"
	    "<p>Revocation is final.</p>\n");
}

/* The certificate's page; msg (escaped) above it if given. */
static int
sub_cert_page(struct sub_call *c, int status, const char *cls,
    const char *msg)
{
	struct ra_cert_info ci;
	struct sub_buf b = { 0 };
	const char *why = NULL;

	if (ra_cert_lookup(c->h->ra, c->who.issuer, c->who.serial, &ci, &why) !=
	    RA_OK)
		return sub_message(c, 500, "Error", "err",
		    "The certificate cannot be read now.");
	sub_head(&b, "Your certificate");
	if (msg != NULL) {
		sub_add(&b, "<p class=\"");
		sub_add(&b, cls);
		sub_add(&b, "\">");
		sub_esc(&b, msg);
		sub_add(&b, "</p>\n");
	}
	sub_add(&b, "<table>");
	sub_row(&b, "Serial number", ci.serial);
	sub_row(&b, "Issuing CA", ci.issuer);
	sub_row(&b, "Subject", ci.subject);
	sub_row(&b, "Policy", ci.profile);
	sub_add(&b, "<tr><th>Valid until</th><td>");
	sub_date(&b, ci.not_after);
	sub_add(&b, "</td></tr><tr><th>Status</th><td>");
	if (ci.status == STORE_STATUS_GOOD)
		sub_add(&b, "valid");
	else if (ci.status == STORE_STATUS_HOLD) {
		sub_add(&b, "suspended (certificateHold) since ");
		sub_date(&b, ci.revoked_at);
	} else {
		sub_add(&b, "revoked (");
		sub_esc(&b, ca_reason_name(ci.reason));
		sub_add(&b, ") on ");
		sub_date(&b, ci.revoked_at);
	}
	sub_add(&b, "</td></tr></table>\n");
	if (ci.status == STORE_STATUS_GOOD && ci.hold_allowed) {
		sub_add(&b, "<h2>Suspend</h2><p>Suspension stops the "
		    "certificate at once; you must then request its "
		    "revocation (CP-4.9.13).</p><form method=\"post\" "
		    "action=\"/subscriber/suspend\">");
		sub_csrf_input(c, &b);
		sub_add(&b, "<button type=\"submit\">Suspend the certificate"
		    "</button></form>\n");
	} else if (ci.status == STORE_STATUS_GOOD)
		sub_add(&b, "<p>This certificate cannot be suspended (code "
		    "signing: CSBR 4.9.13; S/MIME strict: SBR 4.9.13). You can "
		    "request its revocation instead.</p>\n");
	else if (ci.status == STORE_STATUS_HOLD)
		sub_add(&b, "<p class=\"err\">The certificate is suspended: "
		    "request its revocation now (CP-4.9.13).</p>\n");
	if (ci.status != STORE_STATUS_REVOKED)
		sub_revoke_form(c, &b);
	sub_add(&b, "<form method=\"post\" action=\"/subscriber/logout\">");
	sub_csrf_input(c, &b);
	sub_add(&b, "<button type=\"submit\">Log out</button></form>\n");
	return sub_send(c, status, &b);
}

/* --- actions --------------------------------------------------------------------------- */

static int
sub_cookie_set(struct sub_call *c, const char *token, int64_t max_age)
{
	return http_response_header(c->resp, "Set-Cookie", SUB_COOKIE "=%s; "
	    "Path=" REVREQ_SUBSCRIBER "; Max-Age=%lld; Secure; HttpOnly; "
	    "SameSite=Strict", token, (long long)max_age);
}

static int
sub_login(struct sub_call *c)
{
	static const char *const fields[] = { "csrf", "serial", "issuer",
	    "password", NULL };
	struct ra_subscriber_login in = { 0 };
	char token[RA_TOKEN_TEXT_LEN + 1];
	const char *why = NULL;
	int64_t retry = 0;
	enum ra_status s;
	size_t len = 0;
	int ok;

	if (!sub_form(c, fields))
		return 1;
	if (!sub_login_csrf(c)) {
		sodium_memzero(c->form, sizeof(c->form));
		return sub_login_page(c, 403, "This login form was not sent "
		    "from this site's page (CSRF token missing or wrong). "
		    "Nothing was checked; log in again below.");
	}
	in.serial = sub_field(c, "serial", NULL);
	in.issuer = sub_field(c, "issuer", &len);
	in.password = sub_field(c, "password", &in.password_len);
	in.source = c->req->client;
	if (in.issuer != NULL && len == 0)
		in.issuer = NULL;
	if (in.serial == NULL || in.password == NULL ||
	    in.password_len == 0 || strlen(in.serial) > 64 || len > 64)
		return sub_login_page(c, 400, "Give the serial number and the "
		    "login password.");
	s = ra_subscriber_login(c->h->ra, &in, c->now, token, &retry, &why);
	sodium_memzero(c->form, sizeof(c->form));
	switch (s) {
	case RA_OK:
		break;
	case RA_LOCKED:
		http_response_header(c->resp, "Retry-After", "%lld",
		    (long long)retry);
		return sub_login_page(c, 429, "Too many failed logins: try "
		    "again later.");
	case RA_INVALID:
		return sub_login_page(c, 400, why != NULL ? why :
		    "The serial number is not valid.");
	case RA_BAD_CREDENTIALS:
		return sub_login_page(c, 401, "Wrong serial number or "
		    "password.");
	default:
		return sub_login_page(c, 500, "The login failed; try again "
		    "later.");
	}
	ok = sub_cookie_set(c, token, RA_SUBSCRIBER_LIFETIME) &&
	    sub_redirect(c, REVREQ_SUBSCRIBER "/certificate");
	sodium_memzero(token, sizeof(token));
	return ok;
}

/* Suspension or revocation by the logged-in subscriber. */
static int
sub_request(struct sub_call *c, int reason, const char *details)
{
	struct ra_revoke_in in = { 0 };
	char requester[160];
	const char *why = NULL;
	enum ra_status s;
	int64_t id;

	snprintf(requester, sizeof(requester), "subscriber of %s/%s",
	    c->who.issuer, c->who.serial);
	in.kind = STORE_REVREQ_SUBSCRIBER;
	in.issuer = c->who.issuer;
	in.serial = c->who.serial;
	in.reason = reason;
	in.grounds = details != NULL && *details != '\0' ? details :
	    reason == 6 ? "suspension by the subscriber (CP-4.9.13)" :
	    "revocation requested by the subscriber (CP-4.9.1)";
	in.requester = requester;
	in.source = c->req->client;
	in.auth = "password";
	s = ra_revoke_request(c->h->ra, &c->h->rv, NULL, &in, c->now, &id,
	    &why);
	if (s == RA_OK)
		http_revreq_notify(c->h, c->who.issuer, c->who.serial, reason,
		    "the subscriber, on the suspension page");
	if (s == RA_OK)
		return sub_cert_page(c, 200, "ok", reason == 6 ?
		    "The certificate is suspended. Request its revocation "
		    "below (CP-4.9.13)." : "The certificate is revoked.");
	return sub_cert_page(c, ra_status_http(s), "err", why != NULL ? why :
	    "The request could not be carried out.");
}

static int
sub_revoke(struct sub_call *c)
{
	static const char *const fields[] = { "csrf", "reason", "details",
	    NULL };
	static const int allowed[] = { 0, 1, 3, 4, 5 };
	const char *r, *details;
	size_t dlen = 0;
	int reason;

	if (!sub_form(c, fields) || !sub_csrf(c))
		return 1;
	r = sub_field(c, "reason", NULL);
	details = sub_field(c, "details", &dlen);
	reason = r != NULL ? ca_reason_parse(r) : -1;
	for (size_t i = 0; reason >= 0 && i < sizeof(allowed) /
	    sizeof(allowed[0]); i++)
		if (allowed[i] == reason)
			return dlen > 500 ? sub_cert_page(c, 400, "err",
			    "Details are at most 500 characters.") :
			    sub_request(c, reason, details);
	return sub_cert_page(c, 400, "err", "Choose one of the reasons "
	    "offered.");
}

static int
sub_suspend(struct sub_call *c)
{
	static const char *const fields[] = { "csrf", NULL };

	if (!sub_form(c, fields) || !sub_csrf(c))
		return 1;
	return sub_request(c, 6, NULL);
}

static int
sub_logout(struct sub_call *c)
{
	static const char *const fields[] = { "csrf", NULL };

	if (!sub_form(c, fields) || !sub_csrf(c))
		return 1;
	ra_subscriber_logout(c->h->ra, &c->who);
	return sub_cookie_set(c, "", 0) &&
	    sub_redirect(c, REVREQ_SUBSCRIBER "/");
}

static int
sub_method(struct sub_call *c, const char *allow)
{
	http_response_header(c->resp, "Allow", "%s", allow);
	return sub_message(c, 405, "Method not allowed", "err",
	    "This page does not take that method.");
}

int
http_subscriber_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	const char *rest = req->rest;
	struct sub_call *c;
	int post = req->method == HTTP_POST, ok;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return 0;
	c->h = arg;
	c->req = req;
	c->resp = resp;
	c->now = (int64_t)time(NULL);
	sub_session(c);
	if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
		if (req->method != HTTP_GET && req->method != HTTP_HEAD)
			ok = sub_method(c, "GET, HEAD");
		else
			ok = c->logged_in ? sub_redirect(c,
			    REVREQ_SUBSCRIBER "/certificate") :
			    sub_login_page(c, 200, NULL);
	} else if (strcmp(rest, "/login") == 0)
		ok = post ? sub_login(c) : sub_method(c, "POST");
	else if (strcmp(rest, "/certificate") == 0 && !post &&
	    req->method != HTTP_GET && req->method != HTTP_HEAD)
		ok = sub_method(c, "GET, HEAD");
	else if (strcmp(rest, "/certificate") == 0)
		ok = post ? sub_method(c, "GET, HEAD") : c->logged_in ?
		    sub_cert_page(c, 200, NULL, NULL) :
		    sub_redirect(c, REVREQ_SUBSCRIBER "/");
	else if (strcmp(rest, "/suspend") == 0 ||
	    strcmp(rest, "/revoke") == 0 || strcmp(rest, "/logout") == 0) {
		if (!post)
			ok = sub_method(c, "POST");
		else if (!c->logged_in)
			ok = sub_message(c, 401, "Not logged in", "err",
			    "Your session ended; log in again.");
		else
			ok = rest[1] == 's' ? sub_suspend(c) : rest[1] == 'r' ?
			    sub_revoke(c) : sub_logout(c);
	} else
		ok = sub_message(c, 404, "Not found", "err", "No such page.");
	sodium_memzero(c, sizeof(*c));
	free(c);
	return ok;
}
