import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { RetryRule, State } from './asl.js';
import { publishNotification, runSummary } from './notificationStates.js';
import { TRANSIENT_RETRY, personalizeTask } from './taskPolicy.js';

/** Where a run with SkipUnchangedData goes after the busy check, before it imports anything. */
export const UNCHANGED_DATA_START = 'NameDatasources';

/** The end of a run that stood down on unchanged data (a SKIPPED outcome, like a busy solution's). */
export const UNCHANGED_DATA_END = 'RetrainingSkippedUnchangedData';

/** The S3 integration that reads a datasource's object metadata (keys, ETags, sizes, dates), never its data. */
export const S3_LIST_OBJECTS = 'arn:aws:states:::aws-sdk:s3:listObjectsV2';

/** The tag each trained solution version carries: the fingerprint of the datasources it was trained on. */
export const DATA_FINGERPRINT_TAG = 'personalize-retrain:data-fingerprint';

/** The tag naming the run that trained a version, so that a re-run of it is not mistaken for unchanged data. */
export const RUN_TAG = 'personalize-retrain:run';

/** The tag value of a version whose datasources could not be fingerprinted; it matches no fingerprint. */
export const UNKNOWN_FINGERPRINT = 'unknown';

/**
 * Objects per datasource the check compares. States.Hash takes at most 10,000 characters: one
 * object's ETag, size and date take at most about 90 as JSON (a multipart ETag with its escaped
 * quotes, a 13-digit size, a 30-character date), so 100 objects stay under it. A datasource with
 * more objects is not compared: the run retrains and says so.
 */
export const MAX_COMPARED_OBJECTS = 100;

/** S3 errors worth a second try; any other error means the metadata cannot be read, and the run retrains. */
const S3_RETRY: RetryRule = {
  ErrorEquals: ['S3.SdkClientException', 'S3.SlowDownException', 'S3.InternalErrorException'],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
};

/** One configured datasource as the listing needs it: bucket and key prefix, split at build time. */
export interface DatasourceListing {
  readonly Location: string;
  readonly Bucket: string;
  readonly Prefix: string;
}

export function datasourceListings(config: PipelineConfig): DatasourceListing[] {
  return config.imports.map(({ dataLocation }) => {
    const [, , bucket = '', ...key] = dataLocation.split('/');
    return { Location: dataLocation, Bucket: bucket, Prefix: key.join('/') };
  });
}

/** The CreateSolutionVersion parameter that records the fingerprint on the new version. */
export function dataFingerprintTagParameter(config: PipelineConfig): Record<string, string> {
  return config.skipUnchangedData
    ? { 'Tags.$': 'States.Array($.UnchangedData.Tag, $.UnchangedData.RunTag)' }
    : {};
}

function verdict(reason: string, next: string): State {
  return {
    Type: 'Pass',
    Parameters: { 'Reason.$': reason },
    ResultPath: '$.UnchangedData.Verdict',
    Next: next,
  };
}

