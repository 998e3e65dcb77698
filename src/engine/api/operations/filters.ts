import { setImmediate as nextTick } from 'node:timers/promises';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import { FilterExpressionError, parseFilterExpression } from '../../filter/filterExpression.js';
import { resolveFilter } from '../../filter/filterValidation.js';
import { groupDatasets } from '../../store/datasetGroupContents.js';
import {
  countFilters,
  deleteFilter,
  findFilter,
  insertFilter,
  listFilters,
  setFilterStatus,
  type FilterRecord,
} from '../../store/filterRecords.js';
import { dropTags } from '../../store/tagRecords.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { SERVICE_QUOTAS } from '../quotas.js';
import { requireDatasetGroup } from './datasetGroups.js';
import { checkCreationTags, storeCreationTags, tagList } from './tags.js';

export const filterOperations: OperationTable = {
  CreateFilter: defineOperation(
    z.object({
      name: z.string(),
      datasetGroupArn: z.string(),
      filterExpression: z.string().min(1).max(SERVICE_QUOTAS.filterExpressionLength),
      tags: tagList.optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.name);
      const group = requireDatasetGroup(ctx.db, input.datasetGroupArn);
      checkExpression(ctx, group.arn, input.filterExpression);
      const arn = buildArn(ctx.scope, 'filter', name);
      if (findFilter(ctx.db, arn)) throw new ResourceAlreadyExistsException(`Filter ${arn} already exists.`);
      if (countFilters(ctx.db, group.arn) >= SERVICE_QUOTAS.filtersPerDatasetGroup) {
        throw new LimitExceededException(
          `Dataset group ${group.arn} already has ${SERVICE_QUOTAS.filtersPerDatasetGroup} filters, the service's ` +
            'default quota. Delete a filter you no longer need, or chain expressions with | in one filter.',
        );
      }
      checkCreationTags(ctx, arn, input.tags);
      const now = ctx.now();
      insertFilter(ctx.db, {
        arn,
        name,
        datasetGroupArn: group.arn,
        filterExpression: input.filterExpression,
        status: 'CREATE PENDING',
        failureReason: null,
        created: now,
        updated: now,
      });
      storeCreationTags(ctx, arn, input.tags);
      ctx.background(() => activateFilter(ctx, arn));
      return { filterArn: arn };
    },
  ),
  DescribeFilter: defineOperation(z.object({ filterArn: z.string() }), (input, ctx) => {
    const filter = requireFilter(ctx, input.filterArn);
    return { filter: { ...summarizeFilter(filter), filterExpression: filter.filterExpression } };
  }),
  ListFilters: defineOperation(
    z.object({ datasetGroupArn: z.string().optional(), ...PAGE_REQUEST_FIELDS }),
    (input, ctx) => {
      if (input.datasetGroupArn !== undefined) validateArn(input.datasetGroupArn, 'datasetGroupArn');
      // The service spells this one list field with a capital F.
      return listPage('Filters', listFilters(ctx.db, input.datasetGroupArn), input, summarizeFilter);
    },
  ),
  DeleteFilter: defineOperation(z.object({ filterArn: z.string() }), (input, ctx) => {
    const filter = requireFilter(ctx, input.filterArn);
    deleteFilter(ctx.db, filter.arn);
    dropTags(ctx.db, filter.arn);
    return {};
  }),
};

/** CreateFilter refuses a malformed expression, or one the group's schemas cannot answer, with where and why. */
function checkExpression(ctx: EngineContext, datasetGroupArn: string, expression: string): void {
  try {
    resolveFilter(
      parseFilterExpression(expression),
      groupDatasets(ctx.db, datasetGroupArn),
      SERVICE_QUOTAS.filterFields,
    );
  } catch (error) {
    if (error instanceof FilterExpressionError) throw new InvalidInputException(error.message);
    throw error;
  }
}

/** As in the service, a filter passes through CREATE PENDING and CREATE IN_PROGRESS before it is ACTIVE. */
async function activateFilter(ctx: EngineContext, arn: string): Promise<void> {
  await nextTick();
  if (!findFilter(ctx.db, arn)) return;
  setFilterStatus(ctx.db, arn, 'CREATE IN_PROGRESS', ctx.now());
  await nextTick();
  if (findFilter(ctx.db, arn)) setFilterStatus(ctx.db, arn, 'ACTIVE', ctx.now());
}

export function requireFilter(ctx: EngineContext, arn: string): FilterRecord {
  validateArn(arn, 'filterArn');
  const filter = findFilter(ctx.db, arn);
  if (!filter) throw new ResourceNotFoundException(`Filter ${arn} does not exist.`);
  return filter;
}

function summarizeFilter(filter: FilterRecord): Record<string, unknown> {
  return {
    name: filter.name,
    filterArn: filter.arn,
    creationDateTime: filter.created,
    lastUpdatedDateTime: filter.updated,
    datasetGroupArn: filter.datasetGroupArn,
    ...(filter.failureReason ? { failureReason: filter.failureReason } : {}),
    status: filter.status,
  };
}
