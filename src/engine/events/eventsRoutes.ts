import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputException, RuntimeResourceNotFoundException } from '../api/errors.js';
import { parseInput } from '../api/operation.js';
import { SERVICE_QUOTAS } from '../api/quotas.js';
import { sendError } from '../api/server.js';
import type { EngineContext } from '../context.js';
import { findDataset } from '../store/datasetRecords.js';
import { findEventTrackerByTrackingId } from '../store/eventTrackerRecords.js';
import { insertEvents, upsertRecords, type RecordedEvent } from '../store/recordedDataRecords.js';
import { checkProperties } from './recordProperties.js';
import { datasetGroupOf } from '../serve/requestPersonalization.js';

const MAX = SERVICE_QUOTAS.recordsPerPutCall;
const id = z.string().min(1).max(256);

const putEvents = z.object({
  trackingId: id,
  userId: id.optional(),
  sessionId: id,
  eventList: z
    .array(
      z.object({
        eventId: id.optional(),
        eventType: id,
        eventValue: z.number().optional(),
        itemId: id.optional(),
        properties: z.string().min(1).max(1024).optional(),
        sentAt: z.number(),
        recommendationId: z.string().min(1).max(40).optional(),
        impression: z.array(id).min(1).max(25).optional(),
        metricAttribution: z.object({ eventAttributionSource: id }).optional(),
      }),
    )
    .min(1)
    .max(MAX),
});

const putItems = z.object({
  datasetArn: z.string().max(256),
  items: z
    .array(z.object({ itemId: id, properties: z.string().min(1).max(24_262).optional() }))
    .min(1)
    .max(MAX),
});

const putUsers = z.object({
  datasetArn: z.string().max(256),
  users: z
    .array(z.object({ userId: id, properties: z.string().min(1).max(4_096).optional() }))
    .min(1)
    .max(MAX),
});

/** Fields PutEvents fills from the event's own members rather than from `properties`. */
const EVENT_MEMBERS = [
  'USER_ID',
  'ITEM_ID',
  'TIMESTAMP',
  'EVENT_TYPE',
  'EVENT_VALUE',
  'IMPRESSION',
  'RECOMMENDATION_ID',
  'EVENT_ATTRIBUTION_SOURCE',
];

/**
 * The events API (`@aws-sdk/client-personalize-events`, REST JSON) on the engine's port: PutEvents
 * records interactions through an event tracker; PutItems and PutUsers add or replace records of an
 * Items or Users dataset. All three take effect at once: recommendations and filters read them on the
 * next request, and the next training includes them.
 */
export function registerEventsRoutes(app: FastifyInstance, ctx: EngineContext): void {
  app.post('/events', async (request, reply) => {
    try {
      const input = parseInput(putEvents, request.body);
      const tracker = findEventTrackerByTrackingId(ctx.db, input.trackingId);
      if (!tracker || tracker.status !== 'ACTIVE')
        throw new RuntimeResourceNotFoundException(
          `No ACTIVE event tracker has trackingId ${input.trackingId}.`,
        );
      const dataset = ctx.groupData.get(tracker.datasetGroupArn).datasets.get('INTERACTIONS');
      if (!dataset) {
        throw new InvalidInputException(
          `Dataset group ${tracker.datasetGroupArn} has no Interactions dataset to record events in; create one first.`,
        );
      }
      // Without a userId the session stands for the user, as for anonymous visitors in the service.
      const userId = input.userId ?? input.sessionId;
      const events: RecordedEvent[] = input.eventList.map((event, index) => {
        const where = `eventList.${index}`;
        if (!(event.sentAt > 0 && event.sentAt < 1e10)) {
          throw new InvalidInputException(
            `${where}.sentAt is ${event.sentAt}: give the time of the event (epoch seconds, or a Date in the SDK).`,
          );
        }
        if (event.itemId === undefined)
          throw new InvalidInputException(
            `${where}.itemId is required: the Interactions schema requires ITEM_ID.`,
          );
        return {
          datasetArn: dataset.arn,
          userId,
          sessionId: input.sessionId,
          itemId: event.itemId,
          eventType: event.eventType,
          eventValue: event.eventValue ?? null,
          timestamp: Math.floor(event.sentAt),
          eventId: event.eventId ?? null,
          recommendationId: event.recommendationId ?? null,
          impression: event.impression ?? null,
          properties: checkProperties(where, event.properties, dataset.fields, EVENT_MEMBERS),
        };
      });
      insertEvents(ctx.db, events);
      ctx.groupData.userEventsRecorded(tracker.datasetGroupArn, userId);
      return await reply.type('application/json').send('{}');
    } catch (error) {
      return sendError(reply, error, ctx, 'PutEvents');
    }
  });

  const putRecords = (path: string, operation: string, type: 'ITEMS' | 'USERS') => {
    app.post(path, async (request, reply) => {
      try {
        const input =
          type === 'ITEMS' ? parseInput(putItems, request.body) : parseInput(putUsers, request.body);
        const idField = type === 'ITEMS' ? 'ITEM_ID' : 'USER_ID';
        const dataset = findDataset(ctx.db, input.datasetArn);
        if (!dataset)
          throw new RuntimeResourceNotFoundException(`Dataset ${input.datasetArn} does not exist.`);
        if (dataset.datasetType.toUpperCase() !== type) {
          throw new InvalidInputException(
            `Dataset ${dataset.arn} is a ${dataset.datasetType} dataset; ${operation} needs a ${type} dataset.`,
          );
        }
        const fields = ctx.groupData.get(dataset.datasetGroupArn).datasets.get(type)?.fields ?? [];
        const list =
          'items' in input
            ? input.items.map((i) => ({ id: i.itemId, properties: i.properties }))
            : input.users.map((u) => ({ id: u.userId, properties: u.properties }));
        const records = list.map((record, index) => ({
          id: record.id,
          properties:
            checkProperties(`${type === 'ITEMS' ? 'items' : 'users'}.${index}`, record.properties, fields, [
              idField,
            ]) ?? {},
        }));
        upsertRecords(ctx.db, dataset.arn, records);
        ctx.groupData.recordsChanged(dataset.datasetGroupArn);
        if (type === 'ITEMS') unloadModelsMissing(ctx, dataset.datasetGroupArn, records);
        return await reply.type('application/json').send('{}');
      } catch (error) {
        return sendError(reply, error, ctx, operation);
      }
    });
  };
  putRecords('/items', 'PutItems', 'ITEMS');
  putRecords('/users', 'PutUsers', 'USERS');
}

/**
 * New items join the catalogue of the group's user-personalization campaigns at once (exploration can
 * show them before the next training): their models reload with the put items on the next request.
 */
function unloadModelsMissing(
  ctx: EngineContext,
  datasetGroupArn: string,
  records: readonly { readonly id: string }[],
): void {
  ctx.deployments.unloadWhere(
    (deployment) =>
      deployment.recommender.model.algorithm === 'user-personalization' &&
      records.some((record) => deployment.recommender.itemIndexOf(record.id) === undefined) &&
      datasetGroupOf(ctx, deployment) === datasetGroupArn,
  );
}
