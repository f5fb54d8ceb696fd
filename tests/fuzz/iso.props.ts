/**
 * Fuzz properties of the cloud-init builders: {@link buildIso9660},
 * {@link buildNoCloudSeed} and {@link buildCloudConfig} given arbitrary input
 * — valid, nearly valid, and any JavaScript value — must either build or
 * throw `InvalidArgumentError`. What they build is checked: the image is read
 * back by an independent ISO 9660 reader (tests/unit/cloud-init/iso-reader.ts)
 * and holds exactly the files given, under their Rock Ridge and Joliet names;
 * equal input gives equal bytes whatever the file order; cloud-config is
 * `#cloud-config` plus JSON with no character YAML would misread.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../src/errors/index.js';
import { buildCloudConfig, buildIso9660, buildNoCloudSeed } from '../../src/creator/cloud-init/index.js';
import { readIso } from '../unit/cloud-init/iso-reader.js';
import { type FuzzTarget, ensure, ensureEqual, guard, typed } from './harness.js';

/** Any value, including the odd ones (boxed primitives, dates, maps, typed arrays, sparse arrays, bigints). */
const junk = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
});

/**
 * Mostly `valid`, rarely a near miss from `near` or any value: with a dozen
 * fields each going bad about one time in fifteen, a third or more of the inputs
 * build (and their output is checked) and the rest probe one bad field.
 */
function mostly<T>(valid: fc.Arbitrary<T>, near?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 28, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: near ?? fc.string({ maxLength: 16 }) },
    { weight: 1, arbitrary: junk },
  );
}

/** `undefined` (field absent) a third of the time. */
function optional(arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: arb });
}

const fileName = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const volumeId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const fileData = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.uint8Array({ maxLength: 5000 }).map((b) => Buffer.from(b)),
);
const isoDate = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2155, 11, 31)), noInvalidDate: true });

export const isoOptions = mostly(
  fc.record(
    {
      volumeId: mostly(volumeId),
      files: mostly(
        fc.oneof(
          { weight: 9, arbitrary: fc.array(mostly(fc.record({ name: mostly(fileName), data: mostly(fileData) })), { maxLength: 6 }) },
          // Past the 64-file limit now and then.
          {
            weight: 1,
            arbitrary: fc.uniqueArray(fc.record({ name: fileName, data: fileData }), {
              minLength: 60,
              maxLength: 70,
              selector: (f) => f.name,
            }),
          },
        ),
      ),
      date: optional(mostly(isoDate, fc.date())),
      joliet: optional(mostly(fc.boolean())),
      rockRidge: optional(mostly(fc.boolean())),
    },
    { requiredKeys: ['volumeId', 'files'] },
  ),
);

/** The image holds exactly the files given, under their exact names. */
function verifyIso(
  iso: Buffer,
  options: { volumeId: string; files: { name: string; data: Buffer | string }[]; joliet?: boolean; rockRidge?: boolean },
): void {
  ensure(iso.length % 2048 === 0, 'the image is not a whole number of sectors');
  const parsed = typed('iso-reader on our image', () => readIso(iso), []);
  ensure(parsed.ok, 'the independent reader refused the image');
  const img = parsed.value;
  ensureEqual(img.volumeId, options.volumeId, 'volume id');
  const expected = new Map(options.files.map((f) => [f.name, Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data as string, 'utf8')]));
  const compare = (found: Map<string, Buffer> | undefined, what: string): void => {
    ensure(found !== undefined, `${what} tree missing`);
    ensureEqual([...found.keys()].sort(), [...expected.keys()].sort(), `${what} names`);
    for (const [name, data] of expected) ensure(found.get(name)!.equals(data), `${what}: content of ${name} differs`);
  };
  if (options.rockRidge !== false) compare(img.rockRidge, 'Rock Ridge');
  if (options.joliet !== false) compare(img.jolietFiles, 'Joliet');
  ensure(img.primaryFiles.size === expected.size, 'primary directory has a different number of files');
}

/** An ed25519 public key line with a random blob (valid format). */
const sshKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => {
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.alloc(8 + type.length + key.length);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(key.length, 4 + type.length);
  Buffer.from(key).copy(blob, 8 + type.length);
  return `ssh-ed25519 ${blob.toString('base64')} user@host`;
});

const userName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/);
const hostname = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?(?:\.[a-z0-9]{1,8}){0,2}$/);
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const line = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).filter((t) => !/[\r\n]/.test(t));
const odd = fc.string({ unit: 'binary', maxLength: 40 });
const plainData = fc.jsonValue({ maxDepth: 3 });

