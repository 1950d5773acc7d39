"""The safetensors writer the fixture scripts share (no safetensors package needed)."""

import json
import struct

import torch

DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save(path, tensors, metadata, root):
    """A safetensors file: 8-byte little-endian header length, JSON header padded with spaces, data."""
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        array = t.numpy()
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    print(f"wrote {path.relative_to(root)} ({path.stat().st_size} bytes)")
