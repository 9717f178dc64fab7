/* nftw(3) is X/Open. */
#define _XOPEN_SOURCE 700

#include "util/file.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

unsigned char *
file_read(const char *path, size_t max, size_t *len)
{
	unsigned char *buf = NULL, *res = NULL;
	struct stat st;
	size_t have = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_error("%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		log_error("%s: too large (%lld bytes, at most %zu allowed)",
		    path, (long long)st.st_size, max);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		log_error("%s: out of memory", path);
		goto out;
	}
	while (have < (size_t)st.st_size) {
		n = read(fd, buf + have, (size_t)st.st_size - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("%s: read failed: %s", path,
			    n == 0 ? "file shrank" : strerror(errno));
			goto out;
		}
		have += (size_t)n;
	}
	buf[have] = '\0';
	*len = have;
	res = buf;
	buf = NULL;
 out:
	free(buf);
	close(fd);
	return res;
}

static int
file_fsync_dir(const char *path)
{
	char *copy;
	int fd, ok = 0;

	if ((copy = strdup(path)) == NULL)
		return 0;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		ok = fsync(fd) == 0;
		close(fd);
	}
	free(copy);
	return ok;
}

static int
file_write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, int exclusive)
{
	char *tmp;

	if (exclusive && file_exists(path)) {
		log_error("%s: already exists; refusing to overwrite", path);
		return 0;
	}
	if ((tmp = file_stage(path, data, len, mode)) == NULL)
		return 0;
	if (!exclusive)
		return file_stage_commit(tmp, path);
	/* link(2) fails if path appeared meanwhile: no overwrite race. */
	if (link(tmp, path) == -1) {
		log_error("%s: cannot create: %s", path, strerror(errno));
		file_stage_abort(tmp);
		return 0;
	}
	file_stage_abort(tmp);
	if (!file_fsync_dir(path)) {
		log_error("%s: cannot sync folder", path);
		return 0;
	}
	return 1;
}

char *
file_stage(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp;
	size_t tlen;
	int fd;

	tlen = strlen(path) + sizeof(".tmp.XXXXXX");
	if ((tmp = malloc(tlen)) == NULL)
		return NULL;
	snprintf(tmp, tlen, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		log_error("%s: cannot create temporary file: %s", path,
		    strerror(errno));
		free(tmp);
		return NULL;
	}
	if (fchmod(fd, mode) == -1 || !file_write_all(fd, data, len) ||
	    fsync(fd) == -1) {
		log_error("%s: write failed: %s", path, strerror(errno));
		close(fd);
		file_stage_abort(tmp);
		return NULL;
	}
	if (close(fd) == -1) {
		log_error("%s: close failed: %s", path, strerror(errno));
		file_stage_abort(tmp);
		return NULL;
	}
	return tmp;
}

int
file_stage_commit(char *tmp, const char *path)
{
	if (rename(tmp, path) == -1) {
		log_error("%s: rename failed: %s", path, strerror(errno));
		file_stage_abort(tmp);
		return 0;
	}
	free(tmp);
	if (!file_fsync_dir(path)) {
		log_error("%s: cannot sync folder", path);
		return 0;
	}
	return 1;
}

void
file_stage_abort(char *tmp)
{
	if (tmp == NULL)
		return;
	unlink(tmp);
	free(tmp);
}

int
file_mkdirs(const char *path, mode_t mode)
{
	char *copy, *p;
	int ok = 0;

	if ((copy = strdup(path)) == NULL)
		return 0;
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) == -1 && errno != EEXIST) {
			log_error("%s: cannot create folder: %s", copy,
			    strerror(errno));
			goto out;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	ok = 1;
 out:
	free(copy);
	return ok;
}

char *
file_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *s;

	if ((s = malloc(len)) == NULL)
		return NULL;
	snprintf(s, len, "%s/%s", dir, name);
	return s;
}

int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int
file_remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
file_remove_tree(const char *path)
{
	if (!file_exists(path))
		return 1;
	if (nftw(path, file_remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		log_error("%s: cannot remove: %s", path, strerror(errno));
		return 0;
	}
	return 1;
}

int
file_dir_empty(const char *path)
{
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}
