import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import {
  countEventTrackers,
  deleteEventTracker,
  findEventTracker,
  findEventTrackerByName,
  insertEventTracker,
  listEventTrackers,
  setEventTrackerStatus,
  type EventTrackerRecord,
} from '../../store/eventTrackerRecords.js';
import { dropTags } from '../../store/tagRecords.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { SERVICE_QUOTAS } from '../quotas.js';
import { requireDatasetGroup } from './datasetGroups.js';
import { checkCreationTags, storeCreationTags, tagList } from './tags.js';

export const eventTrackerOperations: OperationTable = {
  CreateEventTracker: defineOperation(
    z.object({ name: z.string(), datasetGroupArn: z.string(), tags: tagList.optional() }),
    (input, ctx) => {
      const name = validateName(input.name);
      const group = requireDatasetGroup(ctx.db, input.datasetGroupArn);
      if (findEventTrackerByName(ctx.db, name))
        throw new ResourceAlreadyExistsException(`An event tracker named ${name} already exists.`);
      if (countEventTrackers(ctx.db, group.arn) >= SERVICE_QUOTAS.eventTrackersPerDatasetGroup) {
        throw new LimitExceededException(
          `Dataset group ${group.arn} already has an event tracker; a dataset group has at most one. ` +
            'Use its trackingId (DescribeEventTracker), or delete it first.',
        );
      }
      // The service's event tracker ARNs end in a generated id, not the name.
      const arn = buildArn(ctx.scope, 'event-tracker', randomBytes(4).toString('hex'));
      checkCreationTags(ctx, arn, input.tags);
      const now = ctx.now();
      const trackingId = randomUUID();
      insertEventTracker(ctx.db, {
        arn,
        name,
        datasetGroupArn: group.arn,
        trackingId,
        status: 'CREATE PENDING',
        created: now,
        updated: now,
      });
      storeCreationTags(ctx, arn, input.tags);
      ctx.background(() => activate(ctx, arn));
      return { eventTrackerArn: arn, trackingId };
    },
  ),
  DescribeEventTracker: defineOperation(z.object({ eventTrackerArn: z.string() }), (input, ctx) => {
    const tracker = requireEventTracker(ctx, input.eventTrackerArn);
    return {
      eventTracker: {
        name: tracker.name,
        eventTrackerArn: tracker.arn,
        accountId: ctx.scope.account,
        trackingId: tracker.trackingId,
        datasetGroupArn: tracker.datasetGroupArn,
        status: tracker.status,
        creationDateTime: tracker.created,
        lastUpdatedDateTime: tracker.updated,
      },
    };
  }),
  ListEventTrackers: defineOperation(
    z.object({ datasetGroupArn: z.string().optional(), ...PAGE_REQUEST_FIELDS }),
    (input, ctx) => {
      if (input.datasetGroupArn !== undefined) validateArn(input.datasetGroupArn, 'datasetGroupArn');
      return listPage(
        'eventTrackers',
        listEventTrackers(ctx.db, input.datasetGroupArn),
        input,
        (tracker) => ({
          name: tracker.name,
          eventTrackerArn: tracker.arn,
          status: tracker.status,
          creationDateTime: tracker.created,
          lastUpdatedDateTime: tracker.updated,
        }),
      );
    },
  ),
  DeleteEventTracker: defineOperation(z.object({ eventTrackerArn: z.string() }), (input, ctx) => {
    const tracker = requireEventTracker(ctx, input.eventTrackerArn);
    deleteEventTracker(ctx.db, tracker.arn);
    dropTags(ctx.db, tracker.arn);
    return {};
  }),
};

function requireEventTracker(ctx: EngineContext, arn: string): EventTrackerRecord {
  validateArn(arn, 'eventTrackerArn');
  const tracker = findEventTracker(ctx.db, arn);
  if (!tracker) throw new ResourceNotFoundException(`Event tracker ${arn} does not exist.`);
  return tracker;
}

/** CREATE PENDING → CREATE IN_PROGRESS → ACTIVE, as the service shows it. */
async function activate(ctx: EngineContext, arn: string): Promise<void> {
  await nextTick();
  if (!findEventTracker(ctx.db, arn)) return;
  setEventTrackerStatus(ctx.db, arn, 'CREATE IN_PROGRESS', ctx.now());
  await nextTick();
  if (findEventTracker(ctx.db, arn)) setEventTrackerStatus(ctx.db, arn, 'ACTIVE', ctx.now());
}
