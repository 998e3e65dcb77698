import { z } from 'zod';
import { scheduleImport } from '../../data/importJobRunner.js';
import { parseS3Location } from '../../data/s3Location.js';
import { fieldsOf } from '../../data/schemaFields.js';
import type { EngineDatabase } from '../../store/database.js';
import {
  findImportJob,
  hasBulkImport,
  insertImportJob,
  listImportJobs,
  type ImportJobRecord,
} from '../../store/datasetImportJobRecords.js';
import { findSchema } from '../../store/schemaRecords.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { tagList } from './datasetGroups.js';
import { requireDataset } from './datasets.js';
import { echo } from '../../../shared/echo.js';

/** The service's pattern for `roleArn`: an IAM role in some partition. */
const ROLE_ARN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export const datasetImportJobOperations: OperationTable = {
  CreateDatasetImportJob: defineOperation(
    z.object({
      jobName: z.string(),
      datasetArn: z.string(),
      dataSource: z.object({ dataLocation: z.string().max(256).optional() }),
      roleArn: z.string().max(256).optional(),
      tags: tagList,
      importMode: z.enum(['FULL', 'INCREMENTAL']).optional(),
      publishAttributionMetricsToS3: z.boolean().optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.jobName, 'jobName');
      const dataset = requireDataset(ctx.db, input.datasetArn);
      const dataLocation = input.dataSource.dataLocation ?? '';
      if (dataLocation.includes('\u0000')) {
        throw new InvalidInputException(
          `Invalid dataLocation '${echo(dataLocation.replaceAll('\u0000', '\\0'))}': it contains a NUL character, which no S3 key or file name can hold.`,
        );
      }
      if (!parseS3Location(dataLocation)) {
        throw new InvalidInputException(
          `Invalid dataLocation '${echo(dataLocation)}': use s3://bucket/key.csv for one file or s3://bucket/prefix/ for every CSV under a prefix.`,
        );
      }
      if (input.roleArn !== undefined && !ROLE_ARN.test(input.roleArn)) {
        throw new InvalidInputException(
          `1 validation error detected: Value '${echo(input.roleArn)}' at 'roleArn' failed to satisfy constraint: ` +
            'Member must satisfy regular expression pattern: arn:([a-z\\d-]+):iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
        );
      }
      const arn = buildArn(ctx.scope, 'dataset-import-job', name);
      if (findImportJob(ctx.db, arn))
        throw new ResourceAlreadyExistsException(`Dataset import job ${arn} already exists.`);
      if (dataset.status !== 'ACTIVE') {
        throw new ResourceInUseException(
          `Dataset ${dataset.arn} is ${dataset.status}; wait until it is ACTIVE.`,
        );
      }
      const importMode = input.importMode ?? 'FULL';
      if (importMode === 'INCREMENTAL' && !hasBulkImport(ctx.db, dataset.arn)) {
        throw new InvalidInputException(
          `Dataset ${dataset.arn} has no bulk data yet: import with importMode FULL first, then INCREMENTAL imports append to it.`,
        );
      }
      const schema = findSchema(ctx.db, dataset.schemaArn);
      if (!schema)
        throw new ResourceNotFoundException(
          `Schema ${dataset.schemaArn} of dataset ${dataset.arn} does not exist.`,
        );
      const now = ctx.now();
      insertImportJob(ctx.db, {
        arn,
        name,
        datasetArn: dataset.arn,
        status: 'CREATE PENDING',
        dataLocation,
        roleArn: input.roleArn ?? null,
        importMode,
        publishAttributionMetricsToS3: input.publishAttributionMetricsToS3 ?? false,
        failureReason: null,
        created: now,
        updated: now,
      });
      scheduleImport(ctx, {
        jobArn: arn,
        datasetArn: dataset.arn,
        datasetType: dataset.datasetType,
        fields: fieldsOf(schema.schema),
        dataLocation,
        importMode,
      });
      return { datasetImportJobArn: arn };
    },
  ),
  DescribeDatasetImportJob: defineOperation(z.object({ datasetImportJobArn: z.string() }), (input, ctx) => {
    const job = requireImportJob(ctx.db, input.datasetImportJobArn);
    return {
      datasetImportJob: {
        jobName: job.name,
        datasetImportJobArn: job.arn,
        datasetArn: job.datasetArn,
        dataSource: { dataLocation: job.dataLocation },
        ...(job.roleArn ? { roleArn: job.roleArn } : {}),
        status: job.status,
        creationDateTime: job.created,
        lastUpdatedDateTime: job.updated,
        ...(job.failureReason ? { failureReason: job.failureReason } : {}),
        importMode: job.importMode,
        publishAttributionMetricsToS3: job.publishAttributionMetricsToS3,
      },
    };
  }),
  ListDatasetImportJobs: defineOperation(
    z.object({
      datasetArn: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input, ctx) => {
      if (input.datasetArn !== undefined) validateArn(input.datasetArn, 'datasetArn');
      return listPage('datasetImportJobs', listImportJobs(ctx.db, input.datasetArn), input, (job) => ({
        datasetImportJobArn: job.arn,
        jobName: job.name,
        status: job.status,
        creationDateTime: job.created,
        lastUpdatedDateTime: job.updated,
        ...(job.failureReason ? { failureReason: job.failureReason } : {}),
        importMode: job.importMode,
      }));
    },
  ),
};

function requireImportJob(db: EngineDatabase, arn: string): ImportJobRecord {
  validateArn(arn, 'datasetImportJobArn');
  const job = findImportJob(db, arn);
  if (!job) throw new ResourceNotFoundException(`Dataset import job ${arn} does not exist.`);
  return job;
}
