import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

/**
 * What Node's HTTP parser refused, said in the API's own `{ error, details }` shape. These
 * requests never reach fastify's router or error handler: fastify's default answer is a bare
 * "Client Error", which does not tell a client that `get` must be written `GET`.
 */
const PARSER_ERRORS: Record<string, { status: number; error: string }> = {
  HPE_INVALID_METHOD: { status: 400, error: 'the request method is not an HTTP method; methods are upper case (GET, POST, PUT, DELETE)' },
  HPE_HEADER_OVERFLOW: { status: 431, error: 'the request headers are too large (16 KiB in all)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'the request was not received in full within 60 seconds' },
  HPE_INVALID_VERSION: { status: 400, error: 'the request line does not end with a valid HTTP version' },
  HPE_INVALID_URL: { status: 400, error: 'the request target is not a valid URL path' },
  HPE_INVALID_HEADER_TOKEN: { status: 400, error: 'a header name holds a character HTTP does not allow' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, error: 'the Content-Length header is not a number' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, error: 'Content-Length and Transfer-Encoding: chunked were both sent' },
  HPE_INVALID_TRANSFER_ENCODING: { status: 400, error: 'the Transfer-Encoding header is not one this server reads' },
  HPE_INVALID_CHUNK_SIZE: { status: 400, error: 'a chunk of the chunked body has an invalid size line' },
};

export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // a reset connection has no one left to answer
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = PARSER_ERRORS[err.code ?? ''];
  const status = known?.status ?? 400;
  const body = JSON.stringify({ error: known?.error ?? 'the request is not valid HTTP/1.1', details: { code: err.code ?? null } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
