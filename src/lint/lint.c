#include "lint/lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

const char *
lint_severity_name(enum lint_severity sev)
{
	static const char *const names[LINT_SEVERITY_MAX] = {
		"notice", "warning", "error"
	};

	return (unsigned int)sev < LINT_SEVERITY_MAX ? names[sev] : "?";
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

int
lint_cert(const struct lint_input *in, struct lint_report *rep)
{
	const struct lint_rule *rules;
	enum lint_kind kind;
	size_t n;

	kind = lint_kind_of(in->cert);
	rules = lint_rules(&n);
	for (size_t i = 0; i < n; i++) {
		if ((rules[i].kinds & kind) == 0)
			continue;
		if (rules[i].needs_profile && in->profile == NULL)
			continue;
		rules[i].check(in, rep, &rules[i]);
	}
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
