// Process: prctl(PR_SET_NAME / PR_SET_PDEATHSIG), SIGRTMIN/SIGRTMAX as libc reports them, and
// scheduling (sched_setscheduler, sched_setaffinity, setpriority, mlock2/munlockall, RLIMIT_RTTIME) for
// the {vrrp,checker}_{priority,rt_priority,cpu_affinity,no_swap,rlimit_rttime} options.
#include "common.h"

#include <cerrno>
#include <csignal>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kn {
namespace {

Napi::Value SetProcessName(const Napi::CallbackInfo& info) {
  std::string name;
  if (!ArgStr(info, 0, &name)) return info.Env().Undefined();
  // The kernel keeps at most 15 bytes plus NUL and truncates longer names itself.
  if (prctl(PR_SET_NAME, name.c_str(), 0, 0, 0) < 0) return ThrowErrno(info.Env(), errno, "prctl");
  return info.Env().Undefined();
}

Napi::Value SetParentDeathSignal(const Napi::CallbackInfo& info) {
  int64_t sig;
  if (!ArgInt(info, 0, &sig)) return info.Env().Undefined();
  if (prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(sig), 0, 0, 0) < 0)
    return ThrowErrno(info.Env(), errno, "prctl");
  return info.Env().Undefined();
}

// setns(fd, nstype) for the calling thread (the main thread: sockets opened afterwards belong
// to that namespace). Used for keepalived's net_namespace and by tests.
Napi::Value SetNs(const Napi::CallbackInfo& info) {
  int64_t fd, type;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &type)) return info.Env().Undefined();
  if (setns(static_cast<int>(fd), static_cast<int>(type)) < 0) return ThrowErrno(info.Env(), errno, "setns");
  return info.Env().Undefined();
}

Napi::Value SigRtMin(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), SIGRTMIN); }
Napi::Value SigRtMax(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), SIGRTMAX); }

// sched_setscheduler(tid, policy, {prio}); policy is the raw number (SCHED_RR = 2, with
// SCHED_RESET_ON_FORK = 0x40000000 or-ed in by the caller; SCHED_OTHER = 0).
Napi::Value SchedSetScheduler(const Napi::CallbackInfo& info) {
  int64_t tid, policy, prio;
  if (!ArgInt(info, 0, &tid) || !ArgInt(info, 1, &policy) || !ArgInt(info, 2, &prio)) return info.Env().Undefined();
  struct sched_param sp = {};
  sp.sched_priority = static_cast<int>(prio);
  if (sched_setscheduler(static_cast<pid_t>(tid), static_cast<int>(policy), &sp) < 0)
    return ThrowErrno(info.Env(), errno, "sched_setscheduler");
  return info.Env().Undefined();
}

// sched_setaffinity(tid, set of the CPU numbers in the array).
Napi::Value SchedSetAffinity(const Napi::CallbackInfo& info) {
  int64_t tid;
  if (!ArgInt(info, 0, &tid)) return info.Env().Undefined();
  if (info.Length() < 2 || !info[1].IsArray()) return ThrowType(info.Env(), "argument 1 must be an array");
  auto arr = info[1].As<Napi::Array>();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsNumber()) return ThrowType(info.Env(), "cpu numbers must be numbers");
    int64_t cpu = v.As<Napi::Number>().Int64Value();
    if (cpu < 0 || cpu >= CPU_SETSIZE) return ThrowErrno(info.Env(), EINVAL, "sched_setaffinity");
    CPU_SET(static_cast<int>(cpu), &set);
  }
  if (sched_setaffinity(static_cast<pid_t>(tid), sizeof(set), &set) < 0)
    return ThrowErrno(info.Env(), errno, "sched_setaffinity");
  return info.Env().Undefined();
}

// setpriority(PRIO_PROCESS, tid, nice): on Linux the nice value of one thread.
Napi::Value SetPriority(const Napi::CallbackInfo& info) {
  int64_t tid, nice;
  if (!ArgInt(info, 0, &tid) || !ArgInt(info, 1, &nice)) return info.Env().Undefined();
  errno = 0;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(tid), static_cast<int>(nice)) < 0 && errno)
    return ThrowErrno(info.Env(), errno, "setpriority");
  return info.Env().Undefined();
}

// mlock2(addr, len, flags) (MLOCK_ONFAULT = 1): one address range (as /proc/self/maps lists them).
Napi::Value Mlock2(const Napi::CallbackInfo& info) {
  int64_t addr, len, flags;
  if (!ArgInt(info, 0, &addr) || !ArgInt(info, 1, &len) || !ArgInt(info, 2, &flags)) return info.Env().Undefined();
  if (mlock2(reinterpret_cast<const void*>(static_cast<uintptr_t>(addr)), static_cast<size_t>(len), static_cast<unsigned>(flags)) < 0)
    return ThrowErrno(info.Env(), errno, "mlock2");
  return info.Env().Undefined();
}

