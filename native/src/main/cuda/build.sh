#!/usr/bin/env bash
# Builds libsimdnn_cuda.so from the .cu files next to this script, if nvcc can be found; called by the
# native module's Maven build (process-classes) with the output directory. Without nvcc it says so and
# succeeds; with nvcc, a compile error fails the build.
#   nvcc is looked for in $NVCC, $CUDA_HOME/bin, $CUDA_PATH/bin, PATH, /usr/local/cuda/bin, the newest
#   /usr/local/cuda-*/bin and /opt/cuda/bin. SIMDNN_CUDA=off (or -Dsimdnn.cuda.skip) skips the build.
#   build.sh --which prints the nvcc it would use (nothing if none): the tests ask it whether the library
#   must have been built.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"

nvcc=""
for c in "${NVCC:-}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" "${CUDA_PATH:+$CUDA_PATH/bin/nvcc}" \
         "$(command -v nvcc 2>/dev/null || true)" /usr/local/cuda/bin/nvcc \
         $(ls -d /usr/local/cuda-*/bin/nvcc 2>/dev/null | sort -V -r) /opt/cuda/bin/nvcc; do
  if [ -n "$c" ] && [ -x "$c" ]; then nvcc="$c"; break; fi
done
if [ "${1:-}" = --which ]; then
  [ -n "$nvcc" ] && echo "$nvcc"
  exit 0
fi

out="${1:?usage: build.sh OUTPUT_CLASSES_DIR [skip] | build.sh --which}"
skip="${2:-false}"
lib="$out/org/simdnn/ffm/cuda/linux-x86_64/libsimdnn_cuda.so"

if [ "$skip" = true ] || [ "${SIMDNN_CUDA:-}" = off ]; then
  echo "simdnn-cuda: build skipped (simdnn.cuda.skip / SIMDNN_CUDA=off): CUDA library not built"
  exit 0
fi
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "simdnn-cuda: $(uname -s)/$(uname -m) is not linux-x86_64: CUDA library not built"
  exit 0
fi
if [ -z "$nvcc" ]; then
  echo "simdnn-cuda: nvcc not found: CUDA library not built"
  exit 0
fi

# Up to date: nothing in this directory is newer than the library.
if [ -f "$lib" ] && [ -z "$(find "$src" -newer "$lib" -type f | head -1)" ]; then
  echo "simdnn-cuda: $lib is up to date"
  exit 0
fi

arch=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90
      -gencode arch=compute_90,code=compute_90)
flags=(-std=c++17 -O3 -Werror all-warnings -Xcompiler -fPIC,-fvisibility=hidden,-Wall "${arch[@]}")
obj="$(mktemp -d)"
trap 'rm -rf "$obj"' EXIT
start=$(date +%s)
echo "simdnn-cuda: $("$nvcc" --version | tail -2 | head -1) ($nvcc), sm_80 + sm_90"
pids=()
for f in "$src"/*.cu; do
  "$nvcc" "${flags[@]}" -c "$f" -o "$obj/$(basename "$f" .cu).o" & pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[ "$status" = 0 ] || { echo "simdnn-cuda: compile failed" >&2; exit 1; }
mkdir -p "$(dirname "$lib")"
"$nvcc" -shared -cudart static "${arch[@]}" -Xlinker "--version-script=$src/exports.map" \
  "$obj"/*.o -o "$lib.tmp"
mv -f "$lib.tmp" "$lib"
echo "simdnn-cuda: built $lib in $(( $(date +%s) - start )) s"
