import Dispatch
import Glibc
import OspreyFormats
import OspreyModel
import Synchronization

/// node_exporter's `filesystem` collector: size and inode counts of each mounted filesystem,
/// from the mount table of PID 1 and `statvfs`.
public struct FilesystemCollector: HostCollector {
    public let name = "filesystem"
    public var paths: HostPaths
    public var mountPointsExclude: ExcludePattern
    public var fsTypesExclude: ExcludePattern

    /// node_exporter 1.5's `--collector.filesystem.mount-points-exclude` default.
    public static let defaultMountPointsExclude =
        "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
    /// node_exporter 1.5's `--collector.filesystem.fs-types-exclude` default.
    public static let defaultFSTypesExclude =
        "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$"

    /// How long one mount's statistics may take before the mount counts as unresponsive
    /// (node_exporter's `--collector.filesystem.mount-timeout`, 5 s).
    public var mountTimeout: Duration
    /// Reads one mount's statistics; `statvfs` but for tests.
    let statistics: @Sendable (String) -> FilesystemStatistics?
    /// Mounts whose statistics call has not returned, shared by copies of this collector.
    let stuckMounts = StuckMounts()

    public init(
        paths: HostPaths = HostPaths(), mountPointsExclude: ExcludePattern? = nil, fsTypesExclude: ExcludePattern? = nil,
        mountTimeout: Duration = .seconds(5)
    ) throws {
        try self.init(
            paths: paths, mountPointsExclude: mountPointsExclude, fsTypesExclude: fsTypesExclude,
            mountTimeout: mountTimeout, statistics: FilesystemStatistics.read)
    }

    init(
        paths: HostPaths, mountPointsExclude: ExcludePattern?, fsTypesExclude: ExcludePattern?, mountTimeout: Duration,
        statistics: @escaping @Sendable (String) -> FilesystemStatistics?
    ) throws {
        self.paths = paths
        self.mountPointsExclude = try mountPointsExclude ?? ExcludePattern(Self.defaultMountPointsExclude)
        self.fsTypesExclude = try fsTypesExclude ?? ExcludePattern(Self.defaultFSTypesExclude)
        self.mountTimeout = mountTimeout
        self.statistics = statistics
    }

    /// One line of the mount table.
    struct Mount: Hashable, Sendable {
        var device: String
        var mountPoint: String
        var fsType: String
        var options: [Substring]

        var labels: [(String, String)] { [("device", device), ("fstype", fsType), ("mountpoint", mountPoint)] }
    }

    public func collect() throws -> [MetricFamily] {
        var size = FamilyBuilder("node_filesystem_size_bytes", .gauge, help: "Filesystem size in bytes.")
        var free = FamilyBuilder("node_filesystem_free_bytes", .gauge, help: "Filesystem free space in bytes.")
        var avail = FamilyBuilder(
            "node_filesystem_avail_bytes", .gauge, help: "Filesystem space available to non-root users in bytes.")
        var files = FamilyBuilder("node_filesystem_files", .gauge, help: "Filesystem total file nodes.")
        var filesFree = FamilyBuilder("node_filesystem_files_free", .gauge, help: "Filesystem total free file nodes.")
        var readonly = FamilyBuilder("node_filesystem_readonly", .gauge, help: "Filesystem read-only status.")
        var deviceError = FamilyBuilder(
            "node_filesystem_device_error", .gauge,
            help: "Whether an error occurred while getting statistics for the given device.")

        // A filesystem mounted twice at one place (bind mounts, /dev/shm here) is one series,
        // as node_exporter exposes each label set once.
        var seen: Set<[String]> = []
        for mount in try readMounts() {
            if mountPointsExclude.excludes(mount.mountPoint) || fsTypesExclude.excludes(mount.fsType) { continue }
            guard seen.insert([mount.device, mount.mountPoint, mount.fsType]).inserted else { continue }
            let labels = mount.labels
            guard
                let stats = stuckMounts.statistics(
                    of: paths.rootfs(mount.mountPoint), timeout: mountTimeout, reading: statistics)
            else {
                // node_exporter reports the failure and nothing else for this mount.
                deviceError.add(1, labels)
                continue
            }
            deviceError.add(0, labels)
            size.add(stats.size, labels)
            free.add(stats.free, labels)
            avail.add(stats.available, labels)
            files.add(stats.files, labels)
            filesFree.add(stats.filesFree, labels)
            readonly.add(mount.options.contains("ro") ? 1 : 0, labels)
        }
        return [
            avail.family, deviceError.family, files.family, filesFree.family, free.family, readonly.family,
            size.family,
        ]
    }

    /// PID 1's mount table, which is the host's even when this process runs in its own mount
    /// namespace; /proc/mounts when there is no PID 1 view (some containers).
    func readMounts() throws(HostCollectorError) -> [Mount] {
        var file = paths.proc("1/mounts")
        if !HostFile.exists(file) { file = paths.proc("mounts") }
        return try parseMounts(HostFile.read(file), file: file)
    }

