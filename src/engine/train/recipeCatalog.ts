import { recipeArn } from '../api/arn.js';

/** The local algorithm family that serves a recipe; several service recipes share one. */
export type Algorithm =
  'user-personalization' | 'popularity-count' | 'similar-items' | 'personalized-ranking';

export interface RecipeEntry {
  readonly name: string;
  readonly arn: string;
  readonly algorithm: Algorithm;
  readonly recipeType: 'USER_PERSONALIZATION' | 'RELATED_ITEMS' | 'PERSONALIZED_RANKING' | 'POPULAR_ITEMS';
  readonly description: string;
  /** Whether `trainingMode: UPDATE` is allowed, as in the service (user-personalization only). */
  readonly supportsUpdate: boolean;
}

function entry(
  name: string,
  algorithm: Algorithm,
  recipeType: RecipeEntry['recipeType'],
  description: string,
): RecipeEntry {
  return {
    name,
    arn: recipeArn(name),
    algorithm,
    recipeType,
    description,
    supportsUpdate: algorithm === 'user-personalization',
  };
}

/** The recipes the engine trains, with the service's names and ARNs. */
export const RECIPES: readonly RecipeEntry[] = [
  entry(
    'aws-user-personalization',
    'user-personalization',
    'USER_PERSONALIZATION',
    'Personalized recommendations from implicit feedback (local: implicit-feedback ALS with item exploration).',
  ),
  entry(
    'aws-user-personalization-v2',
    'user-personalization',
    'USER_PERSONALIZATION',
    'Personalized recommendations, v2 (local: the same implicit-feedback ALS).',
  ),
  entry(
    'aws-popularity-count',
    'popularity-count',
    'USER_PERSONALIZATION',
    'The most interacted-with items, for everyone.',
  ),
  entry(
    'aws-similar-items',
    'similar-items',
    'RELATED_ITEMS',
    'Items similar to a given item, from co-occurrence.',
  ),
  entry(
    'aws-sims',
    'similar-items',
    'RELATED_ITEMS',
    'Items similar to a given item (item-item cosine on co-occurrence).',
  ),
  entry(
    'aws-personalized-ranking',
    'personalized-ranking',
    'PERSONALIZED_RANKING',
    'Re-ranks a given list of items for a user by the model scores.',
  ),
  entry(
    'aws-personalized-ranking-v2',
    'personalized-ranking',
    'PERSONALIZED_RANKING',
    'Re-ranks a given list of items for a user, v2 (local: the same model).',
  ),
];

export function findRecipe(arn: string): RecipeEntry | undefined {
  return RECIPES.find((recipe) => recipe.arn === arn);
}
