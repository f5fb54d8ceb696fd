import type { CliCommand } from '../command.js';
import { table } from '../output.js';

/** `list`: every VM the registry tracks (virsh `list --all`). */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'List every VM with its state (virsh list --all)',
  usage: '',
  options: {},
  positionals: [],
  async run(context) {
    const manager = await context.connect();
    const vms = manager
      .listVms()
      .filter((vm) => vm.state !== 'gone')
      .sort((a, b) => a.domain.name.localeCompare(b.domain.name));
    const json = vms.map((vm) => ({
      name: vm.domain.name,
      uuid: vm.domain.uuid,
      // libvirt's id of a VM that is not running is -1; virsh shows '-'.
      id: vm.domain.id >= 0 ? vm.domain.id : null,
      state: vm.state,
      reason: vm.reason,
    }));
    const rows = json.map((vm) => [vm.id === null ? '-' : String(vm.id), vm.name, vm.state, vm.reason]);
    return { json, human: table(['Id', 'Name', 'State', 'Reason'], rows) };
  },
};
