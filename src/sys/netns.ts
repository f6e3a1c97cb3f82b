/**
 * Network namespaces for the main thread (keepalived's `net_namespace`, and tests):
 * sockets opened while inside a namespace stay in it after switching back.
 * Note: /sys/class/net reflects the mount namespace, not the network namespace.
 */
import * as fs from 'node:fs';
import { native } from './native';

export const CLONE_NEWNET = 0x40000000;

/** Path `ip netns add NAME` creates. */
export function netnsPath(name: string): string {
  return `/run/netns/${name}`;
}

/** Move the main thread into namespace `name` (or a path) for good. Throws NativeError / ENOENT. */
export function enterNetns(nameOrPath: string): void {
  const fd = fs.openSync(nameOrPath.includes('/') ? nameOrPath : netnsPath(nameOrPath), 'r');
  try {
    native().setns(fd, CLONE_NEWNET);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Run `fn` synchronously inside namespace `name`, then return to the current one, even if
 * `fn` throws. `fn` must not await: only synchronous socket setup belongs here.
 */
export function withNetns<T>(nameOrPath: string, fn: () => T): T {
  const self = fs.openSync('/proc/thread-self/ns/net', 'r');
  try {
    enterNetns(nameOrPath);
    try {
      return fn();
    } finally {
      native().setns(self, CLONE_NEWNET);
    }
  } finally {
    fs.closeSync(self);
  }
}
