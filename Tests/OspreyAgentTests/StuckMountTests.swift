import Dispatch
import OspreyFormats
import OspreyTestSupport
import Synchronization
import Testing

@testable import OspreyAgent

/// A mount whose statistics call hangs (an NFS server gone away) must not hang the scrape.
struct StuckMountTests {
    final class Calls: Sendable {
        let count = Mutex(0)
    }

    @Test func unresponsiveMountReportsAnErrorUntilItsCallReturns() async throws {
        let (folder, paths) = try makeHost([
            "proc/mounts": "server:/export /srv nfs4 rw 0 0\n/dev/sda1 /home ext4 rw 0 0\n"
        ])
        _ = folder
        let release = DispatchSemaphore(value: 0)
        let calls = Calls()
        let collector = try FilesystemCollector(
            paths: paths, mountPointsExclude: nil, fsTypesExclude: nil, mountTimeout: .milliseconds(500)
        ) { path in
            if path.hasSuffix("/srv") {
                calls.count.withLock { $0 += 1 }
                // Every call waits for the release, then lets the next one through.
                release.wait()
                release.signal()
            }
            return FilesystemStatistics(size: 100, free: 50, available: 40, files: 10, filesFree: 5)
        }

        var families = try collector.collect()
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/srv"]) == 1)
        #expect(families.value("node_filesystem_size_bytes", ["mountpoint": "/srv"]) == nil)
        #expect(families.value("node_filesystem_size_bytes", ["mountpoint": "/home"]) == 100)

        families = try collector.collect()
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/srv"]) == 1)
        #expect(calls.count.withLock { $0 } == 1, "no second call piles up behind the hung one")

        release.signal()
        // Waits for the released call's thread, which a loaded machine may schedule late.
        try await eventually(timeout: .seconds(60)) {
            try collector.collect().value("node_filesystem_device_error", ["mountpoint": "/srv"]) == 0
        }
        #expect(try collector.collect().value("node_filesystem_size_bytes", ["mountpoint": "/srv"]) == 100)
    }
}
