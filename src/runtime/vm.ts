import {
  type CallOptions,
  type DomainInput,
  type DomainRef,
  InvalidArgumentError,
  type LibvirtConnection,
  uuidKey,
} from '../connection/internal.js';

/** A VM named by name, UUID, or a reference the SDK returned (`{ name, uuid, id }`). */
export type VmInput = DomainInput;

/**
 * Refuse anything that is not a name, a UUID or a `{ name, uuid }`
 * reference, before anything is sent.
 * @throws {@link InvalidArgumentError} (`path`)
 */
export function checkVmInput(vm: unknown, path = 'vm'): asserts vm is VmInput {
  const ok =
    (typeof vm === 'string' && vm.length > 0) ||
    (typeof vm === 'object' && vm !== null && typeof (vm as DomainRef).name === 'string' && typeof (vm as DomainRef).uuid === 'string');
  if (!ok) throw new InvalidArgumentError(`${path} must be a name, a UUID or a domain reference { name, uuid }`, { path });
}

/**
 * The reference libvirt needs for `vm`: a reference as given (its `id` kept,
 * `-1` when absent), a name or UUID looked up (one call).
 * @throws {@link InvalidArgumentError} · `DomainNotFoundError` naming it · the call's errors
 */
export async function resolveVm(connection: Pick<LibvirtConnection, 'domains'>, vm: VmInput, call: CallOptions): Promise<DomainRef> {
  checkVmInput(vm);
  if (typeof vm === 'object') return { name: vm.name, uuid: vm.uuid, id: vm.id ?? -1 };
  return connection.domains.lookup(vm, call);
}

/** The key a VM is filed under everywhere (locks, the registry): its UUID, lower case, without dashes. */
export function vmKey(vm: Pick<DomainRef, 'uuid'>): string {
  return uuidKey(vm.uuid);
}
