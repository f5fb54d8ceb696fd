import type { CliCommand } from '../command.js';
import { bytes } from '../output.js';

/** `get <vm>`: state and facts of one VM (virsh `dominfo`). */
export const getCommand: CliCommand = {
  name: 'get',
  summary: 'Show one VM: state, allowed commands, vCPUs, memory (virsh dominfo)',
  usage: '<vm>',
  options: {},
  positionals: ['vm'],
  async run(context, { args }) {
    const manager = await context.connect();
    const vm = args[0]!;
    const call = { signal: context.signal };
    // getInfo first: an unknown VM is a DomainNotFoundError (exit 3) from libvirt itself.
    const info = await manager.connection.domains.getInfo(vm, call);
    const ref = await manager.connection.domains.lookup(vm, call);
    const [autostart, persistent] = await Promise.all([
      manager.connection.domains.getAutostart(ref, call),
      manager.connection.domains.isPersistent(ref, call),
    ]);
    const snapshot = manager.getVm(ref);
    const json = {
      name: ref.name,
      uuid: ref.uuid,
      id: ref.id >= 0 ? ref.id : null,
      state: snapshot?.state ?? info.state,
      reason: snapshot?.reason ?? null,
      inFlight: snapshot?.inFlight ?? null,
      allowed: snapshot?.allowed ?? [],
      vcpus: info.vcpus,
      memoryBytes: info.memoryBytes,
      maxMemoryBytes: info.maxMemoryBytes,
      cpuTimeNs: info.cpuTimeNs,
      autostart,
      persistent,
    };
    const human = [
      ['Name', json.name],
      ['UUID', json.uuid],
      ['Id', json.id === null ? '-' : String(json.id)],
      ['State', `${json.state}${json.reason === null ? '' : ` (${json.reason})`}`],
      ['In flight', json.inFlight === null ? '-' : json.inFlight.command],
      ['Allowed', json.allowed.join(', ') || '-'],
      ['vCPUs', String(json.vcpus)],
      ['Memory', `${bytes(json.memoryBytes)} of ${bytes(json.maxMemoryBytes)}`],
      ['Autostart', json.autostart ? 'yes' : 'no'],
      ['Persistent', json.persistent ? 'yes' : 'no'],
    ]
      .map(([k, v]) => `${`${k}:`.padEnd(12)}${v}`)
      .join('\n');
    return { json, human };
  },
};
