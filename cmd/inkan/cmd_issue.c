#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "audit/seal.h"
#include "ca/csr.h"
#include "ca/issue.h"
#include "cmd.h"
#include "ocsp/presign.h"
#include "ra/account.h"
#include "ra/revreq.h"
#include "util/file.h"
#include "util/log.h"

void
cmd_issue_help(void)
{
	printf("usage: inkan --dir DIR issue --policy POLICY --subject DN\n"
	    "           (--csr FILE | --generate-key --p12 FILE --pin-out FILE)\n"
	    "           [--email ADDR]... [--upn UPN] [--eku NAME]...\n"
	    "           [--key-usage LIST] [--days N] [--sha1]\n"
	    "           [--generation strict|multipurpose] [--out FILE]\n"
	    "           [--chain-out FILE] [--org NAME] [--subscriber-email ADDR]\n"
	    "           [--subscriber-password-out FILE]\n\n"
	    "Issues a subscriber certificate of a CP policy (table 7.1-5; with\n"
	    "--sha1, the legacy table 7.1-4 for client and document only):\n"
	    "  client    client authentication       (PUB CA1, .381.4)\n"
	    "  document  document signing            (PUB CA1, .381.5)\n"
	    "  smime     S/MIME, SBR strict or multipurpose (PUB CA2)\n"
	    "  codesign  code signing, CSBR          (CodeSigning CA G1, .381.8)\n\n"
	    "  --csr FILE        PKCS#10 request, PEM or DER; its signature is\n"
	    "                    verified (proof of possession, CP-3.2.1)\n"
	    "  --generate-key    the CA makes the key pair (CP-6.1.2) and writes\n"
	    "                    it with the certificate to --p12, protected by\n"
	    "                    a random PIN written only to --pin-out\n"
	    "  --key-bits N      size of a generated key (default 2048; 3072\n"
	    "                    for codesign)\n"
	    "  --subject DN      /C=JP/O=Example/CN=Name (C, ST, L, O, up to 3 OU,\n"
	    "                    CN, serialNumber as the profile allows)\n"
	    "  --email ADDR      rfc822Name (required for smime)\n"
	    "  --upn UPN         Microsoft UPN otherName\n"
	    "  --eku NAME        clientAuth, smartcardLogon, emailProtection,\n"
	    "                    codeSigning, adobeAuthenticDocumentsTrust,\n"
	    "                    msDocumentSigning (default: the policy's)\n"
	    "  --key-usage LIST  e.g. digitalSignature,keyEncipherment\n"
	    "  --days N          validity (default: the policy's; at most 825\n"
	    "                    for smime, 460 for codesign)\n"
	    "  --out FILE        certificate, PEM (default: standard output)\n"
	    "  --chain-out FILE  the CA certificates above it, PEM\n"
	    "  --org NAME        the approved organisation the certificate\n"
	    "                    belongs to (its LRA may then revoke it)\n"
	    "  --subscriber-email ADDR  the subscriber's address (default: the\n"
	    "                    first --email)\n"
	    "  --subscriber-password-out FILE  a random login password for the\n"
	    "                    suspension page (CP-4.9.15), written only to\n"
	    "                    FILE (mode 0600), to be sent apart from the\n"
	    "                    certificate; the store keeps its Argon2id hash\n\n"
	    "The certificate and its chain are also printed as PEM unless\n"
	    "--out is given. Nothing is signed or stored if any check fails.\n");
}

struct cmd_issue_opts {
	struct issue_request req;
	const char	*csr_path;
	const char	*out;
	const char	*chain_out;
	const char	*p12;
	const char	*pin_out;
	int		 generate;
	int		 key_bits;
	const char	*org;		/* owner organisation, or NULL */
	const char	*sub_email;	/* subscriber's address, or NULL */
	const char	*sub_pw_out;	/* suspension login password file */
};

static int
cmd_issue_add(const char **list, size_t *n, const char *v, const char *opt)
{
	if (*n == CERT_LIST_MAX) {
		log_error("issue: at most %d %s values", CERT_LIST_MAX, opt);
		return 0;
	}
	list[(*n)++] = v;
	return 1;
}

static int
cmd_issue_int(const char *s, int min, int max, int *out, const char *opt)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		log_error("issue: %s %s: expected a number from %d to %d", opt,
		    s, min, max);
		return 0;
	}
	*out = (int)v;
	return 1;
}

