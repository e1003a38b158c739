// Writes Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html) on an
// HTTP response: the headers that keep every hop from buffering or transforming the stream, and
// one event at a time.
import { deflateRawSync } from 'node:zlib';
import type { Response } from 'express';

/** How long a browser waits before reconnecting a dropped stream. */
export const RECONNECT_DELAY_MS = 2000;

/** What a stream's writer holds back before it gives up on a client that does not read. */
const MAX_BUFFERED_BYTES = 1 << 20;

export interface ServerSentEvent {
  /** The client sends it back as Last-Event-ID when it reconnects; absent: the last one stays. */
  id?: string | number;
  event: string;
  /** One line of JSON: a data line never holds a newline. */
  data: unknown;
}

/** An event whose data is JSON already (JSON.stringify's, one line), for a caller that built it from JSON it had. */
export interface SerializedEvent {
  id?: string | number;
  event: string;
  json: string;
}

function idLineOf(event: ServerSentEvent | SerializedEvent): string {
  return event.id === undefined ? '' : `id: ${event.id}\n`;
}

function jsonOf(event: ServerSentEvent | SerializedEvent): string {
  return 'json' in event ? event.json : JSON.stringify(event.data);
}

export function openEventStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  // no-transform: a proxy must not compress or rewrite the stream (it would hold events back).
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  // nginx buffers proxied answers unless told not to.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${RECONNECT_DELAY_MS}\n\n`);
}

/**
 * An event as the bytes every stream is sent: encoded once, however many streams write it (a
 * string would be encoded again by each stream's write).
 */
export function formatEvent(event: ServerSentEvent | SerializedEvent): Buffer {
  return Buffer.from(`${idLineOf(event)}event: ${event.event}\ndata: ${jsonOf(event)}\n\n`);
}

/**
 * The same event for a client that inflates: named `packed-<event>`, its JSON deflated (raw
 * DEFLATE, RFC 1951, what the browsers' DecompressionStream('deflate-raw') reads) and base64-encoded.
 * A dashboard's parts are repetitive HTML: about a sixth of the bytes, compressed once per event
 * for every stream. Compressing the HTTP stream itself would cost one compressor per stream, and
 * proxies hold compressed streams back.
 */
export function formatPackedEvent(event: ServerSentEvent | SerializedEvent): Buffer {
  return Buffer.from(`${idLineOf(event)}event: packed-${event.event}\ndata: ${deflateRawSync(jsonOf(event)).toString('base64')}\n\n`);
}

/**
 * Writes a formatted event; false when the client is gone or reads too slowly (its unread events
 * past MAX_BUFFERED_BYTES), in which case the caller ends the stream and the browser reconnects
 * to a whole state.
 */
export function writeEvent(res: Response, formatted: Buffer): boolean {
  if (res.writableEnded || res.destroyed) return false;
  res.write(formatted);
  return res.writableLength <= MAX_BUFFERED_BYTES;
}

/**
 * Ends a stream. What the client has not read yet is thrown away with its connection: ending
 * politely would keep the connection, and up to MAX_BUFFERED_BYTES, until a client that stopped
 * reading reads again (perhaps never), and would hold a server's close() open on SIGTERM. The
 * browser reconnects and gets a whole state, so nothing it needs is lost.
 */
export function closeEventStream(res: Response): void {
  if (res.writableEnded || res.destroyed) return;
  if (res.writableLength > 0) res.destroy();
  else res.end();
}
