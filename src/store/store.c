#include "store/store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

/*
 * The front of the store: it checks every argument once, here, so that each
 * back end receives only well-formed names, serials and lengths, and then
 * dispatches through the back end's operations.
 */

#define STORE_NAME_MAX		64
/* RFC 5280 §4.1.2.2: serialNumber is at most 20 octets. */
#define STORE_SERIAL_MAX	40
/* Enough for a quoted name or serial and the words around it. */
#define STORE_QUOTE_MAX		80
#define STORE_OBJ_MAX		(STORE_NAME_MAX + STORE_SERIAL_MAX + 32)

/* An allowed alphabet and length for one kind of name. */
struct store_alphabet {
	int		(*ok)(int);
	size_t		 max;
	const char	*rule;
};

static int
store_char_lower(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-';
}

/* Key names become the signer's file names NAME.key; no '/' and no NUL. */
static int
store_char_key(int c)
{
	return store_char_lower(c) || (c >= 'A' && c <= 'Z') || c == '.';
}

/* Counters are named after what they count, e.g. "crl:pubca1". */
static int
store_char_counter(int c)
{
	return store_char_lower(c) || c == '.' || c == ':' || c == '/';
}

/*
 * CA and profile names appear in configuration, URLs and file names, so
 * they keep to one narrow alphabet.
 */
static const struct store_alphabet store_names = {
	store_char_lower, STORE_NAME_MAX,
	"must be 1 to 64 characters of a-z, 0-9, _ and -"
};
static const struct store_alphabet store_keys = {
	store_char_key, STORE_NAME_MAX,
	"must be 1 to 64 characters of A-Z, a-z, 0-9, ., _ and -"
};
static const struct store_alphabet store_counters = {
	store_char_counter, STORE_NAME_MAX,
	"must be 1 to 64 characters of a-z, 0-9, ., :, /, _ and -"
};

static const char *const store_ca_kind_names[STORE_CA_KIND_MAX] = {
	[STORE_CA_ROOT] = "root",
	[STORE_CA_ISSUING] = "issuing",
	[STORE_CA_RESPONDER] = "responder",
};

static const char *const store_cert_state_names[STORE_CERT_STATE_MAX] = {
	[STORE_CERT_INTENT] = "intent",
	[STORE_CERT_ISSUED] = "issued",
	[STORE_CERT_ABORTED] = "aborted",
};

static const char *const store_cert_status_names[STORE_STATUS_MAX] = {
	[STORE_STATUS_GOOD] = "good",
	[STORE_STATUS_REVOKED] = "revoked",
	[STORE_STATUS_HOLD] = "hold",
};

/*
 * Copies s for a message: printable ASCII only and at most 64 characters,
 * so that a hostile name cannot forge log lines.
 */
static const char *
store_quote(const char *s, char buf[STORE_QUOTE_MAX])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < STORE_NAME_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	if (s[i] != '\0')
		strcpy(buf + i, "...");
	return buf;
}

static void
store_log_invalid(const char *obj, const char *field, const char *value,
    const char *rule)
{
	char q[STORE_QUOTE_MAX];

	if (value == NULL)
		log_error("store: %s%s%s: missing", obj, *obj ? ": " : "",
		    field);
	else
		log_error("store: %s%s%s \"%s\": %s", obj, *obj ? ": " : "",
		    field, store_quote(value, q), rule);
}

static int
store_check_alphabet(const char *obj, const char *field, const char *value,
    const struct store_alphabet *a)
{
	size_t len, i;

	if (value == NULL) {
		store_log_invalid(obj, field, value, a->rule);
		return 0;
	}
	len = strnlen(value, a->max + 1);
	for (i = 0; i < len; i++)
		if (!a->ok((unsigned char)value[i]))
			break;
	if (len == 0 || len > a->max || i < len) {
		store_log_invalid(obj, field, value, a->rule);
		return 0;
	}
	return 1;
}

/*
 * Serials are kept in the one form BN_bn2hex() prints (store.h): two
 * upper-case hex digits per octet, no leading zero octet. Any other
 * spelling of the same number would slip past UNIQUE(issuer, serial) and
 * let a serial be used twice (CP-3.1.5). Zero is not positive and so is
 * refused too (RFC 5280 §4.1.2.2).
 */
