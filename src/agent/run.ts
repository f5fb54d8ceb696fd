/**
 * The shapes every agent operation passes around: the manager's context and
 * one operation's run.
 *
 * @module
 */
import type { DomainRef, LibvirtConnection, Logger } from '../connection/internal.js';
import type { LifecycleContext } from '../lifecycle/internal.js';
import type { Budget } from '../runtime/index.js';

/** What every agent operation shares. */
export interface AgentContext {
  readonly connection: LibvirtConnection;
  readonly lifecycle: LifecycleContext;
  readonly logger: Logger | undefined;
  readonly pollInterval: number;
}

/** One agent operation: its budget and the VM's reference. */
export interface AgentRun {
  readonly ctx: AgentContext;
  readonly ref: DomainRef;
  readonly budget: Budget;
}
