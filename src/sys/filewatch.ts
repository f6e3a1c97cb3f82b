/**
 * The real FileWatcher (src/vrrp/runtime/ports.ts) and track_file init_file: fs.watch on the
 * file's parent directory, which libuv implements with inotify on Linux, as keepalived 2.2.7
 * watches the directory (a file created, deleted, or renamed into or out of place is seen; so is
 * a write).
 *
 * Differences from keepalived's inotify mask (IN_CLOSE_WRITE | IN_DELETE | IN_MOVE): libuv does
 * not ask for IN_CLOSE_WRITE but for IN_MODIFY/IN_ATTRIB/IN_CREATE…, so a write is reported
 * while the writer may still have the file open. The events of one path are therefore collapsed
 * and reported SETTLE_MS after the last one (`echo 1 > f` truncates, writes and closes within
 * that time); a writer slower than that can be read half-way, where keepalived waits for the
 * close. A `touch` is reported too; the caller reads the same value and nothing changes.
 *
 * The directory removed later: the watch ends (inotify IN_IGNORED, keepalived logs
 * "Unknown inotify event 0x8000"), and, as keepalived, nothing is watched any more even if the
 * directory comes back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileWatch, FileWatcher } from '../vrrp/runtime/ports';

/** Quiet time after a path's last event before it is reported. */
export const SETTLE_MS = 20;

export class DirFileWatcher implements FileWatcher {
  constructor(private readonly settleMs = SETTLE_MS) {}

  watch(file: string, onChange: () => void): FileWatch | { error: 'no-dir' | 'failed'; message: string } {
    const dir = path.dirname(path.resolve(file));
    const base = path.basename(file);
    try {
      if (!fs.statSync(dir).isDirectory()) return { error: 'no-dir', message: `${dir} is not a directory` };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { error: 'no-dir', message: `${dir}: ${code}` };
      return { error: 'failed', message: (e as Error).message };
    }
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let w: fs.FSWatcher;
    try {
      w = fs.watch(dir, { persistent: false }, (_ev, name) => {
        if (closed || name !== base) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = undefined;
          if (!closed) onChange();
        }, this.settleMs);
      });
    } catch (e) {
      return { error: 'failed', message: (e as Error).message };
    }
    const close = (): void => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      try {
        w.close();
      } catch {
        // already closed
      }
    };
    // the directory went away (or inotify failed): the watch is over, as keepalived's
    w.on('error', close);
    return { close };
  }
}

/**
 * init_file: write `text` when the file is missing (or always with `overwrite`: a new file, as
 * 2.2.7 leaves it, observed). Mode from the umask (0600 under keepalived's 0177).
 */
export function createTrackFile(file: string, text: string, overwrite: boolean): boolean {
  try {
    if (overwrite) fs.rmSync(file, { force: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EEXIST';
  }
}
