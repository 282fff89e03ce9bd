#!/usr/bin/env bash
# `npm test`: everything CI runs, in order of cost. Each stage prints what it skipped and why.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi

echo "== types and lint (npm run check)"
npm run --silent check

echo "== unit and format tests (vitest, real h5wasm, h5py as independent reader)"
npx vitest run

echo "== real Keras loads what we write (npm run test:keras)"
npm run --silent test:keras

echo "== end-to-end in Chromium (npm run test:e2e)"
npm run --silent test:e2e