static int
cmd_issue_parse(int argc, char **argv, struct cmd_issue_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "csr", required_argument, NULL, 'c' },
		{ "subject", required_argument, NULL, 's' },
		{ "email", required_argument, NULL, 'e' },
		{ "upn", required_argument, NULL, 'u' },
		{ "eku", required_argument, NULL, 'k' },
		{ "key-usage", required_argument, NULL, 'K' },
		{ "days", required_argument, NULL, 'D' },
		{ "sha1", no_argument, NULL, '1' },
		{ "generation", required_argument, NULL, 'G' },
		{ "out", required_argument, NULL, 'o' },
		{ "chain-out", required_argument, NULL, 'C' },
		{ "generate-key", no_argument, NULL, 'g' },
		{ "key-bits", required_argument, NULL, 'b' },
		{ "p12", required_argument, NULL, 'p' },
		{ "pin-out", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'O' },
		{ "subscriber-email", required_argument, NULL, 'E' },
		{ "subscriber-password-out", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	struct issue_request *r = &o->req;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'P': r->policy = optarg; break;
		case 'c': o->csr_path = optarg; break;
		case 's': r->subject = optarg; break;
		case 'e':
			if (!cmd_issue_add(r->emails, &r->nemails, optarg,
			    "--email"))
				return 0;
			break;
		case 'u': r->upn = optarg; break;
		case 'k':
			if (!cmd_issue_add(r->eku, &r->neku, optarg, "--eku"))
				return 0;
			break;
		case 'K': r->key_usage = optarg; break;
		case 'D':
			if (!cmd_issue_int(optarg, 1, 3650, &r->validity_days,
			    "--days"))
				return 0;
			break;
		case '1': r->legacy_sha1 = 1; break;
		case 'G': r->generation = optarg; break;
		case 'o': o->out = optarg; break;
		case 'C': o->chain_out = optarg; break;
		case 'g': o->generate = 1; break;
		case 'b':
			if (!cmd_issue_int(optarg, 2048, 4096, &o->key_bits,
			    "--key-bits"))
				return 0;
			break;
		case 'p': o->p12 = optarg; break;
		case 'n': o->pin_out = optarg; break;
		case 'O': o->org = optarg; break;
		case 'E': o->sub_email = optarg; break;
		case 'W': o->sub_pw_out = optarg; break;
		default: return 0;
		}
	}
	if (optind != argc) {
		log_error("issue: unexpected argument '%s'", argv[optind]);
		return 0;
	}
	return 1;
}

static int
cmd_issue_validate(const struct cmd_issue_opts *o)
{
	if (o->req.policy == NULL) {
		log_error("issue: --policy is required (client, document, "
		    "smime or codesign)");
		return 0;
	}
	if ((o->csr_path == NULL) == (o->generate == 0)) {
		log_error("issue: give exactly one of --csr FILE and "
		    "--generate-key");
		return 0;
	}
	if (o->generate && (o->p12 == NULL || o->pin_out == NULL)) {
		log_error("issue: --generate-key needs --p12 FILE and "
		    "--pin-out FILE (key and PIN go by separate routes, "
		    "CP-6.1.2)");
		return 0;
	}
	if (o->generate && strcmp(o->req.policy, "codesign") == 0) {
		log_error("issue: --generate-key is refused for codesign: the "
		    "subscriber's key must be made in a hardware crypto module "
		    "(CSBR 6.2.7.3, CP-6.2.7); send a CSR instead");
		return 0;
	}
	if (!o->generate && (o->p12 != NULL || o->pin_out != NULL ||
	    o->key_bits != 0)) {
		log_error("issue: --p12, --pin-out and --key-bits go with "
		    "--generate-key");
		return 0;
	}
	return 1;
}

/* An output that cannot be written is found before anything is signed. */
static int
cmd_issue_writable(const char *path, const char *opt)
{
	struct stat st;
	char *copy;
	int ok;

	if (path == NULL || strcmp(path, "-") == 0)
		return 1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		log_error("issue: %s %s: is a folder", opt, path);
		return 0;
	}
	if ((copy = strdup(path)) == NULL)
		return 0;
	if (!(ok = access(dirname(copy), W_OK | X_OK) == 0))
		log_error("issue: %s %s: cannot write there: %s", opt, path,
		    strerror(errno));
	free(copy);
	return ok;
}

