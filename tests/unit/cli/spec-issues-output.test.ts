/**
 * The CLI prints every problem of a refused spec, one a line (human mode),
 * or as `issues` in the JSON error object (`--json`); the exit code is the
 * one a single problem gets (2).
 */
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeOf } from '../../../src/cli/exit-codes.js';
import { errorJson, errorLine } from '../../../src/cli/output.js';
import { validateSpec, type VmSpec } from '../../../src/creator/internal.js';
import { type InvalidArgumentError } from '../../../src/index.js';

function refusalOf(spec: Record<string, unknown>): InvalidArgumentError {
  try {
    validateSpec({ name: 'vm1', memory: '256MiB', ...spec } as unknown as VmSpec);
  } catch (error) {
    return error as InvalidArgumentError;
  }
  throw new Error('expected a refusal');
}

describe('a spec refused for several problems', () => {
  // 25 problems: more than the error's message lists, all of which the CLI prints.
  const error = refusalOf({ vcpu: 2, networks: Array.from({ length: 24 }, () => ({ network: 'default', mtu: 1 })) });

  it('prints a header and every problem on a line of its own', () => {
    const lines = errorLine(error).split('\n');
    expect(lines[0]).toBe('libvirt-manager: InvalidArgumentError: 25 problems:');
    expect(lines.slice(1)).toEqual(error.issues.map((i) => `  ${i.message}`));
    expect(lines[1]).toBe("  vcpu: unknown field 'vcpu' (did you mean 'vcpus'?)");
    expect(lines.at(-1)).toBe('  networks[23].mtu: must be an integer from 68 to 65535');
  });

  it('gives them as `issues` in the JSON error, path the first one', () => {
    const json = errorJson(error).error;
    expect(json.path).toBe('vcpu');
    expect(json.issues).toHaveLength(25);
    expect(json.issues![1]).toEqual({ path: 'networks[0].mtu', message: 'networks[0].mtu: must be an integer from 68 to 65535' });
    expect(json.exitCode).toBe(ExitCode.USAGE);
  });

  it('exits as for one problem', () => {
    expect(exitCodeOf(error)).toBe(exitCodeOf(refusalOf({ vcpus: 0 })));
  });
});

describe('a spec refused for one problem', () => {
  it('prints one line, and no `issues` in the JSON', () => {
    const error = refusalOf({ vcpus: 0 });
    expect(errorLine(error)).toBe('libvirt-manager: InvalidArgumentError: vcpus: must be an integer from 1 to 4096');
    expect(errorJson(error).error.issues).toBeUndefined();
  });
});
