/*
 * matrix.h -- the Matrix adapter: every [matrix] account, in one loop.
 *
 * Speaks the Client-Server API over http.h (libcurl multi) with cJSON.
 * Requests are queued per room, so a room where sends fail holds back no
 * other.  An answered event's id goes to the state store (state.h) once
 * its answer was accepted (or refused for good), and a sync position
 * only once every answer of that sync and the ones before it is; every
 * answer's transaction id is derived from the event that asked: a
 * restart or a crash at any point gives exactly one answer per question.
 */
#ifndef TECHPAY_MATRIX_H
#define TECHPAY_MATRIX_H

#include "adapter.h"
#include "matrix_conf.h"
#include "state.h"

#define MX_REQ_TIMEOUT_MS	30000	/* any request but /sync */
#define MX_SYNC_SLACK_MS	15000	/* HTTP timeout beyond the sync's */
/* After a sync that asked the server for something (an answer, a join),
 * the next sync waits for those requests this long at most. */
#define MX_SYNC_HOLD_MS		250
#define MX_TIMELINE_LIMIT	50	/* events per room per sync */
/* After a sync answer too big to take, the next ones ask for at most
 * this many events per room, then this many, until one passes. */
#define MX_TIMELINE_SMALL	5
#define MX_TIMELINE_TINY	1
/* Answers but /sync (errors, login, whoami, sends) are small; a bigger
 * one is not parsed, so it cannot cost more than a sync. */
#define MX_SMALL_BODY_MAX	(64 * 1024)

/* The transaction id of the answer to event_id (33 bytes with NUL). */
void		 matrix_txn_id(const char *event_id, char out[33]);

extern const struct adapter_ops matrix_ops;

#endif
