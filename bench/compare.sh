#!/usr/bin/env bash
# Builds Nabla and the peers of bench/peers (TorchSharp, TensorFlow.js wasm), runs them ALTERNATELY on the
# same workload for each configuration, and prints a table of median epoch times, ratios (peer / Nabla) and
# the targets of the performance issue. Not run in CI: it takes minutes and needs the machine to itself.
#
# Usage: bench/compare.sh [options]      (every option also has an environment variable, in brackets)
#   --relu-batches "32 128 1024"         batch sizes run with relu hidden units      [RELU_BATCHES]
#   --sigmoid-batches "32 1024"          batch sizes run with sigmoid hidden units   [SIGMOID_BATCHES]
#   --cnn-batches "32 128"               batch sizes run with Keras's simple MNIST convnet (Nabla and
#                                        TorchSharp only; TorchSharp with glibc malloc tuned, see below) [CNN_BATCHES]
#   --depthwise-batches "32 128"         batch sizes run with one MobileNet-style separable block (DepthwiseConv2D
#                                        3x3 relu, 1x1 Conv2D 64 relu, global average pooling, Dense 10) on 16x16x32
#                                        maps (Nabla and TorchSharp only; TorchSharp with tuned malloc) [DEPTHWISE_BATCHES]
#   --depthwise-samples 20000            maps per epoch of the depthwise workload                 [DEPTHWISE_SAMPLES]
#   --rnn-batches "32 256"               batch sizes run with LSTM(128) and GRU(128) over 50 steps of 32
#                                        features, then Dense(1) (Nabla and TorchSharp only)         [RNN_BATCHES]
#   --rnn-samples 20000                  sequences per epoch of the recurrent workloads            [RNN_SAMPLES]
#   --tfjs-relu-batches "32 1024"        the subset TF.js also runs (it is slow)     [TFJS_RELU_BATCHES]
#   --tfjs-sigmoid-batches ""            the same for sigmoid                        [TFJS_SIGMOID_BATCHES]
#   --frameworks "nabla torchsharp tfjs" which programs to run                       [FRAMEWORKS]
#   --epochs 3 --warmup 1 --samples 60000 --threads 2                                [EPOCHS WARMUP SAMPLES THREADS]
#   --rounds 1                           repeat every configuration; report the median over rounds [ROUNDS]
#   --max-load L                         before each run wait (10 min at most) until the 1-minute load
#                                        average is at most L, e.g. 1.5 (a run's own 2 threads lift it toward 2) [MAX_LOAD]
#   --skip-build                         reuse the previous builds                   [SKIP_BUILD=1]
#   NABLA_CMD="dotnet run -c Release --no-build --project src/Nabla.Cli --"   how to start the Nabla CLI
#   --shared DIR                         where tools/torchsharp-debian12.sh lives    [NABLA_SHARED_DIR]
#                                        (default: the shared/ folder beside the repository)
#   Inference section (Predict vs ONNX Runtime running Nabla's exported model; "" skips it):
#   --inference-batches "1 1024"         batch sizes                                 [INFERENCE_BATCHES]
#   --inference-networks "mlp cnn"       the MLP and/or the CNN workload             [INFERENCE_NETWORKS]
#   --inference-samples 10000            samples per timed pass                      [INFERENCE_SAMPLES]
#   --ort-threads "1 2"                  ONNX Runtime intra-op thread counts to run  [ORT_THREADS]
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
RELU_BATCHES=${RELU_BATCHES-32 128 1024}
SIGMOID_BATCHES=${SIGMOID_BATCHES-32 1024}
CNN_BATCHES=${CNN_BATCHES-32 128}
RNN_BATCHES=${RNN_BATCHES-32 256}
DEPTHWISE_BATCHES=${DEPTHWISE_BATCHES-32 128}
DEPTHWISE_SAMPLES=${DEPTHWISE_SAMPLES-20000}
RNN_SAMPLES=${RNN_SAMPLES-20000}
TFJS_RELU_BATCHES=${TFJS_RELU_BATCHES-32 1024}
TFJS_SIGMOID_BATCHES=${TFJS_SIGMOID_BATCHES-}
FRAMEWORKS=${FRAMEWORKS-nabla torchsharp tfjs}
EPOCHS=${EPOCHS-3}
WARMUP=${WARMUP-1}
SAMPLES=${SAMPLES-60000}
THREADS=${THREADS-2}
ROUNDS=${ROUNDS-1}
SKIP_BUILD=${SKIP_BUILD-0}
MAX_LOAD=${MAX_LOAD-}
NABLA_SHARED_DIR=${NABLA_SHARED_DIR-$repo/../shared}
INFERENCE_BATCHES=${INFERENCE_BATCHES-1 1024}
INFERENCE_SAMPLES=${INFERENCE_SAMPLES-10000}
INFERENCE_NETWORKS=${INFERENCE_NETWORKS-mlp cnn}
ORT_THREADS=${ORT_THREADS-1 2}
# How to start the Nabla CLI (e.g. a published binary instead); words split on spaces.
read -r -a nabla_cmd <<< "${NABLA_CMD-dotnet run -c Release --no-build --project $repo/src/Nabla.Cli --}"

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --relu-batches) RELU_BATCHES=${2?}; shift 2 ;;
    --sigmoid-batches) SIGMOID_BATCHES=${2?}; shift 2 ;;
    --cnn-batches) CNN_BATCHES=${2?}; shift 2 ;;
    --rnn-batches) RNN_BATCHES=${2?}; shift 2 ;;
    --depthwise-batches) DEPTHWISE_BATCHES=${2?}; shift 2 ;;
    --depthwise-samples) DEPTHWISE_SAMPLES=${2?}; shift 2 ;;
    --rnn-samples) RNN_SAMPLES=${2?}; shift 2 ;;
    --tfjs-relu-batches) TFJS_RELU_BATCHES=${2?}; shift 2 ;;
    --tfjs-sigmoid-batches) TFJS_SIGMOID_BATCHES=${2?}; shift 2 ;;
    --frameworks) FRAMEWORKS=${2?}; shift 2 ;;
    --epochs) EPOCHS=${2?}; shift 2 ;;
    --warmup) WARMUP=${2?}; shift 2 ;;
    --samples) SAMPLES=${2?}; shift 2 ;;
    --threads) THREADS=${2?}; shift 2 ;;
    --rounds) ROUNDS=${2?}; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --max-load) MAX_LOAD=${2?}; shift 2 ;;
    --shared) NABLA_SHARED_DIR=${2?}; shift 2 ;;
    --inference-batches) INFERENCE_BATCHES=${2?}; shift 2 ;;
    --inference-samples) INFERENCE_SAMPLES=${2?}; shift 2 ;;
    --inference-networks) INFERENCE_NETWORKS=${2?}; shift 2 ;;
    --ort-threads) ORT_THREADS=${2?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option '$1'; run with --help for the list." >&2; exit 2 ;;
  esac
done
for name in EPOCHS WARMUP SAMPLES THREADS ROUNDS RNN_SAMPLES; do
  [[ ${!name} =~ ^[0-9]+$ ]] || { echo "compare.sh: $name must be a non-negative integer, found '${!name}'." >&2; exit 2; }
done
if [ -n "$MAX_LOAD" ] && ! [[ $MAX_LOAD =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "compare.sh: MAX_LOAD must be a number, found '$MAX_LOAD'." >&2; exit 2
fi
for batch in $RELU_BATCHES $SIGMOID_BATCHES $CNN_BATCHES $DEPTHWISE_BATCHES $RNN_BATCHES $TFJS_RELU_BATCHES $TFJS_SIGMOID_BATCHES; do
  [[ $batch =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: batch sizes must be positive integers, found '$batch'." >&2; exit 2; }
done
for framework in $FRAMEWORKS; do
  case "$framework" in nabla|torchsharp|tfjs) ;; *)
    echo "compare.sh: unknown framework '$framework'; expected nabla, torchsharp or tfjs." >&2; exit 2 ;;
  esac
done
wants() { [[ " $FRAMEWORKS " == *" $1 "* ]]; }
contains() { [[ " $1 " == *" $2 "* ]]; }

logs=$(mktemp -d "${TMPDIR:-/tmp}/nabla-compare.XXXXXX")
note() { echo "== $*" >&2; }
median_s() { sed -n 's/.* median_s=\([0-9.]*\).*/\1/p' <<< "$1"; }   # a RESULT line -> its median_s value

# ---------------------------------------------------------------------------------------------- machine
cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
avx512=$(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)
echo "Machine: ${cpu_model:-unknown CPU}, $(nproc) logical cores, AVX-512F: $avx512, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM"
echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other processes skew the figures)"
echo "Workload: $SAMPLES samples, 784-128-10 softmax, MSE, Adam; median of $EPOCHS epochs after $WARMUP warm-up; threads $THREADS; rounds $ROUNDS"
[ -n "$RNN_BATCHES" ] && echo "RNN workload: LSTM(128) and GRU(128) over $RNN_SAMPLES random sequences of 50 steps x 32 features, then Dense(1), MSE, Adam"
[ -n "$CNN_BATCHES" ] && echo "CNN workload: Keras's simple MNIST convnet on $SAMPLES random 28x28x1 images, categorical crossentropy, Adam (855 GFLOP per epoch of 60,000)"
echo "Logs: $logs"
echo

# ---------------------------------------------------------------------------------------------- builds
# Each framework ends up "ok" or carries the reason it cannot run, shown in its table cells.
declare -A status
torch_dir=$repo/bench/peers/torchsharp
torch_out=$torch_dir/bin/Release/net10.0
tfjs_dir=$repo/bench/peers/tfjs
torch_preload=""

build_nabla() {
  if [ "$SKIP_BUILD" != 1 ]; then
    note "building Nabla CLI (Release)"
    if ! dotnet build -c Release "$repo/src/Nabla.Cli" > "$logs/build-nabla.log" 2>&1; then
      status[nabla]="nabla build failed (see $logs/build-nabla.log)"; return
    fi
  fi
  # The bench subcommand may not exist yet in this checkout: probe it rather than crash later. An unknown
  # subcommand followed by --help still exits 0 with the root's help, so look for "<program> bench" in
  # the usage text instead of trusting the exit code.
  "${nabla_cmd[@]}" bench --help > "$logs/nabla-probe.log" 2>&1
  if grep -Eq '^[[:space:]]+[^[:space:]]+ bench([[:space:]]|$)' "$logs/nabla-probe.log"; then
    status[nabla]=ok
  else
    status[nabla]="nabla bench unavailable"
  fi
}

# Debian 12's libstdc++ stops at GLIBCXX_3.4.30; TorchSharp 0.107's shim asks for 3.4.32.
torch_missing_glibcxx() {
  local lib
  while IFS= read -r lib; do
    # grep -c reads all of ldd's output (grep -q could close the pipe early under pipefail).
    [ "$(ldd "$lib" 2>&1 | grep -c "GLIBCXX_3.4.32' not found")" -gt 0 ] && return 0
  done < <(find "$torch_out" -name libLibTorchSharp.so)
  return 1
}

torch_glibcxx_hint() {
  echo "TorchSharp's native shim needs GLIBCXX_3.4.32, which this libstdc++ lacks (Debian 12)." >&2
  echo "  Fix: bash $NABLA_SHARED_DIR/tools/torchsharp-debian12.sh $torch_out" >&2
  echo "  (compare.sh does this itself when it finds the tool; point it there with --shared DIR)" >&2
  echo "  and run the program with LD_PRELOAD set to the path the tool prints (it needs patchelf:" >&2
  echo "  apt-get update && apt-get install -y patchelf)." >&2
}

fix_torch_native() {
  torch_missing_glibcxx || return 0
  local tool=$NABLA_SHARED_DIR/tools/torchsharp-debian12.sh
  if [ ! -f "$tool" ]; then
    echo "compare.sh: $tool not found." >&2; torch_glibcxx_hint
    status[torchsharp]="TorchSharp native load fails (GLIBCXX_3.4.32), see hint above"; return
  fi
  note "patching TorchSharp's native shim for this libstdc++ with $tool"
  local lib attempt
  # The tool patches the first copy it finds, so hand it each folder that holds one.
  while IFS= read -r lib; do
    for attempt in 1 2; do
      torch_preload=$(bash "$tool" "$(dirname "$lib")" 2>> "$logs/torchsharp-patch.log") || true
      [ "$(ldd "$lib" 2>&1 | grep -c "GLIBCXX_3.4.32' not found")" -eq 0 ] && break
    done
  done < <(find "$torch_out" -name libLibTorchSharp.so)
  if torch_missing_glibcxx; then
    echo "compare.sh: the patch did not take (see $logs/torchsharp-patch.log)." >&2; torch_glibcxx_hint
    status[torchsharp]="TorchSharp native load fails (GLIBCXX_3.4.32), see hint above"
  fi
}

build_torchsharp() {
  if [ "$SKIP_BUILD" != 1 ]; then
    note "building bench/peers/torchsharp (Release; the first restore downloads libtorch, hundreds of MB)"
    if ! dotnet build -c Release "$torch_dir" > "$logs/build-torchsharp.log" 2>&1; then
      status[torchsharp]="torchsharp build failed (see $logs/build-torchsharp.log)"; return
    fi
  fi
  status[torchsharp]=ok
  # A rebuild may copy the unpatched shim back, so check every time.
  fix_torch_native
  [ "${status[torchsharp]}" = ok ] || return
  # A tiny run proves the native library loads before any timed work starts.
  if ! LD_PRELOAD=$torch_preload dotnet "$torch_out/TorchSharpBench.dll" --batch 16 --samples 64 --epochs 1 \
      --warmup 0 --threads "$THREADS" > "$logs/torchsharp-smoke.log" 2>&1; then
    if grep -q -e GLIBCXX -e "Failed to load native component" "$logs/torchsharp-smoke.log"; then
      torch_glibcxx_hint
      status[torchsharp]="TorchSharp native load failed (see $logs/torchsharp-smoke.log)"
    else
      status[torchsharp]="TorchSharp smoke run failed (see $logs/torchsharp-smoke.log)"
    fi
  fi
}

build_tfjs() {
  if ! command -v node > /dev/null; then status[tfjs]="node not installed"; return; fi
  if [ "$SKIP_BUILD" != 1 ] || [ ! -d "$tfjs_dir/node_modules/@tensorflow/tfjs-backend-wasm" ]; then
    note "installing bench/peers/tfjs (npm ci)"
    if ! (cd "$tfjs_dir" && npm ci --no-audit --no-fund) > "$logs/build-tfjs.log" 2>&1; then
      status[tfjs]="npm ci failed (see $logs/build-tfjs.log)"; return
    fi
  fi
  status[tfjs]=ok
}

wants nabla && build_nabla
wants torchsharp && build_torchsharp
wants tfjs && build_tfjs
for framework in $FRAMEWORKS; do
  [ "${status[$framework]}" = ok ] || echo "$framework: ${status[$framework]}"
done

# ---------------------------------------------------------------------------------------------- runs
declare -A result   # "framework batch activation" -> space-separated medians, one per round
wait_for_quiet() {   # other processes on the same cores distort the timings, libtorch's most of all
  [ -n "$MAX_LOAD" ] || return 0
  local waited=0 load
  while load=$(cut -d' ' -f1 /proc/loadavg); awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN {exit !(l > m)}'; do
    if [ $waited -ge 600 ]; then
      echo "compare.sh: load average still $load after 10 minutes (wanted <= $MAX_LOAD); running anyway." >&2
      return
    fi
    sleep 10; waited=$((waited + 10))
  done
}

# libtorch's large conv buffers: with glibc's default thresholds malloc hands them back to the system after
# every op and the page faults cost about 30% of a CNN epoch here. Tuned, TorchSharp runs at its best.
torch_cnn_malloc=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456)

run_one() {   # framework batch workload(relu|sigmoid|cnn|depthwise|lstm|gru) round
  local framework=$1 batch=$2 activation=$3 round=$4
  local args=(--batch "$batch" --epochs "$EPOCHS" --warmup "$WARMUP" --threads "$THREADS")
  local torch_env=()
  case "$activation" in
    cnn) args+=(--network cnn --samples "$SAMPLES"); torch_env=("${torch_cnn_malloc[@]}") ;;
    depthwise) args+=(--network depthwise --samples "$DEPTHWISE_SAMPLES"); torch_env=("${torch_cnn_malloc[@]}") ;;
    lstm|gru) args+=(--network "$activation" --samples "$RNN_SAMPLES") ;;
    *) args+=(--activation "$activation" --samples "$SAMPLES") ;;
  esac
  local log="$logs/$framework-$batch-$activation-r$round.log" name rc
  wait_for_quiet
  note "run $framework batch $batch $activation (round $round; load average $(cut -d' ' -f1 /proc/loadavg))"
  case "$framework" in
    nabla) name=nabla
      "${nabla_cmd[@]}" bench "${args[@]}" > "$log" 2>&1 ;;
    torchsharp) name=torchsharp
      env "${torch_env[@]}" LD_PRELOAD="$torch_preload" dotnet "$torch_out/TorchSharpBench.dll" "${args[@]}" > "$log" 2>&1 ;;
    tfjs) name=tfjs-wasm
      (cd "$tfjs_dir" && node bench.js "${args[@]}") > "$log" 2>&1 ;;
  esac
  rc=$?
  local line median
  line=$(grep "^RESULT framework=$name batch=$batch activation=$activation " "$log" | tail -n 1)
  median=$(median_s "$line")
  if [ $rc -ne 0 ] || [ -z "$median" ]; then
    echo "compare.sh: $framework batch $batch $activation failed (exit $rc); last lines of $log:" >&2
    tail -n 5 "$log" >&2
    if [ "$framework" = torchsharp ] && grep -q -e GLIBCXX -e "Failed to load native component" "$log"; then
      torch_glibcxx_hint
    fi
    return 1
  fi
  echo "$line"
}

