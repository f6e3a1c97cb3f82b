/**
 * SIGHUP reload of our daemon against keepalived 2.2.7: a VIP added to the running MASTER
 * instance is added in place (no state change on either side, no flap), a removed VIP is
 * deleted; keepalived is reloaded with the same change right after us.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { addresses, sleep, VrrpDaemon } from '../helpers/daemon';
import { config, instance, skipReason, threeHosts } from './lab';

const skip = skipReason;

test('SIGHUP adding and removing a VIP: applied in place, no flap on either side', { skip, timeout: 60000 }, async () => {
  const { lab, a, b } = await threeHosts('ir');
  const mk = (id: string, p: number, vips: string[]) => config(id, instance({ priority: p, version: 3, advertInt: '1', vips }));
  const ours = VrrpDaemon.start('ours', a, mk('ours', 150, ['10.99.0.100/24']));
  const ka = VrrpDaemon.start('keepalived', b, mk('ka', 100, ['10.99.0.100/24']));
  try {
    await ours.waitFor(/\(VI_1\) Entering MASTER STATE/, 8000);
    await ka.waitFor(/\(VI_1\) Entering BACKUP STATE/, 8000);
    const o = ours.out.length;
    const k = ka.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, ['10.99.0.100/24', '10.99.0.101/24']));
    fs.writeFileSync(ka.conf, mk('ka', 100, ['10.99.0.100/24', '10.99.0.101/24']));
    ours.signal('SIGHUP');
    ka.signal('SIGHUP');
    await ours.waitFor(/Reload(ing| complete)/, 5000, o);
    for (let i = 0; i < 50 && !(await addresses(a)).includes('10.99.0.101/24'); i++) await sleep(100);
    assert.ok((await addresses(a)).includes('10.99.0.101/24'), 'new VIP added');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'), 'old VIP kept');
    await sleep(4500); // longer than keepalived's master-down interval
    assert.doesNotMatch(ours.out.slice(o), /Entering (MASTER|BACKUP|FAULT) STATE/, 'no state change on our side');
    assert.doesNotMatch(ka.out.slice(k), /Entering MASTER STATE/, 'keepalived stayed BACKUP (it accepts our new address list)');
    // (an advert crossing the two reloads may be dropped by keepalived as "unexpected ip number
    // count": harmless, one advert; the master-down interval is 3.6 s)
    assert.match(ours.out.slice(o), /Sending gratuitous ARP on eth0 for 10\.99\.0\.101/);

    // remove it again
    const o2 = ours.out.length;
    fs.writeFileSync(ours.conf, mk('ours', 150, ['10.99.0.100/24']));
    fs.writeFileSync(ka.conf, mk('ka', 100, ['10.99.0.100/24']));
    ours.signal('SIGHUP');
    ka.signal('SIGHUP');
    for (let i = 0; i < 50 && (await addresses(a)).includes('10.99.0.101/24'); i++) await sleep(100);
    assert.ok(!(await addresses(a)).includes('10.99.0.101/24'), 'removed VIP deleted');
    assert.ok((await addresses(a)).includes('10.99.0.100/24'));
    assert.doesNotMatch(ours.out.slice(o2), /Entering (MASTER|BACKUP|FAULT) STATE/);
  } finally {
    await ours.stop();
    await ka.stop();
    await lab.dispose();
  }
});
