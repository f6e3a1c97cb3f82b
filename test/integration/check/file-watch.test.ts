/**
 * FILE_CHECK reacts to its file (checker engine + the real FileWatcher, sys/filewatch.ts) as
 * keepalived 2.2.7's inotify does. The engine's clock is a manual one that never moves after
 * the start-up run and delay_loop is 1000 s, so no poll can be the cause: only the watcher.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../../src/check/engine';
import { MemIpvsPort } from '../../../src/check/ipvs-memport';
import { DirFileWatcher } from '../../../src/sys/filewatch';
import type { FileWatcher } from '../../../src/vrrp/runtime/ports';
import { ManualClock, captureLogger, settings, sliceOf, ticks } from '../../unit/ipvs/helpers';

function conf(dir: string): string {
  return `global_defs {
  router_id kats
}
track_file tz {
  file ${dir}/zero
  weight 0
}
track_file tw {
  file ${dir}/sub/w
  weight 0
}
track_file tn {
  file ${dir}/nodir/n
  weight 0
}
virtual_server 10.0.0.1 80 {
  delay_loop 1000
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  real_server 10.0.1.1 8081 {
    weight 3
    FILE_CHECK {
      track_file tz
      weight 0
    }
  }
  real_server 10.0.1.2 8082 {
    weight 2
    FILE_CHECK {
      track_file tw
      weight 10
    }
  }
  real_server 10.0.1.3 8083 {
    weight 1
    FILE_CHECK {
      track_file tn
      weight 0
    }
  }
}
`;
}

test('FILE_CHECK: a write, a rename into place and a delete change the table at once; a missing directory drops the checker', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-inotify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'zero'), '0\n');
  // every watcher callback is recorded, in order with the table changes
  const order: string[] = [];
  const real = new DirFileWatcher();
  const spy: FileWatcher = {
    watch: (p, cb) =>
      real.watch(p, () => {
        order.push(`event ${path.basename(p)}`);
        cb();
      }),
  };
  const clock = new ManualClock();
  const port = new MemIpvsPort();
  const { log, lines } = captureLogger();
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: port, clock, fileWatcher: spy, bootstrapDelayMs: 10 });
  await eng.start(sliceOf(conf(dir)));
  assert.ok(lines.some((l) => l.endsWith('Track file directory for tn does not exist - removing')), lines.join('\n'));
  const settle = async (): Promise<void> => {
    clock.advance(0);
    await ticks(8);
    await eng.idle();
  };
  // the start-up run (delay 10 ms); after it the clock never moves again
  clock.advance(10);
  await ticks(8);
  await new Promise((r) => setTimeout(r, 50));
  await settle();
  const t0 = clock.now();
  const listing = (): string => port.listing().join('|');
  assert.equal(listing(), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.1:8081 -m -w 3|  -> 10.0.1.2:8082 -m -w 2|  -> 10.0.1.3:8083 -m -w 1');

  /** Change the file system, then wait (real time, bounded) until the table is `want`. */
  const until = async (what: string, change: () => void, want: string): Promise<void> => {
    order.push(what);
    change();
    for (let i = 0; i < 200 && listing() !== want; i++) {
      await new Promise((r) => setTimeout(r, 10));
      await settle();
    }
    assert.equal(listing(), want, what);
    order.push(`table after ${what}`);
  };
  await until('write 1 to zero', () => fs.writeFileSync(path.join(dir, 'zero'), '1\n'), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.2:8082 -m -w 2|  -> 10.0.1.3:8083 -m -w 1');
  const tmp = path.join(dir, 'sub', '.w.tmp');
  await until(
    'rename 3 into sub/w',
    () => {
      fs.writeFileSync(tmp, '3\n');
      fs.renameSync(tmp, path.join(dir, 'sub', 'w'));
    },
    '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.2:8082 -m -w 32|  -> 10.0.1.3:8083 -m -w 1',
  );
  await until('delete zero', () => fs.rmSync(path.join(dir, 'zero')), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.2:8082 -m -w 32|  -> 10.0.1.3:8083 -m -w 1|  -> 10.0.1.1:8081 -m -w 3');
  await until('write -30 to sub/w', () => fs.writeFileSync(path.join(dir, 'sub', 'w'), '-30\n'), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.3:8083 -m -w 1|  -> 10.0.1.1:8081 -m -w 3');
  assert.equal(clock.now(), t0, 'no time passed on the engine clock: no delay_loop run');
  // each change was seen by the watcher before the table followed it
  for (const what of ['write 1 to zero', 'rename 3 into sub/w', 'delete zero', 'write -30 to sub/w']) {
    const i = order.indexOf(what);
    const j = order.indexOf(`table after ${what}`);
    assert.ok(order.slice(i, j).some((e) => e.startsWith('event ')), `${what}: ${order.join(', ')}`);
  }
  await eng.stop();
});

/** The engine over `text` with the real watcher and a manual clock, before its start-up run. */
async function startEngine(text: string): Promise<{ eng: ReturnType<typeof createEngine>; port: MemIpvsPort; clock: ManualClock }> {
  const clock = new ManualClock();
  const port = new MemIpvsPort();
  const { log } = captureLogger();
  const eng = createEngine({ role: 'checker', log, settings: settings() }, { ipvs: port, clock, fileWatcher: new DirFileWatcher(), bootstrapDelayMs: 10 });
  await eng.start(sliceOf(text));
  return { eng, port, clock };
}

/** Let the start-up run (10 ms on the manual clock) happen and settle. */
async function startupRun(eng: ReturnType<typeof createEngine>, clock: ManualClock): Promise<void> {
  clock.advance(10);
  await ticks(8);
  await new Promise((r) => setTimeout(r, 50));
  clock.advance(0);
  await ticks(8);
  await eng.idle();
}

test('FILE_CHECK: a file that says "down" at start keeps its real server out of the first table (read at load, as init_track_files)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-inotify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'zero'), '1\n');
  fs.writeFileSync(path.join(dir, 'sub', 'w'), '-30\n');
  const { eng, port, clock } = await startEngine(conf(dir));
  await ticks(8);
  await eng.idle();
  // before any check has run: only the server without a (kept) FILE_CHECK
  assert.equal(port.listing().join('|'), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.3:8083 -m -w 1');
  await startupRun(eng, clock);
  assert.equal(port.listing().join('|'), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.3:8083 -m -w 1');
  assert.ok(!port.calls.some((c) => /10\.0\.1\.[12]/.test(c)), `never added: ${port.calls.join(', ')}`);
  await eng.stop();
});

test('FILE_CHECK without a weight takes its track_file weight and reverse; "noreverse" is accepted (table as keepalived 2.2.7 built in the IPVS VM)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-inotify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'zero'), '1\n');
  fs.writeFileSync(path.join(dir, 'w'), '2\n');
  // keepalived 2.2.7 (ipvsadm -Ln in the VM, same file contents): 10.0.1.1 absent (weight 0
  // inherited: non-zero means down), 10.0.1.2 weight 3 + 2×5 = 13, 10.0.1.3 weight 3 + 2×2 = 7
  const text = `global_defs {
  router_id kats
}
track_file tz {
  file ${dir}/zero
  weight 0
}
track_file tw {
  file ${dir}/w
  weight 5
}
virtual_server 10.0.0.1 80 {
  delay_loop 1000
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  real_server 10.0.1.1 8081 {
    weight 3
    FILE_CHECK {
      track_file tz
    }
  }
  real_server 10.0.1.2 8082 {
    weight 3
    FILE_CHECK {
      track_file tw
    }
  }
  real_server 10.0.1.3 8083 {
    weight 3
    FILE_CHECK {
      track_file tw
      weight 2 noreverse
    }
  }
}
`;
  const { eng, port, clock } = await startEngine(text);
  await startupRun(eng, clock);
  assert.equal(port.listing().join('|'), '-t 10.0.0.1:80 -s wrr|  -> 10.0.1.2:8082 -m -w 13|  -> 10.0.1.3:8083 -m -w 7');
  await eng.stop();
});
