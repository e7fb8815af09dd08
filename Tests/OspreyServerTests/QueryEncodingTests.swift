import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import OspreyGoCompat
import OspreyModel
import OspreyQuery
import Testing

@testable import OspreyServer

/// The query API's leaf encodings and parameter readers, byte for byte as Prometheus 2.42's
/// (each expectation was taken from the real binary's answers).
@Suite struct QueryEncodingTests {
    @Test(arguments: [
        (1.5, "1.5"), (1, "1"), (0, "0"), (-0.0, "-0"), (0.1 + 0.2, "0.30000000000000004"),
        (123_456_789_012_345_678_901_234, "123456789012345690000000"), (1e21, "1000000000000000000000"),
        (-2.5e-7, "-0.00000025"), (1e-6, "0.000001"), (9_007_199_254_740_993, "9007199254740992"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
        (Double.staleMarker, "NaN"), (123.456, "123.456"), (-42, "-42"), (1e15 + 0.5, "1000000000000000.5"),
    ])
    func valuesPrintAsGoFormatFloatFixedShortest(value: Double, expected: String) {
        #expect(value.goFixedString == expected)
    }

    @Test func extremeValuesPrintInFullWithoutExponent() {
        #expect(1e300.goFixedString == "1" + String(repeating: "0", count: 300))
        #expect(1e-300.goFixedString == "0." + String(repeating: "0", count: 299) + "1")
        #expect(5e-324.goFixedString == "0." + String(repeating: "0", count: 323) + "5")
        #expect(Double.greatestFiniteMagnitude.goFixedString.hasPrefix("17976931348623157"))
        #expect(Double.greatestFiniteMagnitude.goFixedString.count == 309)
    }

    @Test(
        arguments: [
            (1_700_000_000_000, "1700000000"), (1_700_000_000_500, "1700000000.5"), (1_700_000_000_120, "1700000000.12"),
            (1_700_000_000_001, "1700000000.001"), (1_700_000_000_010, "1700000000.01"), (-1500, "-1.5"), (0, "0"),
            (-1, "-0.001"), (999, "0.999"),
        ] as [(Int64, String)])
    func timestampsPrintAsSecondsWithoutTrailingZeros(milliseconds: Int64, expected: String) {
        var json = JSONWriter()
        json.timestamp(milliseconds)
        #expect(String(buffer: json.buffer) == expected)
    }

    @Test func stringsEscapeAsGoDoes() {
        var json = JSONWriter()
        json.string("x</>&\u{01}\u{7f}\u{2028}\u{2029}é\"\\\n\r\t\u{08}\u{0c}€")
        #expect(String(buffer: json.buffer) == #""x\u003c/\u003e\u0026\u0001"# + "\u{7f}" + #"\u2028\u2029é\"\\\n\r\t\u0008\u000c€""#)
    }

    @Test func resultShapesMatchPrometheus() {
        func encode(_ value: QueryValue) -> String {
            var json = JSONWriter()
            json.queryData(value)
            return String(buffer: json.buffer)
        }
        let labels = Labels(["__name__": "up", "job": "a\"b"])
        #expect(
            encode(.vector([VectorElement(labels: labels, timestamp: 1_700_000_000_123, value: 1.5)]))
                == #"{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\"b"},"value":[1700000000.123,"1.5"]}]}"#)
        #expect(encode(.vector([])) == #"{"resultType":"vector","result":[]}"#)
        #expect(
            encode(.matrix([RangeSeries(labels: Labels(), samples: [Sample(timestamp: 1000, value: 1), Sample(timestamp: 16000, value: .nan)])]))
                == #"{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[16,"NaN"]]}]}"#)
        #expect(
            encode(.scalar(Sample(timestamp: 1_700_000_000_500, value: -.infinity))) == #"{"resultType":"scalar","result":[1700000000.5,"-Inf"]}"#)
        #expect(encode(.string(timestamp: 1_700_000_000_000, value: "a\nb")) == #"{"resultType":"string","result":[1700000000,"a\nb"]}"#)
    }

    @Test(
        arguments: [
            ("1700000000", 1_700_000_000_000), ("1700000000.123", 1_700_000_000_123), ("1700000000.0015", 1_700_000_000_001),
            ("1700000000.0005", 1_700_000_000_000), ("-1.5", -1500), ("-0.0004", 0), ("1e3", 1_000_000), ("1.009", 1009),
            ("2023-11-14T22:13:20Z", 1_700_000_000_000), ("2023-11-14T22:13:20.123456789Z", 1_700_000_000_123),
            ("2023-11-14T23:13:20.5+01:00", 1_700_000_000_500), ("2023-11-14T22:13:20.5-01:30", 1_700_005_400_500),
            ("1969-12-31T23:59:59.5Z", -500), ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ] as [(String, Int64)])
    func timesReadAsPrometheusReadsThem(text: String, milliseconds: Int64) throws {
        #expect(try APITime.timestamp(text) == milliseconds)
    }

    @Test(arguments: [
        "x", "", " 5", "2023-11-14", "2023-02-29T00:00:00Z", "2023-11-14T22:13:20", "1e400", "NaN", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z",
    ])
    func unreadableTimesAreRefusedInPrometheusWords(text: String) {
        do {
            let time = try APITime.timestamp(text)
            Issue.record("\(text) read as \(time)")
        } catch {
            #expect(error.description == "cannot parse \"\(text)\" to a valid timestamp")
        }
    }

    @Test func durationsReadAsFloatSecondsOrPrometheusDurations() throws {
        #expect(try APITime.duration("15s") == 15_000)
        #expect(try APITime.duration("1m30s") == 90_000)
        #expect(try APITime.duration("15") == 15_000)
        #expect(try APITime.duration("0.5") == 500)
        #expect(try APITime.duration("-1") == -1000)
        for text in ["Inf", "1e300"] {
            do {
                _ = try APITime.duration(text)
                Issue.record("\(text) read as a duration")
            } catch {
                #expect(error.description == "cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
        }
        do {
            _ = try APITime.duration("1e400")
            Issue.record("1e400 read as a duration")
        } catch {
            #expect(error.description == "cannot parse \"1e400\" to a valid duration")
        }
        do {
            _ = try APITime.duration("x")
            Issue.record("x read as a duration")
        } catch {
            #expect(error.description == "cannot parse \"x\" to a valid duration")
        }
    }

    @Test func formValuesDecodeAsGoParsesQueries() {
        let form = FormValues(pairs: FormValues.decode("query=sum(rate(x%5B5m%5D))+by+(job)&match%5B%5D=a&match[]=b&bad=%zz&empty"))
        #expect(form["query"] == "sum(rate(x[5m])) by (job)")
        #expect(form.all("match[]") == ["a", "b"])
        #expect(form["bad"] == "")
        #expect(form.all("empty") == [""])
        #expect(form["missing"] == "")
    }

    @Test func seriesSortAsPrometheusLabelsCompare() {
        let sets = [
            Labels(["__name__": "b"]), Labels(["__name__": "a", "z": "1"]), Labels(["__name__": "a"]),
            Labels(["__name__": "a", "job": "x"]), Labels(["__name__": "a", "job": "X"]),
        ]
        #expect(
            sets.sorted(by: Labels.prometheusOrder).map(\.description) == [
                "a", "a{job=\"X\"}", "a{job=\"x\"}", "a{z=\"1\"}", "b",
            ])
    }
}

/// The client's presence around an evaluation.
@Suite struct QueryExecutionTests {
    @Test func aClientLeavingCancelsTheEvaluation() async {
        let signal = DisconnectSignal()
        let cancelled = Task {
            try await Task.sleep(for: .milliseconds(50))
            signal.fire()
        }
        do {
            _ = try await QueryExecution.run(disconnect: signal) { () async throws(QueryError) -> Int in
                do { try await Task.sleep(for: .seconds(3600)) } catch { throw .canceled }
                return 1
            }
            Issue.record("not cancelled")
        } catch {
            #expect(error == .canceled)
        }
        _ = try? await cancelled.value
    }

