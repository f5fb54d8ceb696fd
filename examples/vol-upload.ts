/**
 * virsh vol-upload — stream a local file into a storage volume, with progress.
 * (The test driver cannot upload; use a real daemon: LIBVIRT_URI=qemu:///system.)
 *
 *   npx tsx examples/vol-upload.ts <pool> <volume> <file>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { createReadStream, statSync } from 'node:fs';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [pool, volumeName, file] = process.argv.slice(2);
if (pool === undefined || volumeName === undefined || file === undefined) {
  console.error('usage: vol-upload.ts <pool> <volume> <file>');
  process.exit(2);
}
await using conn = await LibvirtConnection.connect(uri);

const vol = await conn.storage.volumes.lookup(pool, volumeName);
const total = statSync(file).size;
let last = 0;
const { bytes } = await conn.storage.volumes.upload(vol, createReadStream(file), {
  onProgress: (sent) => {
    const percent = Math.floor((sent / total) * 100);
    if (percent >= last + 25 || sent === total) {
      last = percent;
      console.log(`  ${percent}% (${sent} / ${total} bytes)`);
    }
  },
});
console.log(`uploaded ${bytes} bytes into ${pool}/${volumeName}`);