/** The per-datasource listing: ETag, size and date of every object under its prefix, hashed. */
function fingerprintDatasources(next: string, notCompared: string): State {
  const unreadable = (reason: string): State => ({
    Type: 'Pass',
    Parameters: {
      'Location.$': '$.Source.Location',
      Readable: false,
      Fingerprint: UNKNOWN_FINGERPRINT,
      'Reason.$': reason,
    },
    End: true,
  });
  return {
    Type: 'Map',
    Comment: 'Reads the object metadata of every datasource (never its data) and hashes it.',
    ItemsPath: '$.UnchangedData.Sources',
    ItemSelector: { 'Source.$': '$$.Map.Item.Value' },
    MaxConcurrency: 3,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'ListDatasourceObjects',
      States: {
        ListDatasourceObjects: {
          Type: 'Task',
          Resource: S3_LIST_OBJECTS,
          Parameters: {
            'Bucket.$': '$.Source.Bucket',
            'Prefix.$': '$.Source.Prefix',
            MaxKeys: MAX_COMPARED_OBJECTS,
          },
          ResultPath: '$.Listing',
          Retry: [S3_RETRY],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.Error', Next: 'DatasourceUnreadable' }],
          Next: 'IsListingComparable',
        },
        IsListingComparable: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.Listing.IsTruncated', BooleanEquals: true, Next: 'TooManyObjects' },
            { Variable: '$.Listing.KeyCount', NumericEquals: 0, Next: 'NoObjects' },
          ],
          Default: 'CollectObjectMetadata',
        },
        CollectObjectMetadata: {
          Type: 'Pass',
          Parameters: {
            'ETags.$': '$.Listing.Contents[*].ETag',
            'Sizes.$': '$.Listing.Contents[*].Size',
            'Modified.$': '$.Listing.Contents[*].LastModified',
          },
          ResultPath: '$.Metadata',
          Next: 'FingerprintObjects',
        },
        FingerprintObjects: {
          Type: 'Pass',
          Parameters: {
            'Location.$': '$.Source.Location',
            Readable: true,
            'Fingerprint.$': "States.Hash(States.JsonToString($.Metadata), 'MD5')",
            Reason: '',
          },
          End: true,
        },
        TooManyObjects: unreadable(
          `States.Format('{} holds more than ${MAX_COMPARED_OBJECTS} objects, more than the check compares', $.Source.Location)`,
        ),
        NoObjects: unreadable("States.Format('{} holds no object', $.Source.Location)"),
        DatasourceUnreadable: unreadable(
          "States.Format('the object metadata of {} could not be read ({}: {})', $.Source.Location, $.Error.Error, $.Error.Cause)",
        ),
      },
    },
    ResultPath: '$.UnchangedData.Listings',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.UnchangedData.Error', Next: notCompared }],
    Next: next,
  };
}

/**
 * SkipUnchangedData: before importing, fingerprints every datasource from its S3 object metadata
 * (ETag, size and date of each object under the path, read with ListObjectsV2, never the data) and
 * compares the fingerprint with the one the newest solution version carries as a tag (written when
 * this pipeline trained it). Equal and that version ACTIVE: the run stands down, SKIPPED and
 * notified, saying since when the data is unchanged. The state stays in the execution, not in any
 * store, so the check works the same wherever the definition runs. Whatever cannot be read or
 * compared (a listing error, too many objects, no version, a version trained elsewhere) means
 * retraining, with the reason at `$.UnchangedData.Verdict`; a version this execution itself started
 * before it crashed is adopted as usual.
 */
