/**
 * Benchmark (not a test): generate a ~100,000-line keepalived.conf (thousands of VRRP
 * instances and virtual servers), then time our loadConfig() + verdict beside the real
 * `keepalived -t -f FILE` on the same file, in the same run.
 *
 *   node dist/bench/config-parse.js [LINES] [--keep]
 *
 * The instances use this host's first non-loopback interface (both programs check it); VRIDs
 * repeat every 255 instances, so both report the same duplicate-VRID errors (same work done).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, configTestExitCode } from '../src/config/index';

function generate(targetLines: number, ifname: string): string {
  const out: string[] = [];
  out.push('global_defs {', '   router_id bench', '   enable_script_security', '   script_user root', '}');
  out.push('vrrp_script chk {', '   script "/bin/true"', '   interval 2', '   weight -10', '}');
  let i = 0;
  // ~60% of the lines are VRRP instances (22 lines each), ~40% virtual servers (~24 lines each)
  while (out.length < targetLines * 0.6) {
    i++;
    out.push(
      `vrrp_instance VI_${i} {`,
      '   state BACKUP',
      `   interface ${ifname}`,
      `   virtual_router_id ${(i % 255) + 1}`,
      `   priority ${(i % 200) + 50}`,
      '   advert_int 1',
      '   authentication {',
      '      auth_type PASS',
      `      auth_pass p${i % 10000}`,
      '   }',
      '   virtual_ipaddress {',
      `      10.${(i >> 8) & 255}.${i & 255}.1/24 dev ${ifname}`,
      `      10.${(i >> 8) & 255}.${i & 255}.2/24 dev ${ifname}`,
      '   }',
      '   track_script {',
      '      chk',
      '   }',
      '   virtual_routes {',
      `      172.${16 + ((i >> 8) & 15)}.${i & 255}.0/24 via 10.${(i >> 8) & 255}.${i & 255}.254 dev ${ifname}`,
      '   }',
      `   notify_master "/bin/true master ${i}"`,
      '}',
    );
  }
  let v = 0;
  while (out.length < targetLines) {
    v++;
    out.push(
      `virtual_server 192.168.${(v >> 8) & 255}.${v & 255} 80 {`,
      '   delay_loop 10',
      '   lb_algo wrr',
      '   lb_kind NAT',
      '   protocol TCP',
    );
    for (let r = 1; r <= 2; r++) {
      out.push(
        `   real_server 10.200.${v & 255}.${r} 8080 {`,
        '      weight 1',
        '      TCP_CHECK {',
        '         connect_timeout 3',
        '      }',
        '      HTTP_GET {',
        '         url {',
        '            path /health',
        '            status_code 200',
        '         }',
        '      }',
        '   }',
      );
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}

function main(): void {
  const lines = Number(process.argv[2] ?? 100_000);
  const keep = process.argv.includes('--keep');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kats-bench-'));
  const file = path.join(dir, 'keepalived.conf');
  const hostIfs = fs.existsSync('/sys/class/net') ? fs.readdirSync('/sys/class/net') : ['lo', 'eth0'];
  const ifname = hostIfs.find((n) => n !== 'lo') ?? 'eth0';
  const text = generate(lines, ifname);
  fs.writeFileSync(file, text);
  const nLines = text.split('\n').length - 1;
  const nInst = (text.match(/^vrrp_instance /gm) ?? []).length;
  const nVs = (text.match(/^virtual_server /gm) ?? []).length;
  console.log(`config: ${file}: ${nLines} lines, ${nInst} vrrp_instance, ${nVs} virtual_server`);

  const ifs = new Set(hostIfs);
  const t0 = process.hrtime.bigint();
  const r = loadConfig(file, { configId: 'bench', interfaces: ifs });
  const code = configTestExitCode(r.diagnostics);
  const oursMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const problems = r.diagnostics.filter((d) => d.severity !== 'info').length;
  console.log(`ours:       ${oursMs.toFixed(0)} ms, exit ${code}, ${problems} diagnostics, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);

  let ka = '/usr/sbin/keepalived';
  try {
    execFileSync(ka, ['-v'], { stdio: 'ignore' });
  } catch {
    ka = '';
  }
  if (ka) {
    const k0 = process.hrtime.bigint();
    const res = spawnSync(ka, ['-t', '-i', 'bench', '-f', file], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 300_000, killSignal: 'SIGKILL' });
    const kaMs = Number(process.hrtime.bigint() - k0) / 1e6;
    console.log(`keepalived: ${kaMs.toFixed(0)} ms, exit ${res.status}, ${res.stderr.split('\n').filter(Boolean).length} lines of output`);
    console.log(`ratio ours/keepalived: ${(oursMs / kaMs).toFixed(2)}`);
  } else {
    console.log('keepalived: not installed');
  }
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main();
