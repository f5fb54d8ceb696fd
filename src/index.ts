/**
 * libvirt-manager: manage libvirt virtual machines from Node.js over libvirt's
 * own RPC protocol, in pure TypeScript.
 *
 * Modules can be imported alone: `libvirt-manager/connection`,
 * `libvirt-manager/testing` (and, as they land, `creator`, `lifecycle`,
 * `destroyer`, `state`).
 *
 * @module libvirt-manager
 */
export * from './connection/index.js';
export {
  connectRpc,
  openRpcLink,
  RpcClient,
  type ConnectRpcOptions,
  type RpcLink,
  type Procedure,
  type RawCall,
} from './rpc/index.js';
