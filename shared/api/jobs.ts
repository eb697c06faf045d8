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

export const jobs: Record<string, JobSpec> = {
  sessionSweeper: { fn: 'sessionSweeper', rateSeconds: 60, description: 'Ends sessions with no heartbeat for two intervals plus 30 s, logging them out at their last heartbeat' },
  reservationSweeper: { fn: 'reservationSweeper', rateSeconds: 60, description: 'Releases payment reservations that were not committed in time' },
  nppaReporter: { fn: 'nppaReporter', rateSeconds: 60, description: 'Reports queued logins and logouts to the national system (batches of 128, at most 10 calls a second)' },
  challengeSweeper: { fn: 'challengeSweeper', rateSeconds: 60, description: 'Fails challenges not answered within their time (the account then follows minor rules)' },
  identityPoller: { fn: 'identityPoller', rateSeconds: 60, description: 'Finishes pending real-name checks through the NPPA query interface; rejects after 48 h' },
};
