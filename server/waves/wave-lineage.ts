// Which wave a wave follows: the one its settings were copied from (an organizer chose it as the
// edition this one repeats), else the one made just before it. Version differences, editorial
// marks and breaks in series are all reckoned along this line, so they agree with each other.
import type { Wave } from './wave.service';

/** The wave `wave` follows among `waves` (any order), if any. */
export function previousWaveOf(wave: Wave, waves: readonly Wave[]): Wave | undefined {
  const copied = wave.copiedFrom ? waves.find((w) => w.waveId === wave.copiedFrom) : undefined;
  if (copied) return copied;
  const created = (w: Wave) => w.createdAt?.getTime() ?? 0;
  return [...waves].filter((w) => w.waveId !== wave.waveId && created(w) < created(wave)).sort((a, b) => created(b) - created(a))[0];
}

/**
 * The waves from `earlier` to `later`, oldest first, following each wave back to the one it
 * follows; just the two when `earlier` is not on `later`'s line (they are then compared directly).
 */
export function lineBetween(earlier: Wave, later: Wave, waves: readonly Wave[]): Wave[] {
  const line = [later];
  const seen = new Set([later.waveId]);
  for (let wave = previousWaveOf(later, waves); wave && !seen.has(wave.waveId); wave = previousWaveOf(wave, waves)) {
    line.unshift(wave);
    seen.add(wave.waveId);
    if (wave.waveId === earlier.waveId) return line;
  }
  return [earlier, later];
}
