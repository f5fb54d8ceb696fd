/**
 * The NoCloud seed read back by real tools: isoinfo (genisoimage), blkid
 * (util-linux, the probe cloud-init uses to find `cidata`), PyYAML (the parser
 * cloud-init uses), a loop mount when the kernel allows it, and a real Linux
 * guest (the project's test guest) that mounts the seed with the kernel's
 * isofs driver and prints the instance-id it read from `/meta-data`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCloudConfig, buildIso9660, buildNoCloudSeed, type NoCloudSeed } from '../../../src/creator/cloud-init/index.js';
import { QEMU_URI, sleep, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { readIso } from '../../unit/cloud-init/iso-reader.js';

// isoinfo (genisoimage), blkid (util-linux), /usr/bin/python3 with PyYAML (python3-yaml) and the test
// guest are installed by scripts/setup-libvirt.sh and scripts/build-test-guest.sh: missing tools fail loudly.
const MANIFEST = join(process.env.HOME ?? '/root', '.cache/libvirt-manager/test-guest/manifest.json');

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function runBytes(tool: string, args: string[]): Buffer {
  return execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Values a YAML emitter would have to quote; written as JSON they must stay strings. */
const TRICKY = [
  'no',
  'on',
  'yes',
  'off',
  '~',
  'null',
  '0755',
  '1e3',
  '0x1F',
  '.inf',
  'a: b',
  '- x',
  '#hash',
  '!tag',
  '&anchor',
  '*alias',
  '{x}',
  "it's",
  'say "hi"',
  'back\\slash',
  'tab\there',
  'é ü 日本 🚀',
  'nel\u0085ls\u2028ps\u2029del\u007f',
  '',
];

let dir: string;
let isoPath: string;
let seed: NoCloudSeed;
/** The seed's files as written, by name. */
const contents: Record<string, Buffer> = {};

const USER_DATA = buildCloudConfig({
  hostname: 'seed-test',
  user: { name: 'ops', sudo: true, plainPassword: 'not-a-real-password' },
  runcmd: [['echo', ...TRICKY]],
  writeFiles: [{ path: '/etc/tricky', content: TRICKY.join('\n') }],
  extra: { tricky: TRICKY },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lvm-cidata-'));
  chmodSync(dir, 0o755);
  seed = buildNoCloudSeed({
    userData: USER_DATA,
    metaData: { tricky: TRICKY },
    localHostname: 'seed-test',
    networkConfig: { version: 2, ethernets: { eth0: { dhcp4: true } } },
    vendorData: '#cloud-config\n{}\n',
  });
  isoPath = join(dir, seed.fileName);
  writeFileSync(isoPath, seed.iso, { mode: 0o644 });
  // Expected bytes: the unit tests' independent reader (user-data and vendor-data also checked against the input).
  for (const [name, data] of readIso(seed.iso).rockRidge!) contents[name] = data;
  expect(contents['user-data']!.toString('utf8')).toBe(USER_DATA);
  expect(contents['vendor-data']!.toString('utf8')).toBe('#cloud-config\n{}\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('isoinfo (genisoimage) reads the seed', () => {
  it('reports ISO 9660, the cidata volume id, Joliet and Rock Ridge', () => {
    const out = run('isoinfo', ['-d', '-i', isoPath]);
    expect(out).toContain('CD-ROM is in ISO 9660 format');
    expect(out).toMatch(/^Volume id: cidata$/m);
    expect(out).toMatch(/^Logical block size is: 2048$/m);
    expect(out).toMatch(new RegExp(`^Volume size is: ${seed.iso.length / 2048}$`, 'm'));
    expect(out).toMatch(/^Joliet with UCS level 3 found$/m);
    expect(out).toMatch(/^Rock Ridge signatures version 1 found$/m);
  });

  it.each([
    ['Joliet', '-J'],
    ['Rock Ridge', '-R'],
  ])('lists the exact names through %s', (_label, flag) => {
    const out = run('isoinfo', [flag, '-l', '-i', isoPath]);
    const names = [...out.matchAll(/\]\s+(\S+)\s*$/gm)].map((m) => m[1]).filter((n) => n !== '.' && n !== '..');
    expect(names.sort()).toEqual(['meta-data', 'network-config', 'user-data', 'vendor-data']);
    if (flag === '-R') expect(out).toMatch(/^-r--r--r-- +1 +0 +0 +\d+ .*user-data\s*$/m);
  });

  it.each([
    ['Joliet', '-J'],
    ['Rock Ridge', '-R'],
  ])('extracts every file byte-identical through %s', (_label, flag) => {
    for (const name of seed.files) {
      const got = runBytes('isoinfo', [flag, '-x', `/${name}`, '-i', isoPath]);
      expect(got.length, name).toBe(seed.sizes[name]);
      expect(got.equals(contents[name]!), name).toBe(true);
    }
    expect(JSON.parse(contents['meta-data']!.toString())).toMatchObject({ 'instance-id': seed.instanceId, 'local-hostname': 'seed-test' });
  });
});

