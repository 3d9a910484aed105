/*
 * store_backup.c - a consistent copy of a live SQLite database, and a
 * database put back from such a copy (`c2c db backup`, `c2c db restore`).
 *
 * SQLite's online backup API copies the pages of the database as of one
 * read transaction; in WAL mode a reader does not block writers, so `serve`
 * keeps committing while the copy is made, and the copy is the database as
 * of one commit.  What a caller reads in that same read transaction (the
 * registry's journal head) is therefore exactly what the copy holds.  The
 * store knows no domain table: that read is the caller's callback.
 *
 * PostgreSQL has its own tools (pg_dump, base backups): docs/store.md.
 */
#include "store.h"
#include "store_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int pg_refused(struct c2c_err *err, const char *what)
{
	c2c_err_set(err, C2C_EUSAGE, "db %s copies a SQLite file; this database is on a PostgreSQL server", what);
	c2c_err_hint(err, "use PostgreSQL's own tools (pg_dump, pg_restore): docs/store.md, Backups");
	return C2C_EUSAGE;
}

/* The directory holding `path` made durable, so a rename or link into it
 * survives a power loss as the file's bytes do. */
static void sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd;
	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* Copy every page of `src` into `dst` in one step; the source's current
 * read transaction (if any) is the snapshot copied. */
static int copy_pages(sqlite3 *dst, sqlite3 *src, long long *pages, struct c2c_err *err, const char *what)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;
	if (!b)
		return c2c_err_set(err, C2C_EDB, "%s: %s", what, sqlite3_errmsg(dst));
	rc = sqlite3_backup_step(b, -1);
	if (pages)
		*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return c2c_err_set(err, rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? C2C_ERETRY : C2C_EDB, "%s: %s", what,
				   sqlite3_errstr(rc));
	return 0;
}

int store_backup(struct store *st, const char *path, store_snapshot_fn at_snapshot, void *ctx,
		 long long *pages, struct c2c_err *err)
{
	sqlite3 *db = store_sqlite_db(st), *dst = NULL;
	struct stat sb;
	char *tmp = NULL;
	int rc, fd, in_read = 0;

	if (!db)
		return pg_refused(err, "backup");
	if (store_in_tx(st))
		return c2c_err_set(err, C2C_EINTERNAL, "db backup: called inside a transaction");
	if (stat(path, &sb) == 0) {
		c2c_err_set(err, C2C_ECONFLICT, "%s exists: a backup is written to a new file, never over one", path);
		c2c_err_hint(err, "name a file that does not exist yet (the date in its name keeps them apart)");
		return C2C_ECONFLICT;
	}
	/* Written beside the target under a name of its own, then linked into
	 * place once complete: an interrupted backup leaves no file that looks
	 * like one. */
	size_t len = strlen(path) + 16;
	if (!(tmp = malloc(len)))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	snprintf(tmp, len, "%s.partialXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot create: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	/* One read transaction over the callback and the copy: the same snapshot. */
	if (sqlite3_exec(db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK) {
		rc = c2c_err_set(err, C2C_EDB, "%s: %s", store_path(st), sqlite3_errmsg(db));
		goto out;
	}
	in_read = 1;
	/* Start the snapshot now, whatever the callback reads. */
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
		rc = c2c_err_set(err, C2C_EDB, "%s: %s", store_path(st), sqlite3_errmsg(db));
		goto out;
	}
	if (at_snapshot && (rc = at_snapshot(st, ctx, err)))
		goto out;
	if ((rc = copy_pages(dst, db, pages, err, path)))
		goto out;
	store_rollback(st); /* a read transaction: nothing to keep */
	in_read = 0;
	if (sqlite3_close(dst) != SQLITE_OK) {
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot close the copy", tmp);
		dst = NULL;
		goto out;
	}
	dst = NULL;
	/* link, not rename: a file made at `path` meanwhile is not replaced. */
	if (link(tmp, path)) {
		rc = c2c_err_set(err, errno == EEXIST ? C2C_ECONFLICT : C2C_EIO, "%s: cannot create: %s", path,
				 strerror(errno));
		goto out;
	}
	sync_dir_of(path);
	rc = 0;
out:
	if (in_read)
		store_rollback(st);
	if (dst)
		sqlite3_close(dst);
	unlink(tmp);
	free(tmp);
	return rc;
}

int store_restore(struct store *st, const char *from, long long *pages, struct c2c_err *err)
{
	sqlite3 *db = store_sqlite_db(st), *src = NULL;
	int rc;

	if (!db)
		return pg_refused(err, "restore");
	if (store_in_tx(st))
		return c2c_err_set(err, C2C_EINTERNAL, "db restore: called inside a transaction");
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", from, src ? sqlite3_errmsg(src) : "out of memory");
		sqlite3_close(src);
		return rc;
	}
	/* The destination is replaced whole in one write transaction of its
	 * own: a reader sees the old database or the restored one. */
	rc = copy_pages(db, src, pages, err, store_path(st));
	sqlite3_close(src);
	return rc;
}
