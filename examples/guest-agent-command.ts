/**
 * virsh qemu-agent-command / guest-exec — talk to the QEMU guest agent in a
 * running VM: run a program in the guest and print its output, or send any
 * agent command as JSON. Needs the agent's channel and qemu-ga in the guest.
 *
 *   npx tsx examples/guest-agent-command.ts <name> exec /bin/sh -c 'uname -a'
 *   npx tsx examples/guest-agent-command.ts <name> guest-get-osinfo ['{"json":"arguments"}']
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { AgentManager } from 'libvirt-manager/agent';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [name = 'web1', command = 'guest-ping', ...rest] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const agent = new AgentManager(conn);

if (command === 'exec') {
  // Waits (bounded) for an agent that is still starting, e.g. right after boot.
  const r = await agent.exec(name, rest, { waitForAgent: true, timeout: 60_000 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  console.log(`exit code ${r.exitCode ?? '-'}${r.signal === undefined ? '' : `, signal ${r.signal}`}`);
} else {
  const args = rest[0] === undefined ? undefined : (JSON.parse(rest[0]) as Record<string, unknown>);
  console.log(JSON.stringify(await agent.command(name, command, args, { waitForAgent: true, timeout: 60_000 })));
}
