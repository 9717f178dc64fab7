#include "ra/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ra/password.h"
#include "ra/ra_audit.h"
#include "util/log.h"

static const struct {
	int		 http;
	const char	*text;
} ra_statuses[RA_STATUS_MAX] = {
	[RA_OK] = { 200, "ok" },
	[RA_INVALID] = { 400, "invalid request" },
	[RA_BAD_CREDENTIALS] = { 401, "invalid name, password or code" },
	[RA_TOTP_REQUIRED] = { 401, "a TOTP code is required" },
	[RA_TOTP_REPLAYED] = { 401, "TOTP code already used" },
	[RA_UNAUTHENTICATED] = { 401, "not logged in, or the session ended" },
	[RA_FORBIDDEN] = { 403, "not allowed" },
	[RA_DISABLED] = { 403, "account disabled" },
	[RA_NOT_FOUND] = { 404, "not found" },
	[RA_CONFLICT] = { 409, "conflict" },
	[RA_LOCKED] = { 429, "account locked after repeated failures" },
	[RA_ERROR] = { 500, "internal error" },
};

int
ra_status_http(enum ra_status s)
{
	return s < RA_STATUS_MAX ? ra_statuses[s].http : 500;
}

const char *
ra_status_text(enum ra_status s)
{
	return s < RA_STATUS_MAX ? ra_statuses[s].text : "internal error";
}

int
ra_role_needs_mfa(enum store_ra_role role)
{
	return role == STORE_RA_ADMIN || role == STORE_RA_OPERATOR ||
	    role == STORE_RA_LRA;
}

int64_t
ra_lock_seconds(int64_t failures)
{
	int64_t secs = RA_LOCK_BASE;

	if (failures < RA_LOCK_THRESHOLD)
		return 0;
	for (int64_t i = RA_LOCK_THRESHOLD; i < failures; i++) {
		secs *= 2;
		if (secs >= RA_LOCK_MAX)
			return RA_LOCK_MAX;
	}
	return secs;
}

struct ra *
ra_new(struct store *st, int owns_store, const struct ra_session_policy *pol)
{
	struct ra *ra;

	if (!ra_totp_init() || (ra = calloc(1, sizeof(*ra))) == NULL)
		return NULL;
	ra->st = st;
	ra->owns_store = owns_store;
	ra->issuer = "inkan";
	ra->pol.idle = RA_SESSION_IDLE_DEFAULT;
	ra->pol.lifetime = RA_SESSION_LIFETIME_DEFAULT;
	if (pol != NULL)
		ra->pol = *pol;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_mutex_init(&ra->hash_mu, NULL);
	pthread_cond_init(&ra->hash_cv, NULL);
	return ra;
}

void
ra_free(struct ra *ra)
{
	if (ra == NULL)
		return;
	if (ra->owns_store)
		store_close(ra->st);
	pthread_mutex_destroy(&ra->mu);
	pthread_mutex_destroy(&ra->hash_mu);
	pthread_cond_destroy(&ra->hash_cv);
	free(ra);
}

void
ra_audit_as(struct ra *ra, const struct ra_principal *p, const char *type,
    const char *object, const char *outcome, const char *detail)
{
	struct ra_audit_event ev = { 0 };

	ev.type = type;
	if (p != NULL) {
		ev.actor = p->name;
		ev.role = store_ra_role_name(p->role);
		ev.auth = p->auth;
		ev.source = p->source;
	}
	ev.object = object;
	ev.outcome = outcome;
	ev.detail = detail;
	ra_audit_event(ra, &ev);
}

void
ra_audit_event(struct ra *ra, const struct ra_audit_event *ev)
{
	/* The audit log may write to the store: one user at a time. */
	pthread_mutex_lock(&ra->mu);
	ra_audit(ra->st, ev);
	pthread_mutex_unlock(&ra->mu);
}

/* --- login ------------------------------------------------------------------ */

