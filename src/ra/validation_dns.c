#include "ra/validation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unbound.h>

#include "conf/conf.h"
#include "util/log.h"

/*
 * DNS lookups of e-mail control validation with libunbound: method (5)
 * (TLS BR §3.2.2.4.7) and CAA issuemail (RFC 9495, RFC 8659). Every
 * answer must be DNSSEC-secure: a bogus answer is refused with
 * unbound's reason, an insecure one (no chain of trust: unsigned zone)
 * is refused as well, so a forged answer cannot validate a domain.
 *
 * A context per operation: the RA validates rarely, and a fresh cache
 * means a record the applicant just published is seen at once.
 */

#define RR_CNAME	5
#define RR_TXT		16
#define RR_CAA		257

#define ROOT_KEY	"/usr/share/dns/root.key"

/* A context per [validation]: stubs, forwarder, trust anchors. */
static struct ub_ctx *
ra_ub_new(const struct conf *conf, char *why, size_t whylen)
{
	const struct conf_validation *vc = &conf->validation;
	const char *ta = vc->dns_trust_anchor ? vc->dns_trust_anchor :
	    ROOT_KEY;
	struct ub_ctx *ctx;
	int err = 0;

	if ((ctx = ub_ctx_create()) == NULL) {
		snprintf(why, whylen, "cannot create a resolver context");
		return NULL;
	}
	/* Test and lab resolvers listen on loopback. */
	if (vc->dns_stub.n > 0 || vc->dns_forward != NULL)
		err = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no");
	for (size_t i = 0; err == 0 && i < vc->dns_stub.n; i++) {
		char zone[256];
		const char *at = strchr(vc->dns_stub.v[i], '@');
		size_t n = at != NULL ? (size_t)(at - vc->dns_stub.v[i]) : 0;

		if (n == 0 || n >= sizeof(zone)) {
			snprintf(why, whylen, "[validation] dns_stub %s: not "
			    "ZONE@ADDR[@PORT]", vc->dns_stub.v[i]);
			ub_ctx_delete(ctx);
			return NULL;
		}
		memcpy(zone, vc->dns_stub.v[i], n);
		zone[n] = '\0';
		err = ub_ctx_set_stub(ctx, zone, at + 1, 0);
	}
	if (err == 0 && vc->dns_forward != NULL)
		err = ub_ctx_set_fwd(ctx, vc->dns_forward);
	else if (err == 0 && vc->dns_stub.n == 0)
		err = ub_ctx_resolvconf(ctx, NULL);
	if (err == 0)
		err = ub_ctx_add_ta_file(ctx, ta);
	if (err != 0) {
		snprintf(why, whylen, "resolver set-up (trust anchor %s): %s",
		    ta, ub_strerror(err));
		ub_ctx_delete(ctx);
		return NULL;
	}
	return ctx;
}

static const char *
ra_rr_name(int type)
{
	return type == RR_TXT ? "TXT" : type == RR_CNAME ? "CNAME" :
	    type == RR_CAA ? "CAA" : "?";
}

/*
 * One DNSSEC-validated query: 1 with *out (data, secure), 0 no data
 * (secure NXDOMAIN or NODATA), -1 refused or failed with why.
 */
static int
ra_ub_query(struct ub_ctx *ctx, const char *name, int type,
    struct ub_result **out, char *why, size_t whylen)
{
	struct ub_result *r = NULL;
	int err;

