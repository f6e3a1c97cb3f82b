/**
 * A seeded generator of random LVS configurations (good and bad values of every keyword),
 * used by the differential test against keepalived and by the robustness test.
 * `virtual_server fwmark 0` is not generated: keepalived 2.2.7 then prints uninitialised memory.
 * Scripts never get a user other than root: keepalived 2.2.7 -t is killed by SIGTERM when a
 * check script runs as another user, which is not a configuration verdict we can compare.
 */

/** Small deterministic PRNG (mulberry32). */
import { prng as rng } from '../../../helpers/prng';
export { rng };

type Pool = readonly string[];

const TIMER: Pool = ['1', '0', '2.5', 'x', '-1', '0.000001', '30', ''];
const UINT: Pool = ['0', '1', '3', '70000', 'x', '-2', '99999999999', ''];
const BOOL: Pool = ['', 'on', 'off', 'yes', 'no', 'foo'];
const IP4: Pool = ['10.0.0.2', '10.0.0.3', '10.0.0.300', 'fe80::1', '2001:db8::2', '10.0.0.2', '2001:db8::3'];
const PORT: Pool = ['80', '81', '0', '', '70000', 'x'];

const VS_KW: Record<string, Pool> = {
  delay_loop: TIMER,
  connect_timeout: TIMER,
  retry: UINT,
  warmup: TIMER,
  delay_before_retry: TIMER,
  lb_algo: ['rr', 'wlc', 'sh', 'mh', 'xx', 'RR', '', 'sh', 'twos'],
  lvs_sched: ['rr', 'lc'],
  lb_kind: ['NAT', 'DR', 'TUN', 'TUN type gue port 1', 'TUN type gre csum', 'TUN type ipip csum', 'FOO', 'TUN port 2'],
  lvs_method: ['DR', 'NAT'],
  protocol: ['TCP', 'udp', 'SCTP', 'foo', ''],
  persistence_timeout: ['', '0', '50', 'x', '2678401'],
  persistence_granularity: ['255.255.255.0', '64', '200', 'x'],
  persistence_engine: ['sip', 'averyveryverylongname'],
  ha_suspend: [''],
  ops: [''],
  hashed: [''],
  'sh-port': [''],
  'sh-fallback': [''],
  'mh-port': [''],
  'flag-1': [''],
  'mh-fallback': [''],
  'flag-2': [''],
  smtp_alert: BOOL,
  virtualhost: ['www.example.com', ''],
  alpha: [''],
  omega: [''],
  quorum: UINT,
  hysteresis: UINT,
  weight: UINT,
  inhibit_on_failure: [''],
  ip_family: ['inet', 'inet6', 'foo', 'inet6'],
  quorum_up: ['/bin/true', '/nonexistent/q.sh', '"/bin/echo up"', '/bin/true nosuchuser', '/bin/true root nosuchgroup', '/bin/true root root'],
  quorum_down: ['/nonexistent/q.sh'],
  sorry_server: ['10.0.0.9 80', '10.0.0.9', '2001:db8::9 80', '10.0.0.2 80', 'x'],
  sorry_server_inhibit: [''],
  sorry_server_lvs_method: ['DR', 'NAT', 'TUN'],
  snmp_name: ['n', '', 'a b'],
  bogus_keyword: ['1'],
};

const RS_KW: Record<string, Pool> = {
  weight: UINT,
  lvs_method: ['NAT', 'DR', 'TUN', 'TUN type gue', 'BAD'],
  uthreshold: UINT,
  lthreshold: UINT,
  inhibit_on_failure: BOOL,
  notify_up: ['/bin/true', '/nonexistent/n.sh', '/bin/true nosuchuser'],
  notify_down: ['/nonexistent/n.sh', '"/bin/echo down" root'],
  alpha: BOOL,
  retry: UINT,
  delay_before_retry: TIMER,
  warmup: TIMER,
  delay_loop: TIMER,
  connect_timeout: TIMER,
  smtp_alert: BOOL,
  virtualhost: ['h', ''],
};

const COMMON: Record<string, Pool> = {
  retry: UINT,
  delay_before_retry: TIMER,
  warmup: TIMER,
  delay_loop: TIMER,
  alpha: BOOL,
  log_all_failures: BOOL,
};
const CONN: Record<string, Pool> = {
  connect_ip: ['10.0.0.20', 'fe80::2', '2001:db8::5', 'bad'],
  connect_port: PORT,
  bindto: ['10.0.0.1', '2001:db8::1', 'bad'],
  bind_port: PORT,
  bind_if: ['eth0', 'averyveryverylonginterfacename'],
  connect_timeout: TIMER,
  fwmark: UINT,
};

