/*
 * inkan: the operator's command line. main only wires global options to
 * one command per file (cmd_*.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "cmd.h"
#include "util/log.h"
#include "version.h"

static const struct cmd commands[] = {
	{ "init", "create the CA hierarchy of a configuration", cmd_init,
	    cmd_init_help },
	{ "issue", "issue a subscriber certificate", cmd_issue,
	    cmd_issue_help },
	{ "revoke", "revoke or suspend a certificate", cmd_revoke,
	    cmd_revoke_help },
	{ "crl", "issue and publish CRLs now", cmd_crl, cmd_crl_help },
	{ "ocsp", "pre-sign or export OCSP responses", cmd_ocsp,
	    cmd_ocsp_help },
	{ "publish", "publish a document (CP, CPS) in the repository",
	    cmd_publish, cmd_publish_help },
	{ "ldap", "publish CA certificates and CRLs to the LDAP directory",
	    cmd_ldap, cmd_ldap_help },
	{ "list", "list the certificates in the store", cmd_list,
	    cmd_list_help },
	{ "inspect", "print a certificate", cmd_inspect, cmd_inspect_help },
	{ "lint", "check certificates against RFC 5280, the CABF BRs and the CP",
	    cmd_lint, cmd_lint_help },
	{ "backup", "back up the CA (also while inkand runs)", cmd_backup,
	    cmd_backup_help },
	{ "restore", "rebuild a CA from a backup into a new directory",
	    cmd_restore, cmd_restore_help },
	{ "audit", "verify, show or seal the audit log", cmd_audit,
	    cmd_audit_help },
	{ "archive", "export, verify or purge archives (CP-5.5)", cmd_archive,
	    cmd_archive_help },
	{ "account", "manage RA accounts: add, list, disable, reset-mfa",
	    cmd_account, cmd_account_help },
	{ "org", "register, approve or reject organisations and LRAs",
	    cmd_org, cmd_org_help },
	{ "mail", "send a test message through the RA's SMTP relay",
	    cmd_mail, cmd_mail_help },
	/* Applications (src/ra/app.c): read-only at the console. */
	{ "app", "list or show certificate applications", cmd_app,
	    cmd_app_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: inkan [--dir DIR] [--passphrase-file FILE] [-v|-q] "
	    "COMMAND [ARGS]\n"
	    "       inkan COMMAND --help | --help | --version\n\n"
	    "inkan is a certification authority for the SECOM Passport for "
	    "Member\n2.0 PUB certificate policy and its CABF requirements.\n\n"
	    "Global options:\n"
	    "  --dir DIR              the CA directory (or $INKAN_DIR)\n"
	    "  --passphrase-file FILE passphrase of the CA keys (or "
	    "$INKAN_PASSPHRASE_FILE;\n"
	    "                         without either, asked on the terminal)\n"
	    "  -v, --verbose          more detail;  -q, --quiet  errors only\n\n"
	    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nExit status: 0 success, 1 refused or failed, "
	    "2 usage error.\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_global g = { getenv("INKAN_DIR"),
	    getenv("INKAN_PASSPHRASE_FILE") };
	enum log_level level = LOG_LEVEL_INFO;
	int ch;

	/* '+': stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+vqh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': g.dir = optarg; break;
		case 'p': g.passphrase_file = optarg; break;
		case 'v': level = LOG_LEVEL_DEBUG; break;
		case 'q': level = LOG_LEVEL_ERROR; break;
		case 'h': usage(stdout); return CMD_OK;
		case 'V': printf("inkan %s\n", INKAN_VERSION); return CMD_OK;
		default: usage(stderr); return CMD_USAGE;
		}
	}
	log_init("inkan", level);
	if (optind >= argc) {
		usage(stderr);
		return CMD_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		if (cmd_wants_help(argc - optind, argv + optind)) {
			commands[i].help();
			return CMD_OK;
		}
		int first = optind;

		/* GNU getopt: 0 re-initialises it for the command's own argv. */
		optind = 0;
		return commands[i].run(&g, argc - first, argv + first);
	}
	log_error("unknown command '%s' (see inkan --help)", argv[optind]);
	return CMD_USAGE;
}
