import Foundation

/// Executables of this package (`osprey`, `osprey-fuzz`), found in the products folder that
/// also holds the test bundle, so tests run them as a user would.
public enum BuiltProduct {
    public static func path(of name: String) throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for folder in candidates {
            let binary = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        }
        throw TestFailure("\(name) binary not found beside the tests in \(candidates.map(\.path))")
    }
}
