// A bare event-stream client for the live tests: it reads the raw bytes over node:http (not an
// EventSource), so the tests see exactly what a browser would parse, and waits for conditions.
import http from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { LiveHub, LiveUpdate, LiveView } from '../../../server/dashboard/live/live.types';
import type { Logger } from '../../../server/lib/logger';
import { requestLogging } from '../../../server/lib/request-logging';

export interface ParsedEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

export interface EventReader {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every byte received so far. */
  raw(): string;
  events(): ParsedEvent[];
  /** The `figures` events' payloads, in order. */
  figures(): LiveUpdate[];
  /** Resolves once `check` holds of what was received; rejects when the stream ends first or at the deadline. */
  until(check: (reader: EventReader) => boolean, what: string, deadlineMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function parseEvents(raw: string): ParsedEvent[] {
  const blocks = raw.split('\n\n');
  // The last block is incomplete until its blank line arrives.
  blocks.pop();
  return blocks.map((block) => {
    const event: ParsedEvent = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(': ');
      const field = line.slice(0, colon) as keyof ParsedEvent;
      event[field] = line.slice(colon + 2);
    }
    return event;
  });
}

export function openEvents(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      let raw = '';
      let finished = false;
      const waiters = new Set<() => void>();
      const wake = () => {
        for (const waiter of [...waiters]) waiter();
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        raw += chunk;
        wake();
      });
      const ended = new Promise<void>((done) => response.on('close', () => {
        finished = true;
        wake();
        done();
      }));
      const reader: EventReader = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        raw: () => raw,
        events: () => parseEvents(raw),
        figures: () => parseEvents(raw).filter((e) => e.event === 'figures').map((e) => JSON.parse(e.data ?? 'null') as LiveUpdate),
        until(check, what, deadlineMs = 5000) {
          return new Promise((done, fail) => {
            const deadline = setTimeout(() => {
              waiters.delete(test);
              fail(new Error(`no ${what} within ${deadlineMs} ms; received:\n${raw}`));
            }, deadlineMs);
            function test() {
              if (check(reader)) {
                clearTimeout(deadline);
                waiters.delete(test);
                done();
              } else if (finished) {
                clearTimeout(deadline);
                waiters.delete(test);
                fail(new Error(`the stream ended before ${what}; received:\n${raw}`));
              }
            }
            waiters.add(test);
            test();
          });
        },
        ended,
        close: () => request.destroy(),
      };
      resolve(reader);
    });
    request.on('error', reject);
  });
}

/** A view whose parts a test sets, counting its computations; `fail` makes compute() throw. */
export interface TestView extends LiveView {
  parts: Record<string, unknown>;
  computations: number;
  fail: boolean;
  /** While set, compute() waits for it: a test holds a computation in flight. */
  gate?: Promise<void>;
}

export function testView(surveyId: string, waveId: string, parts: Record<string, unknown>): TestView {
  const view: TestView = {
    key: `${surveyId}/${waveId}/test`,
    surveyId,
    waveId,
    parts,
    computations: 0,
    fail: false,
    async compute() {
      view.computations += 1;
      if (view.gate) await view.gate;
      if (view.fail) throw new Error('this view fails on purpose');
      return structuredClone(view.parts);
    },
  };
  return view;
}

/**
 * The hub's streams mounted on a small Express app: GET /live/:name[?since=N] streams views[name],
 * behind the app's request logger when a logger is given.
 */
export async function serveHub(hub: LiveHub, views: Record<string, LiveView>, logger?: Logger): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const app = express();
  if (logger) app.use(requestLogging(logger));
  app.get('/live/:name', async (req, res) => {
    const view = views[req.params.name];
    if (!view) return void res.sendStatus(404);
    const since = typeof req.query.since === 'string' ? Number(req.query.since) : undefined;
    await hub.stream(req, res, view, { packed: req.query.packed === '1', ...(since === undefined ? {} : { since }) });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
      }),
  };
}
