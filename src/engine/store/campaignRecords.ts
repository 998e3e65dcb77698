import type { EngineDatabase } from './database.js';

export type CampaignStatus =
  'CREATE PENDING' | 'CREATE IN_PROGRESS' | 'ACTIVE' | 'CREATE FAILED' | 'DELETE PENDING';

/** What a campaign serves, or is being updated to serve. */
export interface CampaignDeployment {
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig: Record<string, unknown> | null;
}

export interface CampaignUpdateRecord extends CampaignDeployment {
  readonly status: CampaignStatus;
  readonly failureReason: string | null;
  readonly created: number;
  readonly updated: number;
}

export interface CampaignRecord extends CampaignDeployment {
  readonly arn: string;
  readonly name: string;
  readonly status: CampaignStatus;
  readonly failureReason: string | null;
  readonly created: number;
  readonly updated: number;
  readonly latestUpdate: CampaignUpdateRecord | null;
}

interface Row {
  arn: string;
  name: string;
  solution_version_arn: string;
  min_provisioned_tps: number;
  campaign_config_json: string | null;
  status: CampaignStatus;
  failure_reason: string | null;
  created: number;
  updated: number;
  update_solution_version_arn: string | null;
  update_min_provisioned_tps: number | null;
  update_campaign_config_json: string | null;
  update_status: CampaignStatus | null;
  update_failure_reason: string | null;
  update_created: number | null;
  update_updated: number | null;
}

function parseConfig(json: string | null): Record<string, unknown> | null {
  return json ? (JSON.parse(json) as Record<string, unknown>) : null;
}

function fromRow(row: Row): CampaignRecord {
  return {
    arn: row.arn,
    name: row.name,
    solutionVersionArn: row.solution_version_arn,
    minProvisionedTPS: row.min_provisioned_tps,
    campaignConfig: parseConfig(row.campaign_config_json),
    status: row.status,
    failureReason: row.failure_reason,
    created: row.created,
    updated: row.updated,
    latestUpdate:
      row.update_status && row.update_solution_version_arn
        ? {
            solutionVersionArn: row.update_solution_version_arn,
            minProvisionedTPS: row.update_min_provisioned_tps ?? row.min_provisioned_tps,
            campaignConfig: parseConfig(row.update_campaign_config_json),
            status: row.update_status,
            failureReason: row.update_failure_reason,
            created: row.update_created ?? row.created,
            updated: row.update_updated ?? row.updated,
          }
        : null,
  };
}

export function insertCampaign(db: EngineDatabase, campaign: Omit<CampaignRecord, 'latestUpdate'>): void {
  db.prepare(
    `INSERT INTO campaigns (arn, name, solution_version_arn, min_provisioned_tps, campaign_config_json, status,
       failure_reason, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    campaign.arn,
    campaign.name,
    campaign.solutionVersionArn,
    campaign.minProvisionedTPS,
    campaign.campaignConfig ? JSON.stringify(campaign.campaignConfig) : null,
    campaign.status,
    campaign.failureReason,
    campaign.created,
    campaign.updated,
  );
}

export function findCampaign(db: EngineDatabase, arn: string): CampaignRecord | undefined {
  const row = db.prepare('SELECT * FROM campaigns WHERE arn = ?').get(arn) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

export function listCampaigns(db: EngineDatabase, solutionArn?: string): CampaignRecord[] {
  const rows = (
    solutionArn
      ? db
          // A version's ARN is its solution's plus '/<id>'; compared as text, since LIKE would read '_' as a wildcard.
          .prepare(
            `SELECT * FROM campaigns WHERE substr(solution_version_arn, 1, length(?) + 1) = ? || '/'
             ORDER BY created, name`,
          )
          .all(solutionArn, solutionArn)
      : db.prepare('SELECT * FROM campaigns ORDER BY created, name').all()
  ) as Row[];
  return rows.map(fromRow);
}

/** Campaigns deploying a version of any solution of the dataset group: what the service's quota counts. */
export function countCampaignsInDatasetGroup(db: EngineDatabase, datasetGroupArn: string): number {
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM campaigns c
         JOIN solution_versions v ON v.arn = c.solution_version_arn
         JOIN solutions s ON s.arn = v.solution_arn
         WHERE s.dataset_group_arn = ?`,
      )
      .get(datasetGroupArn) as { n: number }
  ).n;
}

export function setCampaignStatus(
  db: EngineDatabase,
  arn: string,
  status: CampaignStatus,
  now: number,
  failureReason: string | null = null,
): void {
  db.prepare('UPDATE campaigns SET status = ?, failure_reason = ?, updated = ? WHERE arn = ?').run(
    status,
    failureReason,
    now,
    arn,
  );
}

export function startCampaignUpdate(
  db: EngineDatabase,
  arn: string,
  target: CampaignDeployment,
  now: number,
): void {
  db.prepare(
    `UPDATE campaigns SET update_solution_version_arn = ?, update_min_provisioned_tps = ?, update_campaign_config_json = ?,
       update_status = 'CREATE PENDING', update_failure_reason = NULL, update_created = ?, update_updated = ?, updated = ?
     WHERE arn = ?`,
  ).run(
    target.solutionVersionArn,
    target.minProvisionedTPS,
    target.campaignConfig ? JSON.stringify(target.campaignConfig) : null,
    now,
    now,
    now,
    arn,
  );
}

export function setCampaignUpdateStatus(
  db: EngineDatabase,
  arn: string,
  status: CampaignStatus,
  now: number,
  failureReason: string | null = null,
): void {
  db.prepare(
    'UPDATE campaigns SET update_status = ?, update_failure_reason = ?, update_updated = ? WHERE arn = ?',
  ).run(status, failureReason, now, arn);
}

/** The update is live: the campaign now serves the update's version and settings. */
export function completeCampaignUpdate(db: EngineDatabase, arn: string, now: number): void {
  db.prepare(
    `UPDATE campaigns SET solution_version_arn = update_solution_version_arn,
       min_provisioned_tps = update_min_provisioned_tps, campaign_config_json = update_campaign_config_json,
       update_status = 'ACTIVE', update_updated = ?, updated = ? WHERE arn = ?`,
  ).run(now, now, arn);
}

export function deleteCampaign(db: EngineDatabase, arn: string): void {
  db.prepare('DELETE FROM campaigns WHERE arn = ?').run(arn);
}
