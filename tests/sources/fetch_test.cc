// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// FetchList() against an HTTP server on the loopback interface, started in the test.
#include "sources/fetch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "local_http_server.h"
#include "sources/httplib.h"
#include "test_util.h"
#include "util/file.h"
#include "vigil/list.h"

namespace vigil::sources {
namespace {

namespace fs = std::filesystem;
using ::vigil::testing::ReadAll;
using ::vigil::testing::ScratchDir;
using ::vigil::testing::TestServer;
using ::vigil::testing::WriteFile;

const char* const kOfacFiles[] = {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"};

// A loopback port with nothing listening on it: bound once to learn a free number, then closed.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Sha256OfFile(const fs::path& p) { return util::Sha256Hex(ReadAll(p)); }

// Every file in `dir` (recursively) with its contents, to check a folder is unchanged.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    out[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? ReadAll(e.path()) : "<dir>";
  }
  return out;
}

// A destination that already holds a list: a marker file and an old sdn.csv.
fs::path PrefilledDest() {
  fs::path dest = ScratchDir("dest");
  WriteFile(dest / "marker.txt", "keep me\n");
  WriteFile(dest / "sdn.csv", "old sdn.csv\r\n");
  return dest;
}

TEST(FetchTable, OfficialAddresses) {
  EXPECT_EQ(FetchableLists(),
            (std::vector<std::string>{"us_ofac_sdn", "us_ofac_cons", "un_sc", "us_csl"}));
  std::map<std::string, std::string> url;
  for (const OfficialFile& f : OfficialFiles()) url[f.list + "/" + f.name] = f.url;
  EXPECT_EQ(url.size(), 10u);
  EXPECT_EQ(url["us_ofac_sdn/sdn.csv"], "https://www.treasury.gov/ofac/downloads/sdn.csv");
  EXPECT_EQ(url["us_ofac_cons/cons_comments.csv"],
            "https://www.treasury.gov/ofac/downloads/cons_comments.csv");
  EXPECT_EQ(url["un_sc/consolidated.xml"],
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml");
  EXPECT_EQ(url["us_csl/consolidated.csv"],
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv");
}

TEST(FetchList, UnknownListAndBadBaseUrl) {
  fs::path dest = ScratchDir("dest");
  FetchReport rep;
  Status s = FetchList("us_ofac_xyz", "", dest, &rep);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown list 'us_ofac_xyz'"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("un_sc"), std::string::npos) << s.ToString();

  s = FetchList("us_ofac_sdn", "ftp://example.org/lists/", dest, &rep);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("only http and https"), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs::is_empty(dest));
}

TEST(FetchList, OfacFromFixtureServer) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/fixtures/ofac"), dest, &rep);  // no '/'
  srv.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();

  EXPECT_EQ(rep.list, "us_ofac_sdn");
  EXPECT_EQ(rep.entities, 4u);
  ASSERT_EQ(rep.files.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const FetchedFile& f = rep.files[i];
    fs::path src = ::vigil::testing::Fixture("ofac") / kOfacFiles[i];
    EXPECT_EQ(f.name, kOfacFiles[i]);
    EXPECT_EQ(f.url, srv.Url("/fixtures/ofac/") + kOfacFiles[i]);
    EXPECT_EQ(f.bytes, fs::file_size(src));
    EXPECT_EQ(f.sha256, Sha256OfFile(src));
    EXPECT_EQ(Sha256OfFile(dest / f.name), f.sha256) << f.name;
  }
  // Nothing else is left behind (no staging folder).
  EXPECT_EQ(Snapshot(dest).size(), 4u);

  LoadedList list;
  ASSERT_TRUE(LoadList(dest, &list).ok());
  EXPECT_EQ(list.info.source, "us_ofac_sdn");
  EXPECT_EQ(list.entities.size(), 4u);
}

TEST(FetchList, FollowsRedirects) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  srv.server().Get("/moved/(.*)", [](const httplib::Request& req, httplib::Response& res) {
    res.set_redirect("/fixtures/ofac/" + req.matches[1].str());
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/moved/"), dest, &rep);
  srv.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rep.entities, 4u);
  EXPECT_EQ(Sha256OfFile(dest / "sdn.csv"),
            Sha256OfFile(::vigil::testing::Fixture("ofac") / "sdn.csv"));
}

TEST(FetchList, UnFromSharedSnapshot) {
  VIGIL_REQUIRE_SHARED(un_dir, "un_sc/2026-02");
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/shared", VIGIL_SHARED_LISTS));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  FetchReport rep;
  Status s = FetchList("un_sc", srv.Url("/shared/un_sc/2026-02/"), dest, &rep);
  srv.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rep.entities, 1003u);
  ASSERT_EQ(rep.files.size(), 1u);
  EXPECT_EQ(rep.files[0].name, "consolidated.xml");
  EXPECT_EQ(rep.files[0].sha256, Sha256OfFile(un_dir / "consolidated.xml"));
  EXPECT_EQ(Sha256OfFile(dest / "consolidated.xml"), rep.files[0].sha256);
}