static int
store_check_serial(const char *issuer, const char *serial)
{
	const char *rule = NULL;
	char obj[STORE_OBJ_MAX];
	size_t len, i;

	snprintf(obj, sizeof(obj), "certificate %s", issuer);
	if (serial == NULL) {
		store_log_invalid(obj, "serial", serial, "");
		return 0;
	}
	len = strnlen(serial, STORE_SERIAL_MAX + 1);
	for (i = 0; i < len; i++)
		if (!((serial[i] >= '0' && serial[i] <= '9') ||
		    (serial[i] >= 'A' && serial[i] <= 'F')))
			break;
	if (len < 2 || len > STORE_SERIAL_MAX || len % 2 != 0 || i < len)
		rule = "must be 1 to 20 octets as pairs of upper-case hex "
		    "digits (RFC 5280 §4.1.2.2)";
	else if (serial[0] == '0' && serial[1] == '0')
		rule = "has a leading zero octet";
	if (rule != NULL) {
		store_log_invalid(obj, "serial", serial, rule);
		return 0;
	}
	return 1;
}

static int
store_check_name(const char *obj, const char *field, const char *name)
{
	return store_check_alphabet(obj, field, name, &store_names);
}

/* Checks issuer and serial, the key of every certificate. */
static int
store_check_cert_key(const char *issuer, const char *serial)
{
	return store_check_name("certificate", "issuer", issuer) &&
	    store_check_serial(issuer, serial);
}

static int
store_check_der(const char *obj, const char *field,
    const unsigned char *der, size_t len)
{
	if (der == NULL || len == 0 || len > STORE_DER_MAX) {
		log_error("store: %s: %s: must be 1 to %d bytes", obj, field,
		    STORE_DER_MAX);
		return 0;
	}
	return 1;
}

static int
store_check_ca(const struct store_ca *ca)
{
	char obj[STORE_OBJ_MAX];

	if (!store_check_name("", "CA name", ca->name))
		return 0;
	snprintf(obj, sizeof(obj), "CA %s", ca->name);
	if ((unsigned)ca->kind >= STORE_CA_KIND_MAX) {
		log_error("store: %s: kind %d unknown", obj, (int)ca->kind);
		return 0;
	}
	return store_check_alphabet(obj, "key name", ca->key_name,
	    &store_keys) &&
	    (ca->parent == NULL || store_check_name(obj, "parent",
	    ca->parent)) &&
	    store_check_der(obj, "subject", ca->subject_der,
	    ca->subject_len) &&
	    store_check_der(obj, "public key", ca->spki_der, ca->spki_len);
}

static int
store_check_subject(const char *obj, const char *subject)
{
	size_t len;

	if (subject == NULL) {
		store_log_invalid(obj, "subject", subject, "");
		return 0;
	}
	len = strnlen(subject, STORE_SUBJECT_MAX + 1);
	if (len > STORE_SUBJECT_MAX) {
		log_error("store: %s: subject longer than %d bytes", obj,
		    STORE_SUBJECT_MAX);
		return 0;
	}
	return 1;
}

static int
store_check_cert(const struct store_cert *cert)
{
	char obj[STORE_OBJ_MAX];

	if (!store_check_cert_key(cert->issuer, cert->serial))
		return 0;
	snprintf(obj, sizeof(obj), "certificate %s/%s", cert->issuer,
	    cert->serial);
	if (!store_check_name(obj, "profile", cert->profile) ||
	    !store_check_subject(obj, cert->subject) ||
	    (cert->subject_ca != NULL &&
	    !store_check_name(obj, "subject CA", cert->subject_ca)))
		return 0;
	/* RFC 5280 §4.1.2.5: the validity period is notBefore..notAfter. */
	if (cert->not_after < cert->not_before) {
		log_error("store: %s: notAfter before notBefore", obj);
		return 0;
	}
	return 1;
}

/*
 * RFC 5280 §5.3.1: CRLReason 7 is unassigned, and removeFromCRL (8) only
 * takes an entry off a delta CRL, so neither is a status to keep. A hold
 * is certificateHold (6) and nothing else; a revocation is anything else.
 */
