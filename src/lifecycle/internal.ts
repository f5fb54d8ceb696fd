/**
 * Everything the other modules of the SDK use from the lifecycle module: its
 * public surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { selectPowerMethod, powerFacts, powerFlags, nextResendAt, type PowerFacts } from './mode.js';
export { startFlags, managedSaveFlags, type StartFlagOptions } from './flags.js';
export { DEFAULT_RESEND_EVERY, DEFAULT_FORCE_OFF_TIMEOUT, DEFAULT_FORCE_OFF_RETRIES } from './options.js';
export { checkLifecycleOptions } from './check-options.js';
export { agentChannelState, waitForAgent } from './operations/agent.js';
export { createLifecycleContext } from './create-context.js';
export {
  type LifecycleContext,
  type OperationRun,
  runOperation,
  type ModuleRun,
  runInTurn,
  readState,
  readStateOrRetry,
  retriable,
  isGone,
  GONE_STATE,
} from './context.js';
export { CompletionWaiter, withWaiter, type WaitSpec, type WaitOutcome, type WaitedEvent, type WaitedEventType } from './waiter.js';
