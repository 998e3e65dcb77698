import {
  DescribeCampaignCommand,
  GetSolutionMetricsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { CampaignInfo, SolutionVersionInfo } from './types.js';

export async function describeCampaign(
  personalize: PersonalizeClient,
  campaignArn: string,
): Promise<CampaignInfo> {
  const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
  const update = campaign?.latestCampaignUpdate;
  return {
    campaignArn,
    status: campaign?.status ?? null,
    solutionVersionArn: campaign?.solutionVersionArn ?? null,
    latestUpdate: update
      ? {
          status: update.status ?? null,
          solutionVersionArn: update.solutionVersionArn ?? null,
          failureReason: update.failureReason ?? null,
        }
      : null,
  };
}

/** The solution's versions, newest first (at most 100), with the metrics of the ACTIVE ones. */
export async function listSolutionVersions(
  personalize: PersonalizeClient,
  solutionArn: string,
  servedArn: string | null,
): Promise<SolutionVersionInfo[]> {
  const { solutionVersions = [] } = await personalize.send(
    new ListSolutionVersionsCommand({ solutionArn, maxResults: 100 }),
  );
  return Promise.all(
    solutionVersions.map(async (version): Promise<SolutionVersionInfo> => {
      const arn = version.solutionVersionArn ?? '';
      let metrics: Record<string, number> | null = null;
      if (version.status === 'ACTIVE') {
        const answer = await personalize
          .send(new GetSolutionMetricsCommand({ solutionVersionArn: arn }))
          .catch(() => undefined);
        metrics = answer?.metrics && Object.keys(answer.metrics).length > 0 ? answer.metrics : null;
      }
      return {
        solutionVersionArn: arn,
        status: version.status ?? null,
        trainingMode: version.trainingMode ?? null,
        createdAt: version.creationDateTime?.getTime() ?? null,
        failureReason: version.failureReason ?? null,
        metrics,
        servedByCampaign: servedArn !== null && servedArn === arn,
      };
    }),
  );
}
