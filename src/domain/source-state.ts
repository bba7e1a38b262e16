/** Where a source is in its life; the `state` label of adeline_source_state. */
export type SourceState =
  | 'connecting'
  | 'delivering'
  | 'backpressured'
  | 'reconnecting'
  | 'stalled'
  | 'paused'
  | 'ended'
  | 'failed';

export const SOURCE_STATES: readonly SourceState[] = [
  'connecting',
  'delivering',
  'backpressured',
  'reconnecting',
  'stalled',
  'paused',
  'ended',
  'failed',
];
