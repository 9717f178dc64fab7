/*
 * The subscriber's suspension login (CP-4.9.13-4.9.15, 3.4): a random
 * password made at issuance, kept as Argon2id, with the accounts'
 * lock-out and back-off; short sessions with a synchronizer CSRF token.
 */
#include "ra/revreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ra/password.h"
#include "ra/ra_audit.h"
#include "ra/revreq_impl.h"
#include "util/log.h"

/* Argon2id runs bounded as for accounts (64 MiB each): enter, leave. */
static void
rr_hash_enter(struct ra *ra)
{
	pthread_mutex_lock(&ra->hash_mu);
	while (ra->hashing >= RA_HASH_CONCURRENCY)
		pthread_cond_wait(&ra->hash_cv, &ra->hash_mu);
	ra->hashing++;
	pthread_mutex_unlock(&ra->hash_mu);
}

static void
rr_hash_leave(struct ra *ra)
{
	pthread_mutex_lock(&ra->hash_mu);
	ra->hashing--;
	pthread_cond_signal(&ra->hash_cv);
	pthread_mutex_unlock(&ra->hash_mu);
}

static int
rr_hash_verify(struct ra *ra, const char *hash, const char *pw, size_t len)
{
	int ok;

	rr_hash_enter(ra);
	if (hash == NULL) {
		ra_password_dummy_verify(pw, len);
		ok = 0;
	} else
		ok = ra_password_verify(hash, pw, len);
	rr_hash_leave(ra);
	return ok;
}

enum ra_status
ra_subscriber_credential_new(struct ra *ra, const struct ra_principal *by,
    const char *issuer, const char *serial, int64_t now,
    char password[RA_SUBSCRIBER_PW_LEN + 1])
{
	/* No 0/O, 1/I/L: read from paper or a screen without doubt. */
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	char hash[RA_PWHASH_STR], object[160];
	int ok;

	if (sodium_init() < 0)
		return RA_ERROR;
	for (size_t i = 0; i < RA_SUBSCRIBER_PW_LEN; i++)
		password[i] = alphabet[randombytes_uniform(
		    (uint32_t)(sizeof(alphabet) - 1))];
	password[RA_SUBSCRIBER_PW_LEN] = '\0';
	revreq_object(object, sizeof(object), issuer, serial);
	rr_hash_enter(ra);
	ok = ra_password_hash(password, RA_SUBSCRIBER_PW_LEN, hash);
	rr_hash_leave(ra);
	if (!ok) {
		sodium_memzero(password, RA_SUBSCRIBER_PW_LEN + 1);
		return RA_ERROR;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_subscriber_cred_insert(ra->st, issuer, serial, hash, now);
	pthread_mutex_unlock(&ra->mu);
	sodium_memzero(hash, sizeof(hash));
	if (!ok)
		sodium_memzero(password, RA_SUBSCRIBER_PW_LEN + 1);
	revreq_audit(ra, by, NULL, NULL, NULL, NULL, "ra.subscriber.credential",
	    object, ok ? "success" : "failure", ok ? "suspension login "
	    "password issued (CP-4.9.15), Argon2id hash kept" : NULL);
	return ok ? RA_OK : RA_CONFLICT;
}

/* Counts a failed subscriber login and locks as accounts are locked. */
static void
rr_sub_failed(struct ra *ra, const struct store_subscriber_cred *c,
    const char *source, const char *object, int64_t now)
{
	int64_t failures = 0, lock;
	char detail[128];

	pthread_mutex_lock(&ra->mu);
	if (!store_subscriber_cred_failure(ra->st, c->id, &failures))
		failures = 0;
	lock = ra_lock_seconds(failures);
	if (lock > 0 && !store_subscriber_cred_lock(ra->st, c->id, now + lock))
		lock = 0;
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "wrong password; %lld consecutive "
	    "failures", (long long)failures);
	revreq_audit(ra, NULL, "subscriber", "subscriber", "password", source,
	    "ra.subscriber.login", object, "failure", detail);
	if (lock > 0) {
		snprintf(detail, sizeof(detail), "locked for %lld s after %lld "
		    "consecutive failures", (long long)lock, (long long)failures);
		revreq_audit(ra, NULL, "subscriber", "subscriber", "password", source,
		    "ra.subscriber.lockout", object, "success", detail);
	}
}

static enum ra_status
rr_sub_session_open(struct ra *ra, const struct store_subscriber_cred *c,
    int64_t now, char token[RA_TOKEN_TEXT_LEN + 1])
{
	struct store_subscriber_session s = { 0 };
	int ok;

	if (!ra_token_new(token, s.token_hash))
		return RA_ERROR;
	randombytes_buf(s.csrf, sizeof(s.csrf));
	s.cred_id = c->id;
	s.created_at = s.last_seen = now;
	s.expires_at = now + RA_SUBSCRIBER_LIFETIME;
	pthread_mutex_lock(&ra->mu);
	ok = store_subscriber_session_purge(ra->st, now) &&
	    store_subscriber_cred_clear(ra->st, c->id) &&
	    store_subscriber_session_insert(ra->st, &s);
	pthread_mutex_unlock(&ra->mu);
	sodium_memzero(&s, sizeof(s));
	if (!ok) {
		sodium_memzero(token, RA_TOKEN_TEXT_LEN + 1);
		return RA_ERROR;
	}
	return RA_OK;
}