	*out = NULL;
	if ((err = ub_resolve(ctx, name, type, 1, &r)) != 0) {
		snprintf(why, whylen, "%s %s: %s", name, ra_rr_name(type),
		    ub_strerror(err));
		return -1;
	}
	if (r->bogus) {
		snprintf(why, whylen, "%s %s: DNSSEC bogus answer refused: %s",
		    name, ra_rr_name(type), r->why_bogus != NULL ?
		    r->why_bogus : "validation failed");
		ub_resolve_free(r);
		return -1;
	}
	if (r->rcode != 0 && !r->nxdomain) {
		snprintf(why, whylen, "%s %s: DNS error (rcode %d)", name,
		    ra_rr_name(type), r->rcode);
		ub_resolve_free(r);
		return -1;
	}
	if (!r->secure) {
		snprintf(why, whylen, "%s %s: insecure answer refused (no "
		    "DNSSEC chain of trust: unsigned zone)", name,
		    ra_rr_name(type));
		ub_resolve_free(r);
		return -1;
	}
	if (!r->havedata) {
		ub_resolve_free(r);
		return 0;
	}
	*out = r;
	return 1;
}

/* TXT RDATA: character-strings, each scanned on its own. */
static int
ra_scan_txt(const unsigned char *p, size_t len,
    int (*fn)(const char *, void *), void *arg)
{
	size_t i = 0;

	while (i < len) {
		size_t n = p[i++];

		if (n > len - i)
			return 0;
		if (ra_value_scan(p + i, n, fn, arg))
			return 1;
		i += n;
	}
	return 0;
}

/* A wire-format name: each label scanned on its own. */
static int
ra_scan_name(const unsigned char *p, size_t len,
    int (*fn)(const char *, void *), void *arg)
{
	size_t i = 0;

	while (i < len && p[i] != 0) {
		size_t n = p[i++];

		if (n > 63 || n > len - i)
			return 0;
		if (ra_value_scan(p + i, n, fn, arg))
			return 1;
		i += n;
	}
	return 0;
}

/* CAA RDATA (RFC 8659 §4.1): flags, tag length, tag, value. */
static int
ra_caa_split(const unsigned char *p, size_t len, int *flags,
    char tag[16], const unsigned char **value, size_t *vlen)
{
	size_t tlen;

	if (len < 2 || (tlen = p[1]) == 0 || tlen > 15 || tlen > len - 2)
		return 0;
	*flags = p[0];
	memcpy(tag, p + 2, tlen);
	tag[tlen] = '\0';
	*value = p + 2 + tlen;
	*vlen = len - 2 - tlen;
	return 1;
}

static int
ra_scan_caa(const unsigned char *p, size_t len,
    int (*fn)(const char *, void *), void *arg)
{
	const unsigned char *v;
	char tag[16];
	size_t vlen;
	int flags;

	return ra_caa_split(p, len, &flags, tag, &v, &vlen) &&
	    ra_value_scan(v, vlen, fn, arg);
}

int
ra_dns_find(const struct conf *conf, const char *name,
    int (*fn)(const char *token, void *arg), void *arg,
    char *why, size_t whylen)
{
	static const int types[] = { RR_TXT, RR_CNAME, RR_CAA };
	struct ub_ctx *ctx;
	struct ub_result *r;
	int found = 0, rc = 0, seen = 0;

	if ((ctx = ra_ub_new(conf, why, whylen)) == NULL)
		return -1;
	for (size_t t = 0; !found && t < sizeof(types) / sizeof(types[0]);
	    t++) {
		if ((rc = ra_ub_query(ctx, name, types[t], &r, why,
		    whylen)) < 0)
			break;
		if (rc == 0)
			continue;
		for (int i = 0; !found && r->data[i] != NULL; i++) {
			const unsigned char *d = (unsigned char *)r->data[i];
			size_t n = (size_t)r->len[i];

			seen++;
			found = types[t] == RR_TXT ? ra_scan_txt(d, n, fn, arg) :
			    types[t] == RR_CNAME ? ra_scan_name(d, n, fn, arg) :
			    ra_scan_caa(d, n, fn, arg);
		}
		if (found)
			snprintf(why, whylen, "value found in a DNSSEC-secure "
			    "%s record of %s", ra_rr_name(types[t]), name);
		ub_resolve_free(r);
	}
	ub_ctx_delete(ctx);
	if (rc < 0 && !found)
		return -1;
	if (!found)
		snprintf(why, whylen, "value not found in the TXT, CNAME or "
		    "CAA records of %s (%d secure records seen)", name, seen);
	return found;
}

