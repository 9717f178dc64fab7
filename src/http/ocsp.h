#ifndef INKAN_HTTP_OCSP_H
#define INKAN_HTTP_OCSP_H

#include <stddef.h>

#include "http/server.h"
#include "ocsp/responder.h"

/*
 * The OCSP endpoint (RFC 6960 Appendix A, RFC 5019 §5 and §6):
 *   POST /ocsp[/NAME]          body: DER OCSPRequest (any Content-Type)
 *   GET  /ocsp[/NAME]/BASE64   the DER request, base64, URL-escaped
 * NAME (the CA entity in the certificate's AIA URL) selects nothing: the
 * CertID inside the request decides which CA answers. On GET it is only
 * stripped when it names a known CA; otherwise the whole rest of the
 * path is taken as the request.
 *
 * A GET whose path is not valid base64 is answered like a garbage POST
 * body: the responder's malformedRequest OCSPResponse with HTTP 200, so
 * an OCSP client always gets an OCSP answer it can parse, and the access
 * log records it like any other request.
 */

struct http_accesslog;

struct http_ocsp_config {
	struct ocsp_responder *responder;
	/*
	 * The responder's calls (ocsp_responder_answer, ocsp_answer_clear
	 * in the daemon; fakes in tests, so this module links alone).
	 */
	int	(*answer)(struct ocsp_responder *r, const unsigned char *req,
		    size_t len, struct ocsp_answer *ans);
	void	(*clear)(struct ocsp_answer *ans);
	struct http_accesslog *log;	/* NULL: requests are not logged */
	const char *const *ca_names;	/* CA entities that may lead a GET */
	size_t		 nca_names;
};

struct http_ocsp;

/* Copies conf (not the strings, which must outlive the result). */
struct http_ocsp *http_ocsp_new(const struct http_ocsp_config *conf);

/* Accepts NULL. */
void http_ocsp_free(struct http_ocsp *o);

/* The /ocsp route handler; arg is the struct http_ocsp. */
int http_ocsp_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

#endif
