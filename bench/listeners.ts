/**
 * Helper process of bench/checkers.ts and bench/false-takeover.ts (run inside a benchmark
 * namespace): listens on 0.0.0.0 on the given TCP ports; `http` ports answer one HTTP/1.0
 * 200 per connection, `tcp` ports just accept and close. Records, per local address:port
 * (= one real server), the inter-arrival of the checker's connections.
 *
 *   node listeners.js tcp:20000-20009 http:21000
 * stdin commands (one per line):  close PORT   → prints `closed PORT <epoch ms>`
 *                                 stats DELAY_S → prints `stats {json}` (lag = inter-arrival - DELAY_S)
 *                                 reset          → forget the recorded arrivals, prints `reset`
 * Prints `ready` when all ports listen.
 */
import * as net from 'node:net';

const servers = new Map<number, { srv: net.Server; socks: Set<net.Socket> }>();
let last = new Map<string, number>();
let gaps: number[] = [];
let conns = 0;

function listen(port: number, http: boolean): Promise<void> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    conns++;
    const key = `${s.localAddress}:${s.localPort}`;
    const now = performance.timeOrigin + performance.now();
    const p = last.get(key);
    if (p !== undefined) gaps.push(now - p);
    last.set(key, now);
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    if (http) {
      s.once('data', () => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok'));
      s.setTimeout(5000, () => s.destroy());
    } else {
      s.end();
    }
  });
  srv.maxConnections = 100000;
  servers.set(port, { srv, socks });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ port, host: '0.0.0.0', backlog: 4096 }, () => resolve());
  });
}

function q(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

async function main(): Promise<void> {
  for (const arg of process.argv.slice(2)) {
    const m = /^(tcp|http):(\d+)(?:-(\d+))?$/.exec(arg);
    if (!m) throw new Error(`bad arg ${arg}`);
    const lo = Number(m[2]);
    const hi = m[3] ? Number(m[3]) : lo;
    for (let p = lo; p <= hi; p++) await listen(p, m[1] === 'http');
  }
  process.stdout.write('ready\n');
  let buf = '';
  process.stdin.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [cmd, arg] = buf.slice(0, nl).trim().split(/\s+/);
      buf = buf.slice(nl + 1);
      if (cmd === 'close') {
        const s = servers.get(Number(arg));
        if (s) {
          s.srv.close();
          for (const x of s.socks) x.destroy();
          servers.delete(Number(arg));
        }
        process.stdout.write(`closed ${arg} ${Date.now()}\n`);
      } else if (cmd === 'stats') {
        const d = Number(arg) * 1000;
        const lag = gaps.map((g) => g - d);
        process.stdout.write(
          `stats ${JSON.stringify({ conns, servers: last.size, samples: lag.length, p50: q(lag, 0.5), p90: q(lag, 0.9), p99: q(lag, 0.99), max: lag.length ? lag.reduce((a, b) => Math.max(a, b), -Infinity) : NaN })}\n`,
        );
      } else if (cmd === 'reset') {
        last = new Map();
        gaps = [];
        conns = 0;
        process.stdout.write('reset\n');
      }
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
