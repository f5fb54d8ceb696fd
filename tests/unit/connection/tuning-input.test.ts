/**
 * `conn.domains.tuning` input checks, against a recording call function:
 * bad input is refused before anything is sent, and a value the daemon's
 * reported type cannot hold is refused after the read, before the change.
 */
import { describe, expect, it } from 'vitest';
import { DomainTuningResource } from '../../../src/connection/resources/domain-tuning.js';
import type { ResourceCall } from '../../../src/connection/resources/types.js';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { type TypedParam, typedParamOf } from '../../../src/rpc/index.js';

const dom = { name: 'web1', uuid: '6f1e0e52-2f0e-4a47-9d43-7c8c2f6a0b11', id: 1 };
const OFFERED: TypedParam[] = [
  { field: 'cpu_shares', type: 'ullong', value: 1024n },
  { field: 'vcpu_quota', type: 'llong', value: -1n },
];

/** A call function answering the few procedures used here, and the names and timeouts of what was sent. */
function recorder(): { call: ResourceCall; sent: string[]; timeouts: (number | undefined)[] } {
  const sent: string[] = [];
  const timeouts: (number | undefined)[] = [];
  const call = (async (procedure: { name: string }, _args: unknown, options?: { timeout?: number }) => {
    sent.push(procedure.name);
    timeouts.push(options?.timeout);
    await new Promise((resolve) => setTimeout(resolve, 5));
    switch (procedure.name) {
      case 'DOMAIN_GET_SCHEDULER_TYPE':
        return { type: 'posix', nparams: OFFERED.length };
      case 'DOMAIN_GET_SCHEDULER_PARAMETERS':
      case 'DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS':
        return { params: OFFERED };
      case 'NODE_GET_INFO':
        return { model: 'x86_64', memory: 0n, cpus: 4, mhz: 0, nodes: 1, sockets: 1, cores: 4, threads: 1 };
      default:
        return undefined;
    }
  }) as unknown as ResourceCall;
  return { call, sent, timeouts };
}

describe('refused before anything is sent', () => {
  const cases: Array<[string, (t: DomainTuningResource) => Promise<unknown>]> = [
    ['unknown option', (t) => t.scheduler.get(dom, { live: true, lvie: true } as never)],
    ['live and config read together', (t) => t.memory.get(dom, { live: true, config: true })],
    ['current with live', (t) => t.memory.set(dom, { hard_limit: 1 }, { current: true, live: true })],
    ['non-boolean flag', (t) => t.blkio.get(dom, { config: 'yes' as never })],
    ['bad signal', (t) => t.numa.get(dom, { signal: 'x' as never })],
    ['bad timeout', (t) => t.numa.get(dom, { timeout: -5 })],
    ['no values', (t) => t.scheduler.set(dom, {})],
    ['values not an object', (t) => t.scheduler.set(dom, null as never)],
    ['values an array', (t) => t.scheduler.set(dom, [1] as never)],
    ['a value of no typed-param type', (t) => t.scheduler.set(dom, { cpu_shares: { n: 1 } as never })],
    ['an empty field name', (t) => t.scheduler.set(dom, { '': 1 })],
    ['a field name over 79 bytes', (t) => t.scheduler.set(dom, { ['x'.repeat(80)]: 1 })],
    ['an empty disk', (t) => t.blockIo.get(dom, '')],
    ['an empty interface', (t) => t.interfaces.set(dom, '', { 'inbound.average': 1 })],
    ['no CPUs', (t) => t.pinVcpu(dom, 0, [])],
    ['a negative CPU', (t) => t.pinEmulator(dom, [-1])],
    ['a fractional CPU', (t) => t.pinIOThread(dom, 1, [0.5])],
    ['CPUs not an array', (t) => t.pinEmulator(dom, '0-1' as never)],
    ['a negative vCPU', (t) => t.pinVcpu(dom, -1, [0])],
    ['IOThread id 0', (t) => t.addIOThread(dom, 0)],
    ['an IOThread parameter libvirt does not document', (t) => t.setIOThreadParams(dom, 1, { poll_max: 1 })],
    ['an IOThread value of the wrong type', (t) => t.setIOThreadParams(dom, 1, { poll_grow: -1 })],
    ['setVcpu without enabled', (t) => t.setVcpu(dom, 1, {} as never)],
    ['setVcpu with no vCPUs', (t) => t.setVcpu(dom, [], { enabled: true })],
    ['an unknown lifecycle event', (t) => t.setLifecycleAction(dom, 'halt' as never, 'destroy')],
    ['an unknown lifecycle action', (t) => t.setLifecycleAction(dom, 'crash', 'explode' as never)],
  ];
  for (const [label, run] of cases) {
    it(label, async () => {
      const { call, sent } = recorder();
      await expect(run(new DomainTuningResource(call))).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(sent).toEqual([]);
    });
  }
});