enum ra_status
ra_subscriber_login(struct ra *ra, const struct ra_subscriber_login *in,
    int64_t now, char token[RA_TOKEN_TEXT_LEN + 1], int64_t *retry_after,
    const char **why)
{
	struct store_subscriber_cred *c = NULL;
	struct ra_cert_info info;
	char serial[64], object[160];
	enum ra_status s;
	int ok;

	*retry_after = 0;
	*why = NULL;
	token[0] = '\0';
	if (in->password == NULL || in->password_len > RA_PASSWORD_MAX)
		return RA_INVALID;
	if (!ra_serial_norm(in->serial, strlen(in->serial), serial)) {
		*why = "the serial number is hexadecimal (at most 20 octets)";
		return RA_INVALID;
	}
	s = ra_cert_lookup(ra, in->issuer, serial, &info, why);
	if (s == RA_INVALID || s == RA_ERROR)
		return s;
	revreq_object(object, sizeof(object), s == RA_OK ? info.issuer : in->issuer,
	    serial);
	if (s == RA_OK) {
		pthread_mutex_lock(&ra->mu);
		ok = store_subscriber_cred_get(ra->st, info.issuer, info.serial,
		    &c);
		pthread_mutex_unlock(&ra->mu);
		if (!ok)
			return RA_ERROR;
	}
	*why = NULL;
	if (c == NULL) {
		/* As slow as a wrong password: nothing tells what exists. */
		rr_hash_verify(ra, NULL, in->password, in->password_len);
		revreq_audit(ra, NULL, "subscriber", "subscriber", "password",
		    in->source, "ra.subscriber.login", object, "failure",
		    "no such certificate or no login for it");
		return RA_BAD_CREDENTIALS;
	}
	if (c->locked_until > now) {
		*retry_after = c->locked_until - now;
		revreq_audit(ra, NULL, "subscriber", "subscriber", "password",
		    in->source, "ra.subscriber.login", object, "refused",
		    "locked after repeated failures");
		store_subscriber_cred_free(c);
		return RA_LOCKED;
	}
	if (!rr_hash_verify(ra, c->pw_hash, in->password, in->password_len)) {
		rr_sub_failed(ra, c, in->source, object, now);
		store_subscriber_cred_free(c);
		return RA_BAD_CREDENTIALS;
	}
	s = rr_sub_session_open(ra, c, now, token);
	store_subscriber_cred_free(c);
	revreq_audit(ra, NULL, "subscriber", "subscriber", "password", in->source,
	    "ra.subscriber.login", object, s == RA_OK ? "success" : "failure",
	    NULL);
	return s;
}

enum ra_status
ra_subscriber_authenticate(struct ra *ra, const char *token, size_t len,
    const char *source, int64_t now, struct ra_subscriber *sub)
{
	struct store_subscriber_session s;
	unsigned char hash[RA_TOKEN_HASH_LEN];
	int found = 0, ok, live;

	memset(sub, 0, sizeof(*sub));
	if (!ra_token_hash(token, len, hash))
		return RA_UNAUTHENTICATED;
	pthread_mutex_lock(&ra->mu);
	ok = store_subscriber_session_get(ra->st, hash, &found, &s);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	if (!found)
		return RA_UNAUTHENTICATED;
	/* The lookup by key is not constant time; this comparison is. */
	live = sodium_memcmp(s.token_hash, hash, sizeof(hash)) == 0 &&
	    now < s.expires_at && now < s.last_seen + RA_SUBSCRIBER_IDLE;
	pthread_mutex_lock(&ra->mu);
	ok = live ? store_subscriber_session_touch(ra->st, hash, now) :
	    store_subscriber_session_delete(ra->st, hash);
	pthread_mutex_unlock(&ra->mu);
	if (!live) {
		char object[160];

		revreq_object(object, sizeof(object), s.issuer, s.serial);
		revreq_audit(ra, NULL, "subscriber", "subscriber", "password",
		    source, "ra.subscriber.session", object, "expired", NULL);
		sodium_memzero(&s, sizeof(s));
		return RA_UNAUTHENTICATED;
	}
	if (!ok) {
		sodium_memzero(&s, sizeof(s));
		return RA_ERROR;
	}
	snprintf(sub->issuer, sizeof(sub->issuer), "%s", s.issuer);
	snprintf(sub->serial, sizeof(sub->serial), "%s", s.serial);
	memcpy(sub->token_hash, hash, sizeof(hash));
	memcpy(sub->csrf, s.csrf, sizeof(sub->csrf));
	sub->expires_at = s.expires_at;
	sub->source = source;
	sodium_memzero(&s, sizeof(s));
	return RA_OK;
}

void
ra_subscriber_logout(struct ra *ra, const struct ra_subscriber *s)
{
	char object[160];

	pthread_mutex_lock(&ra->mu);
	store_subscriber_session_delete(ra->st, s->token_hash);
	pthread_mutex_unlock(&ra->mu);
	revreq_object(object, sizeof(object), s->issuer, s->serial);
	revreq_audit(ra, NULL, "subscriber", "subscriber", "password", s->source,
	    "ra.subscriber.logout", object, "success", NULL);
}

void
ra_subscriber_csrf_text(const struct ra_subscriber *s,
    char out[RA_TOKEN_TEXT_LEN + 1])
{
	sodium_bin2base64(out, RA_TOKEN_TEXT_LEN + 1, s->csrf, sizeof(s->csrf),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
ra_subscriber_csrf_ok(const struct ra_subscriber *s, const char *presented,
    size_t len)
{
	unsigned char bin[32];
	size_t n = 0;
	int ok;

	if (presented == NULL || len != RA_TOKEN_TEXT_LEN ||
	    sodium_base642bin(bin, sizeof(bin), presented, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != sizeof(bin))
		return 0;
	ok = sodium_memcmp(bin, s->csrf, sizeof(bin)) == 0;
	sodium_memzero(bin, sizeof(bin));
	return ok;
}
