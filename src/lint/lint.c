#include "lint/checks.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "x509/oid.h"

const char *
lint_severity_name(enum lint_severity sev)
{
	static const char *const names[LINT_SEVERITY_MAX] = {
		"notice", "warning", "error"
	};

	return (unsigned int)sev < LINT_SEVERITY_MAX ? names[sev] : "?";
}

const char *
lint_area_name(enum lint_area area)
{
	static const char *const names[LINT_AREA_MAX] = {
		"RFC 5280", "RFC 6960/5019", "CSBR", "SBR", "CP", "keys"
	};

	return (unsigned int)area < LINT_AREA_MAX ? names[area] : "?";
}

void
lint_fail(struct lint_report *rep, const struct lint_rule *rule,
    const char *fmt, ...)
{
	struct lint_finding *v;
	va_list ap;
	size_t cap;

	if (rep->n == rep->cap) {
		cap = rep->cap == 0 ? 16 : rep->cap * 2;
		if ((v = reallocarray(rep->v, cap, sizeof(*v))) == NULL) {
			/* Still count it: an unrecorded error must refuse. */
			rep->count[rule->severity]++;
			return;
		}
		rep->v = v;
		rep->cap = cap;
	}
	v = &rep->v[rep->n++];
	v->rule = rule;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	rep->count[rule->severity]++;
}

enum lint_kind
lint_kind_of(const X509 *x)
{
	uint32_t flags = X509_get_extension_flags((X509 *)x);

	if (flags & EXFLAG_CA)
		return (flags & EXFLAG_SS) ? LINT_KIND_ROOT : LINT_KIND_CA;
	if (X509_get_extended_key_usage((X509 *)x) == XKU_OCSP_SIGN)
		return LINT_KIND_OCSP;
	return LINT_KIND_SUBSCRIBER;
}

void
lint_run(const struct lint_ctx *c, unsigned int kinds,
    struct lint_report *rep)
{
	const struct lint_rule *rules;
	size_t n;

	rules = lint_rules(&n);
	for (size_t i = 0; i < n; i++) {
		if ((rules[i].kinds & kinds) == 0)
			continue;
		if (rules[i].needs_profile && c->profile == NULL)
			continue;
		rules[i].check(c, rep, &rules[i]);
	}
}

int
lint_cert(const struct lint_input *in, struct lint_report *rep)
{
	struct lint_ctx c = { 0 };

	c.cert = in->cert;
	c.kind = lint_kind_of(in->cert);
	c.profile = in->profile;
	c.policy_oid = in->policy_oid;
	c.now = in->now;
	c.pre_issuance = in->pre_issuance;
	c.issuer = in->issuer;
	c.blocklist = in->blocklist != NULL ? in->blocklist :
	    lint_blocklist_default();
	c.key = in->key != NULL ? in->key : X509_get0_pubkey(in->cert);
	lint_ctx_rsa_load(&c);
	/* Key rules see the certificate's public key as they see a CSR's. */
	lint_run(&c, c.kind | (c.key != NULL && !in->key_checked ?
	    LINT_KIND_KEY : 0), rep);
	lint_ctx_rsa_clear(&c);
	return 1;
}

int
lint_key(EVP_PKEY *key, const struct profile *p, struct lint_report *rep)
{
	struct lint_ctx c = { 0 };

	c.key = key;
	c.profile = p;
	c.now = time(NULL);
	c.blocklist = lint_blocklist_default();
	lint_ctx_rsa_load(&c);
	lint_run(&c, LINT_KIND_KEY, rep);
	lint_ctx_rsa_clear(&c);
	return 1;
}

void
lint_report_print(FILE *fp, const char *prefix,
    const struct lint_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		fprintf(fp, "%s%s%s %s %s: %s\n", prefix != NULL ? prefix : "",
		    prefix != NULL ? ": " : "",
		    lint_severity_name(rep->v[i].rule->severity),
		    rep->v[i].rule->id, rep->v[i].rule->source,
		    rep->v[i].message);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
lint_json_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

void
lint_report_json(FILE *fp, const char *file, const struct lint_report *rep,
    int *first)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct lint_rule *r = rep->v[i].rule;

		fputs(*first ? "  " : ",\n  ", fp);
		*first = 0;
		fputs("{\"file\": ", fp);
		lint_json_string(fp, file);
		fputs(", \"rule\": ", fp);
		lint_json_string(fp, r->id);
		fputs(", \"severity\": ", fp);
		lint_json_string(fp, lint_severity_name(r->severity));
		fputs(", \"source\": ", fp);
		lint_json_string(fp, r->source);
		fputs(", \"message\": ", fp);
		lint_json_string(fp, rep->v[i].message);
		fputc('}', fp);
	}
}

void
lint_report_summary(const struct lint_report *rep, enum lint_severity min,
    char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rep->n && used < len; i++) {
		if (rep->v[i].rule->severity < min)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s (%s): %s",
		    used > 0 ? "; " : "", rep->v[i].rule->id,
		    rep->v[i].rule->source, rep->v[i].message);
	}
}

