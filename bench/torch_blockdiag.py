"""The block-diagonal linear layer in PyTorch (CPU), the reference `npm run bench` compares blockLinear with.

Five ways to compute y = x W^T + b with W block-diagonal (M blocks of F x F), each timed forward+backward
(gradients of x, the weights and the bias) on one batch:
  for_loop        M separate F x F linears on slices of x, concatenated
  bmm             one batched matmul over the M blocks (the packed [M, F, F] layout blockgrad uses)
  grouped_conv1d  a 1x1 convolution with groups=M (how TorchUncertainty's PackedLinear once computed it)
  masked_dense    a dense [M*F, M*F] weight multiplied by a block mask, then one dense linear
  block_diag      the dense block-diagonal matrix built from the M blocks each step, then one dense linear

usage: /usr/bin/python3 bench/torch_blockdiag.py THREADS '[[B, M, F], ...]'
prints one line per point and method: "B=<B> M=<M> F=<F> <method> <ms> ms <GFLOP/s> GFLOP/s", the median
of REPEATS runs after two warm-up runs. GFLOP/s counts only the useful (block) FLOPs: forward 2*B*M*F*F,
forward+backward three times that, whatever the method computes besides.
Needs torch: apt-get install python3-torch libopenblas0-pthread (Debian), or pip install torch.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

REPEATS = 7


def median_seconds(step):
    step()
    step()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def methods(B, M, Fb):
    """The five strategies as closures that run one forward+backward pass."""
    x = torch.randn(B, M * Fb, requires_grad=True)
    packed = torch.randn(M, Fb, Fb, requires_grad=True)  # [M, out, in]
    bias = torch.randn(M * Fb, requires_grad=True)
    blocks = [torch.randn(Fb, Fb, requires_grad=True) for _ in range(M)]
    conv_weight = torch.randn(M * Fb, Fb, 1, requires_grad=True)
    dense = torch.randn(M * Fb, M * Fb, requires_grad=True)
    mask = torch.block_diag(*([torch.ones(Fb, Fb)] * M))

    def backward(y):
        y.sum().backward()

    def for_loop():
        parts = x.split(Fb, dim=1)
        backward(torch.cat([F.linear(parts[m], blocks[m]) for m in range(M)], dim=1) + bias)

    def bmm():
        per_block = torch.bmm(x.view(B, M, Fb).transpose(0, 1), packed.transpose(1, 2))  # [M, B, out]
        backward(per_block.transpose(0, 1).reshape(B, M * Fb) + bias)

    def grouped_conv1d():
        backward(F.conv1d(x.unsqueeze(-1), conv_weight, bias, groups=M).squeeze(-1))

    def masked_dense():
        backward(F.linear(x, dense * mask, bias))

    def block_diag():
        backward(F.linear(x, torch.block_diag(*packed.unbind(0)), bias))

    return [for_loop, bmm, grouped_conv1d, masked_dense, block_diag]


def main():
    torch.set_num_threads(int(sys.argv[1]))
    points = json.loads(sys.argv[2])
    for B, M, Fb in points:
        useful_flops = 3 * 2 * B * M * Fb * Fb
        for step in methods(B, M, Fb):
            seconds = median_seconds(step)
            print(f"B={B} M={M} F={Fb} {step.__name__:15s} {seconds * 1e3:9.2f} ms  {useful_flops / seconds / 1e9:7.1f} GFLOP/s", flush=True)


if __name__ == "__main__":
    main()
