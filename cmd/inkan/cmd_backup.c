#include <stdio.h>
#include <string.h>

#include "ca/backup.h"
#include "cmd.h"
#include "util/log.h"

void
cmd_backup_help(void)
{
	printf("usage: inkan --dir DIR backup OUT\n"
	    "       inkan backup --verify BACKUP\n\n"
	    "Copies everything needed to rebuild the CA into the new folder\n"
	    "OUT (CP-5.7.2): the store, taken with SQLite's online backup API\n"
	    "while inkand and other commands keep working, integrity-checked\n"
	    "and opened as a store; the encrypted key files (they stay\n"
	    "encrypted: keep the passphrase apart), the configuration, the\n"
	    "repository, OCSP responder certificates, logs, and a MANIFEST of\n"
	    "SHA-256 hashes. OUT appears only once it is complete.\n\n"
	    "  --verify BACKUP   check a backup (the manifest and the SHA-256\n"
	    "                    of every file) without restoring it\n\n"
	    "Restore with 'inkan --dir NEWDIR restore OUT'; see\n"
	    "docs/operations.md.\n");
}

void
cmd_restore_help(void)
{
	printf("usage: inkan --dir NEWDIR restore BACKUP\n\n"
	    "Rebuilds a CA from a backup made by 'inkan backup' into NEWDIR,\n"
	    "which must be empty or not exist. The whole backup is checked\n"
	    "first (manifest, SHA-256 of every file, store integrity); a\n"
	    "damaged or truncated backup is refused and nothing is written.\n"
	    "CRL numbers keep rising after a restore, even above CRLs issued\n"
	    "after the backup was taken: they never fall below the clock in\n"
	    "microseconds (docs/operations.md).\n");
}

static int
cmd_backup_verify(const char *backup)
{
	if (!ca_backup_verify(backup)) {
		log_error("backup: %s: damaged or incomplete; do not rely on "
		    "it", backup);
		return CMD_FAIL;
	}
	printf("%s: whole (manifest and every SHA-256 match; the store "
	    "passed its integrity check when the backup was taken)\n", backup);
	return CMD_OK;
}

int
cmd_backup(const struct cmd_global *g, int argc, char **argv)
{
	struct ca *ca;
	int ok;

	if (argc == 3 && strcmp(argv[1], "--verify") == 0)
		return cmd_backup_verify(argv[2]);
	if (argc != 2 || argv[1][0] == '-') {
		log_error("backup: give one new folder: inkan --dir DIR backup "
		    "OUT");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	ok = ca_backup(ca, argv[1]);
	ca_close(ca);
	if (ok)
		printf("%s\n", argv[1]);
	return ok ? CMD_OK : CMD_FAIL;
}

int
cmd_restore(const struct cmd_global *g, int argc, char **argv)
{
	struct ca *ca;

	if (argc != 2 || argv[1][0] == '-') {
		log_error("restore: give one backup: inkan --dir NEWDIR restore "
		    "BACKUP");
		return CMD_USAGE;
	}
	if (g->dir == NULL) {
		log_error("restore: no CA directory: give --dir NEWDIR");
		return CMD_USAGE;
	}
	if (!ca_restore(argv[1], g->dir))
		return CMD_FAIL;
	/* The restored directory opens as a CA: configuration and store. */
	if ((ca = cmd_open_ca(g, 1)) == NULL) {
		log_error("restore: %s was restored but does not open as a CA",
		    g->dir);
		return CMD_FAIL;
	}
	ca_close(ca);
	return CMD_OK;
}
