// An automatic pair no adapter can fit is dropped (the target keeps its own values) instead of
// blocking the export; a manual link to the same layer stays, with its problem shown.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChange, createMapping, matchFeasibleLinks, planTransfer } from '../../src/core';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import { SHARED, sharedAvailable } from '../support/fixtures';

const file = (name: string) => ({ kind: 'path' as const, path: path.join(SHARED, 'keras-apps', name), name });

describe.skipIf(!sharedAvailable())(
  'matchFeasibleLinks on keras-apps (skipped without ../shared/fixtures)',
  () => {
    const open: OpenModel[] = [];
    let vggSource: OpenModel;
    let vggTarget: OpenModel;
    beforeAll(async () => {
      const host = await createNodeH5Host();
      vggSource = await readModel(host, { weights: file('vggmini_source.h5') });
      vggTarget = await readModel(host, { weights: file('vggmini_noblock4_target.h5') });
      open.push(vggSource, vggTarget);
    });
    afterAll(() => open.forEach((m) => m.close()));

    it('drops fc1 (flatten grew 512 -> 2048) with the reason, and the plan then has no problem', async () => {
      const result = await matchFeasibleLinks(vggSource.spec, vggTarget.spec);
      expect(result.dropped.map((d) => d.target)).toEqual(['fc1']);
      expect(result.dropped[0].reason).toMatch(/flatten grows 512 -> 2048/);
      expect(result.unmatched).toContain('fc1');
      expect(result.mapping.links.find((l) => l.target === 'fc1')).toBeUndefined();
      expect(result.mapping.links.find((l) => l.target === 'block5_conv1')?.source).toBe('block5_conv1');
      const plan = await planTransfer(vggSource.spec, vggTarget.spec, result.mapping);
      expect(plan.problems).toEqual([]);
      expect(plan.layers.find((l) => l.target === 'fc1')?.weights.map((w) => w.status)).toEqual([
        'kept-initial',
        'kept-initial',
      ]);
    });

    it('keeps a manual link the user insists on, and its problem blocks the plan', async () => {
      const manual = applyChange(createMapping(), {
        kind: 'connect',
        target: 'fc1',
        source: 'fc1',
        lock: true,
      });
      const result = await matchFeasibleLinks(vggSource.spec, vggTarget.spec, manual);
      expect(result.dropped).toEqual([]);
      const plan = await planTransfer(vggSource.spec, vggTarget.spec, result.mapping);
      expect(plan.problems.join(' ')).toMatch(/fc1/);
    });
  },
);
