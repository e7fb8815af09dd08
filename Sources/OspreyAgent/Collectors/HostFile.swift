import Glibc

/// Reads pseudo-files of /proc and /sys whole. They report a size of 0, so this reads until
/// end of file rather than trusting `stat`.
enum HostFile {
    static func read(_ path: String) throws(HostCollectorError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw HostCollectorError(file: path, problem: "cannot open: \(errorText(errno))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw HostCollectorError(file: path, problem: "cannot read: \(errorText(errno))")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file's content without its trailing newline, or nil when it does not exist; for
    /// optional attributes in /sys that older kernels lack.
    static func readIfPresent(_ path: String) throws(HostCollectorError) -> String? {
        guard access(path, F_OK) == 0 else { return nil }
        return try read(path).trimmingTrailingNewlines()
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Names in a directory, sorted as Go's `filepath.Glob` returns them; empty when the
    /// directory does not exist.
    static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

/// The lines of a file with their 1-based numbers, split on whitespace as Go's `strings.Fields`.
struct NumberedLine {
    var number: Int
    var text: Substring
    var fields: [Substring]
}

extension String {
    var numberedLines: [NumberedLine] {
        var lines: [NumberedLine] = []
        var number = 0
        for text in split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            lines.append(NumberedLine(number: number, text: text, fields: text.fieldsSplit))
        }
        return lines
    }

    func trimmingTrailingNewlines() -> String {
        var result = Substring(self)
        while let last = result.last, last == "\n" || last == "\r" { result = result.dropLast() }
        return String(result)
    }
}

extension StringProtocol {
    var fieldsSplit: [SubSequence] {
        split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }
}

/// Parses numbers of a pseudo-file, failing with the file and line.
struct FieldReader {
    let file: String
    let line: Int

    func unsigned(_ text: Substring, _ what: String) throws(HostCollectorError) -> UInt64 {
        guard let value = UInt64(text) else {
            throw HostCollectorError(file: file, line: line, problem: "\(what): \"\(text)\" is not an unsigned integer")
        }
        return value
    }

    func float(_ text: Substring, _ what: String) throws(HostCollectorError) -> Double {
        guard let value = Double(text), value.isFinite || text.lowercased().contains("inf") else {
            throw HostCollectorError(file: file, line: line, problem: "\(what): \"\(text)\" is not a number")
        }
        return value
    }

    func fail(_ problem: String) -> HostCollectorError {
        HostCollectorError(file: file, line: line, problem: problem)
    }
}
