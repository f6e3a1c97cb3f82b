/**
 * keepalived's signal functions and numbers (`--signum`), and subscription to them.
 *
 * STOP=SIGTERM, RELOAD=SIGHUP, DATA=SIGUSR1, STATS=SIGUSR2, STATS_CLEAR=SIGRTMAX-1,
 * JSON=SIGRTMIN+2 (36 and 63 with glibc, which reserves two real-time signals).
 *
 * Node cannot listen for real-time signals by name; the native addon's onSignal() (uv_signal on
 * any number) does. Without the addon those two functions are unavailable and say so in the log.
 */
import { onSignal as sysOnSignal, sigrtmax, sigrtmin } from '../sys/signals';

export type SigFunc = 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | 'STATS_CLEAR' | 'JSON';
export const SIG_FUNCS: readonly SigFunc[] = ['STOP', 'RELOAD', 'DATA', 'STATS', 'STATS_CLEAR', 'JSON'];

/** glibc's SIGRTMIN/SIGRTMAX on Linux. */
export const GLIBC_SIGRTMIN = 34;
export const GLIBC_SIGRTMAX = 64;

export function rtRange(): { min: number; max: number; fromAddon: boolean } {
  try {
    return { min: sigrtmin(), max: sigrtmax(), fromAddon: true };
  } catch {
    /* fall back to glibc's values */
  }
  return { min: GLIBC_SIGRTMIN, max: GLIBC_SIGRTMAX, fromAddon: false };
}

export function signalNumber(fn: string, rt = rtRange()): number | undefined {
  switch (fn) {
    case 'STOP':
      return 15;
    case 'RELOAD':
      return 1;
    case 'DATA':
      return 10;
    case 'STATS':
      return 12;
    case 'STATS_CLEAR':
      return rt.max - 1;
    case 'JSON':
      return rt.min + 2;
    default:
      return undefined;
  }
}

/** `--signum NAME`: keepalived prints the number on stdout, or "Unknown sigfunc NAME" and exits 1. */
export function signumCommand(name: string): { code: number; stdout: string; stderr: string } {
  const n = signalNumber(name);
  if (n === undefined) return { code: 1, stdout: '', stderr: `Unknown sigfunc ${name}\n` };
  return { code: 0, stdout: `${n}\n`, stderr: '' };
}

export interface SignalHandlers {
  reload(): void;
  stop(signame: string): void;
  data(): void;
  stats(): void;
  statsClear(): void;
  json(): void;
}

/** Subscribe; returns an unsubscribe function and the list of functions not available. */
export function subscribeSignals(h: SignalHandlers): { unsubscribe: () => void; unavailable: SigFunc[] } {
  const listeners: Array<[NodeJS.Signals, () => void]> = [
    ['SIGHUP', () => h.reload()],
    ['SIGTERM', () => h.stop('SIGTERM')],
    ['SIGINT', () => h.stop('SIGINT')],
    ['SIGUSR1', () => h.data()],
    ['SIGUSR2', () => h.stats()],
    ['SIGPIPE', () => undefined],
  ];
  for (const [s, f] of listeners) process.on(s, f);
  const handles: Array<{ stop(): void }> = [];
  const unavailable: SigFunc[] = [];
  const rt = rtRange();
  try {
    handles.push(sysOnSignal(signalNumber('JSON', rt)!, () => h.json()));
    handles.push(sysOnSignal(signalNumber('STATS_CLEAR', rt)!, () => h.statsClear()));
  } catch {
    // no addon (or it lacks onSignal): the two real-time signal functions are unavailable
    for (const hd of handles.splice(0)) hd.stop();
    unavailable.push('JSON', 'STATS_CLEAR');
  }
  return {
    unsubscribe: () => {
      for (const [s, f] of listeners) process.off(s, f);
      for (const hd of handles) hd.stop();
    },
    unavailable,
  };
}
