#!/usr/bin/env bash
# The GPU check, for a machine with a GPU (within 8 minutes): the WebGPU test suites (Dawn in Node, and
# Chromium), then the WebGPU benchmark grid in Node (Dawn) and in Chromium, written beside the CPU results
# under bench/results/gpu/ (summary.md, tests.json, webgpu.json, webgpu-chromium.json, webgpu-fb.svg).
#   scripts/gpu-check.sh              a GPU is expected: the whole grid
#   scripts/gpu-check.sh --software   on SwiftShader (no GPU): the quick subset, into bench/results/gpu-swiftshader/,
#                                     every file marked as CPU timings, not a GPU figure
# Without --software, an adapter that turns out to be software stops the check (exit 3): no figure from
# it may pass for a GPU's. Each stage has its own time limit; the exit status is the first failure's.
set -u
cd "$(dirname "$0")/.."
SOFTWARE=0
[ "${1:-}" = "--software" ] && SOFTWARE=1
# SwiftShader runs every shader on the CPU: its stages get three times a GPU's limits.
if [ $SOFTWARE = 1 ]; then OUT=bench/results/gpu-swiftshader; QUICK=--quick; SCALE=3; else OUT=bench/results/gpu; QUICK=; SCALE=1; fi
mkdir -p "$OUT"
STATUS=0
FAILED=
START=$(date +%s)
note() { echo "gpu-check [$(( $(date +%s) - START ))s]: $*" >&2; }
stage() { # stage <seconds> <name> <command...>
  local limit=$(( $1 * SCALE )) name=$2; shift 2
  note "$name (limit ${limit}s)"
  timeout "$limit" "$@"
  local rc=$?
  if [ $rc -ne 0 ]; then
    note "$name failed (exit $rc)"
    FAILED="$FAILED; $name (exit $rc)"
    [ $STATUS = 0 ] && STATUS=$rc
  fi
  return 0
}

stage 100 'build the kernels and shaders' npm run --silent build:kernels

ADAPTER=$(timeout 30 npx tsx -e "import('./bench/lib/adapter.ts').then(async (m) => { const a = await m.probeAdapter(); console.log(JSON.stringify(a)); process.exit(0); })" 2>/dev/null | tail -1)
note "adapter: ${ADAPTER:-none found}"
case "$ADAPTER" in
  *'"kind":"hardware"'*) KIND=hardware ;;
  *'"kind":"software"'*) KIND=software ;;
  *) KIND=none ;;
esac
if [ $SOFTWARE = 0 ] && [ $KIND != hardware ]; then
  note "no hardware WebGPU adapter (found: $KIND); run with --software to check the script on SwiftShader"
  exit 3
fi

SUITES="test/kernels-webgpu.test.ts test/kernels-webgpu-ops.test.ts test/property-kernels-webgpu.test.ts test/webgpu-f16.test.ts test/webgpu-training.test.ts test/webgpu-state-dict.test.ts test/faults-webgpu.test.ts test/browser-gemm.test.ts"
stage 180 'WebGPU suites (Dawn in Node; WebGPU in Chromium)' env CI=true npx vitest run $SUITES --reporter=default --reporter=json --outputFile="$OUT/tests.json"
stage 100 'WebGPU grid in Node (Dawn)' npx tsx bench/webgpu-node.ts $QUICK --out "$OUT"
stage 60 'WebGPU grid in Chromium' npx tsx bench/webgpu-chromium.ts $QUICK --out "$OUT"

{
  echo "# GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Command: \`scripts/gpu-check.sh${1:+ $1}\`; adapter: \`$ADAPTER\`; exit status $STATUS; $(( $(date +%s) - START )) s."
  echo
  if [ $KIND = software ]; then
    echo "**SwiftShader (software adapter on the CPU): CPU timings, not a GPU figure.** The run checks the script, the suites and the pages; no figure here says anything about a GPU."
  else
    echo "Hardware adapter. Targets: forward+backward at least 2x tfjs-webgpu at every grid point (webgpu.json); f16 at least 1.5x f32 where shader-f16 exists (webgpu.json, webgpu-chromium.json)."
  fi
  echo
  [ -n "$FAILED" ] && echo "Stages that failed (exit 124: over the time limit): ${FAILED#; }." && echo
  echo "Files written: $(cd "$OUT" && ls | grep -v '^summary.md$' | tr '\n' ' ')(tests.json: vitest; webgpu.json, webgpu-fb.svg: Dawn in Node; webgpu-chromium.json: Chromium)."
} > "$OUT/summary.md"
note "wrote $OUT/summary.md (exit $STATUS)"
exit $STATUS
