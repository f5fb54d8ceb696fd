/**
 * virsh set-user-password — set a guest user's password through the guest
 * agent (qemu-ga runs chpasswd in Linux guests). The password is read from
 * stdin (never from argv, which other users can see), and the SDK logs it
 * nowhere.
 *
 *   printf '%s\n' "$NEW_PASSWORD" | npx tsx examples/set-user-password.ts <name> <user> [--encrypted]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { createInterface } from 'node:readline/promises';
import { AgentManager } from 'libvirt-manager/agent';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'test', user = 'root', flag] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
let password = '';
for await (const line of lines) {
  password = line;
  break;
}
lines.close();
await using conn = await LibvirtConnection.connect(uri);
await new AgentManager(conn).setUserPassword(name, user, password, { encrypted: flag === '--encrypted' });
console.log(`Password of ${user} in ${name} set`);
