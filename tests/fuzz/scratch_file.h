/*
 * scratch_file.h - one scratch file per fuzzing process, for the targets
 * whose reader takes a path (fuzz_ingest, fuzz_xlsx): made once in
 * $TMPDIR, else in /dev/shm, else /tmp, rewritten with each input, removed at
 * exit.  Memory first: on ext4 a file truncated and rewritten is flushed to
 * the disk when closed, and that flush cost fuzz_xlsx most of its time.
 */
#ifndef C2C_FUZZ_SCRATCH_FILE_H
#define C2C_FUZZ_SCRATCH_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int scratch_fd = -1;
static char scratch_path[4096];

static void scratch_remove(void)
{
	unlink(scratch_path);
}

/* Make the file (name: what the target is called); aborts if it cannot. */
static void scratch_open(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(scratch_path, sizeof(scratch_path), "%s/%s.XXXXXX", tmp, name);
	if ((scratch_fd = mkstemp(scratch_path)) < 0)
		abort();
	atexit(scratch_remove);
}

/* The file's whole content becomes p[0..n). */
static void scratch_put(const void *p, size_t n)
{
	if (ftruncate(scratch_fd, 0) || (n && pwrite(scratch_fd, p, n, 0) != (ssize_t)n))
		abort();
}

#endif
