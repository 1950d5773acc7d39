enable f16;
// Operands of the block GEMMs at precision 'f16' where the adapter has `shader-f16`: the packed
// buffers read as array<f16>, f16 tiles in workgroup memory, f16 products summed four at a time
// and accumulated in f32.
alias Elem = f16;

@group(0) @binding(1) var<storage, read> lhs: array<f16>;
@group(0) @binding(2) var<storage, read> rhs: array<f16>;

fn lhsAt(i: u32) -> Elem { return lhs[i]; }
fn rhsAt(i: u32) -> Elem { return rhs[i]; }
