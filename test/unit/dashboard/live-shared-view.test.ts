// A view shared by its streams: what each client is sent, by the version it shows.
import { expect } from 'chai';
import { pino } from 'pino';
import { createSharedView, type ViewClient } from '../../../server/dashboard/live/shared-view';
import { formatEvent } from '../../../server/dashboard/live/sse';
import type { LiveUpdate } from '../../../server/dashboard/live/live.types';

interface FakeClient extends ViewClient {
  received: LiveUpdate[];
}

function client(shown?: number): FakeClient {
  const fake: FakeClient = {
    shown,
    packed: false,
    received: [],
    send(formatted) {
      const data = /^data: (.*)$/m.exec(formatted.toString('utf8'))?.[1];
      fake.received.push(JSON.parse(data ?? 'null') as LiveUpdate);
    },
  };
  return fake;
}

/** Resolves once every pending promise callback has run (the view's reads and computations are promises). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function sharedView(parts: () => Record<string, unknown>, databaseVersion: { value: number }, minIntervalMs = 0) {
  let computations = 0;
  const shared = createSharedView(
    { key: 'k', surveyId: 's', waveId: 'w', compute: async () => parts() },
    { logger: pino({ level: 'silent' }), readVersion: async () => databaseVersion.value, computed: () => void (computations += 1), minIntervalMs },
  );
  return { shared, computations: () => computations };
}

describe('a shared live view', () => {
  it('formats an event with its id, its name and one line of JSON', () => {
    expect(formatEvent({ id: 3, event: 'figures', data: { a: 'x\ny' } }).toString('utf8')).to.equal('id: 3\nevent: figures\ndata: {"a":"x\\ny"}\n\n');
    expect(formatEvent({ event: 'heartbeat', data: { at: 'now' } }).toString('utf8')).to.equal('event: heartbeat\ndata: {"at":"now"}\n\n');
  });

  it('sends a part that went away as null', async () => {
    let parts: Record<string, unknown> = { header: 1, 'q:a': 1 };
    const version = { value: 1 };
    const { shared } = sharedView(() => parts, version);
    const reader = client();
    shared.join(reader);
    await settle();
    parts = { header: 2 };
    shared.notice(2);
    await settle();
    expect(reader.received).to.deep.equal([
      { version: 1, full: true, parts: { header: 1, 'q:a': 1 } },
      { version: 2, full: false, parts: { header: 2, 'q:a': null } },
    ]);
  });

  it('holds a client that shows a newer version than the view until the view reaches it, asking the database', async () => {
    const version = { value: 4 };
    const { shared, computations } = sharedView(() => ({ header: 'x' }), version);
    const first = client();
    shared.join(first);
    await settle();
    // A page drawn by another process at version 6, which this process has not heard of yet.
    version.value = 6;
    const ahead = client(6);
    shared.join(ahead);
    await settle();
    expect(ahead.received).to.deep.equal([]);
    expect(computations()).to.equal(2);
    expect(first.received.map((u) => [u.version, u.full])).to.deep.equal([[4, true], [6, false]]);
  });

  it('sends every part to a client that claims a version the database never reached (a page from before a restore, a made-up since)', async () => {
    const version = { value: 4 };
    const { shared } = sharedView(() => ({ header: 'x' }), version);
    shared.join(client());
    await settle();
    const claims = client(999);
    shared.join(claims);
    await settle();
    expect(claims.received).to.deep.equal([{ version: 4, full: true, parts: { header: 'x' } }]);
    expect(claims.shown).to.equal(4);
  });

  it('ignores a version it has heard of already, so a failed computation waits for a new change', async () => {
    let fail = false;
    const version = { value: 1 };
    let computations = 0;
    const shared = createSharedView(
      {
        key: 'k',
        surveyId: 's',
        waveId: 'w',
        async compute() {
          if (fail) throw new Error('on purpose');
          return { header: 1 };
        },
      },
      { logger: pino({ level: 'silent' }), readVersion: async () => version.value, computed: () => void (computations += 1), minIntervalMs: 0 },
    );
    shared.join(client());
    await settle();
    fail = true;
    shared.notice(2);
    await settle();
    shared.notice(2);
    shared.notice(1);
    await settle();
    expect(computations).to.equal(2);
    fail = false;
    shared.notice(3);
    await settle();
    expect(computations).to.equal(3);
  });

  it('starts a view\'s computations at least minIntervalMs apart, merging the changes heard meanwhile into one', async () => {
    const version = { value: 1 };
    const starts: number[] = [];
    const shared = createSharedView(
      {
        key: 'k',
        surveyId: 's',
        waveId: 'w',
        async compute() {
          starts.push(performance.now());
          return { header: starts.length };
        },
      },
      { logger: pino({ level: 'silent' }), readVersion: async () => version.value, computed: () => undefined, minIntervalMs: 150 },
    );
    const reader = client();
    shared.join(reader);
    while (reader.received.length < 1) await settle();
    for (const next of [2, 3, 4]) shared.notice(next);
    while (reader.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(starts).to.have.length(2);
    expect(starts[1]! - starts[0]!).to.be.at.least(150);
    expect(reader.received[1]).to.deep.equal({ version: 4, full: false, parts: { header: 2 } });
  });

  it('lets go of its wait for the next computation when it is dropped: a stopping server is not held open', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const { shared, computations } = sharedView(() => ({ header: 'x' }), { value: 1 }, 60_000);
    const reader = client();
    shared.join(reader);
    while (reader.received.length < 1) await settle();
    const before = timers();
    shared.notice(2);
    await settle();
    expect(timers(), 'waiting').to.equal(before + 1);
    shared.drop();
    await settle();
    expect(timers(), 'dropped').to.equal(before);
    expect(computations()).to.equal(1);
  });
});

