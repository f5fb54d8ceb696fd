/**
 * The agent module's logging: the SDK's one safe logger call. Never given a
 * password, stdin, file content or command output.
 *
 * @module
 */
export { logSafely as log } from '../connection/internal.js';
