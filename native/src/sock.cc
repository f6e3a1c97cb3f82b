// Sockets: socket, close, bind (inet, packet, netlink), connect (inet), epoll, setsockopt/getsockopt, sendto, send,
// recvmsg with control messages. One function per syscall; fds are non-blocking + CLOEXEC.
#include "common.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace kn {
namespace {

// Fills a sockaddr_in/sockaddr_in6 from a 4- or 16-byte address; returns its length or 0.
socklen_t MakeInet(const uint8_t* a, size_t alen, int64_t port, int64_t scope, sockaddr_storage* ss) {
  std::memset(ss, 0, sizeof(*ss));
  if (alen == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&sin->sin_addr, a, 4);
    return sizeof(sockaddr_in);
  }
  if (alen == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    sin6->sin6_scope_id = static_cast<uint32_t>(scope);
    std::memcpy(&sin6->sin6_addr, a, 16);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

Napi::Value Socket(const Napi::CallbackInfo& info) {
  int64_t d, t, p;
  if (!ArgInt(info, 0, &d) || !ArgInt(info, 1, &t) || !ArgInt(info, 2, &p)) return info.Env().Undefined();
  int fd = socket(static_cast<int>(d), static_cast<int>(t) | SOCK_NONBLOCK | SOCK_CLOEXEC, static_cast<int>(p));
  if (fd < 0) return ThrowErrno(info.Env(), errno, "socket");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int64_t fd;
  if (!ArgInt(info, 0, &fd)) return info.Env().Undefined();
  PollForgetFd(static_cast<int>(fd));
  // Linux closes the fd even when close() reports EINTR, so never retry.
  if (close(static_cast<int>(fd)) < 0 && errno != EINTR) return ThrowErrno(info.Env(), errno, "close");
  return info.Env().Undefined();
}

// Arguments (fd, addr, port, scopeId) of bindInet/connectInet/connectInetNb: the fd and the
// sockaddr. False when an argument was wrong; a JavaScript exception is then pending.
bool FdAndInet(const Napi::CallbackInfo& info, int* fd, sockaddr_storage* ss, socklen_t* sl) {
  int64_t f, port, scope;
  const uint8_t* a;
  size_t alen;
  if (!ArgInt(info, 0, &f) || !ArgBuf(info, 1, &a, &alen) || !ArgInt(info, 2, &port) || !ArgInt(info, 3, &scope))
    return false;
  *sl = MakeInet(a, alen, port, scope, ss);
  if (!*sl) {
    ThrowType(info.Env(), "address must be 4 or 16 bytes");
    return false;
  }
  *fd = static_cast<int>(f);
  return true;
}

Napi::Value BindInet(const Napi::CallbackInfo& info) {
  int fd;
  sockaddr_storage ss;
  socklen_t sl;
  if (!FdAndInet(info, &fd, &ss, &sl)) return info.Env().Undefined();
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), sl) < 0) return ThrowErrno(info.Env(), errno, "bind");
  return info.Env().Undefined();
}

// connect(2) to an IPv4/IPv6 address (4 or 16 bytes), port, and for v6 a scope id. On a
// non-blocking stream socket EINPROGRESS is thrown like any other errno; datagram sockets
// connect at once (a connected UDP socket then reports ICMP errors for its peer).
Napi::Value ConnectInet(const Napi::CallbackInfo& info) {
  int fd;
  sockaddr_storage ss;
  socklen_t sl;
  if (!FdAndInet(info, &fd, &ss, &sl)) return info.Env().Undefined();
  int rc;
  do rc = connect(fd, reinterpret_cast<sockaddr*>(&ss), sl);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return ThrowErrno(info.Env(), errno, "connect");
  return info.Env().Undefined();
}

// connectInetNb(fd, addr, port, scope) -> 0 or the errno (EINPROGRESS on a non-blocking
// stream socket): connectInet that returns the errno instead of throwing it (an Error per
// TCP_CHECK cost more than the rest of the JS side of a check).
Napi::Value ConnectInetNb(const Napi::CallbackInfo& info) {
  int fd;
  sockaddr_storage ss;
  socklen_t sl;
  if (!FdAndInet(info, &fd, &ss, &sl)) return info.Env().Undefined();
  // an interrupted non-blocking connect goes on in the background, as EINPROGRESS does
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) < 0)
    return Napi::Number::New(info.Env(), errno == EINTR ? EINPROGRESS : errno);
  return Napi::Number::New(info.Env(), 0);
}