configs=()
for batch in $RELU_BATCHES; do configs+=("$batch relu"); done
for batch in $SIGMOID_BATCHES; do configs+=("$batch sigmoid"); done
for batch in $CNN_BATCHES; do configs+=("$batch cnn"); done
for batch in $DEPTHWISE_BATCHES; do configs+=("$batch depthwise"); done
for batch in $RNN_BATCHES; do configs+=("$batch lstm" "$batch gru"); done
failures=0
peak_load=0
for config in "${configs[@]}"; do
  read -r batch activation <<< "$config"
  for ((round = 1; round <= ROUNDS; round++)); do
    # Alternate the programs within each configuration so that a slow spell hits them all alike.
    for framework in $FRAMEWORKS; do
      [ "${status[$framework]}" = ok ] || continue
      if [ "$framework" = tfjs ]; then
        [[ $activation = cnn || $activation = depthwise || $activation = lstm || $activation = gru ]] && continue
        if [ "$activation" = relu ]; then contains "$TFJS_RELU_BATCHES" "$batch" || continue
        else contains "$TFJS_SIGMOID_BATCHES" "$batch" || continue; fi
      fi
      peak_load=$(awk -v a="$peak_load" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {print (b > a) ? b : a}')
      # run_one runs in a subshell, so it hands back its RESULT line rather than setting variables.
      if line=$(run_one "$framework" "$batch" "$activation" "$round"); then
        echo "$line"
        result["$framework $batch $activation"]+="$(median_s "$line") "
      else
        failures=$((failures + 1))
      fi
    done
  done
done
echo

# ---------------------------------------------------------------------------------------------- table
median_of() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{v[NR]=$1} END {if (NR == 0) exit;
  if (NR % 2) printf "%.4f", v[(NR+1)/2]; else printf "%.4f", (v[NR/2]+v[NR/2+1])/2}'; }

cell() {   # framework batch activation -> seconds, or why there is none
  local framework=$1 batch=$2 activation=$3
  if ! wants "$framework"; then echo "-"; return; fi
  if [ "$framework" = tfjs ]; then
    [[ $activation = cnn || $activation = depthwise || $activation = lstm || $activation = gru ]] && { echo "-"; return; }
    local list=$TFJS_RELU_BATCHES; [ "$activation" = sigmoid ] && list=$TFJS_SIGMOID_BATCHES
    contains "$list" "$batch" || { echo "-"; return; }
  fi
  if [ "${status[$framework]}" != ok ]; then echo "${status[$framework]}"; return; fi
  local value; value=$(median_of "${result["$framework $batch $activation"]-}")
  echo "${value:-failed}"
}

torch_target() {   # batch workload
  if [ "$2" = cnn ]; then case "$1" in 32) echo 2 ;; 128) echo 1.5 ;; *) echo "" ;; esac; return; fi
  if [ "$2" = lstm ]; then case "$1" in 32) echo 3 ;; 256) echo 2 ;; *) echo "" ;; esac; return; fi
  if [ "$2" = gru ] || [ "$2" = depthwise ]; then echo ""; return; fi
  case "$1" in 32) echo 5 ;; 128) echo 3 ;; 1024) echo 2 ;; *) echo "" ;; esac
}
tfjs_target() { case "$1" in 32) echo 20 ;; *) echo "" ;; esac; }

