#ifndef INKAN_TESTS_STORE_SCAFFOLD_H
#define INKAN_TESTS_STORE_SCAFFOLD_H

/*
 * Shared scaffolding of the store tests: a temporary folder per test
 * program (STORE_TEST_PREFIX names it) and capture of what the store logs.
 * Included by each test file after the cmocka and system headers.
 */

static char test_dir[PATH_MAX];

/* A path in the temporary folder, in a buffer of PATH_MAX. */
static char *
test_path(char *buf, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", test_dir, name);

	assert_true(n > 0 && n < PATH_MAX);
	return buf;
}

static int
test_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(test_dir, sizeof(test_dir), "%s/" STORE_TEST_PREFIX "-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	return mkdtemp(test_dir) == NULL ? -1 : 0;
}

/* The tests make files only, no folders, so one level to remove. */
static int
test_teardown(void **state)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if ((dir = opendir(test_dir)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			unlink(test_path(path, de->d_name));
	closedir(dir);
	return rmdir(test_dir);
}

/* Captures what the store logs to standard error, to check its words. */
struct capture {
	int	 saved;
	char	 path[PATH_MAX];
	char	 text[4096];
};

static void
capture_begin(struct capture *c)
{
	int fd;

	test_path(c->path, "stderr.txt");
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(c->saved != -1 && fd != -1);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static const char *
capture_end(struct capture *c)
{
	ssize_t n;
	int fd;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	fd = open(c->path, O_RDONLY);
	assert_true(fd != -1);
	n = read(fd, c->text, sizeof(c->text) - 1);
	close(fd);
	c->text[n > 0 ? n : 0] = '\0';
	/* Shown too, so a failing test still tells what was said. */
	fputs(c->text, stderr);
	return c->text;
}

#endif