static int
store_check_reason(const char *obj, enum store_cert_status status,
    int reason)
{
	if (reason < 0 || reason > 10 || reason == 7 || reason == 8) {
		log_error("store: %s: reason %d: must be a CRLReason of 0 to "
		    "10 but 7 (unassigned) and 8 (removeFromCRL) "
		    "(RFC 5280 §5.3.1)", obj, reason);
		return 0;
	}
	if (status == STORE_STATUS_HOLD && reason != 6) {
		log_error("store: %s: reason %d: a hold has reason 6, "
		    "certificateHold (RFC 5280 §5.3.1)", obj, reason);
		return 0;
	}
	if (status == STORE_STATUS_REVOKED && reason == 6) {
		log_error("store: %s: reason 6, certificateHold, is for "
		    "status hold, not revoked (RFC 5280 §5.3.1)", obj);
		return 0;
	}
	return 1;
}

static int
store_check_revocation(const char *obj, enum store_cert_status status,
    int64_t revoked_at, int reason, int64_t invalidity_at)
{
	if (status != STORE_STATUS_REVOKED && status != STORE_STATUS_HOLD) {
		/* Revocation is final; a hold only ends in one (CP-4.9). */
		log_error("store: %s: status %s: must be revoked or hold", obj,
		    store_cert_status_name(status));
		return 0;
	}
	if (revoked_at <= 0) {
		log_error("store: %s: revocation time missing", obj);
		return 0;
	}
	/*
	 * RFC 5280 §5.3.2: the invalidity date may be earlier than the
	 * revocation date, when the CA processed the revocation; not later.
	 */
	if (invalidity_at < 0 || invalidity_at > revoked_at) {
		log_error("store: %s: invalidity date must be 0 (none) or not "
		    "after the revocation date (RFC 5280 §5.3.2)", obj);
		return 0;
	}
	return store_check_reason(obj, status, reason);
}

/* The hash of an OCSP CertID (RFC 6960 §4.1.1) names a response's kind. */
static int
store_check_hash_alg(const char *obj, const char *hash_alg)
{
	if (hash_alg == NULL || (strcmp(hash_alg, "sha1") != 0 &&
	    strcmp(hash_alg, "sha256") != 0)) {
		store_log_invalid(obj, "hash algorithm", hash_alg,
		    "must be sha1 or sha256 (RFC 6960 §4.1.1)");
		return 0;
	}
	return 1;
}

/*
 * RFC 5280 §5.1.2.5 and RFC 6960 §4.2.2.1: nextUpdate is when newer
 * information will be there, so it comes after thisUpdate.
 */
static int
store_check_updates(const char *obj, int64_t this_update,
    int64_t next_update)
{
	if (next_update <= this_update) {
		log_error("store: %s: nextUpdate must be after thisUpdate",
		    obj);
		return 0;
	}
	return 1;
}

/*
 * A profile kept longer keeps an earlier cut-off (CSBR 4.10.1); a later
 * one would drop it first, which is a caller's mix-up.
 */
static int
store_check_scope(const char *obj, const struct store_status_scope *scope)
{
	if (scope == NULL) {
		log_error("store: %s: scope missing", obj);
		return 0;
	}
	if (scope->keep_profile == NULL)
		return 1;
	if (!store_check_name(obj, "profile kept", scope->keep_profile))
		return 0;
	if (scope->keep_expired_before > scope->expired_before) {
		log_error("store: %s: profile %s kept with a later cut-off "
		    "than the others", obj, scope->keep_profile);
		return 0;
	}
	return 1;
}

static int
store_check_ocsp(const struct store_ocsp *r)
{
	char obj[STORE_OBJ_MAX];

	if (!store_check_cert_key(r->issuer, r->serial))
		return 0;
	snprintf(obj, sizeof(obj), "OCSP response %s/%s", r->issuer,
	    r->serial);
	return store_check_hash_alg(obj, r->hash_alg) &&
	    store_check_der(obj, "DER", r->der, r->der_len) &&
	    store_check_updates(obj, r->this_update, r->next_update);
}

/* Every operation but close needs an open store. */
static int
store_ready(const struct store *st)
{
	if (st == NULL) {
		log_error("store: not open");
		return 0;
	}
	return 1;
}

/* ... and the record it stores or the place for its answer. */
static int
store_ready_out(const struct store *st, const void *out)
{
	if (!store_ready(st))
		return 0;
	if (out == NULL) {
		log_error("store: argument missing");
		return 0;
	}
	return 1;
}

