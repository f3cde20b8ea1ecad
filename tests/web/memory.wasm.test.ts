// The page's memory across runs, in the single-threaded wasm lab under node: wasm memory only
// grows, so what matters is that a run replacing another reuses the memory the last one held.
// A stepped skynet 10^6 run to its end (300 000 trace events, back's snapshots thinned to their
// 192 MiB) grows the module once; a second, a third such run in the same lab do not grow it.

import { describe, expect, it } from 'vitest';
import { loadLabModule } from '../course/wasmLab';

describe('the wasm lab’s memory', () => {
  it('is reused, not grown, by each stepped skynet 10^6 after the first', async () => {
    const module = await loadLabModule();
    const lab = new module.Lab();
    const mib = () => module.HEAP8.buffer.byteLength / 2 ** 20;
    try {
      const peaks: number[] = [];
      for (let i = 0; i < 3; i++) {
        expect(lab.exec('run skynet --engine sim --size 1000000 --seed 1 --step').ok).toBe(true);
        expect(lab.exec('continue').ok).toBe(true);
        expect(lab.exec('back 1000').ok).toBe(true); // a restore on top of the snapshots
        peaks.push(mib());
      }
      expect(peaks[0]).toBeLessThan(512); // 192 MiB of snapshots, the run, the trace
      expect(peaks[1]).toBe(peaks[0]);
      expect(peaks[2]).toBe(peaks[0]);
    } finally {
      lab.delete();
    }
  }, 120_000);
});
