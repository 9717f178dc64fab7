#ifndef INKAN_HTTP_ACCESSLOG_H
#define INKAN_HTTP_ACCESSLOG_H

#include <stddef.h>

/*
 * The OCSP access log (CP-5.5.1: every request, with time, client,
 * serial and status, kept for the archive): JSON lines appended to one
 * file. Serving threads only copy their line into a buffer; one writer
 * thread appends the buffer with write(2) on an O_APPEND descriptor and
 * syncs it at most once a second, so no request waits on the disk. If the
 * disk stalls long enough to fill the buffer, writers wait for room: a
 * line is never dropped.
 */

struct http_accesslog;

/* Opens (creating, mode 0640) path for appending and starts the writer. */
struct http_accesslog *http_accesslog_open(const char *path);

/*
 * Appends one line (len bytes, ending in '\n'). 0 if the line is longer
 * than the buffer or the log is closing.
 */
int http_accesslog_write(struct http_accesslog *l, const char *line,
    size_t len);

/*
 * Asks the writer to reopen the file after the current batch (log
 * rotation: the operator moves the file, then sends SIGHUP).
 */
void http_accesslog_reopen(struct http_accesslog *l);

/* Writes out everything buffered, syncs, stops the writer and frees l. */
void http_accesslog_close(struct http_accesslog *l);

/*
 * Appends s to dst (of dstlen, already holding *used bytes) as the
 * contents of a JSON string (RFC 8259 §7): quote and backslash escaped,
 * control characters and bytes above 0x7e as \u00XX, so the line stays
 * ASCII whatever it holds. 0 if it does not fit.
 */
int http_json_escape(char *dst, size_t dstlen, size_t *used, const char *s);

#endif
