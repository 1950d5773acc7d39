"""Writes test/fixtures/torch-reference.json: PyTorch 1.13's values for the hardening tests.

Run with Debian's Python and PyTorch (the tests read the committed file and need no Python):

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 scripts/torch-reference-values.py

Sections:
  optimizers  a 37-element float32 parameter, 5 float32 gradients (steps large against the parameter, so
              that a kernel's rounding of its constants shows), and the parameter after 5 steps of
              torch.optim.SGD / Adam / AdamW (CPU, single-tensor path) with the options given per case.
  losses      F.cross_entropy, F.nll_loss-style picks and F.mse_loss on logits holding -inf, +inf and values
              near the float32 limits, computed in float32 on the CPU: the loss and the logits' gradient.
  masks       relu (also at ±0 and NaN), maximum and minimum with an infinite upstream gradient: output and input gradients.
Every float is the exact value of a float32 (JSON keeps it exactly); NaN and +-inf are written as the
strings "NaN", "Infinity" and "-Infinity".
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-reference.json"


def values(t):
    def one(x):
        x = float(x)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        return x

    return [one(x) for x in t.detach().reshape(-1).tolist()]


def optimizers():
    g = torch.Generator().manual_seed(14)
    param = torch.randn(37, generator=g, dtype=torch.float32) * 0.1  # small against the steps: drift shows
    grads = [torch.randn(37, generator=g, dtype=torch.float32) * (0.1 * (k + 1)) for k in range(5)]
    cases = {
        "Adam": (torch.optim.Adam, {"lr": 0.1, "weight_decay": 0.1}),
        "AdamW": (torch.optim.AdamW, {"lr": 0.1}),
        "AdamW betas": (torch.optim.AdamW, {"lr": 0.05, "betas": (0.8, 0.9999), "eps": 1e-6, "weight_decay": 0.05}),
        "SGD momentum": (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
        "SGD nesterov": (torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        "SGD": (torch.optim.SGD, {"lr": 0.3}),
    }
    out = {"param": values(param), "grads": [values(x) for x in grads], "cases": {}}
    for name, (cls, options) in cases.items():
        p = param.clone().requires_grad_(True)
        opt = cls([p], **options)
        for grad in grads:
            p.grad = grad.clone()
            opt.step()
        out["cases"][name] = {"options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}, "expected": values(p)}
    return out


def loss_case(fn, logits, *rest):
    x = torch.tensor(logits, dtype=torch.float32, requires_grad=True)
    loss = fn(x, *rest)
    loss.backward()
    return {"logits": values(x), "shape": list(x.shape), "loss": values(loss)[0], "grad": values(x.grad)}


def losses():
    inf, big = math.inf, 3.0e38
    ce = lambda labels, **kw: (lambda x: F.cross_entropy(x, torch.tensor(labels), **kw))
    cases = {
        "masked logits": (ce([0]), [[2.0, -inf, 0.5, -inf]], [0]),
        "masked logits, two rows": (ce([2, 0]), [[-inf, 1.0, 3.0, -inf], [0.25, -inf, -inf, -1.0]], [2, 0]),
        "near the f32 limit": (ce([1, 0]), [[big, -big, 0.0], [-big, big, big]], [1, 0]),
        "one finite logit among -inf": (ce([3]), [[-inf, -inf, -inf, 7.0]], [3]),
        "target logit -inf": (ce([1]), [[0.0, -inf, 1.0]], [1]),
        "+inf logit": (ce([0]), [[inf, 1.0, 2.0]], [0]),
        "a row of -inf only": (ce([1]), [[-inf, -inf, -inf]], [1]),
        "finite, near the f32 limit": (ce([1, 2]), [[3.0e38, 2.9e38, -3.0e38], [-3.0e38, -3.0e38, -3.0e38]], [1, 2]),
        "large logits, masked": (ce([0, 1]), [[1.0e38, -inf, 9.0e37], [-inf, -1.0e38, -inf]], [0, 1]),
    }
    return {
        name: {**loss_case(fn, logits), "labels": labels}
        for name, (fn, logits, labels) in cases.items()
    }


def masks():
    """Gradients of ops that select by a mask, with an infinite upstream gradient: PyTorch selects (where /
    masked_fill / threshold_backward), so the unselected entries get 0, not 0 * inf = NaN."""
    inf = math.inf

    def case(fn, inputs, upstream):
        xs = [torch.tensor(v, dtype=torch.float32, requires_grad=True) for v in inputs]
        y = fn(*xs)
        y.backward(torch.tensor(upstream, dtype=torch.float32))
        return {"inputs": [values(x) for x in xs], "upstream": values(torch.tensor(upstream)), "output": values(y), "grads": [values(x.grad) for x in xs]}

    return {
        "relu": case(F.relu, [[-1.0, 2.0, -3.0, 0.5]], [inf, 1.0, -inf, inf]),
        # threshold_backward selects by `input <= 0`: ±0 give 0, a NaN input passes its gradient
        "reluAtZeroAndNaN": case(F.relu, [[0.0, -0.0, math.nan, 1.0, -2.0]], [inf, -inf, 3.0, 2.0, inf]),
        "maximum": case(torch.maximum, [[1.0, 5.0, 2.0], [3.0, 2.0, 2.0]], [inf, -inf, inf]),
        "minimum": case(torch.minimum, [[1.0, 5.0, 2.0], [3.0, 2.0, 2.0]], [inf, -inf, inf]),
    }


def main():
    torch.manual_seed(0)
    data = {"torch": torch.__version__, "optimizers": optimizers(), "losses": losses(), "masks": masks()}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