/* Bounds the memory of concurrent Argon2id runs (64 MiB each). */
static int
ra_password_check(struct ra *ra, const char *hash, const char *pw,
    size_t len)
{
	int ok;

	pthread_mutex_lock(&ra->hash_mu);
	while (ra->hashing >= RA_HASH_CONCURRENCY)
		pthread_cond_wait(&ra->hash_cv, &ra->hash_mu);
	ra->hashing++;
	pthread_mutex_unlock(&ra->hash_mu);
	if (hash == NULL) {
		ra_password_dummy_verify(pw, len);
		ok = 0;
	} else
		ok = ra_password_verify(hash, pw, len);
	pthread_mutex_lock(&ra->hash_mu);
	ra->hashing--;
	pthread_cond_signal(&ra->hash_cv);
	pthread_mutex_unlock(&ra->hash_mu);
	return ok;
}

static struct store_account *
ra_account_load(struct ra *ra, const char *name, enum ra_status *why)
{
	struct store_account *a = NULL;
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_account_get(ra->st, name, &a);
	pthread_mutex_unlock(&ra->mu);
	*why = !ok ? RA_ERROR : a == NULL ? RA_NOT_FOUND : RA_OK;
	return a;
}

void
ra_account_failed(struct ra *ra, const struct store_account *a,
    const char *source, const char *auth, const char *event,
    const char *why, int64_t now)
{
	struct ra_principal p = { 0 };
	int64_t failures = 0, lock;
	char detail[128];

	snprintf(p.name, sizeof(p.name), "%s", a->name);
	p.role = a->role;
	p.auth = auth;
	p.source = source;
	pthread_mutex_lock(&ra->mu);
	if (!store_account_failure(ra->st, a->name, &failures))
		failures = 0;
	lock = ra_lock_seconds(failures);
	if (lock > 0 && !store_account_lock(ra->st, a->name, now + lock))
		lock = 0;
	pthread_mutex_unlock(&ra->mu);
	snprintf(detail, sizeof(detail), "%s; %lld consecutive failures", why,
	    (long long)failures);
	ra_audit_as(ra, &p, event, a->name, "failure", detail);
	if (lock > 0) {
		snprintf(detail, sizeof(detail), "locked for %lld s after %lld "
		    "consecutive failures", (long long)lock,
		    (long long)failures);
		ra_audit_as(ra, &p, "ra.lockout", a->name, "success", detail);
	}
}

/* The TOTP step of a login: RA_OK with *step to record, or a refusal. */
static enum ra_status
ra_login_totp(const struct store_account *a, const struct ra_login *in,
    int64_t now, int64_t *step)
{
	if (in->totp == NULL)
		return RA_TOTP_REQUIRED;
	switch (ra_totp_check(a->totp, a->totp_len, (time_t)now, in->totp,
	    in->totp_len, a->totp_last_step, step)) {
	case RA_TOTP_OK:
		return RA_OK;
	case RA_TOTP_REPLAY:
		return RA_TOTP_REPLAYED;
	case RA_TOTP_BAD:
		return RA_BAD_CREDENTIALS;
	default:
		return RA_ERROR;
	}
}

static enum ra_status
ra_session_open(struct ra *ra, const struct store_account *a, int full,
    int64_t now, struct ra_login_result *out)
{
	struct store_session s = { 0 };
	int ok;

	if (!ra_token_new(out->token, s.token_hash))
		return RA_ERROR;
	s.account_id = a->id;
	s.full = full;
	s.created_at = now;
	s.last_seen = now;
	s.expires_at = now + ra->pol.lifetime;
	pthread_mutex_lock(&ra->mu);
	ok = store_account_clear_failures(ra->st, a->name) &&
	    store_session_insert(ra->st, &s);
	pthread_mutex_unlock(&ra->mu);
	sodium_memzero(&s, sizeof(s));
	if (!ok) {
		sodium_memzero(out->token, sizeof(out->token));
		return RA_ERROR;
	}
	out->full = full;
	out->expires_at = now + ra->pol.lifetime;
	return RA_OK;
}

/* Whether the TOTP step was still unused, recorded in one statement. */
static enum ra_status
ra_totp_consume(struct ra *ra, const char *name, int64_t step)
{
	int used = 0, ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_account_totp_use(ra->st, name, step, &used);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	return used ? RA_OK : RA_TOTP_REPLAYED;
}

