import Hummingbird
import OspreyFormats

/// Osprey's own `/metrics`, in Prometheus text format.
struct MetricsRoute<Context: RequestContext> {
    let metrics: SelfMetrics
    let storage: StorageService
    let ingest: IngestGate
    let query: QueryGate
    let rules: RuleService
    let notifier: NotifierService

    func register(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            metrics.setInFlight(
                ingest: ingest.access.limit.holders, ingestBytes: ingest.memory.drawn, query: query.access.limit.holders)
            if let opened = storage.opened {
                metrics.observe(opened.storage.statistics(), dataBytes: opened.directory.sizeOnDisk())
            }
            if let notifier = notifier.opened {
                let queued = (try? await notifier.delivery.pendingCount()) ?? 0
                metrics.observe(
                    ruleGroups: await rules.manager?.groups() ?? [], deliveries: notifier.delivery.statistics, queued: queued)
            }
            return Response(
                status: .ok, headers: [.contentType: ExpositionFormat.text.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
