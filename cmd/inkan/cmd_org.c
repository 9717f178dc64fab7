#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include <openssl/x509.h>

#include "ra/account.h"
#include "ra/lra_cert.h"
#include "ra/org.h"
#include "util/log.h"

/*
 * inkan org: organisations and LRAs at the console (CP-1.3.2, 3.2.2,
 * 4.1.1), the same rules as the RA API (src/ra/org.c). As for `inkan
 * account`, the operating-system user is the actor, as an administrator.
 */

#define ORG_EVIDENCE_TEXT	600

void
cmd_org_help(void)
{
	printf("usage: inkan --dir DIR org add NAME --display-name TEXT "
	    "--kind lra|organisation\n"
	    "                 --evidence TYPE:YYYY-MM-DD:ISSUER "
	    "[--evidence ...]\n"
	    "       inkan --dir DIR org list\n"
	    "       inkan --dir DIR org show NAME\n"
	    "       inkan --dir DIR org approve NAME [--note TEXT]\n"
	    "       inkan --dir DIR org reject NAME --reason TEXT "
	    "--documents returned|destroyed\n"
	    "       inkan --dir DIR org set NAME --policies LIST "
	    "--optional-items LIST\n"
	    "       inkan --dir DIR org bind-cert NAME --cert FILE\n\n"
	    "Organisations and LRAs are verified before they may apply "
	    "(CP-3.2.2, 4.1.1).\n"
	    "  add      register one, pending, with its identity evidence; "
	    "TYPE is\n"
	    "           seal-certificate, equivalent-certificate,\n"
	    "           registration-certificate or other. A seal certificate "
	    "must be\n"
	    "           at most three months old.\n"
	    "  approve  approve it (needs a fresh seal certificate or "
	    "equivalent)\n"
	    "  reject   reject it; its documents are recorded as returned or\n"
	    "           destroyed\n"
	    "  set      policies it may apply for (client, document; smime and\n"
	    "           codesign for organisations, never for LRAs, "
	    "CP-1.3.2) and the\n"
	    "           optional profile items it uses (st, l, ou,\n"
	    "           netscape_cert_type; tables 7.1-4, 7.1-5), comma "
	    "separated\n"
	    "  bind-cert  let an approved LRA sign in to the LRA API (inkand\n"
	    "           --lra-listen) with a client certificate inkan issued "
	    "(CP-4.9.3)\n");
}

static void
org_console(struct ra_principal *p)
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

struct org_args {
	const char	*verb;
	const char	*name;
	const char	*display_name;
	const char	*kind;
	const char	*note;
	const char	*reason;
	const char	*documents;
	const char	*policies;
	const char	*items;
	const char	*cert;
	char		 ev_text[RA_EVIDENCE_MAX][ORG_EVIDENCE_TEXT];
	struct ra_evidence_in ev[RA_EVIDENCE_MAX];
	size_t		 nev;
};

/* TYPE:YYYY-MM-DD:ISSUER into a->ev[a->nev]. */
static int
org_evidence_arg(struct org_args *a, const char *arg)
{
	char *t, *p;

	if (a->nev >= RA_EVIDENCE_MAX) {
		log_error("org add: at most %d --evidence", RA_EVIDENCE_MAX);
		return 0;
	}
	t = a->ev_text[a->nev];
	if (strlen(arg) >= ORG_EVIDENCE_TEXT)
		goto bad;
	snprintf(t, ORG_EVIDENCE_TEXT, "%s", arg);
	if ((p = strchr(t, ':')) == NULL)
		goto bad;
	*p++ = '\0';
	a->ev[a->nev].doc_type = t;
	a->ev[a->nev].issued_on = p;
	if ((p = strchr(p, ':')) == NULL)
		goto bad;
	*p++ = '\0';
	a->ev[a->nev].doc_issuer = p;
	a->nev++;
	return 1;
 bad:
	log_error("org add: --evidence %.60s: expected TYPE:YYYY-MM-DD:ISSUER",
	    arg);
	return 0;
}

