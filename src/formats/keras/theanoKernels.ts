// Theano's conv2d convolves (flips the kernel), TensorFlow's correlates. Keras 2 therefore flips every
// spatial axis of a convolution kernel saved under the Theano backend (`conv_utils.convert_kernel`:
// reverse all axes but the last two), for Conv1D/2D/3D, Conv2DTranspose and ConvLSTM2D (kernel and
// recurrent kernel); Dense, depthwise and separable kernels are untouched. Keras 3 no longer does this,
// so the reader does, on the kernel already in the Keras 2 layout.

import { flipExpr, type ShapedExpr } from './shapedExpr';

const FLIPPED_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'ConvLSTM2D']);

/**
 * Whether a weight is a convolution kernel Keras 2 flips. `className` is the Keras 2 spelling; without
 * architecture only the unambiguous case is taken: a 4-D or 5-D weight called `kernel` is always a
 * convolution kernel, while a 3-D one may belong to a LocallyConnected layer.
 */
export function isTheanoFlippedKernel(className: string | null, weightName: string, rank: number): boolean {
  if (className === null)
    return (
      (weightName === 'kernel' && (rank === 4 || rank === 5)) ||
      (weightName === 'recurrent_kernel' && rank === 4)
    );
  if (!FLIPPED_CLASSES.has(className)) return false;
  return weightName === 'kernel' || (className === 'ConvLSTM2D' && weightName === 'recurrent_kernel');
}

/** Reverses every axis but the last two (input and output channels). */
export function flipTheanoKernel(value: ShapedExpr): ShapedExpr {
  const axes = value.shape.slice(0, -2).map((_, i) => i);
  return flipExpr(value, axes);
}
