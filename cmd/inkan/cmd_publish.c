#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "audit/seal.h"
#include "cmd.h"
#include "util/file.h"
#include "util/log.h"

/* Repository documents: the CP, the CPS, notices (CP-2.1, 2.3). */
#define PUBLISH_MAX	(16 * 1024 * 1024)

void
cmd_publish_help(void)
{
	printf("usage: inkan --dir DIR publish FILE [--as NAME]\n\n"
	    "Publishes a document (the CP, the CPS, a notice) in the\n"
	    "read-only repository, at DIR/repository/docs/NAME (default: the\n"
	    "file's own name). The repository changes only through inkan\n"
	    "commands (CP-2.4). NAME is letters, digits, '.', '-' and '_'.\n");
}

static int
cmd_publish_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		    *s == '_'))
			return 0;
	return 1;
}

/*
 * repository.publish with the document's SHA-256 (CP-5.4). Publishing
 * needs no key, so the record is sealed by the next command that opens
 * the signer, or by inkand.
 */
static void
cmd_publish_audit(struct ca *ca, const char *name, const unsigned char *data,
    size_t len, int ok)
{
	char object[160], detail[128], hex[65];
	unsigned char h[32];

	snprintf(object, sizeof(object), "doc:%s", name);
	if (data != NULL)
		SHA256(data, len, h);
	else
		memset(h, 0, sizeof(h));
	audit_hex(h, 32, hex);
	snprintf(detail, sizeof(detail), "{\"sha256\":\"%s\"}", hex);
	audit_ca(ca, "repository.publish", object, ok ? "ok" : "failed",
	    detail);
}

int
cmd_publish(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *src, *slash;
	char *docs = NULL, *path = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	struct ca *ca;
	int ch, ok = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': name = optarg; break;
		default: return CMD_USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_error("publish: give exactly one FILE");
		return CMD_USAGE;
	}
	src = argv[optind];
	if (name == NULL)
		name = (slash = strrchr(src, '/')) != NULL ? slash + 1 : src;
	if (!cmd_publish_name_ok(name)) {
		log_error("publish: name '%.60s': use letters, digits, '.', '-' "
		    "and '_', not starting with '.'", name);
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	if ((data = file_read(src, PUBLISH_MAX, &len)) == NULL ||
	    (docs = file_join(ca->dir, "repository/docs")) == NULL ||
	    !file_mkdirs(docs, 0755) || (path = file_join(docs, name)) == NULL ||
	    !file_write_atomic(path, data, len, 0644, 0))
		goto out;
	log_info("publish: %s published as %s", src, path);
	ok = 1;
 out:
	cmd_publish_audit(ca, name, data, len, ok);
	free(data);
	free(docs);
	free(path);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
