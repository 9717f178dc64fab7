#include "http/repository.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/log.h"

/* Longest decoded path under the repository. */
#define REPO_PATH_MAX		1024
/* Files up to this size are kept in memory; larger ones go by sendfile. */
#define REPO_CACHE_FILE_MAX	(8 * 1024 * 1024)
#define REPO_CACHE_BYTES_MAX	(256 * 1024 * 1024)
#define REPO_CACHE_BUCKETS	1024
/* An index lists at most this many entries, this deep. */
#define REPO_INDEX_ENTRIES_MAX	10000
#define REPO_INDEX_DEPTH_MAX	16

/*
 * Caching (RFC 9111): CA certificates change only at a key ceremony and
 * a CRL is replaced at once after a revocation. Five minutes bounds how
 * long a shared cache may keep serving the previous CRL after that, which
 * relying parties that fetch the CRL on their own schedule (nextUpdate
 * is 96 h away) do not notice, while still sparing the server a fetch
 * per validation. ETag and Last-Modified make revalidation a 304.
 */
#define REPO_MAX_AGE		300
#define REPO_INDEX_MAX_AGE	60

/* A file held in memory, valid while its inode, size and mtime hold. */
struct repo_file {
	struct repo_file *next;		/* hash chain */
	char		*rel;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	unsigned char	*data;
	char		 etag[33];	/* hex of SHA-256's first 16 bytes */
	atomic_int	 refs;		/* the table's and each response's */
};

struct http_repository {
	char		*root;
	int		 dirfd;
	atomic_int	 no_openat2;	/* the kernel lacks it: fall back */
	char		*root_real;	/* for the fallback's prefix check */
	pthread_rwlock_t lock;
	struct repo_file *bucket[REPO_CACHE_BUCKETS];
	size_t		 cached_bytes;
};

enum repo_clean {
	REPO_OK,
	REPO_REDIRECT,		/* "/repository": add the slash */
	REPO_BAD,		/* 400: malformed escape, NUL */
	REPO_NOT_FOUND,		/* 404: refused or cannot exist */
	REPO_TOO_LONG		/* 414 */
};

/* --- path decoding --------------------------------------------------------- */

static int
repo_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A name inkan never publishes: ".", "..", hidden names, and the
 * temporary files of file_write_atomic (NAME.tmp.XXXXXX) caught between
 * write and rename.
 */
static int
repo_name_refused(const char *seg, size_t len)
{
	static const char tmp[] = ".tmp.";
	size_t t = sizeof(tmp) - 1;

	if (len == 0 || seg[0] == '.')
		return 1;
	return len > t + 6 && memcmp(seg + len - 6 - t, tmp, t) == 0;
}

/*
 * Decodes the raw path after "/repository" into a relative path
 * ("certs/x.cer", "" for the root). Every segment is checked after
 * decoding, so "%2e%2e" is "..", and refused; an encoded '/' or '\' is
 * refused rather than decoded into a separator, and "//" is refused
 * rather than collapsed. *is_dir is set for a trailing '/'.
 */
static enum repo_clean
repo_path_clean(const char *raw, char *out, size_t outlen, int *is_dir)
{
	size_t o = 0, seg = 0;
	const char *p;
	int hi, lo;
	unsigned char c;

	*is_dir = 0;
	if (raw[0] == '\0')
		return REPO_REDIRECT;
	if (raw[0] != '/')
		return REPO_NOT_FOUND;
	for (p = raw + 1; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c == '%') {
			if ((hi = repo_hex(p[1])) < 0 || (lo = repo_hex(p[2])) < 0)
				return REPO_BAD;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
			if (c == '\0')
				return REPO_BAD;
			if (c == '/' || c == '\\')
				return REPO_NOT_FOUND;
		} else if (c == '/') {
			if (repo_name_refused(out + seg, o - seg))
				return REPO_NOT_FOUND;
			if (o + 1 >= outlen)
				return REPO_TOO_LONG;
			out[o++] = '/';
			seg = o;
			continue;
		} else if (c == '\\')
			return REPO_NOT_FOUND;
		if (c < 0x20 || c == 0x7f)
			return REPO_NOT_FOUND;
		if (o + 1 >= outlen)
			return REPO_TOO_LONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (o == seg) {
		/* The root, or a trailing '/': a directory. */
		*is_dir = 1;
		return REPO_OK;
	}
	return repo_name_refused(out + seg, o - seg) ? REPO_NOT_FOUND : REPO_OK;
}

