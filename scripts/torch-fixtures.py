"""Writes test/fixtures/*.safetensors: PyTorch's forward, loss and gradients of small Packed-Ensembles MLPs.

Run with Debian's Python and PyTorch (the tests read the committed files and need no Python):

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 scripts/torch-fixtures.py

TorchUncertainty's PackedLinear formulas in plain PyTorch: extended widths in * (1 if first else alpha)
and out * (num_estimators if last else alpha), groups G = 1 if first else num_estimators * gamma, a
per-block weight [G, O, I] and bias [G*O]; the forward is a grouped matmul. The last layer's output
(B, M*C) is rearranged estimator-major to (M*B, C), the labels are repeated estimator-major, and the
loss is F.cross_entropy. Everything is computed in float64 from float32 values and stored as F32.

Each file holds the parameters under TorchUncertainty's keys (layers.K.weight, layers.K.bias), the
input batch `input`, the labels `labels` (I64), the packed `logits` (B, M*C), the `estimator_logits`
(M*B, C), the `loss` and each parameter's gradient under `grad.<key>`; its metadata holds the model's
configuration. Layouts:
  packed-*.safetensors    the current layout [G, O, I]
  legacy-conv1x1.safetensors  TorchUncertainty's older conv1x1 layout: keys layers.K.conv1x1.weight,
                          weight [G*O, I, 1], forward by F.conv1d with groups (gradients in that layout)
  dense-blockdiag.safetensors the dense block-diagonal [G*O, G*I] weight of its sparse/full
                          implementations, forward by F.linear; gradients restricted to the blocks
                          (the pattern a sparse weight keeps)
"""

import json
import math
import pathlib

import torch
import torch.nn.functional as F

from fixture_io import save

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"


