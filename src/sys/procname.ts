/**
 * Process naming and parent-death signal via prctl(2).
 * The kernel name (/proc/<pid>/comm, `ps -e`, `pidof`) holds at most 15 bytes.
 */
import { native } from './native';

export const COMM_MAX = 15;

/** prctl(PR_SET_NAME) on the calling (main) thread; longer names are truncated to 15 bytes. */
export function setProcessName(name: string): void {
  native().setProcessName(name); // the kernel truncates to COMM_MAX bytes
}

/** prctl(PR_SET_PDEATHSIG): `signum` is delivered to this process when its parent exits. */
export function setParentDeathSignal(signum: number): void {
  native().setParentDeathSignal(signum);
}
