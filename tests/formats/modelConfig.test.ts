import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { parseModelConfig, parseModelJsonText } from '../../src/formats/keras/modelConfig';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { H5Reader } from '../../src/formats/h5/h5Reader';
import { isGraftError } from '../../src/model/errors';

const SHARED = resolve(__dirname, '../../../shared/fixtures');
const haveShared = existsSync(SHARED);

type Json = Record<string, unknown>;

/** Every architecture in the shared fixtures, with the h5 `layer_names` when the file has them. */
async function sharedConfigs(): Promise<{ file: string; json: Json; layerNames: string[] | null }[]> {
  const host = await createNodeH5Host();
  const out: { file: string; json: Json; layerNames: string[] | null }[] = [];
  for (const dir of ['real', 'keras-apps']) {
    for (const f of readdirSync(resolve(SHARED, dir))) {
      const p = resolve(SHARED, dir, f);
      if (f.endsWith('.json') && !f.includes('truth'))
        out.push({ file: f, json: JSON.parse(readFileSync(p, 'utf8')), layerNames: null });
      else if (f.endsWith('.keras'))
        out.push({
          file: f,
          json: JSON.parse(strFromU8(unzipSync(readFileSync(p))['config.json'])),
          layerNames: null,
        });
      else if (f.endsWith('.h5')) {
        const r = new H5Reader(host.lib, p, f);
        const mc = r.stringAttr('/', 'model_config');
        if (mc)
          out.push({
            file: f,
            json: JSON.parse(mc),
            layerNames: r.stringListAttr('model_weights', 'layer_names'),
          });
        r.close();
      }
    }
  }
  return out;
}

function configLayerNames(json: Json): { name: string; className: string }[] {
  const cfg = json.config as unknown;
  const list = (Array.isArray(cfg) ? cfg : (cfg as Json).layers) as Json[];
  return list.map((l) => ({
    name: String(l.name ?? (l.config as Json).name),
    className: String(l.class_name),
  }));
}

describe.skipIf(!haveShared)(
  'parseModelConfig on every shared fixture (skipped: ../shared/fixtures absent)',
  () => {
    it('recomputes model.layers exactly as Keras wrote it, and as the h5 layer_names list it', async () => {
      const configs = await sharedConfigs();
      expect(configs.length).toBeGreaterThanOrEqual(20);
      for (const { file, json, layerNames } of configs) {
        const arch = parseModelConfig(json, file);
        const top = arch.layers.filter((l) => l.path.length === 0).map((l) => l.name);
        const expected = configLayerNames(json)
          .filter((l) => !(arch.modelClass === 'Sequential' && l.className === 'InputLayer'))
          .map((l) => l.name);
        expect(top, file).toEqual(expected);
        if (layerNames) expect(top, file).toEqual(layerNames);
      }
    });

    it('recovers the Keras order from a shuffled Functional config', async () => {
      const configs = await sharedConfigs();
      const { file, json } = configs.find((c) => c.file === 'resmini_source.json')!;
      const original = parseModelConfig(json, file).layers.map((l) => l.name);
      const shuffled = structuredClone(json);
      const layers = (shuffled.config as Json).layers as unknown[];
      layers.reverse();
      expect(parseModelConfig(shuffled, file).layers.map((l) => l.name)).toEqual(original);
    });

    it('normalises Keras 2 nested-model node offsets (shared siamese model called twice)', async () => {
      const { file, json } = (await sharedConfigs()).find((c) => c.file.startsWith('change-detection'))!;
      const arch = parseModelConfig(json, file);
      const subtract = arch.layers.find((l) => l.name === 'subtract_55')!;
      expect(subtract.inbound).toEqual([
        [
          { layer: 'model_117', node: 0, tensor: 0 },
          { layer: 'model_117', node: 1, tensor: 0 },
        ],
      ]);
      const inner = arch.layers.find((l) => l.name === 'model_117')!;
      expect(inner.inbound.length).toBe(2);
      expect(inner.children?.length).toBe(13);
      expect(arch.layers.filter((l) => l.path[0] === 'model_117').length).toBe(13);
    });

    it('reads Keras 3 args/__keras_tensor__ nodes (residual Add has two inputs)', async () => {
      const { file, json } = (await sharedConfigs()).find((c) => c.file === 'resmini_source.json')!;
      const arch = parseModelConfig(json, file);
      const add = arch.layers.find((l) => l.className === 'Add')!;
      expect(add.inbound[0]).toHaveLength(2);
      expect(arch.inputs).toEqual([{ layer: 'input_layer', node: 0, tensor: 0 }]);
    });

    it('reads a Keras 1 list-form Sequential', async () => {
      const { file, json } = (await sharedConfigs()).find((c) => c.file === 'keras2cpp__my_nn_arch.json')!;
      const arch = parseModelConfig(json, file);
      expect(arch.modelClass).toBe('Sequential');
      expect(arch.layers[0].className).toBe('Convolution2D');
      expect(arch.layers[1].inbound).toEqual([[{ layer: arch.layers[0].name, node: 0, tensor: 0 }]]);
    });
  },
);

describe('parseModelConfig errors', () => {
  it('says when JSON is not a Keras model', () => {
    expect.assertions(2);
    try {
      parseModelJsonText('{"hello": 1}', 'x.json');
    } catch (e) {
      expect(isGraftError(e) && e.code).toBe('not-keras');
      expect((e as Error).message).toMatch(/x\.json: this JSON is not a Keras model/);
    }
  });
  it('says where invalid JSON broke', () => {
    expect(() => parseModelJsonText('{"class_name": ', 'y.json')).toThrow(/y\.json: not valid JSON/);
  });
  it('rejects a dangling inbound reference', () => {
    const json = {
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { name: 'd' }, inbound_nodes: [[['ghost', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    expect(() => parseModelConfig(json, 'z.json')).toThrow(/"d" takes input from "ghost"/);
  });
});
