/*
 * matrix.h -- the Matrix adapter: every [matrix] account, in one loop.
 *
 * Speaks the Client-Server API over http.h (libcurl multi) with cJSON.
 * The sync position and the ids of answered events are committed to the
 * state store (state.h) in one transaction after a batch's answers have
 * been accepted by the homeserver, and every answer's transaction id is
 * derived from the event that asked: a restart or a crash at any point
 * gives exactly one answer per question.
 */
#ifndef TECHPAY_MATRIX_H
#define TECHPAY_MATRIX_H

#include "adapter.h"
#include "config.h"
#include "state.h"

#define MX_REQ_TIMEOUT_MS	30000	/* any request but /sync */
#define MX_SYNC_SLACK_MS	15000	/* HTTP timeout beyond the sync's */
#define MX_TIMELINE_LIMIT	50	/* events per room per sync */

/* The transaction id of the answer to event_id (33 bytes with NUL). */
void		 matrix_txn_id(const char *event_id, char out[33]);

extern const struct adapter_ops matrix_ops;

#endif
