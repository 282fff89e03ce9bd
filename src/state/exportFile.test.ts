import { describe, expect, it } from 'vitest';
import { baseName, graftedFileName, mappingFileName, reportFileName } from './exportFile';

describe('output file names', () => {
  it('names the export after the target, in the layout written', () => {
    expect(graftedFileName('target.keras', 'keras3-archive')).toBe('target-grafted.keras');
    expect(graftedFileName('resnet.weights.h5', 'keras3-weights')).toBe('resnet-grafted.weights.h5');
    expect(graftedFileName('model.HDF5', 'keras-legacy-model')).toBe('model-grafted.h5');
    expect(graftedFileName('my.model.h5', 'keras-legacy-weights')).toBe('my.model-grafted.h5');
  });

  it('strips only the Keras extension', () => {
    expect(baseName('a.b.weights.h5')).toBe('a.b');
    expect(baseName('noext')).toBe('noext');
    expect(baseName('w.h5 + arch.json')).toBe('w.h5 + arch');
    expect(mappingFileName('t.keras')).toBe('t-mapping.json');
    expect(reportFileName('t.keras')).toBe('t-transfer-report.txt');
  });
});
