import assert from 'node:assert/strict';
import { PAUSE, type CommandRun } from '../../../../server/embedded-mongo/commands/context';
import { CommandError } from '../../../../server/embedded-mongo/errors';
import { driveCommand, requestedMaxTimeMS } from '../../../../server/embedded-mongo/thread/scheduler';

/** A command that works for `ms` of wall time, pausing every ~0.1 ms; records whether it was unwound. */
function* busyFor(ms: number, state: { unwound: boolean; pauses: number }): CommandRun {
  const end = performance.now() + ms;
  try {
    while (performance.now() < end) {
      const stepEnd = performance.now() + 0.1;
      while (performance.now() < stepEnd) {
        // busy
      }
      state.pauses += 1;
      yield PAUSE;
    }
    return { done: true };
  } finally {
    state.unwound = true;
  }
}

describe('command scheduler', () => {
  it('returns the reply a pausing command returns', async () => {
    const state = { unwound: false, pauses: 0 };
    assert.deepEqual(await driveCommand(busyFor(20, state)), { done: true });
    assert.ok(state.pauses > 10);
  });

  it('lets the event loop run between slices of a long command', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    try {
      await driveCommand(busyFor(200, { unwound: false, pauses: 0 }), {}, 4);
    } finally {
      clearInterval(timer);
    }
    // A command that never yielded would have let at most one tick through.
    assert.ok(ticks >= 10, `only ${ticks} timer ticks ran during 200 ms of work`);
  });

  it('fails with 50 MaxTimeMSExpired at the first pause past the deadline, and unwinds the command', async () => {
    const state = { unwound: false, pauses: 0 };
    const started = performance.now();
    await assert.rejects(driveCommand(busyFor(5_000, state), { deadline: started + 50 }), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.equal(error.code, 50);
      assert.equal(error.codeName, 'MaxTimeMSExpired');
      assert.equal(error.message, 'operation exceeded time limit');
      return true;
    });
    assert.ok(performance.now() - started < 1_000);
    assert.equal(state.unwound, true);
  });

  it('passes on what the command throws', async () => {
    function* failing(): CommandRun {
      yield PAUSE;
      throw new CommandError('BadValue', 'nope');
    }
    await assert.rejects(driveCommand(failing()), /nope/);
  });

  it('reads maxTimeMS as a limit only when it is a positive number', () => {
    assert.equal(requestedMaxTimeMS({ find: 'c', maxTimeMS: 100 }), 100);
    assert.equal(requestedMaxTimeMS({ find: 'c', maxTimeMS: 100n }), 100);
    assert.equal(requestedMaxTimeMS({ find: 'c', maxTimeMS: 0 }), undefined);
    assert.equal(requestedMaxTimeMS({ find: 'c' }), undefined);
    assert.equal(requestedMaxTimeMS({ find: 'c', maxTimeMS: 'soon' }), undefined);
  });
});
