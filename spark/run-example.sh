#!/usr/bin/env bash
# Fashion-MNIST on Spark in one command: builds the spark module, then trains a simdnn model data-parallel on
# local[2] and scores the test set with the SimdnnModel transformer (org.simdnn.spark.example.FashionMnistOnSpark).
#
#   spark/run-example.sh                                   # MLP, 2 epochs, 60000 images, 2 partitions
#   spark/run-example.sh --model cnn --epochs 1 --train 10000
#   spark/run-example.sh --average-every 8 --partitions 4  # local SGD
#   spark/run-example.sh --throughput mlp                  # scoring: Predictor vs SimdnnModel on local[2]
#   spark/run-example.sh --throughput cnn "local[1]" 256  # what one executor core scores per second
#
# The JVM flags are the POMs' (simdnn.jvm.flags and the spark module's spark.jvm.flags), read from them here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
jdk="$(find_jdk || true)"
if [ -z "$jdk" ]; then
  echo "run-example: needs a JDK 25 or newer (JAVA_HOME or /usr/lib/jvm)" >&2
  exit 1
fi
log="$(mktemp -t simdnn-spark-build.XXXXXX.log)"
if ! (cd "$root" && mvn -q -B -pl spark -am package -DskipTests >"$log" 2>&1); then
  echo "run-example: build failed; log: $log" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
rm -f "$log"
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$2"; }
flags="$(prop simdnn.jvm.flags "$root/pom.xml") $(prop spark.jvm.flags "$root/spark/pom.xml")"
cp="$root/spark/target/classes:$(cat "$root/spark/target/example.classpath")"
main=org.simdnn.spark.example.FashionMnistOnSpark
args=(--master 'local[2]' "$@")
if [ "${1:-}" = --throughput ]; then main=org.simdnn.spark.example.ScoringThroughput; args=("${@:2}"); fi
log4j="-Dlog4j2.configurationFile=$root/spark/src/test/resources/log4j2-test.properties"  # Spark at WARN
# shellcheck disable=SC2086
exec "$jdk/bin/java" $flags -Xmx4g "$log4j" ${SIMDNN_JAVA_OPTS:-} -cp "$cp" "$main" "${args[@]}"
