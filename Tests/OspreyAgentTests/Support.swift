import Foundation
import OspreyAgent
import OspreyFormats
import OspreyModel
import OspreyTestSupport
import Testing

/// The fixture root tree (see Fixtures/README.md).
func fixtureRoot() throws -> HostPaths {
    // `.copy("Fixtures")` keeps the folder as one resource.
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return HostPaths(root: folder.path)
}

extension [MetricFamily] {
    func family(_ name: String) -> MetricFamily? { first { $0.name == name } }

    /// The value of the one sample of `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        family(name)?.samples.first { sample in labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }
}

/// Writes `files` (paths relative to the folder) into a fresh folder for a made-up host.
func makeHost(_ files: [String: String]) throws -> (TemporaryFolder, HostPaths) {
    let folder = try TemporaryFolder()
    for (relative, content) in files {
        let url = URL(fileURLWithPath: folder.path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
    return (folder, HostPaths(root: folder.path))
}

extension URL {
    /// This URL, after creating its parent folder.
    func createdParent() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