static enum ra_status
ra_login_account(struct ra *ra, const struct store_account *a,
    const struct ra_login *in, int64_t now, struct ra_login_result *out)
{
	struct ra_principal p = { 0 };
	enum ra_status s;
	int64_t step = 0;
	int full;

	snprintf(p.name, sizeof(p.name), "%s", a->name);
	p.role = a->role;
	p.auth = "password";
	p.source = in->source;
	if (a->locked_until > now) {
		out->retry_after = a->locked_until - now;
		ra_audit_as(ra, &p, "ra.login", a->name, "refused",
		    "account locked");
		return RA_LOCKED;
	}
	if (!ra_password_check(ra, a->pw_hash, in->password,
	    in->password_len)) {
		ra_account_failed(ra, a, in->source, "password", "ra.login",
		    "wrong password", now);
		return RA_BAD_CREDENTIALS;
	}
	if (a->disabled) {
		ra_audit_as(ra, &p, "ra.login", a->name, "refused",
		    "account disabled");
		return RA_DISABLED;
	}
	if (a->totp_len > 0) {
		s = ra_login_totp(a, in, now, &step);
		if (s == RA_OK)
			s = ra_totp_consume(ra, a->name, step);
		if (s == RA_TOTP_REQUIRED) {
			ra_audit_as(ra, &p, "ra.login", a->name, "refused",
			    "TOTP code missing");
			return s;
		}
		if (s != RA_OK) {
			if (s != RA_ERROR)
				ra_account_failed(ra, a, in->source,
				    "password", "ra.login",
				    s == RA_TOTP_REPLAYED ?
				    "TOTP code replayed" : "wrong TOTP code",
				    now);
			return s;
		}
		p.auth = "password+totp";
		full = 1;
	} else
		full = !ra_role_needs_mfa(a->role);
	if ((s = ra_session_open(ra, a, full, now, out)) != RA_OK)
		return s;
	ra_audit_as(ra, &p, "ra.login", a->name, "success", full ? NULL :
	    "TOTP not enrolled: enrolment-only session (CP-6.5.1)");
	return RA_OK;
}

