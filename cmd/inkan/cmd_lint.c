#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cmd.h"
#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"
#include "x509/profile.h"

/* inkan lint: certificates, CRLs and OCSP responses, PEM or DER. */

enum lint_type {
	LINT_TYPE_AUTO,
	LINT_TYPE_CERT,
	LINT_TYPE_CRL,
	LINT_TYPE_OCSP,
	LINT_TYPE_MAX
};

struct lint_opts {
	enum lint_type	 type;
	const char	*profile;	/* name, "none", or NULL: guess */
	const char	*policy_oid;
	X509		*issuer;
	int		 json;
	int		 pre_issuance;
	time_t		 now;
	int		 worst;
	int		 first;		/* JSON: nothing printed yet */
};

void
cmd_lint_help(void)
{
	printf("usage: inkan lint [--type cert|crl|ocsp] [--profile NAME] "
	    "[--policy-oid OID]\n"
	    "                  [--issuer FILE] [--blocklist FILE] [--json] "
	    "FILE...\n"
	    "       inkan lint --list-rules [--markdown]\n\n"
	    "Checks certificates, CRLs and OCSP responses (PEM or DER; the "
	    "type comes\nfrom the PEM label, or from --type) against RFC 5280, "
	    "RFC 6960/5019, the\nCode Signing and S/MIME BRs, this CP and the "
	    "weak-key rules. Profiles:\nroot, ca-sha1, ca-sha256, ca-sha384, "
	    "client, client-sha1, document,\ndocument-sha1, smime-strict, "
	    "smime-multipurpose, codesign, ocsp; --policy is\nthe same option "
	    "and takes smime too. Without one the profile is guessed from\nthe "
	    "certificate; --profile none runs the RFC and key rules only.\n"
	    "--issuer names the CA certificate, for the chain rules. "
	    "--blocklist (or\nINKAN_LINT_BLOCKLIST) is a file of SHA-256 "
	    "SubjectPublicKeyInfo fingerprints.\nOne line per finding:\n"
	    "  severity rule-id source: message\n"
	    "--json prints an array of {file, rule, severity, source, message}.\n"
	    "Exit status: 0 clean, 1 warnings only, 2 errors (or unreadable).\n");
}

static const struct profile *
lint_pick_profile(const struct lint_opts *o, X509 *x)
{
	const struct profile *guess = lint_profile_guess(x);

	if (o->profile == NULL)
		return guess;
	if (strcmp(o->profile, "none") == 0)
		return NULL;
	if (strcmp(o->profile, "smime") == 0)
		return guess != NULL && guess->rules == PROFILE_RULES_SBR ? guess :
		    profile_get(PROFILE_SMIME_STRICT);
	return profile_by_name(o->profile);
}

static void
lint_emit(struct lint_opts *o, const char *name, struct lint_report *rep)
{
	if (o->json)
		lint_report_json(stdout, name, rep, &o->first);
	else
		lint_report_print(stdout, name, rep);
	if (lint_report_status(rep) > o->worst)
		o->worst = lint_report_status(rep);
	lint_report_clear(rep);
}

static int
lint_one_cert(struct lint_opts *o, const char *name, const unsigned char *der,
    long len)
{
	struct lint_input in = { 0 };
	struct lint_report rep = { 0 };
	const unsigned char *p = der;
	X509 *x;

	if ((x = d2i_X509(NULL, &p, len)) == NULL || p != der + len) {
		X509_free(x);
		return 0;
	}
	in.cert = x;
	in.profile = lint_pick_profile(o, x);
	in.policy_oid = o->policy_oid;
	in.now = o->now;
	in.pre_issuance = o->pre_issuance;
	in.issuer = o->issuer;
	lint_cert(&in, &rep);
	lint_emit(o, name, &rep);
	X509_free(x);
	return 1;
}

static int
lint_one_crl(struct lint_opts *o, const char *name, const unsigned char *der,
    long len)
{
	struct lint_crl_input in = { 0 };
	struct lint_report rep = { 0 };
	const unsigned char *p = der;
	X509_CRL *crl;

	if ((crl = d2i_X509_CRL(NULL, &p, len)) == NULL || p != der + len) {
		X509_CRL_free(crl);
		return 0;
	}
	in.crl = crl;
	in.issuer = o->issuer;
	in.now = o->now;
	in.pre_issuance = o->pre_issuance;
	lint_crl(&in, &rep);
	lint_emit(o, name, &rep);
	X509_CRL_free(crl);
	return 1;
}

static int
lint_one_ocsp(struct lint_opts *o, const char *name, const unsigned char *der,
    long len)
{
	struct lint_ocsp_input in = { 0 };
	struct lint_report rep = { 0 };

	in.der = der;
	in.len = (size_t)len;
	in.issuer = o->issuer;
	in.now = o->now;
	in.pre_issuance = o->pre_issuance;
	lint_ocsp(&in, &rep);
	lint_emit(o, name, &rep);
	return 1;
}

/* One DER object of type t (AUTO: certificate, then CRL, then OCSP). */
static int
lint_one(struct lint_opts *o, enum lint_type t, const char *name,
    const unsigned char *der, long len)
{
	int ok = 0;

	switch (t) {
	case LINT_TYPE_CERT:
		ok = lint_one_cert(o, name, der, len);
		break;
	case LINT_TYPE_CRL:
		ok = lint_one_crl(o, name, der, len);
		break;
	case LINT_TYPE_OCSP:
		ok = lint_one_ocsp(o, name, der, len);
		break;
	default:
		ok = lint_one_cert(o, name, der, len) ||
		    lint_one_crl(o, name, der, len) ||
		    lint_one_ocsp(o, name, der, len);
	}
	ERR_clear_error();
	return ok;
}

