#ifndef INKAN_CMD_H
#define INKAN_CMD_H

#include "ca/ca.h"

/* Options given before the command name, shared by every command. */
struct cmd_global {
	const char	*dir;
	const char	*passphrase_file;
};

/* Exit statuses: 0 success, 1 refused or failed, 2 usage error. */
#define CMD_OK		0
#define CMD_FAIL	1
#define CMD_USAGE	2

struct cmd {
	const char	*name;
	const char	*summary;
	int		(*run)(const struct cmd_global *g, int argc, char **argv);
	void		(*help)(void);
};

int cmd_init(const struct cmd_global *g, int argc, char **argv);
void cmd_init_help(void);
int cmd_issue(const struct cmd_global *g, int argc, char **argv);
void cmd_issue_help(void);
int cmd_inspect(const struct cmd_global *g, int argc, char **argv);
void cmd_inspect_help(void);
int cmd_list(const struct cmd_global *g, int argc, char **argv);
void cmd_list_help(void);
int cmd_revoke(const struct cmd_global *g, int argc, char **argv);
void cmd_revoke_help(void);
int cmd_crl(const struct cmd_global *g, int argc, char **argv);
void cmd_crl_help(void);
int cmd_ocsp(const struct cmd_global *g, int argc, char **argv);
void cmd_ocsp_help(void);
int cmd_publish(const struct cmd_global *g, int argc, char **argv);
void cmd_publish_help(void);
int cmd_ldap(const struct cmd_global *g, int argc, char **argv);
void cmd_ldap_help(void);
int cmd_lint(const struct cmd_global *g, int argc, char **argv);
void cmd_lint_help(void);
int cmd_backup(const struct cmd_global *g, int argc, char **argv);
void cmd_backup_help(void);
int cmd_restore(const struct cmd_global *g, int argc, char **argv);
void cmd_restore_help(void);
int cmd_audit(const struct cmd_global *g, int argc, char **argv);
void cmd_audit_help(void);
int cmd_archive(const struct cmd_global *g, int argc, char **argv);
void cmd_archive_help(void);
int cmd_account(const struct cmd_global *g, int argc, char **argv);
void cmd_account_help(void);
int cmd_org(const struct cmd_global *g, int argc, char **argv);
void cmd_org_help(void);
int cmd_mail(const struct cmd_global *g, int argc, char **argv);
void cmd_mail_help(void);
int cmd_app(const struct cmd_global *g, int argc, char **argv);
void cmd_app_help(void);

/* Opens the CA of g (with the signer unless no_signer). NULL if it fails. */
struct ca *cmd_open_ca(const struct cmd_global *g, int no_signer);

/* 1 if argv[1] is -h or --help (then the command prints its help). */
int cmd_wants_help(int argc, char **argv);

/* Writes PEM of x (and chain) to path, mode 0644; "-" is stdout. */
int cmd_write_pem(const char *path, X509 *x, STACK_OF(X509) *chain);

/* Every certificate of a PEM (several) or DER file; NULL if none (logged). */
STACK_OF(X509) *cmd_read_certs(const char *path);

#endif
