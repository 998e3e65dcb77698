import type { TrainingGate } from '../../src/engine/context.js';

/**
 * An engine training gate a test controls: every training waits at it in CREATE IN_PROGRESS until
 * the test releases it, so "a run still training" lasts exactly as long as the test needs.
 */
export class HeldTrainings {
  private readonly waiting = new Map<string, () => void>();
  private readonly arrivals: ((arn: string) => void)[] = [];
  private readonly arrived: string[] = [];

  /**
   * @param leaveOnStop A stopped training (StopSolutionVersionCreation, the engine closing) leaves the
   * gate at once; false keeps it there until released, to observe CREATE STOPPING.
   */
  constructor(private readonly leaveOnStop = true) {}

  readonly gate: TrainingGate = (solutionVersionArn, signal) =>
    new Promise<void>((release, reject) => {
      this.waiting.set(solutionVersionArn, release);
      if (this.leaveOnStop)
        signal.addEventListener('abort', () => reject(new Error('stopped at the gate')), { once: true });
      const next = this.arrivals.shift();
      if (next) next(solutionVersionArn);
      else this.arrived.push(solutionVersionArn);
    });

  /** Resolves with the ARN of the next training that reaches the gate (or one already there). */
  nextArrival(): Promise<string> {
    const already = this.arrived.shift();
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  /** Releases the next training that arrives, once it does. */
  async releaseNext(): Promise<string> {
    const arn = await this.nextArrival();
    this.release(arn);
    return arn;
  }

  /** Lets every held training (or one) go on and train. */
  release(solutionVersionArn?: string): void {
    for (const [arn, release] of this.waiting) {
      if (solutionVersionArn !== undefined && arn !== solutionVersionArn) continue;
      this.waiting.delete(arn);
      release();
    }
  }
}
