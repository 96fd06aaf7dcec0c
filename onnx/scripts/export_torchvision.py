#!/usr/bin/python3
"""Exports ResNet-18, MobileNetV2 and SqueezeNet 1.1 from torchvision to ONNX, with a fixed input and PyTorch's output.

Random weights from a fixed seed (weights=None: nothing is downloaded); batch-norm statistics and affine
parameters are drawn too, so that folding them is exercised. For each model NAME it writes, into the cache
directory (default ${SIMDNN_CACHE:-~/.cache/simdnn}/onnx-models, never the source tree):

    NAME.onnx           opset 13, input 'input' [batch, 3, 224, 224] (batch symbolic), output 'logits' [batch, 1000]
    NAME.input.npy      float32 [2, 3, 224, 224], standard normal
    NAME.output.npy     float32 [2, 1000], PyTorch's eval-mode output for that input

Files are replaced atomically. A stamp (this script's SHA-256 and the torch version) skips the work when the
cache is current; --force redoes it. Needs Debian's python3-torch and python3-torchvision (torch 1.13, 0.14).
Prints the directory on success.
"""
import argparse
import hashlib
import os
import sys
import tempfile

import numpy as np
import torch
import torchvision

MODELS = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "squeezenet1_1": lambda: torchvision.models.squeezenet1_1(weights=None),
}
SEED = 20261205
OPSET = 13


def cache_dir():
    base = os.environ.get("SIMDNN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "simdnn")
    return os.path.join(base, "onnx-models")


def replace_atomically(path, write):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix="." + os.path.basename(path) + ".")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def randomize_batch_norms(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(0.1 * torch.randn(c, generator=gen))
            m.running_var.copy_(0.5 + torch.rand(c, generator=gen))
            m.weight.data.copy_(1 + 0.1 * torch.randn(c, generator=gen))
            m.bias.data.copy_(0.1 * torch.randn(c, generator=gen))


def export(name, out):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = MODELS[name]()
    with torch.no_grad():
        randomize_batch_norms(model, gen)
    model.eval()
    x = torch.randn(2, 3, 224, 224, generator=gen)
    with torch.no_grad():
        y = model(x)
    replace_atomically(os.path.join(out, name + ".onnx"), lambda p: torch.onnx.export(
        model, x, p, opset_version=OPSET, input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True))
    replace_atomically(os.path.join(out, name + ".input.npy"), lambda p: np.save(open(p, "wb"), x.numpy()))
    replace_atomically(os.path.join(out, name + ".output.npy"), lambda p: np.save(open(p, "wb"), y.numpy()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=cache_dir(), help="output directory (default: %(default)s)")
    ap.add_argument("--force", action="store_true", help="export even when the cache is current")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.abspath(__file__), "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest() + " torch " + torch.__version__ + " torchvision " + torchvision.__version__
    stamp_file = os.path.join(args.out, "export_torchvision.stamp")
    files = [os.path.join(args.out, n + s) for n in MODELS for s in (".onnx", ".input.npy", ".output.npy")]
    current = os.path.exists(stamp_file) and open(stamp_file).read() == stamp and all(map(os.path.exists, files))
    if args.force or not current:
        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        for name in MODELS:
            export(name, args.out)
        replace_atomically(stamp_file, lambda p: open(p, "w").write(stamp))
    print(args.out)


if __name__ == "__main__":
    sys.exit(main())
