import { z } from 'zod';
import { RECIPES, findRecipe } from '../../train/recipeCatalog.js';
import { ResourceNotFoundException } from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { echo } from '../../../shared/echo.js';

/** Recipes are built in; the service dates them, so the engine gives them a fixed, plausible date. */
const RECIPE_DATE = Date.UTC(2019, 5, 10) / 1000;

export const recipeOperations: OperationTable = {
  ListRecipes: defineOperation(
    z.object({
      recipeProvider: z.literal('SERVICE').optional(),
      domain: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input) => {
      return listPage('recipes', input.domain ? [] : RECIPES, input, (recipe) => ({
        name: recipe.name,
        recipeArn: recipe.arn,
        status: 'ACTIVE',
        creationDateTime: RECIPE_DATE,
        lastUpdatedDateTime: RECIPE_DATE,
      }));
    },
  ),
  DescribeRecipe: defineOperation(z.object({ recipeArn: z.string() }), (input) => {
    const recipe = findRecipe(input.recipeArn);
    if (!recipe) throw new ResourceNotFoundException(`Recipe ${echo(input.recipeArn)} does not exist.`);
    return {
      recipe: {
        name: recipe.name,
        recipeArn: recipe.arn,
        algorithmArn: recipe.arn.replace(':recipe/', ':algorithm/'),
        featureTransformationArn: 'arn:aws:personalize:::feature-transformation/local',
        status: 'ACTIVE',
        description: recipe.description,
        recipeType: recipe.recipeType,
        creationDateTime: RECIPE_DATE,
        lastUpdatedDateTime: RECIPE_DATE,
      },
    };
  }),
};
