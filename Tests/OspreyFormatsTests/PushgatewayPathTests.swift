import OspreyFormats
import OspreyModel
import Testing

/// Pushgateway grouping paths are read by the pushgateway's rules: what it refuses with 400 is
/// refused here, so a path can neither rename a series nor store an escape it could not read.
@Suite struct PushgatewayPathTests {
    private func labels(_ path: String) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try PushgatewayPath.groupingLabels(path).map { ($0.name, $0.value) })
    }

    private func refusal(_ path: String) -> String? {
        do {
            _ = try PushgatewayPath.groupingLabels(path)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func pathsThePushgatewayTakes() throws {
        #expect(try labels("/metrics/job/backup") == ["job": "backup"])
        #expect(try labels("/metrics/job/backup/instance/db1/path@base64/L3Zhci94") == ["job": "backup", "instance": "db1", "path": "/var/x"])
        #expect(try labels("/metrics/job@base64/L3Zhci94") == ["job": "/var/x"])
        // Padding may be given or left out; `=` alone is the empty value.
        #expect(try labels("/metrics/job/j/a@base64/YQ==/b@base64/YQ/c@base64/=") == ["job": "j", "a": "a", "b": "a", "c": ""])
        #expect(try labels("/metrics/job/j/note/caf%C3%A9%20bar") == ["job": "j", "note": "café bar"])
        #expect(try labels("/metrics/job/j/_private/x/Name9/y") == ["job": "j", "_private": "x", "Name9": "y"])
        // As in the pushgateway: a later pair wins, but never over the job of the path.
        #expect(try labels("/metrics/job/j/a/1/a/2/job/other") == ["job": "j", "a": "2"])
    }

    @Test(arguments: [
        "/metrics/job/node/__name__/up", "/metrics/job/node/__address__/x", "/metrics/job/node/__meta_x@base64/eA",
        "/metrics/job/node/1abc/x", "/metrics/job/node/a-b/x", "/metrics/job/node/a.b/x", "/metrics/job/node//x",
        "/metrics/job/node/caf%C3%A9/x", "/metrics/job/node/@base64/eA",
    ])
    func reservedOrInvalidLabelNamesAreRefused(_ path: String) throws {
        let reason = try #require(refusal(path), "\(path) was taken")
        #expect(reason.contains("improper label name"), "\(reason)")
    }

    @Test(arguments: ["/metrics/job/node/instance/%ZZ", "/metrics/job/node/instance/a%2", "/metrics/job/node/instance/%", "/metrics/job/a%G1"])
    func invalidPercentEscapesAreRefused(_ path: String) throws {
        let reason = try #require(refusal(path), "\(path) was taken")
        #expect(reason.contains("invalid percent-escape"), "\(reason)")
    }

    @Test func escapesThatAreNotUTF8AreRefused() throws {
        let reason = try #require(refusal("/metrics/job/node/instance/%FF%FE"))
        #expect(reason.contains("does not decode to UTF-8"), "\(reason)")
    }

    @Test(arguments: [
        "/metrics/job/node/v@base64/a+b", "/metrics/job/node/v@base64/a", "/metrics/job/node/v@base64/%2F8", "/metrics/job/node/v@base64/_w",
    ])
    func badBase64IsRefused(_ path: String) throws {
        let reason = try #require(refusal(path), "\(path) was taken")
        #expect(reason.contains("base64"), "\(reason)")
    }

    @Test func theJobIsRequiredAndFirst() throws {
        #expect(refusal("/metrics/job/")?.contains("job name is required") == true)
        #expect(refusal("/metrics/job@base64/=")?.contains("job name is required") == true)
        #expect(refusal("/metrics/instance/x")?.contains("must start with /metrics/job/") == true)
        #expect(refusal("/metrics/job/a/instance")?.contains("must be /metrics/job/<job>") == true)
        #expect(refusal("/metrics/job")?.contains("must be /metrics/job/<job>") == true)
    }
}
