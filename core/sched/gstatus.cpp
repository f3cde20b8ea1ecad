#include "sched/gstatus.hpp"

namespace rt {

std::string_view gstatusName(Gstatus s) {
  switch (s) {
    case Gstatus::Idle: return "_Gidle";
    case Gstatus::Runnable: return "_Grunnable";
    case Gstatus::Running: return "_Grunning";
    case Gstatus::Syscall: return "_Gsyscall";
    case Gstatus::Waiting: return "_Gwaiting";
    case Gstatus::MoribundUnused: return "_Gmoribund_unused";
    case Gstatus::Dead: return "_Gdead";
    case Gstatus::EnqueueUnused: return "_Genqueue_unused";
    case Gstatus::Copystack: return "_Gcopystack";
    case Gstatus::Preempted: return "_Gpreempted";
  }
  return "_G?";
}

// Go: runtime/runtime2.go waitReasonStrings
std::string_view waitReasonString(WaitReason r) {
  switch (r) {
    case WaitReason::Zero: return "";
    case WaitReason::GCAssistMarking: return "GC assist marking";
    case WaitReason::ChanReceiveNilChan: return "chan receive (nil chan)";
    case WaitReason::ChanSendNilChan: return "chan send (nil chan)";
    case WaitReason::GarbageCollection: return "garbage collection";
    case WaitReason::Select: return "select";
    case WaitReason::SelectNoCases: return "select (no cases)";
    case WaitReason::GCAssistWait: return "GC assist wait";
    case WaitReason::GCSweepWait: return "GC sweep wait";
    case WaitReason::ChanReceive: return "chan receive";
    case WaitReason::ChanSend: return "chan send";
    case WaitReason::ForceGCIdle: return "force gc (idle)";
    case WaitReason::Semacquire: return "semacquire";
    case WaitReason::Sleep: return "sleep";
    case WaitReason::SyncMutexLock: return "sync.Mutex.Lock";
    case WaitReason::GCWorkerIdle: return "GC worker (idle)";
    case WaitReason::GCWorkerActive: return "GC worker (active)";
    case WaitReason::Preempted: return "preempted";
    case WaitReason::StoppingTheWorld: return "stopping the world";
  }
  return "";
}

// Go: runtime/traceback.go goroutineheader (gStatusStrings, then "if
// gpstatus == _Gwaiting && gp.waitreason != waitReasonZero").
std::string_view tracebackStatus(Gstatus s, WaitReason r) {
  switch (s) {
    case Gstatus::Idle: return "idle";
    case Gstatus::Runnable: return "runnable";
    case Gstatus::Running: return "running";
    case Gstatus::Syscall: return "syscall";
    case Gstatus::Waiting: return r != WaitReason::Zero ? waitReasonString(r) : "waiting";
    case Gstatus::Dead: return "dead";
    case Gstatus::Copystack: return "copystack";
    case Gstatus::Preempted: return "preempted";
    default: return gstatusName(s);
  }
}

}  // namespace rt
