/**
 * The fuzz properties of tests/fuzz with few inputs each, as part of
 * `npm test`; `npm run fuzz` runs the same properties with ≥ 1,000,000 inputs
 * (see docs/reliability.md). The seed is fixed so the suite is deterministic;
 * `FUZZ_SEED=<n>` (or `FUZZ_SEED=random`) explores other inputs and
 * `FUZZ_RUNS_SCALE=<k>` multiplies the input counts.
 *
 * Below the properties: the bugs fuzzing found, pinned as plain examples.
 */
import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buildCloudConfig, buildIso9660, buildNoCloudSeed } from '../../src/creator/cloud-init/index.js';
import { ConnectionClosedError, InvalidArgumentError, ProtocolError, XmlParseError } from '../../src/errors/index.js';
import { RpcClient } from '../../src/rpc/client.js';
import { CONNECT_GET_LIB_VERSION, MessageStatus, MessageType, REMOTE_PROGRAM, STORAGE_VOL_DOWNLOAD } from '../../src/rpc/protocol/index.js';
import { checkWellFormed } from '../../src/xml/core/wellformed.js';
import { buildDomainXml, buildStorageVolumeXml, parseDomainXml, parseStorageVolumeXml } from '../../src/xml/index.js';
import { ALL_TARGETS, formatFailure, runTarget, targetSeed } from '../fuzz/index.js';
import { setTimeBudgetScale } from '../fuzz/harness.js';
import { packet } from '../fuzz/framer.props.js';
import { XML_FIXTURES } from '../fuzz/fixtures.js';

const seedSetting = process.env.FUZZ_SEED;
const baseSeed =
  seedSetting === 'random' ? Math.floor(Math.random() * 2 ** 31) : seedSetting === undefined ? 20_261_126 : Number(seedSetting);
const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
// Inside `npm test` the time oracle only catches gross hangs (20× the budget): speed is
// never asserted in tests, and other suites share the two cores. `npm run fuzz` keeps 1×.
setTimeBudgetScale(20);

describe(`fuzz properties (seed ${baseSeed})`, () => {
  for (const target of ALL_TARGETS) {
    it(`${target.name}: ${target.description}`, async () => {
      const report = await runTarget(target, {
        numRuns: Math.max(1, Math.round(target.unitRuns * scale)),
        seed: targetSeed(baseSeed, target.name),
      });
      // The report carries the counterexample and the replay command.
      expect(report.failed, report.failed ? formatFailure(report, baseSeed) : '').toBe(false);
    });
  }
});

