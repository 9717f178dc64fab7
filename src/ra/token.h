#ifndef INKAN_RA_TOKEN_H
#define INKAN_RA_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Session tokens: 256 bits from the CSPRNG, given to the client as
 * base64url without padding (43 characters), kept in the store only as
 * their SHA-256. A stolen store does not yield live tokens; a token
 * presented is hashed and its hash compared in constant time with the
 * stored one.
 */
#define RA_TOKEN_BYTES		32
#define RA_TOKEN_TEXT_LEN	43
#define RA_TOKEN_HASH_LEN	32

/* A new token as text (NUL-terminated) and its hash. */
int ra_token_new(char text[RA_TOKEN_TEXT_LEN + 1],
    unsigned char hash[RA_TOKEN_HASH_LEN]);

/*
 * The hash of a presented token (len bytes, need not end in NUL): 1, or 0
 * if it is not 43 base64url characters.
 */
int ra_token_hash(const char *text, size_t len,
    unsigned char hash[RA_TOKEN_HASH_LEN]);

/* Time-outs of a session (CP-5.2): idle and absolute, in seconds. */
struct ra_session_policy {
	int64_t		 idle;
	int64_t		 lifetime;
};

#define RA_SESSION_IDLE_DEFAULT		(15 * 60)
#define RA_SESSION_LIFETIME_DEFAULT	(8 * 3600)

enum ra_session_state {
	RA_SESSION_LIVE,
	RA_SESSION_MISMATCH,	/* the stored hash is not the one presented */
	RA_SESSION_IDLE,	/* no request for longer than the idle time */
	RA_SESSION_EXPIRED,	/* past its absolute lifetime */
	RA_SESSION_STATE_MAX
};

/*
 * Whether session s, found for the presented hash, is live at now. The
 * hashes are compared again in constant time: the store's lookup by key
 * is not.
 */
enum ra_session_state ra_session_check(const struct store_session *s,
    const unsigned char presented[RA_TOKEN_HASH_LEN],
    const struct ra_session_policy *pol, int64_t now);

#endif
