"""The training benchmark's Packed-Ensembles MLP in PyTorch (CPU): per layer one batched matmul (bmm) over
the blocks, relu, cross-entropy of every estimator, torch.optim.Adam; each step ends with loss.item().

usage: /usr/bin/python3 bench/torch_packed_mlp.py THREADS MODELS_JSON RUNS MIN_MS
  MODELS_JSON: [{"name", "layers": [[groups, out, in], ...], "inFeatures", "numEstimators", "classes", "batch"}]
prints one line per model: "model=<name> threads=<t> ms=<median ms per step> fastest=<ms>"
Needs torch: apt-get install python3-torch libopenblas0-pthread (Debian), or pip install torch.
"""
import json
import statistics
import sys
import time

import torch


def make_step(model):
    torch.manual_seed(0)
    layers = model["layers"]
    weights = [torch.nn.Parameter(torch.randn(g, o, i) / i**0.5) for g, o, i in layers]
    biases = [torch.nn.Parameter(torch.zeros(g * o)) for g, o, _ in layers]
    B, M, C = model["batch"], model["numEstimators"], model["classes"]
    x = torch.randn(B, model["inFeatures"])
    labels = torch.randint(0, C, (B,)).repeat(M)  # estimator-major, as the logits below
    optimizer = torch.optim.Adam(weights + biases, lr=1e-3)

    def forward():
        h = x
        for k, ((g, o, i), w, b) in enumerate(zip(layers, weights, biases)):
            y = torch.bmm(h.view(B, g, i).transpose(0, 1), w.transpose(1, 2))  # [G, B, O]
            h = y.transpose(0, 1).reshape(B, g * o) + b
            if k < len(layers) - 1:
                h = torch.relu(h)
        return h.view(B, M, C).transpose(0, 1).reshape(M * B, C)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(forward(), labels)
        loss.backward()
        optimizer.step()
        loss.item()

    return step


def time_runs(fn, runs, min_ms):
    # as bench/lib/timing.ts: warm up for min_ms (one call at least), size the runs from the last warm-up call
    warm_start = time.perf_counter()
    while True:
        start = time.perf_counter()
        fn()
        last = (time.perf_counter() - start) * 1e3
        if (time.perf_counter() - warm_start) * 1e3 >= min_ms:
            break
    reps = max(1, int(min_ms / max(last, 1e-3)) + 1)
    per_run = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        per_run.append((time.perf_counter() - start) * 1e3 / reps)
    return statistics.median(per_run), min(per_run)


def main():
    threads, models, runs, min_ms = int(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    torch.set_num_threads(threads)
    for model in models:
        median, fastest = time_runs(make_step(model), runs, min_ms)
        print(f"model={model['name']} threads={threads} ms={median:.4f} fastest={fastest:.4f}", flush=True)


if __name__ == "__main__":
    main()
