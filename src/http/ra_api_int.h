#ifndef INKAN_HTTP_RA_API_INT_H
#define INKAN_HTTP_RA_API_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/ratelimit.h"
#include "http/server.h"
#include "ra/account.h"

/*
 * Inside the RA API: what the endpoint files (ra_api.c,
 * ra_validation_api.c) share. Not for other modules.
 */

struct conf;
struct ca_calls;

/*
 * Per client address: failed logins (on top of each account's lock-out)
 * and e-mail validation confirmations (public, no session).
 */
#define RA_LOGIN_FAILURES_MAX		20
#define RA_LOGIN_FAILURES_WINDOW	600
#define RA_CONFIRMS_PER_MINUTE		10

struct http_ra {
	struct ra	*ra;
	struct http_limit login_fail;	/* failed logins per address */
	struct http_limit confirm;	/* /validations/confirm per address */
	struct ca_calls	*calls;		/* issuance/revocation on the worker */
	const struct conf *conf;	/* the CA's (mail, validation); NULL:
					   validation endpoints off */
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

/* Sends obj (taken) as the JSON body with status. 0 on failure. */
int ra_reply(struct ra_call *c, int status, json_t *obj);

/* A 4xx/5xx JSON error: {"error": code, "message": message}. */
int ra_error(struct ra_call *c, int status, const char *code,
    const char *message);
int ra_error_status(struct ra_call *c, enum ra_status s);

/* 400 invalid / 409 conflict with why, else the status's own error. */
int ra_invalid(struct ra_call *c, enum ra_status s, const char *why);

/*
 * Request bodies: one JSON object (ra_parse_body), only the allowed
 * members, string members of bounded length. Each answers the 4xx
 * itself and returns 0; the caller then returns 1.
 */
int ra_parse_body(struct ra_call *c);
int ra_only_members(struct ra_call *c, const char *const *allowed);
int ra_member_str(struct ra_call *c, const char *name, int optional,
    size_t max, const char **out, size_t *len);

/*
 * The session token a request presents ("Authorization: Bearer" first,
 * then the session cookie) and its length; NULL if none.
 */
const char *ra_token_of(const struct http_request *req, size_t *len);

/* Authenticates into c->who (need_full: TOTP proven); else answers. */
int ra_auth(struct ra_call *c, int need_full);

/*
 * The /validations and /email-control routes (ra_validation_api.c): -1
 * if the path is none of them, else the handler's result.
 */
int ra_validation_route(struct ra_call *c);

#endif