is_number() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
verdict() {   # peer_seconds nabla_seconds target -> "ratio target verdict"
  local peer=$1 nabla=$2 target=$3
  local goal="none"; [ -n "$target" ] && goal=">=${target}x"
  if ! is_number "$peer" || ! is_number "$nabla"; then echo "n/a $goal -"; return; fi
  local ratio; ratio=$(awk -v p="$peer" -v n="$nabla" 'BEGIN {printf "%.2f", p / n}')
  if [ -z "$target" ]; then echo "${ratio}x $goal -"; return; fi
  local pass; pass=$(awk -v r="$ratio" -v t="$target" 'BEGIN {print (r >= t) ? "PASS" : "FAIL"}')
  echo "${ratio}x $goal $pass"
}

printf '%-14s | %-12s | %-12s | %-12s | %-8s %-7s %-5s | %-8s %-7s %-5s\n' \
  "config" "Nabla s" "TorchSharp s" "TF.js s" "Torch/N" "target" "" "TFjs/N" "target" ""
printf '%s\n' "$(printf '%.0s-' {1..110})"
short() {   # keeps table cells narrow; the reasons are listed under the table
  if is_number "$1" || [ "$1" = "-" ] || [ "$1" = failed ]; then echo "$1"; else echo "n/a"; fi
}
for config in "${configs[@]}"; do
  read -r batch activation <<< "$config"
  nabla=$(cell nabla "$batch" "$activation")
  torch=$(cell torchsharp "$batch" "$activation")
  tfjs=$(cell tfjs "$batch" "$activation")
  read -r t_ratio t_target t_verdict <<< "$(verdict "$torch" "$nabla" "$(torch_target "$batch" "$activation")")"
  if [ "$tfjs" = "-" ]; then t2=("-" "" "")
  else read -r -a t2 <<< "$(verdict "$tfjs" "$nabla" "$(tfjs_target "$batch")")"; fi
  printf '%-14s | %-12s | %-12s | %-12s | %-8s %-7s %-5s | %-8s %-7s %-5s\n' \
    "b$batch $activation" "$(short "$nabla")" "$(short "$torch")" "$(short "$tfjs")" \
    "$t_ratio" "$t_target" "$t_verdict" "${t2[0]}" "${t2[1]-}" "${t2[2]-}"