void
lint_report_clear(struct lint_report *rep)
{
	free(rep->v);
	memset(rep, 0, sizeof(*rep));
}

int
lint_report_status(const struct lint_report *rep)
{
	if (rep->count[LINT_ERROR] > 0)
		return 2;
	return rep->count[LINT_WARN] > 0 ? 1 : 0;
}

const struct lint_rule *
lint_rule_by_id(const char *id)
{
	const struct lint_rule *r;
	size_t n;

	r = lint_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].id, id) == 0)
			return &r[i];
	return NULL;
}

/* "root, CA, subscriber, responder", "CRL", "key"... */
static void
lint_kinds_text(unsigned int kinds, char *buf, size_t len)
{
	static const char *const names[] = {
		"root", "CA", "subscriber", "responder", "CRL",
		"OCSP response", "key"
	};
	size_t used = 0;

	buf[0] = '\0';
	if ((kinds & LINT_KIND_ANY) == LINT_KIND_ANY) {
		used = (size_t)snprintf(buf, len, "all certificates");
		kinds &= ~(unsigned int)LINT_KIND_ANY;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((kinds & (1u << i)) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used > 0 ? ", " : "", names[i]);
}

static void
lint_rules_markdown(FILE *fp, const struct lint_rule *r, size_t n)
{
	int count[LINT_AREA_MAX][LINT_SEVERITY_MAX] = { { 0 } };
	char kinds[96];

	for (size_t i = 0; i < n; i++)
		count[r[i].area][r[i].severity]++;
	fprintf(fp, "# Lint rules\n\n"
	    "Generated from the rule table (`src/lint/rules.c`) by\n"
	    "`inkan lint --list-rules --markdown`; `tests/lint/test_docs.c`\n"
	    "fails when this page and the table differ. %zu rules.\n\n"
	    "| area | errors | warnings | notices |\n|---|---|---|---|\n", n);
	for (int a = 0; a < LINT_AREA_MAX; a++)
		fprintf(fp, "| %s | %d | %d | %d |\n", lint_area_name(a),
		    count[a][LINT_ERROR], count[a][LINT_WARN],
		    count[a][LINT_NOTICE]);
	for (int a = 0; a < LINT_AREA_MAX; a++) {
		fprintf(fp, "\n## %s\n\n| id | severity | applies to | source "
		    "| rule |\n|---|---|---|---|---|\n", lint_area_name(a));
		for (size_t i = 0; i < n; i++) {
			if ((int)r[i].area != a)
				continue;
			lint_kinds_text(r[i].kinds, kinds, sizeof(kinds));
			fprintf(fp, "| `%s` | %s | %s%s | %s | %s |\n", r[i].id,
			    lint_severity_name(r[i].severity), kinds,
			    r[i].needs_profile ? " (with a profile)" : "",
			    r[i].source, r[i].summary);
		}
	}
}

void
lint_rules_print(FILE *fp, int markdown)
{
	const struct lint_rule *r;
	size_t n;

	r = lint_rules(&n);
	if (markdown) {
		lint_rules_markdown(fp, r, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s %s %s: %s\n", lint_severity_name(r[i].severity),
		    r[i].id, r[i].source, r[i].summary);
}

static const struct profile *
lint_guess_ca(X509 *x)
{
	switch (X509_get_signature_nid(x)) {
	case NID_sha1WithRSAEncryption:
		return profile_get(PROFILE_CA_SHA1);
	case NID_sha384WithRSAEncryption:
		return profile_get(PROFILE_CA_SHA384);
	default:
		return profile_get(PROFILE_CA_SHA256);
	}
}

const struct profile *
lint_profile_guess(X509 *x)
{
	int sha1 = X509_get_signature_nid(x) == NID_sha1WithRSAEncryption;
	int type = 0, gen = 0;

	switch (lint_kind_of(x)) {
	case LINT_KIND_ROOT:
		return profile_get(PROFILE_ROOT);
	case LINT_KIND_CA:
		return lint_guess_ca(x);
	case LINT_KIND_OCSP:
		return profile_get(PROFILE_OCSP);
	default:
		break;
	}
	if (lint_smime_policy(x, &type, &gen) || lint_eku_has(x,
	    NID_email_protect))
		return profile_get(gen == 2 ? PROFILE_SMIME_MULTIPURPOSE :
		    PROFILE_SMIME_STRICT);
	if (lint_eku_has(x, NID_code_sign))
		return profile_get(PROFILE_CODESIGN);
	if (lint_eku_has_oid(x, oid_eku_by_name("msDocumentSigning")->oid) ||
	    lint_eku_has_oid(x, oid_eku_by_name(
	    "adobeAuthenticDocumentsTrust")->oid))
		return profile_get(sha1 ? PROFILE_DOCUMENT_SHA1 :
		    PROFILE_DOCUMENT);
	if (lint_eku_has(x, NID_client_auth))
		return profile_get(sha1 ? PROFILE_CLIENT_SHA1 : PROFILE_CLIENT);
	return NULL;
}
