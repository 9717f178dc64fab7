#include "ra/password.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "util/log.h"

_Static_assert(RA_PWHASH_STR == crypto_pwhash_STRBYTES,
    "RA_PWHASH_STR must match libsodium");

static pthread_once_t password_once = PTHREAD_ONCE_INIT;
static char password_dummy[RA_PWHASH_STR];
static int password_dummy_ok;

int
ra_password_policy(const char *pw, size_t len, const char **why)
{
	if (len < RA_PASSWORD_MIN) {
		*why = "password shorter than 12 characters";
		return 0;
	}
	if (len > RA_PASSWORD_MAX) {
		*why = "password longer than 1024 characters";
		return 0;
	}
	if (memchr(pw, '\0', len) != NULL) {
		*why = "password contains a NUL character";
		return 0;
	}
	return 1;
}

int
ra_password_hash(const char *pw, size_t len, char out[RA_PWHASH_STR])
{
	if (sodium_init() < 0) {
		log_error("libsodium cannot start");
		return 0;
	}
	if (crypto_pwhash_str_alg(out, pw, len, RA_PWHASH_OPSLIMIT,
	    RA_PWHASH_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_error("password: Argon2id hashing failed (out of memory?)");
		return 0;
	}
	return 1;
}

int
ra_password_verify(const char *hash, const char *pw, size_t len)
{
	if (sodium_init() < 0 || hash == NULL ||
	    strnlen(hash, RA_PWHASH_STR) >= RA_PWHASH_STR)
		return 0;
	/* Only Argon2id strings: an argon2i or foreign hash never matches. */
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	    strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

static void
password_dummy_init(void)
{
	static const char pw[] = "inkan dummy password, never an account's";

	password_dummy_ok = ra_password_hash(pw, sizeof(pw) - 1,
	    password_dummy);
}

void
ra_password_dummy_verify(const char *pw, size_t len)
{
	pthread_once(&password_once, password_dummy_init);
	if (password_dummy_ok)
		(void)ra_password_verify(password_dummy, pw, len);
}