/* --- content types ----------------------------------------------------- */

static const struct {
	const char *ext;
	const char *type;
} repo_types[] = {
	{ ".cer", "application/pkix-cert" },
	{ ".crt", "application/pkix-cert" },
	{ ".der", "application/pkix-cert" },
	{ ".pem", "application/x-pem-file" },
	{ ".crl", "application/pkix-crl" },
	{ ".p7c", "application/pkcs7-mime" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".html", "text/html; charset=utf-8" },
	{ ".htm", "text/html; charset=utf-8" },
	{ ".pdf", "application/pdf" },
};

const char *
http_repository_content_type(const char *name)
{
	const char *base = strrchr(name, '/'), *dot;

	base = base == NULL ? name : base + 1;
	if ((dot = strrchr(base, '.')) != NULL && dot != base) {
		for (size_t i = 0; i < sizeof(repo_types) / sizeof(repo_types[0]);
		    i++)
			if (strcasecmp(dot, repo_types[i].ext) == 0)
				return repo_types[i].type;
	}
	return "application/octet-stream";
}

/* --- confined opening ------------------------------------------------------ */

/*
 * Without openat2 (Linux before 5.6, or a seccomp filter): resolve the
 * whole path and check that it stays under the root. inkan alone writes
 * the repository, so nobody races a symbolic link in between.
 */
static int
repo_open_fallback(struct http_repository *r, const char *rel)
{
	char *full = NULL, *real = NULL;
	size_t rlen = strlen(r->root_real);
	int fd = -1;

	size_t flen = strlen(r->root) + strlen(rel) + 2;

	if ((full = malloc(flen)) == NULL)
		return -1;
	snprintf(full, flen, "%s/%s", r->root, rel);
	if ((real = realpath(full, NULL)) != NULL &&
	    strncmp(real, r->root_real, rlen) == 0 &&
	    (real[rlen] == '\0' || real[rlen] == '/'))
		fd = open(real, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	free(real);
	free(full);
	return fd;
}

/*
 * Opens rel beneath the repository. RESOLVE_BENEATH refuses "..", an
 * absolute path and any symbolic link whose target leaves the tree
 * (links inside it work); O_NONBLOCK keeps a FIFO from blocking the
 * open (it is refused after fstat anyway). -1 if refused or absent.
 */
static int
repo_open(struct http_repository *r, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (rel[0] == '\0')
		rel = ".";
	if (!atomic_load_explicit(&r->no_openat2, memory_order_relaxed)) {
		fd = syscall(SYS_openat2, r->dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return (int)fd;
		log_warn("%s: no openat2 here (%s); checking paths with "
		    "realpath instead", r->root, strerror(errno));
		atomic_store(&r->no_openat2, 1);
	}
	return repo_open_fallback(r, rel);
}

/* --- the file cache --------------------------------------------------------- */

static uint64_t
repo_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void
repo_file_unref(void *arg)
{
	struct repo_file *f = arg;

	if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(f->data);
	free(f->rel);
	free(f);
}

static int
repo_file_fresh(const struct repo_file *f, const struct stat *st)
{
	return f->dev == st->st_dev && f->ino == st->st_ino &&
	    f->size == st->st_size && f->mtime.tv_sec == st->st_mtim.tv_sec &&
	    f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* A cached file still matching st, with a reference for the caller. */
static struct repo_file *
repo_cache_get(struct http_repository *r, const char *rel,
    const struct stat *st)
{
	struct repo_file *f;
	size_t b = repo_hash(rel) % REPO_CACHE_BUCKETS;

	pthread_rwlock_rdlock(&r->lock);
	for (f = r->bucket[b]; f != NULL; f = f->next)
		if (strcmp(f->rel, rel) == 0)
			break;
	if (f != NULL && repo_file_fresh(f, st))
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	else
		f = NULL;
	pthread_rwlock_unlock(&r->lock);
	return f;
}

/* Puts f in the table in place of any older copy (f keeps our reference). */
static void
repo_cache_put(struct http_repository *r, struct repo_file *f)
{
	struct repo_file **pp, *old = NULL;
	size_t b = repo_hash(f->rel) % REPO_CACHE_BUCKETS;

	pthread_rwlock_wrlock(&r->lock);
	for (pp = &r->bucket[b]; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->rel, f->rel) == 0) {
			old = *pp;
			*pp = old->next;
			r->cached_bytes -= (size_t)old->size;
			break;
		}
	}
	if (r->cached_bytes + (size_t)f->size <= REPO_CACHE_BYTES_MAX) {
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
		f->next = r->bucket[b];
		r->bucket[b] = f;
		r->cached_bytes += (size_t)f->size;
	}
	pthread_rwlock_unlock(&r->lock);
	if (old != NULL)
		repo_file_unref(old);
}

static int
repo_read_all(int fd, unsigned char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = pread(fd, buf + off, len - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		off += (size_t)n;
	}
	return 1;
}

/* Reads the open file fd (described by st) into a new cache entry. */
static struct repo_file *
repo_file_load(const char *rel, int fd, const struct stat *st)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	struct repo_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->rel = strdup(rel)) == NULL ||
	    (f->data = malloc(st->st_size > 0 ? (size_t)st->st_size : 1)) ==
	    NULL || !repo_read_all(fd, f->data, (size_t)st->st_size) ||
	    !EVP_Digest(f->data, (size_t)st->st_size, md, &mdlen, EVP_sha256(),
	    NULL)) {
		if (f != NULL) {
			free(f->data);
			free(f->rel);
		}
		free(f);
		return NULL;
	}
	for (int i = 0; i < 16; i++) {
		f->etag[2 * i] = hex[md[i] >> 4];
		f->etag[2 * i + 1] = hex[md[i] & 15];
	}
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	atomic_init(&f->refs, 1);
	return f;
}

