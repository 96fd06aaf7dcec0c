#!/usr/bin/env bash
# Start-up of edge inference: wall time from launching `java` to the end of a process that loads the reference CNN
# (ONNX, exported by `./simdnn export --model cnn`), runs it once on a batch of 1 and prints the result -- the median of
# N runs of each variant, the variants interleaved (round k runs every variant once, so a slow spell of the host hits
# them alike). Also the first call's own latency as `simdnn run` reports it. Variants: without and with JDK 25's AOT
# cache, the scalar-first start (the default) against vector kernels from the first call
# (-Dsimdnn.onnx.scalarFirst=false) and scalar kernels only (-Dsimdnn.vectorBits=0), and the launcher script.
# Usage: scripts/startup.sh [N] [--flags]   (default 10). --flags adds JVM-flag variants (ParallelGC, the
# launcher's choice before SerialGC, with its own AOT cache; -XX:TieredStopAtLevel=1; -XX:-UsePerfData; the
# launcher without its source check). Writes nothing outside a temporary folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10}"
flags="${2:-}"
work="$(mktemp -d -t simdnn-startup.XXXXXX)"
trap 'rm -rf "$work"' EXIT

"$root/simdnn" export --model cnn --onnx "$work/cnn.onnx" >/dev/null 2>&1 # builds first when needed
args=(run "$work/cnn.onnx" --random --repeat 1)
# The java command line the launcher runs, split before the main class so that flags can be added.
eval "full=($(SIMDNN_AOT=0 SIMDNN_PRINT_COMMAND=1 "$root/simdnn" "${args[@]}"))"
for i in "${!full[@]}"; do [ "${full[$i]}" = org.simdnn.cli.Main ] && split=$i; done
jvm=("${full[@]:0:$split}")
app=("${full[@]:$split}")
# The same JVM with ParallelGC in place of the launcher's SerialGC (an AOT cache is tied to the GC: it gets its own).
parallel=()
for f in "${jvm[@]}"; do [ "$f" = -XX:+UseSerialGC ] && parallel+=(-XX:+UseParallelGC) || parallel+=("$f"); done

# train NAME JVM...: the training run (the same program, 20 calls, recording classes and profiles), then the cache.
train() {
  local name="$1"; shift
  "$@" -XX:AOTMode=record -XX:AOTConfiguration="$work/$name.aotconf" -Xlog:disable "${app[@]:0:$((${#app[@]} - 1))}" 20 \
    >/dev/null 2>&1
  "$@" -XX:AOTMode=create -XX:AOTConfiguration="$work/$name.aotconf" -XX:AOTCache="$work/$name.aot" -Xlog:disable \
    >/dev/null 2>&1
}
train cnn "${jvm[@]}"
[ "$flags" = --flags ] && train parallel "${parallel[@]}"

labels=()
cmds=()
variant() { labels+=("$1"); shift; cmds+=("$(printf '%q ' "$@")"); }
variant "java, no AOT cache" "${jvm[@]}" "${app[@]}"
variant "java, AOT cache" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" "${app[@]}"
variant "java, AOT cache, vector from the first call" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" \
  -Dsimdnn.onnx.scalarFirst=false "${app[@]}"
variant "java, AOT cache, scalar kernels only" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" -Dsimdnn.vectorBits=0 "${app[@]}"
variant "./simdnn run (launcher, its own AOT cache)" "$root/simdnn" "${args[@]}"
if [ "$flags" = --flags ]; then
  variant "java, AOT cache, ParallelGC" "${parallel[@]}" -XX:AOTCache="$work/parallel.aot" "${app[@]}"
  variant "java, AOT cache, -XX:-UsePerfData" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" -XX:-UsePerfData "${app[@]}"
  variant "java, AOT cache, -XX:TieredStopAtLevel=1" "${jvm[@]}" -XX:AOTCache="$work/cnn.aot" \
    -XX:TieredStopAtLevel=1 "${app[@]}"
  variant "./simdnn run, SIMDNN_BUILD_CHECK=0" env SIMDNN_BUILD_CHECK=0 "$root/simdnn" "${args[@]}"
fi
"$root/simdnn" "${args[@]}" >/dev/null 2>&1 # the launcher records its own cache on its first run

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "reference CNN, batch 1, one call; median of $n interleaved runs ($(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
for ((k = 0; k < n; k++)); do
  for i in "${!labels[@]}"; do
    eval "cmd=(${cmds[$i]})"
    t0=$(date +%s%N)
    out="$("${cmd[@]}" 2>/dev/null)"
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000)) >>"$work/wall.$i"
    sed -n 's/^first call: \([0-9.]*\) ms.*/\1/p' <<<"$out" >>"$work/first.$i"
  done
done
for i in "${!labels[@]}"; do
  printf '%-48s %6s ms   first call %8s ms\n' "${labels[$i]}" "$(median <"$work/wall.$i")" "$(median <"$work/first.$i")"
done
echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg))"
