/* strptime(3) is XSI. */
#define _XOPEN_SOURCE 700

#include "audit/audit.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "util/log.h"

/*
 * The record format and its hash chain. The canonical encoding is
 *
 *   "inkan-audit-v1" 0x00
 *   seq   u64 big-endian
 *   time  i64 big-endian (UTC seconds)
 *   type, actor, role, auth, source, object, outcome, detail:
 *         each u8 present (1, or 0 for an absent detail), u32 big-endian
 *         length, the UTF-8 bytes
 *   prev_hash  32 bytes
 *
 * and a record's hash is SHA-256 of it. Lengths make it unambiguous; the
 * sequence number makes a moved record change its hash; the previous hash
 * makes a removed or inserted record break the link after it.
 */

#define AUDIT_MAGIC		"inkan-audit-v1"
#define AUDIT_MAGIC_LEN		(sizeof(AUDIT_MAGIC))	/* with its NUL */
#define AUDIT_NFIELDS		8

static void
audit_put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
audit_get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
audit_fields(const struct store_audit *rec,
    const char *f[AUDIT_NFIELDS])
{
	f[0] = rec->type;
	f[1] = rec->actor;
	f[2] = rec->role;
	f[3] = rec->auth;
	f[4] = rec->source;
	f[5] = rec->object;
	f[6] = rec->outcome;
	f[7] = rec->detail;
}

int
audit_chain_encode(const struct store_audit *rec, unsigned char **out,
    size_t *len)
{
	const char *f[AUDIT_NFIELDS];
	unsigned char *buf, *p;
	size_t n = AUDIT_MAGIC_LEN + 16 + 32, flen;

	audit_fields(rec, f);
	for (int i = 0; i < AUDIT_NFIELDS; i++) {
		n += 5;
		if (f[i] != NULL) {
			if ((flen = strlen(f[i])) > UINT32_MAX)
				return 0;
			n += flen;
		}
	}
	if ((buf = malloc(n)) == NULL)
		return 0;
	p = buf;
	memcpy(p, AUDIT_MAGIC, AUDIT_MAGIC_LEN);
	p += AUDIT_MAGIC_LEN;
	audit_put64(p, (uint64_t)rec->seq);
	audit_put64(p + 8, (uint64_t)rec->time);
	p += 16;
	for (int i = 0; i < AUDIT_NFIELDS; i++) {
		flen = f[i] != NULL ? strlen(f[i]) : 0;
		*p++ = f[i] != NULL;
		*p++ = (unsigned char)(flen >> 24);
		*p++ = (unsigned char)(flen >> 16);
		*p++ = (unsigned char)(flen >> 8);
		*p++ = (unsigned char)flen;
		if (flen > 0)
			memcpy(p, f[i], flen);
		p += flen;
	}
	memcpy(p, rec->prev_hash, 32);
	*out = buf;
	*len = n;
	return 1;
}

int
audit_chain_hash(const struct store_audit *rec, unsigned char out[32])
{
	unsigned char *buf;
	size_t len;

	if (!audit_chain_encode(rec, &buf, &len))
		return 0;
	SHA256(buf, len, out);
	free(buf);
	return 1;
}

int
audit_chain_parse(const unsigned char *buf, size_t len, int64_t *seq,
    unsigned char prev_hash[32])
{
	size_t off = AUDIT_MAGIC_LEN + 16, flen;

	if (len < off + AUDIT_NFIELDS * 5 + 32 ||
	    memcmp(buf, AUDIT_MAGIC, AUDIT_MAGIC_LEN) != 0)
		return 0;
	for (int i = 0; i < AUDIT_NFIELDS; i++) {
		if (len - off < 5 || buf[off] > 1)
			return 0;
		flen = (size_t)buf[off + 1] << 24 | (size_t)buf[off + 2] << 16 |
		    (size_t)buf[off + 3] << 8 | buf[off + 4];
		off += 5;
		/* Only the detail may be absent, and then it is empty. */
		if ((buf[off - 5] == 0 && (i != AUDIT_NFIELDS - 1 ||
		    flen != 0)) || len - off < flen)
			return 0;
		off += flen;
	}
	if (len - off != 32)
		return 0;
	*seq = (int64_t)audit_get64(buf + AUDIT_MAGIC_LEN);
	memcpy(prev_hash, buf + off, 32);
	return 1;
}

static int
audit_seal_cb(struct store_audit *rec, void *arg)
{
	return audit_chain_hash(rec, rec->hash);
}

