import { vmCallCommand } from '../vm-command.js';

/**
 * `job-abort <vm>`: cancel a VM's running job (virsh `domjobabort`). A
 * migration the CLI runs elsewhere then fails with its own error and leaves
 * the VM on the source. No job: libvirt's `VIR_ERR_OPERATION_INVALID` (exit 4).
 */
export const jobAbortCommand = vmCallCommand({
  name: 'job-abort',
  summary: "Cancel a VM's running job: a migration, backup, save… (virsh domjobabort)",
  async act(manager, vm, call) {
    await manager.connection.domains.jobs.abort(vm, call);
    return { json: { domain: vm, aborted: true }, human: `${vm}: job abort requested` };
  },
});
