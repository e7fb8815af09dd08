import Foundation

/// Expands `rule_files` entries into file paths, as Prometheus does: each entry is a path or a
/// glob (`rules/*.yml`), relative ones taken from the config file's folder; a glob that matches
/// nothing is not an error.
public enum RuleFilePaths {
    public static func expand(_ patterns: [String], relativeTo directory: String?) -> [String] {
        var paths: [String] = []
        var seen: Set<String> = []
        for pattern in patterns {
            let absolute = pattern.hasPrefix("/") ? pattern : directory.map { $0 + "/" + pattern } ?? pattern
            for path in glob(absolute) where seen.insert(path).inserted {
                paths.append(path)
            }
        }
        return paths
    }

    /// POSIX glob(3): matches sorted, none for a pattern that matches nothing.
    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
