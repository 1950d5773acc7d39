"""Loads what saveTorchUncertainty wrote (scripts/torch-uncertainty-save-check.ts) with PyTorch's own
load_state_dict, strict, into modules holding each release's parameters, and checks the values.

    npx tsx scripts/torch-uncertainty-save-check.ts /tmp/tu-saved
    /usr/bin/python3 scripts/torch-uncertainty-save-check.py /tmp/tu-saved

For each release the target module has exactly the keys and shapes of the state_dict TorchUncertainty's
packed_mlp of that release saved (test/fixtures/torch-uncertainty/tu-real-<release>-g1.model.safetensors).
Safetensors is read here with struct and json (the safetensors package is not needed).
"""
import json
import struct
import sys
from pathlib import Path

import torch
from torch import nn

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch-uncertainty"
RELEASES = {"0.2": "v0.2.2.post2", "0.3": "v0.3.1", "0.4": "v0.4.3", "0.8.0": "head"}


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    header.pop("__metadata__", None)
    out = {}
    for key, entry in header.items():
        assert entry["dtype"] == "F32", f"{path}: {key} is {entry['dtype']}"
        begin, end = entry["data_offsets"]
        data = bytearray(raw[8 + n + begin : 8 + n + end])
        out[key] = torch.frombuffer(data, dtype=torch.float32).reshape(entry["shape"])
    return out


def canonical(key):
    """One name per parameter across releases: conv1x1 dropped, the g1 models' final_layer is layers.1."""
    return key.replace("conv1x1.", "").replace("final_layer.", "layers.1.")


class StateHolder(nn.Module):
    """Parameters under dotted keys, as TorchUncertainty's modules register them."""

    def __init__(self, shapes):
        super().__init__()
        for key, shape in shapes.items():
            *path, name = key.split(".")
            module = self
            for part in path:
                if not hasattr(module, part):
                    module.add_module(part, nn.Module())
                module = getattr(module, part)
            module.register_parameter(name, nn.Parameter(torch.zeros(shape)))


def main(saved_dir):
    checked = 0
    for release, tag in RELEASES.items():
        target = read_safetensors(FIXTURES / f"tu-real-{tag}-g1.model.safetensors")
        for source_tag in RELEASES.values():
            source = read_safetensors(FIXTURES / f"tu-real-{source_tag}-g1.model.safetensors")
            model = StateHolder({k: v.shape for k, v in target.items()})
            state = read_safetensors(Path(saved_dir) / f"{source_tag}-as-{release}.safetensors")
            model.load_state_dict(state, strict=True)  # raises on any missing, unexpected or mis-shaped key
            loaded = {canonical(k): v.flatten() for k, v in model.state_dict().items()}
            original = {canonical(k): v.flatten() for k, v in source.items()}
            assert loaded.keys() == original.keys(), f"{source_tag} as {release}: {sorted(loaded)} vs {sorted(original)}"
            assert all(torch.equal(loaded[k], original[k]) for k in loaded), f"{source_tag} as {release}: values differ"
            checked += 1
    print(f"{checked} checkpoints load into their release's state_dict with load_state_dict(strict=True), values bit for bit")


if __name__ == "__main__":
    main(sys.argv[1])
