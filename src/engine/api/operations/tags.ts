import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import { listTags, putTags, removeTags, resourceExists, type Tag } from '../../store/tagRecords.js';
import { validateArn } from '../arn.js';
import {
  InvalidInputException,
  ResourceNotFoundException,
  TooManyTagKeysException,
  TooManyTagsException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { SERVICE_QUOTAS } from '../quotas.js';

/** The `tags` member of every create call and of TagResource. */
export const tagList = z.array(z.object({ tagKey: z.string(), tagValue: z.string() }));

/** The service's tag rules: keys 1–128 and values 0–256 characters of letters, digits, spaces and `_.:/=+-@`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function checkTag(tag: Tag): void {
  if (tag.tagKey.length < 1 || tag.tagKey.length > 128 || !TAG_TEXT.test(tag.tagKey)) {
    throw new InvalidInputException(
      `Tag key '${tag.tagKey}' is invalid: use 1 to 128 letters, digits, spaces or _.:/=+-@.`,
    );
  }
  if (tag.tagKey.toLowerCase().startsWith('aws:')) {
    throw new InvalidInputException(
      `Tag key '${tag.tagKey}' is invalid: the prefix aws: is reserved for AWS.`,
    );
  }
  if (tag.tagValue.length > 256 || !TAG_TEXT.test(tag.tagValue)) {
    throw new InvalidInputException(
      `Tag value of '${tag.tagKey}' is invalid: use at most 256 letters, digits, spaces or _.:/=+-@.`,
    );
  }
}

/** Checks tags against the rules and the per-resource limit, counting those the resource already has. */
function checkTags(ctx: EngineContext, arn: string, tags: readonly Tag[]): void {
  for (const tag of tags) checkTag(tag);
  const keys = new Set([...listTags(ctx.db, arn).map((tag) => tag.tagKey), ...tags.map((tag) => tag.tagKey)]);
  if (keys.size > SERVICE_QUOTAS.tagsPerResource) {
    throw new TooManyTagsException(
      `${arn} would have ${keys.size} tags; a resource holds at most ${SERVICE_QUOTAS.tagsPerResource}. Remove some with UntagResource first.`,
    );
  }
}

/** Validates a create call's `tags` before anything is written, so a bad tag creates nothing. */
export function checkCreationTags(ctx: EngineContext, arn: string, tags: readonly Tag[] | undefined): void {
  if (tags) checkTags(ctx, arn, tags);
}

/** Stores a create call's `tags` with the resource (call after the resource is written). */
export function storeCreationTags(ctx: EngineContext, arn: string, tags: readonly Tag[] | undefined): void {
  if (tags && tags.length > 0) putTags(ctx.db, arn, tags);
}

function requireTaggable(ctx: EngineContext, arn: string): string {
  validateArn(arn, 'resourceArn');
  if (!resourceExists(ctx.db, arn)) throw new ResourceNotFoundException(`Resource ${arn} does not exist.`);
  return arn;
}

export const tagOperations: OperationTable = {
  TagResource: defineOperation(z.object({ resourceArn: z.string(), tags: tagList }), (input, ctx) => {
    const arn = requireTaggable(ctx, input.resourceArn);
    checkTags(ctx, arn, input.tags);
    putTags(ctx.db, arn, input.tags);
    return {};
  }),
  UntagResource: defineOperation(
    z.object({ resourceArn: z.string(), tagKeys: z.array(z.string()) }),
    (input, ctx) => {
      const arn = requireTaggable(ctx, input.resourceArn);
      if (input.tagKeys.length > SERVICE_QUOTAS.tagsPerResource) {
        throw new TooManyTagKeysException(
          `${input.tagKeys.length} tag keys given; UntagResource takes at most ${SERVICE_QUOTAS.tagsPerResource}.`,
        );
      }
      removeTags(ctx.db, arn, input.tagKeys);
      return {};
    },
  ),
  ListTagsForResource: defineOperation(z.object({ resourceArn: z.string() }), (input, ctx) => ({
    tags: listTags(ctx.db, requireTaggable(ctx, input.resourceArn)),
  })),
};
