#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ra/mail.h"
#include "util/log.h"

void
cmd_mail_help(void)
{
	printf("usage: inkan --dir DIR mail test --to ADDRESS\n\n"
	    "Sends one test message through the SMTP relay of [mail] in the\n"
	    "configuration (smtp_url, from), the relay that carries the RA's\n"
	    "issuance notices, PINs and e-mail validation values. Exit 0 once\n"
	    "the relay accepted it, 1 with the relay's answer otherwise. No\n"
	    "CA key is unlocked.\n");
}

int
cmd_mail(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *to = NULL;
	struct ra_mail m;
	char why[512];
	struct ca *ca;
	int ch, ok;

	if (argc < 2 || strcmp(argv[1], "test") != 0) {
		log_error("mail: expected 'test' (see inkan mail --help)");
		return CMD_USAGE;
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': to = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc || to == NULL) {
		log_error("mail test: --to ADDRESS is required, nothing else");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	if (!ra_mail_from_conf(ca->conf, &m)) {
		log_error("mail: off: set smtp_url and from in [mail] of %s",
		    ca->conf_path);
		ca_close(ca);
		return CMD_FAIL;
	}
	ok = ra_mail_send(&m, to, "inkan mail test", "This is a test message "
	    "from the inkan RA.\nThe relay in [mail] accepted it.\n", why,
	    sizeof(why));
	if (!ok)
		log_error("mail test: %s", why);
	else
		printf("sent to %s through %s\n", to, m.smtp_url);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