// An epoll set of our own (keepalived's way for its check sockets): the set's fd is watched
// by one poll() from JavaScript, and each check socket costs one epoll_ctl(ADD); close(fd)
// takes it out of the set again. epollCreate() -> epfd (close-on-exec).
Napi::Value EpollCreate(const Napi::CallbackInfo& info) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return ThrowErrno(info.Env(), errno, "epoll_create1");
  return Napi::Number::New(info.Env(), fd);
}

// epollCtl(epfd, op, fd, events, data): epoll_ctl(2); `data` (an integer below 2^53) is
// reported back by epollWait as the event's tag.
Napi::Value EpollCtl(const Napi::CallbackInfo& info) {
  int64_t epfd, op, fd, events, data;
  if (!ArgInt(info, 0, &epfd) || !ArgInt(info, 1, &op) || !ArgInt(info, 2, &fd) || !ArgInt(info, 3, &events) ||
      !ArgInt(info, 4, &data))
    return info.Env().Undefined();
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = static_cast<uint32_t>(events);
  ev.data.u64 = static_cast<uint64_t>(data);
  if (epoll_ctl(static_cast<int>(epfd), static_cast<int>(op), static_cast<int>(fd), &ev) < 0)
    return ThrowErrno(info.Env(), errno, "epoll_ctl");
  return info.Env().Undefined();
}

// epollWait(epfd, maxEvents) -> [data, events, data, events, ...]: epoll_wait(2) without
// waiting (the set's fd is watched by poll()); [] when nothing is ready or on EINTR.
Napi::Value EpollWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t epfd, max;
  if (!ArgInt(info, 0, &epfd) || !ArgInt(info, 1, &max)) return env.Undefined();
  if (max < 1 || max > 4096) return ThrowType(env, "maxEvents must be 1..4096");
  std::vector<epoll_event> evs(static_cast<size_t>(max));
  int n = epoll_wait(static_cast<int>(epfd), evs.data(), static_cast<int>(max), 0);
  if (n < 0 && errno != EINTR) return ThrowErrno(env, errno, "epoll_wait");
  if (n < 0) n = 0;
  Napi::Array out = Napi::Array::New(env, static_cast<size_t>(n) * 2);
  for (int i = 0; i < n; i++) {
    out.Set(static_cast<uint32_t>(2 * i), Napi::Number::New(env, static_cast<double>(evs[i].data.u64)));
    out.Set(static_cast<uint32_t>(2 * i + 1), Napi::Number::New(env, evs[i].events));
  }
  return out;
}

Napi::Value BindPacket(const Napi::CallbackInfo& info) {
  int64_t fd, ifindex, proto;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &ifindex) || !ArgInt(info, 2, &proto)) return info.Env().Undefined();
  sockaddr_ll sll;
  std::memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(static_cast<uint16_t>(proto));
  sll.sll_ifindex = static_cast<int>(ifindex);
  if (bind(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) < 0)
    return ThrowErrno(info.Env(), errno, "bind");
  return info.Env().Undefined();
}

// bindNetlink(fd, groups) -> port id the kernel assigned (nl_pid).
Napi::Value BindNetlink(const Napi::CallbackInfo& info) {
  int64_t fd, groups;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &groups)) return info.Env().Undefined();
  sockaddr_nl snl;
  std::memset(&snl, 0, sizeof(snl));
  snl.nl_family = AF_NETLINK;
  snl.nl_groups = static_cast<uint32_t>(groups);
  if (bind(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&snl), sizeof(snl)) < 0)
    return ThrowErrno(info.Env(), errno, "bind");
  socklen_t sl = sizeof(snl);
  if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&snl), &sl) < 0)
    return ThrowErrno(info.Env(), errno, "getsockname");
  return Napi::Number::New(info.Env(), snl.nl_pid);
}

Napi::Value SetsockoptInt(const Napi::CallbackInfo& info) {
  int64_t fd, level, name, value;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) || !ArgInt(info, 3, &value))
    return info.Env().Undefined();
  int v = static_cast<int>(value);
  if (setsockopt(static_cast<int>(fd), static_cast<int>(level), static_cast<int>(name), &v, sizeof(v)) < 0)
    return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

