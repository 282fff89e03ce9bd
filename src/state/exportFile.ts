// Names of what the app hands back to the user.

const KNOWN_EXTENSIONS = ['.weights.h5', '.keras', '.hdf5', '.h5', '.json'];

/** The file name without its Keras extension (`.weights.h5` counts as one). */
export function baseName(fileName: string): string {
  const lower = fileName.toLowerCase();
  const ext = KNOWN_EXTENSIONS.find((e) => lower.endsWith(e));
  return ext ? fileName.slice(0, fileName.length - ext.length) : fileName.replace(/\.[^.]*$/, '') || fileName;
}

export function mappingFileName(targetFileName: string): string {
  return `${baseName(targetFileName)}-mapping.json`;
}

export function reportFileName(targetFileName: string): string {
  return `${baseName(targetFileName)}-transfer-report.txt`;
}
