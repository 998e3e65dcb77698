/**
 * The service's documented default quotas that the engine enforces, in one place so that docs,
 * tests and operations agree. Source: "Amazon Personalize endpoints and quotas" (per account and
 * region unless noted). The engine applies the defaults; the service lets some be raised on request.
 */
export const SERVICE_QUOTAS = {
  /** Active dataset groups per account (adjustable in the service). */
  datasetGroups: 5,
  /** Active schemas per account. */
  schemas: 500,
  /** Length of a schema's Avro JSON (`CreateSchema.schema`). */
  schemaJsonLength: 20_000,
  /** Metadata fields of an Interactions dataset, reserved fields excluded. */
  interactionsMetadataFields: 5,
  /** Metadata fields of a Users dataset. */
  usersMetadataFields: 25,
  /** Metadata fields of an Items dataset. */
  itemsMetadataFields: 100,
  /** Textual fields of an Items dataset. */
  itemsTextualFields: 1,
  /** Active solutions per dataset group (adjustable in the service). */
  solutionsPerDatasetGroup: 10,
  /** Active campaigns per dataset group (adjustable in the service). */
  campaignsPerDatasetGroup: 5,
  /** Solution versions pending or in progress per account (adjustable in the service). */
  solutionVersionsInProgress: 20,
  /** User-created tags per resource. */
  tagsPerResource: 50,
  /** Filters per dataset group. */
  filtersPerDatasetGroup: 10,
  /** Length of a filter expression (`CreateFilter.filterExpression`). */
  filterExpressionLength: 2_500,
  /** Distinct dataset fields one filter may use. */
  filterFields: 10,
  /** Most recent interactions per user and event type that a filter considers (adjustable). */
  filterInteractionsPerEventType: 100,
  /** Event trackers per dataset group. */
  eventTrackersPerDatasetGroup: 1,
  /** Events in one PutEvents call; items in one PutItems call; users in one PutUsers call. */
  recordsPerPutCall: 10,
} as const;
