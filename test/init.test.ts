// What a second init() does (issue: init({ backend: 'wasm', threads: 2 }) then init({ backend: 'wasm' }) left
// tensors of two wasm backends that could not meet, with "different backends (wasm and wasm)"), and what
// 'auto' says when it passes a backend by.
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';

afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

describe('a second init()', () => {
  it("the issue's input: init({ backend: 'wasm' }) after init({ backend: 'wasm', threads: 2 }) keeps the running backend", async () => {
    await bg.init({ backend: 'wasm', threads: 2 });
    const before = bg.tensor([1, 2], [2]);
    expect(await bg.init({ backend: 'wasm' })).toBe('wasm');
    expect(bg.backendInfo().details.threads).toBe(2);
    const after = bg.tensor([10, 20], [2]);
    const sum = bg.add(before, after);
    expect([...(await sum.data())]).toEqual([11, 22]);
    for (const t of [before, after, sum]) t.dispose();
  });

  it.each<BackendName>(['js', 'wasm', 'webgpu'])('with the same options on %s changes nothing: tensors made before and after meet', async (backend) => {
    await bg.init({ backend });
    const first = await bg.getBackend(backend);
    const before = bg.tensor([1, 2, 3], [3]);
    await bg.init({ backend });
    expect(await bg.getBackend(backend)).toBe(first);
    const after = bg.tensor([1, 1, 1], [3]);
    const y = bg.mul(before, after);
    expect([...(await y.data())]).toEqual([1, 2, 3]);
    for (const t of [before, after, y]) t.dispose();
  });

  it('with other options starts a new backend; mixing the two says so, and moving a tensor over fixes it', async () => {
    await bg.init({ backend: 'wasm', threads: 2 });
    const old = bg.tensor([1, 2], [2]);
    await bg.init({ backend: 'wasm', threads: 1 });
    expect(bg.backendInfo().details.threads).toBe(1);
    const fresh = bg.tensor([3, 4], [2]);
    expect(() => bg.add(old, fresh)).toThrow(
      /add: inputs live on two different wasm backends \(wasm with 2 threads, [a-z-]+ and wasm with 1 thread, [a-z-]+\): a second init\(\) with other options started a new backend, and tensors made before it stay on the first/,
    );
    // the old tensor still works on its own backend, and moves over
    expect([...(await bg.mul(old, old).data())]).toEqual([1, 4]);
    await old.moveTo(await bg.getBackend('wasm', { threads: 1 }));
    expect([...(await bg.add(old, fresh).data())]).toEqual([4, 6]);
    for (const t of [old, fresh]) t.dispose();
  });
});

describe('options init() refuses', () => {
  it('threads that are not a whole number >= 1, a relaxedSimd that is not boolean, options that are not an object; the running backend stays', async () => {
    await bg.init({ backend: 'js' });
    for (const threads of [0, -1, 1.5, NaN, Infinity]) {
      await expect(bg.init({ backend: 'wasm', threads })).rejects.toThrow(`init: threads must be a whole number >= 1, got ${threads}`);
    }
    await expect(bg.init({ backend: 'auto', threads: 0 })).rejects.toThrow('init: threads must be a whole number >= 1, got 0');
    await expect(bg.init({ backend: 'wasm', relaxedSimd: 'no' as never })).rejects.toThrow('init: relaxedSimd must be true or false, got no');
    await expect(bg.init('js' as never)).rejects.toThrow(`init: options must be an object such as { backend: 'wasm' }, got "js"`);
    expect(bg.backendName()).toBe('js');
    expect([...bg.add(bg.ones([2]), bg.ones([2])).dataSync()]).toEqual([2, 2]);
  });
});

describe("'auto' says why it passed a backend by", () => {
  it('SwiftShader is passed by for wasm: backendInfo() gives the reason, and one console warning does', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await bg.init({ backend: 'auto' })).toBe('wasm');
      expect(bg.backendInfo().details.fallbackBecause).toMatch(/^webgpu: the adapter is a software one \(.*\), slower than the wasm kernels$/);
      await bg.init({ backend: 'auto' });
      const warnings = warn.mock.calls.map(([m]) => String(m)).filter((m) => m.includes("init({ backend: 'auto' }) chose wasm"));
      expect(warnings).toEqual([expect.stringMatching(/^blockgrad: init\(\{ backend: 'auto' \}\) chose wasm: webgpu: the adapter is a software one/)]);
      // chosen explicitly, the same backend carries no fallback note
      await bg.init({ backend: 'wasm' });
      expect(bg.backendInfo().details.fallbackBecause).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });
});
