"""Writes a PyTorch model's state dict as safetensors, with an input and PyTorch's output, for TorchStateDictTest.

Usage: python3 torch_state_dict.py OUT_DIR. Writes OUT_DIR/cnn.safetensors (the state dict: float32 tensors only,
so BatchNorm's integer num_batches_tracked is left out) and OUT_DIR/io.safetensors ("input" NCHW [2, 3, 8, 8] and
"output" [2, 10], computed in eval mode). safetensors is written by hand (an 8-byte little-endian header length,
the JSON header, the raw little-endian float32 data), so only torch is needed.
"""
import json
import struct
import sys

import torch


def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


torch.manual_seed(7)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
    torch.nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False), torch.nn.ReLU(),
    torch.nn.Flatten(), torch.nn.Linear(8 * 4 * 4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
with torch.no_grad():  # running statistics that are not the defaults, so that copying them is checked
    model[1].running_mean.uniform_(-0.5, 0.5)
    model[1].running_var.uniform_(0.5, 2.0)
model.eval()
x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    y = model(x)
out = sys.argv[1]
save(out + "/cnn.safetensors", {k: v for k, v in model.state_dict().items() if v.is_floating_point()})
save(out + "/io.safetensors", {"input": x, "output": y})
