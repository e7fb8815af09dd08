import Foundation
import Logging
import OspreyConfig
import OspreyModel
import OspreyScrape
import Testing

/// Each test gets a fresh folder of real target files, removed when it ends.
@Suite(.timeLimit(.minutes(1))) final class FileDiscoveryTests {
    let folder: String
    let log = LogRecorder()

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-filesd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        folder = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: Reading the format

    @Test func jsonEntriesBecomeOneGroupEach() throws {
        let path = try write(
            "targets.json",
            """
            [
              {"targets": ["a:9100", "b:9100"], "labels": {"env": "prod", "team": "db"}},
              {"targets": ["c:9100"]}
            ]
            """)
        #expect(
            discovery(path).read() == [
                TargetGroup(
                    source: "\(path):0", targets: [address("a:9100"), address("b:9100")],
                    labels: Labels(["env": "prod", "team": "db", "__meta_filepath": path])),
                TargetGroup(source: "\(path):1", targets: [address("c:9100")], labels: Labels(["__meta_filepath": path])),
            ])
        #expect(log.errors.isEmpty)
    }

    @Test(arguments: ["yml", "yaml"]) func yamlEntriesBecomeOneGroupEach(fileExtension: String) throws {
        let path = try write(
            "targets.\(fileExtension)",
            """
            # Numbers are read as text, as Prometheus reads YAML label values.
            - targets: ["a:9100"]
              labels:
                env: prod
                rack: 7
            - targets:
                - b:9100
                - c:9100
            """)
        #expect(
            discovery(path).read() == [
                TargetGroup(
                    source: "\(path):0", targets: [address("a:9100")],
                    labels: Labels(["env": "prod", "rack": "7", "__meta_filepath": path])),
                TargetGroup(
                    source: "\(path):1", targets: [address("b:9100"), address("c:9100")],
                    labels: Labels(["__meta_filepath": path])),
            ])
        #expect(log.errors.isEmpty)
    }

    @Test func theFilePathLabelOverridesOneWrittenInTheFile() throws {
        let path = try write("targets.json", #"[{"targets": ["a:1"], "labels": {"__meta_filepath": "elsewhere"}}]"#)
        #expect(discovery(path).read().map(\.labels) == [Labels(["__meta_filepath": path])])
    }

    @Test(arguments: [("empty.yml", ""), ("null.yml", "~\n"), ("comments.yaml", "# nothing yet\n"), ("null.json", "null"), ("list.json", "[]")])
    func emptyFilesHaveNoGroups(name: String, text: String) throws {
        let path = try write(name, text)
        #expect(discovery(path).read().isEmpty)
        #expect(log.errors.isEmpty)
    }

    @Test(arguments: [
        ("extra.json", #"[{"targets": ["a:1"], "extra": 1}]"#, #"unknown key "extra""#),
        ("extra.yml", "- targets: [a:1]\n  extra: 1\n", #"unknown key "extra""#),
        ("label.json", #"[{"targets": ["a:1"], "labels": {"bad-name": "x"}}]"#, #""bad-name" is not a valid label name"#),
        ("label.yml", "- targets: [a:1]\n  labels: {1st: x}\n", #""1st" is not a valid label name"#),
        ("empty-target.json", #"[{"targets": ["a:1", ""]}]"#, "entry 0: target 1 is empty"),
        ("empty-target.yml", "- targets: [a:1]\n- targets: ['']\n", "entry 1: target 0 is empty"),
        ("null-entry.json", #"[{"targets": ["a:1"]}, null]"#, "[1]"),
        ("number-label.json", #"[{"targets": ["a:1"], "labels": {"port": 80}}]"#, "[0].labels.port"),
        ("not-a-list.json", #"{"targets": ["a:1"]}"#, "invalid JSON"),
        ("truncated.json", #"[{"targets": ["a:1"#, "end of file"),
        ("bad-syntax.json", #"[{"targets": ["a:1"]},,]"#, "invalid JSON"),
        ("not-a-list.yml", "targets: [a:1]\n", "expected a list"),
        ("truncated.yaml", "- targets: [a:1\n", "invalid YAML"),
    ])
    func invalidFilesAreLoggedByNameAndGiveNoGroups(name: String, text: String, problem: String) throws {
        let path = try write(name, text)
        #expect(discovery(path).read().isEmpty)
        let error = try #require(log.errors.first)
        #expect(error.metadata["file"] == path)
        let description = try #require(error.metadata["error"])
        #expect(description.hasPrefix(path))
        #expect(description.contains(problem), "\(description)")
    }

    @Test func anUnreadableFileIsLoggedByName() throws {
        let path = try write("targets.json", "[]")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(discovery(path).read().isEmpty)
        #expect(log.errors.first?.metadata["file"] == path)
    }

    // MARK: Which files

    @Test func aGlobInTheLastElementMatchesFilesInByteOrder() throws {
        try FileManager.default.createDirectory(atPath: "\(folder)/targets", withIntermediateDirectories: false)
        let b = try write("targets/b.json", #"[{"targets": ["b:1"]}]"#)
        let a = try write("targets/a.json", #"[{"targets": ["a:1"]}]"#)
        let c = try write("targets/c.yml", "- targets: [c:1]\n")
        _ = try write("targets/d.json.bak", #"[{"targets": ["d:1"]}]"#)
        _ = try write("e.json", #"[{"targets": ["e:1"]}]"#)
        let groups = discovery("\(folder)/targets/*.json", c, "\(folder)/none/*.json", "\(folder)/missing.json").read()
        #expect(groups.map(\.source) == ["\(a):0", "\(b):0", "\(c):0"])
        #expect(groups.map { $0.labels["__meta_filepath"] } == [a, b, c])
        #expect(log.errors.isEmpty)
    }

    @Test func aFileMatchedByTwoPatternsIsReadOnce() throws {
        let path = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        #expect(discovery(path, "\(folder)/*.json").read().map(\.source) == ["\(path):0"])
    }

    // MARK: Keeping the last good read

    @Test func aMalformedFileKeepsItsLastGoodGroups() throws {
        let path = try write("targets.json", #"[{"targets": ["a:1"], "labels": {"env": "prod"}}]"#)
        let discovery = discovery(path)
        let good = discovery.read()
        #expect(addresses(good) == ["a:1"])

        try write(path, #"[{"targets": ["b:1"], "labels": {"env": "#)
        #expect(discovery.read() == good)
        #expect(log.errors.count == 1)
        #expect(log.errors.first?.metadata["file"] == path)

        try write(path, #"[{"targets": ["c:1"]}]"#)
        #expect(addresses(discovery.read()) == ["c:1"])
    }

    @Test func aFileThatDisappearsLosesItsGroups() throws {
        let path = try write("targets.json", #"[{"targets": ["a:1"]}]"#)
        let discovery = discovery(path)
        #expect(addresses(discovery.read()) == ["a:1"])
        try FileManager.default.removeItem(atPath: path)
        #expect(discovery.read().isEmpty)
        // Back, but malformed: nothing is remembered from before it went.
        try write(path, "[")
        #expect(discovery.read().isEmpty)
    }

    // MARK: Updates

    @Test func updatesFollowAnEditedFile() async throws {
        let path = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery("\(folder)/*.json").updates())
        defer { consumer.cancel() }
        #expect(await updates.waitForLatest { addresses($0) == ["a:1"] })

        try write(path, #"[{"targets": ["a:1", "a:2"]}]"#)
        #expect(await updates.waitForLatest { addresses($0) == ["a:1", "a:2"] })
    }

    @Test func updatesFollowANewFileMatchingTheGlob() async throws {
        _ = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery("\(folder)/*.json").updates())
        defer { consumer.cancel() }
        #expect(await updates.waitForLatest { addresses($0) == ["a:1"] })

        _ = try write("b.json", #"[{"targets": ["b:1"]}]"#)
        #expect(await updates.waitForLatest { addresses($0) == ["a:1", "b:1"] })
    }

    @Test func updatesFollowARemovedFile() async throws {
        let a = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        _ = try write("b.json", #"[{"targets": ["b:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery("\(folder)/*.json").updates())
        defer { consumer.cancel() }
        #expect(await updates.waitForLatest { addresses($0) == ["a:1", "b:1"] })

        try FileManager.default.removeItem(atPath: a)
        #expect(await updates.waitForLatest { addresses($0) == ["b:1"] })
    }

    @Test func updatesFollowAFileReplacedByRename() async throws {
        let path = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery(path).updates())
        defer { consumer.cancel() }
        #expect(await updates.waitForLatest { addresses($0) == ["a:1"] })

        // The same size, written by rename: a new inode, though the time may fall in the same tick.
        try Data(#"[{"targets": ["b:1"]}]"#.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        #expect(await updates.waitForLatest { addresses($0) == ["b:1"] })
    }

    @Test func updatesRereadEveryRefreshIntervalWithoutChanges() async throws {
        let path = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery(path, refreshInterval: .milliseconds(50)).updates())
        defer { consumer.cancel() }
        #expect(await updates.wait { received in received.count >= 3 && received.allSatisfy { addresses($0) == ["a:1"] } })
    }

    @Test func updatesEndWhenTheConsumerIsCancelled() async throws {
        let path = try write("a.json", #"[{"targets": ["a:1"]}]"#)
        let updates = UpdateRecorder()
        let consumer = updates.consume(discovery(path).updates())
        #expect(await updates.waitForLatest { addresses($0) == ["a:1"] })
        consumer.cancel()
        // Returns only once the stream has ended; the suite's time limit catches a hang.
        await consumer.value
    }

    // MARK: Helpers

    /// Writes `text` in place (not by rename) to `name` under the test folder, or to an absolute path.
    @discardableResult
    private func write(_ name: String, _ text: String) throws -> String {
        let path = name.hasPrefix("/") ? name : "\(folder)/\(name)"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    private func discovery(_ files: String..., refreshInterval: Duration = .seconds(3600)) -> FileDiscovery {
        // A refresh interval of an hour: in these tests, only noticing a change can bring an update.
        FileDiscovery(
            FileSDConfiguration(files: files, refreshInterval: refreshInterval), pollInterval: .milliseconds(20),
            logger: log.logger)
    }
}

private func address(_ hostPort: String) -> Labels {
    Labels(["__address__": hostPort])
}

/// Every target's address, group by group.
private func addresses(_ groups: [TargetGroup]) -> [String] {
    groups.flatMap { $0.targets.compactMap { $0["__address__"] } }
}
