// `graft convert`: re-write a file in another layout. Readers already present Keras 1 / Theano files in
// the Keras 2 layout (as tensor expressions), so converting is writing the spec's own values.

import { resolve } from 'node:path';
import { GraftError } from '../model/errors';
import { evaluateTensor } from '../core/tensor';
import { createNodeH5Host } from '../formats/h5/nodeH5Host';
import { readModel } from '../formats/readModel';
import { layoutForFileName, writeModelFile } from '../formats/keras/write/writeModelFile';
import { modelFiles } from './cliFiles';
import type { CliIo, CliOptions } from './main';
import { commitOutput } from './commitOutput';

export async function runConvert(
  input: string,
  output: string,
  options: CliOptions,
  io: CliIo,
): Promise<void> {
  const host = await createNodeH5Host();
  const files = modelFiles(input, options.arch, 'input');
  const model = await readModel(host, files);
  try {
    const spec = model.spec;
    if (spec.format === 'keras-json') {
      throw new GraftError(
        'usage',
        `${files.weights!.name} is an architecture without weights; convert a weights file (pass the JSON with --arch)`,
      );
    }
    const layout = layoutForFileName(output, spec);
    const written = await writeModelFile(host, {
      layout,
      target: spec,
      tensors: (layer, index) => {
        const values = layer.weights[index].values;
        if (!values)
          throw new GraftError(
            'corrupt',
            `${files.weights!.name}: layer ${layer.id} weight ${layer.weights[index].name} has no stored values`,
          );
        // Each readDataset is a fresh copy out of the wasm heap, so the evaluator need not copy it again.
        return evaluateTensor(values, { readSource: (path) => model.readDataset(path), freshReads: true });
      },
    });
    await commitOutput(host, written.scratchPath, resolve(output));
    io.out(`wrote ${output} (${layout}, ${written.bytesWritten.toLocaleString('en-US')} bytes)`);
  } finally {
    model.close();
  }
}
