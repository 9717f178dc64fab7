#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lint/lint.h"
#include "util/log.h"
#include "x509/profile.h"

void
cmd_lint_help(void)
{
	printf("usage: inkan lint [--profile NAME] [--policy-oid OID] FILE...\n\n"
	    "Checks certificates (PEM or DER) against RFC 5280 and, with\n"
	    "--profile, against that CP profile and its CABF rules. Profiles:\n"
	    "root, ca-sha1, ca-sha256, ca-sha384, client, client-sha1,\n"
	    "document, document-sha1, smime-strict, smime-multipurpose,\n"
	    "codesign, ocsp. One line per finding:\n"
	    "  severity rule-id source: message\n"
	    "Exit status: 0 clean, 1 warnings only, 2 errors (or unreadable).\n");
}

int
cmd_lint(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "policy-oid", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct lint_input in = { 0 };
	struct lint_report rep = { 0 };
	STACK_OF(X509) *sk;
	int ch, worst = 0;

	(void)g;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((in.profile = profile_by_name(optarg)) == NULL) {
				log_error("lint: unknown profile '%s'", optarg);
				return CMD_USAGE;
			}
			break;
		case 'o': in.policy_oid = optarg; break;
		default: cmd_lint_help(); return CMD_USAGE;
		}
	}
	if (optind == argc) {
		cmd_lint_help();
		return CMD_USAGE;
	}
	in.now = time(NULL);
	for (int i = optind; i < argc; i++) {
		if ((sk = cmd_read_certs(argv[i])) == NULL) {
			worst = 2;
			continue;
		}
		for (int j = 0; j < sk_X509_num(sk); j++) {
			in.cert = sk_X509_value(sk, j);
			lint_cert(&in, &rep);
		}
		lint_report_print(stdout, argv[i], &rep);
		if (rep.count[LINT_ERROR] > 0)
			worst = 2;
		else if (rep.count[LINT_WARN] > 0 && worst < 1)
			worst = 1;
		lint_report_clear(&rep);
		sk_X509_pop_free(sk, X509_free);
	}
	return worst;
}
