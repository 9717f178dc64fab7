#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <openssl/err.h>

#include "http/metrics.h"
#include "util/log.h"

/* Chunked bodies beyond the cap are read (not kept) up to this, then cut. */
#define HTTP_DISCARD_MAX	(1024 * 1024)

struct http_server {
	struct MHD_Daemon *mhd;
	int		 fd;		/* listening socket (ours to close) */
	char		 address[80];
	struct http_route *routes;
	size_t		 nroutes;
	struct http_metrics *metrics;
	atomic_uint	 in_flight;	/* requests between first call and end */
	int		 quiesced;
};

/* Per-request state, from the first call of the handler to completion. */
struct http_conn {
	const struct http_route *route;
	enum http_endpoint endpoint;
	uint64_t	 start_ns;
	int		 status;	/* queued status, 0 if none */
	int		 too_large;
	unsigned char	*body;
	size_t		 body_len;
	size_t		 body_cap;
	size_t		 discarded;
};

static const char http_404[] = "not found\n";
static const char http_405[] = "method not allowed\n";
static const char http_413[] = "request body too large\n";
static const char http_500[] = "internal error\n";

/* --- responses ------------------------------------------------------- */

void
http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 500;
	resp->fd = -1;
}

int
http_response_header(struct http_response *resp, const char *name,
    const char *fmt, ...)
{
	size_t room = sizeof(resp->_arena) - resp->_arena_used;
	char *dst = resp->_arena + resp->_arena_used;
	va_list ap;
	int n;

	if (resp->nheaders >= HTTP_RESPONSE_HEADERS_MAX || room == 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return 0;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = dst;
	resp->nheaders++;
	resp->_arena_used += (size_t)n + 1;
	return 1;
}

int
http_response_text(struct http_response *resp, int status, const char *text)
{
	resp->status = status;
	resp->body = text;
	resp->body_len = strlen(text);
	http_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
	http_response_header(resp, "Cache-Control", "no-store");
	return 1;
}

void
http_response_release(struct http_response *resp)
{
	if (resp->body_release != NULL)
		resp->body_release(resp->body_release_arg);
	resp->body_release = NULL;
	if (resp->fd != -1)
		close(resp->fd);
	resp->fd = -1;
}

const char *
http_request_header(const struct http_request *req, const char *name)
{
	if (req->_header == NULL)
		return NULL;
	return req->_header(req->_header_ctx, name);
}

/* --- dates and entity tags --------------------------------------------- */

static const char *const http_wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat" };
static const char *const http_month[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void
http_date_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	/* Not strftime: %a and %b follow the locale, HTTP wants English. */
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 GMT");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    http_wday[tm.tm_wday], tm.tm_mday, http_month[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
http_date_parse(const char *s, time_t *t)
{
	char wday[4], mon[4], gmt[4];
	struct tm tm = { 0 };
	int n = 0, m;

	/* Only IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
	if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wday, &tm.tm_mday,
	    mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, gmt,
	    &n) != 8 || s[n] != '\0' || s[3] != ',' ||
	    strcmp(gmt, "GMT") != 0)
		return 0;
	for (m = 0; m < 12; m++)
		if (strcmp(mon, http_month[m]) == 0)
			break;
	if (m == 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return 0;
	tm.tm_mon = m;
	tm.tm_year -= 1900;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

int
http_etag_match(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = header, *q;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		/* Weak comparison: W/"x" matches "x" (RFC 9110 §8.8.3.2). */
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		p++;
		if ((q = strchr(p, '"')) == NULL)
			return 0;
		if ((size_t)(q - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

int
http_client_loopback(const char *client)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (client == NULL || strnlen(client, 64) == 64)
		return 0;
	if (inet_pton(AF_INET, client, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, client, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

uint64_t
http_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --- listening ---------------------------------------------------------- */

static int
http_listen_port(const char *s, in_port_t *port, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 65535 ||
	    s[0] == '-' || s[0] == '+' || s[0] == ' ') {
		snprintf(err, errlen, "port '%s' is not a number 0..65535", s);
		return 0;
	}
	*port = htons((in_port_t)v);
	return 1;
}

int
http_listen_parse(const char *spec, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *colon;
	size_t hlen;
	in_port_t p;

	memset(ss, 0, sizeof(*ss));
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "empty address");
		return 0;
	}
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errlen, "expected [IPv6]:PORT");
			return 0;
		}
		hlen = (size_t)(rb - spec - 1);
		port = rb + 2;
		spec++;
	} else if ((colon = strrchr(spec, ':')) == NULL) {
		/* A bare port: loopback, never every interface by surprise. */
		hlen = strlen("127.0.0.1");
		port = spec;
		spec = "127.0.0.1";
	} else {
		if (strchr(spec, ':') != colon) {
			snprintf(err, errlen, "an IPv6 address must be "
			    "written in brackets: [ADDR]:PORT");
			return 0;
		}
		hlen = (size_t)(colon - spec);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "expected ADDRESS:PORT, e.g. "
		    "127.0.0.1:8080 or [::1]:8080");
		return 0;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (!http_listen_port(port, &p, err, errlen))
		return 0;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = p;
		*sslen = sizeof(*sin);
		return 1;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = p;
		*sslen = sizeof(*sin6);
		return 1;
	}
	snprintf(err, errlen, "'%s' is not a numeric IPv4 or IPv6 address",
	    host);
	return 0;
}

