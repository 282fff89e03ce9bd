// Streams tensors into their datasets one at a time: ask the provider, check the tensor is exactly
// what the target weight declares (a wrong shape must never reach a file Keras would then reject or,
// worse, reinterpret), write it, let it go. Peak memory is one tensor, whatever the model size.

import type { LayerSpec } from '../../../model/modelSpec';
import type { Tensor } from '../../../model/tensorExpr';
import { GraftError, isGraftError } from '../../../model/errors';
import type { H5Writer } from '../../h5/h5Writer';
import type { WeightSlot } from './weightSlot';

/** Values of one target weight, computed on demand (by the plan evaluator, or read from a file). */
export type TensorProvider = (layer: LayerSpec, weightIndex: number) => Promise<Tensor>;

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;

export async function streamTensors(
  writer: H5Writer,
  slots: WeightSlot[],
  tensors: TensorProvider,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  onProgress?.(0, slots.length);
  for (let i = 0; i < slots.length; i++) {
    const { layer, weightIndex, path } = slots[i];
    const weight = layer.weights[weightIndex];
    let tensor: Tensor;
    try {
      tensor = await tensors(layer, weightIndex);
    } catch (error) {
      if (isGraftError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new GraftError(
        'write',
        `${writer.label}: computing ${layer.id} ${weight.name} failed (${reason}); nothing was saved.`,
      );
    }
    const sameShape =
      tensor.shape.length === weight.shape.length && tensor.shape.every((d, k) => d === weight.shape[k]);
    if (!sameShape || tensor.dtype !== weight.dtype) {
      throw new GraftError(
        'write',
        `${writer.label}: layer ${layer.id} weight ${weight.name} expects ${weight.dtype} ${shapeText(weight.shape)}, got ${tensor.dtype} ${shapeText(tensor.shape)}; nothing was saved.`,
      );
    }
    writer.writeTensor(path, tensor);
    onProgress?.(i + 1, slots.length);
  }
}
