import Foundation
import OspreyTestSupport

/// Debian's Chromium, headless, loading a page as a user's browser would: the DOM once the
/// page's scripts and requests are done, what the console printed, and a screenshot.
enum HeadlessChromium {
    static let binary = "/usr/bin/chromium"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    struct Page {
        var dom: String
        /// Every console line (`console.log`, errors, failed loads); a healthy page prints none.
        var console: [String]

        /// The elements carrying `attribute`, each as its attributes.
        func elements(with attribute: String) -> [[String: String]] {
            let tags = dom.matches(of: /<[a-zA-Z][a-zA-Z0-9]*\s[^>]*>/).map { String($0.output) }.filter { $0.contains(" \(attribute)=") }
            return tags.map { tag in
                var attributes: [String: String] = [:]
                for match in tag.matches(of: /([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"/) {
                    attributes[String(match.output.1)] = String(match.output.2)
                        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                }
                return attributes
            }
        }
    }

    /// Loads `url` and lets its scripts run for `budget` of virtual time (requests in flight
    /// hold virtual time still, so their answers arrive within it).
    /// `arguments` go to Chromium before the URL (`--allow-file-access-from-files` for a page on disk
    /// that loads modules beside it).
    static func load(_ url: String, budget: Duration = .seconds(10), arguments: [String] = []) async throws -> Page {
        let output = try await run(arguments + ["--virtual-time-budget=\(budget.components.seconds * 1000)", "--dump-dom", url])
        let console = output.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Page(dom: output.stdout, console: console)
    }

    /// A picture of the page, written to `path`.
    static func screenshot(_ url: String, to path: String, budget: Duration = .seconds(10)) async throws {
        _ = try await run([
            "--virtual-time-budget=\(budget.components.seconds * 1000)", "--window-size=1600,2200", "--screenshot=\(path)", url,
        ])
        guard FileManager.default.fileExists(atPath: path) else { throw TestFailure("no screenshot of \(url) at \(path)") }
    }

    private static func run(_ arguments: [String]) async throws -> (stdout: String, stderr: String) {
        let profile = try TemporaryFolder()
        let output = try await Program.run(
            binary,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
            ] + arguments)
        return (output.stdoutText, output.stderrText)
    }
}
