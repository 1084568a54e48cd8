import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors/app-error';
import { toErrorBody } from '../errors/all-exceptions.filter';

/** How long a refused connection's remaining input is read and dropped before the connection is closed. */
const LINGER_MS = 2_000;

/** Node's parser errors (`clientError`) and the answer each gets; any other parse error is a 400. */
const ANSWERS: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', message: 'The request line and headers are too large (URL or headers above 16 KiB)' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { code: 'PAYLOAD_TOO_LARGE', message: 'The chunk extensions are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' },
};
const MALFORMED = { code: 'VALIDATION_FAILED' as const, message: 'The request is not valid HTTP' };

/**
 * Answers a request Node's HTTP parser refuses (a URL or headers above 16 KiB, malformed HTTP, a request that never
 * finished) with its 4xx and the API's error body, then closes the connection *lingering*: what the client is still
 * sending is read and dropped for up to LINGER_MS. Node's own answer (no `clientError` listener) writes the status and
 * destroys the socket at once; when the client has not finished sending (a long URL followed by a body), the unread
 * bytes make the kernel reset the connection, and the client sees ECONNRESET or EPIPE instead of the answer (Node's
 * fetch does, under load). Apache's and nginx's "lingering close" exists for the same reason.
 */
export function answerUnparsableRequests(server: Server): void {
  // The parser stays attached and reports the same error again for every chunk read while lingering.
  const lingering = new WeakSet<Socket>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (lingering.has(socket)) return;
    // Nothing can be answered on a connection the client reset or that is already closing.
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (answered) return void socket.destroy();
    const { code, message } = (error.code && ANSWERS[error.code]) || MALFORMED;
    // The API's error body; the correlation id is a new one (a request that could not be parsed carries none).
    const body = JSON.stringify(toErrorBody(new AppError(code, message), randomUUID()));
    const status = ERROR_CODES[code];
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    lingering.add(socket);
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
