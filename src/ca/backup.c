#include "ca/backup.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/evp.h>

#include "audit/seal.h"
#include "util/file.h"
#include "util/log.h"

#define BK_FORMAT	"inkan-backup 1"
#define BK_MANIFEST	"MANIFEST"
#define BK_STORE	"inkan.db"
/* A manifest line per file: a million files fit. */
#define BK_MANIFEST_MAX	(256 * 1024 * 1024)
#define BK_PATH_MAX	1024

struct bk_entry {
	char		*path;		/* relative, '/'-separated */
	int		 is_dir;
	mode_t		 mode;
	long long	 size;
	unsigned char	 sha[32];
};

struct bk_list {
	struct bk_entry	*v;
	size_t		 n, cap;
};

static void
bk_list_free(struct bk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct bk_entry *
bk_list_add(struct bk_list *l, const char *path)
{
	struct bk_entry *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return NULL;
	return &l->v[l->n++];
}

static int
bk_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bk_entry *)a)->path,
	    ((const struct bk_entry *)b)->path);
}

/* a/b into buf; 0 (logged) if it does not fit. */
static int
bk_join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);

	if (n < 0 || (size_t)n >= size) {
		log_error("%s/%s: path too long", a, b);
		return 0;
	}
	return 1;
}

static void
bk_hex(const unsigned char *h, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Writes all of buf to fd; 0 with errno set on failure. */
static int
bk_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		p += w;
		len -= (size_t)w;
	}
	return 1;
}

/*
 * Reads src (no symlink followed), hashing it, and writes it to dst with
 * mode when dst is not NULL (a new file, synced). Sets sha and size.
 */
static int
bk_copy(const char *src, const char *dst, mode_t mode, unsigned char sha[32],
    long long *size)
{
	EVP_MD_CTX *md = NULL;
	unsigned char buf[65536];
	int in = -1, out = -1, ok = 0;
	const char *failed = src;
	ssize_t r;

	*size = 0;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		goto out;
	failed = dst;
	if (dst != NULL && ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600)) == -1 || fchmod(out, mode) == -1))
		goto out;
	for (;;) {
		failed = src;
		if ((r = read(in, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (r == 0)
			break;
		*size += r;
		failed = dst;
		if (EVP_DigestUpdate(md, buf, (size_t)r) != 1 ||
		    (out != -1 && !bk_write_all(out, buf, (size_t)r)))
			goto out;
	}
	failed = dst;
	if (out != -1 && fsync(out) == -1)
		goto out;
	if (EVP_DigestFinal_ex(md, sha, NULL) != 1)
		goto out;
	ok = 1;
 out:
	if (!ok)
		log_error("%s: %s", failed != NULL ? failed : src,
		    errno != 0 ? strerror(errno) : "cannot hash");
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1 && ok) {
		log_error("%s: %s", dst, strerror(errno));
		ok = 0;
	}
	EVP_MD_CTX_free(md);
	return ok;
}

static int
bk_sync_dir(const char *path)
{
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/* The store and its transient files are copied by the store itself. */
static int
bk_skipped(const char *rel)
{
	static const char *const names[] = { BK_STORE, "inkan.db-wal",
	    "inkan.db-shm", "inkan.db-journal", "inkan.lock" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(rel, names[i]) == 0)
			return 1;
	return 0;
}

/* A path the manifest can hold on one line and restore cannot escape. */
static int
bk_path_ok(const char *rel)
{
	const char *p, *slash;
	size_t n;

	if (strlen(rel) >= BK_PATH_MAX || strpbrk(rel, "\n\r\\") != NULL)
		return 0;
	for (p = rel;; p = slash + 1) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (slash == NULL)
			return 1;
	}
}

/* 1 if out would lie inside dir (the backup would copy itself). */
static int
bk_inside(const char *dir, const char *out)
{
	char rdir[PATH_MAX], rparent[PATH_MAX], parent[BK_PATH_MAX * 2],
	    *slash;
	size_t n;

	snprintf(parent, sizeof(parent), "%s", out);
	if ((slash = strrchr(parent, '/')) == NULL)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (realpath(dir, rdir) == NULL || realpath(parent, rparent) == NULL)
		return 0;
	n = strlen(rdir);
	return strncmp(rparent, rdir, n) == 0 &&
	    (rparent[n] == '\0' || rparent[n] == '/');
}

/* Copies dir/rel (a folder) into out/rel, recording every entry. */
static int
bk_walk(const char *dir, const char *out, const char *rel,
    struct bk_list *l)
{
	char src[BK_PATH_MAX * 2], dst[BK_PATH_MAX * 2], sub[BK_PATH_MAX];
	struct bk_entry *e;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int ok = 1;

	snprintf(src, sizeof(src), "%s%s%s", dir, *rel ? "/" : "", rel);
	if ((d = opendir(src)) == NULL) {
		log_error("backup: %s: %s", src, strerror(errno));
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) >= (int)sizeof(sub)) {
			log_error("backup: %s/%s: path too long", rel,
			    de->d_name);
			ok = 0;
			continue;
		}
		if (*rel == '\0' && bk_skipped(sub))
			continue;
		if (!bk_join(src, sizeof(src), dir, sub) ||
		    !bk_join(dst, sizeof(dst), out, sub)) {
			ok = 0;
		} else if (!bk_path_ok(sub)) {
			log_error("backup: %s: a name the manifest cannot hold",
			    src);
			ok = 0;
		} else if (lstat(src, &sb) == -1) {
			/* Gone since readdir (a temporary file): not there. */
			if (errno != ENOENT) {
				log_error("backup: %s: %s", src,
				    strerror(errno));
				ok = 0;
			}
		} else if (S_ISDIR(sb.st_mode)) {
			if ((e = bk_list_add(l, sub)) == NULL ||
			    mkdir(dst, 0700) == -1) {
				log_error("backup: %s: %s", dst,
				    strerror(errno));
				ok = 0;
			} else {
				e->is_dir = 1;
				e->mode = sb.st_mode & 07777;
				ok = bk_walk(dir, out, sub, l);
			}
		} else if (S_ISREG(sb.st_mode)) {
			if ((e = bk_list_add(l, sub)) == NULL)
				ok = 0;
			else {
				e->mode = sb.st_mode & 0777;
				ok = bk_copy(src, dst, e->mode, e->sha,
				    &e->size);
			}
		} else
			log_warn("backup: %s: not a file nor a folder; left "
			    "out", src);
	}
	closedir(d);
	return ok;
}

