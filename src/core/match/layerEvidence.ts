import type { LayerSpec } from '../../model';
import { canonicalClass, nameStem } from './kerasClass';
import { weightsSimilarity } from './shapeSimilarity';

/** What can be said about putting a source layer's weights into a target layer. */
export interface LayerEvidence {
  /** Same number of weights with the same rank each: the weights can be paired up one by one. */
  compatible: boolean;
  /** `unknown` when either side has no class name (a weights-only file). */
  classRelation: 'same' | 'different' | 'unknown';
  /** 0..1, see `weightsSimilarity`. */
  similarity: number;
  /** Same weight names in the same order (`kernel, bias`): a stand-in for the class when that is unknown. */
  sameWeightNames: boolean;
  /** Same name once Keras' counters are stripped (`conv2d_17` and `conv2d_3`). */
  sameStem: boolean;
}

export function compareLayers(target: LayerSpec, source: LayerSpec): LayerEvidence {
  const tc = canonicalClass(target.className);
  const sc = canonicalClass(source.className);
  const tw = target.weights;
  const sw = source.weights;
  const compatible = tw.length === sw.length && tw.every((w, k) => w.shape.length === sw[k].shape.length);
  return {
    compatible,
    classRelation: tc === null || sc === null ? 'unknown' : tc === sc ? 'same' : 'different',
    similarity: compatible ? weightsSimilarity(tw, sw) : 0,
    sameWeightNames: tw.length === sw.length && tw.every((w, k) => w.name === sw[k].name),
    sameStem: nameStem(target.name) === nameStem(source.name),
  };
}

/**
 * Name matching needs more than the name: the classes must agree (or, without classes, the number and
 * ranks of the weights), so a `dense` that became a `Conv2D` called `dense` is not taken for the old one.
 */
export function agreesByName(evidence: LayerEvidence, target: LayerSpec, source: LayerSpec): boolean {
  if (target.weights.length !== source.weights.length) return false;
  if (evidence.classRelation === 'unknown') return evidence.compatible;
  return evidence.classRelation === 'same';
}

/**
 * Alignment score of a pair, without the parts that depend on names. Positive means "better paired than
 * skipped". Class agreement weighs most, then shapes; incompatible weights make a pair worthless.
 */
export function structuralScore(evidence: Omit<LayerEvidence, 'sameStem'>): number {
  if (!evidence.compatible) return -4;
  const classTerm =
    evidence.classRelation === 'same'
      ? 3
      : evidence.classRelation === 'different'
        ? -7
        : evidence.sameWeightNames
          ? 1.5
          : 0;
  // Exact shapes earn a premium on top: they are the strongest sign of the same layer, and without it a
  // run of slightly sliced pairs could win over one more gap.
  return 2 + classTerm + 4 * evidence.similarity + (evidence.similarity === 1 ? 0.5 : 0);
}

export const STEM_BONUS = 0.5;

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Confidence of a link found by name: the name settles which layer, the shapes say how well it fits. */
export function nameConfidence(evidence: LayerEvidence): number {
  const base = evidence.classRelation === 'same' ? 0.3 : 0.25;
  return round(Math.min(1, base + 0.7 * evidence.similarity));
}

/** Confidence of a link found by alignment: position alone is weaker evidence than a name. */
export function alignConfidence(evidence: LayerEvidence): number {
  const classTerm =
    evidence.classRelation === 'same'
      ? 0.1
      : evidence.classRelation === 'different'
        ? -0.3
        : evidence.sameWeightNames
          ? 0.05
          : 0;
  const value = 0.2 + 0.6 * evidence.similarity + classTerm + (evidence.sameStem ? 0.05 : 0);
  return round(Math.min(0.99, Math.max(0.01, value)));
}

/** Links below this confidence deserve a look: a grown axis, a class mismatch, or a guess. */
export const LOW_CONFIDENCE = 0.5;
