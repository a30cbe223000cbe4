/* results.c - a run's result directory, locked, staged and swapped in as a
 * whole; see results.h. */
#define _POSIX_C_SOURCE 200809L
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME ".lbsim.lock"

struct results {
	gchar *dir, *lock_path;
	int fd;
	uint32_t first, last;
	bool whole, created;
	gchar **stage; /* [r - first]: the staged directory, NULL when none (or committed) */
};

gboolean results_remove_tree(const char *path, GError **err)
{
	GStatBuf st;
	if (g_lstat(path, &st) != 0)
		return TRUE; /* nothing there */
	if (S_ISDIR(st.st_mode)) {
		g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
		const char *name;
		while (d && (name = g_dir_read_name(d))) {
			g_autofree gchar *p = g_build_filename(path, name, NULL);
			if (!results_remove_tree(p, err))
				return FALSE;
		}
		if (g_rmdir(path) == 0)
			return TRUE;
	} else if (g_remove(path) == 0) {
		return TRUE;
	}
	g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot remove: %s", path,
		    g_strerror(errno));
	return FALSE;
}

static gboolean set_errno(GError **err, const char *path, const char *what)
{
	int e = errno;
	g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s: %s", path, what, g_strerror(e));
	return FALSE;
}

/* A write lock on [start, start + len) of fd (len 0: to the end and beyond),
 * without waiting. */
static int lock_range(int fd, off_t start, off_t len)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, F_SETLK, &fl);
}

static int lock_mine(const struct results *res)
{
	return res->whole ? lock_range(res->fd, 0, 0)
			  : lock_range(res->fd, 1 + (off_t)res->first, (off_t)(res->last - res->first));
}

/* Opens and locks DIR/.lbsim.lock; a lock file that was replaced while we
 * waited (results_close() of a run that created DIR removes it) is opened
 * again, so that every writer locks the same file. */
static gboolean take_lock(struct results *res, GError **err)
{
	for (int tries = 0; tries < 8; tries++) {
		res->fd = open(res->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (res->fd < 0)
			return set_errno(err, res->lock_path, "cannot open the lock file");
		if (lock_mine(res) != 0) {
			int e = errno;
			close(res->fd);
			res->fd = -1;
			if (e == EACCES || e == EAGAIN) {
				g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
					    "%s: another lbsim run is writing into this directory (%s is locked%s); let "
					    "it finish, or use another -o",
					    res->dir, LOCK_NAME,
					    res->whole ? "" : " for this replication or the whole set");
				return FALSE;
			}
			errno = e;
			return set_errno(err, res->lock_path, "cannot lock");
		}
		GStatBuf a, b;
		if (fstat(res->fd, &a) == 0 && g_stat(res->lock_path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return TRUE;
		close(res->fd);
		res->fd = -1;
	}
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_AGAIN, "%s: the lock file keeps changing", res->lock_path);
	return FALSE;
}

/* "rep<digits>" followed by suffix (e.g. ".tmp"; NULL: nothing); *r = the number */
static bool rep_name(const char *name, const char *suffix, uint64_t *r)
{
	if (strncmp(name, "rep", 3) != 0 || !g_ascii_isdigit(name[3]))
		return false;
	const char *p = name + 3;
	uint64_t v = 0;
	for (; g_ascii_isdigit(*p); p++)
		v = v < UINT64_MAX / 10 ? v * 10 + (uint64_t)(*p - '0') : UINT64_MAX;
	if (r)
		*r = v;
	return suffix ? g_str_has_prefix(p, suffix) : *p == '\0';
}

/* What killed writers left: staged replications and summaries. */
static gboolean clean_leftovers(struct results *res, GError **err)
{
	g_autoptr(GDir) d = g_dir_open(res->dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		uint64_t r;
		bool stale = false;
		if (rep_name(name, ".tmp", &r))
			stale = res->whole || (r >= res->first && r < res->last);
		else if (res->whole && g_str_has_prefix(name, "summary.csv."))
			stale = true; /* ours (summary.csv.tmp-PID) or g_file_set_contents' */
		if (!stale)
			continue;
		g_autofree gchar *p = g_build_filename(res->dir, name, NULL);
		if (!results_remove_tree(p, err))
			return FALSE;
	}
	return TRUE;
}

struct results *results_open(const char *dir, uint32_t first, uint32_t last, bool whole, GError **err)
{
	g_return_val_if_fail(first < last, NULL);
	struct results *res = g_new0(struct results, 1);
	res->dir = g_strdup(dir);
	res->lock_path = g_build_filename(dir, LOCK_NAME, NULL);
	res->fd = -1;
	res->first = first;
	res->last = last;
	res->whole = whole;
	res->stage = g_new0(gchar *, last - first);
	res->created = !g_file_test(dir, G_FILE_TEST_EXISTS);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		set_errno(err, dir, "cannot create directory");
		res->created = false;
		results_close(res);
		return NULL;
	}
	if (!take_lock(res, err) || !clean_leftovers(res, err)) {
		results_close(res);
		return NULL;
	}
	return res;
}

