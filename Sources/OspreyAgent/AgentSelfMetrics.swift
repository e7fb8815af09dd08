import OspreyFormats
import OspreyModel

/// The agent's own metrics: how full its buffer is and how its pushes go. Shipped with its data
/// and served on the local port's `/metrics`.
struct AgentSelfMetrics: Sendable {
    let queue: SampleQueue
    let shipper: Shipper

    var families: [MetricFamily] {
        let queued = queue.statistics
        let shipped = shipper.statistics
        func gauge(_ name: String, _ help: String, _ value: Double) -> MetricFamily {
            MetricFamily(name: name, type: .gauge, help: help, samples: [FamilySample(labels: Labels([Labels.metricName: name]), value: value)])
        }
        func counter(_ name: String, _ help: String, _ values: [(labels: [String: String], value: Int)]) -> MetricFamily {
            MetricFamily(
                name: name, type: .counter, help: help,
                samples: values.map { FamilySample(labels: Labels($0.labels.merging([Labels.metricName: name]) { $1 }), value: Double($0.value)) })
        }
        var families = [
            gauge("osprey_agent_queue_bytes", "Bytes of samples waiting in the agent's buffer.", Double(queued.bytes)),
            gauge("osprey_agent_queue_samples", "Samples waiting in the agent's buffer.", Double(queued.samples)),
            counter(
                "osprey_agent_pushes_total", "Pushes to a server, by result.",
                [(["result": "sent"], shipped.pushesSent), (["result": "failed"], shipped.pushesFailed)]),
            counter("osprey_agent_samples_sent_total", "Samples a server acknowledged.", [([:], shipped.samplesSent)]),
            counter(
                "osprey_agent_samples_dropped_total", "Samples dropped: the buffer was full, or a server refused them as bad data.",
                [(["reason": "buffer_full"], queued.droppedSamples), (["reason": "rejected"], shipped.samplesRejected)]),
        ]
        if let last = shipped.lastSuccess {
            families.append(
                gauge(
                    "osprey_agent_last_success_timestamp_seconds", "When a server last acknowledged a push, in Unix seconds.",
                    last.timeIntervalSince1970))
        }
        return families
    }
}
