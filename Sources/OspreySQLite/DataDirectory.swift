import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data folder, held exclusively: two Osprey processes writing one folder would corrupt it,
/// so opening takes an advisory lock on `lock` inside it, as Prometheus does with its `lock` file.
public final class DataDirectory: Sendable {
    public let path: String
    private let lockDescriptor: Int32

    public enum OpenError: Error, CustomStringConvertible {
        case cannotCreate(path: String, reason: String)
        case inUse(path: String, holder: String)

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason): "cannot create data folder \(path): \(reason)"
            case .inUse(let path, let holder):
                "data folder \(path) is in use by another Osprey process\(holder.isEmpty ? "" : " (pid \(holder))")"
            }
        }
    }

    /// Creates the folder if needed and locks it.
    public init(path: String) throws(OpenError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: absolute, reason: error.localizedDescription)
        }
        let lockPath = absolute + "/lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotCreate(path: absolute, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: lockPath, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw .inUse(path: absolute, holder: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.path = absolute
        self.lockDescriptor = descriptor
    }

    /// Bytes of every file under the folder.
    public func sizeOnDisk() -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        for case let relative as String in walker {
            var info = stat()
            if stat(path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                total += Int64(info.st_size)
            }
        }
        return total
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }
}
