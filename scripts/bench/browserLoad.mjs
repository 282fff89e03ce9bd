// The optional browser row: the production build in Debian's Chromium, time from setting the source
// file input to the source graph listing layers (the app's worker mounts the File with WORKERFS and
// reads only metadata). Built into a private folder and served on a free port, so it never touches
// dist/ or port 4173, which the e2e tests use.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Why the browser row cannot run here, or null. */
export function browserUnavailable(root) {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found`;
  const panel = path.join(root, 'src/ui/sides/SidePanel.tsx');
  if (!existsSync(panel)) return 'the app has no side panel yet';
  const text = readFileSync(panel, 'utf8');
  if (!text.includes('-input`}') || !text.includes('-layer-count`}'))
    return 'the app has no source-input / layer-count hooks yet';
  return null;
}

function build(root, outDir) {
  const run = spawnSync(
    'npx',
    ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 10 * 60_000,
    },
  );
  if (run.status !== 0)
    throw new Error(
      `vite build failed: ${(run.stderr || run.stdout).trim().split('\n').slice(-5).join(' ')}`,
    );
}

function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) file = path.join(dir, 'index.html');
    if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function loadOnce(browser, base, file) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/?demo=0`);
    await page.getByTestId('source-panel').waitFor({ timeout: 60_000 });
    const start = Date.now();
    await page.getByTestId('source-input').setInputFiles(file);
    await page.locator('[data-testid="source-graph"] [data-layer]').first().waitFor({ timeout: 300_000 });
    const ms = Date.now() - start;
    const count = await page.getByTestId('source-layer-count').getAttribute('data-count');
    return { ms, layers: Number(count) };
  } finally {
    await context.close();
  }
}

/** Median-of-`repetitions` load time per file; throws when the build or the browser fails. */
export async function measureBrowserLoads({ root, outDir, files, repetitions, log }) {
  const { chromium } = await import('@playwright/test');
  const started = Date.now();
  build(root, outDir);
  log(`  production build in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const server = await serve(outDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const results = [];
    for (const { label, file } of files) {
      const runs = [];
      for (let k = 0; k < repetitions; k++) runs.push(await loadOnce(browser, base, file));
      const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
      results.push({
        label,
        ms: sorted[Math.floor(sorted.length / 2)],
        msAll: runs.map((r) => r.ms),
        layers: runs[0].layers,
      });
      log(`  browser ${label}: ${sorted[Math.floor(sorted.length / 2)]} ms`);
    }
    return results;
  } finally {
    await browser.close();
    server.close();
  }
}
