#!/usr/bin/env bash
# Start-up of edge inference: wall time from launching `java` to the end of a process that loads the reference CNN
# (ONNX, exported by `./simdnn export --model cnn`), runs it once on a batch of 1 and prints the result -- the median of
# N runs, without and with JDK 25's AOT cache, and through the launcher. Also the first call's own latency as
# `simdnn run` reports it, and the same with scalar kernels (-Dsimdnn.vectorBits=0: no Vector API code to JIT).
# Usage: scripts/startup.sh [N]   (default 10). Writes nothing outside a temporary folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10}"
work="$(mktemp -d -t simdnn-startup.XXXXXX)"
trap 'rm -rf "$work"' EXIT

"$root/simdnn" export --model cnn --onnx "$work/cnn.onnx" >/dev/null 2>&1 # builds first when needed
args=(run "$work/cnn.onnx" --random --repeat 1)
# The java command line the launcher runs, split before the main class so that flags can be added.
eval "full=($(SIMDNN_AOT=0 SIMDNN_PRINT_COMMAND=1 "$root/simdnn" "${args[@]}"))"
for i in "${!full[@]}"; do [ "${full[$i]}" = org.simdnn.cli.Main ] && split=$i; done
jvm=("${full[@]:0:$split}")
app=("${full[@]:$split}")

# The training run: the same program, 20 calls, recording classes and profiles; then the cache is assembled.
"${jvm[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$work/cnn.aotconf" -Xlog:disable "${app[@]:0:$((${#app[@]} - 1))}" 20 \
  >/dev/null 2>&1
"${jvm[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$work/cnn.aotconf" -XX:AOTCache="$work/cnn.aot" -Xlog:disable \
  >/dev/null 2>&1

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# time_runs LABEL CMD...: N runs; median wall ms and median first-call ms (from the run's "first call:" line).
time_runs() {
  local label="$1"; shift
  local walls=() firsts=() t0 t1 out
  for ((k = 0; k < n; k++)); do
    t0=$(date +%s%N)
    out="$("$@" 2>/dev/null)"
    t1=$(date +%s%N)
    walls+=($(((t1 - t0) / 1000000)))
    firsts+=("$(sed -n 's/^first call: \([0-9.]*\) ms.*/\1/p' <<<"$out")")
  done
  printf '%-44s %6s ms   first call %8s ms\n' "$label" "$(printf '%s\n' "${walls[@]}" | median)" \
    "$(printf '%s\n' "${firsts[@]}" | median)"
}

echo "reference CNN, batch 1, one call; median of $n runs ($(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
time_runs "java, no AOT cache" "${jvm[@]}" "${app[@]}"
time_runs "java, AOT cache" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" "${app[@]}"
time_runs "java, AOT cache, scalar kernels" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" -Dsimdnn.vectorBits=0 "${app[@]}"
time_runs "./simdnn run (launcher, its own AOT cache)" "$root/simdnn" "${args[@]}"
