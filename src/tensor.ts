// Tensors: a shape over a reference-counted backend storage, plus the autograd node that made it.
import type { Backend, DType, Storage } from './backend/backend.ts';
import { engine } from './engine.ts';
import { formatShape, type Shape, sizeOf } from './shapes.ts';

/** Device storage shared by a tensor and its reshaped views; freed when the last one lets go. */
class SharedStorage {
  refs = 1;
  constructor(readonly storage: Storage) {}
  release(): void {
    if (--this.refs === 0) this.storage.backend.free(this.storage);
  }
}

/** How a tensor was made: its inputs and the closure that maps its gradient to theirs. */
export interface GradNode {
  readonly op: string;
  inputs: Tensor[];
  backward: ((dy: Tensor) => (Tensor | null)[]) | null; // null once the graph is freed
}

let nextId = 1;

/**
 * An n-dimensional array of `f32` or `i32` values on one backend (js, wasm or webgpu), row-major, with the
 * autograd node that made it, as a `torch.Tensor` (PyTorch 1.13). Made by ops (`tensor`, `zeros`, `randn`,
 * `add`…); read with `data()`; freed with `dispose()` or by a `tidy` scope. Every op throws, naming the tensor
 * (`tensor #12 [3, 4]`), when given a disposed tensor.
 */
export class Tensor {
  /** Unique number in creation order, shown in error messages and `toString()` (`tensor #12`). */
  readonly id = nextId++;
  /** Number of elements: the product of `shape` (1 for a scalar of shape `[]`). */
  readonly size: number;
  /**
   * Whether `backward()` accumulates a gradient into this tensor's `grad` (as PyTorch's `requires_grad`);
   * default false, true for parameters of `nn` layers. Ops on a tensor that requires grad record an autograd node.
   */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** @internal The autograd node that made this tensor (null for leaves and under noGrad). */
  node: GradNode | null = null;
  /** Known [min, max] of an i32 tensor's values (labels), so range checks need no readback. */
  intRange: [number, number] | null = null;
  private shared: SharedStorage | null;
  private disposedByUser = false;
  /** Number of live graph nodes that hold this tensor as an input (they may need its value). */
  private graphRefs = 0;

  /**
   * @internal Tensors come from ops (`tensor`, `zeros`, `randn`…), not from this constructor.
   * @param shape Dimensions, outermost first (`[B, C, H, W]` for images); `[]` for a scalar.
   * @param dtype Element type: `'f32'` (IEEE single) or `'i32'` (class labels, indices).
   */
  constructor(readonly shape: Shape, readonly dtype: DType, storage: Storage | SharedStorage) {
    this.size = sizeOf(shape);
    if (storage instanceof SharedStorage) {
      storage.refs++;
      this.shared = storage;
    } else {
      this.shared = new SharedStorage(storage);
    }
    engine.track(this);
  }

  /** The backend whose memory holds the values. @throws Error when the tensor was disposed. */
  get backend(): Backend {
    return this.storageOf('read').backend;
  }
  /** Number of dimensions: `shape.length` (0 for a scalar). */
  get rank(): number {
    return this.shape.length;
  }
  /** Whether `dispose()` was called; a disposed tensor cannot be used by any op. */
  get isDisposed(): boolean {
    return this.disposedByUser;
  }

  /** @internal The storage, or a clear error when this tensor was disposed (backward may still read what the graph holds). */
  storageOf(op: string): Storage {
    if (this.disposedByUser && !engine.inBackward) {
      throw new Error(`${op}: tensor #${this.id} ${formatShape(this.shape)} was disposed and cannot be used`);
    }
    if (!this.shared) throw new Error(`${op}: tensor #${this.id} ${formatShape(this.shape)} has been freed`);
    return this.shared.storage;
  }

  /**
   * A tensor of another shape over the same storage (no copy, no autograd node: use `reshape` for one). The
   * shape must hold `size` elements.
   * @throws Error when this tensor was disposed.
   */
  view(shape: Shape): Tensor {
    this.storageOf('reshape');
    return new Tensor(shape, this.dtype, this.shared!);
  }

