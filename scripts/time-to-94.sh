#!/usr/bin/env bash
# Time to 94 %: runs `simdnn train --preset fast` once per seed on 2 threads on the full Fashion-MNIST and times
# each run from the command's start to its closing line (JVM start, data loading, evaluation and checkpoints
# included). Prints one markdown row per seed and a summary against the goal (each seed >= 93.8 %, mean >= 94.0 %,
# <= 120 s; stretch <= 90 s), and writes every epoch's point (wall seconds since the start, test accuracy) to a CSV
# from which `simdnn curves` draws test accuracy against wall-clock time.
#
#   scripts/time-to-94.sh                    # seeds 1 2 3
#   scripts/time-to-94.sh 42 7 11            # other seeds
#   REFERENCE=1 scripts/time-to-94.sh 1      # also the reference recipe (--model cnn --epochs 10, ~4 min a seed)
#
# Environment: THREADS (2), OUT (directory for the CSV, the logs and the chart; default a new temporary one),
# EXTRA (more `simdnn train` options for the preset runs, e.g. "--epochs 5"), PLOT=0 (no chart), SIMDNN_AOT=0 (the
# launcher's AOT cache for `train` neither recorded nor used).
# Run it on a quiet machine: other processes on the cores show up directly in the wall times.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${THREADS:-2}"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3)
out="${OUT:-$(mktemp -d -t simdnn-time-to-94.XXXXXX)}"
mkdir -p "$out"
csv="$out/time-to-94.csv"

"$root/simdnn" info >/dev/null   # builds first (and caches the JDK's path), so neither is timed
# The launcher's AOT cache for `train` (classes and method profiles; docs/training.md "Time to 94 %"): recorded here,
# like the build, on a short run when absent or older than the jar, so that no timed run is the recording one. 30
# batches and a short one, as the full epoch ends with one; 1,000 test images, so the evaluation's path is in it too.
aot="$root/cli/target/train.aot"
if [ "${SIMDNN_AOT:-1}" != 0 ] && { [ ! -f "$aot" ] ||
    [ -n "$(find "$root/cli/target" -maxdepth 1 -name 'simdnn-cli-*.jar' -newer "$aot" -print -quit)" ]; }; then
  "$root/simdnn" train --preset fast --epochs 1 --train-limit 3900 --test-limit 1000 --threads "$threads" --no-progress \
    --save "$out/aot-recording.safetensors" >/dev/null
fi

echo "recipe,seed,epoch,wall_s,test_accuracy" >"$csv"
rows=()

# run LABEL SEED ARGS...: one timed run; appends its epochs to the CSV and its row to rows[].
run() {
  local label="$1" seed="$2"; shift 2
  local log="$out/$label-seed$seed.log"
  local t0 t1
  t0="$(date +%s.%N)"
  "$root/simdnn" train "$@" --seed "$seed" --threads "$threads" --no-progress \
    --save "$out/$label-seed$seed.safetensors" >"$log"
  t1="$(date +%s.%N)"
  local wall acc epochs reported
  wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  acc="$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' "$log" | tail -n1)"
  reported="$(sed -n 's/^test accuracy: .*wall seconds: \([0-9.]*\).*/\1/p' "$log" | tail -n1)"
  epochs="$(grep -c '^epoch [0-9]*/' "$log" || true)"
  # epoch lines: "epoch 3/4  train loss 0.5012  test accuracy 0.9301  24.0 s  2500 images/s  wall 80.3 s ..."
  sed -n 's/^epoch \([0-9]*\)\/[0-9]*  .*test accuracy \([0-9.]*\)  .*  wall \([0-9.]*\) s.*/\1 \3 \2/p' "$log" |
    while read -r e w a; do echo "$label,$seed,$e,$w,$a" >>"$csv"; done
  rows+=("| $label | $seed | $epochs | $wall | ${reported:-—} | $acc |")
  echo "$label seed $seed: test accuracy $acc after $epochs epochs, $wall s (command's own count ${reported:-—} s)" >&2
}

for s in "${seeds[@]}"; do
  # shellcheck disable=SC2086
  run fast "$s" --preset fast ${EXTRA:-}
done
if [ "${REFERENCE:-0}" = 1 ]; then
  for s in "${seeds[@]}"; do run reference "$s" --model cnn --epochs 10; done
fi

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $threads threads, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo
echo "| recipe | seed | epochs | wall s (from the command's start) | wall s (closing line) | test accuracy |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
awk -F' \\| ' '$1 == "| fast" { n++; a = $6 + 0; w = $4 + 0; sa += a; sw += w; if (n == 1 || a < mina) mina = a; if (w > maxw) maxw = w }
  END {
    if (n == 0) exit
    mean = sa / n
    printf "fast: mean accuracy %.4f (lowest %.4f), mean wall %.1f s (highest %.1f s) over %d seeds\n", mean, mina, sw / n, maxw, n
    printf "goal (each >= 0.9380, mean >= 0.9400, <= 120 s): %s; stretch (<= 90 s): %s\n",
      (mina >= 0.938 && mean >= 0.94 && maxw <= 120) ? "met" : "not met", (mina >= 0.938 && mean >= 0.94 && maxw <= 90) ? "met" : "not met"
  }' < <(printf '%s\n' "${rows[@]}")
echo "per-epoch points: $csv"
if [ "${PLOT:-1}" != 0 ]; then
  "$root/simdnn" curves "$csv" --out "$out/time-to-94.png" --title "Fashion-MNIST test accuracy vs wall clock, $threads threads" >&2 \
    && echo "chart: $out/time-to-94.png"
fi
