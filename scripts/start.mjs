// `npm start`: install on first run, then serve the app; it opens with the demo pair from public/demo.
import { existsSync } from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(resolve(root, 'node_modules/.bin/vite'))) run('npm', ['ci', '--no-audit', '--no-fund']);
if (!existsSync(resolve(root, 'public/demo/source.h5'))) {
  console.log(
    'The demo pair is missing from public/demo; the app still starts, with "load demo" unavailable.',
  );
}
const port = process.env.PORT ?? '5173';
console.log(`\nGraft: open http://localhost:${port}/ (the demo pair loads automatically)\n`);
const server = spawn(resolve(root, 'node_modules/.bin/vite'), ['--port', port, '--strictPort'], {
  cwd: root,
  stdio: 'inherit',
});
server.on('exit', (code) => process.exit(code ?? 0));
