#ifndef INKAN_UTIL_LOG_H
#define INKAN_UTIL_LOG_H

#include <stdarg.h>

/*
 * Diagnostics for operators, written to standard error as
 * "inkan: message". Library code reports through these so the daemon can
 * later redirect them; nothing here exits except log_fatal.
 */
enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_MAX
};

/* Sets the program name shown before each message and the verbosity. */
void log_init(const char *progname, enum log_level level);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Logs the message followed by every entry of the OpenSSL error queue,
 * then clears the queue (it is per thread, STYLE "Errors").
 */
void log_openssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For a child process only: logs and exits with status 1. */
void log_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