const CHECKERS: Record<string, { kw: Record<string, Pool>; sub?: Record<string, Record<string, Pool>> }> = {
  TCP_CHECK: { kw: { ...CONN, ...COMMON } },
  PING_CHECK: { kw: { ...CONN, ...COMMON } },
  HTTP_GET: {
    kw: { ...CONN, ...COMMON, nb_get_retry: UINT, virtualhost: ['v', ''], http_protocol: ['1.0', '1.1', '1.0C', '2', ''], enable_sni: BOOL, fast_recovery: BOOL },
    sub: {
      url: {
        path: ['/', '/x', ''],
        digest: ['0123456789abcdef0123456789abcdef', '0123', '0123456789abcdef0123456789abcdeZ'],
        status_code: ['200', '200-299 404', '99', '300-200', 'x'],
        virtualhost: ['u', ''],
        regex: ['"a.*b"', ''],
        regex_no_match: [''],
        regex_options: ['caseless', 'bogus'],
        regex_min_offset: ['3', 'x', ''],
        regex_max_offset: ['1', '10'],
      },
    },
  },
  SSL_GET: { kw: { ...CONN, ...COMMON, enable_sni: BOOL }, sub: { url: { path: ['/'], digest: ['0123456789abcdef0123456789abcdef'] } } },
  SMTP_CHECK: { kw: { ...CONN, ...COMMON, helo_name: ['h.example', ''] }, sub: { host: { connect_ip: ['10.0.0.40', 'fe80::9', '2001:db8::7'], connect_port: PORT, bind_if: ['eth0'], bindto: ['10.0.0.1', '2001:db8::1'], retry: UINT } } },
  DNS_CHECK: { kw: { ...CONN, ...COMMON, type: ['A', 'mx', 'PTR', ''], name: ['a.b', 'a..b', '.x', '.'] } },
  MISC_CHECK: { kw: { ...COMMON, misc_path: ['/bin/true', '/nonexistent/m.sh', '"/bin/echo a b"'], misc_timeout: UINT, misc_dynamic: [''], user: ['root', '', 'nosuchuser', 'root nosuchgroup'] } },
  UDP_CHECK: { kw: { ...CONN, ...COMMON, payload: ['0102', 'ff', 'zz', '', '01 02'], require_reply: ['', '01xX', 'q'], min_reply_length: UINT, max_reply_length: UINT } },
  FILE_CHECK: { kw: { track_file: ['TF', 'NOPE'], weight: ['3', '-3 reverse', 'x', '1 foo'] } },
  BFD_CHECK: { kw: { name: ['B', 'NOPE', ''], alpha: [''] } },
};

export function generateConfig(seed: number): string {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const lines: string[] = ['track_file TF {', ' file /etc/keepalived/tf', '}', 'bfd_instance B {', ' neighbor_ip 10.0.0.2', '}'];
  const kwLines = (table: Record<string, Pool>, n: number, indent: string) => {
    const names = Object.keys(table);
    for (let i = 0; i < n; i++) {
      const k = pick(names);
      const v = pick(table[k]!);
      lines.push(`${indent}${k}${v ? ' ' + v : ''}`);
    }
  };
  if (r() < 0.25) {
    lines.push('global_defs {', ' enable_script_security');
    if (r() < 0.4) lines.push(` script_user ${pick(['root', 'nosuchuser'])}`);
    lines.push('}');
  }
  if (r() < 0.3) lines.push('SSL {', ' ca /x/ca.pem', pick([' key', ' key /k', ' password p', ' ca /y']), '}');
  if (r() < 0.1) lines.push('SSL {', '}');
  const groups = ['G1', 'G2'];
  for (const g of groups) {
    if (r() < 0.5) continue;
    lines.push(`virtual_server_group ${g} {`);
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) lines.push(' ' + pick(['10.0.1.1-5 80', '10.0.2.0/30 81', 'ae00::2-9 80', 'fwmark 4', 'fwmark 5 inet', '10.0.3.1-1 80', '10.0.3.1/33', 'fwmark 6 foo', '10.0.4.1 0', 'fwmark 8 inet6', 'ae00::/120 443', '10.0.5.1-10.0.5.9 80', '10.0.5.9-10.0.5.1 80', '10.0.6.1-ae00::1 80', 'fwmark']));
    lines.push('}');
  }
  const nvs = 1 + Math.floor(r() * 3);
  for (let v = 0; v < nvs; v++) {
    lines.push(`virtual_server ${pick(['10.0.0.1 80', '10.0.0.1', '10.0.0.1 0', 'fwmark 3', 'fwmark x', 'group G1', 'group G2', 'group G3', '2001:db8::1 80', '10.0.0.999 80', 'group G1 80', '2001:db8::1'])} {`);
    kwLines(VS_KW, Math.floor(r() * 8), ' ');
    const nrs = Math.floor(r() * 4);
    for (let s = 0; s < nrs; s++) {
      lines.push(` real_server ${pick(IP4)} ${pick(PORT)} {`);
      kwLines(RS_KW, Math.floor(r() * 4), '  ');
      const nck = Math.floor(r() * 3);
      for (let c = 0; c < nck; c++) {
        const kind = pick(Object.keys(CHECKERS));
        const def = CHECKERS[kind]!;
        lines.push(`  ${kind} {`);
        kwLines(def.kw, Math.floor(r() * 5), '   ');
        for (const [sub, table] of Object.entries(def.sub ?? {})) {
          const ns = Math.floor(r() * 3);
          for (let i = 0; i < ns; i++) {
            lines.push(`   ${sub} {`);
            kwLines(table, Math.floor(r() * 4), '    ');
            lines.push('   }');
          }
        }
        lines.push('  }');
      }
      lines.push(' }');
    }
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}