static enum lint_type
lint_type_of_label(const char *label)
{
	if (strcmp(label, "CERTIFICATE") == 0 ||
	    strcmp(label, "TRUSTED CERTIFICATE") == 0)
		return LINT_TYPE_CERT;
	if (strcmp(label, "X509 CRL") == 0)
		return LINT_TYPE_CRL;
	if (strcmp(label, "OCSP RESPONSE") == 0)
		return LINT_TYPE_OCSP;
	return LINT_TYPE_MAX;
}

/* Every PEM block of buf; 0 if none could be linted. */
static int
lint_pem(struct lint_opts *o, const char *path, const unsigned char *buf,
    size_t len)
{
	char *label = NULL, *header = NULL, name[1100];
	unsigned char *der = NULL;
	long dlen;
	int n = 0, ok = 1;
	BIO *b;
	enum lint_type t;

	if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return 0;
	while (PEM_read_bio(b, &label, &header, &der, &dlen) == 1) {
		t = o->type != LINT_TYPE_AUTO ? o->type :
		    lint_type_of_label(label);
		if (n == 0)
			snprintf(name, sizeof(name), "%s", path);
		else
			snprintf(name, sizeof(name), "%s#%d", path, n + 1);
		if (t == LINT_TYPE_MAX || !lint_one(o, t, name, der, dlen)) {
			log_error("%s: cannot read the %s PEM block", name, label);
			ok = 0;
		}
		n++;
		OPENSSL_free(label);
		OPENSSL_free(header);
		OPENSSL_free(der);
		label = header = NULL;
		der = NULL;
	}
	ERR_clear_error();
	BIO_free(b);
	return ok && n > 0;
}

static int
lint_file(struct lint_opts *o, const char *path)
{
	unsigned char *buf;
	size_t len;
	int ok;

	if ((buf = file_read(path, FILE_READ_MAX, &len)) == NULL)
		return 0;
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0)
		ok = lint_pem(o, path, buf, len);
	else if (!(ok = lint_one(o, o->type, path, buf, (long)len)))
		log_error("%s: not a certificate, CRL or OCSP response", path);
	free(buf);
	return ok;
}

static X509 *
lint_read_issuer(const char *path)
{
	unsigned char *buf;
	const unsigned char *p;
	size_t len;
	X509 *x = NULL;
	BIO *b;

	if ((buf = file_read(path, FILE_READ_MAX, &len)) == NULL)
		return NULL;
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		if ((b = BIO_new_mem_buf(buf, (int)len)) != NULL)
			x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		p = buf;
		x = d2i_X509(NULL, &p, (long)len);
	}
	free(buf);
	if (x == NULL)
		log_error("%s: not a certificate", path);
	return x;
}

static int
lint_parse_type(const char *s, enum lint_type *t)
{
	static const char *const names[] = { "auto", "cert", "crl", "ocsp" };

	for (int i = 0; i < LINT_TYPE_MAX; i++)
		if (strcmp(s, names[i]) == 0) {
			*t = (enum lint_type)i;
			return 1;
		}
	return 0;
}

static int
lint_options(struct lint_opts *o, int argc, char **argv, int *list,
    int *markdown)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "profile", required_argument, NULL, 'p' },
		{ "policy", required_argument, NULL, 'p' },
		{ "policy-oid", required_argument, NULL, 'o' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "blocklist", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "pre-issuance", no_argument, NULL, 'P' },
		{ "list-rules", no_argument, NULL, 'l' },
		{ "markdown", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (!lint_parse_type(optarg, &o->type)) {
				log_error("lint: --type %s: cert, crl or ocsp",
				    optarg);
				return 0;
			}
			break;
		case 'p':
			if (strcmp(optarg, "none") != 0 &&
			    strcmp(optarg, "smime") != 0 &&
			    profile_by_name(optarg) == NULL) {
				log_error("lint: unknown profile '%s'", optarg);
				return 0;
			}
			o->profile = optarg;
			break;
		case 'o': o->policy_oid = optarg; break;
		case 'i':
			X509_free(o->issuer);
			if ((o->issuer = lint_read_issuer(optarg)) == NULL)
				return 0;
			break;
		case 'b':
			if (!lint_blocklist_set_default(optarg))
				return 0;
			break;
		case 'j': o->json = 1; break;
		case 'P': o->pre_issuance = 1; break;
		case 'l': *list = 1; break;
		case 'm': *markdown = 1; break;
		default: return 0;
		}
	}
	return 1;
}

int
cmd_lint(const struct cmd_global *g, int argc, char **argv)
{
	struct lint_opts o = { 0 };
	int list = 0, markdown = 0;

	(void)g;
	o.now = time(NULL);
	o.first = 1;
	if (!lint_options(&o, argc, argv, &list, &markdown)) {
		X509_free(o.issuer);
		cmd_lint_help();
		return CMD_USAGE;
	}
	if (list) {
		lint_rules_print(stdout, markdown);
		X509_free(o.issuer);
		return CMD_OK;
	}
	if (optind == argc) {
		X509_free(o.issuer);
		cmd_lint_help();
		return CMD_USAGE;
	}
	if (o.json)
		fputs("[\n", stdout);
	for (int i = optind; i < argc; i++)
		if (!lint_file(&o, argv[i]))
			o.worst = 2;
	if (o.json)
		fputs(o.first ? "]\n" : "\n]\n", stdout);
	X509_free(o.issuer);
	return o.worst;
}
