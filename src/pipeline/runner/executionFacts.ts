import type { ExecutionFacts, SolutionMetrics } from '../executions/types.js';

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Learns which solution version a run trained and the metrics of both versions from the Personalize
 * results it sees (PascalCase, as Step Functions returns them), whatever the definition's layout:
 * the version `createSolutionVersion` returned, or failing that (a resumed run that found its version
 * already created) the one it last described; `getSolutionMetrics` of any other version is taken as
 * the version it was compared with.
 */
export class FactsCollector {
  private created: string | undefined;
  private described: string | undefined;
  private readonly metricsByVersion = new Map<string, SolutionMetrics>();

  observe(action: string, result: unknown): void {
    if (action === 'createSolutionVersion')
      this.created = text(field(result, 'SolutionVersionArn')) ?? this.created;
    if (action === 'describeSolutionVersion')
      this.described = text(field(field(result, 'SolutionVersion'), 'SolutionVersionArn')) ?? this.described;
    if (action === 'getSolutionMetrics') {
      const arn = text(field(result, 'SolutionVersionArn'));
      const metrics = field(result, 'Metrics');
      if (arn && typeof metrics === 'object' && metrics !== null) {
        this.metricsByVersion.delete(arn);
        this.metricsByVersion.set(arn, metrics as SolutionMetrics);
      }
    }
  }

  facts(): ExecutionFacts {
    const trained = this.created ?? this.described ?? null;
    const previous = [...this.metricsByVersion.keys()].filter((arn) => arn !== trained).at(-1) ?? null;
    return {
      solutionVersionArn: trained,
      metrics: trained === null ? null : (this.metricsByVersion.get(trained) ?? null),
      previousSolutionVersionArn: previous,
      previousMetrics: previous === null ? null : (this.metricsByVersion.get(previous) ?? null),
    };
  }
}
