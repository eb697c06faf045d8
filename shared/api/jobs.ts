/**
 * The one table of scheduled jobs: the CDK stack makes an EventBridge schedule for each, and the
 * local runner runs each on the same rate and on `POST /__dev/tick`. `fn` is functions/<fn>.ts,
 * whose `handler` takes no meaningful event.
 */
export interface JobSpec {
  fn: string;
  rateSeconds: number;
  description: string;
}

export const jobs: Record<string, JobSpec> = {};
