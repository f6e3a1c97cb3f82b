/**
 * Diagnostics: every problem found in a configuration, with where it is.
 *
 * `severity` orders how bad it is for `keepalived -t`:
 *   - 'fatal'    keepalived could not run with this (file missing with -e, bad interface…) → exit 4
 *   - 'error'    keepalived reports it and runs anyway (unknown keyword, bad value)        → exit 5
 *   - 'security' scripts configured without enable_script_security                        → exit 6
 *   - 'warning'  reported, no effect on the verdict
 *   - 'info'     informational lines keepalived also prints (e.g. "Opening file")
 * See verdict() for how a list of diagnostics maps to keepalived's -t exit code.
 */
import type { SourcePos } from './types';

export type Severity = 'fatal' | 'error' | 'security' | 'warning' | 'info';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  message: string;
  /** Stable machine-readable code, e.g. 'CFG_UNKNOWN_KEYWORD'. */
  code?: string;
}

export function diag(pos: SourcePos | undefined, severity: Severity, message: string, code?: string): Diagnostic {
  const d: Diagnostic = {
    file: pos?.file ?? '',
    line: pos?.line ?? 0,
    col: pos?.col ?? 0,
    severity,
    message,
  };
  if (code !== undefined) d.code = code;
  return d;
}

/** keepalived's log form: `(FILE: Line N) message`, or just the message when it has no place. */
export function formatDiagnostic(d: Diagnostic): string {
  if (!d.file || d.line <= 0) return d.message;
  return `(${d.file}: Line ${d.line}) ${d.message}`;
}

/** Collects diagnostics; passed down through every stage. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  add(d: Diagnostic): void {
    this.items.push(d);
  }
  report(pos: SourcePos | undefined, severity: Severity, message: string, code?: string): void {
    this.items.push(diag(pos, severity, message, code));
  }
  error(pos: SourcePos | undefined, message: string, code?: string): void {
    this.report(pos, 'error', message, code);
  }
  warn(pos: SourcePos | undefined, message: string, code?: string): void {
    this.report(pos, 'warning', message, code);
  }
  fatal(pos: SourcePos | undefined, message: string, code?: string): void {
    this.report(pos, 'fatal', message, code);
  }
  has(sev: Severity): boolean {
    return this.items.some((d) => d.severity === sev);
  }
}

/** keepalived's `-t` exit codes. */
export const EXIT_CONFIG_OK = 0;
export const EXIT_CONFIG_CANNOT_RUN = 4;
export const EXIT_CONFIG_ERRORS = 5;
export const EXIT_CONFIG_SCRIPT_SECURITY = 6;
