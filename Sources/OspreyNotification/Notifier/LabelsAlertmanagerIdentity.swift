import OspreyGoCompat
import OspreyModel

extension Labels {
    /// The alert fingerprint Alertmanager and Prometheus compute (`model.LabelSet.Fingerprint`):
    /// FNV-1a 64 over the names and values in name order, each followed by a 0xFF byte.
    public var alertmanagerFingerprint: UInt64 {
        var hash = FNV1a()
        for label in self {
            hash.add(label.name)
            hash.add(label.value)
        }
        return hash.value
    }

    /// The fingerprint as Alertmanager prints it: 16 lower-case hex digits.
    public var alertmanagerFingerprintText: String {
        let digits = String(alertmanagerFingerprint, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The label set as Go's `model.LabelSet.String()` prints it, `{a="1", b="2"}`: the form
    /// group keys are made of.
    public var alertmanagerText: String {
        "{" + map { "\($0.name)=\(GoQuote.string($0.value))" }.joined(separator: ", ") + "}"
    }
}
