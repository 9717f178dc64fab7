/*
 * The application endpoints (CP-4.1-4.4, 4.8) under /ra/v1 (RA operators
 * and administrators with a full session; auditors read) and /lra/v1
 * (the LRA by its client certificate, its own organisation only): the
 * JSON side of src/ra/app.c. docs/api.md lists them with examples.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "http/ra_api.h"
#include "http/ra_call.h"
#include "ra/app.h"
#include "ra/mail.h"
#include "util/log.h"

#define APP_CSR_PEM_MAX		7000
#define APP_SUBJECT_MAX		512
#define APP_TEXT_MAX		1024
#define APP_LIST_LIMIT		200

/* A refusal of src/ra/app.c as a JSON error with its reason. */
static int
app_refused(struct ra_call *c, enum ra_status s, const char *why)
{
	if (why == NULL || why[0] == '\0')
		return ra_error_status(c, s);
	switch (s) {
	case RA_INVALID:
		return ra_error(c, 400, "invalid", why);
	case RA_FORBIDDEN:
		return ra_error(c, 403, "forbidden", why);
	case RA_CONFLICT:
		return ra_error(c, 409, "conflict", why);
	case RA_NOT_FOUND:
		return ra_error(c, 404, "not_found", why);
	case RA_BAD_CREDENTIALS:
		return ra_error(c, 401, "bad_credentials", why);
	case RA_TOTP_REQUIRED:
		return ra_error(c, 401, "totp_required", why);
	case RA_TOTP_REPLAYED:
		return ra_error(c, 401, "totp_replayed", why);
	case RA_LOCKED:
		return ra_error(c, 429, "locked", why);
	default:
		return ra_error_status(c, s);
	}
}

/* --- the application as JSON -------------------------------------------- */

static void
app_set_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

static void
app_set_time(json_t *o, const char *k, int64_t t)
{
	if (t != 0)
		json_object_set_new(o, k, json_integer(t));
}

struct app_cl {
	const struct store_app *a;
	json_t		*items;
	int		 seen[APP_ITEM_MAX];
};

static int
app_check_json(const struct store_app_check *k, void *arg)
{
	struct app_cl *l = arg;
	enum app_item i;

	if (!app_item_parse(k->item, &i))
		return 1;
	l->seen[i] = 1;
	return json_array_append_new(l->items, json_pack("{s:s, s:b, s:s, "
	    "s:s, s:s, s:s, s:I}", "item", k->item, "required",
	    app_item_required(l->a, i), "result", k->result, "note", k->note,
	    "evidence", k->evidence, "checked_by", k->checked_by,
	    "checked_at", (json_int_t)k->checked_at)) == 0;
}

/* The checklist: every item, recorded or still open. */
static json_t *
app_checklist_json(struct ra *ra, const struct store_app *a)
{
	struct app_cl l = { a, json_array(), { 0 } };
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = l.items != NULL && store_app_check_each(ra->st, a->id,
	    app_check_json, &l);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		json_decref(l.items);
		return NULL;
	}
	for (int i = 0; i < APP_ITEM_MAX; i++)
		if (!l.seen[i])
			json_array_append_new(l.items, json_pack("{s:s, s:b, "
			    "s:s}", "item", app_item_name((enum app_item)i),
			    "required", app_item_required(a, (enum app_item)i),
			    "result", "open"));
	return l.items;
}