/* ... and a walk needs a function to call. */
static int
store_ready_walk(const struct store *st, int has_fn, const char *what)
{
	if (!store_ready(st))
		return 0;
	if (!has_fn) {
		log_error("store: %s iteration without a function", what);
		return 0;
	}
	return 1;
}

struct store *
store_open(const char *spec)
{
	if (spec == NULL || *spec == '\0') {
		log_error("store: no store given");
		return NULL;
	}
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	else if (strncmp(spec, "postgresql:", 11) == 0 ||
	    strncmp(spec, "postgres:", 9) == 0) {
		/* Not echoed: a connection URI may hold a password. */
		log_error("store: PostgreSQL back end not built yet; use "
		    "sqlite:PATH");
		return NULL;
	}
	if (*spec == '\0') {
		log_error("store: sqlite: no path given");
		return NULL;
	}
	return store_sqlite_open(spec);
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

int
store_schema_version(struct store *st, int *version)
{
	if (!store_ready_out(st, version))
		return 0;
	return st->ops->schema_version(st, version);
}

int
store_begin(struct store *st)
{
	if (!store_ready(st))
		return 0;
	return st->ops->begin(st);
}

int
store_commit(struct store *st)
{
	if (!store_ready(st))
		return 0;
	return st->ops->commit(st);
}

int
store_rollback(struct store *st)
{
	if (!store_ready(st))
		return 0;
	return st->ops->rollback(st);
}

int
store_ca_insert(struct store *st, const struct store_ca *ca)
{
	if (!store_ready_out(st, ca) || !store_check_ca(ca))
		return 0;
	return st->ops->ca_insert(st, ca);
}

int
store_ca_get(struct store *st, const char *name, struct store_ca **out)
{
	if (!store_ready_out(st, out))
		return 0;
	*out = NULL;
	if (!store_check_name("", "CA name", name))
		return 0;
	return st->ops->ca_get(st, name, out);
}

void
store_ca_free(struct store_ca *ca)
{
	if (ca == NULL)
		return;
	free(ca->name);
	free(ca->key_name);
	free(ca->parent);
	free(ca->subject_der);
	free(ca->spki_der);
	free(ca);
}

int
store_cert_intent(struct store *st, const struct store_cert *cert)
{
	if (!store_ready_out(st, cert) || !store_check_cert(cert))
		return 0;
	return st->ops->cert_intent(st, cert);
}

int
store_cert_issued(struct store *st, const char *issuer, const char *serial,
    const unsigned char *der, size_t der_len, int64_t issued_at)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready(st) || !store_check_cert_key(issuer, serial))
		return 0;
	snprintf(obj, sizeof(obj), "certificate %s/%s", issuer, serial);
	if (!store_check_der(obj, "DER", der, der_len))
		return 0;
	return st->ops->cert_issued(st, issuer, serial, der, der_len,
	    issued_at);
}

int
store_cert_abort(struct store *st, const char *issuer, const char *serial)
{
	if (!store_ready(st) || !store_check_cert_key(issuer, serial))
		return 0;
	return st->ops->cert_abort(st, issuer, serial);
}

int
store_cert_get(struct store *st, const char *issuer, const char *serial,
    struct store_cert **out)
{
	if (!store_ready_out(st, out))
		return 0;
	*out = NULL;
	if (!store_check_cert_key(issuer, serial))
		return 0;
	return st->ops->cert_get(st, issuer, serial, out);
}

int
store_cert_each_in_state(struct store *st, enum store_cert_state state,
    store_cert_fn fn, void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "certificate"))
		return 0;
	if ((unsigned)state >= STORE_CERT_STATE_MAX) {
		log_error("store: certificate state %d unknown", (int)state);
		return 0;
	}
	return st->ops->cert_each_in_state(st, state, fn, arg);
}

int
store_cert_each_for_ca(struct store *st, const char *ca_name,
    store_cert_fn fn, void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "certificate") ||
	    !store_check_name("", "CA name", ca_name))
		return 0;
	return st->ops->cert_each_for_ca(st, ca_name, fn, arg);
}

int
store_cert_revoke(struct store *st, const char *issuer, const char *serial,
    enum store_cert_status status, int64_t revoked_at, int reason,
    int64_t invalidity_at)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready(st) || !store_check_cert_key(issuer, serial))
		return 0;
	snprintf(obj, sizeof(obj), "certificate %s/%s", issuer, serial);
	if (!store_check_revocation(obj, status, revoked_at, reason,
	    invalidity_at))
		return 0;
	return st->ops->cert_revoke(st, issuer, serial, status, revoked_at,
	    reason, invalidity_at);
}

