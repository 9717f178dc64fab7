#include "ra/totp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "util/log.h"

int
ra_totp_init(void)
{
	if (oath_init() != OATH_OK || sodium_init() < 0) {
		log_error("totp: cannot start liboath or libsodium");
		return 0;
	}
	return 1;
}

void
ra_totp_secret_new(unsigned char out[RA_TOTP_SECRET_LEN])
{
	randombytes_buf(out, RA_TOTP_SECRET_LEN);
}

int
ra_totp_base32(const unsigned char *secret, size_t len,
    char out[RA_TOTP_B32_MAX])
{
	char *b32 = NULL;
	size_t b32len = 0, n;

	if (oath_base32_encode((const char *)secret, len, &b32, &b32len) !=
	    OATH_OK || b32 == NULL)
		return 0;
	/* Authenticator apps want no '=' padding (Key Uri Format). */
	for (n = 0; n < b32len && b32[n] != '='; n++)
		;
	if (n >= RA_TOTP_B32_MAX) {
		free(b32);
		return 0;
	}
	memcpy(out, b32, n);
	out[n] = '\0';
	sodium_memzero(b32, b32len);
	free(b32);
	return 1;
}

int
ra_totp_uri(const char *issuer, const char *account, const char *b32,
    char out[RA_TOTP_URI_MAX])
{
	int n;

	n = snprintf(out, RA_TOTP_URI_MAX, "otpauth://totp/%s:%s?secret=%s"
	    "&issuer=%s&algorithm=SHA1&digits=%d&period=%d", issuer, account,
	    b32, issuer, RA_TOTP_DIGITS, RA_TOTP_STEP);
	return n > 0 && n < RA_TOTP_URI_MAX;
}

int
ra_totp_code(const unsigned char *secret, size_t len, time_t now,
    char out[RA_TOTP_DIGITS + 1])
{
	return oath_totp_generate((const char *)secret, len, now,
	    RA_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, RA_TOTP_DIGITS,
	    out) == OATH_OK;
}

static int
totp_code_syntax(const char *code, size_t len)
{
	if (code == NULL || len != RA_TOTP_DIGITS)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

enum ra_totp_result
ra_totp_check(const unsigned char *secret, size_t len, time_t now,
    const char *code, size_t code_len, int64_t last_step, int64_t *step)
{
	char want[RA_TOTP_DIGITS + 1];
	int64_t base, best = -1, seen = -1;

	*step = 0;
	if (!totp_code_syntax(code, code_len) || now < 0)
		return RA_TOTP_BAD;
	base = (int64_t)now / RA_TOTP_STEP;
	/*
	 * Every step of the window is computed and compared, matched or
	 * not, so the time taken does not say which step matched.
	 */
	for (int64_t d = -RA_TOTP_WINDOW; d <= RA_TOTP_WINDOW; d++) {
		int64_t s = base + d;

		if (s < 0)
			continue;
		if (!ra_totp_code(secret, len, (time_t)(s * RA_TOTP_STEP),
		    want)) {
			sodium_memzero(want, sizeof(want));
			return RA_TOTP_ERROR;
		}
		if (sodium_memcmp(want, code, RA_TOTP_DIGITS) == 0) {
			seen = s;
			if (s > last_step)
				best = s;
		}
	}
	sodium_memzero(want, sizeof(want));
	if (best >= 0) {
		*step = best;
		return RA_TOTP_OK;
	}
	return seen >= 0 ? RA_TOTP_REPLAY : RA_TOTP_BAD;
}