static json_t *
app_json(const struct store_app *a)
{
	json_t *o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:{s:s, s:s}, "
	    "s:{s:s, s:I}, s:s, s:s, s:s, s:I}", "id", (json_int_t)a->id,
	    "org", a->org, "policy", a->policy, "subject", a->subject,
	    "emails", json_loads(a->emails, 0, NULL),
	    "ekus", json_loads(a->ekus, 0, NULL),
	    "key", a->keygen ? "ca-generated" : "csr",
	    "applicant", "name", a->applicant_name, "email",
	    a->applicant_email,
	    "agreement", "cp_cps_version", a->agreement_version, "agreed_at",
	    (json_int_t)a->agreed_at,
	    "status", store_app_status_name(a->status),
	    "submitted_by", a->submitted_by, "submitted_via",
	    a->submitted_via, "submitted_at", (json_int_t)a->submitted_at);
	if (o == NULL)
		return NULL;
	app_set_str(o, "upn", a->upn);
	if (a->replaces_serial != NULL)
		json_object_set_new(o, "replaces", json_pack("{s:s, s:s}",
		    "issuer", a->replaces_issuer, "serial", a->replaces_serial));
	app_set_str(o, "decided_by", a->decided_by);
	app_set_time(o, "decided_at", a->decided_at);
	app_set_str(o, "reason", a->reason);
	app_set_str(o, "issue_error", a->issue_error);
	if (a->cert_serial != NULL)
		json_object_set_new(o, "certificate", json_pack("{s:s, s:s, "
		    "s:I, s:b}", "issuer", a->cert_issuer, "serial",
		    a->cert_serial, "issued_at", (json_int_t)a->issued_at,
		    "pkcs12", a->p12 != NULL));
	app_set_str(o, "notice", a->notice);
	app_set_str(o, "pin_delivery", a->pin_delivery);
	if (a->accepted_at != 0)
		json_object_set_new(o, "acceptance", json_pack("{s:I, s:s, "
		    "s:s}", "at", (json_int_t)a->accepted_at, "how",
		    a->accepted_how ? a->accepted_how : "?", "by",
		    a->accepted_by ? a->accepted_by : "?"));
	else if (a->status == STORE_APP_ISSUED && a->objected_at == 0)
		json_object_set_new(o, "acceptance_due", json_integer(
		    a->issued_at + APP_ACCEPT_AFTER));
	app_set_time(o, "objected_at", a->objected_at);
	app_set_str(o, "objection", a->objection);
	return o;
}

static int
app_reply_app(struct ra_call *c, int status, int64_t id)
{
	struct ra *ra = http_ra_ra(c->h);
	struct store_app *a = NULL;
	enum ra_status s;
	json_t *o, *cl;

	if ((s = app_get(ra, &c->who, id, c->now, &a)) != RA_OK)
		return ra_error_status(c, s);
	o = app_json(a);
	cl = app_checklist_json(ra, a);
	store_app_free(a);
	if (o == NULL || cl == NULL) {
		json_decref(o);
		json_decref(cl);
		return ra_error_status(c, RA_ERROR);
	}
	json_object_set_new(o, "checklist", cl);
	return ra_reply(c, status, o);
}

/* --- input -------------------------------------------------------------- */

/* An optional array of at most CERT_LIST_MAX strings of at most max bytes. */
static int
app_str_array(struct ra_call *c, const char *name, size_t max,
    const char **out, size_t *n)
{
	json_t *arr = json_object_get(c->body, name), *v;
	char msg[128];
	size_t i;

	*n = 0;
	if (arr == NULL)
		return 1;
	if (!json_is_array(arr) || json_array_size(arr) > CERT_LIST_MAX) {
		snprintf(msg, sizeof(msg), "member \"%s\" must be an array of "
		    "at most %d strings", name, CERT_LIST_MAX);
		return ra_error(c, 400, "wrong_type", msg), 0;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > max) {
			snprintf(msg, sizeof(msg), "member \"%s\" must hold "
			    "strings of 1 to %zu bytes", name, max);
			return ra_error(c, 400, "wrong_type", msg), 0;
		}
		out[(*n)++] = json_string_value(v);
	}
	return 1;
}

/* An optional boolean member: 1 with *out (0 if absent), or a 400. */
static int
app_member_bool(struct ra_call *c, const char *name, int *out)
{
	json_t *v = json_object_get(c->body, name);
	char msg[96];

	*out = 0;
	if (v == NULL)
		return 1;
	if (!json_is_boolean(v)) {
		snprintf(msg, sizeof(msg), "member \"%s\" must be true or "
		    "false", name);
		return ra_error(c, 400, "wrong_type", msg), 0;
	}
	*out = json_is_true(v);
	return 1;
}

