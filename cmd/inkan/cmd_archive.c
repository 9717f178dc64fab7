#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/archive.h"
#include "audit/seal.h"
#include "cmd.h"
#include "util/log.h"

void
cmd_archive_help(void)
{
	printf("usage: inkan --dir DIR archive export --from TIME --to TIME OUT\n"
	    "       inkan archive verify [--audit-cert FILE] BUNDLE\n"
	    "       inkan --dir DIR archive purge --before TIME\n\n"
	    "The archive (CP-5.5). TIME is epoch seconds, YYYY-MM-DD or\n"
	    "YYYY-MM-DDTHH:MM:SSZ (UTC).\n\n"
	    "  export  writes the new directory OUT: the audit records of the "
	    "period\n"
	    "          with their checkpoints, the OCSP access logs, the "
	    "published\n"
	    "          CP/CPS, CA certificates, the certificates and CRLs "
	    "issued in the\n"
	    "          period, and a MANIFEST of SHA-256 hashes signed as CMS\n"
	    "          SignedData (MANIFEST.cms) by the audit key, in the "
	    "signer.\n"
	    "  verify  checks a bundle with nothing but its files; names the "
	    "first\n"
	    "          file or record altered, added or removed. --audit-cert: "
	    "the\n"
	    "          audit certificate to trust (default: the bundle's own, "
	    "whose\n"
	    "          SHA-256 fingerprint is printed to compare).\n"
	    "  purge   deletes audit records older than TIME, which must be at "
	    "least\n"
	    "          %d years ago (CP-5.5.2), keeping a signed checkpoint "
	    "where the\n"
	    "          kept log starts; export them first. Certificates and "
	    "CRLs are\n"
	    "          never purged.\n", ARCHIVE_RETENTION_YEARS);
}

static int
cmd_archive_time(const char *what, const char *s, int64_t *t)
{
	if (!audit_time_parse(s, t)) {
		log_error("archive: %s '%.40s': give seconds, YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ", what, s);
		return 0;
	}
	return 1;
}

static int
cmd_archive_export(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from_s = NULL, *to_s = NULL;
	char object[1100];
	int64_t from, to;
	struct ca *ca;
	int ch, ok;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': from_s = optarg; break;
		case 't': to_s = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (from_s == NULL || to_s == NULL || optind + 1 != argc) {
		log_error("archive export: give --from TIME --to TIME OUT");
		return CMD_USAGE;
	}
	if (!cmd_archive_time("--from", from_s, &from) ||
	    !cmd_archive_time("--to", to_s, &to))
		return CMD_USAGE;
	if (from > to) {
		log_error("archive export: --from is after --to");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 0)) == NULL)
		return CMD_FAIL;
	ok = archive_export(ca, from, to, argv[optind]);
	snprintf(object, sizeof(object), "archive:%.1000s", argv[optind]);
	audit_ca(ca, "archive.export", object, ok ? "ok" : "failed", NULL);
	if (ok)
		log_info("archive: %s written", argv[optind]);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}

static int
cmd_archive_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "audit-cert", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct archive_verify_result res;
	STACK_OF(X509) *sk = NULL;
	X509 *trusted = NULL;
	int ch, ok;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if ((sk = cmd_read_certs(optarg)) == NULL)
				return CMD_FAIL;
			trusted = sk_X509_value(sk, 0);
			break;
		default: return CMD_USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_error("archive verify: give one BUNDLE");
		sk_X509_pop_free(sk, X509_free);
		return CMD_USAGE;
	}
	if ((ok = archive_verify(argv[optind], trusted, &res)))
		printf("archive intact: %zu files, audit records %lld to %lld, "
		    "%zu checkpoints; signed by audit certificate SHA-256 %s\n",
		    res.files, (long long)res.first, (long long)res.last,
		    res.checkpoints, res.signer);
	else
		log_error("archive verify: %s: FAILED: %s", argv[optind],
		    res.why);
	sk_X509_pop_free(sk, X509_free);
	return ok ? CMD_OK : CMD_FAIL;
}

static int
cmd_archive_purge(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "before", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *before_s = NULL;
	char detail[128];
	int64_t before, purged = 0;
	struct ca *ca;
	int ch, ok;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': before_s = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (before_s == NULL || optind != argc) {
		log_error("archive purge: give --before TIME");
		return CMD_USAGE;
	}
	if (!cmd_archive_time("--before", before_s, &before))
		return CMD_USAGE;
	if ((ca = cmd_open_ca(g, 0)) == NULL)
		return CMD_FAIL;
	ok = archive_purge(ca, before, (int64_t)time(NULL), &purged);
	snprintf(detail, sizeof(detail), "{\"before\":%lld,\"purged\":%lld}",
	    (long long)before, (long long)purged);
	audit_ca(ca, "archive.purge", "audit:log", ok ? "ok" : "denied",
	    detail);
	if (ok)
		log_info("archive purge: %lld audit record%s deleted",
		    (long long)purged, purged == 1 ? "" : "s");
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}

int
cmd_archive(const struct cmd_global *g, int argc, char **argv)
{
	if (argc < 2) {
		log_error("archive: give export, verify or purge");
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "export") == 0)
		return cmd_archive_export(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_archive_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "purge") == 0)
		return cmd_archive_purge(g, argc - 1, argv + 1);
	log_error("archive: unknown subcommand '%.40s' (export, verify, "
	    "purge)", argv[1]);
	return CMD_USAGE;
}
