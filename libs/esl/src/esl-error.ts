/**
 * Stable error codes of libs/esl. Callers branch on `code`, never on the message: the
 * dialer treats DISCONNECTED/NOT_CONNECTED/TIMEOUT as "this node is in trouble" and
 * COMMAND_FAILED as "FreeSWITCH said no".
 */
export type EslErrorCode =
  /** TCP connect failed (refused, unreachable, connect timeout). */
  | 'ESL_CONNECT_FAILED'
  /** FreeSWITCH answered `-ERR invalid` to `auth`: wrong password; we do not retry. */
  | 'ESL_AUTH_FAILED'
  /** The connection dropped while the request was in flight; a bgapi job may still run on the node. */
  | 'ESL_DISCONNECTED'
  /** The request was made while no authenticated connection exists; nothing was sent. */
  | 'ESL_NOT_CONNECTED'
  /** No reply (api) or no BACKGROUND_JOB (bgapi) within the request's timeout. */
  | 'ESL_TIMEOUT'
  /** FreeSWITCH replied `-ERR ...` to a command (event, filter, bgapi, ...). */
  | 'ESL_COMMAND_FAILED'
  /** close() was called: the connection will never come back. */
  | 'ESL_CLOSED'
  /** Bytes from the server that violate the framing (bad Content-Length, oversized block). */
  | 'ESL_PROTOCOL'
  /** An argument would break the command line (newline, unescapable character). */
  | 'ESL_INVALID_ARGUMENT'
  /** A reply body we could not parse (show ... as json). */
  | 'ESL_BAD_REPLY'
  /** No healthy node in the pool. */
  | 'ESL_NO_HEALTHY_NODE';

export class EslError extends Error {
  constructor(
    readonly code: EslErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'EslError';
  }
}

export function isEslError(error: unknown, code?: EslErrorCode): error is EslError {
  return error instanceof EslError && (code === undefined || error.code === code);
}
