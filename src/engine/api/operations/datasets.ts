import { z } from 'zod';
import {
  checkSchema,
  checkSchemaForDatasetType,
  datasetTypeLabel,
  parseDatasetType,
  withArticle,
} from '../../data/schemaRules.js';
import { deleteDatasetData } from '../../store/datasetStorage.js';
import type { EngineDatabase } from '../../store/database.js';
import { deleteRecordedData } from '../../store/recordedDataRecords.js';
import { dropTags } from '../../store/tagRecords.js';
import {
  busyWorkOnDataset,
  deleteDataset,
  findDataset,
  insertDataset,
  listDatasets,
  type DatasetRecord,
} from '../../store/datasetRecords.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { requireDatasetGroup } from './datasetGroups.js';
import { checkCreationTags, storeCreationTags, tagList } from './tags.js';
import { requireSchema } from './schemas.js';

export const datasetOperations: OperationTable = {
  CreateDataset: defineOperation(
    z.object({
      name: z.string(),
      schemaArn: z.string(),
      datasetGroupArn: z.string(),
      datasetType: z.string(),
      tags: tagList.optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.name);
      validateArn(input.datasetGroupArn, 'datasetGroupArn');
      validateArn(input.schemaArn, 'schemaArn');
      const datasetType = parseDatasetType(input.datasetType);
      const group = requireDatasetGroup(ctx.db, input.datasetGroupArn);
      const schema = requireSchema(ctx.db, input.schemaArn);
      if ((schema.domain ?? null) !== (group.domain ?? null)) {
        throw new InvalidInputException(
          `Schema ${schema.arn} has domain ${schema.domain ?? '(none)'} but dataset group ${group.arn} has domain ` +
            `${group.domain ?? '(none)'}; use a schema created with the dataset group's domain.`,
        );
      }
      const arn = buildArn(ctx.scope, 'dataset', `${group.name}/${datasetType}`);
      if (findDataset(ctx.db, arn)) {
        throw new ResourceAlreadyExistsException(
          `Dataset group ${group.arn} already has ${withArticle(datasetTypeLabel(datasetType))} dataset (${arn}); ` +
            'a group holds at most one dataset of each type.',
        );
      }
      checkSchemaForDatasetType(checkSchema(schema.schema), datasetType);
      const now = ctx.now();
      // Created ACTIVE at once, like dataset groups (see docs/ENGINE.md).
      checkCreationTags(ctx, arn, input.tags);
      insertDataset(ctx.db, {
        arn,
        name,
        datasetGroupArn: group.arn,
        datasetType,
        schemaArn: schema.arn,
        status: 'ACTIVE',
        created: now,
        updated: now,
      });
      storeCreationTags(ctx, arn, input.tags);
      return { datasetArn: arn };
    },
  ),
  DescribeDataset: defineOperation(z.object({ datasetArn: z.string() }), (input, ctx) => {
    const dataset = requireDataset(ctx.db, input.datasetArn);
    return {
      dataset: {
        name: dataset.name,
        datasetArn: dataset.arn,
        datasetGroupArn: dataset.datasetGroupArn,
        datasetType: dataset.datasetType,
        schemaArn: dataset.schemaArn,
        status: dataset.status,
        creationDateTime: dataset.created,
        lastUpdatedDateTime: dataset.updated,
      },
    };
  }),
  ListDatasets: defineOperation(
    z.object({
      datasetGroupArn: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input, ctx) => {
      if (input.datasetGroupArn !== undefined) validateArn(input.datasetGroupArn, 'datasetGroupArn');
      return listPage('datasets', listDatasets(ctx.db, input.datasetGroupArn), input, (dataset) => ({
        name: dataset.name,
        datasetArn: dataset.arn,
        datasetType: dataset.datasetType,
        status: dataset.status,
        creationDateTime: dataset.created,
        lastUpdatedDateTime: dataset.updated,
      }));
    },
  ),
  DeleteDataset: defineOperation(z.object({ datasetArn: z.string() }), (input, ctx) => {
    const dataset = requireDataset(ctx.db, input.datasetArn);
    const busy = busyWorkOnDataset(ctx.db, dataset);
    if (busy) {
      throw new ResourceInUseException(
        `Dataset ${dataset.arn} cannot be deleted while ${busy} is CREATE PENDING or CREATE IN_PROGRESS; ` +
          'wait until it is ACTIVE or CREATE FAILED.',
      );
    }
    // The data goes with the dataset, as in the service: a dataset re-created later starts empty.
    ctx.db
      .transaction(() => {
        deleteDatasetData(ctx.db, dataset.arn);
        deleteRecordedData(ctx.db, dataset.arn);
        deleteDataset(ctx.db, dataset.arn);
        dropTags(ctx.db, dataset.arn);
      })
      .immediate();
    return {};
  }),
};

export function requireDataset(db: EngineDatabase, arn: string, field = 'datasetArn'): DatasetRecord {
  validateArn(arn, field);
  const dataset = findDataset(db, arn);
  if (!dataset) throw new ResourceNotFoundException(`Dataset ${arn} does not exist.`);
  return dataset;
}