const char *results_stage(struct results *res, uint32_t r, GError **err)
{
	g_return_val_if_fail(r >= res->first && r < res->last, NULL);
	gchar **s = &res->stage[r - res->first];
	if (*s)
		return *s;
	gchar *p = g_strdup_printf("%s/rep%" PRIu32 ".tmp-%ld", res->dir, r, (long)getpid());
	if (!results_remove_tree(p, err)) {
		g_free(p);
		return NULL;
	}
	if (g_mkdir(p, 0755) != 0) {
		set_errno(err, p, "cannot create directory");
		g_free(p);
		return NULL;
	}
	*s = p;
	return p;
}

static gboolean unlink_summary(const struct results *res, GError **err)
{
	g_autofree gchar *p = g_build_filename(res->dir, "summary.csv", NULL);
	if (g_unlink(p) != 0 && errno != ENOENT)
		return set_errno(err, p, "cannot remove");
	return TRUE;
}

/* The commit's filesystem steps, numbered from 0 in the order they run
 * (results.h lists them), and the test-only hook that kills the process
 * just before one of them. */
struct commit_steps {
	gint64 next, die_at; /* die_at -1: no hook */
};

static void commit_steps_init(struct commit_steps *st)
{
	const char *v = getenv(RESULTS_TEST_DIE_AT_COMMIT_STEP);
	st->next = 0;
	st->die_at = -1;
	if (v && !g_ascii_string_to_signed(v, 10, 0, G_MAXINT, &st->die_at, NULL))
		st->die_at = -1;
}

/* Before each step: the hook's death, as kill -9 (no handler, no atexit). */
static void commit_step(struct commit_steps *st)
{
	if (st->next++ == st->die_at) {
		raise(SIGKILL);
		_exit(128 + SIGKILL);
	}
}

gboolean results_commit(struct results *res, const char *summary, gsize len, GError **err)
{
	g_autofree gchar *final_summary = g_build_filename(res->dir, "summary.csv", NULL);
	g_autofree gchar *tmp_summary = g_strdup_printf("%s.tmp-%ld", final_summary, (long)getpid());
	struct commit_steps st;
	commit_steps_init(&st);
	if (res->whole) {
		commit_step(&st);
		if (!g_file_set_contents(tmp_summary, summary, (gssize)len, err))
			return FALSE;
	}
	/* from here until the last rename the directory has no summary.csv:
	 * no complete set */
	commit_step(&st);
	if (!unlink_summary(res, err))
		return FALSE;
	for (uint32_t r = res->first; r < res->last; r++) {
		gchar **s = &res->stage[r - res->first];
		if (!*s)
			continue;
		g_autofree gchar *final = g_strdup_printf("%s/rep%" PRIu32, res->dir, r);
		commit_step(&st);
		if (!results_remove_tree(final, err))
			return FALSE;
		commit_step(&st);
		if (g_rename(*s, final) != 0)
			return set_errno(err, *s, "cannot rename into place");
		g_clear_pointer(s, g_free);
	}
	if (!res->whole)
		return TRUE;
	g_autoptr(GDir) d = g_dir_open(res->dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		uint64_t r;
		if (rep_name(name, NULL, &r) && (r < res->first || r >= res->last)) {
			/* only what a run wrote (a user's own rep7/ in -o's directory stays) */
			g_autofree gchar *p = g_build_filename(res->dir, name, NULL);
			g_autofree gchar *json = g_build_filename(p, "run.json", NULL);
			if (!g_file_test(json, G_FILE_TEST_IS_REGULAR))
				continue;
			commit_step(&st);
			if (!results_remove_tree(p, err))
				return FALSE;
		}
	}
	commit_step(&st);
	if (g_rename(tmp_summary, final_summary) != 0)
		return set_errno(err, tmp_summary, "cannot rename into place");
	return TRUE;
}