static void
http_addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t buflen, int with_port)
{
	char host[INET6_ADDRSTRLEN + 16], serv[8];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, buflen, "?");
		return;
	}
	if (!with_port)
		snprintf(buf, buflen, "%s", host);
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, buflen, "[%s]:%s", host, serv);
	else
		snprintf(buf, buflen, "%s:%s", host, serv);
}

/*
 * Our own socket rather than libmicrohttpd's, so that a failure names
 * the address and the reason, and IPv6 sockets take only IPv6.
 */
static int
http_listen_open(const char *spec, char *addr, size_t addrlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	char err[160];
	int fd, one = 1;

	if (!http_listen_parse(spec, &ss, &sslen, err, sizeof(err))) {
		log_error("--listen %s: %s", spec == NULL ? "" : spec, err);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_error("%s: socket: %s", spec, strerror(errno));
		return -1;
	}
	/* SO_REUSEADDR only skips TIME_WAIT; a live listener still fails. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1)) {
		log_error("%s: setsockopt: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 1024) == -1) {
		const char *why = errno == EADDRINUSE ?
		    "address already in use" : strerror(errno);

		http_addr_text((struct sockaddr *)&ss, sslen, addr, addrlen, 1);
		log_error("%s: %s", addr, why);
		close(fd);
		return -1;
	}
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0)
		http_addr_text((struct sockaddr *)&ss, sslen, addr, addrlen, 1);
	return fd;
}

/* --- requests ------------------------------------------------------------ */

static enum http_method
http_method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

static const struct http_route *
http_route_find(const struct http_server *s, const char *path,
    const char **rest)
{
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct http_route *r = &s->routes[i];
		size_t n = strlen(r->prefix);

		if (strncmp(path, r->prefix, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/')) {
			*rest = path + n;
			return r;
		}
	}
	return NULL;
}

static const char *
http_mhd_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *
http_mhd_query(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

const char *
http_request_query(const struct http_request *req, const char *name)
{
	if (req->_query == NULL)
		return NULL;
	return req->_query(req->_header_ctx, name);
}

/* inet_ntop rather than getnameinfo: this runs for every request. */
static void
http_client_text(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	const void *a;

	buf[0] = '\0';
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else
		return;
	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
}

/* A handler's release callback, kept until libmicrohttpd is done. */
struct http_release {
	void	(*fn)(void *arg);
	void	*arg;
};

static void
http_body_release(void *arg)
{
	struct http_release *rel = arg;

	rel->fn(rel->arg);
	free(rel);
}

/*
 * Turns a handler's response into libmicrohttpd's. The body is handed
 * over without a copy: a file descriptor is sent with sendfile, a
 * memory body released through its callback when libmicrohttpd is done.
 */
static struct MHD_Response *
http_mhd_response(struct http_response *resp)
{
	struct MHD_Response *r = NULL;
	struct http_release *hold;

	if (resp->fd != -1) {
		if ((r = MHD_create_response_from_fd64(resp->fd_len,
		    resp->fd)) != NULL)
			resp->fd = -1;
	} else if (resp->body_release == NULL) {
		r = MHD_create_response_from_buffer(resp->body_len,
		    (void *)resp->body, MHD_RESPMEM_PERSISTENT);
	} else if ((hold = malloc(sizeof(*hold))) != NULL) {
		hold->fn = resp->body_release;
		hold->arg = resp->body_release_arg;
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    resp->body_len, (void *)resp->body, http_body_release,
		    hold);
		if (r != NULL)
			resp->body_release = NULL;
		else
			free(hold);
	}
	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < resp->nheaders; i++) {
		if (MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value) != MHD_YES) {
			MHD_destroy_response(r);
			return NULL;
		}
	}
	return r;
}

