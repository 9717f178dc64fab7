#ifndef INKAN_UTIL_FILE_H
#define INKAN_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Largest file inkan reads whole (config, CSR, certificate): 1 MiB. */
#define FILE_READ_MAX (1024 * 1024)

/*
 * Reads the whole of path into a new buffer of at most max bytes, with a
 * NUL after the data (not counted in *len) so text parsers may use it.
 * Returns NULL and logs a message naming the file on failure or when the
 * file is larger than max. The caller frees with free().
 */
unsigned char *file_read(const char *path, size_t max, size_t *len);

/*
 * Writes data to path durably and atomically: a temporary file in the same
 * folder, fsync, rename over path, fsync of the folder. With exclusive set,
 * fails if path already exists (keys are never overwritten).
 * Returns 1 on success, 0 on failure (logged).
 */
int file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, int exclusive);

/*
 * file_write_atomic in two steps, for a writer that must decide between
 * writing and publishing (the CRL waits for its linter): file_stage
 * writes and syncs data to a temporary file beside path and returns its
 * name (malloc'd; NULL on failure, logged); file_stage_commit renames it
 * over path and syncs the folder (1 on success); file_stage_abort removes
 * it. Both free tmp.
 */
char *file_stage(const char *path, const void *data, size_t len, mode_t mode);
int file_stage_commit(char *tmp, const char *path);
void file_stage_abort(char *tmp);

/* Creates path and its parents with the given mode; 1 on success. */
int file_mkdirs(const char *path, mode_t mode);

/* Joins dir and name into a new string; NULL on allocation failure. */
char *file_join(const char *dir, const char *name);

/*
 * Removes path and everything under it (no symlink is followed).
 * Returns 1 on success.
 */
int file_remove_tree(const char *path);

/* 1 if path is a directory with no entries. */
int file_dir_empty(const char *path);

/* 1 if path exists. */
int file_exists(const char *path);

#endif
