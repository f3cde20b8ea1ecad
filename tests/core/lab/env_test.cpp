#include "runtime/env.hpp"

#include <gtest/gtest.h>

#include "lab/lab.hpp"
#include "support/json_value.hpp"

namespace {

TEST(GoEnv, GOMAXPROCSIsAPositiveIntegerUpTo1024) {
  std::string err;
  EXPECT_EQ(rt::parseGOMAXPROCS("4", &err), 4);
  EXPECT_EQ(rt::parseGOMAXPROCS("1024", &err), 1024);
  for (const char* bad : {"0", "-1", "1025", "four", "", "+4", " 4", "4 "}) {
    err.clear();
    EXPECT_FALSE(rt::parseGOMAXPROCS(bad, &err).has_value()) << bad;
    EXPECT_NE(err.find("Go would silently use the number of CPUs"), std::string::npos);
  }
}

TEST(GoEnv, GOGCFollowsReadGOGC) {
  std::string err;
  EXPECT_EQ(rt::parseGOGC("100", &err), 100);
  EXPECT_EQ(rt::parseGOGC("0", &err), 0);
  EXPECT_EQ(rt::parseGOGC("off", &err), -1);
  EXPECT_EQ(rt::parseGOGC("-5", &err), -1);  // any negative percentage turns GC off, as in Go
  EXPECT_FALSE(rt::parseGOGC("OFF", &err).has_value());
  EXPECT_FALSE(rt::parseGOGC("5O", &err).has_value());
  EXPECT_EQ(rt::formatGOGC(-1), "off");
  EXPECT_EQ(rt::formatGOGC(50), "50");
}

TEST(GoEnv, GOMEMLIMITFollowsParseByteCount) {
  std::string err;
  EXPECT_EQ(rt::parseGOMEMLIMIT("off", &err), -1);
  EXPECT_EQ(rt::parseGOMEMLIMIT("1024", &err), 1024);
  EXPECT_EQ(rt::parseGOMEMLIMIT("512MiB", &err), 512LL << 20);
  EXPECT_EQ(rt::parseGOMEMLIMIT("2GiB", &err), 2LL << 30);
  EXPECT_EQ(rt::parseGOMEMLIMIT("7B", &err), 7);
  for (const char* bad : {"512MB", "1.5GiB", "-1", "MiB", "", "99999999999TiB"})
    EXPECT_FALSE(rt::parseGOMEMLIMIT(bad, &err).has_value()) << bad;
  EXPECT_EQ(rt::formatGOMEMLIMIT(512LL << 20), "512MiB");
  EXPECT_EQ(rt::formatGOMEMLIMIT(1000), "1000B");
  EXPECT_EQ(rt::formatGOMEMLIMIT(-1), "off");
}

TEST(GoEnv, GODEBUGIsCommaSeparatedKeyValue) {
  std::string err;
  auto d = rt::parseGODEBUG("gctrace=1,schedtrace=10,,scheddetail=1,gctrace=2", &err);
  ASSERT_TRUE(d.has_value()) << err;
  EXPECT_EQ(d->gctrace, 2);  // the last duplicate wins, as in parsedebugvars
  EXPECT_EQ(d->schedtrace, 10);
  EXPECT_EQ(d->scheddetail, 1);
  EXPECT_EQ(d->str(), "gctrace=2,scheddetail=1,schedtrace=10");
  EXPECT_EQ(rt::parseGODEBUG("", &err)->str(), "");
}

TEST(GoEnv, GODEBUGReportsUnknownKeysAndBadValues) {
  std::string err;
  EXPECT_FALSE(rt::parseGODEBUG("gctrace=1,http2client=0", &err).has_value());
  EXPECT_EQ(err.rfind("GODEBUG key \"http2client\" is unknown to the lab", 0), 0u) << err;
  EXPECT_FALSE(rt::parseGODEBUG("schedtrce=10", &err).has_value());
  EXPECT_NE(err.find("did you mean \"schedtrace\"?"), std::string::npos) << err;
  EXPECT_FALSE(rt::parseGODEBUG("gctrace", &err).has_value());
  EXPECT_EQ(err, "GODEBUG entry \"gctrace\" is not key=value");
  EXPECT_FALSE(rt::parseGODEBUG("gctrace=x", &err).has_value());
  EXPECT_EQ(err, "GODEBUG gctrace=x needs an integer in 0..2");
  EXPECT_FALSE(rt::parseGODEBUG("scheddetail=3", &err).has_value());
}

lab::HostInfo host() {
  lab::HostInfo h;
  h.platform = "test";
  h.ncpu = 3;
  return h;
}

TEST(EnvCommand, DefaultsAreWhatAGoProgramGets) {
  lab::Lab lab(host());
  EXPECT_EQ(lab.exec("env").text, "GOMAXPROCS=3\nGOGC=100\nGOMEMLIMIT=off\nGODEBUG=");
}

TEST(EnvCommand, SetsAndShows) {
  lab::Lab lab(host());
  lab::Reply r = lab.exec("env GOMAXPROCS=4 GOGC=off GOMEMLIMIT=64MiB GODEBUG=schedtrace=10,scheddetail=1");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "GOMAXPROCS=4\nGOGC=off\nGOMEMLIMIT=64MiB\nGODEBUG=scheddetail=1,schedtrace=10");
  EXPECT_EQ(lab.exec("env").text, r.text);
  auto j = testjson::parse(lab.exec("env --json").json);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["GOMAXPROCS"].number, 4);
  EXPECT_EQ((*j)["GOGC"].str, "off");
  EXPECT_EQ((*j)["GOMEMLIMIT"].number, 64 << 20);
  EXPECT_EQ((*j)["GODEBUG"]["schedtrace"].number, 10);
  EXPECT_EQ((*j)["ncpu"].number, 3);
  // Setting GODEBUG replaces the whole value, like an environment variable.
  EXPECT_EQ(lab.exec("env GODEBUG=gctrace=1").text.substr(r.text.rfind('\n') + 1), "GODEBUG=gctrace=1");
  EXPECT_EQ(lab.exec("env GODEBUG=").text.substr(r.text.rfind('\n') + 1), "GODEBUG=");
  EXPECT_EQ(lab.exec("env --reset").text, "GOMAXPROCS=3\nGOGC=100\nGOMEMLIMIT=off\nGODEBUG=");
}

TEST(EnvCommand, ABadAssignmentChangesNothing) {
  lab::Lab lab(host());
  ASSERT_TRUE(lab.exec("env GOMAXPROCS=2 GODEBUG=gctrace=1").ok);
  const rt::Env before = lab.env();
  for (const char* bad : {"env GOMAXPROCS=8 GOGC=abc", "env GOGC=50 GOMAXPROCS=0", "env GOMAXPROC=4",
                          "env GOGC=50 GODEBUG=nope=1", "env GOGC=50 junk", "env =5", "env --reset GOGC=x"}) {
    lab::Reply r = lab.exec(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
    EXPECT_EQ(lab.env(), before) << bad;
  }
  EXPECT_EQ(lab.exec("env GOMAXPROC=4").text,
            "error: env: unknown variable \"GOMAXPROC\"; did you mean \"GOMAXPROCS\"? (the lab reads GOMAXPROCS, "
            "GOGC, GOMEMLIMIT, GODEBUG)");
}

}  // namespace
