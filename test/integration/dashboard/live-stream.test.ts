// The live hub's event stream as a browser reads it, on the real store: the SSE format, resuming
// with Last-Event-ID or ?since, heartbeats, the maximum age, the stream limit, one computation per
// change whatever the number of streams, a failing view that keeps its streams, and stop().
import { inflateRawSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { pino } from 'pino';
import { createLiveHub, type LiveHubDependencies } from '../../../server/dashboard/live/live-hub';
import { bumpLiveVersion } from '../../../server/dashboard/live/live-version';
import type { LiveHub } from '../../../server/dashboard/live/live.types';
import { openEvents, serveHub, testView, type TestView } from './live-client';

const SURVEY = 'captic_2011';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A hub with its own log lines, served on a small app; the defaults are the tests' (short) ones. */
async function startHub(config: Partial<LiveHubDependencies['config']> = {}) {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const hub = createLiveHub({
    config: { LIVE_POLL_MS: 50, LIVE_MIN_INTERVAL_MS: 0, LIVE_HEARTBEAT_MS: 60_000, LIVE_STREAM_MAX_AGE_MS: 60_000, LIVE_MAX_STREAMS: 100, ...config },
    logger,
  });
  const views: Record<string, TestView> = {};
  const server = await serveHub(hub, views, logger);
  return { hub, views, lines, url: server.url, server: server.server, close: async () => (await hub.stop(), await server.close()) };
}

/** A wave of its own for each test: versions never leak between tests. */
function freshWave(): string {
  return `live-${randomUUID().slice(0, 8)}`;
}

describe('the live event stream', function () {
  let started: Awaited<ReturnType<typeof startHub>> | undefined;
  afterEach(async () => {
    await started?.close();
    started = undefined;
  });

  async function hubWithView(parts: Record<string, unknown>, config: Partial<LiveHubDependencies['config']> = {}) {
    started = await startHub(config);
    const wave = freshWave();
    const view = testView(SURVEY, wave, parts);
    started.views.main = view;
    return { ...started, wave, view, hub: started.hub as LiveHub, stream: `${started.url}/live/main` };
  }

  it('answers with unbuffered event-stream headers, a retry delay, then a full figures event with the version as its id', async () => {
    const { stream, wave } = await hubWithView({ header: { n: 0 }, 'q:a': { html: '<p>a</p>', chart: null } });
    await bumpLiveVersion(SURVEY, wave);
    await bumpLiveVersion(SURVEY, wave);
    const reader = await openEvents(stream);
    expect(reader.status).to.equal(200);
    expect(reader.headers['content-type']).to.equal('text/event-stream; charset=utf-8');
    expect(reader.headers['cache-control']).to.equal('no-cache, no-transform');
    expect(reader.headers['x-accel-buffering']).to.equal('no');
    await reader.until((r) => r.figures().length === 1, 'first figures event');
    expect(reader.raw()).to.equal(
      'retry: 2000\n\n' +
        'id: 2\nevent: figures\ndata: {"version":2,"full":true,"parts":{"header":{"n":0},"q:a":{"html":"<p>a</p>","chart":null}}}\n\n',
    );
    reader.close();
  });

  it('packs the same events for a client that inflates: named packed-figures, raw DEFLATE in base64', async () => {
    const { stream, wave, view } = await hubWithView({ header: { n: 0 }, 'q:a': { html: '<p>é</p>' } });
    const plain = await openEvents(stream);
    const packed = await openEvents(`${stream}?packed=1`);
    await plain.until((r) => r.figures().length === 1, 'first plain event');
    await packed.until((r) => r.events().some((e) => e.event === 'packed-figures'), 'first packed event');
    view.parts = { header: { n: 1 }, 'q:a': { html: '<p>é</p>' } };
    await bumpLiveVersion(SURVEY, wave);
    await plain.until((r) => r.figures().length === 2, 'the plain change');
    await packed.until((r) => r.events().filter((e) => e.event === 'packed-figures').length === 2, 'the packed change');
    const unpacked = packed
      .events()
      .filter((e) => e.event === 'packed-figures')
      .map((e) => ({ id: e.id, update: JSON.parse(inflateRawSync(Buffer.from(e.data ?? '', 'base64')).toString('utf8')) as unknown }));
    expect(unpacked).to.deep.equal(plain.events().filter((e) => e.event === 'figures').map((e) => ({ id: e.id, update: JSON.parse(e.data ?? 'null') as unknown })));
    expect(packed.figures()).to.deep.equal([]);
    plain.close();
    packed.close();
  });

  it('sends only the parts that changed, to every stream, once per bump', async () => {
    const { stream, wave, view } = await hubWithView({ header: { n: 0 }, 'q:a': { v: 1 }, 'q:b': { v: 1 } });
    const readers = await Promise.all([openEvents(stream), openEvents(stream), openEvents(stream)]);
    for (const reader of readers) await reader.until((r) => r.figures().length === 1, 'first event');
    view.parts = { header: { n: 1 }, 'q:a': { v: 2 }, 'q:b': { v: 1 } };
    await bumpLiveVersion(SURVEY, wave);
    for (const reader of readers) {
      await reader.until((r) => r.figures().length === 2, 'the change');
      expect(reader.figures()[1]).to.deep.equal({ version: 1, full: false, parts: { header: { n: 1 }, 'q:a': { v: 2 } } });
      expect(reader.events().at(-1)?.id).to.equal('1');
    }
    for (const reader of readers) reader.close();
  });

  it('computes a change once for any number of streams of one view, and coalesces bumps that arrive during a computation', async () => {
    const { stream, wave, view, hub } = await hubWithView({ header: { n: 0 } });
    const readers = await Promise.all(Array.from({ length: 6 }, () => openEvents(stream)));
    for (const reader of readers) await reader.until((r) => r.figures().length === 1, 'first event');
    expect(view.computations).to.equal(1);
    expect(hub.stats()).to.include({ streams: 6, views: 1, computations: 1 });

    let release!: () => void;
    view.gate = new Promise((resolve) => (release = resolve));
    view.parts = { header: { n: 5 } };
    await bumpLiveVersion(SURVEY, wave);
    // Four more bumps while the first computation is held: they make one more computation, not four.
    for (let i = 0; i < 4; i += 1) await bumpLiveVersion(SURVEY, wave);
    view.gate = undefined;
    release();
    for (const reader of readers) await reader.until((r) => r.figures().at(-1)?.version === 5, 'version 5');
    expect(view.computations).to.equal(3);
    expect(hub.stats().computations).to.equal(3);
    // The held computation was published at the version it started for, then the coalesced one.
    expect(readers[0]!.figures().map((u) => u.version)).to.deep.equal([0, 1, 5]);
    expect(readers[0]!.figures()[2]!.parts).to.deep.equal({});
    for (const reader of readers) reader.close();
  });

  it('sends nothing on a resume at the current version (Last-Event-ID or ?since), and the next change as a difference', async () => {
    const { stream, wave, view } = await hubWithView({ header: { n: 0 }, 'q:a': { v: 1 } }, { LIVE_HEARTBEAT_MS: 100 });
    await bumpLiveVersion(SURVEY, wave);
    await bumpLiveVersion(SURVEY, wave);
    await bumpLiveVersion(SURVEY, wave);
    const byHeader = await openEvents(stream, { 'Last-Event-ID': '3' });
    const bySince = await openEvents(`${stream}?since=3`);
    for (const reader of [byHeader, bySince]) {
      // Up to the first heartbeat, the stream said nothing but its retry delay.
      await reader.until((r) => r.events().some((e) => e.event === 'heartbeat'), 'a heartbeat');
      expect(reader.figures()).to.deep.equal([]);
    }
    view.parts = { header: { n: 1 }, 'q:a': { v: 1 } };
    await bumpLiveVersion(SURVEY, wave);
    for (const reader of [byHeader, bySince]) {
      await reader.until((r) => r.figures().length === 1, 'the change');
      expect(reader.figures()[0]).to.deep.equal({ version: 4, full: false, parts: { header: { n: 1 } } });
      reader.close();
    }
  });

  it('sends every part on a resume from an older version, and Last-Event-ID wins over ?since', async () => {
    const { stream, wave } = await hubWithView({ header: { n: 0 }, 'q:a': { v: 1 } });
    await bumpLiveVersion(SURVEY, wave);
    await bumpLiveVersion(SURVEY, wave);
    // A reconnecting browser sends the page's URL again (?since=2) with the last id it saw (1).
    const reader = await openEvents(`${stream}?since=2`, { 'Last-Event-ID': '1' });
    await reader.until((r) => r.figures().length === 1, 'the full event');
    expect(reader.figures()[0]).to.deep.equal({ version: 2, full: true, parts: { header: { n: 0 }, 'q:a': { v: 1 } } });
    reader.close();
  });

  it('beats every LIVE_HEARTBEAT_MS with an event that carries no id', async () => {
    const { stream } = await hubWithView({ header: { n: 0 } }, { LIVE_HEARTBEAT_MS: 100 });
    const reader = await openEvents(stream);
    await reader.until((r) => r.events().filter((e) => e.event === 'heartbeat').length >= 2, 'two heartbeats');
    const beats = reader.events().filter((e) => e.event === 'heartbeat');
    for (const beat of beats) {
      expect(beat).to.not.have.property('id');
      const { at } = JSON.parse(beat.data ?? '{}') as { at: string };
      expect(new Date(at).toISOString()).to.equal(at);
    }
    reader.close();
  });

  it('ends a stream at its maximum age, and forgets its view', async () => {
    const { stream, hub } = await hubWithView({ header: { n: 0 } }, { LIVE_STREAM_MAX_AGE_MS: 300 });
    const reader = await openEvents(stream);
    await reader.until((r) => r.figures().length === 1, 'first event');
    await reader.ended;
    expect(hub.stats()).to.include({ streams: 0, views: 0 });
  });

  it('refuses a stream beyond LIVE_MAX_STREAMS with 503 and Retry-After, and takes one again when a stream ends', async () => {
    const { stream, hub } = await hubWithView({ header: { n: 0 } }, { LIVE_MAX_STREAMS: 2 });
    const open = [await openEvents(stream), await openEvents(stream)];
    const refused = await openEvents(stream);
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(refused.headers['content-type']).to.match(/^text\/plain/);
    await refused.ended;
    open[0]!.close();
    await open[0]!.ended;
    await waitFor(() => hub.stats().streams === 1, 'the closed stream to be forgotten');
    const again = await openEvents(stream);
    expect(again.status).to.equal(200);
    again.close();
    open[1]!.close();
  });

  it('keeps the streams open when a computation fails, logs it, and tries again on the next change', async () => {
    const { stream, wave, view, lines } = await hubWithView({ header: { n: 0 } }, { LIVE_HEARTBEAT_MS: 100 });
    const reader = await openEvents(stream);
    await reader.until((r) => r.figures().length === 1, 'first event');
    view.fail = true;
    await bumpLiveVersion(SURVEY, wave);
    await waitFor(() => lines.some((l) => l.msg === 'live: could not compute a view'), 'the failure logged');
    const beatsBefore = reader.events().filter((e) => e.event === 'heartbeat').length;
    await reader.until((r) => r.events().filter((e) => e.event === 'heartbeat').length > beatsBefore, 'a heartbeat after the failure');
    expect(reader.figures()).to.have.length(1);
    view.fail = false;
    view.parts = { header: { n: 2 } };
    await bumpLiveVersion(SURVEY, wave);
    await reader.until((r) => r.figures().length === 2, 'the next change');
    expect(reader.figures()[1]).to.deep.equal({ version: 2, full: false, parts: { header: { n: 2 } } });
    reader.close();
  });

  it('ends every stream on stop(), then refuses new ones', async () => {
    const { stream, hub } = await hubWithView({ header: { n: 0 } });
    const readers = [await openEvents(stream), await openEvents(stream)];
    for (const reader of readers) await reader.until((r) => r.figures().length === 1, 'first event');
    await hub.stop();
    await Promise.all(readers.map((r) => r.ended));
    expect(hub.stats()).to.include({ streams: 0, views: 0 });
    const late = await openEvents(stream);
    expect(late.status).to.equal(503);
  });

  it('lets go of a client that stops reading, and closes its connection instead of keeping what it did not read', async () => {
    const { stream, wave, view, hub, server } = await hubWithView({ header: bulky(0) });
    const socket = await silentClient(stream);
    await waitFor(() => hub.stats().streams === 1, 'the stream to open');
    // Each change is a new quarter megabyte the client never reads: the kernel's buffers fill, then the stream's own.
    for (let change = 1; hub.stats().streams > 0 && change < 400; change += 1) {
      view.parts = { header: bulky(change) };
      await bumpLiveVersion(SURVEY, wave);
      await waitFor(() => view.computations > change || hub.stats().streams === 0, 'the change computed');
    }
    expect(hub.stats()).to.include({ streams: 0, views: 0 });
    await allConnectionsClosed(server);
    socket.destroy();
  });

  it('logs each stream once, when it ends, whether the client left or the stream reached its age', async () => {
    const { stream, lines } = await hubWithView({ header: { n: 0 } }, { LIVE_STREAM_MAX_AGE_MS: 200 });
    const left = await openEvents(`${stream}?since=0`);
    await left.until((r) => r.raw().startsWith('retry:'), 'the stream to open');
    left.close();
    const aged = await openEvents(stream);
    await aged.ended;
    const requestLines = () => lines.filter((line) => line.msg === 'request') as unknown as { req: { url: string }; res: { statusCode: number } }[];
    await waitFor(() => requestLines().length === 2, 'both streams logged');
    expect(requestLines().map((line) => [line.req.url, line.res.statusCode])).to.have.deep.members([
      ['/live/main?since=0', 200],
      ['/live/main', 200],
    ]);
  });

  it('forgets a view whose last stream left, and computes nothing for it', async () => {
    const { stream, wave, view, hub } = await hubWithView({ header: { n: 0 } });
    const reader = await openEvents(stream);
    await reader.until((r) => r.figures().length === 1, 'first event');
    reader.close();
    await waitFor(() => hub.stats().views === 0, 'the view to be dropped');
    await bumpLiveVersion(SURVEY, wave);
    expect(view.computations).to.equal(1);
  });
});

/** Waits for a condition of the server's state, checked on each turn of the event loop. */
async function waitFor(check: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${deadlineMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A part of a quarter megabyte, different for each change. */
function bulky(change: number): { html: string; chart: null } {
  return { html: `<p>${change}</p>${'x'.repeat(256 * 1024)}`, chart: null };
}

/** A client that asks for the stream and then never reads a byte. */
function silentClient(url: string): Promise<net.Socket> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** Resolves once the server holds no connection. */
async function allConnectionsClosed(server: Server, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const count = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
  while ((await count()) > 0) {
    if (Date.now() > deadline) throw new Error(`the server still holds a connection after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
