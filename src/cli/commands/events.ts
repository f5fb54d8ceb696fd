import { listOption, stringOption } from '../args.js';
import type { CliCommand } from '../command.js';
import { toJson } from '../output.js';
import type { LibvirtEvent } from '../../index.js';

/** One event for humans: time, type, domain, then its other fields as key=value. */
function humanLine(event: LibvirtEvent): string {
  const { type, ...rest } = event as LibvirtEvent & Record<string, unknown>;
  const domain =
    'domain' in rest && typeof rest['domain'] === 'object' && rest['domain'] !== null ? (rest['domain'] as { name: string }).name : '';
  delete rest['domain'];
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : toJson(v)}`);
  return [new Date().toISOString(), type, domain, ...fields].filter((s) => s !== '').join(' ');
}

/** `events`: libvirt's events until SIGINT, as NDJSON with `--json` (virsh `event --all --loop`). */
export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'Print libvirt events until Ctrl-C; with --json one JSON object per line (virsh event --all --loop)',
  usage: '[--type <t>[,<t>…]] [--domain <vm>]',
  options: { type: { type: 'string' }, domain: { type: 'string' } },
  positionals: [],
  async run(context, { values }) {
    const manager = await context.connect();
    const types = listOption(values, 'type');
    const domain = stringOption(values, 'domain');
    // SIGINT aborts the signal: the iteration then ends quietly and the command exits 0.
    const stream = manager.events({
      signal: context.signal,
      ...(types === undefined ? {} : { types }),
      ...(domain === undefined ? {} : { domain }),
    });
    await stream.ready;
    // On stderr, so stdout stays pure NDJSON: a script (or test) knows from this line that nothing will be missed.
    context.note('libvirt-manager: listening for events (Ctrl-C to stop)');
    for await (const event of stream) context.print(context.json ? toJson(event) : humanLine(event));
    return undefined;
  },
};