int
store_cert_find_serial(struct store *st, const char *serial,
    store_cert_fn fn, void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "certificate") ||
	    !store_check_serial("(any issuer)", serial))
		return 0;
	return st->ops->cert_find_serial(st, serial, fn, arg);
}

int
store_cert_each_needing_ocsp(struct store *st, const char *issuer,
    const char *hash_alg, const struct store_status_scope *scope,
    store_cert_fn fn, void *arg)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready_walk(st, fn != NULL, "certificate") ||
	    !store_check_name("certificates", "issuer", issuer))
		return 0;
	snprintf(obj, sizeof(obj), "OCSP responses of %s", issuer);
	if (!store_check_hash_alg(obj, hash_alg) ||
	    !store_check_scope(obj, scope))
		return 0;
	return st->ops->cert_each_needing_ocsp(st, issuer, hash_alg, scope,
	    fn, arg);
}

int
store_cert_count(struct store *st, const char *issuer, int64_t *count)
{
	if (!store_ready_out(st, count) ||
	    !store_check_name("certificate", "issuer", issuer))
		return 0;
	return st->ops->cert_count(st, issuer, count);
}

void
store_cert_free(struct store_cert *cert)
{
	if (cert == NULL)
		return;
	free(cert->issuer);
	free(cert->serial);
	free(cert->profile);
	free(cert->subject);
	free(cert->subject_ca);
	free(cert->der);
	free(cert);
}

int
store_revoked_each(struct store *st, const char *issuer,
    const struct store_status_scope *scope, store_revoked_fn fn, void *arg)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready_walk(st, fn != NULL, "revoked certificate") ||
	    !store_check_name("revoked certificates", "issuer", issuer))
		return 0;
	snprintf(obj, sizeof(obj), "revoked certificates of %s", issuer);
	if (!store_check_scope(obj, scope))
		return 0;
	return st->ops->revoked_each(st, issuer, scope, fn, arg);
}

int
store_crl_insert(struct store *st, const char *issuer, int64_t number,
    int64_t this_update, int64_t next_update, const unsigned char *der,
    size_t len)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready(st) || !store_check_name("CRL", "issuer", issuer))
		return 0;
	snprintf(obj, sizeof(obj), "CRL %s/%lld", issuer, (long long)number);
	/* RFC 5280 §5.2.3: a CRL number is a non-negative integer. */
	if (number < 0) {
		log_error("store: %s: CRL number must not be negative "
		    "(RFC 5280 §5.2.3)", obj);
		return 0;
	}
	if (der == NULL || len == 0 || len > STORE_CRL_MAX) {
		log_error("store: %s: DER: must be 1 to %d bytes", obj,
		    STORE_CRL_MAX);
		return 0;
	}
	if (!store_check_updates(obj, this_update, next_update))
		return 0;
	return st->ops->crl_insert(st, issuer, number, this_update,
	    next_update, der, len);
}

int
store_crl_latest(struct store *st, const char *issuer,
    struct store_crl **out)
{
	if (!store_ready_out(st, out))
		return 0;
	*out = NULL;
	if (!store_check_name("CRL", "issuer", issuer))
		return 0;
	return st->ops->crl_latest(st, issuer, out);
}

int
store_crl_latest_info(struct store *st, const char *issuer, int *found,
    int64_t *number, int64_t *this_update)
{
	if (!store_ready_out(st, found) || !store_ready_out(st, number) ||
	    !store_ready_out(st, this_update))
		return 0;
	*found = 0;
	if (!store_check_name("CRL", "issuer", issuer))
		return 0;
	return st->ops->crl_latest_info(st, issuer, found, number,
	    this_update);
}

void
store_crl_free(struct store_crl *crl)
{
	if (crl == NULL)
		return;
	free(crl->issuer);
	free(crl->der);
	free(crl);
}

int
store_ocsp_put(struct store *st, const struct store_ocsp *r)
{
	if (!store_ready_out(st, r) || !store_check_ocsp(r))
		return 0;
	return st->ops->ocsp_put(st, r);
}