class PackedLinear(torch.nn.Module):
    def __init__(self, in_features, out_features, alpha, num_estimators, gamma=1, first=False, last=False):
        super().__init__()
        ext_in = int(in_features * (1 if first else alpha))
        ext_out = int(out_features * (num_estimators if last else alpha))
        groups = 1 if first else num_estimators * gamma
        if ext_in % groups or ext_out % groups:
            raise ValueError(f"widths {ext_in}, {ext_out} are not divisible by {groups} groups")
        self.groups = groups
        self.weight = torch.nn.Parameter(torch.empty(groups, ext_out // groups, ext_in // groups))
        self.bias = torch.nn.Parameter(torch.empty(ext_out))
        for g in range(groups):
            torch.nn.init.kaiming_uniform_(self.weight.data[g], a=math.sqrt(5))
        bound = 1 / math.sqrt(ext_in // groups)
        torch.nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        G, O, I = self.weight.shape
        blocks = x.reshape(x.shape[0], G, I).transpose(0, 1)  # [G, B, I]
        y = torch.bmm(blocks, self.weight.transpose(1, 2))  # [G, B, O]
        return y.transpose(0, 1).reshape(x.shape[0], G * O) + self.bias


class PackedMLP(torch.nn.Module):
    def __init__(self, in_features, hidden, num_classes, num_estimators, alpha, gamma):
        super().__init__()
        widths = [in_features, *hidden, num_classes]
        n = len(widths) - 1
        self.layers = torch.nn.ModuleList(
            PackedLinear(widths[k], widths[k + 1], alpha, num_estimators, gamma, first=k == 0, last=k == n - 1)
            for k in range(n)
        )

    def forward(self, x, layer_forward=None):
        for k, layer in enumerate(self.layers):
            x = (layer_forward or PackedLinear.forward)(layer, x)
            if k < len(self.layers) - 1:
                x = F.relu(x)
        return x


def estimator_major(logits, num_estimators):
    """(B, M*C) -> (M*B, C): estimator m's rows are [m*B, (m+1)*B)."""
    B = logits.shape[0]
    return logits.reshape(B, num_estimators, -1).transpose(0, 1).reshape(num_estimators * B, -1)


def conv1x1_forward(layer, x):
    """TorchUncertainty's legacy path: a grouped 1x1 conv with weight [G*O, I, 1]."""
    G, O, I = layer.weight.shape
    return F.conv1d(x.unsqueeze(-1), layer.legacy_weight, layer.bias, groups=G).squeeze(-1)


def dense_forward(layer, x):
    """TorchUncertainty's full/sparse path: F.linear with the block-diagonal [G*O, G*I] matrix."""
    return F.linear(x, layer.dense_weight, layer.bias)


def run(model, x, labels, num_estimators, layer_forward=None):
    logits = model(x, layer_forward)
    per = estimator_major(logits, num_estimators)
    loss = F.cross_entropy(per, labels.repeat(num_estimators))
    loss.backward()
    return logits, per, loss


def fixture(name, seed, in_features, hidden, num_classes, num_estimators, alpha, gamma, batch, layout="packed"):
    torch.manual_seed(seed)
    model = PackedMLP(in_features, hidden, num_classes, num_estimators, alpha, gamma).double()
    x = torch.randn(batch, in_features).float().double()
    labels = torch.randint(0, num_classes, (batch,))
    for p in model.parameters():
        p.data = p.data.float().double()  # values an f32 file holds exactly

    logits, per, loss = run(model, x, labels, num_estimators)
    stored = {}
    for k, layer in enumerate(model.layers):
        G, O, I = layer.weight.shape
        if layout == "packed":
            stored[f"layers.{k}.weight"] = (layer.weight, layer.weight.grad)
            stored[f"layers.{k}.bias"] = (layer.bias, layer.bias.grad)
        elif layout == "conv1x1":
            layer.legacy_weight = layer.weight.detach().reshape(G * O, I, 1).clone().requires_grad_()
            stored[f"layers.{k}.conv1x1.weight"] = (layer.legacy_weight, None)
            stored[f"layers.{k}.conv1x1.bias"] = (layer.bias, None)
        else:
            layer.dense_weight = torch.block_diag(*layer.weight.detach()).requires_grad_()
            stored[f"layers.{k}.weight"] = (layer.dense_weight, None)
            stored[f"layers.{k}.bias"] = (layer.bias, None)
    if layout != "packed":
        packed_grads = [p.grad.clone() for p in model.parameters()]
        model.zero_grad()
        forward = conv1x1_forward if layout == "conv1x1" else dense_forward
        logits2, _, loss2 = run(model, x, labels, num_estimators, forward)
        assert torch.allclose(logits2, logits) and torch.allclose(loss2, loss), "layouts disagree"
        for k, layer in enumerate(model.layers):
            w = layer.legacy_weight if layout == "conv1x1" else layer.dense_weight
            G, O, I = layer.weight.shape
            if layout == "dense":
                mask = torch.block_diag(*torch.ones(G, O, I, dtype=torch.float64))
                w.grad *= mask
                assert torch.allclose(w.grad, torch.block_diag(*packed_grads[2 * k]))
            else:
                assert torch.allclose(w.grad.reshape(G, O, I), packed_grads[2 * k])
            key = f"layers.{k}.conv1x1" if layout == "conv1x1" else f"layers.{k}"
            stored[f"{key}.weight"] = (w, w.grad)
            stored[f"{key}.bias"] = (layer.bias, layer.bias.grad)

    f32 = lambda t: t.detach().float()
    tensors = {k: f32(v) for k, (v, _) in stored.items()}
    tensors.update(input=f32(x), labels=labels, logits=f32(logits), estimator_logits=f32(per), loss=f32(loss))
    tensors.update({f"grad.{k}": f32(g) for k, (_, g) in stored.items()})
    config = dict(in_features=in_features, hidden=hidden, num_classes=num_classes, num_estimators=num_estimators, alpha=alpha, gamma=gamma)
    save(OUT / f"{name}.safetensors", tensors, {"config": json.dumps(config), "layout": layout, "torch": torch.__version__}, OUT.parent.parent)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    fixture("packed-gamma1", 1, 12, [9, 6], 5, 3, 2, 1, batch=7)
    fixture("packed-gamma2", 2, 12, [9, 6], 6, 3, 2, 2, batch=7)
    fixture("packed-alpha1.5", 3, 10, [8], 4, 2, 1.5, 1, batch=5)
    fixture("legacy-conv1x1", 4, 12, [9, 6], 5, 3, 2, 1, batch=7, layout="conv1x1")
    fixture("dense-blockdiag", 5, 12, [9, 6], 5, 3, 2, 1, batch=7, layout="dense")


if __name__ == "__main__":
    main()
