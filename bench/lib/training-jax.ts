// The same Packed-Ensembles MLP trained with jax-js (wasm device): the layers as jaxBlockLinear, the loss's
// gradient by valueAndGrad and Adam's update in one jit-compiled step (Adam written out: jax-js ships
// none in its core package); the step ends with the loss read back.
import { jaxBlockLinear, type JaxPeer } from './jax.ts';
import type { TrainingWorkload } from './training-engine.ts';
import { estimatorOneHot, LEARNING_RATE, layerShapes, trainingBatch, type TrainingModel } from './training-model.ts';

type Jax = JaxPeer['jax'];
type JaxArray = InstanceType<Jax['numpy']['Array']>;

const [BETA1, BETA2, EPS] = [0.9, 0.999, 1e-8];

export function jaxTraining({ jax }: Pick<JaxPeer, 'jax'>, m: TrainingModel): TrainingWorkload {
  const np = jax.numpy;
  const layers = layerShapes(m);
  const B = m.batch, M = m.numEstimators, C = m.classes;
  /** [w0, b0, w1, b1, …]: weight [G, O, I], bias [G·O]. */
  const params: JaxArray[] = layers.flatMap((l, k) => [
    jax.random.normal(jax.random.key(k), [l.groups, l.out, l.in]).mul(Math.sqrt(1 / l.in)),
    np.zeros([l.groups * l.out]),
  ]);
  const batch = trainingBatch(m);
  const x = np.array(batch.x).reshape([B, m.inFeatures]);
  const targets = np.array(estimatorOneHot(m, batch.labels)).reshape([M * B, C]);

  const loss = (ps: JaxArray[], xs: JaxArray, ys: JaxArray): JaxArray => {
    let h = xs;
    layers.forEach((_, k) => {
      h = jaxBlockLinear(jax, h, ps[2 * k], ps[2 * k + 1]);
      if (k < layers.length - 1) h = jax.nn.relu(h);
    });
    const logits = np.transpose(h.reshape([B, M, C]), [1, 0, 2]).reshape([M * B, C]);
    return jax.nn.logSoftmax(logits, -1).mul(ys).sum().mul(-1 / (M * B));
  };
  return jaxAdamWorkload(jax, loss, params, x, targets);
}

/**
 * One jit-compiled step of valueAndGrad of `loss` and Adam's update (lr LEARNING_RATE, written out: jax-js ships
 * no optimiser in its core package), ending with the loss read back. Takes ownership of `params`, `x` and `targets`.
 */
export function jaxAdamWorkload(
  jax: Jax,
  loss: (ps: JaxArray[], xs: JaxArray, ys: JaxArray) => JaxArray,
  initialParams: JaxArray[],
  x: JaxArray,
  targets: JaxArray,
): TrainingWorkload {
  const np = jax.numpy;
  let params = initialParams;
  let moments = params.map((p) => np.zerosLike(p.ref));
  let squares = params.map((p) => np.zerosLike(p.ref));
  const update = jax.jit((ps: JaxArray[], ms: JaxArray[], vs: JaxArray[], xs: JaxArray, ys: JaxArray, stepSize: JaxArray) => {
    const [value, grads] = jax.valueAndGrad(loss)(jax.tree.ref(ps), xs, ys);
    const next = ps.map((p, i) => {
      const g = grads[i];
      const mi = ms[i].mul(BETA1).add(g.ref.mul(1 - BETA1));
      const vi = vs[i].mul(BETA2).add(g.ref.mul(g).mul(1 - BETA2));
      return [p.sub(stepSize.ref.mul(mi.ref).div(np.sqrt(vi.ref).add(EPS))), mi, vi];
    });
    stepSize.dispose();
    return [value, next.map((n) => n[0]), next.map((n) => n[1]), next.map((n) => n[2])] as [JaxArray, JaxArray[], JaxArray[], JaxArray[]];
  });
  let t = 0;
  return {
    async step() {
      t++;
      const stepSize = (LEARNING_RATE * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t); // Adam's bias corrections
      const [value, ps, ms, vs] = update(params, moments, squares, x.ref, targets.ref, np.array(stepSize));
      [params, moments, squares] = [ps, ms, vs];
      await value.data(); // consumes value
    },
    dispose() {
      update.dispose();
      jax.tree.dispose([params, moments, squares, x, targets]);
    },
  };
}