describe("typed by the daemon's reading", () => {
  it('reads the group, then sends each value in the reported type', async () => {
    const sent: Array<{ name: string; args: unknown }> = [];
    const { call } = recorder();
    const spy = ((p: { name: string }, args: unknown, o: unknown) => {
      sent.push({ name: p.name, args });
      return (call as (...a: unknown[]) => unknown)(p, args, o);
    }) as unknown as ResourceCall;
    await new DomainTuningResource(spy).scheduler.set(dom, { cpu_shares: 512, vcpu_quota: -2n }, { live: true });
    expect(sent.map((s) => s.name)).toEqual([
      'DOMAIN_GET_SCHEDULER_TYPE',
      'DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS',
      'DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS',
    ]);
    expect(sent[2]!.args).toMatchObject({
      flags: 1,
      params: [
        { field: 'cpu_shares', type: 'ullong', value: 512n },
        { field: 'vcpu_quota', type: 'llong', value: -2n },
      ],
    });
  });

  it('refuses a field the daemon does not offer, listing those it does, without sending the change', async () => {
    const { call, sent } = recorder();
    const error = await new DomainTuningResource(call).scheduler.set(dom, { cpu_share: 512 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      "values.cpu_share: the daemon offers no scheduler parameter 'cpu_share' here (did you mean 'cpu_shares'?); it offers: cpu_shares, vcpu_quota",
    );
    expect(sent).toEqual(['DOMAIN_GET_SCHEDULER_TYPE', 'DOMAIN_GET_SCHEDULER_PARAMETERS']);
  });

  it('refuses a value the reported type cannot hold, without sending the change', async () => {
    for (const value of [-1, 0.5, 2 ** 60, 2n ** 64n, '512', true]) {
      const { call, sent } = recorder();
      await expect(new DomainTuningResource(call).scheduler.set(dom, { cpu_shares: value }), String(value)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(sent).not.toContain('DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS');
    }
  });

  it('refuses a CPU the host lacks after reading the host size, without sending the pin', async () => {
    const { call, sent } = recorder();
    await expect(new DomainTuningResource(call).pinVcpu(dom, 0, [0, 4])).rejects.toThrow(/CPUs 0 to 3, not 4/);
    expect(sent).toEqual(['NODE_GET_INFO']);
  });

  it("shares one deadline among a method's calls", async () => {
    const { call, timeouts } = recorder();
    await new DomainTuningResource(call).scheduler.set(dom, { cpu_shares: 1 }, { timeout: 10_000 });
    expect(timeouts).toHaveLength(3);
    expect(timeouts[2]!).toBeLessThan(timeouts[0]!);
  });
});

describe('typedParamOf', () => {
  const ok: Array<[Parameters<typeof typedParamOf>[1], unknown, unknown]> = [
    ['int', -(2 ** 31), -(2 ** 31)],
    ['int', 7n, 7],
    ['uint', 2 ** 32 - 1, 2 ** 32 - 1],
    ['llong', -(2n ** 63n), -(2n ** 63n)],
    ['ullong', 2n ** 64n - 1n, 2n ** 64n - 1n],
    ['ullong', Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
    ['double', 0.25, 0.25],
    ['boolean', false, false],
    ['string', '0-3', '0-3'],
  ];
  for (const [type, value, wire] of ok)
    it(`${type} takes ${String(value)}`, () => expect(typedParamOf('f', type, value).value).toEqual(wire));
  const bad: Array<[Parameters<typeof typedParamOf>[1], unknown]> = [
    ['int', 2 ** 31],
    ['int', 1.5],
    ['uint', -1],
    ['llong', 2n ** 63n],
    ['ullong', -1n],
    ['ullong', 2 ** 53],
    ['ullong', Number.NaN],
    ['double', Number.POSITIVE_INFINITY],
    ['double', 1n],
    ['boolean', 0],
    ['string', 'a\0b'],
    ['string', 5],
  ];
  for (const [type, value] of bad)
    it(`${type} refuses ${String(value)}`, () => expect(() => typedParamOf('f', type, value, 'values.f')).toThrow(/values\.f must be/));
});

describe('CPU maps', () => {
  it('bit n % 8 of byte n / 8, ceil(host CPUs / 8) bytes; read back from a map the daemon trimmed', async () => {
    const { cpuMap, cpusOf } = await import('../../../src/connection/resources/cpu-map.js');
    expect(cpuMap([0, 3, 9], 12, 'cpus')).toEqual(Buffer.from([0x09, 0x02]));
    expect(cpusOf(Buffer.from([0x09, 0x02]))).toEqual([0, 3, 9]);
    expect(cpusOf(Buffer.from([0xff, 0x0a, 0x00, 0x80]), 2, 2)).toEqual([15]);
    expect(cpusOf(Buffer.from([0x02]))).toEqual([1]);
    expect(() => cpuMap([12], 12, 'cpus')).toThrow(/CPUs 0 to 11, not 12/);
  });
});
