/**
 * Test helpers for the LVS configuration tables: read a file with the real front end
 * (readConfigTree), apply the LVS root keywords, validate, and collect diagnostics.
 * Root blocks that are not LVS (global_defs, vrrp_*, track_file, bfd_instance …) are not
 * parsed here; only the names/flags validateLvs needs are picked from them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readConfigTree } from '../../../../src/config/tree';
import { DiagnosticSink, type Diagnostic } from '../../../../src/config/diagnostics';
import { applyTable } from '../../../../src/config/keywords/table';
import { emptyLvsConfig, lvsRootKeywords, validateLvs, type LvsConfig, type LvsGlobalView } from '../../../../src/config/ast-lvs';
import type { Stmt } from '../../../../src/config/types';

/** The repository root: the first ancestor directory holding package.json. */
import { repoRoot } from '../../../helpers/repo';
export { repoRoot };

export const FIXTURES = path.join(repoRoot(), 'test/fixtures/config/lvs');
export const SAMPLES = '/usr/share/doc/keepalived/samples';

export interface Loaded {
  cfg: LvsConfig;
  diags: Diagnostic[];
  global: LvsGlobalView;
}

export interface LoadOptions {
  /** Run validateLvs (default true). */
  validate?: boolean;
  /** Passed to validateLvs; default: every script counts as found. */
  scriptFound?: (argv0: string) => boolean;
  /** Front-end diagnostics are kept unless this is false. */
  keepFrontEnd?: boolean;
}

function globalView(stmts: Stmt[]): LvsGlobalView {
  const names = (kws: string[]) => new Set(stmts.filter((s) => kws.includes(s.kw.text) && s.args[0]).map((s) => s.args[0]!.text));
  const gd = stmts.filter((s) => s.kw.text === 'global_defs').flatMap((s) => s.children ?? []);
  const bool = (kw: string): boolean | undefined => {
    const st = gd.filter((s) => s.kw.text === kw).pop();
    if (!st) return undefined;
    const w = st.args[0]?.text.toLowerCase();
    return w === undefined || ['on', 'true', 'yes'].includes(w);
  };
  const view: LvsGlobalView = {
    enableScriptSecurity: bool('enable_script_security') ?? false,
    trackFiles: names(['track_file', 'vrrp_track_file']),
    bfdInstances: names(['bfd_instance']),
  };
  const su = gd.filter((s) => s.kw.text === 'script_user').pop()?.args[0]?.text;
  if (su !== undefined) view.scriptUser = su;
  const sa = bool('smtp_alert');
  if (sa !== undefined) view.smtpAlert = sa;
  const sac = bool('smtp_alert_checker');
  if (sac !== undefined) view.smtpAlertChecker = sac;
  return view;
}

export function loadLvsFile(file: string, opts: LoadOptions = {}): Loaded {
  const r = readConfigTree(file, { configId: 'test' });
  const sink = new DiagnosticSink();
  if (opts.keepFrontEnd !== false) sink.items.push(...r.diagnostics);
  const cfg = emptyLvsConfig();
  const lvsStmts = r.stmts.filter((s) => Object.prototype.hasOwnProperty.call(lvsRootKeywords, s.kw.text));
  applyTable(lvsStmts, lvsRootKeywords, cfg, { sink, configId: 'test' });
  const global = globalView(r.stmts);
  if (opts.validate !== false) {
    validateLvs(cfg, global, sink, { ...(opts.scriptFound ? { scriptFound: opts.scriptFound } : {}), userExists: hostNameExists('/etc/passwd'), groupExists: hostNameExists('/etc/group') });
  }
  return { cfg, diags: sink.items, global };
}

let tmpDir: string | undefined;
/** Write `text` to a temporary file named `name` and load it. */
export function loadLvsText(text: string, opts: LoadOptions = {}, name = 'keepalived.conf'): Loaded & { file: string } {
  tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kats-cfglvs-'));
  const file = path.join(tmpDir, name);
  fs.writeFileSync(file, text);
  return { ...loadLvsFile(file, opts), file };
}

process.on('exit', () => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

/** keepalived's printed form, with the file reduced to its base name. */
export function show(d: Diagnostic): string {
  return d.file && d.line > 0 ? `(${path.basename(d.file)}: Line ${d.line}) ${d.message}` : d.message;
}

/** The lines keepalived -t would print: errors, fatal and security (not our warnings/info). */
export function keepalivedLines(diags: Diagnostic[]): string[] {
  return diags.filter((d) => d.severity === 'error' || d.severity === 'fatal' || d.severity === 'security').map(show);
}

/** Names from /etc/passwd or /etc/group (numeric ids count as existing). */
function hostNameExists(file: string): (name: string) => boolean {
  let names: Set<string>;
  try {
    names = new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.split(':')[0]!));
  } catch {
    return () => true;
  }
  return (name) => names.has(name) || /^\d+$/.test(name);
}

/** A script counts as found when its file exists (what keepalived sees on this machine). */
export function scriptExists(argv0: string): boolean {
  return argv0.startsWith('/') && fs.existsSync(argv0);
}

/** Plain JSON round trip (what goes over IPC). */
export function json<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Replace absolute fixture paths by base names so goldens do not depend on the checkout. */
export function stripPaths<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'file' && typeof v === 'string' ? path.basename(v) : v))) as T;
}