static int
app_parse_new(struct ra_call *c, struct app_new *in, int *agreed)
{
	static const char *const members[] = { "org", "policy", "subject",
	    "emails", "upn", "ekus", "csr", "generate_key", "applicant_name",
	    "applicant_email", "cp_cps_version", "agreed", "replaces_issuer",
	    "replaces_serial", NULL };

	return ra_parse_body(c) && ra_only_members(c, members) &&
	    ra_member_str(c, "org", 1, 64, &in->org, NULL) &&
	    ra_member_str(c, "policy", 0, 16, &in->policy, NULL) &&
	    ra_member_str(c, "subject", 0, APP_SUBJECT_MAX, &in->subject,
	    NULL) &&
	    app_str_array(c, "emails", 254, in->emails, &in->nemails) &&
	    ra_member_str(c, "upn", 1, 256, &in->upn, NULL) &&
	    app_str_array(c, "ekus", 64, in->ekus, &in->neku) &&
	    ra_member_str(c, "csr", 1, APP_CSR_PEM_MAX, &in->csr,
	    &in->csr_len) &&
	    app_member_bool(c, "generate_key", &in->keygen) &&
	    ra_member_str(c, "applicant_name", 0, 256, &in->applicant_name,
	    NULL) &&
	    ra_member_str(c, "applicant_email", 0, 254, &in->applicant_email,
	    NULL) &&
	    ra_member_str(c, "cp_cps_version", 0, 32, &in->agreement_version,
	    NULL) &&
	    app_member_bool(c, "agreed", agreed) &&
	    ra_member_str(c, "replaces_issuer", 1, 64, &in->replaces_issuer,
	    NULL) &&
	    ra_member_str(c, "replaces_serial", 1, 64, &in->replaces_serial,
	    NULL);
}

/* --- endpoints ---------------------------------------------------------- */

static int
app_ep_submit(struct ra_call *c)
{
	struct app_env env;
	struct ra_mail mail;
	struct ra *ra = http_ra_ra(c->h);
	struct app_new in = { 0 };
	char why[APP_WHY_MAX];
	enum ra_status s;
	int64_t id;
	int agreed;

	if (!app_parse_new(c, &in, &agreed))
		return 1;
	if (!agreed) {
		ra_audit_as(ra, &c->who, "ra.app.submit", "application:new",
		    "refused", "no agreement to the CP/CPS");
		return ra_error(c, 400, "invalid", "the applicant must agree to "
		    "the CP/CPS: \"agreed\": true with \"cp_cps_version\" "
		    "(CP-4.1.2)");
	}
	http_ra_app(c->h, &env, &mail);
	s = app_submit(ra, &env, &c->who, &in, c->now, &id, why, sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return app_reply_app(c, 201, id);
}

struct app_list {
	const struct ra_principal *who;
	json_t		*arr;
};

static int
app_list_one(const struct store_app *a, void *arg)
{
	struct app_list *l = arg;

	return json_array_append_new(l->arr, json_pack("{s:I, s:s, s:s, s:s, "
	    "s:s, s:I, s:o}", "id", (json_int_t)a->id, "org", a->org,
	    "policy", a->policy, "subject", a->subject, "status",
	    store_app_status_name(a->status), "submitted_at",
	    (json_int_t)a->submitted_at, "accepted_at", a->accepted_at != 0 ?
	    json_integer((json_int_t)a->accepted_at) : json_null())) == 0;
}

static int
app_ep_list(struct ra_call *c)
{
	struct ra *ra = http_ra_ra(c->h);
	struct app_list l = { &c->who, json_array() };
	const char *org = NULL;
	int ok;

	if (c->who.role == STORE_RA_LRA)
		org = c->who.org;
	else if (c->who.role == STORE_RA_CUSTODIAN) {
		json_decref(l.arr);
		return ra_error_status(c, RA_FORBIDDEN);
	}
	/* CP-4.4.1: what fell due shows as accepted (also the worker's). */
	(void)app_accept_lapsed(ra, c->now);
	pthread_mutex_lock(&ra->mu);
	ok = l.arr != NULL && store_app_each(ra->st, org, APP_LIST_LIMIT,
	    app_list_one, &l);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		json_decref(l.arr);
		return ra_error_status(c, RA_ERROR);
	}
	return ra_reply(c, 200, json_pack("{s:o}", "applications", l.arr));
}

