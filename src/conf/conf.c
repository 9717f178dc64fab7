#include "conf/conf.h"
#include "conf/conf_check.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "util/file.h"
#include "util/log.h"
#include "x509/oid.h"

/* Parser state handed to the inih callback. */
struct conf_parse {
	struct conf	*conf;
	int		 errors;
};

static const char *const conf_md_names[SIGNER_MD_MAX] = {
	"sha1", "sha256", "sha384", "sha512"
};

int
conf_parse_md(const char *s, enum signer_md *md)
{
	for (int i = 0; i < SIGNER_MD_MAX; i++) {
		if (strcmp(s, conf_md_names[i]) == 0) {
			*md = (enum signer_md)i;
			return 1;
		}
	}
	return 0;
}

static int
conf_set_str(char **dst, const char *value)
{
	char *s;

	if ((s = strdup(value)) == NULL)
		return 0;
	free(*dst);
	*dst = s;
	return 1;
}

static int
conf_set_int(int *dst, const char *value, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
		return 0;
	*dst = (int)v;
	return 1;
}

static int
conf_set_bool(int *dst, const char *value)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0) {
		*dst = 1;
		return 1;
	}
	if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0) {
		*dst = 0;
		return 1;
	}
	return 0;
}

static int
conf_set_bits(unsigned int *dst, const char *value)
{
	int v;

	if (!conf_set_int(&v, value, 1024, 8192))
		return 0;
	*dst = (unsigned int)v;
	return 1;
}

/* Splits a space-separated list; more than CONF_LIST_MAX items fails. */
static int
conf_set_list(struct conf_list *l, const char *value)
{
	const char *p = value, *start;

	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		if (l->n == CONF_LIST_MAX)
			return 0;
		if ((l->v[l->n] = strndup(start, (size_t)(p - start))) == NULL)
			return 0;
		l->n++;
	}
	return 1;
}

/* Finds or creates the named entry of one of the section arrays. */
#define CONF_ENTRY(arr, count, max, nm, out) do {			\
	(out) = NULL;							\
	for (size_t i_ = 0; i_ < (count); i_++)				\
		if (strcmp((arr)[i_].name, (nm)) == 0)			\
			(out) = &(arr)[i_];				\
	if ((out) == NULL && (count) < (max)) {				\
		(out) = &(arr)[(count)];				\
		if (((out)->name = strdup(nm)) == NULL)			\
			(out) = NULL;					\
		else							\
			(count)++;					\
	}								\
} while (0)

static int
conf_key_ca(struct conf *c, const char *key, const char *value)
{
	if (strcmp(key, "base_url") == 0)
		return conf_set_str(&c->base_url, value);
	if (strcmp(key, "ldap_url") == 0)
		return conf_set_str(&c->ldap_url, value);
	if (strcmp(key, "cps_url") == 0)
		return conf_set_str(&c->cps_url, value);
	if (strcmp(key, "ldap_publish_url") == 0)
		return conf_set_str(&c->ldap_publish_url, value);
	if (strcmp(key, "ldap_bind_dn") == 0)
		return conf_set_str(&c->ldap_bind_dn, value);
	if (strcmp(key, "ldap_bind_password_file") == 0)
		return conf_set_str(&c->ldap_bind_password_file, value);
	/* CP-5.5.5: seconds the clock may lag the store's last event. */
	if (strcmp(key, "clock_tolerance") == 0)
		return conf_set_int(&c->clock_tolerance, value, 0, 86400);
	if (strcmp(key, "auto_backup_dir") == 0)
		return conf_set_str(&c->auto_backup_dir, value);
	if (strcmp(key, "auto_backup_keep") == 0)
		return conf_set_int(&c->auto_backup_keep, value, 1, 1000);
	return -1;
}

static int
conf_key_root(struct conf_root *r, const char *key, const char *value)
{
	if (strcmp(key, "subject") == 0)
		return conf_set_str(&r->subject, value);
	if (strcmp(key, "key_bits") == 0)
		return conf_set_bits(&r->key_bits, value);
	if (strcmp(key, "digest") == 0)
		return conf_parse_md(value, &r->md);
	if (strcmp(key, "validity_days") == 0)
		return conf_set_int(&r->validity_days, value, 1, 36525);
	if (strcmp(key, "policy_oid") == 0)
		return conf_set_str(&r->policy_oid, value);
	if (strcmp(key, "cps_url") == 0)
		return conf_set_str(&r->cps_url, value);
	if (strcmp(key, "crl_url") == 0)
		return conf_set_str(&r->crl_url, value);
	if (strcmp(key, "ocsp_url") == 0)
		return conf_set_str(&r->ocsp_url, value);
	if (strcmp(key, "ca_issuers_url") == 0)
		return conf_set_str(&r->ca_issuers_url, value);
	return -1;
}

