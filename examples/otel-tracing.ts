/**
 * OpenTelemetry spans from the SDK's tracing channels: one span per SDK
 * operation, one child span per RPC call it makes. Only `@opentelemetry/api`
 * is used here: register your tracer provider (the OpenTelemetry SDK, an APM
 * agent) as usual and the spans go there; without one they are no-ops, and
 * this script also prints each span it ends.
 *
 *   npx tsx examples/otel-tracing.ts [name]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { type Context, type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { LibvirtManager } from 'libvirt-manager';
import { OPERATION_CHANNEL, type OperationMessage, RPC_CALL_CHANNEL, type RpcCallMessage } from 'libvirt-manager/observability';

const tracer = trace.getTracer('libvirt-manager-example');
const spans = new WeakMap<object, Span>();
// The operation's span is the parent of the calls made inside it: the channel's start event binds it to the async context.
const current = new AsyncLocalStorage<Context>();

const operations = tracingChannel<unknown, OperationMessage>(OPERATION_CHANNEL);
operations.start.bindStore(current, (m) => {
  const span = tracer.startSpan(`libvirt-manager ${m.operation}`, { attributes: { 'libvirt.vm': m.vm } });
  spans.set(m, span);
  return trace.setSpan(context.active(), span);
});
operations.subscribe({
  start: () => {},
  end: () => {},
  asyncStart: () => {},
  error: (m) => spans.get(m)?.setStatus({ code: SpanStatusCode.ERROR, message: m.errorCode ?? 'error' }),
  asyncEnd: (m) => finish(m, `${m.operation} ${m.domain?.name ?? m.vm}`, m.durationMs),
});

tracingChannel<unknown, RpcCallMessage>(RPC_CALL_CHANNEL).subscribe({
  start: (m) =>
    spans.set(
      m,
      tracer.startSpan(`libvirt ${m.name}`, { attributes: { 'rpc.system': 'libvirt', 'rpc.method': m.name } }, current.getStore()),
    ),
  end: () => {},
  asyncStart: () => {},
  error: (m) => spans.get(m)?.setStatus({ code: SpanStatusCode.ERROR, message: m.errorCode ?? 'error' }),
  asyncEnd: (m) => {
    spans.get(m)?.setAttributes({ 'libvirt.serial': m.serial, 'libvirt.bytes_out': m.bytesOut, 'libvirt.bytes_in': m.bytesIn ?? 0 });
    finish(m, `  ${m.name} #${m.serial} ${m.bytesOut}→${m.bytesIn ?? '-'} B${m.errorCode ? ` ${m.errorCode}` : ''}`, m.durationMs);
  },
});

function finish(message: object, label: string, ms: number | undefined): void {
  spans.get(message)?.end();
  console.log(`${label} ${ms?.toFixed(2) ?? '?'} ms`);
}

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'otel-example'] = process.argv.slice(2);
await using manager = await LibvirtManager.connect(uri);
if (uri.startsWith('test')) {
  await manager.createVm({ name, memory: '128MiB', vcpus: 1, virtType: 'test', disks: [] });
  await manager.startVm(name);
  await manager.destroyVm(name, { stop: 'force', storage: 'none' });
} else {
  await manager.lifecycle.waitForState(name, 'running', { timeout: 1000 }).catch((e: unknown) => console.log(String(e)));
}
