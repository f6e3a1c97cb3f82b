/**
 * notify_fifo / vrrp_notify_fifo / lvs_notify_fifo, as keepalived 2.2.7 handles them: a missing
 * FIFO is created (mode 0644 less the umask, chowned to the configured user/group), it is
 * opened O_RDWR|O_NONBLOCK so that opening and writing never block (lines are lost when nobody
 * reads), each line is written in one write() (atomic below PIPE_BUF), and the
 * `*_fifo_script` is started with the FIFO path appended and gets SIGTERM on reload and stop.
 * Observed on 2.2.7: on reload a FIFO keepalived created is removed and created again (its
 * inode can change), one that existed before is only reopened; at exit the FIFO is left in
 * place, even when keepalived created it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { FifoSpec, ScriptSpec } from '../config/ast';
import { resolveIds, type NotifyLog, type ScriptRunner } from './runner';

export class NotifyFifo {
  private fd: number | undefined;
  private created = false;
  private scriptPid: number | undefined;

  constructor(
    readonly spec: FifoSpec,
    private readonly log: NotifyLog,
    private readonly etc = '/etc',
    /** keepalived's message prefix: '', 'vrrp ' or 'lvs '. */
    private readonly type = '',
  ) {}

  /** Create (if absent) and open the FIFO. Returns false (logged) when it cannot be used. */
  open(): boolean {
    const path = this.spec.path;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path);
    } catch {
      st = undefined;
    }
    if (!st) {
      try {
        // Node has no mkfifo(); coreutils' does the same syscall.
        const mode = 0o644 & ~currentUmask();
        execFileSync('mkfifo', ['-m', mode.toString(8).padStart(4, '0'), path], { stdio: 'ignore' });
        this.created = true;
      } catch {
        this.log.info(`Unable to create ${this.type}notify fifo ${path}`);
        return false;
      }
      if (this.spec.user !== undefined) {
        const ids = resolveIds(this.spec.user, this.spec.group, this.etc);
        if (!('error' in ids)) {
          try {
            fs.chownSync(path, ids.uid, ids.gid);
          } catch {
            /* keepalived ignores chown failures too */
          }
        }
      }
    } else if (!st.isFIFO()) {
      // keepalived opens it anyway (and writes into the file); we refuse to write into a non-FIFO
      this.log.info(`Unable to open ${this.type}notify fifo ${path} - not a FIFO`);
      return false;
    }
    try {
      this.fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    } catch (e) {
      this.log.info(`Unable to open ${this.type}notify fifo ${path} - errno ${Math.abs((e as NodeJS.ErrnoException).errno ?? 0)}`);
      if (this.created) this.unlink();
      return false;
    }
    return true;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** Write one whole line; lost (silently, as keepalived) when the pipe is full. */
  write(line: string): void {
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, line);
    } catch {
      /* EAGAIN: nobody reads */
    }
  }

  /** Start the fifo script with the FIFO path appended. */
  startScript(script: ScriptSpec | undefined, runner: ScriptRunner): void {
    if (!script || script.argv.length === 0 || this.fd === undefined) return;
    const spec = { argv: [...script.argv, this.spec.path], ...(script.user !== undefined ? { user: script.user } : {}), ...(script.group !== undefined ? { group: script.group } : {}) };
    const pid = runner.startDetached(spec, () => {
      // a script that exits by itself is not restarted (as keepalived); ignore older scripts' exits
      if (this.scriptPid === pid) this.scriptPid = undefined;
    });
    this.scriptPid = pid;
  }

  /** SIGTERM the fifo script (reload, stop). */
  stopScript(): void {
    const pid = this.scriptPid;
    this.scriptPid = undefined;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }

  /** Stop the script and close; on reload a FIFO we created is also removed (as 2.2.7). */
  close(unlinkCreated = false): void {
    this.stopScript();
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    if (unlinkCreated && this.created) this.unlink();
  }

  private unlink(): void {
    this.created = false;
    try {
      fs.unlinkSync(this.spec.path);
    } catch {
      /* gone */
    }
  }
}

function currentUmask(): number {
  // process.umask() without an argument is deprecated; set-and-restore is equivalent
  const m = process.umask(0o022);
  process.umask(m);
  return m;
}
