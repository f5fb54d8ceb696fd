/**
 * Log-safe views of cloud-init data: secrets removed from a cloud-config
 * document, and a seed summary without any content.
 *
 * @module
 */
import { NOCLOUD_LABEL, type NoCloudSeed } from './nocloud.js';
import { escapeYamlUnsafe } from './yaml-json.js';

/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are hidden wherever they appear: passwords, chpasswd
 * lists, SSH host private keys, file contents (often credentials), tokens.
 * Matching is case-insensitive; a few harmless keys are hidden too, on
 * purpose: for logs, over-redaction is the safe failure.
 */
const SENSITIVE_KEY =
  /^(?:passwd|password|plain_text_passwd|hashed_passwd|list|content|ssh_keys|.*_private|.*(?:secret|token|api_?key|private_key|credentials?))$/i;

/** A PEM private key block, e.g. in `ssh_keys` or a `write_files` entry (to its END line, or to the end). */
const PEM_PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const PEM_PRIVATE_START = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Password keys inside one-line flow mappings (`{name: a, passwd: x}`), which the line pass cannot see. */
const INLINE_PASSWORD =
  /(\b(?:passwd|password|plain_text_passwd|hashed_passwd)["']?\s*:)(?!\s*\[REDACTED\])\s*("[^"]*"|'[^']*'|[^,}\]\n]+)/gi;

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return PEM_PRIVATE_START.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SENSITIVE_KEY.test(key) ? REDACTED : redactValue(v)]));
  }
  return value;
}

/** Line-based redaction for hand-written YAML: hides sensitive keys' inline values and nested blocks. */
function redactYamlLines(body: string): string {
  const lines = body.split('\n');
  const out: string[] = [];
  const KEY_LINE = /^(\s*)((?:-\s+)?)(["']?)([A-Za-z0-9_-]+)\3(\s*):(.*)$/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = KEY_LINE.exec(line);
    if (!m || !SENSITIVE_KEY.test(m[4]!)) {
      out.push(line);
      continue;
    }
    const [, indent, dash, quote, key] = m;
    out.push(`${indent}${dash}${quote}${key}${quote}: ${REDACTED}`);
    // Skip the value's continuation: block scalars and nested items, i.e. deeper-indented lines.
    const column = indent!.length + dash!.length;
    while (i + 1 < lines.length) {
      const next = lines[i + 1]!;
      const nextIndent = /^(\s*)/.exec(next)![1]!.length;
      if (next.trim() === '' || nextIndent > column) i++;
      else break;
    }
  }
  return out.join('\n');
}

/**
 * A copy of a cloud-config (or any cloud-init YAML/JSON document) that is safe
 * to log: values of password, `chpasswd` list, `ssh_keys`, `*_private`,
 * token/secret/api-key and `write_files` `content` keys become `[REDACTED]`,
 * and so does any PEM private key block. JSON documents (such as
 * {@link buildCloudConfig}'s output) are redacted structurally; other YAML
 * line by line (best effort, erring toward hiding more).
 *
 * @example
 * ```ts
 * logger.debug(redactCloudConfig(userData));
 * // #cloud-config … "plain_text_passwd": "[REDACTED]" …
 * ```
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export function redactCloudConfig(text: string): string {
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  const hasHeader = firstLine.startsWith('#');
  const header = hasHeader ? `${firstLine}\n` : '';
  const body = hasHeader ? (newline < 0 ? '' : text.slice(newline + 1)) : text;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null)
      return `${header}${escapeYamlUnsafe(JSON.stringify(redactValue(parsed), null, 2))}\n`;
  } catch {
    // Not JSON: hand-written YAML.
  }
  return header + redactYamlLines(body).replace(PEM_PRIVATE, REDACTED).replace(INLINE_PASSWORD, `$1 ${REDACTED}`);
}

/**
 * A one-line, content-free summary of a seed for logs: label, file name,
 * hash, size and each file's name and size, never the contents.
 *
 * @example
 * ```ts
 * describeSeed(seed);
 * // "NoCloud seed cidata-3f0c9a1b2c3d4e5f.iso (label cidata, 59392 bytes, sha256 3f0c…): meta-data 52 B, user-data 311 B"
 * ```
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export function describeSeed(seed: Pick<NoCloudSeed, 'fileName' | 'sha256' | 'iso' | 'files' | 'sizes'>): string {
  const files = seed.files.map((name) => `${name} ${seed.sizes[name] ?? '?'} B`).join(', ');
  return `NoCloud seed ${seed.fileName} (label ${NOCLOUD_LABEL}, ${seed.iso.length} bytes, sha256 ${seed.sha256}): ${files}`;
}