TEST(FetchList, NotFoundLeavesDestUnchanged) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/fixtures/un/"), dest, &rep);  // no sdn.csv
  srv.Stop();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find(srv.Url("/fixtures/un/sdn.csv")), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("404"), std::string::npos) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

TEST(FetchList, GarbageFailsValidationAndLeavesDestUnchanged) {
  TestServer srv;
  srv.server().Get("/garbage/(.*)", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str();
    if (name == "sdn.csv") {
      std::mt19937 rng(20240501);
      std::string junk(4096, '\0');
      for (char& c : junk) c = static_cast<char>(rng() & 0xff);
      res.set_content(junk, "text/csv");
    } else {
      res.set_content(ReadAll(::vigil::testing::Fixture("ofac") / name), "text/csv");
    }
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/garbage/"), dest, &rep);
  srv.Stop();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("do not load"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(srv.Url("/garbage/sdn.csv")), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("as a list: sdn.csv:"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("NUL byte"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find(".vigil-fetch"), std::string::npos) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

// The destination holds the 40-entity sample; the server offers the 4-entity fixture of
// the same list: more than max_entity_drop fewer, so refused, the destination unchanged.
TEST(FetchList, EntityDropAgainstTheListReplacedIsRefused) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  for (const char* f : kOfacFiles) fs::copy_file(fs::path(VIGIL_SAMPLE_DIR) / f, dest / f);
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/fixtures/ofac/"), dest, &rep);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("4 entities where the version before has 40"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);

  FetchOptions opt;
  opt.max_entity_drop = 1;  // the check off: the smaller list replaces the sample
  s = FetchList("us_ofac_sdn", srv.Url("/fixtures/ofac/"), dest, &rep, opt);
  srv.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rep.entities, 4u);
}

// sdn.csv served without its final 0x1A line (a download cut at a line end).
TEST(FetchList, TruncatedDownloadIsRefusedUnlessAccepted) {
  TestServer srv;
  srv.server().Get("/cut/(.*)", [](const httplib::Request& req, httplib::Response& res) {
    std::string bytes = ReadAll(::vigil::testing::Fixture("ofac") / req.matches[1].str());
    if (req.matches[1].str() == "sdn.csv") bytes.pop_back();
    res.set_content(bytes, "text/csv");
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/cut/"), dest, &rep);
  EXPECT_NE(s.message().find("end-of-file line"), std::string::npos) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
  FetchOptions opt;
  opt.accept_truncated = true;
  s = FetchList("us_ofac_sdn", srv.Url("/cut/"), dest, &rep, opt);
  srv.Stop();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// A body shorter than its Content-Length (the connection closed early) fails the fetch.
TEST(FetchList, BodyShorterThanContentLengthFails) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread server([fd] {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    [[maybe_unused]] ssize_t n = read(c, buf, sizeof buf);
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n1,\"A\",-0- \r\n";
    n = write(c, answer.data(), answer.size());
    close(c);
  });
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList(
      "us_ofac_sdn", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", dest, &rep);
  server.join();
  close(fd);
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("sdn.csv"), std::string::npos) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

TEST(FetchList, WrongListIsRejected) {
  // The CSL asked for, OFAC's sdn.csv served under the CSL's file name.
  TestServer srv;
  srv.server().Get("/wrong/consolidated.csv", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(ReadAll(::vigil::testing::Fixture("ofac") / "sdn.csv"), "text/csv");
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchReport rep;
  Status s = FetchList("us_csl", srv.Url("/wrong/"), dest, &rep);
  srv.Stop();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

TEST(FetchList, SizeCap) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchOptions opt;
  opt.max_file_bytes = 100;
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/fixtures/ofac/"), dest, &rep, opt);
  srv.Stop();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("larger than the limit of 100 bytes"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

TEST(FetchList, ReadTimeout) {
  TestServer srv;
  srv.server().Get("/slow/sdn.csv", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    res.set_content("late", "text/csv");
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = PrefilledDest();
  auto before = Snapshot(dest);
  FetchOptions opt;
  opt.read_timeout_seconds = 1;
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/slow/"), dest, &rep, opt);
  srv.Stop();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(srv.Url("/slow/sdn.csv")), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.ToString();
  EXPECT_EQ(Snapshot(dest), before);
}

TEST(FetchList, ConnectionRefused) {
  int port = UnusedPort();
  ASSERT_GT(port, 0);
  fs::path dest = ScratchDir("parent") / "new";  // does not exist yet
  std::string base = "http://127.0.0.1:" + std::to_string(port) + "/lists/";
  FetchReport rep;
  Status s = FetchList("un_sc", base, dest, &rep);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find(base + "consolidated.xml"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("could not connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << s.ToString();
  EXPECT_FALSE(fs::exists(dest)) << "a failed fetch must not leave a new empty folder";
}

TEST(FetchCli, FetchesAndPrintsHashes) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  fs::path out = ScratchDir("out") / "stdout.txt";
  std::string cmd = std::string("'") + VIGIL_BINARY + "' fetch us_ofac_sdn --dest '" +
                    dest.string() + "' --base-url '" + srv.Url("/fixtures/ofac/") + "' > '" +
                    out.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  srv.Stop();
  std::string text = ReadAll(out);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_NE(text.find(Sha256OfFile(::vigil::testing::Fixture("ofac") / "sdn.csv")),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("4 entities"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(dest / "sdn_comments.csv"));

  // A failure exits non-zero and says why.
  cmd = std::string("'") + VIGIL_BINARY + "' fetch us_ofac_sdn --dest '" + dest.string() +
        "' --base-url http://127.0.0.1:" + std::to_string(UnusedPort()) + "/ > '" + out.string() +
        "' 2>&1";
  rc = std::system(cmd.c_str());
  text = ReadAll(out);
  EXPECT_NE(rc, 0) << text;
  EXPECT_NE(text.find("could not connect"), std::string::npos) << text;
}

// The server's Last-Modified dates the files, so that a list whose files state no date is
// dated by its publication, not by the download.
TEST(FetchList, LastModifiedDatesTheFiles) {
  TestServer srv;
  srv.server().Get("/ofac/(.*)", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(ReadAll(::vigil::testing::Fixture("ofac") / req.matches[1].str()), "text/csv");
    res.set_header("Last-Modified", "Fri, 03 May 2024 14:02:11 GMT");
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path dest = ScratchDir("dest");
  FetchReport rep;
  Status s = FetchList("us_ofac_sdn", srv.Url("/ofac/"), dest, &rep);
  srv.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rep.files[0].last_modified, "Fri, 03 May 2024 14:02:11 GMT");
  LoadedList list;
  ASSERT_TRUE(LoadList(dest, &list).ok());
  EXPECT_EQ(list.info.published, "2024-05-03T14:02:11Z");
  EXPECT_EQ(list.info.published_source, "file_date");
}

// Sets an environment variable for the life of the object (unset: nullptr).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    had_ = std::getenv(name) != nullptr;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(DataDir, VigilDataDirThenXdgDataHomeThenHome) {
  ScopedEnv home("HOME", "/home/analyst");
  {
    ScopedEnv a("VIGIL_DATA_DIR", "/srv/vigil");
    ScopedEnv b("XDG_DATA_HOME", "/xdg");
    EXPECT_EQ(DefaultDataDir(), fs::path("/srv/vigil"));
  }
  {
    ScopedEnv a("VIGIL_DATA_DIR", nullptr);
    ScopedEnv b("XDG_DATA_HOME", "/xdg");
    EXPECT_EQ(DefaultDataDir(), fs::path("/xdg/vigil/lists"));
  }
  {
    ScopedEnv a("VIGIL_DATA_DIR", "");
    ScopedEnv b("XDG_DATA_HOME", nullptr);
    EXPECT_EQ(DefaultDataDir(), fs::path("/home/analyst/.local/share/vigil/lists"));
    ScopedEnv c("HOME", nullptr);
    EXPECT_EQ(DefaultDataDir(), fs::path());
  }
}

TEST(DataDir, ListFoldersAreTheFetchedListsWithFiles) {
  fs::path data = ScratchDir("data");
  std::vector<std::string> paths;
  ASSERT_TRUE(ListsInDataDir(data / "absent", &paths).ok());
  EXPECT_TRUE(paths.empty());
  fs::create_directories(data / "un_sc");
  fs::create_directories(data / "us_ofac_sdn");
  fs::create_directories(data / "empty");
  fs::create_directories(data / "us_ofac_sdn" / ".vigil-fetch-1-2-3");  // a fetch's staging
  fs::create_directories(data / ".vigil-fetch-9");
  WriteFile(data / "un_sc" / "consolidated.xml", "<x/>");
  WriteFile(data / "us_ofac_sdn" / "sdn.csv", "1");
  WriteFile(data / ".vigil-fetch-9" / "sdn.csv", "1");
  WriteFile(data / "README", "not a folder");
  // A folder that is not one of the lists fetch stores (a backup, notes) is not a list.
  fs::create_directories(data / "us_ofac_sdn.old");
  WriteFile(data / "us_ofac_sdn.old" / "sdn.csv", "1");
  ASSERT_TRUE(ListsInDataDir(data, &paths).ok());
  EXPECT_EQ(paths,
            (std::vector<std::string>{(data / "un_sc").string(), (data / "us_ofac_sdn").string()}));
  Status s = ListsInDataDir(data / "README", &paths);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST(FetchCli, WithoutDestFetchesIntoTheDataFolderThatEveryCommandThenUses) {
  TestServer srv;
  ASSERT_TRUE(srv.server().set_mount_point("/fixtures", VIGIL_FIXTURES));
  ASSERT_NO_FATAL_FAILURE(srv.Start());
  fs::path data = ScratchDir("data");
  fs::path out = ScratchDir("out") / "stdout.txt";
  const std::string env = "VIGIL_DATA_DIR='" + data.string() + "' ";
  std::string cmd = env + "'" + VIGIL_BINARY + "' fetch us_ofac_sdn --base-url '" +
                    srv.Url("/fixtures/ofac/") + "' > '" + out.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  srv.Stop();
  std::string text = ReadAll(out);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_TRUE(fs::exists(data / "us_ofac_sdn" / "sdn.csv")) << text;
  EXPECT_NE(text.find("every command now uses the lists in " + data.string()), std::string::npos)
      << text;

  cmd = env + "'" + VIGIL_BINARY + "' screen 'PAK Chol Su' > '" + out.string() + "' 2>&1";
  rc = std::system(cmd.c_str());
  text = ReadAll(out);
  ASSERT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("us_ofac_sdn:101"), std::string::npos) << text;  // the fixture's entity
  EXPECT_EQ(text.find("SAMPLE"), std::string::npos) << text;

  // Without a LIST, --dest is refused (it names one list's folder).
  cmd = env + "'" + VIGIL_BINARY + "' fetch --dest '" + data.string() + "' > '" + out.string() +
        "' 2>&1";
  rc = std::system(cmd.c_str());
  EXPECT_NE(rc, 0);
  EXPECT_NE(ReadAll(out).find("give the LIST"), std::string::npos) << ReadAll(out);
}

}  // namespace
}  // namespace vigil::sources

namespace vigil::sources {
namespace {

// RefreshTargets/RefreshLists: a loaded list fetched again into its folder, from
// base/<list>/; unchanged, changed, and a failure that leaves the folder alone.
TEST(RefreshLists, FetchesEachLoadedListIntoItsFolder) {
  fs::path dir = ScratchDir("refresh");
  fs::path folder = dir / "lists" / "us_ofac_sdn";
  fs::create_directories(folder);
  for (const char* f : kOfacFiles) fs::copy_file(::vigil::testing::Fixture("ofac") / f, folder / f);
  std::vector<LoadedList> lists(1);
  ASSERT_TRUE(LoadList(folder, &lists[0]).ok());
  std::vector<RefreshTarget> targets = RefreshTargets(lists);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].list, "us_ofac_sdn");
  EXPECT_EQ(fs::weakly_canonical(targets[0].dir), fs::weakly_canonical(folder));

  std::string extra = ReadAll(::vigil::testing::Fixture("ofac") / "sdn.csv");
  while (!extra.empty() && extra.back() == '\x1a') extra.pop_back();
  extra +=
      "999999,\"TESTPERSON, Zebulon Quixotic\",\"individual\",\"DPRK4\",-0- ,-0- ,-0- ,-0- ,"
      "-0- ,-0- ,-0- ,\"DOB 01 Jan 1970.\"\r\n\x1a";
  int phase = 0;
  TestServer srv;
  srv.server().Get("/m/us_ofac_sdn/(.*)", [&](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    if (phase == 2) {
      res.status = 404;
      return;
    }
    res.set_content(
        phase == 1 && name == "sdn.csv" ? extra : ReadAll(::vigil::testing::Fixture("ofac") / name),
        "text/csv");
  });
  ASSERT_NO_FATAL_FAILURE(srv.Start());

  std::vector<RefreshOutcome> got = RefreshLists(targets, srv.Url("/m"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].ok) << got[0].error;
  EXPECT_FALSE(got[0].changed);

  phase = 1;
  got = RefreshLists(targets, srv.Url("/m/"));
  ASSERT_TRUE(got[0].ok) << got[0].error;
  EXPECT_TRUE(got[0].changed);
  EXPECT_EQ(ReadAll(folder / "sdn.csv"), extra);

  phase = 2;
  auto before = Snapshot(folder);
  got = RefreshLists(targets, srv.Url("/m"));
  EXPECT_FALSE(got[0].ok);
  EXPECT_NE(got[0].error.find("404"), std::string::npos) << got[0].error;
  EXPECT_EQ(Snapshot(folder), before);

  // The bundled sample is never fetched.
  std::vector<LoadedList> sample(1);
  ASSERT_TRUE(LoadList(VIGIL_SAMPLE_DIR, &sample[0]).ok());
  sample[0].info.sample = true;
  EXPECT_TRUE(RefreshTargets(sample).empty());
}

}  // namespace
}  // namespace vigil::sources