/* --- CAA issuemail (RFC 9495) ------------------------------------------------------ */

/* RFC 8659 §4.2 and RFC 9495: the tags we know. */
static int
ra_caa_tag_known(const char *tag)
{
	static const char *const known[] = { "issue", "issuewild", "iodef",
	    "issuemail", "contactemail", "contactphone" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcasecmp(tag, known[i]) == 0)
			return 1;
	return 0;
}

/*
 * RFC 9495 §3 (as RFC 8659 §4.2 for issue): the value is an optional
 * issuer domain name, then ";"-separated parameters. 1 if it names one of
 * ours; an empty name authorises no one.
 */
static int
ra_caa_names_us(const struct conf *conf, const unsigned char *v,
    size_t vlen)
{
	const struct conf_list *ids = &conf->validation.caa_identities;
	size_t a = 0, b;

	while (a < vlen && (v[a] == ' ' || v[a] == '\t'))
		a++;
	for (b = a; b < vlen && v[b] != ';' && v[b] != ' ' && v[b] != '\t';)
		b++;
	if (b == a)
		return 0;
	for (size_t i = 0; i < ids->n; i++)
		if (strlen(ids->v[i]) == b - a &&
		    strncasecmp(ids->v[i], (const char *)v + a, b - a) == 0)
			return 1;
	return 0;
}

/* Decides on one relevant CAA RRset: 1 permit, 0 refuse. */
static int
ra_caa_decide(const struct conf *conf, const char *at,
    const struct ub_result *r, char *why, size_t whylen)
{
	int issuemail = 0, ours = 0;

	for (int i = 0; r->data[i] != NULL; i++) {
		const unsigned char *v;
		char tag[16];
		size_t vlen;
		int flags;

		if (!ra_caa_split((unsigned char *)r->data[i],
		    (size_t)r->len[i], &flags, tag, &v, &vlen)) {
			snprintf(why, whylen, "CAA at %s: malformed record", at);
			return 0;
		}
		/* RFC 8659 §4.1: an unknown critical property forbids. */
		if ((flags & 0x80) && !ra_caa_tag_known(tag)) {
			snprintf(why, whylen, "CAA at %s: critical unknown "
			    "property \"%s\" (RFC 8659 §4.1)", at, tag);
			return 0;
		}
		if (strcasecmp(tag, "issuemail") != 0)
			continue;
		issuemail++;
		if (ra_caa_names_us(conf, v, vlen))
			ours = 1;
	}
	if (issuemail == 0) {
		snprintf(why, whylen, "CAA at %s has no issuemail property: "
		    "S/MIME issuance not restricted (RFC 9495)", at);
		return 1;
	}
	if (ours) {
		snprintf(why, whylen, "CAA issuemail at %s names this CA", at);
		return 1;
	}
	snprintf(why, whylen, "CAA issuemail at %s does not name this CA "
	    "(RFC 9495, SBR 4.2.2.1)", at);
	return 0;
}

int
ra_dns_caa_issuemail(const struct conf *conf, const char *domain,
    char *why, size_t whylen)
{
	struct ub_ctx *ctx;
	struct ub_result *r = NULL;
	const char *name = domain;
	int rc = 1;

	if ((ctx = ra_ub_new(conf, why, whylen)) == NULL)
		return -1;
	/* RFC 8659 §3: climb from the domain towards the root. */
	for (;;) {
		int q = ra_ub_query(ctx, name, RR_CAA, &r, why, whylen);

		if (q < 0) {
			rc = -1;
			break;
		}
		if (q == 1) {
			rc = ra_caa_decide(conf, name, r, why, whylen);
			ub_resolve_free(r);
			break;
		}
		if ((name = strchr(name, '.')) == NULL || *++name == '\0') {
			snprintf(why, whylen, "no CAA records for %s or its "
			    "parents: issuance not restricted", domain);
			break;
		}
	}
	ub_ctx_delete(ctx);
	return rc;
}