export const cloudConfigInput = mostly(
  fc.record(
    {
      hostname: mostly(hostname),
      user: mostly(
        fc
          .record(
            {
              name: mostly(userName),
              sshAuthorizedKeys: mostly(fc.array(mostly(sshKey), { maxLength: 3 })),
              sudo: mostly(fc.oneof(fc.boolean(), fc.constant('ALL=(ALL) ALL'))),
              shell: mostly(fc.constantFrom('/bin/bash', '/bin/sh')),
              groups: mostly(fc.array(mostly(userName), { maxLength: 3 })),
            },
            { requiredKeys: ['name'] },
          )
          .chain((user) =>
            // At most one credential (both is refused: a near miss, now and then).
            fc
              .oneof(
                { weight: 6, arbitrary: fc.constant({}) },
                { weight: 3, arbitrary: fc.record({ passwordHash: mostly(fc.constant('$6$salt$hash'), odd) }) },
                { weight: 3, arbitrary: fc.record({ plainPassword: mostly(line, odd) }) },
                { weight: 1, arbitrary: fc.constant({ passwordHash: '$6$a$b', plainPassword: 'x' }) },
              )
              .map((credential) => ({ ...user, ...credential })),
          ),
      ),
      keepDefaultUser: mostly(fc.boolean()),
      sshAuthorizedKeys: mostly(fc.array(mostly(sshKey), { maxLength: 3 })),
      packages: mostly(fc.array(mostly(fc.stringMatching(/^[a-z0-9][a-z0-9+._-]{0,12}$/)), { maxLength: 4 })),
      runcmd: mostly(fc.array(mostly(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), odd), { maxLength: 3 })),
      writeFiles: mostly(
        fc.array(
          mostly(
            fc.record(
              {
                path: mostly(fc.constantFrom('/etc/motd', '/opt/a b/c')),
                content: mostly(
                  fc.oneof(
                    text,
                    fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)),
                  ),
                  odd,
                ),
                permissions: mostly(fc.constantFrom('0644', '0755', '600')),
                owner: mostly(fc.constantFrom('root', 'root:root')),
                append: mostly(fc.boolean()),
                defer: mostly(fc.boolean()),
              },
              { requiredKeys: ['path', 'content'] },
            ),
          ),
          { maxLength: 3 },
        ),
      ),
      timezone: mostly(fc.constantFrom('UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires')),
      extra: mostly(fc.dictionary(fc.string({ maxLength: 10 }), plainData, { maxKeys: 4 })),
    },
    { requiredKeys: [] },
  ),
);

const seedFiles = {
  userData: mostly(fc.oneof(text, fc.constant('#cloud-config\n{}\n')), odd),
  networkConfig: mostly(
    fc.oneof(
      text,
      fc.record({ version: fc.constantFrom(1, 2, 3), ethernets: fc.constant({ eth0: { dhcp4: true } }) }),
      fc.record({ network: fc.record({ version: fc.constantFrom(1, 2) }) }),
    ),
  ),
  vendorData: mostly(text, odd),
};

export const seedInput = mostly(
  fc.oneof(
    // meta-data as an object, completed with instance-id and local-hostname
    fc.record(
      {
        ...seedFiles,
        metaData: mostly(fc.dictionary(fc.string({ maxLength: 8 }), plainData, { maxKeys: 3 }), odd),
        instanceId: mostly(fc.stringMatching(/^[A-Za-z0-9._:@+-]{1,20}$/)),
        localHostname: mostly(hostname),
      },
      { requiredKeys: [] },
    ),
    // meta-data verbatim (then it must carry its own instance-id)
    fc.record({ ...seedFiles, metaData: mostly(text, odd) }, { requiredKeys: ['metaData'] }),
  ),
);

const YAML_UNSAFE_RAW = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

const isStrings = (v: unknown): boolean => Array.isArray(v) && Array.from(v).every((x) => typeof x === 'string');