/* The lines of a file, without their newlines (g_strfreev); NULL and err
 * set when it cannot be read. */
static gchar **read_lines(const char *path, GError **err)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &text, &len, err))
		return NULL;
	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return g_strsplit(text, "\n", -1);
}

static gboolean incomplete(GError **why, GFileError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean incomplete(GError **why, GFileError code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_propagate_error(why, g_error_new_valist(G_FILE_ERROR, (gint)code, fmt, ap));
	va_end(ap);
	return FALSE;
}

gboolean results_set_complete(const char *dir, GError **why)
{
	g_autofree gchar *manifest = g_build_filename(dir, "summary.csv", NULL);
	if (!g_file_test(manifest, G_FILE_TEST_IS_REGULAR))
		return incomplete(why, G_FILE_ERROR_NOENT,
				  "%s: no summary.csv, so no complete result set (a run stopped while putting its "
				  "set in place, or only single replications were run); run it again",
				  dir);
	g_auto(GStrv) rows = read_lines(manifest, why);
	if (!rows)
		return FALSE;
	guint n = g_strv_length(rows);
	if (n < 2)
		return incomplete(why, G_FILE_ERROR_FAILED, "%s: no header and rows: not a complete result set",
				  manifest);
	guint reps = n - 1;
	for (guint r = 0; r < reps; r++) {
		g_autofree gchar *leaf = g_strdup_printf("rep%u", r);
		g_autofree gchar *rep = g_build_filename(dir, leaf, NULL);
		g_autofree gchar *json = g_build_filename(rep, "run.json", NULL);
		g_autofree gchar *own = g_build_filename(rep, "summary.csv", NULL);
		if (!g_file_test(json, G_FILE_TEST_IS_REGULAR) || !g_file_test(own, G_FILE_TEST_IS_REGULAR))
			return incomplete(why, G_FILE_ERROR_NOENT,
					  "%s: missing (or without its run.json or summary.csv) beside a summary.csv of "
					  "%u rows: not a complete result set",
					  rep, reps);
		g_auto(GStrv) mine = read_lines(own, why);
		if (!mine)
			return FALSE;
		if (g_strv_length(mine) != 2 || strcmp(mine[0], rows[0]) != 0 || strcmp(mine[1], rows[1 + r]) != 0)
			return incomplete(why, G_FILE_ERROR_FAILED,
					  "%s: does not match row %u of %s: a mixed or stale result set", own, r + 1,
					  manifest);
	}
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		uint64_t r;
		if (!rep_name(name, NULL, &r) || r < reps)
			continue;
		g_autofree gchar *json = g_build_filename(dir, name, "run.json", NULL);
		if (g_file_test(json, G_FILE_TEST_IS_REGULAR))
			return incomplete(why, G_FILE_ERROR_FAILED,
					  "%s/%s: a run's replication beyond the %u rows of %s: a stale result set", dir,
					  name, reps, manifest);
	}
	return TRUE;
}

/* The directory holds nothing but the lock file. */
static bool only_lock_left(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)))
		if (strcmp(name, LOCK_NAME) != 0)
			return false;
	return d != NULL;
}

void results_close(struct results *res)
{
	if (!res)
		return;
	for (uint32_t r = res->first; r < res->last; r++)
		if (res->stage[r - res->first])
			results_remove_tree(res->stage[r - res->first], NULL);
	if (res->whole) {
		g_autofree gchar *tmp = g_strdup_printf("%s/summary.csv.tmp-%ld", res->dir, (long)getpid());
		g_unlink(tmp);
	}
	/* a directory this run created goes again if the run left nothing in
	 * it - but only when no other writer holds a lock on it */
	if (res->created && res->fd >= 0 && lock_range(res->fd, 0, 0) == 0 && only_lock_left(res->dir)) {
		g_unlink(res->lock_path);
		g_rmdir(res->dir);
	}
	if (res->fd >= 0)
		close(res->fd);
	for (uint32_t r = res->first; r < res->last; r++)
		g_free(res->stage[r - res->first]);
	g_free(res->stage);
	g_free(res->lock_path);
	g_free(res->dir);
	g_free(res);
}
