import { vmCallCommand } from '../vm-command.js';

/** `start <vm>`: start and wait until it runs (virsh `start`). */
export const startCommand = vmCallCommand({
  name: 'start',
  summary: 'Start a VM and wait until it runs (virsh start)',
  async act(manager, vm, call) {
    const result = await manager.startVm(vm, call);
    return { json: result, human: `${result.domain.name}: ${result.changed ? 'started' : 'already running'}` };
  },
});
