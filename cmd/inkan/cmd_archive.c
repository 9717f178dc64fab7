#include <stdio.h>

#include "cmd.h"
#include "util/log.h"

void
cmd_archive_help(void)
{
	printf("usage: inkan --dir DIR archive export|verify|purge\n");
}

int
cmd_archive(const struct cmd_global *g, int argc, char **argv)
{
	log_error("archive: not built yet");
	return CMD_FAIL;
}