/** Typed fields that were given come out with the types cloud-init expects (no `null` slipped through validation). */
function checkCloudConfigShape(input: Record<string, unknown>, doc: Record<string, unknown>): void {
  const has = (key: string): boolean => input[key] !== undefined;
  if (has('packages')) ensure(isStrings(doc.packages), 'packages holds a non-string');
  if (has('sshAuthorizedKeys')) ensure(isStrings(doc.ssh_authorized_keys), 'ssh_authorized_keys holds a non-string');
  if (has('runcmd')) {
    ensure(
      Array.isArray(doc.runcmd) && doc.runcmd.every((c: unknown) => typeof c === 'string' || isStrings(c)),
      'runcmd holds a non-command',
    );
  }
  if (has('writeFiles')) {
    ensure(
      Array.isArray(doc.write_files) &&
        doc.write_files.every(
          (f: unknown) =>
            typeof f === 'object' &&
            f !== null &&
            typeof (f as { path?: unknown }).path === 'string' &&
            typeof (f as { content?: unknown }).content === 'string',
        ),
      'write_files holds a bad entry',
    );
  }
  if (has('user')) {
    const users = doc.users as unknown[];
    const user = users[users.length - 1] as Record<string, unknown>;
    ensure(typeof user.name === 'string', 'user without a name');
    if (user.ssh_authorized_keys !== undefined) ensure(isStrings(user.ssh_authorized_keys), 'user ssh_authorized_keys holds a non-string');
    if (user.groups !== undefined) ensure(isStrings(user.groups), 'user groups holds a non-string');
  }
}

export const isoTargets: readonly FuzzTarget[] = [
  {
    name: 'iso/build',
    description:
      'buildIso9660 with valid, nearly valid and arbitrary options → InvalidArgumentError, or an image an independent reader parses to exactly the given files, independent of file order',
    weight: 25,
    unitRuns: 400,
    property: () =>
      fc.property(isoOptions, fc.infiniteStream(fc.nat()), (options, order) =>
        guard('iso/build', () => {
          const built = typed('buildIso9660', () => buildIso9660(options as never), [InvalidArgumentError]);
          if (!built.ok) return;
          const o = options as Parameters<typeof buildIso9660>[0];
          verifyIso(built.value, { volumeId: o.volumeId, files: [...o.files], joliet: o.joliet, rockRidge: o.rockRidge });
          // Same files in another order: the same bytes.
          const keys = o.files.map(() => order.next().value as number);
          const shuffled = o.files
            .map((f, i) => ({ f, k: keys[i]! }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.f);
          ensure(buildIso9660({ ...o, files: shuffled }).equals(built.value), 'file order changed the image');
        }),
      ),
  },
  {
    name: 'iso/nocloud',
    description:
      'buildNoCloudSeed with arbitrary user/meta/network/vendor data, instance id, host name → InvalidArgumentError, or a cidata image holding its files, with the advertised hash and sizes',
    weight: 25,
    unitRuns: 400,
    property: () =>
      fc.property(seedInput, (input) =>
        guard('iso/nocloud', () => {
          const built = typed('buildNoCloudSeed', () => buildNoCloudSeed(input as never), [InvalidArgumentError]);
          if (!built.ok) return;
          const seed = built.value;
          ensure(seed.sha256 === createHash('sha256').update(seed.iso).digest('hex'), 'sha256 does not match the image');
          ensure(seed.fileName === `cidata-${seed.sha256.slice(0, 16)}.iso`, 'file name is not content-addressed');
          const img = readIso(seed.iso);
          ensureEqual([...img.rockRidge!.keys()].sort(), seed.files, 'files in the image');
          for (const name of seed.files) ensure(img.rockRidge!.get(name)!.length === seed.sizes[name], `size of ${name}`);
          ensure(img.volumeId === 'cidata', 'volume label');
        }),
      ),
  },
  {
    name: 'iso/cloud-config',
    description:
      'buildCloudConfig with arbitrary users, keys, packages, commands, files, extra keys → InvalidArgumentError, or "#cloud-config" + JSON with no raw YAML-unsafe character and every typed field of the type cloud-init expects',
    weight: 25,
    unitRuns: 400,
    property: () =>
      fc.property(cloudConfigInput, (input) =>
        guard('iso/cloud-config', () => {
          const built = typed('buildCloudConfig', () => buildCloudConfig(input as never), [InvalidArgumentError]);
          if (!built.ok) return;
          const doc = built.value;
          ensure(doc.startsWith('#cloud-config\n'), 'missing #cloud-config header');
          const body = typed(
            'JSON.parse of the body',
            () => JSON.parse(doc.slice('#cloud-config\n'.length)) as Record<string, unknown>,
            [],
          );
          ensure(body.ok, 'the body is not JSON');
          ensure(!YAML_UNSAFE_RAW.test(doc), 'a YAML-unsafe character was written raw');
          checkCloudConfigShape(input as Record<string, unknown>, body.value);
        }),
      ),
  },
];
