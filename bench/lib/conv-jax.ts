// The packed ResNet-18 in jax-js (wasm device), as a JAX user writes it: lax.convGeneralDilated with
// featureGroupCount for every grouped convolution (NCHW, PyTorch's weight layout), BatchNorm from the
// batch's moments in training and as a per-channel scale and shift in inference, the packed linear as one batched matmul; `jit` for the forward, and for training one
// jit-compiled step of valueAndGrad and Adam (written out: jax-js ships no optimiser in its core package).
import type { JaxPeer } from './jax.ts';
import { convBatch, resnet18Shape, type ConvModel, type ConvShape } from './conv-model.ts';
import type { TrainingWorkload } from './training-engine.ts';
import { jaxAdamWorkload } from './training-jax.ts';
import { estimatorOneHot } from './training-model.ts';

type Jax = JaxPeer['jax'];
type JaxArray = InstanceType<Jax['numpy']['Array']>;

/** Initial parameters in a fixed order, and the forward that reads them in that order (consuming each). */
function network(jax: Jax, m: ConvModel, training: boolean): { params: JaxArray[]; forward: (ps: JaxArray[], x: JaxArray) => JaxArray } {
  const np = jax.numpy, shape = resnet18Shape(m), M = m.numEstimators, B = m.batch;
  const params: JaxArray[] = [];
  let seed = 0;
  const convParam = (c: ConvShape): void => {
    const fanIn = (c.inChannels / c.groups) * c.kernel ** 2;
    params.push(jax.random.normal(jax.random.key(seed++), [c.outChannels, c.inChannels / c.groups, c.kernel, c.kernel]).mul(Math.sqrt(2 / fanIn)));
  };
  const bnParams = (channels: number): void => void params.push(np.ones([channels]), np.zeros([channels]));
  convParam(shape.stem);
  bnParams(shape.stem.outChannels);
  for (const b of shape.blocks) {
    for (const c of [b.conv1, b.conv2, ...(b.shortcut ? [b.shortcut] : [])]) {
      convParam(c);
      bnParams(c.outChannels);
    }
  }
  const L = shape.linear;
  params.push(jax.random.normal(jax.random.key(seed++), [L.groups, L.in, L.out]).mul(Math.sqrt(1 / L.in)), np.zeros([L.groups * L.out]));

  const forward = (ps: JaxArray[], x: JaxArray): JaxArray => {
    let k = 0;
    const next = (): JaxArray => ps[k++];
    const conv = (h: JaxArray, c: ConvShape): JaxArray =>
      jax.lax.convGeneralDilated(h, next(), [c.stride, c.stride], [[c.padding, c.padding], [c.padding, c.padding]], { featureGroupCount: c.groups });
    const batchNorm = (h: JaxArray): JaxArray => {
      const C = h.shape[1];
      if (!training) return h.mul(next().reshape([1, C, 1, 1])).add(next().reshape([1, C, 1, 1])); // running statistics folded into scale and shift
      const mean = h.ref.mean([0, 2, 3], { keepdims: true });
      const centred = h.sub(mean);
      const variance = centred.ref.mul(centred.ref).mean([0, 2, 3], { keepdims: true });
      const normed = centred.div(np.sqrt(variance.add(1e-5)));
      return normed.mul(next().reshape([1, C, 1, 1])).add(next().reshape([1, C, 1, 1]));
    };
    let h = jax.nn.relu(batchNorm(conv(x, shape.stem)));
    for (const b of shape.blocks) {
      const main = batchNorm(conv(jax.nn.relu(batchNorm(conv(h.ref, b.conv1))), b.conv2));
      const side = b.shortcut ? batchNorm(conv(h, b.shortcut)) : h;
      h = jax.nn.relu(main.add(side));
    }
    const pooled = h.mean([2, 3]); // [B, features]
    const grouped = np.transpose(pooled.reshape([B, L.groups, L.in]), [1, 0, 2]); // [M, B, in]
    const logits = np.transpose(np.matmul(grouped, next()), [1, 0, 2]).reshape([B, L.groups * L.out]).add(next());
    return np.transpose(logits.reshape([B, M, m.classes]), [1, 0, 2]).reshape([M * B, m.classes]); // estimator-major
  };
  return { params, forward };
}

/** Forward passes (jit) of the packed ResNet-18 on a fixed batch; each ends with the logits read back. */
export function jaxConvForward({ jax }: Pick<JaxPeer, 'jax'>, m: ConvModel): { step(): Promise<void>; dispose(): void } {
  const np = jax.numpy;
  const { params, forward } = network(jax, m, false);
  const x = np.array(convBatch(m).x).reshape([m.batch, m.inChannels, m.size, m.size]);
  const run = jax.jit((ps: JaxArray[], xs: JaxArray) => forward(ps, xs));
  return {
    async step() {
      await run(jax.tree.ref(params), x.ref).data();
    },
    dispose() {
      run.dispose();
      jax.tree.dispose([params, x]);
    },
  };
}

/** One Adam step of the packed ResNet-18 (softmax cross-entropy of every estimator), ending with the loss read back. */
export function jaxConvTraining({ jax }: Pick<JaxPeer, 'jax'>, m: ConvModel): TrainingWorkload {
  const np = jax.numpy, M = m.numEstimators, B = m.batch, C = m.classes;
  const net = network(jax, m, true);
  const batch = convBatch(m);
  const x = np.array(batch.x).reshape([B, m.inChannels, m.size, m.size]);
  const targets = np.array(estimatorOneHot(m, batch.labels)).reshape([M * B, C]);
  const loss = (ps: JaxArray[], xs: JaxArray, ys: JaxArray): JaxArray => jax.nn.logSoftmax(net.forward(ps, xs), -1).mul(ys).sum().mul(-1 / (M * B));
  return jaxAdamWorkload(jax, loss, net.params, x, targets);
}
