#!/usr/bin/env bash
# GPU check (issue #17): training speed of DCGAN-28 and DCGAN-64 (z 100, width 64, BCE, batch 64)
# on WebGPU, then on wasm on this machine's CPU, on a bare Linux x86-64 machine: no Node, no
# internet. Packed by bench/pack-gpu-check.sh into .gpucheck/ together with everything it needs.
#
#   bash .gpucheck/gpu-check.sh [--quick] [--only webgpu|wasm] [--allow-software-gpu]
#
#   --quick               DCGAN-28 only, 1 warm-up + 1 timed step (to test the packing on a CPU)
#   --only BACKEND        run only that backend's rows (e.g. again on webgpu, after fixing the driver)
#   --allow-software-gpu  time WebGPU on a software adapter too (SwiftShader, llvmpipe); without
#                         it a software adapter counts as "no GPU" and the WebGPU rows say so
#
# Unpacks into $GPU_CHECK_DIR (default /tmp/gpucheck), takes the system's Vulkan loader or the
# packed libvulkan1, and runs each backend × case in its own process with a time limit; the whole
# run stops within $GPU_CHECK_DEADLINE_S seconds (default 480, --quick 900). Output goes to the
# terminal and, when $OUT is set, to $OUT/gpu-check.log (results as JSON lines: $OUT/gpu-check.jsonl).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${GPU_CHECK_DIR:-/tmp/gpucheck}
export PATH="$PATH:/usr/local/nvidia/bin:/usr/sbin:/sbin"

QUICK=0
ONLY=
SOFTWARE=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --only)
      [ $# -ge 2 ] || { echo "gpu-check.sh: --only needs a backend: webgpu or wasm" >&2; exit 64; }
      ONLY=$2
      shift
      ;;
    --allow-software-gpu) SOFTWARE=(--allow-software-gpu) ;;
    *) echo "gpu-check.sh: unknown option $1 (known: --quick, --only webgpu|wasm, --allow-software-gpu)" >&2; exit 64 ;;
  esac
  shift
done
case $ONLY in '' | webgpu | wasm) ;; *) echo "gpu-check.sh: --only takes webgpu or wasm, not '$ONLY'" >&2; exit 64 ;; esac
if [ $QUICK = 1 ]; then DEADLINE=${GPU_CHECK_DEADLINE_S:-900}; else DEADLINE=${GPU_CHECK_DEADLINE_S:-480}; fi

# backend case warm-up timed limit-in-seconds [more options for the phase]
# --peak: time the backend's float32 GEMM peak first; --batch: the same case at a larger batch
if [ $QUICK = 1 ]; then
  PHASES=("webgpu dcgan28-bce 1 1 600" "wasm dcgan28-bce 1 1 120 --peak") # a 4096² peak takes minutes on SwiftShader
else
  PHASES=("webgpu dcgan28-bce 3 10 100 --peak" "webgpu dcgan64-bce 3 10 120 --profile" "webgpu dcgan64-bce 2 5 80 --batch 256"
    "wasm dcgan28-bce 2 5 60 --peak" "wasm dcgan64-bce 1 3 110")
fi

unpack() {
  rm -rf "$WORK" && mkdir -p "$WORK" || return 1
  if command -v xz >/dev/null; then
    xz -dc "$HERE/payload.tar.xz" | tar -x -C "$WORK"
  elif command -v python3 >/dev/null; then
    echo "(no xz here: unpacking with python3)"
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$HERE/payload.tar.xz" "$WORK"
  else
    echo "gpu-check.sh: neither xz nor python3 is installed: cannot unpack $HERE/payload.tar.xz" >&2
    return 1
  fi
}

