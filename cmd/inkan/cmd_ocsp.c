#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "ocsp/presign.h"
#include "util/file.h"
#include "util/log.h"

void
cmd_ocsp_help(void)
{
	printf("usage: inkan --dir DIR ocsp refresh\n"
	    "       inkan --dir DIR ocsp export --out FOLDER [--issuer CA]\n\n"
	    "refresh  signs OCSP responses for certificates that have none or\n"
	    "         whose status changed, and re-signs those due (each is\n"
	    "         valid 4 days and replaced daily; docs/ocsp.md). inkand\n"
	    "         does this continuously.\n"
	    "export   writes every pre-signed response as DER, for a TLS server\n"
	    "         to staple (CP-4.9.11) or a CDN to serve:\n"
	    "         FOLDER/ISSUER/SERIAL.ocsp (SHA-1 CertID, RFC 5019) and\n"
	    "         FOLDER/ISSUER/SERIAL.sha256.ocsp\n");
}

struct cmd_ocsp_export {
	const char	*dir;
	long		 written;
	int		 failed;
};

static int
cmd_ocsp_write(const struct store_ocsp *r, void *arg)
{
	struct cmd_ocsp_export *e = arg;
	char name[128], *sub = NULL, *path = NULL;

	snprintf(name, sizeof(name), "%s%s.ocsp", r->serial,
	    strcmp(r->hash_alg, "sha1") == 0 ? "" : ".sha256");
	if ((sub = file_join(e->dir, r->issuer)) == NULL ||
	    !file_mkdirs(sub, 0755) || (path = file_join(sub, name)) == NULL ||
	    !file_write_atomic(path, r->der, r->der_len, 0644, 0))
		e->failed = 1;
	else
		e->written++;
	free(sub);
	free(path);
	return !e->failed;
}

static int
cmd_ocsp_export(struct ca *ca, const char *out, const char *issuer)
{
	struct cmd_ocsp_export e = { out, 0, 0 };

	for (size_t i = 0; i < ca->conf->nissuing && !e.failed; i++)
		if (issuer == NULL ||
		    strcmp(issuer, ca->conf->issuing[i].name) == 0)
			store_ocsp_each(ca->store, ca->conf->issuing[i].name,
			    cmd_ocsp_write, &e);
	log_info("ocsp: %ld responses written to %s", e.written, out);
	return !e.failed;
}

int
cmd_ocsp(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "issuer", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *issuer = NULL, *verb;
	struct ca *ca;
	long n;
	int ch, ok = 0;

	if (argc < 2) {
		cmd_ocsp_help();
		return CMD_USAGE;
	}
	verb = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'i': issuer = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (strcmp(verb, "refresh") != 0 && strcmp(verb, "export") != 0) {
		log_error("ocsp: unknown action '%s' (refresh or export)", verb);
		return CMD_USAGE;
	}
	if (strcmp(verb, "export") == 0 && out == NULL) {
		log_error("ocsp export: --out FOLDER is required");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, strcmp(verb, "export") == 0)) == NULL)
		return CMD_FAIL;
	if (strcmp(verb, "refresh") == 0) {
		/*
		 * inkand's worker may store newer answers for the same
		 * certificates meanwhile; the store then refuses ours and the
		 * batch rolls back. Walking again finds those done.
		 */
		for (int tries = 0; !ok && tries < 3; tries++)
			if ((n = ocsp_presign_pending(ca, time(NULL))) >= 0) {
				log_info("ocsp: %ld responses signed", n);
				ok = 1;
			}
	} else
		ok = cmd_ocsp_export(ca, out, issuer);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
