#ifndef INKAN_RA_PASSWORD_H
#define INKAN_RA_PASSWORD_H

#include <stddef.h>

/*
 * Account passwords (CP-5.2, 6.5.1), hashed with Argon2id through
 * libsodium's crypto_pwhash_str: a self-describing string with its own
 * random salt and parameters, so stronger parameters later only need a
 * rehash at the next login.
 *
 * Parameters: 3 passes over 64 MiB (RFC 9106 §4, the second recommended
 * option; above OWASP's 19 MiB/2 passes), about 0.1-0.3 s on one core.
 * libsodium fixes the parallelism at 1.
 */
#define RA_PWHASH_OPSLIMIT	3ULL
#define RA_PWHASH_MEMLIMIT	(64UL * 1024 * 1024)

/* Length policy: long passphrases allowed, short passwords not. */
#define RA_PASSWORD_MIN		12
#define RA_PASSWORD_MAX		1024

/* Length of the hash string with its NUL (crypto_pwhash_STRBYTES). */
#define RA_PWHASH_STR		128

/*
 * Checks pw (len bytes, need not end in NUL) against the policy: 1, or 0
 * with *why set to a static reason.
 */
int ra_password_policy(const char *pw, size_t len, const char **why);

/* Hashes pw into out (RA_PWHASH_STR bytes). 0 on failure (logged). */
int ra_password_hash(const char *pw, size_t len, char out[RA_PWHASH_STR]);

/*
 * 1 if pw matches hash. libsodium recomputes the hash and compares in
 * constant time; a malformed hash string never matches.
 */
int ra_password_verify(const char *hash, const char *pw, size_t len);

/*
 * Spends the time of one verification without an account: unknown names
 * take as long to refuse as wrong passwords, so timing does not tell
 * which accounts exist.
 */
void ra_password_dummy_verify(const char *pw, size_t len);

#endif