int
store_ocsp_get(struct store *st, const char *issuer, const char *serial,
    const char *hash_alg, struct store_ocsp **out)
{
	char obj[STORE_OBJ_MAX];

	if (!store_ready_out(st, out))
		return 0;
	*out = NULL;
	if (!store_check_cert_key(issuer, serial))
		return 0;
	snprintf(obj, sizeof(obj), "OCSP response %s/%s", issuer, serial);
	if (!store_check_hash_alg(obj, hash_alg))
		return 0;
	return st->ops->ocsp_get(st, issuer, serial, hash_alg, out);
}

int
store_ocsp_each(struct store *st, const char *issuer, store_ocsp_fn fn,
    void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "OCSP response") ||
	    !store_check_name("OCSP responses", "issuer", issuer))
		return 0;
	return st->ops->ocsp_each(st, issuer, fn, arg);
}

int
store_ocsp_each_since(struct store *st, int64_t since, store_ocsp_fn fn,
    void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "OCSP response"))
		return 0;
	return st->ops->ocsp_each_since(st, since, fn, arg);
}

int
store_ocsp_each_due(struct store *st, int64_t refresh_before,
    store_ocsp_fn fn, void *arg)
{
	if (!store_ready_walk(st, fn != NULL, "OCSP response"))
		return 0;
	return st->ops->ocsp_each_due(st, refresh_before, fn, arg);
}

void
store_ocsp_free(struct store_ocsp *r)
{
	if (r == NULL)
		return;
	free(r->issuer);
	free(r->serial);
	free(r->hash_alg);
	free(r->der);
	free(r);
}

int
store_counter_next(struct store *st, const char *name, int64_t *value)
{
	if (!store_ready_out(st, value) ||
	    !store_check_alphabet("", "counter", name, &store_counters))
		return 0;
	return st->ops->counter_next(st, name, value);
}

int
store_counter_advance(struct store *st, const char *name, int64_t floor,
    int64_t *value)
{
	if (!store_ready_out(st, value) ||
	    !store_check_alphabet("", "counter", name, &store_counters))
		return 0;
	return st->ops->counter_advance(st, name, floor, value);
}

int
store_backup(struct store *st, const char *path)
{
	if (!store_ready(st) || path == NULL || *path == '\0') {
		log_error("store: backup: no destination");
		return 0;
	}
	return st->ops->backup(st, path);
}

int
store_check(struct store *st)
{
	if (!store_ready(st))
		return 0;
	return st->ops->check(st);
}

int
store_last_event(struct store *st, int64_t *at)
{
	if (!store_ready_out(st, at))
		return 0;
	return st->ops->last_event(st, at);
}

const char *
store_ca_kind_name(enum store_ca_kind kind)
{
	if ((unsigned)kind >= STORE_CA_KIND_MAX)
		return "unknown";
	return store_ca_kind_names[kind];
}

const char *
store_cert_state_name(enum store_cert_state state)
{
	if ((unsigned)state >= STORE_CERT_STATE_MAX)
		return "unknown";
	return store_cert_state_names[state];
}

const char *
store_cert_status_name(enum store_cert_status status)
{
	if ((unsigned)status >= STORE_STATUS_MAX)
		return "unknown";
	return store_cert_status_names[status];
}

/* Finds text in names[0..max): its index, or -1. */
static int
store_name_index(const char *const *names, int max, const char *text,
    size_t len)
{
	int i;

	for (i = 0; i < max; i++)
		if (strlen(names[i]) == len && memcmp(names[i], text, len) == 0)
			return i;
	return -1;
}

int
store_ca_kind_parse(const char *text, size_t len, enum store_ca_kind *out)
{
	int i;

	if ((i = store_name_index(store_ca_kind_names, STORE_CA_KIND_MAX,
	    text, len)) == -1)
		return 0;
	*out = (enum store_ca_kind)i;
	return 1;
}

int
store_cert_state_parse(const char *text, size_t len,
    enum store_cert_state *out)
{
	int i;

	if ((i = store_name_index(store_cert_state_names,
	    STORE_CERT_STATE_MAX, text, len)) == -1)
		return 0;
	*out = (enum store_cert_state)i;
	return 1;
}

int
store_cert_status_parse(const char *text, size_t len,
    enum store_cert_status *out)
{
	int i;

	if ((i = store_name_index(store_cert_status_names, STORE_STATUS_MAX,
	    text, len)) == -1)
		return 0;
	*out = (enum store_cert_status)i;
	return 1;
}
