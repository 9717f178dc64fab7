#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>

static const char *log_progname = "inkan";
static enum log_level log_max_level = LOG_LEVEL_INFO;

void
log_init(const char *progname, enum log_level level)
{
	if (progname != NULL)
		log_progname = progname;
	if (level < LOG_LEVEL_MAX)
		log_max_level = level;
}

static void
log_vprint(enum log_level level, const char *prefix, const char *fmt,
    va_list ap)
{
	if (level > log_max_level)
		return;
	fprintf(stderr, "%s: %s", log_progname, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOG_FN(name, level, prefix)				\
	void							\
	name(const char *fmt, ...)				\
	{							\
		va_list ap;					\
		va_start(ap, fmt);				\
		log_vprint(level, prefix, fmt, ap);		\
		va_end(ap);					\
	}

LOG_FN(log_error, LOG_LEVEL_ERROR, "error: ")
LOG_FN(log_warn, LOG_LEVEL_WARN, "warning: ")
LOG_FN(log_info, LOG_LEVEL_INFO, "")
LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug: ")

static int
log_openssl_entry(const char *str, size_t len, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s:   openssl: %.*s", log_progname, (int)len, str);
	if (len == 0 || str[len - 1] != '\n')
		fputc('\n', stderr);
	return 1;
}

void
log_openssl(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(LOG_LEVEL_ERROR, "error: ", fmt, ap);
	va_end(ap);
	ERR_print_errors_cb(log_openssl_entry, NULL);
	ERR_clear_error();
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(LOG_LEVEL_ERROR, "fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}
