#!/usr/bin/env bash
# The GPU checks in one run, for a machine with an NVIDIA driver and an sm_80+ GPU: the CUDA conformance suite
# (all four maths), the device-side GEMM/convolution timings, and optionally the reference CNN's 10-epoch
# recipe on the cuda backend (TRAIN=1; slow: every op copies to the device and back). Results go to
# results/<date>-cuda/. Run from the repository root: native/src/test/cuda/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out="results/$(date -u +%Y-%m-%d)-cuda"
mkdir -p "$out"
nvidia-smi | tee "$out/nvidia-smi.txt"

mvn -B -pl native -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest='Cuda*Test' 2>&1 | tee "$out/conformance.log" \
  | grep -E "Tests run:|FAIL|BUILD"

lib="$PWD/native/target/classes/org/simdnn/ffm/cuda/linux-x86_64"
nvcc="$(bash native/src/main/cuda/build.sh --which)"
"$nvcc" -std=c++17 -O2 -I native/src/main/cuda native/src/test/cuda/gemm_bench.cu "$lib/libsimdnn_cuda.so" \
  -Xlinker "-rpath=$lib" -o "$out/gemm_bench"
"$out/gemm_bench" | tee "$out/gemm_bench.txt"

if [ "${TRAIN:-0}" = 1 ]; then
  ./simdnn train --model cnn --epochs 10 --backend cuda --no-progress | tee "$out/train-cnn-cuda.txt"
fi
