#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "publish/ldap.h"
#include "util/log.h"

void
cmd_ldap_help(void)
{
	printf("usage: inkan --dir DIR ldap publish [--issuer CA]\n\n"
	    "Publishes the CA certificates (cACertificate;binary) and the\n"
	    "newest CRL (certificateRevocationList;binary; a root's also as\n"
	    "authorityRevocationList;binary) of one CA, or of every root and\n"
	    "issuing CA, to the LDAP directory of the configuration\n"
	    "(ldap_publish_url, else ldap_url; ldap_bind_dn and\n"
	    "ldap_bind_password_file). Entries are named by the CA's subject\n"
	    "DN, as in the subscriber certificates' CRL distribution points,\n"
	    "and created with their parents when missing. 'inkan crl',\n"
	    "'inkan revoke' and inkand publish on their own; this command\n"
	    "repairs or fills a directory. Exit 1 if any entry failed.\n");
}

int
cmd_ldap(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "issuer", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	const char *issuer = NULL;
	struct ca *ca;
	int ch, ok;

	if (argc < 2 || strcmp(argv[1], "publish") != 0) {
		log_error("ldap: expected 'publish' (see inkan ldap --help)");
		return CMD_USAGE;
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': issuer = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_error("ldap: unexpected argument '%s'", argv[optind]);
		return CMD_USAGE;
	}
	/* Public certificates and CRLs only: no CA key is unlocked. */
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	if (!ldap_publish_enabled(ca->conf)) {
		log_error("ldap: publication is off: set ldap_bind_dn and "
		    "ldap_bind_password_file in [ca] of %s", ca->conf_path);
		ca_close(ca);
		return CMD_FAIL;
	}
	ok = ldap_publish(ca, issuer);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