static int
ra_name_syntax(const char *name)
{
	size_t len;

	if (name == NULL || (len = strnlen(name, 65)) == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

enum ra_status
ra_login(struct ra *ra, const struct ra_login *in, int64_t now,
    struct ra_login_result *out)
{
	struct ra_audit_event ev = { 0 };
	struct store_account *a = NULL;
	enum ra_status s;

	memset(out, 0, sizeof(*out));
	if (in->password == NULL || in->password_len > RA_PASSWORD_MAX)
		return RA_INVALID;
	if (ra_name_syntax(in->name))
		a = ra_account_load(ra, in->name, &s);
	else
		s = RA_NOT_FOUND;
	if (s == RA_ERROR)
		return RA_ERROR;
	if (a == NULL) {
		/* As slow as a wrong password: names are not disclosed. */
		ra_password_check(ra, NULL, in->password, in->password_len);
		ev.type = "ra.login";
		ev.source = in->source;
		ev.object = ra_name_syntax(in->name) ? in->name : "(malformed)";
		ev.outcome = "failure";
		ev.detail = "unknown account";
		ra_audit_event(ra, &ev);
		return RA_BAD_CREDENTIALS;
	}
	s = ra_login_account(ra, a, in, now, out);
	store_account_free(a);
	return s;
}

/* --- sessions --------------------------------------------------------------- */

static enum ra_status
ra_session_end(struct ra *ra, const struct store_session *s,
    enum ra_session_state state, const char *source)
{
	struct ra_audit_event ev = { 0 };

	pthread_mutex_lock(&ra->mu);
	store_session_delete(ra->st, s->token_hash);
	pthread_mutex_unlock(&ra->mu);
	ev.type = "ra.session";
	ev.actor = s->account;
	ev.source = source;
	ev.object = s->account;
	ev.outcome = "expired";
	ev.detail = state == RA_SESSION_IDLE ? "idle time-out" :
	    "absolute time-out";
	ra_audit_event(ra, &ev);
	return RA_UNAUTHENTICATED;
}

enum ra_status
ra_authenticate(struct ra *ra, const char *token, size_t len,
    const char *source, int64_t now, struct ra_principal *p)
{
	unsigned char hash[RA_TOKEN_HASH_LEN];
	struct store_session *s = NULL;
	struct store_account *a = NULL;
	enum ra_session_state state;
	enum ra_status rs = RA_UNAUTHENTICATED;
	int ok;

	memset(p, 0, sizeof(*p));
	if (!ra_token_hash(token, len, hash))
		return RA_UNAUTHENTICATED;
	pthread_mutex_lock(&ra->mu);
	ok = store_session_get(ra->st, hash, &s);
	if (ok && s != NULL)
		ok = store_account_get(ra->st, s->account, &a);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		rs = RA_ERROR;
		goto out;
	}
	if (s == NULL || a == NULL)
		goto out;
	state = ra_session_check(s, hash, &ra->pol, now);
	if (state == RA_SESSION_IDLE || state == RA_SESSION_EXPIRED) {
		rs = ra_session_end(ra, s, state, source);
		goto out;
	}
	if (state != RA_SESSION_LIVE || a->disabled)
		goto out;
	pthread_mutex_lock(&ra->mu);
	ok = store_session_touch(ra->st, hash, now, 0);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		rs = RA_ERROR;
		goto out;
	}
	snprintf(p->name, sizeof(p->name), "%s", a->name);
	p->role = a->role;
	if (a->org != NULL)
		snprintf(p->org, sizeof(p->org), "%s", a->org);
	p->full = s->full;
	p->enrolled = a->totp_len > 0;
	memcpy(p->token_hash, hash, sizeof(hash));
	p->expires_at = s->expires_at;
	p->idle_until = now + ra->pol.idle;
	if (p->expires_at > s->created_at + ra->pol.lifetime)
		p->expires_at = s->created_at + ra->pol.lifetime;
	p->auth = p->enrolled && s->full ? "password+totp" : "password";
	p->source = source;
	rs = RA_OK;
 out:
	store_session_free(s);
	store_account_free(a);
	sodium_memzero(hash, sizeof(hash));
	return rs;
}

enum ra_status
ra_logout(struct ra *ra, const struct ra_principal *p)
{
	int ok;

	pthread_mutex_lock(&ra->mu);
	ok = store_session_delete(ra->st, p->token_hash);
	pthread_mutex_unlock(&ra->mu);
	ra_audit_as(ra, p, "ra.logout", p->name, ok ? "success" : "failure",
	    NULL);
	return ok ? RA_OK : RA_ERROR;
}

/* --- MFA enrolment -------------------------------------------------------- */

enum ra_status
ra_mfa_enrol(struct ra *ra, const struct ra_principal *p,
    char b32[RA_TOTP_B32_MAX], char uri[RA_TOTP_URI_MAX])
{
	unsigned char secret[RA_TOTP_SECRET_LEN];
	struct store_account *a;
	enum ra_status s;
	int ok;

	if ((a = ra_account_load(ra, p->name, &s)) == NULL)
		return s == RA_NOT_FOUND ? RA_UNAUTHENTICATED : s;
	if (a->totp_len > 0) {
		store_account_free(a);
		ra_audit_as(ra, p, "ra.mfa.enrol", p->name, "refused",
		    "TOTP already enrolled; an administrator must reset it");
		return RA_CONFLICT;
	}
	store_account_free(a);
	ra_totp_secret_new(secret);
	pthread_mutex_lock(&ra->mu);
	ok = store_account_totp_pending(ra->st, p->name, secret,
	    sizeof(secret));
	pthread_mutex_unlock(&ra->mu);
	ok = ok && ra_totp_base32(secret, sizeof(secret), b32) &&
	    ra_totp_uri(ra->issuer, p->name, b32, uri);
	sodium_memzero(secret, sizeof(secret));
	ra_audit_as(ra, p, "ra.mfa.enrol", p->name, ok ? "success" : "failure",
	    "TOTP secret issued, awaiting confirmation");
	return ok ? RA_OK : RA_ERROR;
}