static int
cmd_issue_outputs_ok(const struct cmd_issue_opts *o)
{
	if (o->p12 != NULL && o->pin_out != NULL &&
	    strcmp(o->p12, o->pin_out) == 0) {
		log_error("issue: --p12 and --pin-out must be different files "
		    "(CP-6.1.2: key and PIN by separate routes)");
		return 0;
	}
	if (o->sub_pw_out != NULL && ((o->out != NULL &&
	    strcmp(o->sub_pw_out, o->out) == 0) || strcmp(o->sub_pw_out, "-")
	    == 0)) {
		log_error("issue: --subscriber-password-out must be a file of "
		    "its own, apart from the certificate (CP-4.9.15)");
		return 0;
	}
	return cmd_issue_writable(o->sub_pw_out, "--subscriber-password-out") &&
	    cmd_issue_writable(o->out, "--out") &&
	    cmd_issue_writable(o->chain_out, "--chain-out") &&
	    cmd_issue_writable(o->p12, "--p12") &&
	    cmd_issue_writable(o->pin_out, "--pin-out");
}

static X509_REQ *
cmd_issue_read_csr(const char *path)
{
	unsigned char *buf;
	size_t len;
	char err[256];
	X509_REQ *req;

	if ((buf = file_read(path, CSR_MAX, &len)) == NULL)
		return NULL;
	if ((req = csr_parse(buf, len, err, sizeof(err))) == NULL)
		log_error("issue: %s: %s", path, err);
	free(buf);
	return req;
}

/* A PIN of 20 characters from an unambiguous alphabet: ~100 bits. */
static int
cmd_issue_pin(char *pin, size_t len)
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	unsigned char r;

	for (size_t i = 0; i + 1 < len; i++) {
		do {
			if (RAND_bytes(&r, 1) != 1)
				return 0;
		} while (r >= 248);	/* 248 = 8 * 31: no modulo bias */
		pin[i] = alphabet[r % 31];
	}
	pin[len - 1] = '\0';
	return 1;
}

/* PKCS#12 (AES-256-CBC, PBKDF2, OpenSSL 3 defaults) and its PIN apart. */
static int
cmd_issue_write_p12(const struct cmd_issue_opts *o, EVP_PKEY *key, X509 *x,
    STACK_OF(X509) *chain)
{
	char pin[21];
	PKCS12 *p12 = NULL;
	unsigned char *der = NULL;
	int len, ok = 0;

	if (!cmd_issue_pin(pin, sizeof(pin)))
		goto out;
	if ((p12 = PKCS12_create(pin, NULL, key, x, chain, 0, 0, 0, 0, 0))
	    == NULL || (len = i2d_PKCS12(p12, &der)) <= 0) {
		log_openssl("issue: cannot make the PKCS#12 file");
		goto out;
	}
	if (!file_write_atomic(o->p12, der, (size_t)len, 0600, 0))
		goto out;
	pin[sizeof(pin) - 1] = '\n';
	ok = file_write_atomic(o->pin_out, pin, sizeof(pin), 0600, 0);
 out:
	OPENSSL_cleanse(pin, sizeof(pin));
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)len);
	PKCS12_free(p12);
	return ok;
}

static int
cmd_issue_output(const struct cmd_issue_opts *o, X509 *x,
    STACK_OF(X509) *chain, EVP_PKEY *key)
{
	if (o->out != NULL && !cmd_write_pem(o->out, x, NULL))
		return 0;
	if (o->chain_out != NULL && !cmd_write_pem(o->chain_out, NULL, chain))
		return 0;
	if (o->generate && !cmd_issue_write_p12(o, key, x, chain))
		return 0;
	if (o->out == NULL && !cmd_write_pem("-", x, chain))
		return 0;
	return 1;
}

/* --- owner and subscriber login (CP-4.9.3, 4.9.15) ------------------------- */

/* The console user as a CA administrator, as `inkan org` does. */
static void
cmd_issue_console(struct ra_principal *p)
{
	struct passwd *pw = getpwuid(geteuid());

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "os:%s",
	    pw != NULL ? pw->pw_name : "?");
	p->role = STORE_RA_ADMIN;
	p->full = 1;
	p->auth = "local";
	p->source = "cli";
}

/* --org names an approved organisation: checked before anything is signed. */
static int
cmd_issue_org_ok(struct ca *ca, const struct cmd_issue_opts *o)
{
	struct store_org *org = NULL;
	int ok;

	if (o->org == NULL)
		return 1;
	ok = store_org_get(ca->store, o->org, &org) && org != NULL &&
	    org->status == STORE_ORG_APPROVED;
	if (!ok)
		log_error("issue: --org %.64s: no approved organisation of that "
		    "name (CP-4.1.1)", o->org);
	store_org_free(org);
	return ok;
}

/*
 * Records who the new certificate belongs to and makes the subscriber's
 * suspension login, whose password goes to its own file only.
 */
