import { z } from 'zod';
import {
  countDatasetGroups,
  deleteDatasetGroup,
  findDatasetGroup,
  insertDatasetGroup,
  listDatasetGroups,
  type DatasetGroupRecord,
} from '../../store/datasetGroupRecords.js';
import type { EngineDatabase } from '../../store/database.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { SERVICE_QUOTAS } from '../quotas.js';
import { echo } from '../../../shared/echo.js';

/** Tags are accepted, as the service does, and not kept: the engine has no tagging API. */
export const tagList = z.array(z.object({ tagKey: z.string(), tagValue: z.string() })).optional();

export const domainSchema = z.enum(['ECOMMERCE', 'VIDEO_ON_DEMAND']);

const ROLE_ARN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const KMS_KEY_ARN = /^arn:aws.*:kms:.*:[0-9]{12}:key\/.*$/;

export const datasetGroupOperations: OperationTable = {
  CreateDatasetGroup: defineOperation(
    z.object({
      name: z.string(),
      roleArn: z.string().optional(),
      kmsKeyArn: z.string().optional(),
      domain: domainSchema.optional(),
      tags: tagList,
    }),
    (input, ctx) => {
      const name = validateName(input.name);
      checkEncryption(input.roleArn, input.kmsKeyArn);
      const arn = buildArn(ctx.scope, 'dataset-group', name);
      if (findDatasetGroup(ctx.db, arn))
        throw new ResourceAlreadyExistsException(`Dataset group ${arn} already exists.`);
      if (countDatasetGroups(ctx.db) >= SERVICE_QUOTAS.datasetGroups) {
        throw new LimitExceededException(
          `The account already has ${SERVICE_QUOTAS.datasetGroups} dataset groups, the service's default quota. ` +
            'Delete a dataset group you no longer need before creating another.',
        );
      }
      const now = ctx.now();
      // Created ACTIVE at once: there is nothing to provision locally (see docs/ENGINE.md).
      insertDatasetGroup(ctx.db, {
        arn,
        name,
        status: 'ACTIVE',
        roleArn: input.roleArn ?? null,
        kmsKeyArn: input.kmsKeyArn ?? null,
        domain: input.domain ?? null,
        failureReason: null,
        created: now,
        updated: now,
      });
      return { datasetGroupArn: arn, ...(input.domain ? { domain: input.domain } : {}) };
    },
  ),
  DescribeDatasetGroup: defineOperation(z.object({ datasetGroupArn: z.string() }), (input, ctx) => ({
    datasetGroup: describeDatasetGroup(requireDatasetGroup(ctx.db, input.datasetGroupArn)),
  })),
  ListDatasetGroups: defineOperation(z.object(PAGE_REQUEST_FIELDS), (input, ctx) => {
    return listPage('datasetGroups', listDatasetGroups(ctx.db), input, (group) => ({
      name: group.name,
      datasetGroupArn: group.arn,
      status: group.status,
      creationDateTime: group.created,
      lastUpdatedDateTime: group.updated,
      ...(group.failureReason ? { failureReason: group.failureReason } : {}),
      ...(group.domain ? { domain: group.domain } : {}),
    }));
  }),
  DeleteDatasetGroup: defineOperation(z.object({ datasetGroupArn: z.string() }), (input, ctx) => {
    const group = requireDatasetGroup(ctx.db, input.datasetGroupArn);
    const inUse = dependentsOf(ctx.db, group.arn);
    if (inUse.length > 0) {
      throw new ResourceInUseException(
        `Dataset group ${group.arn} still has ${inUse.join(' and ')}; delete them first, then the dataset group.`,
      );
    }
    deleteDatasetGroup(ctx.db, group.arn);
    return {};
  }),
};

/** Finds a dataset group by ARN, or fails as the service does for a malformed or unknown ARN. */
export function requireDatasetGroup(
  db: EngineDatabase,
  arn: string,
  field = 'datasetGroupArn',
): DatasetGroupRecord {
  validateArn(arn, field);
  const group = findDatasetGroup(db, arn);
  if (!group) throw new ResourceNotFoundException(`Dataset group ${arn} does not exist.`);
  return group;
}

/** The service pairs the two: the role is what lets it use the KMS key. */
function checkEncryption(roleArn: string | undefined, kmsKeyArn: string | undefined): void {
  if (roleArn !== undefined && (roleArn.length > 256 || !ROLE_ARN.test(roleArn))) {
    throw new InvalidInputException(
      `Invalid roleArn '${echo(roleArn)}': expected an IAM role ARN such as arn:aws:iam::123456789012:role/PersonalizeKms.`,
    );
  }
  if (kmsKeyArn !== undefined && (kmsKeyArn.length > 2048 || !KMS_KEY_ARN.test(kmsKeyArn))) {
    throw new InvalidInputException(
      `Invalid kmsKeyArn '${echo(kmsKeyArn)}': expected a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key-id>.`,
    );
  }
  if ((roleArn === undefined) !== (kmsKeyArn === undefined)) {
    throw new InvalidInputException(
      'roleArn and kmsKeyArn go together: the role is what lets Personalize use the KMS key. Pass both or neither.',
    );
  }
}

function dependentsOf(db: EngineDatabase, datasetGroupArn: string): string[] {
  const count = (sql: string) => (db.prepare(sql).get(datasetGroupArn) as { n: number }).n;
  const datasets = count('SELECT COUNT(*) AS n FROM datasets WHERE dataset_group_arn = ?');
  const solutions = count('SELECT COUNT(*) AS n FROM solutions WHERE dataset_group_arn = ?');
  return [
    ...(datasets > 0 ? [`${datasets} dataset${datasets === 1 ? '' : 's'}`] : []),
    ...(solutions > 0 ? [`${solutions} solution${solutions === 1 ? '' : 's'}`] : []),
  ];
}

function describeDatasetGroup(group: DatasetGroupRecord): Record<string, unknown> {
  return {
    name: group.name,
    datasetGroupArn: group.arn,
    status: group.status,
    ...(group.roleArn ? { roleArn: group.roleArn } : {}),
    ...(group.kmsKeyArn ? { kmsKeyArn: group.kmsKeyArn } : {}),
    ...(group.domain ? { domain: group.domain } : {}),
    creationDateTime: group.created,
    lastUpdatedDateTime: group.updated,
    ...(group.failureReason ? { failureReason: group.failureReason } : {}),
  };
}
