import { vmCallCommand } from '../vm-command.js';

/** `force-off <vm>`: power off at once (virsh `destroy`). */
export const forceOffCommand = vmCallCommand({
  name: 'force-off',
  summary: "Power a VM off at once (virsh destroy: the VM's definition and storage stay)",
  async act(manager, vm, call) {
    const result = await manager.forceOffVm(vm, call);
    return { json: result, human: `${result.domain.name}: ${result.changed ? 'powered off' : 'already shut off'}` };
  },
});
