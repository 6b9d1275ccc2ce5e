/*
 * collector/state.c - the collector's state file: last id, offsets, and
 * the batch in flight. Owns the lock on the state file.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "state.h"

#define STATE_MAGIC	"vigie-collector-state 1"

static int
mkdir_p(const char *dir)
{
	char	 buf[PATH_MAX], *p;

	if (strlen(dir) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, dir);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0750) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

struct fstate *
state_file(struct cstate *s, const char *path)
{
	struct fstate	*nf;
	size_t		 i;

	for (i = 0; i < s->nf; i++)
		if (strcmp(s->f[i].path, path) == 0)
			return &s->f[i];
	if ((nf = realloc(s->f, (s->nf + 1) * sizeof(*nf))) == NULL)
		return NULL;
	s->f = nf;
	nf = &s->f[s->nf];
	memset(nf, 0, sizeof(*nf));
	if ((nf->path = strdup(path)) == NULL)
		return NULL;
	s->nf++;
	return nf;
}

static int
state_parse_line(struct cstate *s, char *line, int lineno)
{
	unsigned long long	 a, b, c, d, e, f, g;
	struct fstate		*fs;
	int			 n = 0;

	if (sscanf(line, "last_id %llu %llu%n", &a, &b, &n) == 2 &&
	    line[n] == '\0') {
		s->last.ms = a;
		s->last.seq = b;
		return 0;
	}
	if (sscanf(line, "file %llu %llu %llu %n", &a, &b, &c, &n) == 3 &&
	    line[n] != '\0') {
		if ((fs = state_file(s, line + n)) == NULL)
			return -1;
		fs->dev = (dev_t)a;
		fs->ino = (ino_t)b;
		fs->offset = (off_t)c;
		return 0;
	}
	if (sscanf(line, "inflight %llu %llu %llu %llu %llu %llu %llu %n",
	    &a, &b, &c, &d, &e, &f, &g, &n) == 7 && line[n] != '\0' && c <= d) {
		s->inflight.active = 1;
		s->inflight.dev = (dev_t)a;
		s->inflight.ino = (ino_t)b;
		s->inflight.start = (off_t)c;
		s->inflight.end = (off_t)d;
		s->inflight.first.ms = e;
		s->inflight.first.seq = f;
		s->inflight.ref = (time_t)g;
		free(s->inflight.path);
		if ((s->inflight.path = strdup(line + n)) == NULL)
			return -1;
		return 0;
	}
	log_warnx("%s:%d: unreadable state line; fix or remove the file",
	    s->file, lineno);
	return -1;
}

int
state_open(struct cstate *s, const char *dir, const char *sensor)
{
	char	 path[PATH_MAX];
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	FILE	*fp;
	int	 lineno = 0, rc = 0;

	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
	if (mkdir_p(dir) == -1) {
		log_warn("state directory %s", dir);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/collector-%s.state", dir,
	    sensor) >= sizeof(path)) {
		log_warnx("state directory %s: path too long", dir);
		return -1;
	}
	if ((s->file = strdup(path)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/collector-%s.lock", dir, sensor);
	if ((s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) == -1) {
		log_warnx("%s: another collector for sensor %s holds this "
		    "state directory", path, sensor);
		return -1;
	}
	if ((fp = fopen(s->file, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", s->file);
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0) {
				log_warnx("%s:1: not a collector state file",
				    s->file);
				rc = -1;
				break;
			}
			continue;
		}
		if (state_parse_line(s, line, lineno) == -1) {
			rc = -1;
			break;
		}
	}
	if (ferror(fp)) {
		log_warn("%s", s->file);
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

int
state_save(struct cstate *s)
{
	char	 tmp[PATH_MAX];
	FILE	*fp;
	size_t	 i;
	int	 fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->file);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) == -1) {
		log_warn("%s", tmp);
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		log_warn("%s", tmp);
		close(fd);
		return -1;
	}
	fprintf(fp, "%s\nlast_id %" PRIu64 " %" PRIu64 "\n", STATE_MAGIC,
	    s->last.ms, s->last.seq);
	for (i = 0; i < s->nf; i++)
		fprintf(fp, "file %llu %llu %llu %s\n",
		    (unsigned long long)s->f[i].dev,
		    (unsigned long long)s->f[i].ino,
		    (unsigned long long)s->f[i].offset, s->f[i].path);
	if (s->inflight.active)
		fprintf(fp, "inflight %llu %llu %llu %llu %" PRIu64 " %"
		    PRIu64 " %llu %s\n", (unsigned long long)s->inflight.dev,
		    (unsigned long long)s->inflight.ino,
		    (unsigned long long)s->inflight.start,
		    (unsigned long long)s->inflight.end, s->inflight.first.ms,
		    s->inflight.first.seq, (unsigned long long)s->inflight.ref,
		    s->inflight.path);
	ok = fflush(fp) == 0 && !ferror(fp) && fdatasync(fd) == 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok) {
		log_warn("%s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, s->file) == -1) {
		log_warn("rename %s", tmp);
		return -1;
	}
	return 0;
}

void
state_close(struct cstate *s)
{
	size_t	 i;

	for (i = 0; i < s->nf; i++)
		free(s->f[i].path);
	free(s->f);
	free(s->inflight.path);
	free(s->file);
	if (s->lockfd != -1)
		close(s->lockfd);
	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
}