/* --- responses ------------------------------------------------------------ */

/*
 * RFC 9110 §13.2.2: If-None-Match decides when present; otherwise
 * If-Modified-Since, at one-second resolution like Last-Modified (not
 * for a generated page: mtime (time_t)-1).
 */
static int
repo_not_modified(const struct http_request *req, const char *etag,
    time_t mtime)
{
	const char *inm, *ims;
	time_t t;

	if ((inm = http_request_header(req, "If-None-Match")) != NULL)
		return http_etag_match(inm, etag);
	if (mtime != (time_t)-1 &&
	    (ims = http_request_header(req, "If-Modified-Since")) != NULL &&
	    http_date_parse(ims, &t))
		return mtime <= t;
	return 0;
}

static void
repo_cache_headers(struct http_response *resp, const char *etag,
    time_t mtime, int max_age)
{
	char date[40];

	http_date_format(mtime, date, sizeof(date));
	http_response_header(resp, "ETag", "\"%s\"", etag);
	http_response_header(resp, "Last-Modified", "%s", date);
	http_response_header(resp, "Cache-Control", "public, max-age=%d",
	    max_age);
	http_response_header(resp, "X-Content-Type-Options", "nosniff");
}

/* The common tail of a file answer whose body is already set. */
static int
repo_reply_file(const struct http_request *req, struct http_response *resp,
    const char *rel, const char *etag, time_t mtime)
{
	if (repo_not_modified(req, etag, mtime)) {
		http_response_release(resp);
		resp->body = NULL;
		resp->body_len = 0;
		resp->status = 304;
	} else {
		resp->status = 200;
		http_response_header(resp, "Content-Type", "%s",
		    http_repository_content_type(rel));
	}
	repo_cache_headers(resp, etag, mtime, REPO_MAX_AGE);
	return 1;
}

/* Sends a cached file; takes the reference f over. */
static int
repo_send_cached(const struct http_request *req, struct http_response *resp,
    const char *rel, struct repo_file *f)
{
	resp->body = f->data;
	resp->body_len = (size_t)f->size;
	resp->body_release = repo_file_unref;
	resp->body_release_arg = f;
	return repo_reply_file(req, resp, rel, f->etag, f->mtime.tv_sec);
}