export function unchangedDataStates(
  config: PipelineConfig,
  next: string,
  notification: { readonly topicArn: string; readonly pipelineName: string },
): Record<string, State> {
  const listings = datasourceListings(config);
  const newest = '$.Busy.Versions[0]';
  const newestArn = `${newest}.SolutionVersionArn`;
  const notComparable: Record<string, State> = Object.fromEntries(
    listings.map((_, index) => [
      `DatasourceNotCompared${index + 1}`,
      verdict(
        `States.Format('Retraining without comparing the data: {}.', $.UnchangedData.Listings[${index}].Reason)`,
        'TagUnknownData',
      ),
    ]),
  );
  return {
    [UNCHANGED_DATA_START]: {
      Type: 'Pass',
      Comment: 'SkipUnchangedData: the datasources to compare with the newest version’s data.',
      Parameters: {
        Sources: listings,
        RunTag: { TagKey: RUN_TAG, 'TagValue.$': '$.Run.RunId' },
      },
      ResultPath: '$.UnchangedData',
      Next: 'FingerprintDatasources',
    },
    FingerprintDatasources: fingerprintDatasources('IsEveryDatasourceComparable', 'DataNotCompared'),
    IsEveryDatasourceComparable: {
      Type: 'Choice',
      Choices: listings.map((_, index) => ({
        Variable: `$.UnchangedData.Listings[${index}].Readable`,
        BooleanEquals: false,
        Next: `DatasourceNotCompared${index + 1}`,
      })),
      Default: 'FingerprintData',
    },
    ...notComparable,
    DataNotCompared: verdict(
      "States.Format('Retraining without comparing the data: the datasources could not be listed ({}).', $.UnchangedData.Error.Cause)",
      'TagUnknownData',
    ),
    TagUnknownData: {
      Type: 'Pass',
      Parameters: { TagKey: DATA_FINGERPRINT_TAG, TagValue: UNKNOWN_FINGERPRINT },
      ResultPath: '$.UnchangedData.Tag',
      Next: next,
    },
    FingerprintData: {
      Type: 'Pass',
      Comment: 'One fingerprint for all datasources, their locations included.',
      Parameters: {
        TagKey: DATA_FINGERPRINT_TAG,
        'TagValue.$': "States.Hash(States.JsonToString($.UnchangedData.Listings), 'MD5')",
      },
      ResultPath: '$.UnchangedData.Tag',
      Next: 'IsNewestVersionActive',
    },
    IsNewestVersionActive: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: newest, IsPresent: true },
            { Variable: `${newest}.Status`, StringEquals: 'ACTIVE' },
          ],
          Next: 'ListNewestVersionTags',
        },
      ],
      Default: 'NoVersionToCompare',
    },
    NoVersionToCompare: verdict(
      "States.Format('Retraining: the solution has no ACTIVE newest version to compare the data with.')",
      next,
    ),
    ListNewestVersionTags: {
      Type: 'Task',
      Resource: personalizeTask('listTagsForResource'),
      Parameters: { [`ResourceArn.$`]: newestArn },
      ResultPath: '$.UnchangedData.NewestTags',
      Retry: [TRANSIENT_RETRY],
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.UnchangedData.Error', Next: 'NewestVersionNotRead' },
      ],
      Next: 'IsNewestVersionTagged',
    },
    NewestVersionNotRead: verdict(
      "States.Format('Retraining without comparing the data: the tags of the newest solution version could not be read ({}).', $.UnchangedData.Error.Cause)",
      next,
    ),
    IsNewestVersionTagged: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.UnchangedData.NewestTags.Tags[0]', IsPresent: true, Next: 'CompareDataFingerprint' },
      ],
      Default: 'DataChanged',
    },
    CompareDataFingerprint: {
      Type: 'Pass',
      Parameters: {
        'Own.$': 'States.ArrayContains($.UnchangedData.NewestTags.Tags, $.UnchangedData.RunTag)',
        'Unchanged.$': 'States.ArrayContains($.UnchangedData.NewestTags.Tags, $.UnchangedData.Tag)',
      },
      ResultPath: '$.UnchangedData.Comparison',
      Next: 'IsDataUnchanged',
    },
    IsDataUnchanged: {
      Type: 'Choice',
      Choices: [
        // A re-run of a crashed execution goes on with the version it trained.
        { Variable: '$.UnchangedData.Comparison.Own', BooleanEquals: true, Next: 'OwnVersionResumed' },
        {
          Variable: '$.UnchangedData.Comparison.Unchanged',
          BooleanEquals: true,
          Next: 'SummarizeUnchangedData',
        },
      ],
      Default: 'DataChanged',
    },
    OwnVersionResumed: verdict(
      `States.Format('Going on with solution version {}, which this execution trained before it was interrupted.', ${newestArn})`,
      next,
    ),
    DataChanged: verdict(
      `States.Format('Retraining: the datasources are not those solution version {} was trained on (changed since, or it carries no ${DATA_FINGERPRINT_TAG} tag).', ${newestArn})`,
      next,
    ),
    SummarizeUnchangedData: runSummary(
      'SKIPPED',
      notification.pipelineName,
      {
        'SolutionVersionArn.$': newestArn,
        'UnchangedSince.$': `${newest}.CreationDateTime`,
        'Reason.$': `States.Format('The data is unchanged: no datasource changed since solution version {} was trained on it (created {}); this run stood down without importing or training.', ${newestArn}, ${newest}.CreationDateTime)`,
      },
      'NotifyUnchangedData',
    ),
    NotifyUnchangedData: publishNotification(
      notification.topicArn,
      `${notification.pipelineName}: retraining skipped: the data is unchanged`.slice(0, 100),
      UNCHANGED_DATA_END,
    ),
    [UNCHANGED_DATA_END]: { Type: 'Succeed' },
  };
}
