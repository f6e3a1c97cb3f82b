// keepalived-ts native addon: shared helpers. Thin syscall wrappers only, no policy.
#pragma once
#include <napi.h>
#include <cstdint>

namespace kn {

// Throws a JS Error {errno, code, syscall} for `err` and returns undefined.
Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall);
// Throws a TypeError (a bug in the caller, not a runtime condition) and returns undefined.
Napi::Value ThrowType(Napi::Env env, const char* msg);

// Argument readers: return false (with a TypeError pending) on a wrong type.
bool ArgInt(const Napi::CallbackInfo& info, size_t i, int64_t* out);
bool ArgBuf(const Napi::CallbackInfo& info, size_t i, const uint8_t** data, size_t* len);
bool ArgStr(const Napi::CallbackInfo& info, size_t i, std::string* out);
bool ArgFn(const Napi::CallbackInfo& info, size_t i, Napi::Function* out);

// Stops (and releases) any poll watcher on fd; called by close() before closing the fd.
void PollForgetFd(int fd);

void InitSock(Napi::Env env, Napi::Object exports);
void InitPoll(Napi::Env env, Napi::Object exports);
void InitUnix(Napi::Env env, Napi::Object exports);
void InitProc(Napi::Env env, Napi::Object exports);

}  // namespace kn
