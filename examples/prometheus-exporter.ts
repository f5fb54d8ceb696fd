/**
 * A Prometheus exporter of VM statistics (`virsh domstats`) and of the SDK's
 * own metrics, with prom-client. Metric names follow the existing libvirt
 * exporters (prometheus-libvirt-exporter): `libvirt_domain_info_*`,
 * `libvirt_domain_block_stats_*`, `libvirt_domain_interface_stats_*`, with
 * labels `domain`, `target_device`, `vcpu`. One CONNECT_GET_ALL_DOMAIN_STATS
 * call per scrape, whatever the number of VMs.
 *
 *   npx tsx examples/prometheus-exporter.ts [port]     # serves http://127.0.0.1:<port>/metrics (default 9177)
 *   npx tsx examples/prometheus-exporter.ts --once     # prints one scrape and exits
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { createServer } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import { type DomainStats, LibvirtConnection } from 'libvirt-manager/connection';
import { LibvirtMetrics } from 'libvirt-manager/observability';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const conn = await LibvirtConnection.connect(uri);
const sdk = new LibvirtMetrics({ connections: { [uri]: conn } });
const registry = new Registry();

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** A metric whose values are all re-read at each scrape (absolute counters included). */
function metric(kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[]) {
  const m =
    kind === 'gauge'
      ? new Gauge({ name, help, labelNames, registers: [registry] })
      : new Counter({ name, help, labelNames, registers: [registry] });
  return {
    reset: () => m.reset(),
    set: (labels: Record<string, string>, value: number | undefined) => {
      if (value === undefined) return;
      if (m instanceof Gauge) m.set(labels, value);
      else m.inc(labels, value);
    },
  };
}

const up = metric('gauge', 'libvirt_up', 'Whether the last scrape of libvirt succeeded (1) or not (0).', []);
const state = metric('gauge', 'libvirt_domain_info_vstate', 'virDomainState of the domain (1 running, 3 paused, 5 shut off…).', ['domain']);
const cpu = metric('counter', 'libvirt_domain_info_cpu_time_seconds_total', 'CPU time used by the domain, seconds.', ['domain']);
const vcpus = metric('gauge', 'libvirt_domain_info_virtual_cpus', 'vCPUs online in the domain.', ['domain']);
const maxMem = metric('gauge', 'libvirt_domain_info_maximum_memory_bytes', 'Maximum memory of the domain (balloon maximum), bytes.', [
  'domain',
]);
const mem = metric('gauge', 'libvirt_domain_info_memory_usage_bytes', 'Current memory of the domain (balloon current), bytes.', ['domain']);
const vcpuTime = metric('counter', 'libvirt_domain_vcpu_time_seconds_total', 'CPU time of one vCPU, seconds.', ['domain', 'vcpu']);
const blockRd = metric('counter', 'libvirt_domain_block_stats_read_bytes_total', 'Bytes read from a block device.', [
  'domain',
  'target_device',
]);
const blockWr = metric('counter', 'libvirt_domain_block_stats_write_bytes_total', 'Bytes written to a block device.', [
  'domain',
  'target_device',
]);
const blockRdReq = metric('counter', 'libvirt_domain_block_stats_read_requests_total', 'Read requests.', ['domain', 'target_device']);
const blockWrReq = metric('counter', 'libvirt_domain_block_stats_write_requests_total', 'Write requests.', ['domain', 'target_device']);
const blockCap = metric('gauge', 'libvirt_domain_block_stats_capacity_bytes', 'Logical size of a block device, bytes.', [
  'domain',
  'target_device',
]);
const netRx = metric('counter', 'libvirt_domain_interface_stats_receive_bytes_total', 'Bytes received by an interface.', [
  'domain',
  'target_device',
]);
const netTx = metric('counter', 'libvirt_domain_interface_stats_transmit_bytes_total', 'Bytes sent by an interface.', [
  'domain',
  'target_device',
]);
// The SDK's own view (LibvirtMetrics, from its tracing channels).
const calls = metric('counter', 'libvirt_manager_rpc_calls_total', 'RPC calls made by libvirt-manager, by procedure.', ['procedure']);
const callErrors = metric('counter', 'libvirt_manager_rpc_errors_total', 'RPC calls that failed, by procedure and error code.', [
  'procedure',
  'code',
]);
const callSeconds = metric('counter', 'libvirt_manager_rpc_duration_seconds_sum', 'Total time spent in RPC calls, by procedure.', [
  'procedure',
]);
const ops = metric('counter', 'libvirt_manager_operations_total', 'SDK operations, by operation.', ['operation']);
const opFailures = metric('counter', 'libvirt_manager_operation_failures_total', 'SDK operations that failed, by operation.', [
  'operation',
]);
const dropped = metric('counter', 'libvirt_manager_events_dropped_total', 'Events lost by full subscription buffers.', []);
const reconnects = metric('counter', 'libvirt_manager_reconnects_total', 'Times the connection was re-established.', []);
const all = [up, state, cpu, vcpus, maxMem, mem, vcpuTime, blockRd, blockWr, blockRdReq, blockWrReq, blockCap, netRx, netTx];

