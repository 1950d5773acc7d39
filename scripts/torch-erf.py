# Writes test/fixtures/torch-erf.json: torch.erf and its gradient (PyTorch 1.13, float32) at points spread
# over every branch of the f32 kernels (0, tiny, the series, the tail, past 4, ±Inf, NaN), both signs.
# Run with Debian's Python and PyTorch: /usr/bin/python3 scripts/torch-erf.py (non-finite values are written
# as the strings 'inf', '-inf' and 'nan', which JSON lacks).
import json, math, os
import torch

points = [0.0, 1e-30, 1e-8, 1e-3, 0.1, 0.25, 0.5, 0.7, 0.9, 0.99, 1.0, 1.01, 1.3, 1.7, 2.0, 2.5, 3.0, 3.5, 3.9, 3.99, 4.0, 4.5, 6.0, 10.0, 1e15]
torch.manual_seed(0)
points += [float(v) for v in torch.randn(40) * 2]
xs = points + [-p for p in points if p != 0.0] + [math.inf, -math.inf, math.nan]
x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
y = torch.erf(x)
y.sum().backward()
enc = lambda t: [v if math.isfinite(v) else str(v) for v in t.tolist()]
out = {
    'torch': torch.__version__,
    'x': enc(x.detach()),
    'erf': enc(y.detach()),
    'grad': enc(x.grad),
}
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch-erf.json')
with open(path, 'w') as f:
    json.dump(out, f, allow_nan=False)
print(f'wrote {path}: {len(xs)} points')