static int
app_ep_check(struct ra_call *c, int64_t id, const char *item)
{
	struct app_env env;
	struct ra_mail mail;
	static const char *const members[] = { "result", "note", "evidence",
	    NULL };
	struct app_check_in in = { 0 };
	const char *result;
	char why[APP_WHY_MAX];
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "result", 0, 8, &result, NULL) ||
	    !ra_member_str(c, "note", 1, APP_TEXT_MAX, &in.note, NULL) ||
	    !ra_member_str(c, "evidence", 1, APP_TEXT_MAX, &in.evidence, NULL))
		return 1;
	if (!app_item_parse(item, &in.item))
		return ra_error(c, 404, "not_found", "no such checklist item "
		    "(identity, authority, dn, email_control, blocklist)");
	if (strcmp(result, "pass") != 0 && strcmp(result, "fail") != 0)
		return ra_error(c, 400, "invalid", "result must be \"pass\" or "
		    "\"fail\"");
	in.pass = strcmp(result, "pass") == 0;
	http_ra_app(c->h, &env, &mail);
	s = app_check(http_ra_ra(c->h), &env, &c->who, id, &in, c->now, why,
	    sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return app_reply_app(c, 200, id);
}

static int
app_ep_decide(struct ra_call *c, int64_t id, int approve)
{
	struct app_env env;
	struct ra_mail mail;
	static const char *const members[] = { "totp", "operator", "reason",
	    NULL };
	struct app_decision d = { 0 };
	struct app_outcome out;
	char why[APP_WHY_MAX];
	enum ra_status s;

	d.approve = approve;
	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "totp", 1, 16, &d.totp, &d.totp_len) ||
	    !ra_member_str(c, "operator", 1, 64, &d.operator, NULL) ||
	    !ra_member_str(c, "reason", approve, APP_TEXT_MAX, &d.reason,
	    NULL))
		return 1;
	if (approve && d.reason != NULL)
		return ra_error(c, 400, "unknown_member", "an approval has no "
		    "reason");
	if (c->who.role != STORE_RA_LRA && d.operator != NULL)
		return ra_error(c, 400, "unknown_member", "\"operator\" is for "
		    "LRAs; the RA's TOTP is the session's account's");
	http_ra_app(c->h, &env, &mail);
	s = app_decide(http_ra_ra(c->h), &env, &c->who, id, &d, c->now, &out,
	    why, sizeof(why));
	sodium_memzero(&d, sizeof(d));
	if (s != RA_OK)
		return app_refused(c, s, why);
	if (approve && (!out.issued || out.error[0] != '\0'))
		return ra_reply(c, 500, json_pack("{s:s, s:s, s:I}", "error",
		    "issuance_failed", "message", out.error[0] ? out.error :
		    "issuance failed", "id", (json_int_t)id));
	return app_reply_app(c, 200, id);
}

static int
app_ep_accept(struct ra_call *c, int64_t id)
{
	static const char *const members[] = { NULL };
	char why[APP_WHY_MAX];
	enum ra_status s;

	if (c->req->body_len > 0 && (!ra_parse_body(c) ||
	    !ra_only_members(c, members)))
		return 1;
	s = app_accept(http_ra_ra(c->h), &c->who, id, c->now, why,
	    sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return app_reply_app(c, 200, id);
}

static int
app_ep_object(struct ra_call *c, int64_t id)
{
	static const char *const members[] = { "text", NULL };
	const char *text;
	char why[APP_WHY_MAX];
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "text", 0, APP_TEXT_MAX, &text, NULL))
		return 1;
	s = app_object(http_ra_ra(c->h), &c->who, id, text, c->now, why,
	    sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return app_reply_app(c, 200, id);
}