static int
cmd_issue_ra(struct ca *ca, const struct cmd_issue_opts *o, X509 *x)
{
	const char *email = o->sub_email != NULL ? o->sub_email :
	    o->req.nemails > 0 ? o->req.emails[0] : NULL;
	char pw[RA_SUBSCRIBER_PW_LEN + 2];
	struct ra_principal by;
	struct ra_cert_info ci;
	unsigned char *der = NULL;
	const char *why = NULL;
	struct ra *ra;
	int len, ok = 0;

	if (o->org == NULL && email == NULL && o->sub_pw_out == NULL)
		return 1;
	if ((ra = ra_new(ca->store, 0, NULL)) == NULL ||
	    (len = i2d_X509(x, &der)) <= 0)
		goto out;
	cmd_issue_console(&by);
	if (ra_cert_lookup_der(ra, der, (size_t)len, &ci, &why) != RA_OK) {
		log_error("issue: the new certificate is not in the store: %s",
		    why != NULL ? why : "?");
		goto out;
	}
	if ((o->org != NULL || email != NULL) &&
	    ra_cert_owner_record(ra, &by, ci.issuer, ci.serial, o->org, email,
	    (int64_t)time(NULL)) != RA_OK) {
		log_error("issue: owner of %s/%s not recorded", ci.issuer,
		    ci.serial);
		goto out;
	}
	if (o->sub_pw_out != NULL) {
		if (ra_subscriber_credential_new(ra, &by, ci.issuer, ci.serial,
		    (int64_t)time(NULL), pw) != RA_OK) {
			log_error("issue: subscriber login of %s/%s not made",
			    ci.issuer, ci.serial);
			goto out;
		}
		pw[RA_SUBSCRIBER_PW_LEN] = '\n';
		ok = file_write_atomic(o->sub_pw_out, pw, RA_SUBSCRIBER_PW_LEN + 1,
		    0600, 0);
		sodium_memzero(pw, sizeof(pw));
		if (!ok)
			goto out;
	}
	ok = 1;
 out:
	OPENSSL_free(der);
	ra_free(ra);
	return ok;
}

/*
 * A refused request is a security-relevant event too (CP-5.4); the
 * reason is in the log message ca_issue() printed.
 */
static void
cmd_issue_audit_refused(struct ca *ca, const struct issue_request *req)
{
	char object[96], detail[1024] = "{\"subject\":";

	snprintf(object, sizeof(object), "request:%s", req->policy);
	if (!audit_json_str(detail, sizeof(detail) - 1, req->subject))
		snprintf(detail, sizeof(detail), "{\"subject\":null");
	strcat(detail, "}");
	audit_ca(ca, "cert.request", object, "denied", detail);
}

int
cmd_issue(const struct cmd_global *g, int argc, char **argv)
{
	struct cmd_issue_opts o = { 0 };
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *key = NULL;
	struct ca *ca = NULL;
	X509 *x = NULL;
	char *serial = NULL;
	int status = CMD_FAIL;
	unsigned int bits;

	if (!cmd_issue_parse(argc, argv, &o) || !cmd_issue_validate(&o))
		return CMD_USAGE;
	if (!cmd_issue_outputs_ok(&o))
		return CMD_FAIL;
	if (o.csr_path != NULL &&
	    (o.req.csr = cmd_issue_read_csr(o.csr_path)) == NULL)
		return CMD_FAIL;
	if (o.generate) {
		bits = o.key_bits != 0 ? (unsigned int)o.key_bits :
		    strcmp(o.req.policy, "codesign") == 0 ? 3072 : 2048;
		if ((key = EVP_RSA_gen(bits)) == NULL) {
			log_openssl("issue: cannot generate the key");
			goto out;
		}
		o.req.key = key;
	}
	if ((ca = cmd_open_ca(g, 0)) == NULL || !cmd_issue_org_ok(ca, &o))
		goto out;
	if ((x = ca_issue(ca, &o.req, &chain)) == NULL) {
		cmd_issue_audit_refused(ca, &o.req);
		goto out;
	}
	/* Its OCSP answers exist before anyone can ask (CP-4.9.9). */
	if (ocsp_presign_pending(ca, time(NULL)) < 0)
		log_warn("issue: OCSP responses not yet signed; 'inkan ocsp "
		    "refresh' or inkand will sign them");
	if (!cmd_issue_output(&o, x, chain, key) || !cmd_issue_ra(ca, &o, x))
		goto out;
	if ((serial = cert_serial_hex(X509_get0_serialNumber(x))) != NULL)
		log_info("issue: %s certificate issued, serial %s", o.req.policy,
		    serial);
	OPENSSL_free(serial);
	status = CMD_OK;
 out:
	ca_close(ca);
	X509_free(x);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	X509_REQ_free(o.req.csr);
	return status;
}
