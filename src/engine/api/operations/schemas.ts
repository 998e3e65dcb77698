import { z } from 'zod';
import { checkSchema } from '../../data/schemaRules.js';
import type { EngineDatabase } from '../../store/database.js';
import { countDatasetsUsingSchema } from '../../store/datasetRecords.js';
import {
  countSchemas,
  deleteSchema,
  findSchema,
  insertSchema,
  listSchemas,
  type SchemaRecord,
} from '../../store/schemaRecords.js';
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
import { domainSchema } from './datasetGroups.js';

export const schemaOperations: OperationTable = {
  CreateSchema: defineOperation(
    z.object({ name: z.string(), schema: z.string(), domain: domainSchema.optional() }),
    (input, ctx) => {
      const name = validateName(input.name);
      if (input.schema.length > SERVICE_QUOTAS.schemaJsonLength) {
        throw new InvalidInputException(
          `1 validation error detected: Value at 'schema' failed to satisfy constraint: ` +
            `Member must have length less than or equal to ${SERVICE_QUOTAS.schemaJsonLength}`,
        );
      }
      // Only the rules every schema obeys: the dataset type is known at CreateDataset.
      checkSchema(input.schema);
      const arn = buildArn(ctx.scope, 'schema', name);
      if (findSchema(ctx.db, arn)) throw new ResourceAlreadyExistsException(`Schema ${arn} already exists.`);
      if (countSchemas(ctx.db) >= SERVICE_QUOTAS.schemas) {
        throw new LimitExceededException(
          `The account already has ${SERVICE_QUOTAS.schemas} schemas, the service's quota. ` +
            'Delete schemas no dataset uses before creating another.',
        );
      }
      const now = ctx.now();
      insertSchema(ctx.db, {
        arn,
        name,
        schema: input.schema,
        domain: input.domain ?? null,
        created: now,
        updated: now,
      });
      return { schemaArn: arn };
    },
  ),
  DescribeSchema: defineOperation(z.object({ schemaArn: z.string() }), (input, ctx) => {
    const schema = requireSchema(ctx.db, input.schemaArn);
    return {
      schema: {
        name: schema.name,
        schemaArn: schema.arn,
        schema: schema.schema,
        creationDateTime: schema.created,
        lastUpdatedDateTime: schema.updated,
        ...(schema.domain ? { domain: schema.domain } : {}),
      },
    };
  }),
  ListSchemas: defineOperation(z.object({ ...PAGE_REQUEST_FIELDS }), (input, ctx) => {
    return listPage('schemas', listSchemas(ctx.db), input, (schema) => ({
      name: schema.name,
      schemaArn: schema.arn,
      creationDateTime: schema.created,
      lastUpdatedDateTime: schema.updated,
      ...(schema.domain ? { domain: schema.domain } : {}),
    }));
  }),
  DeleteSchema: defineOperation(z.object({ schemaArn: z.string() }), (input, ctx) => {
    const schema = requireSchema(ctx.db, input.schemaArn);
    const users = countDatasetsUsingSchema(ctx.db, schema.arn);
    if (users > 0) {
      throw new ResourceInUseException(
        `Schema ${schema.arn} is used by ${users} dataset${users === 1 ? '' : 's'}; delete ${users === 1 ? 'it' : 'them'} first.`,
      );
    }
    deleteSchema(ctx.db, schema.arn);
    return {};
  }),
};

export function requireSchema(db: EngineDatabase, arn: string, field = 'schemaArn'): SchemaRecord {
  validateArn(arn, field);
  const schema = findSchema(db, arn);
  if (!schema) throw new ResourceNotFoundException(`Schema ${arn} does not exist.`);
  return schema;
}