static enum MHD_Result
http_queue(struct MHD_Connection *c, struct http_conn *hc,
    struct http_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if ((r = http_mhd_response(resp)) == NULL) {
		http_response_release(resp);
		http_response_init(resp);
		http_response_text(resp, 500, http_500);
		if ((r = http_mhd_response(resp)) == NULL)
			return MHD_NO;
	}
	hc->status = resp->status;
	ret = MHD_queue_response(c, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
http_queue_text(struct MHD_Connection *c, struct http_conn *hc, int status,
    const char *text, const char *allow)
{
	struct http_response resp;

	http_response_init(&resp);
	http_response_text(&resp, status, text);
	if (allow != NULL)
		http_response_header(&resp, "Allow", "%s", allow);
	return http_queue(c, hc, &resp);
}

/* The client certificate of a TLS connection, if it sent one. */
static void
http_peer_cert(struct MHD_Connection *c, struct http_request *req)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *certs;
	unsigned int n = 0;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return;
	certs = gnutls_certificate_get_peers(ci->tls_session, &n);
	if (certs == NULL || n == 0 || certs[0].size == 0)
		return;
	req->peer_cert = certs[0].data;
	req->peer_cert_len = certs[0].size;
}

static enum MHD_Result
http_dispatch(struct http_server *s, struct MHD_Connection *c,
    struct http_conn *hc, const char *url, const char *method)
{
	struct http_request req = { 0 };
	struct http_response resp;
	const char *rest = "";

	http_route_find(s, url, &rest);
	req.method = http_method_of(method);
	req.method_name = method;
	req.path = url;
	req.rest = rest;
	req.body = hc->body != NULL ? hc->body : (const unsigned char *)"";
	req.body_len = hc->body_len;
	req._header = http_mhd_header;
	req._header_ctx = c;
	req._query = http_mhd_query;
	http_client_text(c, req.client, sizeof(req.client));
	http_peer_cert(c, &req);
	/* OpenSSL's error queue is per thread: start each request clean. */
	ERR_clear_error();
	http_response_init(&resp);
	if (!hc->route->handler(hc->route->arg, &req, &resp)) {
		http_response_release(&resp);
		http_response_init(&resp);
		http_response_text(&resp, 500, http_500);
	}
	return http_queue(c, hc, &resp);
}

/*
 * The first call for a request: its headers only. Route, method and the
 * declared body size are checked now, so a 404, 405 or 413 goes out
 * before any of the body is read (libmicrohttpd then discards the body
 * and closes the connection). A body declared too large but no larger
 * than HTTP_DISCARD_MAX is read and dropped before the 413 goes out: a
 * client still sending when the connection closed would see a reset
 * instead of the answer.
 */
static enum MHD_Result
http_first_call(struct http_server *s, struct MHD_Connection *c,
    struct http_conn *hc, const char *url, const char *method)
{
	const char *rest, *cl;
	unsigned long long len;
	char *end;

	if ((hc->route = http_route_find(s, url, &rest)) == NULL)
		return http_queue_text(c, hc, 404, http_404, NULL);
	hc->endpoint = hc->route->endpoint;
	if ((hc->route->methods & http_method_of(method)) == 0)
		return http_queue_text(c, hc, 405, http_405, hc->route->allow);
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		len = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || len > HTTP_DISCARD_MAX)
			return http_queue_text(c, hc, 413, http_413, NULL);
		if (len > hc->route->body_max)
			hc->too_large = 1;
	}
	return MHD_YES;
}

/* Keeps the body up to the route's cap; beyond it, counts and drops. */
static enum MHD_Result
http_body_chunk(struct http_conn *hc, const char *data, size_t *size)
{
	size_t n = *size, want;
	unsigned char *p;

	*size = 0;
	if (hc->too_large || hc->body_len + n > hc->route->body_max) {
		hc->too_large = 1;
		hc->discarded += n;
		/* A chunked body that never ends: cut the connection. */
		return hc->discarded > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	if (hc->body_len + n > hc->body_cap) {
		want = hc->body_cap == 0 ? 1024 : hc->body_cap * 2;
		while (want < hc->body_len + n)
			want *= 2;
		if (want > hc->route->body_max)
			want = hc->route->body_max;
		if ((p = realloc(hc->body, want)) == NULL)
			return MHD_NO;
		hc->body = p;
		hc->body_cap = want;
	}
	memcpy(hc->body + hc->body_len, data, n);
	hc->body_len += n;
	return MHD_YES;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_conn *hc = *con_cls;

	if (hc == NULL) {
		if ((hc = calloc(1, sizeof(*hc))) == NULL)
			return MHD_NO;
		hc->start_ns = http_now_ns();
		hc->endpoint = HTTP_EP_OTHER;
		*con_cls = hc;
		atomic_fetch_add_explicit(&s->in_flight, 1,
		    memory_order_relaxed);
		return http_first_call(s, c, hc, url, method);
	}
	if (*upload_data_size != 0)
		return http_body_chunk(hc, upload_data, upload_data_size);
	if (hc->status != 0)
		return MHD_YES;
	if (hc->too_large)
		return http_queue_text(c, hc, 413, http_413, NULL);
	return http_dispatch(s, c, hc, url, method);
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_conn *hc = *con_cls;

	if (hc == NULL)
		return;
	if (s->metrics != NULL)
		http_metrics_observe(s->metrics, hc->endpoint,
		    hc->status != 0 ? hc->status : 499,
		    http_now_ns() - hc->start_ns);
	free(hc->body);
	free(hc);
	*con_cls = NULL;
	atomic_fetch_sub_explicit(&s->in_flight, 1, memory_order_relaxed);
}

/*
 * The path is left as received: the routes decode it themselves and
 * refuse what must not be decoded (%00, %2F) rather than meet a '/' or
 * an end of string that the client never sent as such.
 */
static size_t
http_unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("http: %s", buf);
}

