// `graft convert SRC OUT` done in-process, the way the CLI's path goes (src/cli is not written yet, so
// the steps are composed here from the same modules): readModel -> evaluateTensor per weight ->
// writeModelFile (scratch file, re-opened and verified) -> atomic rename onto OUT.

import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { readModel } from '../../src/formats/readModel';
import { layoutForFileName, writeModelFile } from '../../src/formats/keras/write/writeModelFile';
import { evaluateTensor } from '../../src/core/tensor';
import { GraftError } from '../../src/model/errors';

export interface ConvertOutcome {
  layout: string;
  tensors: number;
  bytesWritten: number;
}

export async function convertFile(
  host: FileSystemH5Host,
  sourcePath: string,
  outputPath: string,
): Promise<ConvertOutcome> {
  const name = outputPath.split('/').pop() ?? outputPath;
  const open = await readModel(host, {
    weights: { kind: 'path', path: sourcePath, name: sourcePath.split('/').pop() ?? sourcePath },
  });
  try {
    const layout = layoutForFileName(name, open.spec);
    let tensors = 0;
    const { scratchPath, bytesWritten } = await writeModelFile(host, {
      layout,
      target: open.spec,
      label: name,
      tensors: async (layer, index) => {
        const values = layer.weights[index].values;
        if (!values)
          throw new GraftError('usage', `${layer.id} ${layer.weights[index].name} has no stored values`);
        tensors += 1;
        return evaluateTensor(values, { readSource: (path) => open.readDataset(path) });
      },
    });
    await host.commitScratch(scratchPath, outputPath);
    return { layout, tensors, bytesWritten };
  } finally {
    open.close();
  }
}
