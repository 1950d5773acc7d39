// Operands of the block GEMMs (shaders/blockLinear.wgsl) at precision 'f32'.
alias Elem = f32;

@group(0) @binding(1) var<storage, read> lhs: array<f32>;
@group(0) @binding(2) var<storage, read> rhs: array<f32>;

fn lhsAt(i: u32) -> Elem { return lhs[i]; }
fn rhsAt(i: u32) -> Elem { return rhs[i]; }
