// Keras 1 class names that Keras 2's legacy interface rebuilds as a differently named Keras 2 class.
// Layout rules (Keras 1 transposes, Theano flips) are stated for the Keras 2 class, so the legacy
// reader looks a config's class up here first. Config class names are kept as written in the spec.

const KERAS_TWO_CLASS: Record<string, string> = {
  Convolution1D: 'Conv1D',
  AtrousConvolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  AtrousConvolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
  TimeDistributedDense: 'Dense',
};

/** The Keras 2/3 class a (possibly Keras 1) class name stands for. */
export function kerasTwoClassName(className: string): string {
  return KERAS_TWO_CLASS[className] ?? className;
}
