/*
 * Tests of src/conf/conf.c and src/conf/conf_check.c: the shipped example
 * configuration loads, and each kind of mistake is refused before anything
 * is created, with a message naming the section and key.
 *
 * Each case edits the example (etc/inkan.conf.example, found through
 * INKAN_SOURCE_DIR) in memory, writes it to a temporary file and captures
 * what conf_load writes to standard error.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/conf.h"

struct env {
	char	 dir[64];
	char	*example;	/* the example configuration text */
	char	 path[128];	/* the file each case writes */
	char	 errpath[128];	/* captured standard error */
	char	*err;		/* what the last load logged */
};

static struct env *E;

static char *
slurp(const char *path, size_t *lenp)
{
	char *buf = NULL;
	long len;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)) != NULL) {
		if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
			if (lenp != NULL)
				*lenp = (size_t)len;
		}
	}
	fclose(fp);
	return buf;
}

static int
setup(void **state)
{
	const char *src = getenv("INKAN_SOURCE_DIR");
	char path[1024];

	(void)state;
	if ((E = calloc(1, sizeof(*E))) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/etc/inkan.conf.example",
	    src != NULL ? src : ".");
	if ((E->example = slurp(path, NULL)) == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	snprintf(E->dir, sizeof(E->dir), "/tmp/inkan-test-conf.XXXXXX");
	if (mkdtemp(E->dir) == NULL)
		return -1;
	snprintf(E->path, sizeof(E->path), "%s/inkan.conf", E->dir);
	snprintf(E->errpath, sizeof(E->errpath), "%s/stderr", E->dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (E == NULL)
		return 0;
	unlink(E->path);
	unlink(E->errpath);
	rmdir(E->dir);
	free(E->example);
	free(E->err);
	free(E);
	return 0;
}

/* Writes len bytes to the case file and loads it, capturing stderr. */
static struct conf *
load_bytes(const char *text, size_t len)
{
	struct conf *c;
	FILE *fp;
	int fd, saved;

	assert_non_null(fp = fopen(E->path, "wb"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	fflush(stderr);
	assert_true((saved = dup(2)) >= 0);
	assert_true((fd = open(E->errpath, O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) >= 0);
	assert_true(dup2(fd, 2) == 2);
	close(fd);
	c = conf_load(E->path);
	fflush(stderr);
	assert_true(dup2(saved, 2) == 2);
	close(saved);
	free(E->err);
	E->err = slurp(E->errpath, NULL);
	assert_non_null(E->err);
	return c;
}

static struct conf *
load(const char *text)
{
	return load_bytes(text, strlen(text));
}

/* A copy of text with the first `old` after `after` (or anywhere if
 * NULL) replaced by `new`; fails the test if there is none. */
static char *
edit(const char *text, const char *after, const char *old, const char *new)
{
	const char *from = text, *hit;
	char *out;
	size_t n;

	if (after != NULL) {
		from = strstr(text, after);
		if (from == NULL)
			fail_msg("no '%s' in the example", after);
	}
	if ((hit = strstr(from, old)) == NULL)
		fail_msg("no '%s' in the example after '%s'", old,
		    after != NULL ? after : "");
	n = strlen(text) - strlen(old) + strlen(new) + 1;
	assert_non_null(out = malloc(n));
	snprintf(out, n, "%.*s%s%s", (int)(hit - text), text, new,
	    hit + strlen(old));
	return out;
}

/* Every occurrence of old replaced by new. */
static char *
edit_all(const char *text, const char *old, const char *new)
{
	char *cur = strdup(text), *next;

	assert_non_null(cur);
	while (strstr(cur, old) != NULL) {
		next = edit(cur, NULL, old, new);
		free(cur);
		cur = next;
	}
	return cur;
}

/* Loads text expecting a refusal that logs each of the wanted strings. */
static void
refused(const char *text, const char *want, const char *want2)
{
	struct conf *c = load(text);

	if (c != NULL) {
		conf_free(c);
		fail_msg("configuration accepted; wanted '%s'", want);
	}
	if (strstr(E->err, want) == NULL)
		fail_msg("stderr lacks '%s':\n%s", want, E->err);
	if (want2 != NULL && strstr(E->err, want2) == NULL)
		fail_msg("stderr lacks '%s':\n%s", want2, E->err);
}

/* Edits the example once and expects a refusal. */
static void
refused_edit(const char *after, const char *old, const char *new,
    const char *want, const char *want2)
{
	char *text = edit(E->example, after, old, new);

	refused(text, want, want2);
	free(text);
}

static void
accepted(const char *text)
{
	struct conf *c = load(text);

	if (c == NULL)
		fail_msg("configuration refused:\n%s", E->err);
	conf_free(c);
}

static void
accepted_edit(const char *after, const char *old, const char *new)
{
	char *text = edit(E->example, after, old, new);

	accepted(text);
	free(text);
}

/* The shipped example is the CP's hierarchy (CP-1.1, CP-1.2). */
static void
test_example_loads(void **state)
{
	const struct conf_issuing *ic;
	const struct conf_policy *p;
	const struct conf_root *r;
	struct conf *c;

	(void)state;
	c = load(E->example);
	if (c == NULL)
		fail_msg("example refused:\n%s", E->err);
	assert_string_equal(E->err, "");
	assert_int_equal(c->nroots, 3);
	assert_int_equal(c->nissuing, 3);
	assert_int_equal(c->npolicies, 5);
	assert_string_equal(c->base_url, "http://127.0.0.1:8080");
	assert_string_equal(c->ldap_url, "ldap://127.0.0.1:3890");
	assert_int_equal(c->ocsp_validity_months, 4);	/* table 7.3-1 */
	r = conf_root_get(c, "rootca1");
	assert_non_null(r);
	assert_int_equal(r->md, SIGNER_MD_SHA1);
	assert_int_equal(r->key_bits, 2048);
	assert_int_equal(r->validity_days, 7305);
	assert_string_equal(r->subject,
	    "/C=JP/O=SECOM Trust.net/OU=Security Communication RootCA1");
	assert_null(r->ocsp_url);
	assert_int_equal(conf_root_get(c, "rootca2")->md, SIGNER_MD_SHA256);
	assert_int_equal(conf_root_get(c, "rootca3")->md, SIGNER_MD_SHA384);
	assert_int_equal(conf_root_get(c, "rootca3")->key_bits, 4096);
	assert_null(conf_root_get(c, "rootca4"));
	ic = conf_issuing_get(c, "pubca1");
	assert_non_null(ic);
	assert_int_equal(ic->roots.n, 2);
	assert_string_equal(ic->roots.v[0], "rootca1");
	assert_string_equal(ic->roots.v[1], "rootca2");
	assert_int_equal(ic->eku.n, 4);
	assert_string_equal(ic->eku.v[3], "msDocumentSigning");
	assert_int_equal(ic->policies.n, 2);
	assert_int_equal(ic->responder_key_bits, 3072);
	ic = conf_issuing_get(c, "codesign-g1");
	assert_non_null(ic);
	assert_int_equal(ic->eku.n, 1);
	assert_string_equal(ic->eku.v[0], "codeSigning");
	assert_null(conf_issuing_get(c, "pubca3"));
	p = conf_policy_get(c, "smime");
	assert_non_null(p);
	assert_int_equal(p->generation, CONF_SMIME_STRICT);
	assert_string_equal(p->issuer, "pubca2");
	assert_null(p->sha1_oid);
	p = conf_policy_get(c, "client");
	assert_string_equal(p->oid, "1.2.392.200091.100.381.4");
	assert_string_equal(p->sha1_oid, "1.2.392.200091.100.381.1");
	assert_string_equal(conf_policy_get(c, "ocsp")->oid,
	    "1.2.392.200091.100.381.9");
	assert_string_equal(conf_policy_get(c, "codesign")->oid,
	    "1.2.392.200091.100.381.8");
	assert_null(conf_policy_get(c, "server"));
	conf_free(c);
	conf_free(NULL);
}

static void
test_expansion(void **state)
{
	struct conf *c;
	char *text;

	(void)state;
	c = load(E->example);
	assert_non_null(c);
	/* CP-7.1.8 CPS qualifier and the URLs under base_url. */
	assert_string_equal(c->cps_url, "http://127.0.0.1:8080/repository/");
	assert_string_equal(conf_root_get(c, "rootca1")->crl_url,
	    "http://127.0.0.1:8080/repository/SC-Root1/SCRoot1CRL.crl");
	assert_string_equal(conf_root_get(c, "rootca3")->cps_url,
	    "http://127.0.0.1:8080/repository/SC-Root3/");
	assert_string_equal(conf_issuing_get(c, "pubca2")->ocsp_url,
	    "http://127.0.0.1:8080/ocsp/pubca2");
	assert_string_equal(conf_issuing_get(c, "codesign-g1")->ca_issuers_url,
	    "http://127.0.0.1:8080/repository/pfm20pub/codesign-g1/"
	    "codesign-g1.cer");
	conf_free(c);
	/* Several uses in one value, and a base_url given after its uses. */
	text = edit(E->example, NULL, "base_url = http://127.0.0.1:8080\n", "");
	{
		char *t2 = edit(text, "[issuing:pubca1]",
		    "ocsp_url = ${base_url}/ocsp/pubca1",
		    "ocsp_url = ${base_url}/ocsp/${base_url}");
		char *t3;
		size_t n = strlen(t2) + 64;

		assert_non_null(t3 = malloc(n));
		snprintf(t3, n, "%s\n[ca]\nbase_url = https://ca.example.jp\n", t2);
		c = load(t3);
		if (c == NULL)
			fail_msg("refused:\n%s", E->err);
		assert_string_equal(conf_issuing_get(c, "pubca1")->ocsp_url,
		    "https://ca.example.jp/ocsp/https://ca.example.jp");
		assert_string_equal(c->cps_url,
		    "https://ca.example.jp/repository/");
		conf_free(c);
		free(t2);
		free(t3);
	}
	free(text);
}

static void
test_unknown_key(void **state)
{
	(void)state;
	refused_edit("[ca]", "ldap_url =", "colour = blue\nldap_url =",
	    "[ca]: unknown key or section 'colour'", NULL);
	refused_edit("[root:rootca2]", "digest =", "digets = sha256\ndigest =",
	    "[root:rootca2]: unknown key or section 'digets'", NULL);
	refused_edit("[policy:smime]", "generation =", "generatoin = strict\n"
	    "generation =", "[policy:smime]: unknown key or section "
	    "'generatoin'", NULL);
	/* Keys belong to their own kind of section. */
	refused_edit("[issuing:pubca1]", "eku =", "digest = sha256\neku =",
	    "[issuing:pubca1]: unknown key or section 'digest'", NULL);
}

static void
test_unknown_section(void **state)
{
	char *text;
	size_t n;

	(void)state;
	n = strlen(E->example) + 64;
	assert_non_null(text = malloc(n));
	snprintf(text, n, "%s\n[server]\nport = 443\n", E->example);
	refused(text, "[server]: unknown key or section 'port'", NULL);
	snprintf(text, n, "%s\n[root:]\nkey_bits = 2048\n", E->example);
	refused(text, "[root:]: unknown key or section 'key_bits'", NULL);
	snprintf(text, n, "%s\n[root:Root CA]\nkey_bits = 2048\n", E->example);
	refused(text, "[root:Root CA]: unknown key", NULL);
	/* A name the CP does not define (CP-1.2). */
	snprintf(text, n, "%s\n[policy:server]\noid = 1.2.3.4\n", E->example);
	refused(text, "[policy:server] section: unknown policy", NULL);
	free(text);
}

/* CP-6.1.5: CA keys RSA 2048 or 4096. */
static void
test_key_bits(void **state)
{
	(void)state;
	refused_edit("[root:rootca1]", "key_bits = 2048", "key_bits = 1000",
	    "[root:rootca1] key_bits: invalid value '1000'", NULL);
	refused_edit("[root:rootca1]", "key_bits = 2048", "key_bits = 3072",
	    "[root:rootca1] key_bits: CA keys are 2048 or 4096 bits", NULL);
	refused_edit("[root:rootca1]", "key_bits = 2048", "key_bits = 2048x",
	    "[root:rootca1] key_bits: invalid value", NULL);
	refused_edit("[issuing:pubca1]", "key_bits = 2048", "key_bits = 16384",
	    "[issuing:pubca1] key_bits: invalid value '16384'", NULL);
	/* Table 7.1-1: a CA under the sha1 root has an RSA-2048 key. */
	refused_edit("[issuing:pubca1]", "key_bits = 2048", "key_bits = 4096",
	    "[issuing:pubca1] key_bits: a CA under a sha1 root has an RSA-2048 "
	    "key (table 7.1-1)", NULL);
	refused_edit("[issuing:pubca1]", "responder_key_bits = 3072",
	    "responder_key_bits = 1024",
	    "[issuing:pubca1] responder_key_bits: must be 2048, 3072 or 4096",
	    NULL);
}

/* CP-7.1.3: sha1, sha256 or sha384 with RSA. */
static void
test_digest(void **state)
{
	(void)state;
	refused_edit("[root:rootca2]", "digest = sha256", "digest = md5",
	    "[root:rootca2] digest: invalid value 'md5'", NULL);
	refused_edit("[root:rootca2]", "digest = sha256", "digest = SHA256",
	    "[root:rootca2] digest: invalid value 'SHA256'", NULL);
	refused_edit("[root:rootca2]", "digest = sha256", "digest = sha512",
	    "[root:rootca2] digest: must be sha1, sha256 or sha384", NULL);
}

static void
test_missing_base_url(void **state)
{
	char *text, *text2;

	(void)state;
	/* URLs still use ${base_url}: the expansion names what is missing. */
	text = edit(E->example, NULL, "base_url = http://127.0.0.1:8080\n", "");
	refused(text, "${base_url}", "which [ca] does not set");
	/* Nothing uses it: the check names [ca] base_url. */
	text2 = edit_all(text, "${base_url}", "http://127.0.0.1:8080");
	refused(text2, "[ca] base_url: missing", NULL);
	free(text);
	free(text2);
	/* ${ldap_url} without ldap_url. */
	text = edit(E->example, NULL, "ldap_url = ldap://127.0.0.1:3890\n", "");
	text2 = edit(text, "[issuing:pubca1]", "crl_url = ${base_url}",
	    "crl_url = ${ldap_url}");
	refused(text2, "${ldap_url}", "which [ca] does not set");
	free(text);
	free(text2);
}

static void
test_url_scheme(void **state)
{
	(void)state;
	refused_edit("[issuing:pubca1]", "crl_url = ${base_url}",
	    "crl_url = ftp://127.0.0.1",
	    "[issuing:pubca1] crl_url: must be an http:// or https:// URL", NULL);
	refused_edit("[root:rootca3]", "cps_url = ${base_url}",
	    "cps_url = www.example.jp",
	    "[root:rootca3] cps_url: must be an http:// or https:// URL", NULL);
	refused_edit("[ca]", "base_url = http://127.0.0.1:8080",
	    "base_url = 127.0.0.1:8080",
	    "[ca] base_url: must be an http:// or https:// URL", NULL);
	refused_edit("[issuing:pubca2]", "ocsp_url = ${base_url}/ocsp/pubca2",
	    "ocsp_url = ${base_url}/ocsp/pub ca2",
	    "[issuing:pubca2] ocsp_url: not a valid URL", NULL);
	refused_edit("[ca]", "ldap_url = ldap://", "ldap_url = http://",
	    "[ca] ldap_url: must be an ldap:// URL", NULL);
	/* LDAP publication: a bind DN needs its password; where to write. */
	refused_edit("[ca]", "ldap_url = ldap://127.0.0.1:3890",
	    "ldap_url = ldap://127.0.0.1:3890\nldap_bind_dn = cn=inkan,c=JP",
	    "[ca] ldap_bind_password_file: is required with ldap_bind_dn",
	    NULL);
	refused_edit("[ca]", "ldap_url = ldap://127.0.0.1:3890",
	    "ldap_url = ldap://127.0.0.1:3890\n"
	    "ldap_publish_url = http://127.0.0.1:3890",
	    "[ca] ldap_publish_url: must be an ldap://, ldaps:// or ldapi:// URL",
	    NULL);
	accepted_edit("[ca]", "ldap_url = ldap://127.0.0.1:3890",
	    "ldap_url = ldap://127.0.0.1:3890\n"
	    "ldap_publish_url = ldapi:///\nldap_bind_dn = cn=inkan,c=JP\n"
	    "ldap_bind_password_file = ldap.pw");
	accepted_edit("[issuing:pubca1]", "crl_url = ${base_url}",
	    "crl_url = https://127.0.0.1");
}

static void
test_missing_root(void **state)
{
	(void)state;
	refused_edit("[issuing:pubca1]", "roots = rootca1 rootca2",
	    "roots = rootca1 rootca9",
	    "[issuing:pubca1] roots: names a root with no [root:NAME] section",
	    NULL);
	refused_edit("[issuing:pubca1]", "roots = rootca1 rootca2", "roots =",
	    "[issuing:pubca1] roots: missing", NULL);
}

/* CSBR 7.1.3.2: no SHA-1 in a code-signing chain; CSBR 6.1.5.1. */
static void
test_codesign_under_sha1_root(void **state)
{
	(void)state;
	refused_edit("[issuing:codesign-g1]", "roots = rootca3",
	    "roots = rootca1 rootca3",
	    "[issuing:codesign-g1] roots: a sha1 root cannot certify", NULL);
	refused_edit("[issuing:codesign-g1]", "roots = rootca3",
	    "roots = rootca2",
	    "[issuing:codesign-g1] roots: a code-signing chain needs a "
	    "4096-bit root", NULL);
	/* An S/MIME CA under the sha1 root is refused the same way. */
	refused_edit("[issuing:pubca2]", "roots = rootca2 rootca3",
	    "roots = rootca1", "[issuing:pubca2] roots: a sha1 root cannot",
	    NULL);
}

/* CSBR 7.1.2.2, CP-6.1.7: a code-signing CA carries codeSigning alone. */
static void
test_codesign_eku(void **state)
{
	(void)state;
	refused_edit("[issuing:codesign-g1]", "eku = codeSigning",
	    "eku = codeSigning clientAuth",
	    "[issuing:codesign-g1] eku: a code-signing CA carries codeSigning "
	    "alone", NULL);
	refused_edit("[issuing:codesign-g1]", "eku = codeSigning",
	    "eku = timeStamping codeSigning",
	    "[issuing:codesign-g1] eku: a code-signing CA", NULL);
	refused_edit("[issuing:codesign-g1]", "eku = codeSigning", "eku =",
	    "[issuing:codesign-g1] eku: missing", NULL);
	refused_edit("[issuing:codesign-g1]", "eku = codeSigning",
	    "eku = codesigning",
	    "[issuing:codesign-g1] eku: unknown EKU name", NULL);
	/* CP-4.9.9: OCSP is mandatory for code signing. */
	refused_edit("[issuing:codesign-g1]", "ocsp_url = ${base_url}/ocsp/"
	    "codesign-g1\n", "", "[issuing:codesign-g1] ocsp_url: OCSP is "
	    "mandatory", NULL);
	/* CSBR 6.1.5.1: code-signing CA keys are RSA-4096. */
	refused_edit("[issuing:codesign-g1]", "key_bits = 4096",
	    "key_bits = 2048", "[issuing:codesign-g1] key_bits: code-signing "
	    "CA keys are RSA-4096", NULL);
}

/* SBR 7.1.2.2: emailProtection and at most clientAuth besides. */
static void
test_smime_ca(void **state)
{
	(void)state;
	refused_edit("[issuing:pubca2]", "eku = emailProtection clientAuth",
	    "eku = emailProtection clientAuth codeSigning",
	    "[issuing:pubca2] eku: an S/MIME CA carries only emailProtection",
	    NULL);
	refused_edit("[issuing:pubca2]", "eku = emailProtection clientAuth",
	    "eku = emailProtection smartcardLogon clientAuth",
	    "[issuing:pubca2] eku: an S/MIME CA carries only", NULL);
	accepted_edit("[issuing:pubca2]", "eku = emailProtection clientAuth",
	    "eku = emailProtection");
	/* SBR 6.1.5 (ballot SMC017): 4096-bit S/MIME CA keys. */
	refused_edit("[issuing:pubca2]", "key_bits = 4096", "key_bits = 2048",
	    "[issuing:pubca2] key_bits: S/MIME CA keys", NULL);
	/* CP-7.1: smartcardLogon needs clientAuth, in CAs too. */
	refused_edit("[issuing:pubca1]", "eku = clientAuth smartcardLogon",
	    "eku = smartcardLogon",
	    "[issuing:pubca1] eku: smartcardLogon needs clientAuth", NULL);
}

/* SBR 6.3.2: 825 days; CSBR 6.3.2: 460 days. */
static void
test_validity(void **state)
{
	(void)state;
	refused_edit("[policy:smime]", "validity_days = 365",
	    "validity_days = 900",
	    "[policy:smime] validity_days: S/MIME certificates last at most "
	    "825 days", NULL);
	accepted_edit("[policy:smime]", "validity_days = 365",
	    "validity_days = 825");
	refused_edit("[policy:codesign]", "validity_days = 365",
	    "validity_days = 500",
	    "[policy:codesign] validity_days: code-signing certificates last "
	    "at most 460 days", NULL);
	refused_edit("[policy:codesign]", "validity_days = 365",
	    "validity_days = 461", "[policy:codesign] validity_days", NULL);
	accepted_edit("[policy:codesign]", "validity_days = 365",
	    "validity_days = 460");
	refused_edit("[policy:client]", "validity_days = 365",
	    "validity_days = 0", "[policy:client] validity_days: invalid "
	    "value '0'", NULL);
	refused_edit("[policy:client]", "validity_days = 365",
	    "validity_days = -5", "[policy:client] validity_days: invalid",
	    NULL);
	refused_edit("[policy:ocsp]", "validity_months = 4",
	    "validity_months = 13",
	    "[policy:ocsp] validity_months: invalid value '13'", NULL);
	refused_edit("[policy:smime]", "generation = strict",
	    "generation = legacy",
	    "[policy:smime] generation: invalid value 'legacy'", NULL);
}

static void
test_policy_issuer(void **state)
{
	(void)state;
	/* pubca2 lists only smime; pubca1 no longer issues "document". */
	refused_edit("[policy:document]", "issuer = pubca1", "issuer = pubca2",
	    "[policy:document] issuer: that CA does not list this policy",
	    "[issuing:pubca1] policies: each policy listed needs");
	refused_edit("[policy:document]", "issuer = pubca1", "issuer = pubca9",
	    "[policy:document] issuer: names no [issuing:NAME] section", NULL);
	refused_edit("[issuing:pubca2]", "policies = smime",
	    "policies = smime codesign",
	    "[issuing:pubca2] policies: each policy listed needs a "
	    "[policy:NAME] section whose issuer is this CA", NULL);
	refused_edit("[policy:client]", "issuer = pubca1\n", "",
	    "[policy:client] issuer: missing", NULL);
	refused_edit(NULL, "[policy:ocsp]", "[policy:ocsp-old]",
	    "[policy:ocsp] section: missing", NULL);
	refused_edit("[policy:client]", "oid = 1.2.392.200091.100.381.4",
	    "oid = 1.2.392.x", "[policy:client] oid: not a dotted numeric",
	    NULL);
}

/* Table 7.1-4 exists for client and document only; never CABF ones. */
static void
test_sha1_oid(void **state)
{
	(void)state;
	refused_edit("[policy:codesign]", "issuer = codesign-g1",
	    "issuer = codesign-g1\nsha1_oid = 1.2.392.200091.100.381.7",
	    "[policy:codesign] sha1_oid: only the client and document "
	    "policies have a sha1 profile", NULL);
	refused_edit("[policy:smime]", "issuer = pubca2",
	    "issuer = pubca2\nsha1_oid = 1.2.392.200091.100.381.1",
	    "[policy:smime] sha1_oid: only the client and document", NULL);
}

static void
test_nul_byte(void **state)
{
	size_t len = strlen(E->example);
	char *text;

	(void)state;
	assert_non_null(text = strdup(E->example));
	text[len / 2] = '\0';
	assert_null(load_bytes(text, len));
	assert_non_null(strstr(E->err, "contains a NUL byte"));
	assert_non_null(strstr(E->err, E->path));
	free(text);
}

/* The line number of the first line of text that starts with prefix. */
static int
line_of(const char *text, const char *prefix)
{
	int line = 1;

	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1, line++) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return line;
		if (strchr(p, '\n') == NULL)
			break;
	}
	fail_msg("no line starting with '%s'", prefix);
	return -1;
}

static void
test_syntax_error(void **state)
{
	char want[256], *text;

	(void)state;
	text = edit(E->example, "[root:rootca2]", "digest = sha256",
	    "this line has no equals sign\ndigest = sha256");
	snprintf(want, sizeof(want), "%s:%d: syntax error", E->path,
	    line_of(text, "this line has no"));
	refused(text, want, NULL);
	free(text);
	text = edit(E->example, "[policy:smime]", "[policy:codesign]",
	    "[policy:codesign");
	snprintf(want, sizeof(want), "%s:%d: syntax error", E->path,
	    line_of(text, "[policy:codesign"));
	refused(text, want, NULL);
	free(text);
}

static void
test_missing_file(void **state)
{
	char path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.conf", E->dir);
	assert_null(conf_load(path));
	assert_null(conf_load(E->dir));	/* a folder */
}

static void
test_bad_dn(void **state)
{
	(void)state;
	refused_edit("[root:rootca1]", "subject = /C=JP", "subject = C=JP",
	    "[root:rootca1] subject: distinguished name must start with '/'",
	    NULL);
	refused_edit("[issuing:pubca2]", "subject = /C=JP", "subject = /C=jp",
	    "[issuing:pubca2] subject: C: must be a two-letter", NULL);
	refused_edit("[issuing:pubca1]", "responder_subject = /C=JP/",
	    "responder_subject = /C=JP/emailAddress=ocsp@example.jp/",
	    "[issuing:pubca1] responder_subject: attribute 'emailAddress'",
	    NULL);
}

/*
 * inih reads at most INI_MAX_LINE (200) bytes a line; the rest of a longer
 * line is read as a line of its own. A value must never be cut short
 * silently: either the whole line is read, or the file is refused with a
 * message naming the line. Here the tail of the subject line begins with
 * '#', which inih takes for a comment line.
 */
static void
test_long_line_not_truncated(void **state)
{
	char st[75], l[75], dn[400], line[512], want[256], *text;
	const struct conf_issuing *ic;
	struct conf *c;

	(void)state;
	memset(st, 'S', sizeof(st) - 1);
	st[sizeof(st) - 1] = '\0';
	memset(l, 'L', sizeof(l) - 1);
	l[sizeof(l) - 1] = '\0';
	/* 74 + 74 filler bytes put the "#2" at byte 199 of the line. */
	snprintf(dn, sizeof(dn), "/C=JP/ST=%s/L=%s/O=Example/OU=Unit #2/"
	    "CN=Responder", st, l);
	snprintf(line, sizeof(line), "responder_subject = %s", dn);
	assert_int_equal(strchr(line, '#') - line, 199);
	text = edit(E->example, "[issuing:pubca1]", "responder_subject = ",
	    "responder_subject = /C=JP/O=X\n;");
	{
		char *t2 = edit(text, "[issuing:pubca1]",
		    "responder_subject = /C=JP/O=X", line);

		free(text);
		text = t2;
	}
	c = load(text);
	if (c != NULL) {
		ic = conf_issuing_get(c, "pubca1");
		if (strcmp(ic->responder_subject, dn) != 0)
			fail_msg("responder_subject silently cut to '%s'",
			    ic->responder_subject);
		conf_free(c);
	} else {
		snprintf(want, sizeof(want), "%s:%d", E->path,
		    line_of(text, "responder_subject = /C=JP/ST="));
		if (strstr(E->err, want) == NULL)
			fail_msg("refused without naming line %s:\n%s", want,
			    E->err);
	}
	free(text);
	/* A line of 197 bytes is read whole. */
	memset(st, 'S', 71);
	st[71] = '\0';
	memset(l, 'L', 71);
	l[71] = '\0';
	snprintf(dn, sizeof(dn), "/C=JP/ST=%s/L=%s/O=Example/CN=Responder", st,
	    l);
	snprintf(line, sizeof(line), "responder_subject = %s", dn);
	assert_int_equal(strlen(line), 197);
	text = edit(E->example, "[issuing:pubca1]", "responder_subject = ",
	    "responder_subject = /C=JP/O=X\n;");
	{
		char *t2 = edit(text, "[issuing:pubca1]",
		    "responder_subject = /C=JP/O=X", line);

		free(text);
		text = t2;
	}
	c = load(text);
	if (c == NULL)
		fail_msg("197-byte line refused:\n%s", E->err);
	assert_string_equal(conf_issuing_get(c, "pubca1")->responder_subject,
	    dn);
	conf_free(c);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_key_bits),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_missing_base_url),
		cmocka_unit_test(test_url_scheme),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_codesign_under_sha1_root),
		cmocka_unit_test(test_codesign_eku),
		cmocka_unit_test(test_smime_ca),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_policy_issuer),
		cmocka_unit_test(test_sha1_oid),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_dn),
		cmocka_unit_test(test_long_line_not_truncated),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
