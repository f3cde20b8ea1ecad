// Tab in the native CLI's line editor: what it inserts and what it lists,
// from the same registry as help and the web terminal.
#include <gtest/gtest.h>

#include "lab/lab.hpp"
#include "lab/shell/line_completion.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

CompletionEdit tab(const Lab& lab, std::string_view line) { return completionEdit(lab.complete(line)); }

TEST(LineCompletion, OneCandidateIsCompletedWithASpace) {
  Lab lab(testhost::fixed(2));
  EXPECT_EQ(tab(lab, "vers").insert, "ion ");
  EXPECT_TRUE(tab(lab, "vers").choices.empty());
  EXPECT_EQ(tab(lab, "run skyn").insert, "et ");
  EXPECT_EQ(tab(lab, "run fanout --eng").insert, "ine ");
  EXPECT_EQ(tab(lab, "run fanout --engine s").insert, "im ");
}

TEST(LineCompletion, SeveralCandidatesInsertTheirCommonPrefixAndAreListed) {
  Lab lab(testhost::fixed(2));
  // Every command the registry has is offered at an empty line.
  CompletionEdit all = tab(lab, "");
  EXPECT_EQ(all.choices, lab.registry().names());
  // "s": sizeclass, spans, step — nothing in common beyond "s".
  CompletionEdit s = tab(lab, "s");
  EXPECT_EQ(s.insert, "");
  EXPECT_EQ(s.choices, (std::vector<std::string>{"sizeclass", "spans", "step"}));
  // "run --b": --background and --barrier share "--ba".
  CompletionEdit b = tab(lab, "run --b");
  EXPECT_EQ(b.insert, "a");
  EXPECT_EQ(b.choices, (std::vector<std::string>{"--background", "--barrier"}));
}

TEST(LineCompletion, NothingToCompleteIsNothing) {
  Lab lab(testhost::fixed(2));
  CompletionEdit none = tab(lab, "nosuchcommand ");
  EXPECT_EQ(none.insert, "");
  EXPECT_TRUE(none.choices.empty());
}

TEST(LineCompletion, NoSpaceAfterAnEqualsSign) {
  Completion c{"GOMAX", {"GOMAXPROCS="}};
  EXPECT_EQ(completionEdit(c).insert, "PROCS=");
}

}  // namespace
}  // namespace lab
