/// The timeout of probes expected to succeed: far above what a loopback answer needs, so that a
/// machine busy with the rest of the suite does not turn a success into a timeout.
let generousProbeTimeout: Duration = .seconds(30)
