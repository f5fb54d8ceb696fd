/**
 * Imported first by every example: an error that ends the script (a rejected
 * top-level `await`, or a rejection nobody handled) prints one line,
 * `name: message` — e.g. `DomainNotFoundError: Domain not found: no domain
 * with matching name 'web9'` — and exits with code 1, instead of Node's dump
 * of the error object with its stack and fields. `await using` resources are
 * already disposed by the time the error gets here.
 *
 * Set `EXAMPLES_STACK=1` to see the whole error as Node prints it.
 */
if (process.env['EXAMPLES_STACK'] !== '1') {
  process.on('uncaughtException', (error: unknown) => {
    const line = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${line}\n`);
    // exit now: a connection the failed script left open must not keep it running.
    process.exit(1);
  });
}

export {};
