import OspreyConfig
import OspreyModel

/// Runs one probe of a module against a target with the prober the module names, as blackbox
/// exporter's `/probe?module=M&target=T` does.
public enum ProbeRunner {
    public static func probe(_ target: String, module: ProbeModuleConfiguration, timeout: Duration) async -> ProbeResult {
        switch module.prober {
        case .http:
            return await HTTPProber(module.http ?? HTTPProbeConfiguration(), timeout: timeout).probe(target)
        case .tcp:
            return await TCPProber(module.tcp ?? TCPProbeConfiguration(), timeout: timeout).probe(target)
        case .icmp:
            return await ICMPProber(module.icmp ?? ICMPProbeConfiguration(), timeout: timeout).probe(target)
        case .dns:
            guard let dns = module.dns else {
                return ProbeResult(
                    success: false, duration: .zero, metrics: [],
                    failure: "the dns module has no dns block with a query_name to ask")
            }
            return await DNSProber(dns, timeout: timeout).probe(target)
        }
    }

    /// The probes of `configuration`'s jobs, one per target; jobs whose module is missing have none.
    public static func scheduledProbes(of configuration: OspreyConfiguration) -> [ScheduledProbe] {
        configuration.probes.jobs.flatMap { job -> [ScheduledProbe] in
            guard let module = configuration.probeModule(named: job.module) else { return [] }
            return job.targets.map { target in
                ScheduledProbe(
                    job: job.jobName, module: job.module, target: target, interval: job.interval,
                    timeout: job.timeout(for: module), labels: Labels(job.labels))
            }
        }
    }
}
