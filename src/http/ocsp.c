#include "http/ocsp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "http/accesslog.h"
#include "util/log.h"

/* Longest GET path accepted: the base64 of the largest request, escaped. */
#define OCSP_GET_MAX	(((OCSP_REQUEST_MAX + 2) / 3) * 4 * 3 + 64)

struct http_ocsp {
	struct http_ocsp_config conf;
};

struct http_ocsp *
http_ocsp_new(const struct http_ocsp_config *conf)
{
	struct http_ocsp *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->conf = *conf;
	return o;
}

void
http_ocsp_free(struct http_ocsp *o)
{
	free(o);
}

/* --- GET: the request in the path ------------------------------------------ */

static int
ocsp_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
ocsp_b64_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * Decodes the path form of a request (RFC 6960 Appendix A.1: "the
 * URL-encoding of the base64 encoding of the DER encoding"): %XX escapes
 * first (%2B, %2F, %3D and any other), then base64. Raw '+' and '/' are
 * taken as themselves (a path is not a form: '+' is not a space), the
 * URL-safe alphabet ('-', '_') is accepted, and so is missing padding.
 * Anything else (other characters, a bad escape, a length that cannot
 * be base64) fails. Returns the decoded length in *outlen, at most
 * outcap; 0 on failure.
 */
static int
ocsp_b64_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outcap, size_t *outlen)
{
	char *txt;
	size_t n = 0, pad = 0;
	int hi, lo, len, ok = 0;

	if (inlen == 0 || inlen > OCSP_GET_MAX ||
	    (txt = malloc(inlen + 4)) == NULL)
		return 0;
	for (size_t i = 0; i < inlen; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			if (i + 2 >= inlen)
				goto out;
			if ((hi = ocsp_hex(in[i + 1])) < 0 ||
			    (lo = ocsp_hex(in[i + 2])) < 0)
				goto out;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		txt[n++] = (char)c;
	}
	/* Padding only at the end, at most two; then put it back whole. */
	while (n > 0 && txt[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	for (size_t i = 0; i < n; i++)
		if (!ocsp_b64_char((unsigned char)txt[i]))
			goto out;
	if (n == 0 || n % 4 == 1)
		goto out;
	pad = (4 - n % 4) % 4;
	for (size_t i = 0; i < pad; i++)
		txt[n++] = '=';
	if (n / 4 * 3 > outcap + 2)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if ((len = EVP_DecodeBlock(out, (unsigned char *)txt, (int)n)) < 0 ||
	    (size_t)len < pad || (size_t)len - pad > outcap)
		goto out;
	*outlen = (size_t)len - pad;
	ok = 1;
 out:
	free(txt);
	return ok;
}

/*
 * The base64 part of a GET path: rest after "/ocsp", less a leading
 * "/NAME" when NAME is a known CA entity.
 */
static const char *
ocsp_get_request_text(const struct http_ocsp *o, const char *rest)
{
	const char *seg, *end;

	if (*rest == '/')
		rest++;
	seg = rest;
	if ((end = strchr(seg, '/')) == NULL)
		end = seg + strlen(seg);
	for (size_t i = 0; i < o->conf.nca_names; i++) {
		const char *name = o->conf.ca_names[i];

		if (strlen(name) == (size_t)(end - seg) &&
		    memcmp(seg, name, (size_t)(end - seg)) == 0)
			return *end == '/' ? end + 1 : end;
	}
	return rest;
}

/* --- the answer --------------------------------------------------------------- */

static void
ocsp_log(const struct http_ocsp *o, const struct http_request *req,
    const struct ocsp_answer *ans, int code)
{
	char line[512], ts[32];
	struct timespec now;
	struct tm tm;
	size_t u = 0;
	int n;

	if (o->conf.log == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "{\"time\":\"%s.%03ldZ\",\"client\":\"",
	    ts, now.tv_nsec / 1000000);
	u = (size_t)n;
	/* Every field escaped: none of them may break the line. */
	if (!http_json_escape(line, sizeof(line), &u, req->client))
		return;
	n = snprintf(line + u, sizeof(line) - u, "\",\"method\":\"%s\","
	    "\"issuer\":\"", req->method == HTTP_POST ? "POST" :
	    req->method == HTTP_HEAD ? "HEAD" : "GET");
	u += (size_t)n;
	if (!http_json_escape(line, sizeof(line), &u, ans->issuer))
		return;
	if (u + 12 > sizeof(line))
		return;
	memcpy(line + u, "\",\"serial\":\"", 12);
	u += 12;
	if (!http_json_escape(line, sizeof(line), &u, ans->serial))
		return;
	if (u + 12 > sizeof(line))
		return;
	memcpy(line + u, "\",\"status\":\"", 12);
	u += 12;
	if (!http_json_escape(line, sizeof(line), &u,
	    ans->status != NULL ? ans->status : "internalError"))
		return;
	n = snprintf(line + u, sizeof(line) - u, "\",\"code\":%d}\n", code);
	if (n < 0 || (size_t)n >= sizeof(line) - u)
		return;
	u += (size_t)n;
	if (!http_accesslog_write(o->conf.log, line, u))
		log_warn("OCSP access log: line not written");
}

/*
 * RFC 5019 §6.2: a cacheable answer says how long it may be cached, and
 * no longer than until nextUpdate.
 */
static void
ocsp_cache_headers(struct http_response *resp, const struct ocsp_answer *a,
    time_t now)
{
	char date[40];
	long long age;

	if (!a->cacheable) {
		http_response_header(resp, "Cache-Control", "no-store");
		return;
	}
	age = a->next_update > now ? (long long)(a->next_update - now) : 0;
	http_date_format(a->this_update, date, sizeof(date));
	http_response_header(resp, "Last-Modified", "%s", date);
	http_date_format(a->next_update, date, sizeof(date));
	http_response_header(resp, "Expires", "%s", date);
	http_response_header(resp, "Cache-Control",
	    "max-age=%lld, public, no-transform, must-revalidate", age);
	if (a->etag[0] != '\0')
		http_response_header(resp, "ETag", "\"%s\"", a->etag);
}

static void
ocsp_release_der(void *arg)
{
	free(arg);
}

static int
ocsp_reply(const struct http_ocsp *o, const struct http_request *req,
    struct http_response *resp, const unsigned char *der, size_t len)
{
	struct ocsp_answer ans = { 0 };
	const char *inm;

	if (!o->conf.answer(o->conf.responder, der, len, &ans) ||
	    ans.der == NULL) {
		o->conf.clear(&ans);
		ocsp_log(o, req, &ans, 500);
		return 0;
	}
	ocsp_cache_headers(resp, &ans, time(NULL));
	if (req->method != HTTP_POST && ans.cacheable && ans.etag[0] != '\0' &&
	    (inm = http_request_header(req, "If-None-Match")) != NULL &&
	    http_etag_match(inm, ans.etag)) {
		resp->status = 304;
	} else {
		resp->status = 200;
		http_response_header(resp, "Content-Type",
		    "application/ocsp-response");
		/* The DER is handed over, not copied. */
		resp->body = ans.der;
		resp->body_len = ans.der_len;
		resp->body_release = ocsp_release_der;
		resp->body_release_arg = ans.der;
		ans.der = NULL;
		ans.der_len = 0;
	}
	ocsp_log(o, req, &ans, resp->status);
	o->conf.clear(&ans);
	return 1;
}

int
http_ocsp_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	const struct http_ocsp *o = arg;
	const char *text;
	unsigned char *der;
	size_t len = 0;
	int ok;

	if (req->method == HTTP_POST)
		return ocsp_reply(o, req, resp, req->body, req->body_len);
	text = ocsp_get_request_text(o, req->rest);
	if (strlen(text) > OCSP_GET_MAX)
		return http_response_text(resp, 414, "URI too long\n");
	if ((der = malloc(OCSP_REQUEST_MAX)) == NULL)
		return 0;
	/* Bad base64: an empty request, which the responder calls malformed. */
	if (!ocsp_b64_decode(text, strlen(text), der, OCSP_REQUEST_MAX, &len))
		len = 0;
	ok = ocsp_reply(o, req, resp, der, len);
	free(der);
	return ok;
}