/* --- downloads ------------------------------------------------------------ */

/* Sends buf (taken, malloc'd) as the body with content type ct. */
static int
app_send(struct ra_call *c, unsigned char *buf, size_t len, const char *ct,
    const char *filename)
{
	c->resp->status = 200;
	c->resp->body = buf;
	c->resp->body_len = len;
	c->resp->body_release = free;
	c->resp->body_release_arg = buf;
	return http_response_header(c->resp, "Content-Type", "%s", ct) &&
	    http_response_header(c->resp, "Content-Disposition",
	    "attachment; filename=\"%s\"", filename) &&
	    http_response_header(c->resp, "Cache-Control", "no-store");
}

static unsigned char *
app_copy(const void *p, size_t len)
{
	unsigned char *b = malloc(len > 0 ? len : 1);

	if (b != NULL)
		memcpy(b, p, len);
	return b;
}

/* The certificate and its chain, as read from the application. */
static STACK_OF(X509) *
app_certs(const struct store_app *a)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const unsigned char *p = a->cert_der;
	X509 *x;
	BIO *b;

	if (sk == NULL || (x = d2i_X509(NULL, &p, (long)a->cert_der_len)) ==
	    NULL || !sk_X509_push(sk, x))
		goto err;
	if ((b = BIO_new_mem_buf(a->chain_pem, -1)) == NULL)
		goto err;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			BIO_free(b);
			goto err;
		}
	ERR_clear_error();	/* the end of the PEM */
	BIO_free(b);
	return sk;
 err:
	log_openssl("application %lld: certificate unreadable",
	    (long long)a->id);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

/* PKCS#7 certs-only (RFC 2315 signedData without signers), DER. */
static unsigned char *
app_p7c(STACK_OF(X509) *sk, size_t *len)
{
	PKCS7 *p7;
	unsigned char *der = NULL, *res = NULL;
	int n = 0;

	if ((p7 = PKCS7_new()) == NULL || !PKCS7_set_type(p7,
	    NID_pkcs7_signed) || !PKCS7_content_new(p7, NID_pkcs7_data) ||
	    !PKCS7_set_detached(p7, 1))
		goto out;
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (!PKCS7_add_certificate(p7, sk_X509_value(sk, i)))
			goto out;
	if ((n = i2d_PKCS7(p7, &der)) > 0 && (res = app_copy(der, (size_t)n))
	    != NULL)
		*len = (size_t)n;
 out:
	if (res == NULL)
		log_openssl("cannot build the PKCS#7 file");
	OPENSSL_free(der);
	PKCS7_free(p7);
	return res;
}

static unsigned char *
app_pem(STACK_OF(X509) *sk, size_t *len)
{
	unsigned char *res = NULL;
	BUF_MEM *mem;
	BIO *b;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(sk, i)))
			goto out;
	BIO_get_mem_ptr(b, &mem);
	if ((res = app_copy(mem->data, mem->length)) != NULL)
		*len = mem->length;
 out:
	BIO_free(b);
	return res;
}

