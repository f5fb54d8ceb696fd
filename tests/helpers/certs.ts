/**
 * Certificates for TLS tests, made with the openssl CLI in a directory the
 * test owns: P-256 keys, valid two days. Each function writes `<name>.key` and
 * `<name>.pem` (a leaf also `<name>.csr` and `<name>.ext`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Run the openssl CLI in `dir`; its output is kept out of the test log. */
export function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A self-signed certificate and its unencrypted key.
 * @param addext `-addext` values, e.g. `'subjectAltName=IP:127.0.0.1'`
 */
export function selfSigned(dir: string, name: string, subject: string, addext: readonly string[] = []): void {
  const ext = addext.flatMap((e) => ['-addext', e]);
  openssl(dir, 'req', '-x509', ...NEW_P256_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject, ...ext);
}

/**
 * `server.key` / `server.pem`, self-signed for 127.0.0.1 (what `startTlsServer`
 * reads): a server no CA the client knows has signed.
 */
export function selfSignedServer(dir: string): void {
  selfSigned(dir, 'server', '/CN=127.0.0.1', ['subjectAltName=IP:127.0.0.1']);
}

/** A CA certificate `<name>.pem` (common name `name`) and its key. */
export function makeCa(dir: string, name: string): void {
  selfSigned(dir, name, `/CN=${name}`, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
}

/**
 * A certificate `<name>.pem` (common name `name`) signed by the CA `<ca>.pem`.
 * @param ext the extensions file's text, e.g. `'extendedKeyUsage=clientAuth\n'`
 */
export function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, 'req', ...NEW_P256_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl(
    dir,
    ...['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'],
    ...['-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`],
  );
}