    /// A container that mounts the host's / at `root` sees host mounts under it (/host/home);
    /// node_exporter reports them as the host names them (/home), and so does this.
    func stripRoot(_ mountPoint: String) -> String {
        let root = paths.root.hasSuffix("/") ? String(paths.root.dropLast()) : paths.root
        guard !root.isEmpty, mountPoint.hasPrefix(root) else { return mountPoint }
        let rest = mountPoint.dropFirst(root.count)
        if rest.isEmpty { return "/" }
        return rest.hasPrefix("/") ? String(rest) : mountPoint
    }

    func parseMounts(_ text: String, file: String) throws(HostCollectorError) -> [Mount] {
        var mounts: [Mount] = []
        for line in text.numberedLines where !line.fields.isEmpty {
            guard line.fields.count >= 4 else {
                throw HostCollectorError(
                    file: file, line: line.number, problem: "malformed mount point information: \"\(line.text)\"")
            }
            mounts.append(
                Mount(
                    device: String(line.fields[0]), mountPoint: stripRoot(Self.unescapeMountPoint(line.fields[1])),
                    fsType: String(line.fields[2]), options: line.fields[3].split(separator: ",")))
        }
        return mounts
    }

    /// The kernel writes a space in a mount point as `\040` and a tab as `\011` (fstab(5)).
    static func unescapeMountPoint(_ text: Substring) -> String {
        String(text).replacing("\\040", with: " ").replacing("\\011", with: "\t")
    }
}

/// What `statvfs` tells of one filesystem, in node_exporter's units.
public struct FilesystemStatistics: Sendable, Hashable {
    public var size: Double
    public var free: Double
    public var available: Double
    public var files: Double
    public var filesFree: Double

    public init(size: Double, free: Double, available: Double, files: Double, filesFree: Double) {
        self.size = size
        self.free = free
        self.available = available
        self.files = files
        self.filesFree = filesFree
    }

    /// nil when `statvfs` fails (a vanished mount, no permission).
    @Sendable static func read(_ path: String) -> FilesystemStatistics? {
        var stats = Glibc.statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        // f_bsize, as node_exporter multiplies statfs's Bsize; glibc's statvfs counts blocks
        // in the same unit.
        let blockSize = Double(stats.f_bsize)
        return FilesystemStatistics(
            size: Double(stats.f_blocks) * blockSize, free: Double(stats.f_bfree) * blockSize,
            available: Double(stats.f_bavail) * blockSize, files: Double(stats.f_files),
            filesFree: Double(stats.f_ffree))
    }
}

/// Mounts whose `statvfs` hangs (an unreachable NFS server): the call is made on another
/// thread, and a mount whose call outlasts the timeout reports a device error, and keeps doing
/// so without a new call, until its call returns. node_exporter 1.5 does the same from its
/// next scrape on; this also spares the scrape that finds the hang.
final class StuckMounts: Sendable {
    private struct State {
        var stuck: Set<String> = []
    }
    private let state = Mutex<State>(State())

    func statistics(
        of path: String, timeout: Duration, reading read: @escaping @Sendable (String) -> FilesystemStatistics?
    ) -> FilesystemStatistics? {
        if state.withLock({ $0.stuck.contains(path) }) { return nil }
        let call = PendingCall()
        // A serial queue of its own overcommits: it gets a thread even when the global queue's
        // few threads (one per core) are all blocked, as a hung mount's are.
        DispatchQueue(label: "osprey.agent.filesystem.statvfs").async {
            let result = read(path)
            call.finish(result) { self.state.withLock { _ = $0.stuck.remove(path) } }
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        _ = call.done.wait(timeout: .now() + .nanoseconds(nanoseconds))
        return call.take { state.withLock { _ = $0.stuck.insert(path) } }
    }

    /// One statistics call, finished by its thread or given up by the scrape, whichever is
    /// first; the lock makes "given up" and "finished" exclusive so a mount never stays
    /// marked stuck after its call returned.
    private final class PendingCall: Sendable {
        let done = DispatchSemaphore(value: 0)
        private let outcome = Mutex<(finished: Bool, abandoned: Bool, result: FilesystemStatistics?)>(
            (false, false, nil))

        func finish(_ result: FilesystemStatistics?, recovered: () -> Void) {
            let abandoned = outcome.withLock { outcome in
                outcome.finished = true
                outcome.result = result
                return outcome.abandoned
            }
            if abandoned { recovered() }
            done.signal()
        }

        /// The result if the call finished, else marks it abandoned and calls `stuck` (under
        /// the same lock as `finish` reads it, so the two cannot interleave).
        func take(stuck: () -> Void) -> FilesystemStatistics? {
            outcome.withLock { outcome in
                if outcome.finished { return outcome.result }
                outcome.abandoned = true
                stuck()
                return nil
            }
        }
    }
}
