# Writes test/fixtures/torch-unary.json: each unary op that has edge cases beyond the kernel suite's random
# inputs, with its gradient, as PyTorch 1.13 computes them in float32, at points spread over every branch of
# the f32 kernels, both signs, ±Inf and NaN:
# - erf (torch.erf): 0, tiny, the series below 1, the tail to 4, ±1 past it;
# - softplus (torch.nn.functional.softplus, beta 1, threshold 20): far below 0 where ln(1 + eˣ) = eˣ, around
#   0, up to and past the threshold.
# Run with Debian's Python and PyTorch: /usr/bin/python3 scripts/torch-unary.py (non-finite values are written
# as the strings 'inf', '-inf' and 'nan', which JSON lacks).
import json, math, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
randoms = [float(v) for v in torch.randn(40) * 2]
symmetric = lambda ps: ps + [-p for p in ps if p != 0.0] + [math.inf, -math.inf, math.nan]
cases = {
    'erf': (torch.erf, symmetric([0.0, 1e-30, 1e-8, 1e-3, 0.1, 0.25, 0.5, 0.7, 0.9, 0.99, 1.0, 1.01, 1.3, 1.7, 2.0,
                                  2.5, 3.0, 3.5, 3.9, 3.99, 4.0, 4.5, 6.0, 10.0, 1e15] + randoms)),
    'softplus': (F.softplus, symmetric([0.0, 1e-30, 1e-8, 1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 16.6, 17.0, 19.9,
                                        20.0, 20.001, 21.0, 30.0, 87.0, 88.8, 100.0, 104.0, 1e15] + randoms)),
}
enc = lambda t: [v if math.isfinite(v) else str(v) for v in t.tolist()]
out = {'torch': torch.__version__}
for name, (f, xs) in cases.items():
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    y = f(x)
    y.sum().backward()
    out[name] = {'x': enc(x.detach()), 'y': enc(y.detach()), 'grad': enc(x.grad)}
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch-unary.json')
with open(path, 'w') as f:
    json.dump(out, f, allow_nan=False)
print(f'wrote {path}: ' + ', '.join(f'{name} {len(xs)} points' for name, (_, xs) in cases.items()))
