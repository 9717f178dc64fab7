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
