/** Thrown out of a training loop when its caller asked it to stop (StopSolutionVersionCreation). */
export class TrainingStoppedError extends Error {
  constructor() {
    super('Training was stopped before it finished.');
    this.name = new.target.name;
  }
}

/** Lets a long training loop report progress and notice a stop request between units of work. */
export interface TrainingControl {
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingProgress {
  readonly phase: 'evaluation-model' | 'final-model';
  readonly epoch: number;
  readonly epochs: number;
}

export function throwIfStopped(control: TrainingControl | undefined): void {
  if (control?.shouldStop?.()) throw new TrainingStoppedError();
}