Napi::Value SetsockoptBuf(const Napi::CallbackInfo& info) {
  int64_t fd, level, name;
  const uint8_t* b;
  size_t blen;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name) || !ArgBuf(info, 3, &b, &blen))
    return info.Env().Undefined();
  if (setsockopt(static_cast<int>(fd), static_cast<int>(level), static_cast<int>(name), b, static_cast<socklen_t>(blen)) < 0)
    return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

Napi::Value GetsockoptInt(const Napi::CallbackInfo& info) {
  int64_t fd, level, name;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &level) || !ArgInt(info, 2, &name)) return info.Env().Undefined();
  int v = 0;
  socklen_t sl = sizeof(v);
  if (getsockopt(static_cast<int>(fd), static_cast<int>(level), static_cast<int>(name), &v, &sl) < 0)
    return ThrowErrno(info.Env(), errno, "getsockopt");
  return Napi::Number::New(info.Env(), v);
}

Napi::Value BindToDevice(const Napi::CallbackInfo& info) {
  int64_t fd;
  std::string name;
  if (!ArgInt(info, 0, &fd) || !ArgStr(info, 1, &name)) return info.Env().Undefined();
  if (setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_BINDTODEVICE, name.c_str(), static_cast<socklen_t>(name.size() + 1)) < 0)
    return ThrowErrno(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

Napi::Value SendtoInet(const Napi::CallbackInfo& info) {
  int64_t fd, port, scope;
  const uint8_t *d, *a;
  size_t dlen, alen;
  if (!ArgInt(info, 0, &fd) || !ArgBuf(info, 1, &d, &dlen) || !ArgBuf(info, 2, &a, &alen) || !ArgInt(info, 3, &port) ||
      !ArgInt(info, 4, &scope))
    return info.Env().Undefined();
  sockaddr_storage ss;
  socklen_t sl = MakeInet(a, alen, port, scope, &ss);
  if (!sl) return ThrowType(info.Env(), "address must be 4 or 16 bytes");
  ssize_t n;
  do n = sendto(static_cast<int>(fd), d, dlen, MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&ss), sl);
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(info.Env(), errno, "sendto");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

Napi::Value SendtoPacket(const Napi::CallbackInfo& info) {
  int64_t fd, ifindex, proto;
  const uint8_t *d, *mac;
  size_t dlen, maclen;
  if (!ArgInt(info, 0, &fd) || !ArgBuf(info, 1, &d, &dlen) || !ArgInt(info, 2, &ifindex) || !ArgInt(info, 3, &proto) ||
      !ArgBuf(info, 4, &mac, &maclen))
    return info.Env().Undefined();
  sockaddr_ll sll;
  std::memset(&sll, 0, sizeof(sll));
  if (maclen > sizeof(sll.sll_addr)) return ThrowType(info.Env(), "link-layer address too long");
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(static_cast<uint16_t>(proto));
  sll.sll_ifindex = static_cast<int>(ifindex);
  sll.sll_halen = static_cast<unsigned char>(maclen);
  std::memcpy(sll.sll_addr, mac, maclen);
  ssize_t n;
  do n = sendto(static_cast<int>(fd), d, dlen, MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sll), sizeof(sll));
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(info.Env(), errno, "sendto");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// send(2) on a socket with a default destination (connected, or netlink to the kernel).
Napi::Value Send(const Napi::CallbackInfo& info) {
  int64_t fd;
  const uint8_t* d;
  size_t dlen;
  if (!ArgInt(info, 0, &fd) || !ArgBuf(info, 1, &d, &dlen)) return info.Env().Undefined();
  ssize_t n;
  do n = send(static_cast<int>(fd), d, dlen, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(info.Env(), errno, "send");
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// recvmsg(fd, maxLen) -> {data, from, ifindex, to, hopLimit, scopeId, truncated} | null on EAGAIN.
Napi::Value Recvmsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd, maxLen;
  if (!ArgInt(info, 0, &fd) || !ArgInt(info, 1, &maxLen)) return env.Undefined();
  if (maxLen < 0 || maxLen > (1 << 24)) return ThrowType(env, "maxLen out of range");
  static std::vector<uint8_t> scratch;
  if (scratch.size() < static_cast<size_t>(maxLen) || scratch.empty()) scratch.resize(maxLen > 0 ? maxLen : 1);
  alignas(cmsghdr) uint8_t ctrl[512];
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof(ss));
  iovec iov{scratch.data(), static_cast<size_t>(maxLen)};
  msghdr mh;
  std::memset(&mh, 0, sizeof(mh));
  mh.msg_name = &ss;
  mh.msg_namelen = sizeof(ss);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctrl;
  mh.msg_controllen = sizeof(ctrl);
  ssize_t n;
  do n = recvmsg(static_cast<int>(fd), &mh, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    return ThrowErrno(env, errno, "recvmsg");
  }
  size_t got = static_cast<size_t>(n) < static_cast<size_t>(maxLen) ? static_cast<size_t>(n) : static_cast<size_t>(maxLen);
  Napi::Object r = Napi::Object::New(env);
  r.Set("data", Napi::Buffer<uint8_t>::Copy(env, scratch.data(), got));
  uint32_t scope = 0;
  if (mh.msg_namelen >= sizeof(sockaddr_in) && ss.ss_family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    r.Set("from", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&sin->sin_addr), 4));
  } else if (mh.msg_namelen >= sizeof(sockaddr_in6) && ss.ss_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    r.Set("from", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&sin6->sin6_addr), 16));
    scope = sin6->sin6_scope_id;
  } else {
    r.Set("from", Napi::Buffer<uint8_t>::New(env, 0));
  }
  int ifindex = 0, hop = -1;
  Napi::Value to = Napi::Buffer<uint8_t>::New(env, 0);
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    size_t dl = c->cmsg_len - CMSG_LEN(0);
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && dl >= sizeof(in_pktinfo)) {
      in_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = pi.ipi_ifindex;
      to = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&pi.ipi_addr), 4);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL && dl >= sizeof(int)) {
      std::memcpy(&hop, CMSG_DATA(c), sizeof(int));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO && dl >= sizeof(in6_pktinfo)) {
      in6_pktinfo pi;
      std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = static_cast<int>(pi.ipi6_ifindex);
      to = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&pi.ipi6_addr), 16);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT && dl >= sizeof(int)) {
      std::memcpy(&hop, CMSG_DATA(c), sizeof(int));
    }
  }
  r.Set("ifindex", Napi::Number::New(env, ifindex));
  r.Set("to", to);
  r.Set("hopLimit", Napi::Number::New(env, hop));
  r.Set("scopeId", Napi::Number::New(env, scope));
  r.Set("truncated", Napi::Boolean::New(env, (mh.msg_flags & MSG_TRUNC) != 0));
  return r;
}

Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  std::string name;
  if (!ArgStr(info, 0, &name)) return info.Env().Undefined();
  unsigned idx = if_nametoindex(name.c_str());
  if (idx == 0) return ThrowErrno(info.Env(), errno, "if_nametoindex");
  return Napi::Number::New(info.Env(), idx);
}

}  // namespace

