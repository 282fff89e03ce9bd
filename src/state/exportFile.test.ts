import { describe, expect, it } from 'vitest';
import { baseName, mappingFileName, reportFileName } from './exportFile';

describe('output file names', () => {
  it('strips only the Keras extension', () => {
    expect(baseName('a.b.weights.h5')).toBe('a.b');
    expect(baseName('noext')).toBe('noext');
    expect(baseName('w.h5 + arch.json')).toBe('w.h5 + arch');
    expect(mappingFileName('t.keras')).toBe('t-mapping.json');
    expect(reportFileName('t.keras')).toBe('t-transfer-report.txt');
  });
});
