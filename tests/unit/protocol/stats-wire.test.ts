/**
 * Wire layouts of the statistics procedures the real daemon here cannot
 * answer (the host-changing NODE_ALLOC_PAGES and NODE_SET_MEMORY_PARAMETERS:
 * the test driver lacks them, qemu:///system must not be changed), and the
 * traps of the others (`char x<257>` strings, the CPU bitmap, the flat
 * per-CPU reply), pinned as hand-built bytes from remote_protocol.x.
 */
import { describe, expect, it } from 'vitest';
import { cString, cpuMapMembers, decodePerCpuStats } from '../../../src/connection/resources/index.js';
import {
  DOMAIN_SET_GUEST_VCPUS,
  NODE_ALLOC_PAGES,
  NODE_GET_CPU_MAP,
  NODE_GET_SECURITY_MODEL,
  NODE_SET_MEMORY_PARAMETERS,
  type TypedParam,
} from '../../../src/rpc/protocol/index.js';
import { cpusetMembers, formatCpuset } from '../../../src/xml/index.js';
import { decodeValue, encodeValue } from '../../fixtures/wire/packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+|\/\/[^\n]*/g, ''), 'hex');

describe('host-changing calls: argument bytes', () => {
  it('NODE_ALLOC_PAGES: two arrays, then the cell range and the SET flag', () => {
    const bytes = encodeValue(NODE_ALLOC_PAGES.args, { pageSizes: [2048], pageCounts: [3n], startCell: -1, cellCount: 1, flags: 1 });
    expect(bytes).toEqual(
      hex(`
        00000001 00000800           // pageSizes<1024>: 1 × unsigned int 2048 (KiB)
        00000001 00000000 00000003  // pageCounts<1024>: 1 × unsigned hyper 3
        ffffffff                    // startCell -1: the whole host
        00000001                    // cellCount 1
        00000001                    // flags VIR_NODE_ALLOC_PAGES_SET
      `),
    );
  });

  it('NODE_SET_MEMORY_PARAMETERS: one typed parameter of type UINT (2), then flags', () => {
    const params: TypedParam[] = [{ field: 'shm_pages_to_scan', type: 'uint', value: 200 }];
    expect(encodeValue(NODE_SET_MEMORY_PARAMETERS.args, { params, flags: 0 })).toEqual(
      hex(`
        00000001                                      // params<64>: 1
        00000011 73686d5f70616765735f746f5f7363616e 000000 // field "shm_pages_to_scan" (17 bytes, padded to 20)
        00000002 000000c8                             // VIR_TYPED_PARAM_UINT 200
        00000000                                      // flags
      `),
    );
  });

  it('DOMAIN_SET_GUEST_VCPUS: the CPU list as a string and the state as an int', () => {
    const dom = { name: 'a', uuid: '00000000-0000-0000-0000-000000000001', id: 3 };
    expect(encodeValue(DOMAIN_SET_GUEST_VCPUS.args, { dom, cpumap: '1-2', state: 0, flags: 0 })).toEqual(
      hex(`
        00000001 61000000 00000000000000000000000000000001 00000003 // dom: name "a", uuid, id 3
        00000003 312d3200                                        // cpumap "1-2"
        00000000 00000000                                        // state 0 (offline), flags
      `),
    );
  });
});

describe('reply traps', () => {
  it("NODE_GET_SECURITY_MODEL: char x<257> takes 4 bytes per char, NUL included (qemu:///system's 'none' / '0')", () => {
    const ret = decodeValue(
      NODE_GET_SECURITY_MODEL.ret,
      hex(`
        00000005 0000006e 0000006f 0000006e 00000065 00000000 // model "none\\0"
        00000002 00000030 00000000                            // doi "0\\0"
      `),
    );
    expect([cString(ret.model), cString(ret.doi)]).toEqual(['none', '0']);
  });

  it("NODE_GET_CPU_MAP: an opaque bitmap, CPU 0 the low bit (the test driver's 0x15 = CPUs 0, 2, 4)", () => {
    const ret = decodeValue(NODE_GET_CPU_MAP.ret, hex('00000001 15000000 00000003 00000008'));
    expect(ret).toMatchObject({ online: 3, ret: 8 });
    expect(cpuMapMembers(ret.cpumap)).toEqual([0, 2, 4]);
    expect(cpuMapMembers(Buffer.from([0x00, 0x81]))).toEqual([8, 15]);
  });

  it('GET_CPU_STATS per CPU: flat, the reply nparams per CPU, numbered from start_cpu', () => {
    const p = (field: string, value: bigint): TypedParam => ({ field, type: 'ullong', value });
    const params = [p('cpu_time', 10n), p('vcpu_time', 7n), p('cpu_time', 20n), p('vcpu_time', 9n)];
    expect(decodePerCpuStats(params, 2, 4).map(({ cpu, cpuTimeNs, vcpuTimeNs }) => [cpu, cpuTimeNs, vcpuTimeNs])).toEqual([
      [4, 10n, 7n],
      [5, 20n, 9n],
    ]);
    expect(decodePerCpuStats(params, 0, 0)).toEqual([]);
  });
});

describe("libvirt's CPU list syntax", () => {
  it('parses ranges and exclusions, and writes runs as ranges', () => {
    expect([...cpusetMembers('0-3,^2,6')!]).toEqual([0, 1, 3, 6]);
    expect(cpusetMembers('3-1')).toBeUndefined();
    expect(cpusetMembers('0-4', 4)).toBeUndefined();
    expect(formatCpuset([5, 0, 1, 2, 2, 9, 10])).toBe('0-2,5,9-10');
    expect(formatCpuset([])).toBe('');
  });
});
