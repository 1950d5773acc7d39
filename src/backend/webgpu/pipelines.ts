// Shader modules, bind-group layouts, pipelines and bind groups, each built once and cached.
import type { Backend } from '../backend.ts';
import type { GpuUniform } from '../op-table.ts';
import { uniformSlot } from './batch.ts';
import type { PooledBuffer } from './pool.ts';
import { type GemmOperands, operandPrelude } from './precision.ts';
import { shaders } from './shaders.generated.ts';

type Module = Exclude<keyof typeof shaders, 'prelude' | 'common' | `gemmOperands${string}`>;

/**
 * Each kernel: its WGSL module (entry point = kernel name), its bindings and its uniform struct (binding 0,
 * one of the op table's `gpuUniforms`). Character k of the signature is binding k + 1: 'r' read-only
 * storage, 'w' written, 'u' updated in place (read, then written), '-' unused.
 */
export const kernels = {
  fill: ['elementwise', '---w', 'ElementwiseParams'],
  unary: ['elementwise', 'r-w', 'ElementwiseParams'],
  scalar: ['elementwise', 'r-w', 'ElementwiseParams'],
  binary: ['elementwise', 'rrw', 'ElementwiseParams'],
  copyStrided: ['copyStrided', 'rw', 'CopyParams'],
  reduce: ['reduce', 'rw', 'ReduceParams'],
  softmax: ['softmax', 'rww', 'SoftmaxParams'],
  oneHot: ['oneHot', 'rw', 'OneHotParams'],
  blockLinear: ['blockLinear', 'rrwrw', 'GemmShape'],
  blockLinearInputGrad: ['blockLinear', 'rrw', 'GemmShape'],
  blockLinearWeightGrad: ['blockLinear', 'rrw', 'GemmShape'],
  im2col: ['windows', 'rw', 'WindowParams'],
  col2im: ['windows', 'rw', 'WindowParams'],
  maxPool2d: ['windows', 'rww', 'WindowParams'],
  maxPool2dGrad: ['windows', 'rrw', 'WindowParams'],
  avgPool2d: ['windows', 'rw', 'WindowParams'],
  avgPool2dGrad: ['windows', 'rw', 'WindowParams'],
  sgdStep: ['optimizer', 'uru', 'SgdParams'],
  adamStep: ['optimizer', 'uruu', 'AdamParams'],
  packHalf: ['half', 'rw', 'HalfParams'], // not a Backend method: the cast pass of the block GEMMs at precision 'f16'
} as const satisfies Partial<Record<keyof Backend | 'packHalf', readonly [Module, string, GpuUniform]>>;

export type KernelName = keyof typeof kernels;
/** The uniform struct a kernel reads. */
export type UniformOf<K extends KernelName> = (typeof kernels)[K][2];

/** Pipeline-overridable constants of a WGSL module (OP, CHECKED, HAS_BIAS, RELU…). */
export type Constants = Record<string, number>;

// Bind groups are cheap to keep but the set of buffer combinations can grow; evict the oldest beyond this.
const maxBindGroups = 4096;

export class Pipelines {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  /** Error scopes of bind group creations not read yet: Dawn aborts the process if a worker ends with one pending. */
  private readonly pendingScopes = new Set<Promise<unknown>>();

  constructor(private readonly device: GPUDevice, private readonly uniforms: GPUBuffer) {}

  /** Resolves once the error scopes of every bind group created so far are read. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.pendingScopes);
  }

  /** The pipeline of a kernel; `operands` picks the block GEMMs' operand variant (other kernels have one). */
  pipeline(name: KernelName, constants: Constants, operands: GemmOperands = 'f32'): GPUComputePipeline {
    const key = `${name}:${operands}${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const [module, signature] = kernels[name];
      p = this.device.createComputePipeline({
        label: key,
        layout: this.layout(signature).pipeline,
        compute: { module: this.module(module, operands), entryPoint: name, constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** The bind group of `buffers`, one per used binding of the kernel's signature, in order. */
  bindGroup(name: KernelName, buffers: PooledBuffer[]): GPUBindGroup {
    const signature = kernels[name][1];
    const key = `${signature}:${buffers.map((b) => b.id).join(',')}`;
    let g = this.bindGroups.get(key);
    if (!g) {
      const bindings = [...signature].flatMap((kind, k) => (kind === '-' ? [] : [k + 1]));
      // A buffer the device could not create makes this group invalid: that error is the dispatch's, reported
      // where its batch fails (batch.ts), not an uncaptured error failing some later call.
      this.device.pushErrorScope('validation');
      g = this.device.createBindGroup({
        layout: this.layout(signature).group,
        entries: [
          { binding: 0, resource: { buffer: this.uniforms, size: uniformSlot } },
          ...buffers.map((b, k) => ({ binding: bindings[k], resource: { buffer: b.buffer } })),
        ],
      });
      const read = (): boolean => this.pendingScopes.delete(scope);
      const scope: Promise<unknown> = this.device.popErrorScope().then(read, read);
      this.pendingScopes.add(scope);
      if (this.bindGroups.size >= maxBindGroups) this.bindGroups.delete(this.bindGroups.keys().next().value!);
      this.bindGroups.set(key, g);
    }
    return g;
  }

  private module(name: Module, operands: GemmOperands): GPUShaderModule {
    const prelude = name === 'blockLinear' ? operandPrelude[operands] : '';
    const key = prelude ? `${name}:${operands}` : name;
    let m = this.modules.get(key);
    if (!m) {
      m = this.device.createShaderModule({ label: key, code: prelude + shaders.prelude + shaders.common + shaders[name] });
      this.modules.set(key, m);
    }
    return m;
  }

  private layout(signature: string): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    let l = this.layouts.get(signature);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ];
      [...signature].forEach((kind, k) => {
        if (kind !== '-') {
          entries.push({ binding: k + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: kind === 'r' ? 'read-only-storage' : 'storage' } });
        }
      });
      const group = this.device.createBindGroupLayout({ entries });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(signature, l);
    }
    return l;
  }
}
