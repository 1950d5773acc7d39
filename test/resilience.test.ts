// A device lost mid-training: the guard restores the last snapshot on the fallback backend, replays the
// steps since, and ends with exactly the parameters of an uninterrupted run.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { JsBackend } from '../src/backend/js/js-backend.ts';
import { engine } from '../src/engine.ts';
import { TrainingGuard } from '../src/resilience.ts';

/** The reference kernels on a "device" that can be lost: afterwards every call fails, as WebGPU's do. */
class LosableBackend extends JsBackend {
  lostReason: string | null = null;
  constructor() {
    super();
    for (const k of ['blockLinear', 'blockLinearInputGrad', 'blockLinearWeightGrad', 'unary', 'binary', 'scalar', 'reduce', 'softmax', 'oneHot', 'copyStrided', 'fill', 'adamStep', 'sgdStep', 'download'] as const) {
      const original = (this as unknown as Record<string, (...a: unknown[]) => unknown>)[k].bind(this);
      (this as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => {
        if (this.lostReason) throw new Error(`GPUDevice lost: ${this.lostReason}`);
        return original(...args);
      };
    }
  }
}

interface Batch {
  x: Float32Array;
  y: Int32Array;
}

function makeRun(steps: number, scaler?: bg.optim.GradScaler, precision: 'f32' | 'f16' = 'f32') {
  const rng = new bg.Rng(11);
  const batches: Batch[] = Array.from({ length: steps }, () => ({
    x: Float32Array.from({ length: 8 * 6 }, () => rng.normal()),
    y: Int32Array.from({ length: 8 }, () => rng.int(3)),
  }));
  const model = new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [4], numClasses: 3, numEstimators: 2, precision, rng: new bg.Rng(5) });
  const optimizer = new bg.optim.Adam(model.parameters(), { lr: 0.01 });
  const run = async (b: Batch) => {
    bg.tidy(() => {
      const loss = bg.crossEntropy(model.estimatorLogits(bg.tensor(b.x, [8, 6])), bg.repeat(bg.tensor(b.y, [8]), 2));
      (scaler ? scaler.scale(loss) : loss).backward();
    });
    if (scaler) {
      await scaler.step(optimizer);
      scaler.update();
    } else optimizer.step();
    optimizer.zeroGrad();
  };
  return { batches, model, optimizer, run };
}

describe('device loss during training', () => {
  it.each([1, 3, 5])('continues on the fallback and matches an uninterrupted run (snapshot every %i steps)', async (snapshotEvery) => {
    await bg.init({ backend: 'js' });
    const changeLr = (r: ReturnType<typeof makeRun>, i: number) => {
      if (i === 5) r.optimizer.lr = 0.02; // a schedule step: the replay must use each step's own lr
    };
    const reference = makeRun(12);
    for (const [i, b] of reference.batches.entries()) {
      await reference.run(b);
      changeLr(reference, i);
    }

    const device = new LosableBackend();
    engine.backend = device;
    const run = makeRun(12);
    const replays: number[] = [];
    const guard = new TrainingGuard<Batch>(run.model, run.optimizer, { snapshotEvery, fallback: 'js', onFallback: (_r, n) => replays.push(n) });
    for (const [i, b] of run.batches.entries()) {
      if (i === 7) device.lostReason = 'destroyed by the test';
      await guard.step(b, run.run);
      changeLr(run, i);
    }
    expect(engine.backend).not.toBe(device);
    expect(bg.backendName()).toBe('js');
    // steps since the last snapshot that succeeded (the one due at step 7 fails with the device)
    expect(replays).toEqual([(6 % snapshotEvery) + 1]);
    expect(run.model.parameters().map((p) => [...p.dataSync()])).toEqual(reference.model.parameters().map((p) => [...p.dataSync()]));
  });

  it('restores the loss scaler with the snapshot, so replayed steps skip and back off as they did', async () => {
    await bg.init({ backend: 'js' });
    // f16 GEMMs and a scale so large that their gradients overflow binary16: such steps are skipped and halve
    // the scale, and the lost steps fall among them. growthInterval 2 makes the scale grow again inside the run.
    const newScaler = () => new bg.optim.GradScaler({ initScale: 2 ** 24, growthInterval: 2 });
    const referenceScaler = newScaler();
    const ref = makeRun(12, referenceScaler, 'f16');
    const scales = new Set<number>();
    for (const b of ref.batches) {
      await ref.run(b);
      scales.add(referenceScaler.getScale());
    }
    expect(scales.size).toBeGreaterThan(1); // the scale moved (down and up) during the run

    const device = new LosableBackend();
    engine.backend = device;
    const scaler = newScaler();
    const run = makeRun(12, scaler, 'f16');
    const guard = new TrainingGuard<Batch>(run.model, run.optimizer, { snapshotEvery: 5, fallback: 'js', scaler });
    for (const [i, b] of run.batches.entries()) {
      if (i === 7) device.lostReason = 'destroyed by the test';
      await guard.step(b, run.run);
    }
    expect(bg.backendName()).toBe('js');
    expect(guard.replayed).toBe(2);
    expect(scaler.state()).toEqual(referenceScaler.state());
    expect(run.model.parameters().map((p) => [...p.dataSync()])).toEqual(ref.model.parameters().map((p) => [...p.dataSync()]));
  });

  it('a bug that is not a device loss is thrown, not hidden', async () => {
    await bg.init({ backend: 'js' });
    const run = makeRun(1);
    const guard = new TrainingGuard<Batch>(run.model, run.optimizer);
    await expect(guard.step(run.batches[0], () => {
      throw new Error('shape bug');
    })).rejects.toThrow('shape bug');
  });
});
