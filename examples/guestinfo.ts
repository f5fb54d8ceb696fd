/**
 * virsh guestinfo — what the guest agent reports of a running guest: OS and
 * kernel, hostname, timezone, logged-in users, filesystems, disks and
 * interfaces, as typed data.
 *
 *   npx tsx examples/guestinfo.ts <name> [os|users|timezone|hostname|filesystems|disks|interfaces ...]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { AgentManager, type GuestInfoType } from 'libvirt-manager/agent';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [name = 'web1', ...types] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const info = await new AgentManager(conn).getGuestInfo(name, types.length > 0 ? { types: types as GuestInfoType[] } : {});

if (info.os !== undefined)
  console.log(`os: ${info.os.prettyName ?? info.os.name ?? '-'}, kernel ${info.os.kernelRelease ?? '-'} (${info.os.machine ?? '-'})`);
if (info.hostname !== undefined) console.log(`hostname: ${info.hostname}`);
if (info.timezone !== undefined) console.log(`timezone: ${info.timezone.name ?? '-'} (${info.timezone.offsetSeconds ?? 0} s east of UTC)`);
for (const u of info.users ?? []) console.log(`user: ${u.name}${u.loginTime === undefined ? '' : ` since ${u.loginTime.toISOString()}`}`);
for (const f of info.filesystems ?? [])
  console.log(`filesystem: ${f.mountpoint} ${f.type ?? ''} on ${f.disks.map((d) => d.alias ?? d.device).join(', ')}`);
for (const d of info.disks ?? []) console.log(`disk: ${d.name}${d.alias === undefined ? '' : ` (${d.alias})`}`);
for (const i of info.interfaces ?? [])
  console.log(`interface: ${i.name} ${i.addresses.map((a) => `${a.address}/${a.prefix ?? ''}`).join(' ')}`);