done
for framework in $FRAMEWORKS; do
  [ "${status[$framework]}" = ok ] && continue
  echo "n/a for $framework: ${status[$framework]}"
  # A peer that cannot run is an error; Nabla's bench command missing from an older checkout is not.
  [ "${status[$framework]}" = "nabla bench unavailable" ] || failures=$((failures + 1))
done
echo
echo "Targets (issue 6): Nabla's epoch at most 1/5 of TorchSharp's at batch 32, 1/3 at 128, 1/2 at 1024;"
echo "at least 20x faster than TF.js wasm at batch 32. CNN (issue 12): at most 1/2 of TorchSharp's epoch at batch 32,"
echo "2/3 at 128 (TorchSharp's CNN runs with glibc malloc tuned). LSTM (issue 13): at most 1/3 at batch 32, 1/2 at 256;"
echo "GRU timed without a target. Ratios are peer time / Nabla time (higher is better)."
echo "TF.js wasm runs single-threaded under Node whatever --threads says (see bench/peers/README.md)."
if awk -v l="$peak_load" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
  echo "WARNING: the load average reached $peak_load before a run on this $(nproc)-core machine. libtorch's"
  echo "OpenMP threads slow down far more than Nabla's under contention (2-20x seen), which inflates the"
  echo "TorchSharp ratios. Rerun on an idle machine, or with --max-load, before trusting them."