static int
app_ep_certificate(struct ra_call *c, int64_t id)
{
	struct ra *ra = http_ra_ra(c->h);
	const char *fmt = http_request_query(c->req, "format");
	struct store_app *a = NULL;
	STACK_OF(X509) *sk = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	enum ra_status s;
	char name[64], detail[64];
	int ok;

	if (fmt == NULL)
		fmt = "pem";
	if (strcmp(fmt, "pem") != 0 && strcmp(fmt, "der") != 0 &&
	    strcmp(fmt, "p7c") != 0 && strcmp(fmt, "p12") != 0)
		return ra_error(c, 400, "invalid", "format must be pem, der, "
		    "p7c or p12");
	if ((s = app_get(ra, &c->who, id, c->now, &a)) != RA_OK)
		return ra_error_status(c, s);
	if (a->status != STORE_APP_ISSUED) {
		store_app_free(a);
		return ra_error(c, 409, "conflict", "no certificate issued for "
		    "this application yet");
	}
	snprintf(name, sizeof(name), "application-%lld.%s", (long long)id, fmt);
	if (strcmp(fmt, "p12") == 0) {
		/* The key goes to those who act for the subscriber only. */
		if (a->p12 == NULL || c->who.role == STORE_RA_AUDITOR) {
			int aud = c->who.role == STORE_RA_AUDITOR;
			int none = !aud && a->p12 == NULL;
			int gone = none && a->keygen;

			store_app_free(a);
			return ra_error(c, gone ? 410 : none ? 404 : 403, gone ?
			    "gone" : none ? "not_found" : "forbidden", gone ?
			    "the PKCS#12 was handed out once and is not kept "
			    "(CP-4.12)" : none ? "no PKCS#12: the key is the "
			    "applicant's own (CSR)" : "auditors read only");
		}
		buf = app_copy(a->p12, a->p12_len);
		len = a->p12_len;
		/* Handed out once: the CA keeps no copy of the key (CP-4.12). */
		pthread_mutex_lock(&ra->mu);
		ok = buf != NULL && store_app_p12_clear(ra->st, id);
		pthread_mutex_unlock(&ra->mu);
		if (buf != NULL && !ok) {
			sodium_memzero(buf, len);
			free(buf);
			store_app_free(a);
			return ra_error(c, 500, "internal", "the PKCS#12 could "
			    "not be released from the store; try again");
		}
	} else if (strcmp(fmt, "der") == 0) {
		buf = app_copy(a->cert_der, a->cert_der_len);
		len = a->cert_der_len;
	} else if ((sk = app_certs(a)) != NULL)
		buf = strcmp(fmt, "p7c") == 0 ? app_p7c(sk, &len) :
		    app_pem(sk, &len);
	sk_X509_pop_free(sk, X509_free);
	store_app_free(a);
	if (buf == NULL)
		return ra_error_status(c, RA_ERROR);
	snprintf(detail, sizeof(detail), "format %s", fmt);
	ra_audit_as(ra, &c->who, "ra.app.download", name, "success", detail);
	ok = app_send(c, buf, len, strcmp(fmt, "pem") == 0 ?
	    "application/x-pem-file" : strcmp(fmt, "der") == 0 ?
	    "application/pkix-cert" : strcmp(fmt, "p7c") == 0 ?
	    "application/pkcs7-mime" : "application/x-pkcs12", name);
	return ok;
}

/* --- RA only: breaches, the person in charge ---------------------------- */

static int
app_ep_breach(struct ra_call *c)
{
	static const char *const members[] = { "email", "note", NULL };
	const char *email, *note;
	char why[APP_WHY_MAX];
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "email", 0, 254, &email, NULL) ||
	    !ra_member_str(c, "note", 0, APP_TEXT_MAX, &note, NULL))
		return 1;
	s = app_breach(http_ra_ra(c->h), &c->who, email, note, c->now, why,
	    sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return ra_reply(c, 201, json_pack("{s:s, s:s}", "email", email,
	    "note", note));
}

static int
app_ep_contact(struct ra_call *c, const char *org)
{
	static const char *const members[] = { "name", "email", NULL };
	const char *name, *email;
	char why[APP_WHY_MAX];
	enum ra_status s;

	if (!ra_parse_body(c) || !ra_only_members(c, members) ||
	    !ra_member_str(c, "name", 0, 256, &name, NULL) ||
	    !ra_member_str(c, "email", 0, 254, &email, NULL))
		return 1;
	s = app_org_contact(http_ra_ra(c->h), &c->who, org, name, email,
	    c->now, why, sizeof(why));
	if (s != RA_OK)
		return app_refused(c, s, why);
	return ra_reply(c, 200, json_pack("{s:s, s:{s:s, s:s}}", "org", org,
	    "person_in_charge", "name", name, "email", email));
}

