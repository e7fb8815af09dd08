import OspreyConfig
import OspreyModel

/// Targets from one source (one `static_configs` entry, one target file's entry), as
/// Prometheus's `targetgroup.Group`: each target's own labels (`__address__` at least) and the
/// labels common to all of them.
public struct TargetGroup: Sendable, Equatable {
    /// Where the group came from, e.g. `0` for the first static config or `file.json:1`.
    public var source: String
    public var targets: [Labels]
    public var labels: Labels

    public init(source: String, targets: [Labels], labels: Labels = Labels()) {
        self.source = source
        self.targets = targets
        self.labels = labels
    }
}

extension TargetGroup {
    /// The groups `static_configs` writes out: one per entry, sourced by its position.
    public static func groups(of configs: [StaticConfiguration]) -> [TargetGroup] {
        configs.enumerated().map { index, config in
            TargetGroup(
                source: String(index), targets: config.targets.map { Labels([Label(TargetLabelNames.address, $0)]) },
                labels: Labels(config.labels))
        }
    }
}
