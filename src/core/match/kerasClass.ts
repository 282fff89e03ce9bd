// Keras renamed layer classes between major versions; a Keras 1 source and a Keras 2/3 target still
// hold the same kind of layer.
const RENAMED: Record<string, string> = {
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  AtrousConvolution1D: 'Conv1D',
  AtrousConvolution2D: 'Conv2D',
  Deconvolution2D: 'Conv2DTranspose',
  Deconvolution3D: 'Conv3DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
  Model: 'Functional',
};

/** The class name under its current Keras spelling; null stays null (no architecture known). */
export function canonicalClass(className: string | null): string | null {
  if (className === null) return null;
  return RENAMED[className] ?? className;
}

/** A layer name without the counter Keras appends to make it unique: `conv2d_17` -> `conv2d`. */
export function nameStem(name: string): string {
  return name.toLowerCase().replace(/(_\d+)+$/, '');
}
