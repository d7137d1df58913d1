/** Default topic names (SPEC §2, §3). Deployments may rename them via VIGIL_TOPIC_* variables. */
export const TOPICS = {
  results: 'control-results',
  deadLetter: 'control-results.dlq',
  statusChanges: 'control-status-changes',
} as const;

export interface TopicNames {
  results: string;
  deadLetter: string;
  statusChanges: string;
}
