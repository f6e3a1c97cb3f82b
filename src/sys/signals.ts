/**
 * Signal subscription by number, including real-time signals Node cannot name
 * (keepalived: JSON = SIGRTMIN+2 = 36, STATS_CLEAR = SIGRTMAX-1 = 63 on Linux/glibc).
 * Uses uv_signal_t, so once subscribed the signal no longer kills the process; stop() restores
 * the default disposition when it was the last libuv watcher for that signal.
 */
import { native, type PollHandle } from './native';

export type SignalHandle = PollHandle;

export function sigrtmin(): number {
  return native().sigrtmin();
}

export function sigrtmax(): number {
  return native().sigrtmax();
}

/** keepalived's signal numbers as `keepalived --signum NAME` prints them on this system. */
export function keepalivedSignals(): { STOP: number; RELOAD: number; DATA: number; STATS: number; STATS_CLEAR: number; JSON: number; TDUMP: number } {
  return { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, STATS_CLEAR: sigrtmax() - 1, JSON: sigrtmin() + 2, TDUMP: sigrtmax() };
}

/** Call `cb(signum)` on the main loop each time `signum` arrives. Throws NativeError (EINVAL). */
export function onSignal(signum: number, cb: (signum: number) => void): SignalHandle {
  return native().onSignal(signum, cb);
}
