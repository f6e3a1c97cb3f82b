// Unix datagram sockets: one-shot send (syslog /dev/log, $NOTIFY_SOCKET), sendto on an
// existing fd, and bind (for listeners; read them with recvmsg). '@name' = abstract namespace.
#include "common.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace kn {
namespace {

// Returns the sockaddr length, or 0 if the path does not fit.
socklen_t MakeUn(const std::string& path, sockaddr_un* sun) {
  std::memset(sun, 0, sizeof(*sun));
  sun->sun_family = AF_UNIX;
  if (path.empty() || path.size() > sizeof(sun->sun_path) - (path[0] == '@' ? 0 : 1)) return 0;
  std::memcpy(sun->sun_path, path.data(), path.size());
  if (path[0] == '@') {
    sun->sun_path[0] = '\0';
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  }
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
}

ssize_t SendTo(int fd, const uint8_t* d, size_t dlen, const sockaddr_un* sun, socklen_t sl) {
  ssize_t n;
  do n = sendto(fd, d, dlen, MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(sun), sl);
  while (n < 0 && errno == EINTR);
  return n;
}

Napi::Value UnixDgramSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  const uint8_t* d;
  size_t dlen;
  if (!ArgStr(info, 0, &path) || !ArgBuf(info, 1, &d, &dlen)) return env.Undefined();
  sockaddr_un sun;
  socklen_t sl = MakeUn(path, &sun);
  if (!sl) return ThrowErrno(env, ENAMETOOLONG, "sendto");
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  ssize_t n = SendTo(fd, d, dlen, &sun, sl);
  int err = errno;
  close(fd);
  if (n < 0) return ThrowErrno(env, err, "sendto");
  return env.Undefined();
}

// sendtoUnix(fd, data, path) -> bytes sent
Napi::Value SendtoUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  const uint8_t* d;
  size_t dlen;
  std::string path;
  if (!ArgInt(info, 0, &fd) || !ArgBuf(info, 1, &d, &dlen) || !ArgStr(info, 2, &path)) return env.Undefined();
  sockaddr_un sun;
  socklen_t sl = MakeUn(path, &sun);
  if (!sl) return ThrowErrno(env, ENAMETOOLONG, "sendto");
  ssize_t n = SendTo(static_cast<int>(fd), d, dlen, &sun, sl);
  if (n < 0) return ThrowErrno(env, errno, "sendto");
  return Napi::Number::New(env, static_cast<double>(n));
}

// unixDgramBind(path) -> fd (non-blocking, CLOEXEC). The caller unlinks a stale path first.
Napi::Value UnixDgramBind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  if (!ArgStr(info, 0, &path)) return env.Undefined();
  sockaddr_un sun;
  socklen_t sl = MakeUn(path, &sun);
  if (!sl) return ThrowErrno(env, ENAMETOOLONG, "bind");
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  if (bind(fd, reinterpret_cast<sockaddr*>(&sun), sl) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, err, "bind");
  }
  return Napi::Number::New(env, fd);
}

}  // namespace

void InitUnix(Napi::Env env, Napi::Object exports) {
  exports.Set("unixDgramSend", Napi::Function::New(env, UnixDgramSend, "unixDgramSend"));
  exports.Set("sendtoUnix", Napi::Function::New(env, SendtoUnix, "sendtoUnix"));
  exports.Set("unixDgramBind", Napi::Function::New(env, UnixDgramBind, "unixDgramBind"));
}

}  // namespace kn
