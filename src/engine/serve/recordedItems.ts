import type { EngineDatabase } from '../store/database.js';
import { datasetGroupOfCampaignVersion, groupDatasets } from '../store/datasetGroupContents.js';
import { listRecords } from '../store/recordedDataRecords.js';
import type { TrainedModel } from '../train/model.js';

/** Items put with PutItems: their id and CREATION_TIMESTAMP when given (epoch seconds). */
export interface RecordedItem {
  readonly id: string;
  readonly created: number;
}

/** The PutItems records of the Items dataset of the group a solution version was trained in. */
export function recordedItemsOfVersion(db: EngineDatabase, solutionVersionArn: string): RecordedItem[] {
  const group = datasetGroupOfCampaignVersion(db, solutionVersionArn);
  const items = group === undefined ? undefined : groupDatasets(db, group).get('ITEMS');
  if (!items) return [];
  return listRecords(db, items.arn).map((record) => {
    const key = Object.keys(record.properties).find((k) => k.toLowerCase() === 'creationtimestamp');
    const created = key === undefined ? NaN : Number(record.properties[key]);
    return { id: record.id, created: Number.isFinite(created) ? created : NaN };
  });
}

/**
 * A user-personalization model with the items put since training appended to its catalogue, so that
 * exploration can show them before the next training, as the service does. They have no events (weight
 * 0) and zero factors, so the model gives them no preference: exploration picks them by their age
 * (CREATION_TIMESTAMP within `explorationItemAgeCutOff` of the newest event) or, without one, as items
 * it has never seen. Other recipes, and items the model knows, are left as they are.
 */
export function withRecordedItems(model: TrainedModel, recorded: readonly RecordedItem[]): TrainedModel {
  if (model.algorithm !== 'user-personalization' || recorded.length === 0) return model;
  const known = new Set(model.itemIds);
  const added = recorded.filter((item) => !known.has(item.id) && (known.add(item.id), true));
  if (added.length === 0) return model;
  const count = model.itemIds.length + added.length;
  const itemFactors = new Float32Array(count * model.factors);
  itemFactors.set(model.itemFactors);
  const itemWeight = new Float64Array(count);
  itemWeight.set(model.itemWeight);
  const itemCreated = new Float64Array(count);
  itemCreated.set(model.itemCreated);
  added.forEach((item, at) => (itemCreated[model.itemIds.length + at] = item.created));
  return {
    ...model,
    itemIds: [...model.itemIds, ...added.map((item) => item.id)],
    itemFactors,
    itemWeight,
    itemCreated,
  };
}