/* Opens path as a store and checks it: the backup is usable. */
static int
bk_store_check(const char *path)
{
	struct store *st;
	int version = 0, ok;

	if ((st = store_open(path)) == NULL) {
		log_error("%s: does not open as an inkan store", path);
		return 0;
	}
	ok = store_schema_version(st, &version) && store_check(st);
	store_close(st);
	if (!ok)
		log_error("%s: the store fails its integrity check", path);
	return ok;
}

static int
bk_manifest_write(const char *dir, struct bk_list *l)
{
	char path[BK_PATH_MAX * 2], hex[65], when[32];
	unsigned char sha[32];
	time_t now = time(NULL);
	struct tm tm;
	BIO *b = NULL;
	BUF_MEM *mem;
	int ok = 0;

	qsort(l->v, l->n, sizeof(l->v[0]), bk_entry_cmp);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    BIO_printf(b, "%s\ncreated %s\n", BK_FORMAT, when) <= 0)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct bk_entry *e = &l->v[i];

		bk_hex(e->sha, 32, hex);
		if ((e->is_dir ? BIO_printf(b, "dir %04o %s\n",
		    (unsigned)e->mode, e->path) : BIO_printf(b,
		    "file %s %lld %04o %s\n", hex, e->size, (unsigned)e->mode,
		    e->path)) <= 0)
			goto out;
	}
	if (BIO_printf(b, "entries %zu\n", l->n) <= 0)
		goto out;
	BIO_get_mem_ptr(b, &mem);
	if (EVP_Digest(mem->data, mem->length, sha, NULL, EVP_sha256(),
	    NULL) != 1)
		goto out;
	bk_hex(sha, 32, hex);
	if (BIO_printf(b, "manifest-sha256 %s\n", hex) <= 0)
		goto out;
	BIO_get_mem_ptr(b, &mem);
	ok = bk_join(path, sizeof(path), dir, BK_MANIFEST) &&
	    file_write_atomic(path, mem->data, mem->length, 0600, 1);
 out:
	BIO_free(b);
	return ok;
}

