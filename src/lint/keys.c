#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "lint/checks.h"
#include "util/file.h"
#include "util/log.h"

/*
 * Weak and compromised keys (CSBR/SBR 6.1.1.3, 6.1.5, 6.1.6): what a CA
 * checks on every subject public key, from a CSR before anything else
 * and again in the certificate.
 */

/* Fermat rounds: primes closer than about 2^(bits/4) * 10 fall at once. */
#define LINT_FERMAT_ROUNDS	100

int
lint_rsa_get(EVP_PKEY *key, BIGNUM **n, BIGNUM **e)
{
	*n = *e = NULL;
	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return 0;
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, e)) {
		BN_free(*n);
		BN_free(*e);
		*n = *e = NULL;
		return 0;
	}
	return 1;
}

int
lint_rsa_ctx(const struct lint_ctx *c, BIGNUM **n, BIGNUM **e)
{
	if (c->rsa_n == NULL || c->rsa_e == NULL)
		return lint_rsa_get(c->key, n, e);
	*n = BN_dup(c->rsa_n);
	*e = BN_dup(c->rsa_e);
	if (*n == NULL || *e == NULL) {
		BN_free(*n);
		BN_free(*e);
		*n = *e = NULL;
		return 0;
	}
	return 1;
}

void
lint_ctx_rsa_load(struct lint_ctx *c)
{
	/* One provider round trip per key, not two per rule. */
	if (!lint_rsa_get(c->key, &c->rsa_n, &c->rsa_e))
		c->rsa_n = c->rsa_e = NULL;
}

void
lint_ctx_rsa_clear(struct lint_ctx *c)
{
	BN_free(c->rsa_n);
	BN_free(c->rsa_e);
	c->rsa_n = c->rsa_e = NULL;
}

/* CP-7.1.3: subject keys are rsaEncryption. */
LINT_CHECK(lint_check_key_type)
{
	if (EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA)
		lint_fail(rep, rule, "subject key is %s, not RSA",
		    EVP_PKEY_get0_type_name(c->key) != NULL ?
		    EVP_PKEY_get0_type_name(c->key) : "unknown");
}

/* CSBR/SBR 6.1.6: odd, and 2^16+1 <= e <= 2^256-1. */
LINT_CHECK(lint_check_rsa_exponent)
{
	BIGNUM *n, *e;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (!BN_is_odd(e))
		lint_fail(rep, rule, "public exponent is even");
	else if (BN_num_bits(e) <= 16 || BN_num_bits(e) > 256 ||
	    (BN_num_bits(e) == 17 && BN_is_word(e, 65536)))
		lint_fail(rep, rule, "public exponent of %d bits is outside "
		    "2^16+1 .. 2^256-1", BN_num_bits(e));
	BN_free(n);
	BN_free(e);
}

/* 65537 is what every CABF CA expects; others are allowed but rare. */
LINT_CHECK(lint_check_rsa_exponent_f4)
{
	BIGNUM *n, *e;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (BN_is_odd(e) && !BN_is_word(e, RSA_F4) && BN_num_bits(e) > 16 &&
	    BN_num_bits(e) <= 256)
		lint_fail(rep, rule, "public exponent is not 65537");
	BN_free(n);
	BN_free(e);
}

LINT_CHECK(lint_check_rsa_even)
{
	BIGNUM *n, *e;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (!BN_is_odd(n))
		lint_fail(rep, rule, "modulus is even");
	BN_free(n);
	BN_free(e);
}

/* SBR 6.1.5: a whole number of octets. */
LINT_CHECK(lint_check_rsa_bytes)
{
	BIGNUM *n, *e;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (BN_num_bits(n) % 8 != 0)
		lint_fail(rep, rule, "modulus of %d bits is not a multiple of 8",
		    BN_num_bits(n));
	BN_free(n);
	BN_free(e);
}

/* 1 if n has an odd prime factor below 752 (and is not that prime). */
int
lint_rsa_small_factor(const BIGNUM *n, unsigned long *factor)
{
	for (unsigned long p = 3; p < 752; p += 2) {
		int prime = 1;

		for (unsigned long d = 3; d * d <= p && prime; d += 2)
			prime = p % d != 0;
		if (!prime)
			continue;
		if (BN_mod_word(n, p) == 0 && !BN_is_word(n, p)) {
			*factor = p;
			return 1;
		}
	}
	return 0;
}

/* CSBR/SBR 6.1.6, NIST SP 800-89 §5.3.3: no factors below 752. */
LINT_CHECK(lint_check_rsa_small_factor)
{
	BIGNUM *n, *e;
	unsigned long f;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (lint_rsa_small_factor(n, &f))
		lint_fail(rep, rule, "modulus is divisible by %lu", f);
	BN_free(n);
	BN_free(e);
}

