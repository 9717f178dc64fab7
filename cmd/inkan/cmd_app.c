#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "ra/app.h"
#include "util/log.h"

/*
 * `inkan app list|show`: applications (src/ra/app.c) for operators at
 * the CA's console, read-only; decisions go through the API, where MFA
 * guards them (CP-6.5.1).
 */

void
cmd_app_help(void)
{
	printf("usage: inkan --dir DIR app list [--org NAME]\n"
	    "       inkan --dir DIR app show ID\n\n"
	    "Reads certificate applications (CP-4.1-4.4): list shows the\n"
	    "newest 1000, one a line (id, organisation, policy, status,\n"
	    "submitted, subject); show prints one with its checklist, the\n"
	    "certificate issued, the notices and the acceptance. Read-only:\n"
	    "examination and decisions go through the RA and LRA APIs.\n");
}

static void
cmd_app_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		snprintf(out, 32, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
cmd_app_line(const struct store_app *a, void *arg)
{
	char when[32];

	(void)arg;
	cmd_app_time(a->submitted_at, when);
	printf("%-6lld %-16s %-9s %-9s %-20s %s\n", (long long)a->id, a->org,
	    a->policy, store_app_status_name(a->status), when, a->subject);
	return 1;
}

static int
cmd_app_check(const struct store_app_check *c, void *arg)
{
	char when[32];

	(void)arg;
	cmd_app_time(c->checked_at, when);
	printf("  %-14s %-5s %s %s %s%s%s\n", c->item, c->result, when,
	    c->checked_by, c->note, c->evidence[0] ? "; evidence: " : "",
	    c->evidence);
	return 1;
}

static void
cmd_app_field(const char *name, const char *v)
{
	if (v != NULL)
		printf("%s: %s\n", name, v);
}

static void
cmd_app_print(const struct store_app *a)
{
	char t[32];

	printf("application: %lld\norganisation: %s\npolicy: %s\nsubject: %s\n"
	    "emails: %s\nekus: %s\nkey: %s\napplicant: %s <%s>\n",
	    (long long)a->id, a->org, a->policy, a->subject, a->emails,
	    a->ekus, a->keygen ? "CA-generated" : "CSR", a->applicant_name,
	    a->applicant_email);
	cmd_app_field("upn", a->upn);
	cmd_app_time(a->agreed_at, t);
	printf("agreement: CP/CPS %s at %s\n", a->agreement_version, t);
	if (a->replaces_serial != NULL)
		printf("replaces: %s/%s\n", a->replaces_issuer,
		    a->replaces_serial);
	cmd_app_time(a->submitted_at, t);
	printf("status: %s\nsubmitted: %s by %s (%s)\n",
	    store_app_status_name(a->status), t, a->submitted_by,
	    a->submitted_via);
	if (a->decided_by != NULL) {
		cmd_app_time(a->decided_at, t);
		printf("decided: %s by %s\n", t, a->decided_by);
	}
	cmd_app_field("reason", a->reason);
	cmd_app_field("issue error", a->issue_error);
	if (a->cert_serial != NULL) {
		cmd_app_time(a->issued_at, t);
		printf("certificate: %s/%s issued %s\n", a->cert_issuer,
		    a->cert_serial, t);
	}
	cmd_app_field("notice", a->notice);
	cmd_app_field("pin", a->pin_delivery);
	if (a->accepted_at != 0) {
		cmd_app_time(a->accepted_at, t);
		printf("accepted: %s (%s, %s)\n", t, a->accepted_how,
		    a->accepted_by);
	}
	cmd_app_field("objection", a->objection);
}

static int
cmd_app_show(struct store *st, const char *arg)
{
	struct store_app *a = NULL;
	char *end;
	long long id = strtoll(arg, &end, 10);
	int ok;

	if (*arg == '\0' || *end != '\0' || id <= 0) {
		log_error("app show: %s: not an application number", arg);
		return CMD_USAGE;
	}
	if (!store_app_get(st, id, &a))
		return CMD_FAIL;
	if (a == NULL) {
		log_error("app show: no application %lld", id);
		return CMD_FAIL;
	}
	cmd_app_print(a);
	printf("checklist:\n");
	ok = store_app_check_each(st, id, cmd_app_check, NULL);
	store_app_free(a);
	return ok ? CMD_OK : CMD_FAIL;
}

int
cmd_app(const struct cmd_global *g, int argc, char **argv)
{
	const char *org = NULL;
	struct ca *ca;
	int rc = CMD_USAGE;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "show") != 0)) {
		log_error("app: expected list or show (see inkan app --help)");
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (argc == 4 && strcmp(argv[2], "--org") == 0)
			org = argv[3];
		else if (argc != 2) {
			log_error("app list: expected at most --org NAME");
			return CMD_USAGE;
		}
	} else if (argc != 3) {
		log_error("app show: expected one application number");
		return CMD_USAGE;
	}
	if ((ca = cmd_open_ca(g, 1)) == NULL)
		return CMD_FAIL;
	if (strcmp(argv[1], "show") == 0)
		rc = cmd_app_show(ca->store, argv[2]);
	else {
		printf("%-6s %-16s %-9s %-9s %-20s %s\n", "ID", "ORG", "POLICY",
		    "STATUS", "SUBMITTED", "SUBJECT");
		rc = store_app_each(ca->store, org, 1000, cmd_app_line, NULL) ?
		    CMD_OK : CMD_FAIL;
	}
	ca_close(ca);
	return rc;
}
