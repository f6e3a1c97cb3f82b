// Event-loop integration: fd readiness (uv_poll_t) and signal subscription (uv_signal_t),
// both on the Node main loop. Handles are looked up by id, so stop() is safe to call twice,
// after close(fd), and after the handle has been released.
#include "common.h"

#include <uv.h>

#include <unordered_map>

namespace kn {
namespace {

struct Watch {
  union {
    uv_poll_t poll;
    uv_signal_t sig;
  } h;
  bool isSignal = false;
  uint32_t id = 0;
  int fd = -1;
  napi_env env = nullptr;
  Napi::FunctionReference cb;
};

uint32_t nextId = 1;
std::unordered_map<uint32_t, Watch*> watches;  // live (not yet stopped) watches by id
std::unordered_map<int, uint32_t> pollByFd;     // fd -> poll watch id (one per fd, as libuv requires)

uv_loop_t* LoopOf(Napi::Env env) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  return loop;
}

void OnClosed(uv_handle_t* h) {
  delete static_cast<Watch*>(h->data);
}

void StopWatch(uint32_t id) {
  auto it = watches.find(id);
  if (it == watches.end()) return;
  Watch* w = it->second;
  watches.erase(it);
  if (w->isSignal) {
    uv_signal_stop(&w->h.sig);
  } else {
    uv_poll_stop(&w->h.poll);
    pollByFd.erase(w->fd);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&w->h), OnClosed);
}

void Invoke(Watch* w, std::initializer_list<napi_value> args) {
  Napi::Env env(w->env);
  Napi::HandleScope scope(env);
  // MakeCallback runs microtasks afterwards and routes exceptions to 'uncaughtException'.
  w->cb.MakeCallback(env.Global(), args);
}

void OnPoll(uv_poll_t* h, int status, int events) {
  Watch* w = static_cast<Watch*>(h->data);
  Napi::Env env(w->env);
  Napi::HandleScope scope(env);
  Invoke(w, {Napi::Number::New(env, status), Napi::Number::New(env, events)});
}

void OnSignal(uv_signal_t* h, int signum) {
  Watch* w = static_cast<Watch*>(h->data);
  Napi::Env env(w->env);
  Napi::HandleScope scope(env);
  Invoke(w, {Napi::Number::New(env, signum)});
}

uint32_t IdOf(const Napi::CallbackInfo& info) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(info.Data()));
}

Napi::Value HStop(const Napi::CallbackInfo& info) {
  StopWatch(IdOf(info));
  return info.Env().Undefined();
}

Napi::Value HRef(const Napi::CallbackInfo& info) {
  auto it = watches.find(IdOf(info));
  if (it != watches.end()) uv_ref(reinterpret_cast<uv_handle_t*>(&it->second->h));
  return info.Env().Undefined();
}

Napi::Value HUnref(const Napi::CallbackInfo& info) {
  auto it = watches.find(IdOf(info));
  if (it != watches.end()) uv_unref(reinterpret_cast<uv_handle_t*>(&it->second->h));
  return info.Env().Undefined();
}

Napi::Object MakeHandle(Napi::Env env, uint32_t id) {
  void* data = reinterpret_cast<void*>(static_cast<uintptr_t>(id));
  Napi::Object o = Napi::Object::New(env);
  o.Set("stop", Napi::Function::New(env, HStop, "stop", data));
  o.Set("ref", Napi::Function::New(env, HRef, "ref", data));
  o.Set("unref", Napi::Function::New(env, HUnref, "unref", data));
  o.Set("id", Napi::Number::New(env, id));
  return o;
}

// poll(fd, events, cb(status, events)) -> handle
Napi::Value Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd, events;
  Napi::Function cb;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &events) || !ArgFn(info, 2, &cb)) return env.Undefined();
  if (pollByFd.count(static_cast<int>(fd))) return ThrowErrno(env, EEXIST, "uv_poll_init");
  Watch* w = new Watch();
  w->h.poll.data = w;
  w->fd = static_cast<int>(fd);
  w->env = env;
  int rc = uv_poll_init(LoopOf(env), &w->h.poll, w->fd);
  if (rc < 0) {
    delete w;
    return ThrowErrno(env, -rc, "uv_poll_init");
  }
  rc = uv_poll_start(&w->h.poll, static_cast<int>(events) & (UV_READABLE | UV_WRITABLE), OnPoll);
  if (rc < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&w->h), OnClosed);
    return ThrowErrno(env, -rc, "uv_poll_start");
  }
  w->cb = Napi::Persistent(cb);
  w->id = nextId++;
  watches[w->id] = w;
  pollByFd[w->fd] = w->id;
  return MakeHandle(env, w->id);
}

// onSignal(signum, cb(signum)) -> handle
Napi::Value Signal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t signum;
  Napi::Function cb;
  if (!ArgInt(info, 0, &signum) || !ArgFn(info, 1, &cb)) return env.Undefined();
  Watch* w = new Watch();
  w->isSignal = true;
  w->h.sig.data = w;
  w->env = env;
  int rc = uv_signal_init(LoopOf(env), &w->h.sig);
  if (rc < 0) {
    delete w;
    return ThrowErrno(env, -rc, "uv_signal_init");
  }
  rc = uv_signal_start(&w->h.sig, OnSignal, static_cast<int>(signum));
  if (rc < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&w->h), OnClosed);
    return ThrowErrno(env, -rc, "uv_signal_start");
  }
  w->cb = Napi::Persistent(cb);
  w->id = nextId++;
  watches[w->id] = w;
  return MakeHandle(env, w->id);
}

}  // namespace

void PollForgetFd(int fd) {
  auto it = pollByFd.find(fd);
  if (it != pollByFd.end()) StopWatch(it->second);
}

void InitPoll(Napi::Env env, Napi::Object exports) {
  exports.Set("poll", Napi::Function::New(env, Poll, "poll"));
  exports.Set("onSignal", Napi::Function::New(env, Signal, "onSignal"));
}

}  // namespace kn