int
ca_backup(struct ca *ca, const char *out)
{
	char tmp[BK_PATH_MAX * 2], db[BK_PATH_MAX * 2];
	struct bk_list l = { 0 };
	struct bk_entry *e;
	struct stat sb;
	int made = 0, ok = 0;

	if (strlen(out) >= BK_PATH_MAX) {
		log_error("backup: %s: path too long", out);
		return 0;
	}
	if (lstat(out, &sb) == 0) {
		log_error("backup: %s already exists; give a new name", out);
		return 0;
	}
	if (bk_inside(ca->dir, out)) {
		log_error("backup: %s is inside the CA directory %s; put it "
		    "elsewhere", out, ca->dir);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.partial", out);
	if (mkdir(tmp, 0700) == -1) {
		log_error("backup: %s: %s%s", tmp, strerror(errno),
		    errno == EEXIST ? " (left by a backup that did not "
		    "finish: remove it)" : "");
		return 0;
	}
	made = 1;
	if (!bk_join(db, sizeof(db), tmp, BK_STORE))
		goto out;
	/* The store first: the files beside it are at least as new. */
	if (!store_backup(ca->store, db) || !bk_store_check(db))
		goto out;
	if ((e = bk_list_add(&l, BK_STORE)) == NULL)
		goto out;
	e->mode = 0600;
	if (!bk_copy(db, NULL, 0, e->sha, &e->size) ||
	    !bk_walk(ca->dir, tmp, "", &l) ||
	    !bk_manifest_write(tmp, &l) || !bk_sync_dir(tmp))
		goto out;
	if (rename(tmp, out) == -1) {
		log_error("backup: %s: %s", out, strerror(errno));
		goto out;
	}
	made = 0;
	ok = 1;
	log_info("backup: %s: %zu entries, store integrity ok", out, l.n);
 out:
	if (made) {
		file_remove_tree(tmp);
		log_error("backup: failed; nothing was kept");
	}
	bk_list_free(&l);
	return ok;
}

/* Parses one manifest line into l; 0 if it is malformed. */
static int
bk_manifest_line(const char *line, struct bk_list *l)
{
	char hex[65], got[65];
	unsigned mode;
	long long size;
	struct bk_entry *e;
	int off = 0;

	if (sscanf(line, "dir %o %n", &mode, &off) == 1 && off > 0) {
		if (!bk_path_ok(line + off) || mode > 07777 ||
		    (e = bk_list_add(l, line + off)) == NULL)
			return 0;
		e->is_dir = 1;
		e->mode = mode;
		return 1;
	}
	if (sscanf(line, "file %64[0-9a-f] %lld %o %n", hex, &size, &mode,
	    &off) != 3 || off == 0 || strlen(hex) != 64 || size < 0 ||
	    mode > 0777 || !bk_path_ok(line + off) ||
	    (e = bk_list_add(l, line + off)) == NULL)
		return 0;
	e->mode = mode;
	e->size = size;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return 0;
		e->sha[i] = (unsigned char)v;
	}
	bk_hex(e->sha, 32, got);
	return strcmp(got, hex) == 0;
}

/* Reads and checks MANIFEST (its format, count and own hash) into l. */
static int
bk_manifest_read(const char *backup, struct bk_list *l)
{
	char path[BK_PATH_MAX * 2], hex[65], *text = NULL, *line, *next,
	    *tail;
	unsigned char sha[32];
	size_t len, n = 0;
	int ok = 0;

	if (!bk_join(path, sizeof(path), backup, BK_MANIFEST))
		return 0;
	if ((text = (char *)file_read(path, BK_MANIFEST_MAX, &len)) == NULL) {
		log_error("%s: no readable manifest: not an inkan backup, or "
		    "a damaged one", backup);
		return 0;
	}
	/* The hash line is the last; it covers every byte before it. */
	if (len < 2 || text[len - 1] != '\n' ||
	    strlen(text) != len) {
		log_error("%s: truncated or damaged (no final line)", path);
		goto out;
	}
	text[len - 1] = '\0';
	if ((tail = strrchr(text, '\n')) == NULL ||
	    strncmp(tail + 1, "manifest-sha256 ", 16) != 0) {
		log_error("%s: truncated or damaged (no manifest-sha256 line "
		    "at the end)", path);
		goto out;
	}
	EVP_Digest(text, (size_t)(tail + 1 - text), sha, NULL, EVP_sha256(),
	    NULL);
	bk_hex(sha, 32, hex);
	if (strcmp(tail + 17, hex) != 0) {
		log_error("%s: its SHA-256 does not match its last line: the "
		    "manifest is damaged", path);
		goto out;
	}
	*tail = '\0';
	if (strncmp(text, BK_FORMAT "\n", strlen(BK_FORMAT) + 1) != 0) {
		log_error("%s: not a manifest of format '%s'", path,
		    BK_FORMAT);
		goto out;
	}
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "inkan-backup ", 13) == 0 ||
		    strncmp(line, "created ", 8) == 0)
			continue;
		if (strncmp(line, "entries ", 8) == 0) {
			if (next != NULL ||
			    sscanf(line + 8, "%zu", &n) != 1 || n != l->n) {
				log_error("%s: entry count does not match",
				    path);
				goto out;
			}
			ok = 1;
			break;
		}
		if (!bk_manifest_line(line, l)) {
			log_error("%s: malformed line '%.80s'", path, line);
			goto out;
		}
	}
	if (!ok)
		log_error("%s: no entry count: truncated", path);
 out:
	free(text);
	return ok;
}