void InitSock(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("connectInetNb", Napi::Function::New(env, ConnectInetNb, "connectInetNb"));
  exports.Set("epollCreate", Napi::Function::New(env, EpollCreate, "epollCreate"));
  exports.Set("epollCtl", Napi::Function::New(env, EpollCtl, "epollCtl"));
  exports.Set("epollWait", Napi::Function::New(env, EpollWait, "epollWait"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("bindInet", Napi::Function::New(env, BindInet, "bindInet"));
  exports.Set("connectInet", Napi::Function::New(env, ConnectInet, "connectInet"));
  exports.Set("bindPacket", Napi::Function::New(env, BindPacket, "bindPacket"));
  exports.Set("bindNetlink", Napi::Function::New(env, BindNetlink, "bindNetlink"));
  exports.Set("setsockoptInt", Napi::Function::New(env, SetsockoptInt, "setsockoptInt"));
  exports.Set("setsockoptBuf", Napi::Function::New(env, SetsockoptBuf, "setsockoptBuf"));
  exports.Set("getsockoptInt", Napi::Function::New(env, GetsockoptInt, "getsockoptInt"));
  exports.Set("bindToDevice", Napi::Function::New(env, BindToDevice, "bindToDevice"));
  exports.Set("sendtoInet", Napi::Function::New(env, SendtoInet, "sendtoInet"));
  exports.Set("sendtoPacket", Napi::Function::New(env, SendtoPacket, "sendtoPacket"));
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("recvmsg", Napi::Function::New(env, Recvmsg, "recvmsg"));
  exports.Set("ifNameToIndex", Napi::Function::New(env, IfNameToIndex, "ifNameToIndex"));
}

}  // namespace kn
