/* strptime(3) is X/Open. */
#define _XOPEN_SOURCE 700

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ca/revoke.h"
#include "cmd.h"
#include "util/log.h"

void
cmd_revoke_help(void)
{
	printf("usage: inkan --dir DIR revoke SERIAL --reason REASON\n"
	    "           [--issuer CA] [--date TIME] [--invalidity TIME]\n\n"
	    "Revokes a certificate (CP-4.9), or suspends it with reason\n"
	    "certificateHold (CP-4.9.13; a suspended certificate is later\n"
	    "revoked with another reason). Its OCSP responses are signed again\n"
	    "and its CA's CRL is issued and published at once.\n\n"
	    "  SERIAL            hexadecimal, as 'inkan list' prints it\n"
	    "  --reason REASON   unspecified, keyCompromise, cACompromise,\n"
	    "                    affiliationChanged, superseded,\n"
	    "                    cessationOfOperation, certificateHold,\n"
	    "                    privilegeWithdrawn, aACompromise (RFC 5280)\n"
	    "  --issuer CA       the issuing CA, if the serial is ambiguous\n"
	    "  --date TIME       revocation date, YYYY-MM-DDTHH:MM:SSZ (default\n"
	    "                    now; never in the future)\n"
	    "  --invalidity TIME keyCompromise: when the key was compromised\n\n"
	    "Suspension is refused for code signing (CSBR 4.9.13) and S/MIME\n"
	    "strict (SBR 4.9.13) certificates. Unknown, expired or already\n"
	    "revoked serials are refused and nothing changes.\n");
}

/* YYYY-MM-DDTHH:MM:SSZ, UTC only. */
static int
cmd_revoke_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (end == NULL || *end != '\0') {
		log_error("revoke: time '%.40s': expected YYYY-MM-DDTHH:MM:SSZ "
		    "(UTC)", s);
		return 0;
	}
	*out = timegm(&tm);
	return 1;
}

int
cmd_revoke(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "date", required_argument, NULL, 'd' },
		{ "invalidity", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct revoke_request req = { 0 };
	const char *reason = NULL;
	struct ca *ca;
	int ch, ok;

	req.reason = -1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': reason = optarg; break;
		case 'i': req.issuer = optarg; break;
		case 'd':
			if (!cmd_revoke_time(optarg, &req.when))
				return CMD_USAGE;
			break;
		case 'v':
			if (!cmd_revoke_time(optarg, &req.invalidity))
				return CMD_USAGE;
			break;
		default: return CMD_USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_error("revoke: give exactly one SERIAL");
		return CMD_USAGE;
	}
	req.serial = argv[optind];
	if (reason == NULL || (req.reason = ca_reason_parse(reason)) < 0) {
		log_error("revoke: --reason %s: use one of the RFC 5280 reasons "
		    "(see inkan revoke --help)", reason ? reason : "missing;");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 0)) == NULL)
		return CMD_FAIL;
	ok = ca_revoke(ca, &req, time(NULL));
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
