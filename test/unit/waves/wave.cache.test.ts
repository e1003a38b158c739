import { expect } from 'chai';
import { createWaveCache, WAVES_MAX_AGE_MS } from '../../../server/waves/wave.cache';

interface CachedWave {
  surveyId: string;
  waveId: string;
  status: 'draft' | 'open' | 'closed';
}

/** A database of waves the test changes by hand, counting the reads the cache makes. */
function fakeStore() {
  const waves = new Map<string, CachedWave>();
  const reads: string[] = [];
  return {
    waves,
    reads,
    set(status: CachedWave['status']) {
      waves.set('s/current', { surveyId: 's', waveId: 'w1', status });
    },
    load: async (surveyId: string, waveName: string) => {
      reads.push(`${surveyId}/${waveName}`);
      await Promise.resolve();
      const wave = waves.get(`${surveyId}/${waveName}`);
      return wave ? { ...wave } : undefined;
    },
  };
}

function manualClock() {
  let now = 1_000;
  return { perf: { now: () => now }, advance: (ms: number) => void (now += ms) };
}

describe('The wave cache', () => {
  it('answers from memory until the entry is older than its maximum age, then reads again', async () => {
    const store = fakeStore();
    const clock = manualClock();
    const cache = createWaveCache(store.load, { perf: clock.perf });
    store.set('open');
    expect((await cache.waveOf('s', 'current'))?.status).to.equal('open');
    store.set('closed'); // changed by another process
    clock.advance(WAVES_MAX_AGE_MS);
    expect((await cache.waveOf('s', 'current'))?.status).to.equal('open');
    clock.advance(1);
    expect((await cache.waveOf('s', 'current'))?.status).to.equal('closed');
    expect(store.reads).to.deep.equal(['s/current', 's/current']);
  });

  it('keeps its promise to the respondent path: a change elsewhere is seen within a second', () => {
    expect(WAVES_MAX_AGE_MS).to.be.at.most(1000);
  });

  it('reads again at once after an invalidation (a change made by this process)', async () => {
    const store = fakeStore();
    const cache = createWaveCache(store.load, { perf: manualClock().perf });
    store.set('open');
    await cache.waveOf('s', 'current');
    store.set('closed');
    cache.invalidate('s');
    expect((await cache.waveOf('s', 'current'))?.status).to.equal('closed');
  });

  it('shares one read among requests that miss together', async () => {
    const store = fakeStore();
    const cache = createWaveCache(store.load, { perf: manualClock().perf });
    store.set('open');
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.waveOf('s', 'current')));
    expect(all.every((wave) => wave?.status === 'open')).to.equal(true);
    expect(store.reads).to.have.length(1);
  });

  it('does not hand out a read that an invalidation overtook', async () => {
    const store = fakeStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let readTheOpenWave: () => void = () => {};
    const firstReadDone = new Promise<void>((resolve) => (readTheOpenWave = resolve));
    let first = true;
    const cache = createWaveCache(
      async (surveyId, waveName) => {
        const snapshot = await store.load(surveyId, waveName);
        if (first) {
          first = false;
          readTheOpenWave();
          await gate; // the first read is slow: the wave changes while it runs
        }
        return snapshot;
      },
      { perf: manualClock().perf },
    );
    store.set('open');
    const pending = cache.waveOf('s', 'current');
    await firstReadDone;
    store.set('closed');
    cache.invalidate('s');
    release();
    expect((await pending)?.status).to.equal('closed');
  });

  it('does not remember a name that found no wave, so a wave created elsewhere is found at once', async () => {
    const store = fakeStore();
    const cache = createWaveCache(store.load, { perf: manualClock().perf });
    expect(await cache.waveOf('s', 'w2')).to.equal(undefined);
    store.waves.set('s/w2', { surveyId: 's', waveId: 'w2', status: 'draft' });
    expect((await cache.waveOf('s', 'w2'))?.waveId).to.equal('w2');
  });

  it('keeps the surveys apart', async () => {
    const store = fakeStore();
    const cache = createWaveCache(store.load, { perf: manualClock().perf });
    store.set('open');
    store.waves.set('t/current', { surveyId: 't', waveId: 'x', status: 'open' });
    await cache.waveOf('s', 'current');
    await cache.waveOf('t', 'current');
    cache.invalidate('t');
    await cache.waveOf('s', 'current');
    await cache.waveOf('t', 'current');
    expect(store.reads).to.deep.equal(['s/current', 't/current', 't/current']);
  });
});
