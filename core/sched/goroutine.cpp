#include "sched/goroutine.hpp"

namespace rt::detail {

// Entering a nested Task: its frame becomes the G's top; the M resumes it.
void enterTask(coro::coroutine_handle<> task) {
  G* gp = getg();
  gp->top = task;
  gp->handoff = Handoff::Call;
}

// Leaving it: the caller becomes the top again.
void TaskPromiseBase::FinalAwaiter::await_suspend(coro::coroutine_handle<>) const noexcept {
  G* gp = getg();
  gp->top = self->continuation;
  gp->handoff = Handoff::Return;
}

}  // namespace rt::detail
