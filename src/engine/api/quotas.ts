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
} as const;