/* Sends the regular file fd (rel, st); takes fd over. */
static int
repo_send_file(struct http_repository *r, const struct http_request *req,
    struct http_response *resp, const char *rel, int fd,
    const struct stat *st)
{
	struct repo_file *f = NULL;
	char etag[80];

	if (st->st_size <= REPO_CACHE_FILE_MAX &&
	    (f = repo_cache_get(r, rel, st)) == NULL &&
	    (f = repo_file_load(rel, fd, st)) != NULL)
		repo_cache_put(r, f);
	if (f != NULL) {
		close(fd);
		return repo_send_cached(req, resp, rel, f);
	}
	/* Too big to keep: sent from the file, tagged by metadata. */
	snprintf(etag, sizeof(etag), "m%llx-%llx-%llx",
	    (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
	    (unsigned long long)st->st_mtim.tv_nsec);
	resp->fd = fd;
	resp->fd_len = (uint64_t)st->st_size;
	return repo_reply_file(req, resp, rel, etag, st->st_mtim.tv_sec);
}

/*
 * The fast path, one fstatat: rel names the very inode (device, inode,
 * size, mtime) a cached entry was read from. Entries are only made
 * through the confined open, so whatever rel resolves through now, the
 * bytes sent are those of a file that was inside the repository; if it
 * resolves anywhere else, nothing matches and the confined open decides.
 */
static struct repo_file *
repo_cache_hit(struct http_repository *r, const char *rel)
{
	struct stat st;

	if (fstatat(r->dirfd, rel, &st, 0) == -1 || !S_ISREG(st.st_mode))
		return NULL;
	return repo_cache_get(r, rel, &st);
}

/* --- the index ------------------------------------------------------------- */

struct repo_entry {
	char		*rel;		/* relative to the listed folder */
	off_t		 size;
	time_t		 mtime;
	int		 is_dir;
};

struct repo_index {
	struct repo_entry *v;
	size_t		 n;
	size_t		 cap;
	int		 failed;
};

static void
repo_index_add(struct repo_index *ix, const char *rel, const struct stat *st)
{
	struct repo_entry *v;

	if (ix->failed || ix->n >= REPO_INDEX_ENTRIES_MAX)
		return;
	if (ix->n == ix->cap) {
		size_t want = ix->cap == 0 ? 64 : ix->cap * 2;

		if ((v = reallocarray(ix->v, want, sizeof(*v))) == NULL) {
			ix->failed = 1;
			return;
		}
		ix->v = v;
		ix->cap = want;
	}
	if ((ix->v[ix->n].rel = strdup(rel)) == NULL) {
		ix->failed = 1;
		return;
	}
	ix->v[ix->n].size = st->st_size;
	ix->v[ix->n].mtime = st->st_mtim.tv_sec;
	ix->v[ix->n].is_dir = S_ISDIR(st->st_mode);
	ix->n++;
}

/*
 * Lists the folder base (relative to the root) into ix, names relative
 * to top. Each entry is opened through repo_open, so a link leading
 * outside is left out like a missing file; only real folders are
 * descended into (a link to a folder is listed, not followed, so a loop
 * of links cannot run away).
 */
static void
repo_walk(struct http_repository *r, const char *base, size_t toplen,
    int depth, struct repo_index *ix)
{
	char rel[REPO_PATH_MAX];
	struct dirent *de;
	struct stat lst, st;
	DIR *d;
	int fd;

	if ((fd = repo_open(r, base)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL && !ix->failed) {
		size_t len = strlen(de->d_name);

		if (repo_name_refused(de->d_name, len) ||
		    strchr(de->d_name, '\\') != NULL)
			continue;
		if (snprintf(rel, sizeof(rel), "%s%s%s", base,
		    base[0] == '\0' ? "" : "/", de->d_name) >= (int)sizeof(rel))
			continue;
		if (fstatat(dirfd(d), de->d_name, &lst, AT_SYMLINK_NOFOLLOW) ==
		    -1)
			continue;
		if (S_ISLNK(lst.st_mode)) {
			if ((fd = repo_open(r, rel)) == -1)
				continue;
			if (fstat(fd, &st) == -1) {
				close(fd);
				continue;
			}
			close(fd);
		} else
			st = lst;
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			continue;
		repo_index_add(ix, rel + toplen, &st);
		if (S_ISDIR(lst.st_mode) && depth < REPO_INDEX_DEPTH_MAX)
			repo_walk(r, rel, toplen, depth + 1, ix);
	}
	closedir(d);
}

static int
repo_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct repo_entry *)a)->rel,
	    ((const struct repo_entry *)b)->rel);
}

