/**
 * keepalived's `-t` verdict (core/main.c config_test_exit, lib/parser.h config_err_t).
 *
 * keepalived keeps one `config_err` for the whole run: report_config_error(err, …) replaces
 * it when `config_err == CONFIG_OK || config_err < err`, i.e. the numerically LARGEST enum
 * value seen wins (so a later "error but will run" masks an earlier "cannot run"). Then:
 *   CONFIG_OK                                              → 0
 *   CONFIG_FILE_NOT_FOUND, CONFIG_BAD_IF, CONFIG_FATAL     → 4 (KEEPALIVED_EXIT_CONFIG)
 *   CONFIG_SECURITY_ERROR                                  → 6
 *   anything else (unknown keyword … general error)        → 5
 * A missing `-f` file is only logged ("Config files missing") and gives 0.
 *
 * One more way out: when a keyword handler reads a word that is not there, keepalived prints
 * "*** Configuration line starting `KW` is missing a parameter …" and exits at once with 2
 * (KEEPALIVED_EXIT_CONFIG), whatever was reported before: diagnostics coded
 * CFG_MISSING_PARAMETER stand for that abort.
 */
import type { Diagnostic } from './diagnostics';
import { EXIT_CONFIG_CANNOT_RUN, EXIT_CONFIG_ERRORS, EXIT_CONFIG_OK, EXIT_CONFIG_SCRIPT_SECURITY } from './diagnostics';

/** keepalived 2.2.7's config_err_t, in its order. */
export enum ConfigErr {
  OK = 0,
  FILE_NOT_FOUND,
  BAD_IF,
  FATAL,
  MULTIPLE_FILES,
  UNKNOWN_KEYWORD,
  UNEXPECTED_BOB,
  MISSING_BOB,
  UNMATCHED_QUOTE,
  MISSING_PARAMETER,
  INVALID_NUMBER,
  GENERAL_ERROR,
  SECURITY_ERROR,
}

const BY_CODE: Record<string, ConfigErr> = {
  CFG_FILE_NOT_FOUND: ConfigErr.FILE_NOT_FOUND,
  CFG_BAD_IF: ConfigErr.BAD_IF,
  CFG_UNKNOWN_KEYWORD: ConfigErr.UNKNOWN_KEYWORD,
  CFG_UNEXPECTED_BLOCK: ConfigErr.UNEXPECTED_BOB,
  CFG_MISSING_BLOCK: ConfigErr.MISSING_BOB,
  CFG_UNMATCHED_QUOTE: ConfigErr.UNMATCHED_QUOTE,
  CFG_MISSING_PARAMETER: ConfigErr.MISSING_PARAMETER,
  CFG_BAD_NUMBER: ConfigErr.INVALID_NUMBER,
  CFG_OUT_OF_RANGE: ConfigErr.INVALID_NUMBER,
};

/** The config_err_t a diagnostic stands for (warnings and info: OK). */
export function configErrOf(d: Diagnostic): ConfigErr {
  switch (d.severity) {
    case 'warning':
    case 'info':
      return ConfigErr.OK;
    case 'security':
      return ConfigErr.SECURITY_ERROR;
    case 'fatal': {
      const c = d.code !== undefined ? BY_CODE[d.code] : undefined;
      return c !== undefined && c <= ConfigErr.FATAL ? c : ConfigErr.FATAL;
    }
    case 'error': {
      const c = d.code !== undefined ? BY_CODE[d.code] : undefined;
      return c !== undefined && c > ConfigErr.FATAL ? c : ConfigErr.GENERAL_ERROR;
    }
  }
}

/** The highest config_err_t of a run, as keepalived accumulates it. */
export function configStatus(diags: readonly Diagnostic[]): ConfigErr {
  let err = ConfigErr.OK;
  for (const d of diags) {
    const e = configErrOf(d);
    if (err === ConfigErr.OK || err < e) err = e;
  }
  return err;
}

/** keepalived's exit code when a handler aborts on a missing parameter. */
export const EXIT_CONFIG_ABORT = 2;

/** keepalived -t exit code for a list of diagnostics: 0, 4, 5 or 6 (2: aborted, see above). */
export function configTestExitCode(diags: readonly Diagnostic[]): number {
  if (diags.some((d) => d.code === 'CFG_MISSING_PARAMETER' && d.severity === 'error')) return EXIT_CONFIG_ABORT;
  const err = configStatus(diags);
  switch (err) {
    case ConfigErr.OK:
      return EXIT_CONFIG_OK;
    case ConfigErr.FILE_NOT_FOUND:
    case ConfigErr.BAD_IF:
    case ConfigErr.FATAL:
      return EXIT_CONFIG_CANNOT_RUN;
    case ConfigErr.SECURITY_ERROR:
      return EXIT_CONFIG_SCRIPT_SECURITY;
    default:
      return EXIT_CONFIG_ERRORS;
  }
}