  /**
   * Reads the values, copied out of the backend, row-major: a Float32Array for f32, an Int32Array for i32.
   * Waits for the queued kernels (WebGPU).
   * @throws Error (as a rejection) when the tensor was disposed, or the device was lost.
   */
  async data(): Promise<Float32Array | Int32Array> {
    const s = this.storageOf('data');
    return s.backend.download(s);
  }

  /**
   * Reads the values synchronously, row-major, where the backend allows it (js and wasm, not WebGPU).
   * @throws Error on the webgpu backend (use `await tensor.data()`), or when the tensor was disposed.
   */
  dataSync(): Float32Array | Int32Array {
    const s = this.storageOf('dataSync');
    if (!s.backend.downloadSync) {
      throw new Error(`dataSync: the ${s.backend.name} backend cannot read synchronously; use await tensor.data()`);
    }
    return s.backend.downloadSync(s);
  }

  /**
   * The single value of a one-element tensor (a loss, a scalar), as torch's `item()`.
   * @throws Error (as a rejection) when the tensor does not hold exactly one element, or was disposed.
   */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor ${formatShape(this.shape)} has ${this.size} elements, not 1`);
    return (await this.data())[0];
  }

  /** Releases the storage (now, or once no graph node still needs the value). Safe to call twice. */
  dispose(): void {
    if (this.disposedByUser) return;
    this.disposedByUser = true;
    engine.untrack(this);
    this.releaseIfUnused();
  }

  /** Exempts this tensor from the enclosing `tidy` scopes. */
  keep(): this {
    engine.keep(this);
    return this;
  }

  /**
   * Moves the values to another backend in place (same tensor object, same packed bytes); the old storage
   * is freed. Nothing happens when it is already there.
   * @throws Error (as a rejection) when the tensor was disposed, or the old backend cannot be read.
   */
  async moveTo(backend: Backend): Promise<void> {
    const old = this.storageOf('moveTo');
    if (old.backend === backend) return;
    this.assign(backend, await old.backend.download(old));
  }

  /**
   * Replaces the values with host data on `backend`, in place (same tensor object). The old storage is
   * dropped unread, so this also rescues a tensor whose device is gone.
   * @throws Error when `data.length` is not `size`, the tensor shares its storage with a view, or it was disposed.
   */
  assign(backend: Backend, data: Float32Array | Int32Array): void {
    this.storageOf('assign');
    if (data.length !== this.size) throw new Error(`assign: ${data.length} values for tensor ${formatShape(this.shape)}`);
    if (this.shared!.refs > 1) throw new Error(`assign: tensor #${this.id} shares its storage with a view; reassign the original alone`);
    const fresh = backend.alloc(this.size, this.dtype);
    backend.upload(fresh, data);
    this.shared!.release();
    this.shared = new SharedStorage(fresh);
  }

  /**
   * Backpropagates from this tensor, as torch's `backward()`: accumulates into the `grad` of every leaf that
   * requires grad, then frees the graph. `seed` (dy, of this tensor's shape) is required unless it holds one
   * element (then 1).
   * @throws Error when the tensor does not require grad, its graph was already freed by an earlier backward(),
   *   it is not a scalar and no seed is given, or the seed's shape differs.
   */
  backward(seed?: Tensor): void {
    engine.backward(this, seed);
  }

  /** @internal Called when a graph node starts / stops holding this tensor as an input. */
  retainForGraph(): void {
    this.graphRefs++;
  }
  /** @internal See retainForGraph. */
  releaseForGraph(): void {
    this.graphRefs--;
    this.releaseIfUnused();
  }

  /** @internal Drops the graph node that made this tensor, so its inputs can be freed. */
  freeNode(): void {
    const node = this.node;
    if (!node || !node.backward) return;
    node.backward = null;
    const inputs = node.inputs;
    node.inputs = [];
    for (const t of inputs) t.releaseForGraph();
  }

  private releaseIfUnused(): void {
    if (!this.disposedByUser || this.graphRefs > 0 || !this.shared) return;
    this.shared.release();
    this.shared = null;
    engine.released(this);
    this.freeNode();
  }

  /** A one-line description for logs: `Tensor#12([3, 4], f32, requiresGrad)`; no values are read. */
  toString(): string {
    return `Tensor#${this.id}(${formatShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

