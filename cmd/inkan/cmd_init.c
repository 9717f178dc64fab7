#include <getopt.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/seal.h"
#include "ca/crl.h"
#include "ca/init.h"
#include "cmd.h"
#include "lint/lint.h"
#include "util/file.h"
#include "util/log.h"

void
cmd_init_help(void)
{
	printf("usage: inkan --dir DIR init [--config FILE]\n\n"
	    "Creates the CA hierarchy the configuration describes (CP-1.1):\n"
	    "the root CAs, every issuing CA cross-certified by its roots, and\n"
	    "an OCSP responder certificate for each issuing CA, then the first\n"
	    "CRL of every CA. Keys are made\n"
	    "inside the signer process and stored encrypted in DIR/keys under\n"
	    "the passphrase. This is the deliberate operator command by which\n"
	    "root CA keys sign (CP-4.3.1).\n\n"
	    "  --config FILE   configuration to use (default: DIR/inkan.conf);\n"
	    "                  it is copied to DIR/inkan.conf\n"
	    "  --key-blocklist FILE  SHA-256 fingerprints of compromised public\n"
	    "                  keys (CSBR 6.1.1.3), copied to\n"
	    "                  DIR/key-blocklist.sha256; no subscriber key on it\n"
	    "                  is ever certified. Replace that file to update it.\n\n"
	    "DIR must not hold a CA yet. Certificates are written to\n"
	    "DIR/repository/ (published) and DIR/ocsp/ (responders).\n");
}

/* Keeps the configuration (or blocklist) in force beside the store. */
static int
cmd_init_copy(const char *from, const char *dir, const char *name)
{
	unsigned char *text;
	char *to;
	size_t len;
	int ok = 0;

	if ((to = file_join(dir, name)) == NULL)
		return 0;
	if ((text = file_read(from, FILE_READ_MAX, &len)) != NULL)
		ok = file_write_atomic(to, text, len, 0644, 0);
	free(text);
	free(to);
	return ok;
}

/*
 * The hierarchy is built in DIR.partial and renamed to DIR only when
 * complete, so a failed init leaves nothing half-made behind.
 */
int
cmd_init(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "key-blocklist", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *blocklist = NULL;
	struct ca_open_opts o = { 0 };
	struct ca *ca;
	char *tmp = NULL;
	int ch, ok = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.config = optarg; break;
		case 'b': blocklist = optarg; break;
		default: cmd_init_help(); return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_error("init: unexpected argument '%s'", argv[optind]);
		return CMD_USAGE;
	}
	if (g->dir == NULL) {
		log_error("init: give the new CA directory with --dir DIR");
		return CMD_USAGE;
	}
	if (file_exists(g->dir) && !file_dir_empty(g->dir)) {
		log_error("init: %s already exists and is not empty; refusing to "
		    "create a second hierarchy there", g->dir);
		return CMD_FAIL;
	}
	if ((tmp = malloc(strlen(g->dir) + sizeof(".partial"))) == NULL)
		return CMD_FAIL;
	sprintf(tmp, "%s.partial", g->dir);
	if (file_exists(tmp)) {
		log_warn("init: removing %s left by an earlier failed init", tmp);
		if (!file_remove_tree(tmp))
			goto out;
	}
	o.dir = tmp;
	o.passphrase_file = g->passphrase_file;
	o.create = 1;
	if ((ca = ca_open(&o)) == NULL)
		goto out;
	ok = (o.config == NULL || cmd_init_copy(o.config, tmp, "inkan.conf")) &&
	    (blocklist == NULL || (cmd_init_copy(blocklist, tmp,
	    "key-blocklist.sha256") && lint_blocklist_set_default(blocklist))) &&
	    audit_key_init(ca) && ca_init_hierarchy(ca) &&
	    /* Distribution points answer from the first moment (CP-2.3). */
	    ca_crl_issue_all(ca, time(NULL));
	audit_ca(ca, "ca.init", "ca:hierarchy", ok ? "ok" : "failed", NULL);
	ca_close(ca);
	if (ok && file_exists(g->dir) && rmdir(g->dir) == -1)
		ok = 0;
	if (ok && rename(tmp, g->dir) == -1) {
		log_error("init: cannot rename %s to %s: %s", tmp, g->dir,
		    strerror(errno));
		ok = 0;
	}
 out:
	if (!ok) {
		file_remove_tree(tmp);
		log_error("init: failed; nothing was created");
	} else
		log_info("init: hierarchy created in %s (CA certificates in "
		    "%s/repository/certs)", g->dir, g->dir);
	free(tmp);
	return ok ? CMD_OK : CMD_FAIL;
}