Napi::Value MunlockAll(const Napi::CallbackInfo& info) {
  if (munlockall() < 0) return ThrowErrno(info.Env(), errno, "munlockall");
  return info.Env().Undefined();
}

// RLIM_INFINITY is -1 on the JavaScript side.
static double RlimToJs(rlim_t v) { return v == RLIM_INFINITY ? -1 : static_cast<double>(v); }
static rlim_t RlimFromJs(int64_t v) { return v < 0 ? RLIM_INFINITY : static_cast<rlim_t>(v); }

// getrlimit(resource) → [soft, hard].
Napi::Value GetRlimit(const Napi::CallbackInfo& info) {
  int64_t res;
  if (!ArgInt(info, 0, &res)) return info.Env().Undefined();
  struct rlimit rl;
  if (getrlimit(static_cast<__rlimit_resource>(res), &rl) < 0) return ThrowErrno(info.Env(), errno, "getrlimit");
  auto out = Napi::Array::New(info.Env(), 2);
  out.Set(uint32_t{0}, Napi::Number::New(info.Env(), RlimToJs(rl.rlim_cur)));
  out.Set(uint32_t{1}, Napi::Number::New(info.Env(), RlimToJs(rl.rlim_max)));
  return out;
}

// setrlimit(resource, {soft, hard}).
Napi::Value SetRlimit(const Napi::CallbackInfo& info) {
  int64_t res, soft, hard;
  if (!ArgInt(info, 0, &res) || !ArgInt(info, 1, &soft) || !ArgInt(info, 2, &hard)) return info.Env().Undefined();
  struct rlimit rl;
  rl.rlim_cur = RlimFromJs(soft);
  rl.rlim_max = RlimFromJs(hard);
  if (setrlimit(static_cast<__rlimit_resource>(res), &rl) < 0) return ThrowErrno(info.Env(), errno, "setrlimit");
  return info.Env().Undefined();
}

// SIGXCPU guard for RLIMIT_RTTIME: at the soft limit the kernel sends SIGXCPU to the realtime
// thread that is running; this handler (async-signal-safe: one syscall) returns that thread to
// SCHED_OTHER at once, so it never reaches the hard limit's SIGKILL. TypeScript counts the hits
// (xcpuHits) and puts the thread back to its realtime priority once its event loop runs again.
// The realtime thread is the main (event loop) thread, whichever thread the signal lands on.
volatile sig_atomic_t g_xcpu_hits = 0;
pid_t g_rt_tid = 0;

void XcpuHandler(int) {
  int saved = errno;
  struct sched_param sp = {};
  sched_setscheduler(g_rt_tid, SCHED_OTHER, &sp);
  g_xcpu_hits = g_xcpu_hits + 1;
  errno = saved;
}

// Called on the main thread.
Napi::Value InstallXcpuGuard(const Napi::CallbackInfo& info) {
  g_rt_tid = static_cast<pid_t>(syscall(SYS_gettid));
  struct sigaction sa = {};
  sa.sa_handler = XcpuHandler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGXCPU, &sa, nullptr) < 0) return ThrowErrno(info.Env(), errno, "sigaction");
  return info.Env().Undefined();
}

Napi::Value XcpuHits(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), g_xcpu_hits); }

}  // namespace

void InitProc(Napi::Env env, Napi::Object exports) {
  exports.Set("setProcessName", Napi::Function::New(env, SetProcessName, "setProcessName"));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, SetParentDeathSignal, "setParentDeathSignal"));
  exports.Set("setns", Napi::Function::New(env, SetNs, "setns"));
  exports.Set("sigrtmin", Napi::Function::New(env, SigRtMin, "sigrtmin"));
  exports.Set("sigrtmax", Napi::Function::New(env, SigRtMax, "sigrtmax"));
  exports.Set("schedSetScheduler", Napi::Function::New(env, SchedSetScheduler, "schedSetScheduler"));
  exports.Set("schedSetAffinity", Napi::Function::New(env, SchedSetAffinity, "schedSetAffinity"));
  exports.Set("setPriority", Napi::Function::New(env, SetPriority, "setPriority"));
  exports.Set("mlock2", Napi::Function::New(env, Mlock2, "mlock2"));
  exports.Set("munlockall", Napi::Function::New(env, MunlockAll, "munlockall"));
  exports.Set("installXcpuGuard", Napi::Function::New(env, InstallXcpuGuard, "installXcpuGuard"));
  exports.Set("xcpuHits", Napi::Function::New(env, XcpuHits, "xcpuHits"));
  exports.Set("getrlimit", Napi::Function::New(env, GetRlimit, "getrlimit"));
  exports.Set("setrlimit", Napi::Function::New(env, SetRlimit, "setrlimit"));
}

}  // namespace kn
