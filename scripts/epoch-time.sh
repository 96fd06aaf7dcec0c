#!/usr/bin/env bash
# Measures training the same way every time: `simdnn train` on the full Fashion-MNIST (60k train / 10k test),
# fixed seed, no progress bar, under /usr/bin/time -v; prints the per-epoch lines, the closing line and one
# markdown table row: model | epochs | threads | test accuracy | epoch s (median) | images/s | peak RSS MiB.
#
#   scripts/epoch-time.sh cnn 10 2          # the issue-7 goal run (about 10 epochs x 25 s)
#   scripts/epoch-time.sh cnn 1 2           # one epoch: the epoch time alone
#   scripts/epoch-time.sh mlp 5 2
#   scripts/epoch-time.sh perceptron 1 2
#
# Extra arguments after the third go to `simdnn train` (e.g. --augment flip, --batch 256).
# Epoch seconds cover the training pass only (not the test-set evaluation); images/s = 60000 / epoch seconds.
# Run on a quiet machine: other processes on the 2 cores show up directly in the numbers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-cnn}"; epochs="${2:-1}"; threads="${3:-2}"
shift $(( $# < 3 ? $# : 3 ))
out="$(mktemp -d -t simdnn-epoch.XXXXXX)"
trap 'rm -rf "$out"' EXIT

"$root/simdnn" info >/dev/null   # builds first, so the build is not timed
/usr/bin/time -v -o "$out/time.txt" "$root/simdnn" train --model "$model" --epochs "$epochs" --threads "$threads" \
  --seed 42 --no-progress --save "$out/model.safetensors" "$@" | tee "$out/train.txt"

final="$(grep '^test accuracy:' "$out/train.txt" | tail -n1)"
acc="$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' <<<"$final")"
sec="$(sed -n 's/.*epoch seconds (median): \([0-9.]*\).*/\1/p' <<<"$final")"
ips="$(sed -n 's/.*images\/s: \([0-9]*\).*/\1/p' <<<"$final")"
rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$out/time.txt")"
echo
echo "| model | epochs | threads | test accuracy | epoch s (median) | images/s | peak RSS MiB | date |"
echo "|---|---|---|---|---|---|---|---|"
printf '| %s | %s | %s | %s | %s | %s | %d | %s |\n' "$model" "$epochs" "$threads" "$acc" "$sec" "$ips" \
  "$(( rss_kb / 1024 ))" "$(date -u +%Y-%m-%d)"
