#include "ra/validation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "conf/conf.h"
#include "util/log.h"

/*
 * Method (4), TLS BR §3.2.2.4.18: the random value served at
 * http(s)://DOMAIN/.well-known/pki-validation/FILE, fetched with libcurl.
 *
 * - Only a 200 answer counts; at most RA_HTTP_BODY_MAX bytes are read and
 *   the whole exchange is limited to RA_HTTP_TIMEOUT seconds.
 * - Redirects are followed by hand, at most RA_HTTP_REDIRECTS, and only to
 *   http or https on the same host name and an authorised port (80 or
 *   443; TLS BR §3.2.2.4.18 allows redirects at the HTTP layer to those
 *   ports): a redirect off the domain is refused, so a page someone else
 *   controls cannot vouch for it.
 * - https certificates are verified against the system's trust store.
 * - [validation] http_connect_to (test and lab setting, docs/api.md) is
 *   handed to CURLOPT_CONNECT_TO: the URL, Host header and TLS name stay
 *   the domain's; only the TCP connection goes elsewhere.
 */

#define RA_HTTP_REDIRECTS	3

struct ra_body {
	unsigned char	 buf[RA_HTTP_BODY_MAX];
	size_t		 len;
	int		 too_big;
};

static size_t
ra_http_write(char *p, size_t size, size_t n, void *arg)
{
	struct ra_body *b = arg;
	size_t len = size * n;

	if (len > sizeof(b->buf) - b->len) {
		b->too_big = 1;
		return 0;	/* aborts the transfer */
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	return len;
}

/*
 * 1 if url (a redirect target) is http or https to domain itself on an
 * authorised port.
 */
static int
ra_http_redirect_ok(const char *url, const char *domain)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = 0;

	if ((u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
			port = NULL;
		ok = (strcmp(scheme, "http") == 0 ||
		    strcmp(scheme, "https") == 0) &&
		    strcasecmp(host, domain) == 0 &&
		    (port == NULL || strcmp(port, "80") == 0 ||
		    strcmp(port, "443") == 0);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* One GET of url into b: 1 with *code (and *location for 3xx), 0 with why. */
static int
ra_http_get(const struct conf *conf, const char *url, struct ra_body *b,
    long *code, char *location, size_t loclen, char *why, size_t whylen)
{
	const struct conf_list *ct = &conf->validation.http_connect_to;
	struct curl_slist *connect_to = NULL, *l;
	char err[CURL_ERROR_SIZE] = "";
	char *loc = NULL;
	CURLcode rc;
	CURL *c;
	int ok = 0;

	b->len = 0;
	b->too_big = 0;
	location[0] = '\0';
	if ((c = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "cannot start libcurl");
		return 0;
	}
	for (size_t i = 0; i < ct->n; i++) {
		if ((l = curl_slist_append(connect_to, ct->v[i])) == NULL)
			goto out;
		connect_to = l;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)RA_HTTP_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "inkan-validation");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ra_http_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)RA_HTTP_BODY_MAX);
	if (connect_to != NULL)
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
	rc = curl_easy_perform(c);
	if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(why, whylen, "%s: answer larger than %d bytes", url,
		    RA_HTTP_BODY_MAX);
		goto out;
	}
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s: %s", url, err[0] != '\0' ? err :
		    curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc != NULL)
		snprintf(location, loclen, "%s", loc);
	ok = 1;
out:
	curl_slist_free_all(connect_to);
	curl_easy_cleanup(c);
	return ok;
}

/* Fetches url, following allowed redirects: 1 found, 0 not (why). */
static int
ra_http_try(const struct conf *conf, const char *domain, const char *first,
    int (*fn)(const char *, void *), void *arg, char *why, size_t whylen)
{
	struct ra_body *b;
	char url[1024], location[1024];
	long code = 0;
	int found = 0;

	if ((b = malloc(sizeof(*b))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	snprintf(url, sizeof(url), "%s", first);
	for (int hop = 0; hop <= RA_HTTP_REDIRECTS; hop++) {
		if (!ra_http_get(conf, url, b, &code, location,
		    sizeof(location), why, whylen))
			break;
		/* TLS BR 3.2.2.4.18: only 301, 302, 307 and 308 are followed. */
		if (code >= 300 && code < 400 && code != 301 && code != 302 &&
		    code != 307 && code != 308) {
			snprintf(why, whylen, "%s: HTTP %ld redirect refused (only "
			    "301, 302, 307 and 308 are followed)", url, code);
			break;
		}
		if (code >= 300 && code < 400 && location[0] != '\0') {
			if (!ra_http_redirect_ok(location, domain)) {
				snprintf(why, whylen, "%s: redirect to %.300s "
				    "refused (only http/https on %s, ports 80 "
				    "and 443)", url, location, domain);
				break;
			}
			if (hop == RA_HTTP_REDIRECTS) {
				snprintf(why, whylen, "%s: more than %d "
				    "redirects", first, RA_HTTP_REDIRECTS);
				break;
			}
			snprintf(url, sizeof(url), "%s", location);
			continue;
		}
		/* TLS BR §3.2.2.4.18: only a successful answer counts. */
		if (code != 200) {
			snprintf(why, whylen, "%s: HTTP %ld (only 200 counts)",
			    url, code);
			break;
		}
		found = ra_value_scan(b->buf, b->len, fn, arg);
		snprintf(why, whylen, found ? "value found at %s" :
		    "%s: value not found in the answer", url);
		break;
	}
	free(b);
	return found;
}

int
ra_http_find(const struct conf *conf, const char *domain, const char *file,
    int (*fn)(const char *token, void *arg), void *arg,
    char *why, size_t whylen)
{
	static const char *const schemes[] = { "http", "https" };
	char url[512], first[512] = "";

	for (size_t i = 0; i < 2; i++) {
		snprintf(url, sizeof(url),
		    "%s://%s/.well-known/pki-validation/%s", schemes[i],
		    domain, file);
		if (ra_http_try(conf, domain, url, fn, arg, why, whylen))
			return 1;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", why);
	}
	{
		char second[512];

		snprintf(second, sizeof(second), "%s", why);
		snprintf(why, whylen, "%s; %s", first, second);
	}
	return 0;
}
