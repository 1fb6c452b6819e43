/** Which scorer a service uses: `x-berth.placement_strategy`, spread by default. */
import type { PlacementStrategy } from '@berth/api';
import { binpackScorer } from './binpack.js';
import type { PlacementScorer } from './placement-scorer.js';
import { spreadScorer } from './spread.js';

/** The scorer for a placement strategy. */
export function scorerFor(strategy: PlacementStrategy): PlacementScorer {
  return strategy === 'binpack' ? binpackScorer : spreadScorer;
}
