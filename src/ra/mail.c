/*
 * RA mail over SMTP with libcurl (see mail.h). The message is built
 * whole in memory first, so a refused header or an oversized body never
 * reaches the relay half-sent.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "conf/conf.h"
#include "ra/mail.h"
#include "util/log.h"

static pthread_once_t ra_mail_once = PTHREAD_ONCE_INIT;
static CURLcode ra_mail_global;

static void
ra_mail_global_init(void)
{
	ra_mail_global = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int
ra_mail_from_conf(const struct conf *conf, struct ra_mail *m)
{
	memset(m, 0, sizeof(*m));
	if (conf == NULL || conf->mail.smtp_url == NULL)
		return 0;
	m->smtp_url = conf->mail.smtp_url;
	m->from = conf->mail.from;
	m->ca_file = conf->mail.ca_file;
	m->timeout = conf->mail.timeout > 0 ? conf->mail.timeout :
	    CONF_MAIL_TIMEOUT;
	m->require_tls = conf->mail.require_tls;
	return 1;
}

int
ra_mail_addr_ok(const char *addr)
{
	const char *at;
	size_t len;

	if (addr == NULL || (len = strlen(addr)) < 3 || len > RA_MAIL_ADDR_MAX)
		return 0;
	for (const char *p = addr; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>(),;:\"\\[]", *p))
			return 0;
	at = strchr(addr, '@');
	return at != NULL && at != addr && strchr(at + 1, '@') == NULL &&
	    at[1] != '\0' && at[1] != '.' && addr[len - 1] != '.';
}

static int
ra_mail_subject_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > RA_MAIL_SUBJECT_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s >= 0x7f)
			return 0;
	return 1;
}

/* A growing buffer for the message text. */
struct ra_mail_buf {
	char	*p;
	size_t	 len, cap, off;
	int	 failed;
};

static void
ra_mail_put(struct ra_mail_buf *b, const char *s, size_t n)
{
	char *q;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 1024 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		/*
		 * Not realloc: the message may hold a PIN, a password or a
		 * validation value, and the old block is wiped before it goes.
		 */
		if ((q = OPENSSL_malloc(cap)) == NULL) {
			b->failed = 1;
			return;
		}
		if (b->p != NULL) {
			memcpy(q, b->p, b->len + 1);
			OPENSSL_clear_free(b->p, b->cap);
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
ra_mail_printf(struct ra_mail_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		b->failed = 1;
		return;
	}
	ra_mail_put(b, line, (size_t)n);
}

/* The body with every line end as CRLF (RFC 5322 2.3), no bare CR. */
static void
ra_mail_body(struct ra_mail_buf *b, const char *body)
{
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			ra_mail_put(b, "\r\n", 2);
		else
			ra_mail_put(b, p, 1);
	}
	if (b->len < 2 || memcmp(b->p + b->len - 2, "\r\n", 2) != 0)
		ra_mail_put(b, "\r\n", 2);
}

static const char ra_mail_mime[] = "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "Auto-Submitted: auto-generated\r\n\r\n";

static int
ra_mail_build(struct ra_mail_buf *b, const struct ra_mail *m, const char *to,
    const char *subject, const char *body)
{
	unsigned char rnd[16];
	char date[64], id[33];
	struct tm tm;
	time_t now = time(NULL);

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return 0;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
	    &tm) == 0)
		return 0;
	ra_mail_printf(b, "Date: %s\r\n", date);
	ra_mail_printf(b, "From: <%s>\r\n", m->from);
	ra_mail_printf(b, "To: <%s>\r\n", to);
	ra_mail_printf(b, "Subject: %s\r\n", subject);
	ra_mail_printf(b, "Message-ID: <%s.inkan@%s>\r\n", id,
	    strchr(m->from, '@') + 1);
	ra_mail_put(b, ra_mail_mime, sizeof(ra_mail_mime) - 1);
	ra_mail_body(b, body);
	return !b->failed;
}

static size_t
ra_mail_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct ra_mail_buf *b = arg;
	size_t n = size * nmemb;

	if (n > b->len - b->off)
		n = b->len - b->off;
	memcpy(dst, b->p + b->off, n);
	b->off += n;
	return n;
}

static int
ra_mail_fail(char *why, size_t whylen, const char *what, const char *detail)
{
	snprintf(why, whylen, "%s%s%s", what, detail != NULL ? ": " : "",
	    detail != NULL ? detail : "");
	return 0;
}

int
ra_mail_send(const struct ra_mail *m, const char *to, const char *subject,
    const char *body, char *why, size_t whylen)
{
	struct ra_mail_buf b = { 0 };
	struct curl_slist *rcpt = NULL;
	char err[CURL_ERROR_SIZE] = "", from[RA_MAIL_ADDR_MAX + 3],
	    rcpt_addr[RA_MAIL_ADDR_MAX + 3];
	CURLcode rc;
	CURL *curl;
	int ok = 0;

	if (m == NULL || m->smtp_url == NULL)
		return ra_mail_fail(why, whylen, "mail is not configured "
		    "([mail] smtp_url)", NULL);
	if (!ra_mail_addr_ok(m->from))
		return ra_mail_fail(why, whylen, "[mail] from is not a bare "
		    "address", NULL);
	if (!ra_mail_addr_ok(to))
		return ra_mail_fail(why, whylen, "recipient is not a single "
		    "bare address", NULL);
	if (subject == NULL || !ra_mail_subject_ok(subject))
		return ra_mail_fail(why, whylen, "subject must be 1-200 "
		    "printable ASCII characters", NULL);
	if (body == NULL || strlen(body) > RA_MAIL_BODY_MAX)
		return ra_mail_fail(why, whylen, "body missing or over 64 "
		    "KiB", NULL);
	pthread_once(&ra_mail_once, ra_mail_global_init);
	if (ra_mail_global != CURLE_OK)
		return ra_mail_fail(why, whylen, "libcurl did not start",
		    NULL);
	if (!ra_mail_build(&b, m, to, subject, body)) {
		OPENSSL_clear_free(b.p, b.cap);
		return ra_mail_fail(why, whylen, "out of memory", NULL);
	}
	snprintf(from, sizeof(from), "<%s>", m->from);
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	if ((curl = curl_easy_init()) == NULL ||
	    (rcpt = curl_slist_append(NULL, rcpt_addr)) == NULL) {
		ra_mail_fail(why, whylen, "out of memory", NULL);
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, m->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, ra_mail_read);
	curl_easy_setopt(curl, CURLOPT_READDATA, &b);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)b.len);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)m->timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, m->require_tls ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (m->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, m->ca_file);
	if ((rc = curl_easy_perform(curl)) != CURLE_OK) {
		ra_mail_fail(why, whylen, "SMTP relay refused or unreachable",
		    err[0] != '\0' ? err : curl_easy_strerror(rc));
		log_error("mail to %s not sent: %s", to, why);
		goto out;
	}
	log_info("mail \"%s\" sent to %s", subject, to);
	ok = 1;
out:
	curl_slist_free_all(rcpt);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	OPENSSL_clear_free(b.p, b.cap);
	return ok;
}
