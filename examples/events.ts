/**
 * virsh event --all --loop — for `seconds` (default 10), or until Ctrl-C.
 *
 *   npx tsx examples/events.ts [seconds]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const seconds = Number(process.argv[2] ?? 10);
await using conn = await LibvirtConnection.connect(uri);

const stop = AbortSignal.any([AbortSignal.timeout(seconds * 1000), abortOnSigint()]);
const events = conn.events({ signal: stop });
await events.ready;
console.log(`watching events on ${uri} for ${seconds} s…`);
for await (const event of events) {
  switch (event.type) {
    case 'domain.lifecycle':
      console.log(`event 'lifecycle' for domain '${event.domain.name}': ${event.event} ${event.detail}`);
      break;
    case 'connection.reconnected':
      console.log('reconnected: events in between were missed');
      break;
    default:
      console.log(
        `event '${event.type}'`,
        JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
  }
}
console.log(`done (${events.dropped} events dropped)`);

function abortOnSigint(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}