describe('bugs found by fuzzing', () => {
  class MemorySocket extends Duplex {
    override _read(): void {}
    override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
      callback();
    }
  }

  it('a REPLY with status CONTINUE rejects its call (it stayed pending forever)', async () => {
    const socket = new MemorySocket();
    const client = new RpcClient(socket);
    const call = client.call(CONNECT_GET_LIB_VERSION, undefined).catch((e: unknown) => e);
    await nextTurn();
    socket.push(
      packet(
        {
          prog: REMOTE_PROGRAM,
          vers: 1,
          proc: CONNECT_GET_LIB_VERSION.proc,
          type: MessageType.VIR_NET_REPLY,
          serial: 1,
          status: MessageStatus.VIR_NET_CONTINUE,
        },
        Buffer.alloc(0),
      ),
    );
    const error = await call;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('protocol');
    expect((error as ConnectionClosedError).cause).toBeInstanceOf(ProtocolError);
    expect(client.pendingCalls).toBe(0);
  });

  it('stream data ahead of the reply that opens the stream does not pause the socket before that reply (it deadlocked)', async () => {
    const socket = new MemorySocket();
    const client = new RpcClient(socket);
    const vol = { pool: 'p', name: 'v', key: '/p/v' };
    const opening = client.openStream(STORAGE_VOL_DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 }, { highWaterMark: 16 });
    await nextTurn();
    const h = { prog: REMOTE_PROGRAM, vers: 1, proc: STORAGE_VOL_DOWNLOAD.proc, serial: 1 };
    const data = { ...h, type: MessageType.VIR_NET_STREAM, status: MessageStatus.VIR_NET_CONTINUE };
    // 64 bytes of data (over the 16-byte high-water mark) before the reply, then the reply, more data, end of data.
    socket.push(packet(data, Buffer.alloc(64, 1)));
    await nextTurn();
    socket.push(packet({ ...h, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0)));
    socket.push(packet(data, Buffer.alloc(8, 2)));
    socket.push(packet(data, Buffer.alloc(0)));
    const stream = await opening;
    expect(await stream.read()).toEqual(Buffer.alloc(64, 1));
    expect(await stream.read()).toEqual(Buffer.alloc(8, 2));
    expect(await stream.read()).toBeNull();
    client.destroy();
  });

  const domain = XML_FIXTURES.domain[0]!;

  it('deep nesting is an XmlParseError, not a RangeError from a stack overflow (nor seconds of parsing)', () => {
    for (const depth of [257, 5_000, 100_000]) {
      const xml = domain.replace('</domain>', `${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</domain>`);
      expect(() => parseDomainXml(xml)).toThrow(XmlParseError);
    }
    // 256 levels (libxml2's default limit) still parse.
    const ok = domain.replace('</domain>', `${'<x>'.repeat(254)}${'</x>'.repeat(254)}</domain>`);
    expect(parseDomainXml(ok).extraElements).toHaveLength(1);
  });

  it('thousands of attributes on one element are refused at once (parsing took time quadratic in their number)', () => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => ` a${i}="v"`).join('');
    expect(() => parseDomainXml(domain.replace('<domain ', `<domain${attrs} `))).toThrow(XmlParseError);
    const fine = Array.from({ length: 200 }, (_, i) => ` a${i}="v"`).join('');
    expect(Object.keys(parseDomainXml(domain.replace('<domain ', `<domain${fine} `)).extraAttributes ?? {})).toHaveLength(200);
  });

  it('a rewrite keeps text beside a comment or CDATA unchanged (pretty-printing put line breaks into it, more each time)', () => {
    for (const inner of ['<!-- c -->1795676747', '<![CDATA[<a>&</a>]]>1795676747', '1795676747<?pi x?>']) {
      // An element the model does not know is kept raw (timestamps were, until they became typed).
      const xml = XML_FIXTURES.volume[0]!.replace('</target>', `<vendor-note>${inner}</vendor-note></target>`);
      const once = buildStorageVolumeXml(parseStorageVolumeXml(xml));
      const twice = buildStorageVolumeXml(parseStorageVolumeXml(once));
      expect(once).toContain(`<vendor-note>${inner}</vendor-note>`);
      expect(twice).toBe(once);
    }
  });

  it('a namespace name holding a reference is refused (xmlbuilder2 kept it undecoded; the rewrite had duplicate xmlns:ns1)', () => {
    for (const uri of ['a&amp;b', 'a&#x41;b', 'a&quot;b', 'a>b', 'a\tb']) {
      const xml = domain.replace('</domain>', `<metadata><m:x xmlns:m="${uri}"><m:y/></m:x></metadata></domain>`);
      expect(() => parseDomainXml(xml)).toThrow(XmlParseError);
    }
    const fine = domain.replace('</domain>', `<metadata><m:x xmlns:m="urn:a'b c"><m:y/></m:x></metadata></domain>`);
    const rebuilt = buildDomainXml(parseDomainXml(fine), { nameRule: 'libvirt' });
    expect(parseDomainXml(rebuilt).metadata?.extraElements).toEqual([`<m:x xmlns:m="urn:a'b c"><m:y/></m:x>`]);
  });

  it('holes in sparse arrays are validated like any entry (buildIso9660 threw a TypeError; cloud-config wrote null)', () => {
    const hole = <T>(): T[] => new Array<T>(1);
    expect(() => buildIso9660({ volumeId: 'cidata', files: hole() })).toThrow(InvalidArgumentError);
    expect(() => buildCloudConfig({ packages: hole() })).toThrow(InvalidArgumentError);
    expect(() => buildCloudConfig({ sshAuthorizedKeys: hole() })).toThrow(InvalidArgumentError);
    expect(() => buildCloudConfig({ user: { name: 'ops', groups: hole() } })).toThrow(InvalidArgumentError);
    expect(() => buildCloudConfig({ runcmd: [['echo', ...hole<string>()]] })).toThrow(InvalidArgumentError);
    expect(() => buildCloudConfig({ extra: { bootcmd: hole() } })).toThrow(InvalidArgumentError);
    expect(() => buildNoCloudSeed({ metaData: { tags: hole() } })).toThrow(InvalidArgumentError);
  });

  it('namespace declarations in scope are not copied for every element (the check was quadratic)', () => {
    // 250 prefixes in scope × 200,000 elements: 50 million set insertions before, none now.
    const decls = Array.from({ length: 250 }, (_, i) => ` xmlns:n${i}="urn:n${i}"`).join('');
    const xml = `<a${decls}>${'<n1:b/>'.repeat(200_000)}</a>`;
    expect(() => checkWellFormed(xml)).not.toThrow();
    expect(() => checkWellFormed(`<a${decls}><b><n0:c/></b></a>`)).not.toThrow();
    expect(() => checkWellFormed(`<a><b${decls}/><n0:c/></a>`)).toThrow(XmlParseError);
  });
});