enum ra_status
ra_mfa_confirm(struct ra *ra, struct ra_principal *p, const char *code,
    size_t code_len, int64_t now)
{
	struct store_account *a;
	enum ra_status s;
	enum ra_totp_result r;
	int64_t step = 0;
	int ok;

	if ((a = ra_account_load(ra, p->name, &s)) == NULL)
		return s == RA_NOT_FOUND ? RA_UNAUTHENTICATED : s;
	if (a->totp_pending_len == 0) {
		store_account_free(a);
		return RA_CONFLICT;
	}
	r = ra_totp_check(a->totp_pending, a->totp_pending_len, (time_t)now,
	    code, code_len, 0, &step);
	store_account_free(a);
	if (r != RA_TOTP_OK) {
		ra_audit_as(ra, p, "ra.mfa.confirm", p->name, "failure",
		    "wrong TOTP code");
		return r == RA_TOTP_ERROR ? RA_ERROR : RA_BAD_CREDENTIALS;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_account_totp_confirm(ra->st, p->name, step) &&
	    store_session_touch(ra->st, p->token_hash, now, 1);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	p->full = 1;
	p->enrolled = 1;
	p->auth = "password+totp";
	ra_audit_as(ra, p, "ra.mfa.confirm", p->name, "success",
	    "TOTP enrolled");
	return RA_OK;
}

/* --- administration ---------------------------------------------------------- */

static enum ra_status
ra_admin_only(struct ra *ra, const struct ra_principal *by, const char *type,
    const char *object)
{
	if (by->role == STORE_RA_ADMIN && by->full)
		return RA_OK;
	ra_audit_as(ra, by, type, object, "refused",
	    "only a CA administrator may manage accounts");
	return RA_FORBIDDEN;
}

enum ra_status
ra_account_add(struct ra *ra, const struct ra_principal *by,
    const struct ra_account_new *n, int64_t now)
{
	struct store_account a = { 0 };
	char hash[RA_PWHASH_STR], detail[160];
	const char *why;
	enum ra_status s;
	int ok;

	if ((s = ra_admin_only(ra, by, "ra.account.add", n->name)) != RA_OK)
		return s;
	if (!ra_name_syntax(n->name)) {
		log_error("account: name must be 1 to 64 characters of a-z, "
		    "0-9, '.', '_' and '-'");
		return RA_INVALID;
	}
	if (!ra_password_policy(n->password, n->password_len, &why)) {
		log_error("account %s: %s", n->name, why);
		return RA_INVALID;
	}
	if ((n->role == STORE_RA_LRA) != (n->org != NULL)) {
		log_error("account %s: an LRA operator needs --org LRA, and "
		    "only an LRA operator takes one (CP-1.3.2)", n->name);
		return RA_INVALID;
	}
	if (!ra_password_hash(n->password, n->password_len, hash))
		return RA_ERROR;
	a.name = (char *)n->name;
	a.role = n->role;
	a.org = (char *)n->org;
	a.pw_hash = hash;
	a.created_at = now;
	pthread_mutex_lock(&ra->mu);
	ok = store_account_insert(ra->st, &a);
	pthread_mutex_unlock(&ra->mu);
	sodium_memzero(hash, sizeof(hash));
	snprintf(detail, sizeof(detail), "role %s%s%s",
	    store_ra_role_name(n->role), n->org ? ", LRA " : "",
	    n->org ? n->org : "");
	ra_audit_as(ra, by, "ra.account.add", n->name,
	    ok ? "success" : "failure", detail);
	return ok ? RA_OK : RA_CONFLICT;
}

/* Runs one store change on account name, ending its sessions if asked. */
static enum ra_status
ra_account_change(struct ra *ra, const struct ra_principal *by,
    const char *type, const char *name, int end_sessions,
    int (*fn)(struct store *, const char *, const void *), const void *arg,
    const char *detail)
{
	struct store_account *a;
	enum ra_status s;
	int ok;

	if ((s = ra_admin_only(ra, by, type, name)) != RA_OK)
		return s;
	if (!ra_name_syntax(name))
		return RA_INVALID;
	if ((a = ra_account_load(ra, name, &s)) == NULL) {
		if (s == RA_NOT_FOUND)
			log_error("account %s: no such account", name);
		return s;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_begin(ra->st);
	ok = ok && fn(ra->st, name, arg) &&
	    (!end_sessions || store_session_delete_account(ra->st, a->id));
	ok = ok ? store_commit(ra->st) : (store_rollback(ra->st), 0);
	pthread_mutex_unlock(&ra->mu);
	store_account_free(a);
	ra_audit_as(ra, by, type, name, ok ? "success" : "failure", detail);
	return ok ? RA_OK : RA_ERROR;
}

static int
ra_do_disable(struct store *st, const char *name, const void *arg)
{
	return store_account_set_disabled(st, name, *(const int *)arg);
}

static int
ra_do_unlock(struct store *st, const char *name, const void *arg)
{
	(void)arg;
	return store_account_clear_failures(st, name);
}

static int
ra_do_reset_mfa(struct store *st, const char *name, const void *arg)
{
	(void)arg;
	return store_account_totp_reset(st, name);
}

static int
ra_do_passwd(struct store *st, const char *name, const void *arg)
{
	return store_account_set_password(st, name, arg);
}

enum ra_status
ra_account_disable(struct ra *ra, const struct ra_principal *by,
    const char *name, int disabled)
{
	return ra_account_change(ra, by, disabled ? "ra.account.disable" :
	    "ra.account.enable", name, disabled, ra_do_disable, &disabled,
	    disabled ? "sessions ended" : "failures and lock cleared");
}

enum ra_status
ra_account_unlock(struct ra *ra, const struct ra_principal *by,
    const char *name)
{
	return ra_account_change(ra, by, "ra.account.unlock", name, 0,
	    ra_do_unlock, NULL, "failures and lock cleared");
}

enum ra_status
ra_account_reset_mfa(struct ra *ra, const struct ra_principal *by,
    const char *name)
{
	return ra_account_change(ra, by, "ra.mfa.reset", name, 1,
	    ra_do_reset_mfa, NULL, "TOTP removed, sessions ended; the "
	    "account must enrol again");
}

struct ra_role_arg {
	enum store_ra_role role;
	const char	*org;
};

static int
ra_do_set_role(struct store *st, const char *name, const void *arg)
{
	const struct ra_role_arg *r = arg;

	return store_account_set_role(st, name, r->role, r->org);
}

enum ra_status
ra_account_set_role(struct ra *ra, const struct ra_principal *by,
    const char *name, enum store_ra_role role, const char *org)
{
	struct ra_role_arg r = { role, org };
	char detail[160];

	if (role >= STORE_RA_ROLE_MAX || (role == STORE_RA_LRA) != (org != NULL)) {
		log_error("account %s: an LRA operator needs --org LRA, and "
		    "only an LRA operator takes one (CP-1.3.2)", name);
		return RA_INVALID;
	}
	snprintf(detail, sizeof(detail), "role now %s%s%s, sessions ended",
	    store_ra_role_name(role), org ? ", LRA " : "", org ? org : "");
	return ra_account_change(ra, by, "ra.account.role", name, 1,
	    ra_do_set_role, &r, detail);
}

enum ra_status
ra_account_passwd(struct ra *ra, const struct ra_principal *by,
    const char *name, const char *password, size_t len)
{
	char hash[RA_PWHASH_STR];
	const char *why;
	enum ra_status s;

	if (!ra_password_policy(password, len, &why)) {
		log_error("account %s: %s", name, why);
		return RA_INVALID;
	}
	if (!ra_password_hash(password, len, hash))
		return RA_ERROR;
	s = ra_account_change(ra, by, "ra.account.passwd", name, 1,
	    ra_do_passwd, hash, "password replaced, sessions ended");
	sodium_memzero(hash, sizeof(hash));
	return s;
}
