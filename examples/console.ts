/**
 * virsh console — the guest's text console on your terminal, both ways at
 * once. Ctrl-] leaves. With stdin not a terminal, what stdin carries is typed
 * into the guest, and the console closes when stdin ends.
 * (The test driver has no consoles; use a real daemon: LIBVIRT_URI=qemu:///system.)
 *
 *   npx tsx examples/console.ts <name> [device]       device: serial0, console0, … (default: the first console)
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [name, device] = process.argv.slice(2);
if (name === undefined) {
  console.error('usage: console.ts <name> [device]');
  process.exit(2);
}
const ESCAPE = 0x1d; // Ctrl-]

await using conn = await LibvirtConnection.connect(uri);
const tty = await conn.domains.openConsole(name, device === undefined ? {} : { device });
console.error(`Connected to ${name}${device === undefined ? '' : ` (${device})`}. Escape character is ^]`);
const closed = new Promise<void>((resolve, reject) => {
  tty.once('close', resolve);
  tty.once('error', reject);
});

if (process.stdin.isTTY) {
  process.stdin.setRawMode(true);
  process.stdin.on('data', (keys: Buffer) => {
    const escape = keys.indexOf(ESCAPE);
    if (escape === -1) tty.write(keys);
    else {
      if (escape > 0) tty.write(keys.subarray(0, escape));
      tty.end();
    }
  });
} else {
  process.stdin.pipe(tty); // stdin's end closes the console
}
tty.pipe(process.stdout);

try {
  await closed;
} finally {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.destroy();
}
console.error('\nConsole closed.');
