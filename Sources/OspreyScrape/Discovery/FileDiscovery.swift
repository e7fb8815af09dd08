import Logging
import OspreyConfig
import Synchronization

/// `file_sd_configs`: targets listed in JSON or YAML files (see `TargetFile`), re-read when a
/// file changes and every `refresh_interval`, as Prometheus's file discovery does.
///
/// Prometheus watches the files with inotify. We poll instead: every `pollInterval` we stat each
/// matching file and compare modification time, size and inode (`FileStamp`), and list the glob's
/// folder again to see files appear or disappear. Polling behaves alike on every platform and
/// filesystem (network mounts, where inotify sees nothing, and ConfigMap symlink swaps), at the
/// cost of noticing a change up to one poll late. An in-place edit that keeps the size within the
/// filesystem's timestamp granularity can go unseen until the next `refresh_interval`, the same
/// backstop Prometheus relies on for events inotify misses.
public final class FileDiscovery: Sendable {
    /// The label Prometheus's file discovery gives every group: the path of the file it came from.
    public static let filePathLabel = "__meta_filepath"

    private let config: FileSDConfiguration
    private let pollInterval: Duration
    private let logger: Logger
    /// Each file's groups at its last good read, for the files that matched at the last read;
    /// a file that stops matching is forgotten, as Prometheus drops its groups.
    private let lastGoodGroups = Mutex<[String: [TargetGroup]]>([:])

    public init(_ config: FileSDConfiguration, pollInterval: Duration = .seconds(5), logger: Logger) {
        self.config = config
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// The groups of every matching file now. A file that cannot be read or parsed is logged
    /// and keeps the groups it had at its last good read (none if it never had one).
    public func read() -> [TargetGroup] {
        let files = matchingFiles()
        // The lock is held across the reads so that concurrent callers each see, and leave
        // behind, one consistent picture of the files.
        return lastGoodGroups.withLock { lastGood in
            var current: [String: [TargetGroup]] = [:]
            var groups: [TargetGroup] = []
            for file in files {
                let fileGroups: [TargetGroup]
                do throws(TargetFileError) {
                    fileGroups = try TargetFile.groups(at: file)
                } catch {
                    logger.error(
                        "cannot use target file; keeping its last good targets",
                        metadata: ["file": "\(file)", "error": "\(error)"])
                    fileGroups = lastGood[file] ?? []
                }
                current[file] = fileGroups
                groups += fileGroups
            }
            lastGood = current
            return groups
        }
    }

    /// The groups now, then again whenever a file changes (modification time, size, or a file
    /// appearing or disappearing: checked every pollInterval) and every refresh_interval.
    /// Ends when the consuming task is cancelled.
    public func updates() -> AsyncStream<[TargetGroup]> {
        // Every element is the whole picture, so a consumer that falls behind needs only the newest.
        let (stream, continuation) = AsyncStream.makeStream(of: [TargetGroup].self, bufferingPolicy: .bufferingNewest(1))
        let watcher = Task { await self.watch(into: continuation) }
        // Called when the consumer is cancelled or drops the stream.
        continuation.onTermination = { _ in watcher.cancel() }
        return stream
    }

    private func watch(into continuation: AsyncStream<[TargetGroup]>.Continuation) async {
        let clock = ContinuousClock()
        // Stamps are taken before the read, so a change made during it is seen at the next poll.
        var stamps = currentStamps()
        continuation.yield(read())
        var lastRead = clock.now
        while true {
            do {
                try await clock.sleep(for: pollInterval)
            } catch {
                break
            }
            let now = currentStamps()
            guard now != stamps || clock.now - lastRead >= config.refreshInterval else { continue }
            stamps = now
            lastRead = clock.now
            continuation.yield(read())
        }
        continuation.finish()
    }

    /// Every file the config's patterns match, each once, in the order the patterns name them.
    private func matchingFiles() -> [String] {
        var seen: Set<String> = []
        return config.files.flatMap(TargetFilePattern.files(matching:)).filter { seen.insert($0).inserted }
    }

    /// Matching files by path; a file that appears or disappears changes the keys.
    private func currentStamps() -> [String: FileStamp?] {
        Dictionary(matchingFiles().map { ($0, FileStamp(path: $0)) }, uniquingKeysWith: { first, _ in first })
    }
}