/* Every file of l in backup has its size and SHA-256. */
static int
bk_entries_check(const char *backup, const struct bk_list *l)
{
	char path[BK_PATH_MAX * 2];
	unsigned char sha[32];
	long long size;
	struct stat sb;
	int has_store = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct bk_entry *e = &l->v[i];

		if (!bk_join(path, sizeof(path), backup, e->path))
			return 0;
		if (lstat(path, &sb) == -1 || (e->is_dir ? !S_ISDIR(sb.st_mode)
		    : !S_ISREG(sb.st_mode))) {
			log_error("%s: missing from the backup (the manifest "
			    "lists it): the backup is damaged", path);
			return 0;
		}
		if (e->is_dir)
			continue;
		if ((long long)sb.st_size != e->size) {
			log_error("%s: %lld bytes, the manifest says %lld: the "
			    "backup is truncated or damaged", path,
			    (long long)sb.st_size, e->size);
			return 0;
		}
		if (!bk_copy(path, NULL, 0, sha, &size))
			return 0;
		if (size != e->size || memcmp(sha, e->sha, 32) != 0) {
			log_error("%s: SHA-256 differs from the manifest: the "
			    "backup is corrupted", path);
			return 0;
		}
		has_store |= strcmp(e->path, BK_STORE) == 0;
	}
	if (!has_store)
		log_error("%s: the manifest lists no %s", backup, BK_STORE);
	return has_store;
}

int
ca_backup_verify(const char *backup)
{
	struct bk_list l = { 0 };
	int ok;

	ok = bk_manifest_read(backup, &l) && bk_entries_check(backup, &l);
	bk_list_free(&l);
	return ok;
}

/* Copies every entry of l from backup into dir. */
static int
bk_restore_entries(const char *backup, const char *dir,
    const struct bk_list *l)
{
	char src[BK_PATH_MAX * 2], dst[BK_PATH_MAX * 2];
	unsigned char sha[32];
	long long size;

	for (size_t i = 0; i < l->n; i++) {
		const struct bk_entry *e = &l->v[i];

		if (!bk_join(src, sizeof(src), backup, e->path) ||
		    !bk_join(dst, sizeof(dst), dir, e->path))
			return 0;
		if (e->is_dir) {
			if (mkdir(dst, 0700) == -1) {
				log_error("restore: %s: %s", dst,
				    strerror(errno));
				return 0;
			}
			continue;
		}
		/* Hashed again as it is copied: it may have changed since. */
		if (!bk_copy(src, dst, e->mode, sha, &size))
			return 0;
		if (size != e->size || memcmp(sha, e->sha, 32) != 0) {
			log_error("restore: %s changed while it was restored",
			    src);
			return 0;
		}
	}
	/* Folder modes last: a 0500 folder would refuse its own files. */
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].is_dir)
			continue;
		if (!bk_join(dst, sizeof(dst), dir, l->v[i].path))
			return 0;
		if (chmod(dst, l->v[i].mode) == -1 || !bk_sync_dir(dst)) {
			log_error("restore: %s: %s", dst, strerror(errno));
			return 0;
		}
	}
	return bk_sync_dir(dir);
}

