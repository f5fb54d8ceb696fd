/**
 * Fault injection against a real libvirtd: create → start → destroy
 * workflows through `LibvirtManager` on `qemu:///system` while libvirtd is
 * SIGKILLed (and restarted) at random moments, and in the middle of chosen
 * steps. Judged by `virsh` and the
 * pool directory: zero leftover domains, volumes or files, and every
 * workflow's promise settled.
 *
 *   npm run chaos                                (= tsx scripts/chaos.ts)
 *   npx tsx scripts/chaos.ts --workflows 50 --seed 7
 *   npx tsx scripts/chaos.ts --concurrency 2 --kill-min 1000 --kill-max 4000 --verbose
 *
 * Options: --workflows N (default 200), --concurrency C (default 4),
 * --seed S (default random; printed, so any run can be replayed),
 * --uri U (default qemu:///system), --kill-min/--kill-max MS (pause between a
 * restart and the next kill, default 2000/8000), --max-kills K, --bound MS
 * (watchdog per workflow, default 300000), --cloud-init P (share of
 * workflows with a cloud-init seed, default 0.3), --targeted P (share of
 * workflows that kill libvirtd a few ms into one of their own steps: a volume
 * creation, the seed upload, define, start or destroy; default 0.1),
 * --verbose (every non-completed workflow and the SDK's warnings), --json
 * (the summary as JSON).
 *
 * Needs root (it kills and restarts the system libvirtd through
 * scripts/setup-libvirt.sh) and the tiny test guest (scripts/build-test-guest.sh).
 * Exits 1 on any leak, pending or unrecovered workflow, or untyped error.
 * See docs/reliability.md.
 */
import { runChaos } from '../tests/reliability/chaos.js';
import { formatChaosSummary } from '../tests/reliability/chaos-report.js';
import { intFlag, parseFlags } from '../tests/reliability/common.js';
import { startLibvirtd } from '../tests/helpers/libvirt.js';

async function main(): Promise<number> {
  let flags: Map<string, string>;
  try {
    flags = parseFlags(process.argv.slice(2), [
      'workflows',
      'concurrency',
      'seed',
      'uri',
      'kill-min',
      'kill-max',
      'max-kills',
      'bound',
      'cloud-init',
      'targeted',
      'verbose',
      'json',
    ]);
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    return 2;
  }
  const verbose = flags.has('verbose');
  const stamp = (): string => new Date().toISOString().slice(11, 23);
  const share = Number(flags.get('cloud-init') ?? '0.3');
  const targeted = Number(flags.get('targeted') ?? '0.1');
  if (!(share >= 0 && share <= 1) || !(targeted >= 0 && targeted <= 1)) {
    console.error('--cloud-init and --targeted must be numbers from 0 to 1');
    return 2;
  }
  const seed = flags.has('seed') ? intFlag(flags, 'seed', 0) : undefined;
  const maxKills = flags.has('max-kills') ? intFlag(flags, 'max-kills', 0) : undefined;
  const summary = await runChaos({
    uri: flags.get('uri') ?? 'qemu:///system',
    workflows: intFlag(flags, 'workflows', 200),
    concurrency: intFlag(flags, 'concurrency', 4),
    ...(seed === undefined ? {} : { seed }),
    ...(maxKills === undefined ? {} : { maxKills }),
    killEvery: [intFlag(flags, 'kill-min', 2000), intFlag(flags, 'kill-max', 8000)],
    workflowBound: intFlag(flags, 'bound', 300_000),
    cloudInitShare: share,
    targetedShare: targeted,
    log: (line) => {
      if (verbose || line.startsWith('kill') || line.includes('targeted')) console.log(`${stamp()} ${line}`);
    },
    ...(verbose
      ? {
          logger: {
            warn: (fields: unknown, message?: string) => console.log(`${stamp()} sdk warn: ${message ?? ''} ${JSON.stringify(fields)}`),
            error: (fields: unknown, message?: string) => console.log(`${stamp()} sdk error: ${message ?? ''} ${JSON.stringify(fields)}`),
          },
        }
      : {}),
  });
  if (flags.has('json')) console.log(JSON.stringify({ ...summary, records: undefined }, null, 2));
  else console.log(`\n${formatChaosSummary(summary)}`);
  const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--seed') && all[i - 1] !== '--seed');
  console.log(`\nreplay: npx tsx scripts/chaos.ts ${[...args, '--seed', String(summary.seed)].join(' ')}`);
  return summary.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    // Never leave the machine without a daemon.
    try {
      startLibvirtd();
    } catch {
      // reported above
    }
    process.exit(1);
  },
);
