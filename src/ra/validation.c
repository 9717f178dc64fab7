#include "ra/validation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "conf/conf.h"
#include "ra/mail.h"
#include "ra/ra_audit.h"
#include "util/log.h"

static const char *const ra_vmethods[RA_VM_MAX] = {
	[RA_VM_OPERATOR] = "operator",
	[RA_VM_WHOIS] = "whois-contact",
	[RA_VM_CONSTRUCTED] = "constructed",
	[RA_VM_HTTP] = "http",
	[RA_VM_DNS] = "dns",
	[RA_VM_MAILBOX] = "mailbox",
};

/*
 * SBR 3.2.2: "CAs SHALL maintain a record of which validation method,
 * including the relevant version number from the TLS Baseline
 * Requirements or S/MIME Baseline Requirements, was used". The domain
 * methods are SBR 3.2.2.1, which delegates to TLS BR 3.2.2.4.
 */
static const char *const ra_vreqs[RA_VM_MAX] = {
	[RA_VM_OPERATOR] = RA_VREQ_VERSION " §3.2.2.1; CP-3.2.7 (1)",
	[RA_VM_WHOIS] = RA_VREQ_VERSION " §3.2.2.1 (TLS BR §3.2.2.4.2); "
	    "CP-3.2.7 (2)",
	[RA_VM_CONSTRUCTED] = RA_VREQ_VERSION " §3.2.2.1 (TLS BR "
	    "§3.2.2.4.4); CP-3.2.7 (3)",
	[RA_VM_HTTP] = RA_VREQ_VERSION " §3.2.2.1 (TLS BR §3.2.2.4.18); "
	    "CP-3.2.7 (4)",
	[RA_VM_DNS] = RA_VREQ_VERSION " §3.2.2.1 (TLS BR §3.2.2.4.7); "
	    "CP-3.2.7 (5)",
	[RA_VM_MAILBOX] = RA_VREQ_VERSION " §3.2.2.2",
};

/* TLS BR 3.2.2.4.4: the only local parts of a constructed address. */
static const char *const ra_constructed[] = {
	"admin", "administrator", "webmaster", "hostmaster", "postmaster",
};

#define RA_VTEXT_MAX	1024

const char *
ra_vmethod_name(enum ra_vmethod m)
{
	return m < RA_VM_MAX ? ra_vmethods[m] : "?";
}

int
ra_vmethod_parse(const char *s, enum ra_vmethod *out)
{
	for (int i = 0; i < RA_VM_MAX; i++)
		if (s != NULL && strcmp(s, ra_vmethods[i]) == 0) {
			*out = (enum ra_vmethod)i;
			return 1;
		}
	return 0;
}

const char *
ra_vmethod_requirement(enum ra_vmethod m)
{
	return m < RA_VM_MAX ? ra_vreqs[m] : "?";
}

/* --- names ----------------------------------------------------------------- */

int
ra_domain_ok(const char *d)
{
	size_t len, label = 0, labels = 1;

	if (d == NULL || (len = strnlen(d, 254)) == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = d[i];

		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c == '-' && label > 0)))
			return 0;
		if (++label > 63)
			return 0;
	}
	if (label == 0 || d[len - 1] == '-' || labels < 2)
		return 0;
	/* RFC 3696 §2: a top-level label is never all digits (no IP). */
	for (size_t i = len - label; i < len; i++)
		if (d[i] < '0' || d[i] > '9')
			return 1;
	return 0;
}

