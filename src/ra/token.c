#include "ra/token.h"

#include <string.h>

#include <sodium.h>

int
ra_token_new(char text[RA_TOKEN_TEXT_LEN + 1],
    unsigned char hash[RA_TOKEN_HASH_LEN])
{
	unsigned char raw[RA_TOKEN_BYTES];

	if (sodium_init() < 0)
		return 0;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, RA_TOKEN_TEXT_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return ra_token_hash(text, strlen(text), hash);
}

int
ra_token_hash(const char *text, size_t len,
    unsigned char hash[RA_TOKEN_HASH_LEN])
{
	if (text == NULL || len != RA_TOKEN_TEXT_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	crypto_hash_sha256(hash, (const unsigned char *)text, len);
	return 1;
}

enum ra_session_state
ra_session_check(const struct store_session *s,
    const unsigned char presented[RA_TOKEN_HASH_LEN],
    const struct ra_session_policy *pol, int64_t now)
{
	if (sodium_memcmp(s->token_hash, presented, RA_TOKEN_HASH_LEN) != 0)
		return RA_SESSION_MISMATCH;
	if (now >= s->expires_at ||
	    now - s->created_at >= pol->lifetime)
		return RA_SESSION_EXPIRED;
	if (now - s->last_seen >= pol->idle)
		return RA_SESSION_IDLE;
	return RA_SESSION_LIVE;
}