fi
# ---------------------------------------------------------------------------------------------- inference
# Issue 6: Predict on 10,000 samples at batch 1 and 1024 at least as fast as ONNX Runtime running Nabla's
# own exported model. Nabla exports the seed network (`bench --inference --onnx-out`), the peer
# (bench/peers/onnxruntime) loads that file; the two alternate per configuration as above.
ort_dir=$repo/bench/peers/onnxruntime
ort_dll=$ort_dir/bin/Release/net10.0/OnnxRuntimeBench.dll
declare -A inference   # "nabla network batch" / "ort-T network batch" -> medians, one per round
inference_failed() {   # name log rc
  echo "compare.sh: inference $1 failed (exit $3); last lines of $2:" >&2; tail -n 5 "$2" >&2
}
run_inference() {   # network batch round
  local network=$1 batch=$2 round=$3 log line threads
  local onnx_file=$logs/$network.onnx
  wait_for_quiet
  log=$logs/inference-nabla-$network-$batch-r$round.log
  note "inference nabla $network batch $batch (round $round; load average $(cut -d' ' -f1 /proc/loadavg))"
  "${nabla_cmd[@]}" bench --inference --network "$network" --batch "$batch" --samples "$INFERENCE_SAMPLES" --threads "$THREADS" \
    --warmup "$WARMUP" --onnx-out "$onnx_file" > "$log" 2>&1
  local rc=$?
  line=$(grep "^RESULT framework=nabla mode=inference batch=$batch " "$log" | tail -n 1)
  if [ $rc -ne 0 ] || [ -z "$line" ]; then inference_failed nabla "$log" $rc; failures=$((failures + 1)); return; fi
  echo "$line"
  inference["nabla $network $batch"]+="$(median_s "$line") "
  [ "$ort_status" = ok ] || return
  for threads in $ORT_THREADS; do
    wait_for_quiet
    log=$logs/inference-ort$threads-$network-$batch-r$round.log
    note "inference onnxruntime intra-op $threads $network batch $batch (round $round; load average $(cut -d' ' -f1 /proc/loadavg))"
    dotnet "$ort_dll" --model "$onnx_file" --batch "$batch" --samples "$INFERENCE_SAMPLES" --warmup "$WARMUP" \
      --intra-threads "$threads" > "$log" 2>&1
    rc=$?
    line=$(grep "^RESULT framework=onnxruntime mode=inference batch=$batch " "$log" | tail -n 1)
    if [ $rc -ne 0 ] || [ -z "$line" ]; then inference_failed "onnxruntime ($threads threads)" "$log" $rc; failures=$((failures + 1)); continue; fi
    echo "$line"
    inference["ort-$threads $network $batch"]+="$(median_s "$line") "
  done
}

