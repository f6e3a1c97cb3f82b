/**
 * use_ipvlan needs a kernel with ipvlan, which this machine's kernel lacks; the IPVS VM's Debian
 * kernel has it. This runs the ipvlan interop tests (ours beside keepalived 2.2.7) there.
 */
import '../interop/ipvlan.test';
