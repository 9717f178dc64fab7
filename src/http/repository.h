#ifndef INKAN_HTTP_REPOSITORY_H
#define INKAN_HTTP_REPOSITORY_H

#include "http/server.h"

/*
 * The public repository (CP-2.1, CP-2.2): what `inkan` publishes under
 * DIR/repository, served read-only at /repository/ with GET and HEAD.
 * Nothing outside that folder is ever served: the path is decoded once
 * and refused if it holds "..", ".", a hidden name, an encoded '/' or
 * '\', NUL or control characters, and every open is confined beneath
 * the folder by the kernel (openat2 RESOLVE_BENEATH), which also refuses
 * symbolic links that lead outside. Only regular files are sent, and
 * directories as a generated HTML index.
 */

struct http_repository;

/*
 * Opens root (DIR/repository) for serving. NULL if it is not a
 * directory (logged). Free with http_repository_free.
 */
struct http_repository *http_repository_new(const char *root);

/* Accepts NULL. */
void http_repository_free(struct http_repository *r);

/* The /repository route handler; arg is the struct http_repository. */
int http_repository_handler(void *arg, const struct http_request *req,
    struct http_response *resp);

/* The Content-Type the repository sends for a file name. */
const char *http_repository_content_type(const char *name);

#endif
