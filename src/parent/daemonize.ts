/**
 * Forking into the background without fork(2): the launcher re-runs this program detached (its
 * own session, stdio on /dev/null) with DAEMON_ENV set, and exits 0 once the daemon has written
 * its pid file (the daemon writes "started" on fd 3), or with the daemon's exit code if it
 * stopped first ("daemon is already running" → 0, as keepalived).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** Set in the detached daemon by the launcher; fd 3 is the launcher's "started" pipe. */
export const DAEMON_ENV = 'KEEPALIVED_TS_DAEMONIZED';

function write(fd: 1 | 2, text: string): void {
  try {
    fs.writeSync(fd, text);
  } catch {
    /* closed */
  }
}

/** In the daemon: tell the launcher we are up. */
export function notifyLauncher(): void {
  try {
    fs.writeSync(3, 'started\n');
    fs.closeSync(3);
  } catch {
    /* launcher gone */
  }
}

/** Start the detached daemon and wait for its "started" line (or its exit). */
export function daemonise(argv: string[]): void {
  const script = argv[1] ?? '';
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv.slice(2)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  const pipe = child.stdio[3] as NodeJS.ReadableStream | null;
  let done = false;
  const finish = (code: number): void => {
    if (done) return;
    done = true;
    child.unref();
    (pipe as unknown as { destroy?: () => void } | null)?.destroy?.();
    process.exit(code);
  };
  pipe?.on('data', (b: Buffer) => {
    if (b.toString().includes('started')) finish(0);
  });
  child.on('exit', (code) => finish(code ?? 1));
  child.on('error', (e) => {
    write(2, `keepalived: cannot start daemon: ${e.message}\n`);
    finish(1);
  });
}

