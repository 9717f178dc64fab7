#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "ca/crl.h"
#include "cmd.h"
#include "publish/ldap.h"
#include "util/log.h"

void
cmd_crl_help(void)
{
	printf("usage: inkan --dir DIR crl [--issuer CA]\n\n"
	    "Issues a new CRL now for one CA, or for every root and issuing CA\n"
	    "(tables 7.2-1/7.2-2: v2, nextUpdate = thisUpdate + 96 h, CRL Number\n"
	    "and AKI), stores it and publishes it at its CRL distribution\n"
	    "point under DIR/repository/. inkand also does this at least\n"
	    "every 24 hours and after every revocation. With LDAP publication\n"
	    "configured, the CRLs also go to the directory.\n");
}

int
cmd_crl(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "issuer", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	const char *issuer = NULL;
	struct ca *ca;
	int ch, ok;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': issuer = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_error("crl: unexpected argument '%s'", argv[optind]);
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 0)) == NULL)
		return CMD_FAIL;
	if (issuer != NULL && ca_crl_url(ca, issuer) == NULL) {
		log_error("crl: --issuer %s: no such CA in the configuration",
		    issuer);
		ca_close(ca);
		return CMD_USAGE;
	}
	ok = issuer != NULL ? ca_crl_issue(ca, issuer, time(NULL), NULL) :
	    ca_crl_issue_all(ca, time(NULL));
	if (ok && ldap_publish_enabled(ca->conf) && !ldap_publish(ca, issuer))
		log_warn("crl: not yet in the LDAP directory; inkand or "
		    "'inkan ldap' will publish it");
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
