// keepalived-ts native addon: module entry and the error/argument helpers.
// Every exported function is one syscall-shaped operation; policy lives in TypeScript.
#include "common.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace kn {

Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall) {
  const char* name = strerrorname_np(err);
  std::string code = name ? name : ("E" + std::to_string(err));
  std::string msg = std::string(syscall) + " " + code + " (" + strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, code));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool ArgInt(const Napi::CallbackInfo& info, size_t i, int64_t* out) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    ThrowType(info.Env(), ("argument " + std::to_string(i) + " must be a number").c_str());
    return false;
  }
  *out = info[i].As<Napi::Number>().Int64Value();
  return true;
}

bool ArgBuf(const Napi::CallbackInfo& info, size_t i, const uint8_t** data, size_t* len) {
  if (i >= info.Length() || !info[i].IsBuffer()) {
    ThrowType(info.Env(), ("argument " + std::to_string(i) + " must be a Buffer").c_str());
    return false;
  }
  auto b = info[i].As<Napi::Buffer<uint8_t>>();
  *data = b.Data();
  *len = b.Length();
  return true;
}

bool ArgStr(const Napi::CallbackInfo& info, size_t i, std::string* out) {
  if (i >= info.Length() || !info[i].IsString()) {
    ThrowType(info.Env(), ("argument " + std::to_string(i) + " must be a string").c_str());
    return false;
  }
  *out = info[i].As<Napi::String>().Utf8Value();
  return true;
}

bool ArgFn(const Napi::CallbackInfo& info, size_t i, Napi::Function* out) {
  if (i >= info.Length() || !info[i].IsFunction()) {
    ThrowType(info.Env(), ("argument " + std::to_string(i) + " must be a function").c_str());
    return false;
  }
  *out = info[i].As<Napi::Function>();
  return true;
}

}  // namespace kn

static Napi::Value AbiVersion(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), 1);
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Function::New(env, AbiVersion, "abiVersion"));
  kn::InitSock(env, exports);
  kn::InitPoll(env, exports);
  kn::InitUnix(env, exports);
  kn::InitProc(env, exports);
  return exports;
}

NODE_API_MODULE(keepalived_native, Init)
