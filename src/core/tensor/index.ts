export { evaluateTensor, type TensorIO } from './evaluateTensor';
export { shapeOf, dtypeOf, indexSetLength } from './shapeOf';
export { describeExpr } from './describeExpr';
export { asTargetExpr } from './targetExpr';
export { readNumbers } from './numberAccess';
export { elementCount, allocateTensorData, type TensorData } from './tensorStorage';
export {
  float16BitsToNumber,
  numberToFloat16Bits,
  bfloat16BitsToNumber,
  numberToBfloat16Bits,
} from './halfFloat';
export { tensorStats, type TensorStats } from './tensorStats';
