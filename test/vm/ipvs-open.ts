/**
 * The start of every IPVS VM test: root and an IPVS kernel, or the reason the tests skip
 * (outside the VM: run test/vm/run-ipvs-tests.sh).
 */
import { IpvsClient, type IpvsError } from '../../src/sys/ipvs';

export async function openIpvsOrWhy(): Promise<{ client: IpvsClient } | { why: string }> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { why: 'needs root' };
  try {
    return { client: await IpvsClient.open() };
  } catch (e) {
    return { why: `no IPVS in this kernel (${(e as IpvsError).code}); run test/vm/run-ipvs-tests.sh` };
  }
}