struct repo_html {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

static void
repo_html_put(struct repo_html *h, const char *s, size_t n)
{
	char *p;

	if (h->failed)
		return;
	if (h->len + n + 1 > h->cap) {
		size_t want = (h->cap + n + 1) * 2;

		if ((p = realloc(h->p, want)) == NULL) {
			h->failed = 1;
			return;
		}
		h->p = p;
		h->cap = want;
	}
	memcpy(h->p + h->len, s, n);
	h->len += n;
	h->p[h->len] = '\0';
}

static void
repo_html_str(struct repo_html *h, const char *s)
{
	repo_html_put(h, s, strlen(s));
}

/* Text in an element or attribute value. */
static void
repo_html_text(struct repo_html *h, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': repo_html_str(h, "&amp;"); break;
		case '<': repo_html_str(h, "&lt;"); break;
		case '>': repo_html_str(h, "&gt;"); break;
		case '"': repo_html_str(h, "&quot;"); break;
		case '\'': repo_html_str(h, "&#39;"); break;
		default: repo_html_put(h, s, 1); break;
		}
	}
}

/* A relative URL: every byte but unreserved ones and '/' %-encoded. */
static void
repo_html_href(struct repo_html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[3];
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c) != NULL) {
			repo_html_put(h, (const char *)&c, 1);
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[c >> 4];
		enc[2] = hex[c & 15];
		repo_html_put(h, enc, 3);
	}
}

static void
repo_html_row(struct repo_html *h, const struct repo_entry *e)
{
	char buf[64];
	struct tm tm;

	repo_html_str(h, "<tr><td><a href=\"");
	repo_html_href(h, e->rel);
	if (e->is_dir)
		repo_html_str(h, "/");
	repo_html_str(h, "\">");
	repo_html_text(h, e->rel);
	if (e->is_dir)
		repo_html_str(h, "/");
	repo_html_str(h, "</a></td><td>");
	if (!e->is_dir) {
		snprintf(buf, sizeof(buf), "%lld", (long long)e->size);
		repo_html_str(h, buf);
	}
	repo_html_str(h, "</td><td>");
	if (gmtime_r(&e->mtime, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm) > 0)
		repo_html_str(h, buf);
	repo_html_str(h, "</td><td>");
	if (!e->is_dir)
		repo_html_str(h, http_repository_content_type(e->rel));
	repo_html_str(h, "</td></tr>\n");
}

