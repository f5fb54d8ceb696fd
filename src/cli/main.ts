#!/usr/bin/env node
/**
 * `npx libvirt-manager <command>`: the SDK's operations for shell scripts,
 * with `--json` output and an exit code per error class. docs/cli.md has
 * every command. The CLI calls only the package's public API.
 *
 * @module
 */
import { runCli } from './run.js';

const controller = new AbortController();
// The first Ctrl-C aborts the running operation (events: ends the stream); a second one exits at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

void runCli(process.argv.slice(2), controller.signal).then((code) => {
  process.exitCode = code;
  // Everything is closed by now; a handle something forgot must not keep a script waiting.
  setTimeout(() => process.exit(code), 1_000).unref();
});