describe('blkid (util-linux) probes the seed as cloud-init does', () => {
  it('reports TYPE=iso9660 and LABEL=cidata', () => {
    const out = run('blkid', ['-p', '-o', 'export', isoPath]);
    expect(out).toMatch(/^TYPE=iso9660$/m);
    expect(out).toMatch(/^LABEL=cidata$/m);
  });

  it("matches cloud-init's own queries (blkid -tLABEL=cidata / -tTYPE=iso9660 -odevice)", () => {
    // cloud-init's find_devs_with runs: blkid -c /dev/null -t<criteria> -odevice [path]
    for (const criteria of ['LABEL=cidata', 'TYPE=iso9660']) {
      expect(run('blkid', ['-c', '/dev/null', `-t${criteria}`, '-odevice', isoPath]).trim()).toBe(isoPath);
    }
  });
});

describe('PyYAML (cloud-init’s parser) reads the JSON files as the same data', () => {
  it.each(['meta-data', 'network-config', 'user-data'])('%s', (name) => {
    const text = runBytes('isoinfo', ['-R', '-x', `/${name}`, '-i', isoPath]).toString('utf8');
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    const script = 'import json,sys,yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))';
    const viaYaml: unknown = JSON.parse(run('/usr/bin/python3', ['-c', script, file]));
    const body = name === 'user-data' ? text.slice(text.indexOf('\n') + 1) : text;
    expect(viaYaml).toEqual(JSON.parse(body));
    if (name === 'meta-data') expect((viaYaml as { tricky: string[] }).tricky).toEqual(TRICKY);
  });
});