/*
 * ROCA (CVE-2017-15361, Nemec et al., CCS 2017): the flawed generator
 * makes primes p = k*M + (65537^a mod M), M a primorial, so for each
 * small prime r dividing M, N mod r lies in the subgroup of (Z/rZ)*
 * that 65537 generates. Checking the primes up to 167, which divide M
 * for every key size, is the published fingerprint test; a random
 * modulus passes all of them with negligible probability.
 */
int
lint_rsa_roca(const BIGNUM *n)
{
	static const unsigned int primes[] = {
		3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59,
		61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127,
		131, 137, 139, 149, 151, 157, 163, 167
	};

	for (size_t i = 0; i < sizeof(primes) / sizeof(primes[0]); i++) {
		unsigned int r = primes[i], g = 65537 % r, x = 1, res;
		unsigned char in_group[168] = { 0 };

		/* The cyclic subgroup <65537> of (Z/rZ)*: walk the powers. */
		do {
			in_group[x] = 1;
			x = x * g % r;
		} while (x != 1);
		res = (unsigned int)BN_mod_word(n, r);
		if (res == (unsigned int)-1 || !in_group[res])
			return 0;
	}
	return 1;
}

LINT_CHECK(lint_check_rsa_roca)
{
	BIGNUM *n, *e;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (lint_rsa_roca(n))
		lint_fail(rep, rule, "modulus has the ROCA fingerprint "
		    "(CVE-2017-15361): its factors can be computed");
	BN_free(n);
	BN_free(e);
}

/* floor(sqrt(a)) by Newton's method; NULL on failure. */
static BIGNUM *
lint_bn_isqrt(const BIGNUM *a, BN_CTX *ctx)
{
	BIGNUM *x = BN_new(), *y = BN_new();

	if (x == NULL || y == NULL || BN_is_negative(a))
		goto err;
	if (BN_is_zero(a)) {
		BN_zero(x);
		BN_free(y);
		return x;
	}
	/* Start above the root: 2^ceil(bits/2). */
	if (!BN_set_bit(x, (BN_num_bits(a) + 1) / 2))
		goto err;
	for (;;) {
		if (!BN_div(y, NULL, a, x, ctx) || !BN_add(y, y, x) ||
		    !BN_rshift1(y, y))
			goto err;
		if (BN_cmp(y, x) >= 0)
			break;
		if (!BN_copy(x, y))
			goto err;
	}
	BN_free(y);
	return x;
 err:
	BN_free(x);
	BN_free(y);
	return NULL;
}

/*
 * Fermat's method: with a = ceil(sqrt(n)), a^2 - n is a square b^2 after
 * about (p-q)^2 / (8 sqrt(n)) steps, giving p = a - b. Primes from one
 * random draw are so far apart that this never ends; close ones (a
 * generator that picks q near p) fall within the bound. 1 and the
 * factor in *p if found.
 */
/*
 * 1 if x may be a square: squares mod 64, 63, 65 and 11 fall in few
 * classes, so about 99% of non-squares are rejected here without a square
 * root (the filter every Fermat implementation uses).
 */
static int
lint_maybe_square(const BIGNUM *x)
{
	static const BN_ULONG mods[] = { 64, 63, 65, 11 };
	BN_ULONG r;

	for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++) {
		int square = 0;

		if ((r = BN_mod_word(x, mods[m])) == (BN_ULONG)-1)
			return 1;
		for (BN_ULONG k = 0; k < mods[m] && !square; k++)
			square = (k * k) % mods[m] == r;
		if (!square)
			return 0;
	}
	return 1;
}

int
lint_rsa_fermat(const BIGNUM *n, int rounds, BIGNUM **p)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *a = NULL, *b2 = BN_new(), *b = NULL, *sq = BN_new();
	BIGNUM *step = BN_new();
	int found = 0;

	*p = NULL;
	if (ctx == NULL || b2 == NULL || sq == NULL || step == NULL ||
	    (a = lint_bn_isqrt(n, ctx)) == NULL || !BN_sqr(sq, a, ctx))
		goto out;
	if (BN_cmp(sq, n) < 0 && !BN_add_word(a, 1))
		goto out;
	/* b2 = a^2 - n, then b2 += 2a + 1 as a grows: no squaring per round. */
	if (!BN_sqr(b2, a, ctx) || !BN_sub(b2, b2, n))
		goto out;
	for (int i = 0; i < rounds && !found; i++) {
		if (lint_maybe_square(b2)) {
			BN_free(b);
			if ((b = lint_bn_isqrt(b2, ctx)) == NULL ||
			    !BN_sqr(sq, b, ctx))
				goto out;
			if (BN_cmp(sq, b2) == 0) {
				if ((*p = BN_new()) == NULL || !BN_sub(*p, a, b))
					goto out;
				found = !BN_is_one(*p);
			}
		}
		if (!BN_lshift1(step, a) || !BN_add_word(step, 1) ||
		    !BN_add(b2, b2, step) || !BN_add_word(a, 1))
			goto out;
	}
 out:
	if (!found) {
		BN_free(*p);
		*p = NULL;
	}
	BN_free(a);
	BN_free(b);
	BN_free(b2);
	BN_free(sq);
	BN_free(step);
	BN_CTX_free(ctx);
	return found;
}

