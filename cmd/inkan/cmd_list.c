#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "util/log.h"

void
cmd_list_help(void)
{
	printf("usage: inkan --dir DIR list\n\n"
	    "Lists every certificate in the store, one a line: issuer, serial,\n"
	    "state (intent, issued, aborted), status, profile, notAfter and\n"
	    "subject. Intents that never completed stay listed: their serials\n"
	    "are never reused.\n");
}

static int
cmd_list_one(const struct store_cert *c, void *arg)
{
	char date[32];
	time_t t = (time_t)c->not_after;
	struct tm tm;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-12s %-40s %-7s %-7s %-18s %s  %s\n", c->issuer, c->serial,
	    store_cert_state_name(c->state), store_cert_status_name(c->status),
	    c->profile, date, c->subject);
	return 1;
}

int
cmd_list(const struct cmd_global *g, int argc, char **argv)
{
	struct ca *ca;
	int ok = 1;

	if (argc != 1) {
		log_error("list: unexpected argument '%s'", argv[1]);
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	printf("%-12s %-40s %-7s %-7s %-18s %-20s  %s\n", "ISSUER", "SERIAL",
	    "STATE", "STATUS", "PROFILE", "NOT AFTER", "SUBJECT");
	for (int s = 0; s < STORE_CERT_STATE_MAX && ok; s++)
		ok = store_cert_each_in_state(ca->store, (enum store_cert_state)s,
		    cmd_list_one, NULL);
	ca_close(ca);
	return ok ? CMD_OK : CMD_FAIL;
}
