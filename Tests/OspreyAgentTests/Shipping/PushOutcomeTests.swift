import Foundation
import NIOHTTP1
import Testing

@testable import OspreyAgent

@Suite struct PushOutcomeTests {
    /// Tue, 14 Nov 2023 22:13:20 GMT.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func outcome(_ code: Int, _ headers: [(String, String)] = [], body: String = "") -> PushOutcome {
        PushOutcome(status: HTTPResponseStatus(statusCode: code), headers: HTTPHeaders(headers), body: body, now: now)
    }

    @Test func retryAfterInSeconds() {
        #expect(PushOutcome.retryAfter("120", now: Self.now) == .seconds(120))
        #expect(PushOutcome.retryAfter(" 1 ", now: Self.now) == .seconds(1))
        #expect(PushOutcome.retryAfter("0", now: Self.now) == .zero)
        #expect(PushOutcome.retryAfter("-5", now: Self.now) == nil)
        #expect(PushOutcome.retryAfter("soon", now: Self.now) == nil)
        #expect(PushOutcome.retryAfter("", now: Self.now) == nil)
    }

    @Test func retryAfterAsAnHTTPDate() {
        #expect(PushOutcome.retryAfter("Tue, 14 Nov 2023 22:13:50 GMT", now: Self.now) == .seconds(30))
        #expect(PushOutcome.retryAfter("Wed, 15 Nov 2023 00:13:20 GMT", now: Self.now) == .seconds(7200))
        // A date already past means now.
        #expect(PushOutcome.retryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now: Self.now) == .zero)
    }

    @Test func statusesAreClassified() {
        #expect(Self.outcome(200) == .delivered)
        #expect(Self.outcome(204) == .delivered)
        #expect(Self.outcome(400, body: "bad line") == .rejected("HTTP 400: bad line"))
        #expect(Self.outcome(401) == .rejected("HTTP 401"))
        #expect(Self.outcome(404) == .rejected("HTTP 404"))
        #expect(Self.outcome(413) == .rejected("HTTP 413"))
        #expect(Self.outcome(408) == .retry("HTTP 408", retryAfter: nil))
        #expect(Self.outcome(500) == .retry("HTTP 500", retryAfter: nil))
        #expect(Self.outcome(502, body: "gateway") == .retry("HTTP 502: gateway", retryAfter: nil))
        #expect(Self.outcome(429, [("Retry-After", "3")]) == .retry("HTTP 429", retryAfter: .seconds(3)))
        #expect(
            Self.outcome(503, [("Retry-After", "Tue, 14 Nov 2023 22:14:20 GMT")]) == .retry("HTTP 503", retryAfter: .seconds(60)))
        #expect(Self.outcome(503, [("Retry-After", "later")]) == .retry("HTTP 503", retryAfter: nil))
    }

    @Test func theBreakerOpensAfterThreeFailuresAndForRetryAfter() {
        let start = ContinuousClock.now
        var breaker = CircuitBreaker()
        breaker.failed(at: start)
        breaker.failed(at: start)
        #expect(breaker.isClosed(at: start))
        breaker.failed(at: start)
        #expect(!breaker.isClosed(at: start))
        #expect(breaker.isClosed(at: start + .seconds(1)))
        // A failed trial doubles the cooldown.
        breaker.failed(at: start + .seconds(1))
        #expect(!breaker.isClosed(at: start + .seconds(2.5)))
        #expect(breaker.isClosed(at: start + .seconds(3)))
        breaker.succeeded()
        #expect(breaker.isClosed(at: start + .seconds(1)))
        #expect(breaker.consecutiveFailures == 0)

        breaker.failed(at: start, retryAfter: .seconds(10))
        #expect(!breaker.isClosed(at: start + .seconds(9)))
        #expect(breaker.isClosed(at: start + .seconds(10)))
    }
}