/* The index page of folder rel ("" or "a/b/"): HTML, no external asset. */
static char *
repo_index_html(struct http_repository *r, const char *rel, size_t *len)
{
	struct repo_index ix = { 0 };
	struct repo_html h = { 0 };
	char base[REPO_PATH_MAX];
	size_t blen = strlen(rel);

	/* rel ends in '/' (or is ""): list "a/b" with names after "a/b/". */
	snprintf(base, sizeof(base), "%.*s", (int)(blen > 0 ? blen - 1 : 0),
	    rel);
	repo_walk(r, base, blen, 0, &ix);
	qsort(ix.v, ix.n, sizeof(*ix.v), repo_entry_cmp);
	repo_html_str(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Repository /repository/");
	repo_html_text(&h, rel);
	repo_html_str(&h, "</title>\n<style>body{font-family:sans-serif;"
	    "margin:2em}td,th{padding:.1em 1em;text-align:left}</style>"
	    "</head>\n<body><h1>Repository /repository/");
	repo_html_text(&h, rel);
	repo_html_str(&h, "</h1>\n<p>CA certificates, certificate revocation "
	    "lists and policy documents of this certification authority.</p>\n"
	    "<table>\n<tr><th>Name</th><th>Size</th><th>Modified (UTC)</th>"
	    "<th>Type</th></tr>\n");
	if (rel[0] != '\0')
		repo_html_str(&h, "<tr><td><a href=\"../\">../</a></td><td>"
		    "</td><td></td><td></td></tr>\n");
	for (size_t i = 0; i < ix.n; i++)
		repo_html_row(&h, &ix.v[i]);
	repo_html_str(&h, "</table>\n</body></html>\n");
	for (size_t i = 0; i < ix.n; i++)
		free(ix.v[i].rel);
	free(ix.v);
	if (h.failed || ix.failed) {
		free(h.p);
		return NULL;
	}
	*len = h.len;
	return h.p;
}

static int
repo_send_index(struct http_repository *r, const struct http_request *req,
    struct http_response *resp, const char *rel, const struct stat *st)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char etag[33], *html;
	unsigned int mdlen;
	size_t len;

	if ((html = repo_index_html(r, rel, &len)) == NULL)
		return 0;
	if (!EVP_Digest(html, len, md, &mdlen, EVP_sha256(), NULL)) {
		free(html);
		return 0;
	}
	for (int i = 0; i < 16; i++)
		snprintf(etag + 2 * i, 3, "%02x", md[i]);
	if (repo_not_modified(req, etag, (time_t)-1)) {
		free(html);
		resp->status = 304;
	} else {
		resp->status = 200;
		resp->body = html;
		resp->body_len = len;
		resp->body_release = free;
		resp->body_release_arg = html;
		http_response_header(resp, "Content-Type",
		    "text/html; charset=utf-8");
		http_response_header(resp, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'");
	}
	http_response_header(resp, "ETag", "\"%s\"", etag);
	http_response_header(resp, "Cache-Control", "public, max-age=%d",
	    REPO_INDEX_MAX_AGE);
	http_response_header(resp, "X-Content-Type-Options", "nosniff");
	(void)st;
	return 1;
}

/* --- the handler ------------------------------------------------------------ */

static int
repo_redirect(struct http_response *resp, const char *path)
{
	/* path is the raw request path: already safe to echo as a URL. */
	http_response_text(resp, 301, "moved\n");
	http_response_header(resp, "Location", "%s/", path);
	return 1;
}

/* A folder asked with a trailing '/': its index.html, else a listing. */
static int
repo_serve_dir(struct http_repository *r, const struct http_request *req,
    struct http_response *resp, const char *rel, int fd,
    const struct stat *st)
{
	char index[REPO_PATH_MAX + 16];
	struct stat ist;
	int ifd;

	close(fd);
	snprintf(index, sizeof(index), "%sindex.html", rel);
	if ((ifd = repo_open(r, index)) != -1) {
		if (fstat(ifd, &ist) == 0 && S_ISREG(ist.st_mode))
			return repo_send_file(r, req, resp, index, ifd, &ist);
		close(ifd);
	}
	return repo_send_index(r, req, resp, rel, st);
}

int
http_repository_handler(void *arg, const struct http_request *req,
    struct http_response *resp)
{
	struct http_repository *r = arg;
	struct repo_file *f;
	char rel[REPO_PATH_MAX];
	struct stat st;
	int fd, is_dir;

	switch (repo_path_clean(req->rest, rel, sizeof(rel), &is_dir)) {
	case REPO_OK:
		break;
	case REPO_REDIRECT:
		return repo_redirect(resp, req->path);
	case REPO_BAD:
		return http_response_text(resp, 400, "bad request\n");
	case REPO_TOO_LONG:
		return http_response_text(resp, 414, "URI too long\n");
	default:
		return http_response_text(resp, 404, "not found\n");
	}
	if (!is_dir && (f = repo_cache_hit(r, rel)) != NULL)
		return repo_send_cached(req, resp, rel, f);
	if ((fd = repo_open(r, rel)) == -1)
		return http_response_text(resp, 404, "not found\n");
	if (fstat(fd, &st) == -1) {
		close(fd);
		return http_response_text(resp, 404, "not found\n");
	}
	if (S_ISDIR(st.st_mode)) {
		if (!is_dir) {
			close(fd);
			return repo_redirect(resp, req->path);
		}
		return repo_serve_dir(r, req, resp, rel, fd, &st);
	}
	if (!S_ISREG(st.st_mode) || is_dir) {
		close(fd);
		return http_response_text(resp, 404, "not found\n");
	}
	return repo_send_file(r, req, resp, rel, fd, &st);
}

/* --- life cycle ---------------------------------------------------------- */

struct http_repository *
http_repository_new(const char *root)
{
	struct http_repository *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->dirfd = -1;
	if ((r->root = strdup(root)) == NULL)
		goto err;
	if ((r->dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (r->root_real = realpath(root, NULL)) == NULL) {
		log_error("%s: cannot open the repository: %s", root,
		    strerror(errno));
		goto err;
	}
	if (pthread_rwlock_init(&r->lock, NULL) != 0)
		goto err;
	return r;
 err:
	if (r->dirfd != -1)
		close(r->dirfd);
	free(r->root_real);
	free(r->root);
	free(r);
	return NULL;
}

void
http_repository_free(struct http_repository *r)
{
	struct repo_file *f, *next;

	if (r == NULL)
		return;
	for (size_t b = 0; b < REPO_CACHE_BUCKETS; b++) {
		for (f = r->bucket[b]; f != NULL; f = next) {
			next = f->next;
			repo_file_unref(f);
		}
	}
	pthread_rwlock_destroy(&r->lock);
	close(r->dirfd);
	free(r->root_real);
	free(r->root);
	free(r);
}
