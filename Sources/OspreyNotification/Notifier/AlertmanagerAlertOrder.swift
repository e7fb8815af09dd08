import OspreyModel

extension Alert {
    /// The order of alerts in a notification, Alertmanager's: by `job`, then `instance` (alerts
    /// with the label first), then by label set (fewer labels first, then by values).
    public static func alertmanagerOrder(_ lhs: Alert, _ rhs: Alert) -> Bool {
        for name in ["job", "instance"] {
            switch (lhs.labels[name], rhs.labels[name]) {
            case (nil, nil): continue
            case (nil, _): return false
            case (_, nil): return true
            case (let left?, let right?):
                let order = compareBytes(left, right)
                if order != 0 { return order < 0 }
            }
        }
        return labelSetBefore(lhs.labels, rhs.labels)
    }

    /// Go's `model.LabelSet.Before`.
    private static func labelSetBefore(_ lhs: Labels, _ rhs: Labels) -> Bool {
        if lhs.count != rhs.count { return lhs.count < rhs.count }
        let names = (lhs.map(\.name) + rhs.map(\.name)).sorted { compareBytes($0, $1) < 0 }
        for name in names {
            guard let left = lhs[name] else { return true }
            guard let right = rhs[name] else { return false }
            let order = compareBytes(left, right)
            if order != 0 { return order < 0 }
        }
        return false
    }
}
