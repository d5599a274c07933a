/*
 * The driver's contact with the system: running the tools flue-build
 * drives (wasm2c, the C compiler, ar, size) with posix_spawnp and an
 * argument vector, stdout and stderr captured through one pipe so that a
 * failure can be shown with what the tool printed; writing files.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver_internal.h"

extern char **environ;

static void describe(const struct fb_strs *argv, struct fb_buf *b)
{
	for (uint32_t i = 0; i < argv->n; i++)
		fb_buf_printf(b, "%s%s", i ? " " : "", argv->v[i]);
}

static int spawn_failed(const struct fb_strs *argv, int e, struct fb_error *err)
{
	struct fb_buf cmd = { 0 };
	describe(argv, &cmd);
	snprintf(err->msg, sizeof err->msg, "cannot run '%s': %s\n  command: %s", argv->v[0],
		 strerror(e), cmd.data);
	fb_buf_free(&cmd);
	return -1;
}

int fb_run(const struct fb_strs *argv, struct fb_buf *out, struct fb_error *err)
{
	int fds[2];
	if (pipe(fds) != 0)
		return spawn_failed(argv, errno, err);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	if (out == NULL)
		posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	pid_t pid;
	int e = posix_spawnp(&pid, argv->v[0], &fa, NULL, argv->v, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (e != 0) {
		close(fds[0]);
		return spawn_failed(argv, e, err);
	}
	struct fb_buf got = { 0 };
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fb_buf_put(&got, chunk, (size_t)n);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok) {
		struct fb_buf cmd = { 0 };
		describe(argv, &cmd);
		const char *text = got.data != NULL ? got.data : "";
		size_t tl = strlen(text);
		snprintf(err->msg, sizeof err->msg, "'%s' failed (%s %d):\n%s%s\n  command: %s",
			 argv->v[0], WIFEXITED(status) ? "exit status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 tl > 400 ? "..." : "", tl > 400 ? text + tl - 400 : text, cmd.data);
		fb_buf_free(&cmd);
	} else if (out != NULL) {
		fb_buf_put(out, got.data != NULL ? got.data : "", got.len);
	}
	fb_buf_free(&got);
	return ok ? 0 : -1;
}

/* Files the driver writes. */
int fb_mkdirs_or_fail(const char *path, struct fb_error *err)
{
	if (fb_mkdirs(path) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int fb_write(const char *path, const void *data, size_t n, struct fb_error *err)
{
	if (fb_write_file(path, data, n) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Berkeley sizes (`size -B`) of an object or image. */
int fb_size_of(struct fb_ctx *x, const char *path, struct fb_size *s, struct fb_error *err)
{
	struct fb_strs a = { 0 };
	struct fb_buf out = { 0 };
	fb_strs_add(&a, x->size);
	fb_strs_add(&a, "-B");
	fb_strs_add(&a, path);
	int rc = fb_run(&a, &out, err);
	fb_strs_free(&a);
	if (rc == 0) {
		const char *line = out.data != NULL ? strchr(out.data, '\n') : NULL;
		unsigned long long t, d, b;
		if (line == NULL || sscanf(line + 1, "%llu %llu %llu", &t, &d, &b) != 3) {
			snprintf(err->msg, sizeof err->msg, "%s -B %s: unexpected output", x->size, path);
			rc = -1;
		} else {
			*s = (struct fb_size){ t, d, b };
		}
	}
	fb_buf_free(&out);
	return rc;
}
