#!/usr/bin/env bash
# Peak resident memory (VmHWM, from GNU time's %M) of `./simdnn run MODEL --random --batch B --repeat 10` for the
# reference CNN (exported by `./simdnn export --model cnn`) and the torchvision models of
# onnx/scripts/export_torchvision.py (in ${SIMDNN_CACHE:-~/.cache/simdnn}/onnx-models; made when missing, if python3
# has torch). The launcher's default heap limit (-Xmx1g) applies; SIMDNN_JAVA_OPTS changes it.
# Usage: scripts/peak-rss.sh [BATCH]   (default 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
batch="${1:-1}"
timebin=/usr/bin/time
[ -x "$timebin" ] || { echo "peak-rss.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
work="$(mktemp -d -t simdnn-rss.XXXXXX)"
trap 'rm -rf "$work"' EXIT

models="${SIMDNN_CACHE:-$HOME/.cache/simdnn}/onnx-models"
"$root/simdnn" export --model cnn --onnx "$work/reference_cnn.onnx" >/dev/null 2>&1
if [ ! -f "$models/resnet18.onnx" ] || [ ! -f "$models/mobilenet_v2.onnx" ]; then
  python3 "$root/onnx/scripts/export_torchvision.py" >/dev/null 2>&1 || echo "peak-rss.sh: no torchvision models (needs python3-torch)" >&2
fi

echo "peak RSS of ./simdnn run MODEL --random --batch $batch --repeat 10 ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
for f in "$work/reference_cnn.onnx" "$models/resnet18.onnx" "$models/mobilenet_v2.onnx"; do
  [ -f "$f" ] || continue
  kb="$("$timebin" -f '%M' "$root/simdnn" run "$f" --random --batch "$batch" --repeat 10 2>&1 >/dev/null | tail -n1)"
  printf '%-20s %6.0f MiB  (%s MiB ONNX file)\n' "$(basename "$f" .onnx)" "$((kb / 1024))" "$(($(stat -c %s "$f") / 1048576))"
done
