#ifndef INKAN_RA_TOTP_H
#define INKAN_RA_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * TOTP (RFC 6238) for the MFA of CP-4.3.1 and 6.5.1: HMAC-SHA-1, 30 s
 * steps from the Unix epoch, 6 digits, as authenticator apps expect.
 * liboath computes the codes; the comparison here is constant time and
 * remembers the last step used, so a code never logs in twice.
 */
#define RA_TOTP_SECRET_LEN	20	/* 160 bits, RFC 4226 §4 R6 */
#define RA_TOTP_STEP		30
#define RA_TOTP_DIGITS		6
#define RA_TOTP_WINDOW		1	/* steps accepted either side of now */
#define RA_TOTP_B32_MAX		64	/* base32 text of a secret, with NUL */
#define RA_TOTP_URI_MAX		512

enum ra_totp_result {
	RA_TOTP_OK,
	RA_TOTP_BAD,		/* no match in the window, or malformed */
	RA_TOTP_REPLAY,		/* matches a step already used */
	RA_TOTP_ERROR,		/* liboath failed */
	RA_TOTP_RESULT_MAX
};

/* Starts liboath; once per process before threads. 0 on failure. */
int ra_totp_init(void);

/* A new secret from the CSPRNG (RA_TOTP_SECRET_LEN bytes). */
void ra_totp_secret_new(unsigned char out[RA_TOTP_SECRET_LEN]);

/* The secret as RFC 4648 base32 without padding. 0 on failure. */
int ra_totp_base32(const unsigned char *secret, size_t len,
    char out[RA_TOTP_B32_MAX]);

/*
 * The otpauth:// URI an authenticator app reads (Key Uri Format):
 * otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&... issuer and
 * account must be URL-safe names (a-z, 0-9, '.', '_', '-'). 0 on failure.
 */
int ra_totp_uri(const char *issuer, const char *account, const char *b32,
    char out[RA_TOTP_URI_MAX]);

/*
 * Checks code (len bytes, exactly RA_TOTP_DIGITS ASCII digits) for
 * secret at time now, within RA_TOTP_WINDOW steps. The steps matching
 * are compared against last_step: only a later one is RA_TOTP_OK, with
 * *step set to it (the caller then records it as used).
 */
enum ra_totp_result ra_totp_check(const unsigned char *secret, size_t len,
    time_t now, const char *code, size_t code_len, int64_t last_step,
    int64_t *step);

/* The code for secret at time now (tests and enrolment checks). */
int ra_totp_code(const unsigned char *secret, size_t len, time_t now,
    char out[RA_TOTP_DIGITS + 1]);

#endif