static int
conf_key_issuing(struct conf_issuing *ca, const char *key, const char *value)
{
	if (strcmp(key, "subject") == 0)
		return conf_set_str(&ca->subject, value);
	if (strcmp(key, "key_bits") == 0)
		return conf_set_bits(&ca->key_bits, value);
	if (strcmp(key, "validity_days") == 0)
		return conf_set_int(&ca->validity_days, value, 1, 36525);
	if (strcmp(key, "roots") == 0)
		return conf_set_list(&ca->roots, value);
	if (strcmp(key, "eku") == 0)
		return conf_set_list(&ca->eku, value);
	if (strcmp(key, "policies") == 0)
		return conf_set_list(&ca->policies, value);
	if (strcmp(key, "crl_url") == 0)
		return conf_set_str(&ca->crl_url, value);
	if (strcmp(key, "ocsp_url") == 0)
		return conf_set_str(&ca->ocsp_url, value);
	if (strcmp(key, "ca_issuers_url") == 0)
		return conf_set_str(&ca->ca_issuers_url, value);
	if (strcmp(key, "responder_subject") == 0)
		return conf_set_str(&ca->responder_subject, value);
	if (strcmp(key, "responder_key_bits") == 0)
		return conf_set_bits(&ca->responder_key_bits, value);
	if (strcmp(key, "crl_shards") == 0)
		return conf_set_int(&ca->crl_shards, value, 1, 256);
	return -1;
}

static int
conf_key_policy(struct conf *c, struct conf_policy *p, const char *key,
    const char *value)
{
	if (strcmp(key, "oid") == 0)
		return conf_set_str(&p->oid, value);
	if (strcmp(key, "sha1_oid") == 0)
		return conf_set_str(&p->sha1_oid, value);
	if (strcmp(key, "issuer") == 0)
		return conf_set_str(&p->issuer, value);
	if (strcmp(key, "validity_days") == 0)
		return conf_set_int(&p->validity_days, value, 1, 36525);
	if (strcmp(key, "validity_months") == 0)
		return conf_set_int(&c->ocsp_validity_months, value, 1, 12);
	if (strcmp(key, "generation") == 0) {
		if (strcmp(value, "strict") == 0)
			p->generation = CONF_SMIME_STRICT;
		else if (strcmp(value, "multipurpose") == 0)
			p->generation = CONF_SMIME_MULTIPURPOSE;
		else
			return 0;
		return 1;
	}
	return -1;
}

/* [validation] (src/ra/validation.h). */
static int
conf_key_validation(struct conf_validation *v, const char *key,
    const char *value)
{
	if (strcmp(key, "allow_constructed_addresses") == 0) {
		if (strcmp(value, "yes") == 0)
			v->allow_constructed = 1;
		else if (strcmp(value, "no") == 0)
			v->allow_constructed = 0;
		else
			return 0;
		return 1;
	}
	if (strcmp(key, "dns_trust_anchor") == 0)
		return conf_set_str(&v->dns_trust_anchor, value);
	if (strcmp(key, "dns_stub") == 0)
		return conf_set_list(&v->dns_stub, value);
	if (strcmp(key, "dns_forward") == 0)
		return conf_set_str(&v->dns_forward, value);
	if (strcmp(key, "http_connect_to") == 0)
		return conf_set_list(&v->http_connect_to, value);
	if (strcmp(key, "caa_identities") == 0)
		return conf_set_list(&v->caa_identities, value);
	if (strcmp(key, "confirm_url") == 0)
		return conf_set_str(&v->confirm_url, value);
	return -1;
}

