import type { SimilarItemsHyperParameters } from './hyperParameters.js';
import type { InteractionMatrix } from './interactionMatrix.js';
import { topK } from './topK.js';
import { throwIfStopped, type TrainingControl } from './trainingControl.js';

export interface Neighbors {
  readonly neighborPtr: Int32Array;
  readonly neighbors: Int32Array;
  readonly neighborScores: Float32Array;
}

/**
 * Item-item cosine similarity on binary co-occurrence: sim(i, j) = |U(i) ∩ U(j)| / √(|U(i)|·|U(j)|),
 * where U(i) is the set of users who interacted with i. Only each user's latest `maxUserHistory` items
 * count, so one heavy user cannot make the cost quadratic in their history.
 */
export function trainSimilarItems(
  matrix: InteractionMatrix,
  params: SimilarItemsHyperParameters,
  control?: TrainingControl,
): Neighbors {
  const { byUser, byItem } = matrix;
  const itemCount = matrix.itemIds.length;
  const degree = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) degree[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
  const counts = new Float64Array(itemCount).fill(-Infinity);
  const touched = new Int32Array(itemCount);
  const touchedScores = new Float64Array(itemCount);
  const ptr = new Int32Array(itemCount + 1);
  const lists: Int32Array[] = [];
  const scoreLists: Float32Array[] = [];
  for (let item = 0; item < itemCount; item++) {
    if ((item & 1023) === 1023) throwIfStopped(control);
    let touchedCount = 0;
    for (let e = byItem.indptr[item]!; e < byItem.indptr[item + 1]!; e++) {
      const user = byItem.indices[e]!;
      const end = byUser.indptr[user + 1]!;
      const start = Math.max(byUser.indptr[user]!, end - params.maxUserHistory);
      for (let f = start; f < end; f++) {
        const other = byUser.indices[f]!;
        if (other === item) continue;
        if (counts[other] === -Infinity) {
          counts[other] = 0;
          touched[touchedCount++] = other;
        }
        counts[other]! += 1;
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const other = touched[t]!;
      touchedScores[t] = counts[other]! / Math.sqrt(degree[item]! * degree[other]!);
      counts[other] = -Infinity;
    }
    // Selecting among the touched items only keeps each item's cost proportional to its co-occurrences.
    const bestSlots = topK(touchedScores.subarray(0, touchedCount), params.neighbors);
    const best = new Int32Array(bestSlots.length);
    const scores = new Float32Array(bestSlots.length);
    bestSlots.forEach((slot, rank) => {
      best[rank] = touched[slot]!;
      scores[rank] = touchedScores[slot]!;
    });
    lists.push(best);
    scoreLists.push(scores);
    ptr[item + 1] = ptr[item]! + best.length;
  }
  const neighbors = new Int32Array(ptr[itemCount]!);
  const neighborScores = new Float32Array(ptr[itemCount]!);
  lists.forEach((list, item) => {
    neighbors.set(list, ptr[item]!);
    neighborScores.set(scoreLists[item]!, ptr[item]!);
  });
  return { neighborPtr: ptr, neighbors, neighborScores };
}
