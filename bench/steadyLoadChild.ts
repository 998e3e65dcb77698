/**
 * The process `steadyLoad` sends its stream from: a small heap of its own, so the generator's garbage
 * collections stay short. Receives a `SteadyLoadJob` over IPC and answers with the result.
 */
import { steadyLoadHere, type SteadyLoadJob } from './steadyLoad.js';

process.once('message', (message) => {
  const job = message as SteadyLoadJob;
  let next = 0;
  void steadyLoadHere(job.url, job.path, () => job.bodies[next++]!, job.rate, job.seconds).then((result) =>
    process.send?.(result),
  );
});
