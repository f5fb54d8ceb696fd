/**
 * Layer rules (see docs/architecture.md and the style guide). Imports go one
 * way only:
 *
 *   errors ← rpc/xdr ← rpc/protocol ← rpc (framer, client, stream, transport) ← connection
 *   errors ← xml (pure builders/parsers, no I/O)
 *   connection ← runtime (budget, per-VM queue, state table, waits: shared by every module below)
 *   connection, xml, runtime ← lifecycle ← destroyer ← creator ← devices ← disk-state ← state ← manager (facade)
 *   connection, xml, runtime ← lifecycle ← agent ← manager (facade)
 *   connection, xml, runtime ← lifecycle ← destroyer ← creator ← devices ← disk-state ← migration ← state ← manager (facade)
 *
 * The facade composes modules: it may not call RPC or write XML itself.
 * The CLI (src/cli) sits on top: it imports only the public entry points, and nothing imports it.
 * `testing` may use the rpc layer (the fake daemon reuses our codec) but nothing
 * in the SDK imports `testing`.
 */

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'errors-is-a-leaf',
      comment: 'src/errors imports nothing else from the package.',
      severity: 'error',
      from: { path: '^src/errors/' },
      to: { path: '^src/', pathNot: '^src/errors/' },
    },
    {
      name: 'xdr-only-errors',
      comment: 'The XDR codec depends on errors only.',
      severity: 'error',
      from: { path: '^src/rpc/xdr/' },
      to: { path: '^src/', pathNot: ['^src/errors/', '^src/rpc/xdr/'] },
    },
    {
      name: 'protocol-only-xdr',
      comment: 'Protocol descriptors depend on xdr and errors only.',
      severity: 'error',
      from: { path: '^src/rpc/protocol/' },
      to: { path: '^src/', pathNot: ['^src/errors/', '^src/rpc/xdr/', '^src/rpc/protocol/'] },
    },
    {
      name: 'codec-has-no-io',
      comment: 'The codec, protocol and framer never touch sockets or processes.',
      severity: 'error',
      from: { path: '^src/rpc/(xdr|protocol)/|^src/rpc/framer\\.ts$' },
      to: { path: '^(node:)?(net|tls|child_process|fs|dgram|http|https)$', dependencyTypes: ['core'] },
    },
    {
      name: 'rpc-stays-inside',
      comment: 'Nothing in src/rpc imports from outside it except errors.',
      severity: 'error',
      from: { path: '^src/rpc/' },
      to: { path: '^src/', pathNot: ['^src/errors/', '^src/rpc/'] },
    },
    {
      name: 'transport-below-client',
      comment: 'Transports only produce byte streams; they do not know the client.',
      severity: 'error',
      from: { path: '^src/rpc/transport/' },
      to: { path: '^src/rpc/(client|handshake|stream|keepalive|connect)' },
    },
    {
      name: 'connection-below-modules',
      comment: 'The connection layer knows nothing of the modules built on it.',
      severity: 'error',
      from: { path: '^src/connection/' },
      to: { path: '^src/(creator|lifecycle|destroyer|devices|disk-state|migration|state|runtime|manager|index|testing)' },
    },
    {
      name: 'runtime-below-modules',
      comment: 'The per-VM runtime is shared by the modules: it knows only the connection and errors.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/', pathNot: ['^src/runtime/', '^src/connection/', '^src/errors/'] },
    },
    {
      name: 'modules-use-the-connection-not-rpc',
      comment: 'Modules above the connection reach libvirt only through LibvirtConnection (the single place each procedure is called).',
      severity: 'error',
      from: { path: '^src/(creator|lifecycle|destroyer|devices|disk-state|migration|state|runtime)/|^src/manager\\.ts$' },
      to: { path: '^src/rpc/' },
    },
    {
      name: 'xml-is-pure',
      comment: 'XML builders and parsers depend on errors only.',
      severity: 'error',
      from: { path: '^src/xml/' },
      to: { path: '^src/', pathNot: ['^src/errors/', '^src/xml/'] },
    },
    {
      name: 'lifecycle-level',
      severity: 'error',
      from: { path: '^src/lifecycle/' },
      to: { path: '^src/(creator|destroyer|devices|disk-state|migration|state|manager|index|testing)' },
    },
    {
      name: 'destroyer-level',
      severity: 'error',
      from: { path: '^src/destroyer/' },
      to: { path: '^src/(creator|devices|disk-state|migration|state|manager|index|testing)' },
    },
    {
      name: 'creator-level',
      severity: 'error',
      from: { path: '^src/creator/' },
      to: { path: '^src/(devices|disk-state|migration|state|manager|index|testing)' },
    },
    {
      name: 'devices-level',
      comment:
        'Devices build on the creator (specs → storage + XML), destroyer (ownership, volume deletion) and lifecycle (waiter, queue).',
      severity: 'error',
      from: { path: '^src/devices/' },
      to: { path: '^src/(disk-state|migration|state|manager|index|testing)' },
    },
    {
      name: 'disk-state-level',
      comment:
        'Snapshots, block jobs and backups build on the devices (ownership record), destroyer (volume deletion) and lifecycle (queue, waiter).',
      severity: 'error',
      from: { path: '^src/disk-state/' },
      to: { path: '^src/(migration|state|manager|index|testing)' },
    },
    {
      name: 'fleet-on-top',
      comment: 'The fleet composes one facade per host; nothing below it knows of it, and it reaches libvirt only through them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/fleet/' },
      to: { path: '^src/fleet/' },
    },
    {
      name: 'fleet-uses-managers',
      severity: 'error',
      from: { path: '^src/fleet/' },
      to: { path: '^src/(rpc|testing)/' },
    },
    {
      name: 'migration-level',
      comment:
        'Migration builds on the lifecycle (queue), creator (makeVolume), destroyer (volume deletion) and devices (ownership record).',
      severity: 'error',
      from: { path: '^src/migration/' },
      to: { path: '^src/(state|manager|index|testing)' },
    },
    {
      name: 'observability-level',
      comment:
        'Metrics read the tracing channels (runtime, connection) and connection counters; only the facade and the root export use them.',
      severity: 'error',
      from: { path: '^src/observability/' },
      to: { path: '^src/(creator|lifecycle|destroyer|devices|disk-state|agent|state|manager|index|testing|rpc)' },
    },
    {
      name: 'agent-level',
      comment:
        'The guest agent builds on the connection, runtime and lifecycle (waitForAgent); it reaches libvirt only through the connection.',
      severity: 'error',
      from: { path: '^src/agent/' },
      to: { path: '^src/(rpc|creator|destroyer|devices|disk-state|state|manager|index|testing)' },
    },
    {
      name: 'agent-used-from-above',
      comment: 'Only the registry and the facade may use the agent module.',
      severity: 'error',
      from: { path: '^src/(errors|rpc|xml|connection|runtime|lifecycle|destroyer|creator|devices|disk-state)/' },
      to: { path: '^src/agent/' },
    },
    {
      name: 'state-level',
      severity: 'error',
      from: { path: '^src/state/' },
      to: { path: '^src/(creator|manager|index|testing)' },
    },
    {
      name: 'facade-only-composes',
      comment: 'LibvirtManager makes no RPC calls and writes no XML: it may import the modules, not rpc/ or xml/.',
      severity: 'error',
      from: { path: '^src/manager\\.ts$' },
      to: { path: '^src/(rpc|xml)/' },
    },
    {
      name: 'cli-uses-the-public-api',
      comment:
        'The CLI (src/cli) is a user of the package like any other: it imports only the public entry points, so it has no logic of its own.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/cli/',
          '^src/index\\.ts$',
          '^src/(connection|creator|lifecycle|destroyer|devices|disk-state|migration|state|xml)/index\\.ts$',
          '^src/rpc/protocol/index\\.ts$',
        ],
      },
    },
    {
      name: 'nobody-imports-the-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nobody-imports-testing',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/testing/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)index\\.ts$', '^src/cli/main\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
