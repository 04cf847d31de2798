export { HealthGate, type HealthGateOptions, type HealthStore } from './health-gate.ts';
export {
  freshHealth, healthAt, rampShare, recordOutcome, suspensionLength,
  type DestinationHealth, type Health, type HealthCounters, type HealthEvent,
} from './destination-health.ts';
export { SUSPENSION_TRIGGERS, suspensionTrigger, type SuspensionTrigger } from './triggers.ts';
export { TokenBucket } from './token-bucket.ts';
export { healthStoreFor, fromRecord, toNewEvent } from './store-health.ts';
