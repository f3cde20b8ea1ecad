#include "line_reader.hpp"

#include <cstdio>
#include <iostream>

#include "lab/lab.hpp"
#include "lab/shell/line_completion.hpp"

#ifdef RTLAB_HAVE_LIBEDIT
#include <histedit.h>

#include <cerrno>
#endif

#ifdef RTLAB_HAVE_LIBEDIT

struct LineReader::Impl {
  lab::Lab& lab;
  std::string prompt;
  EditLine* el = nullptr;
  History* hist = nullptr;

  static char* promptOf(EditLine* el) {
    Impl* self = nullptr;
    el_get(el, EL_CLIENTDATA, &self);
    return self->prompt.data();
  }

  // Tab: the shell's completion of the text before the cursor, through the
  // same registry as help and the web terminal's completion.
  static unsigned char complete(EditLine* el, int) {
    Impl* self = nullptr;
    el_get(el, EL_CLIENTDATA, &self);
    const LineInfo* li = el_line(el);
    const std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
    const lab::CompletionEdit edit = lab::completionEdit(self->lab.complete(before));
    if (!edit.insert.empty()) {
      if (el_insertstr(el, edit.insert.c_str()) != 0) return CC_ERROR;
      return CC_REFRESH;
    }
    if (edit.choices.empty()) return CC_ERROR;  // nothing to complete: a beep
    std::string list = "\n";
    for (const auto& c : edit.choices) list += c + "  ";
    std::fprintf(stdout, "%s\n", list.c_str());
    return CC_REDISPLAY;
  }

  Impl(lab::Lab& l, const char* p) : lab(l), prompt(p) {
    el = el_init("rtlab", stdin, stdout, stderr);
    hist = history_init();
    HistEvent ev;
    history(hist, &ev, H_SETSIZE, 1000);
    history(hist, &ev, H_SETUNIQUE, 1);
    el_set(el, EL_CLIENTDATA, this);
    el_set(el, EL_PROMPT, &Impl::promptOf);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_HIST, history, hist);
    el_set(el, EL_ADDFN, "rtlab-complete", "complete a command, flag or value", &Impl::complete);
    el_set(el, EL_BIND, "^I", "rtlab-complete", nullptr);
    el_source(el, nullptr);  // the user's ~/.editrc, if any
  }

  ~Impl() {
    if (el) el_end(el);
    if (hist) history_end(hist);
  }

  bool read(std::string* line) {
    int count = 0;
    const char* s = el_gets(el, &count);
    if (!s || count <= 0) return false;  // end of input, or interrupted (errno EINTR)
    line->assign(s, static_cast<size_t>(count));
    while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
    if (!line->empty()) {
      HistEvent ev;
      history(hist, &ev, H_ENTER, line->c_str());
    }
    return true;
  }
};

bool LineReader::editing() { return true; }

#else  // plain lines

struct LineReader::Impl {
  std::string prompt;
  Impl(lab::Lab&, const char* p) : prompt(p) {}
  bool read(std::string* line) {
    std::cout << prompt << std::flush;
    return static_cast<bool>(std::getline(std::cin, *line));
  }
};

bool LineReader::editing() { return false; }

#endif

LineReader::LineReader(lab::Lab& lab, const char* prompt) : impl_(std::make_unique<Impl>(lab, prompt)) {}
LineReader::~LineReader() = default;
bool LineReader::read(std::string* line) { return impl_->read(line); }
