#ifndef INKAN_HTTP_SERVER_H
#define INKAN_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/*
 * The HTTP server glue over libmicrohttpd (DESIGN.md "Dependencies"): a
 * listening socket bound to exactly one address, an internal pool of
 * polling threads, a route table by path prefix, caps on every size, and
 * a graceful stop. Handlers never see libmicrohttpd: they get a request
 * (method, raw path, headers, whole body) and fill a response, so each
 * route is a plain function that a unit test can call.
 */

/* Metric label of a route (src/http/metrics.h). */
enum http_endpoint {
	HTTP_EP_REPOSITORY,
	HTTP_EP_OCSP,
	HTTP_EP_METRICS,
	HTTP_EP_HEALTHZ,
	HTTP_EP_RA,		/* the RA JSON API (src/http/ra_api.c) */
	HTTP_EP_OTHER,		/* no route matched */
	HTTP_EP_MAX
};

enum http_method {
	HTTP_GET	= 1 << 0,
	HTTP_HEAD	= 1 << 1,
	HTTP_POST	= 1 << 2,
	HTTP_OTHER	= 1 << 3,	/* PUT, DELETE, OPTIONS, ... */
	HTTP_METHOD_MAX	= 1 << 4
};

/* Request line and headers: libmicrohttpd answers 414/431 beyond this. */
#define HTTP_HEADER_MAX_DEFAULT	(16 * 1024)

/* Room for the headers a handler sets (names and values). */
#define HTTP_RESPONSE_HEADERS_MAX	16
#define HTTP_RESPONSE_ARENA		1024

struct http_request {
	enum http_method method;
	const char	*method_name;	/* as received */
	/*
	 * The path as received, not percent-decoded (a decoded %2F or %00
	 * must never look like a separator or an end), without the query.
	 * rest is what follows the route prefix ("" or starting with '/').
	 */
	const char	*path;
	const char	*rest;
	const unsigned char *body;	/* whole body, at most the route's cap */
	size_t		 body_len;
	/* Header lookup (case-insensitive name); NULL if absent. */
	const char	*(*_header)(void *ctx, const char *name);
	void		*_header_ctx;
	/* Client address as text ("127.0.0.1", "::1"), "" if unknown. */
	char		 client[64];
	/*
	 * On a TLS listener: the DER of the certificate the client
	 * presented (its first), NULL if none. Only the TLS handshake
	 * proved the client holds its key; nothing checked the chain.
	 */
	const unsigned char *peer_cert;
	size_t		 peer_cert_len;
	/* Query argument lookup (decoded value); NULL if absent. */
	const char	*(*_query)(void *ctx, const char *name);
};

/* The value of query argument name in req (decoded), or NULL. */
const char *http_request_query(const struct http_request *req,
    const char *name);

/* The value of header name in req, or NULL. */
const char *http_request_header(const struct http_request *req,
    const char *name);

struct http_response {
	int		 status;
	size_t		 nheaders;
	struct {
		const char *name;
		const char *value;	/* in _arena */
	}		 headers[HTTP_RESPONSE_HEADERS_MAX];
	/* Exactly one body source: memory (body, body_len) or fd. */
	const void	*body;
	size_t		 body_len;
	void		(*body_release)(void *arg);	/* NULL: static */
	void		*body_release_arg;
	int		 fd;		/* -1, or a file the server sends and closes */
	uint64_t	 fd_len;
	char		 _arena[HTTP_RESPONSE_ARENA];
	size_t		 _arena_used;
};

/* Sets resp to an empty 500 with no headers and no body. */
void http_response_init(struct http_response *resp);

/*
 * Adds header name (a string that outlives the response, usually a
 * literal) with a printf-formatted value copied into the response.
 * 0 if the headers or their arena are full.
 */