/* dir must be an empty folder, or not exist (then it is made). */
static int
bk_restore_target(const char *dir, int *made)
{
	struct stat sb;

	*made = 0;
	if (lstat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode) || !file_dir_empty(dir)) {
			log_error("restore: %s is not an empty folder; restore "
			    "only into a new or empty one (nothing there is "
			    "overwritten)", dir);
			return 0;
		}
		return 1;
	}
	if (!file_mkdirs(dir, 0700))
		return 0;
	*made = 1;
	return 1;
}

/* Leaves dir as it was found: gone if made, else empty. */
static void
bk_restore_undo(const char *dir, int made)
{
	char path[BK_PATH_MAX * 2];
	struct dirent *de;
	DIR *d;

	if (made) {
		file_remove_tree(dir);
		return;
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (bk_join(path, sizeof(path), dir, de->d_name))
			file_remove_tree(path);
	}
	closedir(d);
}

int
ca_restore(const char *backup, const char *dir)
{
	char db[BK_PATH_MAX * 2];
	struct bk_list l = { 0 };
	int made = 0, ok = 0;

	if (strlen(backup) >= BK_PATH_MAX || strlen(dir) >= BK_PATH_MAX) {
		log_error("restore: path too long");
		return 0;
	}
	/* The whole backup is checked before anything is written. */
	if (!bk_manifest_read(backup, &l) || !bk_entries_check(backup, &l)) {
		log_error("restore: %s is not a whole inkan backup; nothing "
		    "was restored", backup);
		goto out;
	}
	if (!bk_restore_target(dir, &made))
		goto out;
	if (!bk_join(db, sizeof(db), dir, BK_STORE))
		goto out;
	if (!bk_restore_entries(backup, dir, &l) || !bk_store_check(db)) {
		bk_restore_undo(dir, made);
		log_error("restore: failed; %s is left as it was", dir);
		goto out;
	}
	ok = 1;
	log_info("restore: %s restored into %s (%zu entries, store "
	    "integrity ok)", backup, dir, l.n);
 out:
	bk_list_free(&l);
	return ok;
}

/* The names ca_auto_backup gives, which sort by time. */
#define BK_AUTO_PREFIX	"inkan-backup-"

static int
bk_auto_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest automatic backups of dir beyond keep. */
static void
bk_auto_prune(const char *dir, int keep)
{
	char **names = NULL, **grown, *path;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		/* Finished backups only: never one still being written. */
		if (strncmp(de->d_name, BK_AUTO_PREFIX,
		    sizeof(BK_AUTO_PREFIX) - 1) != 0 || (len > 8 &&
		    strcmp(de->d_name + len - 8, ".partial") == 0))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((grown = reallocarray(names, cap,
			    sizeof(*names))) == NULL)
				break;
			names = grown;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (names != NULL)
		qsort(names, n, sizeof(*names), bk_auto_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + (size_t)keep < n &&
		    (path = file_join(dir, names[i])) != NULL) {
			if (!file_remove_tree(path))
				log_warn("backup: cannot remove the old backup "
				    "%s", path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
}

int
ca_auto_backup(struct ca *ca)
{
	const char *dir = ca->conf != NULL ? ca->conf->auto_backup_dir : NULL;
	char name[64], *out = NULL;
	struct tm tm;
	time_t now = time(NULL);
	int ok = 0;

	if (dir == NULL || !ca->changed)
		return 1;
	ca->changed = 0;
	gmtime_r(&now, &tm);
	snprintf(name, sizeof(name), BK_AUTO_PREFIX "%04d%02d%02dT%02d%02d"
	    "%02dZ-%ld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid());
	if (!file_mkdirs(dir, 0700) || (out = file_join(dir, name)) == NULL)
		goto out;
	if ((ok = ca_backup(ca, out))) {
		log_info("backup: %s taken after a change of the CA's data "
		    "(CP-5.5.4)", out);
		bk_auto_prune(dir, ca->conf->auto_backup_keep);
	}
 out:
	if (!ok)
		log_error("backup: the automatic backup after this change "
		    "failed; take one with 'inkan backup'");
	audit_ca(ca, "backup.auto", out != NULL ? out : dir, ok ? "ok" :
	    "failed", NULL);
	free(out);
	return ok;
}
