// Process: prctl(PR_SET_NAME / PR_SET_PDEATHSIG), SIGRTMIN/SIGRTMAX as libc reports them.
#include "common.h"

#include <cerrno>
#include <csignal>
#include <sched.h>
#include <sys/prctl.h>

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

}  // namespace

void InitProc(Napi::Env env, Napi::Object exports) {
  exports.Set("setProcessName", Napi::Function::New(env, SetProcessName, "setProcessName"));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, SetParentDeathSignal, "setParentDeathSignal"));
  exports.Set("setns", Napi::Function::New(env, SetNs, "setns"));
  exports.Set("sigrtmin", Napi::Function::New(env, SigRtMin, "sigrtmin"));
  exports.Set("sigrtmax", Napi::Function::New(env, SigRtMax, "sigrtmax"));
}

}  // namespace kn
