import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCodes } from '../errors.js';
import { ProblemError } from '../errors.js';
import { sendProblem } from './problem.js';
import { newRequestId } from './request-id.js';

/**
 * Fastify's `frameworkErrors`: the router's refusals before any route runs. Fastify answers them in
 * its own JSON shape unless this option is set, which would be the one answer outside problem+json.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  reply.header('Prolope-Request-Id', req.id);
  const path = req.url.split('?')[0] ?? '';
  let problem: ProblemError;
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    problem = new ProblemError('uri_too_long', 'A path segment is longer than any id Prolope issues (at most 100 characters). Check that the id was not pasted twice or with a payload.');
  } else if (err.code === 'FST_ERR_BAD_URL') {
    problem = new ProblemError(
      'invalid_url',
      `The path ${path.slice(0, 200)} is not valid percent-encoded UTF-8 (an overlong or cut-off sequence such as %C0%AE). Encode ids with encodeURIComponent.`,
      { param: '/path' },
    );
  } else {
    problem = new ProblemError('invalid_url', `The request could not be routed: ${err.message}`);
  }
  sendProblem(reply, req, problem);
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before a request exists (headers
 * too large, malformed HTTP, a request that took longer than the request timeout). The answer is
 * written to the socket by hand because there is no reply object yet; it is still problem+json with
 * a request id, as every other answer.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let code: ErrorCode = 'invalid_http';
  let detail = 'The request is not valid HTTP/1.1.';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    code = 'request_timeout';
    detail = 'The request (headers and body) did not arrive within the time the server allows. Send it at once, not piece by piece.';
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    code = 'headers_too_large';
    detail = 'The request line and headers together are larger than 16 KiB. Check for a very long URL or a repeated header.';
  }
  const { status, title } = errorCodes[code];
  const requestId = newRequestId();
  const body = JSON.stringify({ type: `https://docs.prolope.dev/errors#${code}`, title, status, code, detail, request_id: requestId });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nProlope-Request-Id: ${requestId}\r\nProlope-Should-Retry: false\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