LINT_CHECK(lint_check_rsa_fermat)
{
	BIGNUM *n, *e, *p = NULL;

	if (!lint_rsa_ctx(c, &n, &e))
		return;
	if (lint_rsa_fermat(n, LINT_FERMAT_ROUNDS, &p))
		lint_fail(rep, rule, "modulus factored by Fermat's method in "
		    "at most %d rounds: its primes are too close",
		    LINT_FERMAT_ROUNDS);
	BN_free(p);
	BN_free(n);
	BN_free(e);
}

/* The blocklist: sorted SHA-256 digests of DER SubjectPublicKeyInfo. */
struct lint_blocklist {
	unsigned char	(*v)[SHA256_DIGEST_LENGTH];
	size_t		 n;
};

static int
lint_digest_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SHA256_DIGEST_LENGTH);
}

static int
lint_hex_digest(const char *s, unsigned char *out)
{
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		unsigned int byte;

		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &byte) != 1)
			return 0;
		out[i] = (unsigned char)byte;
	}
	return s[2 * SHA256_DIGEST_LENGTH] == '\0' ||
	    isspace((unsigned char)s[2 * SHA256_DIGEST_LENGTH]);
}

/* One line: blank, comment or fingerprint; 0 if malformed. */
static int
lint_blocklist_line(struct lint_blocklist *bl, char *line, size_t cap)
{
	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 1;
	if (bl->n == cap)
		return 0;
	return lint_hex_digest(line, bl->v[bl->n++]);
}

struct lint_blocklist *
lint_blocklist_load(const char *path)
{
	struct lint_blocklist *bl = NULL;
	unsigned char *buf;
	char *line, *save = NULL;
	size_t len, cap, lineno = 0;

	if ((buf = file_read(path, 64 * FILE_READ_MAX, &len)) == NULL)
		return NULL;
	cap = len / (2 * SHA256_DIGEST_LENGTH) + 1;
	if ((bl = calloc(1, sizeof(*bl))) == NULL ||
	    (bl->v = calloc(cap, sizeof(*bl->v))) == NULL)
		goto err;
	for (line = strtok_r((char *)buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (!lint_blocklist_line(bl, line, cap)) {
			log_error("%s:%zu: not a SHA-256 fingerprint (64 hex "
			    "digits)", path, lineno);
			goto err;
		}
	}
	qsort(bl->v, bl->n, sizeof(*bl->v), lint_digest_cmp);
	free(buf);
	return bl;
 err:
	free(buf);
	lint_blocklist_free(bl);
	return NULL;
}

void
lint_blocklist_free(struct lint_blocklist *bl)
{
	if (bl == NULL)
		return;
	free(bl->v);
	free(bl);
}

size_t
lint_blocklist_count(const struct lint_blocklist *bl)
{
	return bl != NULL ? bl->n : 0;
}

int
lint_blocklist_has(const struct lint_blocklist *bl, EVP_PKEY *key)
{
	unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH];
	int len, found = 0;

	if (bl == NULL || bl->n == 0 || (len = i2d_PUBKEY(key, &der)) <= 0)
		return 0;
	SHA256(der, (size_t)len, md);
	found = bsearch(md, bl->v, bl->n, sizeof(*bl->v), lint_digest_cmp) !=
	    NULL;
	OPENSSL_free(der);
	return found;
}

/* Set once at start-up (or from the environment), read-only after. */
static struct lint_blocklist *lint_default_bl;
static pthread_once_t lint_default_once = PTHREAD_ONCE_INIT;

static void
lint_blocklist_env(void)
{
	const char *path = getenv("INKAN_LINT_BLOCKLIST");

	if (lint_default_bl == NULL && path != NULL && *path != '\0')
		lint_default_bl = lint_blocklist_load(path);
}

const struct lint_blocklist *
lint_blocklist_default(void)
{
	pthread_once(&lint_default_once, lint_blocklist_env);
	return lint_default_bl;
}

int
lint_blocklist_set_default(const char *path)
{
	struct lint_blocklist *bl;

	if ((bl = lint_blocklist_load(path)) == NULL)
		return 0;
	lint_blocklist_free(lint_default_bl);
	lint_default_bl = bl;
	return 1;
}

/* CSBR/SBR 6.1.1.3(4)(5): known-compromised keys, e.g. Debian weak keys. */
LINT_CHECK(lint_check_blocklist)
{
	if (lint_blocklist_has(c->blocklist, c->key))
		lint_fail(rep, rule, "public key is on the blocklist of "
		    "compromised keys (%zu listed)",
		    lint_blocklist_count(c->blocklist));
}
