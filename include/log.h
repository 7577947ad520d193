/*
 * log.h -- leveled logging to standard error, with a timestamp.
 * Never pass a password or token to these.
 */
#ifndef TECHPAY_LOG_H
#define TECHPAY_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Looks again at where standard error goes (the journal or not); done
 * at the first message otherwise. */
void	log_init(void);
void	log_set_level(enum log_level);
/* Whether a message of level l is written (to skip costly details). */
int	log_on(enum log_level l);
int	log_parse_level(const char *, enum log_level *);
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Each non-empty line of text as its own record, after prefix: log_msg
 * shows a newline inside a message as '?', so one record is one line. */
void	log_lines(enum log_level, const char *prefix, const char *text);

#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