/* --- start and stop ------------------------------------------------------- */

static unsigned int
http_threads(unsigned int want)
{
	long n;

	if (want != 0)
		return want;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned int)n;
}

struct http_server *
http_server_start(const struct http_server_config *conf)
{
	struct http_server *s, *res = NULL;
	unsigned int flags, threads = http_threads(conf->threads);
	/* TLS options, if any; MHD_OPTION_END (0) ends the array. */
	struct MHD_OptionItem tls[4] = { { MHD_OPTION_END, 0, NULL } };

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = -1;
	s->metrics = conf->metrics;
	if ((s->routes = calloc(conf->nroutes + 1, sizeof(*s->routes))) ==
	    NULL)
		goto out;
	memcpy(s->routes, conf->routes, conf->nroutes * sizeof(*s->routes));
	s->nroutes = conf->nroutes;
	if ((s->fd = http_listen_open(conf->listen, s->address,
	    sizeof(s->address))) == -1)
		goto out;
	/*
	 * ITC: needed by MHD_quiesce_daemon for the graceful stop. poll,
	 * not epoll: libmicrohttpd 0.9.75's edge-triggered epoll misses a
	 * FIN that arrives with the last bytes of a partial request (a short
	 * read clears its read-ready flag), so such a connection stays open
	 * until the timeout; level-triggered poll sees the end at once, and
	 * measured as fast here (tests/http/test_inkand.sh, the storm).
	 */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG | MHD_USE_POLL;
	if (conf->tls_cert != NULL) {
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
		    (void *)conf->tls_cert };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
		    (void *)conf->tls_key };
		if (conf->tls_trust != NULL)
			tls[2] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_TRUST, 0,
			    (void *)conf->tls_trust };
	}
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, http_access, s,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, conf->max_connections != 0 ?
	    conf->max_connections : 4096u,
	    MHD_OPTION_CONNECTION_TIMEOUT, conf->timeout != 0 ?
	    conf->timeout : 30u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, conf->header_max != 0 ?
	    conf->header_max : (size_t)HTTP_HEADER_MAX_DEFAULT,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape_none, NULL,
	    MHD_OPTION_END);
	if (s->mhd == NULL) {
		log_error("%s: cannot start the HTTP server (libmicrohttpd)",
		    s->address);
		goto out;
	}
	log_debug("http: %s, %u threads", s->address, threads);
	res = s;
	s = NULL;
 out:
	http_server_stop(s, 0);
	return res;
}

const char *
http_server_address(const struct http_server *s)
{
	return s->address;
}

void
http_server_quiesce(struct http_server *s)
{
	if (s->mhd != NULL && !s->quiesced) {
		/* The listening socket stays ours to close after the stop. */
		(void)MHD_quiesce_daemon(s->mhd);
		s->quiesced = 1;
	}
}

unsigned int
http_server_in_flight(struct http_server *s)
{
	return atomic_load_explicit(&s->in_flight, memory_order_relaxed);
}

void
http_server_stop(struct http_server *s, unsigned int grace_ms)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned int waited = 0;

	if (s == NULL)
		return;
	if (s->mhd != NULL) {
		http_server_quiesce(s);
		while (waited < grace_ms && atomic_load_explicit(&s->in_flight,
		    memory_order_relaxed) != 0) {
			nanosleep(&tick, NULL);
			waited += 20;
		}
		MHD_stop_daemon(s->mhd);
	}
	if (s->fd != -1)
		close(s->fd);
	free(s->routes);
	free(s);
}
