import { describe, expect, it } from 'vitest';
import { poolSizeFor, selectBuild } from '../../web/src/lab/buildSelect';

describe('build selection', () => {
  it('loads the threads build on a cross-origin isolated page', () => {
    const choice = selectBuild(true, 4);
    expect(choice.url).toBe('/wasm/threads/rtlab.mjs');
    expect(choice.threads).toBe(true);
  });

  it('loads the single-threaded build otherwise', () => {
    const choice = selectBuild(false, 4);
    expect(choice.url).toBe('/wasm/single/rtlab.mjs');
    expect(choice.threads).toBe(false);
  });

  it('respects a base path', () => {
    expect(selectBuild(false, 2, '/lab/').url).toBe('/lab/wasm/single/rtlab.mjs');
    expect(selectBuild(true, 2, '/lab').url).toBe('/lab/wasm/threads/rtlab.mjs');
  });

  it('sizes the pthread pool as 2 * clamp(cores, 2, 8) + 4', () => {
    expect(poolSizeFor(undefined)).toBe(8);
    expect(poolSizeFor(0)).toBe(8);
    expect(poolSizeFor(1)).toBe(8);
    expect(poolSizeFor(4)).toBe(12);
    expect(poolSizeFor(8)).toBe(20);
    expect(poolSizeFor(64)).toBe(20);
    expect(selectBuild(true, 6).poolSize).toBe(16);
  });
});