describe('a loop mount of the seed', () => {
  it('shows the exact names and contents (skipped when this kernel cannot mount iso9660)', (ctx) => {
    const hasIsofs = readFileSync('/proc/filesystems', 'utf8')
      .split('\n')
      .some((l) => l.trim().endsWith('iso9660'));
    if (process.getuid?.() !== 0) ctx.skip('loop mounts need root');
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const mount = spawnSync('mount', ['-o', 'loop,ro', '-t', 'iso9660', isoPath, mnt], { encoding: 'utf8' });
    if (mount.status !== 0) {
      // e.g. in a container whose host kernel has no isofs: "unknown filesystem type 'iso9660'"
      ctx.skip(`mount -o loop failed (isofs in /proc/filesystems: ${hasIsofs}): ${mount.stderr.trim()}`);
    }
    try {
      for (const name of seed.files) expect(readFileSync(join(mnt, name)).equals(contents[name]!), name).toBe(true);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});

interface GuestManifest {
  kernel: string;
  initrdNoAcpi: string;
  cmdline: string;
  machine: string;
  domainType: string;
  memoryMiB: number;
  readyMarker: string;
  seedMarkerPrefix: string;
  /** Buses the guest kernel has drivers for (newer manifests). */
  diskBuses?: string[];
}

const manifest: GuestManifest | undefined = (() => {
  if (!existsSync(MANIFEST)) return undefined;
  const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Partial<GuestManifest>;
  // Only guests that report NoCloud seeds on the console can check anything.
  return m.seedMarkerPrefix && m.readyMarker && m.kernel && m.initrdNoAcpi ? (m as GuestManifest) : undefined;
})();

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');

/**
 * The test guest with `iso` as a read-only cdrom. q35's usual cdrom bus is
 * SATA, but the guest's Debian cloud kernel has no AHCI driver (see
 * scripts/build-test-guest.sh and the manifest's `diskBuses`), so unless the
 * manifest lists `sata` the cdrom goes on virtio-scsi, which it can read.
 */
function guestXml(m: GuestManifest, name: string, iso: string, log: string): string {
  const sata = m.diskBuses?.includes('sata') ?? false;
  const cdrom = sata
    ? `<target dev='sda' bus='sata'/>`
    : `<target dev='sda' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>`;
  return `<domain type='${m.domainType}'>
  <name>${name}</name>
  <memory unit='MiB'>${m.memoryMiB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='${m.machine}'>hvm</type>
    <kernel>${xmlEscape(m.kernel)}</kernel>
    <initrd>${xmlEscape(m.initrdNoAcpi)}</initrd>
    <cmdline>${xmlEscape(m.cmdline)}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    ${sata ? '' : "<controller type='scsi' index='0' model='virtio-scsi'/>"}
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${xmlEscape(iso)}'/>
      <readonly/>
      ${cdrom}
    </disk>
    <serial type='file'>
      <source path='${xmlEscape(log)}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

/** Boot the guest (transient domain) with `iso` attached; return the seed marker lines it printed. */
async function bootWithSeed(m: GuestManifest, iso: Buffer, label: string): Promise<string[]> {
  const name = uniqueName(`cidata-${label}`);
  const isoFile = join(dir, `${name}.iso`);
  const log = join(dir, `${name}.log`);
  const xmlFile = join(dir, `${name}.xml`);
  writeFileSync(isoFile, iso, { mode: 0o644 });
  writeFileSync(xmlFile, guestXml(m, name, isoFile, log));
  virsh(QEMU_URI, 'create', xmlFile); // transient: gone once destroyed
  try {
    const deadline = Date.now() + 90_000;
    let text = '';
    while (Date.now() < deadline) {
      text = existsSync(log) ? readFileSync(log, 'latin1') : '';
      if (text.includes(m.readyMarker)) break;
      await sleep(250);
    }
    expect(text, `guest did not reach ${m.readyMarker}; console:\n${text.slice(-2000)}`).toContain(m.readyMarker);
    return text.split(/\r?\n/).filter((line) => line.startsWith(m.seedMarkerPrefix) || line.includes('LIBVIRT_MANAGER_GUEST_WARN'));
  } finally {
    virshQuiet(QEMU_URI, 'destroy', name);
  }
}

describe('a real Linux guest (kernel isofs) mounts the seed and reads /meta-data', () => {
  const files = (): { name: string; data: Buffer }[] => Object.entries(contents).map(([name, data]) => ({ name, data }));

  it('as built by buildNoCloudSeed (Rock Ridge + Joliet; Linux prefers Rock Ridge)', async () => {
    const lines = await bootWithSeed(manifest!, seed.iso, 'both');
    expect(lines).toEqual([`${manifest!.seedMarkerPrefix}${seed.instanceId}`]);
  });

  it('with Joliet names only', async () => {
    const lines = await bootWithSeed(manifest!, buildIso9660({ volumeId: 'cidata', files: files(), rockRidge: false }), 'joliet');
    expect(lines).toEqual([`${manifest!.seedMarkerPrefix}${seed.instanceId}`]);
  });

  it('with Rock Ridge names only, label CIDATA', async () => {
    const lines = await bootWithSeed(manifest!, buildIso9660({ volumeId: 'CIDATA', files: files(), joliet: false }), 'rr');
    expect(lines).toEqual([`${manifest!.seedMarkerPrefix}${seed.instanceId}`]);
  });

  it('control: without Joliet and Rock Ridge the guest sees only 8.3 names, so no meta-data', async () => {
    const plain = buildIso9660({ volumeId: 'cidata', files: files(), joliet: false, rockRidge: false });
    const lines = await bootWithSeed(manifest!, plain, 'plain');
    // The guest found the cidata label (it reports something) but could not read the instance-id.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).not.toContain(`${manifest!.seedMarkerPrefix}${seed.instanceId}`);
  });
});