vulkan_setup() {
  # What the system lacks of the packed libraries goes on LD_LIBRARY_PATH: the Vulkan loader, and
  # glvnd's libraries (without them NVIDIA's Vulkan driver, libGLX_nvidia.so.0, refuses to create an
  # instance), those all or none, so that Debian's never mix with the system's.
  local have
  have=$(ldconfig -p 2>/dev/null | grep 'x86-64' | sed 's/^[[:space:]]*//; s/ .*//')
  has() { grep -qx "$1" <<<"$have"; }
  local missing=() lib name glvnd=0
  for lib in "$WORK"/vulkan/libGL*.so.[0-9] "$WORK"/vulkan/libEGL.so.[0-9] "$WORK"/vulkan/libOpenGL.so.[0-9]; do
    has "$(basename "$lib")" || glvnd=1
  done
  for lib in "$WORK"/vulkan/lib*.so.[0-9]; do
    name=$(basename "$lib")
    if { [ "$name" = libvulkan.so.1 ] && ! has "$name"; } || { [ "$name" != libvulkan.so.1 ] && [ $glvnd = 1 ]; }; then
      mkdir -p "$WORK/lib" && cp -a "$WORK/vulkan/$name"* "$WORK/lib/"
      missing+=("$name")
    fi
  done
  has libvulkan.so.1 && echo "Vulkan loader: the system's ($(ldconfig -p | grep 'x86-64' | grep -m1 'libvulkan\.so\.1 ' | sed 's/.*=> //'))"
  [ ${#missing[@]} -gt 0 ] && echo "Packed libraries (Debian's) on LD_LIBRARY_PATH, as the system lacks them: ${missing[*]}"
  [ -d "$WORK/lib" ] && export LD_LIBRARY_PATH="$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  # NVIDIA's container runtime puts the driver's ICD file where the loader does not look.
  local nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f $nv ] &&
    ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* /usr/local/share/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
    export VK_DRIVER_FILES=$nv
  fi
  local found
  found=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')
  echo "Vulkan drivers: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-found by the loader: ${found:-none}}}"
}

main() {
  local start=$SECONDS
  echo "== GAN Studio GPU check$([ $QUICK = 1 ] && echo ' (--quick)') $(date -u +%FT%TZ)"
  cat "$HERE/MANIFEST" 2>/dev/null
  echo "Machine: $(uname -srm); CPU: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') × $(nproc)"
  if command -v nvidia-smi >/dev/null; then timeout 30 nvidia-smi -L; else echo "nvidia-smi: not present"; fi

  echo "== unpack into $WORK"
  if command -v sha256sum >/dev/null; then (cd "$HERE" && sha256sum -c --quiet payload.sha256) || { echo "gpu-check.sh: payload.tar.xz is damaged (checksum differs); pack and copy it again." >&2; return 1; }; fi
  unpack || { echo "gpu-check.sh: unpacking failed" >&2; return 1; }
  local node=$WORK/node/bin/node
  echo "node $("$node" --version)"
  vulkan_setup

  local results=$WORK/results.jsonl threads
  threads=$(nproc)
  [ "$threads" -gt 8 ] && threads=8 # XNNPACK's limit in tfjs-backend-wasm
  : >"$results"
  local phase backend case warmup steps limit more left rc
  for phase in "${PHASES[@]}"; do
    read -r backend case warmup steps limit more <<<"$phase"
    [ -n "$ONLY" ] && [ "$backend" != "$ONLY" ] && continue
    left=$((DEADLINE - (SECONDS - start) - 20))
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $backend $case: $warmup warm-up + $steps timed steps, limit ${limit} s"
    if [ "$limit" -lt 10 ]; then
      echo "{\"kind\":\"failed\",\"backend\":\"$backend\",\"case\":\"$case\",\"reason\":\"skipped: the run's ${DEADLINE} s were used up\"}" >>"$results"
      continue
    fi
    # On webgpu the Vulkan loader says why a driver did not load (errors and warnings only).
    local debug=${VK_LOADER_DEBUG:-}
    [ "$backend" = webgpu ] && debug=${VK_LOADER_DEBUG:-error,warn}
    # shellcheck disable=SC2086 # $more holds separate options
    (cd "$WORK/app" && VK_LOADER_DEBUG=$debug timeout -k 5 "$limit" "$node" gpu-check.mjs phase --backend "$backend" \
      --case "$case" --warmup "$warmup" --steps "$steps" --threads "$threads" --out "$results" $more "${SOFTWARE[@]}")
    rc=$?
    if [ $rc = 124 ] || [ $rc = 137 ]; then
      echo "{\"kind\":\"failed\",\"backend\":\"$backend\",\"case\":\"$case\",\"reason\":\"timed out after ${limit} s\"}" >>"$results"
    elif [ $rc != 0 ] && [ $rc != 2 ]; then # 2: the phase recorded why its backend did not start
      echo "{\"kind\":\"failed\",\"backend\":\"$backend\",\"case\":\"$case\",\"reason\":\"exited with status $rc (see the log above)\"}" >>"$results"
    fi
  done

  echo "== results ($((SECONDS - start)) s in all)"
  (cd "$WORK/app" && "$node" gpu-check.mjs table "$results")
  [ -n "${OUT:-}" ] && cp "$results" "$OUT/gpu-check.jsonl"
  return 0
}

if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
  main 2>&1 | tee "$OUT/gpu-check.log"
else
  main 2>&1
fi