    @Test func aQuickEvaluationAnswersAndErrorsPassThrough() async throws {
        let value = try await QueryExecution.run(disconnect: DisconnectSignal()) { () async throws(QueryError) in 42 }
        #expect(value == 42)
        do {
            _ = try await QueryExecution.run(disconnect: nil) { () async throws(QueryError) -> Int in
                throw .tooManySamples(limit: 10)
            }
        } catch {
            #expect(error == .tooManySamples(limit: 10))
            #expect(APIError(error).status == .unprocessableContent)
            #expect(APIError(error).errorType == "execution")
        }
        #expect(APIError(QueryError.timeout(limit: .seconds(1))).status == .serviceUnavailable)
        #expect(APIError(QueryError.canceled).errorType == "canceled")
        #expect(APIError(QueryError.storage(.io("x"))).status == .internalServerError)
    }
}

/// A handler learns when its client goes away, which Hummingbird alone does not tell it.
@Suite struct ClientDisconnectTests {
    @Test func aHandlerSeesItsClientLeave() async throws {
        let (events, record) = AsyncStream.makeStream(of: Bool.self)
        let router = Router(context: OspreyRequestContext.self)
        router.get("/wait") { _, context in
            let signal = await ClientDisconnectHandler.signal(of: context.channel)
            await signal?.wait()
            record.yield(signal != nil)
            return Response(status: .ok)
        }
        let app = Application(
            router: router, server: .http1(configuration: .init(additionalChannelHandlers: [ClientDisconnectHandler()])))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/wait")
            request.method = .GET
            // The client gives up and closes the connection while the handler still waits.
            await #expect(throws: (any Error).self) {
                _ = try await HTTPClient.shared.execute(request, timeout: .milliseconds(200))
            }
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == true)
        }
    }
}
