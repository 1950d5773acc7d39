// Operands of the block GEMMs at precision 'f16' on any adapter: binary16 pairs packed in u32 words
// (shaders/half.wgsl), unpacked to f32 for the arithmetic.
alias Elem = f32;

@group(0) @binding(1) var<storage, read> lhs: array<u32>;
@group(0) @binding(2) var<storage, read> rhs: array<u32>;

fn lhsAt(i: u32) -> Elem { return unpack2x16float(lhs[i / 2u])[i % 2u]; }
fn rhsAt(i: u32) -> Elem { return unpack2x16float(rhs[i / 2u])[i % 2u]; }