static int
conf_key_mail(struct conf_mail *m, const char *key, const char *value)
{
	if (strcmp(key, "smtp_url") == 0)
		return conf_set_str(&m->smtp_url, value);
	if (strcmp(key, "from") == 0)
		return conf_set_str(&m->from, value);
	if (strcmp(key, "ca_file") == 0)
		return conf_set_str(&m->ca_file, value);
	if (strcmp(key, "timeout") == 0)
		return conf_set_int(&m->timeout, value, 1, 600);
	if (strcmp(key, "require_tls") == 0)
		return conf_set_bool(&m->require_tls, value);
	return -1;
}

/* Returns 1 if stored, 0 for a bad value, -1 for an unknown key/section. */
static int
conf_dispatch(struct conf *c, const char *section, const char *key,
    const char *value)
{
	const char *colon = strchr(section, ':');
	const char *nm = colon != NULL ? colon + 1 : NULL;
	struct conf_root *r;
	struct conf_issuing *ca;
	struct conf_policy *p;

	if (strcmp(section, "ca") == 0)
		return conf_key_ca(c, key, value);
	if (strcmp(section, "validation") == 0)
		return conf_key_validation(&c->validation, key, value);
	if (strcmp(section, "mail") == 0)
		return conf_key_mail(&c->mail, key, value);
	/* [ra]: applications (src/ra/app.c). */
	if (strcmp(section, "ra") == 0)
		return strcmp(key, "suspicious_list") == 0 ?
		    conf_set_str(&c->ra_suspicious_list, value) : -1;
	if (nm == NULL || *nm == '\0' || !oid_is_name(nm))
		return -1;
	if (strncmp(section, "root:", 5) == 0) {
		CONF_ENTRY(c->roots, c->nroots, CONF_ROOTS_MAX, nm, r);
		return r == NULL ? 0 : conf_key_root(r, key, value);
	}
	if (strncmp(section, "issuing:", 8) == 0) {
		CONF_ENTRY(c->issuing, c->nissuing, CONF_ISSUING_MAX, nm, ca);
		return ca == NULL ? 0 : conf_key_issuing(ca, key, value);
	}
	if (strncmp(section, "policy:", 7) == 0) {
		CONF_ENTRY(c->policies, c->npolicies, CONF_POLICIES_MAX, nm, p);
		return p == NULL ? 0 : conf_key_policy(c, p, key, value);
	}
	return -1;
}

static int
conf_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct conf_parse *st = user;
	int rc;

	if (key == NULL)	/* section start */
		return 1;
	rc = conf_dispatch(st->conf, section, key, value);
	if (rc == 1)
		return 1;
	if (rc == -1)
		log_error("%s: [%s]: unknown key or section '%s'",
		    st->conf->path, section, key);
	else
		log_error("%s: [%s] %s: invalid value '%s'",
		    st->conf->path, section, key, value);
	st->errors++;
	return 0;
}

/* Replaces ${base_url} and ${ldap_url} in *s. */
static int
conf_expand(const struct conf *c, char **s)
{
	static const char *const vars[] = { "${base_url}", "${ldap_url}" };
	const char *vals[] = { c->base_url, c->ldap_url };
	char *out, *hit;
	size_t need;

	if (*s == NULL)
		return 1;
	for (size_t i = 0; i < 2; i++) {
		while ((hit = strstr(*s, vars[i])) != NULL) {
			if (vals[i] == NULL)
				return 0;
			need = strlen(*s) - strlen(vars[i]) + strlen(vals[i]) + 1;
			if ((out = malloc(need)) == NULL)
				return 0;
			snprintf(out, need, "%.*s%s%s", (int)(hit - *s), *s,
			    vals[i], hit + strlen(vars[i]));
			free(*s);
			*s = out;
		}
	}
	return 1;
}

static int
conf_expand_all(struct conf *c)
{
	int ok = conf_expand(c, &c->cps_url);

	for (size_t i = 0; i < c->nroots; i++) {
		struct conf_root *r = &c->roots[i];
		ok &= conf_expand(c, &r->cps_url) & conf_expand(c, &r->crl_url) &
		    conf_expand(c, &r->ocsp_url) &
		    conf_expand(c, &r->ca_issuers_url);
	}
	for (size_t i = 0; i < c->nissuing; i++) {
		struct conf_issuing *ca = &c->issuing[i];
		ok &= conf_expand(c, &ca->crl_url) &
		    conf_expand(c, &ca->ocsp_url) &
		    conf_expand(c, &ca->ca_issuers_url);
	}
	if (!ok)
		log_error("%s: a URL uses ${base_url} or ${ldap_url}, "
		    "which [ca] does not set", c->path);
	return ok;
}

