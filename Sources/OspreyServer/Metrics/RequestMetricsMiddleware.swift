import Hummingbird

/// Counts and times every request by its route, so `/metrics` shows what the server answers.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: SelfMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, code: response.status.code, since: start)
            return response
        } catch {
            let code = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, code: code, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, code: Int, since start: ContinuousClock.Instant) {
        metrics.requestServed(
            handler: context.endpointPath ?? "NotFound", method: request.method.rawValue, code: code,
            duration: ContinuousClock.now - start)
    }
}
