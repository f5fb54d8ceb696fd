/**
 * Test helpers for code built on libvirt-manager: an in-process fake daemon
 * that speaks libvirt's real wire protocol, for edge cases (hangs, malformed
 * frames, disconnects) that a real libvirtd will not produce on demand.
 *
 * @module testing
 */
export {
  FakeLibvirtDaemon,
  type FakeClient,
  type FakeCall,
  type FakeCallContext,
  type FakeDaemonOptions,
  type FakeHandler,
  type FakeInterceptor,
  type FakeReply,
  type FakeStreamHandler,
} from './fake-daemon.js';