bool
audit_record_at(struct store *st, const struct audit_event *ev,
    int64_t when)
{
	struct store_audit rec;

	if (ev == NULL)
		return false;
	memset(&rec, 0, sizeof(rec));
	rec.time = when;
	rec.type = (char *)ev->type;
	rec.actor = (char *)ev->actor;
	rec.role = (char *)ev->role;
	rec.auth = (char *)ev->auth;
	rec.source = (char *)ev->source;
	rec.object = (char *)ev->object;
	rec.outcome = (char *)ev->outcome;
	rec.detail = (char *)ev->detail;
	if (!store_audit_append(st, &rec, audit_seal_cb, NULL)) {
		log_error("audit: cannot record %s %s (%s)",
		    ev->type != NULL ? ev->type : "(no type)",
		    ev->object != NULL ? ev->object : "(no object)",
		    ev->outcome != NULL ? ev->outcome : "(no outcome)");
		return false;
	}
	return true;
}

bool
audit_record(struct store *st, const struct audit_event *ev)
{
	return audit_record_at(st, ev, (int64_t)time(NULL));
}

void
audit_who_local(struct audit_who *who)
{
	struct passwd *pw = getpwuid(getuid());

	memset(who, 0, sizeof(*who));
	if (pw != NULL && pw->pw_name != NULL && *pw->pw_name != '\0')
		snprintf(who->actor, sizeof(who->actor), "%s", pw->pw_name);
	else
		snprintf(who->actor, sizeof(who->actor), "uid:%lu",
		    (unsigned long)getuid());
	who->role = "operator";
	who->auth = "local";
	who->source = "local";
}

void
audit_who_daemon(struct audit_who *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->actor, sizeof(who->actor), "inkand");
	who->role = "system";
	who->auth = "local";
	who->source = "local";
}

void
audit_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
audit_json_str(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);
	char esc[8];

	if (s == NULL)
		s = "";
#define PUT(str) do {							\
		size_t l_ = strlen(str);				\
		if (n + l_ + 1 > cap)					\
			return 0;					\
		memcpy(buf + n, (str), l_ + 1);				\
		n += l_;						\
	} while (0)
	PUT("\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c < 0x20 || c == 0x7f)
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		else {
			esc[0] = (char)c;
			esc[1] = '\0';
		}
		PUT(esc);
	}
	PUT("\"");
#undef PUT
	return 1;
}

char *
audit_checkpoint_text(const struct store_audit_checkpoint *cp)
{
	char hex[65], *text;
	int n;

	audit_hex(cp->head_hash, 32, hex);
	n = snprintf(NULL, 0, "inkan audit checkpoint v1\nkind: %s\n"
	    "seq: %lld\nhead: %s\ntime: %lld\n", cp->kind,
	    (long long)cp->seq, hex, (long long)cp->time);
	if (n < 0 || (text = malloc((size_t)n + 1)) == NULL)
		return NULL;
	snprintf(text, (size_t)n + 1, "inkan audit checkpoint v1\nkind: %s\n"
	    "seq: %lld\nhead: %s\ntime: %lld\n", cp->kind,
	    (long long)cp->seq, hex, (long long)cp->time);
	return text;
}

int
audit_checkpoint_verify_sig(const struct store_audit_checkpoint *cp,
    EVP_PKEY *pub)
{
	EVP_MD_CTX *ctx = NULL;
	char *text;
	int ok = 0;

	if ((text = audit_checkpoint_text(cp)) == NULL)
		return 0;
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(ctx, cp->sig, cp->sig_len,
	    (const unsigned char *)text, strlen(text)) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	free(text);
	ERR_clear_error();
	return ok;
}

int
audit_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;
	char *e;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	if (strspn(s, "0123456789") == strlen(s)) {
		v = strtoll(s, &e, 10);
		if (*e != '\0' || v < 0)
			return 0;
		*out = v;
		return 1;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
		    *end != '\0')
			return 0;
	}
	*out = (int64_t)timegm(&tm);
	return 1;
}

void
audit_time_format(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

char *
audit_json_line(const struct store_audit *r)
{
	const char *names[7] = { "type", "actor", "role", "auth", "source",
	    "object", "outcome" };
	const char *vals[7] = { r->type, r->actor, r->role, r->auth,
	    r->source, r->object, r->outcome };
	size_t cap = 7 * (6 * STORE_AUDIT_FIELD_MAX + 16) +
	    STORE_AUDIT_DETAIL_MAX + 512, n;
	char when[32], hash[65], prev[65], *buf;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	audit_time_format(r->time, when);
	audit_hex(r->hash, 32, hash);
	audit_hex(r->prev_hash, 32, prev);
	snprintf(buf, cap, "{\"seq\":%lld,\"time\":\"%s\"",
	    (long long)r->seq, when);
	for (int i = 0; i < 7; i++) {
		n = strlen(buf);
		snprintf(buf + n, cap - n, ",\"%s\":", names[i]);
		if (!audit_json_str(buf, cap, vals[i])) {
			free(buf);
			return NULL;
		}
	}
	n = strlen(buf);
	/* The detail is JSON text already (audit_event). */
	snprintf(buf + n, cap - n, ",\"detail\":%s,\"prev_hash\":\"%s\","
	    "\"hash\":\"%s\"}", r->detail != NULL ? r->detail : "null", prev,
	    hash);
	return buf;
}
