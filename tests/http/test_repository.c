/*
 * Tests of src/http/repository.c: path decoding and refusal of
 * traversal (CP-2.2: only what inkan publishes, never anything outside
 * DIR/repository), content types, conditional requests, the in-memory
 * cache and its revalidation, the index page, and a timing of cached
 * serving against re-reading the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/repository.c"

/* --- a scratch repository ------------------------------------------------ */

struct fixture {
	char	 top[64];	/* holds secret.txt and repository/ */
	char	 root[96];
	struct http_repository *r;
};

static void
put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
link_to(const char *dir, const char *target, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
}

static const unsigned char cer[] = { 0x30, 0x03, 0x02, 0x01, 0x00, 0xff };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512];

	assert_non_null(f);
	snprintf(f->top, sizeof(f->top), "/tmp/inkan-test-repo.XXXXXX");
	assert_non_null(mkdtemp(f->top));
	snprintf(f->root, sizeof(f->root), "%s/repository", f->top);
	assert_int_equal(mkdir(f->root, 0755), 0);
	put(f->top, "secret.txt", "secret\n", 7);
	put(f->top, "inkan.db", "db", 2);
	snprintf(path, sizeof(path), "%s/certs", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	put(path, "root.cer", cer, sizeof(cer));
	put(path, "root.pem", "-----BEGIN-----\n", 16);
	put(f->root, "ca.crl", "crl", 3);
	put(f->root, "cps.pdf", "%PDF", 4);
	put(f->root, ".hidden", "h", 1);
	put(f->root, "ca.crl.tmp.AbC123", "partial", 7);
	put(f->root, "<b>&'x\".txt", "odd", 3);
	link_to(f->root, "certs/root.cer", "inside.cer");
	link_to(f->root, "../secret.txt", "outside.txt");
	link_to(f->root, "/etc/passwd", "passwd");
	link_to(f->root, "..", "up");
	link_to(f->root, "certs", "alias");
	snprintf(path, sizeof(path), "%s/fifo", f->root);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_non_null(f->r = http_repository_new(f->root));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	http_repository_free(f->r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* --- requests without a server ------------------------------------------- */

struct hdrs {
	const char *name[4];
	const char *value[4];
};

static const char *
hdr_get(void *ctx, const char *name)
{
	const struct hdrs *h = ctx;

	for (int i = 0; i < 4 && h != NULL && h->name[i] != NULL; i++)
		if (strcasecmp(h->name[i], name) == 0)
			return h->value[i];
	return NULL;
}

static char path_buf[2048];

/* GET of /repository + rest, optionally with one header. */
static void
get(struct fixture *f, const char *rest, const char *hname,
    const char *hvalue, struct http_response *resp)
{
	struct hdrs h = { { hname }, { hvalue } };
	struct http_request req = { 0 };

	snprintf(path_buf, sizeof(path_buf), "/repository%s", rest);
	req.method = HTTP_GET;
	req.method_name = "GET";
	req.path = path_buf;
	req.rest = rest;
	req._header = hdr_get;
	req._header_ctx = hname != NULL ? &h : NULL;
	http_response_init(resp);
	assert_true(http_repository_handler(f->r, &req, resp));
}

static const char *
resp_header(const struct http_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

static void
expect_status(struct fixture *f, const char *rest, int status)
{
	struct http_response resp;

	get(f, rest, NULL, NULL, &resp);
	if (resp.status != status)
		fail_msg("GET /repository%s: %d, expected %d", rest,
		    resp.status, status);
	http_response_release(&resp);
}

/* The body of a 200 (memory or file), as a new NUL-terminated string. */
static char *
body_of(const struct http_response *resp, size_t *len)
{
	char *b;

	if (resp->fd != -1) {
		assert_non_null(b = malloc(resp->fd_len + 1));
		assert_true(repo_read_all(resp->fd, (unsigned char *)b,
		    resp->fd_len));
		*len = resp->fd_len;
	} else {
		assert_non_null(b = malloc(resp->body_len + 1));
		memcpy(b, resp->body, resp->body_len);
		*len = resp->body_len;
	}
	b[*len] = '\0';
	return b;
}

/* --- path decoding --------------------------------------------------------- */

static void
clean_is(const char *raw, enum repo_clean want, const char *out, int dir)
{
	char buf[REPO_PATH_MAX];
	int is_dir;
	enum repo_clean got = repo_path_clean(raw, buf, sizeof(buf), &is_dir);

	if (got != want)
		fail_msg("'%s': %d, expected %d", raw, got, want);
	if (want == REPO_OK && (strcmp(buf, out) != 0 || is_dir != dir))
		fail_msg("'%s': '%s' dir %d, expected '%s' dir %d", raw, buf,
		    is_dir, out, dir);
}

static void
test_path_clean(void **state)
{
	char longpath[3000];

	(void)state;
	clean_is("", REPO_REDIRECT, NULL, 0);
	clean_is("/", REPO_OK, "", 1);
	clean_is("/certs/a.cer", REPO_OK, "certs/a.cer", 0);
	clean_is("/certs/", REPO_OK, "certs/", 1);
	clean_is("/a%20b.cer", REPO_OK, "a b.cer", 0);
	clean_is("/%E5%8D%B0.pdf", REPO_OK, "\xe5\x8d\xb0.pdf", 0);
	clean_is("/a+b", REPO_OK, "a+b", 0);
	/* Traversal, however spelled. */
	clean_is("/..", REPO_NOT_FOUND, NULL, 0);
	clean_is("/../inkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/certs/../../inkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/%2e%2e/inkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/%2E%2E", REPO_NOT_FOUND, NULL, 0);
	clean_is("/.%2e/x", REPO_NOT_FOUND, NULL, 0);
	clean_is("/./x", REPO_NOT_FOUND, NULL, 0);
	clean_is("/certs/.", REPO_NOT_FOUND, NULL, 0);
	clean_is("/..%2finkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/..%2Finkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/%2Fetc%2Fpasswd", REPO_NOT_FOUND, NULL, 0);
	clean_is("/..%5cinkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("/..\\inkan.db", REPO_NOT_FOUND, NULL, 0);
	clean_is("//etc/passwd", REPO_NOT_FOUND, NULL, 0);
	clean_is("/certs//a.cer", REPO_NOT_FOUND, NULL, 0);
	clean_is("/%252e%252e", REPO_OK, "%2e%2e", 0);	/* decoded once */
	/* NUL, control characters, bad escapes. */
	clean_is("/a.cer%00.txt", REPO_BAD, NULL, 0);
	clean_is("/%00", REPO_BAD, NULL, 0);
	clean_is("/a%0a", REPO_NOT_FOUND, NULL, 0);
	clean_is("/a%", REPO_BAD, NULL, 0);
	clean_is("/a%2", REPO_BAD, NULL, 0);
	clean_is("/a%zz", REPO_BAD, NULL, 0);
	/* Hidden and temporary names are never served. */
	clean_is("/.hidden", REPO_NOT_FOUND, NULL, 0);
	clean_is("/certs/.git/config", REPO_NOT_FOUND, NULL, 0);
	clean_is("/ca.crl.tmp.AbC123", REPO_NOT_FOUND, NULL, 0);
	clean_is("/ca.crl.tmp", REPO_OK, "ca.crl.tmp", 0);
	clean_is("certs", REPO_NOT_FOUND, NULL, 0);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	clean_is(longpath, REPO_TOO_LONG, NULL, 0);
}

static void
test_content_types(void **state)
{
	(void)state;
	assert_string_equal(http_repository_content_type("a/b.cer"),
	    "application/pkix-cert");
	assert_string_equal(http_repository_content_type("b.CRT"),
	    "application/pkix-cert");
	assert_string_equal(http_repository_content_type("b.der"),
	    "application/pkix-cert");
	assert_string_equal(http_repository_content_type("b.pem"),
	    "application/x-pem-file");
	assert_string_equal(http_repository_content_type("x/SCRoot1CRL.crl"),
	    "application/pkix-crl");
	assert_string_equal(http_repository_content_type("b.p7c"),
	    "application/pkcs7-mime");
	assert_string_equal(http_repository_content_type("cp.txt"),
	    "text/plain; charset=utf-8");
	assert_string_equal(http_repository_content_type("index.html"),
	    "text/html; charset=utf-8");
	assert_string_equal(http_repository_content_type("cps.pdf"),
	    "application/pdf");
	assert_string_equal(http_repository_content_type("README"),
	    "application/octet-stream");
	assert_string_equal(http_repository_content_type("a.cer/b"),
	    "application/octet-stream");
	assert_string_equal(http_repository_content_type(".cer"),
	    "application/octet-stream");
	assert_string_equal(http_repository_content_type("x.exe"),
	    "application/octet-stream");
}

/* --- serving --------------------------------------------------------------- */

static void
test_serve_files(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char *b;
	size_t len;

	get(f, "/certs/root.cer", NULL, NULL, &resp);
	assert_int_equal(resp.status, 200);
	b = body_of(&resp, &len);
	assert_int_equal(len, sizeof(cer));
	assert_memory_equal(b, cer, sizeof(cer));
	free(b);
	assert_string_equal(resp_header(&resp, "Content-Type"),
	    "application/pkix-cert");
	assert_string_equal(resp_header(&resp, "Cache-Control"),
	    "public, max-age=300");
	assert_non_null(resp_header(&resp, "Last-Modified"));
	assert_int_equal(strlen(resp_header(&resp, "ETag")), 34);
	http_response_release(&resp);

	get(f, "/certs/root.pem", NULL, NULL, &resp);
	assert_string_equal(resp_header(&resp, "Content-Type"),
	    "application/x-pem-file");
	http_response_release(&resp);
	get(f, "/ca.crl", NULL, NULL, &resp);
	assert_string_equal(resp_header(&resp, "Content-Type"),
	    "application/pkix-crl");
	http_response_release(&resp);
	/* A link that stays inside the repository is followed. */
	get(f, "/inside.cer", NULL, NULL, &resp);
	assert_int_equal(resp.status, 200);
	b = body_of(&resp, &len);
	assert_memory_equal(b, cer, sizeof(cer));
	free(b);
	http_response_release(&resp);
	expect_status(f, "/alias/root.cer", 200);
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;

	expect_status(f, "/outside.txt", 404);	/* link leaving the tree */
	expect_status(f, "/passwd", 404);	/* absolute link */
	expect_status(f, "/up/secret.txt", 404);
	expect_status(f, "/up/inkan.db", 404);
	expect_status(f, "/../inkan.db", 404);
	expect_status(f, "/%2e%2e/inkan.db", 404);
	expect_status(f, "/..%2Finkan.db", 404);
	expect_status(f, "//etc/passwd", 404);
	expect_status(f, "/%2Fetc%2Fpasswd", 404);
	expect_status(f, "/certs/root.cer%00.txt", 400);
	expect_status(f, "/fifo", 404);		/* and the open did not block */
	expect_status(f, "/.hidden", 404);
	expect_status(f, "/ca.crl.tmp.AbC123", 404);
	expect_status(f, "/missing.cer", 404);
	expect_status(f, "/certs/root.cer/", 404);
	expect_status(f, "/certs/root.cer/x", 404);
	expect_status(f, "", 301);
	expect_status(f, "/certs", 301);
}

static void
test_redirect(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;

	get(f, "/certs", NULL, NULL, &resp);
	assert_int_equal(resp.status, 301);
	assert_string_equal(resp_header(&resp, "Location"),
	    "/repository/certs/");
	http_response_release(&resp);
}

static void
test_conditional(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char etag[80], lm[40], old[40];

	get(f, "/certs/root.cer", NULL, NULL, &resp);
	snprintf(etag, sizeof(etag), "%s", resp_header(&resp, "ETag"));
	snprintf(lm, sizeof(lm), "%s", resp_header(&resp, "Last-Modified"));
	http_response_release(&resp);

	get(f, "/certs/root.cer", "If-None-Match", etag, &resp);
	assert_int_equal(resp.status, 304);
	assert_int_equal(resp.body_len, 0);
	assert_string_equal(resp_header(&resp, "ETag"), etag);
	http_response_release(&resp);
	get(f, "/certs/root.cer", "If-None-Match", "\"other\"", &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
	get(f, "/certs/root.cer", "If-Modified-Since", lm, &resp);
	assert_int_equal(resp.status, 304);
	http_response_release(&resp);
	http_date_format(100, old, sizeof(old));
	get(f, "/certs/root.cer", "If-Modified-Since", old, &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
	get(f, "/certs/root.cer", "If-Modified-Since", "yesterday", &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
	/* The index: by ETag only. */
	get(f, "/", NULL, NULL, &resp);
	snprintf(etag, sizeof(etag), "%s", resp_header(&resp, "ETag"));
	http_response_release(&resp);
	get(f, "/", "If-None-Match", etag, &resp);
	assert_int_equal(resp.status, 304);
	http_response_release(&resp);
	get(f, "/", "If-Modified-Since", lm, &resp);
	assert_int_equal(resp.status, 200);
	http_response_release(&resp);
}

/* A file replaced (rename) or rewritten in place is served anew. */
static void
test_revalidation(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };
	char path[256], tmp[256], *b;
	size_t len;
	int fd;

	expect_status(f, "/ca.crl", 200);
	snprintf(path, sizeof(path), "%s/ca.crl", f->root);
	snprintf(tmp, sizeof(tmp), "%s/new.crl", f->root);
	put(f->root, "new.crl", "crl-2", 5);
	assert_int_equal(rename(tmp, path), 0);
	get(f, "/ca.crl", NULL, NULL, &resp);
	b = body_of(&resp, &len);
	assert_string_equal(b, "crl-2");
	free(b);
	http_response_release(&resp);
	/* Same inode and size, new bytes and mtime. */
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, "CRL-3", 5, 0), 5);
	assert_int_equal(futimens(fd, ts), 0);
	close(fd);
	get(f, "/ca.crl", NULL, NULL, &resp);
	b = body_of(&resp, &len);
	assert_string_equal(b, "CRL-3");
	free(b);
	assert_string_equal(resp_header(&resp, "Last-Modified"),
	    "Thu, 01 Jan 1970 03:25:45 GMT");
	http_response_release(&resp);
}

static void
test_index(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	char *html;
	size_t len;

	get(f, "/", NULL, NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp_header(&resp, "Content-Type"),
	    "text/html; charset=utf-8");
	html = body_of(&resp, &len);
	http_response_release(&resp);
	if (strstr(html, "href=\"certs/root.cer\"") == NULL ||
	    strstr(html, "href=\"inside.cer\"") == NULL ||
	    strstr(html, "href=\"alias/\"") == NULL ||
	    strstr(html, "&lt;b&gt;&amp;&#39;x&quot;.txt") == NULL ||
	    strstr(html, "href=\"%3Cb%3E%26%27x%22.txt\"") == NULL)
		fail_msg("index lacks entries:\n%s", html);
	/* Nothing refused is listed; no external asset is referenced. */
	if (strstr(html, "outside") != NULL || strstr(html, "passwd") != NULL ||
	    strstr(html, "hidden") != NULL || strstr(html, "tmp.") != NULL ||
	    strstr(html, "fifo") != NULL || strstr(html, "\"up/\"") != NULL ||
	    strstr(html, "<b>") != NULL || strstr(html, "http:") != NULL ||
	    strstr(html, "src=") != NULL)
		fail_msg("index lists what it must not:\n%s", html);
	free(html);
	/* A folder: its own listing, with a way up. */
	get(f, "/certs/", NULL, NULL, &resp);
	html = body_of(&resp, &len);
	http_response_release(&resp);
	if (strstr(html, "href=\"root.cer\"") == NULL ||
	    strstr(html, "href=\"../\"") == NULL)
		fail_msg("certs/ index:\n%s", html);
	free(html);
	/* A folder with index.html serves it. */
	put(f->root, "index.html", "<p>repo</p>", 11);
	get(f, "/", NULL, NULL, &resp);
	html = body_of(&resp, &len);
	assert_string_equal(html, "<p>repo</p>");
	free(html);
	http_response_release(&resp);
}

static void
test_large_file(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	size_t n = REPO_CACHE_FILE_MAX + 1;
	char *big, *b;
	size_t len;

	assert_non_null(big = malloc(n));
	memset(big, 'c', n);
	put(f->root, "big.crl", big, n);
	get(f, "/big.crl", NULL, NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.fd != -1);		/* sendfile, not the cache */
	assert_int_equal(resp.fd_len, n);
	b = body_of(&resp, &len);
	assert_memory_equal(b, big, n);
	free(b);
	assert_non_null(resp_header(&resp, "ETag"));
	http_response_release(&resp);
	free(big);
}

/* Readers while the file is replaced: references keep bodies alive. */
struct race {
	struct fixture *f;
	atomic_int stop;
};

static void *
race_reader(void *arg)
{
	struct race *r = arg;
	struct http_response resp;

	while (!atomic_load(&r->stop)) {
		get(r->f, "/ca.crl", NULL, NULL, &resp);
		if (resp.status != 200 || resp.body_len < 3 ||
		    memcmp(resp.body, "crl", 3) != 0)
			atomic_store(&r->stop, 2);
		http_response_release(&resp);
	}
	return NULL;
}

static void
test_concurrent_replace(void **state)
{
	struct race r = { *state, 0 };
	pthread_t t[4];
	char tmp[256], path[256], data[32];

	snprintf(tmp, sizeof(tmp), "%s/n.crl", r.f->root);
	snprintf(path, sizeof(path), "%s/ca.crl", r.f->root);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_reader, &r), 0);
	for (int i = 0; i < 300 && atomic_load(&r.stop) == 0; i++) {
		int n = snprintf(data, sizeof(data), "crl-%d", i);

		put(r.f->root, "n.crl", data, (size_t)n);
		assert_int_equal(rename(tmp, path), 0);
	}
	if (atomic_load(&r.stop) == 0)
		atomic_store(&r.stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&r.stop), 1);
}

static double
elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	    (double)(b->tv_nsec - a->tv_nsec);
}

/*
 * The measurement behind keeping files in memory: a cached GET (openat2,
 * fstat, lookup) against the least a re-read costs (open, read, close),
 * both without the network. Printed, not asserted: timing is the
 * machine's business.
 */
static void
test_timing(void **state)
{
	struct fixture *f = *state;
	struct http_response resp;
	struct timespec a, b;
	char path[256], buf[4096];
	const int n = 20000;
	double cached, reread;

	for (int i = 0; i < 8; i++)
		put(f->root, "t.cer", buf, sizeof(buf));
	expect_status(f, "/t.cer", 200);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		get(f, "/t.cer", NULL, NULL, &resp);
		http_response_release(&resp);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	cached = elapsed_ns(&a, &b) / n;
	snprintf(path, sizeof(path), "%s/t.cer", f->root);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		assert_int_equal(read(fd, buf, sizeof(buf)), sizeof(buf));
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	reread = elapsed_ns(&a, &b) / n;
	print_message("repository GET of a 4 KiB file: %.0f ns cached "
	    "(handler), %.0f ns for open+read+close alone\n", cached, reread);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test_setup_teardown(test_serve_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditional, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_revalidation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timing, setup, teardown),
	};

	log_init("test_repository", LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
