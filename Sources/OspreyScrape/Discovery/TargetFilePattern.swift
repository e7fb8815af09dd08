import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files one `file_sd_configs` entry names, as Prometheus lists them with Go's
/// `filepath.Glob`: the path itself if it exists, or, when its last element holds a glob
/// (`targets/*.json`), every name in that folder it matches, in byte order. Only the last element
/// may be a glob, as Prometheus's config allows.
enum TargetFilePattern {
    static func files(matching pattern: String) -> [String] {
        let slash = pattern.lastIndex(of: "/")
        // The folder keeps its trailing slash, so that joining it to a name is concatenation.
        let folder = slash.map { String(pattern[...$0]) } ?? ""
        let namePattern = slash.map { String(pattern[pattern.index(after: $0)...]) } ?? pattern
        guard namePattern.contains(where: { "*?[\\".contains($0) }) else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        // A missing folder matches nothing, as in Go.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        // No FNM_PERIOD: Go's `*` matches a leading dot too.
        return names.filter { fnmatch(namePattern, $0, 0) == 0 }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { folder + $0 }
    }
}
