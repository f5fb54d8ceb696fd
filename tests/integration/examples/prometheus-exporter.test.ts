/**
 * examples/prometheus-exporter.ts: its output parses as Prometheus text, and
 * its numbers are `virsh domstats`'s for the same domain (a real TCG guest).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { startTransientGuest } from '../../helpers/guest.js';
import { QEMU_URI, ROOT, TEST_URI, virsh } from '../../helpers/libvirt.js';
import { tempPool, tempVolume } from '../../helpers/pool.js';

const run = promisify(execFile);

async function scrape(uri: string): Promise<string> {
  const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'examples/prometheus-exporter.ts'), '--once'], {
    cwd: ROOT,
    env: { ...process.env, LIBVIRT_URI: uri },
    timeout: 60_000,
  });
  return stdout;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition format 0.0.4, strictly: every sample belongs to a family announced by # HELP and # TYPE. */
function parsePrometheus(text: string): Sample[] {
  const typed = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (m) {
      helped.add(m[1]!);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      typed.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels = '', value] = m;
    if (!typed.has(name!) || !helped.has(name!)) throw new Error(`sample ${name} without # HELP/# TYPE`);
    const labels: Record<string, string> = {};
    for (const pair of rawLabels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: name!, labels, value: Number(value) });
  }
  return samples;
}

function domstats(name: string): Record<string, string> {
  const out = virsh(QEMU_URI, 'domstats', '--raw', '--state', '--cpu-total', '--balloon', '--vcpu', '--block', name);
  return Object.fromEntries(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('the Prometheus exporter example', () => {
  it('parses as Prometheus text on the test driver', async () => {
    const samples = parsePrometheus(await scrape(TEST_URI));
    expect(value(samples, 'libvirt_up', {})).toBe(1);
    expect(value(samples, 'libvirt_domain_info_vstate', { domain: 'test' })).toBe(1);
    expect(value(samples, 'libvirt_manager_rpc_calls_total', { procedure: 'CONNECT_GET_ALL_DOMAIN_STATS' })).toBe(1);
  });

  it("matches virsh domstats for a real guest's state, CPU time, memory, vCPUs and disk", async () => {
    await using conn = await LibvirtConnection.connect(QEMU_URI);
    const pool = await tempPool(conn, 'exporter');
    try {
      const disk = await tempVolume(conn, pool, { format: 'qcow2' });
      const guest = await startTransientGuest('exporter', { balloon: true, disks: [{ path: disk.path, format: 'qcow2', target: 'vdb' }] });
      try {
        const name = guest.vm.name;
        const before = domstats(name);
        const samples = parsePrometheus(await scrape(QEMU_URI));
        const after = domstats(name);
        const d = { domain: name };
        expect(value(samples, 'libvirt_domain_info_vstate', d)).toBe(Number(after['state.state']));
        expect(value(samples, 'libvirt_domain_info_virtual_cpus', d)).toBe(Number(after['vcpu.current']));
        expect(value(samples, 'libvirt_domain_info_maximum_memory_bytes', d)).toBe(Number(after['balloon.maximum']) * 1024);
        expect(value(samples, 'libvirt_domain_info_memory_usage_bytes', d)).toBe(Number(after['balloon.current']) * 1024);
        // A counter read between two virsh reads lies between them.
        const cpu = value(samples, 'libvirt_domain_info_cpu_time_seconds_total', d)!;
        expect(cpu).toBeGreaterThanOrEqual(Number(before['cpu.time']) / 1e9);
        expect(cpu).toBeLessThanOrEqual(Number(after['cpu.time']) / 1e9);
        const i = Object.keys(after)
          .find((k) => /^block\.\d+\.name$/.test(k) && after[k] === 'vdb')!
          .split('.')[1];
        const vdb = { ...d, target_device: 'vdb' };
        expect(value(samples, 'libvirt_domain_block_stats_capacity_bytes', vdb)).toBe(Number(after[`block.${i}.capacity`]));
        const rd = value(samples, 'libvirt_domain_block_stats_read_bytes_total', vdb)!;
        expect(rd).toBeGreaterThanOrEqual(Number(before[`block.${i}.rd.bytes`]));
        expect(rd).toBeLessThanOrEqual(Number(after[`block.${i}.rd.bytes`]));
      } finally {
        await guest.stop();
      }
    } finally {
      await pool.remove();
    }
  });
});