/*
 * inih reads a line in chunks of at most INI_MAX_LINE - 1 bytes and takes
 * the rest of a longer line for a line of its own: a value would be cut
 * short, silently if the rest looks like a comment. Refuse such lines.
 */
static int
conf_check_lines(const char *path, const char *text)
{
	const char *p = text, *nl;
	size_t len;
	int line = 1;

	for (; *p != '\0'; line++) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > INI_MAX_LINE - 3) {
			log_error("%s:%d: line longer than %d bytes", path, line,
			    INI_MAX_LINE - 3);
			return 0;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 1;
}

struct conf *
conf_load(const char *path)
{
	struct conf_parse st = { 0 };
	struct conf *c = NULL, *res = NULL;
	unsigned char *text = NULL;
	size_t len;
	int line;

	if ((text = file_read(path, FILE_READ_MAX, &len)) == NULL)
		goto out;
	if (memchr(text, '\0', len) != NULL) {
		log_error("%s: contains a NUL byte; not a configuration file",
		    path);
		goto out;
	}
	if (!conf_check_lines(path, (const char *)text))
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL)
		goto out;
	c->ocsp_validity_months = 4;
	c->clock_tolerance = CONF_CLOCK_TOLERANCE;
	c->auto_backup_keep = CONF_AUTO_BACKUP_KEEP;
	c->mail.timeout = CONF_MAIL_TIMEOUT;
	st.conf = c;
	line = ini_parse_string((const char *)text, conf_handler, &st);
	if (line != 0 && st.errors == 0)
		log_error("%s:%d: syntax error (expected [section] or "
		    "key = value)", path, line);
	else if (line > 0)
		log_error("%s:%d: configuration rejected", path, line);
	if (line != 0 || st.errors != 0)
		goto out;
	if (!conf_expand_all(c) || !conf_check(c))
		goto out;
	res = c;
	c = NULL;
 out:
	free(text);
	conf_free(c);
	return res;
}

static void
conf_list_free(struct conf_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nroots; i++) {
		struct conf_root *r = &c->roots[i];
		free(r->name); free(r->subject); free(r->policy_oid);
		free(r->cps_url); free(r->crl_url); free(r->ocsp_url);
		free(r->ca_issuers_url);
	}
	for (size_t i = 0; i < c->nissuing; i++) {
		struct conf_issuing *ca = &c->issuing[i];
		free(ca->name); free(ca->subject);
		conf_list_free(&ca->roots); conf_list_free(&ca->eku);
		conf_list_free(&ca->policies);
		free(ca->crl_url); free(ca->ocsp_url); free(ca->ca_issuers_url);
		free(ca->responder_subject);
	}
	for (size_t i = 0; i < c->npolicies; i++) {
		struct conf_policy *p = &c->policies[i];
		free(p->name); free(p->oid); free(p->sha1_oid); free(p->issuer);
	}
	free(c->path); free(c->base_url); free(c->ldap_url); free(c->cps_url);
	free(c->ldap_publish_url); free(c->ldap_bind_dn);
	free(c->auto_backup_dir);
	free(c->ldap_bind_password_file);
	free(c->validation.dns_trust_anchor);
	free(c->validation.dns_forward);
	free(c->validation.confirm_url);
	conf_list_free(&c->validation.dns_stub);
	conf_list_free(&c->validation.http_connect_to);
	conf_list_free(&c->validation.caa_identities);
	free(c->mail.smtp_url); free(c->mail.from); free(c->mail.ca_file);
	free(c->ra_suspicious_list);
	free(c);
}

const struct conf_root *
conf_root_get(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nroots; i++)
		if (strcmp(c->roots[i].name, name) == 0)
			return &c->roots[i];
	return NULL;
}

const struct conf_issuing *
conf_issuing_get(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nissuing; i++)
		if (strcmp(c->issuing[i].name, name) == 0)
			return &c->issuing[i];
	return NULL;
}

const struct conf_policy *
conf_policy_get(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->npolicies; i++)
		if (strcmp(c->policies[i].name, name) == 0)
			return &c->policies[i];
	return NULL;
}
