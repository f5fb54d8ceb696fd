/**
 * Load: N VMs created, started and destroyed concurrently on libvirt's test
 * driver over one connection, and M real TCG guests booted concurrently on
 * qemu:///system (ready marker on every serial log), then shut down and
 * destroyed. Prints throughput (VMs/s) and per-VM p50/p99 of each phase;
 * `virsh` must find nothing left.
 *
 *   npm run load                        (= tsx scripts/load.ts)
 *   npx tsx scripts/load.ts --vms 500 --real 0
 *   npx tsx scripts/load.ts --vms 0 --real 10 --json
 *
 * Options: --vms N (test-driver VMs, default 200; 0 skips), --real M (real
 * guests, default 10; 0 skips), --test-uri U (default test+unix:///default),
 * --uri U (default qemu:///system), --json.
 *
 * Real guests need libvirtd (scripts/setup-libvirt.sh) and the tiny test guest
 * (scripts/build-test-guest.sh). Exits 1 when a call failed or anything
 * leaked. See docs/reliability.md.
 */
import { intFlag, parseFlags } from '../tests/reliability/common.js';
import { type LoadSummary, formatLoadSummary, runRealGuestLoad, runTestDriverLoad } from '../tests/reliability/load.js';

async function main(): Promise<number> {
  let flags: Map<string, string>;
  try {
    flags = parseFlags(process.argv.slice(2), ['vms', 'real', 'test-uri', 'uri', 'json']);
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    return 2;
  }
  const vms = intFlag(flags, 'vms', 200);
  const real = intFlag(flags, 'real', 10);
  const results: Record<string, LoadSummary> = {};
  if (vms > 0) {
    results['testDriver'] = await runTestDriverLoad({ vms, uri: flags.get('test-uri') ?? 'test+unix:///default' });
    if (!flags.has('json')) console.log(`${formatLoadSummary('test driver', results['testDriver'])}\n`);
  }
  if (real > 0) {
    results['realGuests'] = await runRealGuestLoad({ vms: real, uri: flags.get('uri') ?? 'qemu:///system' });
    if (!flags.has('json')) console.log(`${formatLoadSummary('real TCG guests', results['realGuests'])}\n`);
  }
  if (flags.has('json')) console.log(JSON.stringify(results, null, 2));
  const ok = Object.values(results).every((r) => r.ok);
  console.log(ok ? 'OK: every call succeeded and nothing leaked' : 'FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
