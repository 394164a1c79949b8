/** Exact server-to-client byte layouts of mod_event_socket (reference section 1.3). */

export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';

export const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
export const SHUTDOWN_NOTICE = 'The system is being shut down.\n';
export const LOST_EVENTS_NOTICE = 'killed listener because of lost events\n';

/** command/reply: Content-Type first, no Content-Length. */
export function commandReply(replyText: string, extraHeaders = ''): string {
  return `Content-Type: command/reply\nReply-Text: ${replyText}\n${extraHeaders}\n`;
}

/** api/response: Content-Type first, then Content-Length in bytes. */
export function apiResponse(body: string): Buffer {
  const payload = body === '' ? '-ERR no reply\n' : body;
  return Buffer.from(
    `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(payload, 'utf8')}\n\n${payload}`,
    'utf8',
  );
}

export function disconnectNotice(message: string, sessionUuid?: string): Buffer {
  const session = sessionUuid
    ? `Controlled-Session-UUID: ${sessionUuid}\nContent-Disposition: disconnect\n`
    : '';
  return Buffer.from(
    `Content-Type: text/disconnect-notice\n${session}Content-Length: ${Buffer.byteLength(message, 'utf8')}\n\n${message}`,
    'utf8',
  );
}