if [ -n "$INFERENCE_BATCHES" ] && [ "${status[nabla]-}" = ok ]; then
  for network in $INFERENCE_NETWORKS; do
    [[ $network = mlp || $network = cnn ]] || { echo "compare.sh: inference networks are mlp and cnn, found '$network'." >&2; exit 2; }
  done
  for value in $INFERENCE_BATCHES $INFERENCE_SAMPLES $ORT_THREADS; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: inference batch sizes, samples and ORT threads must be positive integers, found '$value'." >&2; exit 2; }
  done
  ort_status=ok
  if [ "$SKIP_BUILD" != 1 ]; then
    note "building bench/peers/onnxruntime (Release)"
    dotnet build -c Release "$ort_dir" > "$logs/build-onnxruntime.log" 2>&1 || ort_status="onnxruntime build failed (see $logs/build-onnxruntime.log)"
  fi
  [ "$ort_status" = ok ] && [ ! -f "$ort_dll" ] && ort_status="onnxruntime peer not built ($ort_dll missing)"
  [ "$ort_status" = ok ] || { echo "$ort_status"; failures=$((failures + 1)); }
  echo
  echo "Inference: Predict over $INFERENCE_SAMPLES samples (mlp: 784-128 relu-10 softmax; cnn: the simple MNIST convnet), median of 5 passes after $WARMUP warm-up;"
  echo "ONNX Runtime 1.31.1 runs Nabla's exported file with default session options, IOBinding, intra-op threads as shown. Nabla threads $THREADS."
  for network in $INFERENCE_NETWORKS; do
    for batch in $INFERENCE_BATCHES; do
      for ((round = 1; round <= ROUNDS; round++)); do
        peak_load=$(awk -v a="$peak_load" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {print (b > a) ? b : a}')
        run_inference "$network" "$batch" "$round"
      done
    done
  done
  echo
  header=$(printf '%-12s | %-10s' "batch" "Nabla s")
  for threads in $ORT_THREADS; do header+=$(printf ' | %-10s %-8s' "ORT ${threads}t s" "ORT/N"); done
  echo "$header | target (>=1x vs fastest ORT)"
  printf '%s\n' "$(printf '%.0s-' {1..90})"
  for network in $INFERENCE_NETWORKS; do
  for batch in $INFERENCE_BATCHES; do
    nabla=$(median_of "${inference["nabla $network $batch"]-}")
    row=$(printf '%-12s | %-10s' "$network $batch" "${nabla:-failed}")
    best=""
    for threads in $ORT_THREADS; do
      ort=$(median_of "${inference["ort-$threads $network $batch"]-}")
      read -r ratio _ _ <<< "$(verdict "${ort:-n/a}" "${nabla:-n/a}" "")"
      row+=$(printf ' | %-10s %-8s' "${ort:-n/a}" "$ratio")
      if is_number "${ort:-}" && { [ -z "$best" ] || awk -v o="$ort" -v b="$best" 'BEGIN {exit !(o < b)}'; }; then best=$ort; fi
    done
    read -r _ _ pass <<< "$(verdict "${best:-n/a}" "${nabla:-n/a}" 1)"
    echo "$row | $pass"
  done
  done
  echo "Ratios are ONNX Runtime time / Nabla time (higher is better for Nabla)."
fi

if [ "$failures" -gt 0 ]; then
  echo "compare.sh: $failures run(s) or build(s) failed; see the messages above and $logs." >&2
  exit 1
fi
