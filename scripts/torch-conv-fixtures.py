"""Writes test/fixtures/torch-conv/*.safetensors: PyTorch's conv, pooling and normalisation ops, forward and gradients.

Run with Debian's Python and PyTorch (the tests read the committed files and need no Python):

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 scripts/torch-conv-fixtures.py

Each case calls one torch.nn.functional op on float32 values promoted to float64, at odd sizes, channel
counts that are not multiples of 4, strides larger than the kernel, dilation, padding and ceil mode.
A file holds the inputs `in.<name>`, the output `out`, a random `R` and the gradient of sum(out * R) for
every input, `grad.<name>`; BatchNorm cases also hold the running statistics after the call
(`after.running_mean`, `after.running_var`). `__metadata__` holds `op` and its keyword arguments `kwargs`
(JSON, PyTorch's names). Everything is stored as F32.
"""

import json
import pathlib

import torch
import torch.nn.functional as F

from fixture_io import save

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-conv"


def inputs(**shapes):
    """f32-representable float64 tensors (positive for names starting with 'pos_')."""
    out = {}
    for name, shape in shapes.items():
        t = torch.randn(*shape).float().double()
        out[name] = t.abs() + 0.5 if name.startswith("pos_") else t
    return out


def case(name, seed, op, fn, kwargs, grads, after=None, **shapes):
    torch.manual_seed(seed)
    values = inputs(**shapes)
    f32 = lambda t: t.detach().float()
    tensors = {f"in.{k}": f32(v).clone() for k, v in values.items()}  # before batch_norm moves the running statistics
    for k in grads:
        values[k].requires_grad_()
    out = fn(values, **kwargs)
    R = torch.randn(out.shape).float().double()
    (out * R).sum().backward()
    tensors.update(out=f32(out), R=f32(R))
    tensors.update({f"grad.{k}": f32(values[k].grad) for k in grads})
    tensors.update({f"after.{k}": f32(v) for k, v in (after or (lambda v: {}))(values).items()})
    save(OUT / f"{name}.safetensors", tensors, {"op": op, "kwargs": json.dumps(kwargs), "torch": torch.__version__}, OUT.parent.parent.parent)


def conv2d(v, **kw):
    return F.conv2d(v["x"], v["weight"], v.get("bias"), **kw)


def conv1d(v, **kw):
    return F.conv1d(v["x"], v["weight"], v.get("bias"), **kw)


def batch_norm(v, **kw):
    return F.batch_norm(v["x"], v["running_mean"], v["pos_running_var"], v["weight"], v["bias"], **kw)


def running_stats(v):
    return {"running_mean": v["running_mean"], "running_var": v["pos_running_var"]}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    xwb = ["x", "weight", "bias"]
    case("conv2d-groups3-stride3x4-dil2", 11, "conv2d", conv2d, dict(stride=[3, 4], padding=[1, 0], dilation=[2, 1], groups=3), xwb,
         x=[2, 6, 9, 10], weight=[9, 2, 2, 3], bias=[9])
    case("conv2d-depthwise-nobias", 12, "conv2d", conv2d, dict(stride=2, padding=2, dilation=2, groups=5), ["x", "weight"],
         x=[1, 5, 8, 7], weight=[5, 1, 3, 3])
    case("conv2d-dense-k5", 13, "conv2d", conv2d, dict(padding=2), xwb, x=[3, 3, 11, 9], weight=[7, 3, 5, 5], bias=[7])
    case("conv1d-groups5-stride2", 14, "conv1d", conv1d, dict(stride=2, padding=2, groups=5), xwb, x=[3, 5, 11], weight=[10, 1, 3], bias=[10])
    case("maxpool-k3s2p1", 15, "maxPool2d", lambda v, **kw: F.max_pool2d(v["x"], **kw), dict(kernel_size=3, stride=2, padding=1), ["x"], x=[2, 3, 7, 9])
    case("maxpool-stride-gt-kernel-ceil-dil", 16, "maxPool2d", lambda v, **kw: F.max_pool2d(v["x"], **kw),
         dict(kernel_size=[2, 3], stride=[3, 2], dilation=[2, 1], ceil_mode=True), ["x"], x=[1, 5, 11, 8])
    case("avgpool-k3s2p1", 17, "avgPool2d", lambda v, **kw: F.avg_pool2d(v["x"], **kw), dict(kernel_size=3, stride=2, padding=1), ["x"], x=[2, 3, 7, 6])
    case("avgpool-exclude-pad-ceil", 18, "avgPool2d", lambda v, **kw: F.avg_pool2d(v["x"], **kw),
         dict(kernel_size=[3, 2], stride=[2, 3], padding=[1, 1], ceil_mode=True, count_include_pad=False), ["x"], x=[1, 5, 8, 7])
    case("adaptive-avgpool-3x2", 19, "adaptiveAvgPool2d", lambda v, **kw: F.adaptive_avg_pool2d(v["x"], **kw), dict(output_size=[3, 2]), ["x"], x=[2, 3, 7, 5])
    case("adaptive-avgpool-1", 20, "adaptiveAvgPool2d", lambda v, **kw: F.adaptive_avg_pool2d(v["x"], **kw), dict(output_size=1), ["x"], x=[2, 5, 3, 3])
    case("batchnorm-train", 21, "batchNorm", batch_norm, dict(training=True, momentum=0.1, eps=1e-5), xwb, after=running_stats,
         x=[4, 3, 5, 3], running_mean=[3], pos_running_var=[3], weight=[3], bias=[3])
    case("batchnorm-eval", 22, "batchNorm", batch_norm, dict(training=False, momentum=0.1, eps=1e-5), xwb,
         x=[3, 5, 2, 3], running_mean=[5], pos_running_var=[5], weight=[5], bias=[5])
    case("groupnorm-3", 23, "groupNorm", lambda v, **kw: F.group_norm(v["x"], weight=v["weight"], bias=v["bias"], **kw), dict(num_groups=3, eps=1e-5), xwb,
         x=[3, 6, 4, 5], weight=[6], bias=[6])


if __name__ == "__main__":
    main()