static int
org_parse(int argc, char **argv, struct org_args *a)
{
	static const struct option opts[] = {
		{ "display-name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "note", required_argument, NULL, 'N' },
		{ "reason", required_argument, NULL, 'r' },
		{ "documents", required_argument, NULL, 'D' },
		{ "policies", required_argument, NULL, 'p' },
		{ "optional-items", required_argument, NULL, 'o' },
		{ "cert", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': a->display_name = optarg; break;
		case 'k': a->kind = optarg; break;
		case 'e':
			if (!org_evidence_arg(a, optarg))
				return 0;
			break;
		case 'N': a->note = optarg; break;
		case 'r': a->reason = optarg; break;
		case 'D': a->documents = optarg; break;
		case 'p': a->policies = optarg; break;
		case 'o': a->items = optarg; break;
		case 'c': a->cert = optarg; break;
		default: return 0;
		}
	}
	if (optind >= argc) {
		log_error("org: give a verb (see inkan org --help)");
		return 0;
	}
	a->verb = argv[optind++];
	if (strcmp(a->verb, "list") == 0)
		return optind == argc;
	if (optind + 1 != argc) {
		log_error("org %s: give exactly one organisation NAME", a->verb);
		return 0;
	}
	a->name = argv[optind];
	return 1;
}

static int
org_print(const struct store_org *o, void *arg)
{
	(void)arg;
	printf("%-24s %-12s %-8s %-18s %s\n", o->name, o->lra ? "lra" :
	    "organisation", store_org_status_name(o->status),
	    o->policies[0] ? o->policies : "-", o->display_name);
	return 1;
}

static int
org_print_evidence(const struct store_evidence *e, void *arg)
{
	char date[16];
	time_t t = (time_t)e->issued_on;
	struct tm tm;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	printf("evidence: %s issued %s by %s [%s] recorded by %s\n",
	    e->doc_type, date, e->doc_issuer,
	    store_evidence_disposition_name(e->disposition), e->recorded_by);
	return 1;
}

static enum ra_status
org_show(struct ra *ra, const char *name)
{
	struct store_org *o = NULL;

	if (!store_org_get(ra->st, name, &o))
		return RA_ERROR;
	if (o == NULL) {
		log_error("org %s: no such organisation", name);
		return RA_NOT_FOUND;
	}
	printf("name: %s\ndisplay name: %s\nkind: %s\nstatus: %s\n"
	    "policies: %s\noptional items: %s\nregistered by: %s\n",
	    o->name, o->display_name, o->lra ? "lra" : "organisation",
	    store_org_status_name(o->status), o->policies, o->options,
	    o->registered_by);
	if (o->decided_by != NULL)
		printf("decided by: %s\nnote: %s\n", o->decided_by,
		    o->decision_note ? o->decision_note : "");
	store_org_free(o);
	return store_evidence_each(ra->st, name, org_print_evidence, NULL) ?
	    RA_OK : RA_ERROR;
}

static enum ra_status
org_add(struct ra *ra, const struct ra_principal *by, struct org_args *a,
    const char **why)
{
	struct ra_org_new o = { 0 };

	if (a->kind == NULL || (strcmp(a->kind, "lra") != 0 &&
	    strcmp(a->kind, "organisation") != 0)) {
		*why = "--kind must be lra or organisation";
		return RA_INVALID;
	}
	o.name = a->name;
	o.display_name = a->display_name;
	o.lra = strcmp(a->kind, "lra") == 0;
	o.evidence = a->ev;
	o.nevidence = a->nev;
	return ra_org_register(ra, by, &o, (int64_t)time(NULL), why);
}

static enum ra_status
org_reject(struct ra *ra, const struct ra_principal *by,
    const struct org_args *a, const char **why)
{
	enum store_evidence_disposition d;

	if (a->documents != NULL && strcmp(a->documents, "returned") == 0)
		d = STORE_EVIDENCE_RETURNED;
	else if (a->documents != NULL &&
	    strcmp(a->documents, "destroyed") == 0)
		d = STORE_EVIDENCE_DESTROYED;
	else {
		*why = "--documents must be returned or destroyed (CP-3.2.2)";
		return RA_INVALID;
	}
	if (a->reason == NULL) {
		*why = "--reason is required";
		return RA_INVALID;
	}
	return ra_org_reject(ra, by, a->name, a->reason, d,
	    (int64_t)time(NULL));
}

static enum ra_status
org_bind_cert(struct ra *ra, const struct ra_principal *by,
    const struct org_args *a, const char **why)
{
	STACK_OF(X509) *sk;
	unsigned char *der = NULL;
	enum ra_status s;
	int len;

	if (a->cert == NULL) {
		*why = "--cert FILE is required";
		return RA_INVALID;
	}
	if ((sk = cmd_read_certs(a->cert)) == NULL)
		return RA_INVALID;
	if ((len = i2d_X509(sk_X509_value(sk, 0), &der)) <= 0) {
		sk_X509_pop_free(sk, X509_free);
		return RA_ERROR;
	}
	s = ra_lra_cert_bind(ra, by, a->name, der, (size_t)len,
	    (int64_t)time(NULL), why);
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
	return s;
}

static enum ra_status
org_run(struct ra *ra, struct org_args *a, const char **why)
{
	struct ra_principal by;

	org_console(&by);
	if (strcmp(a->verb, "list") == 0) {
		printf("%-24s %-12s %-8s %-18s %s\n", "NAME", "KIND", "STATUS",
		    "POLICIES", "DISPLAY NAME");
		return store_org_each(ra->st, org_print, NULL) ? RA_OK :
		    RA_ERROR;
	}
	if (strcmp(a->verb, "show") == 0)
		return org_show(ra, a->name);
	if (strcmp(a->verb, "add") == 0)
		return org_add(ra, &by, a, why);
	if (strcmp(a->verb, "approve") == 0)
		return ra_org_approve(ra, &by, a->name, a->note,
		    (int64_t)time(NULL), why);
	if (strcmp(a->verb, "reject") == 0)
		return org_reject(ra, &by, a, why);
	if (strcmp(a->verb, "bind-cert") == 0)
		return org_bind_cert(ra, &by, a, why);
	if (strcmp(a->verb, "set") == 0)
		return ra_org_settings(ra, &by, a->name,
		    a->policies ? a->policies : "", a->items ? a->items : "",
		    why);
	return RA_STATUS_MAX;
}

int
cmd_org(const struct cmd_global *g, int argc, char **argv)
{
	struct org_args *a;
	const char *why = NULL;
	struct ca *ca;
	struct ra *ra;
	enum ra_status s;
	int rc;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return CMD_FAIL;
	if (!org_parse(argc, argv, a)) {
		free(a);
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL ||
	    (ra = ra_new(ca->store, 0, NULL)) == NULL) {
		ca_close(ca);
		free(a);
		return CMD_FAIL;
	}
	s = org_run(ra, a, &why);
	ra_free(ra);
	ca_close(ca);
	if (s == RA_STATUS_MAX) {
		log_error("org: unknown verb '%s' (see inkan org --help)",
		    a->verb);
		free(a);
		return CMD_USAGE;
	}
	if (s != RA_OK)
		log_error("org %s %s: %s", a->verb, a->name ? a->name : "",
		    why != NULL ? why : ra_status_text(s));
	rc = s == RA_OK ? CMD_OK : CMD_FAIL;
	free(a);
	return rc;
}
