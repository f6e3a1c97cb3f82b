/**
 * Tracking moves mastership between our daemon and keepalived 2.2.7 (VRRPv3, 100 ms):
 * a vrrp_script (real /usr/bin/test run by our worker) with weight -60, a track_file with a
 * weight, and a weight-0 track_interface that puts us in FAULT (priority-0 advert).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { instance, skipReason, threeHosts } from './lab';

const skip = skipReason || (!fs.existsSync('/usr/bin/test') && '/usr/bin/test missing');
const G = 'global_defs {\n  router_id ours\n  enable_script_security\n  script_user root\n}\n';

test('track_script / track_file / track_interface move mastership between ours and keepalived', { skip, timeout: 90000 }, async (t) => {
  const { lab, a, b } = await threeHosts('it');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-track-'));
  const flag = path.join(dir, 'down');
  const tfile = path.join(dir, 'weight');
  fs.writeFileSync(tfile, '0\n');
  await a.exec(['ip', 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext1']);
  await a.exec(['ip', 'link', 'set', 'ext0', 'up']);
  await a.exec(['ip', 'link', 'set', 'ext1', 'up']);
  const ours = VrrpDaemon.start(
    'ours',
    a,
    G +
      `vrrp_script chk {\n  script "/usr/bin/test ! -e ${flag}"\n  interval 1\n  weight -60\n  fall 1\n  rise 1\n}\n` +
      `track_file tf {\n  file "${tfile}"\n  weight -1\n}\n` +
      instance({
        priority: 150,
        version: 3,
        advertInt: '0.1',
        extra: ['track_script {', '  chk', '}', 'track_file {', '  tf', '}', 'track_interface {', '  ext0', '}'],
      }),
  );
  const ka = VrrpDaemon.start('keepalived', b, 'global_defs {\n  router_id ka\n}\n' + instance({ priority: 100, version: 3, advertInt: '0.1' }));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    await ours.waitFor(/VRRP_Script\(chk\) succeeded/, 5000);

    // script fails: 150 - 60 = 90 < 100, keepalived preempts
    let o = ours.out.length;
    let k = ka.out.length;
    fs.writeFileSync(flag, '');
    await ours.waitFor(/VRRP_Script\(chk\) failed/, 4000, o);
    await ours.waitFor(/\(VI_1\) Changing effective priority from 150 to 90/, 2000, o);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    await ours.waitFor(/\(VI_1\) Master received advert from 10\.99\.0\.2 with higher priority 100, ours 90/, 3000, o);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, o);
    await sleep(200);
    assert.ok(!(await addresses(a)).includes('10.99.0.100/24'));

    // script recovers: 150 again, we preempt back
    o = ours.out.length;
    k = ka.out.length;
    fs.rmSync(flag);
    await ours.waitFor(/VRRP_Script\(chk\) succeeded/, 4000, o);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, o);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, k);

    // track_file: value 70 x weight -1 = -70 -> 80 < 100
    o = ours.out.length;
    k = ka.out.length;
    fs.writeFileSync(tfile, '70\n');
    await ours.waitFor(/\(VI_1\) Changing effective priority from 150 to 80/, 3000, o);
    await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    o = ours.out.length;
    k = ka.out.length;
    fs.writeFileSync(tfile, '0\n');
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, o);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, k);

    // weight-0 interface down: FAULT with a priority-0 advert, keepalived takes over at once
    o = ours.out.length;
    k = ka.out.length;
    const t0 = Date.now();
    await a.exec(['ip', 'link', 'set', 'ext0', 'down']);
    await ours.waitFor(/\(VI_1\) Entering FAULT STATE/, 3000, o);
    await ours.waitFor(/\(VI_1\) sent 0 priority/, 2000, o);
    const { at } = await ka.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, k);
    assert.match(ka.out.slice(k), /Backup received priority 0 advertisement/);
    assert.ok((at - t0) / 1000 < 1.5, `takeover after our FAULT took ${(at - t0) / 1000}s`);
    o = ours.out.length;
    await a.exec(['ip', 'link', 'set', 'ext0', 'up']);
    await ours.waitFor(/\(VI_1\) Entering BACKUP STATE/, 3000, o);
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 3000, o);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