int
ra_email_domain(const char *email, char *dom, size_t len)
{
	const char *at;
	size_t n, local;

	if (email == NULL || !ra_mail_addr_ok(email) ||
	    (at = strrchr(email, '@')) == NULL)
		return 0;
	local = (size_t)(at - email);
	n = strlen(at + 1);
	/* RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
	if (local == 0 || local > 64 || n == 0 || n >= len)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		char c = at[1 + i];

		dom[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	return ra_domain_ok(dom);
}

/* The address with its domain lowercased (local parts keep their case). */
static int
ra_email_norm(const char *email, char *out, size_t len)
{
	char dom[256];
	size_t local;

	if (!ra_email_domain(email, dom, sizeof(dom)))
		return 0;
	local = (size_t)(strrchr(email, '@') - email);
	return snprintf(out, len, "%.*s@%s", (int)local, email, dom) <
	    (int)len;
}

static int
ra_vtext_ok(const char *s, size_t max)
{
	size_t len;

	if (s == NULL || (len = strnlen(s, max + 1)) == 0 || len > max)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* http: a plain file name under /.well-known/pki-validation/. */
static int
ra_file_ok(const char *f)
{
	size_t len = f != NULL ? strnlen(f, 65) : 0;

	if (len == 0 || len > 64 || f[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = f[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

/* dns: TLS BR 3.2.2.4.7 allows one label that begins with "_". */
static int
ra_label_ok(const char *l)
{
	size_t len = l != NULL ? strnlen(l, 64) : 0;

	if (len < 2 || len > 63 || l[0] != '_')
		return 0;
	for (size_t i = 1; i < len; i++) {
		char c = l[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* --- random values ----------------------------------------------------------- */

static void
ra_value_new(char text[RA_VALUE_TEXT_LEN + 1])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char raw[RA_VALUE_BYTES];
	unsigned int acc = 0, bits = 0;
	size_t o = 0;

	randombytes_buf(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			text[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		text[o++] = b32[(acc << (5 - bits)) & 31];
	text[o] = '\0';
	sodium_memzero(raw, sizeof(raw));
}

static void
ra_value_hash(const char *text, size_t len,
    unsigned char h[STORE_VALIDATION_HASH_LEN])
{
	crypto_hash_sha256(h, (const unsigned char *)text, len);
}

/* 1 if s (len bytes) has the form of a value: 52 base32 characters. */
static int
ra_value_form(const char *s, size_t len)
{
	if (len != RA_VALUE_TEXT_LEN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return 1;
}

static int
ra_b32_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '2' && c <= '7');
}

int
ra_value_scan(const unsigned char *text, size_t len,
    int (*fn)(const char *token, void *arg), void *arg)
{
	char tok[RA_VALUE_TEXT_LEN + 1];
	size_t i = 0, start, n;

	while (i < len) {
		while (i < len && !ra_b32_char(text[i]))
			i++;
		start = i;
		while (i < len && ra_b32_char(text[i]))
			i++;
		if ((n = i - start) != RA_VALUE_TEXT_LEN)
			continue;
		for (size_t k = 0; k < n; k++) {
			unsigned char c = text[start + k];

			tok[k] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' :
			    c);
		}
		tok[n] = '\0';
		if (fn(tok, arg))
			return 1;
	}
	return 0;
}

/* A token matches when its SHA-256 equals the stored one (constant time). */
struct ra_match {
	unsigned char	 hash[STORE_VALIDATION_HASH_LEN];
};

static int
ra_match_token(const char *token, void *arg)
{
	struct ra_match *m = arg;
	unsigned char h[STORE_VALIDATION_HASH_LEN];

	ra_value_hash(token, strlen(token), h);
	return CRYPTO_memcmp(h, m->hash, sizeof(h)) == 0;
}

/* --- helpers ------------------------------------------------------------------ */

static void
ra_vid_new(char id[RA_VALIDATION_ID_LEN + 1])
{
	unsigned char raw[RA_VALIDATION_ID_LEN / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, RA_VALIDATION_ID_LEN + 1, raw, sizeof(raw));
}

static int
ra_vid_ok(const char *id)
{
	if (id == NULL || strnlen(id, RA_VALIDATION_ID_LEN + 1) !=
	    RA_VALIDATION_ID_LEN)
		return 0;
	for (size_t i = 0; i < RA_VALIDATION_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

/* CP-3.2.7 is the RA's work: RA operators and administrators, with MFA. */
static enum ra_status
ra_v_operator(struct ra *ra, const struct ra_principal *by, const char *type,
    const char *object)
{
	if (by->full && (by->role == STORE_RA_OPERATOR ||
	    by->role == STORE_RA_ADMIN))
		return RA_OK;
	ra_audit_as(ra, by, type, object, "refused", "only RA operators and "
	    "CA administrators with a full (MFA) session validate e-mail "
	    "control (CP-3.2.7)");
	return RA_FORBIDDEN;
}

/* Audits one validation event; the detail is formatted prose. */
static void ra_v_audit(struct ra *ra, const struct ra_principal *by,
    const char *type, const char *object, const char *outcome,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
ra_v_audit(struct ra *ra, const struct ra_principal *by, const char *type,
    const char *object, const char *outcome, const char *fmt, ...)
{
	char detail[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ra_audit_as(ra, by, type, object, outcome, detail);
}

/* --- start ------------------------------------------------------------------- */

struct ra_vplan {
	char		 domain[256];
	char		 email[320];	/* mailbox: normalised address */
	char		 mail_to[320];	/* mail methods: the recipient */
	char		 target[320];
	int		 mails;
	int		 returns_value;
	int64_t		 lifetime;
};

/* Checks in against its method's rules; fills p or sets *why. */
static int
ra_v_plan(const struct conf *conf, const struct ra_vstart *in, int64_t now,
    struct ra_vplan *p, const char **why)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->lifetime = RA_VALUE_LIFETIME_DOMAIN;
	if (in->method == RA_VM_MAILBOX) {
		if (!ra_email_norm(in->email, p->email, sizeof(p->email)) ||
		    !ra_email_domain(p->email, p->domain, sizeof(p->domain))) {
			*why = "email must be one mailbox address local@domain";
			return 0;
		}
		/* SBR 3.2.2.2: sent only to the address validated. */
		snprintf(p->mail_to, sizeof(p->mail_to), "%s", p->email);
		p->lifetime = RA_VALUE_LIFETIME_MAILBOX;
		p->mails = 1;
	} else if (!ra_domain_ok(in->domain)) {
		*why = "domain must be a lowercase domain name of two labels "
		    "or more";
		return 0;
	} else
		snprintf(p->domain, sizeof(p->domain), "%s", in->domain);
	switch (in->method) {
	case RA_VM_OPERATOR:
		if (!ra_vtext_ok(in->evidence, RA_VTEXT_MAX) ||
		    !ra_vtext_ok(in->evidence_ref, 256)) {
			*why = "evidence (free text) and evidence_ref (document "
			    "reference) are required (CP-3.2.7 (1))";
			return 0;
		}
		snprintf(p->target, sizeof(p->target), "%s", in->evidence_ref);
		return 1;
	case RA_VM_WHOIS: {
		char dom[256];

		if (!ra_email_domain(in->contact, dom, sizeof(dom))) {
			*why = "contact must be the WHOIS domain contact's "
			    "address";
			return 0;
		}
		snprintf(p->mail_to, sizeof(p->mail_to), "%s", in->contact);
		p->mails = 1;
		break;
	}
	case RA_VM_CONSTRUCTED:
		/* CABF: forbidden from 2028-03-15, whatever the config. */
		if (now >= RA_CONSTRUCTED_END) {
			*why = "the constructed-address method may not be used "
			    "from 2028-03-15 (TLS BR §3.2.2.4.4)";
			return 0;
		}
		if (!conf->validation.allow_constructed) {
			*why = "the constructed-address method is off "
			    "([validation] allow_constructed_addresses)";
			return 0;
		}
		for (i = 0; i < sizeof(ra_constructed) /
		    sizeof(ra_constructed[0]); i++)
			if (in->local_part != NULL &&
			    strcmp(in->local_part, ra_constructed[i]) == 0)
				break;
		if (i == sizeof(ra_constructed) / sizeof(ra_constructed[0])) {
			*why = "local_part must be admin, administrator, "
			    "webmaster, hostmaster or postmaster";
			return 0;
		}
		snprintf(p->mail_to, sizeof(p->mail_to), "%s@%s",
		    in->local_part, p->domain);
		p->mails = 1;
		break;
	case RA_VM_HTTP:
		if (in->file != NULL && !ra_file_ok(in->file)) {
			*why = "file must be 1 to 64 characters of A-Z, a-z, "
			    "0-9, '.', '_', '-', not starting with '.'";
			return 0;
		}
		p->returns_value = 1;
		break;
	case RA_VM_DNS:
		if (in->label != NULL && !ra_label_ok(in->label)) {
			*why = "label must be one DNS label starting with '_' "
			    "(a-z, 0-9, '_', '-')";
			return 0;
		}
		snprintf(p->target, sizeof(p->target), "%s%s%s",
		    in->label != NULL ? in->label : "",
		    in->label != NULL ? "." : "", p->domain);
		p->returns_value = 1;
		break;
	case RA_VM_MAILBOX:
		break;
	default:
		*why = "unknown method";
		return 0;
	}
	if (p->mails)
		snprintf(p->target, sizeof(p->target), "%s", p->mail_to);
	return 1;
}

/* The mail of a random value. 1 when the relay accepted it. */
static int
ra_v_mail(const struct conf *conf, const struct ra_vplan *p,
    const struct ra_vstart *in, const char *id, const char *value,
    char *why, size_t whylen)
{
	struct ra_mail m;
	char body[2048], subject[128];
	const char *url = conf->validation.confirm_url;
	int ok;

	if (!ra_mail_from_conf(conf, &m)) {
		snprintf(why, whylen, "mail is not configured ([mail] "
		    "smtp_url, from)");
		return 0;
	}
	snprintf(subject, sizeof(subject), "E-mail control validation %s",
	    id);
	snprintf(body, sizeof(body),
	    "The certification authority was asked to confirm control of\n"
	    "%s %s (%s).\n\n"
	    "If you asked for this, return this value within %s:\n\n"
	    "%s\n\n"
	    "%s%s%s"
	    "If you did not ask for it, ignore this message.\n",
	    in->method == RA_VM_MAILBOX ? "the mailbox" : "the domain",
	    in->method == RA_VM_MAILBOX ? p->email : p->domain,
	    ra_vmethod_requirement(in->method),
	    in->method == RA_VM_MAILBOX ? "24 hours" : "30 days", value,
	    url != NULL ? "by posting it as {\"value\": \"...\"} to\n" : "",
	    url != NULL ? url : "", url != NULL ? "\n\n" : "");
	ok = ra_mail_send(&m, p->mail_to, subject, body, why, whylen);
	sodium_memzero(body, sizeof(body));
	return ok;
}

static void
ra_v_fill(struct ra_vstarted *out, const char *id, const struct ra_vplan *p,
    const struct ra_vstart *in, const char *state, int64_t expires)
{
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->state, sizeof(out->state), "%s", state);
	out->expires_at = expires;
	if (in->method == RA_VM_HTTP)
		snprintf(out->where, sizeof(out->where),
		    "http://%.253s/.well-known/pki-validation/%.64s", p->domain,
		    p->target);
	else
		snprintf(out->where, sizeof(out->where), "%s", p->target);
}

enum ra_status
ra_validation_start(struct ra *ra, const struct conf *conf,
    const struct ra_principal *by, const struct ra_vstart *in, int64_t now,
    struct ra_vstarted *out, const char **why)
{
	/* *why outlives the call: one buffer per HTTP thread. */
	static _Thread_local char mailwhy[256];
	struct store_validation row = { 0 };
	struct ra_vplan p;
	char id[RA_VALIDATION_ID_LEN + 1], value[RA_VALUE_TEXT_LEN + 1];
	const char *obj = in->method == RA_VM_MAILBOX ? in->email : in->domain;
	int ok, changed = 0;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (ra_v_operator(ra, by, "ra.validation.start", obj) != RA_OK)
		return RA_FORBIDDEN;
	if (!ra_v_plan(conf, in, now, &p, why)) {
		ra_v_audit(ra, by, "ra.validation.start", obj, "refused",
		    "method %s: %s", ra_vmethod_name(in->method), *why);
		return RA_INVALID;
	}
	ra_vid_new(id);
	if (in->method == RA_VM_HTTP)
		snprintf(p.target, sizeof(p.target), "%s", in->file != NULL ?
		    in->file : "");
	if (in->method == RA_VM_HTTP && in->file == NULL)
		snprintf(p.target, sizeof(p.target), "inkan-%s.txt", id);
	row.id = id;
	row.method = (char *)ra_vmethod_name(in->method);
	row.requirement = (char *)ra_vmethod_requirement(in->method);
	row.email = in->method == RA_VM_MAILBOX ? p.email : NULL;
	row.domain = p.domain;
	row.target = p.target;
	row.evidence = (char *)in->evidence;
	row.evidence_ref = (char *)in->evidence_ref;
	row.started_by = (char *)by->name;
	row.created_at = now;
	row.expires_at = now + p.lifetime;
	if (in->method == RA_VM_OPERATOR) {
		/* Recorded evidence: complete as it is recorded. */
		row.state = "completed";
		row.completed_at = now;
		row.expires_at = now;
		row.outcome = "evidence recorded by the RA operator";
	} else {
		ra_value_new(value);
		ra_value_hash(value, RA_VALUE_TEXT_LEN, row.value_hash);
		row.has_value = 1;
		row.state = "pending";
		row.outcome = p.mails ? "value being mailed" :
		    "value handed to the applicant";
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_insert(ra->st, &row);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		sodium_memzero(value, sizeof(value));
		ra_v_audit(ra, by, "ra.validation.start", obj, "failure",
		    "%s: cannot store validation %s", row.method, id);
		return RA_ERROR;
	}
	ra_v_audit(ra, by, "ra.validation.start", obj, "success",
	    "validation %s, %s", id, row.requirement);
	if (p.mails) {
		ok = ra_v_mail(conf, &p, in, id, value, mailwhy,
		    sizeof(mailwhy));
		sodium_memzero(value, sizeof(value));
		pthread_mutex_lock(&ra->mu);
		if (!store_validation_move(ra->st, id, ok ? "sent" : "failed",
		    now, ok ? "value mailed" : mailwhy, 0, &changed) && ok) {
			snprintf(mailwhy, sizeof(mailwhy), "the value was "
			    "mailed but the store could not record it");
			ok = 0;
		}
		pthread_mutex_unlock(&ra->mu);
		ra_v_audit(ra, by, "ra.validation.send", p.mail_to,
		    ok ? "success" : "failure", "validation %s: %s", id,
		    ok ? "value mailed" : mailwhy);
		if (!ok) {
			*why = mailwhy;
			return RA_ERROR;
		}
		ra_v_fill(out, id, &p, in, "sent", row.expires_at);
		return RA_OK;
	}
	ra_v_fill(out, id, &p, in, row.state, row.expires_at);
	if (p.returns_value)
		memcpy(out->value, value, sizeof(out->value));
	sodium_memzero(value, sizeof(value));
	return RA_OK;
}

/* --- check (http, dns) ---------------------------------------------------------- */

static enum ra_status
ra_v_load(struct ra *ra, const char *id, struct store_validation **out)
{
	int ok;

	*out = NULL;
	if (!ra_vid_ok(id))
		return RA_NOT_FOUND;
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_get(ra->st, id, out);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		return RA_ERROR;
	return *out == NULL ? RA_NOT_FOUND : RA_OK;
}

/* Marks an open validation whose value ran out as expired. */
static void
ra_v_expire(struct ra *ra, const char *id, int64_t now)
{
	int changed;

	pthread_mutex_lock(&ra->mu);
	store_validation_move(ra->st, id, "expired", now,
	    "the random value expired unused", 0, &changed);
	pthread_mutex_unlock(&ra->mu);
}

/* Why an existing validation cannot complete now, or NULL if it can. */
static const char *
ra_v_closed(const struct store_validation *v, int64_t now)
{
	if (strcmp(v->state, "completed") == 0)
		return "the random value was used already (single use)";
	if (strcmp(v->state, "pending") != 0 && strcmp(v->state, "sent") != 0)
		return "the validation is closed";
	if (now >= v->expires_at)
		return "the random value expired";
	return NULL;
}

enum ra_status
ra_validation_check(struct ra *ra, const struct conf *conf,
    const struct ra_principal *by, const char *id, int64_t now,
    char *why, size_t whylen)
{
	struct store_validation *v = NULL;
	struct ra_match m;
	const char *closed;
	enum ra_status s;
	char file[80];
	int found = 0, changed = 0, ok;

	snprintf(why, whylen, "?");
	if ((s = ra_v_operator(ra, by, "ra.validation.check", id)) != RA_OK)
		return s;
	if ((s = ra_v_load(ra, id, &v)) != RA_OK) {
		snprintf(why, whylen, "%s", ra_status_text(s));
		ra_v_audit(ra, by, "ra.validation.check", id, "refused",
		    "no such validation");
		return s;
	}
	if (strcmp(v->method, "http") != 0 && strcmp(v->method, "dns") != 0) {
		snprintf(why, whylen, "a %s validation is confirmed by the "
		    "return of its mailed value, not checked", v->method);
		s = RA_CONFLICT;
		goto done;
	}
	if ((closed = ra_v_closed(v, now)) != NULL) {
		if (now >= v->expires_at)
			ra_v_expire(ra, id, now);
		snprintf(why, whylen, "%s", closed);
		s = RA_INVALID;
		goto done;
	}
	memcpy(m.hash, v->value_hash, sizeof(m.hash));
	if (strcmp(v->method, "http") == 0) {
		snprintf(file, sizeof(file), "%s", v->target);
		found = ra_http_find(conf, v->domain, file, ra_match_token, &m,
		    why, whylen);
	} else
		found = ra_dns_find(conf, v->target, ra_match_token, &m, why,
		    whylen);
	if (found != 1) {
		pthread_mutex_lock(&ra->mu);
		store_validation_attempt(ra->st, id, why);
		pthread_mutex_unlock(&ra->mu);
		s = RA_INVALID;
		goto done;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_move(ra->st, id, "completed", now, why, 1,
	    &changed);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		s = RA_ERROR;
	else if (!changed) {
		snprintf(why, whylen, "the random value was used already "
		    "(single use)");
		s = RA_INVALID;
	} else
		s = RA_OK;
done:
	ra_v_audit(ra, by, "ra.validation.check",
	    v->email != NULL ? v->email : v->domain,
	    s == RA_OK ? "success" : "refused", "validation %s: %s", id, why);
	store_validation_free(v);
	return s;
}

/* --- confirm (mailed values) ------------------------------------------------------ */

enum ra_status
ra_validation_confirm(struct ra *ra, const char *value, size_t len,
    const char *source, int64_t now, char id[RA_VALIDATION_ID_LEN + 1],
    const char **why)
{
	struct ra_audit_event ev = { .type = "ra.validation.confirm",
	    .actor = "mailbox-holder", .role = "-", .auth = "random-value",
	    .source = source };
	struct store_validation *v = NULL;
	unsigned char h[STORE_VALIDATION_HASH_LEN];
	char detail[256], lower[RA_VALUE_TEXT_LEN + 1];
	enum ra_status s = RA_INVALID;
	int ok, changed = 0;

	id[0] = '\0';
	*why = "unknown, used or expired value";
	if (value == NULL || len != RA_VALUE_TEXT_LEN) {
		*why = "value must be the 52 characters mailed";
		goto audit;
	}
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ?
		    value[i] - 'A' + 'a' : value[i]);
	lower[len] = '\0';
	if (!ra_value_form(lower, len)) {
		*why = "value must be the 52 characters mailed";
		goto audit;
	}
	ra_value_hash(lower, len, h);
	sodium_memzero(lower, sizeof(lower));
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_by_hash(ra->st, h, &v);
	pthread_mutex_unlock(&ra->mu);
	if (!ok) {
		s = RA_ERROR;
		*why = ra_status_text(RA_ERROR);
		goto audit;
	}
	/* Found by its hash; compared again in constant time all the same. */
	if (v == NULL || !v->has_value ||
	    CRYPTO_memcmp(v->value_hash, h, sizeof(h)) != 0)
		goto audit;
	snprintf(id, RA_VALIDATION_ID_LEN + 1, "%s", v->id);
	if (strcmp(v->method, "mailbox") != 0 &&
	    strcmp(v->method, "whois-contact") != 0 &&
	    strcmp(v->method, "constructed") != 0) {
		*why = "this value is checked by the RA (HTTP or DNS), not "
		    "returned";
		goto audit;
	}
	if (ra_v_closed(v, now) != NULL) {
		*why = ra_v_closed(v, now);
		if (now >= v->expires_at)
			ra_v_expire(ra, v->id, now);
		goto audit;
	}
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_move(ra->st, v->id, "completed", now,
	    "the mailed value was returned", 1, &changed);
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		s = RA_ERROR;
	else if (!changed)
		*why = "the random value was used already (single use)";
	else {
		s = RA_OK;
		*why = NULL;
	}
audit:
	snprintf(detail, sizeof(detail), "validation %s: %s",
	    id[0] != '\0' ? id : "-", *why != NULL ? *why : "completed");
	ev.object = v != NULL ? (v->email != NULL ? v->email : v->domain) :
	    "-";
	ev.outcome = s == RA_OK ? "success" : s == RA_ERROR ? "failure" :
	    "refused";
	ev.detail = detail;
	ra_audit_event(ra, &ev);
	store_validation_free(v);
	return s;
}

/* --- reuse (SBR 4.2.1) -------------------------------------------------------------- */

int
ra_email_control_current(struct ra *ra, const char *email, int64_t now,
    char *validation_id, size_t len)
{
	struct store_validation *v = NULL;
	char norm[320], dom[256];
	int ok;

	if (validation_id != NULL && len > 0)
		validation_id[0] = '\0';
	if (!ra_email_norm(email, norm, sizeof(norm)) ||
	    !ra_email_domain(norm, dom, sizeof(dom)))
		return 0;
	/* SBR 3.2.2: initiated within the reuse period before issuance. */
	pthread_mutex_lock(&ra->mu);
	ok = store_validation_current(ra->st, norm, now - RA_REUSE_MAILBOX,
	    dom, now - RA_REUSE_DOMAIN, now, &v);
	pthread_mutex_unlock(&ra->mu);
	if (!ok || v == NULL)
		return 0;
	if (validation_id != NULL && len > 0)
		snprintf(validation_id, len, "%s", v->id);
	store_validation_free(v);
	return 1;
}

/* --- CAA issuemail ---------------------------------------------------------------------- */

int
ra_caa_issuemail_permits(struct ra *ra, const struct conf *conf,
    const char *email, const char *actor, char *why, size_t whylen)
{
	struct ra_audit_event ev = { .type = "ra.caa.issuemail",
	    .actor = actor, .source = "local" };
	char dom[256];
	int rc;

	if (!ra_email_domain(email, dom, sizeof(dom))) {
		snprintf(why, whylen, "not a mailbox address");
		rc = 0;
	} else
		rc = ra_dns_caa_issuemail(conf, dom, why, whylen);
	ev.object = email;
	ev.outcome = rc == 1 ? "success" : "refused";
	ev.detail = why;
	ra_audit_event(ra, &ev);
	return rc == 1;
}