function domainMetrics({ domain, stats }: DomainStats): void {
  const d = { domain: domain.name };
  state.set(d, num(stats['state.state']));
  const ns = num(stats['cpu.time']);
  cpu.set(d, ns === undefined ? undefined : ns / 1e9);
  vcpus.set(d, num(stats['vcpu.current']));
  const kib = (key: string) => (num(stats[key]) === undefined ? undefined : num(stats[key])! * 1024);
  maxMem.set(d, kib('balloon.maximum'));
  mem.set(d, kib('balloon.current'));
  for (let i = 0; i < (num(stats['vcpu.maximum']) ?? 0); i++) {
    const t = num(stats[`vcpu.${i}.time`]);
    vcpuTime.set({ ...d, vcpu: String(i) }, t === undefined ? undefined : t / 1e9);
  }
  for (let i = 0; i < (num(stats['block.count']) ?? 0); i++) {
    const dev = { ...d, target_device: String(stats[`block.${i}.name`]) };
    blockRd.set(dev, num(stats[`block.${i}.rd.bytes`]));
    blockWr.set(dev, num(stats[`block.${i}.wr.bytes`]));
    blockRdReq.set(dev, num(stats[`block.${i}.rd.reqs`]));
    blockWrReq.set(dev, num(stats[`block.${i}.wr.reqs`]));
    blockCap.set(dev, num(stats[`block.${i}.capacity`]));
  }
  for (let i = 0; i < (num(stats['net.count']) ?? 0); i++) {
    const dev = { ...d, target_device: String(stats[`net.${i}.name`]) };
    netRx.set(dev, num(stats[`net.${i}.rx.bytes`]));
    netTx.set(dev, num(stats[`net.${i}.tx.bytes`]));
  }
}

/** One scrape: every domain in one call, then the SDK's counters. */
async function scrape(): Promise<string> {
  for (const m of [...all, calls, callErrors, callSeconds, ops, opFailures, dropped, reconnects]) m.reset();
  try {
    const stats = await conn.host.getAllDomainStats({
      groups: ['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block'],
      timeout: 10_000,
    });
    for (const s of stats) domainMetrics(s);
    up.set({}, 1);
  } catch (error) {
    up.set({}, 0);
    console.error(`scrape failed: ${String(error)}`);
  }
  const snap = sdk.snapshot();
  for (const [procedure, p] of Object.entries(snap.procedures)) {
    calls.set({ procedure }, p.calls);
    callSeconds.set({ procedure }, p.latency.sumMs / 1000);
    for (const [code, n] of Object.entries(p.errors)) callErrors.set({ procedure, code }, n);
  }
  for (const [operation, o] of Object.entries(snap.operations)) {
    ops.set({ operation }, o.count);
    opFailures.set({ operation }, o.failures);
  }
  const c = snap.connections[uri]!;
  dropped.set({}, c.eventsDropped);
  reconnects.set({}, c.reconnects);
  return registry.metrics();
}

if (process.argv[2] === '--once') {
  process.stdout.write(await scrape());
  sdk.close();
  await conn.close();
} else {
  const port = Number(process.argv[2] ?? 9177);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  server.listen(port, '127.0.0.1', () => console.log(`serving http://127.0.0.1:${port}/metrics for ${uri}`));
  process.once('SIGINT', () => {
    server.close();
    sdk.close();
    void conn.close();
  });
}
