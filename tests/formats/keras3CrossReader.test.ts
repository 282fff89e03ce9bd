// The same model saved by Keras in two layouts must read as the same ModelSpec (layer ids, classes,
// weight names, shapes, order, trainable flags) and the same values: the writers and the matcher rely
// on it. Legacy side: readLegacyH5 (another reader, sharing no code with the Keras 3 one).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenModel } from '../../src/formats/openModel';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readKeras3Weights } from '../../src/formats/keras/keras3WeightsReader';
import { readKerasArchive } from '../../src/formats/keras/kerasArchiveReader';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { parseModelJsonText } from '../../src/formats/keras/modelConfig';
import { evaluateTensor } from '../../src/core/tensor';
import { sharedAvailable, sharedFixture } from '../support/fixtures';
import { layerSignature, tensorDigest } from './keras3TestSupport';

const fromPath = (file: string) => ({ kind: 'path' as const, path: file, name: path.basename(file) });

async function valueDigests(open: OpenModel): Promise<string[]> {
  const out: string[] = [];
  for (const w of open.spec.layers.flatMap((l) => l.weights)) {
    const tensor = await evaluateTensor(w.values!, { readSource: (p) => open.readDataset(p) });
    out.push(tensorDigest(tensor).sha256);
  }
  return out;
}

describe.skipIf(!sharedAvailable())(
  'one model, two files, two readers (skipped: ../shared/fixtures absent)',
  () => {
    let host: H5Host;
    beforeAll(async () => {
      host = await createNodeH5Host();
    });

    async function expectSameModel(a: OpenModel, b: OpenModel) {
      try {
        expect(layerSignature(a.spec)).toEqual(layerSignature(b.spec));
        expect(a.spec.modelClass).toBe(b.spec.modelClass);
        expect(await valueDigests(a)).toEqual(await valueDigests(b));
      } finally {
        a.close();
        b.close();
      }
    }

    it('resmini_conv4x2_target: .weights.h5 + JSON reads like the legacy full-model .h5', async () => {
      const arch = parseModelJsonText(
        readFileSync(sharedFixture('keras-apps', 'resmini_conv4x2_target.json'), 'utf8'),
        'resmini_conv4x2_target.json',
      );
      const native = await readKeras3Weights(
        host,
        fromPath(sharedFixture('keras-apps', 'resmini_conv4x2_target.weights.h5')),
        { arch },
      );
      const legacy = await readLegacyH5(
        host,
        fromPath(sharedFixture('keras-apps', 'resmini_conv4x2_target.h5')),
      );
      expect(native.spec.layers.filter((l) => l.weights.length > 0)).toHaveLength(64);
      await expectSameModel(native, legacy);
    });

    it('mnv2_0.5_target: the .keras archive reads like the legacy full-model .h5', async () => {
      const archive = await readKerasArchive(
        host,
        fromPath(sharedFixture('keras-apps', 'mnv2_0.5_target.keras')),
      );
      const legacy = await readLegacyH5(host, fromPath(sharedFixture('keras-apps', 'mnv2_0.5_target.h5')));
      expect(archive.spec.layers.filter((l) => l.weights.length > 0)).toHaveLength(104);
      await expectSameModel(archive, legacy);
    });
  },
);
