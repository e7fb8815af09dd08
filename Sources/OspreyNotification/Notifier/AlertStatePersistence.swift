/// Where the dispatcher keeps the alerts it holds, so that a restart of Osprey forgets none: a
/// firing alert whose condition cleared meanwhile still resolves when its `endsAt` passes, and
/// its receivers hear so, as when Alertmanager outlives a Prometheus restart.
public protocol AlertStatePersistence: Sendable {
    /// Stores `alerts`, replacing those with the same fingerprint, in one transaction.
    func saveAlerts(_ alerts: [Alert]) async throws

    /// Forgets the alerts with these fingerprints; unknown ones are ignored.
    func removeAlerts(_ fingerprints: Set<UInt64>) async throws

    /// Every alert stored.
    func loadAlerts() async throws -> [Alert]
}
