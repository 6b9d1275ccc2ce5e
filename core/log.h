/*
 * core/log.h - the one logging facility of the three programs.
 * Owns nothing but the program name and verbosity. Writes to stderr.
 */
#ifndef VIGIE_LOG_H
#define VIGIE_LOG_H

#include <stdarg.h>

void	log_init(const char *progname, int verbose);
void	log_emit(int prio, int with_errno, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	log_fatal(int with_errno, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5), noreturn));

#define LOG_P_WARN	4
#define LOG_P_INFO	6
#define LOG_P_DEBUG	7

/* log_warn appends strerror(errno); log_warnx does not. */
#define log_warn(...)	log_emit(LOG_P_WARN, 1, __FILE__, __LINE__, __VA_ARGS__)
#define log_warnx(...)	log_emit(LOG_P_WARN, 0, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...)	log_emit(LOG_P_INFO, 0, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...)	log_emit(LOG_P_DEBUG, 0, __FILE__, __LINE__, __VA_ARGS__)
/* fatal() logs and exits 1 (a runtime failure). */
#define fatal(...)	log_fatal(1, __FILE__, __LINE__, __VA_ARGS__)
#define fatalx(...)	log_fatal(0, __FILE__, __LINE__, __VA_ARGS__)

#endif
