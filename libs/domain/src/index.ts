// The public API of the effectiveness engine (SPEC §5), sampling (SPEC §6) and rollups.
// Pure: no I/O, no clock — time is always a parameter.

export * from './time/instant';
export * from './time/rolling-window';

export * from './slots/frequency';
export * from './slots/slot';
export * from './slots/slot-start-at';
export * from './slots/slots-within';

export * from './scope/scope-interval';
export * from './scope/expected-slots';

export * from './effectiveness/result-point';
export * from './effectiveness/slot-status';
export * from './effectiveness/expected-occurrences';
export * from './effectiveness/deviation-rate';
export * from './effectiveness/coverage';
export * from './effectiveness/longest-deviation-streak';
export * from './effectiveness/failure-episodes';
export * from './effectiveness/mttr-seconds';
export * from './effectiveness/time-in-compliance';
export * from './effectiveness/result-counts';
export * from './effectiveness/verdict';
export * from './effectiveness/meets-minimum-period';
export * from './effectiveness/pair-effectiveness';
export * from './effectiveness/evaluate-pair';
export * from './effectiveness/evaluate-pair-summary';

export * from './rollup/roll-up';

export * from './sampling/default-sample-size';
export * from './sampling/sample-slots';
