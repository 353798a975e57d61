import type { NodeScore } from '../framework/types.ts';

/**
 * Scales scores so the best node gets `max` (upstream helper.DefaultNormalizeScore), with Go's
 * integer division; `reverse` turns "fewer is better" counts into scores. All zero: every node
 * gets 0, or `max` when reversed.
 */
export function defaultNormalizeScore(max: number, reverse: boolean, scores: NodeScore[]): void {
  let maxCount = 0;
  for (const s of scores) if (s.score > maxCount) maxCount = s.score;
  if (maxCount === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let score = Math.trunc((max * s.score) / maxCount);
    if (reverse) score = max - score;
    s.score = score;
  }
}