int http_response_header(struct http_response *resp, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Sets a status with a short text/plain body (a static string, e.g. the
 * reason). Returns 1 so handlers can `return http_response_text(...)`.
 */
int http_response_text(struct http_response *resp, int status,
    const char *text);

/* Releases a body the response still owns (when it is never sent). */
void http_response_release(struct http_response *resp);

/*
 * A route's handler: fills resp for req. Returns 1 if resp is set
 * (any status), 0 on an internal failure (the server answers 500).
 */
typedef int (*http_handler_fn)(void *arg, const struct http_request *req,
    struct http_response *resp);

struct http_route {
	/*
	 * Matches a path equal to prefix or starting with prefix and '/'
	 * ("/repository" matches "/repository" and "/repository/x", not
	 * "/repositoryx"). The first matching route wins.
	 */
	const char	*prefix;
	enum http_endpoint endpoint;
	unsigned int	 methods;	/* mask of enum http_method */
	const char	*allow;		/* Allow header of a 405 */
	size_t		 body_max;	/* larger bodies: 413, never buffered */
	http_handler_fn	 handler;
	void		*arg;
};

struct http_metrics;

struct http_server_config {
	const char	*listen;	/* "ADDR:PORT", "[V6]:PORT" or "PORT" */
	unsigned int	 threads;	/* 0: one per online CPU */
	unsigned int	 max_connections;	/* 0: 4096 */
	unsigned int	 timeout;	/* idle seconds per connection; 0: 30 */
	size_t		 header_max;	/* 0: HTTP_HEADER_MAX_DEFAULT */
	const struct http_route *routes;
	size_t		 nroutes;
	struct http_metrics *metrics;	/* NULL: none */
	/*
	 * TLS (libmicrohttpd with GnuTLS): PEM text of the server's
	 * certificate chain and key; NULL for plain HTTP. With tls_trust
	 * (PEM CA certificates), clients are asked for a certificate,
	 * which handlers find in http_request.peer_cert.
	 */
	const char	*tls_cert;
	const char	*tls_key;
	const char	*tls_trust;
};

struct http_server;

/*
 * Parses listen, binds exactly that address and starts serving. NULL on
 * failure, with a message naming the address ("127.0.0.1:8080: address
 * already in use", "--listen x: ..."). Stop with http_server_stop.
 */
struct http_server *http_server_start(const struct http_server_config *conf);

/*
 * The bound address as "ADDR:PORT" or "[V6]:PORT" (the real port when
 * listen asked for port 0). Borrowed from s.
 */
const char *http_server_address(const struct http_server *s);

/*
 * Stops accepting connections; those open are still served. For a
 * graceful stop that has work to do while requests finish.
 */
void http_server_quiesce(struct http_server *s);

/* Requests received and not yet answered. */
unsigned int http_server_in_flight(struct http_server *s);

/*
 * Graceful stop: stops accepting, waits up to grace_ms for requests in
 * flight to finish, then closes every connection and frees s. Accepts
 * NULL.
 */
void http_server_stop(struct http_server *s, unsigned int grace_ms);

/*
 * Splits a --listen value into a socket address. 1 on success; on
 * failure 0 with the reason in err.
 */
int http_listen_parse(const char *spec, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen);

/* Formats t as an HTTP date (IMF-fixdate, RFC 9110 §5.6.7); buf >= 30. */
void http_date_format(time_t t, char *buf, size_t len);

/* Parses an IMF-fixdate; 1 and *t on success, 0 if malformed. */
int http_date_parse(const char *s, time_t *t);

/*
 * RFC 9110 §13.1.2 If-None-Match with the weak comparison: 1 if header
 * (a list of entity tags, or "*") matches etag (given without quotes).
 */
int http_etag_match(const char *header, const char *etag);

/*
 * 1 if client (http_request.client) is a loopback address: IPv4
 * 127.0.0.0/8, IPv6 ::1, or 127.0.0.0/8 mapped into IPv6; 0 for any
 * other address, a malformed one or "" (unknown).
 */
int http_client_loopback(const char *client);

/* Monotonic clock in nanoseconds (request latency). */
uint64_t http_now_ns(void);

#endif
