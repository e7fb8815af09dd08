import OspreyModel

/// The label set while relabelling runs, kept as Prometheus's `labels.Builder` keeps it: the labels
/// it started from, plus changes in the order they were made. That order is visible: `labelmap`
/// visits the untouched labels in name order and then the changed ones in the order they were
/// set, so when two labels map to one name, the one visited last wins, as in Prometheus.
struct RelabelBuilder {
    private let base: Labels
    /// Labels set since the start, in the order first set; never an empty value.
    private var added: [Label] = []
    /// Names removed since the start; a name set again afterwards is in `added` too.
    private var deleted: [String] = []

    init(_ labels: Labels) {
        base = labels
    }

    /// The label's value, or "" when there is none, as Prometheus treats a missing label.
    func value(of name: String) -> String {
        if let label = added.first(where: { sameBytes($0.name, name) }) { return label.value }
        if deleted.contains(where: { sameBytes($0, name) }) { return "" }
        return base.first { sameBytes($0.name, name) }?.value ?? ""
    }

    /// Sets a label; an empty value removes it, as an empty label is no label.
    mutating func set(_ name: String, to value: String) {
        guard !value.isEmpty else {
            remove(name)
            return
        }
        if let index = added.firstIndex(where: { sameBytes($0.name, name) }) {
            added[index].value = value
        } else {
            added.append(Label(name, value))
        }
    }

    mutating func remove(_ name: String) {
        added.removeAll { sameBytes($0.name, name) }
        deleted.append(name)
    }

    /// The current labels in Prometheus's visiting order: untouched ones by name, then changed
    /// ones in the order they were set. A copy, so callers may change the builder while visiting.
    var current: [Label] {
        untouched + added
    }

    /// The finished label set.
    var labels: Labels {
        if added.isEmpty && deleted.isEmpty { return base }
        return Labels(current)
    }

    private var untouched: [Label] {
        if added.isEmpty && deleted.isEmpty { return base.pairs }
        return base.pairs.filter { label in
            !deleted.contains { sameBytes($0, label.name) } && !added.contains { sameBytes($0.name, label.name) }
        }
    }
}
