/**
 * virsh screenshot — save a picture of the domain's screen. The file name gets
 * the extension of the format the hypervisor chose (QEMU and the test driver: PNG).
 * A QEMU VM needs a video device for this; a VM made by `createVm` has one
 * only when its spec has `graphics`. Without one QEMU answers "There is no
 * console to take a screendump from" (a `LibvirtError`).
 *
 *   npx tsx examples/screenshot.ts <name> [file-without-extension]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { writeFileSync } from 'node:fs';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name, base = name] = process.argv.slice(2);
if (name === undefined || base === undefined) {
  console.error('usage: screenshot.ts <name> [file-without-extension]');
  process.exit(2);
}
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/x-portable-pixmap': 'ppm' };

await using conn = await LibvirtConnection.connect(uri);
const { mime, data } = await conn.domains.screenshot(name, { timeout: 30_000 });
const file = `${base}.${EXTENSIONS[mime] ?? 'img'}`;
writeFileSync(file, data);
console.log(`saved ${data.length} bytes (${mime}) to ${file}`);
