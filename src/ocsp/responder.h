#ifndef INKAN_OCSP_RESPONDER_H
#define INKAN_OCSP_RESPONDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The OCSP responder's serving side (RFC 6960, RFC 5019), as the HTTP
 * layer sees it. Answers come from pre-signed responses held in memory,
 * so serving is a lookup; the few answers that need a fresh signature
 * (an unknown serial, a nonce when nonces are echoed) go to the daemon's
 * worker, which alone talks to the signer.
 *
 * Thread-safe: ocsp_responder_answer may be called from many HTTP threads
 * at once while the worker updates the cache.
 */

/* Largest OCSP request body accepted (RFC 5019 requests are ~100 bytes). */
#define OCSP_REQUEST_MAX	(16 * 1024)

struct ocsp_responder;
struct ca;

struct ocsp_responder_opts {
	int	echo_nonce;	/* answer nonces (RFC 8954) by signing anew */
	int	wait_ms;	/* how long a request waits for a signature */
};

/*
 * Builds the responder of CA ca: the CertID hashes of every issuing CA
 * and the pre-signed responses of the store, loaded into memory.
 * Returns NULL on failure (logged).
 */
struct ocsp_responder *ocsp_responder_new(struct ca *ca,
    const struct ocsp_responder_opts *opts);

/* Frees r. Accepts NULL. No thread may be answering. */
void ocsp_responder_free(struct ocsp_responder *r);

/*
 * The worker's periodic call, on the thread that owns ca's store and
 * signer: pre-signs what is pending (ocsp_presign_pending) and loads
 * responses the store gained since the last call (also those another
 * process, such as 'inkan revoke', wrote). Returns -1 on failure.
 */
int ocsp_responder_refresh(struct ocsp_responder *r, struct ca *ca,
    time_t now);

/*
 * A descriptor that becomes readable when answers wait for a signature;
 * the worker then calls ocsp_responder_work.
 */
int ocsp_responder_fd(struct ocsp_responder *r);

/* Signs the queued answers (unknown serials, nonces). */
void ocsp_responder_work(struct ocsp_responder *r, struct ca *ca,
    time_t now);

/* One answer: the DER to send and what the HTTP caching headers need. */
struct ocsp_answer {
	unsigned char	*der;		/* malloc'd; the caller frees */
	size_t		 der_len;
	int		 cacheable;	/* 0 for errors and nonce answers */
	time_t		 this_update;	/* Last-Modified */
	time_t		 next_update;	/* Expires; max-age = next - now */
	time_t		 produced_at;
	char		 etag[41];	/* hex SHA-1 of der, "" if none */
	/* For the access log (CP-5.5.1): what was asked and answered. */
	char		 issuer[65];	/* CA entity name, "" if none matched */
	char		 serial[41];	/* hex, "" if unparsable */
	const char	*status;	/* good, revoked, unknown, malformed,
					   unauthorized, tryLater, internalError */
};

/*
 * Answers one DER OCSPRequest (from a POST body, or decoded from a GET
 * path). Always fills *ans with a response to send (malformedRequest,
 * unauthorized and tryLater included) unless out of memory; returns 1 if
 * ans->der is set, 0 otherwise (the caller then sends HTTP 500).
 */
int ocsp_responder_answer(struct ocsp_responder *r, const unsigned char *req,
    size_t len, struct ocsp_answer *ans);

/* Frees ans->der and clears ans. */
void ocsp_answer_clear(struct ocsp_answer *ans);

/* Age in seconds of the oldest response in the cache (for /metrics). */
int64_t ocsp_responder_oldest_age(struct ocsp_responder *r, time_t now);

/* Number of pre-signed responses held in memory (for /metrics). */
size_t ocsp_responder_size(struct ocsp_responder *r);

#endif