/* --- routing ---------------------------------------------------------------- */

/* The id at p (1 to 18 digits) up to '/' or the end; 0 if none. */
static int64_t
app_id(const char *p, const char **rest)
{
	int64_t id = 0;
	size_t n = 0;

	while (p[n] >= '0' && p[n] <= '9' && n < 19)
		id = id * 10 + (p[n++] - '0');
	if (n == 0 || n > 18 || (p[n] != '\0' && p[n] != '/') || id == 0)
		return 0;
	*rest = p + n;
	return id;
}

static int
app_method(struct ra_call *c, enum http_method m)
{
	if (c->req->method == m)
		return 1;
	ra_error(c, 405, "method_not_allowed", "method not allowed for this "
	    "path");
	return 0;
}

/* /applications...; c->who is known. */
static int
app_dispatch(struct ra_call *c, const char *rest)
{
	int64_t id;

	if (*rest == '\0') {
		if (c->req->method == HTTP_POST)
			return app_ep_submit(c);
		return app_method(c, HTTP_GET) ? app_ep_list(c) : 1;
	}
	if (*rest != '/' || (id = app_id(rest + 1, &rest)) == 0)
		return ra_error(c, 404, "not_found", "no such application");
	if (*rest == '\0')
		return app_method(c, HTTP_GET) ? app_reply_app(c, 200, id) : 1;
	if (strcmp(rest, "/certificate") == 0)
		return app_method(c, HTTP_GET) ? app_ep_certificate(c, id) : 1;
	if (!app_method(c, HTTP_POST))
		return 1;
	if (strncmp(rest, "/checks/", 8) == 0)
		return app_ep_check(c, id, rest + 8);
	if (strcmp(rest, "/approve") == 0)
		return app_ep_decide(c, id, 1);
	if (strcmp(rest, "/reject") == 0)
		return app_ep_decide(c, id, 0);
	if (strcmp(rest, "/accept") == 0)
		return app_ep_accept(c, id);
	if (strcmp(rest, "/objection") == 0)
		return app_ep_object(c, id);
	return ra_error(c, 404, "not_found", "no such API endpoint");
}

int
app_api_route(struct ra_call *c)
{
	const char *rest = c->req->rest, *slash;
	char org[65];
	size_t n;

	if (strncmp(rest, "/applications", 13) == 0 &&
	    (rest[13] == '\0' || rest[13] == '/'))
		return ra_auth(c, 1) ? app_dispatch(c, rest + 13) : 1;
	if (strcmp(rest, "/breaches") == 0)
		return app_method(c, HTTP_POST) && ra_auth(c, 1) ?
		    app_ep_breach(c) : 1;
	/* /orgs/NAME/contact: the person in charge (CP-4.3.2). */
	if (strncmp(rest, "/orgs/", 6) == 0 &&
	    (slash = strchr(rest + 6, '/')) != NULL &&
	    strcmp(slash, "/contact") == 0) {
		n = (size_t)(slash - (rest + 6));
		if (n == 0 || n >= sizeof(org))
			return ra_error(c, 404, "not_found",
			    "no such organisation");
		memcpy(org, rest + 6, n);
		org[n] = '\0';
		return app_method(c, HTTP_POST) && ra_auth(c, 1) ?
		    app_ep_contact(c, org) : 1;
	}
	return -1;
}

int
app_api_lra_route(struct ra_call *c)
{
	const char *rest = c->req->rest;

	if (strncmp(rest, "/applications", 13) != 0 ||
	    (rest[13] != '\0' && rest[13] != '/'))
		return -1;
	return app_dispatch(c, rest + 13);
}
