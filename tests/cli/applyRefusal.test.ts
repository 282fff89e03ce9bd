// apply and the report agree: a plan with a problem is refused, exit 1, and nothing is written.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main';
import { sharedAvailable, sharedFixture } from '../support/fixtures';

describe.skipIf(!sharedAvailable())(
  'apply refuses a plan with problems (skipped without ../shared/fixtures)',
  () => {
    it('a locked fc1 link across a grown Flatten: exit 1, the reason, no file', async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'graft-refuse-'));
      const mapping = path.join(work, 'm.json');
      writeFileSync(mapping, JSON.stringify({ links: { fc1: 'fc1' } })); // version 0: manual, locked
      const out = path.join(work, 'vgg.h5');
      const err: string[] = [];
      const io: CliIo = { out: () => {}, err: (t) => err.push(t) };
      const argv = [
        'apply',
        sharedFixture('keras-apps', 'vggmini_source.h5'),
        sharedFixture('keras-apps', 'vggmini_noblock4_target.h5'),
      ];
      const code = await main([...argv, '--mapping', mapping, '-o', out], io);
      expect(code).toBe(1);
      expect(err.join('\n')).toMatch(
        /^error: cannot export while the plan has problems: fc1.*flatten grows 512 -> 2048/,
      );
      expect(existsSync(out)).toBe(false);
    });
  },
);
